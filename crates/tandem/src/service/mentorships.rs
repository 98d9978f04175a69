//! Requests, the mentorship lifecycle, agreements and reflections.
use crate::auth::Caller;
use crate::domain::{
    self, decide, text, Action, EndReason, MentorshipStatus as S, Origin, Outcome, Part, Problems,
    ProgramKind, Refusal, Role,
};
use crate::error::{AppError, AppResult};
use crate::service::programs::{self, capacity_of, enrollment_of, used_capacity};
use crate::store::entities::{
    agreement, agreement_signature, enrollment, mentorship, mentorship_mentee, program, reflection,
    user,
};
use crate::store::new_id;
use crate::AppState;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RequestIn {
    pub program_id: String,
    pub mentor_id: String,
    /// A brief introduction of yourself.
    pub intro: String,
    /// Why this mentor.
    #[serde(default)]
    pub reasons: String,
    /// What you ask for, e.g. a first conversation.
    #[serde(default)]
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
    pub end_reason: Option<String>,
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
    /// What the caller may do now (`accept`, `decline`, `withdraw`, `pause`, `resume`, `complete`, `end`).
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
}

struct Loaded {
    m: mentorship::Model,
    mentees: Vec<mentorship_mentee::Model>,
}

impl Loaded {
    fn part_of(&self, user_id: &str) -> Option<Part> {
        if self.m.mentor_id.as_deref() == Some(user_id) {
            Some(Part::Mentor)
        } else if self
            .mentees
            .iter()
            .any(|x| x.mentee_id.as_deref() == Some(user_id))
        {
            Some(Part::Mentee)
        } else {
            None
        }
    }

    fn participant_ids(&self) -> Vec<String> {
        self.m
            .mentor_id
            .iter()
            .cloned()
            .chain(self.mentees.iter().filter_map(|x| x.mentee_id.clone()))
            .collect()
    }

    fn status(&self) -> S {
        S::parse(&self.m.status).unwrap_or(S::Ended)
    }
}

/// How the caller stands towards a mentorship.
enum Standing {
    Participant(Part),
    /// A coordinator of its program or an admin: knows it exists, never reads its content.
    Overseer,
}

async fn load(db: &impl ConnectionTrait, id: &str, lock: bool) -> AppResult<Option<Loaded>> {
    let mut q = mentorship::Entity::find_by_id(id.to_string());
    if lock {
        q = q.lock_exclusive();
    }
    let Some(m) = q.one(db).await? else {
        return Ok(None);
    };
    let mentees = mentorship_mentee::Entity::find()
        .filter(mentorship_mentee::Column::MentorshipId.eq(m.id.as_str()))
        .order_by_asc(mentorship_mentee::Column::JoinedAt)
        .order_by_asc(mentorship_mentee::Column::Id)
        .all(db)
        .await?;
    Ok(Some(Loaded { m, mentees }))
}

/// Loads a mentorship the caller may know about; 404 for everyone else.
async fn load_visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    id: &str,
    lock: bool,
) -> AppResult<(Loaded, Standing)> {
    let loaded = load(db, id, lock)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    if let Some(part) = loaded.part_of(caller.id()) {
        return Ok((loaded, Standing::Participant(part)));
    }
    if programs::can_run(db, caller, &loaded.m.program_id).await? {
        return Ok((loaded, Standing::Overseer));
    }
    Err(AppError::NotFound("mentorship"))
}

fn participant(standing: &Standing) -> AppResult<Part> {
    match standing {
        Standing::Participant(part) => Ok(*part),
        Standing::Overseer => Err(AppError::forbidden(
            "what a pair shares stays between them; coordinators see only status and dates",
        )),
    }
}

async fn name_of(db: &impl ConnectionTrait, id: &Option<String>) -> AppResult<String> {
    Ok(match id {
        Some(id) => user::Entity::find_by_id(id.clone())
            .one(db)
            .await?
            .map(|u| u.name),
        None => None,
    }
    .unwrap_or_else(|| "Former member".into()))
}

