//! The relationship's workspace: goals and milestones, meetings with their notes,
//! action items and feedback, calendar files, office hours, kudos, messages,
//! introductions, progress and the timeline.
use super::input::PageQuery;
use super::{created, ApiJson, ApiQuery, IfMatch};
use crate::error::{AppError, AppResult};
use crate::http::error::ErrorBody;
use crate::service::accounts::Caller;
use crate::service::calendar::{self, CalendarOut};
use crate::service::conversation::{
    self, IntroductionIn, IntroductionOut, KudosIn, KudosOut, MessageIn, MessageOut,
};
use crate::service::dashboard;
use crate::service::goals::{
    self, GoalIn, GoalOut, GoalPatch, MilestoneIn, MilestoneOut, MilestonePatch,
};
use crate::service::meetings::{
    self, ActionItemIn, ActionItemOut, ActionItemPatch, FeedbackIn, FeedbackOut, MeetingIn,
    MeetingOut, MeetingPatch, PrivateNoteIn, PrivateNoteOut,
};
use crate::service::office_hours::{self, AvailabilityIn, AvailabilityOut, BookingIn, SlotOut};
use crate::service::paging::Listing;
use crate::service::progress::{self, ProgressOut, TimelineEvent};
use crate::service::workspace::{self, WaitingOut, WorkspaceOut};
use crate::state::AppState;
use axum::extract::{Path, State};

use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_goal, list_goals))
        .routes(routes!(goals_from_plan))
        .routes(routes!(patch_goal))
        .routes(routes!(add_milestone))
        .routes(routes!(patch_milestone))
        .routes(routes!(schedule_meeting, list_meetings))
        .routes(routes!(get_meeting, patch_meeting))
        .routes(routes!(put_private_note))
        .routes(routes!(add_action_item))
        .routes(routes!(patch_action_item))
        .routes(routes!(give_feedback, list_feedback))
        .routes(routes!(invite))
        .routes(routes!(my_calendar))
        .routes(routes!(rotate_calendar))
        .routes(routes!(get_availability, put_availability))
        .routes(routes!(list_slots))
        .routes(routes!(book_slot))
        .routes(routes!(give_kudos, list_kudos))
        .routes(routes!(post_message, list_messages))
        .routes(routes!(introduce, list_introductions))
        .routes(routes!(get_progress))
        .routes(routes!(get_timeline))
        .routes(routes!(get_workspace))
        .routes(routes!(my_waiting))
}

// ------------------------------------------------------------------ goals

/// Set a goal of the relationship (participants, while it runs).
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/goals", tag = "goals", security(("bearer" = [])), params(("id" = String, Path)), request_body = GoalIn,
    responses((status = 201, body = GoalOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "the mentorship does not run", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_goal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<GoalIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(goals::create(&state, &caller, &id, &input).await?))
}

/// The relationship's goals with their milestones and progress, oldest first.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/goals", tag = "goals", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Listing<GoalOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_goals(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Listing<GoalOut>>> {
    Ok(Json(Listing::whole(
        goals::list(&state, &caller, &id).await?,
    )))
}

/// Take the mentee's career-plan goals into the relationship (those it lacks);
/// answers with all its goals.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/goals/from-plan", tag = "goals", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Listing<GoalOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn goals_from_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Listing<GoalOut>>> {
    Ok(Json(Listing::whole(
        goals::take_from_plan(&state, &caller, &id).await?,
    )))
}

/// Change a goal: its status (`open`, `achieved`, `dropped`), title, description, horizon or due date.
#[utoipa::path(patch, path = "/api/v1/goals/{id}", tag = "goals", security(("bearer" = [])), params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The version the change was made on, as \"3\"; when the object changed since, the answer is 412 edit_conflict and nothing changes")), request_body = GoalPatch,
    responses((status = 200, body = GoalOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 412, description = "edit_conflict: it changed since the version in If-Match; `current` holds it as it is now", body = ErrorBody)))]
