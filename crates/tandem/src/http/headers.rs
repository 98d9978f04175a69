//! Headers on every response: no sniffing, no referrer to other sites, and no
//! caching of anything but the stylesheet (which says so itself); and requests
//! no database can take (a NUL character in the path or the query) refused at the door.
use crate::error::AppError;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// Pages need no inline script or style, nor plugins, and are never framed.
pub const PAGES_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The API's browsable documentation: its scripts are files of its own, but it
/// styles elements as it draws them.
pub const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

fn holds_nul(raw: &str) -> bool {
    percent_encoding::percent_decode_str(raw).any(|b| b == 0)
}

/// A NUL character in the path names nothing (404); in the query it is no value
/// (422 for the API, 400 for pages). Both databases then see the same input.
pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path.starts_with("/api/");
    if holds_nul(path) {
        return if api {
            AppError::NotFound("API path").into_response()
        } else {
            (StatusCode::NOT_FOUND, "Not found").into_response()
        };
    }
    if req.uri().query().is_some_and(holds_nul) {
        return if api {
            AppError::unprocessable("invalid_query", "the query string holds a NUL character")
                .into_response()
        } else {
            (
                StatusCode::BAD_REQUEST,
                "The address holds a NUL character.",
            )
                .into_response()
        };
    }
    next.run(req).await
}

pub fn with_security_headers(router: Router) -> Router {
    router
        .layer(axum::middleware::from_fn(refuse_nul))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}
