//! Use cases: each loads what it needs, asks the domain to decide, persists, and
//! returns a view. The JSON API and the HTML pages both call these, so a rule
//! lives in one place.
pub mod accounts;
pub mod matching;
pub mod mentorships;
pub mod people;
pub mod programs;

use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `?limit=&cursor=` on every list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50; larger values are clamped).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

pub struct Page {
    pub limit: u64,
    pub offset: u64,
}

impl PageQuery {
    pub fn page(&self) -> Page {
        let limit = self.limit.unwrap_or(50).clamp(1, 200) as u64;
        let offset = self
            .cursor
            .as_deref()
            .and_then(|c| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(c)
                    .ok()
            })
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix("o:").and_then(|n| n.parse().ok()))
            .unwrap_or(0);
        Page { limit, offset }
    }
}

/// `{"items": [...], "next_cursor": "…" | null}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Listing<T> {
    /// Cuts a page out of `all` (already in a stable order).
    pub fn paginate(all: Vec<T>, page: &Page) -> Listing<T> {
        let rows = all
            .into_iter()
            .skip(page.offset as usize)
            .take(page.limit as usize + 1)
            .collect();
        Listing::fetched(rows, page)
    }

    /// A page from rows fetched at `page.offset` with `LIMIT page.limit + 1`.
    pub fn fetched(mut rows: Vec<T>, page: &Page) -> Listing<T> {
        let more = rows.len() as u64 > page.limit;
        rows.truncate(page.limit as usize);
        let next = page.offset + page.limit;
        let next_cursor = more
            .then(|| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{next}")));
        Listing {
            items: rows,
            next_cursor,
        }
    }
}
