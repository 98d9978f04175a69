//! Background work, every minute: writing down expired requests, delivering
//! queued e-mail. Each round runs as a task of its own, so that whatever goes
//! wrong in one (even a panic) is logged and the next round still comes.
use crate::state::AppState;
use std::time::Duration;
use tokio::task::JoinHandle;

pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = tokio::spawn(run_once(state.clone())).await {
                tracing::error!(error = %e, "a round of background jobs failed; the next one will run");
            }
        }
    })
}

/// One round of every job.
async fn run_once(state: AppState) {
    match crate::service::mentorships::expire_due(&state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(expired = n, "requests expired"),
        Err(e) => tracing::warn!(error = %e, "expiring requests failed"),
    }
    match crate::service::outbox::deliver_due(&state).await {
        Ok(d) if d.sent + d.failed > 0 => {
            tracing::info!(sent = d.sent, failed = d.failed, "e-mail delivered")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "delivering e-mail failed"),
    }
}
