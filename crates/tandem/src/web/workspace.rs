//! The pair's workspace on the mentorship page: the next step, meetings with
//! their notes, action items and feedback, goals and milestones, office hours,
//! kudos, messages, introductions and the timeline; and the forms that change them.
use super::{back_with_error, done, Member, Opt, WebError};
use crate::domain::paging::PageRequest;
use crate::domain::wire::{
    GoalStatus, Horizon, LearningStyle, MeetingStatus, MentorshipStatus as S, MilestoneStatus, Role,
};
use crate::domain::workspace::MeetingAction;
use crate::error::{AppError, AppResult};
use crate::service::accounts::Caller;
use crate::service::conversation::{self, IntroductionIn, KudosIn, MessageIn};
use crate::service::goals::{self, GoalIn, GoalPatch, MilestoneIn, MilestonePatch};
use crate::service::meetings::{
    self, ActionItemIn, ActionItemPatch, FeedbackIn, MeetingIn, MeetingOut, MeetingPatch,
    PrivateNoteIn,
};
use crate::service::mentorships::{AgreementOut, MentorshipOut};
use crate::service::office_hours::{self, BookingIn};
use crate::service::{people, progress};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use std::str::FromStr;

/// The one thing to do next, first on the page.
pub struct NextStep {
    pub text: String,
    pub href: String,
    pub action: String,
}

pub struct ItemRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub done: bool,
    pub overdue: bool,
}

pub struct FeedbackRow {
    pub author: String,
    pub rating: i32,
    pub went_well: String,
    pub to_improve: String,
    pub encouragement: String,
}

pub struct MeetingRow {
    pub id: String,
    pub when: String,
    pub minutes: i32,
    pub location: String,
    pub agenda: Vec<String>,
    pub status: String,
    pub shared_notes: String,
    pub private_note: String,
    pub items: Vec<ItemRow>,
    pub can_hold: bool,
    pub can_cancel: bool,
    pub can_notes: bool,
    pub can_feedback: bool,
    pub feedback: Vec<FeedbackRow>,
    pub booked: bool,
}

pub struct MilestoneRow {
    pub id: String,
    pub title: String,
    pub due: String,
    pub status: String,
    pub status_label: String,
    /// The statuses it may move to.
    pub next: Vec<Opt>,
}

pub struct GoalRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub horizon: String,
    pub due: String,
    pub status: String,
    pub percent: u32,
    pub achieved: u32,
    pub total: u32,
    pub milestones: Vec<MilestoneRow>,
    pub is_open: bool,
}

pub struct Line {
    pub author: String,
    pub text: String,
    pub when: String,
    pub mine: bool,
}

pub struct IntroRow {
    pub contact: String,
    pub note: String,
    pub when: String,
}

pub struct EventRow {
    pub when: String,
    pub kind: String,
    pub summary: String,
}

pub struct SlotRow {
    pub starts_at: String,
    pub label: String,
}

pub struct ProgressView {
    pub health: String,
    pub health_label: String,
    pub reasons: Vec<String>,
    pub meetings_held: u64,
    pub next_due: String,
    pub milestones_achieved: u64,
    pub milestones_total: u64,
    pub milestones_percent: u64,
    pub open_items: u64,
    pub overdue_items: u64,
    pub average_rating: String,
}

/// The engine's "why this match" for a request or a proposed match.
pub struct WhyView {
    pub score: String,
    /// (criterion, points, why)
    pub items: Vec<(String, String, String)>,
}

/// The mentee as the mentor reading their request sees them.
pub struct PersonCard {
    pub id: String,
    pub name: String,
    pub field: String,
    pub headline: String,
    pub skills: String,
    pub languages: String,
    pub timezone: String,
    pub goals: Vec<String>,
}

