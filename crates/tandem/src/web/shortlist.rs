//! The personal shortlist of candidate mentors.
use super::{back_with_error, done, ok, safe_next, CsrfForm, Member, Page, WebError};
use crate::domain::paging::PageRequest;
use crate::service::mentorships::{self, AskIn};
use crate::service::people::{self, ShortlistIn, ShortlistItem};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "shortlist.html")]
struct ShortlistPage {
    page: Page,
    items: Vec<ShortlistRow>,
}

/// A shortlisted person, and where the viewer may ask them for mentorship.
struct ShortlistRow {
    person_id: String,
    name: String,
    field: String,
    known_for: String,
    connection: String,
    ask: Vec<AskIn>,
}

pub async fn shortlist_page(
    State(state): State<AppState>,
    me: Member,
) -> Result<Response, WebError> {
    let items = people::shortlist(&state, &me.caller, &PageRequest::all())
        .await
        .map_err(me.fail())?
        .items;
    let people: Vec<String> = items.iter().map(|i| i.person_id.clone()).collect();
    let mut ask = mentorships::where_to_ask(&state, &me.caller, &people, None)
        .await
        .map_err(me.fail())?;
    let items = items
        .into_iter()
        .map(|i: ShortlistItem| ShortlistRow {
            ask: ask.remove(&i.person_id).unwrap_or_default(),
            person_id: i.person_id,
            name: i.name,
            field: i.field,
            known_for: i.known_for,
            connection: i.connection,
        })
        .collect();
    Ok(ok(&ShortlistPage {
        page: me.page("Your shortlist", "shortlist"),
        items,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddForm {
    person_id: String,
    connection: String,
    back: String,
}

pub async fn add(
    State(state): State<AppState>,
    me: Member,
    CsrfForm(form): CsrfForm<AddForm>,
) -> Result<Response, WebError> {
    let back = safe_next(&form.back).unwrap_or("/shortlist").to_string();
    let input = ShortlistIn {
        person_id: form.person_id,
        connection: form.connection,
    };
    match people::add_to_shortlist(&state, &me.caller, &input).await {
        Ok(item) => Ok(done(
            &state,
            &back,
            format!("{} is on your shortlist.", item.name),
        )),
        Err(err) => Ok(back_with_error(&state, &back, err, me.fail())),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

pub async fn remove(
    State(state): State<AppState>,
    me: Member,
    Path(person_id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    match people::remove_from_shortlist(&state, &me.caller, &person_id).await {
        Ok(()) => Ok(done(&state, "/shortlist", "Removed from your shortlist.")),
        Err(err) => Ok(back_with_error(&state, "/shortlist", err, me.fail())),
    }
}
