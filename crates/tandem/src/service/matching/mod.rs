//! The matching engine applied to a program: suggestions and a mentor's check,
//! coordinator pairs, whole-pool rounds and why a round left a mentee unmatched.
//! Hard rules and scores come from `tandem-match`; `pool` loads what the engine
//! needs, and each file here is one use case of it.
mod drafts;
mod pairs;
mod pool;
mod rounds;
mod suggestions;
mod unmatched;

use crate::domain::wire::Criterion;
pub use drafts::*;
pub use pairs::*;
pub use rounds::*;
use serde::{Deserialize, Serialize};
pub use suggestions::*;
use tandem_match as engine;
pub use unmatched::*;
use utoipa::ToSchema;

/// A score in hundredths, shown as points with two decimals.
pub fn points(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExplanationItem {
    pub criterion: Criterion,
    /// This criterion's share of the score; all points add up to the score.
    pub points: f64,
    /// Why, in a sentence.
    pub detail: String,
}

pub(super) fn explanation(scored: &engine::Scored) -> Vec<ExplanationItem> {
    scored
        .explanation
        .iter()
        .map(|c| ExplanationItem {
            criterion: Criterion::parse(c.criterion).expect("the engine's criteria are the SPEC's"),
            points: points(c.points as i64),
            detail: c.detail.clone(),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuggestedMentor {
    pub id: String,
    pub name: String,
    pub field: String,
    pub known_for: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    pub mentor: SuggestedMentor,
    /// Compatibility, 0–100.
    pub score: f64,
    pub explanation: Vec<ExplanationItem>,
}
