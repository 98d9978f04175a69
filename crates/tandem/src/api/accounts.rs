//! Accounts, profiles, plans, people, shortlist and export.
use super::{created, ApiJson};
use crate::auth::{Caller, ClientIp, SESSION_COOKIE};
use crate::error::{AppResult, ErrorBody};
use crate::service::accounts::{self, EraseIn, LoginIn, LoginOut, RegisterIn, UserOut};
use crate::service::people::{
    self, ExportOut, PersonOut, PlanData, ProfileData, ShortlistIn, ShortlistItem,
};
use crate::service::Listing;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me, erase))
        .routes(routes!(get_profile, put_profile))
        .routes(routes!(get_plan, put_plan))
        .routes(routes!(person))
        .routes(routes!(export))
        .routes(routes!(add_shortlist, list_shortlist))
        .routes(routes!(remove_shortlist))
}

/// The session cookie set at sign-in (HttpOnly, SameSite=Lax).
pub fn session_cookie(state: &AppState, token: &str, max_age_days: u32) -> HeaderValue {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age_days as u64 * 86400
    );
    HeaderValue::from_str(&value).expect("cookie is ASCII")
}

/// Create an account. The first account on an empty instance is its admin.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterIn,
    responses((status = 201, body = UserOut), (status = 409, description = "e-mail taken", body = ErrorBody), (status = 422, body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn register(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<RegisterIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(accounts::register(&state, &input).await?))
}

/// Sign in: returns a bearer token and sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginIn,
    responses((status = 200, body = LoginOut), (status = 401, body = ErrorBody), (status = 429, description = "too many failed attempts; see Retry-After", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<LoginIn>,
) -> AppResult<impl IntoResponse> {
    let out = accounts::login(&state, &ip, &input).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        session_cookie(&state, &out.token, state.config.session_days),
    );
    Ok((headers, Json(out)))
}

/// Sign out: the token or session stops working.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> AppResult<impl IntoResponse> {
    accounts::logout(&state, &caller).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok((StatusCode::NO_CONTENT, headers))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserOut), (status = 401, body = ErrorBody)))]
async fn me(caller: Caller) -> Json<UserOut> {
    Json(UserOut::from(&caller.user))
}

/// Erase your account: profile, plan, private notes and what you wrote go; your
/// relationships end and show you as "Former member".
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), request_body = EraseIn,
    responses((status = 204), (status = 422, description = "wrong password", body = ErrorBody)))]
async fn erase(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<EraseIn>,
) -> AppResult<impl IntoResponse> {
    accounts::erase(&state, &caller, &input).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok((StatusCode::NO_CONTENT, headers))
}

/// Your profile.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = ProfileData), (status = 401, body = ErrorBody)))]
async fn get_profile(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<ProfileData>> {
    Ok(Json(people::get_profile(&state, &caller).await?))
}

/// Replace your profile.
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "profile", security(("bearer" = [])), request_body = ProfileData,
    responses((status = 200, body = ProfileData), (status = 422, body = ErrorBody)))]
async fn put_profile(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ProfileData>,
) -> AppResult<Json<ProfileData>> {
    Ok(Json(people::put_profile(&state, &caller, &input).await?))
}

/// Your career plan.
#[utoipa::path(get, path = "/api/v1/me/plan", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = PlanData), (status = 401, body = ErrorBody)))]
async fn get_plan(State(state): State<AppState>, caller: Caller) -> AppResult<Json<PlanData>> {
    Ok(Json(people::get_plan(&state, &caller).await?))
}

/// Replace your career plan.
#[utoipa::path(put, path = "/api/v1/me/plan", tag = "profile", security(("bearer" = [])), request_body = PlanData,
    responses((status = 200, body = PlanData), (status = 422, body = ErrorBody)))]
async fn put_plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PlanData>,
) -> AppResult<Json<PlanData>> {
    Ok(Json(people::put_plan(&state, &caller, &input).await?))
}

/// The public profile of someone who shares a program with you.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "profile", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = PersonOut), (status = 404, body = ErrorBody)))]
async fn person(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> AppResult<Json<PersonOut>> {
    Ok(Json(people::person(&state, &caller, &id).await?))
}

/// Everything linked to you, as JSON.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = ExportOut), (status = 401, body = ErrorBody)))]
async fn export(State(state): State<AppState>, caller: Caller) -> AppResult<impl IntoResponse> {
    let out = people::export(&state, &caller).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"tandem-export.json\"",
        )],
        Json(out),
    ))
}

/// Add someone to your shortlist (or update how they connect to you).
#[utoipa::path(post, path = "/api/v1/shortlist", tag = "finding", security(("bearer" = [])), request_body = ShortlistIn,
    responses((status = 201, body = ShortlistItem), (status = 422, body = ErrorBody)))]
async fn add_shortlist(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ShortlistIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(
        people::add_to_shortlist(&state, &caller, &input).await?,
    ))
}

/// Your shortlist: Name, Field, Known for, Connection to you.
#[utoipa::path(get, path = "/api/v1/shortlist", tag = "finding", security(("bearer" = [])),
    params(crate::service::PageQuery), responses((status = 200, body = Listing<ShortlistItem>)))]
async fn list_shortlist(
    State(state): State<AppState>,
    caller: Caller,
    super::ApiQuery(page): super::ApiQuery<crate::service::PageQuery>,
) -> AppResult<Json<Listing<ShortlistItem>>> {
    Ok(Json(Listing::paginate(
        people::shortlist(&state, &caller).await?,
        &page.page(),
    )))
}

/// Remove someone from your shortlist.
#[utoipa::path(delete, path = "/api/v1/shortlist/{person_id}", tag = "finding", security(("bearer" = [])),
    params(("person_id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
async fn remove_shortlist(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_id): Path<String>,
) -> AppResult<StatusCode> {
    people::remove_from_shortlist(&state, &caller, &person_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
