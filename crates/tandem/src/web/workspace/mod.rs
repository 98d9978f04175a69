//! A relationship's page: what its participants share (the workspace) or, for
//! those who oversee it, its status and dates; and the forms of the workspace.
//! The page is built from one use case (`service::workspace::open`), which says
//! which of the two the caller gets and what they may do.
mod forms;
mod view;

pub use forms::*;

use crate::domain::wire::{Action, EndReason, MentorshipStatus, Origin};
use crate::domain::wording;
use crate::error::AppError;
use crate::service::mentorships::{AgreementIn, AgreementOut, MentorshipOut};
use crate::service::programs;
use crate::service::relationship::FORMER_MEMBER;
use crate::service::workspace::{self, Seen};
use crate::state::AppState;
use crate::web::{
    day, humanise, ok, optional_day, options, typed_number, Errors, Member, Opt, Page, WebError,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

/// A relationship as its page shows it.
pub struct MentorshipView {
    pub id: String,
    pub program_id: String,
    pub program_name: String,
    pub mentor: String,
    /// Empty once the mentor erased their account.
    pub mentor_id: String,
    pub mentees: String,
    /// (id, name) per mentee; the id is empty for a former member.
    pub mentee_links: Vec<(String, String)>,
    pub status: String,
    pub origin: String,
    pub created: String,
    pub started: String,
    pub ended: String,
    pub expires: String,
    pub end_reason: String,
    pub is_participant: bool,
    pub my_role: String,
    pub intro: String,
    pub reasons: String,
    pub ask: String,
    /// The request's three headings, written for whoever reads them.
    pub request_headings: [String; 3],
    pub decline_reason: String,
    pub end_note: String,
    /// The caller accepted a proposed match and waits for the others.
    pub awaiting_others: bool,
    /// A match proposed by a round or a coordinator, not yet accepted by everyone.
    pub is_proposed: bool,
    /// For a proposed match: who has accepted so far.
    pub acceptances: Vec<Acceptance>,
}

/// One participant's answer to a proposed match.
pub struct Acceptance {
    pub name: String,
    pub role: &'static str,
    pub accepted: bool,
    pub is_me: bool,
}

fn acceptances(m: &MentorshipOut, me: &str) -> Vec<Acceptance> {
    let mentor = Acceptance {
        name: m.mentor.name.clone(),
        role: "mentor",
        accepted: m.mentor_accepted,
        is_me: m.mentor.id.as_deref() == Some(me),
    };
    std::iter::once(mentor)
        .chain(m.mentees.iter().map(|x| Acceptance {
            name: x.name.clone(),
            role: "mentee",
            accepted: x.accepted,
            is_me: x.id.as_deref() == Some(me),
        }))
        .collect()
}

fn origin_label(origin: Origin) -> &'static str {
    match origin {
        Origin::Request => "Request from the mentee",
        Origin::Round => "Matching round",
        Origin::Coordinator => "Proposed by a coordinator",
    }
}

/// Which action forms to show: the state machine's `allowed_actions`.
#[derive(Default)]
pub struct Actions {
    pub accept: bool,
    pub decline: bool,
    pub withdraw: bool,
    pub pause: bool,
    pub resume: bool,
    pub complete: bool,
    pub end: bool,
}

impl Actions {
    fn any(&self) -> bool {
        self.accept
            || self.decline
            || self.withdraw
            || self.pause
            || self.resume
            || self.complete
            || self.end
    }
}

pub struct AgreementView {
    pub goals: String,
    pub cadence_days: i32,
    pub meeting_minutes: i32,
    pub channel: String,
    pub boundaries: String,
    pub confidentiality: String,
    pub updated: String,
    pub signed_by: Vec<String>,
    pub fully_signed: bool,
    pub i_signed: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgreementForm {
    pub goals: String,
    pub cadence_days: String,
    pub meeting_minutes: String,
    pub channel: String,
    pub boundaries: String,
    pub confidentiality: String,
    /// The version the form was filled from.
    pub version: String,
}

impl AgreementForm {
    fn from_agreement(a: &AgreementOut) -> AgreementForm {
        AgreementForm {
            goals: a.goals.clone(),
            cadence_days: a.cadence_days.to_string(),
            meeting_minutes: a.meeting_minutes.to_string(),
            channel: a.channel.clone(),
            boundaries: a.boundaries.clone(),
            confidentiality: a.confidentiality.clone(),
            version: a.version.to_string(),
        }
    }

