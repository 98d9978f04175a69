//! The mentorship state machine of SPEC §5: who may do what, from which status.
use super::values::MentorshipStatus as S;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    Decline,
    Withdraw,
    Pause,
    Resume,
    Complete,
    End,
}

impl Action {
    pub fn past(self) -> &'static str {
        match self {
            Action::Accept => "accepted",
            Action::Decline => "declined",
            Action::Withdraw => "withdrawn",
            Action::Pause => "paused",
            Action::Resume => "resumed",
            Action::Complete => "completed",
            Action::End => "ended",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Decline => "decline",
            Action::Withdraw => "withdraw",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Complete => "complete",
            Action::End => "end",
        }
    }
}

/// The caller's part in the relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Mentor,
    Mentee,
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
    use Action::*;
    [Accept, Decline, Withdraw, Pause, Resume, Complete, End]
        .into_iter()
        .filter(|a| decide(status, *a, part).is_ok())
        .collect()
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
}
