//! A relationship as its page and `GET /mentorships/{id}/workspace` show it: one
//! snapshot, for which the relationship and the caller's access are read once and
//! each content list once; the next step and what waits on the caller come from
//! the domain's rules (`domain::waiting`), so API clients have them too.
use super::accounts::Caller;
use super::conversation::{self, IntroductionOut, KudosOut, MessageOut};
use super::goals::{self, GoalOut};
use super::matching::{self, Suggestion};
use super::meetings::{self, FeedbackOut, MeetingOut};
use super::mentorships::{self, AgreementOut, MentorshipOut};
use super::office_hours::{self, SlotOut};
use super::people::{self, PersonOut};
use super::progress::{self, Contents, ProgressOut, TimelineEvent};
use super::relationship::{self, Relationship};
use crate::domain::access::{Kind, Part};
use crate::domain::paging::PageRequest;
use crate::domain::waiting::{self, AgreementState, ItemSeen, MeetingSeen, PairSeen};
use crate::domain::wire::{Action, MentorshipStatus as S, NextStepKind, WaitingKind};
use crate::domain::workspace::MeetingAction;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::entities::action_item;
use crate::store::workspace as store;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

/// How many kudos and messages the snapshot carries (the lists page on from there).
pub const KUDOS_SHOWN: usize = 20;
pub const MESSAGES_SHOWN: usize = 200;

/// The one thing to do next in a relationship.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextStepOut {
    pub kind: NextStepKind,
    /// The meeting it is about, when it is about one.
    pub object_id: Option<String>,
    pub label: String,
}

/// Something that waits on the caller (SPEC §7).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WaitingOut {
    pub kind: WaitingKind,
    pub mentorship_id: String,
    /// The relationship, the meeting or the action item to act on.
    pub object_id: String,
    pub due_at: Option<DateTime<Utc>>,
    /// Names the other person and the thing, never what the pair wrote.
    pub label: String,
}

impl From<waiting::Waiting> for WaitingOut {
    fn from(w: waiting::Waiting) -> Self {
        WaitingOut {
            kind: w.kind,
            mentorship_id: w.mentorship_id,
            object_id: w.object_id,
            due_at: w.due_at,
            label: w.label,
        }
    }
}

impl From<waiting::NextStep> for NextStepOut {
    fn from(s: waiting::NextStep) -> Self {
        NextStepOut {
            kind: s.kind,
            object_id: s.object_id,
            label: s.label,
        }
    }
}

/// What the caller may add to the relationship now.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Abilities {
    /// Goals, notes, messages, kudos: while it runs (active or paused).
    pub add_content: bool,
    /// Meetings are scheduled and booked while it is active.
    pub schedule: bool,
    /// Only the mentor introduces the mentee to a contact.
    pub introduce: bool,
    /// Book a free slot of the mentor's office hours: the mentees, while it is
    /// active and the mentor has free slots.
    pub book: bool,
}

/// Everything a participant's workspace shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceOut {
    pub mentorship: MentorshipOut,
    pub agreement: Option<AgreementOut>,
    pub next_step: Option<NextStepOut>,
    /// What waits on the caller in this relationship, soonest first.
    pub waiting: Vec<WaitingOut>,
    pub progress: ProgressOut,
    /// By start, earliest first.
    pub meetings: Vec<MeetingOut>,
    pub feedback: Vec<FeedbackOut>,
    pub goals: Vec<GoalOut>,
    /// The newest kudos.
    pub kudos: Vec<KudosOut>,
    /// The thread, oldest first (its first messages; the list pages on).
    pub messages: Vec<MessageOut>,
    pub introductions: Vec<IntroductionOut>,
    pub timeline: Vec<TimelineEvent>,
    /// The mentor's free office-hour slots of the next two weeks (while active).
    pub slots: Vec<SlotOut>,
    /// Why this match, while a request or a proposal waits for its answer.
    pub why: Option<Suggestion>,
    /// The mentees' public profiles, for the mentor.
    pub mentees: Vec<PersonOut>,
    pub can: Abilities,
    /// The caller's time zone, in which labels speak.
    pub timezone: String,
}

/// A relationship as the caller may see it: a participant's workspace, or what an
/// overseer sees (status and dates).
pub enum Seen {
    Oversight(Box<MentorshipOut>),
    Workspace(Box<WorkspaceOut>),
}

/// The caller's time zone (UTC when they have not given one).
pub async fn zone_of(state: &AppState, caller: &Caller) -> AppResult<(Tz, String)> {
    let name = people::get_profile(state, caller)
        .await?
        .timezone
        .unwrap_or_else(|| "UTC".into());
    Ok((name.parse().unwrap_or(chrono_tz::UTC), name))
}

/// A relationship's page: the workspace for its participants, the relationship
/// alone for those who oversee it, 404 for everyone else.
pub async fn open(state: &AppState, caller: &Caller, id: &str) -> AppResult<Seen> {
    let rel = relationship::read(state, caller, id, Kind::Relationship).await?;
    if rel.access.part().is_none() {
        let now = state.clock.now();
        return Ok(Seen::Oversight(Box::new(mentorships::view(
            &rel.record,
            rel.access,
            caller.id(),
            now,
        ))));
    }
    Ok(Seen::Workspace(Box::new(build(state, caller, rel).await?)))
}

/// The workspace of one relationship (participants; 403 for overseers).
pub async fn snapshot(state: &AppState, caller: &Caller, id: &str) -> AppResult<WorkspaceOut> {
    let (rel, _) = relationship::read_part(state, caller, id, Kind::Timeline).await?;
    build(state, caller, rel).await
}

