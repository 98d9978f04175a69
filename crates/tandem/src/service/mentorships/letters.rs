//! The e-mails of a request's life: received (to the mentor), accepted or
//! declined (to the mentees, a declined one with the mentors who may suit them
//! next), expired (to both), and an agreement to sign.
use crate::email::{kinds, Email, Recipient};
use crate::error::AppResult;
use crate::service::matching::NextMentors;
use crate::service::notify;
use crate::service::relationship::FORMER_MEMBER;
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::entities::program;
use crate::store::records::MentorshipRecord;
use std::collections::HashMap;

/// How many mentors a declined or expired request's e-mail suggests.
pub const NEXT_MENTORS: usize = 3;

fn mentor_name(r: &MentorshipRecord) -> &str {
    r.mentor_name.as_deref().unwrap_or(FORMER_MEMBER)
}

/// "Ada Lovelace", or "Ada Lovelace and Grace Hopper": the mentees as one name.
fn mentee_names(r: &MentorshipRecord) -> String {
    let names: Vec<&str> = r
        .mentees
        .iter()
        .map(|s| s.name.as_deref().unwrap_or(FORMER_MEMBER))
        .collect();
    names.join(" and ")
}

/// The other participants of `r` as `to` reads them.
pub fn others_of(r: &MentorshipRecord, to: &str) -> String {
    let mut names = Vec::new();
    if r.m.mentor_id.as_deref() != Some(to) {
        names.push(mentor_name(r));
    }
    for s in &r.mentees {
        if s.mentee_id.as_deref() != Some(to) {
            names.push(s.name.as_deref().unwrap_or(FORMER_MEMBER));
        }
    }
    names.join(" and ")
}

fn page(state: &AppState, r: &MentorshipRecord) -> String {
    notify::link(state, &format!("/mentorships/{}", r.m.id))
}

/// To the mentor: a mentee asks.
pub async fn request_received(
    state: &AppState,
    db: &impl Connection,
    r: &MentorshipRecord,
) -> AppResult<Vec<Email>> {
    let Some(mentor) = r.m.mentor_id.as_deref() else {
        return Ok(Vec::new());
    };
    let Some(to) = notify::recipient(db, mentor).await? else {
        return Ok(Vec::new());
    };
    let expires =
        r.m.expires_at
            .map(|at| to.day(at.with_timezone(&to.zone).date_naive()))
            .unwrap_or_default();
    let letter = kinds::RequestReceived {
        to: &to.name,
        mentee: &mentee_names(r),
        program: &r.program_name,
        expires,
        link: &page(state, r),
    };
    Ok(vec![kinds::compose(
        &letter,
        &to,
        &state.config.base_url,
        None,
    )?])
}

/// To the mentor, once half of the request's time has passed.
pub fn request_reminder(
    state: &AppState,
    r: &MentorshipRecord,
    to: &Recipient,
) -> AppResult<Email> {
    let expires =
        r.m.expires_at
            .map(|at| to.day(at.with_timezone(&to.zone).date_naive()))
            .unwrap_or_default();
    let letter = kinds::RequestReminder {
        to: &to.name,
        mentee: &mentee_names(r),
        program: &r.program_name,
        expires,
        link: &page(state, r),
    };
    Ok(kinds::compose(&letter, to, &state.config.base_url, None)?)
}

/// To the mentees: their request was accepted.
pub async fn request_accepted(
    state: &AppState,
    db: &impl Connection,
    r: &MentorshipRecord,
    answer_id: &str,
) -> AppResult<Vec<Email>> {
    let link = notify::link(state, &format!("/mentorships/{answer_id}"));
    let mut out = Vec::new();
    for to in notify::recipients(db, &r.mentee_ids()).await?.values() {
        let letter = kinds::RequestAccepted {
            to: &to.name,
            mentor: mentor_name(r),
            program: &r.program_name,
            link: &link,
        };
        out.push(kinds::compose(&letter, to, &state.config.base_url, None)?);
    }
    Ok(out)
}