async fn view(
    db: &impl ConnectionTrait,
    loaded: &Loaded,
    standing: &Standing,
    viewer: &str,
) -> AppResult<MentorshipOut> {
    let m = &loaded.m;
    let program = programs::find(db, &m.program_id).await?;
    let mut mentees = Vec::new();
    for x in &loaded.mentees {
        mentees.push(MenteeMember {
            id: x.mentee_id.clone(),
            name: name_of(db, &x.mentee_id).await?,
            accepted: x.accepted,
        });
    }
    let part = match standing {
        Standing::Participant(p) => Some(*p),
        Standing::Overseer => None,
    };
    let content = |s: &String| part.map(|_| s.clone());
    Ok(MentorshipOut {
        id: m.id.clone(),
        program_id: m.program_id.clone(),
        program_name: program.name.clone(),
        program_kind: ProgramKind::parse(&program.kind).unwrap_or(ProgramKind::Traditional),
        mentor: Member {
            id: m.mentor_id.clone(),
            name: name_of(db, &m.mentor_id).await?,
        },
        mentor_accepted: m.mentor_accepted,
        mentees,
        status: loaded.status(),
        origin: Origin::parse(&m.origin).unwrap_or(Origin::Request),
        created_at: m.created_at,
        expires_at: m.expires_at,
        started_at: m.started_at,
        ended_at: m.ended_at,
        end_reason: m.end_reason.clone(),
        merged_into: m.merged_into.clone(),
        intro: content(&m.intro),
        reasons: content(&m.reasons),
        ask: content(&m.ask),
        decline_reason: part.and(m.decline_reason.clone()),
        end_note: part.and(m.end_note.clone()),
        allowed_actions: part
            .map(|p| allowed_for(loaded, p, viewer))
            .unwrap_or_default(),
        my_role: part.map(|p| {
            if p == Part::Mentor {
                Role::Mentor
            } else {
                Role::Mentee
            }
        }),
    })
}

/// The state machine's answer, less an acceptance this participant already gave.
fn allowed_for(loaded: &Loaded, part: Part, user_id: &str) -> Vec<Action> {
    let already_accepted = loaded.status() == S::Proposed
        && match part {
            Part::Mentor => loaded.m.mentor_accepted,
            Part::Mentee => loaded
                .mentees
                .iter()
                .any(|x| x.mentee_id.as_deref() == Some(user_id) && x.accepted),
        };
    let mut actions = domain::allowed_actions(loaded.status(), part);
    if already_accepted {
        actions.retain(|a| *a != Action::Accept);
    }
    actions
}

/// Requests past their `expires_at` become `expired`.
pub async fn expire_due(state: &AppState) -> AppResult<u64> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let done = expire_due_in(&*tx, now).await?;
    tx.commit().await?;
    Ok(done)
}

