//! The signed-in home: relationships, what waits on the caller, and next steps.
use super::{day, ok, Member, Page, WebError};
use crate::domain::wire::{MentorshipStatus as S, Role};
use crate::error::AppError;
use crate::service::mentorships::{self, MentorshipOut};
use crate::service::{people, programs};
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
    pub since: String,
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
    history: Vec<RelationshipRow>,
    steps: Vec<Step>,
    calendar_url: String,
}

fn row(m: &MentorshipOut, me: &str) -> RelationshipRow {
    let mentees: Vec<&str> = m
        .mentees
        .iter()
        .filter(|x| x.id.as_deref() != Some(me))
        .map(|x| x.name.as_str())
        .collect();
    let other = if m.my_role == Some(Role::Mentor) {
        mentees.join(", ")
    } else {
        m.mentor.name.clone()
    };
    let other_id = if m.my_role == Some(Role::Mentor) {
        m.mentees
            .iter()
            .find_map(|x| x.id.clone().filter(|id| id != me))
    } else {
        m.mentor.id.clone()
    };
    RelationshipRow {
        id: m.id.clone(),
        other_id: other_id.unwrap_or_default(),
        other,
        my_role: m
            .my_role
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        program: m.program_name.clone(),
        status: m.status.as_str().into(),
        since: day(m.started_at.unwrap_or(m.created_at)),
    }
}

