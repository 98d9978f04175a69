//! A mentee asks a mentor (SPEC §5 Finding and requesting), and the proposals a
//! round or a coordinator makes.
use super::*;
use crate::domain::access::{program_access, ProgramAct, ProgramFacts};
use crate::domain::values::{text, Problems};
use crate::domain::wire::{MentorshipStatus as S, Origin, Role};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::programs::capacity_of;
use crate::service::relationship::{self};
use crate::state::AppState;
use crate::store::db::new_id;
use crate::store::db::Connection;
use crate::store::entities::{mentorship, program};
use crate::store::{accounts, mentorships as store, programs};
use chrono::{DateTime, Duration, Utc};
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
pub(crate) async fn insert_proposal(
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
