//! The profile and career-plan page.
use super::pickers::ZonePicker;
use super::{
    back_with_error, done, form_failure, ok, optional_number, options, render, split_lines,
    split_list, CsrfForm, Errors, Member, Opt, Page, WebError,
};
use crate::domain::values::Pick;
use crate::domain::wire::{LearningStyle, MeetingPreference, Notification, Seniority, WireEnum};
use crate::error::AppError;
use crate::service::away::{self, AwayIn, AwayOut};
use crate::service::notify;
use crate::service::people::{self, PlanData, ProfileData};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The profile as typed into the form: lists comma-separated, numbers as text.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    field: String,
    headline: String,
    bio: String,
    known_for: String,
    years_experience: String,
    seniority: String,
    skills: String,
    interests: String,
    values: String,
    education: String,
    languages: String,
    timezone: String,
    location: String,
    department: String,
    manager_email: String,
    learning_style: String,
    meeting_preference: String,
    hours_per_month: String,
}

/// A closed-set value as a form shows it: its wire name, or nothing.
fn wire<T: WireEnum>(pick: &Pick<T>) -> String {
    pick.optional()
        .ok()
        .flatten()
        .map(|v| v.to_wire().to_string())
        .unwrap_or_default()
}

impl ProfileForm {
    fn from_data(p: &ProfileData) -> ProfileForm {
        let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        ProfileForm {
            field: p.field.clone(),
            headline: p.headline.clone(),
            bio: p.bio.clone(),
            known_for: p.known_for.clone(),
            years_experience: num(p.years_experience),
            seniority: wire(&p.seniority),
            skills: p.skills.join(", "),
            interests: p.interests.join(", "),
            values: p.values.join(", "),
            education: p.education.clone(),
            languages: p.languages.join(", "),
            timezone: p.timezone.clone().unwrap_or_default(),
            location: p.location.clone(),
            department: p.department.clone(),
            manager_email: p.manager_email.clone().unwrap_or_default(),
            learning_style: wire(&p.learning_style),
            meeting_preference: wire(&p.meeting_preference),
            hours_per_month: num(p.hours_per_month),
        }
    }

    /// The service's input, and the numbers that are not numbers (left out of it).
    fn to_data(&self) -> (ProfileData, Errors) {
        let mut errors = Errors::default();
        let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let data = ProfileData {
            field: self.field.clone(),
            headline: self.headline.clone(),
            bio: self.bio.clone(),
            known_for: self.known_for.clone(),
            years_experience: optional_number(
                &self.years_experience,
                "years_experience",
                &mut errors,
            ),
            seniority: Pick::typed(&self.seniority),
            skills: split_list(&self.skills),
            interests: split_list(&self.interests),
            values: split_list(&self.values),
            education: self.education.clone(),
            languages: split_list(&self.languages),
            timezone: some(&self.timezone),
            location: self.location.clone(),
            department: self.department.clone(),
            manager_email: some(&self.manager_email),
            learning_style: Pick::typed(&self.learning_style),
            meeting_preference: Pick::typed(&self.meeting_preference),
            hours_per_month: optional_number(&self.hours_per_month, "hours_per_month", &mut errors),
        };
        (data, errors)
    }
}

/// The plan as typed: one entry per line.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    strengths: String,
    improve: String,
    short_term_goals: String,
    long_term_goals: String,
}

impl PlanForm {
    fn from_data(p: &PlanData) -> PlanForm {
        PlanForm {
            strengths: p.strengths.join("\n"),
            improve: p.improve.join("\n"),
            short_term_goals: p.short_term_goals.join("\n"),
            long_term_goals: p.long_term_goals.join("\n"),
        }
    }
    fn to_data(&self) -> PlanData {
        PlanData {
            strengths: split_lines(&self.strengths),
            improve: split_lines(&self.improve),
            short_term_goals: split_lines(&self.short_term_goals),
            long_term_goals: split_lines(&self.long_term_goals),
        }
    }
}

/// The profile page's one form: the profile and the career plan, saved together.
/// `with_plan` marks a form that carries the plan, so a post of the profile alone
/// (an older page, a script) leaves the plan as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileAndPlanForm {
    #[serde(flatten)]
    profile: ProfileForm,
    #[serde(flatten)]
    plan: PlanForm,
    with_plan: Option<String>,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    page: Page,
    form: ProfileForm,
    /// The problems of both the profile and the plan, by field.
    errors: Errors,
    plan: PlanForm,
    zones: ZonePicker,
    seniorities: Vec<Opt>,
    learning_styles: Vec<Opt>,
    meeting_preferences: Vec<Opt>,
    notifications: Vec<NotificationRow>,
    away: AwayOut,
}

