//! Requests whose time ran out: written down as expired, which frees the
//! mentor's place, and both sides told; the mentee with the mentors who may suit
//! them next. The change of status is the claim: only the transaction that makes
//! it sends the e-mails.
use super::BATCH;
use crate::error::AppResult;
use crate::service::matching::NextMentors;
use crate::service::mentorships::request_expired;
use crate::service::{notify, outbox};
use crate::state::AppState;
use crate::store::{jobs, jobs as store_jobs, programs};
use std::collections::HashMap;

pub async fn expire(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let mut next = NextMentors::default();
    let mut programs_by_id = HashMap::new();
    let mut total = 0;
    loop {
        let tx = state.store.write().await?;
        let ids = jobs::expire_due(&tx, now, BATCH as u64).await?;
        if ids.is_empty() {
            return Ok(total);
        }
        let mut records = store_jobs::with_members_many(&tx, &ids).await?;
        // A program at a time: the next mentors' pool is read once per program.
        records.sort_by(|a, b| a.m.program_id.cmp(&b.m.program_id));
        let people: Vec<&str> = records.iter().flat_map(|r| r.participant_ids()).collect();
        let people = notify::recipients(&tx, &people).await?;
        let mut emails = Vec::new();
        for r in &records {
            if !programs_by_id.contains_key(&r.m.program_id) {
                let Some(p) = programs::program_by_id(&tx, &r.m.program_id).await? else {
                    continue;
                };
                programs_by_id.insert(r.m.program_id.clone(), p);
            }
            let program = &programs_by_id[&r.m.program_id];
            emails.extend(request_expired(state, r, program, &people, &mut next).await?);
        }
        outbox::queue(&tx, emails, now).await?;
        tx.commit().await?;
        total += ids.len();
    }
}
