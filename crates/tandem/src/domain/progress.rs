//! How a relationship is doing (SPEC §5 Health) and what its timeline shows,
//! from facts and a clock passed in: pure, so every rule is tested at its edges.
use super::wire::{Health, HealthReason, MentorshipStatus as S, TimelineKind};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// What health is decided from.
#[derive(Debug, Clone, Copy)]
pub struct HealthFacts {
    pub now: DateTime<Utc>,
    pub status: S,
    pub started_at: Option<DateTime<Utc>>,
    /// The agreement's cadence, else the program's.
    pub cadence_days: i32,
    /// The start of the last meeting that was held.
    pub last_held_at: Option<DateTime<Utc>>,
    pub overdue_action_items: u64,
    pub average_rating: Option<f64>,
    /// Whether everyone has signed the current agreement.
    pub agreement_signed: bool,
}

/// Health and its reasons. Only an active relationship can be at risk or stalled:
/// one that is paused, over or not yet started has no cadence to keep.
///
/// `stalled` when no meeting was held for 3 × the cadence (or, with none held,
/// since the start); otherwise `at_risk` when no meeting for 1.5 × the cadence, an
/// action item is overdue, the average rating is below 3, or the agreement is
/// still unsigned two weeks after the start. A threshold counts once it is reached.
pub fn health(f: &HealthFacts) -> (Health, Vec<HealthReason>) {
    let Some(started) = f.started_at.filter(|_| f.status == S::Active) else {
        return (Health::OnTrack, Vec::new());
    };
    let since = f.last_held_at.unwrap_or(started).max(started);
    let quiet = f.now - since;
    let cadence = Duration::days(f.cadence_days.max(1) as i64);
    let mut reasons = Vec::new();
    let stalled = quiet >= cadence * 3;
    if stalled {
        reasons.push(HealthReason::NoMeetingFor3xCadence);
    } else if quiet >= cadence * 3 / 2 {
        reasons.push(HealthReason::NoMeetingFor1_5xCadence);
    }
    if f.overdue_action_items > 0 {
        reasons.push(HealthReason::OverdueActionItems);
    }
    if f.average_rating.is_some_and(|r| r < 3.0) {
        reasons.push(HealthReason::LowRatings);
    }
    if !f.agreement_signed && f.now - started >= Duration::days(14) {
        reasons.push(HealthReason::AgreementUnsigned);
    }
    let health = if stalled {
        Health::Stalled
    } else if reasons.is_empty() {
        Health::OnTrack
    } else {
        Health::AtRisk
    };
    (health, reasons)
}

/// When the next meeting is due: a cadence after the last one held, or after the
/// start; none for a relationship that is not running.
pub fn next_meeting_due_on(f: &HealthFacts) -> Option<NaiveDate> {
    if !matches!(f.status, S::Active | S::Paused) {
        return None;
    }
    let since = f.last_held_at.or(f.started_at)?;
    Some((since + Duration::days(f.cadence_days.max(1) as i64)).date_naive())
}

/// An action item is overdue the day after its due date, until it is done.
pub fn is_overdue(due_on: Option<NaiveDate>, done: bool, now: DateTime<Utc>) -> bool {
    !done && due_on.is_some_and(|d| d < now.date_naive())
}

/// A reason in words, for pages and e-mails.
pub fn reason_words(r: HealthReason, cadence: i32) -> String {
    match r {
        HealthReason::NoMeetingFor3xCadence => format!(
            "no meeting held for three times the cadence ({} days)",
            cadence * 3
        ),
        HealthReason::NoMeetingFor1_5xCadence => format!(
            "no meeting held for one and a half times the cadence ({} days)",
            cadence * 3 / 2
        ),
        HealthReason::OverdueActionItems => "an action item is overdue".into(),
        HealthReason::LowRatings => "the average feedback rating is below 3".into(),
        HealthReason::AgreementUnsigned => {
            "the agreement is still unsigned two weeks after the start".into()
        }
    }
}

/// One event of a relationship's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub kind: TimelineKind,
    pub summary: String,
}

