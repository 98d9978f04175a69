//! Background work inside `tandem serve`, every minute: every job of
//! `service::jobs` (expiry, reminders, alerts, digests) and the delivery of
//! queued e-mail; and when sessions were last used. Each round runs as a task of its own, so that whatever goes
//! wrong in one (even a panic) is logged and the next round still comes.
use crate::state::AppState;
use std::time::Duration;
use tokio::task::JoinHandle;

pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(e) = tokio::spawn(run_once(state.clone())).await {
                        tracing::error!(error = %e, "a round of background jobs failed; the next one will run");
                    }
                }
                _ = state.deliver_soon.notified() => {
                    let state = state.clone();
                    let delivered = tokio::spawn(async move {
                        crate::service::outbox::deliver_due(&state).await.map(|_| ())
                    });
                    match delivered.await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => tracing::warn!(error = %e, "delivering e-mails"),
                        Err(e) => tracing::error!(error = %e, "delivering e-mails failed; the next round will try again"),
                    }
                }
            }
        }
    })
}

/// One round of every job.
async fn run_once(state: AppState) {
    if let Err(e) = crate::service::accounts::write_down_seen(&state).await {
        tracing::warn!(error = %e, "writing down when sessions were last used");
    }
    let done = crate::service::jobs::run_due(&state).await;
    let worked = done.expired
        + done.request_reminders
        + done.meeting_reminders
        + done.action_items_due
        + done.health_alerts
        + done.digests
        + done.emails_sent
        + done.emails_failed;
    if worked > 0 {
        tracing::info!(
            expired = done.expired,
            request_reminders = done.request_reminders,
            meeting_reminders = done.meeting_reminders,
            action_items_due = done.action_items_due,
            health_alerts = done.health_alerts,
            digests = done.digests,
            emails_sent = done.emails_sent,
            emails_failed = done.emails_failed,
            "background jobs"
        );
    }
}