pub struct WorkspaceView {
    pub why: Option<WhyView>,
    pub mentee_card: Option<PersonCard>,
    /// Active or paused: content may be added.
    pub running: bool,
    /// Active: meetings may be scheduled and booked.
    pub active: bool,
    pub is_mentor: bool,
    pub next_step: Option<NextStep>,
    pub upcoming: Vec<MeetingRow>,
    pub past: Vec<MeetingRow>,
    pub goals: Vec<GoalRow>,
    pub progress: ProgressView,
    pub kudos: Vec<Line>,
    pub messages: Vec<Line>,
    pub introductions: Vec<IntroRow>,
    pub timeline: Vec<EventRow>,
    pub slots: Vec<SlotRow>,
    /// The mentor has published office hours.
    pub has_hours: bool,
    /// How the mentor can adapt to the mentee's learning style.
    pub tips: Vec<(String, String)>,
    /// Who may own an action item.
    pub owners: Vec<Opt>,
    /// The viewer's time zone, in which times are shown and typed.
    pub tz: String,
    pub horizons: Vec<Opt>,
}

fn zone(tz: &str) -> Tz {
    Tz::from_str(tz).unwrap_or(chrono_tz::UTC)
}

/// A time as the viewer reads it, in their zone.
pub fn local(at: DateTime<Utc>, tz: &str) -> String {
    at.with_timezone(&zone(tz))
        .format("%a %-d %b %Y, %H:%M")
        .to_string()
}

fn short(at: DateTime<Utc>, tz: &str) -> String {
    at.with_timezone(&zone(tz))
        .format("%-d %b, %H:%M")
        .to_string()
}

/// How a mentor adapts to a learning style.
pub fn style_tips(style: LearningStyle) -> (String, String) {
    let (name, tip) = match style {
        LearningStyle::Visual => (
            "visual",
            "Sketch it: draw diagrams and timelines, share slides or a whiteboard, and send a picture of the plan after each meeting.",
        ),
        LearningStyle::Auditory => (
            "auditory",
            "Talk it through: prefer calls to long texts, let them explain ideas back in their own words, and recap out loud at the end.",
        ),
        LearningStyle::ReadingWriting => (
            "reading and writing",
            "Write it down: send the agenda ahead, share articles and notes, and ask for a short written reflection between meetings.",
        ),
        LearningStyle::Kinesthetic => (
            "hands-on",
            "Let them do it: pair on real tasks, role-play hard conversations, and turn each goal into a small experiment to try before you meet.",
        ),
    };
    (name.to_string(), tip.to_string())
}

fn milestone_next(status: MilestoneStatus) -> Vec<Opt> {
    MilestoneStatus::ALL
        .iter()
        .filter(|to| crate::domain::workspace::decide_milestone(status, **to).is_ok())
        .map(|to| Opt {
            value: to.as_str().to_string(),
            label: super::humanise(to.as_str()),
            selected: false,
        })
        .collect()
}

fn meeting_row(m: &MeetingOut, feedback: &[meetings::FeedbackOut], tz: &str) -> MeetingRow {
    let can = |a: MeetingAction| m.allowed_actions.contains(&a);
    MeetingRow {
        id: m.id.clone(),
        when: local(m.starts_at, tz),
        minutes: m.duration_minutes,
        location: m.location.clone(),
        agenda: m.agenda.clone(),
        status: m.status.as_str().to_string(),
        shared_notes: m.shared_notes.clone(),
        private_note: m.private_note.clone().unwrap_or_default(),
        items: m
            .action_items
            .iter()
            .map(|i| ItemRow {
                id: i.id.clone(),
                title: i.title.clone(),
                owner: i.owner.name.clone(),
                due: i
                    .due_on
                    .map(|d| d.format("%-d %b %Y").to_string())
                    .unwrap_or_default(),
                done: i.done,
                overdue: i.overdue,
            })
            .collect(),
        can_hold: can(MeetingAction::Hold),
        can_cancel: can(MeetingAction::Cancel),
        can_notes: can(MeetingAction::TakeNotes),
        can_feedback: can(MeetingAction::GiveFeedback),
        feedback: feedback
            .iter()
            .filter(|f| f.meeting_id == m.id)
            .map(|f| FeedbackRow {
                author: f.author.name.clone(),
                rating: f.rating,
                went_well: f.went_well.clone(),
                to_improve: f.to_improve.clone(),
                encouragement: f.encouragement.clone(),
            })
            .collect(),
        booked: m.booked,
    }
}