/// The timeline, newest first (events at the same moment keep the order they came in).
pub fn timeline(mut events: Vec<Event>) -> Vec<Event> {
    events.sort_by_key(|e| std::cmp::Reverse(e.at));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    /// Active since `start()`, cadence 14 days, agreement signed, nothing else.
    fn facts(days_since_start: f64) -> HealthFacts {
        HealthFacts {
            now: start() + Duration::seconds((days_since_start * 86_400.0) as i64),
            status: S::Active,
            started_at: Some(start()),
            cadence_days: 14,
            last_held_at: None,
            overdue_action_items: 0,
            average_rating: None,
            agreement_signed: true,
        }
    }

    #[test]
    fn no_meeting_for_exactly_one_and_a_half_cadences_is_at_risk() {
        assert_eq!(health(&facts(20.99)).0, Health::OnTrack);
        assert_eq!(
            health(&facts(21.0)),
            (Health::AtRisk, vec![HealthReason::NoMeetingFor1_5xCadence])
        );
    }

    #[test]
    fn no_meeting_for_exactly_three_cadences_is_stalled() {
        assert_eq!(health(&facts(41.99)).0, Health::AtRisk);
        assert_eq!(
            health(&facts(42.0)),
            (Health::Stalled, vec![HealthReason::NoMeetingFor3xCadence])
        );
    }

    #[test]
    fn the_quiet_time_counts_from_the_last_meeting_held() {
        let f = HealthFacts {
            last_held_at: Some(start() + Duration::days(30)),
            ..facts(50.0)
        };
        assert_eq!(health(&f).0, Health::OnTrack);
        assert_eq!(
            next_meeting_due_on(&f),
            Some((start() + Duration::days(44)).date_naive())
        );
        let f = HealthFacts {
            now: start() + Duration::days(30 + 21),
            ..f
        };
        assert_eq!(health(&f).0, Health::AtRisk);
    }

    #[test]
    fn an_unsigned_agreement_is_a_risk_from_the_day_two_weeks_after_the_start() {
        let unsigned = |days| HealthFacts {
            agreement_signed: false,
            cadence_days: 30,
            ..facts(days)
        };
        assert_eq!(health(&unsigned(13.99)).0, Health::OnTrack);
        assert_eq!(
            health(&unsigned(14.0)),
            (Health::AtRisk, vec![HealthReason::AgreementUnsigned])
        );
    }

    #[test]
    fn an_average_rating_of_exactly_three_is_not_low() {
        let rated = |r| HealthFacts {
            average_rating: Some(r),
            ..facts(1.0)
        };
        assert_eq!(health(&rated(3.0)).0, Health::OnTrack);
        assert_eq!(
            health(&rated(2.99)),
            (Health::AtRisk, vec![HealthReason::LowRatings])
        );
    }

    #[test]
    fn an_overdue_action_item_is_a_risk_and_one_due_today_is_not() {
        let f = HealthFacts {
            overdue_action_items: 1,
            ..facts(1.0)
        };
        assert_eq!(
            health(&f),
            (Health::AtRisk, vec![HealthReason::OverdueActionItems])
        );
        let today = facts(1.0).now.date_naive();
        assert!(!is_overdue(Some(today), false, facts(1.0).now));
        assert!(is_overdue(today.pred_opt(), false, facts(1.0).now));
        assert!(!is_overdue(today.pred_opt(), true, facts(1.0).now));
        assert!(!is_overdue(None, false, facts(1.0).now));
    }

    #[test]
    fn a_stalled_relationship_keeps_its_other_reasons() {
        let f = HealthFacts {
            overdue_action_items: 2,
            average_rating: Some(1.5),
            ..facts(60.0)
        };
        assert_eq!(
            health(&f),
            (
                Health::Stalled,
                vec![
                    HealthReason::NoMeetingFor3xCadence,
                    HealthReason::OverdueActionItems,
                    HealthReason::LowRatings
                ]
            )
        );
    }

    #[test]
    fn only_an_active_relationship_is_at_risk_or_stalled() {
        for status in [S::Paused, S::Completed, S::Ended, S::Requested] {
            let f = HealthFacts {
                status,
                ..facts(90.0)
            };
            assert_eq!(health(&f), (Health::OnTrack, vec![]));
        }
    }

    #[test]
    fn the_timeline_is_newest_first() {
        let e = |d: i64, kind| Event {
            at: start() + Duration::days(d),
            kind,
            summary: String::new(),
        };
        let sorted = timeline(vec![
            e(0, TimelineKind::Started),
            e(9, TimelineKind::Kudos),
            e(3, TimelineKind::MeetingHeld),
        ]);
        let kinds: Vec<_> = sorted.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                TimelineKind::Kudos,
                TimelineKind::MeetingHeld,
                TimelineKind::Started
            ]
        );
    }
}