    /// The agreement as typed; the use case checks it once it has decided who may.
    pub fn to_input(&self) -> AgreementIn {
        AgreementIn {
            goals: self.goals.clone(),
            cadence_days: typed_number(&self.cadence_days),
            meeting_minutes: typed_number(&self.meeting_minutes),
            channel: self.channel.clone(),
            boundaries: self.boundaries.clone(),
            confidentiality: self.confidentiality.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "mentorship.html")]
pub struct MentorshipPage {
    pub page: Page,
    m: MentorshipView,
    actions: Actions,
    has_actions: bool,
    end_reasons: Vec<Opt>,
    agreement: Option<AgreementView>,
    /// Active or paused: the agreement may be written and signed.
    agreement_open: bool,
    form: AgreementForm,
    errors: Errors,
    /// The pair's workspace; None for those who oversee.
    ws: Option<view::WorkspaceView>,
    /// A change refused because the other person saved first: both texts.
    pub conflict: Option<ConflictView>,
    /// A participant's close: a reflection still to write, the survey still to answer.
    closing: Option<Closing>,
    /// Which part of the workspace the page shows: overview, meetings, goals,
    /// messages, notes, or one meeting.
    section: &'static str,
    /// The workspace's sections, for its participants.
    tabs: Vec<Tab>,
    /// The one meeting a meeting's page shows.
    focus: Option<view::MeetingRow>,
    /// No meeting carries a shared or private note the caller may read.
    notes_empty: bool,
}

/// One section of the workspace in its navigation.
pub struct Tab {
    pub key: &'static str,
    pub label: &'static str,
    pub href: String,
    pub current: bool,
    /// How many there are, where a count helps ("3"); empty otherwise.
    pub count: String,
}

/// The workspace's sections, each a page of its own, reachable without JavaScript.
pub const SECTIONS: [(&str, &str); 5] = [
    ("overview", "Overview"),
    ("meetings", "Meetings"),
    ("goals", "Goals"),
    ("messages", "Messages"),
    ("notes", "Notes"),
];

impl MentorshipPage {
    /// The page shows `section` of the workspace; false when the caller has no
    /// workspace here (someone who oversees sees the overview only).
    fn show(&mut self, section: &'static str, title: &str) -> bool {
        let Some(ws) = &self.ws else {
            return section == "overview";
        };
        self.section = section;
        let count = |n: usize| if n == 0 { String::new() } else { n.to_string() };
        let counts = [
            String::new(),
            count(ws.upcoming.len()),
            count(ws.goals.iter().filter(|g| g.is_open).count()),
            count(ws.messages.len()),
            String::new(),
        ];
        let id = &self.m.id;
        self.tabs = SECTIONS
            .iter()
            .zip(counts)
            .map(|(&(key, label), count)| Tab {
                key,
                label,
                href: if key == "overview" {
                    format!("/mentorships/{id}")
                } else {
                    format!("/mentorships/{id}/{key}")
                },
                current: key == section || (section == "meeting" && key == "meetings"),
                count,
            })
            .collect();
        if section != "overview" {
            self.page.title = format!("{title} · {}", self.page.title);
        }
        true
    }

