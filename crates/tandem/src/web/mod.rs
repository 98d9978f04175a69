//! Server-rendered pages: one layout, plain forms, POST-redirect-GET.
//!
//! Handlers parse the form, call a `service` function and render a view; no
//! rule and no query lives here. Every form carries a CSRF token checked by
//! [`CsrfForm`]; the cookie that holds it is issued by [`page_cookies`].
mod accounts;
mod dashboard;
mod matching;
mod mentorships;
mod profile;
mod programs;
mod shortlist;

use crate::auth::{self, Caller};
use crate::error::{AppError, FieldErrors};
use crate::AppState;
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
use tower_http::set_header::SetResponseHeaderLayer;

pub const CSRF_COOKIE: &str = "tandem_csrf";
const FLASH_COOKIE: &str = "tandem_flash";
/// Pages need no inline script or style; the API's Swagger UI does, so this stays on the pages.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
const STYLESHEET: &str = include_str!("../../static/app.css");

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(accounts::landing))
        .route("/signup", get(accounts::signup_page).post(accounts::signup))
        .route("/signin", get(accounts::signin_page).post(accounts::signin))
        .route("/signout", post(accounts::signout))
        .route("/dashboard", get(dashboard::dashboard))
        .route(
            "/profile",
            get(profile::profile_page).post(profile::save_profile),
        )
        .route("/profile/plan", post(profile::save_plan))
        .route("/programs", get(programs::list))
        .route("/programs/{id}", get(programs::detail))
        .route("/programs/{id}/enroll", post(programs::enroll))
        .route(
            "/programs/{id}/coordinators",
            post(programs::appoint_coordinator),
        )
        .route("/programs/{id}/enrollments", get(programs::enrollments))
        .route("/programs/{id}/mentors", get(programs::mentors))
        .route("/programs/{id}/suggestions", get(matching::suggestions))
        .route(
            "/programs/{id}/rounds",
            get(matching::rounds).post(matching::create_round),
        )
        .route(
            "/programs/{id}/weights",
            get(matching::weights_page).post(matching::save_weights),
        )
        .route("/programs/{id}/pairs", post(matching::propose_pair))
        .route("/rounds/{id}", get(matching::round))
        .route("/rounds/{id}/remove", post(matching::remove_pair))
        .route("/rounds/{id}/add", post(matching::add_pair))
        .route("/rounds/{id}/publish", post(matching::publish_round))
        .route(
            "/programs/{id}/mentors/{mentor_id}/request",
            get(mentorships::request_page).post(mentorships::send_request),
        )
        .route(
            "/admin/programs/new",
            get(programs::new_program_page).post(programs::create_program),
        )
        .route(
            "/shortlist",
            get(shortlist::shortlist_page).post(shortlist::add),
        )
        .route("/shortlist/{person_id}/remove", post(shortlist::remove))
        .route("/mentorships/{id}", get(mentorships::detail))
        .route("/mentorships/{id}/actions/{action}", post(mentorships::act))
        .route(
            "/mentorships/{id}/agreement",
            post(mentorships::save_agreement),
        )
        .route(
            "/mentorships/{id}/agreement/sign",
            post(mentorships::sign_agreement),
        )
        .route("/static/app.css", get(stylesheet))
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

async fn not_found(visitor: Visitor) -> Response {
    visitor.fail(AppError::NotFound("page")).into_response()
}

/// The CSRF token of this request, as found in (or just issued for) its cookie.
#[derive(Clone)]
struct CsrfToken(String);

fn cookie_header(
    state: &AppState,
    name: &str,
    value: &str,
    same_site: &str,
    max_age: Option<u64>,
) -> HeaderValue {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}{age}{secure}"
    ))
    .expect("cookie values are URL-safe")
}

/// Issues the CSRF cookie on pages when the browser has none, and drops a flash
/// message once a page has shown it.
async fn page_cookies(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
    let issued = match auth::header_cookie(req.headers(), CSRF_COOKIE).filter(|t| !t.is_empty()) {
        Some(token) => {
            req.extensions_mut().insert(CsrfToken(token));
            None
        }
        None if is_get => {
            let token = auth::random_token();
            req.extensions_mut().insert(CsrfToken(token.clone()));
            Some(token)
        }
        None => None,
    };
    let had_flash = auth::header_cookie(req.headers(), FLASH_COOKIE).is_some();
    let mut res = next.run(req).await;
    if let Some(token) = issued {
        res.headers_mut().append(
            header::SET_COOKIE,
            cookie_header(&state, CSRF_COOKIE, &token, "Strict", None),
        );
    }
    if had_flash && is_get && !res.status().is_redirection() {
        res.headers_mut().append(
            header::SET_COOKIE,
            cookie_header(&state, FLASH_COOKIE, "", "Lax", Some(0)),
        );
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
    let raw = auth::header_cookie(headers, FLASH_COOKIE)?;
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
    res.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(state, FLASH_COOKIE, &value, "Lax", Some(120)),
    );
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
                id: c.user.id.clone(),
                name: c.user.name.clone(),
                is_admin: c.user.is_admin,
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
        let caller = match auth::token_from(parts) {
            Some(token) => auth::caller_for_token(state, &token).await.map_err(|e| {
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
            err.status(),
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

/// A form body whose `csrf` field must equal the `tandem_csrf` cookie; the one
/// CSRF check every page form goes through.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let cookie = auth::header_cookie(req.headers(), CSRF_COOKIE).unwrap_or_default();
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| bare_error(StatusCode::BAD_REQUEST, "The form could not be read."))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| bare_error(StatusCode::BAD_REQUEST, "The form could not be read."))?;
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        if cookie.is_empty() || !same_token(&cookie, sent) {
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

/// Compares in time independent of where the strings differ.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn bare_error(status: StatusCode, message: &str) -> Response {
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
            status: other.status(),
            errors: Errors::default(),
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
        AppError::Unauthorized | AppError::NotFound(_) | AppError::Other(_) => {
            fail(err).into_response()
        }
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
