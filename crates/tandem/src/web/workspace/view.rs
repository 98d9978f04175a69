//! The workspace as its page words it, built from the workspace use case's one
//! snapshot (`service::workspace`): times in the viewer's zone, labels, and which
//! forms to offer, as the snapshot says the caller may.
use crate::domain::wire::{
    GoalStatus, Horizon, LearningStyle, MeetingStatus, MentorshipStatus as S, MilestoneStatus,
    NextStepKind,
};
use crate::domain::workspace::{decide_milestone, MeetingAction};
use crate::service::meetings::{FeedbackOut, MeetingOut};
use crate::service::mentorships::Member as Person;
use crate::service::workspace::WorkspaceOut;
use crate::web::{humanise, options, Opt};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The one thing to do next, first on the page.
pub struct NextStep {
    pub text: String,
    pub href: String,
    pub action: String,
}

pub struct ItemRow {
    pub id: String,
    pub version: i32,
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
    pub version: i32,
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
    /// Its start has passed: no calendar link, no more preparing.
    pub past: bool,
    /// Agenda, place and time may still change (scheduled, not yet begun).
    pub can_edit: bool,
    /// The start as the `datetime-local` input takes it, in the viewer's zone.
    pub starts_local: String,
    /// The agenda as the textarea takes it, one item per line.
    pub agenda_text: String,
}

pub struct MilestoneRow {
    pub id: String,
    pub version: i32,
    pub title: String,
    pub due: String,
    pub status: String,
    pub status_label: String,
    /// The current status (selected) and the statuses it may move to.
    pub next: Vec<Opt>,
}

pub struct GoalRow {
    pub id: String,
    pub version: i32,
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
    /// Content may be added (active or paused).
    pub running: bool,
    /// Meetings may be scheduled.
    pub active: bool,
    /// The caller may introduce the mentee to a contact (the mentor).
    pub can_introduce: bool,
    /// The caller may book a slot of the mentor's office hours.
    pub can_book: bool,
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
    /// The mentor has published office hours with free slots.
    pub has_hours: bool,
    /// How the mentor can adapt to the mentee's learning style.
    pub tips: Vec<(String, String)>,
    /// Who may own an action item.
    pub owners: Vec<Opt>,
    /// The viewer's time zone, in which times are shown and typed.
    pub tz: String,
    pub horizons: Vec<Opt>,
}

/// A time as the viewer reads it, in their zone.
pub fn local(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .format("%a %-d %b %Y, %H:%M")
        .to_string()
}

