//! Office hours on pages: a mentor's weekly windows, slot length and zone, with
//! the coming free slots and what was booked; and the page on which a mentee
//! confirms a slot (with an agenda and a meeting link) before booking it.
use super::pickers::ZonePicker;
use super::{
    back_with_error, done, form_failure, ok, render, split_lines, typed_number, CsrfForm, Errors,
    Member, Opt, Page, WebError,
};
use crate::domain::office_hours::{parse_windows, Window, MAX_WINDOWS};
use crate::error::AppError;
use crate::service::office_hours::{self, AvailabilityIn, BookingIn, Offer, Overview};
use crate::service::workspace::zone_of;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// Empty rows the form offers beneath the windows, and adds on "More rows".
const SPARE_ROWS: usize = 3;
/// The most rows a form is read with (more windows than that are refused anyway).
const MAX_ROWS: usize = MAX_WINDOWS + 10;

/// One weekly window as typed.
#[derive(Debug, Default, Clone)]
struct RowForm {
    weekday: String,
    start: String,
    end: String,
}

impl RowForm {
    fn is_blank(&self) -> bool {
        [&self.weekday, &self.start, &self.end]
            .iter()
            .all(|s| s.trim().is_empty())
    }

    fn from_window(w: &Window) -> RowForm {
        RowForm {
            weekday: w.weekday.to_string(),
            start: w.start.clone(),
            // A time field cannot hold 24:00; midnight at the end is 00:00.
            end: if w.end == "24:00" {
                "00:00".into()
            } else {
                w.end.clone()
            },
        }
    }

    /// The window it stands for, or what is wrong with it.
    fn to_window(&self) -> Result<Window, String> {
        let weekday = self
            .weekday
            .trim()
            .parse::<u8>()
            .map_err(|_| "pick a day".to_string())?;
        let end = match self.end.trim() {
            "00:00" => "24:00".to_string(),
            e => e.to_string(),
        };
        let w = Window {
            weekday,
            start: self.start.trim().to_string(),
            end,
        };
        parse_windows(std::slice::from_ref(&w))?;
        Ok(w)
    }
}

/// The office-hours form as typed: rows are `weekday_N`, `start_N`, `end_N`,
/// and `remove_N` when ticked.
#[derive(Debug, Default)]
struct HoursForm {
    timezone: String,
    slot_minutes: String,
    location: String,
    rows: Vec<RowForm>,
    /// "More rows" was pressed: show the form again with more empty rows.
    more: bool,
}

impl HoursForm {
    fn from_overview(o: &Overview) -> HoursForm {
        HoursForm {
            timezone: o.hours.timezone.clone(),
            slot_minutes: o.hours.slot_minutes.to_string(),
            location: o.hours.location.clone(),
            rows: o.hours.windows.iter().map(RowForm::from_window).collect(),
            more: false,
        }
    }

    /// The form from its fields; removed and blank rows are left out.
    fn from_pairs(pairs: Vec<(String, String)>) -> HoursForm {
        let mut form = HoursForm::default();
        let mut rows: BTreeMap<usize, RowForm> = BTreeMap::new();
        let mut removed = Vec::new();
        for (key, value) in pairs {
            match key.as_str() {
                "timezone" => form.timezone = value,
                "slot_minutes" => form.slot_minutes = value,
                "location" => form.location = value,
                "more" => form.more = true,
                _ => {
                    let Some((name, n)) = key.rsplit_once('_') else {
                        continue;
                    };
                    let Some(n) = n.parse::<usize>().ok().filter(|n| *n < MAX_ROWS) else {
                        continue;
                    };
                    let row = rows.entry(n).or_default();
                    match name {
                        "weekday" => row.weekday = value,
                        "start" => row.start = value,
                        "end" => row.end = value,
                        "remove" => removed.push(n),
                        _ => {}
                    }
                }
            }
        }
        form.rows = rows
            .into_iter()
            .filter(|(n, row)| !removed.contains(n) && !row.is_blank())
            .map(|(_, row)| row)
            .collect();
        form
    }
}

/// A row of the form as the page shows it.
struct RowView {
    n: usize,
    days: Vec<Opt>,
    start: String,
    end: String,
    /// A window already there (it may be removed), not a spare row.
    filled: bool,
    error: Option<String>,
}

/// The free slots of one day.
struct DayView {
    label: String,
    times: Vec<String>,
}

