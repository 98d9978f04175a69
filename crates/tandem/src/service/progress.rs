//! How a relationship is doing (counts, the next meeting due, health and its
//! reasons) and its timeline, newest first. Progress holds counts, dates and an
//! average only, so the program's coordinators may read it; the timeline tells
//! what was achieved, so it is the pair's.
use super::accounts::Caller;
use super::relationship::{self, name_in, status_of, Relationship};
use crate::domain::access::{average_rating_for, Access, Kind, ObjectFacts};
use crate::domain::progress::{
    health, is_overdue, next_meeting_due_on, timeline, Event, HealthFacts,
};
use crate::domain::wire::{
    GoalStatus, Health, HealthReason, MeetingStatus, MentorshipStatus as S, MilestoneStatus,
    TimelineKind,
};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::{
    action_item, agreement, agreement_signature, feedback, goal, kudos, meeting, milestone,
};
use crate::store::records::MentorshipRecord;
use crate::store::{mentorships, programs, workspace as store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Count {
    pub achieved: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressOut {
    pub mentorship_id: String,
    pub meetings_held: u64,
    pub next_meeting_due_on: Option<NaiveDate>,
    pub milestones: Count,
    pub open_action_items: u64,
    pub overdue_action_items: u64,
    /// The average feedback rating, 1–5; null before any feedback, and for a
    /// program's coordinators and admins until it rests on three ratings.
    pub average_rating: Option<f64>,
    pub health: Health,
    pub reasons: Vec<HealthReason>,
    /// The cadence health is measured against: the agreement's, else the program's.
    pub cadence_days: i32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    pub kind: TimelineKind,
    pub summary: String,
}

/// What a relationship holds, read once: the rows its progress, its timeline and
/// its workspace are made from (seven statements, whatever their size).
pub struct Contents {
    pub agreement: Option<agreement::Model>,
    pub signatures: Vec<agreement_signature::Model>,
    pub meetings: Vec<meeting::Model>,
    pub items: Vec<action_item::Model>,
    pub feedback: Vec<feedback::Model>,
    pub goals: Vec<goal::Model>,
    pub milestones: Vec<milestone::Model>,
}

impl Contents {
    pub async fn load(db: &impl Connection, mentorship_id: &str) -> AppResult<Contents> {
        Ok(Contents {
            agreement: mentorships::agreement_of(db, mentorship_id).await?,
            signatures: mentorships::signatures_of(db, mentorship_id).await?,
            meetings: store::meetings_of(db, mentorship_id).await?,
            items: store::action_items_of(db, mentorship_id).await?,
            feedback: store::feedback_of(db, mentorship_id).await?,
            goals: store::goals_of(db, mentorship_id).await?,
            milestones: store::milestones_of(db, mentorship_id).await?,
        })
    }

    /// Whether everyone still in the relationship signed its current agreement.
    pub fn fully_signed(&self, r: &MentorshipRecord) -> bool {
        let everyone = r.participant_ids();
        self.agreement.is_some()
            && !everyone.is_empty()
            && everyone
                .iter()
                .all(|p| self.signatures.iter().any(|s| s.user_id == *p))
    }
}

/// Progress of one relationship from what it holds, as of `now`, as `access` may see it.
pub fn progress_from(
    r: &MentorshipRecord,
    access: Access,
    c: &Contents,
    program_cadence: i32,
    now: DateTime<Utc>,
) -> ProgressOut {
    let held: Vec<_> = c
        .meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Held)
        .collect();
    let average = (!c.feedback.is_empty()).then(|| {
        let sum: i64 = c.feedback.iter().map(|f| f.rating as i64).sum();
        (sum as f64 / c.feedback.len() as f64 * 100.0).round() / 100.0
    });
    let overdue = c
        .items
        .iter()
        .filter(|i| is_overdue(i.due_on, i.done, now))
        .count() as u64;
    let cadence_days = c
        .agreement
        .as_ref()
        .map(|a| a.cadence_days)
        .unwrap_or(program_cadence);
    let facts = HealthFacts {
        now,
        status: status_of(r, now),
        started_at: r.m.started_at,
        cadence_days,
        last_held_at: held.iter().map(|m| m.starts_at).max(),
        overdue_action_items: overdue,
        average_rating: average,
        agreement_signed: c.fully_signed(r),
    };
    let (health, reasons) = health(&facts);
    ProgressOut {
        mentorship_id: r.m.id.clone(),
        meetings_held: held.len() as u64,
        next_meeting_due_on: next_meeting_due_on(&facts),
        milestones: Count {
            achieved: c
                .milestones
                .iter()
                .filter(|m| m.status == MilestoneStatus::Achieved)
                .count() as u64,
            total: c.milestones.len() as u64,
        },
        open_action_items: c.items.iter().filter(|i| !i.done).count() as u64,
        overdue_action_items: overdue,
        average_rating: average_rating_for(access, average, c.feedback.len()),
        health,
        reasons,
        cadence_days,
    }
}

/// The cadence of the relationship's program (the agreement's wins when there is one).
pub async fn program_cadence(state: &AppState, r: &MentorshipRecord) -> AppResult<i32> {
    Ok(programs::program_cached(&state.store, &r.m.program_id)
        .await?
        .map(|p| p.program.cadence_days)
        .unwrap_or(14))
}

/// Progress (participants, and the program's coordinators and admins).
pub async fn progress(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<ProgressOut> {
    let rel = relationship::read(state, caller, mentorship_id, Kind::Progress).await?;
    let cadence = program_cadence(state, &rel.record).await?;
    let contents = Contents::load(state.store.read(), mentorship_id).await?;
    Ok(progress_from(
        &rel.record,
        rel.access,
        &contents,
        cadence,
        state.clock.now(),
    ))
}

/// The timeline of one relationship as the caller reads it, newest first.
pub fn timeline_from(
    rel: &Relationship,
    caller: &Caller,
    c: &Contents,
    kudos: &[kudos::Model],
) -> Vec<TimelineEvent> {
    let r = &rel.record;
    let sees = |kind, written_at| {
        rel.sees(
            caller,
            kind,
            &ObjectFacts {
                author: None,
                written_at,
            },
        )
    };
    let mut events = Vec::new();
    let mut push = |at, kind, summary: String| events.push(Event { at, kind, summary });
    if let Some(at) = r.m.started_at {
        push(at, TimelineKind::Started, "The mentorship started".into());
    }
    if c.fully_signed(r) {
        if let Some(at) = c.signatures.iter().map(|s| s.signed_at).max() {
            push(
                at,
                TimelineKind::AgreementSigned,
                "Both signed the agreement".into(),
            );
        }
    }
    for m in &c.meetings {
        if m.status == MeetingStatus::Held && sees(Kind::Meeting, m.created_at) {
            push(
                m.starts_at,
                TimelineKind::MeetingHeld,
                format!("Met for {} minutes", m.duration_minutes),
            );
        }
    }
    for g in &c.goals {
        if let (GoalStatus::Achieved, Some(at)) = (g.status, g.achieved_at) {
            if sees(Kind::Goal, g.created_at) {
                push(
                    at,
                    TimelineKind::GoalAchieved,
                    format!("Goal achieved: {}", g.title),
                );
            }
        }
    }
    for m in &c.milestones {
        if let (MilestoneStatus::Achieved, Some(at)) = (m.status, m.achieved_at) {
            let goal_at = c
                .goals
                .iter()
                .find(|g| g.id == m.goal_id)
                .map_or(m.created_at, |g| g.created_at.min(m.created_at));
            if sees(Kind::Goal, goal_at) {
                push(
                    at,
                    TimelineKind::MilestoneAchieved,
                    format!("Milestone achieved: {}", m.title),
                );
            }
        }
    }
    for k in kudos {
        if sees(Kind::Kudos, k.created_at) {
            push(
                k.created_at,
                TimelineKind::Kudos,
                format!(
                    "{} said thank you: {}",
                    name_in(r, Some(&k.author_id)),
                    k.message
                ),
            );
        }
    }
    match (r.m.status, r.m.ended_at) {
        (S::Completed, Some(at)) => push(
            at,
            TimelineKind::Completed,
            "The mentorship was completed".into(),
        ),
        (S::Ended, Some(at)) => push(at, TimelineKind::Ended, "The mentorship ended".into()),
        _ => {}
    }
    timeline(events)
        .into_iter()
        .map(|e| TimelineEvent {
            at: e.at,
            kind: e.kind,
            summary: e.summary,
        })
        .collect()
}

pub async fn timeline_for(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<Vec<TimelineEvent>> {
    let (rel, _) = relationship::read_part(state, caller, mentorship_id, Kind::Timeline).await?;
    let db = state.store.read();
    let contents = Contents::load(db, mentorship_id).await?;
    let all = crate::domain::paging::PageRequest::all();
    let kudos = store::kudos_page(db, mentorship_id, rel.since(), None, all.fetch()).await?;
    Ok(timeline_from(&rel, caller, &contents, &kudos))
}
