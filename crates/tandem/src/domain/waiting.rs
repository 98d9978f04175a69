//! What waits on a person in each of their relationships, and the one next step
//! in a relationship, from facts and a clock passed in: pure, so that the API's
//! `GET /me/waiting`, the dashboard and the workspace say the same, and every rule
//! is tested at its edges. Labels name the other person and the thing, never what
//! the pair wrote (SPEC §7).
use super::access::Part;
use super::wire::{MeetingStatus, MentorshipStatus as S, NextStepKind, WaitingKind};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

/// How far ahead a meeting counts as soon and an action item as due.
pub fn soon() -> Duration {
    Duration::days(7)
}

/// How long after the start an agreement should be signed (after that, health
/// counts it against the relationship).
pub fn agreement_grace() -> Duration {
    Duration::days(14)
}

/// Where a relationship's agreement stands, for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementState {
    Missing,
    /// Written, and not yet signed by everyone.
    Unsigned {
        signed_by_me: bool,
    },
    Signed,
}

/// A meeting as the person reads it.
#[derive(Debug, Clone)]
pub struct MeetingSeen {
    pub id: String,
    pub status: MeetingStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Held, and the person has not given feedback yet.
    pub may_give_feedback: bool,
}

/// An action item as the person reads it.
#[derive(Debug, Clone)]
pub struct ItemSeen {
    pub id: String,
    /// When the meeting it came from started.
    pub meeting_starts_at: DateTime<Utc>,
    pub due_on: Option<NaiveDate>,
    pub done: bool,
    /// The person owns it.
    pub mine: bool,
}

/// One relationship as the person takes part in it.
#[derive(Debug, Clone)]
pub struct PairSeen {
    pub mentorship_id: String,
    /// Its status as of now.
    pub status: S,
    pub part: Part,
    /// The person may still accept it (a request to them, a proposal they have
    /// not accepted yet).
    pub may_accept: bool,
    /// The other person, or the others, by name.
    pub other: String,
    pub program: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub agreement: AgreementState,
    /// The meetings the person reads, by start.
    pub meetings: Vec<MeetingSeen>,
    pub items: Vec<ItemSeen>,
}

/// Something that waits on the person.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    pub kind: WaitingKind,
    pub mentorship_id: String,
    /// The object to act on: the relationship, a meeting or an action item.
    pub object_id: String,
    /// When it is due (or fell due); None when it has no date.
    pub due_at: Option<DateTime<Utc>>,
    pub label: String,
}

/// The one thing to do next in a relationship.
#[derive(Debug, Clone, PartialEq)]
pub struct NextStep {
    pub kind: NextStepKind,
    /// The meeting it is about, when it is about one.
    pub object_id: Option<String>,
    pub label: String,
}

/// "3 March", in the person's zone.
fn day(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%-d %B").to_string()
}

/// "3 March, 14:00", in the person's zone.
fn moment(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%-d %B, %H:%M").to_string()
}

/// The end of a due date, in UTC: an item is due until that day is over.
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc() + Duration::days(1) - Duration::seconds(1)
}

