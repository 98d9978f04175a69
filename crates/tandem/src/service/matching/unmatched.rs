//! Why a round left a mentee unmatched, mentor by mentor, against the pool as it is now.
use super::pool::*;
use super::rounds::*;
use super::*;
use crate::domain::wire::{Exclusion, Objective, RoundStatus, UnmatchedRule};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::state::AppState;
use crate::store::entities::round_pair;
use crate::store::{programs, rounds as store};
use serde::Serialize;
use std::collections::HashMap;
use tandem_match as engine;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnmatchedReason {
    pub rule: UnmatchedRule,
    /// Why, in a sentence.
    pub detail: String,
    /// The mentor this reason is about; null when it sums up several.
    pub mentor_id: Option<String>,
    /// That mentor's name.
    pub mentor_name: Option<String>,
    /// How many of the program's mentors this reason covers.
    pub mentors: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnmatchedOut {
    pub round_id: String,
    pub mentee_id: String,
    pub mentee_name: String,
    /// Mentor by mentor, the closest first: who scored highest with the mentee and why
    /// they were not paired (at most 10 mentors named one by one), then every hard rule
    /// that excludes the other mentors, with how many it excludes.
    pub reasons: Vec<UnmatchedReason>,
}

/// How many mentors an unmatched mentee's reasons name one by one.
pub(super) const NAMED_MENTORS: usize = 10;

/// Why a round left a mentee unmatched, against the program's pool as it is now.
pub async fn why_unmatched(
    state: &AppState,
    caller: &Caller,
    round_id: &str,
    mentee_id: &str,
) -> AppResult<UnmatchedOut> {
    let db = state.store.read();
    let r = round_for(db, caller, store::round_by_id(db, round_id).await?).await?;
    if !r.unmatched_mentee_ids.0.iter().any(|m| m == mentee_id) {
        return Err(AppError::NotFound("unmatched mentee"));
    }
    let program = programs::program_by_id(db, &r.program_id)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    let pool = load_pool(db, program, state.clock.now()).await?;
    let mentee = pool
        .mentee(mentee_id)
        .ok_or(AppError::NotFound("unmatched mentee"))?;
    let pairs: Vec<round_pair::Model> = store::pairs_of(db, std::slice::from_ref(&r.id))
        .await?
        .into_iter()
        .map(|p| p.pair)
        .collect();
    let mut held: HashMap<&str, Vec<i32>> = HashMap::new();
    for p in &pairs {
        held.entry(p.mentor_id.as_str()).or_default().push(p.score);
    }
    let mut named: Vec<(i32, UnmatchedReason)> = Vec::new();
    let mut ruled: std::collections::BTreeMap<UnmatchedRule, (usize, String)> = Default::default();
    let below = |s: i32| points(i64::from(s));
    for mentor in &pool.mentors {
        let found = exclusions(&pool, mentee, mentor);
        if let Some((first, detail)) = found.into_iter().find(|(k, _)| *k != Exclusion::Capacity) {
            let rule =
                UnmatchedRule::parse(first.as_str()).expect("exclusions are unmatched rules");
            // Relationships may belong to other programs, which this program's
            // coordinators do not oversee: say what the rule is, never with whom.
            let detail = match first {
                Exclusion::OpenRequest => format!(
                    "{} already has an open request or relationship with them (in this or another program)",
                    mentee.name
                ),
                Exclusion::PairedBefore => format!(
                    "{} has been paired with them before (in this or another program)",
                    mentee.name
                ),
                _ => detail,
            };
            let entry = ruled.entry(rule).or_insert((0, detail));
            entry.0 += 1;
            continue;
        }
        let score = engine::score(&mentee.engine, &mentor.engine, pool.kind, &pool.weights).score;
        let mut taken = held.get(mentor.id.as_str()).cloned().unwrap_or_default();
        taken.sort_unstable_by(|a, b| b.cmp(a));
        // Places left now; once the round is published its own proposals use some.
        let places = mentor.engine.capacity as usize
            + if r.status == RoundStatus::Published {
                taken.len()
            } else {
                0
            };
        let (rule, detail) = if score < r.min_score {
            (
                UnmatchedRule::MinScore,
                format!(
                    "With {} the pair scores {:.1}, below this round's minimum of {:.0}",
                    mentor.name,
                    below(score),
                    below(r.min_score)
                ),
            )
        } else if places == 0 {
            (
                UnmatchedRule::Capacity,
                format!(
                    "{} had no place left in this program before the round",
                    mentor.name
                ),
            )
        } else if taken.len() >= places {
            let scores: Vec<String> = taken.iter().map(|s| format!("{:.1}", below(*s))).collect();
            let how = match r.objective {
                Objective::Stable => format!(
                    "{} ranks the mentees given those places higher",
                    mentor.name
                ),
                Objective::Optimal => {
                    "giving one to this mentee would match fewer mentees or lower the round's total"
                        .to_string()
                }
            };
            (
                UnmatchedRule::Outscored,
                format!(
                    "{}'s {} place{} went to other pairs of this round (scoring {}); with {} the pair would score {:.1}, and {how}",
                    mentor.name,
                    places,
                    if places == 1 { "" } else { "s" },
                    scores.join(", "),
                    mentee.name,
                    below(score)
                ),
            )
        } else {
            (
                UnmatchedRule::Available,
                format!(
                    "{} has a place left (the pool changed since the draft, or the pair was not among the candidates considered); the pair would score {:.1} and can be added to the draft",
                    mentor.name,
                    below(score)
                ),
            )
        };
        named.push((
            score,
            UnmatchedReason {
                rule,
                detail,
                mentor_id: Some(mentor.id.clone()),
                mentor_name: Some(mentor.name.clone()),
                mentors: 1,
            },
        ));
    }
    named.sort_by(|(a, ra), (b, rb)| b.cmp(a).then_with(|| ra.mentor_id.cmp(&rb.mentor_id)));
    let rest = named.len().saturating_sub(NAMED_MENTORS);
    let mut reasons: Vec<UnmatchedReason> = Vec::new();
    let mut tail: std::collections::BTreeMap<UnmatchedRule, usize> = Default::default();
    for (k, (_, reason)) in named.into_iter().enumerate() {
        if k < NAMED_MENTORS {
            reasons.push(reason);
        } else {
            *tail.entry(reason.rule).or_default() += 1;
        }
    }
    debug_assert_eq!(tail.values().sum::<usize>(), rest);
    for (rule, count) in tail {
        reasons.push(UnmatchedReason {
            rule,
            detail: format!(
                "{count} more mentor{} scoring lower with {}: {}",
                if count == 1 { "" } else { "s" },
                mentee.name,
                match rule {
                    UnmatchedRule::MinScore => "below this round's minimum score",
                    UnmatchedRule::Capacity => "no place left before the round",
                    UnmatchedRule::Outscored => "their places went to other pairs of this round",
                    _ => "a place left",
                }
            ),
            mentor_id: None,
            mentor_name: None,
            mentors: count,
        });
    }
    for (rule, (count, example)) in ruled {
        reasons.push(UnmatchedReason {
            rule,
            detail: if count == 1 {
                example
            } else {
                format!("{count} mentors, for example: {example}")
            },
            mentor_id: None,
            mentor_name: None,
            mentors: count,
        });
    }
    if pool.mentors.is_empty() {
        reasons.push(UnmatchedReason {
            rule: UnmatchedRule::Capacity,
            detail: "The program has no mentors".into(),
            mentor_id: None,
            mentor_name: None,
            mentors: 0,
        });
    }
    Ok(UnmatchedOut {
        round_id: r.id,
        mentee_id: mentee.id.clone(),
        mentee_name: mentee.name.clone(),
        reasons,
    })
}
