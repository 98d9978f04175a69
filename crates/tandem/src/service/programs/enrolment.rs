//! Who takes part in a program and in which role: a person enrols themself, a
//! coordinator may enrol others; the enrolment list; a mentor's capacity.
use super::*;
use crate::domain::access::ProgramAct;
use crate::domain::enrolment::{may_enrol, NotEnrollable};
use crate::domain::ids::{PersonId, ProgramId};
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::values::{in_range, labels, text, Pick, Problems};
use crate::domain::wire::Role;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::paging::Listing;
use crate::state::AppState;
use crate::store::entities::{enrollment, program};
use crate::store::records::ProgramRecord;
use crate::store::{accounts, programs as store};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct EnrollmentIn {
    #[schema(value_type = Role, required = true)]
    #[serde(default)]
    pub role: Pick<Role>,
    /// Mentors only: how many mentees at once (defaults to the program's `mentor_capacity`).
    #[schema(minimum = 1, maximum = 100)]
    pub capacity: Option<i64>,
    #[serde(default)]
    #[schema(max_items = 30)]
    pub wants_skills: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub goals_summary: String,
    /// Coordinators may enrol someone else.
    pub person_id: Option<String>,
}

impl EnrollmentIn {
    /// Oneself in a role, with nothing else said.
    pub fn as_role(role: Role) -> EnrollmentIn {
        EnrollmentIn {
            role: Pick::of(role),
            capacity: None,
            wants_skills: Vec::new(),
            goals_summary: String::new(),
            person_id: None,
        }
    }
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
    /// The person's address, for the coordinator's pickers (which must tell two
    /// people of one name apart); not part of the API's answer.
    #[serde(skip)]
    pub email: String,
}

pub(super) fn enrollment_out(e: &enrollment::Model, name: String, email: String) -> EnrollmentOut {
    EnrollmentOut {
        email,
        id: e.id.clone(),
        program_id: e.program_id.clone(),
        person: PersonRef {
            id: e.user_id.clone(),
            name,
        },
        role: e.role,
        capacity: e.capacity,
        wants_skills: e.wants_skills.0.clone(),
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
    let tx = state.store.write().await?;
    let program = store::lock_program(&tx, program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    let mut enrolled_by_other = false;
    let person = match input.person_id.as_deref() {
        Some(other) if other != caller.id() => {
            enrolled_by_other = true;
            let record = ProgramRecord {
                coordinators: store::coordinators_of(&tx, program_id).await?,
                program: program.clone(),
            };
            require(&tx, caller, &record, ProgramAct::EnrolOthers).await?;
            accounts::user_by_id(&tx, other)
                .await?
                .ok_or_else(|| AppError::field("person_id", "no account with this id"))?
        }
        _ => caller.user().clone(),
    };
    // Who is enrolled, and by whom, is decided before what the form holds.
    let mut p = Problems::default();
    let role = p.take("role", input.role.required());
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
    super::refuse_if_archived(&program)?;
    let role = role.unwrap_or(Role::Mentee);
    let existing = store::roles_in(&tx, ProgramId(program_id), PersonId(&person.id)).await?;
    match may_enrol(program.kind, &existing, role) {
        Ok(()) => {}
        Err(NotEnrollable::AlreadyInRole) => {
            return Err(AppError::conflict(
                "already_enrolled",
                format!("{} is already enrolled as {role}", person.name),
            ))
        }
        Err(NotEnrollable::OneRoleOnly) => {
            return Err(AppError::conflict(
                "already_enrolled",
                "only peer programs let one person enrol as both mentor and mentee",
            ))
        }
    }
    let new = store::NewEnrollment {
        program: ProgramId(program_id),
        person: PersonId(&person.id),
        name: &person.name,
        role,
        capacity,
        wants_skills: wants,
        goals_summary: goals,
        at: state.clock.now(),
    };
    let saved = store::insert_enrollment(&tx, new).await?;
    if enrolled_by_other {
        crate::service::audit::record(
            &tx,
            state,
            caller.id(),
            crate::domain::audit::AuditAction::PersonEnrolled,
            crate::service::audit::Object::Program(program_id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(enrollment_out(&saved, person.name, person.email))
}

/// The program's enrolments in the order they came (its coordinators).
pub async fn enrollments(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    page: &PageRequest,
) -> AppResult<Listing<EnrollmentOut>> {
    program_for(state, caller, program_id, ProgramAct::SeeEnrollments).await?;
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let rows = store::enrollments_page(state.store.read(), program_id, after, page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, |r| {
        Cursor::of_time_and_id(r.enrollment.created_at, &r.enrollment.id)
    });
    Ok(Listing {
        items: rows
            .into_iter()
            .map(|r| enrollment_out(&r.enrollment, r.name, r.email))
            .collect(),
        next_cursor,
    })
}

pub async fn my_enrollments(state: &AppState, caller: &Caller) -> AppResult<Vec<EnrollmentOut>> {
    Ok(store::enrollments_of(state.store.read(), caller.id())
        .await?
        .into_iter()
        .map(|r| enrollment_out(&r.enrollment, r.name, r.email))
        .collect())
}

pub async fn coordinated_by(state: &AppState, caller: &Caller) -> AppResult<Vec<ProgramOut>> {
    Ok(
        store::programs_coordinated_by(state.store.read(), caller.id())
            .await?
            .iter()
            .map(ProgramOut::from)
            .collect(),
    )
}

/// How many mentees a mentor takes in this program.
pub fn capacity_of(program: &program::Model, mentor: &enrollment::Model) -> i64 {
    mentor.capacity.unwrap_or(program.mentor_capacity) as i64
}
