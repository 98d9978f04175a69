//! A mentee's suggestions, and why a mentor is or is not among them.
use super::*;
use crate::service::matching::{self, MentorCheck};
use crate::service::programs::{self};
use crate::service::{mentorships, people};
use crate::state::AppState;
use crate::web::{ok, Member, Page, WebError};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

// ---------------------------------------------------------------- suggestions

pub struct SuggestionCard {
    pub rank: usize,
    pub mentor_id: String,
    pub name: String,
    pub field: String,
    pub known_for: String,
    pub score: String,
    pub score_value: f64,
    pub why: Vec<WhyRow>,
    /// Whether the mentee may ask this mentor now (`where_to_ask`).
    pub may_ask: bool,
}

#[derive(Template)]
#[template(path = "suggestions.html")]
pub(super) struct SuggestionsPage {
    pub(super) page: Page,
    pub(super) program_id: String,
    pub(super) program_name: String,
    pub(super) cards: Vec<SuggestionCard>,
    /// What the mentee could add to their profile to be matched at all.
    pub(super) profile_gaps: Vec<&'static str>,
}

pub async fn suggestions(
    State(state): State<AppState>,
    me: Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let program = programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let found = matching::suggestions(&state, &me.caller, &id, Some(20))
        .await
        .map_err(me.fail())?;
    let profile = people::get_profile(&state, &me.caller)
        .await
        .map_err(me.fail())?;
    let mut profile_gaps = Vec::new();
    if profile.languages.is_empty() {
        profile_gaps.push("the languages you speak (a shared language is required)");
    }
    if profile.timezone.is_none() {
        profile_gaps.push("your time zone");
    }
    if profile.skills.is_empty() && profile.interests.is_empty() {
        profile_gaps.push("your skills and interests");
    }
    let suggested: Vec<String> = found.iter().map(|s| s.mentor.id.clone()).collect();
    let ask = mentorships::where_to_ask(&state, &me.caller, &suggested, Some(&id))
        .await
        .map_err(me.fail())?;
    let cards = found
        .into_iter()
        .enumerate()
        .map(|(k, s)| SuggestionCard {
            rank: k + 1,
            may_ask: ask.contains_key(&s.mentor.id),
            mentor_id: s.mentor.id,
            name: s.mentor.name,
            field: s.mentor.field,
            known_for: s.mentor.known_for,
            score: score_text(s.score),
            score_value: s.score,
            why: why(&s.explanation),
        })
        .collect();
    Ok(ok(&SuggestionsPage {
        page: me.page(format!("Suggested mentors · {}", program.name), "programs"),
        program_id: program.id,
        program_name: program.name,
        cards,
        profile_gaps,
    }))
}

#[derive(Template)]
#[template(path = "mentor_check.html")]
pub(super) struct MentorCheckPage {
    pub(super) page: Page,
    pub(super) program_id: String,
    pub(super) program_name: String,
    pub(super) score: String,
    pub(super) why: Vec<WhyRow>,
    pub(super) check: MentorCheck,
}

/// Why a mentor is, or is not, among the caller's suggestions.
pub async fn mentor_check(
    State(state): State<AppState>,
    me: Member,
    Path((id, mentor_id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let program = programs::get(&state, &me.caller, &id)
        .await
        .map_err(me.fail())?;
    let check = matching::suggestion_for(&state, &me.caller, &id, &mentor_id)
        .await
        .map_err(me.fail())?;
    Ok(ok(&MentorCheckPage {
        page: me.page(
            format!("{} · Suggested mentors", check.mentor.name),
            "programs",
        ),
        program_id: program.id,
        program_name: program.name,
        score: score_text(check.score),
        why: why(&check.explanation),
        check,
    }))
}
