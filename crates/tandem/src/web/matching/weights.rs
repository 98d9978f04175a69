//! The program's matching weights, as its coordinators tune them.
use super::*;
use crate::domain::wire::Criterion;
use crate::error::AppError;
use crate::service::programs::{self, ProgramOut, ProgramPatch};
use crate::state::AppState;
use crate::web::{
    capitalise, done, form_failure, ok, render, CsrfForm, Errors, Flash, Member, Page, WebError,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use std::collections::BTreeMap;

// ---------------------------------------------------------------- weights

pub struct WeightInput {
    pub id: String,
    pub label: &'static str,
    pub hint: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "weights.html")]
pub(super) struct WeightsPage {
    pub(super) page: Page,
    pub(super) program_id: String,
    pub(super) program_name: String,
    pub(super) weights: Vec<WeightInput>,
    pub(super) errors: Errors,
}

pub(super) fn weights_view(
    page: Page,
    program: &ProgramOut,
    values: &BTreeMap<String, String>,
    errors: Errors,
) -> WeightsPage {
    WeightsPage {
        page,
        program_id: program.id.clone(),
        program_name: program.name.clone(),
        weights: Criterion::ALL
            .iter()
            .map(|c| {
                let (label, hint) = criterion_label(*c);
                let id = format!("weight_{c}");
                WeightInput {
                    value: values.get(&id).cloned().unwrap_or_default(),
                    id,
                    label,
                    hint,
                }
            })
            .collect(),
        errors,
    }
}

pub async fn weights_page(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let program = runnable_program(&state, &me, &id).await?;
    let values = program
        .weights
        .pairs()
        .into_iter()
        .map(|(c, w)| (format!("weight_{c}"), w.to_string()))
        .collect();
    Ok(ok(&weights_view(
        me.page(format!("Matching weights · {}", program.name), "programs"),
        &program,
        &values,
        Errors::default(),
    )))
}

pub async fn save_weights(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let program = runnable_program(&state, &me, &id).await?;
    let mut errors = Errors::default();
    let weights = crate::web::programs::weights_from_form(&form, true, &mut errors);
    let result = if errors.is_empty() {
        let patch = ProgramPatch {
            weights: Some(weights),
            ..ProgramPatch::default()
        };
        programs::patch(&state, &me.caller, &id, &patch).await
    } else {
        Err(AppError::Validation(errors.0))
    };
    match result {
        Ok(_) => Ok(done(
            &state,
            &format!("/programs/{id}/weights"),
            "Weights saved. They apply to suggestions and to the next matching round.",
        )),
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let mut page = me.page(format!("Matching weights · {}", program.name), "programs");
            let mut banner = failure.banner;
            if let Some(problem) = failure.errors.get("weights") {
                banner = Flash::error(capitalise(problem));
            }
            page.flash = Some(banner);
            Ok(render(
                failure.status,
                &weights_view(page, &program, &form, failure.errors),
            ))
        }
    }
}
