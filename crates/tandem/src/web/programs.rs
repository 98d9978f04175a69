//! Programs: the list, one program, enrolment, the mentor directory, and what
//! coordinators and admins run (enrolments, coordinators, new programs).
use super::{
    back_with_error, day, done, form_failure, humanise, ok, optional_day, optional_number, options,
    render, safe_next, split_list, CsrfForm, Errors, Member, Opt, Page, WebError,
};
use crate::domain::access::ProgramAct;
use crate::domain::enrolment::may_enrol;
use crate::domain::paging::PageRequest;
use crate::domain::values::{Pick, Weights, WeightsPatch};
use crate::domain::wire::{Criterion, ProgramContext, ProgramKind, Role};
use crate::error::AppError;
use crate::service::programs::{
    self, CoordinatorIn, EnrollmentIn, MentorSearch, ProgramIn, ProgramOut,
};
use crate::service::{accounts, mentorships, people};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
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
            can_enrol_mentor: may_enrol(p.kind, my_roles, Role::Mentor).is_ok(),
            can_enrol_mentee: may_enrol(p.kind, my_roles, Role::Mentee).is_ok(),
        }
    }
}

async fn my_roles_by_program(
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
struct ProgramsPage {
    page: Page,
    programs: Vec<ProgramView>,
    is_admin: bool,
    next_href: Option<String>,
}

/// `?cursor=` on a page that lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CursorQuery {
    cursor: String,
    pairs_cursor: String,
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
    let listing = programs::list(&state, &page).await.map_err(me.fail())?;
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
        next_href: next_href("/programs", &[], listing.next_cursor),
    }))
}

