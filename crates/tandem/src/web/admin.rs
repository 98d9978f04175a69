//! Administration pages: accounts (search, disable, enable, admin or not) and
//! the audit log.
use super::programs::next_href;
use super::{back_with_error, done, ok, CsrfForm, Member, Page, WebError};
use crate::domain::paging::PageRequest;
use crate::error::AppError;
use crate::service::admin::{self, AccountOut, AccountPatch};
use crate::service::audit::{self, AuditEntryOut};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UsersQuery {
    q: String,
    cursor: String,
}

struct AccountView {
    id: String,
    name: String,
    email: String,
    is_admin: bool,
    disabled: bool,
    created: String,
    last_seen: String,
    is_me: bool,
}

impl AccountView {
    fn new(a: AccountOut, me: &str) -> AccountView {
        AccountView {
            is_me: a.id == me,
            created: a.created_at.format("%-d %b %Y").to_string(),
            last_seen: a
                .last_seen_at
                .map(|t| t.format("%-d %b %Y, %H:%M UTC").to_string())
                .unwrap_or_else(|| "—".into()),
            id: a.id,
            name: a.name,
            email: a.email,
            is_admin: a.is_admin,
            disabled: a.disabled,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    page: Page,
    q: String,
    accounts: Vec<AccountView>,
    next_href: Option<String>,
}

pub async fn users(
    State(state): State<AppState>,
    me: Member,
    Query(q): Query<UsersQuery>,
) -> Result<Response, WebError> {
    me.caller.require_admin().map_err(me.fail())?;
    let page = PageRequest::new(None, Some(&q.cursor)).map_err(|e| me.fail()(AppError::from(e)))?;
    let listing = admin::users(&state, &me.caller, &q.q, &page)
        .await
        .map_err(me.fail())?;
    Ok(ok(&UsersPage {
        page: me.page("Accounts", "admin"),
        accounts: listing
            .items
            .into_iter()
            .map(|a| AccountView::new(a, me.id()))
            .collect(),
        next_href: next_href("/admin/users", &[("q", &q.q)], listing.next_cursor),
        q: q.q,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AccountForm {
    /// `disable`, `enable`, `make_admin` or `unmake_admin`.
    change: String,
    back: String,
}

pub async fn change_user(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, WebError> {
    // Who may is decided before what the form says.
    admin::require_admin_for_account(&me.caller).map_err(me.fail())?;
    let back = super::safe_next(&form.back)
        .unwrap_or("/admin/users")
        .to_string();
    let (patch, said) = match form.change.as_str() {
        "disable" => (
            AccountPatch {
                disabled: Some(true),
                ..Default::default()
            },
            "disabled; its sessions ended",
        ),
        "enable" => (
            AccountPatch {
                disabled: Some(false),
                ..Default::default()
            },
            "enabled",
        ),
        "make_admin" => (
            AccountPatch {
                is_admin: Some(true),
                ..Default::default()
            },
            "now an admin",
        ),
        "unmake_admin" => (
            AccountPatch {
                is_admin: Some(false),
                ..Default::default()
            },
            "no longer an admin",
        ),
        _ => {
            return Ok(back_with_error(
                &state,
                &back,
                AppError::field("change", "choose what to change"),
                me.fail(),
            ))
        }
    };
    Ok(
        match admin::patch_user(&state, &me.caller, &id, &patch).await {
            Ok(account) => done(&state, &back, format!("{} is {said}.", account.name)),
            Err(err) => back_with_error(&state, &back, err, me.fail()),
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CursorOnly {
    cursor: String,
}

struct EntryView {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    object: String,
}

impl From<AuditEntryOut> for EntryView {
    fn from(e: AuditEntryOut) -> Self {
        EntryView {
            seq: e.seq,
            at: e.at.format("%-d %b %Y, %H:%M:%S UTC").to_string(),
            actor: e.actor_id,
            action: e.action,
            object: format!("{} {}", e.object_type, e.object_id),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<EntryView>,
    next_href: Option<String>,
}

pub async fn audit_log(
    State(state): State<AppState>,
    me: Member,
    Query(q): Query<CursorOnly>,
) -> Result<Response, WebError> {
    me.caller.require_admin().map_err(me.fail())?;
    let page = PageRequest::new(None, Some(&q.cursor)).map_err(|e| me.fail()(AppError::from(e)))?;
    let listing = audit::list(&state, &me.caller, &page)
        .await
        .map_err(me.fail())?;
    Ok(ok(&AuditPage {
        page: me.page("Audit log", "admin"),
        entries: listing.items.into_iter().map(EntryView::from).collect(),
        next_href: next_href("/admin/audit", &[], listing.next_cursor),
    }))
}
