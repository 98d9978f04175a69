//! A relationship with the caller's standing towards it, and the objects that hang
//! on it (goals, milestones, meetings, action items): the one way a use case
//! reaches a pair's content. A read comes from the cache; a change locks the
//! relationship and reads it, and the object asked for, again under the lock.
//! What the caller may do is always the access model's answer (`domain::access`).
use super::accounts::Caller;
use crate::domain::access::{
    needs_coordinators, pair_access, Access, Kind, Member, ObjectFacts, PairFacts, Part, Viewer,
};
use crate::domain::lifecycle::effective_status;
use crate::domain::wire::MentorshipStatus;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::{action_item, goal, meeting, milestone};
use crate::store::records::MentorshipRecord;
use crate::store::{mentorships as store, programs, workspace};
use chrono::{DateTime, Utc};
use sea_orm::DbErr;
use std::future::Future;
use std::sync::Arc;

/// How a member who erased their account is shown.
pub const FORMER_MEMBER: &str = "Former member";

/// A relationship as the caller stands towards it.
#[derive(Debug, Clone)]
pub struct Relationship {
    pub record: Arc<MentorshipRecord>,
    pub access: Access,
}

impl Relationship {
    pub fn id(&self) -> &str {
        &self.record.m.id
    }

    /// Its status as of `now`.
    pub fn status(&self, now: DateTime<Utc>) -> MentorshipStatus {
        status_of(&self.record, now)
    }

    /// A participant's name as the relationship shows it.
    pub fn name_of(&self, id: Option<&str>) -> String {
        name_in(&self.record, id)
    }

    /// Whether the caller reads one object of `kind` (lists leave out what they may not).
    pub fn sees(&self, caller: &Caller, kind: Kind, facts: &ObjectFacts) -> bool {
        self.access.object(caller.viewer(), kind, facts).is_ok()
    }

    /// From when on the caller reads dated content, for lists paged in the database.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.access.since()
    }
}

/// The relationship's status as of `now`.
pub fn status_of(r: &MentorshipRecord, now: DateTime<Utc>) -> MentorshipStatus {
    effective_status(r.m.status, r.m.expires_at, now)
}

/// A participant's name as the relationship shows it.
pub fn name_in(r: &MentorshipRecord, id: Option<&str>) -> String {
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

fn members(r: &MentorshipRecord) -> Vec<Member<'_>> {
    r.mentees
        .iter()
        .filter_map(|s| {
            s.mentee_id.as_deref().map(|id| Member {
                id,
                joined_at: s.joined_at,
            })
        })
        .collect()
}

/// The access model's answer for this caller, given the program's coordinators.
pub fn standing(caller: &Caller, r: &MentorshipRecord, coordinators: &[&str]) -> Access {
    standing_of(caller.viewer(), r, coordinators)
}

/// The access model's answer for anyone, given the program's coordinators.
pub fn standing_of(viewer: Viewer, r: &MentorshipRecord, coordinators: &[&str]) -> Access {
    let mentees = members(r);
    pair_access(
        viewer,
        &PairFacts {
            mentor: r.m.mentor_id.as_deref(),
            mentees: &mentees,
            coordinators,
        },
    )
}

/// Whether the program's coordinators could change the answer for this caller.
fn coordinators_matter(caller: &Caller, r: &MentorshipRecord) -> bool {
    let mentees = members(r);
    needs_coordinators(
        caller.viewer(),
        &PairFacts {
            mentor: r.m.mentor_id.as_deref(),
            mentees: &mentees,
            coordinators: &[],
        },
    )
}

/// The caller's standing, with the program's coordinators from the read cache.
pub async fn access_cached(
    state: &AppState,
    caller: &Caller,
    r: &MentorshipRecord,
) -> AppResult<Access> {
    if !coordinators_matter(caller, r) {
        return Ok(standing(caller, r, &[]));
    }
    let program = programs::program_cached(&state.store, &r.m.program_id).await?;
    let coordinators = program
        .as_ref()
        .map(|p| p.coordinator_ids())
        .unwrap_or_default();
    Ok(standing(caller, r, &coordinators))
}

/// The caller's standing, with the program's coordinators read in the transaction.
pub async fn access_locked(
    tx: &impl Connection,
    caller: &Caller,
    r: &MentorshipRecord,
) -> AppResult<Access> {
    if !coordinators_matter(caller, r) {
        return Ok(standing(caller, r, &[]));
    }
    let coordinators: Vec<String> = programs::coordinators_of(tx, &r.m.program_id)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let coordinators: Vec<&str> = coordinators.iter().map(String::as_str).collect();
    Ok(standing(caller, r, &coordinators))
}

/// A relationship read for content of `kind` (from the cache): 404 for those who
/// may not know it, 403 for overseers on what only its participants read.
pub async fn read(
    state: &AppState,
    caller: &Caller,
    id: &str,
    kind: Kind,
) -> AppResult<Relationship> {
    let record = store::with_members_cached(&state.store, id)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    let access = access_cached(state, caller, &record).await?.allows(kind)?;
    Ok(Relationship { record, access })
}

/// A relationship read by a participant, for content only participants read.
pub async fn read_part(
    state: &AppState,
    caller: &Caller,
    id: &str,
    kind: Kind,
) -> AppResult<(Relationship, Part)> {
    let rel = read(state, caller, id, kind).await?;
    let part = rel.access.take_part(kind)?;
    Ok((rel, part))
}

