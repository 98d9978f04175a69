//! The matching engine applied to a program: suggestions, coordinator pairs and
//! whole-pool rounds. Hard rules and scores come from `tandem-match`; this module
//! loads the pool, asks the engine, and keeps drafts and proposals.
use crate::auth::Caller;
use crate::domain::{in_range, MentorshipStatus as S, Origin, Problems, Role};
use crate::email::Email;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::people::ProfileData;
use crate::service::programs;
use crate::store::entities::{
    enrollment, mentorship, mentorship_mentee, profile, program, round, round_pair, user,
};
use crate::store::{new_id, text_to_list};
use crate::AppState;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tandem_match as engine;
use utoipa::ToSchema;

/// SQL `IN` lists are cut to this size: well under SQLite's and PostgreSQL's limits.
const IN_CHUNK: usize = 900;

/// A score in hundredths, shown as points with two decimals.
pub fn points(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExplanationItem {
    /// `skills`, `field`, `values`, `seniority`, `interests`, `background`,
    /// `learning_style`, `meeting_preference`, `availability`, `timezone`.
    pub criterion: String,
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
            criterion: c.criterion.to_string(),
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

/// Someone in the pool: their account, their profile, and what the engine sees.
struct Member<T> {
    id: String,
    name: String,
    profile: ProfileData,
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

fn engine_kind(kind: &str) -> engine::ProgramKind {
    match kind {
        "peer" => engine::ProgramKind::Peer,
        "reverse" => engine::ProgramKind::Reverse,
        "group" => engine::ProgramKind::Group,
        _ => engine::ProgramKind::Traditional,
    }
}

fn engine_weights(program: &program::Model) -> engine::Weights {
    let map: BTreeMap<String, u8> = serde_json::from_str(&program.weights).unwrap_or_default();
    engine::Weights::from_map(&map).unwrap_or_default()
}

/// Wire names to the engine's enums: one mapping for the product and `tandem match`.
pub fn engine_seniority(s: &str) -> Option<engine::Seniority> {
    use engine::Seniority as Sn;
    Some(match s {
        "student" => Sn::Student,
        "junior" => Sn::Junior,
        "mid" => Sn::Mid,
        "senior" => Sn::Senior,
        "lead" => Sn::Lead,
        "executive" => Sn::Executive,
        _ => return None,
    })
}

pub fn engine_learning_style(s: &str) -> Option<engine::LearningStyle> {
    use engine::LearningStyle as L;
    Some(match s {
        "visual" => L::Visual,
        "auditory" => L::Auditory,
        "reading_writing" => L::ReadingWriting,
        "kinesthetic" => L::Kinesthetic,
        _ => return None,
    })
}

pub fn engine_meeting_preference(s: &str) -> Option<engine::MeetingPreference> {
    use engine::MeetingPreference as M;
    Some(match s {
        "video" => M::Video,
        "in_person" => M::InPerson,
        "phone" => M::Phone,
        "chat" => M::Chat,
        "any" => M::Any,
        _ => return None,
    })
}

fn engine_profile(id: &str, email: &str, p: &ProfileData, now: DateTime<Utc>) -> engine::Profile {
    let some = |s: &String| (!s.trim().is_empty()).then(|| s.clone());
    engine::Profile {
        id: id.to_string(),
        email: email.to_string(),
        manager_email: p.manager_email.clone(),
        field: some(&p.field),
        seniority: p.seniority.as_deref().and_then(engine_seniority),
        skills: p.skills.clone(),
        interests: p.interests.clone(),
        values: p.values.clone(),
        education: some(&p.education),
        // Department and location stand for background until profiles carry tags of their own.
        background: [&p.department, &p.location]
            .into_iter()
            .filter_map(some)
            .collect(),
        languages: p.languages.clone(),
        utc_offset_minutes: p
            .timezone
            .as_deref()
            .and_then(|tz| engine::utc_offset_minutes(tz, now)),
        learning_style: p.learning_style.as_deref().and_then(engine_learning_style),
        meeting_preference: p
            .meeting_preference
            .as_deref()
            .and_then(engine_meeting_preference),
        hours_per_month: p.hours_per_month.map(|h| h.max(0) as u32),
    }
}

async fn users_by_id(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> AppResult<HashMap<String, user::Model>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        for u in user::Entity::find()
            .filter(user::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(u.id.clone(), u);
        }
    }
    Ok(out)
}

async fn profiles_by_id(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> AppResult<HashMap<String, ProfileData>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        for p in profile::Entity::find()
            .filter(profile::Column::UserId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(p.user_id.clone(), ProfileData::from_model(&p));
        }
    }
    Ok(out)
}

/// Loads a program's pool: every enrolled mentee and mentor with their profiles,
/// places left, and the pairs the hard rules exclude.
async fn load_pool(
    db: &impl ConnectionTrait,
    program: program::Model,
    now: DateTime<Utc>,
) -> AppResult<Pool> {
    let enrolled = enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program.id.as_str()))
        .order_by_asc(enrollment::Column::CreatedAt)
        .order_by_asc(enrollment::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<String> = enrolled
        .iter()
        .map(|e| e.user_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let users = users_by_id(db, &ids).await?;
    let profiles = profiles_by_id(db, &ids).await?;

    // Relationships that reached `active` (any program) or are still open.
    let relevant = mentorship::Entity::find()
        .filter(
            Condition::any()
                .add(mentorship::Column::StartedAt.is_not_null())
                .add(mentorship::Column::Status.is_in(S::strs(S::OPEN))),
        )
        .all(db)
        .await?;
    let mut mentees_of: HashMap<String, Vec<String>> = HashMap::new();
    let relevant_ids: Vec<String> = relevant.iter().map(|m| m.id.clone()).collect();
    for chunk in relevant_ids.chunks(IN_CHUNK) {
        for row in mentorship_mentee::Entity::find()
            .filter(mentorship_mentee::Column::MentorshipId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            if let Some(mentee) = row.mentee_id {
                mentees_of
                    .entry(row.mentorship_id)
                    .or_default()
                    .push(mentee);
            }
        }
    }
    let mut rules = engine::HardRules::new(program.max_timezone_gap_hours.max(0) as u32);
    let mut open_pairs = BTreeSet::new();
    let mut used: HashMap<String, i64> = HashMap::new();
    let mut mentee_load: HashMap<String, i64> = HashMap::new();
    for m in &relevant {
        let Some(mentor) = &m.mentor_id else { continue };
        let status = S::parse(&m.status).unwrap_or(S::Ended);
        for mentee in mentees_of.get(&m.id).into_iter().flatten() {
            if m.started_at.is_some() {
                rules.add_previous_pair(mentor, mentee);
            }
            if S::OPEN.contains(&status) {
                open_pairs.insert((mentor.clone(), mentee.clone()));
                if m.program_id == program.id {
                    *mentee_load.entry(mentee.clone()).or_default() += 1;
                    if S::USING_CAPACITY.contains(&status) {
                        *used.entry(mentor.clone()).or_default() += 1;
                    }
                }
            }
        }
    }

    let mut mentees = Vec::new();
    let mut mentors = Vec::new();
    for e in &enrolled {
        let Some(u) = users.get(&e.user_id) else {
            continue;
        };
        let p = profiles.get(&e.user_id).cloned().unwrap_or_default();
        let base = engine_profile(&u.id, &u.email, &p, now);
        if e.role == Role::Mentor.as_str() {
            let left = programs::capacity_of(&program, e) - used.get(&u.id).copied().unwrap_or(0);
            mentors.push(Member {
                id: u.id.clone(),
                name: u.name.clone(),
                profile: p,
                engine: engine::Mentor {
                    profile: base,
                    capacity: left.max(0) as u32,
                },
            });
        } else {
            mentees.push(Member {
                id: u.id.clone(),
                name: u.name.clone(),
                profile: p,
                engine: engine::Mentee {
                    profile: base,
                    wants_skills: text_to_list(&e.wants_skills),
                },
            });
        }
    }
    Ok(Pool {
        kind: engine_kind(&program.kind),
        weights: engine_weights(&program),
        program,
        rules,
        mentees,
        mentors,
        open_pairs,
        mentee_load,
    })
}

/// Ranked, explained mentors for the calling mentee (SPEC §5 suggestions).
pub async fn suggestions(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    limit: Option<i64>,
) -> AppResult<Vec<Suggestion>> {
    let db = &state.store.db;
    let program = programs::find(db, program_id).await?;
    if programs::enrollment_of(db, program_id, caller.id(), Role::Mentee)
        .await?
        .is_none()
    {
        return Err(AppError::forbidden(
            "suggestions are for the program's mentees; enrol as a mentee first",
        ));
    }
    let limit = limit.unwrap_or(20).clamp(1, 200) as usize;
    let pool = load_pool(db, program, state.clock.now()).await?;
    let me = pool
        .mentee(caller.id())
        .ok_or(AppError::NotFound("mentee"))?;
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
    Ok(ranked
        .into_iter()
        .take(limit)
        .map(|(scored, m)| Suggestion {
            mentor: SuggestedMentor {
                id: m.id.clone(),
                name: m.name.clone(),
                field: m.profile.field.clone(),
                known_for: m.profile.known_for.clone(),
            },
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

/// A coordinator proposes one pair; it becomes active when both accept.
pub async fn propose_pair(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &PairIn,
) -> AppResult<super::mentorships::MentorshipOut> {
    let program = programs::find(&state.store.db, program_id).await?;
    if !programs::can_run(&state.store.db, caller, program_id).await? {
        return Err(AppError::forbidden(
            "only this program's coordinators can propose pairs",
        ));
    }
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let pool = load_pool(&*tx, program, now).await?;
    check_pair(&pool, &input.mentor_id, &input.mentee_id, 0)
        .map_err(|m| AppError::unprocessable("hard_rule", m))?;
    let id = insert_proposal(
        &*tx,
        program_id,
        &input.mentor_id,
        &input.mentee_id,
        Origin::Coordinator,
        now,
    )
    .await?;
    tx.commit().await?;
    super::mentorships::get(state, caller, &id).await
}

async fn insert_proposal(
    db: &impl ConnectionTrait,
    program_id: &str,
    mentor_id: &str,
    mentee_id: &str,
    origin: Origin,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let id = new_id();
    mentorship::ActiveModel {
        id: Set(id.clone()),
        program_id: Set(program_id.to_string()),
        mentor_id: Set(Some(mentor_id.to_string())),
        status: Set(S::Proposed.as_str().into()),
        origin: Set(origin.as_str().into()),
        intro: Set(String::new()),
        reasons: Set(String::new()),
        ask: Set(String::new()),
        decline_reason: Set(None),
        merged_into: Set(None),
        mentor_accepted: Set(false),
        created_at: Set(now),
        expires_at: Set(None),
        started_at: Set(None),
        ended_at: Set(None),
        end_reason: Set(None),
        end_note: Set(None),
    }
    .insert(db)
    .await?;
    mentorship_mentee::ActiveModel {
        id: Set(new_id()),
        mentorship_id: Set(id.clone()),
        mentee_id: Set(Some(mentee_id.to_string())),
        accepted: Set(false),
        joined_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RoundIn {
    /// `optimal` (most mentees matched, then the highest total score) or `stable`
    /// (no mentee and mentor would both rather be with each other).
    pub objective: String,
    /// Pairs scoring below this (0–100) are not proposed. Default 0.
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
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundOut {
    pub id: String,
    pub program_id: String,
    /// `draft`, `published` or `discarded`.
    pub status: String,
    pub objective: String,
    pub min_score: f64,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub pairs: Vec<RoundPairOut>,
    pub unmatched_mentee_ids: Vec<String>,
    pub stats: RoundStats,
}

fn parse_objective(raw: &str) -> Result<&'static str, String> {
    match raw.trim() {
        "optimal" => Ok("optimal"),
        "stable" => Ok("stable"),
        _ => Err("must be optimal or stable".into()),
    }
}

/// The candidate instance of a pool, restricted to pairs scoring at least `min_score`
/// (hundredths), plus any `extra` pairs a coordinator added by hand.
fn instance_of(
    pool: &Pool,
    mentees: &[usize],
    min_score: i32,
    extra: &[(usize, usize)],
) -> engine::Instance {
    let engine_mentees: Vec<engine::Mentee> = mentees
        .iter()
        .map(|&i| pool.mentees[i].engine.clone())
        .collect();
    let engine_mentors: Vec<engine::Mentor> =
        pool.mentors.iter().map(|m| m.engine.clone()).collect();
    let full = engine::candidates(
        &engine_mentees,
        &engine_mentors,
        pool.kind,
        &pool.weights,
        &pool.rules,
        &engine::CandidateOptions::default(),
    );
    let mut builder = engine::InstanceBuilder::new(full.mentor_capacity().to_vec());
    for (k, &i) in mentees.iter().enumerate() {
        let mut edges: Vec<engine::Edge> = full
            .edges_of(k)
            .iter()
            .filter(|e| {
                (i64::from(e.mentee_score) + i64::from(e.mentor_score)) >= 2 * i64::from(min_score)
            })
            .copied()
            .collect();
        for &(mi, j) in extra {
            if mi == i && !edges.iter().any(|e| e.mentor as usize == j) {
                let s = engine::score(
                    &pool.mentees[i].engine,
                    &pool.mentors[j].engine,
                    pool.kind,
                    &pool.weights,
                );
                edges.push(engine::Edge {
                    mentor: j as u32,
                    mentee_score: s.mentee_view,
                    mentor_score: s.mentor_view,
                });
            }
        }
        builder
            .push_mentee(edges)
            .expect("edges name known mentors once");
    }
    builder.finish()
}

async fn find_round(state: &AppState, caller: &Caller, id: &str) -> AppResult<round::Model> {
    let r = round::Entity::find_by_id(id.to_string())
        .one(&state.store.db)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    if !programs::can_run(&state.store.db, caller, &r.program_id).await? {
        return Err(AppError::NotFound("round"));
    }
    Ok(r)
}

async fn round_out(db: &impl ConnectionTrait, r: round::Model) -> AppResult<RoundOut> {
    let rows = round_pair::Entity::find()
        .filter(round_pair::Column::RoundId.eq(r.id.as_str()))
        .order_by_desc(round_pair::Column::Score)
        .order_by_asc(round_pair::Column::MenteeId)
        .all(db)
        .await?;
    let ids: Vec<String> = rows
        .iter()
        .flat_map(|p| [p.mentor_id.clone(), p.mentee_id.clone()])
        .collect();
    let names = users_by_id(db, &ids).await?;
    let name = |id: &str| {
        names
            .get(id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "Former member".into())
    };
    let total: i64 = rows.iter().map(|p| i64::from(p.score)).sum();
    let pairs: Vec<RoundPairOut> = rows
        .iter()
        .map(|p| RoundPairOut {
            mentor_id: p.mentor_id.clone(),
            mentor_name: name(&p.mentor_id),
            mentee_id: p.mentee_id.clone(),
            mentee_name: name(&p.mentee_id),
            score: points(i64::from(p.score)),
            explanation: serde_json::from_str(&p.explanation).unwrap_or_default(),
        })
        .collect();
    Ok(RoundOut {
        stats: RoundStats {
            pairs: pairs.len(),
            total_score: points(total),
            mean_score: if pairs.is_empty() {
                0.0
            } else {
                points(total / pairs.len() as i64)
            },
            blocking_pairs: r.blocking_pairs,
        },
        id: r.id,
        program_id: r.program_id,
        status: r.status,
        objective: r.objective,
        min_score: points(i64::from(r.min_score)),
        created_at: r.created_at,
        published_at: r.published_at,
        pairs,
        unmatched_mentee_ids: text_to_list(&r.unmatched_mentee_ids),
    })
}

fn pair_row(round_id: &str, pool: &Pool, i: usize, j: usize) -> round_pair::ActiveModel {
    let scored = engine::score(
        &pool.mentees[i].engine,
        &pool.mentors[j].engine,
        pool.kind,
        &pool.weights,
    );
    round_pair::ActiveModel {
        id: Set(new_id()),
        round_id: Set(round_id.to_string()),
        mentor_id: Set(pool.mentors[j].id.clone()),
        mentee_id: Set(pool.mentees[i].id.clone()),
        score: Set(scored.score),
        mentee_score: Set(scored.mentee_view),
        mentor_score: Set(scored.mentor_view),
        explanation: Set(
            serde_json::to_string(&explanation(&scored)).expect("explanations serialise")
        ),
    }
}

async fn insert_pairs(
    db: &impl ConnectionTrait,
    rows: Vec<round_pair::ActiveModel>,
) -> AppResult<()> {
    for chunk in rows.chunks(400) {
        round_pair::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Runs the engine over the program's whole pool and keeps the result as a draft.
pub async fn create_round(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &RoundIn,
) -> AppResult<RoundOut> {
    let mut p = Problems::default();
    let objective = p.take("objective", parse_objective(&input.objective));
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
    let (objective, min_score) = (objective.unwrap(), min_score.unwrap());
    let program = programs::find(&state.store.db, program_id).await?;
    if !programs::can_run(&state.store.db, caller, program_id).await? {
        return Err(AppError::forbidden(
            "only this program's coordinators can run a matching round",
        ));
    }
    let now = state.clock.now();
    let pool = load_pool(&state.store.db, program, now).await?;
    let eligible: Vec<usize> = (0..pool.mentees.len())
        .filter(|&i| pool.mentee_has_room(&pool.mentees[i].id))
        .collect();
    // Candidate generation and solving are CPU work: keep them off the async workers.
    let (pool, eligible, assignment, blocking) = tokio::task::spawn_blocking(move || {
        let instance = instance_of(&pool, &eligible, min_score, &[]);
        let assignment = if objective == "stable" {
            engine::solve_stable(&instance)
        } else {
            engine::solve_optimal(&instance)
        };
        let blocking = engine::count_blocking_pairs(&instance, &assignment);
        (pool, eligible, assignment, blocking)
    })
    .await
    .map_err(|e| anyhow::anyhow!("matching task failed: {e}"))?;
    let round_id = new_id();
    let mut rows = Vec::new();
    let mut unmatched = Vec::new();
    for (k, &i) in eligible.iter().enumerate() {
        match assignment.mentor_of[k] {
            Some(j) => rows.push(pair_row(&round_id, &pool, i, j as usize)),
            None => unmatched.push(pool.mentees[i].id.clone()),
        }
    }
    let tx = state.store.write().await?;
    round::ActiveModel {
        id: Set(round_id.clone()),
        program_id: Set(program_id.to_string()),
        objective: Set(objective.to_string()),
        min_score: Set(min_score),
        status: Set("draft".into()),
        created_by: Set(Some(caller.id().to_string())),
        created_at: Set(now),
        published_at: Set(None),
        unmatched_mentee_ids: Set(serde_json::to_string(&unmatched).expect("ids serialise")),
        blocking_pairs: Set(blocking as i32),
    }
    .insert(&*tx)
    .await?;
    insert_pairs(&*tx, rows).await?;
    let saved = round::Entity::find_by_id(round_id)
        .one(&*tx)
        .await?
        .ok_or(AppError::NotFound("round"))?;
    let out = round_out(&*tx, saved).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn get_round(state: &AppState, caller: &Caller, id: &str) -> AppResult<RoundOut> {
    let r = find_round(state, caller, id).await?;
    round_out(&state.store.db, r).await
}

/// The program's rounds, newest first (coordinators).
pub async fn rounds_of(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<Vec<RoundOut>> {
    programs::find(&state.store.db, program_id).await?;
    if !programs::can_run(&state.store.db, caller, program_id).await? {
        return Err(AppError::forbidden(
            "only this program's coordinators can see its rounds",
        ));
    }
    let rows = round::Entity::find()
        .filter(round::Column::ProgramId.eq(program_id))
        .order_by_desc(round::Column::CreatedAt)
        .all(&state.store.db)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(round_out(&state.store.db, r).await?);
    }
    Ok(out)
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
    if r.status != "draft" {
        return Err(AppError::conflict(
            "round_not_draft",
            format!("this round is {}; only drafts change", r.status),
        ));
    }
    Ok(())
}

/// Removes and adds pairs in a draft; every added pair is checked like a new proposal.
pub async fn patch_round(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &RoundPatch,
) -> AppResult<RoundOut> {
    let r = find_round(state, caller, id).await?;
    ensure_draft(&r)?;
    let program = programs::find(&state.store.db, &r.program_id).await?;
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let pool = load_pool(&*tx, program, now).await?;
    let mut current: Vec<round_pair::Model> = round_pair::Entity::find()
        .filter(round_pair::Column::RoundId.eq(id))
        .all(&*tx)
        .await?;
    let mut problems = FieldErrors::new();
    for (k, [mentor, mentee]) in input.remove.iter().enumerate() {
        match current
            .iter()
            .position(|p| &p.mentor_id == mentor && &p.mentee_id == mentee)
        {
            Some(at) => {
                let gone = current.remove(at);
                round_pair::Entity::delete_by_id(gone.id).exec(&*tx).await?;
            }
            None => {
                problems.insert(
                    format!("remove[{k}]"),
                    "this pair is not in the draft".into(),
                );
            }
        }
    }
    let mut added = Vec::new();
    for (k, [mentor, mentee]) in input.add.iter().enumerate() {
        if current.iter().any(|p| &p.mentee_id == mentee)
            || added.iter().any(|(_, m): &(String, String)| m == mentee)
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
    insert_pairs(&*tx, rows).await?;

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
    let instance = instance_of(&pool, &eligible, 0, &extra);
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
    let mut row: round::ActiveModel = r.into();
    row.unmatched_mentee_ids = Set(serde_json::to_string(&unmatched).expect("ids serialise"));
    row.blocking_pairs = Set(blocking);
    let saved = row.update(&*tx).await?;
    let out = round_out(&*tx, saved).await?;
    tx.commit().await?;
    Ok(out)
}

/// Publishes a draft: every pair becomes a `proposed` mentorship (origin `round`),
/// the program's other drafts are discarded. Capacity is checked again first.
pub async fn publish_round(state: &AppState, caller: &Caller, id: &str) -> AppResult<RoundOut> {
    let r = find_round(state, caller, id).await?;
    ensure_draft(&r)?;
    let program = programs::find(&state.store.db, &r.program_id).await?;
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let pool = load_pool(&*tx, program, now).await?;
    let pairs = round_pair::Entity::find()
        .filter(round_pair::Column::RoundId.eq(id))
        .order_by_asc(round_pair::Column::MenteeId)
        .all(&*tx)
        .await?;
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
            &*tx,
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
            for (to, other, part) in [
                (&mentor.name, &mentee.name, "mentor"),
                (&mentee.name, &mentor.name, "mentee"),
            ] {
                let address = if part == "mentor" {
                    &mentor.engine.profile.email
                } else {
                    &mentee.engine.profile.email
                };
                emails.push(Email {
                    to_name: to.clone(),
                    to_address: address.clone(),
                    subject: format!("A proposed match in {}: {other}", pool.program.name),
                    body: format!(
                        "Hello {to},\n\nThe coordinators of {program} propose that you and {other} work \
                         together, with you as the {part}. Read why this match was suggested, and accept or \
                         decline it, here:\n\n{link}\n\nThe match starts once both of you have accepted.\n",
                        program = pool.program.name
                    ),
                });
            }
        }
    }
    round::Entity::update_many()
        .col_expr(
            round::Column::Status,
            sea_orm::sea_query::Expr::value("discarded"),
        )
        .filter(round::Column::ProgramId.eq(r.program_id.as_str()))
        .filter(round::Column::Status.eq("draft"))
        .filter(round::Column::Id.ne(id))
        .exec(&*tx)
        .await?;
    let mut row: round::ActiveModel = r.into();
    row.status = Set("published".into());
    row.published_at = Set(Some(now));
    let saved = row.update(&*tx).await?;
    let out = round_out(&*tx, saved).await?;
    tx.commit().await?;
    state.mailer.send_all(&emails).await;
    Ok(out)
}

/// Checks a minimum score typed in a form.
pub fn parse_min_score(raw: &str) -> Result<Option<f64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let v: i64 = raw
        .parse()
        .map_err(|_| "must be a whole number from 0 to 100".to_string())?;
    in_range(v, 0, 100).map(|v| Some(v as f64))
}