/// One kind of e-mail on the profile page, with whether the person gets it.
struct NotificationRow {
    name: &'static str,
    label: &'static str,
    on: bool,
}

/// What each kind of e-mail one may turn off is, in words.
fn notification_label(kind: Notification) -> &'static str {
    match kind {
        Notification::RequestReceived => "A mentee asks you to be their mentor",
        Notification::RequestReminder => "A request to you has waited half its time",
        Notification::RequestAccepted => "Your request was accepted",
        Notification::RequestDeclined => "Your request was declined",
        Notification::RequestExpired => "A request expired",
        Notification::Proposal => "A coordinator proposes a match",
        Notification::AgreementToSign => "An agreement waits for your signature",
        Notification::MeetingScheduled => "A meeting is scheduled (with the invite)",
        Notification::MeetingChanged => "A meeting moves (with the updated invite)",
        Notification::MeetingCancelled => "A meeting is cancelled",
        Notification::MeetingReminder => "A reminder the day before a meeting",
        Notification::FeedbackToGive => "Feedback to give after a meeting",
        Notification::ActionItemDue => "An action item of yours is due",
        Notification::Kudos => "Kudos for you",
        Notification::Introduction => "Your mentor introduces you to someone",
        Notification::HealthAlert => "Your mentorship needs attention",
        Notification::Closing => "A mentorship closes: your reflection, the survey, mentoring next",
        Notification::WeeklyDigest => "Coordinators: the weekly list of relationships to look at",
    }
}

/// What the profile page shows besides the two forms: e-mail settings, away.
async fn settings_of(
    state: &AppState,
    me: &Member,
) -> Result<(Vec<NotificationRow>, AwayOut), WebError> {
    let settings = notify::settings(state, &me.caller)
        .await
        .map_err(me.fail())?;
    let rows = settings
        .into_iter()
        .map(|(kind, on)| NotificationRow {
            name: kind.as_str(),
            label: notification_label(kind),
            on,
        })
        .collect();
    let away = away::get_away(state, &me.caller).await.map_err(me.fail())?;
    Ok((rows, away))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AwayForm {
    away: Option<String>,
    note: String,
}

/// Away or back: a ticked box is away, with an optional note.
pub async fn save_away(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(form): CsrfForm<AwayForm>,
) -> Result<Response, WebError> {
    let input = AwayIn {
        away: form.away.is_some(),
        note: Some(form.note),
    };
    match away::put_away(&state, &me.caller, &input).await {
        Ok(out) if out.away => {
            let declined = match out.declined_requests {
                0 => String::new(),
                1 => " The request waiting for you was declined; its mentee is told.".into(),
                n => format!(
                    " The {n} requests waiting for you were declined; their mentees are told."
                ),
            };
            Ok(done(
                &state,
                "/profile#away",
                format!(
                    "You are away: nobody can ask you now, and suggestions leave you out.{declined}"
                ),
            ))
        }
        Ok(_) => Ok(done(
            &state,
            "/profile#away",
            "Welcome back: mentees can ask you again.",
        )),
        Err(err) => Ok(back_with_error(&state, "/profile#away", err, me.fail())),
    }
}

/// Saves the e-mail settings: a ticked box is an e-mail the person gets.
pub async fn save_notifications(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let changes: BTreeMap<String, serde_json::Value> = Notification::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), form.contains_key(k.as_str()).into()))
        .collect();
    notify::change_settings(&state, &me.caller, &changes)
        .await
        .map_err(me.fail())?;
    Ok(done(
        &state,
        "/profile#notifications",
        "Your e-mail settings are saved.",
    ))
}

fn profile_view(
    page: Page,
    form: ProfileForm,
    plan: PlanForm,
    errors: Errors,
    (notifications, away): (Vec<NotificationRow>, AwayOut),
) -> ProfilePage {
    ProfilePage {
        notifications,
        away,
        zones: ZonePicker::new(&form.timezone),
        seniorities: options(Seniority::ALL.iter().map(|s| s.as_str()), &form.seniority),
        learning_styles: options(
            LearningStyle::ALL.iter().map(|s| s.as_str()),
            &form.learning_style,
        ),
        meeting_preferences: options(
            MeetingPreference::ALL.iter().map(|s| s.as_str()),
            &form.meeting_preference,
        ),
        page,
        form,
        errors,
        plan,
    }
}

