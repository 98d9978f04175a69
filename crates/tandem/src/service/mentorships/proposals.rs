//! A pair proposed by hand: a coordinator matches one mentor and one mentee;
//! both are told, and it becomes active once both accept.
use super::*;
use crate::domain::ids::{Pairing, PersonId, ProgramId};
use crate::error::{AppError, AppResult};
use crate::service::matching::check_proposal;
use crate::service::outbox;
use crate::store::mentorships::NewProposal;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PairIn {
    pub mentor_id: String,
    pub mentee_id: String,
}

/// A coordinator proposes one pair; it becomes active when both accept.
pub async fn propose_pair(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &PairIn,
) -> AppResult<MentorshipOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let pair = Pairing {
        mentor: PersonId(&input.mentor_id),
        mentee: PersonId(&input.mentee_id),
    };
    check_proposal(&tx, caller, program_id, pair, now).await?;
    let proposal = NewProposal {
        program: ProgramId(program_id),
        pair,
        origin: Origin::Coordinator,
        at: now,
    };
    let id = store::insert_proposal(&tx, proposal).await?;
    crate::service::audit::record(
        &tx,
        state,
        caller.id(),
        crate::domain::audit::AuditAction::PairProposed,
        crate::service::audit::Object::Mentorship(&id),
    )
    .await?;
    let r = store::with_members(&tx, &id)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    let emails = super::proposal(state, &tx, &r).await?;
    outbox::commit_and_deliver(state, tx, emails, now).await?;
    get(state, caller, &id).await
}
