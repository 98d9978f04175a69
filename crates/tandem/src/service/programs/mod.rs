//! Programs: created by an admin, changed by their coordinators, read by everyone;
//! their coordinators. Enrolment (`enrolment`) and the mentor directory
//! (`directory`) are files of their own.
use crate::domain::ids::{PersonId, ProgramId};
mod directory;
mod enrolment;
pub mod import;

use crate::domain::access::{program_access, runs_program, ProgramAct, ProgramFacts};
use crate::domain::audit::AuditAction;
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::values::{
    date, in_range, line, text, Invalid, Pick, Problems, Weights, WeightsPatch,
};
use crate::domain::wire::{ProgramContext, ProgramKind};
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::audit::{self, Object};
use crate::service::paging::Listing;
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::program;
use crate::store::records::ProgramRecord;
use crate::store::{accounts, programs as store};
use chrono::NaiveDate;
pub use directory::*;
pub use enrolment::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProgramIn {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: String,
    #[schema(value_type = ProgramKind, required = true)]
    #[serde(default)]
    pub kind: Pick<ProgramKind>,
    #[schema(value_type = ProgramContext, required = true)]
    #[serde(default)]
    pub context: Pick<ProgramContext>,
    /// `YYYY-MM-DD`, in the years 1900–9999.
    #[schema(format = Date)]
    pub starts_on: String,
    /// `YYYY-MM-DD`, after `starts_on`.
    #[schema(format = Date)]
    pub ends_on: String,
    /// How many mentees a mentor takes at once, 1–100 (default 3).
    #[schema(minimum = 1, maximum = 100)]
    pub mentor_capacity: Option<i64>,
    /// Days between meetings, 1–365 (default 14).
    #[schema(minimum = 1, maximum = 365)]
    pub cadence_days: Option<i64>,
    /// 1–20 (default 1).
    #[schema(minimum = 1, maximum = 20)]
    pub max_mentors_per_mentee: Option<i64>,
    /// Days a request waits for an answer, 1–365 (default 14).
    #[schema(minimum = 1, maximum = 365)]
    pub request_expiry_days: Option<i64>,
    /// 0–12 (default 12).
    #[schema(minimum = 0, maximum = 12)]
    pub max_timezone_gap_hours: Option<i64>,
    #[serde(default)]
    pub weights: WeightsPatch,
}

impl ProgramIn {
    /// A program with the defaults for everything not named (for code that seeds).
    pub fn new(
        name: &str,
        kind: ProgramKind,
        context: ProgramContext,
        starts_on: &str,
        ends_on: &str,
    ) -> ProgramIn {
        ProgramIn {
            name: name.into(),
            description: String::new(),
            kind: Pick::of(kind),
            context: Pick::of(context),
            starts_on: starts_on.into(),
            ends_on: ends_on.into(),
            mentor_capacity: None,
            cadence_days: None,
            max_mentors_per_mentee: None,
            request_expiry_days: None,
            max_timezone_gap_hours: None,
            weights: WeightsPatch::default(),
        }
    }
}

/// Every field optional: only what is given changes.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ProgramPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(value_type = Option<ProgramKind>)]
    #[serde(default)]
    pub kind: Pick<ProgramKind>,
    #[schema(value_type = Option<ProgramContext>)]
    #[serde(default)]
    pub context: Pick<ProgramContext>,
    #[schema(format = Date)]
    pub starts_on: Option<String>,
    #[schema(format = Date)]
    pub ends_on: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub mentor_capacity: Option<i64>,
    #[schema(minimum = 1, maximum = 365)]
    pub cadence_days: Option<i64>,
    #[schema(minimum = 1, maximum = 20)]
    pub max_mentors_per_mentee: Option<i64>,
    #[schema(minimum = 1, maximum = 365)]
    pub request_expiry_days: Option<i64>,
    #[schema(minimum = 0, maximum = 12)]
    pub max_timezone_gap_hours: Option<i64>,
    pub weights: Option<WeightsPatch>,
    /// An archived program is read-only: no enrolment, request, pair or round
    /// (409 `program_archived`), and left out of the list unless asked for.
    pub archived: Option<bool>,
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
    pub archived: bool,
}

