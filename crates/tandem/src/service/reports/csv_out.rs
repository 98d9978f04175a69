//! The report's CSVs: one row per relationship that reached `proposed` or
//! `active` (SPEC §5), and the enrolment list (SPEC §7).
use super::{gather, status_now, MIN_RATINGS};
use crate::domain::access::ProgramAct;
use crate::domain::ids::ProgramId;
use crate::domain::report::round;
use crate::domain::wire::{MentorshipStatus as S, Origin, Role};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::programs::program_for;
use crate::state::AppState;
use crate::store::reports as store;
use std::collections::HashSet;

/// A cell a spreadsheet would run as a formula gets a leading `'`.
fn cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

fn finish(w: csv::Writer<Vec<u8>>) -> AppResult<String> {
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Other(anyhow::anyhow!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Other(anyhow::anyhow!("csv: {e}")))
}

fn write(w: &mut csv::Writer<Vec<u8>>, record: &[String]) -> AppResult<()> {
    w.write_record(record)
        .map_err(|e| AppError::Other(anyhow::anyhow!("csv: {e}")))
}

/// `report.csv`: names, status, dates and counts, never content.
pub async fn report_csv(state: &AppState, caller: &Caller, program_id: &str) -> AppResult<String> {
    let data = gather(state, caller, program_id, false).await?;
    let now = data.report.as_of;
    let mut w = csv::Writer::from_writer(Vec::new());
    write(
        &mut w,
        &[
            "mentorship_id",
            "mentor",
            "mentees",
            "status",
            "started_on",
            "meetings_held",
            "milestones_achieved",
            "milestones_total",
            "average_rating",
            "health",
        ]
        .map(String::from),
    )?;
    for &(i, health) in &data.rows {
        let f = &data.facts[i];
        let status = status_now(f, now);
        let reached = match status {
            S::Proposed | S::Active | S::Paused | S::Completed | S::Ended => true,
            // A proposal someone declined had reached `proposed`; a declined request had not.
            S::Declined => f.origin != Origin::Request,
            _ => false,
        };
        if !reached {
            continue;
        }
        let average = if f.ratings >= MIN_RATINGS {
            round(f.rating_sum as f64 / f.ratings as f64, 2).to_string()
        } else {
            String::new()
        };
        write(
            &mut w,
            &[
                f.mentorship_id.clone(),
                cell(
                    &f.mentor_id
                        .as_deref()
                        .map(|id| data.names.of(id))
                        .unwrap_or_default(),
                ),
                cell(&data.names.all(&f.mentee_ids).join(";")),
                status.as_str().to_string(),
                f.started_at
                    .map(|s| s.date_naive().to_string())
                    .unwrap_or_default(),
                f.held.to_string(),
                f.milestones_achieved.to_string(),
                f.milestones.to_string(),
                average,
                health.as_str().to_string(),
            ],
        )?;
    }
    finish(w)
}

/// `enrolments.csv`: who is enrolled, in which role, since when, and whether matched.
pub async fn enrolments_csv(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<String> {
    let record = program_for(state, caller, program_id, ProgramAct::Report).await?;
    let program = ProgramId(&record.program.id);
    let db = state.store.read();
    let now = state.clock.now();
    let enrolments = store::enrolments_of(db, program).await?;
    let facts = store::relationship_facts(db, store::Scope::Program(program), now).await?;
    let started: HashSet<&str> = facts
        .iter()
        .filter(|f| {
            f.started_at.is_some()
                && matches!(
                    status_now(f, now),
                    S::Active | S::Paused | S::Completed | S::Ended
                )
        })
        .map(|f| f.mentorship_id.as_str())
        .collect();
    let mut matched: HashSet<(&str, Role)> = HashSet::new();
    for f in &facts {
        if let (true, Some(m)) = (
            started.contains(f.mentorship_id.as_str()),
            f.mentor_id.as_deref(),
        ) {
            matched.insert((m, Role::Mentor));
        }
    }
    for f in facts
        .iter()
        .filter(|f| started.contains(f.mentorship_id.as_str()))
    {
        for id in &f.mentee_ids {
            matched.insert((id.as_str(), Role::Mentee));
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    write(
        &mut w,
        &[
            "person_id",
            "name",
            "email",
            "role",
            "enrolled_on",
            "matched",
        ]
        .map(String::from),
    )?;
    for e in &enrolments {
        write(
            &mut w,
            &[
                e.user_id.clone(),
                cell(&e.name),
                cell(&e.email),
                e.role.as_str().to_string(),
                e.enrolled_at.date_naive().to_string(),
                matched.contains(&(e.user_id.as_str(), e.role)).to_string(),
            ],
        )?;
    }
    finish(w)
}
