//! Meetings of a relationship: scheduled with an agenda, moved, held or cancelled,
//! with shared notes and calendar invites. What hangs on a meeting has a file of
//! its own: each participant's private note (`notes`), action items, feedback.
mod action_items;
mod feedback;
mod notes;

use crate::domain::access::{Kind, ObjectFacts};
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::values::{in_range, instant, sentences, text, Problems};
use crate::domain::versions::Expected;
use crate::domain::wire::{MeetingStatus, MentorshipStatus};
use crate::domain::workspace::{
    decide_meeting, may_schedule, meeting_actions, MeetingAction, MeetingFacts,
};
use crate::email::kinds;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::edits;
use crate::service::notify;
use crate::service::paging::Listing;
use crate::service::relationship::{self, status_of, Relationship};
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::{action_item, feedback as feedback_row, meeting, private_note};
use crate::store::records::MentorshipRecord;
use crate::store::{mentorships, workspace as store};
pub use action_items::*;
use chrono::{DateTime, Duration, Utc};
pub use feedback::*;
pub use notes::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const LOCATION_MAX: usize = 300;
pub const AGENDA_ITEMS: usize = 30;
pub const NOTES_MAX: usize = 20_000;
pub const FEEDBACK_MAX: usize = 2000;
pub const ACTION_MAX: usize = 300;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeetingIn {
    /// When it starts (RFC 3339). A start in the past records a meeting that took place.
    #[schema(required = true, format = DateTime)]
    pub starts_at: String,
    /// 5–480 minutes (default: the agreement's meeting length, else 60).
    #[schema(minimum = 5, maximum = 480)]
    pub duration_minutes: Option<i64>,
    /// A place or a link.
    #[schema(max_length = 300)]
    pub location: String,
    /// What to talk about, prepared in advance.
    #[schema(max_items = 30)]
    pub agenda: Vec<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeetingPatch {
    /// `held` (once its start has passed) or `cancelled`; only from `scheduled`.
    #[schema(value_type = Option<String>, pattern = "^\\s*(held|cancelled)\\s*$")]
    pub status: Option<String>,
    #[schema(max_length = 20000)]
    pub shared_notes: Option<String>,
    /// Moves a scheduled meeting.
    #[schema(format = DateTime)]
    pub starts_at: Option<String>,
    #[schema(minimum = 5, maximum = 480)]
    pub duration_minutes: Option<i64>,
    #[schema(max_length = 300)]
    pub location: Option<String>,
    #[schema(max_items = 30)]
    pub agenda: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingOut {
    pub id: String,
    pub mentorship_id: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub location: String,
    pub agenda: Vec<String>,
    pub status: MeetingStatus,
    pub shared_notes: String,
    /// Raised on every change (the calendar invite's SEQUENCE).
    pub sequence: i32,
    /// Raised by every change; send it back as `If-Match` to change it safely.
    pub version: i32,
    /// Booked from the mentor's office hours.
    pub booked: bool,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub action_items: Vec<ActionItemOut>,
    /// Your own private note: only you ever see it (null while you have none).
    pub private_note: Option<String>,
    /// Whether you have given feedback on it.
    pub feedback_given: bool,
    /// What you may do with it now.
    pub allowed_actions: Vec<MeetingAction>,
}

/// What a meeting is shown with for one caller: the action items and feedback of
/// its relationship, and the private notes the caller may read (their own).
pub struct Around<'a> {
    pub r: &'a MentorshipRecord,
    pub caller: &'a Caller,
    pub items: &'a [action_item::Model],
    pub notes: &'a [private_note::Model],
    pub feedback: &'a [feedback_row::Model],
    pub now: DateTime<Utc>,
}

pub(super) fn facts(m: &meeting::Model, a: &Around) -> MeetingFacts {
    MeetingFacts {
        status: m.status,
        starts_at: m.starts_at,
        relationship: status_of(a.r, a.now),
        gave_feedback: a
            .feedback
            .iter()
            .any(|f| f.meeting_id == m.id && f.author_id == a.caller.id()),
        now: a.now,
    }
}

pub fn meeting_view(m: meeting::Model, a: &Around) -> MeetingOut {
    let f = facts(&m, a);
    // `notes` holds only what the access model lets the caller read.
    let private_note = a
        .notes
        .iter()
        .find(|n| n.meeting_id == m.id)
        .map(|n| n.body.to_string());
    MeetingOut {
        ends_at: m.starts_at + Duration::minutes(m.duration_minutes as i64),
        action_items: a
            .items
            .iter()
            .filter(|i| i.meeting_id == m.id)
            .map(|i| item_view(a.r, i, a.now))
            .collect(),
        private_note,
        feedback_given: f.gave_feedback,
        allowed_actions: meeting_actions(f),
        id: m.id,
        mentorship_id: m.mentorship_id,
        starts_at: m.starts_at,
        duration_minutes: m.duration_minutes,
        location: m.location.into_value(),
        agenda: m.agenda.into_value().0,
        status: m.status,
        shared_notes: m.shared_notes.into_value(),
        sequence: m.sequence,
        version: m.version,
        booked: m.booked,
        created_by: m.created_by,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// Whether the caller reads this meeting (and what hangs on it).
pub fn sees_meeting(rel: &Relationship, caller: &Caller, m: &meeting::Model) -> bool {
    let facts = ObjectFacts {
        author: None,
        written_at: m.created_at,
    };
    rel.sees(caller, Kind::Meeting, &facts)
}

/// The private notes on these meetings that the access model lets the caller read.
pub async fn readable_notes(
    db: &impl Connection,
    rel: &Relationship,
    caller: &Caller,
    meeting_ids: &[String],
) -> AppResult<Vec<private_note::Model>> {
    Ok(match rel.access.private_notes_of(caller.viewer()) {
        Some(author) => store::notes_by(db, author, meeting_ids).await?,
        None => Vec::new(),
    })
}

/// Meetings as the caller sees them, with what they are shown with read in three statements.
pub async fn views(
    db: &impl Connection,
    rel: &Relationship,
    caller: &Caller,
    meetings: Vec<meeting::Model>,
    now: DateTime<Utc>,
) -> AppResult<Vec<MeetingOut>> {
    let ids: Vec<String> = meetings.iter().map(|m| m.id.clone()).collect();
    let notes = readable_notes(db, rel, caller, &ids).await?;
    let items = store::action_items_of(db, rel.id()).await?;
    let feedback = store::feedback_of(db, rel.id()).await?;
    Ok(views_from(
        rel, caller, meetings, &items, &feedback, &notes, now,
    ))
}

/// Meetings as the caller sees them, from what was read already: those they may
/// read, each with its action items, whether they gave feedback, and their own
/// private note (`notes` holds only what the access model lets them read).
pub fn views_from(
    rel: &Relationship,
    caller: &Caller,
    meetings: Vec<meeting::Model>,
    items: &[action_item::Model],
    feedback: &[feedback_row::Model],
    notes: &[private_note::Model],
    now: DateTime<Utc>,
) -> Vec<MeetingOut> {
    let around = Around {
        r: &rel.record,
        caller,
        items,
        notes,
        feedback,
        now,
    };
    meetings
        .into_iter()
        .filter(|m| sees_meeting(rel, caller, m))
        .map(|m| meeting_view(m, &around))
        .collect()
}

pub(super) fn meeting_cursor(m: &meeting::Model) -> Cursor {
    Cursor::of_time_and_id(m.starts_at, &m.id)
}

/// A relationship's meetings by start, earliest first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    page: &PageRequest,
) -> AppResult<Listing<MeetingOut>> {
    let (rel, _) = relationship::read_part(state, caller, mentorship_id, Kind::Meeting).await?;
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let db = state.store.read();
    let rows = store::meetings_page(db, mentorship_id, rel.since(), after, page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, meeting_cursor);
    let items = views(db, &rel, caller, rows, state.clock.now()).await?;
    Ok(Listing { items, next_cursor })
}

pub async fn get(state: &AppState, caller: &Caller, id: &str) -> AppResult<MeetingOut> {
    let (m, rel) =
        relationship::read_child::<meeting::Model>(state, caller, id, Kind::Meeting).await?;
    one_view(state.store.read(), &rel, caller, m, state.clock.now()).await
}

pub(super) async fn one_view(
    tx: &impl Connection,
    rel: &Relationship,
    caller: &Caller,
    m: meeting::Model,
    now: DateTime<Utc>,
) -> AppResult<MeetingOut> {
    let mut out = views(tx, rel, caller, vec![m], now).await?;
    out.pop().ok_or(AppError::NotFound("meeting"))
}

/// The agreed meeting length, else an hour.
pub(super) async fn agreed_minutes(db: &impl Connection, mentorship_id: &str) -> AppResult<i64> {
    Ok(mentorships::agreement_of(db, mentorship_id)
        .await?
        .map(|a| a.meeting_minutes as i64)
        .unwrap_or(60))
}

/// What happened to a meeting, for its e-mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Scheduled,
    Moved,
    Cancelled,
}

/// The e-mails to both participants with the meeting's calendar file. None for a
/// meeting recorded with a start in the past: there is nothing to put in a calendar.
pub async fn invite_emails(
    db: &impl Connection,
    state: &AppState,
    r: &MentorshipRecord,
    m: &meeting::Model,
    change: Change,
    now: DateTime<Utc>,
) -> AppResult<Vec<crate::email::Email>> {
    if m.starts_at <= now {
        return Ok(Vec::new());
    }
    let file = super::calendar::meeting_file(state, r, m);
    let link = notify::link(state, &format!("/mentorships/{}", r.m.id));
    let mut out = Vec::new();
    for to in notify::participants_but(db, r, None).await? {
        let (when, short_when) = to.when(m.starts_at);
        macro_rules! letter {
            ($kind:ident) => {
                kinds::compose(
                    &kinds::$kind {
                        to: &to.name,
                        when,
                        short_when,
                        minutes: m.duration_minutes,
                        place: &m.location,
                        link: &link,
                    },
                    &to,
                    &state.config.base_url,
                    Some(file.clone()),
                )?
            };
        }
        out.push(match change {
            Change::Scheduled => letter!(MeetingScheduled),
            Change::Moved => letter!(MeetingChanged),
            Change::Cancelled => letter!(MeetingCancelled),
        });
    }
    Ok(out)
}

/// To each participant once a meeting is held: feedback to give.
pub async fn feedback_emails(
    db: &impl Connection,
    state: &AppState,
    r: &MentorshipRecord,
    m: &meeting::Model,
) -> AppResult<Vec<crate::email::Email>> {
    let link = notify::link(state, &format!("/meetings/{}", m.id));
    let mut out = Vec::new();
    for to in notify::participants_but(db, r, None).await? {
        let id = to.user_id.as_deref().unwrap_or_default();
        let letter = kinds::FeedbackToGive {
            to: &to.name,
            other: &crate::service::mentorships::others_of(r, id),
            day: to.day(m.starts_at.with_timezone(&to.zone).date_naive()),
            link: &link,
        };
        out.push(kinds::compose(&letter, &to, &state.config.base_url, None)?);
    }
    Ok(out)
}

/// A meeting to schedule.
pub struct NewMeeting {
    pub starts_at: DateTime<Utc>,
    pub minutes: i32,
    pub location: String,
    pub agenda: Vec<String>,
    /// Booked from office hours.
    pub booked: bool,
}

/// Inserts a scheduled meeting of an active relationship.
pub async fn insert_meeting(
    tx: &impl Connection,
    r: &MentorshipRecord,
    caller: &Caller,
    new: NewMeeting,
    now: DateTime<Utc>,
) -> AppResult<meeting::Model> {
    may_schedule(status_of(r, now))?;
    let m = store::NewMeeting {
        mentorship_id: &r.m.id,
        starts_at: new.starts_at,
        minutes: new.minutes,
        location: new.location,
        agenda: new.agenda,
        booked: new.booked,
        by: caller.id(),
        at: now,
    };
    Ok(store::insert_meeting(tx, m).await?)
}

pub async fn schedule(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    input: &MeetingIn,
) -> AppResult<MeetingOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, mentorship_id, Kind::Meeting).await?;
    let mut p = Problems::default();
    let starts_at = p.take("starts_at", instant(&input.starts_at));
    let minutes = input
        .duration_minutes
        .and_then(|d| p.take("duration_minutes", in_range(d, 5, 480)));
    let location = p.take("location", text(&input.location, LOCATION_MAX, false));
    let agenda = p.take("agenda", sentences(&input.agenda, AGENDA_ITEMS));
    p.finish()?;
    let r = &rel.record;
    let minutes = match minutes {
        Some(m) => m,
        None => agreed_minutes(&tx, mentorship_id).await? as i32,
    };
    let m = insert_meeting(
        &tx,
        r,
        caller,
        NewMeeting {
            starts_at: starts_at.unwrap_or(now),
            minutes,
            location: location.unwrap_or_default(),
            agenda: agenda.unwrap_or_default(),
            booked: false,
        },
        now,
    )
    .await?;
    let mut emails = invite_emails(&tx, state, r, &m, Change::Scheduled, now).await?;
    if m.status == MeetingStatus::Held {
        emails.extend(feedback_emails(&tx, state, r, &m).await?);
    }
    let out = one_view(&tx, &rel, caller, m, now).await?;
    super::outbox::commit_and_deliver(state, tx, emails, now).await?;
    Ok(out)
}