/// The facts the waiting rules read about one relationship, for its participant.
pub(super) fn pair_seen(
    rel: &Relationship,
    caller: &Caller,
    mentorship: &MentorshipOut,
    agreement: Option<&AgreementOut>,
    meetings: &[MeetingOut],
    items: &[action_item::Model],
) -> Option<PairSeen> {
    let part = rel.access.part()?;
    let me = caller.id();
    let other = match part {
        Part::Mentor => mentorship
            .mentees
            .iter()
            .filter(|x| x.id.as_deref() != Some(me))
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        Part::Mentee => mentorship.mentor.name.clone(),
    };
    let agreement = match agreement {
        None => AgreementState::Missing,
        Some(a) if a.fully_signed => AgreementState::Signed,
        Some(a) => AgreementState::Unsigned {
            signed_by_me: a.signed_by.iter().any(|s| s == me),
        },
    };
    let starts: std::collections::HashMap<&str, DateTime<Utc>> = meetings
        .iter()
        .map(|m| (m.id.as_str(), m.starts_at))
        .collect();
    Some(PairSeen {
        mentorship_id: mentorship.id.clone(),
        status: mentorship.status,
        part,
        may_accept: mentorship.allowed_actions.contains(&Action::Accept),
        other,
        program: mentorship.program_name.clone(),
        expires_at: mentorship.expires_at,
        started_at: mentorship.started_at,
        agreement,
        meetings: meetings
            .iter()
            .map(|m| MeetingSeen {
                id: m.id.clone(),
                status: m.status,
                starts_at: m.starts_at,
                ends_at: m.ends_at,
                may_give_feedback: m.allowed_actions.contains(&MeetingAction::GiveFeedback),
            })
            .collect(),
        // Only the items of meetings the caller reads.
        items: items
            .iter()
            .filter_map(|i| {
                Some(ItemSeen {
                    id: i.id.clone(),
                    meeting_starts_at: *starts.get(i.meeting_id.as_str())?,
                    due_on: i.due_on,
                    done: i.done,
                    mine: i.owner_id.as_deref() == Some(me),
                })
            })
            .collect(),
    })
}

async fn build(state: &AppState, caller: &Caller, rel: Relationship) -> AppResult<WorkspaceOut> {
    let db = state.store.read();
    let now = state.clock.now();
    let r = &rel.record;
    let id = rel.id().to_string();
    let (tz, timezone) = zone_of(state, caller).await?;
    let contents = Contents::load(db, &id).await?;
    let cadence = progress::program_cadence(state, r).await?;
    let mentorship = mentorships::view(r, rel.access, caller.id(), now);
    let agreement = contents
        .agreement
        .clone()
        .map(|a| mentorships::agreement_view(r, a, &contents.signatures));
    let meeting_ids: Vec<String> = contents.meetings.iter().map(|m| m.id.clone()).collect();
    let notes = meetings::readable_notes(db, &rel, caller, &meeting_ids).await?;
    let meeting_views = meetings::views_from(
        &rel,
        caller,
        contents.meetings.clone(),
        &contents.items,
        &contents.feedback,
        &notes,
        now,
    );
    let all = PageRequest::all();
    let kudos = store::kudos_page(db, &id, rel.since(), None, all.fetch()).await?;
    let messages = store::messages_page(db, &id, rel.since(), None, MESSAGES_SHOWN as u64).await?;
    let introductions = store::introductions_of(db, &id).await?;
    let status = rel.status(now);
    let slots = if status == S::Active {
        office_hours::mentor_slots(state, r, None, 14).await?
    } else {
        Vec::new()
    };
    let why = if matches!(status, S::Requested | S::Proposed) {
        matching::why_this_match(state, caller, &id).await?
    } else {
        None
    };
    let mut mentees = Vec::new();
    if rel.access.part() == Some(Part::Mentor) {
        for mentee in r.mentee_ids() {
            // A mentee who left every shared program is no longer visible; skip them.
            if let Ok(p) = people::person(state, caller, mentee).await {
                mentees.push(p);
            }
        }
    }
    let seen = pair_seen(
        &rel,
        caller,
        &mentorship,
        agreement.as_ref(),
        &meeting_views,
        &contents.items,
    );
    let next_step = seen
        .as_ref()
        .and_then(|p| waiting::next_step(p, now, tz))
        .map(NextStepOut::from);
    let mut waits = seen
        .as_ref()
        .map(|p| waiting::waiting(p, now, tz))
        .unwrap_or_default();
    waiting::soonest_first(&mut waits);
    Ok(WorkspaceOut {
        can: Abilities {
            add_content: matches!(status, S::Active | S::Paused),
            schedule: status == S::Active,
            introduce: rel.access.may_introduce().is_ok(),
            book: status == S::Active
                && rel.access.part() == Some(Part::Mentee)
                && !slots.is_empty(),
        },
        progress: progress::progress_from(r, rel.access, &contents, cadence, now),
        timeline: progress::timeline_from(&rel, caller, &contents, &kudos),
        feedback: meetings::visible_feedback(&rel, caller, &contents.meetings, &contents.feedback),
        goals: goals::visible_goals(&rel, caller, contents.goals, &contents.milestones),
        kudos: kudos
            .iter()
            .take(KUDOS_SHOWN)
            .map(|k| conversation::kudos_view(r, k))
            .collect(),
        messages: messages
            .iter()
            .map(|m| conversation::message_view(r, m))
            .collect(),
        introductions: conversation::visible_introductions(&rel, caller, &introductions),
        next_step,
        waiting: waits.into_iter().map(WaitingOut::from).collect(),
        meetings: meeting_views,
        agreement,
        mentorship,
        slots,
        why,
        mentees,
        timezone,
    })
}
