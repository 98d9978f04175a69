//! The matching engine applied to a program: suggestions, coordinator pairs and
//! whole-pool rounds. Hard rules and scores come from `tandem-match`; this module
//! loads the pool, asks the engine, and keeps drafts and proposals.
use super::accounts::Caller;
use super::mentorships::{self, insert_proposal, MentorshipOut};
use super::paging::Listing;
use super::programs::{capacity_of, program_for};
use crate::domain::access::{program_access, ProgramAct, ProgramFacts};
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::values::{FieldErrors, Pick, Problems};
use crate::domain::wire::{
    Criterion, Exclusion, MentorshipStatus as S, Objective, Origin, Role, RoundStatus,
    UnmatchedRule,
};
use crate::email::kinds;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::columns::TextList;
use crate::store::db::new_id;
use crate::store::db::Connection;
use crate::store::entities::{program, round, round_pair};
use crate::store::{accounts, programs, rounds as store};
use chrono::{DateTime, Utc};
use sea_orm::StreamTrait;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use tandem_match as engine;
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

fn explanation(scored: &engine::Scored) -> Vec<ExplanationItem> {
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

/// Someone in the pool: their account, what others see of them, and what the engine sees.
struct Member<T> {
    id: String,
    name: String,
    field: String,
    known_for: String,
    engine: T,
}

/// A program's people as the engine needs them, loaded once.
struct Pool {
    program: program::Model,
    kind: engine::ProgramKind,
    weights: engine::Weights,
    rules: engine::HardRules,
    mentees: Vec<Member<engine::Mentee>>,
    mentors: Vec<Member<engine::Mentor>>,
    emails: HashMap<String, String>,
    /// Open requests and relationships (mentor id, mentee id), any program.
    open_pairs: BTreeSet<(String, String)>,
    /// Open requests and relationships each mentee has in this program.
    mentee_load: HashMap<String, i64>,
}

impl Pool {
    fn mentee(&self, id: &str) -> Option<&Member<engine::Mentee>> {
        self.mentees.iter().find(|m| m.id == id)
    }
    fn mentor(&self, id: &str) -> Option<&Member<engine::Mentor>> {
        self.mentors.iter().find(|m| m.id == id)
    }
    fn mentee_has_room(&self, id: &str) -> bool {
        self.mentee_load.get(id).copied().unwrap_or(0) < self.program.max_mentors_per_mentee as i64
    }
    fn is_open(&self, mentor: &str, mentee: &str) -> bool {
        self.open_pairs
            .contains(&(mentor.to_string(), mentee.to_string()))
            || self
                .open_pairs
                .contains(&(mentee.to_string(), mentor.to_string()))
    }
}

fn engine_profile(
    id: &str,
    email: &str,
    p: &crate::store::entities::profile::Model,
    now: DateTime<Utc>,
) -> engine::Profile {
    let some = |s: &String| (!s.trim().is_empty()).then(|| s.clone());
    engine::Profile {
        id: id.to_string(),
        email: email.to_string(),
        manager_email: p.manager_email.clone(),
        field: some(&p.field),
        seniority: p.seniority.map(Into::into),
        skills: p.skills.0.clone(),
        interests: p.interests.0.clone(),
        values: p.values.0.clone(),
        education: some(&p.education),
        // Department and location stand for background until profiles carry tags of their own.
        background: [&p.department, &p.location]
            .into_iter()
            .filter_map(some)
            .collect(),
        languages: p.languages.0.clone(),
        utc_offset_minutes: p
            .timezone
            .as_deref()
            .and_then(|tz| engine::utc_offset_minutes(tz, now)),
        learning_style: p.learning_style.map(Into::into),
        meeting_preference: p.meeting_preference.map(Into::into),
        hours_per_month: p.hours_per_month.map(|h| h.max(0) as u32),
    }
}

/// Loads a program's pool: every enrolled mentee and mentor with their profiles,
/// places left, and the pairs the hard rules exclude (two statements).
async fn load_pool(
    db: &(impl Connection + StreamTrait),
    program: program::Model,
    now: DateTime<Utc>,
) -> AppResult<Pool> {
    let links = store::pair_links(db, now).await?;
    let mut rules = engine::HardRules::new(program.max_timezone_gap_hours.max(0) as u32);
    let mut open_pairs = BTreeSet::new();
    let mut used: HashMap<String, i64> = HashMap::new();
    let mut mentee_load: HashMap<String, i64> = HashMap::new();
    for link in &links {
        if link.started {
            rules.add_previous_pair(&link.mentor_id, &link.mentee_id);
        }
        if S::OPEN.contains(&link.status) {
            open_pairs.insert((link.mentor_id.clone(), link.mentee_id.clone()));
            if link.program_id == program.id {
                *mentee_load.entry(link.mentee_id.clone()).or_default() += 1;
                if S::USING_CAPACITY.contains(&link.status) {
                    *used.entry(link.mentor_id.clone()).or_default() += 1;
                }
            }
        }
    }
    drop(links);
    let mut mentees = Vec::new();
    let mut mentors = Vec::new();
    let mut emails = HashMap::new();
    store::pool(db, &program.id, |row| {
        let e = &row.enrollment;
        let p = row
            .profile
            .unwrap_or_else(|| super::programs::empty_profile(&e.user_id));
        let base = engine_profile(&e.user_id, &row.email, &p, now);
        emails.insert(e.user_id.clone(), row.email.clone());
        match e.role {
            Role::Mentor => {
                let left = capacity_of(&program, e) - used.get(&e.user_id).copied().unwrap_or(0);
                mentors.push(Member {
                    id: e.user_id.clone(),
                    name: row.name,
                    field: p.field.clone(),
                    known_for: p.known_for.clone(),
                    engine: engine::Mentor {
                        profile: base,
                        capacity: left.max(0) as u32,
                    },
                });
            }
            Role::Mentee => mentees.push(Member {
                id: e.user_id.clone(),
                name: row.name,
                field: p.field.clone(),
                known_for: p.known_for.clone(),
                engine: engine::Mentee {
                    profile: base,
                    wants_skills: e.wants_skills.0.clone(),
                },
            }),
        }
    })
    .await?;
    Ok(Pool {
        kind: program.kind.into(),
        weights: (&program.weights).into(),
        program,
        rules,
        mentees,
        mentors,
        emails,
        open_pairs,
        mentee_load,
    })
}

impl From<&Member<engine::Mentor>> for SuggestedMentor {
    fn from(m: &Member<engine::Mentor>) -> Self {
        SuggestedMentor {
            id: m.id.clone(),
            name: m.name.clone(),
            field: m.field.clone(),
            known_for: m.known_for.clone(),
        }
    }
}

/// The mentee's suggestions, all of them, in order: every mentor the hard rules allow
/// and no open request or relationship ties to them, best score first, then by name.
fn ranked_for<'p>(
    pool: &'p Pool,
    me: &Member<engine::Mentee>,
) -> Vec<(engine::Scored, &'p Member<engine::Mentor>)> {
    let mut ranked: Vec<(engine::Scored, &Member<engine::Mentor>)> = pool
        .mentors
        .iter()
        .filter(|m| !pool.is_open(&m.id, &me.id))
        .filter(|m| engine::passes_hard_rules(&me.engine, &m.engine, &pool.rules).is_ok())
        .map(|m| {
            (
                engine::score(&me.engine, &m.engine, pool.kind, &pool.weights),
                m,
            )
        })
        .collect();
    ranked.sort_by(|(a, ma), (b, mb)| {
        b.score
            .cmp(&a.score)
            .then_with(|| ma.name.cmp(&mb.name))
            .then_with(|| ma.id.cmp(&mb.id))
    });
    ranked
}

