//! `GET /metrics` (SPEC §6) and what feeds it: every answered request counted
//! under its route's template, never its path (which may hold an id or a token);
//! the request's log span named the same way.
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

fn route_of(req: &Request) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into())
}

/// Counts the request and how long its answer took.
pub async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // A closed set: any other method a client makes up counts as `other`.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_string(),
        _ => "other".to_string(),
    };
    let route = route_of(&req);
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    state.metrics.request(
        &method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

/// A request's log span: its method and route template, never its path or query.
pub fn span(req: &Request) -> tracing::Span {
    tracing::info_span!("request", method = %req.method(), route = %route_of(req))
}

/// The metrics in Prometheus' text format; with `TANDEM_METRICS_TOKEN` set, only
/// for `Authorization: Bearer <that token>`.
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = state.config.metrics_token.as_deref() {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "the metrics need Authorization: Bearer <TANDEM_METRICS_TOKEN>\n",
            )
                .into_response();
        }
    }
    let (size, idle) = state.store.pool_use();
    // Prometheus asks for OpenMetrics when it can read it; anyone else gets the
    // classic text format.
    let openmetrics = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/openmetrics-text"));
    let kind = if openmetrics {
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    } else {
        "text/plain; version=0.0.4; charset=utf-8"
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-store"),
        ],
        state.metrics.render(size, idle, openmetrics),
    )
        .into_response()
}
