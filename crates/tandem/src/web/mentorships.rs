//! Asking for mentorship, a relationship's lifecycle actions and its agreement.
//! The relationship's page itself is `workspace`'s.
use super::workspace::{page_for, AgreementForm};
use super::{
    back_with_error, capitalise, done, form_failure, ok, render, CsrfForm, Empty, Errors, Flash,
    Member, Page, WebError,
};
use crate::domain::lifecycle::Confirmation;
use crate::domain::versions::Expected;
use crate::domain::wire::{Action, MentorshipStatus};
use crate::error::AppError;
use crate::service::mentorships::{self, ActionIn, RequestIn};
use crate::service::{people, programs};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    intro: String,
    reasons: String,
    ask: String,
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    page: Page,
    program_id: String,
    program_name: String,
    mentor_id: String,
    mentor_name: String,
    mentor_headline: String,
    form: RequestForm,
    errors: Errors,
}

async fn request_view(
    state: &AppState,
    me: &Member,
    program_id: &str,
    mentor_id: &str,
    form: RequestForm,
    errors: Errors,
) -> Result<RequestPage, WebError> {
    let program = programs::get(state, &me.caller, program_id)
        .await
        .map_err(me.fail())?;
    let mentor = people::person(state, &me.caller, mentor_id)
        .await
        .map_err(me.fail())?;
    Ok(RequestPage {
        page: me.page(format!("Ask {} for mentorship", mentor.name), "programs"),
        program_id: program.id,
        program_name: program.name,
        mentor_id: mentor.id,
        mentor_name: mentor.name,
        mentor_headline: mentor.headline,
        form,
        errors,
    })
}

pub async fn request_page(
    State(state): State<AppState>,
    me: Member,
    Path((program_id, mentor_id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let view = request_view(
        &state,
        &me,
        &program_id,
        &mentor_id,
        RequestForm::default(),
        Errors::default(),
    )
    .await?;
    Ok(ok(&view))
}

pub async fn send_request(
    State(state): State<AppState>,
    me: Member,
    Path((program_id, mentor_id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<Response, WebError> {
    let input = RequestIn {
        program_id: program_id.clone(),
        mentor_id: mentor_id.clone(),
        intro: form.intro.clone(),
        reasons: form.reasons.clone(),
        ask: form.ask.clone(),
    };
    match mentorships::request(&state, &me.caller, &input).await {
        Ok(m) => Ok(done(
            &state,
            &format!("/mentorships/{}", m.id),
            format!("Your request is on its way to {}. You will see their answer here and on your dashboard.", m.mentor.name),
        )),
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let mut view = request_view(&state, &me, &program_id, &mentor_id, form, failure.errors).await?;
            view.page.flash = Some(failure.banner);
            Ok(render(failure.status, &view))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    reason: String,
    note: String,
    reflection: String,
    /// `yes` once the person ticked that they understand an irreversible step.
    confirm: String,
}

pub async fn act(
    State(state): State<AppState>,
    me: Member,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, WebError> {
    let Ok(action) = Action::parse(&action) else {
        return Err(me.fail()(AppError::NotFound("action")));
    };
    let back = format!("/mentorships/{id}");
    let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
    let input = ActionIn {
        reason: some(&form.reason),
        note: some(&form.note),
        reflection: some(&form.reflection),
    };
    // The service decides who may act before it looks at the ticked box.
    let confirmation = if form.confirm == "yes" {
        Confirmation::Given
    } else {
        Confirmation::Missing
    };
    match mentorships::act(&state, &me.caller, &id, action, &input, confirmation).await {
        Ok(m) => {
            let message = match (action, m.status) {
                (Action::Accept, MentorshipStatus::Active) => {
                    "Accepted — the mentorship is active. Next: write your agreement together."
                        .to_string()
                }
                (Action::Accept, _) => {
                    "You accepted. The mentorship starts once everyone has accepted.".to_string()
                }
                _ => format!("The mentorship is {}.", action.past()),
            };
            Ok(done(
                &state,
                &format!("/mentorships/{}", m.id),
                capitalise(&message),
            ))
        }
        Err(err) => Ok(back_with_error(&state, &back, err, me.fail())),
    }
}

pub async fn save_agreement(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AgreementForm>,
) -> Result<Response, WebError> {
    let expected = Expected::from_form(&form.version);
    let result =
        mentorships::put_agreement(&state, &me.caller, &id, &form.to_input(), expected).await;
    match result {
        Ok(a) => {
            let message = if a.signed_by.is_empty() {
                "Agreement saved. Read it through, then both of you sign it."
            } else {
                "Agreement saved."
            };
            Ok(done(
                &state,
                &format!("/mentorships/{id}#agreement"),
                message,
            ))
        }
        Err(AppError::EditConflict { current, .. }) => {
            // Theirs is the agreement the page now shows; yours stays in the form,
            // which now names the current version, so saving again replaces theirs.
            let mut form = form;
            form.version = current["version"].to_string();
            let mut view = page_for(&state, &me, &id, Some(form), Errors::default()).await?;
            view.page.flash = Some(Flash::error(
                "The agreement changed while you edited it, and yours was not saved. Theirs is shown above; your text is kept in the form below: compare, then save again to replace theirs.",
            ));
            Ok(render(StatusCode::CONFLICT, &view))
        }
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let mut view = page_for(&state, &me, &id, Some(form), failure.errors).await?;
            view.page.flash = Some(failure.banner);
            let status = if failure.status == StatusCode::OK {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                failure.status
            };
            Ok(render(status, &view))
        }
    }
}

pub async fn sign_agreement(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    let back = format!("/mentorships/{id}#agreement");
    match mentorships::sign_agreement(&state, &me.caller, &id).await {
        Ok(a) if a.fully_signed => Ok(done(
            &state,
            &back,
            "Signed — everyone has signed the agreement.",
        )),
        Ok(_) => Ok(done(
            &state,
            &back,
            "Signed. The agreement is complete once everyone has signed.",
        )),
        Err(err) => Ok(back_with_error(&state, &back, err, me.fail())),
    }
}