#[derive(Template)]
#[template(path = "program.html")]
struct ProgramPage {
    page: Page,
    program: ProgramView,
    coordinators: Vec<String>,
    can_run: bool,
    is_admin: bool,
    accounts: Vec<Opt>,
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
                label: format!("{} <{}>", u.name, u.email),
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

pub struct EnrollmentRow {
    pub person_id: String,
    pub name: String,
    pub role: String,
    pub capacity: String,
    pub wants_skills: String,
    pub enrolled_on: String,
}

pub struct RelationshipRow {
    pub id: String,
    pub mentor: String,
    pub mentees: String,
    pub status: String,
    pub created: String,
    pub started: String,
    pub ended: String,
}

#[derive(Template)]
#[template(path = "enrollments.html")]
struct EnrollmentsPage {
    page: Page,
    program: ProgramOut,
    enrollments: Vec<EnrollmentRow>,
    relationships: Vec<RelationshipRow>,
    mentor_opts: Vec<Opt>,
    mentee_opts: Vec<Opt>,
    next_href: Option<String>,
    pairs_next_href: Option<String>,
}

pub async fn enrollments(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, WebError> {
    let bad_cursor = |e| me.fail()(AppError::from(e));
    let page = PageRequest::new(Some(200), Some(&q.cursor)).map_err(bad_cursor)?;
    let pairs_page = PageRequest::new(Some(200), Some(&q.pairs_cursor)).map_err(bad_cursor)?;
    let program = programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let listing = programs::enrollments(&state, &me.caller, &id, &page)
        .await
        .map_err(me.fail())?;
    let rows = listing.items;
    let pairs_listing = mentorships::of_program(&state, &me.caller, &id, &pairs_page)
        .await
        .map_err(me.fail())?;
    let pairs = pairs_listing.items;
    let path = format!("/programs/{id}/enrollments");
    let next = next_href(&path, &[], listing.next_cursor);
    let pairs_next = pairs_listing.next_cursor.map(|c| {
        let query = serde_urlencoded::to_string([("pairs_cursor", c.as_str())]).unwrap_or_default();
        format!("{path}?{query}")
    });
    let people_as = |role: Role| -> Vec<Opt> {
        let mut opts: Vec<Opt> = rows
            .iter()
            .filter(|e| e.role == role)
            .map(|e| Opt {
                value: e.person.id.clone(),
                label: e.person.name.clone(),
                selected: false,
            })
            .collect();
        opts.sort_by_key(|o| o.label.to_lowercase());
        opts
    };
    let (mentor_opts, mentee_opts) = (people_as(Role::Mentor), people_as(Role::Mentee));
    let enrollments = rows
        .into_iter()
        .map(|e| EnrollmentRow {
            person_id: e.person.id.clone(),
            name: e.person.name,
            role: e.role.as_str().into(),
            capacity: match e.role {
                Role::Mentor => e.capacity.unwrap_or(program.mentor_capacity).to_string(),
                Role::Mentee => String::new(),
            },
            wants_skills: e.wants_skills.join(", "),
            enrolled_on: day(e.created_at),
        })
        .collect();
    let relationships = pairs
        .into_iter()
        .map(|m| RelationshipRow {
            mentees: m.mentee_names(),
            id: m.id,
            mentor: m.mentor.name,
            status: m.status.as_str().into(),
            created: day(m.created_at),
            started: optional_day(m.started_at),
            ended: optional_day(m.ended_at),
        })
        .collect();
    Ok(ok(&EnrollmentsPage {
        page: me.page(format!("Enrolments · {}", program.name), "programs"),
        program,
        enrollments,
        relationships,
        mentor_opts,
        mentee_opts,
        next_href: next,
        pairs_next_href: pairs_next,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    skill: String,
    field: String,
    cursor: String,
}

pub struct MentorView {
    pub id: String,
    pub name: String,
    pub headline: String,
    pub field: String,
    pub known_for: String,
    pub skills: Vec<String>,
    pub open_slots: i64,
    pub capacity: i64,
    pub is_me: bool,
    pub shortlisted: bool,
}

#[derive(Template)]
#[template(path = "mentors.html")]
struct MentorsPage {
    page: Page,
    program: ProgramView,
    query: SearchQuery,
    mentors: Vec<MentorView>,
    back: String,
    next_href: Option<String>,
}

pub async fn mentors(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let page =
        PageRequest::new(None, Some(&query.cursor)).map_err(|e| me.fail()(AppError::from(e)))?;
    let program = programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let search = MentorSearch {
        q: Some(query.q.clone()),
        skill: Some(query.skill.clone()),
        field: Some(query.field.clone()),
    };
    let listing = programs::search_mentors(&state, &me.caller, &id, &search, &page)
        .await
        .map_err(me.fail())?;
    let found = listing.items;
    let shortlist = people::shortlist(&state, &me.caller, &PageRequest::all())
        .await
        .map_err(me.fail())?
        .items;
    let roles = my_roles_by_program(&state, &me).await?;
    let coordinating = programs::coordinators(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?
        .iter()
        .any(|c| c.id == me.id());
    let next = next_href(
        &format!("/programs/{id}/mentors"),
        &[
            ("q", &query.q),
            ("skill", &query.skill),
            ("field", &query.field),
        ],
        listing.next_cursor,
    );
    let mentors = found
        .into_iter()
        .map(|c| MentorView {
            is_me: c.id == me.id(),
            shortlisted: shortlist.iter().any(|s| s.person_id == c.id),
            id: c.id,
            name: c.name,
            headline: c.headline,
            field: c.field,
            known_for: c.known_for,
            skills: c.skills,
            open_slots: c.open_slots,
            capacity: c.capacity,
        })
        .collect();
    let back = serde_urlencoded::to_string([
        ("q", &query.q),
        ("skill", &query.skill),
        ("field", &query.field),
    ])
    .map(|qs| format!("/programs/{id}/mentors?{qs}"))
    .unwrap_or_else(|_| format!("/programs/{id}/mentors"));
    let view = ProgramView::new(
        &program,
        roles.get(&id).map(Vec::as_slice).unwrap_or(&[]),
        coordinating,
    );
    Ok(ok(&MentorsPage {
        page: me.page(format!("Mentors · {}", program.name), "programs"),
        program: view,
        query,
        mentors,
        back,
        next_href: next,
    }))
}

/// The new-program form as typed; weights arrive as `weight_<criterion>`.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct ProgramForm {
    name: String,
    description: String,
    kind: String,
    context: String,
    starts_on: String,
    ends_on: String,
    mentor_capacity: String,
    cadence_days: String,
    max_mentors_per_mentee: String,
    request_expiry_days: String,
    max_timezone_gap_hours: String,
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl Default for ProgramForm {
    fn default() -> Self {
        ProgramForm {
            name: String::new(),
            description: String::new(),
            kind: ProgramKind::Traditional.as_str().into(),
            context: ProgramContext::Corporate.as_str().into(),
            starts_on: String::new(),
            ends_on: String::new(),
            mentor_capacity: "3".into(),
            cadence_days: "14".into(),
            max_mentors_per_mentee: "1".into(),
            request_expiry_days: "14".into(),
            max_timezone_gap_hours: "12".into(),
            rest: Weights::default()
                .pairs()
                .into_iter()
                .map(|(k, v)| (format!("weight_{k}"), v.to_string()))
                .collect(),
        }
    }
}

impl ProgramForm {
    fn to_input(&self) -> Result<ProgramIn, Errors> {
        let mut errors = Errors::default();
        let weights = weights_from_form(&self.rest, false, &mut errors);
        let input = ProgramIn {
            name: self.name.clone(),
            description: self.description.clone(),
            kind: Pick::typed(&self.kind),
            context: Pick::typed(&self.context),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            mentor_capacity: optional_number(&self.mentor_capacity, "mentor_capacity", &mut errors),
            cadence_days: optional_number(&self.cadence_days, "cadence_days", &mut errors),
            max_mentors_per_mentee: optional_number(
                &self.max_mentors_per_mentee,
                "max_mentors_per_mentee",
                &mut errors,
            ),
            request_expiry_days: optional_number(
                &self.request_expiry_days,
                "request_expiry_days",
                &mut errors,
            ),
            max_timezone_gap_hours: optional_number(
                &self.max_timezone_gap_hours,
                "max_timezone_gap_hours",
                &mut errors,
            ),
            weights,
        };
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }

    fn weight(&self, criterion: Criterion) -> String {
        self.rest
            .get(&format!("weight_{criterion}"))
            .cloned()
            .unwrap_or_default()
    }
}

/// The weights typed as `weight_<criterion>` fields, each a whole number 0…10;
/// `required` refuses an empty field.
pub fn weights_from_form(
    form: &BTreeMap<String, String>,
    required: bool,
    errors: &mut Errors,
) -> WeightsPatch {
    let mut patch = WeightsPatch::default();
    for criterion in Criterion::ALL {
        let field = format!("weight_{criterion}");
        let raw = form.get(&field).cloned().unwrap_or_default();
        match optional_number(&raw, &field, errors) {
            Some(n) if (0..=10).contains(&n) => patch.set(*criterion, n as u8),
            Some(_) => errors.add(&field, "must be a whole number from 0 to 10"),
            None if required && raw.trim().is_empty() => {
                errors.add(&field, "enter a weight from 0 to 10")
            }
            None => {}
        }
    }
    patch
}

pub struct WeightField {
    pub id: String,
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "program_new.html")]
struct NewProgramPage {
    page: Page,
    form: ProgramForm,
    errors: Errors,
    kinds: Vec<Opt>,
    contexts: Vec<Opt>,
    weights: Vec<WeightField>,
}

fn new_program_view(page: Page, form: ProgramForm, errors: Errors) -> NewProgramPage {
    NewProgramPage {
        kinds: options(ProgramKind::ALL.iter().map(|k| k.as_str()), &form.kind),
        contexts: options(
            ProgramContext::ALL.iter().map(|c| c.as_str()),
            &form.context,
        ),
        weights: Criterion::ALL
            .iter()
            .map(|c| WeightField {
                id: format!("weight_{c}"),
                label: humanise(c.as_str()),
                value: form.weight(*c),
            })
            .collect(),
        page,
        form,
        errors,
    }
}

pub async fn new_program_page(me: Member) -> Result<Response, WebError> {
    me.caller.require_admin().map_err(me.fail())?;
    Ok(ok(&new_program_view(
        me.page("New program", "admin"),
        ProgramForm::default(),
        Errors::default(),
    )))
}

pub async fn create_program(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(form): CsrfForm<ProgramForm>,
) -> Result<Response, WebError> {
    // Who may create a program is decided before what the form holds.
    me.caller.require_admin().map_err(me.fail())?;
    let result = match form.to_input() {
        Ok(input) => programs::create(&state, &me.caller, &input).await,
        Err(errors) => Err(AppError::Validation(errors.0)),
    };
    match result {
        Ok(p) => Ok(done(
            &state,
            &format!("/programs/{}", p.id),
            format!("{} is created. Appoint a coordinator below.", p.name),
        )),
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let mut page = me.page("New program", "admin");
            page.flash = Some(failure.banner);
            Ok(render(
                failure.status,
                &new_program_view(page, form, failure.errors),
            ))
        }
    }
}
