//! What a mentee sees of the pool: ranked, explained suggestions, why a mentor is
//! or is not among them, and why this match for a request or a proposal.
use super::pool::*;
use super::*;
use crate::domain::access::ProgramAct;
use crate::domain::wire::Exclusion;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::programs::program_for;
use crate::state::AppState;
use crate::store::programs;
use serde::Serialize;
use tandem_match as engine;
use utoipa::ToSchema;

/// The mentee's suggestions, all of them, in order: every mentor the hard rules allow
/// and no open request or relationship ties to them, best score first, then by name.
pub(super) fn ranked_for<'p>(
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
pub(super) async fn suggestions_pool(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<Pool> {
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

/// Why this match: the compatibility of a relationship's mentor and its mentee (the
/// caller, when they are a mentee; else the first mentee), for its participants
/// (the request's reader, both sides of a proposed match). None when one of them is
/// no longer enrolled in the program.
pub async fn why_this_match(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<Option<Suggestion>> {
    let (rel, part) = crate::service::relationship::read_part(
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
    // Each side reads about the other: the mentor about the mentee, in the third person.
    let (mentee_id, reader) = match part {
        crate::domain::access::Part::Mentee => (caller.id(), engine::Reader::Mentee),
        crate::domain::access::Part::Mentor => match r.mentee_ids().first() {
            Some(id) => (*id, engine::Reader::Mentor),
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
    let scored = engine::score_for(
        &mentee.engine,
        &mentor.engine,
        pool.kind,
        &pool.weights,
        reader,
    );
    Ok(Some(Suggestion {
        mentor: mentor.into(),
        score: points(scored.score as i64),
        explanation: explanation(&scored),
    }))
}

/// Each exclusion of a pair, in a sentence: the hard rules it breaks (from the engine),
/// an open request or relationship between the two. The mentor's `capacity` in `pool` is
/// the places left in the program.
pub(super) fn exclusions(
    pool: &Pool,
    mentee: &Member<engine::Mentee>,
    mentor: &Member<engine::Mentor>,
) -> Vec<(Exclusion, String)> {
    let mut found: Vec<(Exclusion, String)> =
        engine::broken_rules(&mentee.engine, &mentor.engine, &pool.rules)
            .into_iter()
            .map(|rule| {
                let away = pool.away.contains(&mentor.id);
                let kind = match rule {
                    engine::Rule::SamePerson => Exclusion::SelfPair,
                    engine::Rule::Manager => Exclusion::Manager,
                    engine::Rule::PreviousPair => Exclusion::PairedBefore,
                    // An away mentor has no place for anyone: say why.
                    engine::Rule::NoCapacity if away => Exclusion::Away,
                    engine::Rule::NoCapacity => Exclusion::Capacity,
                    engine::Rule::NoSharedLanguage => Exclusion::Language,
                    engine::Rule::TimezoneGap { .. } => Exclusion::Timezone,
                };
                let detail = match rule {
                    engine::Rule::NoCapacity if away => {
                        format!("{} is away for now", mentor.name)
                    }
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

/// A mentor who may suit a mentee next: who, and how well (0–100).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextMentor {
    pub id: String,
    pub name: String,
    pub score: f64,
}

impl std::fmt::Display for NextMentor {
    /// As an e-mail lists them: "Grace Hopper (87% match)".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:.0}% match)", self.name, self.score)
    }
}

/// The mentors who suit a mentee best now, as committed: a request being
/// answered in the caller's transaction still counts as open, so its mentor is
/// not suggested again. The pairs the hard rules exclude are read once for every
/// program, and one program's pool is held at a time (asked in order of program,
/// each pool is read once).
#[derive(Default)]
pub struct NextMentors {
    links: Option<Vec<crate::store::rounds::PairLink>>,
    pool: Option<Pool>,
}

impl NextMentors {
    /// The `n` best mentors with a place left for `mentee` in `program`.
    pub async fn of(
        &mut self,
        state: &AppState,
        program: &crate::store::entities::program::Model,
        mentee: &str,
        n: usize,
    ) -> AppResult<Vec<NextMentor>> {
        if self.pool.as_ref().map(|p| &p.program.id) != Some(&program.id) {
            // The last program's pool goes before the next is read.
            self.pool = None;
            let (db, now) = (state.store.read(), state.clock.now());
            let links = match self.links.take() {
                Some(links) => links,
                None => crate::store::rounds::pair_links(db, now, None).await?,
            };
            let pool = pool_with_links(db, program.clone(), now, None, &links).await;
            self.links = Some(links);
            self.pool = Some(pool?);
        }
        let Some(pool) = self.pool.as_ref() else {
            return Ok(Vec::new());
        };
        let Some(me) = pool.mentee(mentee) else {
            return Ok(Vec::new());
        };
        Ok(ranked_for(pool, me)
            .into_iter()
            .filter(|(_, m)| m.engine.capacity > 0)
            .take(n)
            .map(|(scored, m)| NextMentor {
                id: m.id.clone(),
                name: m.name.clone(),
                score: points(scored.score as i64),
            })
            .collect())
    }
}
