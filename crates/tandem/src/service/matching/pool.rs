//! A program's pool as the engine sees it: every enrolled mentee and mentor with
//! their profiles, places left and the pairs the hard rules exclude, loaded once;
//! and the one check a pair passes before it is proposed.
use super::*;
use crate::domain::access::{program_access, ProgramAct, ProgramFacts};
use crate::domain::ids::{Pairing, ProgramId};
use crate::domain::wire::{MentorshipStatus as S, Role};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::programs::capacity_of;
use crate::store::db::Connection;
use crate::store::entities::program;
use crate::store::{programs, rounds as store};
use chrono::{DateTime, Utc};
use sea_orm::StreamTrait;
use std::collections::{BTreeSet, HashMap, HashSet};
use tandem_match as engine;

/// Someone in the pool: their account, what others see of them, and what the engine sees.
pub(super) struct Member<T> {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) field: String,
    pub(super) known_for: String,
    pub(super) engine: T,
}

/// A program's people as the engine needs them, loaded once.
pub(super) struct Pool {
    pub(super) program: program::Model,
    pub(super) kind: engine::ProgramKind,
    pub(super) weights: engine::Weights,
    pub(super) rules: engine::HardRules,
    pub(super) mentees: Vec<Member<engine::Mentee>>,
    pub(super) mentors: Vec<Member<engine::Mentor>>,
    pub(super) emails: HashMap<String, String>,
    /// Open requests and relationships (mentor id, mentee id), any program.
    pub(super) open_pairs: BTreeSet<(String, String)>,
    /// Open requests and relationships each mentee has in this program.
    pub(super) mentee_load: HashMap<String, i64>,
    /// Mentors who are away: no place for anyone until they are back.
    pub(super) away: HashSet<String>,
}

impl Pool {
    pub(super) fn mentee(&self, id: &str) -> Option<&Member<engine::Mentee>> {
        self.mentees.iter().find(|m| m.id == id)
    }
    pub(super) fn mentor(&self, id: &str) -> Option<&Member<engine::Mentor>> {
        self.mentors.iter().find(|m| m.id == id)
    }
    pub(super) fn mentee_has_room(&self, id: &str) -> bool {
        self.mentee_load.get(id).copied().unwrap_or(0) < self.program.max_mentors_per_mentee as i64
    }
    pub(super) fn is_open(&self, mentor: &str, mentee: &str) -> bool {
        self.open_pairs
            .contains(&(mentor.to_string(), mentee.to_string()))
            || self
                .open_pairs
                .contains(&(mentee.to_string(), mentor.to_string()))
    }
}

pub(super) fn engine_profile(
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
pub(super) async fn load_pool(
    db: &(impl Connection + StreamTrait),
    program: program::Model,
    now: DateTime<Utc>,
) -> AppResult<Pool> {
    load_pool_of(db, program, now, None).await
}

/// The pool as it stands for these people only (`None`: everyone): what a check
/// of one pair needs, at the cost of two people rather than the whole program.
pub(super) async fn load_pool_of(
    db: &(impl Connection + StreamTrait),
    program: program::Model,
    now: DateTime<Utc>,
    only: Option<&[&str]>,
) -> AppResult<Pool> {
    let links = store::pair_links(db, now, only).await?;
    pool_with_links(db, program, now, only, &links).await
}

/// `load_pool_of` with the pairs the hard rules exclude already read (`links`,
/// of every program: one read serves several programs' pools).
pub(super) async fn pool_with_links(
    db: &(impl Connection + StreamTrait),
    program: program::Model,
    now: DateTime<Utc>,
    only: Option<&[&str]>,
    links: &[store::PairLink],
) -> AppResult<Pool> {
    let mut rules = engine::HardRules::new(program.max_timezone_gap_hours.max(0) as u32);
    let mut open_pairs = BTreeSet::new();
    let mut used: HashMap<String, i64> = HashMap::new();
    let mut mentee_load: HashMap<String, i64> = HashMap::new();
    for link in links {
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
    let away: HashSet<String> = crate::store::people::everyone_away(db)
        .await?
        .into_iter()
        .collect();
    let mut mentees = Vec::new();
    let mut mentors = Vec::new();
    let mut emails = HashMap::new();
    store::pool(db, &program.id, only, |row| {
        let e = &row.enrollment;
        let p = row
            .profile
            .unwrap_or_else(|| crate::store::people::empty_profile(&e.user_id));
        let base = engine_profile(&e.user_id, &row.email, &p, now);
        emails.insert(e.user_id.clone(), row.email.clone());
        match e.role {
            Role::Mentor => {
                let left = if away.contains(&e.user_id) {
                    0
                } else {
                    capacity_of(&program, e) - used.get(&e.user_id).copied().unwrap_or(0)
                };
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
        away,
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

/// Whether the pair may be proposed: both enrolled in their roles, the mentee has
/// room, no open request or relationship between them, every hard rule holds, and the
/// mentor has a place left once `extra_load` more of their places are counted.
pub(super) fn check_pair<'p>(
    pool: &'p Pool,
    pair: Pairing<'_>,
    extra_load: i64,
) -> Result<(&'p Member<engine::Mentor>, &'p Member<engine::Mentee>), String> {
    let (mentor_id, mentee_id) = (pair.mentor.0, pair.mentee.0);
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
    if pool.away.contains(mentor_id) {
        return Err(format!("{} is away for now", mentor.name));
    }
    let mut with_room = mentor.engine.clone();
    with_room.capacity = (i64::from(with_room.capacity) - extra_load).max(0) as u32;
    engine::passes_hard_rules(&mentee.engine, &with_room, &pool.rules)
        .map_err(|rule| format!("{} and {}: {rule}", mentor.name, mentee.name))?;
    Ok((mentor, mentee))
}

/// Refuses unless the caller may do `act` with the program; read inside the transaction.
pub(super) async fn require_in(
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
    let roles = programs::roles_in(tx, ProgramId(program_id), caller.person()).await?;
    let facts = ProgramFacts {
        coordinators: &ids,
        enrolled_as: &roles,
    };
    program_access(caller.viewer(), &facts, act)?;
    Ok(program)
}
