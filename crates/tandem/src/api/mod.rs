//! The JSON API of SPEC §5, its OpenAPI document and the health probes.
pub mod accounts;
pub mod matching;
pub mod mentorships;
pub mod programs;

use crate::error::AppError;
use crate::http::error::ErrorBody;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;
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

/// Whether the request says its body is JSON: `application/json`, parameters allowed.
fn says_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn not_json() -> AppError {
    AppError::BadRequest("send a JSON body with Content-Type: application/json".into())
}

/// A JSON body: 400 unless it is exactly one JSON object sent as `application/json`;
/// 422 naming the field when a value has the wrong shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !says_json(req.headers()) {
            return Err(not_json());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(format!("cannot read the request body: {e}")))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// An optional JSON body (lifecycle actions): nothing, whitespace or `null` mean none.
pub fn optional_json<T: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, AppError> {
    let trimmed = body.trim_ascii();
    if trimmed.is_empty() || trimmed == b"null" {
        return Ok(T::default());
    }
    if !says_json(headers) {
        return Err(not_json());
    }
    parse_json(body)
}

/// Exactly one JSON object, then the typed value: 400 for what is not JSON (or not
/// an object, or followed by more bytes), 422 naming the field for a wrong value.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("the body is not one valid JSON value: {e}")))?;
    if !value.is_object() {
        return Err(AppError::BadRequest(
            "the body must be a JSON object".into(),
        ));
    }
    if let Some(field) = holding_nul(&value, "") {
        return Err(AppError::field(
            &field,
            "contains a NUL character, which no text may hold",
        ));
    }
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => Ok(v),
        Err(err) => {
            let path = err.path().to_string();
            let message = err.into_inner().to_string();
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|m| m.split('`').next());
            // An unknown name is a problem of the object that holds it.
            let unknown = message
                .strip_prefix("unknown field `")
                .and_then(|m| m.split('`').next());
            let path = match unknown {
                Some(name) => path
                    .strip_suffix(name)
                    .map(|p| p.trim_end_matches('.').to_string())
                    .filter(|p| !p.is_empty())
                    .unwrap_or(path),
                None => path,
            };
            let field = match (path.as_str(), missing) {
                (".", Some(name)) => name.to_string(),
                (".", None) => "body".to_string(),
                (p, Some(name)) => format!("{p}.{name}"),
                _ => path,
            };
            Err(AppError::field(&field, message))
        }
    }
}

/// The first place in a JSON value (a key or a string) that holds a NUL character,
/// named as a field path (`intro`, `weights.skills`, `agenda[0]`).
fn holding_nul(value: &serde_json::Value, at: &str) -> Option<String> {
    let here = || {
        if at.is_empty() {
            "body".to_string()
        } else {
            at.to_string()
        }
    };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => Some(here()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(k, v)| holding_nul(v, &format!("{at}[{k}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if k.contains('\0') {
                Some(here())
            } else {
                holding_nul(v, &path)
            }
        }),
        _ => None,
    }
}

/// Query parameters, refused in the SPEC's error shape when malformed.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(ApiQuery)
            .map_err(|e| {
                AppError::unprocessable(
                    "invalid_query",
                    format!("the query string is not valid: {e}"),
                )
            })
    }
}

/// `201 Created` with a JSON body.
pub fn created<T: serde::Serialize>(body: T) -> (StatusCode, axum::Json<T>) {
    (StatusCode::CREATED, axum::Json(body))
}
