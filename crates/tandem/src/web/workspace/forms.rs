//! The forms of a relationship's workspace: meetings, private notes, action items,
//! feedback, goals and milestones, kudos, messages and introductions.
//! Each calls one use case and goes back to the page with what happened.

use super::ConflictView;
use crate::domain::versions::Expected;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::conversation::{self, IntroductionIn, KudosIn, MessageIn};
use crate::service::goals::{self, GoalIn, GoalPatch, MilestoneIn, MilestonePatch};
use crate::service::meetings::{
    self, ActionItemIn, ActionItemPatch, FeedbackIn, MeetingIn, MeetingPatch, PrivateNoteIn,
};
use crate::service::workspace::zone_of;
use crate::state::AppState;
use crate::web::{
    back_with_error, done, render, split_lines, typed_number, CsrfForm, Empty, Flash, Member,
    WebError,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

/// The workspace page that holds `anchor`: meetings, goals and messages each have
/// their own section; everything else is on the overview.
fn back(id: &str, anchor: &str) -> String {
    let section = match anchor.split('-').next().unwrap_or_default() {
        "meetings" | "meeting" | "schedule" | "office" => "/meetings",
        "goals" | "goal" | "milestone" | "new" => "/goals",
        "messages" | "kudos" | "introductions" => "/messages",
        _ => "",
    };
    format!("/mentorships/{id}{section}#{anchor}")
}

/// Back to a meeting's own page.
fn meeting_back(meeting_id: &str) -> String {
    // Only an id goes into the path, never a way elsewhere.
    let id: String = meeting_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    super::view::meeting_page(&id)
}

/// Runs a change and goes back to the mentorship page with what happened.
async fn then_back<T>(
    state: &AppState,
    me: &Member,
    to: String,
    result: AppResult<T>,
    message: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(done(state, &to, message)),
        Err(err) => Ok(back_with_error(state, &to, err, me.fail())),
    }
}

/// `YYYY-MM-DDTHH:MM` typed in the viewer's zone, as RFC 3339 in UTC.
fn typed_time(raw: &str, tz: Tz) -> String {
    let raw = raw.trim();
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| tz.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc).to_rfc3339())
        // Anything else goes to the service as typed, which names the problem.
        .unwrap_or_else(|| raw.to_string())
}

/// The zone the viewer types times in (UTC when they have not given one).
async fn viewer_zone(state: &AppState, caller: &Caller) -> Tz {
    zone_of(state, caller)
        .await
        .map(|(tz, _)| tz)
        .unwrap_or(chrono_tz::UTC)
}

