//! Everything linked to a person, as one JSON document (SPEC §3).
use super::accounts::{Caller, UserOut};
use super::mentorships::{self, MentorshipExport};
use super::paging::Listing;
use super::people::{self, PlanData, ProfileData, ShortlistItem};
use super::programs::{self, EnrollmentOut, ProgramOut};
use crate::domain::paging::PageRequest;
use crate::error::AppResult;
use crate::state::AppState;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportOut {
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub account: UserOut,
    pub profile: ProfileData,
    pub plan: PlanData,
    pub enrollments: Vec<EnrollmentOut>,
    pub coordinating: Vec<ProgramOut>,
    pub shortlist: Vec<ShortlistItem>,
    pub mentorships: Vec<MentorshipExport>,
}

pub async fn export(state: &AppState, caller: &Caller) -> AppResult<ExportOut> {
    let Listing {
        items: shortlist, ..
    } = people::shortlist(state, caller, &PageRequest::all()).await?;
    Ok(ExportOut {
        exported_at: state.clock.now(),
        account: UserOut::from(caller.user()),
        profile: people::get_profile(state, caller).await?,
        plan: people::get_plan(state, caller).await?,
        enrollments: programs::my_enrollments(state, caller).await?,
        coordinating: programs::coordinated_by(state, caller).await?,
        shortlist,
        mentorships: mentorships::export_for(state, caller).await?,
    })
}
