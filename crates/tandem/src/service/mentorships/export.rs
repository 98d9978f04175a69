//! Every relationship of the caller with its agreement and reflections, for their export.
use super::*;
use crate::domain::paging::PageRequest;
use crate::error::AppResult;
use crate::service::accounts::Caller;
use crate::service::relationship::{self};
use crate::state::AppState;
use crate::store::entities::agreement_signature;
use crate::store::mentorships as store;
use crate::store::records::MentorshipRecord;
use serde::Serialize;
use utoipa::ToSchema;

// ------------------------------------------------------------------ export

/// A mentorship with everything the caller may read of it, for the export.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorshipExport {
    pub mentorship: MentorshipOut,
    pub agreement: Option<AgreementOut>,
    pub reflections: Vec<ReflectionOut>,
}

/// Every relationship of the caller with its agreement and reflections.
pub async fn export_for(state: &AppState, caller: &Caller) -> AppResult<Vec<MentorshipExport>> {
    let db = state.store.read();
    let records: Vec<MentorshipRecord> =
        store::involving_page(db, caller.id(), None, None, PageRequest::all().fetch()).await?;
    let ids: Vec<String> = records.iter().map(|r| r.m.id.clone()).collect();
    let (agreements, signatures) = store::agreements_of(db, &ids).await?;
    let reflections = store::reflections_of(db, &ids).await?;
    let now = state.clock.now();
    Ok(records
        .iter()
        .map(|r| {
            // The caller's own relationships: they take part in each.
            let access = relationship::standing(caller, r, &[]);
            let sigs: Vec<agreement_signature::Model> = signatures
                .iter()
                .filter(|s| s.mentorship_id == r.m.id)
                .cloned()
                .collect();
            MentorshipExport {
                mentorship: view(r, access, caller.id(), now),
                agreement: agreements
                    .iter()
                    .find(|a| a.mentorship_id == r.m.id)
                    .cloned()
                    .map(|a| agreement_view(r, a, &sigs)),
                reflections: reflections
                    .iter()
                    .filter(|x| x.mentorship_id == r.m.id)
                    .cloned()
                    .map(ReflectionOut::from)
                    .collect(),
            }
        })
        .collect())
}
