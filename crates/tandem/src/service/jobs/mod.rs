//! The background jobs (`tandem jobs run`, and every minute inside `tandem
//! serve`): requests that expire, reminders, health alerts and weekly digests.
//!
//! Each job finds the work due as of the clock's now, then goes through it a
//! batch at a time: in one transaction it claims each piece under a key of its
//! own (`store::notices::claim`, or a change of state only one writer can make)
//! and queues the e-mails of the pieces it claimed, then commits. So a piece is
//! done once, whatever crashes: work committed is never redone, work not yet
//! committed is found again by the next run; and with several servers on one
//! PostgreSQL, two that reach for one piece at once leave it to whichever
//! claims it first.
mod expiry;
mod health;
mod reminders;

use crate::service::outbox::{self, Delivery};
use crate::state::AppState;
use serde::Serialize;

/// Pieces of work per transaction.
const BATCH: usize = 200;

/// What one run of the jobs did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct JobsDone {
    /// Requests whose time ran out, written down as expired (capacity freed, both told).
    pub expired: usize,
    /// Mentors reminded of a request waiting half its time.
    pub request_reminders: usize,
    /// Meetings whose participants were reminded within the 24 hours before.
    pub meeting_reminders: usize,
    /// Action items whose owner was reminded.
    pub action_items_due: usize,
    /// Relationships whose participants were told they became at risk or stalled.
    pub health_alerts: usize,
    /// Weekly digests sent to coordinators.
    pub digests: usize,
    /// Check-ins that fell due and were created (one per participant and period).
    pub checkins_created: u64,
    /// E-mails delivered and failed (those stay queued and are retried).
    pub emails_sent: usize,
    pub emails_failed: usize,
    /// Jobs that failed, with why; the others still ran.
    pub failures: Vec<String>,
}

/// Runs every job once, as of the clock's now, then delivers what they queued.
pub async fn run_due(state: &AppState) -> JobsDone {
    let mut done = JobsDone::default();
    let mut fail = |job: &str, e: crate::error::AppError| {
        tracing::warn!(job, error = %format!("{e:#}"), "a job failed; the others still run");
        done.failures.push(format!("{job}: {e}"));
    };
    let mut started = std::time::Instant::now();
    // How long each job took, for whoever reads the log of a slow run.
    let mut took = |job: &str, count: usize| {
        let ms = started.elapsed().as_millis() as u64;
        tracing::debug!(job, count, ms, "job done");
        started = std::time::Instant::now();
    };
    match expiry::expire(state).await {
        Ok(n) => done.expired = n,
        Err(e) => fail("expiry", e),
    }
    took("expiry", done.expired);
    match reminders::requests(state).await {
        Ok(n) => done.request_reminders = n,
        Err(e) => fail("request reminders", e),
    }
    took("request reminders", done.request_reminders);
    match reminders::meetings(state).await {
        Ok(n) => done.meeting_reminders = n,
        Err(e) => fail("meeting reminders", e),
    }
    took("meeting reminders", done.meeting_reminders);
    match reminders::action_items(state).await {
        Ok(n) => done.action_items_due = n,
        Err(e) => fail("action items due", e),
    }
    took("action items due", done.action_items_due);
    match health::alerts_and_digests(state).await {
        Ok((alerts, digests)) => {
            done.health_alerts = alerts;
            done.digests = digests;
        }
        Err(e) => fail("health alerts and digests", e),
    }
    took("health alerts and digests", done.health_alerts);
    match crate::service::checkins::create_due(state).await {
        Ok(n) => done.checkins_created = n,
        Err(e) => fail("check-ins", e),
    }
    took("check-ins", done.checkins_created as usize);
    match outbox::deliver_due(state).await {
        Ok(Delivery { sent, failed }) => {
            done.emails_sent = sent;
            done.emails_failed = failed;
        }
        Err(e) => fail("e-mail delivery", e),
    }
    took("e-mail delivery", done.emails_sent);
    state.metrics.jobs(
        &[
            ("expired", done.expired as u64),
            ("request_reminders", done.request_reminders as u64),
            ("meeting_reminders", done.meeting_reminders as u64),
            ("action_items_due", done.action_items_due as u64),
            ("health_alerts", done.health_alerts as u64),
            ("digests", done.digests as u64),
            ("checkins_created", done.checkins_created),
        ],
        done.failures.len(),
    );
    done
}
