//! E-mails about requests and proposals: received, the reminder at half their
//! time, accepted, declined, expired (to both), and a round's proposal.
use super::Kind;
use crate::domain::wire::Notification;
use askama::Template;

/// To the mentor a mentee asks.
#[derive(Template)]
#[template(path = "email/request_received.txt")]
pub struct RequestReceived<'a> {
    pub to: &'a str,
    pub mentee: &'a str,
    pub program: &'a str,
    /// The day it expires, "Tuesday 16 March 2027".
    pub expires: String,
    pub link: &'a str,
}

kind!(
    RequestReceived,
    "request_received",
    Some(Notification::RequestReceived)
);

/// To the mentor, once half of a request's time has passed without an answer.
#[derive(Template)]
#[template(path = "email/request_reminder.txt")]
pub struct RequestReminder<'a> {
    pub to: &'a str,
    pub mentee: &'a str,
    pub program: &'a str,
    pub expires: String,
    pub link: &'a str,
}

kind!(
    RequestReminder,
    "request_reminder",
    Some(Notification::RequestReminder)
);

/// To the mentee whose request was accepted.
#[derive(Template)]
#[template(path = "email/request_accepted.txt")]
pub struct RequestAccepted<'a> {
    pub to: &'a str,
    pub mentor: &'a str,
    pub program: &'a str,
    pub link: &'a str,
}

kind!(
    RequestAccepted,
    "request_accepted",
    Some(Notification::RequestAccepted)
);

/// To the mentee whose request was declined, with the mentors who may suit them next.
#[derive(Template)]
#[template(path = "email/request_declined.txt")]
pub struct RequestDeclined<'a> {
    pub to: &'a str,
    pub mentor: &'a str,
    pub program: &'a str,
    /// Declined because the mentor is away.
    pub away: bool,
    /// "Grace Hopper (87% match)", best first.
    pub suggestions: Vec<String>,
    pub link: &'a str,
}

kind!(
    RequestDeclined,
    "request_declined",
    Some(Notification::RequestDeclined)
);

/// To the mentee whose request expired, with the mentors who may suit them next.
#[derive(Template)]
#[template(path = "email/request_expired_mentee.txt")]
pub struct RequestExpiredToMentee<'a> {
    pub to: &'a str,
    pub mentor: &'a str,
    pub program: &'a str,
    pub suggestions: Vec<String>,
    pub link: &'a str,
}

kind!(
    RequestExpiredToMentee,
    "request_expired",
    Some(Notification::RequestExpired)
);

/// To the mentor who let a request expire.
#[derive(Template)]
#[template(path = "email/request_expired_mentor.txt")]
pub struct RequestExpiredToMentor<'a> {
    pub to: &'a str,
    pub mentee: &'a str,
    pub program: &'a str,
    pub link: &'a str,
}

kind!(
    RequestExpiredToMentor,
    "request_expired",
    Some(Notification::RequestExpired)
);

/// To each side of a pair a published round proposes.
#[derive(Template)]
#[template(path = "email/proposal.txt")]
pub struct Proposal<'a> {
    pub to: &'a str,
    pub other: &'a str,
    pub program: &'a str,
    /// "mentor" or "mentee": the reader's part.
    pub part: &'a str,
    pub link: &'a str,
}

kind!(Proposal, "proposal", Some(Notification::Proposal));

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn request_received() {
        insta::assert_snapshot!(letter(&RequestReceived {
            to: "Ada Lovelace",
            mentee: "Grace Hopper",
            program: "Spring mentoring",
            expires: "Tuesday 16 March 2027".into(),
            link: LINK,
        }));
    }

    #[test]
    fn request_reminder() {
        insta::assert_snapshot!(letter(&RequestReminder {
            to: "Ada Lovelace",
            mentee: "Grace Hopper",
            program: "Spring mentoring",
            expires: "Tuesday 16 March 2027".into(),
            link: LINK,
        }));
    }

    #[test]
    fn request_accepted() {
        insta::assert_snapshot!(letter(&RequestAccepted {
            to: "Ada Lovelace",
            mentor: "Charles Babbage",
            program: "Spring mentoring",
            link: LINK,
        }));
    }

    #[test]
    fn request_declined_with_suggestions() {
        insta::assert_snapshot!(letter(&RequestDeclined {
            to: "Ada Lovelace",
            mentor: "Charles Babbage",
            program: "Spring mentoring",
            away: false,
            suggestions: vec![
                "Mary Somerville (91% match)".into(),
                "Alan Turing (84% match)".into()
            ],
            link: "https://tandem.example.org/programs/p1/suggestions",
        }));
    }

    #[test]
    fn request_declined_while_away() {
        insta::assert_snapshot!(letter(&RequestDeclined {
            to: "Ada Lovelace",
            mentor: "Charles Babbage",
            program: "Spring mentoring",
            away: true,
            suggestions: Vec::new(),
            link: "https://tandem.example.org/programs/p1/suggestions",
        }));
    }

    #[test]
    fn request_expired_to_the_mentee() {
        insta::assert_snapshot!(letter(&RequestExpiredToMentee {
            to: "Ada Lovelace",
            mentor: "Charles Babbage",
            program: "Spring mentoring",
            suggestions: vec!["Mary Somerville (91% match)".into()],
            link: "https://tandem.example.org/programs/p1/suggestions",
        }));
    }

    #[test]
    fn request_expired_to_the_mentor() {
        insta::assert_snapshot!(letter(&RequestExpiredToMentor {
            to: "Charles Babbage",
            mentee: "Ada Lovelace",
            program: "Spring mentoring",
            link: "https://tandem.example.org/dashboard",
        }));
    }

    #[test]
    fn proposal() {
        insta::assert_snapshot!(letter(&Proposal {
            to: "Ada Lovelace",
            other: "Charles Babbage",
            program: "Spring mentoring",
            part: "mentee",
            link: LINK,
        }));
    }
}