/// The pool of a program in which the caller may ask for suggestions (a mentee's own
/// view), as of now.
async fn suggestions_pool(state: &AppState, caller: &Caller, program_id: &str) -> AppResult<Pool> {
    let record = program_for(state, caller, program_id, ProgramAct::Suggestions).await?;
    load_pool(
        state.store.read(),
        record.program.clone(),
        state.clock.now(),
    )
    .await
}

/// Ranked, explained mentors for the calling mentee (SPEC §5 suggestions).
pub async fn suggestions(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    limit: Option<i64>,
) -> AppResult<Vec<Suggestion>> {
    let limit = limit.unwrap_or(20).clamp(1, 200) as usize;
    let pool = suggestions_pool(state, caller, program_id).await?;
    let me = pool
        .mentee(caller.id())
        .ok_or(AppError::NotFound("mentee"))?;
    let ranked = ranked_for(&pool, me);
    Ok(ranked
        .into_iter()
        .take(limit)
        .map(|(scored, m)| Suggestion {
            mentor: m.into(),
            score: points(scored.score as i64),
            explanation: explanation(&scored),
        })
        .collect())
}

/// Whether the pair may be proposed: both enrolled in their roles, the mentee has
/// room, no open request or relationship between them, every hard rule holds, and the
/// mentor has a place left once `extra_load` more of their places are counted.
fn check_pair<'p>(
    pool: &'p Pool,
    mentor_id: &str,
    mentee_id: &str,
    extra_load: i64,
) -> Result<(&'p Member<engine::Mentor>, &'p Member<engine::Mentee>), String> {
    if mentor_id.trim().is_empty() || mentee_id.trim().is_empty() {
        return Err("choose a mentor and a mentee".into());
    }
    let mentor = pool
        .mentor(mentor_id)
        .ok_or("the mentor is not enrolled as a mentor in this program")?;
    let mentee = pool
        .mentee(mentee_id)
        .ok_or("the mentee is not enrolled as a mentee in this program")?;
    if !pool.mentee_has_room(mentee_id) {
        return Err(format!(
            "{} already has as many mentors as the program allows",
            mentee.name
        ));
    }
    if pool.is_open(mentor_id, mentee_id) {
        return Err(format!(
            "{} and {} already have an open request or relationship",
            mentor.name, mentee.name
        ));
    }
    let mut with_room = mentor.engine.clone();
    with_room.capacity = (i64::from(with_room.capacity) - extra_load).max(0) as u32;
    engine::passes_hard_rules(&mentee.engine, &with_room, &pool.rules)
        .map_err(|rule| format!("{} and {}: {rule}", mentor.name, mentee.name))?;
    Ok((mentor, mentee))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PairIn {
    pub mentor_id: String,
    pub mentee_id: String,
}

/// Refuses unless the caller may do `act` with the program; read inside the transaction.
async fn require_in(
    tx: &impl Connection,
    caller: &Caller,
    program_id: &str,
    act: ProgramAct,
) -> AppResult<program::Model> {
    let program = programs::lock_program(tx, program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    let coordinators = programs::coordinators_of(tx, program_id).await?;
    let ids: Vec<&str> = coordinators.iter().map(|c| c.id.as_str()).collect();
    let roles = programs::roles_in(tx, program_id, caller.id()).await?;
    let facts = ProgramFacts {
        coordinators: &ids,
        enrolled_as: &roles,
    };
    program_access(caller.viewer(), &facts, act)?;
    Ok(program)
}

/// A coordinator proposes one pair; it becomes active when both accept.
pub async fn propose_pair(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &PairIn,
) -> AppResult<MentorshipOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let program = require_in(&tx, caller, program_id, ProgramAct::ProposePair).await?;
    accounts::lock_people(&tx, &[&input.mentor_id, &input.mentee_id]).await?;
    let pool = load_pool(&tx, program, now).await?;
    check_pair(&pool, &input.mentor_id, &input.mentee_id, 0)
        .map_err(|m| AppError::unprocessable("hard_rule", m))?;
    let id = insert_proposal(
        &tx,
        program_id,
        &input.mentor_id,
        &input.mentee_id,
        Origin::Coordinator,
        now,
    )
    .await?;
    tx.commit().await?;
    mentorships::get(state, caller, &id).await
}

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
struct Candidates {
    views: engine::Instance,
    by_score: engine::Instance,
}

/// The candidate pairs of a pool, restricted to pairs scoring at least `min_score`
/// (hundredths), plus any `extra` pairs a coordinator added by hand.
fn instance_of(
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
struct Bounds {
    max_pairs: i32,
    best_total: i64,
}

/// Solves `optimal` over the pairs' scores and proves it: the assignment and, when its
/// certificate checks (it always should), the bounds it proves.
fn certified_optimum(c: &Candidates) -> (engine::Assignment, Option<Bounds>) {
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
fn pair_out(p: store::PairRow) -> AppResult<RoundPairOut> {
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
fn round_out(r: round::Model, rows: Vec<store::PairRow>) -> AppResult<RoundOut> {
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
fn assemble(r: round::Model, pairs: Vec<RoundPairOut>, count: usize, total: i64) -> RoundOut {
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
    order: store::PairOrder,
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

async fn round_with_pairs(db: &impl Connection, r: round::Model) -> AppResult<RoundOut> {
    let pairs = store::pairs_of(db, std::slice::from_ref(&r.id)).await?;
    round_out(r, pairs)
}

/// The stored pair, and the pair as its coordinators see it.
fn pair_row_and_out(
    round_id: &str,
    pool: &Pool,
    i: usize,
    j: usize,
) -> (round_pair::Model, RoundPairOut) {
    let scored = engine::score(
        &pool.mentees[i].engine,
        &pool.mentors[j].engine,
        pool.kind,
        &pool.weights,
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
    let model = round_pair::Model {
        id: new_id(),
        round_id: round_id.to_string(),
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

fn pair_row(round_id: &str, pool: &Pool, i: usize, j: usize) -> round_pair::Model {
    pair_row_and_out(round_id, pool, i, j).0
}

/// Runs the engine over the program's whole pool and keeps the result as a draft.
pub async fn create_round(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &RoundIn,
) -> AppResult<RoundOut> {
    let record = program_for(state, caller, program_id, ProgramAct::RunRounds).await?;
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
    let round_id = new_id();
    let mut rows = Vec::new();
    let mut outs = Vec::new();
    let mut unmatched = Vec::new();
    for (k, &i) in eligible.iter().enumerate() {
        match assignment.mentor_of[k] {
            Some(j) => {
                let (row, out) = pair_row_and_out(&round_id, &pool, i, j as usize);
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
    let r = round::Model {
        id: round_id.clone(),
        program_id: program_id.to_string(),
        objective,
        min_score,
        status: RoundStatus::Draft,
        created_by: Some(caller.id().to_string()),
        created_at: now,
        published_at: None,
        unmatched_mentee_ids: TextList(unmatched),
        blocking_pairs: blocking as i32,
        max_pairs: bounds.as_ref().map(|(b, _)| b.max_pairs),
        best_total: bounds.as_ref().map(|(b, _)| b.best_total),
        certified: bounds.is_some_and(|(_, certified)| certified),
    };
    let tx = state.store.write().await?;
    store::insert_round(&tx, r.clone()).await?;
    let count = rows.len();
    store::insert_pairs(&tx, rows).await?;
    let out = assemble(r, outs, count, total);
    tx.commit().await?;
    Ok(out)
}

/// The round if the caller runs its program; 404 for everyone else.
async fn round_for(
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

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RoundPatch {
    /// `[[mentor_id, mentee_id], …]` to take out of the draft.
    pub remove: Vec<[String; 2]>,
    /// `[[mentor_id, mentee_id], …]` to put in; hard rules and capacity apply.
    pub add: Vec<[String; 2]>,
}

fn ensure_draft(r: &round::Model) -> AppResult<()> {
    if r.status != RoundStatus::Draft {
        return Err(AppError::conflict(
            "round_not_draft",
            format!("this round is {}; only drafts change", r.status),
        ));
    }
    Ok(())
}

/// Locks the round's program, then the round, and checks the caller runs it: two
/// changes to one program's rounds (an edit, a publish) wait for each other.
async fn lock_round_for(
    tx: &impl Connection,
    caller: &Caller,
    id: &str,
) -> AppResult<(program::Model, round::Model)> {
    let seen = round_for(tx, caller, store::round_by_id(tx, id).await?).await?;
    let program = programs::lock_program(tx, &seen.program_id)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    let r = store::lock_round(tx, id)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    ensure_draft(&r)?;
    Ok((program, r))
}

/// Removes and adds pairs in a draft; every added pair is checked like a new proposal.
pub async fn patch_round(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &RoundPatch,
) -> AppResult<RoundOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (program, r) = lock_round_for(&tx, caller, id).await?;
    let pool = load_pool(&tx, program, now).await?;
    let mut current: Vec<round_pair::Model> = store::pairs_of(&tx, &[id.to_string()])
        .await?
        .into_iter()
        .map(|p| p.pair)
        .collect();
    let mut problems = FieldErrors::new();
    for (k, [mentor, mentee]) in input.remove.iter().enumerate() {
        match current
            .iter()
            .position(|p| &p.mentor_id == mentor && &p.mentee_id == mentee)
        {
            Some(at) => {
                let gone = current.remove(at);
                store::delete_pair(&tx, &gone.id).await?;
            }
            None => {
                problems.insert(
                    format!("remove[{k}]"),
                    "this pair is not in the draft".into(),
                );
            }
        }
    }
    let mut added: Vec<(String, String)> = Vec::new();
    for (k, [mentor, mentee]) in input.add.iter().enumerate() {
        if current.iter().any(|p| &p.mentee_id == mentee) || added.iter().any(|(_, m)| m == mentee)
        {
            problems.insert(
                format!("add[{k}]"),
                "this mentee is already paired in the draft".into(),
            );
            continue;
        }
        let load = current.iter().filter(|p| &p.mentor_id == mentor).count()
            + added.iter().filter(|(m, _)| m == mentor).count();
        match check_pair(&pool, mentor, mentee, load as i64) {
            Ok(_) => added.push((mentor.clone(), mentee.clone())),
            Err(message) => {
                problems.insert(format!("add[{k}]"), message);
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let index_of_mentee: HashMap<&str, usize> = pool
        .mentees
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let index_of_mentor: HashMap<&str, usize> = pool
        .mentors
        .iter()
        .enumerate()
        .map(|(j, m)| (m.id.as_str(), j))
        .collect();
    let rows = added
        .iter()
        .map(|(mentor, mentee)| {
            pair_row(
                id,
                &pool,
                index_of_mentee[mentee.as_str()],
                index_of_mentor[mentor.as_str()],
            )
        })
        .collect();
    store::insert_pairs(&tx, rows).await?;

    // The draft's figures again: who is left, and blocking pairs over the candidates.
    let mut paired: HashMap<String, String> = current
        .iter()
        .map(|p| (p.mentee_id.clone(), p.mentor_id.clone()))
        .collect();
    paired.extend(
        added
            .iter()
            .map(|(mentor, mentee)| (mentee.clone(), mentor.clone())),
    );
    let eligible: Vec<usize> = (0..pool.mentees.len())
        .filter(|&i| {
            pool.mentee_has_room(&pool.mentees[i].id) || paired.contains_key(&pool.mentees[i].id)
        })
        .collect();
    let extra: Vec<(usize, usize)> = paired
        .iter()
        .filter_map(|(mentee, mentor)| {
            Some((
                *index_of_mentee.get(mentee.as_str())?,
                *index_of_mentor.get(mentor.as_str())?,
            ))
        })
        .collect();
    let instance = instance_of(&pool, &eligible, 0, &extra).views;
    let assignment = engine::Assignment {
        mentor_of: eligible
            .iter()
            .map(|&i| {
                paired
                    .get(&pool.mentees[i].id)
                    .and_then(|m| index_of_mentor.get(m.as_str()))
                    .map(|&j| j as u32)
            })
            .collect(),
    };
    let blocking = match engine::validate(&instance, &assignment) {
        Ok(()) => engine::count_blocking_pairs(&instance, &assignment) as i32,
        // Places used since the draft was made can leave a mentor over today's capacity.
        Err(_) => r.blocking_pairs,
    };
    let unmatched: Vec<String> = eligible
        .iter()
        .map(|&i| pool.mentees[i].id.clone())
        .filter(|m| !paired.contains_key(m))
        .collect();
    let mut after = r.clone();
    after.unmatched_mentee_ids = TextList(unmatched);
    after.blocking_pairs = blocking;
    // The certificate proved the solver's pairs, not the coordinator's edits.
    if !input.remove.is_empty() || !input.add.is_empty() {
        after.certified = false;
    }
    let saved = store::update_round(&tx, r, after).await?;
    let out = round_with_pairs(&tx, saved).await?;
    tx.commit().await?;
    Ok(out)
}

/// Publishes a draft: every pair becomes a `proposed` mentorship (origin `round`),
/// the program's other drafts are discarded. Draft state, capacity and hard rules
/// are checked again inside the transaction, under the program's lock.
pub async fn publish_round(
    state: &AppState,
    caller: &Caller,
    id: &str,
    confirmation: crate::domain::lifecycle::Confirmation,
) -> AppResult<RoundOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (program, r) = lock_round_for(&tx, caller, id).await?;
    if confirmation == crate::domain::lifecycle::Confirmation::Missing {
        return Err(AppError::unprocessable(
            "confirmation_required",
            "nothing was published: tick the box to confirm; publishing sends every proposal and cannot be undone",
        ));
    }
    let pool = load_pool(&tx, program, now).await?;
    let pairs: Vec<round_pair::Model> = store::pairs_of(&tx, &[id.to_string()])
        .await?
        .into_iter()
        .map(|p| p.pair)
        .collect();
    let mut load: HashMap<&str, i64> = HashMap::new();
    for p in &pairs {
        let extra = load.get(p.mentor_id.as_str()).copied().unwrap_or(0);
        check_pair(&pool, &p.mentor_id, &p.mentee_id, extra).map_err(|m| {
            AppError::conflict(
                "round_out_of_date",
                format!("{m}; edit the draft or run a new round"),
            )
        })?;
        *load.entry(p.mentor_id.as_str()).or_default() += 1;
    }
    let mut emails = Vec::new();
    for p in &pairs {
        let mentorship_id = insert_proposal(
            &tx,
            &r.program_id,
            &p.mentor_id,
            &p.mentee_id,
            Origin::Round,
            now,
        )
        .await?;
        if let (Some(mentor), Some(mentee)) = (pool.mentor(&p.mentor_id), pool.mentee(&p.mentee_id))
        {
            let link = format!(
                "{}/mentorships/{mentorship_id}",
                state.config.base_url.trim_end_matches('/')
            );
            for (to, to_id, other, part) in [
                (&mentor.name, &mentor.id, &mentee.name, "mentor"),
                (&mentee.name, &mentee.id, &mentor.name, "mentee"),
            ] {
                let letter = kinds::Proposal {
                    to,
                    other,
                    program: &pool.program.name,
                    part,
                    link: &link,
                };
                let address = pool.emails.get(to_id).cloned().unwrap_or_default();
                emails.push(kinds::compose(&letter, to, &address, None)?);
            }
        }
    }
    super::outbox::queue(&tx, emails, now).await?;
    store::discard_other_drafts(&tx, &r.program_id, id).await?;
    let mut after = r.clone();
    after.status = RoundStatus::Published;
    after.published_at = Some(now);
    let saved = store::update_round(&tx, r, after).await?;
    let out = round_with_pairs(&tx, saved).await?;
    tx.commit().await?;
    // Delivered now where it can be; what fails stays queued for the job.
    if let Err(e) = super::outbox::deliver_due(state).await {
        tracing::warn!(error = %e, "delivering the round's e-mails");
    }
    Ok(out)
}

/// Why this match: the compatibility of a relationship's mentor and its mentee (the
/// caller, when they are a mentee; else the first mentee), for its participants
/// (the request's reader, both sides of a proposed match). None when one of them is
/// no longer enrolled in the program.
pub async fn why_this_match(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<Option<Suggestion>> {
    let (rel, part) = super::relationship::read_part(
        state,
        caller,
        mentorship_id,
        crate::domain::access::Kind::Request,
    )
    .await?;
    let r = &rel.record;
    let Some(mentor_id) = r.m.mentor_id.as_deref() else {
        return Ok(None);
    };
    let mentee_id = match part {
        crate::domain::access::Part::Mentee => caller.id(),
        crate::domain::access::Part::Mentor => match r.mentee_ids().first() {
            Some(id) => *id,
            None => return Ok(None),
        },
    };
    let Some(program) = programs::program_by_id(state.store.read(), &r.m.program_id).await? else {
        return Ok(None);
    };
    let pool = load_pool(state.store.read(), program, state.clock.now()).await?;
    let (Some(mentor), Some(mentee)) = (pool.mentor(mentor_id), pool.mentee(mentee_id)) else {
        return Ok(None);
    };
    let scored = engine::score(&mentee.engine, &mentor.engine, pool.kind, &pool.weights);
    Ok(Some(Suggestion {
        mentor: mentor.into(),
        score: points(scored.score as i64),
        explanation: explanation(&scored),
    }))
}

/// Each exclusion of a pair, in a sentence: the hard rules it breaks (from the engine),
/// an open request or relationship between the two. The mentor's `capacity` in `pool` is
/// the places left in the program.
fn exclusions(
    pool: &Pool,
    mentee: &Member<engine::Mentee>,
    mentor: &Member<engine::Mentor>,
) -> Vec<(Exclusion, String)> {
    let mut found: Vec<(Exclusion, String)> =
        engine::broken_rules(&mentee.engine, &mentor.engine, &pool.rules)
            .into_iter()
            .map(|rule| {
                let kind = match rule {
                    engine::Rule::SamePerson => Exclusion::SelfPair,
                    engine::Rule::Manager => Exclusion::Manager,
                    engine::Rule::PreviousPair => Exclusion::PairedBefore,
                    engine::Rule::NoCapacity => Exclusion::Capacity,
                    engine::Rule::NoSharedLanguage => Exclusion::Language,
                    engine::Rule::TimezoneGap { .. } => Exclusion::Timezone,
                };
                let detail = match rule {
                    engine::Rule::NoCapacity => {
                        format!("{} has no place left in this program", mentor.name)
                    }
                    other => {
                        let text = other.to_string();
                        let mut c = text.chars();
                        c.next()
                            .map(|f| f.to_uppercase().chain(c).collect())
                            .unwrap_or_default()
                    }
                };
                (kind, detail)
            })
            .collect();
    if pool.is_open(&mentor.id, &mentee.id) {
        found.push((
            Exclusion::OpenRequest,
            format!(
                "{} and {} already have an open request or relationship",
                mentee.name, mentor.name
            ),
        ));
    }
    found.sort_by_key(|(kind, _)| *kind);
    found
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExclusionOut {
    pub rule: Exclusion,
    /// Why, in a sentence.
    pub detail: String,
}

/// One mentor as the calling mentee's suggestions see them (SPEC §6 Matching).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorCheck {
    pub mentor: SuggestedMentor,
    /// Compatibility, 0–100, whether or not the pair is eligible.
    pub score: f64,
    pub explanation: Vec<ExplanationItem>,
    /// The mentor's place in the caller's suggestions (1 = first); null when excluded.
    pub rank: Option<usize>,
    pub eligible: bool,
    /// What excludes the pair; empty when eligible.
    pub excluded_by: Vec<Exclusion>,
    /// The same, each in a sentence.
    pub exclusions: Vec<ExclusionOut>,
}

/// Why a mentor is, or is not, among the calling mentee's suggestions, and where.
pub async fn suggestion_for(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    mentor_id: &str,
) -> AppResult<MentorCheck> {
    let pool = suggestions_pool(state, caller, program_id).await?;
    let me = pool
        .mentee(caller.id())
        .ok_or(AppError::NotFound("mentee"))?;
    let mentor = pool.mentor(mentor_id).ok_or(AppError::NotFound("mentor"))?;
    let scored = engine::score(&me.engine, &mentor.engine, pool.kind, &pool.weights);
    let found = exclusions(&pool, me, mentor);
    // The rank: the mentor's place in the suggestions' own order.
    let rank = if found.is_empty() {
        ranked_for(&pool, me)
            .iter()
            .position(|(_, m)| m.id == mentor.id)
            .map(|k| k + 1)
    } else {
        None
    };
    Ok(MentorCheck {
        mentor: mentor.into(),
        score: points(scored.score as i64),
        explanation: explanation(&scored),
        rank,
        eligible: found.is_empty(),
        excluded_by: found.iter().map(|(kind, _)| *kind).collect(),
        exclusions: found
            .into_iter()
            .map(|(rule, detail)| ExclusionOut { rule, detail })
            .collect(),
    })
}

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
const NAMED_MENTORS: usize = 10;

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
