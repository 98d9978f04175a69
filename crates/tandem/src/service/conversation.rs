//! What a pair says to each other: thank-you notes (kudos), the message thread,
//! and the mentor's introductions of the mentee to a contact (e-mailed to both).
use super::accounts::Caller;
use super::mentorships::Member;
use super::notify;
use super::paging::Listing;
use super::relationship::{self, name_in, Relationship};
use crate::domain::access::{Kind, ObjectFacts};
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::values::{line, text, Email as Address, Problems};
use crate::domain::workspace::ensure_running;
use crate::email::{kinds, Recipient};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::entities::{introduction, kudos, message};
use crate::store::records::MentorshipRecord;
use crate::store::workspace as store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const KUDOS_MAX: usize = 2000;
pub const MESSAGE_MAX: usize = 10_000;
pub const NOTE_MAX: usize = 2000;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct KudosIn {
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KudosOut {
    pub id: String,
    pub mentorship_id: String,
    pub author: Member,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct MessageIn {
    #[schema(min_length = 1, max_length = 10000)]
    pub body: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageOut {
    pub id: String,
    pub mentorship_id: String,
    pub author: Member,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct IntroductionIn {
    #[schema(required = true, min_length = 1, max_length = 200)]
    pub contact_name: String,
    #[schema(required = true, format = Email, max_length = 254)]
    pub contact_email: String,
    /// Why the two should meet; the contact reads it too.
    #[schema(max_length = 2000)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntroductionOut {
    pub id: String,
    pub mentorship_id: String,
    pub author: Member,
    pub contact_name: String,
    pub contact_email: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

fn member(r: &MentorshipRecord, id: &str) -> Member {
    Member {
        id: Some(id.to_string()),
        name: name_in(r, Some(id)),
    }
}

pub fn kudos_view(r: &MentorshipRecord, k: &kudos::Model) -> KudosOut {
    KudosOut {
        id: k.id.clone(),
        mentorship_id: k.mentorship_id.clone(),
        author: member(r, &k.author_id),
        message: k.message.to_string(),
        created_at: k.created_at,
    }
}

pub fn message_view(r: &MentorshipRecord, m: &message::Model) -> MessageOut {
    MessageOut {
        id: m.id.clone(),
        mentorship_id: m.mentorship_id.clone(),
        author: member(r, &m.author_id),
        body: m.body.to_string(),
        created_at: m.created_at,
    }
}

pub fn introduction_view(r: &MentorshipRecord, i: &introduction::Model) -> IntroductionOut {
    IntroductionOut {
        id: i.id.clone(),
        mentorship_id: i.mentorship_id.clone(),
        author: member(r, &i.author_id),
        contact_name: i.contact_name.clone(),
        contact_email: i.contact_email.clone(),
        note: i.note.to_string(),
        created_at: i.created_at,
    }
}

/// The participants but the caller who still have an account, by (name, address).
fn link(state: &AppState, r: &MentorshipRecord) -> String {
    notify::link(state, &format!("/mentorships/{}", r.m.id))
}

fn time_cursor<T>(at: impl Fn(&T) -> (DateTime<Utc>, &str)) -> impl Fn(&T) -> Cursor {
    move |x| {
        let (t, id) = at(x);
        Cursor::of_time_and_id(t, id)
    }
}

pub async fn give_kudos(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    input: &KudosIn,
) -> AppResult<KudosOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, mentorship_id, Kind::Kudos).await?;
    let body = text(&input.message, KUDOS_MAX, true).map_err(|e| AppError::field("message", e))?;
    let r = &rel.record;
    ensure_running(rel.status(now), "kudos")?;
    let said = store::Said {
        mentorship_id,
        by: caller.id(),
        text: body,
        at: now,
    };
    let k = store::insert_kudos(&tx, said).await?;
    let url = link(state, r);
    let mut emails = Vec::new();
    for to in notify::participants_but(&tx, r, Some(caller.id())).await? {
        let kudos = kinds::Kudos {
            to: &to.name,
            from: caller.name(),
            message: &k.message,
            link: &url,
        };
        emails.push(kinds::compose(&kudos, &to, &state.config.base_url, None)?);
    }
    let out = kudos_view(r, &k);
    super::outbox::commit_and_deliver(state, tx, emails, now).await?;
    Ok(out)
}

/// Kudos, newest first.
pub async fn kudos(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    page: &PageRequest,
) -> AppResult<Listing<KudosOut>> {
    let (rel, _) = relationship::read_part(state, caller, mentorship_id, Kind::Kudos).await?;
    let r = &rel.record;
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let rows = store::kudos_page(
        state.store.read(),
        mentorship_id,
        rel.since(),
        after,
        page.fetch(),
    )
    .await?;
    let (rows, next_cursor) = page.finish(
        rows,
        time_cursor(|k: &kudos::Model| (k.created_at, k.id.as_str())),
    );
    Ok(Listing {
        items: rows.iter().map(|k| kudos_view(r, k)).collect(),
        next_cursor,
    })
}

pub async fn post_message(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    input: &MessageIn,
) -> AppResult<MessageOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let (rel, _) = relationship::lock_part(&tx, caller, mentorship_id, Kind::Message).await?;
    let body = text(&input.body, MESSAGE_MAX, true).map_err(|e| AppError::field("body", e))?;
    ensure_running(rel.status(now), "messages")?;
    let said = store::Said {
        mentorship_id,
        by: caller.id(),
        text: body,
        at: now,
    };
    let m = store::insert_message(&tx, said).await?;
    tx.commit().await?;
    Ok(message_view(&rel.record, &m))
}

/// The thread, oldest first.
pub async fn messages(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    page: &PageRequest,
) -> AppResult<Listing<MessageOut>> {
    let (rel, _) = relationship::read_part(state, caller, mentorship_id, Kind::Message).await?;
    let r = &rel.record;
    let after = page.after.as_ref().map(Cursor::time_and_id).transpose()?;
    let rows = store::messages_page(
        state.store.read(),
        mentorship_id,
        rel.since(),
        after,
        page.fetch(),
    )
    .await?;
    let (rows, next_cursor) = page.finish(
        rows,
        time_cursor(|m: &message::Model| (m.created_at, m.id.as_str())),
    );
    Ok(Listing {
        items: rows.iter().map(|m| message_view(r, m)).collect(),
        next_cursor,
    })
}

/// The mentor introduces the mentee(s) to a contact: an e-mail to each mentee and
/// one to the contact, each saying who introduces whom and why.
pub async fn introduce(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
    input: &IntroductionIn,
) -> AppResult<IntroductionOut> {
    let now = state.clock.now();
    let tx = state.store.write().await?;
    let rel = relationship::lock(&tx, caller, mentorship_id).await?;
    rel.access.may_introduce()?;
    let mut p = Problems::default();
    // The contact's name goes into the To: header of their e-mail.
    let name = p.take("contact_name", line(&input.contact_name, 200, true));
    let email = p.take("contact_email", Address::parse(&input.contact_email));
    let note = p.take("note", text(&input.note, NOTE_MAX, false));
    p.finish()?;
    let (Some(name), Some(email), Some(note)) = (name, email, note) else {
        unreachable!("finish() refused every missing value");
    };
    let r = &rel.record;
    ensure_running(rel.status(now), "introductions")?;
    let new = store::NewIntroduction {
        mentorship_id,
        by: caller.id(),
        contact_name: name.clone(),
        contact_email: email.as_str().to_string(),
        note: note.clone(),
        at: now,
    };
    let i = store::insert_introduction(&tx, new).await?;
    let mut emails = Vec::new();
    let mut mentee_names = Vec::new();
    for to in notify::participants_but(&tx, r, Some(caller.id())).await? {
        let letter = kinds::IntroductionToMentee {
            to: &to.name,
            mentor: caller.name(),
            contact: &name,
            contact_address: email.as_str(),
            note: &note,
        };
        emails.push(kinds::compose(&letter, &to, &state.config.base_url, None)?);
        mentee_names.push(to.name);
    }
    let mentees = mentee_names.join(" and ");
    let letter = kinds::IntroductionToContact {
        to: &name,
        mentor: caller.name(),
        mentees: &mentees,
        note: &note,
    };
    let contact = Recipient::contact(&name, email.as_str());
    emails.push(kinds::compose(
        &letter,
        &contact,
        &state.config.base_url,
        None,
    )?);
    let out = introduction_view(r, &i);
    super::outbox::commit_and_deliver(state, tx, emails, now).await?;
    Ok(out)
}

/// Introductions made in the relationship, newest first (participants).
pub async fn introductions(
    state: &AppState,
    caller: &Caller,
    mentorship_id: &str,
) -> AppResult<Vec<IntroductionOut>> {
    let (rel, _) =
        relationship::read_part(state, caller, mentorship_id, Kind::Introduction).await?;
    let rows = store::introductions_of(state.store.read(), mentorship_id).await?;
    Ok(visible_introductions(&rel, caller, &rows))
}

/// The introductions the caller reads: those made since they joined.
pub fn visible_introductions(
    rel: &Relationship,
    caller: &Caller,
    rows: &[introduction::Model],
) -> Vec<IntroductionOut> {
    rows.iter()
        .filter(|i| {
            let facts = ObjectFacts {
                author: None,
                written_at: i.created_at,
            };
            rel.sees(caller, Kind::Introduction, &facts)
        })
        .map(|i| introduction_view(&rel.record, i))
        .collect()
}
