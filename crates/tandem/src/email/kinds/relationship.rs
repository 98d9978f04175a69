//! E-mails within a relationship: kudos, introductions, an agreement to sign,
//! and health alerts.
use super::Kind;
use crate::domain::wire::Notification;
use askama::Template;

/// To the other participants of a relationship: a thank-you note.
#[derive(Template)]
#[template(path = "email/kudos.txt")]
pub struct Kudos<'a> {
    pub to: &'a str,
    pub from: &'a str,
    pub message: &'a str,
    pub link: &'a str,
}

kind!(Kudos, "kudos", Some(Notification::Kudos));

/// To each mentee: their mentor introduces them to a contact.
#[derive(Template)]
#[template(path = "email/introduction_to_mentee.txt")]
pub struct IntroductionToMentee<'a> {
    pub to: &'a str,
    pub mentor: &'a str,
    pub contact: &'a str,
    pub contact_address: &'a str,
    /// Why the two should meet; may be empty.
    pub note: &'a str,
}

kind!(
    IntroductionToMentee,
    "introduction",
    Some(Notification::Introduction)
);

/// To the contact a mentor introduces their mentee(s) to.
#[derive(Template)]
#[template(path = "email/introduction_to_contact.txt")]
pub struct IntroductionToContact<'a> {
    pub to: &'a str,
    pub mentor: &'a str,
    /// The mentees, "Ada and Grace".
    pub mentees: &'a str,
    pub note: &'a str,
}

kind!(IntroductionToContact, "introduction_to_contact", None);

/// To the other participants, when the agreement is written or changed.
#[derive(Template)]
#[template(path = "email/agreement_to_sign.txt")]
pub struct AgreementToSign<'a> {
    pub to: &'a str,
    /// Who wrote it.
    pub by: &'a str,
    pub link: &'a str,
}

kind!(
    AgreementToSign,
    "agreement_to_sign",
    Some(Notification::AgreementToSign)
);

/// To each participant when a relationship becomes at risk or stalls.
#[derive(Template)]
#[template(path = "email/health_alert.txt")]
pub struct HealthAlert<'a> {
    pub to: &'a str,
    pub other: &'a str,
    pub stalled: bool,
    /// Why, in words ("No meeting for three times your cadence").
    pub reasons: Vec<&'a str>,
    pub link: &'a str,
}

kind!(HealthAlert, "health_alert", Some(Notification::HealthAlert));

/// One relationship of a coordinator's weekly digest.
pub struct DigestPair {
    /// "Grace Hopper and Ada Lovelace".
    pub names: String,
    /// "at risk" or "stalled".
    pub health: &'static str,
    /// "no meeting for 1.5× the cadence; an overdue action item".
    pub reasons: String,
}

/// To each coordinator of a program, weekly, when relationships are not on track.
#[derive(Template)]
#[template(path = "email/weekly_digest.txt")]
pub struct WeeklyDigest<'a> {
    pub to: &'a str,
    pub program: &'a str,
    pub count: usize,
    pub pairs: Vec<DigestPair>,
    pub link: &'a str,
}

kind!(
    WeeklyDigest,
    "weekly_digest",
    Some(Notification::WeeklyDigest)
);

/// To each participant but the one who closed it: the relationship is completed.
/// The others are asked for their reflection; everyone for the end survey; a
/// mentee is invited to mentor in the program.
#[derive(Template)]
#[template(path = "email/completed.txt")]
pub struct Completed<'a> {
    pub to: &'a str,
    /// Who marked it completed.
    pub by: &'a str,
    pub other: &'a str,
    pub program: &'a str,
    /// Still to write their reflection.
    pub reflect: bool,
    pub link: &'a str,
    /// Where to enrol as a mentor, for a mentee who may.
    pub mentor_link: Option<&'a str>,
}

kind!(Completed, "completed", Some(Notification::Closing));

