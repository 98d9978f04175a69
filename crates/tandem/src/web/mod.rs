//! Server-rendered pages: one layout, plain forms, POST-redirect-GET.
//!
//! Handlers parse the form, call a `service` function and render a view; no
//! rule and no query lives here. Every form carries a CSRF token checked by
//! [`CsrfForm`]; the cookie that holds it is issued by [`page_cookies`].
mod accounts;
mod admin;
mod dashboard;
mod matching;
mod mentorships;
mod office_hours;
mod pickers;
mod profile;
mod programs;
mod reports;
mod security;
mod shortlist;
mod workspace;

use crate::domain::values::FieldErrors;
use crate::error::AppError;
use crate::http::cookies::{self, FLASH_COOKIE};
use crate::http::error::status_of;
use crate::http::{csrf, session};
use crate::secrets::random_token;
use crate::service::accounts::{caller_for_token, Caller};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::http::headers::PAGES_CSP as CSP;
const STYLESHEET: &str = include_str!("../../static/app.css");
const TIMEZONE_SCRIPT: &str = include_str!("../../static/timezone.js");

/// Declares the pages once: the router is built from this list, and the list is
/// public so the authorization matrix can hold a row for every page.
macro_rules! pages {
    ($($method:ident $path:literal => $handler:expr),+ $(,)?) => {
        /// Every page route, as `(method, path)`.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),+];

        fn page_routes() -> Router<AppState> {
            Router::new()$(.route($path, $method($handler)))+
        }
    };
}

pages! {
    get "/" => accounts::landing,
    get "/signup" => accounts::signup_page,
    post "/signup" => accounts::signup,
    get "/signin" => accounts::signin_page,
    post "/signin" => accounts::signin,
    post "/signout" => accounts::signout,
    get "/forgot-password" => security::forgot_page,
    post "/forgot-password" => security::forgot,
    get "/reset-password" => security::reset_page,
    post "/reset-password" => security::reset,
    get "/account/security" => security::security_page,
    post "/account/password" => security::change_password,
    post "/account/sessions/{id}/end" => security::end_session,
    get "/admin/users" => admin::users,
    post "/admin/users/{id}" => admin::change_user,
    get "/admin/audit" => admin::audit_log,
    get "/dashboard" => dashboard::dashboard,
    get "/profile" => profile::profile_page,
    post "/profile" => profile::save_profile,
    post "/profile/plan" => profile::save_plan,
    post "/profile/notifications" => profile::save_notifications,
    post "/profile/away" => profile::save_away,
    get "/office-hours" => office_hours::office_hours_page,
    post "/office-hours" => office_hours::save_office_hours,
    get "/programs" => programs::list,
    get "/programs/{id}" => programs::detail,
    post "/programs/{id}/enroll" => programs::enroll,
    post "/programs/{id}/coordinators" => programs::appoint_coordinator,
    get "/programs/{id}/import" => programs::import_page,
    post "/programs/{id}/import/preview" => programs::preview,
    post "/programs/{id}/import" => programs::confirm,
    post "/programs/{id}/archive" => programs::archive,
    get "/programs/{id}/enrollments" => programs::enrollments,
    get "/programs/{id}/dashboard" => reports::program_dashboard,
    get "/programs/{id}/checkins" => reports::checkins_page,
    post "/programs/{id}/checkins" => reports::save_checkins,
    get "/checkins/{id}" => reports::checkin_page,
    post "/checkins/{id}" => reports::answer_checkin,
    post "/mentorships/{id}/survey" => reports::survey,
    post "/mentorships/{id}/reflection" => reports::reflection,
    get "/programs/{id}/mentors" => programs::mentors,
    get "/programs/{id}/suggestions" => matching::suggestions,
    get "/programs/{id}/suggestions/{mentor_id}" => matching::mentor_check,
    get "/programs/{id}/rounds" => matching::rounds,
    post "/programs/{id}/rounds" => matching::create_round,
    get "/programs/{id}/weights" => matching::weights_page,
    post "/programs/{id}/weights" => matching::save_weights,
    post "/programs/{id}/pairs" => matching::propose_pair,
    get "/rounds/{id}" => matching::round,
    post "/rounds/{id}/remove" => matching::remove_pair,
    post "/rounds/{id}/add" => matching::add_pair,
    post "/rounds/{id}/publish" => matching::publish_round,
    get "/rounds/{id}/unmatched/{mentee_id}" => matching::unmatched,
    get "/programs/{id}/mentors/{mentor_id}/request" => mentorships::request_page,
    post "/programs/{id}/mentors/{mentor_id}/request" => mentorships::send_request,
    get "/admin/programs/new" => programs::new_program_page,
    post "/admin/programs/new" => programs::create_program,
    get "/shortlist" => shortlist::shortlist_page,
    post "/shortlist" => shortlist::add,
    post "/shortlist/{person_id}/remove" => shortlist::remove,
    get "/people/{id}" => profile::person_page,
    get "/mentorships/{id}" => workspace::detail,
    get "/mentorships/{id}/meetings" => workspace::section,
    get "/mentorships/{id}/goals" => workspace::section,
    get "/mentorships/{id}/messages" => workspace::section,
    get "/mentorships/{id}/notes" => workspace::section,
    get "/meetings/{id}" => workspace::meeting,
    post "/mentorships/{id}/actions/{action}" => mentorships::act,
    post "/mentorships/{id}/agreement" => mentorships::save_agreement,
    post "/mentorships/{id}/agreement/sign" => mentorships::sign_agreement,
    post "/mentorships/{id}/meetings" => workspace::schedule,
    get "/mentorships/{id}/book" => office_hours::confirm_booking,
    post "/mentorships/{id}/bookings" => office_hours::book,
    post "/mentorships/{id}/goals" => workspace::add_goal,
    post "/mentorships/{id}/goals/from-plan" => workspace::goals_from_plan,
    post "/mentorships/{id}/kudos" => workspace::kudos,
    post "/mentorships/{id}/messages" => workspace::message,
    post "/mentorships/{id}/introductions" => workspace::introduce,
    post "/meetings/{id}" => workspace::change_meeting,
    post "/meetings/{id}/private-note" => workspace::private_note,
    post "/meetings/{id}/action-items" => workspace::add_item,
    post "/meetings/{id}/feedback" => workspace::feedback,
    post "/action-items/{id}" => workspace::item_done,
    post "/goals/{id}" => workspace::goal_status,
    post "/goals/{id}/milestones" => workspace::add_milestone,
    post "/milestones/{id}" => workspace::milestone_status,
    get "/static/app.css" => stylesheet,
    get "/static/timezone.js" => timezone_script,
}