pub async fn patch(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &MeetingPatch,
    expected: Expected,
) -> AppResult<MeetingOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (before, rel, _) =
        relationship::lock_child::<meeting::Model>(&tx, caller, id, Kind::Meeting).await?;
    let mut p = Problems::default();
    let status = input.status.as_deref().and_then(|s| {
        p.take(
            "status",
            match MeetingStatus::parse(s) {
                Ok(MeetingStatus::Scheduled) | Err(_) => {
                    Err("must be held or cancelled".to_string())
                }
                Ok(other) => Ok(other),
            },
        )
    });
    let notes = input
        .shared_notes
        .as_deref()
        .and_then(|n| p.take("shared_notes", text(n, NOTES_MAX, false)));
    let starts_at = input
        .starts_at
        .as_deref()
        .and_then(|s| p.take("starts_at", instant(s)));
    let minutes = input
        .duration_minutes
        .and_then(|d| p.take("duration_minutes", in_range(d, 5, 480)));
    let location = input
        .location
        .as_deref()
        .and_then(|l| p.take("location", text(l, LOCATION_MAX, false)));
    let agenda = input
        .agenda
        .as_deref()
        .and_then(|a| p.take("agenda", sentences(a, AGENDA_ITEMS)));
    p.finish()?;
    let r = &rel.record;
    if let Err(stale) = expected.check(before.version) {
        let current = one_view(&tx, &rel, caller, before, now).await?;
        return Err(edits::conflict("meeting", stale, current));
    }
    let relationship: MentorshipStatus = rel.status(now);
    let mut after = before.clone();
    let decide = |action, m: &meeting::Model| {
        decide_meeting(
            action,
            MeetingFacts {
                status: m.status,
                starts_at: m.starts_at,
                relationship,
                gave_feedback: false,
                now,
            },
        )
    };
    let moves = starts_at.is_some() || minutes.is_some() || location.is_some() || agenda.is_some();
    if moves {
        decide(MeetingAction::Reschedule, &after)?;
        after.starts_at = starts_at.unwrap_or(after.starts_at);
        after.duration_minutes = minutes.unwrap_or(after.duration_minutes);
        if let Some(location) = location {
            *after.location = location;
        }
        if let Some(agenda) = agenda {
            *after.agenda = agenda.into();
        }
    }
    if let Some(n) = notes {
        decide(MeetingAction::TakeNotes, &after)?;
        *after.shared_notes = n;
    }
    if let Some(to) = status {
        let action = if to == MeetingStatus::Held {
            MeetingAction::Hold
        } else {
            MeetingAction::Cancel
        };
        decide(action, &after)?;
        after.status = to;
    }
    if after != before {
        after.sequence += 1;
        after.updated_at = now;
    }
    let change =
        if after.status == MeetingStatus::Cancelled && before.status != MeetingStatus::Cancelled {
            Some(Change::Cancelled)
        } else if (after.starts_at, after.duration_minutes, &after.location)
            != (before.starts_at, before.duration_minutes, &before.location)
        {
            Some(Change::Moved)
        } else {
            None
        };
    let held = after.status == MeetingStatus::Held && before.status != MeetingStatus::Held;
    let saved = store::update::<meeting::Entity>(&tx, before, after).await?;
    let mut emails = match change {
        Some(change) => invite_emails(&tx, state, r, &saved, change, now).await?,
        None => Vec::new(),
    };
    if held {
        emails.extend(feedback_emails(&tx, state, r, &saved).await?);
    }
    let out = one_view(&tx, &rel, caller, saved, now).await?;
    super::outbox::commit_and_deliver(state, tx, emails, now).await?;
    Ok(out)
}
