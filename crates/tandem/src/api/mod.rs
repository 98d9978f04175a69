//! The JSON API of SPEC §5, its OpenAPI document and the health probes.
pub mod accounts;
pub mod admin;
mod doc;
pub mod input;
pub mod matching;
pub mod mentorships;
pub mod passwords;
pub mod programs;
pub mod reports;
pub mod workspace;

use crate::error::AppError;
use crate::http::error::ErrorBody;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use doc::BearerAuth;
pub use input::{optional_json, parse_json, ApiJson, ApiQuery, CsvBody, IfMatch};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Tandem API", description = "Mentorship programs from sign-up to a signed agreement. Authenticate with `Authorization: Bearer <token>` from `POST /api/v1/auth/login`; browsers using the session cookie send the CSRF token in `X-CSRF-Token` with every change."),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// The API's routes and the OpenAPI document generated from them.
fn routes_and_doc() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::routes())
        .merge(passwords::routes())
        .merge(admin::routes())
        .merge(programs::routes())
        .merge(mentorships::routes())
        .merge(matching::routes())
        .merge(workspace::routes())
        .merge(reports::routes())
        .split_for_parts();
    // Runs on the merged paths; `#[openapi(modifiers)]` would see none yet.
    doc::CommonResponses.modify(&mut doc);
    doc::Constraints.modify(&mut doc);
    (api, doc)
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = routes_and_doc();
    let doc_json = doc.clone();
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || async move { axum::Json(doc_json.clone()) }),
        )
        .merge(
            Router::new()
                .merge(SwaggerUi::new("/api/docs").url("/api/docs/openapi.json", doc))
                .layer(SetResponseHeaderLayer::overriding(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(crate::http::headers::DOCS_CSP),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                )),
        )
        .route("/calendar/{file}", get(workspace::feed))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { AppError::NotFound("API path") }),
        )
        .with_state(state)
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes_and_doc().1
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.store.ping().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// `201 Created` with a JSON body.
/// A text file to save (a calendar, a CSV, an SVG), of this type, named `name`
/// with anything but letters, digits and `-_.` left out.
pub fn file_response(body: String, kind: &str, name: &str) -> impl IntoResponse {
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .collect();
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        body,
    )
}

pub fn created<T: serde::Serialize>(body: T) -> (StatusCode, axum::Json<T>) {
    (StatusCode::CREATED, axum::Json(body))
}
