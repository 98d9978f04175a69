//! Who is calling: the session cookie or a Bearer token (a change made with the
//! cookie must pass the CSRF check), and the client's address.
use super::cookies::{self, SESSION_COOKIE};
use super::csrf;
use crate::config::Config;
use crate::error::AppError;
use crate::service::accounts::{self, Caller};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use std::net::SocketAddr;

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
    cookies::read(headers, SESSION_COOKIE).map(Credential::Cookie)
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
            let sent = csrf::sent_in_header(&parts.headers);
            if !is_safe(&parts.method) && !csrf::holds(&parts.headers, sent, &state.config) {
                return Err(AppError::forbidden(
                    "a change made with the session cookie needs the CSRF token in the X-CSRF-Token header, from this site; programs should use a Bearer token",
                ));
            }
        }
        Ok(caller)
    }
}

/// Whether `addr` is one of the trusted reverse proxies.
fn trusted(config: &Config, addr: std::net::IpAddr) -> bool {
    config.trusted_proxies.iter().any(|n| n.contains(&addr))
}

/// An address as `X-Forwarded-For` writes it: bare, or with a port.
fn forwarded_addr(raw: &str) -> Option<std::net::IpAddr> {
    let raw = raw.trim();
    raw.parse()
        .ok()
        .or_else(|| raw.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The client's address: the listener's peer, unless that is a trusted proxy;
/// then the nearest address in `X-Forwarded-For` that is not a trusted proxy
/// (addresses further left are the client's own words, and not believed).
pub fn client_ip(config: &Config, peer: std::net::IpAddr, headers: &HeaderMap) -> std::net::IpAddr {
    if !trusted(config, peer) {
        return peer;
    }
    let chain: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for raw in chain.iter().rev() {
        let Some(addr) = forwarded_addr(raw) else {
            break;
        };
        client = addr;
        if !trusted(config, addr) {
            break;
        }
    }
    client
}

/// Whether a trusted proxy says the client came over https.
pub fn forwarded_https(config: &Config, peer: std::net::IpAddr, headers: &HeaderMap) -> bool {
    trusted(config, peer)
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

/// The listener's peer (or, in tests, the address they set with `MockConnectInfo`).
fn peer_of(extensions: &axum::http::Extensions) -> Option<std::net::IpAddr> {
    use axum::extract::connect_info::MockConnectInfo;
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())
        .or_else(|| {
            extensions
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|m| m.0.ip())
        })
}

/// The client's address (see [`client_ip`]).
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(match peer_of(&parts.extensions) {
            Some(peer) => client_ip(&state.config, peer, &parts.headers).to_string(),
            None => "unknown".into(),
        }))
    }
}

/// The browser or program a request says it comes from (`User-Agent`), cut to
/// 200 characters; shown to its owner in their list of sessions.
pub struct UserAgent(pub String);

impl FromRequestParts<AppState> for UserAgent {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let raw = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Ok(UserAgent(
            raw.chars().filter(|c| !c.is_control()).take(200).collect(),
        ))
    }
}

/// Behind a trusted proxy that speaks https to the client, cookies are `Secure`
/// even when the base URL does not say https.
pub async fn secure_cookies_behind_proxy(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let https = !state.config.secure_cookies()
        && peer_of(req.extensions())
            .is_some_and(|peer| forwarded_https(&state.config, peer, req.headers()));
    let mut res = next.run(req).await;
    if https {
        let cookies: Vec<HeaderValue> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .cloned()
            .collect();
        res.headers_mut().remove(header::SET_COOKIE);
        for c in cookies {
            let value = format!("{}; Secure", c.to_str().unwrap_or_default());
            if let Ok(v) = HeaderValue::from_str(&value) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        }
    }
    res
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
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let mut config = Config::for_database("sqlite://x.db");
        let proxy: std::net::IpAddr = "10.0.0.7".parse().unwrap();
        let xff = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.5")]);
        assert_eq!(
            client_ip(&config, proxy, &xff),
            proxy,
            "no proxy is trusted"
        );
        config.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(&config, proxy, &xff).to_string(),
            "203.0.113.5",
            "the nearest untrusted address; the leftmost is the client's own words"
        );
        let through_two = headers(&[("x-forwarded-for", "203.0.113.5, 10.1.2.3")]);
        assert_eq!(
            client_ip(&config, proxy, &through_two).to_string(),
            "203.0.113.5"
        );
        let outsider: std::net::IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(client_ip(&config, outsider, &xff), outsider, "not a proxy");
        let https = headers(&[("x-forwarded-proto", "https")]);
        assert!(forwarded_https(&config, proxy, &https));
        assert!(!forwarded_https(&config, outsider, &https));
    }
}
