//! A mentee asks a mentor (SPEC §5 Finding and requesting), and the proposals a
//! round or a coordinator makes.
use super::*;
use crate::domain::access::{program_access, ProgramAct, ProgramFacts};
use crate::domain::ids::{Pairing, PersonId, ProgramId};
use crate::domain::values::{text, Problems};
use crate::domain::wire::Role;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::programs::capacity_of;
use crate::service::relationship::{self};
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::program;
use crate::store::{accounts, mentorships as store, programs};
use chrono::Duration;
use serde::Deserialize;
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

/// Refuses when the mentor has no place left in the program.
pub(super) async fn ensure_mentor_has_room(
    db: &impl Connection,
    program: &program::Model,
    mentor_id: &str,
) -> AppResult<()> {
    let mentor = programs::enrollment_as(
        db,
        ProgramId(&program.id),
        PersonId(mentor_id),
        Role::Mentor,
    )
    .await?
    .ok_or_else(|| {
        AppError::conflict(
            "not_a_mentor",
            "this person no longer mentors in the program",
        )
    })?;
    if programs::used_capacity(db, ProgramId(&program.id), PersonId(mentor_id)).await?
        >= capacity_of(program, &mentor)
    {
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
    let program = programs::program_held(&tx, &input.program_id)
        .await?
        .ok_or_else(|| AppError::field("program_id", "no such program"))?;
    let enrolled_as = programs::roles_in(&tx, ProgramId(&program.id), caller.person()).await?;
    program_access(
        caller.viewer(),
        &ProgramFacts {
            coordinators: &[],
            enrolled_as: &enrolled_as,
        },
        ProgramAct::AskForMentor,
    )?;
    crate::service::programs::refuse_if_archived(&program)?;
    let mut p = Problems::default();
    let intro = p.take("intro", text(&input.intro, 2000, true));
    let reasons = p.take("reasons", text(&input.reasons, 2000, false));
    let ask = p.take("ask", text(&input.ask, 1000, false));
    if input.mentor_id == caller.id() {
        p.add("mentor_id", "you cannot ask yourself to be your mentor");
    }
    p.finish()?;
    if programs::enrollment_as(
        &tx,
        ProgramId(&program.id),
        PersonId(&input.mentor_id),
        Role::Mentor,
    )
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
    let mentor_name = accounts::user_by_id(&tx, &input.mentor_id)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    ensure_not_away(&tx, PersonId(&input.mentor_id), &mentor_name).await?;
    if store::open_between(&tx, caller.person(), PersonId(&input.mentor_id), now).await? {
        return Err(AppError::conflict(
            "duplicate",
            "you already have an open request or relationship with this person",
        ));
    }
    ensure_mentor_has_room(&tx, &program, &input.mentor_id).await?;
    if store::mentee_load(&tx, ProgramId(&program.id), caller.person(), now).await?
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
    let pair = Pairing {
        mentor: PersonId(&input.mentor_id),
        mentee: caller.person(),
    };
    let id = store::insert_request(
        &tx,
        store::NewRequest {
            program: ProgramId(&program.id),
            pair,
            intro: intro.unwrap_or_default(),
            reasons: reasons.unwrap_or_default(),
            ask: ask.unwrap_or_default(),
            at: now,
            expires_at: now + Duration::days(program.request_expiry_days as i64),
        },
    )
    .await?;
    let r = store::with_members(&tx, &id)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    let emails = super::request_received(state, &tx, &r).await?;
    crate::service::outbox::commit_and_deliver(state, tx, emails, now).await?;
    let access = relationship::standing(caller, &r, &[]);
    Ok(view(&r, access, caller.id(), now))
}

/// A program in which the caller may ask someone for mentorship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskIn {
    pub program_id: String,
    pub program_name: String,
}

/// Where the caller may ask each of `people` for mentorship (only in `program`
/// when given), for the pages' "Ask for mentorship": the programs that take
/// requests in which the caller may ask for a mentor (`ProgramAct::AskForMentor`)
/// and the person mentors, when the two have no open request or relationship and
/// are not one person — what [`request`] refuses before it counts places. People
/// with nowhere to be asked are left out.
pub async fn where_to_ask(
    state: &AppState,
    caller: &Caller,
    people: &[String],
    program: Option<&str>,
) -> AppResult<std::collections::HashMap<String, Vec<AskIn>>> {
    let db = state.store.read();
    let mut roles: std::collections::BTreeMap<String, Vec<Role>> = Default::default();
    for e in programs::enrollments_of(db, caller.id()).await? {
        if program.is_none_or(|p| p == e.enrollment.program_id) {
            roles
                .entry(e.enrollment.program_id.clone())
                .or_default()
                .push(e.enrollment.role);
        }
    }
    let mut open = Vec::new();
    for (program_id, enrolled_as) in &roles {
        let facts = ProgramFacts {
            coordinators: &[],
            enrolled_as,
        };
        if program_access(caller.viewer(), &facts, ProgramAct::AskForMentor).is_err() {
            continue;
        }
        let Some(p) = programs::program_by_id(db, program_id).await? else {
            continue;
        };
        if crate::service::programs::refuse_if_archived(&p).is_ok() {
            open.push(p);
        }
    }
    let others: Vec<String> = people
        .iter()
        .filter(|p| p.as_str() != caller.id())
        .cloned()
        .collect();
    let ids: Vec<String> = open.iter().map(|p| p.id.clone()).collect();
    let mentoring = programs::mentors_among(db, &ids, &others).await?;
    let busy = store::open_with(db, caller.person(), &others, state.clock.now()).await?;
    let mut out: std::collections::HashMap<String, Vec<AskIn>> = Default::default();
    for p in &open {
        for (_, person) in mentoring.iter().filter(|(pid, _)| *pid == p.id) {
            if !busy.contains(person) {
                out.entry(person.clone()).or_default().push(AskIn {
                    program_id: p.id.clone(),
                    program_name: p.name.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// 409 `mentor_away` when `mentor` is away: they take no new requests.
pub async fn ensure_not_away(
    db: &impl crate::store::db::Connection,
    mentor: PersonId<'_>,
    name: &str,
) -> AppResult<()> {
    match crate::store::people::away_of(db, mentor).await? {
        None => Ok(()),
        Some(a) if a.note.is_empty() => Err(AppError::conflict(
            "mentor_away",
            format!("{name} is away for now and takes no requests; ask another mentor"),
        )),
        Some(a) => Err(AppError::conflict(
            "mentor_away",
            format!(
                "{name} is away for now and takes no requests ({}); ask another mentor",
                a.note
            ),
        )),
    }
}
