//! Who is in a program: the enrolment list its coordinators read, and the mentor
//! directory its members search.
use super::*;
use crate::domain::paging::PageRequest;
use crate::domain::wire::{Role, Seniority};
use crate::error::AppError;
use crate::service::programs::{self, MentorSearch, ProgramOut};
use crate::service::{mentorships, people};
use crate::state::AppState;
use crate::web::{day, ok, optional_day, options, Member, Opt, Page, WebError};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

pub struct EnrollmentRow {
    pub person_id: String,
    pub name: String,
    pub role: String,
    pub capacity: String,
    pub wants_skills: String,
    pub enrolled_on: String,
}

pub struct RelationshipRow {
    pub id: String,
    pub mentor: String,
    pub mentees: String,
    pub status: String,
    pub created: String,
    pub started: String,
    pub ended: String,
}

#[derive(Template)]
#[template(path = "enrollments.html")]
pub(super) struct EnrollmentsPage {
    pub(super) page: Page,
    pub(super) program: ProgramOut,
    pub(super) enrollments: Vec<EnrollmentRow>,
    pub(super) relationships: Vec<RelationshipRow>,
    pub(super) mentor_opts: Vec<Opt>,
    pub(super) mentee_opts: Vec<Opt>,
    pub(super) next_href: Option<String>,
    pub(super) pairs_next_href: Option<String>,
}

pub async fn enrollments(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, WebError> {
    let bad_cursor = |e| me.fail()(AppError::from(e));
    let page = PageRequest::new(Some(200), Some(&q.cursor)).map_err(bad_cursor)?;
    let pairs_page = PageRequest::new(Some(200), Some(&q.pairs_cursor)).map_err(bad_cursor)?;
    let program = programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let listing = programs::enrollments(&state, &me.caller, &id, &page)
        .await
        .map_err(me.fail())?;
    let rows = listing.items;
    let pairs_listing = mentorships::of_program(&state, &me.caller, &id, &pairs_page)
        .await
        .map_err(me.fail())?;
    let pairs = pairs_listing.items;
    let path = format!("/programs/{id}/enrollments");
    let next = next_href(&path, &[], listing.next_cursor);
    let pairs_next = pairs_listing.next_cursor.map(|c| {
        let query = serde_urlencoded::to_string([("pairs_cursor", c.as_str())]).unwrap_or_default();
        format!("{path}?{query}")
    });
    let people_as = |role: Role| -> Vec<Opt> {
        let mut opts: Vec<Opt> = rows
            .iter()
            .filter(|e| e.role == role)
            .map(|e| Opt {
                value: e.person.id.clone(),
                label: e.person.name.clone(),
                selected: false,
            })
            .collect();
        opts.sort_by_key(|o| o.label.to_lowercase());
        opts
    };
    let (mentor_opts, mentee_opts) = (people_as(Role::Mentor), people_as(Role::Mentee));
    let enrollments = rows
        .into_iter()
        .map(|e| EnrollmentRow {
            person_id: e.person.id.clone(),
            name: e.person.name,
            role: e.role.as_str().into(),
            capacity: match e.role {
                Role::Mentor => e.capacity.unwrap_or(program.mentor_capacity).to_string(),
                Role::Mentee => String::new(),
            },
            wants_skills: e.wants_skills.join(", "),
            enrolled_on: day(e.created_at),
        })
        .collect();
    let relationships = pairs
        .into_iter()
        .map(|m| RelationshipRow {
            mentees: m.mentee_names(),
            id: m.id,
            mentor: m.mentor.name,
            status: m.status.as_str().into(),
            created: day(m.created_at),
            started: optional_day(m.started_at),
            ended: optional_day(m.ended_at),
        })
        .collect();
    Ok(ok(&EnrollmentsPage {
        page: me.page(format!("Enrolments · {}", program.name), "programs"),
        program,
        enrollments,
        relationships,
        mentor_opts,
        mentee_opts,
        next_href: next,
        pairs_next_href: pairs_next,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    skill: String,
    field: String,
    language: String,
    seniority: String,
    /// `true` when "Only mentors with room" is ticked.
    has_room: String,
    cursor: String,
}

impl SearchQuery {
    /// The filters as a query string's pairs (the cursor left out).
    fn pairs(&self) -> [(&'static str, &str); 6] {
        [
            ("q", &self.q),
            ("skill", &self.skill),
            ("field", &self.field),
            ("language", &self.language),
            ("seniority", &self.seniority),
            ("has_room", &self.has_room),
        ]
    }
}

pub struct MentorView {
    pub id: String,
    pub name: String,
    pub headline: String,
    pub field: String,
    pub known_for: String,
    pub skills: Vec<String>,
    pub open_slots: i64,
    pub capacity: i64,
    pub is_me: bool,
    pub shortlisted: bool,
    /// Whether the viewer may ask them now (`where_to_ask`).
    pub may_ask: bool,
}

#[derive(Template)]
#[template(path = "mentors.html")]
pub(super) struct MentorsPage {
    pub(super) page: Page,
    pub(super) program: ProgramView,
    pub(super) query: SearchQuery,
    pub(super) seniorities: Vec<Opt>,
    pub(super) mentors: Vec<MentorView>,
    pub(super) back: String,
    pub(super) next_href: Option<String>,
}

pub async fn mentors(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let page =
        PageRequest::new(None, Some(&query.cursor)).map_err(|e| me.fail()(AppError::from(e)))?;
    let program = programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let search = MentorSearch {
        q: Some(query.q.clone()),
        skill: Some(query.skill.clone()),
        field: Some(query.field.clone()),
        language: Some(query.language.clone()),
        seniority: Some(query.seniority.clone()),
        has_room: Some(query.has_room.clone()),
    };
    let listing = programs::search_mentors(&state, &me.caller, &id, &search, &page)
        .await
        .map_err(me.fail())?;
    let found = listing.items;
    let shown: Vec<String> = found.iter().map(|c| c.id.clone()).collect();
    let ask = mentorships::where_to_ask(&state, &me.caller, &shown, Some(&id))
        .await
        .map_err(me.fail())?;
    let shortlist = people::shortlist(&state, &me.caller, &PageRequest::all())
        .await
        .map_err(me.fail())?
        .items;
    let roles = my_roles_by_program(&state, &me).await?;
    let coordinating = programs::coordinators(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?
        .iter()
        .any(|c| c.id == me.id());
    let next = next_href(
        &format!("/programs/{id}/mentors"),
        &query.pairs(),
        listing.next_cursor,
    );
    let mentors = found
        .into_iter()
        .map(|c| MentorView {
            is_me: c.id == me.id(),
            may_ask: ask.contains_key(&c.id),
            shortlisted: shortlist.iter().any(|s| s.person_id == c.id),
            id: c.id,
            name: c.name,
            headline: c.headline,
            field: c.field,
            known_for: c.known_for,
            skills: c.skills,
            open_slots: c.open_slots,
            capacity: c.capacity,
        })
        .collect();
    let back = serde_urlencoded::to_string(query.pairs())
        .map(|qs| format!("/programs/{id}/mentors?{qs}"))
        .unwrap_or_else(|_| format!("/programs/{id}/mentors"));
    let view = ProgramView::new(
        &program,
        roles.get(&id).map(Vec::as_slice).unwrap_or(&[]),
        coordinating,
    );
    Ok(ok(&MentorsPage {
        page: me.page(format!("Mentors · {}", program.name), "programs"),
        program: view,
        seniorities: options(Seniority::ALL.iter().map(|s| s.as_str()), &query.seniority),
        query,
        mentors,
        back,
        next_href: next,
    }))
}
