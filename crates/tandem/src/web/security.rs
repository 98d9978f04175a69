//! Passwords and sessions as pages: a forgotten password, a link's new password,
//! and one's own account security (change the password, see and end sessions).
use super::{
    back_with_error, done, form_failure, ok, redirect_with, render, CsrfForm, Errors, Flash,
    Member, Page, Visitor, WebError,
};
use crate::service::passwords::{self, PasswordChangeIn, ResetConfirmIn, ResetIn, SessionOut};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct Forgot {
    page: Page,
    sent: bool,
}

pub async fn forgot_page(visitor: Visitor) -> Response {
    ok(&Forgot {
        page: visitor.page("Forgot your password", "signin"),
        sent: false,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response, WebError> {
    let input = ResetIn { email: form.email };
    if let Err(err) = passwords::request_reset(&state, &input).await {
        let failure = form_failure(err, |e| visitor.fail(e))?;
        let mut page = visitor.page("Forgot your password", "signin");
        page.flash = Some(failure.banner);
        return Ok(render(failure.status, &Forgot { page, sent: false }));
    }
    Ok(ok(&Forgot {
        page: visitor.page("Check your e-mail", "signin"),
        sent: true,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct Reset {
    page: Page,
    token: String,
    errors: Errors,
}

pub async fn reset_page(visitor: Visitor, Query(q): Query<TokenQuery>) -> Response {
    ok(&Reset {
        page: visitor.page("Choose a password", "signin"),
        token: q.token,
        errors: Errors::default(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetForm {
    token: String,
    password: String,
}

pub async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, WebError> {
    let input = ResetConfirmIn {
        token: form.token.clone(),
        password: form.password,
    };
    match passwords::confirm_reset(&state, &input).await {
        Ok(()) => Ok(done(
            &state,
            "/signin",
            "Your password is set. Sign in with it.",
        )),
        Err(err) => {
            let failure = form_failure(err, |e| visitor.fail(e))?;
            let mut page = visitor.page("Choose a password", "signin");
            page.flash = Some(failure.banner);
            Ok(render(
                failure.status,
                &Reset {
                    page,
                    token: form.token,
                    errors: failure.errors,
                },
            ))
        }
    }
}

/// A session as the page lists it.
struct SessionView {
    id: String,
    started: String,
    last_seen: String,
    agent: String,
    current: bool,
}

impl From<SessionOut> for SessionView {
    fn from(s: SessionOut) -> Self {
        SessionView {
            started: s.created_at.format("%-d %b %Y, %H:%M UTC").to_string(),
            last_seen: s
                .last_seen_at
                .map(|t| t.format("%-d %b %Y, %H:%M UTC").to_string())
                .unwrap_or_else(|| "not since it began".into()),
            agent: if s.user_agent.is_empty() {
                "an unnamed browser or program".into()
            } else {
                s.user_agent
            },
            current: s.current,
            id: s.id,
        }
    }
}

#[derive(Template)]
#[template(path = "security.html")]
struct Security {
    page: Page,
    sessions: Vec<SessionView>,
    errors: Errors,
}

async fn security_view(
    state: &AppState,
    me: &Member,
    page: Page,
    errors: Errors,
) -> Result<Security, WebError> {
    let sessions = passwords::sessions(state, &me.caller)
        .await
        .map_err(me.fail())?;
    Ok(Security {
        page,
        sessions: sessions.into_iter().map(SessionView::from).collect(),
        errors,
    })
}

pub async fn security_page(
    State(state): State<AppState>,
    me: Member,
) -> Result<Response, WebError> {
    let page = me.page("Password and sessions", "profile");
    Ok(ok(
        &security_view(&state, &me, page, Errors::default()).await?
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let input = PasswordChangeIn {
        current_password: form.current_password,
        new_password: form.new_password,
    };
    match passwords::change(&state, &me.caller, &input).await {
        Ok(()) => Ok(done(
            &state,
            "/account/security",
            "Your password is changed; your other sessions were signed out.",
        )),
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let mut page = me.page("Password and sessions", "profile");
            page.flash = Some(failure.banner);
            let view = security_view(&state, &me, page, failure.errors).await?;
            Ok(render(failure.status, &view))
        }
    }
}

pub async fn end_session(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> Response {
    match passwords::revoke(&state, &me.caller, &id).await {
        Ok(()) => redirect_with(
            &state,
            "/account/security",
            Flash {
                ok: true,
                text: "That session is signed out.".into(),
            },
        ),
        Err(err) => back_with_error(&state, "/account/security", err, me.fail()),
    }
}
