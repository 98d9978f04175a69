//! Tandem's matching engine: compatibility scores with explanations, hard rules,
//! candidate generation, and `stable` / `optimal` assignment.
//!
//! Pure: no I/O, no async, no clock, no database. Same input, same output.

pub mod instance;
pub mod optimal;
pub mod stable;

pub use instance::{
    count_blocking_pairs, score_from_decimal, score_to_decimal, stats, validate, Assignment, Edge,
    Instance, InstanceBuilder, InstanceError, Invalid, Stats, SCORE_SCALE,
};
pub use optimal::solve_optimal;
pub use stable::solve_stable;
