//! The mentorship state machine of SPEC §5: which action a status allows, and what
//! a stored status reads as once time has passed. Who may take an action is the
//! access model's (`access::Access::may_act`).
use super::access::Access;
use super::wire::{Action, MentorshipStatus as S};
use chrono::{DateTime, Utc};

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
}

/// Decides an action. The one place the state machine lives.
pub fn decide(status: S, action: Action) -> Result<Outcome, Refusal> {
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
    Ok(outcome)
}

/// The actions the caller may take now: what the status allows and the access
/// model lets them do (for clients and pages that show only what is possible).
pub fn allowed_actions(status: S, access: Access) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| decide(status, *a).is_ok() && access.may_act(status, *a).is_ok())
        .collect()
}

/// Whether a person explicitly confirmed a step that cannot be undone (a ticked
/// box on a page; a call to the API is itself deliberate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    Given,
    Missing,
}

/// The actions that cannot be undone, which a page asks to confirm.
pub fn needs_confirmation(action: Action) -> bool {
    matches!(
        action,
        Action::Complete | Action::End | Action::Decline | Action::Withdraw
    )
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
    use crate::domain::access::Part;

    fn taking_part(part: Part) -> Access {
        Access::TakePart { part, since: None }
    }

    #[test]
    fn a_request_is_accepted_declined_or_withdrawn() {
        assert_eq!(
            decide(S::Requested, Action::Accept),
            Ok(Outcome::To(S::Active))
        );
        assert_eq!(
            decide(S::Requested, Action::Withdraw),
            Ok(Outcome::To(S::Withdrawn))
        );
        assert!(decide(S::Requested, Action::Pause).is_err());
    }

    #[test]
    fn each_side_is_offered_only_its_own_answers_to_a_request() {
        assert_eq!(
            allowed_actions(S::Requested, taking_part(Part::Mentor)),
            vec![Action::Accept, Action::Decline]
        );
        assert_eq!(
            allowed_actions(S::Requested, taking_part(Part::Mentee)),
            vec![Action::Withdraw]
        );
        assert!(allowed_actions(S::Active, Access::Oversee).is_empty());
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
                    allowed_actions(status, taking_part(part)).is_empty(),
                    "{status} allows something"
                );
            }
        }
    }

    #[test]
    fn pause_and_resume_alternate() {
        assert_eq!(
            allowed_actions(S::Active, taking_part(Part::Mentee)),
            vec![Action::Pause, Action::Complete, Action::End]
        );
        assert_eq!(
            allowed_actions(S::Paused, taking_part(Part::Mentor)),
            vec![Action::Resume, Action::Complete, Action::End]
        );
        assert!(matches!(
            decide(S::Active, Action::Resume),
            Err(Refusal::Illegal(_))
        ));
    }

    #[test]
    fn proposed_matches_need_everyone() {
        assert_eq!(
            decide(S::Proposed, Action::Accept),
            Ok(Outcome::RecordAcceptance)
        );
        assert_eq!(
            decide(S::Proposed, Action::Decline),
            Ok(Outcome::To(S::Declined))
        );
        assert!(matches!(
            decide(S::Proposed, Action::Withdraw),
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
