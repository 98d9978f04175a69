//! Every kind of e-mail Tandem sends: an askama template in `templates/email/`
//! (its first line is the subject, then a blank line, then the body, plain text),
//! the values it is written from, and a snapshot of what a person receives. A new
//! kind is a template, a struct here, a snapshot test, and one line in the use
//! case where it becomes due.
use super::Email;
use anyhow::Context;
use askama::Template;

/// A kind of e-mail.
pub trait Kind: Template {
    /// Its name, as notification settings and logs call it.
    const KIND: &'static str;
}

/// The message of `kind` for one person, ready for the outbox. The subject must
/// stay one line: what goes into it was checked when it was written (`line`).
pub fn compose<K: Kind>(
    message: &K,
    to_name: &str,
    to_address: &str,
    calendar: Option<String>,
) -> anyhow::Result<Email> {
    let text = message
        .render()
        .with_context(|| format!("writing a {} e-mail", K::KIND))?;
    let (subject, body) = text
        .split_once("\n\n")
        .with_context(|| format!("the {} template has no subject line", K::KIND))?;
    anyhow::ensure!(
        !subject.chars().any(char::is_control),
        "the subject of a {} e-mail is not one line",
        K::KIND
    );
    Ok(Email {
        to_name: to_name.to_string(),
        to_address: to_address.to_string(),
        subject: subject.to_string(),
        body: format!("{}\n", body.trim_end()),
        calendar,
    })
}

/// The three e-mails about a meeting share their values.
macro_rules! meeting_kind {
    ($(#[$doc:meta])* $name:ident, $path:literal, $kind:literal) => {
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

        impl Kind for $name<'_> {
            const KIND: &'static str = $kind;
        }
    };
}

meeting_kind!(
    /// To both participants, with the invite attached.
    MeetingScheduled,
    "email/meeting_scheduled.txt",
    "meeting_scheduled"
);
meeting_kind!(
    /// To both participants when a meeting moves, with the updated invite.
    MeetingChanged,
    "email/meeting_changed.txt",
    "meeting_changed"
);
meeting_kind!(
    /// To both participants when a meeting is cancelled, with the cancelling invite.
    MeetingCancelled,
    "email/meeting_cancelled.txt",
    "meeting_cancelled"
);

/// To the other participants of a relationship: a thank-you note.
#[derive(Template)]
#[template(path = "email/kudos.txt")]
pub struct Kudos<'a> {
    pub to: &'a str,
    pub from: &'a str,
    pub message: &'a str,
    pub link: &'a str,
}

impl Kind for Kudos<'_> {
    const KIND: &'static str = "kudos";
}

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

impl Kind for IntroductionToMentee<'_> {
    const KIND: &'static str = "introduction";
}

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

impl Kind for IntroductionToContact<'_> {
    const KIND: &'static str = "introduction_to_contact";
}

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

impl Kind for Proposal<'_> {
    const KIND: &'static str = "proposal";
}

#[cfg(test)]
mod tests {
    //! One snapshot per kind: what a person receives, subject and body.
    use super::*;

    fn letter<K: Kind>(message: &K) -> String {
        let e = compose(message, "Ada Lovelace", "ada@example.org", None).unwrap();
        format!("Subject: {}\n\n{}", e.subject, e.body)
    }

    const LINK: &str = "https://tandem.example.org/mentorships/7c1e";

    macro_rules! meeting {
        ($kind:ident, $place:expr) => {
            $kind {
                to: "Ada Lovelace",
                when: "Tuesday 2 March 2027, 14:00 UTC".into(),
                short_when: "2 Mar, 14:00 UTC".into(),
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
    fn proposal() {
        insta::assert_snapshot!(letter(&Proposal {
            to: "Ada Lovelace",
            other: "Charles Babbage",
            program: "Spring mentoring",
            part: "mentee",
            link: LINK,
        }));
    }

    #[test]
    fn a_subject_is_always_one_line() {
        let e = compose(
            &Kudos {
                to: "Ada",
                from: "Eve\nBcc: evil@example.net",
                message: "hi",
                link: LINK,
            },
            "Ada",
            "ada@example.org",
            None,
        );
        assert!(e.is_err(), "a broken subject line is refused, not sent");
    }
}
