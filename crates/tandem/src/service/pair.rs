//! What every use case on a relationship's content starts with: the relationship,
//! and the caller's standing towards content of one kind, from the one access model.
use super::accounts::Caller;
use super::mentorships::{access_of, load_for_change, FORMER_MEMBER};
use crate::domain::access::{pair_access, Access, Kind, PairFacts};
use crate::domain::lifecycle::{effective_status, Part};
use crate::domain::wire::MentorshipStatus;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::mentorships as store;
use crate::store::records::MentorshipRecord;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A relationship read for content of `kind`, with what the caller may do with it.
pub async fn read(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    kind: Kind,
) -> AppResult<(Arc<MentorshipRecord>, Access)> {
    let r = store::with_members_cached(&state.store, mentorship_id)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    let access = access_of(state.store.read(), Some(state), caller, &r)
        .await?
        .allows(kind)?;
    Ok((r, access))
}

/// A relationship read by a participant, for content only participants read.
pub async fn read_part(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    kind: Kind,
) -> AppResult<(Arc<MentorshipRecord>, Part)> {
    let (r, access) = read(state, caller, mentorship_id, kind).await?;
    Ok((r, access.take_part(kind)?))
}

/// A relationship locked for a change to its content of `kind` by a participant.
pub async fn change(
    tx: &impl Connection,
    caller: &Caller,
    mentorship_id: &str,
    kind: Kind,
) -> AppResult<(MentorshipRecord, Part)> {
    let (r, access) = load_for_change(tx, caller, mentorship_id).await?;
    let part = access.take_part(kind)?;
    Ok((r, part))
}

/// The relationship's status as of `now`.
pub fn status(r: &MentorshipRecord, now: DateTime<Utc>) -> MentorshipStatus {
    effective_status(r.m.status, r.m.expires_at, now)
}

/// A participant's name as the relationship shows it.
pub fn name_of(r: &MentorshipRecord, id: Option<&str>) -> String {
    let Some(id) = id else {
        return FORMER_MEMBER.into();
    };
    if r.m.mentor_id.as_deref() == Some(id) {
        return r
            .mentor_name
            .clone()
            .unwrap_or_else(|| FORMER_MEMBER.into());
    }
    r.mentees
        .iter()
        .find(|s| s.mentee_id.as_deref() == Some(id))
        .and_then(|s| s.name.clone())
        .unwrap_or_else(|| FORMER_MEMBER.into())
}

/// Whether `author`'s object is the caller's own, as the access model decides it.
pub fn owns(r: &MentorshipRecord, caller: &Caller, author: &str, kind: Kind) -> bool {
    let mentees = r.mentee_ids();
    let facts = PairFacts {
        mentor: r.m.mentor_id.as_deref(),
        mentees: &mentees,
        coordinators: &[],
        author: Some(author),
    };
    pair_access(caller.viewer(), &facts).allows(kind).is_ok()
}
