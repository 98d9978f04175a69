//! Whole-pool rounds: the engine run over a program's pool, kept as a draft with
//! its figures and the bounds it is measured against; read whole or a page at a time.
use super::pool::*;
use super::*;
use crate::domain::access::{program_access, ProgramAct, ProgramFacts};
use crate::domain::ids::{ProgramId, RoundId};
use crate::domain::paging::{Cursor, PageRequest, PairOrder};
use crate::domain::values::{Pick, Problems};
use crate::domain::wire::{Objective, RoundStatus};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::paging::Listing;
use crate::service::programs::program_for;
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::round;
use crate::store::rounds::NewPair;
use crate::store::{accounts, programs, rounds as store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tandem_match as engine;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RoundIn {
    #[schema(value_type = Objective, required = true)]
    #[serde(default)]
    pub objective: Pick<Objective>,
    /// Pairs scoring below this (0–100) are not proposed. Default 0.
    #[schema(minimum = 0, maximum = 100)]
    pub min_score: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundPairOut {
    pub mentor_id: String,
    pub mentor_name: String,
    pub mentee_id: String,
    pub mentee_name: String,
    pub score: f64,
    pub explanation: Vec<ExplanationItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundStats {
    pub pairs: usize,
    /// The sum of the pairs' scores.
    pub total_score: f64,
    pub mean_score: f64,
    /// Candidate pairs where both would rather be with each other than as drafted.
    pub blocking_pairs: i32,
    /// The most mentees any assignment could match under the same rules, capacities and
    /// minimum score, when the round was drafted, over the pairs the round considered
    /// (every allowed pair, or in large programs each mentee's best-scoring candidates);
    /// null for rounds drafted before it was recorded.
    pub max_pairs: Option<i32>,
    /// The highest total score any assignment with `max_pairs` pairs reaches.
    pub best_total: Option<f64>,
    /// Whether a certificate of optimality (dual prices for every mentee and mentor,
    /// checked independently of the solver) proved these pairs to reach `max_pairs` and
    /// `best_total`. False for stable rounds and for drafts edited by hand.
    pub certified: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundOut {
    pub id: String,
    pub program_id: String,
    pub status: RoundStatus,
    pub objective: Objective,
    pub min_score: f64,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub pairs: Vec<RoundPairOut>,
    pub unmatched_mentee_ids: Vec<String>,
    pub stats: RoundStats,
}

/// A round's candidate pairs twice over, edge for edge: with each side's view (what
/// `stable` ranks by, and blocking pairs are counted on) and weighted by the pair's
/// shown score (what `optimal`, `max_pairs` and `best_total` are about).
pub(super) struct Candidates {
    pub(super) views: engine::Instance,
    pub(super) by_score: engine::Instance,
}

/// The candidate pairs of a pool, restricted to pairs scoring at least `min_score`
/// (hundredths), plus any `extra` pairs a coordinator added by hand.
pub(super) fn instance_of(
    pool: &Pool,
    mentees: &[usize],
    min_score: i32,
    extra: &[(usize, usize)],
) -> Candidates {
    let engine_mentees: Vec<engine::Mentee> = mentees
        .iter()
        .map(|&i| pool.mentees[i].engine.clone())
        .collect();
    let engine_mentors: Vec<engine::Mentor> =
        pool.mentors.iter().map(|m| m.engine.clone()).collect();
    let (full, scores) = engine::candidates_with_scores(
        &engine_mentees,
        &engine_mentors,
        pool.kind,
        &pool.weights,
        &pool.rules,
        &engine::CandidateOptions::default(),
    );
    drop(engine_mentees);
    let capacity = full.mentor_capacity().to_vec();
    let mut views = engine::InstanceBuilder::new(capacity.clone());
    let mut by_score = engine::InstanceBuilder::new(capacity);
    let mut at = 0;
    for (k, &i) in mentees.iter().enumerate() {
        let mut edges: Vec<(engine::Edge, i32)> = Vec::new();
        for e in full.edges_of(k) {
            if scores[at] >= min_score {
                edges.push((*e, scores[at]));
            }
            at += 1;
        }
        for &(mi, j) in extra {
            if mi == i && !edges.iter().any(|(e, _)| e.mentor as usize == j) {
                let s = engine::score(
                    &pool.mentees[i].engine,
                    &pool.mentors[j].engine,
                    pool.kind,
                    &pool.weights,
                );
                let edge = engine::Edge {
                    mentor: j as u32,
                    mentee_score: s.mentee_view,
                    mentor_score: s.mentor_view,
                };
                edges.push((edge, s.score));
            }
        }
        by_score
            .push_mentee(edges.iter().map(|&(e, score)| engine::Edge {
                mentor: e.mentor,
                mentee_score: score,
                mentor_score: 0,
            }))
            .expect("edges name known mentors once");
        views
            .push_mentee(edges.into_iter().map(|(e, _)| e))
            .expect("edges name known mentors once");
    }
    Candidates {
        views: views.finish(),
        by_score: by_score.finish(),
    }
}

/// What a round is measured against: the most pairs and best total of the pool's
/// candidates, from an optimal assignment whose certificate was checked.
pub(super) struct Bounds {
    pub(super) max_pairs: i32,
    pub(super) best_total: i64,
}

/// Solves `optimal` over the pairs' scores and proves it: the assignment and, when its
/// certificate checks (it always should), the bounds it proves.
pub(super) fn certified_optimum(c: &Candidates) -> (engine::Assignment, Option<Bounds>) {
    let optimum = engine::solve_optimal(&c.by_score);
    let proven = engine::certify(&c.by_score, &optimum)
        .ok_or_else(|| "no certificate was found".to_string())
        .and_then(|cert| {
            engine::check_certificate(&c.by_score, &optimum, &cert).map_err(|e| e.to_string())
        });
    match proven {
        Ok(p) => (
            optimum,
            Some(Bounds {
                max_pairs: p.pairs as i32,
                best_total: p.total,
            }),
        ),
        Err(e) => {
            tracing::error!(error = %e, "an optimal round could not be certified");
            (optimum, None)
        }
    }
}

/// A stored pair as its coordinators see it.
pub(super) fn pair_out(p: store::PairRow) -> AppResult<RoundPairOut> {
    let explanation = serde_json::from_str(&p.pair.explanation).map_err(|e| {
        anyhow::anyhow!(
            "round pair {}: its explanation does not read back: {e}",
            p.pair.id
        )
    })?;
    Ok(RoundPairOut {
        mentor_id: p.pair.mentor_id,
        mentor_name: p.mentor_name.unwrap_or_else(|| "Former member".into()),
        mentee_id: p.pair.mentee_id,
        mentee_name: p.mentee_name.unwrap_or_else(|| "Former member".into()),
        score: points(i64::from(p.pair.score)),
        explanation,
    })
}

/// The round with its pairs, as its coordinators see it.
pub(super) fn round_out(r: round::Model, rows: Vec<store::PairRow>) -> AppResult<RoundOut> {
    let total: i64 = rows.iter().map(|p| i64::from(p.pair.score)).sum();
    let count = rows.len();
    let pairs = rows
        .into_iter()
        .map(pair_out)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(assemble(r, pairs, count, total))
}

/// The round with `pairs` (all of them, or one page), and figures over all its `count`
/// pairs, whose scores add up to `total` hundredths.
pub(super) fn assemble(
    r: round::Model,
    pairs: Vec<RoundPairOut>,
    count: usize,
    total: i64,
) -> RoundOut {
    RoundOut {
        stats: RoundStats {
            pairs: count,
            total_score: points(total),
            mean_score: if count == 0 {
                0.0
            } else {
                points(total / count as i64)
            },
            blocking_pairs: r.blocking_pairs,
            max_pairs: r.max_pairs,
            best_total: r.best_total.map(points),
            certified: r.certified,
        },
        id: r.id,
        program_id: r.program_id,
        status: r.status,
        objective: r.objective,
        min_score: points(i64::from(r.min_score)),
        created_at: r.created_at,
        published_at: r.published_at,
        pairs,
        unmatched_mentee_ids: r.unmatched_mentee_ids.0,
    }
}

/// The names of these people (for pages that name a few of many).
pub async fn names_of(state: &AppState, ids: &[String]) -> AppResult<HashMap<String, String>> {
    Ok(accounts::names_of(state.store.read(), ids).await?)
}

/// The round with one page of its pairs (`limit` after the first `offset`, in `order`)
/// and figures over all of them: what the round's page shows, at any size.
pub async fn round_page(
    state: &AppState,
    caller: &Caller,
    id: &str,
    order: PairOrder,
    offset: u64,
    limit: u64,
) -> AppResult<RoundOut> {
    let db = state.store.read();
    let r = round_for(db, caller, store::round_by_id(db, id).await?).await?;
    let (count, total) = store::pair_totals(db, id).await?;
    let pairs = store::pairs_page(db, id, order, offset, limit)
        .await?
        .into_iter()
        .map(pair_out)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(assemble(r, pairs, count as usize, total))
}

pub(super) async fn round_with_pairs(db: &impl Connection, r: round::Model) -> AppResult<RoundOut> {
    let pairs = store::pairs_of(db, std::slice::from_ref(&r.id)).await?;
    round_out(r, pairs)
}

/// The stored pair, and the pair as its coordinators see it.
pub(super) fn pair_row_and_out(pool: &Pool, i: usize, j: usize) -> (NewPair, RoundPairOut) {
    // A round's pairs are read by its coordinators: about both people, never "you".
    let scored = engine::score_for(
        &pool.mentees[i].engine,
        &pool.mentors[j].engine,
        pool.kind,
        &pool.weights,
        engine::Reader::Coordinator,
    );
    let items = explanation(&scored);
    let out = RoundPairOut {
        mentor_id: pool.mentors[j].id.clone(),
        mentor_name: pool.mentors[j].name.clone(),
        mentee_id: pool.mentees[i].id.clone(),
        mentee_name: pool.mentees[i].name.clone(),
        score: points(i64::from(scored.score)),
        explanation: Vec::new(),
    };
    let model = NewPair {
        mentor_id: pool.mentors[j].id.clone(),
        mentee_id: pool.mentees[i].id.clone(),
        score: scored.score,
        mentee_score: scored.mentee_view,
        mentor_score: scored.mentor_view,
        explanation: serde_json::to_string(&items).expect("explanations serialise"),
    };
    (
        model,
        RoundPairOut {
            explanation: items,
            ..out
        },
    )
}

pub(super) fn pair_row(pool: &Pool, i: usize, j: usize) -> NewPair {
    pair_row_and_out(pool, i, j).0
}

/// Runs the engine over the program's whole pool and keeps the result as a draft.
pub async fn create_round(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &RoundIn,
) -> AppResult<RoundOut> {
    let record = program_for(state, caller, program_id, ProgramAct::RunRounds).await?;
    crate::service::programs::refuse_if_archived(&record.program)?;
    let mut p = Problems::default();
    let objective = p.take("objective", input.objective.required());
    let min_score = p.take(
        "min_score",
        match input.min_score {
            Some(s) if !(0.0..=100.0).contains(&s) || !s.is_finite() => {
                Err("must be between 0 and 100".to_string())
            }
            Some(s) => Ok((s * 100.0).round() as i32),
            None => Ok(0),
        },
    );
    p.finish()?;
    let (Some(objective), Some(min_score)) = (objective, min_score) else {
        unreachable!("finish() refused every missing value");
    };
    let now = state.clock.now();
    let pool = load_pool(state.store.read(), record.program.clone(), now).await?;
    let eligible: Vec<usize> = (0..pool.mentees.len())
        .filter(|&i| pool.mentee_has_room(&pool.mentees[i].id))
        .collect();
    // Candidate generation and solving are CPU work: keep them off the async workers.
    let (pool, eligible, assignment, blocking, bounds) = tokio::task::spawn_blocking(move || {
        let candidates = instance_of(&pool, &eligible, min_score, &[]);
        let (optimum, bounds) = certified_optimum(&candidates);
        let (assignment, certified) = match objective {
            Objective::Stable => (engine::solve_stable(&candidates.views), false),
            Objective::Optimal => (optimum, bounds.is_some()),
        };
        let blocking = engine::count_blocking_pairs(&candidates.views, &assignment);
        (
            pool,
            eligible,
            assignment,
            blocking,
            bounds.map(|b| (b, certified)),
        )
    })
    .await
    .map_err(|e| anyhow::anyhow!("matching task failed: {e}"))?;
    let mut rows = Vec::new();
    let mut outs = Vec::new();
    let mut unmatched = Vec::new();
    for (k, &i) in eligible.iter().enumerate() {
        match assignment.mentor_of[k] {
            Some(j) => {
                let (row, out) = pair_row_and_out(&pool, i, j as usize);
                rows.push(row);
                outs.push(out);
            }
            None => unmatched.push(pool.mentees[i].id.clone()),
        }
    }
    drop(pool);
    let total: i64 = rows.iter().map(|p| i64::from(p.score)).sum();
    // The order the stored round reads back in: best score first.
    outs.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.mentee_id.cmp(&b.mentee_id))
    });
    let tx = state.store.write().await?;
    let r = store::insert_round(
        &tx,
        store::NewRound {
            program: ProgramId(program_id),
            objective,
            min_score,
            created_by: caller.person(),
            at: now,
            unmatched_mentee_ids: unmatched,
            blocking_pairs: blocking as i32,
            max_pairs: bounds.as_ref().map(|(b, _)| b.max_pairs),
            best_total: bounds.as_ref().map(|(b, _)| b.best_total),
            certified: bounds.is_some_and(|(_, certified)| certified),
        },
    )
    .await?;
    let count = rows.len();
    store::insert_pairs(&tx, RoundId(&r.id), rows).await?;
    crate::service::audit::record(
        &tx,
        state,
        caller.id(),
        crate::domain::audit::AuditAction::RoundCreated,
        crate::service::audit::Object::Round(&r.id),
    )
    .await?;
    let out = assemble(r, outs, count, total);
    tx.commit().await?;
    Ok(out)
}

/// The round if the caller runs its program; 404 for everyone else.
pub(super) async fn round_for(
    db: &impl Connection,
    caller: &Caller,
    r: Option<round::Model>,
) -> AppResult<round::Model> {
    let r = r.ok_or(AppError::NotFound("round"))?;
    let coordinators = programs::coordinators_of(db, &r.program_id).await?;
    let ids: Vec<&str> = coordinators.iter().map(|c| c.id.as_str()).collect();
    let facts = ProgramFacts {
        coordinators: &ids,
        enrolled_as: &[],
    };
    program_access(caller.viewer(), &facts, ProgramAct::OpenRound)?;
    Ok(r)
}

pub async fn get_round(state: &AppState, caller: &Caller, id: &str) -> AppResult<RoundOut> {
    let db = state.store.read();
    let r = round_for(db, caller, store::round_by_id(db, id).await?).await?;
    round_with_pairs(db, r).await
}

/// The program's rounds, newest first (coordinators).
pub async fn rounds_of(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    page: &PageRequest,
) -> AppResult<Listing<RoundOut>> {
    program_for(state, caller, program_id, ProgramAct::RunRounds).await?;
    let db = state.store.read();
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let found = store::rounds_page(db, program_id, after, page.fetch()).await?;
    let (found, next_cursor) = page.finish(found, |r| Cursor::of_time_and_id(r.created_at, &r.id));
    let ids: Vec<String> = found.iter().map(|r| r.id.clone()).collect();
    let mut pairs: HashMap<String, Vec<store::PairRow>> = HashMap::new();
    for p in store::pairs_of(db, &ids).await? {
        pairs.entry(p.pair.round_id.clone()).or_default().push(p);
    }
    let items = found
        .into_iter()
        .map(|r| {
            let of_round = pairs.remove(&r.id).unwrap_or_default();
            round_out(r, of_round)
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Listing { items, next_cursor })
}
