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
