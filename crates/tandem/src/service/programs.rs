//! Programs, coordinators, enrolment and the mentor directory.
use crate::auth::Caller;
use crate::domain::{
    self, default_weights, in_range, labels, text, MentorshipStatus, Problems, ProgramContext,
    ProgramKind, Role, Weights,
};
use crate::error::{AppError, AppResult};
use crate::service::people::load_profile;
use crate::store::entities::{
    coordinator, enrollment, mentorship, mentorship_mentee, program, user,
};
use crate::store::{list_to_text, new_id, text_to_list};
use crate::AppState;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ProgramIn {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `traditional|peer|reverse|group`
    pub kind: String,
    /// `corporate|startup|academia|community`
    pub context: String,
    /// `YYYY-MM-DD`
    pub starts_on: String,
    /// `YYYY-MM-DD`, after `starts_on`.
    pub ends_on: String,
    pub mentor_capacity: Option<i64>,
    pub cadence_days: Option<i64>,
    pub max_mentors_per_mentee: Option<i64>,
    pub request_expiry_days: Option<i64>,
    pub max_timezone_gap_hours: Option<i64>,
    /// Criterion → 0…10 (0 switches it off); unnamed criteria keep their defaults.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub weights: BTreeMap<String, serde_json::Value>,
}

/// Every field optional: only what is given changes.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ProgramPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub kind: Option<String>,
    pub context: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub mentor_capacity: Option<i64>,
    pub cadence_days: Option<i64>,
    pub max_mentors_per_mentee: Option<i64>,
    pub request_expiry_days: Option<i64>,
    pub max_timezone_gap_hours: Option<i64>,
    #[schema(value_type = Object)]
    pub weights: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgramOut {
    pub id: String,
    pub name: String,
    pub description: String,
    pub kind: ProgramKind,
    pub context: ProgramContext,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub mentor_capacity: i32,
    pub cadence_days: i32,
    pub max_mentors_per_mentee: i32,
    pub request_expiry_days: i32,
    pub max_timezone_gap_hours: i32,
    pub weights: Weights,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<&program::Model> for ProgramOut {
    fn from(p: &program::Model) -> Self {
        ProgramOut {
            id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            kind: ProgramKind::parse(&p.kind).unwrap_or(ProgramKind::Traditional),
            context: ProgramContext::parse(&p.context).unwrap_or(ProgramContext::Corporate),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            mentor_capacity: p.mentor_capacity,
            cadence_days: p.cadence_days,
            max_mentors_per_mentee: p.max_mentors_per_mentee,
            request_expiry_days: p.request_expiry_days,
            max_timezone_gap_hours: p.max_timezone_gap_hours,
            weights: serde_json::from_str(&p.weights).unwrap_or_else(|_| default_weights()),
            created_at: p.created_at,
        }
    }
}

fn date(raw: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| "must be a date written YYYY-MM-DD".into())
}

