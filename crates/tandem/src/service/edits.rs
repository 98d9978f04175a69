//! The one check every edit of a shared text goes through (SPEC §7): a change
//! made on an older version than the one stored is refused with 412
//! `edit_conflict` and the object as it is now, and nothing is written.
use crate::domain::versions::{Expected, Stale};
use crate::error::{AppError, AppResult};
use serde::Serialize;

/// The refusal of a change made on an older version of `what`; `current` is the
/// object as the caller reads it now.
pub fn conflict<T: Serialize>(what: &str, stale: Stale, current: T) -> AppError {
    match serde_json::to_value(current) {
        Ok(current) => AppError::EditConflict {
            message: format!(
                "the {what} changed while you were editing it (it is at version {} now): nothing was saved; read the current text and make your change again",
                stale.current
            ),
            current,
        },
        Err(e) => AppError::Other(anyhow::Error::new(e).context("showing the current text")),
    }
}

/// Refuses a change made on an older version of `what`; `current` builds the
/// object as the caller reads it now, only when refusing.
pub fn ensure_fresh<T: Serialize>(
    expected: Expected,
    stored: i32,
    what: &str,
    current: impl FnOnce() -> T,
) -> AppResult<()> {
    expected
        .check(stored)
        .map_err(|stale| conflict(what, stale, current()))
}
