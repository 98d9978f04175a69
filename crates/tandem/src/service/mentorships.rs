//! Requests, the mentorship lifecycle, agreements and reflections. Each use case
//! loads the relationship, asks the access rules and the state machine, persists,
//! and returns a view.
use super::accounts::Caller;
use super::edits::ensure_fresh;
use super::paging::Listing;
use super::programs::{capacity_of, program_for};
use super::relationship::{self, status_of, FORMER_MEMBER};
use crate::domain::access::{program_access, Access, Kind, Part, ProgramAct, ProgramFacts};
use crate::domain::lifecycle::{
    allowed_actions, decide, needs_confirmation, Confirmation, Outcome,
};
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::values::{in_range, text, Problems};
use crate::domain::versions::Expected;
use crate::domain::wire::{Action, EndReason, MentorshipStatus as S, Origin, ProgramKind, Role};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::db::new_id;
use crate::store::db::Connection;
use crate::store::entities::{agreement, agreement_signature, mentorship, program, reflection};
use crate::store::records::MentorshipRecord;
use crate::store::{accounts, mentorships as store, programs};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RequestIn {
    pub program_id: String,
    pub mentor_id: String,
    /// A brief introduction of yourself.
    #[schema(min_length = 1, max_length = 2000)]
    pub intro: String,
    /// Why this mentor.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reasons: String,
    /// What you ask for, e.g. a first conversation.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub ask: String,
}

/// A participant as shown on a mentorship; `id` is null once they erased their account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub id: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MenteeMember {
    pub id: Option<String>,
    pub name: String,
    /// For proposed matches: whether this mentee has accepted.
    pub accepted: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorshipOut {
    pub id: String,
    pub program_id: String,
    pub program_name: String,
    pub program_kind: ProgramKind,
    pub mentor: Member,
    pub mentor_accepted: bool,
    pub mentees: Vec<MenteeMember>,
    pub status: S,
    pub origin: Origin,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<EndReason>,
    pub merged_into: Option<String>,
    /// The request's three parts and the answers: participants only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_note: Option<String>,
    /// What the caller may do now.
    pub allowed_actions: Vec<Action>,
    /// The caller's part: `mentor`, `mentee`, or null for a coordinator looking on.
    pub my_role: Option<Role>,
}

