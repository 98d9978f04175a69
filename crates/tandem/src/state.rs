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
}
