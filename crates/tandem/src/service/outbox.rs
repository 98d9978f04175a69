//! Outgoing e-mail: queued in the transaction of the change that makes it due,
//! delivered from the queue, and retried with backoff until it is delivered. A
//! failed delivery is logged with its reason and stays counted in the queue.
use crate::email::Email;
use crate::error::AppResult;
use crate::state::AppState;
use crate::store::db::Connection;
use crate::store::emails as store;
use crate::store::notices;
use chrono::{DateTime, Duration, Utc};

/// Messages to send with the change being written in `db`, but for those their
/// recipients have turned off.
pub async fn queue(db: &impl Connection, emails: Vec<Email>, now: DateTime<Utc>) -> AppResult<()> {
    let ask: Vec<&str> = emails
        .iter()
        .filter(|e| e.setting.is_some())
        .filter_map(|e| e.user_id.as_deref())
        .collect();
    let muted = if ask.is_empty() {
        Default::default()
    } else {
        notices::muted_among(db, &ask).await?
    };
    let outgoing = emails
        .into_iter()
        .filter(|e| match (&e.user_id, e.setting) {
            (Some(user), Some(setting)) => {
                !muted.contains(&(user.clone(), setting.as_str().to_string()))
            }
            _ => true,
        })
        .map(|e| store::Outgoing {
            kind: e.kind,
            to_name: e.to_name,
            to_address: e.to_address,
            subject: e.subject,
            body: e.body,
            calendar: e.calendar,
        })
        .collect();
    store::enqueue(db, outgoing, now).await?;
    Ok(())
}

/// Queues the messages with the change, commits, and delivers what it can at
/// once; what fails stays queued for the job.
pub async fn commit_and_deliver(
    state: &AppState,
    tx: crate::store::db::WriteTx,
    emails: Vec<Email>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let any = !emails.is_empty();
    queue(&tx, emails, now).await?;
    tx.commit().await?;
    if any {
        if let Err(e) = deliver_due(state).await {
            tracing::warn!(error = %e, "delivering e-mails");
        }
    }
    Ok(())
}

/// How long to wait before the next attempt after `attempts` failed ones: a
/// minute, doubling, at most six hours.
pub fn backoff(attempts: i32) -> Duration {
    let minutes = 1i64 << attempts.clamp(1, 10).saturating_sub(1);
    Duration::minutes(minutes.min(6 * 60))
}

/// What one delivery run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

/// Messages claimed at a time for delivery: each batch costs two commits.
const DELIVERY_BATCH: u64 = 200;

/// Sends what is due, a batch at a time, until nothing due is left.
pub async fn deliver_due(state: &AppState) -> AppResult<Delivery> {
    let mut done = Delivery::default();
    loop {
        let now = state.clock.now();
        let tx = state.store.write().await?;
        let batch = store::claim_due(&tx, now, DELIVERY_BATCH, Duration::minutes(5)).await?;
        tx.commit().await?;
        if batch.is_empty() {
            state.metrics.emails(done.sent, done.failed);
            return Ok(done);
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        for row in &batch {
            let email = Email {
                kind: "",
                setting: None,
                user_id: None,
                to_name: row.to_name.clone(),
                to_address: row.to_address.clone(),
                subject: row.subject.to_string(),
                body: row.body.to_string(),
                calendar: row.calendar.as_ref().map(|v| v.to_string()),
            };
            outcomes.push(
                state
                    .mailer
                    .send(&email)
                    .await
                    .map_err(|e| format!("{e:#}")),
            );
        }
        let now = state.clock.now();
        let tx = state.store.write().await?;
        let mut sent = Vec::with_capacity(batch.len());
        for (row, outcome) in batch.iter().zip(outcomes) {
            match outcome {
                Ok(()) => sent.push(row.id.as_str()),
                Err(reason) => {
                    let attempts = row.attempts + 1;
                    let next = now + backoff(attempts);
                    tracing::warn!(
                        email = %row.id,
                        attempts,
                        next_attempt_at = %next,
                        reason = %reason,
                        "e-mail not delivered; it stays queued"
                    );
                    store::mark_failed(&tx, &row.id, &reason, next).await?;
                    done.failed += 1;
                }
            }
        }
        store::mark_sent(&tx, &sent, now).await?;
        done.sent += sent.len();
        tx.commit().await?;
        if done.failed > 0 {
            // What failed waits for its backoff; the rest was sent.
            return Ok(done);
        }
    }
}

/// Messages waiting to be delivered, and how many of them have failed before.
pub async fn undelivered(state: &AppState) -> AppResult<(u64, u64)> {
    Ok(store::undelivered(state.store.read()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(10), Duration::minutes(360));
        assert_eq!(backoff(1000), Duration::minutes(360));
    }
}
