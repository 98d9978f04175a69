//! Everything linked to a person, as one JSON document (SPEC §3).
use super::accounts::{Caller, UserOut};
use super::conversation::{self, IntroductionOut, KudosOut, MessageOut};
use super::goals::{self, GoalOut};
use super::meetings::{self, FeedbackOut, MeetingOut};
use super::mentorships::{self, MentorshipExport};
use super::paging::Listing;
use super::people::{self, PlanData, ProfileData, ShortlistItem};
use super::programs::{self, EnrollmentOut, ProgramOut};
use crate::domain::paging::PageRequest;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::{mentorships as relationships, workspace};
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
    /// What each relationship holds: your own private notes, and none of anyone else's.
    pub workspaces: Vec<WorkspaceExport>,
}

/// One relationship's workspace, as its participant reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceExport {
    pub mentorship_id: String,
    pub goals: Vec<GoalOut>,
    pub meetings: Vec<MeetingOut>,
    pub feedback: Vec<FeedbackOut>,
    pub kudos: Vec<KudosOut>,
    pub messages: Vec<MessageOut>,
    pub introductions: Vec<IntroductionOut>,
}

/// The workspaces of every relationship the caller takes part in.
async fn workspaces(state: &AppState, caller: &Caller) -> AppResult<Vec<WorkspaceExport>> {
    let db = state.store.read();
    let all = PageRequest::all();
    let now = state.clock.now();
    let records = relationships::involving_page(db, caller.id(), None, None, all.fetch()).await?;
    let mut out = Vec::with_capacity(records.len());
    for r in &records {
        let id = &r.m.id;
        let meetings = workspace::meetings_of(db, id).await?;
        out.push(WorkspaceExport {
            mentorship_id: id.clone(),
            goals: goals::goals_in(db, id).await?,
            meetings: meetings::views(db, r, caller, meetings, now).await?,
            feedback: workspace::feedback_of(db, id)
                .await?
                .iter()
                .map(|f| meetings::feedback_view(r, f))
                .collect(),
            kudos: workspace::kudos_page(db, id, None, all.fetch())
                .await?
                .iter()
                .map(|k| conversation::kudos_view(r, k))
                .collect(),
            messages: workspace::messages_page(db, id, None, all.fetch())
                .await?
                .iter()
                .map(|m| conversation::message_view(r, m))
                .collect(),
            introductions: workspace::introductions_of(db, id)
                .await?
                .iter()
                .map(|i| conversation::introduction_view(r, i))
                .collect(),
        });
    }
    Ok(out)
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
        workspaces: workspaces(state, caller).await?,
    })
}
