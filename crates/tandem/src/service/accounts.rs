//! Accounts and sessions: registration, sign-in under the throttle, the caller
//! behind a token, sign-out and erasure.
use crate::config::Registration;
use crate::domain::access::{instance_access, InstanceAct, Viewer};
use crate::domain::ids::PersonId;
use crate::domain::values::{line, Email, Password, Problems};
use crate::error::{AppError, AppResult};
use crate::secrets::{hash_token, random_token};
use crate::state::AppState;
use crate::store::constraints::EMAIL_TAKEN;
use crate::store::entities::user;
use crate::store::records::SignedIn;
use crate::store::{accounts as store, mentorships};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// The signed-in person making a request.
#[derive(Debug, Clone)]
pub struct Caller {
    signed_in: Arc<SignedIn>,
    /// The hash of the token the request came with.
    pub token_hash: String,
}

impl Caller {
    pub fn id(&self) -> &str {
        &self.signed_in.user.id
    }
    /// The caller's id, as the id of a person.
    pub fn person(&self) -> PersonId<'_> {
        PersonId(&self.signed_in.user.id)
    }
    pub fn user(&self) -> &user::Model {
        &self.signed_in.user
    }
    pub fn name(&self) -> &str {
        &self.signed_in.user.name
    }
    pub fn is_admin(&self) -> bool {
        self.signed_in.user.is_admin
    }
    /// The caller as the access rules see them.
    pub fn viewer(&self) -> Viewer<'_> {
        Viewer {
            id: self.id(),
            is_admin: self.is_admin(),
        }
    }
    /// Refuses unless the access model lets the caller administer the instance.
    pub fn require_admin(&self) -> AppResult<()> {
        Ok(instance_access(self.viewer(), InstanceAct::Administer)?)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

impl From<&user::Model> for UserOut {
    fn from(u: &user::Model) -> Self {
        UserOut {
            id: u.id.clone(),
            email: u.email.clone(),
            name: u.name.clone(),
            is_admin: u.is_admin,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterIn {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 10 to 1024 characters.
    #[schema(format = Password, min_length = 10, max_length = 1024)]
    pub password: String,
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginIn {
    /// As typed: any text but NUL is looked up, and refused alike when it is no account's.
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginOut {
    /// Send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub user: UserOut,
}

// ------------------------------------------------------------------ passwords

/// Hashes a password with Argon2id on the hashing threads (503 when they stay busy).
pub async fn hash_password(state: &AppState, password: &str) -> AppResult<String> {
    Ok(state.hasher.hash(password).await?)
}

/// Checks a password against a stored hash. With no hash (unknown account) it
/// still spends the same work, so timing tells nothing.
pub async fn verify_password(
    state: &AppState,
    password: &str,
    stored: Option<&str>,
) -> AppResult<bool> {
    let real = stored.is_some();
    let ok = state
        .hasher
        .verify(password, stored.unwrap_or(&state.decoy_hash))
        .await?;
    Ok(ok && real)
}

// ------------------------------------------------------------------ accounts

/// Creates an account; the first one on an empty instance is its admin. Who may
/// sign up is the instance's choice (`--registration`); sign-ups from one address
/// are limited like sign-ins (`--signup-max-per-ip` a window).
pub async fn register(state: &AppState, ip: &str, input: &RegisterIn) -> AppResult<UserOut> {
    let policy = &state.config.registration;
    let admitted = match Email::parse(&input.email) {
        Ok(email) => policy.admits(email.as_str()),
        // The form's own errors say what is wrong with it (422).
        Err(_) => !matches!(policy, Registration::Invite),
    };
    if !admitted && !instance_is_empty(state).await? {
        return Err(registration_closed(policy));
    }
    Throttle::for_sign_up(state, ip).take().await?;
    create(state, input, false, Some(policy)).await
}

fn registration_closed(policy: &Registration) -> AppError {
    AppError::refused(
        "registration_closed",
        policy
            .describe()
            .unwrap_or_else(|| "sign-up is closed".into()),
    )
}

fn email_taken() -> AppError {
    EMAIL_TAKEN.into()
}

/// An account made by an admin's tool (`tandem user create`, the demo);
/// `force_admin` is for `--admin`.
pub async fn create_user(
    state: &AppState,
    input: &RegisterIn,
    force_admin: bool,
) -> AppResult<UserOut> {
    create(state, input, force_admin, None).await
}

/// Creates an account; a sign-up (`policy` given) is held to who may sign up
/// once more under the sign-ups' lock, so two first sign-ups at once on an
/// invite-only instance make one account, not two.
async fn create(
    state: &AppState,
    input: &RegisterIn,
    force_admin: bool,
    policy: Option<&Registration>,
) -> AppResult<UserOut> {
    let mut problems = Problems::default();
    let email = problems.take("email", Email::parse(&input.email));
    let password = problems.take("password", Password::parse(&input.password));
    // A name goes into the To: header of every e-mail to its person.
    let name = problems.take("name", line(&input.name, 120, true));
    problems.finish()?;
    let (Some(email), Some(password), Some(name)) = (email, password, name) else {
        unreachable!("finish() refused every missing value");
    };

    let password_hash = hash_password(state, password.expose()).await?;
    let tx = state.store.write().await?;
    store::serialise_sign_ups(&tx).await?;
    if store::user_by_email(&tx, email.as_str()).await?.is_some() {
        return Err(email_taken());
    }
    let first = store::no_users(&tx).await?;
    if let Some(policy) = policy {
        if !first && !policy.admits(email.as_str()) {
            return Err(registration_closed(policy));
        }
    }
    let new = store::NewUser {
        email: email.into_inner(),
        name,
        password_hash,
        is_admin: first || force_admin,
        calendar_token: random_token(),
        at: state.clock.now(),
    };
    // Two sign-ups of one address at once: the unique e-mail says which field.
    let created = store::insert_user(&tx, new).await?;
    tx.commit().await?;
    Ok(UserOut::from(&created))
}

/// Whether the instance has no account yet (the demo seeds only such an instance).
pub async fn instance_is_empty(state: &AppState) -> AppResult<bool> {
    Ok(store::no_users(state.store.read()).await?)
}

/// Throttling: attempts per key (an IP address, an account) within a window.
/// Taking a slot is counting the attempt, under a lock per key, in one
/// transaction: however many arrive at once, no more than the limit are ever let
/// through within a window. A sign-in that succeeds gives its slots back, so only
/// failures count.
pub(crate) struct Throttle<'a> {
    state: &'a AppState,
    keys: Vec<(String, u32)>,
}

/// A throttle key's text: what it counts, and whose.
fn throttle_key(what: &str, whose: &str) -> String {
    // Hashed: any address or e-mail, however long, makes a key of one length.
    format!("{what}:{}", hash_token(whose))
}

impl<'a> Throttle<'a> {
    fn for_sign_in(state: &'a AppState, ip: &str, email: &str) -> Self {
        Throttle {
            state,
            keys: vec![
                (
                    throttle_key("ip", ip),
                    state.config.login_max_failures_per_ip,
                ),
                (
                    throttle_key("account", &email.trim().to_lowercase()),
                    state.config.login_max_failures_per_account,
                ),
            ],
        }
    }

    /// A password typed to confirm a change counts like a sign-in's, per account.
    pub(crate) fn for_password_of(state: &'a AppState, email: &str) -> Self {
        Throttle {
            state,
            keys: vec![(
                throttle_key("account", &email.trim().to_lowercase()),
                state.config.login_max_failures_per_account,
            )],
        }
    }

    /// Reset links asked for one address: a few a window, so nobody's inbox is flooded.
    pub(crate) fn for_reset_of(state: &'a AppState, email: &str) -> Self {
        Throttle {
            state,
            keys: vec![(throttle_key("reset", &email.trim().to_lowercase()), 5)],
        }
    }

    fn for_sign_up(state: &'a AppState, ip: &str) -> Self {
        Throttle {
            state,
            keys: vec![(throttle_key("signup", ip), state.config.signup_max_per_ip)],
        }
    }

    /// Counts an attempt under every key, or refuses with 429 and the seconds to
    /// wait when a key's limit is reached; returns what to give back.
    pub(crate) async fn take(&self) -> AppResult<Vec<i32>> {
        let window = Duration::seconds(self.state.config.login_window_seconds as i64);
        let now = self.state.clock.now();
        let tx = self.state.store.write().await?;
        let keys: Vec<&str> = self.keys.iter().map(|(k, _)| k.as_str()).collect();
        store::lock_throttle_keys(&tx, &keys).await?;
        let mut wait = 0i64;
        for (key, limit) in &self.keys {
            let (_, oldest) = store::failures_since(&tx, key, now - window, *limit as u64).await?;
            if let Some(oldest) = oldest {
                // The window frees up when the oldest attempt that still counts leaves it.
                wait = wait.max((oldest + window - now).num_seconds() + 1);
            }
        }
        if wait > 0 {
            let kind = self.keys[0].0.split(':').next().unwrap_or("other");
            self.state.metrics.throttled(kind);
            return Err(AppError::TooManyRequests {
                retry_after: wait as u64,
            });
        }
        let mut taken = Vec::with_capacity(self.keys.len());
        for (key, _) in &self.keys {
            taken.push(store::record_failure(&tx, key, now).await?);
        }
        // Old attempts no longer count; forget them.
        store::forget_failures_before(&tx, now - window.max(Duration::days(1))).await?;
        tx.commit().await?;
        Ok(taken)
    }

    /// The attempt did not fail: it no longer counts.
    pub(crate) async fn give_back(&self, taken: &[i32]) -> AppResult<()> {
        let tx = self.state.store.write().await?;
        store::forget_failures(&tx, taken).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Checks credentials under the throttle and opens a session. A disabled
/// account's right password answers 403 `account_disabled` (a wrong one, 401 as
/// for anyone).
pub async fn login(
    state: &AppState,
    ip: &str,
    user_agent: &str,
    input: &LoginIn,
) -> AppResult<LoginOut> {
    let throttle = Throttle::for_sign_in(state, ip, &input.email);
    let taken = throttle.take().await?;
    let found = match Email::parse(&input.email) {
        Ok(email) => store::user_by_email(state.store.read(), email.as_str()).await?,
        Err(_) => None,
    };
    // An invited account has no password yet: nothing signs in with it.
    let stored = found
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .filter(|h| !h.is_empty());
    let checked = verify_password(state, &input.password, stored).await;
    match (checked, found) {
        (Ok(true), Some(user)) if user.disabled => {
            throttle.give_back(&taken).await?;
            Err(disabled())
        }
        (Ok(true), Some(user)) => {
            throttle.give_back(&taken).await?;
            let token = open_session(state, &user.id, user_agent).await?;
            Ok(LoginOut {
                token,
                user: UserOut::from(&user),
            })
        }
        (Ok(_), _) => Err(AppError::BadCredentials),
        // Not a failed guess (the hashers were busy): it does not count.
        (Err(e), _) => {
            throttle.give_back(&taken).await?;
            Err(e)
        }
    }
}

fn disabled() -> AppError {
    AppError::refused(
        "account_disabled",
        "this account is disabled; ask this site's admin if you think it should not be",
    )
}

/// Opens a session; returns the token, which is stored only as a hash.
pub async fn open_session(state: &AppState, user_id: &str, user_agent: &str) -> AppResult<String> {
    let token = random_token();
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let expires_at = now + Duration::days(state.config.session_days as i64);
    store::insert_session(
        &tx,
        PersonId(user_id),
        hash_token(&token),
        now,
        expires_at,
        user_agent,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The signed-in person behind a token, if the session is live. Reads only: no
/// statement at all while nothing was written since the last look.
pub async fn caller_for_token(state: &AppState, token: &str) -> AppResult<Option<Caller>> {
    let token_hash = hash_token(token);
    let found = store::signed_in_cached(&state.store, &token_hash).await?;
    let live = found.filter(|s| s.expires_at > state.clock.now() && !s.user.disabled);
    if let Some(signed_in) = &live {
        note_seen(state, signed_in);
    }
    Ok(live.map(|signed_in| Caller {
        signed_in,
        token_hash,
    }))
}

/// Notes in memory that a session was used now; the jobs write it down every
/// minute ([`write_down_seen`]), so that a read never writes.
fn note_seen(state: &AppState, signed_in: &SignedIn) {
    let mut seen = state.seen.lock().unwrap_or_else(|e| e.into_inner());
    if seen.len() < 1_000_000 {
        seen.insert(
            signed_in.session_id.clone(),
            (signed_in.user.id.clone(), state.clock.now()),
        );
    }
}

/// When this person's sessions were last used, as noted here since the last
/// write-down: session id → when.
pub fn seen_here(
    state: &AppState,
    user_id: &str,
) -> std::collections::HashMap<String, chrono::DateTime<chrono::Utc>> {
    state
        .seen
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|(_, (user, _))| user == user_id)
        .map(|(session, (_, at))| (session.clone(), *at))
        .collect()
}

/// Writes down when sessions and their accounts were last used (the jobs, every
/// minute). A session that ended meanwhile is skipped.
pub async fn write_down_seen(state: &AppState) -> AppResult<usize> {
    let noted = std::mem::take(&mut *state.seen.lock().unwrap_or_else(|e| e.into_inner()));
    if noted.is_empty() {
        return Ok(0);
    }
    let tx = state.store.write().await?;
    let mut written = 0;
    for (session, (user, at)) in &noted {
        written += store::mark_seen(&tx, session, user, *at).await?;
    }
    tx.commit().await?;
    Ok(written)
}

pub async fn logout(state: &AppState, caller: &Caller) -> AppResult<()> {
    let tx = state.store.write().await?;
    store::delete_session(&tx, &caller.token_hash).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EraseIn {
    /// Your current password, to confirm.
    #[schema(format = Password)]
    pub password: String,
}

/// Erases the caller's account (SPEC §5, §7): their relationships end with reason
/// `account_erased` and show them as "Former member"; every text they wrote goes
/// (what others wrote stays); on SQLite nothing of it is left in the file.
pub async fn erase(state: &AppState, caller: &Caller, input: &EraseIn) -> AppResult<()> {
    if !verify_password(state, &input.password, Some(&caller.user().password_hash)).await? {
        return Err(AppError::unprocessable(
            "wrong_password",
            "that is not your password; the account was not erased",
        ));
    }
    let now = state.clock.now();
    let tx = state.store.write().await?;
    mentorships::end_all_involving(&tx, caller.id(), now).await?;
    crate::store::emails::forget_unsent_to(&tx, &caller.user().email).await?;
    crate::store::erasure::remove_texts_of(&tx, caller.id()).await?;
    store::delete_user(&tx, caller.id()).await?;
    tx.commit().await?;
    state.store.scrub().await;
    Ok(())
}

/// Accounts by name, for an instance admin choosing a coordinator.
pub async fn all_accounts(state: &AppState, caller: &Caller) -> AppResult<Vec<UserOut>> {
    caller.require_admin()?;
    let users = store::users_by_name(state.store.read(), 1000).await?;
    Ok(users.iter().map(UserOut::from).collect())
}

/// The account with this e-mail, for an instance admin; a field error when there is none.
pub async fn account_by_email(
    state: &AppState,
    caller: &Caller,
    email: &str,
) -> AppResult<UserOut> {
    caller.require_admin()?;
    let email = Email::parse(email).map_err(|e| AppError::field("email", e))?;
    store::user_by_email(state.store.read(), email.as_str())
        .await?
        .map(|u| UserOut::from(&u))
        .ok_or_else(|| {
            AppError::field(
                "email",
                "no account with this e-mail; ask them to sign up first",
            )
        })
}
