//! Lists as every face returns them: `{"items": [...], "next_cursor": …}`.
use crate::domain::paging::PageRequest;
use crate::error::AppResult;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `?limit=&cursor=` on every list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50; larger values are clamped).
    #[serde(default, deserialize_with = "lenient_limit")]
    #[param(value_type = Option<i64>)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; an invalid cursor is a 400.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn page(&self) -> AppResult<PageRequest> {
        Ok(PageRequest::new(self.limit, self.cursor.as_deref())?)
    }
}

/// A limit as typed: empty means none, and any whole number is taken (and later
/// clamped), however many digits it has.
pub fn lenient_limit<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    let Some(raw) = raw.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let digits = raw.strip_prefix(['-', '+']).unwrap_or(&raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(serde::de::Error::custom("limit must be a whole number"));
    }
    Ok(Some(raw.parse::<i64>().unwrap_or(
        if raw.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        },
    )))
}

/// `{"items": [...], "next_cursor": "…" | null}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// Pass it as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Listing<T> {
    pub fn whole(items: Vec<T>) -> Listing<T> {
        Listing {
            items,
            next_cursor: None,
        }
    }
}