/// A relationship locked until the transaction ends and read under the lock, with
/// the caller's standing (404 for those who may not know of it).
pub async fn lock(tx: &impl Connection, caller: &Caller, id: &str) -> AppResult<Relationship> {
    if !store::lock(tx, id).await? {
        return Err(AppError::NotFound("mentorship"));
    }
    let record = store::with_members(tx, id)
        .await?
        .ok_or(AppError::NotFound("mentorship"))?;
    let access = access_locked(tx, caller, &record).await?;
    access.allows(Kind::Relationship)?;
    Ok(Relationship {
        record: Arc::new(record),
        access,
    })
}

/// A relationship locked for a participant's change to its content of `kind`.
pub async fn lock_part(
    tx: &impl Connection,
    caller: &Caller,
    id: &str,
    kind: Kind,
) -> AppResult<(Relationship, Part)> {
    let rel = lock(tx, caller, id).await?;
    let part = rel.access.take_part(kind)?;
    Ok((rel, part))
}

// ------------------------------------------------------------ what hangs on a relationship

/// An object found by its id, with when its thread was started (its own creation,
/// or that of what it hangs on, whichever is earlier).
pub struct Found<C> {
    pub item: C,
    pub written_at: DateTime<Utc>,
}

/// An object of a relationship that has an address of its own.
pub trait Child: Sized + Send {
    /// What a caller who may not know of it is told was not found.
    const WHAT: &'static str;
    fn mentorship_id(&self) -> &str;
    fn find<'a, D: Connection>(
        db: &'a D,
        id: &'a str,
    ) -> impl Future<Output = Result<Option<Found<Self>>, DbErr>> + Send + 'a;
}

impl Child for goal::Model {
    const WHAT: &'static str = "goal";
    fn mentorship_id(&self) -> &str {
        &self.mentorship_id
    }
    async fn find<'a, D: Connection>(db: &'a D, id: &'a str) -> Result<Option<Found<Self>>, DbErr> {
        Ok(workspace::goal(db, id).await?.map(|g| Found {
            written_at: g.created_at,
            item: g,
        }))
    }
}

impl Child for milestone::Model {
    const WHAT: &'static str = "milestone";
    fn mentorship_id(&self) -> &str {
        &self.mentorship_id
    }
    async fn find<'a, D: Connection>(db: &'a D, id: &'a str) -> Result<Option<Found<Self>>, DbErr> {
        let Some(m) = workspace::milestone(db, id).await? else {
            return Ok(None);
        };
        let goal_at = workspace::goal(db, &m.goal_id).await?.map(|g| g.created_at);
        Ok(Some(Found {
            written_at: goal_at.map_or(m.created_at, |g| g.min(m.created_at)),
            item: m,
        }))
    }
}

impl Child for meeting::Model {
    const WHAT: &'static str = "meeting";
    fn mentorship_id(&self) -> &str {
        &self.mentorship_id
    }
    async fn find<'a, D: Connection>(db: &'a D, id: &'a str) -> Result<Option<Found<Self>>, DbErr> {
        Ok(workspace::meeting(db, id).await?.map(|m| Found {
            written_at: m.created_at,
            item: m,
        }))
    }
}

impl Child for action_item::Model {
    const WHAT: &'static str = "action item";
    fn mentorship_id(&self) -> &str {
        &self.mentorship_id
    }
    async fn find<'a, D: Connection>(db: &'a D, id: &'a str) -> Result<Option<Found<Self>>, DbErr> {
        let Some(a) = workspace::action_item(db, id).await? else {
            return Ok(None);
        };
        let meeting_at = workspace::meeting(db, &a.meeting_id)
            .await?
            .map(|m| m.created_at);
        Ok(Some(Found {
            written_at: meeting_at.map_or(a.created_at, |m| m.min(a.created_at)),
            item: a,
        }))
    }
}

/// A refusal on the relationship names the object asked for.
fn hidden_as(e: AppError, what: &'static str) -> AppError {
    match e {
        AppError::NotFound(_) => AppError::NotFound(what),
        other => other,
    }
}

/// Whether the caller may read this object of `kind`; 404 named for the object
/// when they may not know of it.
fn check<C: Child>(
    rel: &Relationship,
    caller: &Caller,
    kind: Kind,
    found: &Found<C>,
) -> AppResult<Part> {
    let facts = ObjectFacts {
        author: None,
        written_at: found.written_at,
    };
    rel.access
        .object(caller.viewer(), kind, &facts)
        .map_err(|e| hidden_as(e.into(), C::WHAT))
}

/// An object and its relationship read for a participant (from the cache).
pub async fn read_child<C: Child>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    kind: Kind,
) -> AppResult<(C, Relationship)> {
    let found = C::find(state.store.read(), id)
        .await?
        .ok_or(AppError::NotFound(C::WHAT))?;
    let rel = read(state, caller, found.item.mentorship_id(), kind)
        .await
        .map_err(|e| hidden_as(e, C::WHAT))?;
    check(&rel, caller, kind, &found)?;
    Ok((found.item, rel))
}

/// An object locked for a participant's change: found, its relationship locked,
/// and the object read again under that lock, so the change is decided on what is
/// there now.
pub async fn lock_child<C: Child>(
    tx: &impl Connection,
    caller: &Caller,
    id: &str,
    kind: Kind,
) -> AppResult<(C, Relationship, Part)> {
    let found = C::find(tx, id).await?.ok_or(AppError::NotFound(C::WHAT))?;
    let rel = lock(tx, caller, found.item.mentorship_id())
        .await
        .map_err(|e| hidden_as(e, C::WHAT))?;
    let found = C::find(tx, id).await?.ok_or(AppError::NotFound(C::WHAT))?;
    let part = check(&rel, caller, kind, &found)?;
    Ok((found.item, rel, part))
}
