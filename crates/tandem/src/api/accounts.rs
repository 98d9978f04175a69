//! Accounts, profiles, plans, people, shortlist and export.
use super::input::PageQuery;
use super::{created, ApiJson, ApiQuery};
use crate::domain::wire::Notification;
use crate::error::AppResult;
use crate::http::error::ErrorBody;
use crate::http::session::{ClientIp, UserAgent};
use crate::http::{cookies, csrf};
use crate::secrets::random_token;
use crate::service::accounts::{self, Caller, EraseIn, LoginIn, RegisterIn, UserOut};
use crate::service::away::{self, AwayIn, AwayOut};
use crate::service::export::{self, ExportOut};
use crate::service::notify;
use crate::service::paging::Listing;
use crate::service::people::{self, PersonOut, PlanData, ProfileData, ShortlistIn, ShortlistItem};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(csrf))
        .routes(routes!(me, erase))
        .routes(routes!(get_profile, put_profile))
        .routes(routes!(get_plan, put_plan))
        .routes(routes!(get_notifications, put_notifications))
        .routes(routes!(get_away, put_away))
        .routes(routes!(person))
        .routes(routes!(export))
        .routes(routes!(add_shortlist, list_shortlist))
        .routes(routes!(remove_shortlist))
}

/// Create an account. The first account on an empty instance is its admin.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterIn,
    responses((status = 201, body = UserOut), (status = 403, description = "`registration_closed`: sign-up is by invitation, or for other domains", body = ErrorBody), (status = 409, description = "e-mail taken", body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "too many sign-ups from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "too busy checking passwords; see Retry-After", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<RegisterIn>,
) -> AppResult<impl IntoResponse> {
    Ok(created(accounts::register(&state, &ip, &input).await?))
}

/// A session: the Bearer token for programs, and the CSRF token (bound to this
/// session) that browsers using the session cookie send back in `X-CSRF-Token`
/// with every change.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInOut {
    pub token: String,
    pub user: UserOut,
    pub csrf_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CsrfOut {
    pub csrf_token: String,
}

/// The browser's CSRF token: its session's, else its CSRF cookie's, else a new
/// one (and the cookie that holds it).
fn csrf_for(state: &AppState, request: &HeaderMap, response: &mut HeaderMap) -> String {
    match csrf::expected(request) {
        Some(token) => token,
        None => {
            let token = random_token();
            response.append(header::SET_COOKIE, cookies::csrf(&state.config, &token));
            token
        }
    }
}

/// Sign in: returns a bearer token and sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginIn,
    responses((status = 200, body = SignedInOut), (status = 401, body = ErrorBody), (status = 403, description = "`account_disabled`: the right password of a disabled account", body = ErrorBody), (status = 429, description = "too many failed attempts; see Retry-After", body = ErrorBody),
        (status = 503, description = "too busy checking passwords; see Retry-After", body = ErrorBody)))]
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    UserAgent(agent): UserAgent,
    ApiJson(input): ApiJson<LoginIn>,
) -> AppResult<impl IntoResponse> {
    let out = accounts::login(&state, &ip, &agent, &input).await?;
    let mut headers = HeaderMap::new();
    headers.append(
        header::SET_COOKIE,
        cookies::session(&state.config, &out.token, state.config.session_days),
    );
    let csrf_token = csrf::for_session(&out.token);
    Ok((
        headers,
        Json(SignedInOut {
            token: out.token,
            user: out.user,
            csrf_token,
        }),
    ))
}

/// The CSRF token for browsers that call the API with the session cookie.
#[utoipa::path(get, path = "/api/v1/auth/csrf", tag = "accounts", responses((status = 200, body = CsrfOut)))]
async fn csrf(State(state): State<AppState>, request: HeaderMap) -> impl IntoResponse {
    let mut headers = HeaderMap::new();
    let csrf_token = csrf_for(&state, &request, &mut headers);
    (headers, Json(CsrfOut { csrf_token }))
}

/// Sign out: the token or session stops working.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204)))]
async fn logout(State(state): State<AppState>, caller: Caller) -> AppResult<impl IntoResponse> {
    accounts::logout(&state, &caller).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, cookies::session(&state.config, "", 0));
    Ok((StatusCode::NO_CONTENT, headers))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserOut)))]
