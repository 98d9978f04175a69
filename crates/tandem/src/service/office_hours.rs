//! Office hours: a mentor publishes weekly windows in their time zone and a slot
//! length; their mentees see the free slots and book one, which becomes a
//! scheduled meeting. Two bookings of one slot: the mentor's row is locked while
//! a booking is decided, so one wins and the other gets 409.
use super::accounts::Caller;
use super::meetings::{insert_meeting, views, MeetingOut, NewMeeting, AGENDA_ITEMS, LOCATION_MAX};
use super::relationship;
use crate::domain::access::{Kind, ObjectFacts};
use crate::domain::office_hours::{parse_windows, Hours, Window, Windows, MAX_DAYS, SLOT_MINUTES};
use crate::domain::values::{date, in_range, instant, sentences, text, timezone, Problems};
use crate::domain::workspace::may_schedule;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::availability;
use crate::store::{accounts, people, workspace as store};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AvailabilityIn {
    /// IANA time zone the windows are in (default: your profile's, else UTC).
    pub timezone: Option<String>,
    /// 10–240 (default 30).
    #[schema(minimum = 10, maximum = 240)]
    pub slot_minutes: Option<i64>,
    #[schema(max_items = 50)]
    pub windows: Vec<Window>,
    /// Where booked meetings take place: a room or a video link.
    #[schema(max_length = 300)]
    pub location: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AvailabilityOut {
    pub timezone: String,
    pub slot_minutes: i32,
    pub windows: Vec<Window>,
    pub location: String,
    /// Null until you publish your hours.
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct SlotOut {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct BookingIn {
    /// The start of a free slot, as `/slots` lists it.
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// What to talk about, one item each.
    #[serde(default)]
    #[schema(max_items = 30)]
    pub agenda: Vec<String>,
    /// Where to meet: a place or a meeting link (default: the place the mentor's
    /// office hours name, if any).
    #[serde(default)]
    #[schema(max_length = 300)]
    pub location: Option<String>,
}

fn view(a: availability::Model) -> AvailabilityOut {
    AvailabilityOut {
        timezone: a.timezone,
        slot_minutes: a.slot_minutes,
        windows: a.windows.0,
        location: a.location,
        updated_at: Some(a.updated_at),
    }
}

async fn profile_zone(db: &impl Connection, user_id: &str) -> AppResult<String> {
    Ok(people::profile_of(db, user_id)
        .await?
        .and_then(|p| p.timezone)
        .unwrap_or_else(|| "UTC".into()))
}

/// The caller's office hours; none published yet reads as no windows.
pub async fn get(state: &AppState, caller: &Caller) -> AppResult<AvailabilityOut> {
    let db = state.store.read();
    match store::availability_of(db, caller.id()).await? {
        Some(a) => Ok(view(a)),
        None => Ok(AvailabilityOut {
            timezone: profile_zone(db, caller.id()).await?,
            slot_minutes: 30,
            windows: Vec::new(),
            location: String::new(),
            updated_at: None,
        }),
    }
}

pub async fn put(
    state: &AppState,
    caller: &Caller,
    input: &AvailabilityIn,
) -> AppResult<AvailabilityOut> {
    let mut p = Problems::default();
    let zone = match input.timezone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(z) => p.take("timezone", timezone(z)),
    };
    let slot = p.take(
        "slot_minutes",
        in_range(
            input.slot_minutes.unwrap_or(30),
            SLOT_MINUTES.0,
            SLOT_MINUTES.1,
        ),
    );
    let windows = p.take("windows", parse_windows(&input.windows));
    let location = p.take("location", text(&input.location, 300, false));
    p.finish()?;
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let zone = match zone {
        Some(z) => z,
        None => profile_zone(&tx, caller.id()).await?,
    };
    let hours = store::Hours {
        timezone: zone,
        slot_minutes: slot.unwrap_or(30),
        location: location.unwrap_or_default(),
        windows: Windows(windows.unwrap_or_default()),
    };
    let a = store::save_availability(&tx, caller.person(), hours, now).await?;
    tx.commit().await?;
    Ok(view(a))
}

/// The mentor's free slots from `from` for `days` days, in UTC.
async fn free_slots(
    db: &impl Connection,
    mentor_id: &str,
    from: Option<NaiveDate>,
    days: i64,
    now: DateTime<Utc>,
) -> AppResult<(Vec<SlotOut>, Option<availability::Model>)> {
    let Some(a) = store::availability_of(db, mentor_id).await? else {
        return Ok((Vec::new(), None));
    };
    let hours = Hours {
        timezone: a.timezone.clone(),
        slot_minutes: a.slot_minutes as i64,
        windows: a.windows.0.clone(),
    };
    let from = from.unwrap_or_else(|| hours.local_date(now));
    // Local days reach at most 14 hours either side of UTC.
    let window_start =
        from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - Duration::hours(14);
    let window_end = window_start + Duration::days(days + 2);
    let busy: Vec<(DateTime<Utc>, DateTime<Utc>)> =
        store::scheduled_between(db, mentor_id, window_start, window_end)
            .await?
            .iter()
            .map(|m| {
                (
                    m.starts_at,
                    m.starts_at + Duration::minutes(m.duration_minutes as i64),
                )
            })
            .collect();
    let slots = hours
        .free_slots(from, days, now, &busy)
        .into_iter()
        .map(|s| SlotOut {
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        })
        .collect();
    Ok((slots, Some(a)))
}

/// `from` and `days` as typed in a query.
pub fn parse_range(from: Option<&str>, days: Option<&str>) -> AppResult<(Option<NaiveDate>, i64)> {
    let mut p = Problems::default();
    let from = match from.map(str::trim) {
        None | Some("") => None,
        Some(d) => p.take("from", date(d)),
    };
    let days = match days.map(str::trim) {
        None | Some("") => Some(14),
        Some(d) => p.take(
            "days",
            d.parse::<i64>()
                .map_err(|_| format!("must be a whole number from 1 to {MAX_DAYS}"))
                .and_then(|n| in_range(n, 1, MAX_DAYS).map(i64::from)),
        ),
    };
    p.finish()?;
    Ok((from, days.unwrap_or(14)))
}

/// The mentor's free slots, for the relationship's participants.
pub async fn slots(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    from: Option<NaiveDate>,
    days: i64,
) -> AppResult<Vec<SlotOut>> {
    let (rel, _) = relationship::read_part(state, caller, mentorship_id, Kind::OfficeHours).await?;
    mentor_slots(state, &rel.record, from, days).await
}

/// The free slots of a relationship's mentor (for a caller already allowed to see them).
pub async fn mentor_slots(
    state: &AppState,
    r: &crate::store::records::MentorshipRecord,
    from: Option<NaiveDate>,
    days: i64,
) -> AppResult<Vec<SlotOut>> {
    let Some(mentor) = r.m.mentor_id.as_deref() else {
        return Ok(Vec::new());
    };
    Ok(
        free_slots(state.store.read(), mentor, from, days, state.clock.now())
            .await?
            .0,
    )
}

fn mentor_of(r: &crate::store::records::MentorshipRecord) -> AppResult<String> {
    r.m.mentor_id.clone().ok_or_else(|| {
        AppError::conflict("slot_not_free", "this mentorship has no mentor any more")
    })
}

/// The mentor's free slot that starts at `starts_at`, with their hours; 409 when
/// there is none.
async fn free_slot(
    db: &impl Connection,
    mentor: &str,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<(SlotOut, availability::Model)> {
    let day = starts_at.date_naive() - Duration::days(1);
    let (free, hours) = free_slots(db, mentor, Some(day), 3, now).await?;
    let Some(hours) = hours else {
        return Err(AppError::conflict(
            "slot_not_free",
            "this mentor has not published office hours",
        ));
    };
    match free.into_iter().find(|s| s.starts_at == starts_at) {
        Some(slot) => Ok((slot, hours)),
        None => Err(AppError::conflict(
            "slot_not_free",
            "that slot is not free (taken meanwhile, past, or outside the office hours); pick another from the list",
        )),
    }
}

/// A free slot offered to a participant before they book it.
#[derive(Debug, Clone)]
pub struct Offer {
    pub mentor: String,
    pub slot: SlotOut,
    /// The place the mentor's hours name, which a booking without a link takes.
    pub place: String,
}

/// The slot starting at `starts_at` as the booking page offers it (participants;
/// None when no slot is named). 409 when it is not free, as a booking would be.
pub async fn offer(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    starts_at: Option<&str>,
) -> AppResult<Option<Offer>> {
    let (rel, _) = relationship::read_part(state, caller, mentorship_id, Kind::OfficeHours).await?;
    let Some(raw) = starts_at.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let starts_at = instant(raw).map_err(|e| AppError::field("starts_at", e))?;
    let now = state.clock.now();
    may_schedule(rel.status(now))?;
    let mentor = mentor_of(&rel.record)?;
    let (slot, hours) = free_slot(state.store.read(), &mentor, starts_at, now).await?;
    Ok(Some(Offer {
        mentor: rel.name_of(Some(&mentor)),
        slot,
        place: hours.location,
    }))
}

/// A meeting booked from the caller's office hours.
#[derive(Debug, Clone)]
pub struct Booked {
    pub mentorship_id: String,
    pub starts_at: DateTime<Utc>,
    pub minutes: i32,
    /// The mentees who meet.
    pub with: String,
    pub location: String,
}

/// The caller's own office hours as their page shows them: the hours, the free
/// slots of the next 14 days (from today in their zone), and the coming meetings
/// booked from them.
#[derive(Debug, Clone)]
pub struct Overview {
    pub hours: AvailabilityOut,
    pub slots: Vec<SlotOut>,
    pub booked: Vec<Booked>,
}

pub async fn overview(state: &AppState, caller: &Caller) -> AppResult<Overview> {
    let now = state.clock.now();
    let db = state.store.read();
    let hours = get(state, caller).await?;
    let (slots, _) = free_slots(db, caller.id(), None, 14, now).await?;
    let meetings = store::booked_from_hours(db, caller.id(), now).await?;
    let records = if meetings.is_empty() {
        Vec::new()
    } else {
        super::mentorships::all_records(state, caller).await?
    };
    let booked = meetings
        .into_iter()
        .filter_map(|m| {
            let r = records.iter().find(|r| r.m.id == m.mentorship_id)?;
            let rel = relationship::Relationship {
                record: std::sync::Arc::clone(r),
                access: relationship::standing(caller, r, &[]),
            };
            let facts = ObjectFacts {
                author: None,
                written_at: m.created_at,
            };
            rel.sees(caller, Kind::Meeting, &facts).then(|| Booked {
                mentorship_id: m.mentorship_id.clone(),
                starts_at: m.starts_at,
                minutes: m.duration_minutes,
                with: r
                    .mentees
                    .iter()
                    .map(|s| rel.name_of(s.mentee_id.as_deref()))
                    .collect::<Vec<_>>()
                    .join(", "),
                location: m.location.into_value(),
            })
        })
        .collect();
    Ok(Overview {
        hours,
        slots,
        booked,
    })
}

/// Books a free slot: a scheduled meeting of the slot's length (409 when the
/// slot is not free, or was taken meanwhile).
pub async fn book(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    input: &BookingIn,
) -> AppResult<MeetingOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, mentorship_id, Kind::OfficeHours).await?;
    let mut p = Problems::default();
    let starts_at = p.take("starts_at", instant(&input.starts_at));
    let agenda = p.take("agenda", sentences(&input.agenda, AGENDA_ITEMS));
    let location = match input.location.as_deref() {
        None => None,
        Some(l) => p.take("location", text(l, LOCATION_MAX, false)),
    };
    p.finish()?;
    let starts_at = starts_at.unwrap_or(now);
    may_schedule(rel.status(now))?;
    let r = &rel.record;
    let mentor = mentor_of(r)?;
    // Bookings of this mentor's time are decided one at a time.
    accounts::lock_people(&tx, &[&mentor]).await?;
    let (_, hours) = free_slot(&tx, &mentor, starts_at, now).await?;
    let m = insert_meeting(
        &tx,
        r,
        caller,
        NewMeeting {
            starts_at,
            minutes: hours.slot_minutes,
            // The mentee's link, else the place the mentor's hours name (which
            // may be none: then the meeting has no place, and says so).
            location: location
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| hours.location.clone()),
            agenda: agenda.unwrap_or_default(),
            booked: true,
        },
        now,
    )
    .await?;
    let emails =
        super::meetings::invite_emails(&tx, state, r, &m, super::meetings::Change::Scheduled, now)
            .await?;
    let mut out = views(&tx, &rel, caller, vec![m], now).await?;
    super::outbox::commit_and_deliver(state, tx, emails, now).await?;
    out.pop().ok_or(AppError::NotFound("meeting"))
}
