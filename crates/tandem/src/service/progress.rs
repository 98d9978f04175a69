//! How a relationship is doing (counts, the next meeting due, health and its
//! reasons) and its timeline, newest first. Progress holds counts, dates and an
//! average only, so the program's coordinators may read it; the timeline tells
//! what was achieved, so it is the pair's.
use super::accounts::Caller;
use super::pair;
use crate::domain::access::Kind;
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
    /// The average feedback rating, 1–5; null before any feedback.
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

/// Progress of one relationship, from its rows, as of `now`.
pub async fn progress_of(
    db: &impl Connection,
    r: &MentorshipRecord,
    program_cadence: i32,
    now: DateTime<Utc>,
) -> AppResult<ProgressOut> {
    let id = &r.m.id;
    let meetings = store::meetings_of(db, id).await?;
    let items = store::action_items_of(db, id).await?;
    let feedback = store::feedback_of(db, id).await?;
    let milestones = store::milestones_of(db, id).await?;
    let agreement = mentorships::agreement_of(db, id).await?;
    let signatures = mentorships::signatures_of(db, id).await?;
    let signed = agreement.is_some()
        && r.participant_ids()
            .iter()
            .all(|p| signatures.iter().any(|s| s.user_id == *p));
    let held: Vec<_> = meetings
        .iter()
        .filter(|m| m.status == MeetingStatus::Held)
        .collect();
    let average_rating = (!feedback.is_empty()).then(|| {
        let sum: i64 = feedback.iter().map(|f| f.rating as i64).sum();
        (sum as f64 / feedback.len() as f64 * 100.0).round() / 100.0
    });
    let overdue = items
        .iter()
        .filter(|i| is_overdue(i.due_on, i.done, now))
        .count() as u64;
    let cadence_days = agreement.map(|a| a.cadence_days).unwrap_or(program_cadence);
    let facts = HealthFacts {
        now,
        status: pair::status(r, now),
        started_at: r.m.started_at,
        cadence_days,
        last_held_at: held.iter().map(|m| m.starts_at).max(),
        overdue_action_items: overdue,
        average_rating,
        agreement_signed: signed,
    };
    let (health, reasons) = health(&facts);
    Ok(ProgressOut {
        mentorship_id: id.clone(),
        meetings_held: held.len() as u64,
        next_meeting_due_on: next_meeting_due_on(&facts),
        milestones: Count {
            achieved: milestones
                .iter()
                .filter(|m| m.status == MilestoneStatus::Achieved)
                .count() as u64,
            total: milestones.len() as u64,
        },
        open_action_items: items.iter().filter(|i| !i.done).count() as u64,
        overdue_action_items: overdue,
        average_rating,
        health,
        reasons,
        cadence_days,
    })
}

/// Progress (participants, and the program's coordinators and admins).
pub async fn progress(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<ProgressOut> {
    let (r, _) = pair::read(state, caller, mentorship_id, Kind::Progress).await?;
    let cadence = programs::program_cached(&state.store, &r.m.program_id)
        .await?
        .map(|p| p.program.cadence_days)
        .unwrap_or(14);
    progress_of(state.store.read(), &r, cadence, state.clock.now()).await
}

/// The timeline of one relationship, newest first.
pub async fn timeline_of(
    db: &impl Connection,
    r: &MentorshipRecord,
) -> AppResult<Vec<TimelineEvent>> {
    let id = &r.m.id;
    let mut events = Vec::new();
    let mut push = |at, kind, summary: String| events.push(Event { at, kind, summary });
    if let Some(at) = r.m.started_at {
        push(at, TimelineKind::Started, "The mentorship started".into());
    }
    let signatures = mentorships::signatures_of(db, id).await?;
    let everyone = r.participant_ids();
    if mentorships::agreement_of(db, id).await?.is_some()
        && !everyone.is_empty()
        && everyone
            .iter()
            .all(|p| signatures.iter().any(|s| s.user_id == *p))
    {
        if let Some(at) = signatures.iter().map(|s| s.signed_at).max() {
            push(
                at,
                TimelineKind::AgreementSigned,
                "Both signed the agreement".into(),
            );
        }
    }
    for m in store::meetings_of(db, id).await? {
        if m.status == MeetingStatus::Held {
            push(
                m.starts_at,
                TimelineKind::MeetingHeld,
                format!("Met for {} minutes", m.duration_minutes),
            );
        }
    }
    for g in store::goals_of(db, id).await? {
        if let (GoalStatus::Achieved, Some(at)) = (g.status, g.achieved_at) {
            push(
                at,
                TimelineKind::GoalAchieved,
                format!("Goal achieved: {}", g.title),
            );
        }
    }
    for m in store::milestones_of(db, id).await? {
        if let (MilestoneStatus::Achieved, Some(at)) = (m.status, m.achieved_at) {
            push(
                at,
                TimelineKind::MilestoneAchieved,
                format!("Milestone achieved: {}", m.title),
            );
        }
    }
    let all = crate::domain::paging::PageRequest::all();
    for k in store::kudos_page(db, id, None, all.fetch()).await? {
        push(
            k.created_at,
            TimelineKind::Kudos,
            format!(
                "{} said thank you: {}",
                pair::name_of(r, Some(&k.author_id)),
                k.message
            ),
        );
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
    Ok(timeline(events)
        .into_iter()
        .map(|e| TimelineEvent {
            at: e.at,
            kind: e.kind,
            summary: e.summary,
        })
        .collect())
}

pub async fn timeline_for(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<Vec<TimelineEvent>> {
    let (r, _) = pair::read_part(state, caller, mentorship_id, Kind::Timeline).await?;
    timeline_of(state.store.read(), &r).await
}