pub async fn dashboard(State(state): State<AppState>, me: Member) -> Result<Response, WebError> {
    let mine = mentorships::all_mine(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let waiting_on: Vec<&MentorshipOut> = mine.iter().filter(|m| m.waits_on(me.id())).collect();
    let enrollments = programs::my_enrollments(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let coordinating = programs::coordinated_by(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let profile = people::get_profile(&state, &me.caller)
        .await
        .map_err(me.fail())?;

    let waiting_ids: Vec<&str> = waiting_on.iter().map(|m| m.id.as_str()).collect();
    let requests = mine
        .iter()
        .filter(|m| m.status == S::Requested && m.my_role == Some(Role::Mentee))
        .map(|m| row(m, me.id()))
        .collect();
    let ended_early = [S::Declined, S::Withdrawn, S::Expired];
    let relationships = mine
        .iter()
        .filter(|m| {
            m.status != S::Requested
                && m.status != S::Merged
                && !ended_early.contains(&m.status)
                && !waiting_ids.contains(&m.id.as_str())
        })
        .map(|m| row(m, me.id()))
        .collect();
    let history = mine
        .iter()
        .filter(|m| ended_early.contains(&m.status))
        .map(|m| row(m, me.id()))
        .collect();
    let tz = profile.timezone.clone().unwrap_or_else(|| "UTC".into());
    let now = state.clock.now();
    let mut waiting: Vec<Waiting> = waiting_on
        .iter()
        .map(|m| {
            let r = row(m, me.id());
            let (text, action) = if m.status == S::Requested {
                (
                    format!("{} asks you to be their mentor in {}.", r.other, r.program),
                    "Answer",
                )
            } else {
                (
                    format!(
                        "A proposed match with {} in {}: accept or decline it.",
                        r.other, r.program
                    ),
                    "Answer",
                )
            };
            Waiting {
                id: format!("waiting-{}", m.id),
                text,
                since: day(m.created_at),
                href: format!("/mentorships/{}", m.id),
                action: action.into(),
            }
        })
        .collect();

    let mut steps = Vec::new();
    if profile.field.is_empty() && profile.headline.is_empty() && profile.skills.is_empty() {
        steps.push(Step {
            text: "Complete your profile so mentors and mentees can see who you are.".into(),
            href: "/profile".into(),
            action: "Edit profile".into(),
        });
    }
    if enrollments.is_empty() && coordinating.is_empty() {
        steps.push(Step {
            text: "Enrol in a program as a mentor or a mentee.".into(),
            href: "/programs".into(),
            action: "See programs".into(),
        });
    }
    for e in enrollments.iter().filter(|e| e.role == Role::Mentee) {
        let has_mentor = mine.iter().any(|m| {
            m.program_id == e.program_id
                && m.my_role == Some(Role::Mentee)
                && S::OPEN.contains(&m.status)
        });
        if !has_mentor {
            let program = programs::get(&state, &me.caller, &e.program_id)
                .await
                .map_err(me.fail())?;
            steps.push(Step {
                text: format!(
                    "Find a mentor in {}: see who fits you best and why.",
                    program.name
                ),
                href: format!("/programs/{}/suggestions", e.program_id),
                action: "See suggested mentors".into(),
            });
        }
    }
    for m in mine.iter().filter(|m| m.status == S::Active) {
        let r = row(m, me.id());
        let at = |anchor: &str| format!("/mentorships/{}#{anchor}", m.id);
        let mut wait = |id: String, text: String, since: String, href: String, action: &str| {
            waiting.push(Waiting {
                id,
                text,
                since,
                href,
                action: action.into(),
            })
        };
        match mentorships::get_agreement(&state, &me.caller, &m.id).await {
            Ok(a) if a.fully_signed => {}
            Ok(a) if a.signed_by.iter().any(|id| id == me.id()) => steps.push(Step {
                text: format!("Your agreement with {} waits for their signature.", r.other),
                href: at("agreement"),
                action: "View agreement".into(),
            }),
            Ok(a) => wait(
                format!("sign-{}", m.id),
                format!("Read and sign your agreement with {}.", r.other),
                day(a.updated_at),
                at("agreement"),
                "Sign",
            ),
            Err(AppError::NotFound(_)) => steps.push(Step {
                text: format!(
                    "Write an agreement with {}: goals, cadence, channel, boundaries.",
                    r.other
                ),
                href: at("agreement"),
                action: "Write agreement".into(),
            }),
            Err(e) => return Err(me.fail()(e)),
        }
        let all = crate::domain::paging::PageRequest::all();
        let meetings = crate::service::meetings::list(&state, &me.caller, &m.id, &all)
            .await
            .map_err(me.fail())?
            .items;
        let week = now + chrono::Duration::days(7);
        for x in &meetings {
            let when = super::workspace::local(x.starts_at, &tz);
            let anchor = at(&format!("meeting-{}", x.id));
            if x.allowed_actions
                .contains(&crate::domain::workspace::MeetingAction::GiveFeedback)
            {
                wait(
                    format!("feedback-{}", x.id),
                    format!("Give feedback on your meeting with {} of {when}.", r.other),
                    day(x.starts_at),
                    anchor.clone(),
                    "Give feedback",
                );
            } else if x.status == crate::domain::wire::MeetingStatus::Scheduled
                && x.starts_at > now
                && x.starts_at <= week
            {
                wait(
                    format!("meeting-{}", x.id),
                    format!("Meeting with {} this week: {when}.", r.other),
                    String::new(),
                    anchor.clone(),
                    "Prepare",
                );
            }
            for i in x
                .action_items
                .iter()
                .filter(|i| !i.done && i.owner.id.as_deref() == Some(me.id()))
            {
                let due_soon = i.due_on.is_some_and(|d| d <= week.date_naive());
                if due_soon {
                    let due = i
                        .due_on
                        .map(|d| d.format("%-d %b").to_string())
                        .unwrap_or_default();
                    let text = if i.overdue {
                        format!("Overdue since {due}: {} (with {}).", i.title, r.other)
                    } else {
                        format!("Due {due}: {} (with {}).", i.title, r.other)
                    };
                    wait(
                        format!("item-{}", i.id),
                        text,
                        day(i.created_at),
                        anchor.clone(),
                        "Open",
                    );
                }
            }
        }
    }
    let calendar_url = crate::service::calendar::mine(&state, &me.caller)
        .await
        .map(|c| c.url)
        .unwrap_or_default();

    Ok(ok(&Dashboard {
        page: me.page("Dashboard", "dashboard"),
        name: me.caller.name().to_string(),
        waiting,
        relationships,
        requests,
        history,
        steps,
        calendar_url,
    }))
}
