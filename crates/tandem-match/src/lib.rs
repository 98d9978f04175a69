//! Tandem's matching engine: compatibility scores with explanations, hard rules,
//! candidate generation, and `stable` / `optimal` assignment.
//!
//! Pure: no I/O, no async, no clock, no database. Same input, same output.
//!
//! Two layers:
//! - the assignment core on compact arrays: [`Instance`] (mentor capacities and edges in
//!   CSR by mentee, integer scores in hundredths) → [`solve_stable`] / [`solve_optimal`] →
//!   [`Assignment`], checked by [`validate`] and [`count_blocking_pairs`];
//! - the profile layer: [`Mentee`], [`Mentor`], [`Weights`], [`ProgramKind`], [`HardRules`],
//!   [`score()`] with per-criterion explanations, [`passes_hard_rules`], and [`candidates()`]
//!   which builds an [`Instance`] without scoring every pair.

pub mod candidates;
pub mod certificate;
mod heap;
pub mod instance;
pub mod optimal;
pub mod profile;
pub mod rules;
pub mod score;
pub mod stable;

pub use candidates::{candidates, candidates_with_scores, CandidateOptions};
pub use certificate::{certify, check_certificate, Certificate, CertificateError, Proven};
pub use instance::{
    count_blocking_pairs, score_from_decimal, stats, validate, Assignment, Edge, Instance,
    InstanceBuilder, InstanceError, Invalid, Stats, SCORE_SCALE,
};
pub use optimal::{solve_optimal, solve_optimal_with, OptimalMethod};
pub use profile::{
    LearningStyle, MeetingPreference, Mentee, Mentor, Profile, ProgramKind, Seniority, Weights,
    CRITERIA,
};
pub use rules::{broken_rules, passes_hard_rules, utc_offset_minutes, HardRules, Rule};
pub use score::{score, score_for, timezone_gap_minutes, Criterion, Reader, Scored};
pub use stable::solve_stable;