/// The next step for this participant, from what the relationship holds.
fn next_step(
    m: &MentorshipOut,
    me: &str,
    agreement: Option<&AgreementOut>,
    meetings: &[MeetingOut],
    now: DateTime<Utc>,
    tz: &str,
) -> Option<NextStep> {
    let href = |anchor: &str| format!("/mentorships/{}#{anchor}", m.id);
    let step = |text: String, anchor: &str, action: &str| NextStep {
        text,
        href: href(anchor),
        action: action.to_string(),
    };
    match m.status {
        S::Requested if m.mentor.id.as_deref() == Some(me) => {
            return Some(step(
                "Read the request and answer it.".into(),
                "actions",
                "Answer",
            ))
        }
        S::Proposed if !m.accepted_by(me) => {
            return Some(step(
                "Read why this match was proposed, then accept or decline it.".into(),
                "actions",
                "Answer",
            ))
        }
        S::Active => {}
        _ => return None,
    }
    match agreement {
        None => {
            return Some(step(
                "Write your agreement together: goals, how often you meet, boundaries.".into(),
                "agreement",
                "Write the agreement",
            ))
        }
        Some(a) if !a.signed_by.iter().any(|s| s == me) => {
            return Some(step(
                "Read the agreement and sign it.".into(),
                "agreement",
                "Sign the agreement",
            ))
        }
        _ => {}
    }
    if let Some(owed) = meetings
        .iter()
        .rev()
        .find(|x| x.allowed_actions.contains(&MeetingAction::GiveFeedback))
    {
        return Some(step(
            format!(
                "Give feedback on your meeting of {}.",
                short(owed.starts_at, tz)
            ),
            &format!("meeting-{}", owed.id),
            "Give feedback",
        ));
    }
    if let Some(unmarked) = meetings
        .iter()
        .find(|x| x.status == MeetingStatus::Scheduled && x.starts_at <= now)
    {
        return Some(step(
            format!(
                "Did your meeting of {} take place? Mark it held, or cancel it.",
                short(unmarked.starts_at, tz)
            ),
            &format!("meeting-{}", unmarked.id),
            "Update it",
        ));
    }
    if let Some(next) = meetings
        .iter()
        .find(|x| x.status == MeetingStatus::Scheduled)
    {
        return Some(step(
            format!(
                "Next meeting: {}. Add to the agenda what you want to talk about.",
                local(next.starts_at, tz)
            ),
            &format!("meeting-{}", next.id),
            "Prepare",
        ));
    }
    Some(step(
        "Schedule your next meeting.".into(),
        "meetings",
        "Schedule",
    ))
}

fn line(
    author: &crate::service::mentorships::Member,
    text: &str,
    at: DateTime<Utc>,
    me: &str,
    tz: &str,
) -> Line {
    Line {
        author: author.name.clone(),
        text: text.to_string(),
        when: short(at, tz),
        mine: author.id.as_deref() == Some(me),
    }
}

