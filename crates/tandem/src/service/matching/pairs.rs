//! A pair proposed by hand: a coordinator matches one mentor and one mentee.
use super::pool::*;
use crate::domain::access::ProgramAct;
use crate::domain::ids::{Pairing, PersonId, ProgramId};
use crate::domain::wire::Origin;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::mentorships::{self, MentorshipOut};
use crate::state::AppState;
use crate::store::accounts;
use crate::store::mentorships::{self as mentorship_store, NewProposal};
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
    let program = require_in(&tx, caller, program_id, ProgramAct::ProposePair).await?;
    accounts::lock_people(&tx, &[&input.mentor_id, &input.mentee_id]).await?;
    let pool = load_pool(&tx, program, now).await?;
    let pair = Pairing {
        mentor: PersonId(&input.mentor_id),
        mentee: PersonId(&input.mentee_id),
    };
    check_pair(&pool, pair, 0).map_err(|m| AppError::unprocessable("hard_rule", m))?;
    let proposal = NewProposal {
        program: ProgramId(program_id),
        pair,
        origin: Origin::Coordinator,
        at: now,
    };
    let id = mentorship_store::insert_proposal(&tx, proposal).await?;
    tx.commit().await?;
    mentorships::get(state, caller, &id).await
}
