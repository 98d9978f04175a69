//! Background work, every minute: writing down expired requests, delivering
//! queued e-mail.
use crate::state::AppState;
use std::time::Duration;
use tokio::task::JoinHandle;

pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
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
    })
}
