//! Programs on pages: the list and one program with its enrolment (`mod`), a
//! coordinator's enrolment list and the mentor directory (`members`), and a new
//! program's form (`new`).
mod import;
mod members;
mod new;

use crate::domain::access::ProgramAct;
use crate::domain::enrolment::may_enrol;
use crate::domain::paging::PageRequest;
use crate::domain::values::Pick;
use crate::domain::wire::Role;
use crate::error::AppError;
use crate::service::accounts;
use crate::service::programs::{self, CoordinatorIn, EnrollmentIn, ProgramOut};
use crate::state::AppState;
use crate::web::pickers::person_label;
use crate::web::{
    back_with_error, done, humanise, ok, optional_number, safe_next, split_list, CsrfForm, Errors,
    Member, Opt, Page, WebError,
};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
pub use import::*;
pub use members::*;
pub use new::*;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A program as the pages show it, with the caller's place in it.
pub struct ProgramView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub context: String,
    pub dates: String,
    pub mentor_capacity: i32,
    pub cadence_days: i32,
    pub max_mentors_per_mentee: i32,
    pub request_expiry_days: i32,
    pub max_timezone_gap_hours: i32,
    /// `mentor`, `mentee`, `coordinator`.
    pub roles: Vec<&'static str>,
    pub is_mentee: bool,
    pub is_participant: bool,
    pub can_enrol_mentor: bool,
    pub can_enrol_mentee: bool,
    /// Read-only: nobody enrols, asks or is paired.
    pub archived: bool,
}

impl ProgramView {
    fn new(p: &ProgramOut, my_roles: &[Role], coordinating: bool) -> ProgramView {
        let is_mentee = my_roles.contains(&Role::Mentee);
        let mut roles: Vec<&'static str> = my_roles.iter().map(|r| r.as_str()).collect();
        if coordinating {
            roles.push("coordinator");
        }
        ProgramView {
            id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            kind: humanise(p.kind.as_str()),
            context: humanise(p.context.as_str()),
            dates: format!(
                "{} – {}",
                p.starts_on.format("%-d %b %Y"),
                p.ends_on.format("%-d %b %Y")
            ),
            mentor_capacity: p.mentor_capacity,
            cadence_days: p.cadence_days,
            max_mentors_per_mentee: p.max_mentors_per_mentee,
            request_expiry_days: p.request_expiry_days,
            max_timezone_gap_hours: p.max_timezone_gap_hours,
            roles,
            is_mentee,
            is_participant: !my_roles.is_empty(),
            can_enrol_mentor: !p.archived && may_enrol(p.kind, my_roles, Role::Mentor).is_ok(),
            can_enrol_mentee: !p.archived && may_enrol(p.kind, my_roles, Role::Mentee).is_ok(),
            archived: p.archived,
        }
    }
}

pub(super) async fn my_roles_by_program(
    state: &AppState,
    me: &Member,
) -> Result<BTreeMap<String, Vec<Role>>, WebError> {
    let mut roles: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    for e in programs::my_enrollments(state, &me.caller)
        .await
        .map_err(me.fail())?
    {
        roles.entry(e.program_id).or_default().push(e.role);
    }
    Ok(roles)
}

#[derive(Template)]
#[template(path = "programs.html")]
pub(super) struct ProgramsPage {
    pub(super) page: Page,
    pub(super) programs: Vec<ProgramView>,
    pub(super) is_admin: bool,
    pub(super) next_href: Option<String>,
    /// Whether archived programs are listed too.
    pub(super) with_archived: bool,
}

/// `?cursor=` on a page that lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CursorQuery {
    cursor: String,
    pairs_cursor: String,
    /// On the list of programs: archived ones too.
    archived: bool,
}

/// The link to the page after this one, keeping the rest of the query.
pub fn next_href(path: &str, params: &[(&str, &str)], cursor: Option<String>) -> Option<String> {
    let cursor = cursor?;
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .copied()
        .collect();
    pairs.push(("cursor", &cursor));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    Some(format!("{path}?{query}"))
}

