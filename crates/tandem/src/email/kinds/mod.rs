//! Every kind of e-mail Tandem sends: an askama template in `templates/email/`
//! (its first line is the subject, then a blank line, then the body, plain text),
//! the values it is written from, and a snapshot of what a person receives. A new
//! kind is a template, a struct in the file of its area, a snapshot test there,
//! and one line in the use case or job where it becomes due.
//!
//! No e-mail quotes what a pair wrote: it names people, times and places, and
//! links to the page where the reader, once signed in, sees what they may.

use super::{Email, Recipient};
use crate::domain::wire::Notification;
use anyhow::Context;
use askama::Template;

/// A kind of e-mail.
pub trait Kind: Template {
    /// Its name, as the queue and the logs call it.
    const KIND: &'static str;
    /// The setting that turns it off; none for one that can't be.
    const SETTING: Option<Notification>;
}

/// Says what kind a template is and which setting turns it off.
macro_rules! kind {
    ($name:ident, $kind:literal, $setting:expr) => {
        impl Kind for $name<'_> {
            const KIND: &'static str = $kind;
            const SETTING: Option<Notification> = $setting;
        }
    };
}

// After `kind!`, which they use.
mod accounts;
mod meetings;
mod relationship;
mod requests;

pub use accounts::*;
pub use meetings::*;
pub use relationship::*;
pub use requests::*;

/// The message of `kind` for one person, ready for the outbox. The subject must
/// stay one line: what goes into it was checked when it was written (`line`).
/// An e-mail that can be turned off ends with where to do that.
pub fn compose<K: Kind>(
    message: &K,
    to: &Recipient,
    base_url: &str,
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
    let setting = K::SETTING.filter(|_| to.user_id.is_some());
    let footer = match setting {
        Some(_) => format!(
            "\n\n-- \nYou get this e-mail because you take part in a mentorship program on \
             Tandem. Choose which e-mails you get: {}/profile#notifications\n",
            base_url.trim_end_matches('/')
        ),
        None => "\n".to_string(),
    };
    Ok(Email {
        kind: K::KIND,
        setting,
        user_id: to.user_id.clone(),
        to_name: to.name.clone(),
        to_address: to.address.clone(),
        subject: subject.to_string(),
        body: format!("{}{footer}", body.trim_end()),
        calendar,
    })
}

#[cfg(test)]
pub(super) mod testing {
    //! What the snapshot tests of every kind share.
    use super::*;

    pub const LINK: &str = "https://tandem.example.org/mentorships/7c1e";
    pub const BASE: &str = "https://tandem.example.org";

    /// Ada, who has an account and reads times in Berlin.
    pub fn ada() -> Recipient {
        Recipient {
            user_id: Some("u-ada".into()),
            name: "Ada Lovelace".into(),
            address: "ada@example.org".into(),
            zone: chrono_tz::Europe::Berlin,
        }
    }

    /// What a person receives: the subject, then the body.
    pub fn letter<K: Kind>(message: &K) -> String {
        let e = compose(message, &ada(), BASE, None).unwrap();
        format!("Subject: {}\n\n{}", e.subject, e.body)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn a_subject_is_always_one_line() {
        let e = compose(
            &Kudos {
                to: "Ada",
                from: "Eve\nBcc: evil@example.net",
                message: "hi",
                link: LINK,
            },
            &ada(),
            BASE,
            None,
        );
        assert!(e.is_err(), "a broken subject line is refused, not sent");
    }

    #[test]
    fn an_email_one_may_turn_off_says_where() {
        let kudos = Kudos {
            to: "Ada",
            from: "Charles",
            message: "hi",
            link: LINK,
        };
        let e = compose(&kudos, &ada(), BASE, None).unwrap();
        assert_eq!(e.setting, Some(Notification::Kudos));
        assert!(e
            .body
            .contains("https://tandem.example.org/profile#notifications"));
        let contact = Recipient::contact("Mary", "mary@example.net");
        let e = compose(&kudos, &contact, BASE, None).unwrap();
        assert_eq!(e.setting, None, "no account, no settings");
        assert!(!e.body.contains("profile#notifications"));
    }

    #[test]
    fn times_are_in_the_readers_zone() {
        use chrono::TimeZone;
        let at = chrono::Utc.with_ymd_and_hms(2027, 3, 2, 9, 0, 0).unwrap();
        assert_eq!(
            ada().when(at),
            (
                "Tuesday 2 March 2027, 10:00 CET".to_string(),
                "2 Mar, 10:00 CET".to_string()
            )
        );
    }
}
