//! The landing page, sign-up, sign-in and sign-out.
use super::{
    capitalise, done, form_failure, ok, render, safe_next, CsrfForm, Errors, Flash, Member, Page,
    Visitor, WebError,
};
use crate::error::AppError;
use crate::http::cookies;
use crate::http::session::{ClientIp, UserAgent};
use crate::service::accounts::{self, LoginIn, RegisterIn};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    page: Page,
}

pub async fn landing(visitor: Visitor) -> Response {
    if visitor.caller.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    ok(&Landing {
        page: visitor.page("Mentorship programs that work", ""),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    name: String,
    email: String,
    password: String,
}

#[derive(Template)]
#[template(path = "signup.html")]
struct Signup {
    page: Page,
    form: SignupForm,
    errors: Errors,
    /// Who may sign up, when not everyone may.
    policy: Option<String>,
}

fn policy_of(state: &AppState) -> Option<String> {
    state.config.registration.describe()
}

pub async fn signup_page(State(state): State<AppState>, visitor: Visitor) -> Response {
    if visitor.caller.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    ok(&Signup {
        page: visitor.page("Create your account", "signup"),
        form: SignupForm::default(),
        errors: Errors::default(),
        policy: policy_of(&state),
    })
}

pub async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    UserAgent(agent): UserAgent,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Result<Response, WebError> {
    let input = RegisterIn {
        name: form.name.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
    };
    let user = match accounts::register(&state, &ip, &input).await {
        Ok(user) => user,
        Err(err) => {
            let failure = form_failure(err, |e| visitor.fail(e))?;
            let mut page = visitor.page("Create your account", "signup");
            page.flash = Some(failure.banner);
            let form = SignupForm {
                password: String::new(),
                ..form
            };
            return Ok(render(
                failure.status,
                &Signup {
                    page,
                    form,
                    errors: failure.errors,
                    policy: policy_of(&state),
                },
            ));
        }
    };
    let token = accounts::open_session(&state, &user.id, &agent)
        .await
        .map_err(|e| visitor.fail(e))?;
    let mut res = done(
        &state,
        "/dashboard",
        format!(
            "Welcome to Tandem, {}! Start by completing your profile.",
            user.name
        ),
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::session(&state.config, &token, state.config.session_days),
    );
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SigninForm {
    email: String,
    password: String,
    next: String,
}

#[derive(Template)]
#[template(path = "signin.html")]
struct Signin {
    page: Page,
    form: SigninForm,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn signin_page(visitor: Visitor, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(&q.next).unwrap_or("").to_string();
    if visitor.caller.is_some() {
        return Redirect::to(if next.is_empty() { "/dashboard" } else { &next }).into_response();
    }
    let form = SigninForm {
        next,
        ..SigninForm::default()
    };
    ok(&Signin {
        page: visitor.page("Sign in", "signin"),
        form,
    })
}

pub async fn signin(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    UserAgent(agent): UserAgent,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<SigninForm>,
) -> Result<Response, WebError> {
    let input = LoginIn {
        email: form.email.clone(),
        password: form.password.clone(),
    };
    match accounts::login(&state, &ip, &agent, &input).await {
        Ok(out) => {
            let to = safe_next(&form.next).unwrap_or("/dashboard");
            let mut res = Redirect::to(to).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                cookies::session(&state.config, &out.token, state.config.session_days),
            );
            Ok(res)
        }
        Err(err) => {
            let (status, banner) = match &err {
                AppError::BadCredentials => (
                    StatusCode::UNAUTHORIZED,
                    "The e-mail or password is wrong. Check both and try again.".to_string(),
                ),
                AppError::TooManyRequests { retry_after } => {
                    let minutes = retry_after.div_ceil(60).max(1);
                    let unit = if minutes == 1 { "minute" } else { "minutes" };
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        format!("Too many failed attempts, try again in {minutes} {unit}."),
                    )
                }
                AppError::Refused { message, .. } => (StatusCode::FORBIDDEN, capitalise(message)),
                _ => return Err(visitor.fail(err)),
            };
            let mut page = visitor.page("Sign in", "signin");
            page.flash = Some(Flash::error(banner));
            let form = SigninForm {
                password: String::new(),
                ..form
            };
            let mut res = render(status, &Signin { page, form });
            if let AppError::TooManyRequests { retry_after } = err {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, retry_after.into());
            }
            Ok(res)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

pub async fn signout(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    accounts::logout(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let mut res = done(&state, "/", "You are signed out. See you soon.");
    res.headers_mut()
        .append(header::SET_COOKIE, cookies::session(&state.config, "", 0));
    Ok(res)
}
