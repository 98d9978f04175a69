//! Requests, the mentorship lifecycle and agreements.
use super::input::lenient_limit;
use super::{created, optional_json, ApiJson, ApiQuery, IfMatch};
use crate::domain::lifecycle::Confirmation;
use crate::domain::paging::PageRequest;
use crate::domain::wire::{Action, MentorshipStatus};
use crate::error::{AppError, AppResult};
use crate::http::error::ErrorBody;
use crate::service::accounts::Caller;
use crate::service::mentorships::{
    self, ActionIn, AgreementIn, AgreementOut, MentorshipOut, ReflectionIn, ReflectionOut,
    RequestIn,
};
use crate::service::paging::Listing;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_request, list_mine))
        .routes(routes!(get_one))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(withdraw))
        .routes(routes!(pause))
        .routes(routes!(resume))
        .routes(routes!(complete))
        .routes(routes!(end))
        .routes(routes!(get_agreement, put_agreement))
        .routes(routes!(sign_agreement))
        .routes(routes!(put_reflection))
        .routes(routes!(list_reflections))
}

/// Ask a mentor: introduction, why them, what you ask.
#[utoipa::path(post, path = "/api/v1/mentorships", tag = "mentorships", security(("bearer" = [])), request_body = RequestIn,
    responses((status = 201, body = MentorshipOut), (status = 409, description = "duplicate, mentor at capacity, or your limit reached", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<RequestIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        mentorships::request(&state, &caller, &input).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MineQuery {
    /// Only mentorships with this status (as of now: a request past its expiry is `expired`).
    #[param(value_type = Option<MentorshipStatus>)]
    status: Option<String>,
    /// Items per page, 1–200 (default 50; larger values are clamped).
    #[serde(default, deserialize_with = "lenient_limit")]
    #[param(value_type = Option<i64>)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Your mentorships and requests, newest first.
#[utoipa::path(get, path = "/api/v1/mentorships", tag = "mentorships", security(("bearer" = [])), params(MineQuery),
    responses((status = 200, body = Listing<MentorshipOut>), (status = 422, description = "an unknown status", body = ErrorBody)))]
async fn list_mine(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<MineQuery>,
) -> AppResult<Json<Listing<MentorshipOut>>> {
    let page = PageRequest::new(q.limit, q.cursor.as_deref())?;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(MentorshipStatus::parse(s).map_err(|e| AppError::field("status", e))?),
    };
    Ok(Json(
        mentorships::mine(&state, &caller, status, &page).await?,
    ))
}

/// One mentorship. Coordinators of its program see status and dates only.
#[utoipa::path(get, path = "/api/v1/mentorships/{id}", tag = "mentorships", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = MentorshipOut), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<MentorshipOut>> {
    Ok(Json(mentorships::get(&state, &caller, &id).await?))
}

async fn run(
    state: AppState,
    caller: Caller,
    id: String,
    action: Action,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<MentorshipOut>> {
    let input: ActionIn = optional_json(&headers, &body)?;
    Ok(Json(
        mentorships::act(&state, &caller, &id, action, &input, Confirmation::Given).await?,
    ))
}

macro_rules! lifecycle_action {
    ($fn:ident, $action:expr, $path:literal, $doc:literal) => {
        lifecycle_action!($fn, $action, $path, $doc, request_body(content = Option<ActionIn>, description = "optional"));
    };
    ($fn:ident, $action:expr, $path:literal, $doc:literal, $($body:tt)+) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "mentorships", security(("bearer" = [])), params(("id" = String, Path)),
            $($body)+,
            responses((status = 200, body = MentorshipOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        async fn $fn(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, headers: HeaderMap, body: Bytes) -> AppResult<Json<MentorshipOut>> {
            run(state, caller, id, $action, headers, body).await
        }
    };
}

lifecycle_action!(
    accept,
    Action::Accept,
    "/api/v1/mentorships/{id}/accept",
    "Accept a request (the mentor) or a proposed match (each participant)."
);
lifecycle_action!(
    decline,
    Action::Decline,
    "/api/v1/mentorships/{id}/decline",
    "Decline a request (the mentor) or a proposed match, with `{reason}`."
);
lifecycle_action!(
    withdraw,
    Action::Withdraw,
    "/api/v1/mentorships/{id}/withdraw",
    "Withdraw your request."
);
lifecycle_action!(
    pause,
    Action::Pause,
    "/api/v1/mentorships/{id}/pause",
    "Pause an active mentorship."
);
lifecycle_action!(
    resume,
    Action::Resume,
    "/api/v1/mentorships/{id}/resume",
    "Resume a paused mentorship."
);
lifecycle_action!(
    complete,
    Action::Complete,
    "/api/v1/mentorships/{id}/complete",
    "Complete the mentorship, with your `{reflection}`."
);
// Only the document reads this shape; the handler reads `ActionIn`, which every
// action shares.
/// What `/end` takes: why it ends, and a note if you like.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct EndIn {
    /// One of the reasons a participant may give (the document lists them).
    pub reason: String,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

lifecycle_action!(
    end,
    Action::End,
    "/api/v1/mentorships/{id}/end",
    "End early with `{reason: not_a_good_fit|time|goals_met_early|other, note}`.",
    request_body = EndIn
);

/// The agreement (participants).
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/agreement", tag = "agreement", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = AgreementOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_agreement(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<AgreementOut>> {
    Ok(Json(
        mentorships::get_agreement(&state, &caller, &id).await?,
    ))
}

/// Write or change the agreement; a change clears the signatures.
#[utoipa::path(put, path = "/api/v1/mentorships/{id}/agreement", tag = "agreement", security(("bearer" = [])), params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The version the change was made on, as \"3\"; when the object changed since, the answer is 412 edit_conflict and nothing changes")),
    request_body = AgreementIn, responses((status = 200, body = AgreementOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 412, description = "edit_conflict: it changed since the version in If-Match; `current` holds it as it is now", body = ErrorBody)))]
async fn put_agreement(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(input): ApiJson<AgreementIn>,
) -> AppResult<Json<AgreementOut>> {
    Ok(Json(
        mentorships::put_agreement(&state, &caller, &id, &input, expected).await?,
    ))
}

/// Sign the current agreement.
#[utoipa::path(post, path = "/api/v1/mentorships/{id}/agreement/sign", tag = "agreement", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = AgreementOut), (status = 404, body = ErrorBody), (status = 409, description = "no agreement yet", body = ErrorBody)))]
async fn sign_agreement(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<AgreementOut>> {
    Ok(Json(
        mentorships::sign_agreement(&state, &caller, &id).await?,
    ))
}

/// Add or replace your reflection on a completed mentorship.
#[utoipa::path(put, path = "/api/v1/mentorships/{id}/reflection", tag = "mentorships", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ReflectionIn, responses((status = 200, body = ReflectionOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_reflection(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReflectionIn>,
) -> AppResult<Json<ReflectionOut>> {
    Ok(Json(
        mentorships::put_reflection(&state, &caller, &id, &input).await?,
    ))
}

/// The reflections of a mentorship (participants).
#[utoipa::path(get, path = "/api/v1/mentorships/{id}/reflections", tag = "mentorships", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Listing<ReflectionOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_reflections(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<Listing<ReflectionOut>>> {
    Ok(Json(Listing::whole(
        mentorships::reflections(&state, &caller, &id).await?,
    )))
}