/// What waits on the person in this relationship, as of `now`.
pub fn waiting(p: &PairSeen, now: DateTime<Utc>, tz: Tz) -> Vec<Waiting> {
    let item = |kind, object_id: &str, due_at, label| Waiting {
        kind,
        mentorship_id: p.mentorship_id.clone(),
        object_id: object_id.to_string(),
        due_at,
        label,
    };
    let mut out = Vec::new();
    match p.status {
        S::Requested if p.part == Part::Mentor && p.may_accept => {
            out.push(item(
                WaitingKind::RequestToAnswer,
                &p.mentorship_id,
                p.expires_at,
                format!("{} asks you to be their mentor in {}", p.other, p.program),
            ));
            return out;
        }
        S::Proposed if p.may_accept => {
            out.push(item(
                WaitingKind::ProposalToAnswer,
                &p.mentorship_id,
                None,
                format!("A proposed match with {} in {}", p.other, p.program),
            ));
            return out;
        }
        S::Active => {}
        _ => return out,
    }
    if p.agreement
        == (AgreementState::Unsigned {
            signed_by_me: false,
        })
    {
        out.push(item(
            WaitingKind::AgreementToSign,
            &p.mentorship_id,
            p.started_at.map(|s| s + agreement_grace()),
            format!("Sign your agreement with {}", p.other),
        ));
    }
    for m in &p.meetings {
        if m.may_give_feedback {
            out.push(item(
                WaitingKind::FeedbackToGive,
                &m.id,
                Some(m.ends_at),
                format!(
                    "Feedback on your meeting with {} on {}",
                    p.other,
                    day(m.starts_at, tz)
                ),
            ));
        } else if m.status == MeetingStatus::Scheduled
            && m.starts_at > now
            && m.starts_at <= now + soon()
        {
            out.push(item(
                WaitingKind::MeetingSoon,
                &m.id,
                Some(m.starts_at),
                format!("Meeting with {} on {}", p.other, moment(m.starts_at, tz)),
            ));
        }
    }
    let horizon = (now + soon()).date_naive();
    for i in &p.items {
        let Some(due) = i.due_on.filter(|d| i.mine && !i.done && *d <= horizon) else {
            continue;
        };
        let when = if due < now.with_timezone(&tz).date_naive() {
            "was due"
        } else {
            "is due"
        };
        out.push(item(
            WaitingKind::ActionItemDue,
            &i.id,
            Some(end_of(due)),
            format!(
                "An action item from your meeting with {} on {} {when} {}",
                p.other,
                day(i.meeting_starts_at, tz),
                due.format("%-d %B")
            ),
        ));
    }
    out
}

/// Soonest first; what has no date last; ties by label, then id.
pub fn soonest_first(items: &mut [Waiting]) {
    items.sort_by(|a, b| {
        let key = |w: &Waiting| (w.due_at.is_none(), w.due_at);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.label.cmp(&b.label))
            .then_with(|| a.object_id.cmp(&b.object_id))
    });
}

