//! An error as HTTP says it: a status, and the SPEC's error shape.
use crate::error::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Validation(_) | AppError::Unprocessable { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Unauthorized | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) | AppError::Refused { .. } => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::EditConflict { .. } => StatusCode::PRECONDITION_FAILED,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `{"error": {"code", "message", "fields"?}}`, and with `edit_conflict` (412) the
/// object as it is now in `current`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
    /// With `edit_conflict`: the object as it is now, with its `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// What went wrong, for programs: `validation_failed`, `not_found`, `invalid_transition`…
    pub code: String,
    /// What went wrong and what to do, for people.
    pub message: String,
    /// Field → problem: for validation errors, and for a 409 whose value is taken
    /// (an e-mail in use names `email`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

pub fn body_of(err: &AppError) -> ErrorBody {
    ErrorBody {
        error: ErrorDetail {
            code: err.code().to_string(),
            message: err.public_message(),
            fields: err.fields(),
        },
        current: match err {
            AppError::EditConflict { current, .. } => Some(current.clone()),
            _ => None,
        },
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Other(err) = &self {
            tracing::error!(error = %format!("{err:#}"), "unexpected failure");
        }
        let mut response = (status_of(&self), Json(body_of(&self))).into_response();
        if let AppError::TooManyRequests { retry_after } | AppError::Unavailable { retry_after } =
            self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

/// 405 in the SPEC's error shape.
pub fn method_not_allowed() -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: "method_not_allowed".into(),
            message: "this path does not take that method".into(),
            fields: None,
        },
        current: None,
    };
    (StatusCode::METHOD_NOT_ALLOWED, Json(body)).into_response()
}
