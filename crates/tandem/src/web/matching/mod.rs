//! Matching on pages: a mentee's suggestions and a mentor's check (`suggestions`),
//! a coordinator's rounds, drafts and pairs (`rounds`), and the program's
//! weights (`weights`). What they share: scores and criteria in words.
mod rounds;
mod suggestions;
mod weights;

use crate::domain::access::ProgramAct;
use crate::domain::wire::Criterion;
use crate::error::AppError;
use crate::service::matching::ExplanationItem;
use crate::service::programs::{self, ProgramOut};
use crate::state::AppState;
use crate::web::{back_with_error, capitalise, redirect_with, Flash, Member, WebError};
use axum::response::Response;
pub use rounds::*;
pub use suggestions::*;
pub use weights::*;

/// A criterion in plain words, and what it rewards.
pub fn criterion_label(criterion: Criterion) -> (&'static str, &'static str) {
    match criterion {
        Criterion::Skills => (
            "Skills",
            "The mentor has the skills the mentee wants to grow.",
        ),
        Criterion::Field => ("Field", "Both work in the same or a related field."),
        Criterion::Values => ("Shared values", "Values both of them named."),
        Criterion::Seniority => (
            "Experience",
            "The difference in seniority suits the program's kind.",
        ),
        Criterion::Interests => ("Shared interests", "Interests both of them named."),
        Criterion::Background => ("Background", "Education, department or location in common."),
        Criterion::LearningStyle => (
            "Learning style",
            "How the mentee learns best fits how the mentor explains.",
        ),
        Criterion::MeetingPreference => (
            "How to meet",
            "Both prefer the same way to meet (video, in person, phone, chat).",
        ),
        Criterion::Availability => (
            "Time available",
            "The mentor has the hours a month the mentee hopes for.",
        ),
        Criterion::Timezone => ("Time zone", "Their working hours overlap."),
    }
}

/// `72.5` → `"72.5"`, `80.0` → `"80"`.
pub(super) fn score_text(score: f64) -> String {
    let rounded = (score * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// One row of "Why this match".
pub struct WhyRow {
    pub label: String,
    pub points: String,
    pub detail: String,
}

pub(super) fn why(items: &[ExplanationItem]) -> Vec<WhyRow> {
    items
        .iter()
        .map(|i| WhyRow {
            label: criterion_label(i.criterion).0.to_string(),
            points: score_text(i.points),
            detail: capitalise(&i.detail),
        })
        .collect()
}

/// The program, once the caller may run its matching: the same refusal as the API's.
pub(super) async fn runnable_program(
    state: &AppState,
    me: &Member,
    program_id: &str,
) -> Result<ProgramOut, WebError> {
    let record = programs::program_for(state, &me.caller, program_id, ProgramAct::RunRounds)
        .await
        .map_err(me.fail())?;
    Ok(ProgramOut::from(&record.program))
}

/// After a round or pair form fails: back to the page with the messages on top.
/// Field keys such as `add[0]` mean nothing to a person, so only the messages are shown.
pub(super) fn back_with_messages(
    state: &AppState,
    me: &Member,
    to: &str,
    err: AppError,
) -> Result<Response, WebError> {
    match err {
        AppError::Validation(fields) => {
            let text = fields
                .values()
                .map(|m| capitalise(m))
                .collect::<Vec<_>>()
                .join(". ");
            Ok(redirect_with(state, to, Flash::error(format!("{text}."))))
        }
        other => Ok(back_with_error(state, to, other, me.fail())),
    }
}