impl MentorshipOut {
    /// The mentees' names, comma-separated, for tables.
    pub fn mentee_names(&self) -> String {
        self.mentees
            .iter()
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether this person has accepted a proposed match.
    pub fn accepted_by(&self, user_id: &str) -> bool {
        if self.mentor.id.as_deref() == Some(user_id) {
            self.mentor_accepted
        } else {
            self.mentees
                .iter()
                .any(|x| x.id.as_deref() == Some(user_id) && x.accepted)
        }
    }

    /// A request to answer or a proposal to accept, waiting on this person.
    pub fn waits_on(&self, user_id: &str) -> bool {
        (self.status == S::Requested && self.mentor.id.as_deref() == Some(user_id))
            || (self.status == S::Proposed
                && self.allowed_actions.contains(&Action::Accept)
                && !self.accepted_by(user_id))
    }
}

/// What the caller may do now, less an acceptance they already gave.
fn allowed_for(r: &MentorshipRecord, status: S, access: Access, user_id: &str) -> Vec<Action> {
    let already_accepted = status == S::Proposed
        && match access.part() {
            Some(Part::Mentor) => r.m.mentor_accepted,
            Some(Part::Mentee) => r
                .mentees
                .iter()
                .any(|x| x.mentee_id.as_deref() == Some(user_id) && x.accepted),
            None => false,
        };
    let mut actions = allowed_actions(status, access);
    if already_accepted {
        actions.retain(|a| *a != Action::Accept);
    }
    actions
}

/// The relationship as this caller may see it, as of `now`.
pub(super) fn view(
    r: &MentorshipRecord,
    access: Access,
    viewer: &str,
    now: DateTime<Utc>,
) -> MentorshipOut {
    let m = &r.m;
    let status = status_of(r, now);
    let part = access.take_part(Kind::Request).ok();
    let content = |s: &String| part.map(|_| s.clone());
    MentorshipOut {
        id: m.id.clone(),
        program_id: m.program_id.clone(),
        program_name: r.program_name.clone(),
        program_kind: r.program_kind,
        mentor: Member {
            id: m.mentor_id.clone(),
            name: r
                .mentor_name
                .clone()
                .unwrap_or_else(|| FORMER_MEMBER.into()),
        },
        mentor_accepted: m.mentor_accepted,
        mentees: r
            .mentees
            .iter()
            .map(|x| MenteeMember {
                id: x.mentee_id.clone(),
                name: x.name.clone().unwrap_or_else(|| FORMER_MEMBER.into()),
                accepted: x.accepted,
            })
            .collect(),
        status,
        origin: m.origin,
        created_at: m.created_at,
        expires_at: m.expires_at,
        started_at: m.started_at,
        ended_at: match (status, m.ended_at) {
            (S::Expired, None) => m.expires_at,
            (_, at) => at,
        },
        end_reason: m.end_reason,
        merged_into: m.merged_into.clone(),
        intro: content(&m.intro),
        reasons: content(&m.reasons),
        ask: content(&m.ask),
        decline_reason: part.and(m.decline_reason.clone()),
        end_note: part.and(m.end_note.clone()),
        allowed_actions: allowed_for(r, status, access, viewer),
        my_role: access.part().map(Part::role),
    }
}

/// One relationship, as far as the caller may know it (404 otherwise).
pub async fn get(state: &AppState, caller: &Caller, id: &str) -> AppResult<MentorshipOut> {
    let rel = relationship::read(state, caller, id, Kind::Relationship).await?;
    Ok(view(
        &rel.record,
        rel.access,
        caller.id(),
        state.clock.now(),
    ))
}

fn mentorship_cursor(m: &Arc<MentorshipRecord>) -> Cursor {
    Cursor::of_time_and_id(m.m.created_at, &m.m.id)
}

/// The caller's mentorships and requests, newest first, optionally of one status.
pub async fn mine(
    state: &AppState,
    caller: &Caller,
    status: Option<S>,
    page: &PageRequest,
) -> AppResult<Listing<MentorshipOut>> {
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let now = state.clock.now();
    let rows = match status {
        None => store::involving_page_cached(&state.store, caller.id(), after, page.fetch())
            .await?
            .0
            .clone(),
        Some(status) => store::involving_page(
            state.store.read(),
            caller.id(),
            Some((status, now)),
            after,
            page.fetch(),
        )
        .await?
        .into_iter()
        .map(Arc::new)
        .collect(),
    };
    let (rows, next_cursor) = page.finish(rows, mentorship_cursor);
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let access = relationship::access_cached(state, caller, r).await?;
        items.push(view(r, access, caller.id(), now));
    }
    Ok(Listing { items, next_cursor })
}

/// Relationships of a program, for those who run it: who, status, dates; no content.
pub async fn of_program(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    page: &PageRequest,
) -> AppResult<Listing<MentorshipOut>> {
    let record = program_for(state, caller, program_id, ProgramAct::SeeRelationships).await?;
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let rows = store::of_program_page(state.store.read(), program_id, after, page.fetch()).await?;
    let rows: Vec<Arc<MentorshipRecord>> = rows.into_iter().map(Arc::new).collect();
    let (rows, next_cursor) = page.finish(rows, mentorship_cursor);
    let coordinators = record.coordinator_ids();
    let now = state.clock.now();
    let items = rows
        .iter()
        .map(|r| {
            let access = relationship::standing(caller, r, &coordinators);
            view(r, access, caller.id(), now)
        })
        .collect();
    Ok(Listing { items, next_cursor })
}

/// Every relationship of the caller, newest first, as stored (the dashboard's).
pub async fn all_records(
    state: &AppState,
    caller: &Caller,
) -> AppResult<Vec<Arc<MentorshipRecord>>> {
    let all = PageRequest::all();
    Ok(
        store::involving_page_cached(&state.store, caller.id(), None, all.fetch())
            .await?
            .0
            .clone(),
    )
}

/// Refuses when the mentor has no place left in the program.
async fn ensure_mentor_has_room(
    db: &impl Connection,
    program: &program::Model,
    mentor_id: &str,
) -> AppResult<()> {
    let mentor = programs::enrollment_as(db, &program.id, mentor_id, Role::Mentor)
        .await?
        .ok_or_else(|| {
            AppError::conflict(
                "not_a_mentor",
                "this person no longer mentors in the program",
            )
        })?;
    if programs::used_capacity(db, &program.id, mentor_id).await? >= capacity_of(program, &mentor) {
        return Err(AppError::conflict(
            "mentor_at_capacity",
            "this mentor has no room for another mentee right now",
        ));
    }
    Ok(())
}