pub fn router(state: AppState) -> Router {
    page_routes()
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), page_cookies))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .with_state(state)
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

/// The time-zone picker's enhancement: it preselects the browser's zone.
async fn timezone_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        TIMEZONE_SCRIPT,
    )
}

async fn not_found(visitor: Visitor) -> Response {
    visitor.fail(AppError::NotFound("page")).into_response()
}

/// The CSRF token this request's forms carry (see `http::csrf`).
#[derive(Clone)]
struct CsrfToken(String);

/// Gives pages the CSRF token their forms carry: the session's, or before signing
/// in the CSRF cookie's (issued when the browser has none); and drops a flash
/// message once a page has shown it.
async fn page_cookies(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
    let mut issued = None;
    let token = match csrf::expected(req.headers()) {
        Some(token) => Some(token),
        None if is_get => {
            let token = random_token();
            issued = Some(token.clone());
            Some(token)
        }
        None => None,
    };
    if let Some(token) = token {
        req.extensions_mut().insert(CsrfToken(token));
    }
    let had_flash = cookies::read(req.headers(), FLASH_COOKIE).is_some();
    let mut res = next.run(req).await;
    if let Some(token) = issued {
        res.headers_mut()
            .append(header::SET_COOKIE, cookies::csrf(&state.config, &token));
    }
    if had_flash && is_get && !res.status().is_redirection() {
        res.headers_mut()
            .append(header::SET_COOKIE, cookies::flash(&state.config, ""));
    }
    res
}

/// A one-time message shown at the top of the next page.
#[derive(Debug, Clone)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

impl Flash {
    pub fn error(text: impl Into<String>) -> Flash {
        Flash {
            ok: false,
            text: text.into(),
        }
    }
}

fn read_flash(headers: &HeaderMap) -> Option<Flash> {
    let raw = cookies::read(headers, FLASH_COOKIE)?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&raw).ok()?;
    let (kind, text) = pairs.into_iter().next()?;
    Some(Flash {
        ok: kind == "ok",
        text: text.chars().take(300).collect(),
    })
}

/// 303 to `to`, with a message for the page it lands on.
pub fn redirect_with(state: &AppState, to: &str, flash: Flash) -> Response {
    let kind = if flash.ok { "ok" } else { "error" };
    let value = serde_urlencoded::to_string([(kind, flash.text.as_str())]).unwrap_or_default();
    let mut res = Redirect::to(to).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, cookies::flash(&state.config, &value));
    res
}

pub fn done(state: &AppState, to: &str, text: impl Into<String>) -> Response {
    redirect_with(
        state,
        to,
        Flash {
            ok: true,
            text: text.into(),
        },
    )
}

