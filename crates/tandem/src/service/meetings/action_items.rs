//! Action items from a meeting: a title, an owner among the participants, a due date.
use super::*;
use crate::domain::access::Kind;
use crate::domain::progress::is_overdue;
use crate::domain::values::{optional_date, text, Problems};
use crate::domain::versions::Expected;
use crate::domain::workspace::ensure_running;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::edits;
use crate::service::mentorships::Member;
use crate::service::relationship::{self, name_in};
use crate::state::AppState;
use crate::store::entities::{action_item, meeting};
use crate::store::records::MentorshipRecord;
use crate::store::workspace as store;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionItemOut {
    pub id: String,
    pub meeting_id: String,
    pub mentorship_id: String,
    pub title: String,
    /// A participant; null once they erased their account.
    pub owner: Member,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    /// Not done and past its due date.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    /// Raised by every change; send it back as `If-Match` to change it safely.
    pub version: i32,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionItemIn {
    #[schema(required = true, min_length = 1, max_length = 300)]
    pub title: String,
    /// A participant of the relationship (default: you).
    pub owner_id: Option<String>,
    #[schema(format = Date)]
    pub due_on: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionItemPatch {
    pub done: Option<bool>,
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    pub owner_id: Option<String>,
    /// `YYYY-MM-DD`; an empty string clears it.
    #[schema(format = Date)]
    pub due_on: Option<String>,
}

pub fn item_view(
    r: &MentorshipRecord,
    a: &action_item::Model,
    now: DateTime<Utc>,
) -> ActionItemOut {
    ActionItemOut {
        id: a.id.clone(),
        meeting_id: a.meeting_id.clone(),
        mentorship_id: a.mentorship_id.clone(),
        title: a.title.to_string(),
        owner: Member {
            id: a.owner_id.clone(),
            name: name_in(r, a.owner_id.as_deref()),
        },
        due_on: a.due_on,
        done: a.done,
        done_at: a.done_at,
        overdue: is_overdue(a.due_on, a.done, now),
        created_at: a.created_at,
        version: a.version,
    }
}

/// The owner an action item names: a participant of the relationship.
pub(super) fn owner_in(r: &MentorshipRecord, owner: &str) -> Result<String, String> {
    let owner = owner.trim();
    if r.participant_ids().contains(&owner) {
        Ok(owner.to_string())
    } else {
        Err("the owner must be one of the people in this mentorship".into())
    }
}

pub async fn add_action_item(
    state: &AppState,
    caller: &Caller,
    meeting_id: &str,
    input: &ActionItemIn,
) -> AppResult<ActionItemOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (m, rel, _) =
        relationship::lock_child::<meeting::Model>(&tx, caller, meeting_id, Kind::Meeting).await?;
    let mut p = Problems::default();
    let title = p.take("title", text(&input.title, ACTION_MAX, true));
    let due_on = p.take("due_on", optional_date(input.due_on.as_deref()));
    p.finish()?;
    let r = &rel.record;
    ensure_running(rel.status(now), "action items")?;
    let owner = owner_in(r, input.owner_id.as_deref().unwrap_or(caller.id()))
        .map_err(|e| AppError::field("owner_id", e))?;
    let new = store::NewActionItem {
        meeting: &m,
        title: title.unwrap_or_default(),
        owner: &owner,
        due_on: due_on.flatten(),
        by: caller.id(),
        at: now,
    };
    let saved = store::insert_action_item(&tx, new).await?;
    tx.commit().await?;
    Ok(item_view(r, &saved, now))
}

pub async fn patch_action_item(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ActionItemPatch,
    expected: Expected,
) -> AppResult<ActionItemOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (before, rel, _) =
        relationship::lock_child::<action_item::Model>(&tx, caller, id, Kind::Meeting).await?;
    let mut p = Problems::default();
    let title = input
        .title
        .as_deref()
        .and_then(|t| p.take("title", text(t, ACTION_MAX, true)));
    let due_on = input
        .due_on
        .as_deref()
        .and_then(|d| p.take("due_on", optional_date(Some(d))));
    p.finish()?;
    let r = &rel.record;
    edits::ensure_fresh(expected, before.version, "action item", || {
        item_view(r, &before, now)
    })?;
    ensure_running(rel.status(now), "action item changes")?;
    let mut after = before.clone();
    if let Some(done) = input.done {
        if done != before.done {
            after.done = done;
            after.done_at = done.then_some(now);
        }
    }
    if let Some(t) = title {
        *after.title = t;
    }
    if let Some(d) = due_on {
        after.due_on = d;
    }
    if let Some(owner) = input.owner_id.as_deref() {
        after.owner_id = Some(owner_in(r, owner).map_err(|e| AppError::field("owner_id", e))?);
    }
    let saved = store::update::<action_item::Entity>(&tx, before, after).await?;
    tx.commit().await?;
    Ok(item_view(r, &saved, now))
}
