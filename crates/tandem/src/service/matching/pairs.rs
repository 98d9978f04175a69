//! Whether a coordinator may propose one pair by hand: they run the program,
//! and the pair passes the rules a round's pairs pass. The proposal itself is a
//! use case of relationships (`mentorships::propose_pair`).
use super::pool::*;
use crate::domain::access::ProgramAct;
use crate::domain::ids::Pairing;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::store::accounts;
use crate::store::db::Connection;
use crate::store::entities::program;
use chrono::{DateTime, Utc};
use sea_orm::StreamTrait;

/// The program, locked, if the caller may propose `pair` in it now: they may
/// propose pairs there (else 404 or 403), and the pair passes every hard rule
/// with room on both sides (else 422 `hard_rule`). Both people stay locked
/// until the transaction ends.
pub async fn check_proposal(
    tx: &(impl Connection + StreamTrait),
    caller: &Caller,
    program_id: &str,
    pair: Pairing<'_>,
    now: DateTime<Utc>,
) -> AppResult<program::Model> {
    let program = require_in(tx, caller, program_id, ProgramAct::ProposePair).await?;
    crate::service::programs::refuse_if_archived(&program)?;
    accounts::lock_people(tx, &[pair.mentor.as_str(), pair.mentee.as_str()]).await?;
    let people = [pair.mentor.as_str(), pair.mentee.as_str()];
    let pool = load_pool_of(tx, program.clone(), now, Some(&people)).await?;
    check_pair(&pool, pair, 0).map_err(|m| AppError::unprocessable("hard_rule", m))?;
    Ok(program)
}