/// To the other participants when a relationship is ended early, with its
/// no-fault reason; a mentee is pointed to the mentors who may suit them next.
#[derive(Template)]
#[template(path = "email/ended.txt")]
pub struct Ended<'a> {
    pub to: &'a str,
    pub by: &'a str,
    pub program: &'a str,
    /// The reason in words ("time").
    pub reason: &'a str,
    pub link: &'a str,
    /// "Grace Hopper (87% match)", best first; empty for a mentor.
    pub suggestions: Vec<String>,
    pub suggestions_link: Option<&'a str>,
}

kind!(Ended, "ended", Some(Notification::Closing));

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn kudos() {
        insta::assert_snapshot!(letter(&Kudos {
            to: "Ada Lovelace",
            from: "Charles Babbage",
            message: "Thank you for the notes on the engine.",
            link: LINK,
        }));
    }

    #[test]
    fn introduction_to_mentee() {
        insta::assert_snapshot!(letter(&IntroductionToMentee {
            to: "Ada Lovelace",
            mentor: "Charles Babbage",
            contact: "Mary Somerville",
            contact_address: "mary@example.net",
            note: "She has translated Laplace and knows everyone.",
        }));
    }

    #[test]
    fn introduction_to_mentee_without_a_note() {
        insta::assert_snapshot!(letter(&IntroductionToMentee {
            to: "Ada Lovelace",
            mentor: "Charles Babbage",
            contact: "Mary Somerville",
            contact_address: "mary@example.net",
            note: "",
        }));
    }

    #[test]
    fn introduction_to_contact() {
        insta::assert_snapshot!(letter(&IntroductionToContact {
            to: "Mary Somerville",
            mentor: "Charles Babbage",
            mentees: "Ada Lovelace",
            note: "She is writing notes on the analytical engine.",
        }));
    }

    #[test]
    fn agreement_to_sign() {
        insta::assert_snapshot!(letter(&AgreementToSign {
            to: "Ada Lovelace",
            by: "Charles Babbage",
            link: LINK,
        }));
    }

    #[test]
    fn health_alert_at_risk() {
        insta::assert_snapshot!(letter(&HealthAlert {
            to: "Ada Lovelace",
            other: "Charles Babbage",
            stalled: false,
            reasons: vec![
                "No meeting for one and a half times your cadence",
                "An action item is overdue"
            ],
            link: LINK,
        }));
    }

    #[test]
    fn health_alert_stalled() {
        insta::assert_snapshot!(letter(&HealthAlert {
            to: "Ada Lovelace",
            other: "Charles Babbage",
            stalled: true,
            reasons: vec!["No meeting for three times your cadence"],
            link: LINK,
        }));
    }

    #[test]
    fn weekly_digest() {
        insta::assert_snapshot!(letter(&WeeklyDigest {
            to: "Ada Lovelace",
            program: "Spring mentoring",
            count: 2,
            pairs: vec![
                DigestPair {
                    names: "Grace Hopper and Alan Turing".into(),
                    health: "stalled",
                    reasons: "no meeting for three times the cadence".into(),
                },
                DigestPair {
                    names: "Mary Somerville and Charles Babbage".into(),
                    health: "at risk",
                    reasons: "an overdue action item; the agreement is unsigned".into(),
                },
            ],
            link: "https://tandem.example.org/programs/p1/dashboard",
        }));
    }

    #[test]
    fn completed_asks_the_other_side_and_invites_a_mentee_to_mentor() {
        insta::assert_snapshot!(letter(&Completed {
            to: "Ada Lovelace",
            by: "Charles Babbage",
            other: "Charles Babbage",
            program: "Analytical Engines 2027",
            reflect: true,
            link: LINK,
            mentor_link: Some("https://tandem.example/programs/p1#enroll-mentor-form"),
        }));
    }

    #[test]
    fn ended_points_a_mentee_to_the_next_mentors() {
        insta::assert_snapshot!(letter(&Ended {
            to: "Ada Lovelace",
            by: "Charles Babbage",
            program: "Analytical Engines 2027",
            reason: "time",
            link: LINK,
            suggestions: vec!["Grace Hopper (87% match)".into()],
            suggestions_link: Some("https://tandem.example/programs/p1/suggestions"),
        }));
    }
}