/// Applies the given fields over `base` and checks the whole; one rule set for create and patch.
fn apply(base: &mut program::Model, patch: &ProgramPatch) -> AppResult<()> {
    let mut p = Problems::default();
    macro_rules! set_text {
        ($field:ident, $max:expr, $required:expr) => {
            if let Some(v) = &patch.$field {
                if let Some(v) = p.take(stringify!($field), text(v, $max, $required)) {
                    base.$field = v;
                }
            }
        };
    }
    macro_rules! set_num {
        ($field:ident, $min:expr, $max:expr) => {
            if let Some(v) = patch.$field {
                if let Some(v) = p.take(stringify!($field), in_range(v, $min, $max)) {
                    base.$field = v;
                }
            }
        };
    }
    set_text!(name, 200, true);
    set_text!(description, 5000, false);
    if let Some(k) = &patch.kind {
        if let Some(k) = p.take("kind", ProgramKind::parse(k)) {
            base.kind = k.as_str().into();
        }
    }
    if let Some(c) = &patch.context {
        if let Some(c) = p.take("context", ProgramContext::parse(c)) {
            base.context = c.as_str().into();
        }
    }
    if let Some(d) = &patch.starts_on {
        if let Some(d) = p.take("starts_on", date(d)) {
            base.starts_on = d;
        }
    }
    if let Some(d) = &patch.ends_on {
        if let Some(d) = p.take("ends_on", date(d)) {
            base.ends_on = d;
        }
    }
    set_num!(mentor_capacity, 1, 100);
    set_num!(cadence_days, 1, 365);
    set_num!(max_mentors_per_mentee, 1, 20);
    set_num!(request_expiry_days, 1, 365);
    set_num!(max_timezone_gap_hours, 0, 12);
    if let Some(w) = &patch.weights {
        let current = serde_json::from_str(&base.weights).unwrap_or_else(|_| default_weights());
        if let Some(w) = p.take("weights", domain::weights(current, w)) {
            base.weights = serde_json::to_string(&w).expect("weights serialise");
        }
    }
    if p.is_empty() && base.ends_on <= base.starts_on {
        p.add("ends_on", "must be after starts_on");
    }
    p.finish()
}

pub fn require_admin(caller: &Caller) -> AppResult<()> {
    if caller.user.is_admin {
        Ok(())
    } else {
        Err(AppError::forbidden("only an instance admin can do this"))
    }
}

pub async fn create(state: &AppState, caller: &Caller, input: &ProgramIn) -> AppResult<ProgramOut> {
    require_admin(caller)?;
    let mut model = program::Model {
        id: new_id(),
        name: String::new(),
        description: String::new(),
        kind: String::new(),
        context: String::new(),
        starts_on: NaiveDate::MIN,
        ends_on: NaiveDate::MIN,
        mentor_capacity: 3,
        cadence_days: 14,
        max_mentors_per_mentee: 1,
        request_expiry_days: 14,
        max_timezone_gap_hours: 12,
        weights: serde_json::to_string(&default_weights()).expect("weights serialise"),
        created_at: state.clock.now(),
    };
    apply(
        &mut model,
        &ProgramPatch {
            name: Some(input.name.clone()),
            description: Some(input.description.clone()),
            kind: Some(input.kind.clone()),
            context: Some(input.context.clone()),
            starts_on: Some(input.starts_on.clone()),
            ends_on: Some(input.ends_on.clone()),
            mentor_capacity: input.mentor_capacity,
            cadence_days: input.cadence_days,
            max_mentors_per_mentee: input.max_mentors_per_mentee,
            request_expiry_days: input.request_expiry_days,
            max_timezone_gap_hours: input.max_timezone_gap_hours,
            weights: Some(input.weights.clone()),
        },
    )?;
    let tx = state.store.write().await?;
    let saved = model.into_active_model().reset_all().insert(&*tx).await?;
    tx.commit().await?;
    Ok(ProgramOut::from(&saved))
}

pub async fn list(state: &AppState) -> AppResult<Vec<ProgramOut>> {
    Ok(program::Entity::find()
        .order_by_desc(program::Column::StartsOn)
        .order_by_asc(program::Column::Id)
        .all(&state.store.db)
        .await?
        .iter()
        .map(ProgramOut::from)
        .collect())
}

pub async fn find(db: &impl ConnectionTrait, id: &str) -> AppResult<program::Model> {
    program::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(AppError::NotFound("program"))
}

pub async fn get(state: &AppState, id: &str) -> AppResult<ProgramOut> {
    Ok(ProgramOut::from(&find(&state.store.db, id).await?))
}

pub async fn is_coordinator(
    db: &impl ConnectionTrait,
    program_id: &str,
    user_id: &str,
) -> AppResult<bool> {
    Ok(
        coordinator::Entity::find_by_id((program_id.to_string(), user_id.to_string()))
            .one(db)
            .await?
            .is_some(),
    )
}

