//! Reflections on a completed relationship, one per participant.
use crate::domain::access::Kind;
use crate::domain::ids::MentorshipId;
use crate::domain::values::text;
use crate::domain::wire::MentorshipStatus as S;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::relationship::{self};
use crate::state::AppState;
use crate::store::entities::reflection;
use crate::store::mentorships as store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ------------------------------------------------------------------ reflections

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReflectionIn {
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReflectionOut {
    pub mentorship_id: String,
    pub author_id: String,
    pub text: String,
    pub written_at: DateTime<Utc>,
}

impl From<reflection::Model> for ReflectionOut {
    fn from(r: reflection::Model) -> Self {
        ReflectionOut {
            mentorship_id: r.mentorship_id,
            author_id: r.user_id,
            text: r.text.into_value(),
            written_at: r.written_at,
        }
    }
}

pub async fn put_reflection(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ReflectionIn,
) -> AppResult<ReflectionOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, id, Kind::Reflection).await?;
    let body = text(&input.text, 5000, true).map_err(|e| AppError::field("text", e))?;
    if rel.record.m.status != S::Completed {
        return Err(AppError::conflict(
            "invalid_transition",
            "reflections are written once a mentorship is completed",
        ));
    }
    let saved = store::save_reflection(&tx, MentorshipId(id), caller.person(), body, now).await?;
    tx.commit().await?;
    Ok(ReflectionOut::from(saved))
}

/// Reflections of a mentorship, for its participants.
pub async fn reflections(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<Vec<ReflectionOut>> {
    relationship::read_part(state, caller, id, Kind::Reflection).await?;
    Ok(store::reflections_of(state.store.read(), &[id.to_string()])
        .await?
        .into_iter()
        .map(ReflectionOut::from)
        .collect())
}
