//! Requests and relationships: how one reads to the caller, and the use cases of
//! its life, a file each: asking (`requests`), answering and ending (`lifecycle`),
//! the agreement (`agreements`), reflections, and the caller's export of them.
mod agreements;
mod export;
mod letters;
mod lifecycle;
mod proposals;
mod reflections;
mod requests;

use crate::domain::access::{Access, Kind, Part, ProgramAct};
use crate::domain::lifecycle::allowed_actions;
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::wire::{Action, EndReason, MentorshipStatus as S, Origin, ProgramKind, Role};
use crate::error::AppResult;
use crate::service::accounts::Caller;
use crate::service::paging::Listing;
use crate::service::programs::program_for;
use crate::service::relationship::{self, status_of, FORMER_MEMBER};
use crate::state::AppState;
use crate::store::mentorships as store;
use crate::store::records::MentorshipRecord;
pub use agreements::*;
use chrono::{DateTime, Utc};
pub use export::*;
pub use letters::*;
pub use lifecycle::*;
pub use proposals::*;
pub use reflections::*;
pub use requests::*;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// A participant as shown on a mentorship; `id` is null once they erased their account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub id: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MenteeMember {
    pub id: Option<String>,
    pub name: String,
    /// For proposed matches: whether this mentee has accepted.
    pub accepted: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorshipOut {
    pub id: String,
    pub program_id: String,
    pub program_name: String,
    pub program_kind: ProgramKind,
    pub mentor: Member,
    pub mentor_accepted: bool,
    pub mentees: Vec<MenteeMember>,
    pub status: S,
    pub origin: Origin,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<EndReason>,
    pub merged_into: Option<String>,
    /// The request's three parts and the answers: participants only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_note: Option<String>,
    /// What the caller may do now.
    pub allowed_actions: Vec<Action>,
    /// The caller's part: `mentor`, `mentee`, or null for a coordinator looking on.
    pub my_role: Option<Role>,
}