/// Everything the workspace shows to a participant; None for those who oversee.
pub async fn workspace_view(
    state: &AppState,
    me: &Member,
    m: &MentorshipOut,
    agreement: Option<&AgreementOut>,
) -> AppResult<Option<WorkspaceView>> {
    let Some(role) = m.my_role else {
        return Ok(None);
    };
    let caller = &me.caller;
    let started = matches!(m.status, S::Active | S::Paused | S::Completed | S::Ended);
    let tz = people::get_profile(state, caller)
        .await?
        .timezone
        .unwrap_or_else(|| "UTC".into());
    let now = state.clock.now();
    let empty_progress = ProgressView {
        health: String::new(),
        health_label: String::new(),
        reasons: Vec::new(),
        meetings_held: 0,
        next_due: String::new(),
        milestones_achieved: 0,
        milestones_total: 0,
        milestones_percent: 0,
        open_items: 0,
        overdue_items: 0,
        average_rating: String::new(),
    };
    let mut view = WorkspaceView {
        why: None,
        mentee_card: None,
        running: matches!(m.status, S::Active | S::Paused),
        active: m.status == S::Active,
        is_mentor: role == Role::Mentor,
        next_step: None,
        upcoming: Vec::new(),
        past: Vec::new(),
        goals: Vec::new(),
        progress: empty_progress,
        kudos: Vec::new(),
        messages: Vec::new(),
        introductions: Vec::new(),
        timeline: Vec::new(),
        slots: Vec::new(),
        has_hours: false,
        tips: Vec::new(),
        owners: Vec::new(),
        tz: tz.clone(),
        horizons: super::options(Horizon::ALL.iter().map(|h| h.as_str()), "short"),
    };
    if !started {
        view.next_step = next_step(m, me.id(), agreement, &[], now, &tz);
        if matches!(m.status, S::Requested | S::Proposed) {
            let mentee = match role {
                Role::Mentee => Some(me.id().to_string()),
                Role::Mentor => m.mentees.iter().find_map(|x| x.id.clone()),
            };
            if let Some(mentee) = mentee {
                view.why = crate::service::matching::why_this_match(state, caller, &m.id)
                    .await?
                    .map(|s| WhyView {
                        score: format!("{:.0}", s.score),
                        items: s
                            .explanation
                            .into_iter()
                            .filter(|e| e.points > 0.0 || !e.detail.is_empty())
                            .map(|e| {
                                (
                                    super::humanise(e.criterion.as_str()),
                                    format!("{:.1}", e.points),
                                    e.detail,
                                )
                            })
                            .collect(),
                    });
                if role == Role::Mentor {
                    if let Ok(p) = people::person(state, caller, &mentee).await {
                        view.mentee_card = Some(PersonCard {
                            goals: p
                                .short_term_goals
                                .iter()
                                .chain(p.long_term_goals.iter())
                                .cloned()
                                .collect(),
                            id: p.id,
                            name: p.name,
                            field: p.field,
                            headline: p.headline,
                            skills: p.skills.join(", "),
                            languages: p.languages.join(", "),
                            timezone: p.timezone.unwrap_or_default(),
                        });
                    }
                }
            }
        }
        return Ok(Some(view));
    }
    let all = PageRequest::all();
    let meetings = meetings::list(state, caller, &m.id, &all).await?.items;
    let feedback = meetings::feedback_in(state, caller, &m.id).await?;
    view.next_step = next_step(m, me.id(), agreement, &meetings, now, &tz);
    for x in &meetings {
        let row = meeting_row(x, &feedback, &tz);
        if x.status == MeetingStatus::Scheduled && x.starts_at > now {
            view.upcoming.push(row);
        } else {
            view.past.push(row);
        }
    }
    view.past.reverse();
    view.goals = goals::list(state, caller, &m.id)
        .await?
        .into_iter()
        .map(|g| GoalRow {
            is_open: g.status == GoalStatus::Open,
            id: g.id,
            title: g.title,
            description: g.description,
            horizon: g.horizon.as_str().to_string(),
            due: g
                .due_on
                .map(|d| d.format("%-d %b %Y").to_string())
                .unwrap_or_default(),
            status: g.status.as_str().to_string(),
            percent: g.progress.percent,
            achieved: g.progress.achieved,
            total: g.progress.total,
            milestones: g
                .milestones
                .into_iter()
                .map(|x| MilestoneRow {
                    next: milestone_next(x.status),
                    id: x.id,
                    title: x.title,
                    due: x
                        .due_on
                        .map(|d| d.format("%-d %b %Y").to_string())
                        .unwrap_or_default(),
                    status: x.status.as_str().to_string(),
                    status_label: super::humanise(x.status.as_str()),
                })
                .collect(),
        })
        .collect();
    let p = progress::progress(state, caller, &m.id).await?;
    view.progress = ProgressView {
        health: p.health.as_str().to_string(),
        health_label: super::humanise(p.health.as_str()),
        reasons: p
            .reasons
            .iter()
            .map(|r| reason_text(*r, p.cadence_days))
            .collect(),
        meetings_held: p.meetings_held,
        next_due: p
            .next_meeting_due_on
            .map(|d| d.format("%-d %b %Y").to_string())
            .unwrap_or_default(),
        milestones_achieved: p.milestones.achieved,
        milestones_total: p.milestones.total,
        milestones_percent: (p.milestones.achieved * 100)
            .checked_div(p.milestones.total)
            .unwrap_or(0),
        open_items: p.open_action_items,
        overdue_items: p.overdue_action_items,
        average_rating: p
            .average_rating
            .map(|r| format!("{r:.1} / 5"))
            .unwrap_or_default(),
    };
    let first = PageRequest::new(Some(20), None).unwrap_or_default();
    view.kudos = conversation::kudos(state, caller, &m.id, &first)
        .await?
        .items
        .iter()
        .map(|k| line(&k.author, &k.message, k.created_at, me.id(), &tz))
        .collect();
    view.messages = conversation::messages(
        state,
        caller,
        &m.id,
        &PageRequest::new(Some(200), None).unwrap_or_default(),
    )
    .await?
    .items
    .iter()
    .map(|x| line(&x.author, &x.body, x.created_at, me.id(), &tz))
    .collect();
    view.introductions = conversation::introductions(state, caller, &m.id)
        .await?
        .into_iter()
        .map(|i| IntroRow {
            contact: format!("{} <{}>", i.contact_name, i.contact_email),
            note: i.note,
            when: short(i.created_at, &tz),
        })
        .collect();
    view.timeline = progress::timeline_for(state, caller, &m.id)
        .await?
        .into_iter()
        .map(|e| EventRow {
            when: short(e.at, &tz),
            kind: e.kind.as_str().to_string(),
            summary: e.summary,
        })
        .collect();
    if view.active {
        let slots = office_hours::slots(state, caller, &m.id, None, 14).await?;
        view.has_hours = !slots.is_empty();
        view.slots = slots
            .into_iter()
            .take(24)
            .map(|s| SlotRow {
                starts_at: s.starts_at.to_rfc3339(),
                label: short(s.starts_at, &tz),
            })
            .collect();
    }
    if view.is_mentor {
        for mentee in m.mentees.iter().filter_map(|x| x.id.as_deref()) {
            if let Ok(person) = people::person(state, caller, mentee).await {
                if let Some(style) = person.learning_style {
                    let (name, tip) = style_tips(style);
                    view.tips.push((
                        format!(
                            "{} learns best {}",
                            person.name,
                            if name == "hands-on" {
                                "hands-on".to_string()
                            } else {
                                format!("through {name}")
                            }
                        ),
                        tip,
                    ));
                }
            }
        }
    }
    view.owners = std::iter::once((m.mentor.id.clone(), m.mentor.name.clone()))
        .chain(m.mentees.iter().map(|x| (x.id.clone(), x.name.clone())))
        .filter_map(|(id, name)| id.map(|id| (id, name)))
        .map(|(id, name)| Opt {
            selected: id == me.id(),
            value: id,
            label: name,
        })
        .collect();
    Ok(Some(view))
}