impl From<&program::Model> for ProgramOut {
    fn from(p: &program::Model) -> Self {
        ProgramOut {
            id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            kind: p.kind,
            context: p.context,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            mentor_capacity: p.mentor_capacity,
            cadence_days: p.cadence_days,
            max_mentors_per_mentee: p.max_mentors_per_mentee,
            request_expiry_days: p.request_expiry_days,
            max_timezone_gap_hours: p.max_timezone_gap_hours,
            weights: p.weights,
            created_at: p.created_at,
            archived: p.archived,
        }
    }
}

/// Refuses a new enrolment, request, pair or round in an archived program (409).
pub fn refuse_if_archived(program: &program::Model) -> AppResult<()> {
    if program.archived {
        return Err(AppError::conflict(
            "program_archived",
            format!(
                "{} is archived: it takes no new enrolments, requests, pairs or rounds",
                program.name
            ),
        ));
    }
    Ok(())
}

/// Applies the given fields over `base` and checks the whole; one rule set for
/// create and patch (`creating` requires the kind and the context).
pub(super) fn apply(
    base: &mut program::Model,
    patch: &ProgramPatch,
    creating: bool,
) -> Result<(), Invalid> {
    let mut p = Problems::default();
    macro_rules! set_text {
        ($field:ident, $check:ident, $max:expr, $required:expr) => {
            if let Some(v) = &patch.$field {
                if let Some(v) = p.take(stringify!($field), $check(v, $max, $required)) {
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
    macro_rules! set_date {
        ($field:ident) => {
            if let Some(d) = &patch.$field {
                if let Some(d) = p.take(stringify!($field), date(d)) {
                    base.$field = d;
                }
            }
        };
    }
    // The name goes into the subject of the program's e-mails.
    set_text!(name, line, 200, true);
    set_text!(description, text, 5000, false);
    let kind = if creating {
        patch.kind.required().map(Some)
    } else {
        patch.kind.optional()
    };
    if let Some(k) = p.take("kind", kind).flatten() {
        base.kind = k;
    }
    let context = if creating {
        patch.context.required().map(Some)
    } else {
        patch.context.optional()
    };
    if let Some(c) = p.take("context", context).flatten() {
        base.context = c;
    }
    set_date!(starts_on);
    set_date!(ends_on);
    set_num!(mentor_capacity, 1, 100);
    set_num!(cadence_days, 1, 365);
    set_num!(max_mentors_per_mentee, 1, 20);
    set_num!(request_expiry_days, 1, 365);
    set_num!(max_timezone_gap_hours, 0, 12);
    if let Some(w) = &patch.weights {
        if let Some(w) = p.take("weights", base.weights.apply(w)) {
            base.weights = w;
        }
    }
    if let Some(archived) = patch.archived {
        base.archived = archived;
    }
    if p.is_empty() && base.ends_on <= base.starts_on {
        p.add("ends_on", "must be after starts_on");
    }
    p.finish()
}

/// Refuses unless the caller may do `act` with the program; the facts are its
/// coordinators and the caller's own enrolments.
pub(super) async fn require(
    db: &impl Connection,
    caller: &Caller,
    record: &ProgramRecord,
    act: ProgramAct,
) -> AppResult<()> {
    let roles = store::roles_in(db, ProgramId(&record.program.id), caller.person()).await?;
    let coordinators = record.coordinator_ids();
    let facts = ProgramFacts {
        coordinators: &coordinators,
        enrolled_as: &roles,
    };
    Ok(program_access(caller.viewer(), &facts, act)?)
}

/// The program (with its coordinators) once the caller may do `act` with it; 404
/// when there is no such program.
pub async fn program_for(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    act: ProgramAct,
) -> AppResult<Arc<ProgramRecord>> {
    let record = store::program_cached(&state.store, program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    require(state.store.read(), caller, &record, act).await?;
    Ok(record)
}

/// Whether the caller runs this program (its coordinators and the instance admins).
pub fn runs(caller: &Caller, record: &ProgramRecord) -> bool {
    let coordinators = record.coordinator_ids();
    let facts = ProgramFacts {
        coordinators: &coordinators,
        enrolled_as: &[],
    };
    runs_program(caller.viewer(), &facts)
}

pub async fn create(state: &AppState, caller: &Caller, input: &ProgramIn) -> AppResult<ProgramOut> {
    caller.require_admin()?;
    let mut model = store::new_program(state.clock.now());
    apply(
        &mut model,
        &ProgramPatch {
            name: Some(input.name.clone()),
            description: Some(input.description.clone()),
            kind: input.kind.clone(),
            context: input.context.clone(),
            starts_on: Some(input.starts_on.clone()),
            ends_on: Some(input.ends_on.clone()),
            mentor_capacity: input.mentor_capacity,
            cadence_days: input.cadence_days,
            max_mentors_per_mentee: input.max_mentors_per_mentee,
            request_expiry_days: input.request_expiry_days,
            max_timezone_gap_hours: input.max_timezone_gap_hours,
            weights: Some(input.weights.clone()),
            archived: None,
        },
        true,
    )?;
    let tx = state.store.write().await?;
    let saved = store::insert_program(&tx, model).await?;
    audit::record(
        &tx,
        state,
        caller.id(),
        AuditAction::ProgramCreated,
        Object::Program(&saved.id),
    )
    .await?;
    tx.commit().await?;
    Ok(ProgramOut::from(&saved))
}

/// Every program, latest start first; archived ones too only when asked for.
pub async fn list(
    state: &AppState,
    page: &PageRequest,
    with_archived: bool,
) -> AppResult<Listing<ProgramOut>> {
    let after = page.after.as_ref().map(Cursor::date_and_id).transpose()?;
    let rows = store::programs_page(state.store.read(), after, page.fetch(), with_archived).await?;
    let (rows, next_cursor) = page.finish(rows, |p| {
        Cursor::new(vec![
            p.starts_on.format("%Y-%m-%d").to_string(),
            p.id.clone(),
        ])
    });
    Ok(Listing {
        items: rows.iter().map(ProgramOut::from).collect(),
        next_cursor,
    })
}

pub async fn get(state: &AppState, caller: &Caller, id: &str) -> AppResult<ProgramOut> {
    let record = program_for(state, caller, id, ProgramAct::Read).await?;
    Ok(ProgramOut::from(&record.program))
}

/// Changes the given fields; the row is read and written in one transaction, under
/// its lock, so concurrent edits of other fields are kept.
pub async fn patch(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ProgramPatch,
) -> AppResult<ProgramOut> {
    let tx = state.store.write().await?;
    let before = store::lock_program(&tx, id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    let record = ProgramRecord {
        coordinators: store::coordinators_of(&tx, id).await?,
        program: before.clone(),
    };
    require(&tx, caller, &record, ProgramAct::Edit).await?;
    let mut after = before.clone();
    apply(&mut after, input, false)?;
    let action = match (before.archived, after.archived) {
        (false, true) => AuditAction::ProgramArchived,
        (true, false) => AuditAction::ProgramRestored,
        _ => AuditAction::ProgramChanged,
    };
    let saved = store::update_program(&tx, before, after).await?;
    audit::record(&tx, state, caller.id(), action, Object::Program(id)).await?;
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
    let tx = state.store.write().await?;
    let program = store::lock_program(&tx, program_id)
        .await?
        .ok_or(AppError::NotFound("program"))?;
    let record = ProgramRecord {
        coordinators: store::coordinators_of(&tx, program_id).await?,
        program,
    };
    require(&tx, caller, &record, ProgramAct::AppointCoordinator).await?;
    if input.person_id.trim().is_empty() {
        return Err(AppError::field(
            "person_id",
            "choose an account or enter an e-mail",
        ));
    }
    let person = accounts::user_by_id(&tx, &input.person_id)
        .await?
        .ok_or_else(|| AppError::field("person_id", "no account with this id"))?;
    if record.coordinators.iter().any(|c| c.id == person.id) {
        return Err(AppError::conflict(
            "already_coordinator",
            format!("{} already coordinates this program", person.name),
        ));
    }
    let saved = store::add_coordinator(
        &tx,
        ProgramId(program_id),
        PersonId(&person.id),
        state.clock.now(),
    )
    .await?;
    audit::record(
        &tx,
        state,
        caller.id(),
        AuditAction::CoordinatorAppointed,
        Object::Program(program_id),
    )
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

/// The program's coordinators, for its page.
pub async fn coordinators(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
) -> AppResult<Vec<PersonRef>> {
    let record = program_for(state, caller, program_id, ProgramAct::Read).await?;
    Ok(record
        .coordinators
        .iter()
        .map(|c| PersonRef {
            id: c.id.clone(),
            name: c.name.clone(),
        })
        .collect())
}
