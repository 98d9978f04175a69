//! E-mails about meetings: scheduled, changed, cancelled (each with the
//! calendar file), the reminder the day before, feedback to give once one is
//! held, and an action item falling due.
use super::Kind;
use crate::domain::wire::Notification;
use askama::Template;

/// The three e-mails about a meeting share their values.
macro_rules! meeting_kind {
    ($(#[$doc:meta])* $name:ident, $path:literal, $kind:literal, $setting:expr) => {
        $(#[$doc])*
        #[derive(Template)]
        #[template(path = $path)]
        pub struct $name<'a> {
            pub to: &'a str,
            /// "Tuesday 2 March 2027, 14:00 UTC"
            pub when: String,
            /// "2 Mar, 14:00 UTC", for the subject.
            pub short_when: String,
            pub minutes: i32,
            /// A place or a link; may be empty.
            pub place: &'a str,
            pub link: &'a str,
        }

        kind!($name, $kind, $setting);
    };
}

meeting_kind!(
    /// To both participants, with the invite attached.
    MeetingScheduled,
    "email/meeting_scheduled.txt",
    "meeting_scheduled",
    Some(Notification::MeetingScheduled)
);
meeting_kind!(
    /// To both participants when a meeting moves, with the updated invite.
    MeetingChanged,
    "email/meeting_changed.txt",
    "meeting_changed",
    Some(Notification::MeetingChanged)
);
meeting_kind!(
    /// To both participants when a meeting is cancelled, with the cancelling invite.
    MeetingCancelled,
    "email/meeting_cancelled.txt",
    "meeting_cancelled",
    Some(Notification::MeetingCancelled)
);

/// To each participant, within the 24 hours before a scheduled meeting.
#[derive(Template)]
#[template(path = "email/meeting_reminder.txt")]
pub struct MeetingReminder<'a> {
    pub to: &'a str,
    /// The other participants, "Grace Hopper" or "Grace and Alan".
    pub other: &'a str,
    pub when: String,
    pub short_when: String,
    pub minutes: i32,
    pub place: &'a str,
    pub link: &'a str,
}

kind!(
    MeetingReminder,
    "meeting_reminder",
    Some(Notification::MeetingReminder)
);

/// To each participant once a meeting is held.
#[derive(Template)]
#[template(path = "email/feedback_to_give.txt")]
pub struct FeedbackToGive<'a> {
    pub to: &'a str,
    pub other: &'a str,
    /// The meeting's day, "Tuesday 2 March 2027".
    pub day: String,
    pub link: &'a str,
}

kind!(
    FeedbackToGive,
    "feedback_to_give",
    Some(Notification::FeedbackToGive)
);

/// To an action item's owner, the day before it is due.
#[derive(Template)]
#[template(path = "email/action_item_due.txt")]
pub struct ActionItemDue<'a> {
    pub to: &'a str,
    pub other: &'a str,
    /// "tomorrow, Wednesday 3 March 2027" or "today, …".
    pub day: String,
    pub link: &'a str,
}

kind!(
    ActionItemDue,
    "action_item_due",
    Some(Notification::ActionItemDue)
);

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    macro_rules! meeting {
        ($kind:ident, $place:expr) => {
            $kind {
                to: "Ada Lovelace",
                when: "Tuesday 2 March 2027, 14:00 CET".into(),
                short_when: "2 Mar, 14:00 CET".into(),
                minutes: 45,
                place: $place,
                link: LINK,
            }
        };
    }

    #[test]
    fn meeting_scheduled() {
        insta::assert_snapshot!(letter(&meeting!(MeetingScheduled, "Room 4")));
    }

    #[test]
    fn meeting_scheduled_without_a_place() {
        insta::assert_snapshot!(letter(&meeting!(MeetingScheduled, "")));
    }

    #[test]
    fn meeting_changed() {
        insta::assert_snapshot!(letter(&meeting!(
            MeetingChanged,
            "https://meet.example.org/ada"
        )));
    }

    #[test]
    fn meeting_cancelled() {
        insta::assert_snapshot!(letter(&meeting!(MeetingCancelled, "Room 4")));
    }

    #[test]
    fn meeting_reminder() {
        insta::assert_snapshot!(letter(&MeetingReminder {
            to: "Ada Lovelace",
            other: "Charles Babbage",
            when: "Tuesday 2 March 2027, 14:00 CET".into(),
            short_when: "2 Mar, 14:00 CET".into(),
            minutes: 45,
            place: "Room 4",
            link: LINK,
        }));
    }

    #[test]
    fn feedback_to_give() {
        insta::assert_snapshot!(letter(&FeedbackToGive {
            to: "Ada Lovelace",
            other: "Charles Babbage",
            day: "Tuesday 2 March 2027".into(),
            link: LINK,
        }));
    }

    #[test]
    fn action_item_due() {
        insta::assert_snapshot!(letter(&ActionItemDue {
            to: "Ada Lovelace",
            other: "Charles Babbage",
            day: "tomorrow, Wednesday 3 March 2027".into(),
            link: LINK,
        }));
    }
}
