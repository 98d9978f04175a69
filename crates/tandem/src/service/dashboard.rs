//! The signed-in home and `GET /me/waiting`: every relationship of the caller, what
//! waits on them across all of them, and the next step in each, read in a fixed
//! number of statements however many relationships there are.
use super::accounts::Caller;
use super::calendar;
use super::matching::{NextMentor, NextMentors};
use super::meetings;
use super::mentorships::{self, MentorshipOut, NEXT_MENTORS};
use super::paging::Listing;
use super::people;
use super::programs::{self, EnrollmentOut};
use super::relationship::{self, Relationship};
use super::workspace::{pair_seen, zone_of, NextStepOut, WaitingOut};
use crate::domain::access::Part;
use crate::domain::waiting;
use crate::domain::wire::{MentorshipStatus as S, Role, WaitingKind};
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::entities::{action_item, agreement, agreement_signature, feedback, meeting};
use crate::store::{
    checkins as checkins_store, mentorships as relationships, programs as program_store, workspace,
};
use std::collections::HashMap;
use std::sync::Arc;

/// One of the caller's relationships with its next step.
pub struct Row {
    pub mentorship: MentorshipOut,
    /// The other person, or the other people, by name.
    pub other: String,
    /// The other person's id (the first of several mentees); None for a former member.
    pub other_id: Option<String>,
    pub next_step: Option<NextStepOut>,
}

/// What the dashboard shows.
pub struct DashboardOut {
    /// Relationships that are running or over, less those waiting on the caller.
    pub relationships: Vec<Row>,
    /// The caller's own requests for a mentor that wait for an answer.
    pub my_requests: Vec<Row>,
    /// Requests to the caller as a mentor that wait for their answer.
    pub requests_to_answer: Vec<Row>,
    /// Requests and proposals that came to nothing: declined, withdrawn, expired.
    pub history: Vec<Row>,
    pub waiting: Vec<WaitingOut>,
    /// Programs in which the caller is a mentee without a mentor, by (id, name).
    pub find_a_mentor_in: Vec<(String, String)>,
    /// Where a request of the caller's came to nothing and none is open: the
    /// mentors who may suit them next, at once.
    pub next_mentors: Vec<NextMentorsIn>,
    pub profile_is_empty: bool,
    /// Enrolled somewhere, or coordinating a program.
    pub has_a_program: bool,
    /// Enrolled as a mentor somewhere, or mentoring: office hours are for them.
    pub mentors: bool,
    pub calendar_url: String,
}

/// What the caller's relationships hold, read for all of them at once.
struct Batch {
    agreements: Vec<agreement::Model>,
    signatures: Vec<agreement_signature::Model>,
    meetings: Vec<meeting::Model>,
    items: Vec<action_item::Model>,
    /// The caller's own feedback: what decides which they still owe.
    my_feedback: Vec<feedback::Model>,
}

/// The caller's relationships, each with what waits on them and its next step.
async fn rows(state: &AppState, caller: &Caller) -> AppResult<(Vec<Row>, Vec<WaitingOut>)> {
    let db = state.store.read();
    let now = state.clock.now();
    let (tz, _) = zone_of(state, caller).await?;
    let all = mentorships::all_records(state, caller).await?;
    // The workspace's rows matter only while a relationship is active.
    let active: Vec<String> = all
        .iter()
        .filter(|r| relationship::status_of(r, now) == S::Active)
        .map(|r| r.m.id.clone())
        .collect();
    let (agreements, signatures) = relationships::agreements_of(db, &active).await?;
    let batch = Batch {
        agreements,
        signatures,
        meetings: workspace::meetings_of_many(db, &active).await?,
        items: workspace::action_items_of_many(db, &active).await?,
        my_feedback: workspace::feedback_by(db, caller.id(), &active).await?,
    };
    let mut rows = Vec::with_capacity(all.len());
    let mut waits = Vec::new();
    for record in all {
        // The caller's own relationships: they take part in each.
        let access = relationship::standing(caller, &record, &[]);
        let rel = Relationship {
            record: Arc::clone(&record),
            access,
        };
        let mentorship = mentorships::view(&record, access, caller.id(), now);
        let id = mentorship.id.as_str();
        let agreement = batch
            .agreements
            .iter()
            .find(|a| a.mentorship_id == id)
            .cloned()
            .map(|a| {
                let sigs: Vec<_> = batch
                    .signatures
                    .iter()
                    .filter(|s| s.mentorship_id == id)
                    .cloned()
                    .collect();
                mentorships::agreement_view(&record, a, &sigs)
            });
        let meetings: Vec<meeting::Model> = batch
            .meetings
            .iter()
            .filter(|m| m.mentorship_id == id)
            .cloned()
            .collect();
        let items: Vec<action_item::Model> = batch
            .items
            .iter()
            .filter(|i| i.mentorship_id == id)
            .cloned()
            .collect();
        let views =
            meetings::views_from(&rel, caller, meetings, &items, &batch.my_feedback, &[], now);
        let seen = pair_seen(
            &rel,
            caller,
            &mentorship,
            agreement.as_ref(),
            &views,
            &items,
        );
        let next_step = seen
            .as_ref()
            .and_then(|p| waiting::next_step(p, now, tz))
            .map(NextStepOut::from);
        if let Some(p) = &seen {
            waits.extend(waiting::waiting(p, now, tz));
        }
        let (other, other_id) = other_side(&mentorship, access.part(), caller.id());
        rows.push(Row {
            mentorship,
            other,
            other_id,
            next_step,
        });
    }
    waits.extend(checkins_and_surveys(state, caller, &rows).await?);
    waiting::soonest_first(&mut waits);
    Ok((rows, waits.into_iter().map(WaitingOut::from).collect()))
}

