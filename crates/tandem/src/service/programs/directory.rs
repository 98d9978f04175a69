//! The mentor directory of a program, for its members.
use super::*;
use crate::domain::access::ProgramAct;
use crate::domain::paging::{Cursor, PageRequest};
use crate::domain::values::{Invalid, Problems};
use crate::domain::wire::Seniority;
use crate::domain::words::query_words;
use crate::error::AppResult;
use crate::service::accounts::Caller;
use crate::service::paging::Listing;
use crate::state::AppState;
use crate::store::programs as store;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MentorSearch {
    /// Free text over name, field, headline, known for, bio and skills.
    pub q: Option<String>,
    /// A skill the mentor has (case-insensitive).
    pub skill: Option<String>,
    /// The mentor's field (case-insensitive).
    pub field: Option<String>,
    /// One of the mentor's languages (case-insensitive, whole).
    pub language: Option<String>,
    /// The mentor's seniority: one of the profile's values.
    pub seniority: Option<String>,
    /// `true`: only mentors with a place left in this program.
    pub has_room: Option<String>,
}

impl MentorSearch {
    /// The store's filter, every value checked; `capacity` is the program's
    /// (for mentors who set none of their own).
    fn filter(&self, capacity: i32) -> Result<store::DirectoryFilter, Invalid> {
        let mut p = Problems::default();
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
        };
        let seniority = given(&self.seniority).and_then(|raw| {
            p.take(
                "seniority",
                Seniority::parse(&raw).map_err(|e| format!("{e} (or leave it out)")),
            )
        });
        let has_room = match given(&self.has_room).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                p.add("has_room", "must be true or false (or left out)");
                false
            }
        };
        p.finish()?;
        Ok(store::DirectoryFilter {
            words: query_words(self.q.as_deref()),
            skill: query_words(self.skill.as_deref()),
            field: query_words(self.field.as_deref()),
            language: given(&self.language),
            seniority,
            with_room: has_room.then_some(capacity),
        })
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MentorCard {
    pub id: String,
    pub name: String,
    pub field: String,
    pub headline: String,
    pub known_for: String,
    pub seniority: Option<crate::domain::wire::Seniority>,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub timezone: Option<String>,
    pub capacity: i64,
    pub open_slots: i64,
}

/// The program's mentors, filtered, by name; open to its participants and those
/// who run it. Text filters match the start of any word (SPEC §7).
pub async fn search_mentors(
    state: &AppState,
    caller: &Caller,
    program_id: &str,
    search: &MentorSearch,
    page: &PageRequest,
) -> AppResult<Listing<MentorCard>> {
    let record = program_for(state, caller, program_id, ProgramAct::BrowseMentors).await?;
    let filter = search.filter(record.program.mentor_capacity)?;
    let after = page.after.as_ref().map(Cursor::text_and_id).transpose()?;
    let rows =
        store::directory_page(state.store.read(), program_id, &filter, after, page.fetch()).await?;
    let (rows, next_cursor) = page.finish(rows, |r| {
        Cursor::new(vec![
            r.enrollment.sort_key.clone(),
            r.enrollment.user_id.clone(),
        ])
    });
    let items = rows
        .into_iter()
        .map(|r| {
            let capacity = capacity_of(&record.program, &r.enrollment);
            let p = r
                .profile
                .unwrap_or_else(|| crate::store::people::empty_profile(&r.enrollment.user_id));
            MentorCard {
                id: r.enrollment.user_id,
                name: r.name,
                field: p.field,
                headline: p.headline,
                known_for: p.known_for,
                seniority: p.seniority,
                skills: p.skills.0,
                languages: p.languages.0,
                timezone: p.timezone,
                capacity,
                open_slots: (capacity - r.used).max(0),
            }
        })
        .collect();
    Ok(Listing { items, next_cursor })
}
