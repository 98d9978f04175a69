//! What every use case runs with: the store, the configuration, the clock, the mailer.
use crate::clock::Clock;
use crate::config::Config;
use crate::email::Mailer;
use crate::hashing::Hasher;
use crate::store::db::Store;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub mailer: Arc<Mailer>,
    /// Password hashing, a few at a time.
    pub hasher: Arc<Hasher>,
    /// A hash to verify against for unknown accounts, so both cases cost the same.
    pub decoy_hash: Arc<str>,
    /// Sessions used since the jobs last wrote it down: session id → (account,
    /// when). Kept in memory so that a read never writes.
    pub seen: Arc<std::sync::Mutex<Seen>>,
    /// What `GET /metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Wakes the server's background worker to deliver queued e-mail now (a
    /// reset link, invitations), beside the request that queued it.
    pub deliver_soon: Arc<tokio::sync::Notify>,
}

pub type Seen = std::collections::HashMap<String, (String, chrono::DateTime<chrono::Utc>)>;
