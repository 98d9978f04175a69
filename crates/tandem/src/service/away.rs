//! Nobody waits forever (SPEC §6 `PUT /me/away`): a person away has their open
//! requests as mentor declined at once (`decline_reason: "away"`, the mentees told
//! with the mentors who may suit them next), gets no new ones (409
//! `mentor_away`), and is left out of suggestions and rounds until back.
use crate::domain::values::text;
use crate::domain::wire::MentorshipStatus as S;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::mentorships::request_declined;
use crate::service::outbox;
use crate::state::AppState;
use crate::store::entities::away;
use crate::store::sealed::Sealed;
use crate::store::{jobs, mentorships, people, programs};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// The note's longest length.
pub const NOTE_MAX: usize = 500;

#[derive(Debug, Deserialize, ToSchema)]
pub struct AwayIn {
    /// `true` to be away, `false` to be back.
    pub away: bool,
    /// Why, or until when, for the people who would have asked you.
    #[schema(max_length = 500)]
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwayOut {
    pub away: bool,
    pub note: Option<String>,
    /// Since when (null when not away).
    pub since: Option<DateTime<Utc>>,
    /// Requests this change declined (0 when coming back).
    pub declined_requests: usize,
}

fn out(row: Option<away::Model>, declined: usize) -> AwayOut {
    AwayOut {
        away: row.is_some(),
        note: row
            .as_ref()
            .map(|a| a.note.clone())
            .filter(|n| !n.is_empty()),
        since: row.map(|a| a.since),
        declined_requests: declined,
    }
}

pub async fn get_away(state: &AppState, caller: &Caller) -> AppResult<AwayOut> {
    Ok(out(
        people::away_of(state.store.read(), caller.person()).await?,
        0,
    ))
}

pub async fn put_away(state: &AppState, caller: &Caller, input: &AwayIn) -> AppResult<AwayOut> {
    let note = text(input.note.as_deref().unwrap_or(""), NOTE_MAX, false)
        .map_err(|e| AppError::field("note", e))?;
    let now = state.clock.now();
    let tx = state.store.write().await?;
    crate::store::accounts::lock_people(&tx, &[caller.id()]).await?;
    if !input.away {
        let row = people::set_away(&tx, caller.person(), None, now).await?;
        tx.commit().await?;
        return Ok(out(row, 0));
    }
    let row = people::set_away(&tx, caller.person(), Some(note), now).await?;
    let waiting = jobs::waiting_requests(&tx, Some(caller.person()), now).await?;
    let mut programs_by_id = HashMap::new();
    let mut emails = Vec::new();
    for r in &waiting {
        mentorships::lock(&tx, &r.m.id).await?;
        let mut row = r.m.clone();
        row.status = S::Declined;
        row.decline_reason = Some(Sealed::new(&row.id, "away"));
        row.ended_at = Some(now);
        mentorships::update(&tx, r.m.clone(), row).await?;
        if !programs_by_id.contains_key(&r.m.program_id) {
            if let Some(p) = programs::program_by_id(&tx, &r.m.program_id).await? {
                programs_by_id.insert(r.m.program_id.clone(), p);
            }
        }
        if let Some(program) = programs_by_id.get(&r.m.program_id) {
            emails.extend(request_declined(state, &tx, r, program, true).await?);
        }
    }
    outbox::commit_and_deliver(state, tx, emails, now).await?;
    Ok(out(row, waiting.len()))
}