/// A mentee asks a mentor (SPEC §5 Finding and requesting).
pub async fn request(
    state: &AppState,
    caller: &Caller,
    input: &RequestIn,
) -> AppResult<MentorshipOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let program = programs::program_by_id(&tx, &input.program_id)
        .await?
        .ok_or_else(|| AppError::field("program_id", "no such program"))?;
    let enrolled_as = programs::roles_in(&tx, &program.id, caller.id()).await?;
    program_access(
        caller.viewer(),
        &ProgramFacts {
            coordinators: &[],
            enrolled_as: &enrolled_as,
        },
        ProgramAct::AskForMentor,
    )?;
    let mut p = Problems::default();
    let intro = p.take("intro", text(&input.intro, 2000, true));
    let reasons = p.take("reasons", text(&input.reasons, 2000, false));
    let ask = p.take("ask", text(&input.ask, 1000, false));
    if input.mentor_id == caller.id() {
        p.add("mentor_id", "you cannot ask yourself to be your mentor");
    }
    p.finish()?;
    if programs::enrollment_as(&tx, &program.id, &input.mentor_id, Role::Mentor)
        .await?
        .is_none()
    {
        return Err(AppError::field(
            "mentor_id",
            "this person is not a mentor in the program",
        ));
    }
    // Both people's open requests and places are decided under their locks, in any program.
    accounts::lock_people(&tx, &[caller.id(), &input.mentor_id]).await?;
    if store::open_between(&tx, caller.id(), &input.mentor_id, now).await? {
        return Err(AppError::conflict(
            "duplicate",
            "you already have an open request or relationship with this person",
        ));
    }
    ensure_mentor_has_room(&tx, &program, &input.mentor_id).await?;
    if store::mentee_load(&tx, &program.id, caller.id(), now).await?
        >= program.max_mentors_per_mentee as i64
    {
        return Err(AppError::conflict(
            "mentee_limit_reached",
            format!(
                "this program allows {} mentor(s) at a time, counting open requests",
                program.max_mentors_per_mentee
            ),
        ));
    }
    let id = new_id();
    store::insert(
        &tx,
        mentorship::Model {
            id: id.clone(),
            program_id: program.id.clone(),
            mentor_id: Some(input.mentor_id.clone()),
            status: S::Requested,
            origin: Origin::Request,
            intro: intro.unwrap_or_default(),
            reasons: reasons.unwrap_or_default(),
            ask: ask.unwrap_or_default(),
            decline_reason: None,
            merged_into: None,
            mentor_accepted: false,
            created_at: now,
            expires_at: Some(now + Duration::days(program.request_expiry_days as i64)),
            started_at: None,
            ended_at: None,
            end_reason: None,
            end_note: None,
        },
    )
    .await?;
    store::add_seat(&tx, &id, caller.id(), true, now).await?;
    let r = store::with_members(&tx, &id)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    tx.commit().await?;
    let access = relationship::standing(caller, &r, &[]);
    Ok(view(&r, access, caller.id(), now))
}

