//! Asking for mentorship, one relationship's page, its lifecycle actions and its agreement.
use super::{
    back_with_error, capitalise, day, done, form_failure, humanise, ok, optional_day,
    optional_number, options, render, CsrfForm, Errors, Member, Opt, Page, WebError,
};
use crate::domain::wire::{Action, EndReason, MentorshipStatus, Origin};
use crate::error::AppError;
use crate::service::mentorships::{
    self, ActionIn, AgreementIn, AgreementOut, MentorshipOut, RequestIn,
};
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

/// A relationship as its page shows it.
pub struct MentorshipView {
    pub id: String,
    pub program_id: String,
    pub program_name: String,
    pub mentor: String,
    /// Empty once the mentor erased their account.
    pub mentor_id: String,
    pub mentees: String,
    /// (id, name) per mentee; the id is empty for a former member.
    pub mentee_links: Vec<(String, String)>,
    pub status: String,
    pub origin: String,
    pub created: String,
    pub started: String,
    pub ended: String,
    pub expires: String,
    pub end_reason: String,
    pub is_participant: bool,
    pub my_role: String,
    pub intro: String,
    pub reasons: String,
    pub ask: String,
    pub decline_reason: String,
    pub end_note: String,
    /// The caller accepted a proposed match and waits for the others.
    pub awaiting_others: bool,
    /// A match proposed by a round or a coordinator, not yet accepted by everyone.
    pub is_proposed: bool,
    /// For a proposed match: who has accepted so far.
    pub acceptances: Vec<Acceptance>,
}

/// One participant's answer to a proposed match.
pub struct Acceptance {
    pub name: String,
    pub role: &'static str,
    pub accepted: bool,
    pub is_me: bool,
}

fn acceptances(m: &MentorshipOut, me: &str) -> Vec<Acceptance> {
    let mentor = Acceptance {
        name: m.mentor.name.clone(),
        role: "mentor",
        accepted: m.mentor_accepted,
        is_me: m.mentor.id.as_deref() == Some(me),
    };
    std::iter::once(mentor)
        .chain(m.mentees.iter().map(|x| Acceptance {
            name: x.name.clone(),
            role: "mentee",
            accepted: x.accepted,
            is_me: x.id.as_deref() == Some(me),
        }))
        .collect()
}

fn origin_label(origin: Origin) -> &'static str {
    match origin {
        Origin::Request => "Request from the mentee",
        Origin::Round => "Matching round",
        Origin::Coordinator => "Proposed by a coordinator",
    }
}

/// Which action forms to show: the state machine's `allowed_actions`.
#[derive(Default)]
pub struct Actions {
    pub accept: bool,
    pub decline: bool,
    pub withdraw: bool,
    pub pause: bool,
    pub resume: bool,
    pub complete: bool,
    pub end: bool,
}

impl Actions {
    fn any(&self) -> bool {
        self.accept
            || self.decline
            || self.withdraw
            || self.pause
            || self.resume
            || self.complete
            || self.end
    }
}

pub struct AgreementView {
    pub goals: String,
    pub cadence_days: i32,
    pub meeting_minutes: i32,
    pub channel: String,
    pub boundaries: String,
    pub confidentiality: String,
    pub updated: String,
    pub signed_by: Vec<String>,
    pub fully_signed: bool,
    pub i_signed: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgreementForm {
    goals: String,
    cadence_days: String,
    meeting_minutes: String,
    channel: String,
    boundaries: String,
    confidentiality: String,
}

impl AgreementForm {
    fn from_agreement(a: &AgreementOut) -> AgreementForm {
        AgreementForm {
            goals: a.goals.clone(),
            cadence_days: a.cadence_days.to_string(),
            meeting_minutes: a.meeting_minutes.to_string(),
            channel: a.channel.clone(),
            boundaries: a.boundaries.clone(),
            confidentiality: a.confidentiality.clone(),
        }
    }