fn short(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%-d %b, %H:%M").to_string()
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_default()
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

/// The milestone's status control: the status it has, selected and marked as now,
/// then the statuses it may move to; empty when it can move no further.
fn milestone_next(status: MilestoneStatus) -> Vec<Opt> {
    let next: Vec<Opt> = MilestoneStatus::ALL
        .iter()
        .filter(|to| decide_milestone(status, **to).is_ok())
        .map(|to| Opt {
            value: to.as_str().to_string(),
            label: humanise(to.as_str()),
            selected: false,
        })
        .collect();
    if next.is_empty() {
        return next;
    }
    std::iter::once(Opt {
        value: status.as_str().to_string(),
        label: format!("{} (now)", humanise(status.as_str())),
        selected: true,
    })
    .chain(next)
    .collect()
}

fn meeting_row(m: &MeetingOut, feedback: &[FeedbackOut], tz: Tz, now: DateTime<Utc>) -> MeetingRow {
    let can = |a: MeetingAction| m.allowed_actions.contains(&a);
    let past = m.starts_at <= now;
    MeetingRow {
        past,
        can_edit: can(MeetingAction::Reschedule) && !past,
        starts_local: m
            .starts_at
            .with_timezone(&tz)
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        agenda_text: m.agenda.join("\n"),
        id: m.id.clone(),
        version: m.version,
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
                version: i.version,
                title: i.title.clone(),
                owner: i.owner.name.clone(),
                due: date(i.due_on),
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

/// A meeting's own page, where it is prepared, moved, noted and rated.
pub fn meeting_page(meeting_id: &str) -> String {
    format!("/meetings/{meeting_id}")
}

/// The next step as a line and a button that leads to where it is done.
fn next_step(ws: &WorkspaceOut) -> Option<NextStep> {
    let n = ws.next_step.as_ref()?;
    let id = &ws.mentorship.id;
    let meeting = || meeting_page(n.object_id.as_deref().unwrap_or_default());
    let (href, action) = match n.kind {
        NextStepKind::AnswerRequest | NextStepKind::AnswerProposal => {
            (format!("/mentorships/{id}#actions"), "Answer")
        }
        NextStepKind::WriteAgreement => (
            format!("/mentorships/{id}#agreement"),
            "Write the agreement",
        ),
        NextStepKind::SignAgreement => {
            (format!("/mentorships/{id}#agreement"), "Sign the agreement")
        }
        NextStepKind::GiveFeedback => (format!("{}#feedback", meeting()), "Give feedback"),
        NextStepKind::ConfirmHeld => (meeting(), "Update it"),
        NextStepKind::PrepareMeeting => (format!("{}#prepare", meeting()), "Prepare"),
        NextStepKind::ScheduleMeeting => {
            (format!("/mentorships/{id}/meetings#schedule"), "Schedule")
        }
    };
    Some(NextStep {
        text: n.label.clone(),
        href,
        action: action.into(),
    })
}

fn line(author: &Person, text: &str, at: DateTime<Utc>, me: &str, tz: Tz) -> Line {
    Line {
        author: author.name.clone(),
        text: text.to_string(),
        when: short(at, tz),
        mine: author.id.as_deref() == Some(me),
    }
}

/// Everything the workspace shows to a participant, worded for the page.
pub fn workspace_view(ws: &WorkspaceOut, me: &str, now: DateTime<Utc>) -> WorkspaceView {
    let tz: Tz = ws.timezone.parse().unwrap_or(chrono_tz::UTC);
    let m = &ws.mentorship;
    let now_pending = matches!(m.status, S::Requested | S::Proposed);
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for x in &ws.meetings {
        let row = meeting_row(x, &ws.feedback, tz, now);
        if x.status == MeetingStatus::Scheduled && x.starts_at > now {
            upcoming.push(row);
        } else {
            past.push(row);
        }
    }
    past.reverse();
    let p = &ws.progress;
    WorkspaceView {
        why: ws.why.as_ref().map(|s| WhyView {
            score: format!("{:.0}", s.score),
            items: s
                .explanation
                .iter()
                .filter(|e| e.points > 0.0 || !e.detail.is_empty())
                .map(|e| {
                    (
                        humanise(e.criterion.as_str()),
                        format!("{:.1}", e.points),
                        e.detail.clone(),
                    )
                })
                .collect(),
        }),
        mentee_card: ws
            .mentees
            .first()
            .filter(|_| now_pending)
            .map(|p| PersonCard {
                goals: p
                    .short_term_goals
                    .iter()
                    .chain(p.long_term_goals.iter())
                    .cloned()
                    .collect(),
                id: p.id.clone(),
                name: p.name.clone(),
                field: p.field.clone(),
                headline: p.headline.clone(),
                skills: p.skills.join(", "),
                languages: p.languages.join(", "),
                timezone: p.timezone.clone().unwrap_or_default(),
            }),
        running: ws.can.add_content,
        active: ws.can.schedule,
        can_introduce: ws.can.introduce,
        can_book: ws.can.book,
        next_step: next_step(ws),
        upcoming,
        past,
        goals: ws
            .goals
            .iter()
            .map(|g| GoalRow {
                is_open: g.status == GoalStatus::Open,
                id: g.id.clone(),
                version: g.version,
                title: g.title.clone(),
                description: g.description.clone(),
                horizon: g.horizon.as_str().to_string(),
                due: date(g.due_on),
                status: g.status.as_str().to_string(),
                percent: g.progress.percent,
                achieved: g.progress.achieved,
                total: g.progress.total,
                milestones: g
                    .milestones
                    .iter()
                    .map(|x| MilestoneRow {
                        next: milestone_next(x.status),
                        id: x.id.clone(),
                        version: x.version,
                        title: x.title.clone(),
                        due: date(x.due_on),
                        status: x.status.as_str().to_string(),
                        status_label: humanise(x.status.as_str()),
                    })
                    .collect(),
            })
            .collect(),
        progress: ProgressView {
            health: p.health.as_str().to_string(),
            health_label: humanise(p.health.as_str()),
            reasons: p
                .reasons
                .iter()
                .map(|r| crate::domain::progress::reason_words(*r, p.cadence_days))
                .collect(),
            meetings_held: p.meetings_held,
            next_due: date(p.next_meeting_due_on),
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
        },
        kudos: ws
            .kudos
            .iter()
            .map(|k| line(&k.author, &k.message, k.created_at, me, tz))
            .collect(),
        messages: ws
            .messages
            .iter()
            .map(|x| line(&x.author, &x.body, x.created_at, me, tz))
            .collect(),
        introductions: ws
            .introductions
            .iter()
            .map(|i| IntroRow {
                contact: format!("{} <{}>", i.contact_name, i.contact_email),
                note: i.note.clone(),
                when: short(i.created_at, tz),
            })
            .collect(),
        timeline: ws
            .timeline
            .iter()
            .map(|e| EventRow {
                when: short(e.at, tz),
                kind: e.kind.as_str().to_string(),
                summary: e.summary.clone(),
            })
            .collect(),
        has_hours: !ws.slots.is_empty(),
        slots: ws
            .slots
            .iter()
            .take(24)
            .map(|s| SlotRow {
                // `Z`, not `+00:00`: it goes into a link's query, where `+` is a blank.
                starts_at: s
                    .starts_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                label: short(s.starts_at, tz),
            })
            .collect(),
        // Tips on how the mentee learns are for the mentor who adapts to them.
        tips: ws
            .mentees
            .iter()
            .filter(|_| m.my_role == Some(crate::domain::wire::Role::Mentor))
            .filter_map(|p| {
                let (name, tip) = style_tips(p.learning_style?);
                let how = if name == "hands-on" {
                    "hands-on".to_string()
                } else {
                    format!("through {name}")
                };
                Some((format!("{} learns best {how}", p.name), tip))
            })
            .collect(),
        owners: std::iter::once((m.mentor.id.clone(), m.mentor.name.clone()))
            .chain(m.mentees.iter().map(|x| (x.id.clone(), x.name.clone())))
            .filter_map(|(id, name)| id.map(|id| (id, name)))
            .map(|(id, name)| Opt {
                selected: id == me,
                value: id,
                label: name,
            })
            .collect(),
        tz: ws.timezone.clone(),
        horizons: options(Horizon::ALL.iter().map(|h| h.as_str()), "short"),
    }
}
