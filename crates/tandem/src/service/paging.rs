//! Lists as every face returns them: `{"items": [...], "next_cursor": …}`.
use serde::Serialize;
use utoipa::ToSchema;

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
