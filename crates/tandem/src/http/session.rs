//! Who is calling: the session cookie or a Bearer token, the CSRF cookie that
//! guards cookie-authenticated changes, the client's address, and whether a
//! request comes from this site.
use crate::config::Config;
use crate::error::AppError;
use crate::secrets::same_secret;
use crate::service::accounts::{self, Caller};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "tandem_session";
pub const CSRF_COOKIE: &str = "tandem_csrf";
/// Where API clients that authenticate with the session cookie send the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A `Set-Cookie` value: HttpOnly, on the whole site, `Secure` behind https.
pub fn cookie_header(
    config: &Config,
    name: &str,
    value: &str,
    same_site: &str,
    max_age: Option<u64>,
) -> HeaderValue {
    let secure = if config.secure_cookies() {
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

/// The session cookie set at sign-in (HttpOnly, SameSite=Lax); `max_age_days` 0 clears it.
pub fn session_cookie(config: &Config, token: &str, max_age_days: u32) -> HeaderValue {
    cookie_header(
        config,
        SESSION_COOKIE,
        token,
        "Lax",
        Some(max_age_days as u64 * 86400),
    )
}

/// The CSRF cookie: the token every cookie-authenticated change must repeat.
pub fn csrf_cookie(config: &Config, token: &str) -> HeaderValue {
    cookie_header(config, CSRF_COOKIE, token, "Strict", None)
}

/// A cookie's value from a request's `Cookie` headers.
pub fn header_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// How a request says who it is.
pub enum Credential {
    /// `Authorization: Bearer …`: a program, unaffected by CSRF.
    Bearer(String),
    /// The session cookie: a browser, which must prove the request is its own.
    Cookie(String),
}

impl Credential {
    pub fn token(&self) -> &str {
        match self {
            Credential::Bearer(t) | Credential::Cookie(t) => t,
        }
    }
}

/// The token from `Authorization: Bearer …`, else from the session cookie.
pub fn credential(headers: &HeaderMap) -> Option<Credential> {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(token) = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
        {
            return Some(Credential::Bearer(token.trim().to_string()));
        }
    }
    header_cookie(headers, SESSION_COOKIE).map(Credential::Cookie)
}

/// `scheme://host[:port]` of a URL, lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_lowercase(), host.to_lowercase()))
}

/// Whether the request comes from this site: no `Origin` (not a browser, or a
/// same-origin navigation), or an `Origin` equal to the configured base URL's or
/// to the host the request was sent to; and no `Sec-Fetch-Site: cross-site`.
pub fn from_this_site(headers: &HeaderMap, config: &Config) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(origin) = origin.to_str().ok().and_then(origin_of) else {
        return false;
    };
    if origin_of(&config.base_url).as_deref() == Some(origin.as_str()) {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| h.to_lowercase());
    match (host, origin.split_once("://")) {
        (Some(host), Some((_, origin_host))) => host == origin_host,
        _ => false,
    }
}

/// Whether a cookie-authenticated change proves it is the browser's own: the CSRF
/// header repeats the CSRF cookie, and the request comes from this site.
pub fn csrf_holds(headers: &HeaderMap, config: &Config) -> bool {
    let cookie = header_cookie(headers, CSRF_COOKIE).unwrap_or_default();
    let sent = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    !cookie.is_empty() && same_secret(&cookie, sent) && from_this_site(headers, config)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The API's caller: 401 without a live session; a change made with the session
/// cookie must also pass the CSRF check (403).
impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let credential = credential(&parts.headers).ok_or(AppError::Unauthorized)?;
        let caller = accounts::caller_for_token(state, credential.token())
            .await?
            .ok_or(AppError::Unauthorized)?;
        if let Credential::Cookie(_) = credential {
            if !is_safe(&parts.method) && !csrf_holds(&parts.headers, &state.config) {
                return Err(AppError::forbidden(
                    "a change made with the session cookie needs the CSRF token in the X-CSRF-Token header, from this site; programs should use a Bearer token",
                ));
            }
        }
        Ok(caller)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_this_sites_origin_counts_as_this_site() {
        let config = Config::for_database("sqlite://x.db");
        assert!(from_this_site(&headers(&[]), &config));
        assert!(from_this_site(
            &headers(&[("origin", "http://127.0.0.1:8080")]),
            &config
        ));
        assert!(from_this_site(
            &headers(&[
                ("origin", "http://localhost:3000"),
                ("host", "localhost:3000")
            ]),
            &config
        ));
        assert!(!from_this_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:8080")
            ]),
            &config
        ));
        assert!(!from_this_site(&headers(&[("origin", "null")]), &config));
        assert!(!from_this_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &config
        ));
    }

    #[test]
    fn the_csrf_header_must_repeat_the_cookie() {
        let config = Config::for_database("sqlite://x.db");
        let ok = headers(&[("cookie", "tandem_csrf=abc"), ("x-csrf-token", "abc")]);
        assert!(csrf_holds(&ok, &config));
        let wrong = headers(&[("cookie", "tandem_csrf=abc"), ("x-csrf-token", "abd")]);
        assert!(!csrf_holds(&wrong, &config));
        let none = headers(&[("x-csrf-token", "")]);
        assert!(!csrf_holds(&none, &config));
    }
}
