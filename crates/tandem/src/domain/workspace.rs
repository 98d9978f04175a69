//! The state machines of a relationship's workspace: what may happen to a meeting,
//! a milestone and a goal, from which status. Pure; the services ask here and the
//! `allowed_actions` that clients see are derived from the same functions.
use super::lifecycle::Refusal;
use super::wire::{GoalStatus, MeetingStatus as M, MentorshipStatus as S, MilestoneStatus as MS};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a participant may do with a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingAction {
    /// Mark it held (its start has passed).
    Hold,
    Cancel,
    /// Change its time, length, place or agenda.
    Reschedule,
    /// Write the shared notes.
    TakeNotes,
    /// Give feedback on it (held, and not given yet).
    GiveFeedback,
}

impl MeetingAction {
    const ALL: [MeetingAction; 5] = [
        MeetingAction::Hold,
        MeetingAction::Cancel,
        MeetingAction::Reschedule,
        MeetingAction::TakeNotes,
        MeetingAction::GiveFeedback,
    ];
}

/// The facts a meeting decision needs.
#[derive(Debug, Clone, Copy)]
pub struct MeetingFacts {
    pub status: M,
    pub starts_at: DateTime<Utc>,
    /// The relationship's status.
    pub relationship: S,
    /// Whether the caller already gave feedback on it.
    pub gave_feedback: bool,
    pub now: DateTime<Utc>,
}

/// Whether a relationship takes new content: while it runs (active or paused).
pub fn ensure_running(status: S, what: &str) -> Result<(), Refusal> {
    match status {
        S::Active | S::Paused => Ok(()),
        other => Err(Refusal::Illegal(format!(
            "{what} can be added only while the mentorship runs; this one is {other}"
        ))),
    }
}

/// Meetings are scheduled in active relationships only.
pub fn may_schedule(relationship: S) -> Result<(), Refusal> {
    if relationship == S::Active {
        Ok(())
    } else {
        Err(Refusal::Illegal(format!(
            "meetings are scheduled in active mentorships; this one is {relationship}"
        )))
    }
}

/// Decides one change to a meeting. `scheduled → held | cancelled` only; `held`
/// needs a start in the past; only a scheduled meeting moves in time.
pub fn decide_meeting(action: MeetingAction, f: MeetingFacts) -> Result<(), Refusal> {
    let illegal = |m: String| Err(Refusal::Illegal(m));
    if action != MeetingAction::GiveFeedback {
        ensure_running(f.relationship, "meeting changes")?;
    }
    match (action, f.status) {
        (MeetingAction::Hold, M::Scheduled) if f.starts_at > f.now => {
            illegal("a meeting can be marked held once its start has passed".into())
        }
        (MeetingAction::Hold | MeetingAction::Cancel | MeetingAction::Reschedule, M::Scheduled) => {
            Ok(())
        }
        (MeetingAction::TakeNotes, M::Scheduled | M::Held) => Ok(()),
        (MeetingAction::GiveFeedback, M::Held) if f.gave_feedback => {
            illegal("you have already given feedback on this meeting".into())
        }
        (MeetingAction::GiveFeedback, M::Held) => Ok(()),
        (MeetingAction::GiveFeedback, status) => illegal(format!(
            "feedback is given once a meeting is held; this one is {status}"
        )),
        (action, status) => illegal(format!(
            "a {status} meeting cannot {}",
            match action {
                MeetingAction::Hold => "be marked held",
                MeetingAction::Cancel => "be cancelled",
                MeetingAction::Reschedule => "be moved or changed",
                MeetingAction::TakeNotes => "take notes",
                MeetingAction::GiveFeedback => "take feedback",
            }
        )),
    }
}

/// What the caller may do with a meeting now.
pub fn meeting_actions(f: MeetingFacts) -> Vec<MeetingAction> {
    MeetingAction::ALL
        .into_iter()
        .filter(|a| decide_meeting(*a, f).is_ok())
        .collect()
}

