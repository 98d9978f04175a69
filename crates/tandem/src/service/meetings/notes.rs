//! A participant's private note on a meeting: its author's alone, whatever the
//! meeting's status.
use super::*;
use crate::domain::access::Kind;
use crate::domain::ids::MeetingId;
use crate::domain::values::text;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::relationship::{self};
use crate::state::AppState;
use crate::store::entities::meeting;
use crate::store::workspace as store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PrivateNoteIn {
    /// Only you will ever see this; an empty body removes the note.
    #[schema(max_length = 20000)]
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrivateNoteOut {
    pub meeting_id: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

/// Writes the caller's private note on a meeting: theirs alone, whatever the meeting's status.
pub async fn put_private_note(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &PrivateNoteIn,
) -> AppResult<PrivateNoteOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (m, _, _) =
        relationship::lock_child::<meeting::Model>(&tx, caller, id, Kind::Meeting).await?;
    let body = text(&input.body, NOTES_MAX, false).map_err(|e| AppError::field("body", e))?;
    store::save_note(&tx, MeetingId(&m.id), caller.person(), body.clone(), now).await?;
    tx.commit().await?;
    Ok(PrivateNoteOut {
        meeting_id: m.id,
        body,
        updated_at: now,
    })
}