pub async fn list(
    State(state): State<AppState>,
    me: Member,
    Query(q): Query<CursorQuery>,
) -> Result<Response, WebError> {
    let page = PageRequest::new(None, Some(&q.cursor)).map_err(|e| me.fail()(AppError::from(e)))?;
    let listing = programs::list(&state, &page, q.archived)
        .await
        .map_err(me.fail())?;
    let all = listing.items;
    let roles = my_roles_by_program(&state, &me).await?;
    let coordinating: Vec<String> = programs::coordinated_by(&state, &me.caller)
        .await
        .map_err(me.fail())?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let views = all
        .iter()
        .map(|p| {
            ProgramView::new(
                p,
                roles.get(&p.id).map(Vec::as_slice).unwrap_or(&[]),
                coordinating.contains(&p.id),
            )
        })
        .collect();
    Ok(ok(&ProgramsPage {
        page: me.page("Programs", "programs"),
        programs: views,
        is_admin: me.caller.is_admin(),
        next_href: next_href(
            "/programs",
            if q.archived {
                &[("archived", "true")]
            } else {
                &[]
            },
            listing.next_cursor,
        ),
        with_archived: q.archived,
    }))
}

#[derive(Template)]
#[template(path = "program.html")]
pub(super) struct ProgramPage {
    pub(super) page: Page,
    pub(super) program: ProgramView,
    pub(super) coordinators: Vec<String>,
    pub(super) can_run: bool,
    pub(super) is_admin: bool,
    pub(super) accounts: Vec<Opt>,
}

pub async fn detail(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = programs::program_for(&state, &me.caller, &id, ProgramAct::Read)
        .await
        .map_err(me.fail())?;
    let program = ProgramOut::from(&record.program);
    let can_run = programs::runs(&me.caller, &record);
    let roles = my_roles_by_program(&state, &me).await?;
    let coordinators = programs::coordinators(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let coordinating = coordinators.iter().any(|c| c.id == me.id());
    let accounts = if me.caller.is_admin() {
        accounts::all_accounts(&state, &me.caller)
            .await
            .map_err(me.fail())?
            .into_iter()
            .filter(|u| !coordinators.iter().any(|c| c.id == u.id))
            .map(|u| Opt {
                label: person_label(&u.name, &u.email),
                value: u.id,
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let view = ProgramView::new(
        &program,
        roles.get(&id).map(Vec::as_slice).unwrap_or(&[]),
        coordinating,
    );
    Ok(ok(&ProgramPage {
        page: me.page(program.name.clone(), "programs"),
        program: view,
        coordinators: coordinators.into_iter().map(|c| c.name).collect(),
        can_run,
        is_admin: me.caller.is_admin(),
        accounts,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EnrollForm {
    role: String,
    capacity: String,
    wants_skills: String,
    goals_summary: String,
    back: String,
}

pub async fn enroll(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<EnrollForm>,
) -> Result<Response, WebError> {
    let back = safe_next(&form.back)
        .map(String::from)
        .unwrap_or_else(|| format!("/programs/{id}"));
    let mut errors = Errors::default();
    let capacity = optional_number(&form.capacity, "capacity", &mut errors);
    if !errors.is_empty() {
        return Ok(back_with_error(
            &state,
            &back,
            AppError::Validation(errors.0),
            me.fail(),
        ));
    }
    let input = EnrollmentIn {
        role: Pick::typed(&form.role),
        capacity,
        wants_skills: split_list(&form.wants_skills),
        goals_summary: form.goals_summary.clone(),
        person_id: None,
    };
    match programs::enroll(&state, &me.caller, &id, &input).await {
        Ok(e) => {
            let program = programs::get(&state, &me.caller, &id)
                .await
                .map_err(me.fail())?;
            let next = if e.role == Role::Mentee {
                " Next: find a mentor in its directory."
            } else {
                " Mentees can now find you in its directory."
            };
            Ok(done(
                &state,
                &format!("/programs/{id}"),
                format!(
                    "You are enrolled in {} as a {}.{next}",
                    program.name, e.role
                ),
            ))
        }
        Err(err) => Ok(back_with_error(&state, &back, err, me.fail())),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CoordinatorForm {
    person_id: String,
    email: String,
}

pub async fn appoint_coordinator(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CoordinatorForm>,
) -> Result<Response, WebError> {
    let back = format!("/programs/{id}");
    // The program first: a program that does not exist is a 404 whoever asks.
    programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    // An e-mail is looked up by an admin only; a chosen account (or none: the use
    // case refuses an empty choice once it has decided who may appoint) goes as is.
    let person_id = if !form.email.trim().is_empty() {
        match accounts::account_by_email(&state, &me.caller, &form.email).await {
            Ok(u) => u.id,
            Err(err) => return Ok(back_with_error(&state, &back, err, me.fail())),
        }
    } else {
        form.person_id.trim().to_string()
    };
    match programs::add_coordinator(&state, &me.caller, &id, &CoordinatorIn { person_id }).await {
        Ok(c) => Ok(done(
            &state,
            &back,
            format!("{} now coordinates this program.", c.person.name),
        )),
        Err(err) => Ok(back_with_error(&state, &back, err, me.fail())),
    }
}
