//! Background work: expiring old requests.
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
        }
    })
}