/// A same-site path to return to; anything else (other hosts, `//evil`, `/\evil`) is dropped.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then_some(next)
}

/// The signed-in person as the layout shows them.
#[derive(Debug, Clone)]
pub struct UserView {
    pub id: String,
    pub name: String,
    pub is_admin: bool,
}

/// What the layout needs: title, current nav item, who is signed in, the CSRF token, a message.
#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub nav: &'static str,
    pub user: Option<UserView>,
    pub csrf: String,
    pub flash: Option<Flash>,
}

/// Anyone: signed in or not.
pub struct Visitor {
    pub caller: Option<Caller>,
    pub csrf: String,
    pub flash: Option<Flash>,
}

impl Visitor {
    pub fn page(&self, title: impl Into<String>, nav: &'static str) -> Page {
        Page {
            title: title.into(),
            nav,
            user: self.caller.as_ref().map(|c| UserView {
                id: c.id().to_string(),
                name: c.name().to_string(),
                is_admin: c.is_admin(),
            }),
            csrf: self.csrf.clone(),
            flash: self.flash.clone(),
        }
    }

    pub fn fail(&self, err: AppError) -> WebError {
        WebError {
            page: Box::new(self.page("", "")),
            err,
        }
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let flash = read_flash(&parts.headers);
        let caller = match session::credential(&parts.headers) {
            Some(credential) => caller_for_token(state, credential.token())
                .await
                .map_err(|e| {
                    let v = Visitor {
                        caller: None,
                        csrf: csrf.clone(),
                        flash: None,
                    };
                    v.fail(e).into_response()
                })?,
            None => None,
        };
        Ok(Visitor {
            caller,
            csrf,
            flash,
        })
    }
}

/// A signed-in person; everyone else is sent to `/signin?next=…`.
pub struct Member {
    pub caller: Caller,
    visitor: Visitor,
}

impl Member {
    pub fn page(&self, title: impl Into<String>, nav: &'static str) -> Page {
        self.visitor.page(title, nav)
    }

    /// Turns a service error into the error page (`map_err(me.fail())`).
    pub fn fail(&self) -> impl Fn(AppError) -> WebError + '_ {
        |err| self.visitor.fail(err)
    }

    pub fn id(&self) -> &str {
        self.caller.id()
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let mut visitor = Visitor::from_request_parts(parts, state).await?;
        match visitor.caller.take() {
            Some(caller) => {
                visitor.caller = Some(caller.clone());
                Ok(Member { caller, visitor })
            }
            None => Err(signin_redirect(parts)),
        }
    }
}

fn signin_redirect(parts: &Parts) -> Response {
    if parts.method != Method::GET {
        return Redirect::to("/signin").into_response();
    }
    let here = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/dashboard");
    let query = serde_urlencoded::to_string([("next", here)]).unwrap_or_default();
    Redirect::to(&format!("/signin?{query}")).into_response()
}

/// A service error shown as a page in the layout (or a redirect to sign in).
pub struct WebError {
    page: Box<Page>,
    err: AppError,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    heading: String,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let WebError { page, err } = self;
        let mut page = *page;
        if let AppError::Unauthorized = err {
            return Redirect::to("/signin").into_response();
        }
        let status = status_of(&err);
        if let AppError::Other(e) = &err {
            tracing::error!(error = ?e, "unexpected failure on a page");
        }
        let (heading, message) = match &err {
            AppError::NotFound(what) => (
                "Not found".to_string(),
                format!("We could not find this {what}. It may have been removed, or you may not have access to it."),
            ),
            AppError::Forbidden(msg) => ("Not allowed".to_string(), capitalise(msg)),
            AppError::Conflict { message, .. } => ("That did not work".to_string(), capitalise(message)),
            other => ("Something went wrong".to_string(), capitalise(&other.public_message())),
        };
        page.title = heading.clone();
        page.flash = None;
        render(
            status,
            &ErrorPage {
                page,
                heading,
                message,
            },
        )
    }
}

/// Renders a template; a rendering failure becomes a plain 500.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "something went wrong on our side; please try again",
            )
                .into_response()
        }
    }
}

pub fn ok(template: &impl Template) -> Response {
    render(StatusCode::OK, template)
}

pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A form body whose `csrf` field must pass the CSRF check (`http::csrf`), which
/// every page form goes through.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| bare_error(StatusCode::BAD_REQUEST, "The form could not be read."))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| bare_error(StatusCode::BAD_REQUEST, "The form could not be read."))?;
        if pairs
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(bare_error(
                StatusCode::BAD_REQUEST,
                "The form holds a NUL character, which no text may hold.",
            ));
        }
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        if !csrf::holds(&headers, sent, &state.config) {
            return Err(bare_error(
                StatusCode::FORBIDDEN,
                "This form expired or did not come from Tandem. Go back, reload the page and try again.",
            ));
        }
        let value = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            bare_error(
                StatusCode::BAD_REQUEST,
                &format!("The form could not be read: {e}."),
            )
        })?;
        Ok(CsrfForm(value))
    }
}