/// To the mentees: their request was declined; with the mentors who may suit them next.
pub async fn request_declined(
    state: &AppState,
    db: &impl Connection,
    r: &MentorshipRecord,
    program: &program::Model,
    away: bool,
) -> AppResult<Vec<Email>> {
    let mentees = r.mentee_ids();
    let mut next = NextMentors::default();
    let link = notify::link(state, &format!("/programs/{}/suggestions", program.id));
    let mut out = Vec::new();
    for (id, to) in notify::recipients(db, &mentees).await? {
        let suggestions = next
            .of(state, program, &id, NEXT_MENTORS)
            .await?
            .iter()
            .map(ToString::to_string)
            .collect();
        let letter = kinds::RequestDeclined {
            to: &to.name,
            mentor: mentor_name(r),
            program: &r.program_name,
            away,
            suggestions,
            link: &link,
        };
        out.push(kinds::compose(&letter, &to, &state.config.base_url, None)?);
    }
    Ok(out)
}

/// To both sides of a request that expired: the mentees with the mentors who may
/// suit them next, the mentor that its place is free again.
pub async fn request_expired(
    state: &AppState,
    r: &MentorshipRecord,
    program: &program::Model,
    people: &HashMap<String, Recipient>,
    next: &mut NextMentors,
) -> AppResult<Vec<Email>> {
    let link = notify::link(state, &format!("/programs/{}/suggestions", r.m.program_id));
    let mut out = Vec::new();
    for id in r.mentee_ids() {
        let Some(to) = people.get(id) else { continue };
        let letter = kinds::RequestExpiredToMentee {
            to: &to.name,
            mentor: mentor_name(r),
            program: &r.program_name,
            suggestions: next
                .of(state, program, id, NEXT_MENTORS)
                .await?
                .iter()
                .map(ToString::to_string)
                .collect(),
            link: &link,
        };
        out.push(kinds::compose(&letter, to, &state.config.base_url, None)?);
    }
    if let Some(to) = r.m.mentor_id.as_deref().and_then(|id| people.get(id)) {
        let letter = kinds::RequestExpiredToMentor {
            to: &to.name,
            mentee: &mentee_names(r),
            program: &r.program_name,
            link: &notify::link(state, "/dashboard"),
        };
        out.push(kinds::compose(&letter, to, &state.config.base_url, None)?);
    }
    Ok(out)
}

/// To both sides of a proposed pair: who, in which program, and where to answer.
pub async fn proposal(
    state: &AppState,
    db: &impl Connection,
    r: &MentorshipRecord,
) -> AppResult<Vec<Email>> {
    let link = page(state, r);
    let mut out = Vec::new();
    for to in notify::participants_but(db, r, None).await? {
        let id = to.user_id.as_deref().unwrap_or_default();
        let part = if r.m.mentor_id.as_deref() == Some(id) {
            "mentor"
        } else {
            "mentee"
        };
        let letter = kinds::Proposal {
            to: &to.name,
            other: &others_of(r, id),
            program: &r.program_name,
            part,
            link: &link,
        };
        out.push(kinds::compose(&letter, &to, &state.config.base_url, None)?);
    }
    Ok(out)
}

/// To the participants but `by`: the agreement `by` wrote waits for their signature.
pub async fn agreement_to_sign(
    state: &AppState,
    db: &impl Connection,
    r: &MentorshipRecord,
    by: &str,
    by_name: &str,
) -> AppResult<Vec<Email>> {
    let link = page(state, r);
    let mut out = Vec::new();
    for to in notify::participants_but(db, r, Some(by)).await? {
        let letter = kinds::AgreementToSign {
            to: &to.name,
            by: by_name,
            link: &link,
        };
        out.push(kinds::compose(&letter, &to, &state.config.base_url, None)?);
    }
    Ok(out)
}