pub async fn profile_page(State(state): State<AppState>, me: Member) -> Result<Response, WebError> {
    let profile = people::get_profile(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let plan = people::get_plan(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let view = profile_view(
        me.page("Your profile", "profile"),
        ProfileForm::from_data(&profile),
        PlanForm::from_data(&plan),
        Errors::default(),
        settings_of(&state, &me).await?,
    );
    Ok(ok(&view))
}

/// Saves the profile and, when the form carries it, the career plan with it; a
/// refusal shows both again as typed, with every problem of either.
pub async fn save_profile(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(form): CsrfForm<ProfileAndPlanForm>,
) -> Result<Response, WebError> {
    let (profile, mut typed) = form.profile.to_data();
    let plan = form.plan.to_data();
    let with_plan = form.with_plan.is_some();
    let result = if !typed.is_empty() {
        // Numbers that are not numbers: shown with every other problem of both parts.
        let mut refusals = vec![profile.validate().err()];
        if with_plan {
            refusals.push(plan.validate().err());
        }
        for refusal in refusals.into_iter().flatten() {
            if let AppError::Validation(more) = refusal {
                for (field, problem) in more {
                    typed.add(&field, problem);
                }
            }
        }
        Err(AppError::Validation(typed.0))
    } else if with_plan {
        people::put_profile_and_plan(&state, &me.caller, &profile, &plan)
            .await
            .map(|_| "Your profile and career plan are saved.")
    } else {
        people::put_profile(&state, &me.caller, &profile)
            .await
            .map(|_| "Your profile is saved.")
    };
    match result {
        Ok(saved) => Ok(done(&state, "/profile", saved)),
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let plan = match form.with_plan {
                Some(_) => form.plan,
                None => PlanForm::from_data(
                    &people::get_plan(&state, &me.caller)
                        .await
                        .map_err(me.fail())?,
                ),
            };
            let mut page = me.page("Your profile", "profile");
            page.flash = Some(failure.banner);
            let view = profile_view(
                page,
                form.profile,
                plan,
                failure.errors,
                settings_of(&state, &me).await?,
            );
            Ok(render(failure.status, &view))
        }
    }
}

/// The plan alone, as the page posted it before the profile and the plan became
/// one form; kept so that older pages and scripts still work.
pub async fn save_plan(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<Response, WebError> {
    match people::put_plan(&state, &me.caller, &form.to_data()).await {
        Ok(_) => Ok(done(&state, "/profile#plan", "Your career plan is saved.")),
        Err(err) => {
            let failure = form_failure(err, me.fail())?;
            let profile = people::get_profile(&state, &me.caller)
                .await
                .map_err(me.fail())?;
            let mut page = me.page("Your profile", "profile");
            page.flash = Some(failure.banner);
            let status = if failure.status == StatusCode::OK {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                failure.status
            };
            let view = profile_view(
                page,
                ProfileForm::from_data(&profile),
                form,
                failure.errors,
                settings_of(&state, &me).await?,
            );
            Ok(render(status, &view))
        }
    }
}

#[derive(askama::Template)]
#[template(path = "person.html")]
struct PersonPage {
    page: super::Page,
    p: crate::service::people::PersonOut,
    timezone: String,
    seniority: String,
    learning_style: String,
    meeting_preference: String,
    /// Where the viewer may ask them for mentorship.
    ask: Vec<crate::service::mentorships::AskIn>,
}

/// Someone in a shared program, as `GET /api/v1/people/{id}` allows.
pub async fn person_page(
    axum::extract::State(state): axum::extract::State<AppState>,
    me: super::Member,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<axum::response::Response, super::WebError> {
    let p = crate::service::people::person(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let ask = crate::service::mentorships::where_to_ask(
        &state,
        &me.caller,
        std::slice::from_ref(&id),
        None,
    )
    .await
    .map_err(me.fail())?
    .remove(&id)
    .unwrap_or_default();
    let label = |s: Option<&str>| s.map(super::humanise).unwrap_or_default();
    Ok(super::ok(&PersonPage {
        ask,
        page: me.page(p.name.clone(), "programs"),
        timezone: p.timezone.clone().unwrap_or_else(|| "—".into()),
        seniority: label(p.seniority.map(|s| s.as_str())),
        learning_style: label(p.learning_style.map(|s| s.as_str())),
        meeting_preference: label(p.meeting_preference.map(|s| s.as_str())),
        p,
    }))
}