/// A proposed mentorship (from a round or a coordinator) between a mentor and a mentee.
pub(super) async fn insert_proposal(
    db: &impl Connection,
    program_id: &str,
    mentor_id: &str,
    mentee_id: &str,
    origin: Origin,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let id = new_id();
    store::insert(
        db,
        mentorship::Model {
            id: id.clone(),
            program_id: program_id.to_string(),
            mentor_id: Some(mentor_id.to_string()),
            status: S::Proposed,
            origin,
            intro: String::new(),
            reasons: String::new(),
            ask: String::new(),
            decline_reason: None,
            merged_into: None,
            mentor_accepted: false,
            created_at: now,
            expires_at: None,
            started_at: None,
            ended_at: None,
            end_reason: None,
            end_note: None,
        },
    )
    .await?;
    store::add_seat(db, &id, mentee_id, false, now).await?;
    Ok(id)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionIn {
    /// `/decline`: why (shown to the other side).
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    /// `/end`: an optional note.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// `/complete`: the caller's reflection on the relationship.
    #[schema(max_length = 5000)]
    pub reflection: Option<String>,
}

/// What `/end` takes: why it ends, and a note if you like.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct EndIn {
    /// One of the reasons a participant may give (the document lists them).
    pub reason: String,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Runs one lifecycle action; checks and change happen in one transaction. Who may
/// act is decided first; then whether a step that cannot be undone was confirmed.
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
    input: &ActionIn,
    confirmation: Confirmation,
) -> AppResult<MentorshipOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let rel = relationship::lock(&tx, caller, id).await?;
    let status = rel.status(now);
    let part = rel.access.may_act(status, action)?;
    let mut p = Problems::default();
    // Every field sent is checked, whatever the action reads.
    let decline_reason = match action {
        Action::End => None,
        _ => p.take(
            "reason",
            text(input.reason.as_deref().unwrap_or(""), 1000, false),
        ),
    };
    let end_reason = match action {
        Action::End => p.take(
            "reason",
            EndReason::parse_chosen(input.reason.as_deref().unwrap_or("")),
        ),
        _ => None,
    };
    let note = p.take(
        "note",
        text(input.note.as_deref().unwrap_or(""), 2000, false),
    );
    let reflection = p.take(
        "reflection",
        text(input.reflection.as_deref().unwrap_or(""), 5000, false),
    );
    p.finish()?;
    if needs_confirmation(action) && confirmation == Confirmation::Missing {
        return Err(AppError::unprocessable(
            "confirmation_required",
            format!(
                "nothing changed: tick the box to confirm you want it {}; it cannot be undone",
                action.past()
            ),
        ));
    }
    let outcome = decide(status, action)?;
    let mut r = Arc::unwrap_or_clone(rel.record);
    let program = programs::program_by_id(&tx, &r.m.program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    let mut answer_id = r.m.id.clone();
    let before = r.m.clone();
    let mut row = r.m.clone();
    match outcome {
        Outcome::To(S::Active) if status == S::Requested => {
            let mentor_id = r.m.mentor_id.clone().unwrap_or_default();
            accounts::lock_people(&tx, &[&mentor_id]).await?;
            ensure_mentor_has_room(&tx, &program, &mentor_id).await?;
            if program.kind == ProgramKind::Group {
                answer_id = merge_into_group(&tx, &program, &mentor_id, &r, now).await?;
                row.status = S::Merged;
                row.merged_into = Some(answer_id.clone());
                row.ended_at = Some(now);
            } else {
                row.status = S::Active;
                row.started_at = Some(now);
                row.mentor_accepted = true;
            }
        }
        Outcome::RecordAcceptance => {
            if part == Part::Mentor {
                row.mentor_accepted = true;
            } else {
                for seat in r
                    .mentees
                    .iter_mut()
                    .filter(|x| x.mentee_id.as_deref() == Some(caller.id()))
                {
                    store::accept_seat(&tx, &seat.row_id).await?;
                    seat.accepted = true;
                }
            }
            if row.mentor_accepted && r.mentees.iter().all(|x| x.accepted) {
                row.status = S::Active;
                row.started_at = Some(now);
            }
        }
        Outcome::To(next) => {
            row.status = next;
            match next {
                S::Declined => {
                    row.decline_reason = decline_reason.filter(|r| !r.is_empty());
                    row.ended_at = Some(now);
                }
                S::Withdrawn | S::Completed => row.ended_at = Some(now),
                S::Ended => {
                    row.ended_at = Some(now);
                    row.end_reason = end_reason;
                    row.end_note = note.filter(|n| !n.is_empty());
                }
                _ => {}
            }
        }
    }
    store::update(&tx, before, row).await?;
    if action == Action::Complete {
        if let Some(text) = reflection.filter(|r| !r.is_empty()) {
            store::save_reflection(&tx, &r.m.id, caller.id(), text, now).await?;
        }
    }
    let answer = store::with_members(&tx, &answer_id)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    tx.commit().await?;
    let access = relationship::standing(caller, &answer, &[]);
    Ok(view(&answer, access, caller.id(), now))
}

/// Group programs keep one mentorship per mentor; an accepted request joins it.
async fn merge_into_group(
    db: &impl Connection,
    program: &program::Model,
    mentor_id: &str,
    request: &MentorshipRecord,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let group_id = match store::group_of(db, &program.id, mentor_id).await? {
        Some(id) => id,
        None => {
            let id = new_id();
            store::insert(
                db,
                mentorship::Model {
                    id: id.clone(),
                    program_id: program.id.clone(),
                    mentor_id: Some(mentor_id.to_string()),
                    status: S::Active,
                    origin: Origin::Request,
                    intro: String::new(),
                    reasons: String::new(),
                    ask: String::new(),
                    decline_reason: None,
                    merged_into: None,
                    mentor_accepted: true,
                    created_at: now,
                    expires_at: None,
                    started_at: Some(now),
                    ended_at: None,
                    end_reason: None,
                    end_note: None,
                },
            )
            .await?;
            id
        }
    };
    for mentee in request.mentee_ids() {
        store::add_seat(db, &group_id, mentee, true, now).await?;
    }
    Ok(group_id)
}