/// The caller's check-ins due and the end surveys they have not answered.
async fn checkins_and_surveys(
    state: &AppState,
    caller: &Caller,
    rows: &[Row],
) -> AppResult<Vec<waiting::Waiting>> {
    let db = state.store.read();
    let now = state.clock.now();
    let today = now.date_naive();
    let with = |id: &str| {
        rows.iter()
            .find(|r| r.mentorship.id == id)
            .map(|r| r.other.clone())
            .filter(|o| !o.is_empty())
            .unwrap_or_else(|| "your mentorship".into())
    };
    let mut out = Vec::new();
    for c in checkins_store::open_of(db, caller.person()).await? {
        if c.due_on > today {
            continue;
        }
        out.push(waiting::Waiting {
            kind: WaitingKind::CheckinDue,
            label: format!(
                "Check-in on your mentorship with {}",
                with(&c.mentorship_id)
            ),
            mentorship_id: c.mentorship_id,
            object_id: c.id,
            due_at: c.due_on.and_hms_opt(0, 0, 0).map(|d| d.and_utc()),
        });
    }
    let over: Vec<String> = rows
        .iter()
        .filter(|r| matches!(r.mentorship.status, S::Completed | S::Ended))
        .filter(|r| r.mentorship.my_role.is_some())
        // The survey is asked for while the close is fresh.
        .filter(|r| {
            r.mentorship
                .ended_at
                .is_some_and(|at| now - at <= chrono::Duration::days(90))
        })
        .map(|r| r.mentorship.id.clone())
        .collect();
    let answered = checkins_store::surveyed_among(db, caller.person(), &over).await?;
    for r in rows.iter().filter(|r| over.contains(&r.mentorship.id)) {
        if answered.contains(&r.mentorship.id) {
            continue;
        }
        out.push(waiting::Waiting {
            kind: WaitingKind::SurveyToGive,
            mentorship_id: r.mentorship.id.clone(),
            object_id: r.mentorship.id.clone(),
            due_at: r.mentorship.ended_at,
            label: format!("A short survey on your mentorship with {}", r.other),
        });
    }
    Ok(out)
}

