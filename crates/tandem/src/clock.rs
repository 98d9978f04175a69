//! The current time, behind one door so tests can move it forward.
use chrono::{DateTime, Duration, DurationRound, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

#[derive(Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    /// Now, to the millisecond (what both databases store exactly).
    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now() + Duration::seconds(self.offset_seconds.load(Ordering::Relaxed));
        now.duration_trunc(Duration::milliseconds(1)).unwrap_or(now)
    }

    /// Moves this instance's clock forward (tests, demos of expiry).
    pub fn advance(&self, by: Duration) {
        self.offset_seconds
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}
