//! Passwords and sessions (SPEC §6): a forgotten password by e-mail, a password
//! change, an invitation's first password, and one's own sessions.
use crate::domain::values::{Email, Password};
use crate::email::kinds::{self, compose, PasswordReset};
use crate::email::{Email as Message, Recipient};
use crate::error::{AppError, AppResult};
use crate::secrets::{hash_token, random_token};
use crate::service::accounts::{hash_password, seen_here, verify_password, Caller, Throttle};
use crate::service::notify::{self, link};
use crate::service::outbox;
use crate::state::AppState;
use crate::store::accounts::{self as store, TokenPurpose};
use crate::store::db::Connection;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long a reset link works.
pub const RESET_VALID: Duration = Duration::hours(1);
/// How long an invitation's link works.
pub const INVITATION_DAYS: i64 = 14;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetIn {
    /// As typed; the answer is the same whether or not it is an account's.
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetConfirmIn {
    /// From the link in the e-mail.
    pub token: String,
    /// 10 to 1024 characters.
    #[schema(format = Password, min_length = 10, max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordChangeIn {
    #[schema(format = Password)]
    pub current_password: String,
    /// 10 to 1024 characters.
    #[schema(format = Password, min_length = 10, max_length = 1024)]
    pub new_password: String,
}

/// The link of a single-use token.
fn token_link(state: &AppState, token: &str) -> String {
    link(state, &format!("/reset-password?token={token}"))
}

/// Sends a reset link to the account with this address, if there is one that
/// may sign in; answers alike either way, and delivers beside the answer so its
/// timing says nothing either.
pub async fn request_reset(state: &AppState, input: &ResetIn) -> AppResult<()> {
    if input.email.chars().any(char::is_control) {
        return Err(AppError::field(
            "email",
            "an e-mail address holds no control characters",
        ));
    }
    let Ok(email) = Email::parse(&input.email) else {
        return Ok(());
    };
    Throttle::for_reset_of(state, email.as_str()).take().await?;
    let now = state.clock.now();
    // Whether or not the address is an account's, one write transaction that
    // clears expired links: the answer takes as long either way.
    let tx = state.store.write().await?;
    store::forget_expired_account_tokens(&tx, now).await?;
    let user = store::user_by_email(&tx, email.as_str())
        .await?
        .filter(|u| !u.disabled);
    let Some(user) = user else {
        tx.commit().await?;
        return Ok(());
    };
    let token = random_token();
    store::insert_account_token(
        &tx,
        &user.id,
        TokenPurpose::Reset,
        hash_token(&token),
        now,
        now + RESET_VALID,
    )
    .await?;
    let to = notify::recipient(&tx, &user.id)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    let message = compose(
        &PasswordReset {
            to: &to.name,
            link: &token_link(state, &token),
        },
        &to,
        &state.config.base_url,
        None,
    )?;
    outbox::queue(&tx, vec![message], now).await?;
    tx.commit().await?;
    // Delivered by the background worker, so the answer takes as long either way.
    state.deliver_soon.notify_one();
    Ok(())
}

fn bad_token() -> AppError {
    AppError::unprocessable(
        "invalid_token",
        "this link has been used, has expired or is not one of ours; ask for a new one",
    )
}

/// Sets the password of the account a reset or invitation link belongs to, once;
/// every session of the account ends.
pub async fn confirm_reset(state: &AppState, input: &ResetConfirmIn) -> AppResult<()> {
    let password = Password::parse(&input.password).map_err(|e| AppError::field("password", e))?;
    let token_hash = hash_token(input.token.trim());
    // A made-up token never gets as far as the password hashers.
    if input.token.trim().is_empty()
        || input.token.len() > 200
        || !store::account_token_usable(state.store.read(), &token_hash, state.clock.now()).await?
    {
        return Err(bad_token());
    }
    let hash = hash_password(state, password.expose()).await?;
    let tx = state.store.write().await?;
    let user_id = store::use_account_token(&tx, &token_hash, state.clock.now())
        .await?
        .ok_or_else(bad_token)?;
    store::set_password_hash(&tx, &user_id, &hash).await?;
    store::delete_sessions_of(&tx, &user_id, None).await?;
    store::retire_account_tokens(&tx, &user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the caller's password; their other sessions end.
pub async fn change(state: &AppState, caller: &Caller, input: &PasswordChangeIn) -> AppResult<()> {
    let new =
        Password::parse(&input.new_password).map_err(|e| AppError::field("new_password", e))?;
    let throttle = Throttle::for_password_of(state, &caller.user().email);
    let taken = throttle.take().await?;
    let stored = Some(caller.user().password_hash.as_str()).filter(|h| !h.is_empty());
    if !verify_password(state, &input.current_password, stored).await? {
        return Err(AppError::field(
            "current_password",
            "that is not your current password",
        ));
    }
    throttle.give_back(&taken).await?;
    let hash = hash_password(state, new.expose()).await?;
    let tx = state.store.write().await?;
    store::set_password_hash(&tx, caller.id(), &hash).await?;
    store::delete_sessions_of(&tx, caller.id(), Some(&caller.token_hash)).await?;
    store::retire_account_tokens(&tx, caller.id()).await?;
    tx.commit().await?;
    Ok(())
}

/// Invitations for accounts an import made (none of which has a link yet): each
/// one's single-use link kept in `db`'s transaction, and the e-mails to queue there.
pub async fn invitations(
    db: &impl Connection,
    state: &AppState,
    to: &[Recipient],
    inviter: &str,
    program: &str,
) -> AppResult<Vec<Message>> {
    let now = state.clock.now();
    let mut hashes = Vec::with_capacity(to.len());
    let mut messages = Vec::with_capacity(to.len());
    for person in to {
        let token = random_token();
        hashes.push((
            person.user_id.clone().unwrap_or_default(),
            hash_token(&token),
        ));
        messages.push(compose(
            &kinds::Invitation {
                to: &person.name,
                inviter,
                program,
                days: INVITATION_DAYS,
                link: &token_link(state, &token),
            },
            person,
            &state.config.base_url,
            None,
        )?);
    }
    store::insert_new_account_tokens(
        db,
        hashes,
        TokenPurpose::Invite,
        now,
        now + Duration::days(INVITATION_DAYS),
    )
    .await?;
    Ok(messages)
}

/// One of the caller's sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the minute); null when not since it began.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The browser or program it was opened with, as it said.
    pub user_agent: String,
    /// Whether this is the session of this request.
    pub current: bool,
}

/// The caller's live sessions, newest first.
pub async fn sessions(state: &AppState, caller: &Caller) -> AppResult<Vec<SessionOut>> {
    let rows = store::sessions_of(state.store.read(), caller.id(), state.clock.now()).await?;
    let noted = seen_here(state, caller.id());
    Ok(rows
        .into_iter()
        .map(|r| {
            let here = noted.get(&r.session.id).copied();
            SessionOut {
                current: r.session.token_hash == caller.token_hash,
                last_seen_at: here.max(r.last_seen_at),
                id: r.session.id,
                created_at: r.session.created_at,
                user_agent: r.session.user_agent,
            }
        })
        .collect())
}

/// Ends one of the caller's sessions (another person's: 404).
pub async fn revoke(state: &AppState, caller: &Caller, session_id: &str) -> AppResult<()> {
    let tx = state.store.write().await?;
    if !store::delete_session_of(&tx, caller.id(), session_id).await? {
        return Err(AppError::NotFound("session"));
    }
    tx.commit().await?;
    Ok(())
}
