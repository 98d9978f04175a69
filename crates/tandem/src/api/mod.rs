//! The JSON API of SPEC §5, its OpenAPI document and the health probes.
pub mod accounts;
pub mod input;
pub mod matching;
pub mod mentorships;
pub mod programs;

use crate::error::AppError;
use crate::http::error::ErrorBody;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
pub use input::{optional_json, parse_json, ApiJson, ApiQuery};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
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

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Statuses every operation of a kind can answer, declared once: 401 where a
/// session is needed, 403 for a cookie change without its CSRF token, 400 where a
/// body or query can be malformed.
struct CommonResponses;

fn error_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            if let Some(op) = &mut item.get {
                add_common(op, false);
            }
            for op in [
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_common(op, true);
            }
        }
    }
}

fn add_common(op: &mut Operation, changes: bool) {
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_string())
            .or_insert_with(|| error_response(description));
    };
    let has_query = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query);
    if op.request_body.is_some() || has_query {
        add(
            "400",
            "malformed request: not one JSON value of the documented type, not sent as application/json, or an invalid cursor",
        );
    }
    if op.request_body.is_some() {
        add(
            "422",
            "a field of the wrong type, or a value that is not valid (`fields` names each)",
        );
    }
    if has_query {
        add("422", "a query parameter of the wrong type");
    }
    if op.security.is_some() {
        add("401", "sign in first: no valid session or token");
        if changes {
            add(
                "403",
                "not allowed; also a change made with the session cookie without its CSRF token",
            );
        }
    }
}

/// The API's routes and the OpenAPI document generated from them.
fn routes_and_doc() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::routes())
        .merge(programs::routes())
        .merge(mentorships::routes())
        .merge(matching::routes())
        .split_for_parts();
    // Runs on the merged paths; `#[openapi(modifiers)]` would see none yet.
    CommonResponses.modify(&mut doc);
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
pub fn created<T: serde::Serialize>(body: T) -> (StatusCode, axum::Json<T>) {
    (StatusCode::CREATED, axum::Json(body))
}