async fn patch_goal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(input): ApiJson<GoalPatch>,
) -> AppResult<Json<GoalOut>> {
    Ok(Json(
        goals::patch_goal(&state, &caller, &id, &input, expected).await?,
    ))
}

/// Add a milestone to a goal; it starts `not_started`.
#[utoipa::path(post, path = "/api/v1/goals/{id}/milestones", tag = "goals", security(("bearer" = [])), params(("id" = String, Path)), request_body = MilestoneIn,
    responses((status = 201, body = MilestoneOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_milestone(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MilestoneIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        goals::add_milestone(&state, &caller, &id, &input).await?,
    ))
}

/// Move a milestone forward (`not_started → in_progress → achieved | missed`) or edit it.
#[utoipa::path(patch, path = "/api/v1/milestones/{id}", tag = "goals", security(("bearer" = [])), params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The version the change was made on, as \"3\"; when the object changed since, the answer is 412 edit_conflict and nothing changes")), request_body = MilestonePatch,
    responses((status = 200, body = MilestoneOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 412, description = "edit_conflict: it changed since the version in If-Match; `current` holds it as it is now", body = ErrorBody)))]
async fn patch_milestone(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(input): ApiJson<MilestonePatch>,
) -> AppResult<Json<MilestoneOut>> {
    Ok(Json(
        goals::patch_milestone(&state, &caller, &id, &input, expected).await?,
    ))
}

// ------------------------------------------------------------------ meetings

/// Schedule a meeting (an active relationship); a start in the past records one that took place.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/meetings", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path)), request_body = MeetingIn,
    responses((status = 201, body = MeetingOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "the mentorship is not active", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn schedule_meeting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MeetingIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        meetings::schedule(&state, &caller, &id, &input).await?,
    ))
}

/// The relationship's meetings by start, earliest first.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/meetings", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Listing<MeetingOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_meetings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<MeetingOut>>> {
    Ok(Json(
        meetings::list(&state, &caller, &id, &q.page()?).await?,
    ))
}

/// One meeting; `private_note` is your own and only ever shown to you.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = MeetingOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_meeting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<MeetingOut>> {
    Ok(Json(meetings::get(&state, &caller, &id).await?))
}

/// Mark a meeting held or cancelled, move it, or write its shared notes.
#[utoipa::path(patch, path = "/api/v1/meetings/{id}", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The version the change was made on, as \"3\"; when the object changed since, the answer is 412 edit_conflict and nothing changes")), request_body = MeetingPatch,
    responses((status = 200, body = MeetingOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "the meeting's status does not allow it", body = ErrorBody), (status = 422, body = ErrorBody), (status = 412, description = "edit_conflict: it changed since the version in If-Match; `current` holds it as it is now", body = ErrorBody)))]
async fn patch_meeting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(input): ApiJson<MeetingPatch>,
) -> AppResult<Json<MeetingOut>> {
    Ok(Json(
        meetings::patch(&state, &caller, &id, &input, expected).await?,
    ))
}

/// Write your private note on a meeting: nobody else ever sees it.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/private-note", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path)), request_body = PrivateNoteIn,
    responses((status = 200, body = PrivateNoteOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_private_note(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PrivateNoteIn>,
) -> AppResult<Json<PrivateNoteOut>> {
    Ok(Json(
        meetings::put_private_note(&state, &caller, &id, &input).await?,
    ))
}

/// Add an action item with an owner (a participant) and a due date.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/action-items", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path)), request_body = ActionItemIn,
    responses((status = 201, body = ActionItemOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_action_item(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActionItemIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        meetings::add_action_item(&state, &caller, &id, &input).await?,
    ))
}

/// Mark an action item done or not done, or edit it.
#[utoipa::path(patch, path = "/api/v1/action-items/{id}", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The version the change was made on, as \"3\"; when the object changed since, the answer is 412 edit_conflict and nothing changes")), request_body = ActionItemPatch,
    responses((status = 200, body = ActionItemOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 412, description = "edit_conflict: it changed since the version in If-Match; `current` holds it as it is now", body = ErrorBody)))]