/// A milestone moves forward only: `not_started → in_progress → achieved | missed`
/// (a step may be skipped); `achieved` and `missed` are final.
pub fn decide_milestone(from: MS, to: MS) -> Result<(), Refusal> {
    let rank = |s: MS| match s {
        MS::NotStarted => 0,
        MS::InProgress => 1,
        MS::Achieved | MS::Missed => 2,
    };
    if rank(to) > rank(from) {
        Ok(())
    } else {
        Err(Refusal::Illegal(format!(
            "a milestone that is {from} cannot become {to}: milestones move forward, from not_started to in_progress to achieved or missed"
        )))
    }
}

/// A goal may be achieved, dropped or opened again; setting the status it has is no change.
pub fn decide_goal(from: GoalStatus, to: GoalStatus) -> Result<bool, Refusal> {
    Ok(from != to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn facts(status: M, starts_in_minutes: i64) -> MeetingFacts {
        let now = Utc::now();
        MeetingFacts {
            status,
            starts_at: now + Duration::minutes(starts_in_minutes),
            relationship: S::Active,
            gave_feedback: false,
            now,
        }
    }

    #[test]
    fn a_scheduled_meeting_is_held_only_once_its_start_has_passed() {
        assert!(decide_meeting(MeetingAction::Hold, facts(M::Scheduled, 30)).is_err());
        assert!(decide_meeting(MeetingAction::Hold, facts(M::Scheduled, 0)).is_ok());
        assert!(decide_meeting(MeetingAction::Hold, facts(M::Scheduled, -30)).is_ok());
    }

    #[test]
    fn held_and_cancelled_meetings_go_nowhere_else() {
        for status in [M::Held, M::Cancelled] {
            for action in [
                MeetingAction::Hold,
                MeetingAction::Cancel,
                MeetingAction::Reschedule,
            ] {
                assert!(
                    decide_meeting(action, facts(status, -30)).is_err(),
                    "{status} {action:?}"
                );
            }
        }
        assert!(decide_meeting(MeetingAction::TakeNotes, facts(M::Held, -30)).is_ok());
        assert!(decide_meeting(MeetingAction::TakeNotes, facts(M::Cancelled, -30)).is_err());
    }

    #[test]
    fn feedback_waits_for_a_held_meeting_and_is_given_once() {
        assert!(decide_meeting(MeetingAction::GiveFeedback, facts(M::Scheduled, -30)).is_err());
        assert!(decide_meeting(MeetingAction::GiveFeedback, facts(M::Held, -30)).is_ok());
        let given = MeetingFacts {
            gave_feedback: true,
            ..facts(M::Held, -30)
        };
        assert!(decide_meeting(MeetingAction::GiveFeedback, given).is_err());
        // Feedback on a held meeting is still welcome once the relationship is over.
        let over = MeetingFacts {
            relationship: S::Completed,
            ..facts(M::Held, -30)
        };
        assert!(decide_meeting(MeetingAction::GiveFeedback, over).is_ok());
        assert!(decide_meeting(MeetingAction::TakeNotes, over).is_err());
    }

    #[test]
    fn the_actions_offered_are_the_ones_allowed() {
        assert_eq!(
            meeting_actions(facts(M::Scheduled, 30)),
            vec![
                MeetingAction::Cancel,
                MeetingAction::Reschedule,
                MeetingAction::TakeNotes
            ]
        );
        assert_eq!(
            meeting_actions(facts(M::Held, -30)),
            vec![MeetingAction::TakeNotes, MeetingAction::GiveFeedback]
        );
    }

    #[test]
    fn milestones_move_forward_only() {
        assert!(decide_milestone(MS::NotStarted, MS::InProgress).is_ok());
        assert!(decide_milestone(MS::NotStarted, MS::Achieved).is_ok());
        assert!(decide_milestone(MS::InProgress, MS::Missed).is_ok());
        assert!(decide_milestone(MS::InProgress, MS::NotStarted).is_err());
        assert!(decide_milestone(MS::Achieved, MS::Missed).is_err());
        assert!(decide_milestone(MS::Missed, MS::InProgress).is_err());
        assert!(decide_milestone(MS::InProgress, MS::InProgress).is_err());
    }

    #[test]
    fn meetings_are_scheduled_in_active_relationships_only() {
        assert!(may_schedule(S::Active).is_ok());
        for s in [S::Paused, S::Requested, S::Proposed, S::Completed, S::Ended] {
            assert!(may_schedule(s).is_err());
        }
    }
}