async fn expire_due_in(db: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<u64> {
    let res = mentorship::Entity::update_many()
        .col_expr(mentorship::Column::Status, Expr::value(S::Expired.as_str()))
        .col_expr(mentorship::Column::EndedAt, Expr::value(now))
        .filter(mentorship::Column::Status.eq(S::Requested.as_str()))
        .filter(mentorship::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

async fn mentorship_ids_as_mentee(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> AppResult<Vec<String>> {
    Ok(mentorship_mentee::Entity::find()
        .filter(mentorship_mentee::Column::MenteeId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|x| x.mentorship_id)
        .collect())
}

/// Mentorships in which the person takes part, as mentor or as mentee.
async fn involving(db: &impl ConnectionTrait, user_id: &str) -> AppResult<Condition> {
    let as_mentee = mentorship_ids_as_mentee(db, user_id).await?;
    Ok(Condition::any()
        .add(mentorship::Column::MentorId.eq(user_id))
        .add(mentorship::Column::Id.is_in(as_mentee)))
}

/// An open request or relationship between the two people, whoever mentors whom.
async fn open_between(db: &impl ConnectionTrait, a: &str, b: &str) -> AppResult<bool> {
    let as_mentee_a = mentorship_ids_as_mentee(db, a).await?;
    let as_mentee_b = mentorship_ids_as_mentee(db, b).await?;
    let found = mentorship::Entity::find()
        .filter(mentorship::Column::Status.is_in(S::strs(S::OPEN)))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(mentorship::Column::MentorId.eq(a))
                        .add(mentorship::Column::Id.is_in(as_mentee_b)),
                )
                .add(
                    Condition::all()
                        .add(mentorship::Column::MentorId.eq(b))
                        .add(mentorship::Column::Id.is_in(as_mentee_a)),
                ),
        )
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Open requests and relationships a mentee has in a program.
async fn mentee_load(
    db: &impl ConnectionTrait,
    program_id: &str,
    mentee_id: &str,
) -> AppResult<usize> {
    let ids = mentorship_ids_as_mentee(db, mentee_id).await?;
    Ok(mentorship::Entity::find()
        .filter(mentorship::Column::ProgramId.eq(program_id))
        .filter(mentorship::Column::Id.is_in(ids))
        .filter(mentorship::Column::Status.is_in(S::strs(S::OPEN)))
        .all(db)
        .await?
        .len())
}

/// Locks the enrolments involved so concurrent writers on PostgreSQL queue up;
/// on SQLite the store's writer slot already serialises them.
async fn lock_enrollments(
    db: &impl ConnectionTrait,
    program_id: &str,
    people: &[&str],
) -> AppResult<()> {
    enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .filter(enrollment::Column::UserId.is_in(people.iter().map(|s| s.to_string())))
        .order_by_asc(enrollment::Column::Id)
        .lock_exclusive()
        .all(db)
        .await?;
    Ok(())
}

async fn ensure_mentor_has_room(
    db: &impl ConnectionTrait,
    program: &program::Model,
    mentor_id: &str,
) -> AppResult<()> {
    let mentor = enrollment_of(db, &program.id, mentor_id, Role::Mentor)
        .await?
        .ok_or_else(|| {
            AppError::conflict(
                "not_a_mentor",
                "this person no longer mentors in the program",
            )
        })?;
    if used_capacity(db, &program.id, mentor_id).await? >= capacity_of(program, &mentor) {
        return Err(AppError::conflict(
            "mentor_at_capacity",
            "this mentor has no room for another mentee right now",
        ));
    }
    Ok(())
}

pub async fn request(
    state: &AppState,
    caller: &Caller,
    input: &RequestIn,
) -> AppResult<MentorshipOut> {
    let mut p = Problems::default();
    let intro = p.take("intro", text(&input.intro, 2000, true));
    let reasons = p.take("reasons", text(&input.reasons, 2000, false));
    let ask = p.take("ask", text(&input.ask, 1000, false));
    if input.mentor_id == caller.id() {
        p.add("mentor_id", "you cannot ask yourself to be your mentor");
    }
    p.finish()?;
    let db = &state.store.db;
    let program = programs::find(db, &input.program_id)
        .await
        .map_err(|_| AppError::field("program_id", "no such program"))?;
    if enrollment_of(db, &program.id, caller.id(), Role::Mentee)
        .await?
        .is_none()
    {
        return Err(AppError::unprocessable(
            "not_enrolled",
            "enrol in this program as a mentee before asking for a mentor",
        ));
    }
    if enrollment_of(db, &program.id, &input.mentor_id, Role::Mentor)
        .await?
        .is_none()
    {
        return Err(AppError::field(
            "mentor_id",
            "this person is not a mentor in the program",
        ));
    }
    let now = state.clock.now();
    let tx = state.store.write().await?;
    expire_due_in(&*tx, now).await?;
    lock_enrollments(&*tx, &program.id, &[caller.id(), &input.mentor_id]).await?;
    if open_between(&*tx, caller.id(), &input.mentor_id).await? {
        return Err(AppError::conflict(
            "duplicate",
            "you already have an open request or relationship with this person",
        ));
    }
    ensure_mentor_has_room(&*tx, &program, &input.mentor_id).await?;
    if mentee_load(&*tx, &program.id, caller.id()).await? >= program.max_mentors_per_mentee as usize
    {
        return Err(AppError::conflict(
            "mentee_limit_reached",
            format!(
                "this program allows {} mentor(s) at a time, counting open requests",
                program.max_mentors_per_mentee
            ),
        ));
    }
    let m = mentorship::ActiveModel {
        id: Set(new_id()),
        program_id: Set(program.id.clone()),
        mentor_id: Set(Some(input.mentor_id.clone())),
        status: Set(S::Requested.as_str().into()),
        origin: Set(Origin::Request.as_str().into()),
        intro: Set(intro.unwrap()),
        reasons: Set(reasons.unwrap()),
        ask: Set(ask.unwrap()),
        decline_reason: Set(None),
        merged_into: Set(None),
        mentor_accepted: Set(false),
        created_at: Set(now),
        expires_at: Set(Some(
            now + Duration::days(program.request_expiry_days as i64),
        )),
        started_at: Set(None),
        ended_at: Set(None),
        end_reason: Set(None),
        end_note: Set(None),
    }
    .insert(&*tx)
    .await?;
    add_mentee(&*tx, &m.id, caller.id(), true, now).await?;
    let loaded = load(&*tx, &m.id, false).await?.expect("just inserted");
    let out = view(
        &*tx,
        &loaded,
        &Standing::Participant(Part::Mentee),
        caller.id(),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

async fn add_mentee(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
    mentee_id: &str,
    accepted: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    mentorship_mentee::ActiveModel {
        id: Set(new_id()),
        mentorship_id: Set(mentorship_id.to_string()),
        mentee_id: Set(Some(mentee_id.to_string())),
        accepted: Set(accepted),
        joined_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionIn {
    /// `/decline`: why (shown to the other side); `/end`: `not_a_good_fit|time|goals_met_early|other`.
    pub reason: Option<String>,
    /// `/end`: an optional note.
    pub note: Option<String>,
    /// `/complete`: the caller's reflection on the relationship.
    pub reflection: Option<String>,
}

/// Runs one lifecycle action; checks and change happen in one transaction.
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
    input: &ActionIn,
) -> AppResult<MentorshipOut> {
    let mut p = Problems::default();
    let reason = match action {
        Action::Decline => p.take(
            "reason",
            text(input.reason.as_deref().unwrap_or(""), 1000, false),
        ),
        Action::End => p.take(
            "reason",
            EndReason::parse(input.reason.as_deref().unwrap_or("")).map(|r| r.as_str().to_string()),
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

    let now = state.clock.now();
    let tx = state.store.write().await?;
    expire_due_in(&*tx, now).await?;
    let (mut loaded, standing) = load_visible(&*tx, caller, id, true).await?;
    let part = participant(&standing)
        .map_err(|_| AppError::forbidden("only the people in this mentorship can do this"))?;
    let status = loaded.status();
    let outcome = match decide(status, action, part) {
        Ok(o) => o,
        Err(Refusal::Illegal(msg)) => return Err(AppError::conflict("invalid_transition", msg)),
        Err(Refusal::NotYours(msg)) => return Err(AppError::forbidden(msg)),
    };
    let program = programs::find(&*tx, &loaded.m.program_id).await?;
    let mut answer_id = loaded.m.id.clone();
    let mut row = loaded.m.clone().into_active_model();
    match outcome {
        Outcome::To(S::Active) if status == S::Requested => {
            let mentor_id = loaded.m.mentor_id.clone().unwrap_or_default();
            lock_enrollments(&*tx, &program.id, &[&mentor_id]).await?;
            ensure_mentor_has_room(&*tx, &program, &mentor_id).await?;
            if program.kind == ProgramKind::Group.as_str() {
                answer_id = merge_into_group(&*tx, &program, &mentor_id, &loaded, now).await?;
                row.status = Set(S::Merged.as_str().into());
                row.merged_into = Set(Some(answer_id.clone()));
                row.ended_at = Set(Some(now));
            } else {
                row.status = Set(S::Active.as_str().into());
                row.started_at = Set(Some(now));
                row.mentor_accepted = Set(true);
            }
        }
        Outcome::RecordAcceptance => {
            if part == Part::Mentor {
                row.mentor_accepted = Set(true);
                loaded.m.mentor_accepted = true;
            } else {
                for x in loaded
                    .mentees
                    .iter_mut()
                    .filter(|x| x.mentee_id.as_deref() == Some(caller.id()))
                {
                    let mut am = x.clone().into_active_model();
                    am.accepted = Set(true);
                    am.update(&*tx).await?;
                    x.accepted = true;
                }
            }
            if loaded.m.mentor_accepted && loaded.mentees.iter().all(|x| x.accepted) {
                row.status = Set(S::Active.as_str().into());
                row.started_at = Set(Some(now));
            }
        }
        Outcome::To(next) => {
            row.status = Set(next.as_str().into());
            match next {
                S::Declined => {
                    row.decline_reason = Set(reason.filter(|r| !r.is_empty()));
                    row.ended_at = Set(Some(now));
                }
                S::Withdrawn => row.ended_at = Set(Some(now)),
                S::Completed => row.ended_at = Set(Some(now)),
                S::Ended => {
                    row.ended_at = Set(Some(now));
                    row.end_reason = Set(reason);
                    row.end_note = Set(note.filter(|n| !n.is_empty()));
                }
                _ => {}
            }
        }
    }
    row.update(&*tx).await?;
    if action == Action::Complete {
        if let Some(text) = reflection.filter(|r| !r.is_empty()) {
            save_reflection(&*tx, &loaded.m.id, caller.id(), text, now).await?;
        }
    }
    let answer = load(&*tx, &answer_id, false)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    let out = view(&*tx, &answer, &Standing::Participant(part), caller.id()).await?;
    tx.commit().await?;
    Ok(out)
}

/// Group programs keep one mentorship per mentor; an accepted request joins it.
async fn merge_into_group(
    db: &impl ConnectionTrait,
    program: &program::Model,
    mentor_id: &str,
    request: &Loaded,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let existing = mentorship::Entity::find()
        .filter(mentorship::Column::ProgramId.eq(program.id.as_str()))
        .filter(mentorship::Column::MentorId.eq(mentor_id))
        .filter(mentorship::Column::Status.is_in([S::Active.as_str(), S::Paused.as_str()]))
        .order_by_asc(mentorship::Column::CreatedAt)
        .one(db)
        .await?;
    let group_id = match existing {
        Some(g) => g.id,
        None => {
            mentorship::ActiveModel {
                id: Set(new_id()),
                program_id: Set(program.id.clone()),
                mentor_id: Set(Some(mentor_id.to_string())),
                status: Set(S::Active.as_str().into()),
                origin: Set(Origin::Request.as_str().into()),
                intro: Set(String::new()),
                reasons: Set(String::new()),
                ask: Set(String::new()),
                decline_reason: Set(None),
                merged_into: Set(None),
                mentor_accepted: Set(true),
                created_at: Set(now),
                expires_at: Set(None),
                started_at: Set(Some(now)),
                ended_at: Set(None),
                end_reason: Set(None),
                end_note: Set(None),
            }
            .insert(db)
            .await?
            .id
        }
    };
    for x in &request.mentees {
        if let Some(mentee) = &x.mentee_id {
            add_mentee(db, &group_id, mentee, true, now).await?;
        }
    }
    Ok(group_id)
}

pub async fn get(state: &AppState, caller: &Caller, id: &str) -> AppResult<MentorshipOut> {
    expire_due(state).await?;
    let (loaded, standing) = load_visible(&state.store.db, caller, id, false).await?;
    view(&state.store.db, &loaded, &standing, caller.id()).await
}

/// The caller's mentorships, newest first, optionally of one status.
pub async fn mine(
    state: &AppState,
    caller: &Caller,
    status: Option<&str>,
) -> AppResult<Vec<MentorshipOut>> {
    expire_due(state).await?;
    let db = &state.store.db;
    let mut q = mentorship::Entity::find().filter(involving(db, caller.id()).await?);
    if let Some(status) = status {
        let status = S::parse(status).map_err(|e| AppError::field("status", e))?;
        q = q.filter(mentorship::Column::Status.eq(status.as_str()));
    }
    let rows = q
        .order_by_desc(mentorship::Column::CreatedAt)
        .order_by_asc(mentorship::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        if let Some(loaded) = load(db, &m.id, false).await? {
            if let Some(part) = loaded.part_of(caller.id()) {
                out.push(view(db, &loaded, &Standing::Participant(part), caller.id()).await?);
            }
        }
    }
    Ok(out)
}

/// Relationships of a program, for those who run it: who, status, dates; no content.
pub async fn of_program(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<Vec<MentorshipOut>> {
    expire_due(state).await?;
    let db = &state.store.db;
    programs::find(db, program_id).await?;
    if !programs::can_run(db, caller, program_id).await? {
        return Err(AppError::forbidden(
            "only this program's coordinators can do this",
        ));
    }
    let rows = mentorship::Entity::find()
        .filter(mentorship::Column::ProgramId.eq(program_id))
        .order_by_desc(mentorship::Column::CreatedAt)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for m in rows {
        if let Some(loaded) = load(db, &m.id, false).await? {
            out.push(view(db, &loaded, &Standing::Overseer, caller.id()).await?);
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct AgreementIn {
    /// What the two want to reach together.
    pub goals: String,
    pub cadence_days: Option<i64>,
    pub meeting_minutes: Option<i64>,
    /// Where they meet: video call, coffee, phone…
    pub channel: String,
    pub boundaries: String,
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
    /// Who has signed the current text.
    pub signed_by: Vec<String>,
    /// When the last participant signed; null until everyone has.
    pub signed_at: Option<DateTime<Utc>>,
    pub fully_signed: bool,
}

async fn agreement_view(
    db: &impl ConnectionTrait,
    loaded: &Loaded,
    a: agreement::Model,
) -> AppResult<AgreementOut> {
    let sigs = agreement_signature::Entity::find()
        .filter(agreement_signature::Column::MentorshipId.eq(a.mentorship_id.as_str()))
        .order_by_asc(agreement_signature::Column::SignedAt)
        .all(db)
        .await?;
    let needed = loaded.participant_ids();
    let fully = !needed.is_empty() && needed.iter().all(|p| sigs.iter().any(|s| &s.user_id == p));
    Ok(AgreementOut {
        mentorship_id: a.mentorship_id,
        goals: a.goals,
        cadence_days: a.cadence_days,
        meeting_minutes: a.meeting_minutes,
        channel: a.channel,
        boundaries: a.boundaries,
        confidentiality: a.confidentiality,
        updated_by: a.updated_by,
        updated_at: a.updated_at,
        signed_by: sigs.iter().map(|s| s.user_id.clone()).collect(),
        signed_at: if fully {
            sigs.iter().map(|s| s.signed_at).max()
        } else {
            None
        },
        fully_signed: fully,
    })
}

pub async fn get_agreement(state: &AppState, caller: &Caller, id: &str) -> AppResult<AgreementOut> {
    let db = &state.store.db;
    let (loaded, standing) = load_visible(db, caller, id, false).await?;
    participant(&standing)?;
    let a = agreement::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(AppError::NotFound("agreement"))?;
    agreement_view(db, &loaded, a).await
}

fn ensure_running(loaded: &Loaded) -> AppResult<()> {
    match loaded.status() {
        S::Active | S::Paused => Ok(()),
        other => Err(AppError::conflict(
            "invalid_transition",
            format!("the agreement of a {other} mentorship cannot change"),
        )),
    }
}

/// Writes the agreement; any change to a signed text clears the signatures.
pub async fn put_agreement(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AgreementIn,
) -> AppResult<AgreementOut> {
    let mut p = Problems::default();
    let goals = p.take("goals", text(&input.goals, 5000, true));
    let cadence = p.take(
        "cadence_days",
        domain::in_range(input.cadence_days.unwrap_or(14), 1, 365),
    );
    let minutes = p.take(
        "meeting_minutes",
        domain::in_range(input.meeting_minutes.unwrap_or(60), 5, 480),
    );
    let channel = p.take("channel", text(&input.channel, 200, false));
    let boundaries = p.take("boundaries", text(&input.boundaries, 5000, false));
    let confidentiality = p.take("confidentiality", text(&input.confidentiality, 5000, false));
    p.finish()?;
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (loaded, standing) = load_visible(&*tx, caller, id, true).await?;
    participant(&standing)?;
    ensure_running(&loaded)?;
    let new = agreement::Model {
        mentorship_id: id.to_string(),
        goals: goals.unwrap(),
        cadence_days: cadence.unwrap(),
        meeting_minutes: minutes.unwrap(),
        channel: channel.unwrap(),
        boundaries: boundaries.unwrap(),
        confidentiality: confidentiality.unwrap(),
        updated_by: caller.id().to_string(),
        updated_at: now,
    };
    let old = agreement::Entity::find_by_id(id.to_string())
        .one(&*tx)
        .await?;
    let saved = match old {
        Some(old) if same_terms(&old, &new) => old,
        Some(_) => {
            agreement_signature::Entity::delete_many()
                .filter(agreement_signature::Column::MentorshipId.eq(id))
                .exec(&*tx)
                .await?;
            new.into_active_model().reset_all().update(&*tx).await?
        }
        None => new.into_active_model().reset_all().insert(&*tx).await?,
    };
    let out = agreement_view(&*tx, &loaded, saved).await?;
    tx.commit().await?;
    Ok(out)
}

fn same_terms(a: &agreement::Model, b: &agreement::Model) -> bool {
    (
        &a.goals,
        a.cadence_days,
        a.meeting_minutes,
        &a.channel,
        &a.boundaries,
        &a.confidentiality,
    ) == (
        &b.goals,
        b.cadence_days,
        b.meeting_minutes,
        &b.channel,
        &b.boundaries,
        &b.confidentiality,
    )
}

pub async fn sign_agreement(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<AgreementOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (loaded, standing) = load_visible(&*tx, caller, id, true).await?;
    participant(&standing)?;
    ensure_running(&loaded)?;
    let a = agreement::Entity::find_by_id(id.to_string())
        .one(&*tx)
        .await?
        .ok_or_else(|| {
            AppError::conflict("no_agreement", "write the agreement before signing it")
        })?;
    let already =
        agreement_signature::Entity::find_by_id((id.to_string(), caller.id().to_string()))
            .one(&*tx)
            .await?;
    if already.is_none() {
        agreement_signature::ActiveModel {
            mentorship_id: Set(id.to_string()),
            user_id: Set(caller.id().to_string()),
            signed_at: Set(now),
        }
        .insert(&*tx)
        .await?;
    }
    let out = agreement_view(&*tx, &loaded, a).await?;
    tx.commit().await?;
    Ok(out)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReflectionIn {
    pub text: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReflectionOut {
    pub mentorship_id: String,
    pub author_id: String,
    pub text: String,
    pub written_at: DateTime<Utc>,
}

async fn save_reflection(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
    user_id: &str,
    text: String,
    now: DateTime<Utc>,
) -> AppResult<reflection::Model> {
    let row = reflection::ActiveModel {
        mentorship_id: Set(mentorship_id.to_string()),
        user_id: Set(user_id.to_string()),
        text: Set(text),
        written_at: Set(now),
    };
    let exists = reflection::Entity::find_by_id((mentorship_id.to_string(), user_id.to_string()))
        .one(db)
        .await?
        .is_some();
    Ok(if exists {
        row.update(db).await?
    } else {
        row.insert(db).await?
    })
}

pub async fn put_reflection(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ReflectionIn,
) -> AppResult<ReflectionOut> {
    let body = text(&input.text, 5000, true).map_err(|e| AppError::field("text", e))?;
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (loaded, standing) = load_visible(&*tx, caller, id, false).await?;
    participant(&standing)?;
    if loaded.status() != S::Completed {
        return Err(AppError::conflict(
            "invalid_transition",
            "reflections are written once a mentorship is completed",
        ));
    }
    let saved = save_reflection(&*tx, id, caller.id(), body, now).await?;
    tx.commit().await?;
    Ok(ReflectionOut::from(saved))
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

async fn reflections_of(
    db: &impl ConnectionTrait,
    mentorship_id: &str,
) -> AppResult<Vec<ReflectionOut>> {
    Ok(reflection::Entity::find()
        .filter(reflection::Column::MentorshipId.eq(mentorship_id))
        .order_by_asc(reflection::Column::WrittenAt)
        .all(db)
        .await?
        .into_iter()
        .map(ReflectionOut::from)
        .collect())
}

/// A mentorship with everything the caller may read of it, for the export.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorshipExport {
    pub mentorship: MentorshipOut,
    pub agreement: Option<AgreementOut>,
    pub reflections: Vec<ReflectionOut>,
}

pub async fn export_for(state: &AppState, caller: &Caller) -> AppResult<Vec<MentorshipExport>> {
    let db = &state.store.db;
    let mut out = Vec::new();
    for m in mine(state, caller, None).await? {
        let loaded = load(db, &m.id, false)
            .await?
            .ok_or(AppError::NotFound("mentorship"))?;
        let agreement = match agreement::Entity::find_by_id(m.id.clone()).one(db).await? {
            Some(a) => Some(agreement_view(db, &loaded, a).await?),
            None => None,
        };
        let reflections = reflections_of(db, &m.id).await?;
        out.push(MentorshipExport {
            mentorship: m,
            agreement,
            reflections,
        });
    }
    Ok(out)
}

/// Reflections of a mentorship, for its participants.
pub async fn reflections(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<Vec<ReflectionOut>> {
    let db = &state.store.db;
    let (_, standing) = load_visible(db, caller, id, false).await?;
    participant(&standing)?;
    reflections_of(db, id).await
}

/// Ends every open relationship and request of a person who erases their account.
pub async fn end_all_for_erasure(
    db: &impl ConnectionTrait,
    user_id: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    mentorship::Entity::update_many()
        .col_expr(mentorship::Column::Status, Expr::value(S::Ended.as_str()))
        .col_expr(mentorship::Column::EndReason, Expr::value("account_erased"))
        .col_expr(mentorship::Column::EndedAt, Expr::value(now))
        .filter(mentorship::Column::Status.is_in(S::strs(S::OPEN)))
        .filter(involving(db, user_id).await?)
        .exec(db)
        .await?;
    Ok(())
}

/// Used by the pages: requests waiting on the caller as mentor.
pub fn waiting_on(caller: &Caller, all: &[MentorshipOut]) -> Vec<MentorshipOut> {
    all.iter()
        .filter(|m| {
            (m.status == S::Requested && m.mentor.id.as_deref() == Some(caller.id()))
                || (m.status == S::Proposed
                    && m.allowed_actions.contains(&Action::Accept)
                    && !accepted_by(m, caller.id()))
        })
        .cloned()
        .collect()
}

pub fn accepted_by(m: &MentorshipOut, user_id: &str) -> bool {
    if m.mentor.id.as_deref() == Some(user_id) {
        m.mentor_accepted
    } else {
        m.mentees
            .iter()
            .any(|x| x.id.as_deref() == Some(user_id) && x.accepted)
    }
}