async fn patch_action_item(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(input): ApiJson<ActionItemPatch>,
) -> AppResult<Json<ActionItemOut>> {
    Ok(Json(
        meetings::patch_action_item(&state, &caller, &id, &input, expected).await?,
    ))
}

/// Give feedback on a held meeting, once: a rating and the three sandwich texts.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/feedback", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path)), request_body = FeedbackIn,
    responses((status = 201, body = FeedbackOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "not held yet, or given already", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn give_feedback(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<FeedbackIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        meetings::give_feedback(&state, &caller, &id, &input).await?,
    ))
}

/// The feedback of both sides on a meeting (participants).
#[utoipa::path(get, path = "/api/v1/meetings/{id}/feedback", tag = "meetings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Listing<FeedbackOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_feedback(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Listing<FeedbackOut>>> {
    Ok(Json(Listing::whole(
        meetings::feedback(&state, &caller, &id).await?,
    )))
}

/// The meeting as a calendar file (RFC 5545): one UID for its life, SEQUENCE raised on every change.
#[utoipa::path(get, path = "/api/v1/meetings/{id}/invite.ics", tag = "calendar", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<impl IntoResponse> {
    let ics = calendar::invite(&state, &caller, &id).await?;
    Ok(ics_response(ics, &format!("meeting-{id}.ics")))
}

/// A calendar answer, named for saving.
pub fn ics_response(body: String, name: &str) -> impl IntoResponse {
    super::file_response(body, "text/calendar; charset=utf-8", name)
}

/// The secret address of your personal calendar feed.
#[utoipa::path(get, path = "/api/v1/me/calendar", tag = "calendar", security(("bearer" = [])),
    responses((status = 200, body = CalendarOut)))]
async fn my_calendar(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<CalendarOut>> {
    Ok(Json(calendar::mine(&state, &caller).await?))
}

/// A new secret address for your feed; the old one stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar/rotate", tag = "calendar", security(("bearer" = [])),
    responses((status = 200, body = CalendarOut)))]
async fn rotate_calendar(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<CalendarOut>> {
    Ok(Json(calendar::rotate(&state, &caller).await?))
}

/// `/calendar/{token}.ics`: the feed, for calendar apps (the secret is the key).
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> AppResult<axum::response::Response> {
    let token = file
        .strip_suffix(".ics")
        .ok_or(AppError::NotFound("calendar"))?;
    match calendar::feed(&state, token).await? {
        Some(ics) => Ok(ics_response(ics, "tandem.ics").into_response()),
        None => Err(AppError::NotFound("calendar")),
    }
}

// ------------------------------------------------------------------ office hours

/// Your office hours: weekly windows in your time zone and a slot length.
#[utoipa::path(get, path = "/api/v1/me/availability", tag = "office hours", security(("bearer" = [])),
    responses((status = 200, body = AvailabilityOut)))]
async fn get_availability(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<AvailabilityOut>> {
    Ok(Json(office_hours::get(&state, &caller).await?))
}

/// Publish your office hours.
#[utoipa::path(put, path = "/api/v1/me/availability", tag = "office hours", security(("bearer" = [])), request_body = AvailabilityIn,
    responses((status = 200, body = AvailabilityOut), (status = 422, body = ErrorBody)))]