struct BookedRow {
    when: String,
    minutes: i32,
    with: String,
    href: String,
    place: String,
}

#[derive(Template)]
#[template(path = "office_hours.html")]
struct OfficeHoursPage {
    page: Page,
    zones: ZonePicker,
    slot_minutes: String,
    location: String,
    rows: Vec<RowView>,
    errors: Errors,
    /// Hours have been published with at least one window.
    has_hours: bool,
    tz: String,
    days: Vec<DayView>,
    booked: Vec<BookedRow>,
}

fn days_of(weekday: &str) -> Vec<Opt> {
    WEEKDAYS
        .iter()
        .enumerate()
        .map(|(k, day)| {
            let value = (k + 1).to_string();
            Opt {
                selected: weekday.trim() == value,
                value,
                label: day.to_string(),
            }
        })
        .collect()
}

/// The page: the form as typed (or as saved), what is wrong with it, and the
/// slots and bookings as saved.
fn hours_page(
    me: &Member,
    form: &HoursForm,
    mut row_errors: BTreeMap<usize, String>,
    errors: Errors,
    spare: usize,
    o: &Overview,
) -> OfficeHoursPage {
    let tz: Tz = o.hours.timezone.parse().unwrap_or(chrono_tz::UTC);
    let mut rows: Vec<RowView> = form
        .rows
        .iter()
        .enumerate()
        .map(|(n, r)| RowView {
            n,
            days: days_of(&r.weekday),
            start: r.start.clone(),
            end: r.end.clone(),
            filled: true,
            error: row_errors.remove(&n),
        })
        .collect();
    let first_spare = rows.len();
    rows.extend((first_spare..first_spare + spare).map(|n| RowView {
        n,
        days: days_of(""),
        start: String::new(),
        end: String::new(),
        filled: false,
        error: None,
    }));
    let mut days: Vec<DayView> = Vec::new();
    for s in &o.slots {
        let local = s.starts_at.with_timezone(&tz);
        let label = local.format("%a %-d %b").to_string();
        let time = local.format("%H:%M").to_string();
        match days.last_mut() {
            Some(d) if d.label == label => d.times.push(time),
            _ => days.push(DayView {
                label,
                times: vec![time],
            }),
        }
    }
    OfficeHoursPage {
        page: me.page("Office hours", "office-hours"),
        zones: ZonePicker::new(&form.timezone),
        slot_minutes: form.slot_minutes.clone(),
        location: form.location.clone(),
        rows,
        errors,
        has_hours: o.hours.updated_at.is_some() && !o.hours.windows.is_empty(),
        tz: o.hours.timezone.clone(),
        days,
        booked: o
            .booked
            .iter()
            .map(|b| BookedRow {
                when: local(b.starts_at, tz),
                minutes: b.minutes,
                with: b.with.clone(),
                href: format!("/mentorships/{}/meetings", b.mentorship_id),
                place: b.location.clone(),
            })
            .collect(),
    }
}

fn local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .format("%a %-d %b %Y, %H:%M")
        .to_string()
}