fn reason_text(r: crate::domain::wire::HealthReason, cadence: i32) -> String {
    use crate::domain::wire::HealthReason as H;
    match r {
        H::NoMeetingFor3xCadence => format!(
            "no meeting held for three times the cadence ({} days)",
            cadence * 3
        ),
        H::NoMeetingFor1_5xCadence => format!(
            "no meeting held for one and a half times the cadence ({} days)",
            cadence * 3 / 2
        ),
        H::OverdueActionItems => "an action item is overdue".into(),
        H::LowRatings => "the average feedback rating is below 3".into(),
        H::AgreementUnsigned => "the agreement is still unsigned two weeks after the start".into(),
    }
}

// ------------------------------------------------------------------ forms

fn back(id: &str, anchor: &str) -> String {
    format!("/mentorships/{id}#{anchor}")
}

/// Runs a change and goes back to the mentorship page with what happened.
async fn then_back<T>(
    state: &AppState,
    me: &Member,
    to: String,
    result: AppResult<T>,
    message: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(done(state, &to, message)),
        Err(err) => Ok(back_with_error(state, &to, err, me.fail())),
    }
}

/// `YYYY-MM-DDTHH:MM` typed in the viewer's zone, as RFC 3339 in UTC.
fn typed_time(raw: &str, tz: &str) -> String {
    let raw = raw.trim();
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|t| zone(tz).from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc).to_rfc3339())
        // Anything else goes to the service as typed, which names the problem.
        .unwrap_or_else(|| raw.to_string())
}

