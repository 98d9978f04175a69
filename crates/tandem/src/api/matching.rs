//! Suggestions, coordinator pairs and matching rounds.
use super::input::{lenient_limit, PageQuery};
use super::{created, ApiJson, ApiQuery};
use crate::domain::lifecycle::Confirmation;
use crate::error::AppResult;
use crate::http::error::ErrorBody;
use crate::service::accounts::Caller;
use crate::service::matching::{
    self, MentorCheck, RoundIn, RoundOut, RoundPatch, Suggestion, UnmatchedOut,
};
use crate::service::mentorships::MentorshipOut;
use crate::service::mentorships::PairIn;
use crate::service::paging::Listing;
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
        .routes(routes!(suggestions))
        .routes(routes!(suggestion_for))
        .routes(routes!(propose_pair))
        .routes(routes!(create_round, list_rounds))
        .routes(routes!(get_round, patch_round))
        .routes(routes!(publish_round))
        .routes(routes!(why_unmatched))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SuggestionQuery {
    /// How many suggestions, 1–200 (default 20); all on one page.
    #[serde(default, deserialize_with = "lenient_limit")]
    #[param(value_type = Option<i64>)]
    limit: Option<i64>,
}

/// Ranked mentors for you, with a compatibility score 0–100 and why (mentees of the program).
#[utoipa::path(get, path = "/api/v1/programs/{id}/suggestions", tag = "finding", security(("bearer" = [])),
    params(("id" = String, Path), SuggestionQuery),
    responses((status = 200, body = Listing<Suggestion>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn suggestions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SuggestionQuery>,
) -> AppResult<Json<Listing<Suggestion>>> {
    Ok(Json(Listing::whole(
        matching::suggestions(&state, &caller, &id, q.limit).await?,
    )))
}

/// Why this mentor is, or is not, among your suggestions: rank, score and explanation,
/// or what excludes the pair (mentees of the program).
#[utoipa::path(get, path = "/api/v1/programs/{id}/suggestions/{mentor_id}", tag = "finding", security(("bearer" = [])),
    params(("id" = String, Path), ("mentor_id" = String, Path)),
    responses((status = 200, body = MentorCheck), (status = 403, body = ErrorBody), (status = 404, description = "no such program, or no such mentor in it", body = ErrorBody)))]
async fn suggestion_for(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, mentor_id)): Path<(String, String)>,
) -> AppResult<Json<MentorCheck>> {
    Ok(Json(
        matching::suggestion_for(&state, &caller, &id, &mentor_id).await?,
    ))
}

/// Propose a pair (coordinators); it becomes active when both accept.
#[utoipa::path(post, path = "/api/v1/programs/{id}/pairs", tag = "rounds", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = PairIn,
    responses((status = 201, body = MentorshipOut), (status = 404, body = ErrorBody), (status = 409, description = "the program is archived", body = ErrorBody), (status = 422, description = "a hard rule or capacity", body = ErrorBody)))]
async fn propose_pair(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PairIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        crate::service::mentorships::propose_pair(&state, &caller, &id, &input).await?,
    ))
}

/// Run a matching round over the whole pool; the result is a draft to review.
#[utoipa::path(post, path = "/api/v1/programs/{id}/rounds", tag = "rounds", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RoundIn,
    responses((status = 201, body = RoundOut), (status = 404, body = ErrorBody), (status = 409, description = "the program is archived", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn create_round(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RoundIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        matching::create_round(&state, &caller, &id, &input).await?,
    ))
}

/// The program's rounds, newest first (coordinators).
#[utoipa::path(get, path = "/api/v1/programs/{id}/rounds", tag = "rounds", security(("bearer" = [])),
    params(("id" = String, Path), PageQuery),
    responses((status = 200, body = Listing<RoundOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_rounds(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<RoundOut>>> {
    Ok(Json(
        matching::rounds_of(&state, &caller, &id, &page.page()?).await?,
    ))
}

/// One round (coordinators of its program).
#[utoipa::path(get, path = "/api/v1/rounds/{id}", tag = "rounds", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = RoundOut), (status = 404, body = ErrorBody)))]
async fn get_round(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<RoundOut>> {
    Ok(Json(matching::get_round(&state, &caller, &id).await?))
}

/// Remove and add pairs in a draft; hard rules and capacity apply (422).
#[utoipa::path(patch, path = "/api/v1/rounds/{id}", tag = "rounds", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RoundPatch,
    responses((status = 200, body = RoundOut), (status = 404, body = ErrorBody), (status = 409, description = "not a draft", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_round(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RoundPatch>,
) -> AppResult<Json<RoundOut>> {
    Ok(Json(
        matching::patch_round(&state, &caller, &id, &input).await?,
    ))
}

/// Publish a draft: its pairs become proposed mentorships; other drafts are discarded.
#[utoipa::path(post, path = "/api/v1/rounds/{id}/publish", tag = "rounds", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = RoundOut), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn publish_round(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<RoundOut>> {
    // A call to the API is itself the confirmation a page asks for.
    Ok(Json(
        matching::publish_round(&state, &caller, &id, Confirmation::Given).await?,
    ))
}

/// Why the round left this mentee unmatched (coordinators): hard rules, mentors without
/// places, mentors whose places went to other pairs of the round.
#[utoipa::path(get, path = "/api/v1/rounds/{id}/unmatched/{mentee_id}", tag = "rounds", security(("bearer" = [])),
    params(("id" = String, Path), ("mentee_id" = String, Path)),
    responses((status = 200, body = UnmatchedOut), (status = 404, description = "no such round, or the mentee is not unmatched in it", body = ErrorBody)))]
async fn why_unmatched(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, mentee_id)): Path<(String, String)>,
) -> AppResult<Json<UnmatchedOut>> {
    Ok(Json(
        matching::why_unmatched(&state, &caller, &id, &mentee_id).await?,
    ))
}
