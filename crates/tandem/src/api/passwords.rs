//! Passwords and sessions (SPEC §6): reset by e-mail, change, one's sessions.
use super::ApiJson;
use crate::error::AppResult;
use crate::http::error::ErrorBody;
use crate::service::accounts::Caller;
use crate::service::paging::Listing;
use crate::service::passwords::{self, PasswordChangeIn, ResetConfirmIn, ResetIn, SessionOut};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(reset))
        .routes(routes!(reset_confirm))
        .routes(routes!(change_password))
        .routes(routes!(sessions))
        .routes(routes!(revoke_session))
}

/// Forgot the password: an existing account gets an e-mail with a link that works
/// once, for an hour. The answer is the same whether or not the account exists.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts", request_body = ResetIn,
    responses((status = 202), (status = 422, description = "the address holds a control character", body = ErrorBody), (status = 429, description = "too many links asked for this address; see Retry-After", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn reset(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ResetIn>,
) -> AppResult<StatusCode> {
    passwords::request_reset(&state, &input).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with a reset (or invitation) link's token; every session
/// of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts", request_body = ResetConfirmIn,
    responses((status = 204), (status = 422, description = "the token was used, has expired or is unknown; or the password is too short", body = ErrorBody),
        (status = 503, description = "too busy hashing passwords; see Retry-After", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn reset_confirm(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ResetConfirmIn>,
) -> AppResult<StatusCode> {
    passwords::confirm_reset(&state, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change your password (the current one is needed); your other sessions end.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordChangeIn,
    responses((status = 204), (status = 422, description = "the current password is wrong, or the new one too short", body = ErrorBody),
        (status = 429, description = "too many wrong passwords; see Retry-After", body = ErrorBody),
        (status = 503, description = "too busy hashing passwords; see Retry-After", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PasswordChangeIn>,
) -> AppResult<StatusCode> {
    passwords::change(&state, &caller, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Your sessions, newest first; `current` is this request's.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Listing<SessionOut>)))]
async fn sessions(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<Listing<SessionOut>>> {
    Ok(Json(Listing::whole(
        passwords::sessions(&state, &caller).await?,
    )))
}

/// End one of your sessions (signs that browser or program out).
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "accounts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    passwords::revoke(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
