//! One error type for every use case. It says what went wrong, never how a face
//! shows it: the API and the pages each render it (see `http::error`).
use crate::domain::access::Denied;
use crate::domain::lifecycle::Refusal;
use crate::domain::paging::BadCursor;
use crate::domain::values::{FieldErrors, Invalid};
use crate::store::constraints::{guard_of, Guard};
use sea_orm::{DbErr, SqlErr};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request itself is malformed (not JSON, a bad cursor…).
    #[error("{0}")]
    BadRequest(String),
    #[error("some fields are not valid")]
    Validation(FieldErrors),
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("sign in first")]
    Unauthorized,
    #[error("the e-mail or password is wrong")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(String),
    /// Refused for a reason a client acts on (403 with its own code):
    /// `registration_closed`, `account_disabled`.
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The state does not allow it (409); `field`, when a unique value is taken,
    /// names the field that holds it.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        field: Option<&'static str>,
    },
    /// A change made on an older version of a shared text (412): nothing was
    /// written, and `current` is the object as it is now.
    #[error("{message}")]
    EditConflict {
        message: String,
        current: serde_json::Value,
    },
    #[error("too many attempts; try again in {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    /// The server is busy with work of this kind; come back after `retry_after` seconds.
    #[error("the server is busy; try again in {retry_after} seconds")]
    Unavailable { retry_after: u64 },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl AppError {
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
            field: None,
        }
    }
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Unprocessable {
            code,
            message: message.into(),
        }
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }
    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Refused {
            code,
            message: message.into(),
        }
    }
    pub fn field(field: &str, problem: impl Into<String>) -> Self {
        AppError::Validation(BTreeMap::from([(field.to_string(), problem.into())]))
    }

    /// The machine-readable code of the SPEC's error shape.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Validation(_) => "validation_failed",
            AppError::Unprocessable { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::Refused { code, .. } => code,
            AppError::EditConflict { .. } => "edit_conflict",
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "invalid_credentials",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable { .. } => "busy",
            AppError::Other(_) => "internal",
        }
    }

    /// Field → problem: every field of a validation error, or the field whose
    /// value is taken.
    pub fn fields(&self) -> Option<FieldErrors> {
        match self {
            AppError::Validation(fields) => Some(fields.clone()),
            AppError::Conflict {
                field: Some(field),
                message,
                ..
            } => Some(BTreeMap::from([(field.to_string(), message.clone())])),
            _ => None,
        }
    }

    /// The text a person sees; never the internals of an unexpected failure.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Other(_) => "something went wrong on our side; please try again".into(),
            other => other.to_string(),
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if let Some(guard) = guard_of(&err) {
            return guard.into();
        }
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            return AppError::conflict("duplicate", "this already exists");
        }
        AppError::Other(anyhow::Error::new(err).context("database"))
    }
}

impl From<Guard> for AppError {
    fn from(guard: Guard) -> Self {
        AppError::Conflict {
            code: guard.code,
            message: guard.message.into(),
            field: guard.field,
        }
    }
}

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        AppError::Validation(invalid.0)
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Hidden(what) => AppError::NotFound(what),
            Denied::Forbidden(message) => AppError::Forbidden(message.into()),
            Denied::Unqualified(code, message) => AppError::unprocessable(code, message),
        }
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Illegal(message) => AppError::conflict("invalid_transition", message),
        }
    }
}

impl From<crate::hashing::HashError> for AppError {
    fn from(e: crate::hashing::HashError) -> Self {
        match e {
            crate::hashing::HashError::Busy { retry_after } => {
                AppError::Unavailable { retry_after }
            }
            crate::hashing::HashError::Failed(e) => AppError::Other(e),
        }
    }
}

impl From<BadCursor> for AppError {
    fn from(bad: BadCursor) -> Self {
        AppError::BadRequest(bad.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;
