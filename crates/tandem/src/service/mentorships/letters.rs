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

/// To the participants but `by` when a relationship closes: completed (their
/// reflection, the survey, and for a mentee an invitation to mentor in the
/// program) or ended early (its no-fault reason, the survey, and for a mentee
/// the mentors who may suit them next).
pub async fn closed(
    state: &AppState,
    db: &impl Connection,
    r: &MentorshipRecord,
    program: &program::Model,
    by: &str,
) -> AppResult<Vec<Email>> {
    use crate::domain::wire::MentorshipStatus as S;
    let by_name = if r.m.mentor_id.as_deref() == Some(by) {
        mentor_name(r).to_string()
    } else {
        r.mentees
            .iter()
            .find(|s| s.mentee_id.as_deref() == Some(by))
            .and_then(|s| s.name.clone())
            .unwrap_or_else(|| FORMER_MEMBER.to_string())
    };
    let others: Vec<&str> =
        r.m.mentor_id
            .as_deref()
            .into_iter()
            .chain(r.mentee_ids())
            .filter(|id| *id != by)
            .collect();
    let link = format!("{}#closing", page(state, r));
    let mentor_link = notify::link(
        state,
        &format!("/programs/{}#enroll-mentor-form", program.id),
    );
    let more = notify::link(state, &format!("/programs/{}/suggestions", program.id));
    let mut next = NextMentors::default();
    let mut out = Vec::new();
    for (id, to) in notify::recipients(db, &others).await? {
        let is_mentee = r.mentee_ids().contains(&id.as_str());
        let email = match r.m.status {
            S::Completed => kinds::compose(
                &kinds::Completed {
                    to: &to.name,
                    by: &by_name,
                    other: &others_of(r, &id),
                    program: &r.program_name,
                    reflect: true,
                    link: &link,
                    mentor_link: is_mentee.then_some(mentor_link.as_str()),
                },
                &to,
                &state.config.base_url,
                None,
            )?,
            S::Ended => {
                let suggestions: Vec<String> = if is_mentee {
                    next.of(state, program, &id, NEXT_MENTORS)
                        .await?
                        .iter()
                        .map(ToString::to_string)
                        .collect()
                } else {
                    Vec::new()
                };
                let reason =
                    r.m.end_reason
                        .map(|e| e.as_str().replace('_', " "))
                        .unwrap_or_else(|| "not given".into());
                kinds::compose(
                    &kinds::Ended {
                        to: &to.name,
                        by: &by_name,
                        program: &r.program_name,
                        reason: &reason,
                        link: &link,
                        suggestions,
                        suggestions_link: is_mentee.then_some(more.as_str()),
                    },
                    &to,
                    &state.config.base_url,
                    None,
                )?
            }
            _ => continue,
        };
        out.push(email);
    }
    Ok(out)
}
