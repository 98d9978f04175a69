//! The signed-in home: what waits on the caller, next steps, their relationships.
//! What goes where is the dashboard use case's (`service::dashboard`); this page
//! only words it.
use super::{day, ok, Member, Page, WebError};
use crate::domain::wire::{NextStepKind, WaitingKind};
use crate::service::dashboard::{self, Row};
use crate::service::workspace::WaitingOut;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

pub struct RelationshipRow {
    pub id: String,
    pub other: String,
    /// The other person's id (the first of several mentees); empty for a former member.
    pub other_id: String,
    pub my_role: String,
    pub program: String,
    pub status: String,
    pub since: String,
}

pub struct Step {
    pub text: String,
    pub href: String,
    pub action: String,
}

/// Something that waits on the person, with where to do it.
pub struct Waiting {
    /// `waiting-{mentorship id}` for requests and proposals to answer.
    pub id: String,
    pub text: String,
    /// When it is due, in words.
    pub when: String,
    pub href: String,
    pub action: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    page: Page,
    name: String,
    relationships: Vec<RelationshipRow>,
    waiting: Vec<Waiting>,
    requests: Vec<RelationshipRow>,
    /// Requests to the caller as a mentor, waiting for their answer.
    to_answer: Vec<RelationshipRow>,
    history: Vec<RelationshipRow>,
    steps: Vec<Step>,
    next_mentors: Vec<crate::service::dashboard::NextMentorsIn>,
    calendar_url: String,
    /// The caller mentors: a way to their office hours.
    mentors: bool,
}

fn row(r: &Row) -> RelationshipRow {
    let m = &r.mentorship;
    RelationshipRow {
        id: m.id.clone(),
        other: r.other.clone(),
        other_id: r.other_id.clone().unwrap_or_default(),
        my_role: m
            .my_role
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        program: m.program_name.clone(),
        status: m.status.as_str().into(),
        since: day(m.started_at.unwrap_or(m.created_at)),
    }
}

fn waiting_row(w: &WaitingOut) -> Waiting {
    let page = format!("/mentorships/{}", w.mentorship_id);
    let (id, href, action) = match w.kind {
        WaitingKind::RequestToAnswer | WaitingKind::ProposalToAnswer => {
            (format!("waiting-{}", w.mentorship_id), page, "Answer")
        }
        WaitingKind::AgreementToSign => (
            format!("sign-{}", w.mentorship_id),
            format!("{page}#agreement"),
            "Sign",
        ),
        WaitingKind::FeedbackToGive => (
            format!("feedback-{}", w.object_id),
            format!("/meetings/{}#feedback", w.object_id),
            "Give feedback",
        ),
        WaitingKind::MeetingSoon => (
            format!("meeting-{}", w.object_id),
            format!("/meetings/{}#prepare", w.object_id),
            "Prepare",
        ),
        WaitingKind::ActionItemDue => (
            format!("item-{}", w.object_id),
            format!("{page}/meetings"),
            "Open",
        ),
        WaitingKind::CheckinDue => (
            format!("checkin-{}", w.object_id),
            format!("/checkins/{}", w.object_id),
            "Answer",
        ),
        WaitingKind::SurveyToGive => (
            format!("survey-{}", w.mentorship_id),
            format!("{page}#survey"),
            "Answer",
        ),
    };
    let when = match (w.kind, w.due_at) {
        (WaitingKind::RequestToAnswer, Some(at)) => format!("expires {}", day(at)),
        (WaitingKind::MeetingSoon, _) | (_, None) => String::new(),
        (_, Some(at)) => format!("due {}", day(at)),
    };
    Waiting {
        id,
        text: format!("{}.", w.label),
        when,
        href,
        action: action.into(),
    }
}

pub async fn dashboard(State(state): State<AppState>, me: Member) -> Result<Response, WebError> {
    let d = dashboard::dashboard(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let mut steps = Vec::new();
    if d.profile_is_empty {
        steps.push(Step {
            text: "Complete your profile so mentors and mentees can see who you are.".into(),
            href: "/profile".into(),
            action: "Edit profile".into(),
        });
    }
    if !d.has_a_program {
        steps.push(Step {
            text: "Enrol in a program as a mentor or a mentee.".into(),
            href: "/programs".into(),
            action: "See programs".into(),
        });
    }
    for (program_id, name) in &d.find_a_mentor_in {
        steps.push(Step {
            text: format!("Find a mentor in {name}: see who fits you best and why."),
            href: format!("/programs/{program_id}/suggestions"),
            action: "See suggested mentors".into(),
        });
    }
    // Next steps that are not already waiting on the caller.
    for r in &d.relationships {
        let Some(next) = &r.next_step else { continue };
        let at = |anchor: &str| format!("/mentorships/{}#{anchor}", r.mentorship.id);
        let (text, href, action) = match next.kind {
            NextStepKind::WriteAgreement => (
                format!(
                    "Write an agreement with {}: goals, cadence, channel, boundaries.",
                    r.other
                ),
                at("agreement"),
                "Write agreement",
            ),
            NextStepKind::ConfirmHeld => (
                format!("With {}: {}", r.other, next.label),
                format!(
                    "/meetings/{}",
                    next.object_id.as_deref().unwrap_or_default()
                ),
                "Update it",
            ),
            _ => continue,
        };
        steps.push(Step {
            text,
            href,
            action: action.into(),
        });
    }
    Ok(ok(&Dashboard {
        page: me.page("Dashboard", "dashboard"),
        name: me.caller.name().to_string(),
        waiting: d.waiting.iter().map(waiting_row).collect(),
        relationships: d.relationships.iter().map(row).collect(),
        requests: d.my_requests.iter().map(row).collect(),
        to_answer: d.requests_to_answer.iter().map(row).collect(),
        history: d.history.iter().map(row).collect(),
        steps,
        next_mentors: d.next_mentors,
        calendar_url: d.calendar_url,
        mentors: d.mentors,
    }))
}