async fn put_availability(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<AvailabilityIn>,
) -> AppResult<Json<AvailabilityOut>> {
    Ok(Json(office_hours::put(&state, &caller, &input).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SlotsQuery {
    /// The first day, `YYYY-MM-DD` in the mentor's time zone (default: today).
    #[param(format = Date)]
    from: Option<String>,
    /// How many days, 1–62 (default 14).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 62)]
    days: Option<String>,
}

/// The mentor's free office-hour slots, in UTC (participants).
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/slots", tag = "office hours", security(("bearer" = [])), params(("id" = String, Path), SlotsQuery),
    responses((status = 200, body = Listing<SlotOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_slots(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SlotsQuery>,
) -> AppResult<Json<Listing<SlotOut>>> {
    let (from, days) = office_hours::parse_range(q.from.as_deref(), q.days.as_deref())?;
    Ok(Json(Listing::whole(
        office_hours::slots(&state, &caller, &id, from, days).await?,
    )))
}

/// Book a free slot: a scheduled meeting of the slot's length.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/bookings", tag = "office hours", security(("bearer" = [])), params(("id" = String, Path)), request_body = BookingIn,
    responses((status = 201, body = MeetingOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "the slot is not free", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn book_slot(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<BookingIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        office_hours::book(&state, &caller, &id, &input).await?,
    ))
}

// ------------------------------------------------------------------ recognition, messages, introductions

/// Say thank you; the others in the mentorship get an e-mail.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/kudos", tag = "recognition", security(("bearer" = [])), params(("id" = String, Path)), request_body = KudosIn,
    responses((status = 201, body = KudosOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn give_kudos(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<KudosIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        conversation::give_kudos(&state, &caller, &id, &input).await?,
    ))
}

/// Kudos, newest first.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/kudos", tag = "recognition", security(("bearer" = [])), params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Listing<KudosOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_kudos(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<KudosOut>>> {
    Ok(Json(
        conversation::kudos(&state, &caller, &id, &q.page()?).await?,
    ))
}

/// Post to the relationship's thread.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/messages", tag = "messages", security(("bearer" = [])), params(("id" = String, Path)), request_body = MessageIn,
    responses((status = 201, body = MessageOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn post_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MessageIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        conversation::post_message(&state, &caller, &id, &input).await?,
    ))
}

/// The thread, oldest first.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/messages", tag = "messages", security(("bearer" = [])), params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Listing<MessageOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<MessageOut>>> {
    Ok(Json(
        conversation::messages(&state, &caller, &id, &q.page()?).await?,
    ))
}

/// Introduce the mentee to a contact (the mentor): both get an e-mail saying who and why.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/introductions", tag = "messages", security(("bearer" = [])), params(("id" = String, Path)), request_body = IntroductionIn,
    responses((status = 201, body = IntroductionOut), (status = 403, description = "the mentee, or a coordinator", body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn introduce(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<IntroductionIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        conversation::introduce(&state, &caller, &id, &input).await?,
    ))
}

/// The introductions made in the relationship, newest first (participants).
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/introductions", tag = "messages", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Listing<IntroductionOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_introductions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Listing<IntroductionOut>>> {
    Ok(Json(Listing::whole(
        conversation::introductions(&state, &caller, &id).await?,
    )))
}

// ------------------------------------------------------------------ progress and timeline

/// Counts, the next meeting due, health and its reasons (participants, and the program's coordinators).
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/progress", tag = "mentorships", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ProgressOut), (status = 404, body = ErrorBody)))]
async fn get_progress(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<ProgressOut>> {
    Ok(Json(progress::progress(&state, &caller, &id).await?))
}

/// What happened, newest first (participants).
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/timeline", tag = "mentorships", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Listing<TimelineEvent>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_timeline(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Listing<TimelineEvent>>> {
    Ok(Json(Listing::whole(
        progress::timeline_for(&state, &caller, &id).await?,
    )))
}

/// The whole workspace in one answer, as the relationship's page shows it: the
/// relationship, its agreement, the next step and what waits on you, progress,
/// meetings, goals, feedback, the newest kudos, the thread's first messages,
/// introductions, the timeline and free office-hour slots (participants).
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/workspace", tag = "mentorships", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = WorkspaceOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_workspace(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<WorkspaceOut>> {
    Ok(Json(workspace::snapshot(&state, &caller, &id).await?))
}

/// What waits on you across your relationships, soonest first: requests and
/// proposals to answer, agreements to sign, feedback to give, action items due,
/// meetings soon. Labels name the other person and the thing, never what was written.
#[utoipa::path(get, path = "/api/v1/me/waiting", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Listing<WaitingOut>)))]
async fn my_waiting(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<Listing<WaitingOut>>> {
    Ok(Json(dashboard::waiting(&state, &caller).await?))
}
