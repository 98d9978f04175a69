//! The lifecycle of a relationship: accepting, declining, withdrawing, pausing,
//! resuming, completing and ending it, decided by the access model and the state
//! machine under the relationship's lock; and the expiry of requests.
use super::requests::ensure_mentor_has_room;
use super::*;
use crate::domain::access::Part;
use crate::domain::ids::{MentorshipId, PersonId, ProgramId};
use crate::domain::lifecycle::{decide, needs_confirmation, Confirmation, Outcome};
use crate::domain::values::{text, Problems};
use crate::domain::wire::{Action, EndReason, MentorshipStatus as S, ProgramKind};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::relationship::{self};
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::program;
use crate::store::records::MentorshipRecord;
use crate::store::sealed::Sealed;
use crate::store::{accounts, mentorships as store, programs};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::ToSchema;

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
    let program = programs::program_held(&tx, &r.m.program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    // An archived program makes no new pair: a request or proposal may still be
    // declined or withdrawn, not accepted.
    if matches!(outcome, Outcome::To(S::Active) | Outcome::RecordAcceptance) {
        crate::service::programs::refuse_if_archived(&program)?;
    }
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
                    row.decline_reason = decline_reason
                        .filter(|r| !r.is_empty())
                        .map(|r| Sealed::new(&row.id, r));
                    row.ended_at = Some(now);
                }
                S::Withdrawn | S::Completed => row.ended_at = Some(now),
                S::Ended => {
                    row.ended_at = Some(now);
                    row.end_reason = end_reason;
                    row.end_note = note
                        .filter(|n| !n.is_empty())
                        .map(|n| Sealed::new(&row.id, n));
                }
                _ => {}
            }
        }
    }
    store::update(&tx, before, row).await?;
    if action == Action::Complete {
        if let Some(text) = reflection.filter(|r| !r.is_empty()) {
            store::save_reflection(&tx, MentorshipId(&r.m.id), caller.person(), text, now).await?;
        }
    }
    let answer = store::with_members(&tx, &answer_id)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    // A request's answer is told to its mentees.
    let emails = match (status, outcome) {
        (S::Requested, Outcome::To(S::Active)) => {
            super::request_accepted(state, &tx, &r, &answer_id).await?
        }
        (S::Requested, Outcome::To(S::Declined)) => {
            super::request_declined(state, &tx, &r, &program, false).await?
        }
        (_, Outcome::To(S::Completed | S::Ended)) => {
            super::closed(state, &tx, &answer, &program, caller.id()).await?
        }
        _ => Vec::new(),
    };
    crate::service::outbox::commit_and_deliver(state, tx, emails, now).await?;
    let access = relationship::standing(caller, &answer, &[]);
    Ok(view(&answer, access, caller.id(), now))
}

/// Group programs keep one mentorship per mentor; an accepted request joins it.
pub(super) async fn merge_into_group(
    db: &impl Connection,
    program: &program::Model,
    mentor_id: &str,
    request: &MentorshipRecord,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let group_id = match store::group_of(db, ProgramId(&program.id), PersonId(mentor_id)).await? {
        Some(id) => id,
        None => store::insert_group(db, ProgramId(&program.id), PersonId(mentor_id), now).await?,
    };
    for mentee in request.mentee_ids() {
        store::add_seat(db, MentorshipId(&group_id), PersonId(mentee), true, now).await?;
    }
    Ok(group_id)
}