/// Anyone signed in may publish office hours (as the API allows); the page is
/// linked for those who mentor.
pub async fn office_hours_page(
    State(state): State<AppState>,
    me: Member,
) -> Result<Response, WebError> {
    let o = office_hours::overview(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let form = HoursForm::from_overview(&o);
    Ok(ok(&hours_page(
        &me,
        &form,
        BTreeMap::new(),
        Errors::default(),
        SPARE_ROWS,
        &o,
    )))
}

pub async fn save_office_hours(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let form = HoursForm::from_pairs(pairs);
    if form.more {
        let o = office_hours::overview(&state, &me.caller)
            .await
            .map_err(me.fail())?;
        let page = hours_page(
            &me,
            &form,
            BTreeMap::new(),
            Errors::default(),
            2 * SPARE_ROWS,
            &o,
        );
        return Ok(ok(&page));
    }
    let mut windows = Vec::new();
    let mut row_errors = BTreeMap::new();
    for (n, row) in form.rows.iter().enumerate() {
        match row.to_window() {
            Ok(w) => windows.push(w),
            Err(e) => {
                row_errors.insert(n, e);
            }
        }
    }
    let mut errors = Errors::default();
    if !row_errors.is_empty() {
        errors.add("windows", "a window needs a day, a start and a later end");
    } else {
        let input = AvailabilityIn {
            timezone: Some(form.timezone.clone()),
            slot_minutes: typed_number(&form.slot_minutes),
            windows,
            location: form.location.clone(),
        };
        match office_hours::put(&state, &me.caller, &input).await {
            Ok(_) => return Ok(done(
                &state,
                "/office-hours",
                "Office hours saved. Your mentees book the free slots from your shared workspace.",
            )),
            Err(err) => errors = form_failure(err, me.fail())?.errors,
        }
    }
    let o = office_hours::overview(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let mut page = hours_page(&me, &form, row_errors, errors, SPARE_ROWS, &o);
    page.page.flash = Some(super::Flash::error(
        "Some fields need your attention; see the messages below.",
    ));
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// What the booking form holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BookingForm {
    starts_at: String,
    agenda: String,
    location: String,
}

#[derive(Template)]
#[template(path = "book.html")]
struct BookPage {
    page: Page,
    id: String,
    mentor: String,
    when: String,
    ends: String,
    minutes: i64,
    tz: String,
    starts_at: String,
    place: String,
    form: BookingForm,
    errors: Errors,
}

fn book_page(
    me: &Member,
    id: &str,
    o: Offer,
    tz: (Tz, String),
    form: BookingForm,
    errors: Errors,
) -> BookPage {
    let (tz, tz_name) = tz;
    BookPage {
        page: me.page("Book office hours", "dashboard"),
        id: id.to_string(),
        mentor: o.mentor,
        when: local(o.slot.starts_at, tz),
        ends: o
            .slot
            .ends_at
            .with_timezone(&tz)
            .format("%H:%M")
            .to_string(),
        minutes: (o.slot.ends_at - o.slot.starts_at).num_minutes(),
        tz: tz_name,
        starts_at: o.slot.starts_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        place: o.place,
        form,
        errors,
    }
}

/// The workspace's meetings section, where the slots are listed.
fn to_slots(id: &str) -> String {
    format!("/mentorships/{id}/meetings#office-hours")
}

/// The first `starts_at` of a query string.
fn starts_at_of(query: Option<&str>) -> Option<String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or_default()).ok()?;
    pairs
        .into_iter()
        .find(|(k, _)| k == "starts_at")
        .map(|(_, v)| v)
}

/// The slot before it is booked, in the mentee's own zone: who with, an agenda
/// and a link to add. Participants; a slot taken meanwhile sends them back to
/// the list with the reason.
pub async fn confirm_booking(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let starts_at = starts_at_of(query.as_deref());
    match office_hours::offer(&state, &me.caller, &id, starts_at.as_deref()).await {
        // The relationship is the caller's (the offer decided it), so its id is safe.
        Ok(None) => Ok(Redirect::to(&to_slots(&id)).into_response()),
        Ok(Some(o)) => {
            let tz = zone_of(&state, &me.caller).await.map_err(me.fail())?;
            Ok(ok(&book_page(
                &me,
                &id,
                o,
                tz,
                BookingForm::default(),
                Errors::default(),
            )))
        }
        Err(err) => Ok(back_with_error(&state, &to_slots(&id), err, me.fail())),
    }
}

pub async fn book(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<BookingForm>,
) -> Result<Response, WebError> {
    let input = BookingIn {
        starts_at: form.starts_at.clone(),
        agenda: split_lines(&form.agenda),
        location: Some(form.location.clone()),
    };
    match office_hours::book(&state, &me.caller, &id, &input).await {
        // The new meeting's own page: its agenda and link, as both will see them.
        Ok(m) => Ok(done(
            &state,
            &format!("/meetings/{}", m.id),
            "Booked — the meeting is in both your calendars.",
        )),
        // What was typed is refused: the form again, as typed, with the reasons.
        Err(AppError::Validation(fields)) if !fields.contains_key("starts_at") => {
            let offer = office_hours::offer(&state, &me.caller, &id, Some(&form.starts_at)).await;
            match offer {
                Ok(Some(o)) => {
                    let tz = zone_of(&state, &me.caller).await.map_err(me.fail())?;
                    let page = book_page(&me, &id, o, tz, form, Errors(fields));
                    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
                }
                Ok(None) => Ok(Redirect::to(&to_slots(&id)).into_response()),
                Err(err) => Ok(back_with_error(&state, &to_slots(&id), err, me.fail())),
            }
        }
        Err(err) => Ok(back_with_error(&state, &to_slots(&id), err, me.fail())),
    }
}
