//! Feedback once per participant on a held meeting: a rating and the sandwich
//! (what went well, what to improve, encouragement).
use super::*;
use crate::domain::access::Kind;
use crate::domain::ids::MeetingId;
use crate::domain::values::{in_range, text, Problems};
use crate::domain::workspace::{decide_meeting, MeetingAction, MeetingFacts};
use crate::error::AppResult;
use crate::service::accounts::Caller;
use crate::service::mentorships::Member;
use crate::service::relationship::{self, name_in, Relationship};
use crate::state::AppState;
use crate::store::entities::{feedback, meeting};
use crate::store::records::MentorshipRecord;
use crate::store::workspace as store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FeedbackIn {
    /// 1–5.
    #[schema(required = true, minimum = 1, maximum = 5)]
    pub rating: i64,
    #[schema(max_length = 2000)]
    pub went_well: String,
    #[schema(max_length = 2000)]
    pub to_improve: String,
    #[schema(max_length = 2000)]
    pub encouragement: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackOut {
    pub id: String,
    pub meeting_id: String,
    pub author: Member,
    pub rating: i32,
    pub went_well: String,
    pub to_improve: String,
    pub encouragement: String,
    pub created_at: DateTime<Utc>,
}

pub fn feedback_view(r: &MentorshipRecord, f: &feedback::Model) -> FeedbackOut {
    FeedbackOut {
        id: f.id.clone(),
        meeting_id: f.meeting_id.clone(),
        author: Member {
            id: Some(f.author_id.clone()),
            name: name_in(r, Some(&f.author_id)),
        },
        rating: f.rating,
        went_well: f.went_well.to_string(),
        to_improve: f.to_improve.to_string(),
        encouragement: f.encouragement.to_string(),
        created_at: f.created_at,
    }
}

pub async fn give_feedback(
    state: &AppState,
    caller: &Caller,
    meeting_id: &str,
    input: &FeedbackIn,
) -> AppResult<FeedbackOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (m, rel, _) =
        relationship::lock_child::<meeting::Model>(&tx, caller, meeting_id, Kind::Feedback).await?;
    let mut p = Problems::default();
    let rating = p.take("rating", in_range(input.rating, 1, 5));
    let went_well = p.take("went_well", text(&input.went_well, FEEDBACK_MAX, false));
    let to_improve = p.take("to_improve", text(&input.to_improve, FEEDBACK_MAX, false));
    let encouragement = p.take(
        "encouragement",
        text(&input.encouragement, FEEDBACK_MAX, false),
    );
    p.finish()?;
    let given = store::gave_feedback(&tx, MeetingId(&m.id), caller.person()).await?;
    decide_meeting(
        MeetingAction::GiveFeedback,
        MeetingFacts {
            status: m.status,
            starts_at: m.starts_at,
            relationship: rel.status(now),
            gave_feedback: given,
            now,
        },
    )?;
    let new = store::NewFeedback {
        meeting: &m,
        by: caller.id(),
        rating: rating.unwrap_or(3),
        went_well: went_well.unwrap_or_default(),
        to_improve: to_improve.unwrap_or_default(),
        encouragement: encouragement.unwrap_or_default(),
        at: now,
    };
    let saved = store::insert_feedback(&tx, new).await?;
    tx.commit().await?;
    Ok(feedback_view(&rel.record, &saved))
}

/// The feedback on a meeting, both sides (participants).
pub async fn feedback(
    state: &AppState,
    caller: &Caller,
    meeting_id: &str,
) -> AppResult<Vec<FeedbackOut>> {
    let (m, rel) =
        relationship::read_child::<meeting::Model>(state, caller, meeting_id, Kind::Feedback)
            .await?;
    Ok(store::feedback_of(state.store.read(), rel.id())
        .await?
        .iter()
        .filter(|f| f.meeting_id == m.id)
        .map(|f| feedback_view(&rel.record, f))
        .collect())
}

/// The feedback on all of a relationship's meetings (participants), oldest first.
pub async fn feedback_in(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<Vec<FeedbackOut>> {
    let (rel, _) = relationship::read_part(state, caller, mentorship_id, Kind::Feedback).await?;
    let db = state.store.read();
    let meetings = store::meetings_of(db, mentorship_id).await?;
    let feedback = store::feedback_of(db, mentorship_id).await?;
    Ok(visible_feedback(&rel, caller, &meetings, &feedback))
}

/// The feedback on the meetings the caller reads.
pub fn visible_feedback(
    rel: &Relationship,
    caller: &Caller,
    meetings: &[meeting::Model],
    feedback: &[feedback::Model],
) -> Vec<FeedbackOut> {
    let seen: Vec<&str> = meetings
        .iter()
        .filter(|m| sees_meeting(rel, caller, m))
        .map(|m| m.id.as_str())
        .collect();
    feedback
        .iter()
        .filter(|f| seen.contains(&f.meeting_id.as_str()))
        .map(|f| feedback_view(&rel.record, f))
        .collect()
}