async fn viewer_zone(state: &AppState, caller: &Caller) -> String {
    people::get_profile(state, caller)
        .await
        .ok()
        .and_then(|p| p.timezone)
        .unwrap_or_else(|| "UTC".into())
}

fn back_to(mentorship_id: &str, anchor: &str) -> String {
    // Only an id goes into the path, never a way elsewhere.
    let id: String = mentorship_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if id.is_empty() {
        "/dashboard".into()
    } else {
        back(&id, anchor)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingForm {
    starts_at: String,
    duration_minutes: String,
    location: String,
    agenda: String,
}

pub async fn schedule(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<MeetingForm>,
) -> Result<Response, WebError> {
    let tz = viewer_zone(&state, &me.caller).await;
    let mut errors = super::Errors::default();
    let input = MeetingIn {
        starts_at: typed_time(&form.starts_at, &tz),
        duration_minutes: super::optional_number(
            &form.duration_minutes,
            "duration_minutes",
            &mut errors,
        ),
        location: form.location,
        agenda: super::split_lines(&form.agenda),
    };
    let result = if errors.is_empty() {
        meetings::schedule(&state, &me.caller, &id, &input).await
    } else {
        Err(AppError::Validation(errors.0))
    };
    then_back(
        &state,
        &me,
        back(&id, "meetings"),
        result,
        "Meeting scheduled. Both of you find it in your calendar feed.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingChange {
    mentorship_id: String,
    status: String,
    shared_notes: Option<String>,
}

pub async fn change_meeting(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<MeetingChange>,
) -> Result<Response, WebError> {
    let input = MeetingPatch {
        status: Some(form.status.clone()).filter(|s| !s.is_empty()),
        shared_notes: form.shared_notes.clone(),
        ..MeetingPatch::default()
    };
    let message = match form.status.as_str() {
        "held" => "Marked as held. Give each other feedback while it is fresh.",
        "cancelled" => "Meeting cancelled.",
        _ => "Notes saved.",
    };
    let to = back_to(&form.mentorship_id, &format!("meeting-{id}"));
    let result = meetings::patch(&state, &me.caller, &id, &input).await;
    then_back(&state, &me, to, result, message).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    mentorship_id: String,
    body: String,
}

pub async fn private_note(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<NoteForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, &format!("meeting-{id}"));
    let result =
        meetings::put_private_note(&state, &me.caller, &id, &PrivateNoteIn { body: form.body })
            .await;
    then_back(
        &state,
        &me,
        to,
        result,
        "Private note saved. Only you can see it.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    mentorship_id: String,
    title: String,
    owner_id: String,
    due_on: String,
}

pub async fn add_item(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<ItemForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, &format!("meeting-{id}"));
    let input = ActionItemIn {
        title: form.title,
        owner_id: Some(form.owner_id).filter(|o| !o.is_empty()),
        due_on: Some(form.due_on).filter(|d| !d.is_empty()),
    };
    let result = meetings::add_action_item(&state, &me.caller, &id, &input).await;
    then_back(&state, &me, to, result, "Action item added.").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DoneForm {
    mentorship_id: String,
    done: String,
}

pub async fn item_done(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<DoneForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, "meetings");
    let done_now = form.done == "true";
    let input = ActionItemPatch {
        done: Some(done_now),
        ..ActionItemPatch::default()
    };
    let result = meetings::patch_action_item(&state, &me.caller, &id, &input).await;
    then_back(
        &state,
        &me,
        to,
        result,
        if done_now {
            "Done — well done."
        } else {
            "Marked as not done."
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FeedbackForm {
    mentorship_id: String,
    rating: String,
    went_well: String,
    to_improve: String,
    encouragement: String,
}

pub async fn feedback(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<FeedbackForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, &format!("meeting-{id}"));
    let mut errors = super::Errors::default();
    let rating = super::optional_number(&form.rating, "rating", &mut errors);
    if rating.is_none() && errors.is_empty() {
        errors.add("rating", "choose a rating from 1 to 5");
    }
    let result = if errors.is_empty() {
        let input = FeedbackIn {
            rating: rating.unwrap_or_default(),
            went_well: form.went_well,
            to_improve: form.to_improve,
            encouragement: form.encouragement,
        };
        meetings::give_feedback(&state, &me.caller, &id, &input).await
    } else {
        Err(AppError::Validation(errors.0))
    };
    then_back(&state, &me, to, result, "Thank you for your feedback.").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GoalForm {
    title: String,
    description: String,
    horizon: String,
    due_on: String,
}

pub async fn add_goal(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<GoalForm>,
) -> Result<Response, WebError> {
    let input = GoalIn {
        title: form.title,
        description: form.description,
        horizon: Some(form.horizon).filter(|h| !h.is_empty()),
        due_on: Some(form.due_on).filter(|d| !d.is_empty()),
    };
    let result = goals::create(&state, &me.caller, &id, &input).await;
    then_back(
        &state,
        &me,
        back(&id, "goals"),
        result,
        "Goal added. Break it into milestones to see progress.",
    )
    .await
}

pub async fn goals_from_plan(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(_): super::CsrfForm<super::mentorships::Empty>,
) -> Result<Response, WebError> {
    let result = goals::take_from_plan(&state, &me.caller, &id).await;
    then_back(
        &state,
        &me,
        back(&id, "goals"),
        result,
        "The career plan's goals are now goals of this mentorship.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    mentorship_id: String,
    status: String,
}

pub async fn goal_status(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, "goals");
    let achieved = form.status == "achieved";
    let input = GoalPatch {
        status: Some(form.status),
        ..GoalPatch::default()
    };
    let result = goals::patch_goal(&state, &me.caller, &id, &input).await;
    then_back(
        &state,
        &me,
        to,
        result,
        if achieved {
            "Goal achieved — congratulations!"
        } else {
            "Goal updated."
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MilestoneForm {
    mentorship_id: String,
    title: String,
    due_on: String,
}

pub async fn add_milestone(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<MilestoneForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, "goals");
    let input = MilestoneIn {
        title: form.title,
        description: String::new(),
        due_on: Some(form.due_on).filter(|d| !d.is_empty()),
    };
    let result = goals::add_milestone(&state, &me.caller, &id, &input).await;
    then_back(&state, &me, to, result, "Milestone added.").await
}

pub async fn milestone_status(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let to = back_to(&form.mentorship_id, "goals");
    let achieved = form.status == "achieved";
    let input = MilestonePatch {
        status: Some(form.status),
        ..MilestonePatch::default()
    };
    let result = goals::patch_milestone(&state, &me.caller, &id, &input).await;
    then_back(
        &state,
        &me,
        to,
        result,
        if achieved {
            "Milestone achieved — worth celebrating!"
        } else {
            "Milestone updated."
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TextForm {
    body: String,
}

pub async fn kudos(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<TextForm>,
) -> Result<Response, WebError> {
    let result =
        conversation::give_kudos(&state, &me.caller, &id, &KudosIn { message: form.body }).await;
    then_back(&state, &me, back(&id, "kudos"), result, "Kudos sent.").await
}

pub async fn message(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<TextForm>,
) -> Result<Response, WebError> {
    let result =
        conversation::post_message(&state, &me.caller, &id, &MessageIn { body: form.body }).await;
    then_back(
        &state,
        &me,
        back(&id, "messages"),
        result,
        "Message posted.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IntroForm {
    contact_name: String,
    contact_email: String,
    note: String,
}

pub async fn introduce(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<IntroForm>,
) -> Result<Response, WebError> {
    let input = IntroductionIn {
        contact_name: form.contact_name,
        contact_email: form.contact_email,
        note: form.note,
    };
    let result = conversation::introduce(&state, &me.caller, &id, &input).await;
    then_back(
        &state,
        &me,
        back(&id, "introductions"),
        result,
        "Introduction sent: both got an e-mail.",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BookingForm {
    starts_at: String,
}

pub async fn book(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    super::CsrfForm(form): super::CsrfForm<BookingForm>,
) -> Result<Response, WebError> {
    let result = office_hours::book(
        &state,
        &me.caller,
        &id,
        &BookingIn {
            starts_at: form.starts_at,
        },
    )
    .await;
    then_back(
        &state,
        &me,
        back(&id, "meetings"),
        result,
        "Booked — the meeting is in both your calendars.",
    )
    .await
}