fn back_to(mentorship_id: &str, anchor: &str) -> String {
    // Only an id goes into the path, never a way elsewhere.
    let id: String = mentorship_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if id.is_empty() {
        "/dashboard".into()
    } else {
        back(&id, anchor)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingForm {
    starts_at: String,
    duration_minutes: String,
    location: String,
    agenda: String,
}

pub async fn schedule(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MeetingForm>,
) -> Result<Response, WebError> {
    let tz = viewer_zone(&state, &me.caller).await;
    let input = MeetingIn {
        starts_at: typed_time(&form.starts_at, tz),
        duration_minutes: typed_number(&form.duration_minutes),
        location: form.location,
        agenda: split_lines(&form.agenda),
    };
    let result = meetings::schedule(&state, &me.caller, &id, &input).await;
    then_back(
        &state,
        &me,
        back(&id, "meetings"),
        result,
        "Meeting scheduled. Both of you find it in your calendar feed.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingChange {
    mentorship_id: String,
    status: String,
    shared_notes: Option<String>,
    /// Preparing or moving it: the agenda (one item per line), place, start and length.
    agenda: Option<String>,
    location: Option<String>,
    starts_at: Option<String>,
    /// The start the form was filled with: an unchanged start is no move.
    starts_was: String,
    duration_minutes: Option<String>,
    /// The version of the meeting the page showed.
    version: String,
}

pub async fn change_meeting(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MeetingChange>,
) -> Result<Response, WebError> {
    let tz = viewer_zone(&state, &me.caller).await;
    let moved = form
        .starts_at
        .as_deref()
        .filter(|typed| typed.trim() != form.starts_was.trim());
    let input = MeetingPatch {
        status: Some(form.status.clone()).filter(|s| !s.is_empty()),
        shared_notes: form.shared_notes.clone(),
        agenda: form.agenda.as_deref().map(split_lines),
        location: form.location.clone(),
        starts_at: moved.map(|t| typed_time(t, tz)),
        duration_minutes: form.duration_minutes.as_deref().and_then(typed_number),
    };
    let message = match form.status.as_str() {
        "held" => "Marked as held. Give each other feedback while it is fresh.",
        "cancelled" => "Meeting cancelled.",
        _ if moved.is_some() => {
            "Meeting moved. Both of you got the new time with an updated calendar invitation."
        }
        _ if form.agenda.is_some() => "Meeting saved.",
        _ => "Notes saved.",
    };
    let to = meeting_back(&id);
    let expected = Expected::from_form(&form.version);
    match meetings::patch(&state, &me.caller, &id, &input, expected).await {
        // Someone saved the notes or the agenda while these were written: show
        // both, lose nothing.
        Err(AppError::EditConflict { current, .. })
            if form.shared_notes.is_some() || form.agenda.is_some() =>
        {
            let text = |key: &str| current[key].as_str().unwrap_or_default().to_string();
            let (what, field, theirs, yours) = match form.shared_notes {
                Some(notes) => ("shared notes", "shared_notes", text("shared_notes"), notes),
                None => (
                    "agenda",
                    "agenda",
                    current["agenda"]
                        .as_array()
                        .map(|items| {
                            items
                                .iter()
                                .filter_map(|i| i.as_str())
                                .collect::<Vec<_>>()
                                .join("\n")
                        })
                        .unwrap_or_default(),
                    form.agenda.unwrap_or_default(),
                ),
            };
            let mut page = super::meeting_page(&state, &me, &id).await?;
            page.page.flash = Some(Flash::error(format!(
                "Your changes were not saved: the {what} changed while you wrote. Both texts are below; merge them and save."
            )));
            page.conflict = Some(ConflictView {
                heading: format!("The {what} changed while you wrote"),
                theirs,
                yours,
                action: format!("/meetings/{id}"),
                field: field.into(),
                version: current["version"].to_string(),
                mentorship_id: text("mentorship_id"),
            });
            Ok(render(StatusCode::CONFLICT, &page))
        }
        result => then_back(&state, &me, to, result, message).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    mentorship_id: String,
    body: String,
}

pub async fn private_note(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let to = meeting_back(&id);
    let result =
        meetings::put_private_note(&state, &me.caller, &id, &PrivateNoteIn { body: form.body })
            .await;
    then_back(
        &state,
        &me,
        to,
        result,
        "Private note saved. Only you can see it.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    mentorship_id: String,
    title: String,
    owner_id: String,
    due_on: String,
}

pub async fn add_item(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Result<Response, WebError> {
    let to = meeting_back(&id);
    let input = ActionItemIn {
        title: form.title,
        owner_id: Some(form.owner_id).filter(|o| !o.is_empty()),
        due_on: Some(form.due_on).filter(|d| !d.is_empty()),
    };
    let result = meetings::add_action_item(&state, &me.caller, &id, &input).await;
    then_back(&state, &me, to, result, "Action item added.").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneForm {
    mentorship_id: String,
    /// The meeting whose page the item was ticked on.
    meeting_id: String,
    done: String,
    version: String,
}

pub async fn item_done(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DoneForm>,
) -> Result<Response, WebError> {
    let to = if form.meeting_id.is_empty() {
        back_to(&form.mentorship_id, "meetings")
    } else {
        meeting_back(&form.meeting_id)
    };
    let done_now = form.done == "true";
    let input = ActionItemPatch {
        done: Some(done_now),
        ..ActionItemPatch::default()
    };
    let expected = Expected::from_form(&form.version);
    let result = meetings::patch_action_item(&state, &me.caller, &id, &input, expected).await;
    then_back(
        &state,
        &me,
        to,
        result,
        if done_now {
            "Done — well done."
        } else {
            "Marked as not done."
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FeedbackForm {
    mentorship_id: String,
    rating: String,
    went_well: String,
    to_improve: String,
    encouragement: String,
}

pub async fn feedback(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<FeedbackForm>,
) -> Result<Response, WebError> {
    let to = meeting_back(&id);
    // No rating chosen stands for 0, which the use case refuses naming the field.
    let input = FeedbackIn {
        rating: typed_number(&form.rating).unwrap_or(0),
        went_well: form.went_well,
        to_improve: form.to_improve,
        encouragement: form.encouragement,
    };
    let result = meetings::give_feedback(&state, &me.caller, &id, &input).await;
    then_back(&state, &me, to, result, "Thank you for your feedback.").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GoalForm {
    title: String,
    description: String,
    horizon: String,
    due_on: String,
}

pub async fn add_goal(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<GoalForm>,
) -> Result<Response, WebError> {
    let input = GoalIn {
        title: form.title,
        description: form.description,
        horizon: Some(form.horizon).filter(|h| !h.is_empty()),
        due_on: Some(form.due_on).filter(|d| !d.is_empty()),
    };
    let result = goals::create(&state, &me.caller, &id, &input).await;
    then_back(
        &state,
        &me,
        back(&id, "goals"),
        result,
        "Goal added. Break it into milestones to see progress.",
    )
    .await
}

pub async fn goals_from_plan(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    let result = goals::take_from_plan(&state, &me.caller, &id).await;
    then_back(
        &state,
        &me,
        back(&id, "goals"),
        result,
        "The career plan's goals are now goals of this mentorship.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    mentorship_id: String,
    status: String,
    version: String,
}

pub async fn goal_status(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, "goals");
    let achieved = form.status == "achieved";
    let input = GoalPatch {
        status: Some(form.status),
        ..GoalPatch::default()
    };
    let expected = Expected::from_form(&form.version);
    let result = goals::patch_goal(&state, &me.caller, &id, &input, expected).await;
    then_back(
        &state,
        &me,
        to,
        result,
        if achieved {
            "Goal achieved — congratulations!"
        } else {
            "Goal updated."
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MilestoneForm {
    mentorship_id: String,
    title: String,
    due_on: String,
}

pub async fn add_milestone(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MilestoneForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, "goals");
    let input = MilestoneIn {
        title: form.title,
        description: String::new(),
        due_on: Some(form.due_on).filter(|d| !d.is_empty()),
    };
    let result = goals::add_milestone(&state, &me.caller, &id, &input).await;
    then_back(&state, &me, to, result, "Milestone added.").await
}

pub async fn milestone_status(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, "goals");
    let achieved = form.status == "achieved";
    let input = MilestonePatch {
        status: Some(form.status),
        ..MilestonePatch::default()
    };
    let expected = Expected::from_form(&form.version);
    let result = goals::patch_milestone(&state, &me.caller, &id, &input, expected).await;
    then_back(
        &state,
        &me,
        to,
        result,
        if achieved {
            "Milestone achieved — worth celebrating!"
        } else {
            "Milestone updated."
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TextForm {
    body: String,
}

pub async fn kudos(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> Result<Response, WebError> {
    let result =
        conversation::give_kudos(&state, &me.caller, &id, &KudosIn { message: form.body }).await;
    then_back(&state, &me, back(&id, "kudos"), result, "Kudos sent.").await
}

pub async fn message(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> Result<Response, WebError> {
    let result =
        conversation::post_message(&state, &me.caller, &id, &MessageIn { body: form.body }).await;
    then_back(
        &state,
        &me,
        back(&id, "messages"),
        result,
        "Message posted.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IntroForm {
    contact_name: String,
    contact_email: String,
    note: String,
}

pub async fn introduce(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<IntroForm>,
) -> Result<Response, WebError> {
    let input = IntroductionIn {
        contact_name: form.contact_name,
        contact_email: form.contact_email,
        note: form.note,
    };
    let result = conversation::introduce(&state, &me.caller, &id, &input).await;
    then_back(
        &state,
        &me,
        back(&id, "introductions"),
        result,
        "Introduction sent: both got an e-mail.",
    )
    .await
}
