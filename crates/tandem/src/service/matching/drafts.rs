//! A draft round edited by hand and published: every pair becomes a proposed
//! mentorship, e-mailed to both, and the program's other drafts are discarded.
use super::pool::*;
use super::rounds::*;
use crate::domain::ids::{Pairing, PersonId, ProgramId, RoundId};
use crate::domain::values::FieldErrors;
use crate::domain::wire::{Origin, RoundStatus};
use crate::email::kinds;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::state::AppState;
use crate::store::columns::TextList;
use crate::store::db::Connection;
use crate::store::entities::{program, round, round_pair};
use crate::store::mentorships::{self as mentorship_store, NewProposal};
use crate::store::{programs, rounds as store};
use serde::Deserialize;
use std::collections::HashMap;
use tandem_match as engine;
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RoundPatch {
    /// `[[mentor_id, mentee_id], …]` to take out of the draft.
    pub remove: Vec<[String; 2]>,
    /// `[[mentor_id, mentee_id], …]` to put in; hard rules and capacity apply.
    pub add: Vec<[String; 2]>,
}

pub(super) fn ensure_draft(r: &round::Model) -> AppResult<()> {
    if r.status != RoundStatus::Draft {
        return Err(AppError::conflict(
            "round_not_draft",
            format!("this round is {}; only drafts change", r.status),
        ));
    }
    Ok(())
}

/// Locks the round's program, then the round, and checks the caller runs it: two
/// changes to one program's rounds (an edit, a publish) wait for each other.
pub(super) async fn lock_round_for(
    tx: &impl Connection,
    caller: &Caller,
    id: &str,
) -> AppResult<(program::Model, round::Model)> {
    let seen = round_for(tx, caller, store::round_by_id(tx, id).await?).await?;
    let program = programs::lock_program(tx, &seen.program_id)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    let r = store::lock_round(tx, id)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    ensure_draft(&r)?;
    Ok((program, r))
}