/// Writes down the expiry of requests whose time ran out (the background job).
pub async fn expire_due(state: &AppState) -> AppResult<u64> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let done = store::expire_due(&tx, now).await?;
    tx.commit().await?;
    Ok(done)
}

// ------------------------------------------------------------------ agreements

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AgreementIn {
    /// What the two want to reach together.
    #[schema(required = true, min_length = 1, max_length = 5000)]
    pub goals: String,
    /// 1–365 (default 14).
    #[schema(minimum = 1, maximum = 365)]
    pub cadence_days: Option<i64>,
    /// 5–480 (default 60).
    #[schema(minimum = 5, maximum = 480)]
    pub meeting_minutes: Option<i64>,
    /// Where they meet: video call, coffee, phone…
    #[schema(max_length = 200)]
    pub channel: String,
    #[schema(max_length = 5000)]
    pub boundaries: String,
    #[schema(max_length = 5000)]
    pub confidentiality: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgreementOut {
    pub mentorship_id: String,
    pub goals: String,
    pub cadence_days: i32,
    pub meeting_minutes: i32,
    pub channel: String,
    pub boundaries: String,
    pub confidentiality: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    /// Raised by every change of the terms; send it back as `If-Match` to change it safely.
    pub version: i32,
    /// Who has signed the current text.
    pub signed_by: Vec<String>,
    /// When the last participant signed; null until everyone has.
    pub signed_at: Option<DateTime<Utc>>,
    pub fully_signed: bool,
}

pub(super) fn agreement_view(
    r: &MentorshipRecord,
    a: agreement::Model,
    sigs: &[agreement_signature::Model],
) -> AgreementOut {
    let needed = r.participant_ids();
    let fully = !needed.is_empty() && needed.iter().all(|p| sigs.iter().any(|s| s.user_id == *p));
    AgreementOut {
        mentorship_id: a.mentorship_id,
        goals: a.goals,
        cadence_days: a.cadence_days,
        meeting_minutes: a.meeting_minutes,
        channel: a.channel,
        boundaries: a.boundaries,
        confidentiality: a.confidentiality,
        updated_by: a.updated_by,
        updated_at: a.updated_at,
        version: a.version,
        signed_by: sigs.iter().map(|s| s.user_id.clone()).collect(),
        signed_at: if fully {
            sigs.iter().map(|s| s.signed_at).max()
        } else {
            None
        },
        fully_signed: fully,
    }
}

async fn agreement_in(
    db: &impl Connection,
    r: &MentorshipRecord,
) -> AppResult<Option<AgreementOut>> {
    let Some(a) = store::agreement_of(db, &r.m.id).await? else {
        return Ok(None);
    };
    let sigs = store::signatures_of(db, &r.m.id).await?;
    Ok(Some(agreement_view(r, a, &sigs)))
}

/// The agreement (participants); 404 while none is written.
pub async fn get_agreement(state: &AppState, caller: &Caller, id: &str) -> AppResult<AgreementOut> {
    let (rel, _) = relationship::read_part(state, caller, id, Kind::Agreement).await?;
    agreement_in(state.store.read(), &rel.record)
        .await?
        .ok_or(AppError::NotFound("agreement"))
}

fn ensure_running(status: S) -> AppResult<()> {
    match status {
        S::Active | S::Paused => Ok(()),
        other => Err(AppError::conflict(
            "invalid_transition",
            format!("the agreement of a {other} mentorship cannot change"),
        )),
    }
}

/// Writes the agreement; any change to the terms clears the signatures and raises
/// its version. A change made on an older version (`expected`) is refused.
pub async fn put_agreement(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AgreementIn,
    expected: Expected,
) -> AppResult<AgreementOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, id, Kind::Agreement).await?;
    let mut p = Problems::default();
    let goals = p.take("goals", text(&input.goals, 5000, true));
    let cadence = p.take(
        "cadence_days",
        in_range(input.cadence_days.unwrap_or(14), 1, 365),
    );
    let minutes = p.take(
        "meeting_minutes",
        in_range(input.meeting_minutes.unwrap_or(60), 5, 480),
    );
    let channel = p.take("channel", text(&input.channel, 200, false));
    let boundaries = p.take("boundaries", text(&input.boundaries, 5000, false));
    let confidentiality = p.take("confidentiality", text(&input.confidentiality, 5000, false));
    p.finish()?;
    ensure_running(rel.status(now))?;
    let r = &rel.record;
    let current = store::agreement_of(&tx, id).await?;
    if let Some(current) = &current {
        let signatures = store::signatures_of(&tx, id).await?;
        ensure_fresh(expected, current.version, "agreement", || {
            agreement_view(r, current.clone(), &signatures)
        })?;
    }
    let terms = store::Terms {
        goals: goals.unwrap_or_default(),
        cadence_days: cadence.unwrap_or(14),
        meeting_minutes: minutes.unwrap_or(60),
        channel: channel.unwrap_or_default(),
        boundaries: boundaries.unwrap_or_default(),
        confidentiality: confidentiality.unwrap_or_default(),
    };
    store::write_agreement(&tx, id, current, terms, caller.id(), now).await?;
    let out = agreement_in(&tx, r)
        .await?
        .ok_or(AppError::NotFound("agreement"))?;
    tx.commit().await?;
    Ok(out)
}

