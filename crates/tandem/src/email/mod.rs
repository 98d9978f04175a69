//! Outgoing e-mail: SMTP when `TANDEM_SMTP_URL` is set, otherwise `.eml` files in
//! the outbox. What each kind says is written in its template (`kinds`).
pub mod kinds;

use crate::config::Config;
use crate::domain::wire::Notification;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::Address;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Each message as an `.eml` file: for development, demos and tests.
    Outbox(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

/// One message to one person.
pub struct Email {
    /// What kind of e-mail it is (`kinds`), for the queue and the logs.
    pub kind: &'static str,
    /// The setting that turns it off for `user_id`; none for security e-mails and
    /// e-mails to people outside Tandem.
    pub setting: Option<Notification>,
    pub user_id: Option<String>,
    pub to_name: String,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    /// A calendar file sent along as `invite.ics`.
    pub calendar: Option<String>,
}

/// Who an e-mail goes to.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// Their account, when they have one: their settings apply.
    pub user_id: Option<String>,
    pub name: String,
    pub address: String,
    /// Times in their e-mails are in this zone: their profile's, else UTC.
    pub zone: Tz,
}

impl Recipient {
    /// Someone outside Tandem (an introduction's contact).
    pub fn contact(name: &str, address: &str) -> Recipient {
        Recipient {
            user_id: None,
            name: name.to_string(),
            address: address.to_string(),
            zone: Tz::UTC,
        }
    }

    /// A moment as this person reads it: "Tuesday 2 March 2027, 15:00 CET", and
    /// shorter for a subject, "2 Mar, 15:00 CET".
    pub fn when(&self, at: DateTime<Utc>) -> (String, String) {
        let local = at.with_timezone(&self.zone);
        (
            local.format("%A %-d %B %Y, %H:%M %Z").to_string(),
            local.format("%-d %b, %H:%M %Z").to_string(),
        )
    }

    /// A day as this person reads it: "Tuesday 2 March 2027".
    pub fn day(&self, day: NaiveDate) -> String {
        day.format("%A %-d %B %Y").to_string()
    }
}

const FROM: &str = "Tandem <no-reply@tandem.invalid>";

/// `smtp://[user:password@]host[:port]` (port 25 by default). This build speaks plain
/// SMTP: point it at a local relay, which handles TLS onwards.
fn smtp_transport(url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let bad = || {
        anyhow::anyhow!("TANDEM_SMTP_URL {url:?} must look like smtp://[user:password@]host[:port]")
    };
    let rest = url
        .strip_prefix("smtp://")
        .ok_or_else(bad)?
        .trim_end_matches('/');
    let (credentials, host_port) = match rest.rsplit_once('@') {
        Some((creds, hp)) => (Some(creds), hp),
        None => (None, rest),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
        None => (host_port, 25),
    };
    if host.is_empty() {
        return Err(bad());
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port);
    if let Some(creds) = credentials {
        let (user, password) = creds.split_once(':').unwrap_or((creds, ""));
        builder = builder.credentials(Credentials::new(user.to_string(), password.to_string()));
    }
    Ok(builder.build())
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        match &config.smtp_url {
            Some(url) => Ok(Mailer::Smtp(smtp_transport(url)?)),
            None => {
                let dir = PathBuf::from(&config.outbox_dir);
                Ok(Mailer::Outbox(
                    AsyncFileTransport::<Tokio1Executor>::new(&dir),
                    dir,
                ))
            }
        }
    }

    pub async fn send(&self, email: &Email) -> anyhow::Result<()> {
        // What goes into a header is one line: nothing can split it or add another.
        for (what, value) in [
            ("recipient's name", &email.to_name),
            ("subject", &email.subject),
        ] {
            if value.chars().any(char::is_control) {
                anyhow::bail!("the {what} holds a control character; this message cannot be sent");
            }
        }
        // Built apart, so that a panic in the builder is one message's failure
        // and never the delivering task's.
        let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(email)))
            .map_err(|_| anyhow::anyhow!("the e-mail could not be built"))??;
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message).await.context("sending by SMTP")?;
            }
            Mailer::Outbox(transport, dir) => {
                // The folder is its owner's only, and so is each message in it.
                crate::files::owner_only_dir(dir)
                    .with_context(|| format!("creating the outbox {}", dir.display()))?;
                let id = transport
                    .send(message)
                    .await
                    .context("writing to the outbox")?;
                crate::files::owner_only_if_there(&dir.join(format!("{id}.eml")))
                    .context("making the message its owner's only")?;
            }
        }
        Ok(())
    }
}

/// The message as lettre writes it.
fn build(email: &Email) -> anyhow::Result<Message> {
    // Built from parts, so any display name ("Lovelace, Ada") is quoted as it must be.
    let address: Address = email
        .to_address
        .parse()
        .with_context(|| format!("{:?} is not an address we can write to", email.to_address))?;
    let to = Mailbox::new(Some(email.to_name.clone()), address);
    let message = Message::builder()
        .from(FROM.parse().expect("the sender address parses"))
        .to(to)
        .subject(email.subject.clone());
    let built = match &email.calendar {
        None => message.body(email.body.clone()),
        Some(ics) => {
            use lettre::message::{header::ContentType, Attachment, MultiPart, SinglePart};
            let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .expect("a valid content type");
            message.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(email.body.clone()))
                    .singlepart(Attachment::new("invite.ics".into()).body(ics.clone(), kind)),
            )
        }
    };
    built.context("building an e-mail")
}