/// Removes and adds pairs in a draft; every added pair is checked like a new proposal.
pub async fn patch_round(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &RoundPatch,
) -> AppResult<RoundOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (program, r) = lock_round_for(&tx, caller, id).await?;
    crate::service::programs::refuse_if_archived(&program)?;
    let pool = load_pool(&tx, program, now).await?;
    let mut current: Vec<round_pair::Model> = store::pairs_of(&tx, &[id.to_string()])
        .await?
        .into_iter()
        .map(|p| p.pair)
        .collect();
    let mut problems = FieldErrors::new();
    for (k, [mentor, mentee]) in input.remove.iter().enumerate() {
        match current
            .iter()
            .position(|p| &p.mentor_id == mentor && &p.mentee_id == mentee)
        {
            Some(at) => {
                let gone = current.remove(at);
                store::delete_pair(&tx, &gone.id).await?;
            }
            None => {
                problems.insert(
                    format!("remove[{k}]"),
                    "this pair is not in the draft".into(),
                );
            }
        }
    }
    let mut added: Vec<(String, String)> = Vec::new();
    for (k, [mentor, mentee]) in input.add.iter().enumerate() {
        if current.iter().any(|p| &p.mentee_id == mentee) || added.iter().any(|(_, m)| m == mentee)
        {
            problems.insert(
                format!("add[{k}]"),
                "this mentee is already paired in the draft".into(),
            );
            continue;
        }
        let load = current.iter().filter(|p| &p.mentor_id == mentor).count()
            + added.iter().filter(|(m, _)| m == mentor).count();
        let pair = Pairing {
            mentor: PersonId(mentor),
            mentee: PersonId(mentee),
        };
        match check_pair(&pool, pair, load as i64) {
            Ok(_) => added.push((mentor.clone(), mentee.clone())),
            Err(message) => {
                problems.insert(format!("add[{k}]"), message);
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let index_of_mentee: HashMap<&str, usize> = pool
        .mentees
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let index_of_mentor: HashMap<&str, usize> = pool
        .mentors
        .iter()
        .enumerate()
        .map(|(j, m)| (m.id.as_str(), j))
        .collect();
    let rows = added
        .iter()
        .map(|(mentor, mentee)| {
            pair_row(
                &pool,
                index_of_mentee[mentee.as_str()],
                index_of_mentor[mentor.as_str()],
            )
        })
        .collect();
    store::insert_pairs(&tx, RoundId(id), rows).await?;

    // The draft's figures again: who is left, and blocking pairs over the candidates.
    let mut paired: HashMap<String, String> = current
        .iter()
        .map(|p| (p.mentee_id.clone(), p.mentor_id.clone()))
        .collect();
    paired.extend(
        added
            .iter()
            .map(|(mentor, mentee)| (mentee.clone(), mentor.clone())),
    );
    let eligible: Vec<usize> = (0..pool.mentees.len())
        .filter(|&i| {
            pool.mentee_has_room(&pool.mentees[i].id) || paired.contains_key(&pool.mentees[i].id)
        })
        .collect();
    let extra: Vec<(usize, usize)> = paired
        .iter()
        .filter_map(|(mentee, mentor)| {
            Some((
                *index_of_mentee.get(mentee.as_str())?,
                *index_of_mentor.get(mentor.as_str())?,
            ))
        })
        .collect();
    let instance = instance_of(&pool, &eligible, 0, &extra).views;
    let assignment = engine::Assignment {
        mentor_of: eligible
            .iter()
            .map(|&i| {
                paired
                    .get(&pool.mentees[i].id)
                    .and_then(|m| index_of_mentor.get(m.as_str()))
                    .map(|&j| j as u32)
            })
            .collect(),
    };
    let blocking = match engine::validate(&instance, &assignment) {
        Ok(()) => engine::count_blocking_pairs(&instance, &assignment) as i32,
        // Places used since the draft was made can leave a mentor over today's capacity.
        Err(_) => r.blocking_pairs,
    };
    let unmatched: Vec<String> = eligible
        .iter()
        .map(|&i| pool.mentees[i].id.clone())
        .filter(|m| !paired.contains_key(m))
        .collect();
    let mut after = r.clone();
    after.unmatched_mentee_ids = TextList(unmatched);
    after.blocking_pairs = blocking;
    // The certificate proved the solver's pairs, not the coordinator's edits.
    if !input.remove.is_empty() || !input.add.is_empty() {
        after.certified = false;
    }
    let saved = store::update_round(&tx, r, after).await?;
    crate::service::audit::record(
        &tx,
        state,
        caller.id(),
        crate::domain::audit::AuditAction::RoundChanged,
        crate::service::audit::Object::Round(id),
    )
    .await?;
    let out = round_with_pairs(&tx, saved).await?;
    tx.commit().await?;
    Ok(out)
}

/// Publishes a draft: every pair becomes a `proposed` mentorship (origin `round`),
/// the program's other drafts are discarded. Draft state, capacity and hard rules
/// are checked again inside the transaction, under the program's lock.
pub async fn publish_round(
    state: &AppState,
    caller: &Caller,
    id: &str,
    confirmation: crate::domain::lifecycle::Confirmation,
) -> AppResult<RoundOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (program, r) = lock_round_for(&tx, caller, id).await?;
    crate::service::programs::refuse_if_archived(&program)?;
    if confirmation == crate::domain::lifecycle::Confirmation::Missing {
        return Err(AppError::unprocessable(
            "confirmation_required",
            "nothing was published: tick the box to confirm; publishing sends every proposal and cannot be undone",
        ));
    }
    let pool = load_pool(&tx, program, now).await?;
    let pairs: Vec<round_pair::Model> = store::pairs_of(&tx, &[id.to_string()])
        .await?
        .into_iter()
        .map(|p| p.pair)
        .collect();
    let mut load: HashMap<&str, i64> = HashMap::new();
    for p in &pairs {
        let extra = load.get(p.mentor_id.as_str()).copied().unwrap_or(0);
        check_pair(&pool, pairing(p), extra).map_err(|m| {
            AppError::conflict(
                "round_out_of_date",
                format!("{m}; edit the draft or run a new round"),
            )
        })?;
        *load.entry(p.mentor_id.as_str()).or_default() += 1;
    }
    let mut emails = Vec::new();
    for p in &pairs {
        let proposal = NewProposal {
            program: ProgramId(&r.program_id),
            pair: pairing(p),
            origin: Origin::Round,
            at: now,
        };
        let mentorship_id = mentorship_store::insert_proposal(&tx, proposal).await?;
        if let (Some(mentor), Some(mentee)) = (pool.mentor(&p.mentor_id), pool.mentee(&p.mentee_id))
        {
            let link = format!(
                "{}/mentorships/{mentorship_id}",
                state.config.base_url.trim_end_matches('/')
            );
            for (to, to_id, other, part) in [
                (&mentor.name, &mentor.id, &mentee.name, "mentor"),
                (&mentee.name, &mentee.id, &mentor.name, "mentee"),
            ] {
                let letter = kinds::Proposal {
                    to,
                    other,
                    program: &pool.program.name,
                    part,
                    link: &link,
                };
                // The proposal names no time: the reader's zone does not matter.
                let to = crate::email::Recipient {
                    user_id: Some(to_id.clone()),
                    name: to.clone(),
                    address: pool.emails.get(to_id).cloned().unwrap_or_default(),
                    zone: chrono_tz::Tz::UTC,
                };
                emails.push(kinds::compose(&letter, &to, &state.config.base_url, None)?);
            }
        }
    }
    crate::service::outbox::queue(&tx, emails, now).await?;
    store::discard_other_drafts(&tx, ProgramId(&r.program_id), RoundId(id)).await?;
    let mut after = r.clone();
    after.status = RoundStatus::Published;
    after.published_at = Some(now);
    let saved = store::update_round(&tx, r, after).await?;
    crate::service::audit::record(
        &tx,
        state,
        caller.id(),
        crate::domain::audit::AuditAction::RoundPublished,
        crate::service::audit::Object::Round(id),
    )
    .await?;
    let out = round_with_pairs(&tx, saved).await?;
    tx.commit().await?;
    // Delivered now where it can be; what fails stays queued for the job.
    if let Err(e) = crate::service::outbox::deliver_due(state).await {
        tracing::warn!(error = %e, "delivering the round's e-mails");
    }
    Ok(out)
}

/// A stored pair of a round, as a mentor and a mentee.
fn pairing(p: &round_pair::Model) -> Pairing<'_> {
    Pairing {
        mentor: PersonId(&p.mentor_id),
        mentee: PersonId(&p.mentee_id),
    }
}
