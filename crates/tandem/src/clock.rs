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

    /// Sets this instance's clock to `at` (`tandem jobs run --now`); it runs on from there.
    pub fn set(&self, at: DateTime<Utc>) {
        let offset = at - Utc::now();
        self.offset_seconds
            .store(offset.num_seconds(), Ordering::Relaxed);
    }

    /// Back to the real time.
    pub fn reset(&self) {
        self.offset_seconds.store(0, Ordering::Relaxed);
    }

    /// Moves this instance's clock forward (tests, demos of expiry).
    pub fn advance(&self, by: Duration) {
        self.offset_seconds
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}
