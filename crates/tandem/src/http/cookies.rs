//! The cookies Tandem sets and reads, through the `cookie` crate (as `axum-extra`
//! re-exports it): all HttpOnly, on the whole site, and `Secure` behind https.
use crate::config::Config;
use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// The session: the token of a signed-in browser.
pub const SESSION_COOKIE: &str = "tandem_session";
/// Before signing in, the token the sign-in and sign-up forms repeat.
pub const CSRF_COOKIE: &str = "tandem_csrf";
/// A one-time message for the next page.
pub const FLASH_COOKIE: &str = "tandem_flash";

/// A cookie's value from a request's `Cookie` headers (an empty value is none).
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value; `max_age_seconds` 0 removes the cookie, None keeps it for
/// the browser's session.
pub fn set(
    config: &Config,
    name: &'static str,
    value: &str,
    same_site: SameSite,
    max_age_seconds: Option<i64>,
) -> HeaderValue {
    let mut cookie = Cookie::build((name, value.to_string()))
        .path("/")
        .http_only(true)
        .same_site(same_site)
        .secure(config.secure_cookies());
    if let Some(seconds) = max_age_seconds {
        cookie = cookie.max_age(cookie::time::Duration::seconds(seconds));
    }
    HeaderValue::from_str(&cookie.build().to_string())
        .expect("cookie values are URL-safe tokens or URL-encoded text")
}

/// The session cookie set at sign-in (SameSite=Lax); `max_age_days` 0 clears it.
pub fn session(config: &Config, token: &str, max_age_days: u32) -> HeaderValue {
    set(
        config,
        SESSION_COOKIE,
        token,
        SameSite::Lax,
        Some(i64::from(max_age_days) * 86_400),
    )
}

/// The CSRF cookie of a browser that has not signed in.
pub fn csrf(config: &Config, token: &str) -> HeaderValue {
    set(config, CSRF_COOKIE, token, SameSite::Strict, None)
}

/// A one-time message, kept two minutes; an empty `value` removes it.
pub fn flash(config: &Config, value: &str) -> HeaderValue {
    let age = if value.is_empty() { 0 } else { 120 };
    set(config, FLASH_COOKIE, value, SameSite::Lax, Some(age))
}
