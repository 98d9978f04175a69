//! The mentorship state machine of SPEC §5: who may do what, from which status,
//! and what a stored status reads as once time has passed.
use super::wire::{Action, MentorshipStatus as S, Role};
use chrono::{DateTime, Utc};

/// The caller's part in the relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Mentor,
    Mentee,
}

impl Part {
    pub fn role(self) -> Role {
        match self {
            Part::Mentor => Role::Mentor,
            Part::Mentee => Role::Mentee,
        }
    }
}

/// What an allowed action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Move to this status.
    To(S),
    /// A participant agrees to a proposed match; it becomes active once all have.
    RecordAcceptance,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The status does not allow the action (409).
    Illegal(String),
    /// The status allows it, but not for this participant (403).
    NotYours(String),
}

/// Decides an action. The one place the state machine lives.
pub fn decide(status: S, action: Action, part: Part) -> Result<Outcome, Refusal> {
    use Action::*;
    let outcome = match (status, action) {
        (S::Requested, Accept) => Outcome::To(S::Active),
        (S::Requested, Decline) => Outcome::To(S::Declined),
        (S::Requested, Withdraw) => Outcome::To(S::Withdrawn),
        (S::Proposed, Accept) => Outcome::RecordAcceptance,
        (S::Proposed, Decline) => Outcome::To(S::Declined),
        (S::Active, Pause) => Outcome::To(S::Paused),
        (S::Paused, Resume) => Outcome::To(S::Active),
        (S::Active | S::Paused, Complete) => Outcome::To(S::Completed),
        (S::Active | S::Paused, End) => Outcome::To(S::Ended),
        _ => {
            return Err(Refusal::Illegal(format!(
                "a mentorship that is {status} cannot be {}",
                action.past()
            )))
        }
    };
    match (status, action, part) {
        (S::Requested, Accept | Decline, Part::Mentee) => Err(Refusal::NotYours(
            "only the mentor can answer a request".into(),
        )),
        (S::Requested, Withdraw, Part::Mentor) => Err(Refusal::NotYours(
            "only the person who asked can withdraw a request".into(),
        )),
        _ => Ok(outcome),
    }
}

/// The actions a participant may take now, for pages that show only what is possible.
pub fn allowed_actions(status: S, part: Part) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| decide(status, *a, part).is_ok())
        .collect()
}

/// The status as of `now`: a request whose time ran out reads as `expired` from that
/// moment, whether or not the background job has written it down yet.
pub fn effective_status(stored: S, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> S {
    match (stored, expires_at) {
        (S::Requested, Some(at)) if at <= now => S::Expired,
        _ => stored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_mentor_answers_and_only_the_mentee_withdraws() {
        assert_eq!(
            decide(S::Requested, Action::Accept, Part::Mentor),
            Ok(Outcome::To(S::Active))
        );
        assert!(matches!(
            decide(S::Requested, Action::Accept, Part::Mentee),
            Err(Refusal::NotYours(_))
        ));
        assert!(matches!(
            decide(S::Requested, Action::Decline, Part::Mentee),
            Err(Refusal::NotYours(_))
        ));
        assert_eq!(
            decide(S::Requested, Action::Withdraw, Part::Mentee),
            Ok(Outcome::To(S::Withdrawn))
        );
        assert!(matches!(
            decide(S::Requested, Action::Withdraw, Part::Mentor),
            Err(Refusal::NotYours(_))
        ));
    }

    #[test]
    fn finished_relationships_accept_nothing() {
        for status in [
            S::Declined,
            S::Withdrawn,
            S::Expired,
            S::Merged,
            S::Completed,
            S::Ended,
        ] {
            for part in [Part::Mentor, Part::Mentee] {
                assert!(
                    allowed_actions(status, part).is_empty(),
                    "{status} allows something"
                );
            }
        }
    }

    #[test]
    fn pause_and_resume_alternate() {
        assert_eq!(
            allowed_actions(S::Active, Part::Mentee),
            vec![Action::Pause, Action::Complete, Action::End]
        );
        assert_eq!(
            allowed_actions(S::Paused, Part::Mentor),
            vec![Action::Resume, Action::Complete, Action::End]
        );
        assert!(matches!(
            decide(S::Active, Action::Resume, Part::Mentor),
            Err(Refusal::Illegal(_))
        ));
    }

    #[test]
    fn proposed_matches_need_everyone() {
        assert_eq!(
            decide(S::Proposed, Action::Accept, Part::Mentee),
            Ok(Outcome::RecordAcceptance)
        );
        assert_eq!(
            decide(S::Proposed, Action::Decline, Part::Mentor),
            Ok(Outcome::To(S::Declined))
        );
        assert!(matches!(
            decide(S::Proposed, Action::Withdraw, Part::Mentee),
            Err(Refusal::Illegal(_))
        ));
    }

    #[test]
    fn a_request_reads_as_expired_from_the_moment_its_time_runs_out() {
        let at = chrono::DateTime::parse_from_rfc3339("2027-01-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let just_before = at - chrono::Duration::milliseconds(1);
        assert_eq!(
            effective_status(S::Requested, Some(at), just_before),
            S::Requested
        );
        assert_eq!(effective_status(S::Requested, Some(at), at), S::Expired);
        assert_eq!(effective_status(S::Active, Some(at), at), S::Active);
        assert_eq!(effective_status(S::Requested, None, at), S::Requested);
    }
}