/// Who the caller's relationship is with: the mentor for a mentee, the (other)
/// mentees for a mentor.
fn other_side(m: &MentorshipOut, part: Option<Part>, me: &str) -> (String, Option<String>) {
    match part {
        Some(Part::Mentor) => {
            let others: Vec<_> = m
                .mentees
                .iter()
                .filter(|x| x.id.as_deref() != Some(me))
                .collect();
            (
                others
                    .iter()
                    .map(|x| x.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                others.iter().find_map(|x| x.id.clone()),
            )
        }
        _ => (m.mentor.name.clone(), m.mentor.id.clone()),
    }
}

/// The mentors who may suit the caller next in one program.
#[derive(Debug)]
pub struct NextMentorsIn {
    pub program_id: String,
    pub program_name: String,
    pub mentors: Vec<NextMentor>,
}

/// What waits on the caller across their relationships, soonest first (SPEC §7).
pub async fn waiting(state: &AppState, caller: &Caller) -> AppResult<Listing<WaitingOut>> {
    let (_, waits) = rows(state, caller).await?;
    Ok(Listing::whole(waits))
}

/// The programs in which the caller is a mentee with no open request or
/// relationship as a mentee.
fn without_a_mentor<'a>(enrollments: &'a [EnrollmentOut], rows: &[Row]) -> Vec<&'a str> {
    enrollments
        .iter()
        .filter(|e| e.role == Role::Mentee)
        .filter(|e| {
            !rows.iter().any(|r| {
                r.mentorship.program_id == e.program_id
                    && r.mentorship.my_role == Some(Part::Mentee.role())
                    && S::OPEN.contains(&r.mentorship.status)
            })
        })
        .map(|e| e.program_id.as_str())
        .collect()
}

pub async fn dashboard(state: &AppState, caller: &Caller) -> AppResult<DashboardOut> {
    let (rows, waiting) = rows(state, caller).await?;
    // A request or proposal to answer shows under what waits, not twice.
    let waiting_on: Vec<&str> = waiting
        .iter()
        .filter(|w| {
            matches!(
                w.kind,
                WaitingKind::RequestToAnswer | WaitingKind::ProposalToAnswer
            )
        })
        .map(|w| w.mentorship_id.as_str())
        .collect();
    // An early end too: the mentee may be matched again (SPEC §2).
    let came_to_nothing = [S::Declined, S::Withdrawn, S::Expired, S::Ended];
    let enrollments = programs::my_enrollments(state, caller).await?;
    let coordinating = programs::coordinated_by(state, caller).await?;
    let profile = people::get_profile(state, caller).await?;
    let lacking: Vec<String> = without_a_mentor(&enrollments, &rows)
        .into_iter()
        .map(String::from)
        .collect();
    let names: HashMap<String, String> = program_store::names_of(state.store.read(), &lacking)
        .await?
        .into_iter()
        .collect();
    // Where a request came to nothing, the next mentors at once (one pool read
    // per such program).
    let mut next = NextMentors::default();
    let mut next_mentors = Vec::new();
    for id in &lacking {
        let came_to_nothing_here = rows.iter().any(|r| {
            r.mentorship.program_id == *id
                && r.mentorship.my_role == Some(Role::Mentee)
                && came_to_nothing.contains(&r.mentorship.status)
        });
        if !came_to_nothing_here {
            continue;
        }
        if let Some(program) = program_store::program_by_id(state.store.read(), id).await? {
            let mentors = next.of(state, &program, caller.id(), NEXT_MENTORS).await?;
            if !mentors.is_empty() {
                next_mentors.push(NextMentorsIn {
                    program_id: id.clone(),
                    program_name: program.name.clone(),
                    mentors,
                });
            }
        }
    }
    let find_a_mentor_in = lacking
        .into_iter()
        .map(|id| {
            let name = names.get(&id).cloned().unwrap_or_default();
            (id, name)
        })
        .collect();
    let calendar_url = calendar::url_of(state, caller);
    let mentors = enrollments.iter().any(|e| e.role == Role::Mentor)
        || rows
            .iter()
            .any(|r| r.mentorship.my_role == Some(Role::Mentor));
    let mut relationships = Vec::new();
    let mut my_requests = Vec::new();
    let mut requests_to_answer = Vec::new();
    let mut history = Vec::new();
    for row in rows {
        let m = &row.mentorship;
        if came_to_nothing.contains(&m.status) {
            history.push(row);
        } else if m.status == S::Requested {
            match m.my_role {
                Some(Role::Mentee) => my_requests.push(row),
                Some(Role::Mentor) => requests_to_answer.push(row),
                None => {}
            }
        } else if m.status != S::Merged && !waiting_on.contains(&m.id.as_str()) {
            relationships.push(row);
        }
    }
    Ok(DashboardOut {
        relationships,
        my_requests,
        requests_to_answer,
        history,
        waiting,
        find_a_mentor_in,
        next_mentors,
        profile_is_empty: profile.field.is_empty()
            && profile.headline.is_empty()
            && profile.skills.is_empty(),
        has_a_program: !enrollments.is_empty() || !coordinating.is_empty(),
        mentors,
        calendar_url,
    })
}