    fn to_input(&self) -> Result<AgreementIn, Errors> {
        let mut errors = Errors::default();
        let input = AgreementIn {
            goals: self.goals.clone(),
            cadence_days: optional_number(&self.cadence_days, "cadence_days", &mut errors),
            meeting_minutes: optional_number(&self.meeting_minutes, "meeting_minutes", &mut errors),
            channel: self.channel.clone(),
            boundaries: self.boundaries.clone(),
            confidentiality: self.confidentiality.clone(),
        };
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }
}

#[derive(Template)]
#[template(path = "mentorship.html")]
struct MentorshipPage {
    page: Page,
    m: MentorshipView,
    actions: Actions,
    has_actions: bool,
    end_reasons: Vec<Opt>,
    agreement: Option<AgreementView>,
    /// Active or paused: the agreement may be written and signed.
    agreement_open: bool,
    form: AgreementForm,
    errors: Errors,
    /// The pair's workspace; None for those who oversee.
    ws: Option<super::workspace::WorkspaceView>,
}

fn name_for(m: &MentorshipOut, user_id: &str) -> String {
    if m.mentor.id.as_deref() == Some(user_id) {
        return m.mentor.name.clone();
    }
    m.mentees
        .iter()
        .find(|x| x.id.as_deref() == Some(user_id))
        .map(|x| x.name.clone())
        .unwrap_or_else(|| "Former member".into())
}

async fn mentorship_view(
    state: &AppState,
    me: &Member,
    id: &str,
    form: Option<AgreementForm>,
    errors: Errors,
) -> Result<MentorshipPage, WebError> {
    let m = mentorships::get(state, &me.caller, id)
        .await
        .map_err(me.fail())?;
    let is_participant = m.my_role.is_some();
    let agreement = if is_participant {
        match mentorships::get_agreement(state, &me.caller, id).await {
            Ok(a) => Some(a),
            Err(AppError::NotFound(_)) => None,
            Err(e) => return Err(me.fail()(e)),
        }
    } else {
        None
    };
    let awaiting_others = m.status == MentorshipStatus::Proposed && m.accepted_by(me.id());
    let allowed = |a: Action| m.allowed_actions.contains(&a);
    let actions = Actions {
        accept: allowed(Action::Accept) && !awaiting_others,
        decline: allowed(Action::Decline),
        withdraw: allowed(Action::Withdraw),
        pause: allowed(Action::Pause),
        resume: allowed(Action::Resume),
        complete: allowed(Action::Complete),
        end: allowed(Action::End),
    };
    let agreement_open = is_participant
        && matches!(
            m.status,
            MentorshipStatus::Active | MentorshipStatus::Paused
        );
    let form = match (form, &agreement) {
        (Some(f), _) => f,
        (None, Some(a)) => AgreementForm::from_agreement(a),
        (None, None) => {
            let program = programs::get(state, &me.caller, &m.program_id)
                .await
                .map_err(me.fail())?;
            AgreementForm {
                cadence_days: program.cadence_days.to_string(),
                meeting_minutes: "60".into(),
                confidentiality:
                    "What we discuss stays between us unless we both agree to share it.".into(),
                ..AgreementForm::default()
            }
        }
    };
    let ws_agreement = agreement.clone();
    let agreement = agreement.map(|a| AgreementView {
        signed_by: a.signed_by.iter().map(|uid| name_for(&m, uid)).collect(),
        i_signed: a.signed_by.iter().any(|uid| uid == me.id()),
        fully_signed: a.fully_signed,
        updated: day(a.updated_at),
        goals: a.goals,
        cadence_days: a.cadence_days,
        meeting_minutes: a.meeting_minutes,
        channel: a.channel,
        boundaries: a.boundaries,
        confidentiality: a.confidentiality,
    });
    let ws = super::workspace::workspace_view(state, me, &m, ws_agreement.as_ref())
        .await
        .map_err(me.fail())?;
    let title = format!("{} & {}", m.mentor.name, m.mentee_names());
    let view = MentorshipView {
        id: m.id.clone(),
        program_id: m.program_id.clone(),
        program_name: m.program_name.clone(),
        mentor: m.mentor.name.clone(),
        mentor_id: m.mentor.id.clone().unwrap_or_default(),
        mentees: m.mentee_names(),
        mentee_links: m
            .mentees
            .iter()
            .map(|x| (x.id.clone().unwrap_or_default(), x.name.clone()))
            .collect(),
        status: m.status.as_str().into(),
        origin: origin_label(m.origin).to_string(),
        created: day(m.created_at),
        started: optional_day(m.started_at),
        ended: optional_day(m.ended_at),
        expires: if m.status == MentorshipStatus::Requested {
            optional_day(m.expires_at)
        } else {
            String::new()
        },
        end_reason: m
            .end_reason
            .map(|r| humanise(r.as_str()))
            .unwrap_or_default(),
        is_participant,
        my_role: m
            .my_role
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        intro: m.intro.clone().unwrap_or_default(),
        reasons: m.reasons.clone().unwrap_or_default(),
        ask: m.ask.clone().unwrap_or_default(),
        decline_reason: m.decline_reason.clone().unwrap_or_default(),
        end_note: m.end_note.clone().unwrap_or_default(),
        awaiting_others,
        is_proposed: m.status == MentorshipStatus::Proposed,
        acceptances: acceptances(&m, me.id()),
    };
    Ok(MentorshipPage {
        page: me.page(title, "dashboard"),
        m: view,
        has_actions: actions.any(),
        actions,
        end_reasons: options(EndReason::CHOSEN.iter().map(|r| r.as_str()), ""),
        agreement,
        agreement_open,
        form,
        errors,
        ws,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    Ok(ok(&mentorship_view(
        &state,
        &me,
        &id,
        None,
        Errors::default(),
    )
    .await?))
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
    let irreversible = matches!(
        action,
        Action::Complete | Action::End | Action::Decline | Action::Withdraw
    );
    if irreversible && form.confirm != "yes" {
        return Ok(super::redirect_with(
            &state,
            &back,
            super::Flash::error(format!(
                "Nothing changed: tick the box to confirm you want it {}; it cannot be undone.",
                action.past()
            )),
        ));
    }
    let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
    let input = ActionIn {
        reason: some(&form.reason),
        note: some(&form.note),
        reflection: some(&form.reflection),
    };
    match mentorships::act(&state, &me.caller, &id, action, &input).await {
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
    let result = match form.to_input() {
        Ok(input) => mentorships::put_agreement(&state, &me.caller, &id, &input).await,
        Err(errors) => Err(AppError::Validation(errors.0)),
    };
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
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let mut view = mentorship_view(&state, &me, &id, Some(form), failure.errors).await?;
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

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

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