async fn me(caller: Caller) -> Json<UserOut> {
    Json(UserOut::from(caller.user()))
}

/// Erase your account: profile, plan, private notes and what you wrote go; your
/// relationships end and show you as "Former member".
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), request_body = EraseIn,
    responses((status = 204), (status = 422, description = "wrong password", body = ErrorBody),
        (status = 503, description = "too busy checking passwords; see Retry-After", body = ErrorBody)))]
async fn erase(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<EraseIn>,
) -> AppResult<impl IntoResponse> {
    accounts::erase(&state, &caller, &input).await?;
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, cookies::session(&state.config, "", 0));
    Ok((StatusCode::NO_CONTENT, headers))
}

/// Your profile.
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = ProfileData)))]
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

/// Every kind of e-mail one may turn off, `true` when the person gets it.
/// Security e-mails (password reset, invitations) are not among them.
#[derive(Debug, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct NotificationSettings(pub BTreeMap<String, serde_json::Value>);

impl utoipa::PartialSchema for NotificationSettings {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let mut object = ObjectBuilder::new()
            .description(Some(
                "Each kind of e-mail one may turn off: true to get it, false not to. \
                 A change names only the kinds it changes.",
            ))
            .additional_properties(Some(
                utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
            ));
        for kind in Notification::ALL {
            object = object.property(
                kind.as_str(),
                ObjectBuilder::new().schema_type(Type::Boolean),
            );
        }
        utoipa::openapi::RefOr::T(object.build().into())
    }
}

impl ToSchema for NotificationSettings {}

fn settings_out(settings: notify::Settings) -> Json<NotificationSettings> {
    Json(NotificationSettings(
        settings
            .into_iter()
            .map(|(kind, on)| (kind.as_str().to_string(), on.into()))
            .collect(),
    ))
}

/// Which e-mails you get.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = NotificationSettings)))]
async fn get_notifications(
    State(state): State<AppState>,
    caller: Caller,
) -> AppResult<Json<NotificationSettings>> {
    Ok(settings_out(notify::settings(&state, &caller).await?))
}

/// Turn kinds of e-mail off or on; the kinds not named stay as they are.
#[utoipa::path(put, path = "/api/v1/me/notifications", tag = "accounts", security(("bearer" = [])),
    request_body = NotificationSettings,
    responses((status = 200, body = NotificationSettings), (status = 422, body = ErrorBody)))]
async fn put_notifications(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NotificationSettings>,
) -> AppResult<Json<NotificationSettings>> {
    Ok(settings_out(
        notify::change_settings(&state, &caller, &input.0).await?,
    ))
}

/// Whether you are away.
#[utoipa::path(get, path = "/api/v1/me/away", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = AwayOut)))]
async fn get_away(State(state): State<AppState>, caller: Caller) -> AppResult<Json<AwayOut>> {
    Ok(Json(away::get_away(&state, &caller).await?))
}

/// Be away (your open requests as mentor are declined with reason `away`, new
/// ones are refused with 409, suggestions and rounds leave you out) or back.
#[utoipa::path(put, path = "/api/v1/me/away", tag = "accounts", security(("bearer" = [])),
    request_body = AwayIn,
    responses((status = 200, body = AwayOut), (status = 422, body = ErrorBody)))]
async fn put_away(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<AwayIn>,
) -> AppResult<Json<AwayOut>> {
    Ok(Json(away::put_away(&state, &caller, &input).await?))
}

/// Your career plan.
#[utoipa::path(get, path = "/api/v1/me/plan", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = PlanData)))]
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
    responses((status = 200, body = ExportOut)))]
async fn export(State(state): State<AppState>, caller: Caller) -> AppResult<impl IntoResponse> {
    let out = export::export(&state, &caller).await?;
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
    params(PageQuery), responses((status = 200, body = Listing<ShortlistItem>)))]
async fn list_shortlist(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> AppResult<Json<Listing<ShortlistItem>>> {
    Ok(Json(
        people::shortlist(&state, &caller, &page.page()?).await?,
    ))
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