pub async fn sign_agreement(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<AgreementOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, id, Kind::Agreement).await?;
    ensure_running(rel.status(now))?;
    let r = &rel.record;
    if store::agreement_of(&tx, id).await?.is_none() {
        return Err(AppError::conflict(
            "no_agreement",
            "write the agreement before signing it",
        ));
    }
    store::sign(&tx, id, caller.id(), now).await?;
    let out = agreement_in(&tx, r)
        .await?
        .ok_or(AppError::NotFound("agreement"))?;
    tx.commit().await?;
    Ok(out)
}

// ------------------------------------------------------------------ reflections

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReflectionIn {
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReflectionOut {
    pub mentorship_id: String,
    pub author_id: String,
    pub text: String,
    pub written_at: DateTime<Utc>,
}

impl From<reflection::Model> for ReflectionOut {
    fn from(r: reflection::Model) -> Self {
        ReflectionOut {
            mentorship_id: r.mentorship_id,
            author_id: r.user_id,
            text: r.text,
            written_at: r.written_at,
        }
    }
}

pub async fn put_reflection(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ReflectionIn,
) -> AppResult<ReflectionOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, id, Kind::Reflection).await?;
    let body = text(&input.text, 5000, true).map_err(|e| AppError::field("text", e))?;
    if rel.record.m.status != S::Completed {
        return Err(AppError::conflict(
            "invalid_transition",
            "reflections are written once a mentorship is completed",
        ));
    }
    let saved = store::save_reflection(&tx, id, caller.id(), body, now).await?;
    tx.commit().await?;
    Ok(ReflectionOut::from(saved))
}

/// Reflections of a mentorship, for its participants.
pub async fn reflections(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<Vec<ReflectionOut>> {
    relationship::read_part(state, caller, id, Kind::Reflection).await?;
    Ok(store::reflections_of(state.store.read(), &[id.to_string()])
        .await?
        .into_iter()
        .map(ReflectionOut::from)
        .collect())
}

// ------------------------------------------------------------------ export

/// A mentorship with everything the caller may read of it, for the export.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorshipExport {
    pub mentorship: MentorshipOut,
    pub agreement: Option<AgreementOut>,
    pub reflections: Vec<ReflectionOut>,
}

/// Every relationship of the caller with its agreement and reflections.
pub async fn export_for(state: &AppState, caller: &Caller) -> AppResult<Vec<MentorshipExport>> {
    let db = state.store.read();
    let records: Vec<MentorshipRecord> =
        store::involving_page(db, caller.id(), None, None, PageRequest::all().fetch()).await?;
    let ids: Vec<String> = records.iter().map(|r| r.m.id.clone()).collect();
    let (agreements, signatures) = store::agreements_of(db, &ids).await?;
    let reflections = store::reflections_of(db, &ids).await?;
    let now = state.clock.now();
    Ok(records
        .iter()
        .map(|r| {
            // The caller's own relationships: they take part in each.
            let access = relationship::standing(caller, r, &[]);
            let sigs: Vec<agreement_signature::Model> = signatures
                .iter()
                .filter(|s| s.mentorship_id == r.m.id)
                .cloned()
                .collect();
            MentorshipExport {
                mentorship: view(r, access, caller.id(), now),
                agreement: agreements
                    .iter()
                    .find(|a| a.mentorship_id == r.m.id)
                    .cloned()
                    .map(|a| agreement_view(r, a, &sigs)),
                reflections: reflections
                    .iter()
                    .filter(|x| x.mentorship_id == r.m.id)
                    .cloned()
                    .map(ReflectionOut::from)
                    .collect(),
            }
        })
        .collect())
}