pub fn bare_error(status: StatusCode, message: &str) -> Response {
    let page = Page {
        title: "Form refused".into(),
        nav: "",
        user: None,
        csrf: String::new(),
        flash: None,
    };
    let heading = if status == StatusCode::FORBIDDEN {
        "Form refused"
    } else {
        "Bad request"
    };
    render(
        status,
        &ErrorPage {
            page,
            heading: heading.into(),
            message: message.into(),
        },
    )
}

/// A form with no fields but the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

/// Per-field messages for a form, plus how to show the rest.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub FieldErrors);

impl Errors {
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }
    pub fn add(&mut self, field: &str, problem: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| problem.into());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Every problem on one line, for forms too small to mark fields.
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{}: {v}", k.replace('_', " ")))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// How a form page shows a failed submission: field messages and a banner.
pub struct Failure {
    pub status: StatusCode,
    pub errors: Errors,
    pub banner: Flash,
}

/// Splits a service error into what a form shows; errors that are not about
/// the form (signed out, not found) become their own page.
pub fn form_failure(
    err: AppError,
    fail: impl Fn(AppError) -> WebError,
) -> Result<Failure, WebError> {
    match err {
        AppError::Validation(fields) => Ok(Failure {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors: Errors(fields),
            banner: Flash::error("Some fields need your attention; see the messages below."),
        }),
        AppError::Unauthorized | AppError::NotFound(_) | AppError::Other(_) => Err(fail(err)),
        other => Ok(Failure {
            status: status_of(&other),
            errors: Errors(other.fields().unwrap_or_default()),
            banner: Flash::error(capitalise(&other.public_message())),
        }),
    }
}

/// After a small action form fails: back to the page with the reason on top.
pub fn back_with_error(
    state: &AppState,
    to: &str,
    err: AppError,
    fail: impl Fn(AppError) -> WebError,
) -> Response {
    match err {
        AppError::Validation(fields) => redirect_with(
            state,
            to,
            Flash::error(capitalise(&Errors(fields).summary())),
        ),
        // Refusals are pages of their own, with the API's status: the action was
        // not the caller's to take.
        AppError::Unauthorized
        | AppError::Forbidden(_)
        | AppError::NotFound(_)
        | AppError::Other(_) => fail(err).into_response(),
        other => redirect_with(state, to, Flash::error(capitalise(&other.public_message()))),
    }
}

/// `a, b ,c` → `["a", "b", "c"]`
pub fn split_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// One entry per non-empty line.
pub fn split_lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// An optional whole number typed into a text box; the problem is recorded under `field`.
pub fn optional_number(raw: &str, field: &str, errors: &mut Errors) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.add(field, "must be a whole number");
            None
        }
    }
}

/// A whole number typed into a text box, for a use case that checks its range
/// itself once it has decided who may post: empty is none, and what is not a whole
/// number stands for a value no range holds, so the use case names the field.
pub fn typed_number(raw: &str) -> Option<i64> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.parse().unwrap_or(i64::MIN))
}

/// An option of a `<select>`.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Options from a domain enum's wire names, with `current` selected.
pub fn options(values: impl IntoIterator<Item = &'static str>, current: &str) -> Vec<Opt> {
    values
        .into_iter()
        .map(|v| Opt {
            value: v.into(),
            label: humanise(v),
            selected: v == current,
        })
        .collect()
}

/// A count with its noun, singular for one: `plural(1, "mentee", "mentees")` is
/// "1 mentee", `plural(0, …)` "0 mentees". Templates call it as
/// `crate::web::plural(n, "pair", "pairs")`; any number that prints works.
pub fn plural(n: impl std::fmt::Display, one: &str, many: &str) -> String {
    let n = n.to_string();
    let noun = if n == "1" { one } else { many };
    format!("{n} {noun}")
}

/// `reading_writing` → `Reading writing`
pub fn humanise(wire: &str) -> String {
    capitalise(&wire.replace('_', " "))
}

pub fn day(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%-d %b %Y").to_string()
}

pub fn optional_day(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(day).unwrap_or_default()
}

/// Where a link to a meeting's place points, when the place is a web address
/// (`http` or `https` only); the templates show any other place as text.
pub fn place_link(place: &str) -> Option<String> {
    crate::domain::values::web_link(place)
}