/// The one thing to do next in this relationship, as of `now`.
pub fn next_step(p: &PairSeen, now: DateTime<Utc>, tz: Tz) -> Option<NextStep> {
    let step = |kind, object_id: Option<&str>, label: String| {
        Some(NextStep {
            kind,
            object_id: object_id.map(str::to_string),
            label,
        })
    };
    match p.status {
        S::Requested if p.part == Part::Mentor && p.may_accept => {
            return step(
                NextStepKind::AnswerRequest,
                None,
                "Read the request and answer it.".into(),
            )
        }
        S::Proposed if p.may_accept => {
            return step(
                NextStepKind::AnswerProposal,
                None,
                "Read why this match was proposed, then accept or decline it.".into(),
            )
        }
        S::Active => {}
        _ => return None,
    }
    match p.agreement {
        AgreementState::Missing => {
            return step(
                NextStepKind::WriteAgreement,
                None,
                "Write your agreement together: goals, how often you meet, boundaries.".into(),
            )
        }
        AgreementState::Unsigned {
            signed_by_me: false,
        } => {
            return step(
                NextStepKind::SignAgreement,
                None,
                "Read the agreement and sign it.".into(),
            )
        }
        _ => {}
    }
    if let Some(owed) = p.meetings.iter().rev().find(|m| m.may_give_feedback) {
        return step(
            NextStepKind::GiveFeedback,
            Some(&owed.id),
            format!(
                "Give feedback on your meeting of {}.",
                moment(owed.starts_at, tz)
            ),
        );
    }
    let scheduled = |m: &&MeetingSeen| m.status == MeetingStatus::Scheduled;
    if let Some(unmarked) = p
        .meetings
        .iter()
        .filter(scheduled)
        .find(|m| m.starts_at <= now)
    {
        return step(
            NextStepKind::ConfirmHeld,
            Some(&unmarked.id),
            format!(
                "Did your meeting of {} take place? Mark it held, or cancel it.",
                moment(unmarked.starts_at, tz)
            ),
        );
    }
    if let Some(next) = p.meetings.iter().find(scheduled) {
        return step(
            NextStepKind::PrepareMeeting,
            Some(&next.id),
            format!(
                "Next meeting: {}. Add to the agenda what you want to talk about.",
                moment(next.starts_at, tz)
            ),
        );
    }
    step(
        NextStepKind::ScheduleMeeting,
        None,
        "Schedule your next meeting.".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, 10, 12, 0, 0).unwrap()
    }

    fn active(part: Part) -> PairSeen {
        PairSeen {
            mentorship_id: "m".into(),
            status: S::Active,
            part,
            may_accept: false,
            other: "Ada Lovelace".into(),
            program: "Spring".into(),
            expires_at: None,
            started_at: Some(now() - Duration::days(3)),
            agreement: AgreementState::Signed,
            meetings: Vec::new(),
            items: Vec::new(),
        }
    }

    fn meeting(
        id: &str,
        status: MeetingStatus,
        starts_in: Duration,
        feedback: bool,
    ) -> MeetingSeen {
        MeetingSeen {
            id: id.into(),
            status,
            starts_at: now() + starts_in,
            ends_at: now() + starts_in + Duration::hours(1),
            may_give_feedback: feedback,
        }
    }

    fn kinds(p: &PairSeen) -> Vec<WaitingKind> {
        waiting(p, now(), chrono_tz::UTC)
            .into_iter()
            .map(|w| w.kind)
            .collect()
    }

    #[test]
    fn a_request_waits_on_its_mentor_until_it_expires() {
        let mut p = active(Part::Mentor);
        p.status = S::Requested;
        p.may_accept = true;
        p.expires_at = Some(now() + Duration::days(5));
        let w = waiting(&p, now(), chrono_tz::UTC);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, WaitingKind::RequestToAnswer);
        assert_eq!(w[0].due_at, p.expires_at);
        assert_eq!(
            w[0].label,
            "Ada Lovelace asks you to be their mentor in Spring"
        );
        p.part = Part::Mentee;
        assert!(kinds(&p).is_empty(), "the mentee waits on nobody");
    }

    #[test]
    fn a_proposal_waits_until_the_person_accepted_it() {
        let mut p = active(Part::Mentee);
        p.status = S::Proposed;
        p.may_accept = true;
        assert_eq!(kinds(&p), vec![WaitingKind::ProposalToAnswer]);
        p.may_accept = false;
        assert!(kinds(&p).is_empty());
    }

    #[test]
    fn an_unsigned_agreement_waits_on_those_who_have_not_signed() {
        let mut p = active(Part::Mentee);
        p.agreement = AgreementState::Unsigned {
            signed_by_me: false,
        };
        let w = waiting(&p, now(), chrono_tz::UTC);
        assert_eq!(w[0].kind, WaitingKind::AgreementToSign);
        assert_eq!(w[0].due_at, Some(now() + Duration::days(11)));
        p.agreement = AgreementState::Unsigned { signed_by_me: true };
        assert!(kinds(&p).is_empty());
        p.agreement = AgreementState::Missing;
        assert!(
            kinds(&p).is_empty(),
            "writing it is a next step, not a wait"
        );
    }

    #[test]
    fn a_meeting_is_soon_from_now_to_seven_days_ahead() {
        let mut p = active(Part::Mentor);
        p.meetings = vec![
            meeting(
                "past",
                MeetingStatus::Scheduled,
                -Duration::minutes(1),
                false,
            ),
            meeting("edge", MeetingStatus::Scheduled, Duration::days(7), false),
            meeting(
                "later",
                MeetingStatus::Scheduled,
                Duration::days(7) + Duration::seconds(1),
                false,
            ),
            meeting("gone", MeetingStatus::Cancelled, Duration::days(1), false),
        ];
        let w = waiting(&p, now(), chrono_tz::UTC);
        assert_eq!(w.len(), 1);
        assert_eq!(
            (w[0].kind, w[0].object_id.as_str()),
            (WaitingKind::MeetingSoon, "edge")
        );
        assert_eq!(w[0].label, "Meeting with Ada Lovelace on 17 March, 12:00");
    }

    #[test]
    fn feedback_waits_after_a_held_meeting_until_given() {
        let mut p = active(Part::Mentee);
        p.meetings = vec![meeting(
            "held",
            MeetingStatus::Held,
            -Duration::days(2),
            true,
        )];
        let w = waiting(&p, now(), chrono_tz::UTC);
        assert_eq!(w[0].kind, WaitingKind::FeedbackToGive);
        assert_eq!(
            w[0].label,
            "Feedback on your meeting with Ada Lovelace on 8 March"
        );
        p.meetings[0].may_give_feedback = false;
        assert!(kinds(&p).is_empty());
    }

    #[test]
    fn an_action_item_waits_on_its_owner_from_a_week_before_its_due_date() {
        let mut p = active(Part::Mentee);
        let item = |id: &str, due: i64, mine: bool, done: bool| ItemSeen {
            id: id.into(),
            meeting_starts_at: now() - Duration::days(1),
            due_on: Some((now() + Duration::days(due)).date_naive()),
            done,
            mine,
        };
        p.items = vec![
            item("overdue", -1, true, false),
            item("edge", 7, true, false),
            item("later", 8, true, false),
            item("theirs", 1, false, false),
            item("done", 1, true, true),
            ItemSeen {
                due_on: None,
                ..item("undated", 0, true, false)
            },
        ];
        let w = waiting(&p, now(), chrono_tz::UTC);
        let ids: Vec<&str> = w.iter().map(|x| x.object_id.as_str()).collect();
        assert_eq!(ids, vec!["overdue", "edge"]);
        assert!(w[0].label.ends_with("was due 9 March"), "{}", w[0].label);
        assert!(w[1].label.ends_with("is due 17 March"), "{}", w[1].label);
        assert!(
            !w[0].label.contains("Read"),
            "a label never carries the item's own text"
        );
    }

    #[test]
    fn nothing_waits_in_a_relationship_that_does_not_run() {
        for status in [S::Paused, S::Completed, S::Ended, S::Declined, S::Expired] {
            let mut p = active(Part::Mentee);
            p.status = status;
            p.agreement = AgreementState::Unsigned {
                signed_by_me: false,
            };
            p.meetings = vec![meeting(
                "held",
                MeetingStatus::Held,
                -Duration::days(2),
                true,
            )];
            assert!(kinds(&p).is_empty(), "{status}");
        }
    }

    #[test]
    fn soonest_first_puts_undated_things_last() {
        let w = |id: &str, due: Option<i64>| Waiting {
            kind: WaitingKind::MeetingSoon,
            mentorship_id: "m".into(),
            object_id: id.into(),
            due_at: due.map(|d| now() + Duration::days(d)),
            label: String::new(),
        };
        let mut items = vec![w("none", None), w("late", Some(3)), w("soon", Some(1))];
        soonest_first(&mut items);
        let ids: Vec<&str> = items.iter().map(|x| x.object_id.as_str()).collect();
        assert_eq!(ids, vec!["soon", "late", "none"]);
    }

    #[test]
    fn the_next_step_follows_the_relationship_through_its_life() {
        let step = |p: &PairSeen| next_step(p, now(), chrono_tz::UTC).map(|s| s.kind);
        let mut p = active(Part::Mentor);
        p.status = S::Requested;
        p.may_accept = true;
        assert_eq!(step(&p), Some(NextStepKind::AnswerRequest));
        p.status = S::Active;
        p.agreement = AgreementState::Missing;
        assert_eq!(step(&p), Some(NextStepKind::WriteAgreement));
        p.agreement = AgreementState::Unsigned {
            signed_by_me: false,
        };
        assert_eq!(step(&p), Some(NextStepKind::SignAgreement));
        p.agreement = AgreementState::Unsigned { signed_by_me: true };
        assert_eq!(step(&p), Some(NextStepKind::ScheduleMeeting));
        p.meetings = vec![meeting(
            "next",
            MeetingStatus::Scheduled,
            Duration::days(2),
            false,
        )];
        assert_eq!(step(&p), Some(NextStepKind::PrepareMeeting));
        p.meetings.insert(
            0,
            meeting(
                "unmarked",
                MeetingStatus::Scheduled,
                -Duration::hours(2),
                false,
            ),
        );
        let s = next_step(&p, now(), chrono_tz::UTC).unwrap();
        assert_eq!(
            (s.kind, s.object_id.as_deref()),
            (NextStepKind::ConfirmHeld, Some("unmarked"))
        );
        p.meetings.insert(
            0,
            meeting("owed", MeetingStatus::Held, -Duration::days(3), true),
        );
        assert_eq!(step(&p), Some(NextStepKind::GiveFeedback));
        p.status = S::Completed;
        assert_eq!(step(&p), None);
    }

    #[test]
    fn labels_speak_the_persons_time_zone() {
        let mut p = active(Part::Mentor);
        p.meetings = vec![meeting(
            "m",
            MeetingStatus::Scheduled,
            Duration::hours(13),
            false,
        )];
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let w = waiting(&p, now(), tokyo);
        assert_eq!(w[0].label, "Meeting with Ada Lovelace on 11 March, 10:00");
    }
}
