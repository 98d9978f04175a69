//! Calendar files (RFC 5545, through the `icalendar` crate): one meeting's invite,
//! and a person's secret feed of all their meetings. A meeting keeps one UID; its
//! SEQUENCE is raised on every change and a cancelled one says `STATUS:CANCELLED`.
//! The files carry times, place (a meeting link also as the URL) and who meets;
//! what is said stays on Tandem.
use super::accounts::Caller;
use super::relationship::{self, name_in};
use crate::domain::access::{feed_viewer, Kind, ObjectFacts};
use crate::domain::values::web_link;
use crate::domain::wire::MeetingStatus;
use crate::error::AppResult;
use crate::secrets::random_token;
use crate::state::AppState;
use crate::store::entities::meeting;
use crate::store::records::MentorshipRecord;
use crate::store::{accounts, mentorships, workspace as store};
use chrono::Duration;
use icalendar::{Calendar, Component, EventLike, EventStatus};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOut {
    /// The secret address of your personal feed; anyone with it sees your meetings' times.
    pub url: String,
}

/// The UID a meeting keeps through every change.
pub fn uid(meeting_id: &str) -> String {
    format!("{meeting_id}@tandem")
}

fn base(state: &AppState) -> &str {
    state.config.base_url.trim_end_matches('/')
}

/// One meeting as a calendar event.
fn event(state: &AppState, r: &MentorshipRecord, m: &meeting::Model) -> icalendar::Event {
    let mentees: Vec<String> = r
        .mentees
        .iter()
        .map(|s| name_in(r, s.mentee_id.as_deref()))
        .collect();
    let mentor = name_in(r, r.m.mentor_id.as_deref());
    let page = format!("{}/mentorships/{}", base(state), r.m.id);
    // A place that is a meeting link is the event's URL, where calendars show a
    // "join" button; otherwise the URL is the pair's page.
    let join = web_link(&m.location);
    let description = match &join {
        Some(link) => format!("Join: {link}\nThe agenda and notes are on Tandem: {page}"),
        None => format!("The agenda and notes are on Tandem: {page}"),
    };
    let mut e = icalendar::Event::new();
    e.uid(&uid(&m.id))
        .sequence(m.sequence.max(0) as u32)
        .timestamp(m.updated_at)
        .starts(m.starts_at)
        .ends(m.starts_at + Duration::minutes(m.duration_minutes as i64))
        .summary(&format!("Mentoring: {mentor} and {}", mentees.join(", ")))
        .description(&description)
        .url(join.as_deref().unwrap_or(&page))
        .status(match m.status {
            MeetingStatus::Cancelled => EventStatus::Cancelled,
            _ => EventStatus::Confirmed,
        });
    if !m.location.is_empty() {
        e.location(&m.location);
    }
    e.done()
}

fn calendar(name: &str, events: Vec<icalendar::Event>) -> String {
    let mut c = Calendar::new();
    c.name(name);
    for e in events {
        c.push(e);
    }
    c.done().to_string()
}

/// The calendar file of one meeting, as its e-mails attach it.
pub fn meeting_file(state: &AppState, r: &MentorshipRecord, m: &meeting::Model) -> String {
    calendar("Tandem meeting", vec![event(state, r, m)])
}

/// One meeting's invite (participants).
pub async fn invite(state: &AppState, caller: &Caller, meeting_id: &str) -> AppResult<String> {
    let (m, rel) =
        relationship::read_child::<meeting::Model>(state, caller, meeting_id, Kind::Meeting)
            .await?;
    Ok(meeting_file(state, &rel.record, &m))
}

/// Whether the owner of a feed reads this meeting of this relationship: the access
/// model's answer for them, as for any other view of their meetings.
fn in_feed(owner_id: &str, r: &MentorshipRecord, m: &meeting::Model) -> bool {
    let viewer = feed_viewer(owner_id);
    let access = relationship::standing_of(viewer, r, &[]);
    let facts = ObjectFacts {
        author: None,
        written_at: m.created_at,
    };
    access.object(viewer, Kind::Meeting, &facts).is_ok()
}

/// The feed behind a secret: every meeting of its owner; None for an unknown secret.
pub async fn feed(state: &AppState, token: &str) -> AppResult<Option<String>> {
    let db = state.store.read();
    // A disabled account's feed is gone with its sessions.
    let Some(user) = accounts::user_by_calendar_token(db, token)
        .await?
        .filter(|u| !u.disabled)
    else {
        return Ok(None);
    };
    let meetings = store::meetings_involving(db, &user.id).await?;
    let all = crate::domain::paging::PageRequest::all();
    let records = mentorships::involving_page(db, &user.id, None, None, all.fetch()).await?;
    let events = meetings
        .iter()
        .filter_map(|m| {
            let r = records.iter().find(|r| r.m.id == m.mentorship_id)?;
            in_feed(&user.id, r, m).then(|| event(state, r, m))
        })
        .collect();
    Ok(Some(calendar(&format!("Tandem: {}", user.name), events)))
}

fn feed_url(state: &AppState, token: &str) -> String {
    format!("{}/calendar/{token}.ics", base(state))
}

/// The caller's feed address, if they have one (a read: nothing is written).
pub fn url_of(state: &AppState, caller: &Caller) -> String {
    caller
        .user()
        .calendar_token
        .as_deref()
        .map(|token| feed_url(state, token))
        .unwrap_or_default()
}

/// The caller's feed address.
pub async fn mine(state: &AppState, caller: &Caller) -> AppResult<CalendarOut> {
    match caller.user().calendar_token.as_deref() {
        Some(token) => Ok(CalendarOut {
            url: feed_url(state, token),
        }),
        None => rotate(state, caller).await,
    }
}

/// A new secret for the caller's feed; the old address stops working at once.
pub async fn rotate(state: &AppState, caller: &Caller) -> AppResult<CalendarOut> {
    let token = random_token();
    let tx = state.store.write().await?;
    accounts::set_calendar_token(&tx, caller.id(), &token).await?;
    tx.commit().await?;
    Ok(CalendarOut {
        url: feed_url(state, &token),
    })
}