    /// The page shows one of the workspace's meetings; false when it is not among them.
    fn show_meeting(&mut self, meeting_id: &str) -> bool {
        if !self.show("meeting", "Meeting") {
            return false;
        }
        let Some(ws) = &mut self.ws else { return false };
        let at = |rows: &[view::MeetingRow]| rows.iter().position(|r| r.id == meeting_id);
        self.focus = if let Some(k) = at(&ws.upcoming) {
            Some(ws.upcoming.remove(k))
        } else {
            at(&ws.past).map(|k| ws.past.remove(k))
        };
        self.focus.is_some()
    }
}

/// What a participant is asked once a relationship is over.
pub struct Closing {
    pub reflection_open: bool,
    pub survey_open: bool,
    pub reflections: Vec<(String, String)>,
}

/// A shared text someone else saved while the caller was writing theirs: both
/// versions side by side, and a form that saves the caller's on top of theirs.
pub struct ConflictView {
    pub heading: String,
    pub theirs: String,
    pub yours: String,
    /// Where the form posts, and the name of its text field.
    pub action: String,
    pub field: String,
    /// The version theirs is at; saving yours with it replaces theirs.
    pub version: String,
    pub mentorship_id: String,
}

fn name_for(m: &MentorshipOut, user_id: &str) -> String {
    if m.mentor.id.as_deref() == Some(user_id) {
        return m.mentor.name.clone();
    }
    m.mentees
        .iter()
        .find(|x| x.id.as_deref() == Some(user_id))
        .map(|x| x.name.clone())
        .unwrap_or_else(|| FORMER_MEMBER.into())
}

/// The relationship's page for the caller; `form` and `errors` refill the agreement
/// form after a failed save.
pub async fn page_for(
    state: &AppState,
    me: &Member,
    id: &str,
    form: Option<AgreementForm>,
    errors: Errors,
) -> Result<MentorshipPage, WebError> {
    let seen = workspace::open(state, &me.caller, id)
        .await
        .map_err(me.fail())?;
    let (m, ws) = match seen {
        Seen::Oversight(m) => (*m, None),
        Seen::Workspace(ws) => {
            let ws = *ws;
            (ws.mentorship.clone(), Some(ws))
        }
    };
    let is_participant = ws.is_some();
    let agreement = ws.as_ref().and_then(|w| w.agreement.clone());
    let agreement_open = ws.as_ref().is_some_and(|w| w.can.add_content);
    let awaiting_others = m.status == MentorshipStatus::Proposed && m.accepted_by(me.id());
    let allowed = |a: Action| m.allowed_actions.contains(&a);
    let actions = Actions {
        accept: allowed(Action::Accept) && !awaiting_others,
        decline: allowed(Action::Decline),
        withdraw: allowed(Action::Withdraw),
        pause: allowed(Action::Pause),
        resume: allowed(Action::Resume),
        complete: allowed(Action::Complete),
        end: allowed(Action::End),
    };
    let form = match (form, &agreement) {
        (Some(f), _) => f,
        (None, Some(a)) => AgreementForm::from_agreement(a),
        (None, None) if agreement_open => {
            let program = programs::get(state, &me.caller, &m.program_id)
                .await
                .map_err(me.fail())?;
            AgreementForm {
                cadence_days: program.cadence_days.to_string(),
                meeting_minutes: "60".into(),
                confidentiality:
                    "What we discuss stays between us unless we both agree to share it.".into(),
                ..AgreementForm::default()
            }
        }
        (None, None) => AgreementForm::default(),
    };
    let agreement = agreement.map(|a| AgreementView {
        signed_by: a.signed_by.iter().map(|uid| name_for(&m, uid)).collect(),
        i_signed: a.signed_by.iter().any(|uid| uid == me.id()),
        fully_signed: a.fully_signed,
        updated: day(a.updated_at),
        goals: a.goals,
        cadence_days: a.cadence_days,
        meeting_minutes: a.meeting_minutes,
        channel: a.channel,
        boundaries: a.boundaries,
        confidentiality: a.confidentiality,
    });
    let now = state.clock.now();
    let ws = ws.map(|w| view::workspace_view(&w, me.id(), now));
    let title = format!("{} & {}", m.mentor.name, m.mentee_names());
    let view = MentorshipView {
        id: m.id.clone(),
        program_id: m.program_id.clone(),
        program_name: m.program_name.clone(),
        mentor: m.mentor.name.clone(),
        mentor_id: m.mentor.id.clone().unwrap_or_default(),
        mentees: m.mentee_names(),
        mentee_links: m
            .mentees
            .iter()
            .map(|x| (x.id.clone().unwrap_or_default(), x.name.clone()))
            .collect(),
        status: m.status.as_str().into(),
        origin: origin_label(m.origin).to_string(),
        created: day(m.created_at),
        started: optional_day(m.started_at),
        ended: optional_day(m.ended_at),
        expires: if m.status == MentorshipStatus::Requested {
            optional_day(m.expires_at)
        } else {
            String::new()
        },
        end_reason: m
            .end_reason
            .map(|r| humanise(r.as_str()))
            .unwrap_or_default(),
        is_participant,
        my_role: m
            .my_role
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        intro: m.intro.clone().unwrap_or_default(),
        reasons: m.reasons.clone().unwrap_or_default(),
        ask: m.ask.clone().unwrap_or_default(),
        request_headings: wording::request_headings(
            wording::Reader::of_role(m.my_role),
            &m.mentee_names(),
            &m.mentor.name,
        ),
        decline_reason: m.decline_reason.clone().unwrap_or_default(),
        end_note: m.end_note.clone().unwrap_or_default(),
        awaiting_others,
        is_proposed: m.status == MentorshipStatus::Proposed,
        acceptances: acceptances(&m, me.id()),
    };
    let over = matches!(
        m.status,
        MentorshipStatus::Completed | MentorshipStatus::Ended
    );
    let closing = if is_participant && over {
        let reflections = if m.status == MentorshipStatus::Completed {
            crate::service::mentorships::reflections(state, &me.caller, id)
                .await
                .map_err(me.fail())?
        } else {
            Vec::new()
        };
        let surveyed = crate::service::checkins::surveyed(state, &me.caller, id)
            .await
            .map_err(me.fail())?;
        Some(Closing {
            reflection_open: m.status == MentorshipStatus::Completed
                && !reflections.iter().any(|r| r.author_id == me.id()),
            survey_open: !surveyed,
            reflections: reflections
                .into_iter()
                .map(|r| (name_for(&m, &r.author_id), r.text))
                .collect(),
        })
    } else {
        None
    };
    Ok(MentorshipPage {
        closing,
        page: me.page(title, "dashboard"),
        m: view,
        has_actions: actions.any(),
        actions,
        end_reasons: options(EndReason::CHOSEN.iter().map(|r| r.as_str()), ""),
        agreement,
        agreement_open,
        form,
        errors,
        notes_empty: ws.as_ref().is_none_or(|w| {
            w.upcoming
                .iter()
                .chain(w.past.iter())
                .all(|mt| mt.shared_notes.is_empty() && mt.private_note.is_empty())
        }),
        ws,
        conflict: None,
        section: "overview",
        tabs: Vec::new(),
        focus: None,
    })
    .map(|mut p| {
        p.show("overview", "Overview");
        p
    })
}

pub async fn detail(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    Ok(ok(
        &page_for(&state, &me, &id, None, Errors::default()).await?
    ))
}

/// One section of the workspace (meetings, goals, messages, notes), for its
/// participants; 404 for anyone else, as for any object they may not see.
pub async fn section(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    uri: axum::http::Uri,
) -> Result<Response, WebError> {
    let section = uri.path().rsplit('/').next().unwrap_or_default();
    let Some(&(key, label)) = SECTIONS
        .iter()
        .find(|(key, _)| *key == section && *key != "overview")
    else {
        return Err(me.fail()(AppError::NotFound("page")));
    };
    let mut page = page_for(&state, &me, &id, None, Errors::default()).await?;
    if !page.show(key, label) {
        // Those who oversee know the pair exists; what it shares is not theirs.
        return Err(me.fail()(AppError::forbidden(
            "what a pair shares stays between its members",
        )));
    }
    Ok(ok(&page))
}

/// One meeting's page: prepare it (agenda, place, time), note it, rate it.
pub async fn meeting(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    meeting_page(&state, &me, &id).await.map(|p| ok(&p))
}

/// The page of meeting `id`, as its participant `me` sees it.
pub async fn meeting_page(
    state: &AppState,
    me: &Member,
    id: &str,
) -> Result<MentorshipPage, WebError> {
    // Who may see the meeting is decided by the meeting's own use case first.
    let meeting = crate::service::meetings::get(state, &me.caller, id)
        .await
        .map_err(me.fail())?;
    let mut page = page_for(state, me, &meeting.mentorship_id, None, Errors::default()).await?;
    if !page.show_meeting(id) {
        return Err(me.fail()(AppError::NotFound("meeting")));
    }
    Ok(page)
}
