//! Everything linked to a person, as one JSON document (SPEC §3).
use super::accounts::{Caller, UserOut};
use super::conversation::{self, IntroductionOut, KudosOut, MessageOut};
use super::goals::{self, GoalOut};
use super::meetings::{self, FeedbackOut, MeetingOut};
use super::mentorships::{self, MentorshipExport};
use super::paging::Listing;
use super::people::{self, PlanData, ProfileData, ShortlistItem};
use super::programs::{self, EnrollmentOut, ProgramOut};
use super::relationship::{self, Relationship};
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
    for r in records {
        // The caller's own relationships: the access model says what of each they read.
        let access = relationship::standing(caller, &r, &[]);
        let rel = Relationship {
            record: std::sync::Arc::new(r),
            access,
        };
        let id = rel.id().to_string();
        let since = rel.since();
        let all_meetings = workspace::meetings_of(db, &id).await?;
        let feedback = workspace::feedback_of(db, &id).await?;
        let r = &rel.record;
        out.push(WorkspaceExport {
            goals: goals::goals_in(db, &rel, caller).await?,
            feedback: meetings::visible_feedback(&rel, caller, &all_meetings, &feedback),
            meetings: meetings::views(db, &rel, caller, all_meetings, now).await?,
            kudos: workspace::kudos_page(db, &id, since, None, all.fetch())
                .await?
                .iter()
                .map(|k| conversation::kudos_view(r, k))
                .collect(),
            messages: workspace::messages_page(db, &id, since, None, all.fetch())
                .await?
                .iter()
                .map(|m| conversation::message_view(r, m))
                .collect(),
            introductions: conversation::visible_introductions(
                &rel,
                caller,
                &workspace::introductions_of(db, &id).await?,
            ),
            mentorship_id: id,
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