impl MentorshipOut {
    /// The mentees' names, comma-separated, for tables.
    pub fn mentee_names(&self) -> String {
        self.mentees
            .iter()
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether this person has accepted a proposed match.
    pub fn accepted_by(&self, user_id: &str) -> bool {
        if self.mentor.id.as_deref() == Some(user_id) {
            self.mentor_accepted
        } else {
            self.mentees
                .iter()
                .any(|x| x.id.as_deref() == Some(user_id) && x.accepted)
        }
    }

    /// A request to answer or a proposal to accept, waiting on this person.
    pub fn waits_on(&self, user_id: &str) -> bool {
        (self.status == S::Requested && self.mentor.id.as_deref() == Some(user_id))
            || (self.status == S::Proposed
                && self.allowed_actions.contains(&Action::Accept)
                && !self.accepted_by(user_id))
    }
}

/// What the caller may do now, less an acceptance they already gave.
pub(super) fn allowed_for(
    r: &MentorshipRecord,
    status: S,
    access: Access,
    user_id: &str,
) -> Vec<Action> {
    let already_accepted = status == S::Proposed
        && match access.part() {
            Some(Part::Mentor) => r.m.mentor_accepted,
            Some(Part::Mentee) => r
                .mentees
                .iter()
                .any(|x| x.mentee_id.as_deref() == Some(user_id) && x.accepted),
            None => false,
        };
    let mut actions = allowed_actions(status, access);
    if already_accepted {
        actions.retain(|a| *a != Action::Accept);
    }
    actions
}

/// The relationship as this caller may see it, as of `now`.
pub(crate) fn view(
    r: &MentorshipRecord,
    access: Access,
    viewer: &str,
    now: DateTime<Utc>,
) -> MentorshipOut {
    let m = &r.m;
    let status = status_of(r, now);
    let part = access.take_part(Kind::Request).ok();
    let content = |s: &String| part.map(|_| s.clone());
    MentorshipOut {
        id: m.id.clone(),
        program_id: m.program_id.clone(),
        program_name: r.program_name.clone(),
        program_kind: r.program_kind,
        mentor: Member {
            id: m.mentor_id.clone(),
            name: r
                .mentor_name
                .clone()
                .unwrap_or_else(|| FORMER_MEMBER.into()),
        },
        mentor_accepted: m.mentor_accepted,
        mentees: r
            .mentees
            .iter()
            .map(|x| MenteeMember {
                id: x.mentee_id.clone(),
                name: x.name.clone().unwrap_or_else(|| FORMER_MEMBER.into()),
                accepted: x.accepted,
            })
            .collect(),
        status,
        origin: m.origin,
        created_at: m.created_at,
        expires_at: m.expires_at,
        started_at: m.started_at,
        ended_at: match (status, m.ended_at) {
            (S::Expired, None) => m.expires_at,
            (_, at) => at,
        },
        end_reason: m.end_reason,
        merged_into: m.merged_into.clone(),
        intro: content(&m.intro),
        reasons: content(&m.reasons),
        ask: content(&m.ask),
        decline_reason: part.and(m.decline_reason.as_ref().map(|v| v.to_string())),
        end_note: part.and(m.end_note.as_ref().map(|v| v.to_string())),
        allowed_actions: allowed_for(r, status, access, viewer),
        my_role: access.part().map(Part::role),
    }
}

/// One relationship, as far as the caller may know it (404 otherwise).
pub async fn get(state: &AppState, caller: &Caller, id: &str) -> AppResult<MentorshipOut> {
    let rel = relationship::read(state, caller, id, Kind::Relationship).await?;
    Ok(view(
        &rel.record,
        rel.access,
        caller.id(),
        state.clock.now(),
    ))
}

pub(super) fn mentorship_cursor(m: &Arc<MentorshipRecord>) -> Cursor {
    Cursor::of_time_and_id(m.m.created_at, &m.m.id)
}

/// The caller's mentorships and requests, newest first, optionally of one status.
pub async fn mine(
    state: &AppState,
    caller: &Caller,
    status: Option<S>,
    page: &PageRequest,
) -> AppResult<Listing<MentorshipOut>> {
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let now = state.clock.now();
    let rows = match status {
        None => store::involving_page_cached(&state.store, caller.id(), after, page.fetch())
            .await?
            .0
            .clone(),
        Some(status) => store::involving_page(
            state.store.read(),
            caller.id(),
            Some((status, now)),
            after,
            page.fetch(),
        )
        .await?
        .into_iter()
        .map(Arc::new)
        .collect(),
    };
    let (rows, next_cursor) = page.finish(rows, mentorship_cursor);
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let access = relationship::access_cached(state, caller, r).await?;
        items.push(view(r, access, caller.id(), now));
    }
    Ok(Listing { items, next_cursor })
}

/// Relationships of a program, for those who run it: who, status, dates; no content.
pub async fn of_program(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    page: &PageRequest,
) -> AppResult<Listing<MentorshipOut>> {
    let record = program_for(state, caller, program_id, ProgramAct::SeeRelationships).await?;
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let rows = store::of_program_page(state.store.read(), program_id, after, page.fetch()).await?;
    let rows: Vec<Arc<MentorshipRecord>> = rows.into_iter().map(Arc::new).collect();
    let (rows, next_cursor) = page.finish(rows, mentorship_cursor);
    let coordinators = record.coordinator_ids();
    let now = state.clock.now();
    let items = rows
        .iter()
        .map(|r| {
            let access = relationship::standing(caller, r, &coordinators);
            view(r, access, caller.id(), now)
        })
        .collect();
    Ok(Listing { items, next_cursor })
}

/// Every relationship of the caller, newest first, as stored (the dashboard's).
pub async fn all_records(
    state: &AppState,
    caller: &Caller,
) -> AppResult<Vec<Arc<MentorshipRecord>>> {
    let all = PageRequest::all();
    Ok(
        store::involving_page_cached(&state.store, caller.id(), None, all.fetch())
            .await?
            .0
            .clone(),
    )
}
