//! Passwords, session tokens, the signed-in caller, and sign-in throttling.
use crate::error::{AppError, AppResult};
use crate::store::entities::{login_failure, session, user};
use crate::store::new_id;
use crate::AppState;
use anyhow::Context;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use chrono::Duration;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "tandem_session";

fn argon2(state: &AppState) -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(
        state.config.argon2_memory_kib,
        state.config.argon2_iterations,
        1,
        None,
    )
    .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with Argon2id, off the async runtime.
pub async fn hash_password(state: &AppState, password: &str) -> anyhow::Result<String> {
    let hasher = argon2(state)?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await
    .context("password hashing task")?
}

/// Checks a password against a stored hash, off the async runtime. With no
/// hash (unknown account) it still spends the same work, so timing tells nothing.
pub async fn verify_password(
    state: &AppState,
    password: &str,
    stored: Option<String>,
) -> anyhow::Result<bool> {
    let hasher = argon2(state)?;
    let password = password.to_string();
    let decoy = state.decoy_hash.clone();
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match stored {
            Some(h) => (h, true),
            None => (decoy, false),
        };
        let parsed = PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let ok = hasher.verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && real)
    })
    .await
    .context("password check task")?
}

pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Opens a session; returns the token, which is stored only as a hash.
pub async fn open_session(state: &AppState, user_id: &str) -> AppResult<String> {
    let token = random_token();
    let now = state.clock.now();
    let tx = state.store.write().await?;
    session::ActiveModel {
        id: Set(new_id()),
        token_hash: Set(hash_token(&token)),
        user_id: Set(user_id.to_string()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(state.config.session_days as i64)),
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn close_session(state: &AppState, token: &str) -> AppResult<()> {
    let tx = state.store.write().await?;
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The signed-in person making the request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: user::Model,
    pub token: String,
}

impl Caller {
    pub fn id(&self) -> &str {
        &self.user.id
    }
}

/// The token from `Authorization: Bearer …`, else from the session cookie.
pub fn token_from(parts: &Parts) -> Option<String> {
    if let Some(value) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(token) = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
        {
            return Some(token.trim().to_string());
        }
    }
    cookie_value(parts, SESSION_COOKIE)
}

pub fn cookie_value(parts: &Parts, name: &str) -> Option<String> {
    header_cookie(&parts.headers, name)
}

/// A cookie's value from a request's `Cookie` headers.
pub fn header_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub async fn caller_for_token(state: &AppState, token: &str) -> AppResult<Option<Caller>> {
    let Some(found) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash_token(token)))
        .one(&state.store.db)
        .await?
    else {
        return Ok(None);
    };
    if found.expires_at <= state.clock.now() {
        return Ok(None);
    }
    let user = user::Entity::find_by_id(found.user_id)
        .one(&state.store.db)
        .await?;
    Ok(user.map(|user| Caller {
        user,
        token: token.to_string(),
    }))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = token_from(parts).ok_or(AppError::Unauthorized)?;
        caller_for_token(state, &token)
            .await?
            .ok_or(AppError::Unauthorized)
    }
}

/// The caller when signed in; pages use it to choose between public and personal views.
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match token_from(parts) {
            Some(token) => Ok(MaybeCaller(caller_for_token(state, &token).await?)),
            None => Ok(MaybeCaller(None)),
        }
    }
}

/// The client's address as the listener saw it.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ci| ci.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientIp(ip))
    }
}

/// Sign-in throttling: failed attempts per IP and per account within a window.
pub struct Throttle<'a> {
    state: &'a AppState,
    keys: [(String, u32); 2],
}

impl<'a> Throttle<'a> {
    pub fn new(state: &'a AppState, ip: &str, email: &str) -> Self {
        Throttle {
            state,
            keys: [
                (format!("ip:{ip}"), state.config.login_max_failures_per_ip),
                (
                    format!("account:{}", email.trim().to_lowercase()),
                    state.config.login_max_failures_per_account,
                ),
            ],
        }
    }

    /// Refuses with 429 and the seconds to wait when a limit is reached.
    pub async fn check(&self) -> AppResult<()> {
        let window = Duration::seconds(self.state.config.login_window_seconds as i64);
        let now = self.state.clock.now();
        let since = now - window;
        let mut wait = 0i64;
        for (key, limit) in &self.keys {
            let failures = login_failure::Entity::find()
                .filter(login_failure::Column::ThrottleKey.eq(key.as_str()))
                .filter(login_failure::Column::FailedAt.gt(since));
            let count = failures.clone().count(&self.state.store.db).await?;
            if count >= *limit as u64 {
                // The window frees up when the oldest failure that still counts leaves it.
                let skip = count - *limit as u64;
                let oldest = failures
                    .order_by_asc(login_failure::Column::FailedAt)
                    .offset(skip)
                    .one(&self.state.store.db)
                    .await?;
                if let Some(oldest) = oldest {
                    wait = wait.max((oldest.failed_at + window - now).num_seconds() + 1);
                }
            }
        }
        if wait > 0 {
            return Err(AppError::TooManyRequests {
                retry_after: wait as u64,
            });
        }
        Ok(())
    }

    pub async fn record_failure(&self) -> AppResult<()> {
        let now = self.state.clock.now();
        let window = Duration::seconds(self.state.config.login_window_seconds as i64);
        let tx = self.state.store.write().await?;
        for (key, _) in &self.keys {
            login_failure::ActiveModel {
                throttle_key: Set(key.clone()),
                failed_at: Set(now),
                ..Default::default()
            }
            .insert(&*tx)
            .await?;
        }
        // Old failures no longer count; forget them.
        login_failure::Entity::delete_many()
            .filter(login_failure::Column::FailedAt.lt(now - window.max(Duration::days(1))))
            .exec(&*tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
