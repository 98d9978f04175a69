//! The one CSRF check, for page forms and for API changes made with the session
//! cookie alike. With a session, the token is an HMAC of the session's secret:
//! only what was given to that session (a page's forms, the sign-in answer)
//! carries it, so a cookie planted by someone else (a sibling subdomain, say)
//! proves nothing. Before signing in, it is the random token of the CSRF cookie,
//! repeated in the sign-in or sign-up form. Either way the request must also come
//! from this site.
use super::cookies::{self, CSRF_COOKIE, SESSION_COOKIE};
use crate::config::Config;
use axum::http::{header, HeaderMap};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Where API clients that authenticate with the session cookie send the token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The CSRF token bound to a session.
pub fn for_session(session_token: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(session_token.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"tandem csrf token, version 1");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// The token this request's changes must repeat: its session's, or before signing
/// in the CSRF cookie's; None when it has neither.
pub fn expected(headers: &HeaderMap) -> Option<String> {
    match cookies::read(headers, SESSION_COOKIE) {
        Some(session) => Some(for_session(&session)),
        None => cookies::read(headers, CSRF_COOKIE),
    }
}

/// Whether a change proves it is the browser's own: `sent` equals the expected
/// token (compared in constant time) and the request comes from this site.
pub fn holds(headers: &HeaderMap, sent: &str, config: &Config) -> bool {
    let Some(expected) = expected(headers) else {
        return false;
    };
    let same = bool::from(expected.as_bytes().ct_eq(sent.as_bytes()));
    same && from_this_site(headers, config)
}

/// The token an API change made with the session cookie sent in its header.
pub fn sent_in_header(headers: &HeaderMap) -> &str {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

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
    fn before_signing_in_the_token_repeats_the_cookie() {
        let config = Config::for_database("sqlite://x.db");
        let h = headers(&[("cookie", "tandem_csrf=abc")]);
        assert!(holds(&h, "abc", &config));
        assert!(!holds(&h, "abd", &config));
        assert!(!holds(&headers(&[]), "", &config));
    }

    #[test]
    fn with_a_session_only_its_own_token_holds() {
        let config = Config::for_database("sqlite://x.db");
        let mine = for_session("my-session");
        assert_ne!(mine, for_session("another-session"));
        let h = headers(&[("cookie", "tandem_session=my-session; tandem_csrf=planted")]);
        assert!(holds(&h, &mine, &config));
        assert!(
            !holds(&h, "planted", &config),
            "a planted CSRF cookie proves nothing once there is a session"
        );
        assert!(!holds(&h, &for_session("another-session"), &config));
    }
}