/// Admins and the program's coordinators run a program.
pub async fn can_run(
    db: &impl ConnectionTrait,
    caller: &Caller,
    program_id: &str,
) -> AppResult<bool> {
    Ok(caller.user.is_admin || is_coordinator(db, program_id, caller.id()).await?)
}

async fn require_runner(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<program::Model> {
    let program = find(&state.store.db, program_id).await?;
    if !can_run(&state.store.db, caller, program_id).await? {
        return Err(AppError::forbidden(
            "only this program's coordinators can do this",
        ));
    }
    Ok(program)
}

pub async fn patch(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ProgramPatch,
) -> AppResult<ProgramOut> {
    let mut model = require_runner(state, caller, id).await?;
    apply(&mut model, input)?;
    let tx = state.store.write().await?;
    let saved = model.into_active_model().reset_all().update(&*tx).await?;
    tx.commit().await?;
    Ok(ProgramOut::from(&saved))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CoordinatorIn {
    pub person_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinatorOut {
    pub program_id: String,
    pub person: PersonRef,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
}

pub async fn add_coordinator(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &CoordinatorIn,
) -> AppResult<CoordinatorOut> {
    require_admin(caller)?;
    find(&state.store.db, program_id).await?;
    let person = user::Entity::find_by_id(input.person_id.clone())
        .one(&state.store.db)
        .await?
        .ok_or_else(|| AppError::field("person_id", "no account with this id"))?;
    let tx = state.store.write().await?;
    if is_coordinator(&*tx, program_id, &person.id).await? {
        return Err(AppError::conflict(
            "already_coordinator",
            format!("{} already coordinates this program", person.name),
        ));
    }
    let saved = coordinator::ActiveModel {
        program_id: Set(program_id.to_string()),
        user_id: Set(person.id.clone()),
        created_at: Set(state.clock.now()),
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    Ok(CoordinatorOut {
        program_id: saved.program_id,
        person: PersonRef {
            id: person.id,
            name: person.name,
        },
        created_at: saved.created_at,
    })
}

pub async fn coordinators(state: &AppState, program_id: &str) -> AppResult<Vec<PersonRef>> {
    let rows = coordinator::Entity::find()
        .filter(coordinator::Column::ProgramId.eq(program_id))
        .order_by_asc(coordinator::Column::CreatedAt)
        .all(&state.store.db)
        .await?;
    let mut out = Vec::new();
    for c in rows {
        if let Some(u) = user::Entity::find_by_id(c.user_id)
            .one(&state.store.db)
            .await?
        {
            out.push(PersonRef {
                id: u.id,
                name: u.name,
            });
        }
    }
    Ok(out)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct EnrollmentIn {
    /// `mentor|mentee`
    pub role: String,
    /// Mentors only: how many mentees at once (defaults to the program's `mentor_capacity`).
    pub capacity: Option<i64>,
    #[serde(default)]
    pub wants_skills: Vec<String>,
    #[serde(default)]
    pub goals_summary: String,
    /// Coordinators may enrol someone else.
    pub person_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnrollmentOut {
    pub id: String,
    pub program_id: String,
    pub person: PersonRef,
    pub role: Role,
    pub capacity: Option<i32>,
    pub wants_skills: Vec<String>,
    pub goals_summary: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn enrollment_out(e: &enrollment::Model, name: String) -> EnrollmentOut {
    EnrollmentOut {
        id: e.id.clone(),
        program_id: e.program_id.clone(),
        person: PersonRef {
            id: e.user_id.clone(),
            name,
        },
        role: Role::parse(&e.role).unwrap_or(Role::Mentee),
        capacity: e.capacity,
        wants_skills: text_to_list(&e.wants_skills),
        goals_summary: e.goals_summary.clone(),
        created_at: e.created_at,
    }
}

pub async fn enroll(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    input: &EnrollmentIn,
) -> AppResult<EnrollmentOut> {
    let program = find(&state.store.db, program_id).await?;
    let mut p = Problems::default();
    let role = p.take("role", Role::parse(&input.role));
    let capacity = match input.capacity {
        Some(_) if role == Some(Role::Mentee) => {
            p.add("capacity", "only mentors have a capacity");
            None
        }
        Some(c) => p.take("capacity", in_range(c, 1, 100)),
        None => None,
    };
    let wants = p
        .take("wants_skills", labels(&input.wants_skills, 30))
        .unwrap_or_default();
    let goals = p
        .take("goals_summary", text(&input.goals_summary, 2000, false))
        .unwrap_or_default();
    p.finish()?;
    let role = role.expect("checked");
    let person = match input.person_id.as_deref() {
        Some(other) if other != caller.id() => {
            if !can_run(&state.store.db, caller, program_id).await? {
                return Err(AppError::forbidden(
                    "only this program's coordinators can enrol other people",
                ));
            }
            user::Entity::find_by_id(other.to_string())
                .one(&state.store.db)
                .await?
                .ok_or_else(|| AppError::field("person_id", "no account with this id"))?
        }
        _ => caller.user.clone(),
    };
    let tx = state.store.write().await?;
    let existing = enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .filter(enrollment::Column::UserId.eq(person.id.as_str()))
        .all(&*tx)
        .await?;
    if existing.iter().any(|e| e.role == role.as_str()) {
        return Err(AppError::conflict(
            "already_enrolled",
            format!("{} is already enrolled as {role}", person.name),
        ));
    }
    if !existing.is_empty() && program.kind != ProgramKind::Peer.as_str() {
        return Err(AppError::conflict(
            "already_enrolled",
            "only peer programs let one person enrol as both mentor and mentee",
        ));
    }
    let saved = enrollment::ActiveModel {
        id: Set(new_id()),
        program_id: Set(program_id.to_string()),
        user_id: Set(person.id.clone()),
        role: Set(role.as_str().into()),
        capacity: Set(capacity),
        wants_skills: Set(list_to_text(&wants)),
        goals_summary: Set(goals),
        created_at: Set(state.clock.now()),
    }
    .insert(&*tx)
    .await?;
    tx.commit().await?;
    Ok(enrollment_out(&saved, person.name))
}

async fn with_names(
    db: &impl ConnectionTrait,
    rows: Vec<enrollment::Model>,
) -> AppResult<Vec<EnrollmentOut>> {
    let mut out = Vec::with_capacity(rows.len());
    for e in rows {
        let name = user::Entity::find_by_id(e.user_id.clone())
            .one(db)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        out.push(enrollment_out(&e, name));
    }
    Ok(out)
}

pub async fn enrollments(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<Vec<EnrollmentOut>> {
    require_runner(state, caller, program_id).await?;
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .order_by_asc(enrollment::Column::CreatedAt)
        .order_by_asc(enrollment::Column::Id)
        .all(&state.store.db)
        .await?;
    with_names(&state.store.db, rows).await
}

pub async fn my_enrollments(state: &AppState, caller: &Caller) -> AppResult<Vec<EnrollmentOut>> {
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::UserId.eq(caller.id()))
        .order_by_asc(enrollment::Column::CreatedAt)
        .all(&state.store.db)
        .await?;
    with_names(&state.store.db, rows).await
}

pub async fn coordinated_by(state: &AppState, caller: &Caller) -> AppResult<Vec<ProgramOut>> {
    let ids: Vec<String> = coordinator::Entity::find()
        .filter(coordinator::Column::UserId.eq(caller.id()))
        .all(&state.store.db)
        .await?
        .into_iter()
        .map(|c| c.program_id)
        .collect();
    Ok(program::Entity::find()
        .filter(program::Column::Id.is_in(ids))
        .order_by_asc(program::Column::Name)
        .all(&state.store.db)
        .await?
        .iter()
        .map(ProgramOut::from)
        .collect())
}

pub async fn enrollment_of(
    db: &impl ConnectionTrait,
    program_id: &str,
    user_id: &str,
    role: Role,
) -> AppResult<Option<enrollment::Model>> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .filter(enrollment::Column::UserId.eq(user_id))
        .filter(enrollment::Column::Role.eq(role.as_str()))
        .one(db)
        .await?)
}

/// How many mentees a mentor takes in this program.
pub fn capacity_of(program: &program::Model, mentor: &enrollment::Model) -> i64 {
    mentor.capacity.unwrap_or(program.mentor_capacity) as i64
}

/// Mentees a mentor holds in a program: active, paused and proposed relationships.
pub async fn used_capacity(
    db: &impl ConnectionTrait,
    program_id: &str,
    mentor_id: &str,
) -> AppResult<i64> {
    let ids: Vec<String> = mentorship::Entity::find()
        .filter(mentorship::Column::ProgramId.eq(program_id))
        .filter(mentorship::Column::MentorId.eq(mentor_id))
        .filter(
            mentorship::Column::Status
                .is_in(MentorshipStatus::strs(MentorshipStatus::USING_CAPACITY)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(mentorship_mentee::Entity::find()
        .filter(mentorship_mentee::Column::MentorshipId.is_in(ids))
        .count(db)
        .await? as i64)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MentorSearch {
    /// Free text over name, field, headline, known for, bio and skills.
    pub q: Option<String>,
    /// A skill the mentor has (case-insensitive).
    pub skill: Option<String>,
    /// The mentor's field (case-insensitive).
    pub field: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorCard {
    pub id: String,
    pub name: String,
    pub field: String,
    pub headline: String,
    pub known_for: String,
    pub seniority: Option<String>,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub timezone: Option<String>,
    pub capacity: i64,
    pub open_slots: i64,
}

/// The program's mentors, filtered; open to its participants and those who run it.
pub async fn search_mentors(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    search: &MentorSearch,
) -> AppResult<Vec<MentorCard>> {
    let program = find(&state.store.db, program_id).await?;
    let db = &state.store.db;
    let enrolled = enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .filter(enrollment::Column::UserId.eq(caller.id()))
        .one(db)
        .await?
        .is_some();
    if !enrolled && !can_run(db, caller, program_id).await? {
        return Err(AppError::forbidden(
            "enrol in this program to browse its mentors",
        ));
    }
    let mentors = enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program_id))
        .filter(enrollment::Column::Role.eq(Role::Mentor.as_str()))
        .order_by_asc(enrollment::Column::CreatedAt)
        .all(db)
        .await?;
    let norm = |s: &Option<String>| {
        s.as_deref()
            .map(|v| v.trim().to_lowercase())
            .filter(|v| !v.is_empty())
    };
    let (q, skill, field) = (norm(&search.q), norm(&search.skill), norm(&search.field));
    let mut out = Vec::new();
    for e in mentors {
        let Some(u) = user::Entity::find_by_id(e.user_id.clone()).one(db).await? else {
            continue;
        };
        let p = load_profile(db, &u.id).await?;
        if let Some(skill) = &skill {
            if !p.skills.iter().any(|s| s.to_lowercase() == *skill) {
                continue;
            }
        }
        if let Some(field) = &field {
            if p.field.to_lowercase() != *field {
                continue;
            }
        }
        if let Some(q) = &q {
            let haystack = format!(
                "{} {} {} {} {} {}",
                u.name,
                p.field,
                p.headline,
                p.known_for,
                p.bio,
                p.skills.join(" ")
            )
            .to_lowercase();
            if !q.split_whitespace().all(|word| haystack.contains(word)) {
                continue;
            }
        }
        let capacity = capacity_of(&program, &e);
        let used = used_capacity(db, program_id, &u.id).await?;
        out.push(MentorCard {
            id: u.id,
            name: u.name,
            field: p.field,
            headline: p.headline,
            known_for: p.known_for,
            seniority: p.seniority,
            skills: p.skills,
            languages: p.languages,
            timezone: p.timezone,
            capacity,
            open_slots: (capacity - used).max(0),
        });
    }
    out.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    Ok(out)
}
