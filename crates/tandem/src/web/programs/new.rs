//! A new program, as an instance admin sets it up: kind, context, dates, limits, weights.
use crate::domain::values::{Pick, Weights, WeightsPatch};
use crate::domain::wire::{Criterion, ProgramContext, ProgramKind};
use crate::error::AppError;
use crate::service::programs::{self, ProgramIn};
use crate::state::AppState;
use crate::web::{
    done, form_failure, humanise, ok, optional_number, options, render, CsrfForm, Errors, Member,
    Opt, Page, WebError,
};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;

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
pub(super) struct NewProgramPage {
    pub(super) page: Page,
    pub(super) form: ProgramForm,
    pub(super) errors: Errors,
    pub(super) kinds: Vec<Opt>,
    pub(super) contexts: Vec<Opt>,
    pub(super) weights: Vec<WeightField>,
}

pub(super) fn new_program_view(page: Page, form: ProgramForm, errors: Errors) -> NewProgramPage {
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
