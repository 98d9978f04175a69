//! Account administration (SPEC §6): an instance admin lists and searches
//! accounts, disables and enables them, makes and unmakes admins — never the
//! last active one. Every change is in the audit log.
use crate::domain::audit::AuditAction;
use crate::domain::paging::{Cursor, PageRequest};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::audit::{self, Object};
use crate::service::paging::Listing;
use crate::state::AppState;
use crate::store::accounts as store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// When the account last used the site; null when never (or not since this was kept).
    pub last_seen_at: Option<DateTime<Utc>>,
}

fn out(row: store::AccountRow) -> AccountOut {
    AccountOut {
        id: row.user.id,
        email: row.user.email,
        name: row.user.name,
        is_admin: row.user.is_admin,
        disabled: row.user.disabled,
        created_at: row.user.created_at,
        last_seen_at: row.last_seen_at,
    }
}

/// Accounts whose name or e-mail contains `q`, by name.
pub async fn users(
    state: &AppState,
    caller: &Caller,
    q: &str,
    page: &PageRequest,
) -> AppResult<Listing<AccountOut>> {
    caller.require_admin()?;
    let after = page.after.as_ref().map(Cursor::text_and_id).transpose()?;
    let rows = store::search_users(state.store.read(), q, after, page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, |r| {
        Cursor::new(vec![r.user.name.clone(), r.user.id.clone()])
    });
    Ok(Listing {
        items: rows.into_iter().map(out).collect(),
        next_cursor,
    })
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    /// A disabled account's sessions end at once; its sign-in answers 403 `account_disabled`.
    pub disabled: Option<bool>,
    pub is_admin: Option<bool>,
}

/// Refuses anyone but an instance admin as one who may not know the account
/// exists (404): accounts are only admins' to look up.
pub fn require_admin_for_account(caller: &Caller) -> AppResult<()> {
    caller
        .require_admin()
        .map_err(|_| AppError::NotFound("account"))
}

/// Changes an account's flags; the last active admin stays one (409).
pub async fn patch_user(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AccountPatch,
) -> AppResult<AccountOut> {
    require_admin_for_account(caller)?;
    let tx = state.store.write().await?;
    store::serialise_admin_changes(&tx).await?;
    let user = store::user_by_id(&tx, id)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    let disabled = input.disabled.unwrap_or(user.disabled);
    let is_admin = input.is_admin.unwrap_or(user.is_admin);
    let was_active_admin = user.is_admin && !user.disabled;
    let stays_active_admin = is_admin && !disabled;
    if was_active_admin && !stays_active_admin && store::count_active_admins(&tx).await? <= 1 {
        return Err(AppError::conflict(
            "last_admin",
            "this is the last active admin; make another account an admin first",
        ));
    }
    store::set_flags(&tx, id, disabled, is_admin).await?;
    if disabled {
        // Every server reads sessions through a cache moved on by this write.
        store::delete_sessions_of(&tx, id, None).await?;
        store::retire_account_tokens(&tx, id).await?;
    }
    let changes = [
        (disabled && !user.disabled, AuditAction::AccountDisabled),
        (!disabled && user.disabled, AuditAction::AccountEnabled),
        (is_admin && !user.is_admin, AuditAction::AdminGranted),
        (!is_admin && user.is_admin, AuditAction::AdminRevoked),
    ];
    for (_, action) in changes.iter().filter(|(happened, _)| *happened) {
        audit::record(&tx, state, caller.id(), *action, Object::Account(id)).await?;
    }
    tx.commit().await?;
    let last_seen_at = store::last_seen_of(state.store.read(), id).await?;
    Ok(AccountOut {
        id: user.id,
        email: user.email,
        name: user.name,
        is_admin,
        disabled,
        created_at: user.created_at,
        last_seen_at,
    })
}
