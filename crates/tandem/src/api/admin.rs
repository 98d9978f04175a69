//! Administration (SPEC §6): accounts and the audit log, for instance admins.
use super::input::PageQuery;
use super::{ApiJson, ApiQuery};
use crate::error::AppResult;
use crate::http::error::ErrorBody;
use crate::service::accounts::Caller;
use crate::service::admin::{self, AccountOut, AccountPatch};
use crate::service::audit::{self, AuditEntryOut};
use crate::service::paging::Listing;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users))
        .routes(routes!(patch_user))
        .routes(routes!(audit_log))
        .routes(routes!(audit_csv))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UsersQuery {
    /// Part of a name or an e-mail address, any case.
    q: Option<String>,
    #[serde(default, deserialize_with = "super::input::lenient_limit")]
    #[param(value_type = Option<i64>)]
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Accounts by name; `q` finds names and e-mail addresses that contain it.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])), params(UsersQuery),
    responses((status = 200, body = Listing<AccountOut>), (status = 403, body = ErrorBody)))]
async fn users(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UsersQuery>,
) -> AppResult<Json<Listing<AccountOut>>> {
    let page = PageQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .page()?;
    Ok(Json(
        admin::users(&state, &caller, q.q.as_deref().unwrap_or(""), &page).await?,
    ))
}

/// Disable or enable an account, make or unmake an admin. A disabled account's
/// sessions end at once; the last active admin stays one (409 `last_admin`).
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", security(("bearer" = [])), params(("id" = String, Path)), request_body = AccountPatch,
    responses((status = 200, body = AccountOut), (status = 404, description = "no such account, or the caller is not an admin", body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn patch_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AccountPatch>,
) -> AppResult<Json<AccountOut>> {
    Ok(Json(admin::patch_user(&state, &caller, &id, &input).await?))
}

/// What admins and coordinators did, newest first; never content. Each entry's
/// `hash` chains it to the one before (`tandem audit verify`).
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Listing<AuditEntryOut>), (status = 403, body = ErrorBody)))]
async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<AuditEntryOut>>> {
    Ok(Json(audit::list(&state, &caller, &page.page()?).await?))
}

/// The whole audit log as CSV, newest first.
#[utoipa::path(get, path = "/api/v1/admin/audit.csv", tag = "admin", security(("bearer" = [])),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
async fn audit_csv(State(state): State<AppState>, caller: Caller) -> AppResult<impl IntoResponse> {
    let body = audit::csv(&state, &caller).await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        super::file_response(body, "text/csv; charset=utf-8", "audit.csv"),
    ))
}
