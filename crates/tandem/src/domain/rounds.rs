//! When a draft round no longer describes the program: its pairs were drawn from
//! a pool that has changed since.
use super::wire::RoundStatus;
use chrono::{DateTime, Utc};

/// Why a draft is stale, for the badge beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// A round of the program was published after the draft was made.
    Superseded(DateTime<Utc>),
    /// Someone enrolled, or a mentorship of the program was asked for, proposed,
    /// started or ended, after the draft was made.
    PoolChanged(DateTime<Utc>),
}

/// A draft made before a later round's publication, or before the pool's last
/// change, is stale; published and discarded rounds never are (they no longer
/// change). `published` are the program's publication times; `pool_changed` the
/// latest change of its pool.
pub fn stale_draft(
    status: RoundStatus,
    created_at: DateTime<Utc>,
    published: &[DateTime<Utc>],
    pool_changed: Option<DateTime<Utc>>,
) -> Option<Stale> {
    if status != RoundStatus::Draft {
        return None;
    }
    if let Some(later) = published.iter().filter(|at| **at > created_at).max() {
        return Some(Stale::Superseded(*later));
    }
    pool_changed
        .filter(|at| *at > created_at)
        .map(Stale::PoolChanged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_draft_older_than_a_publication_or_a_pool_change_is_stale() {
        let draft = RoundStatus::Draft;
        assert_eq!(stale_draft(draft, day(2), &[], None), None);
        assert_eq!(stale_draft(draft, day(2), &[day(1)], Some(day(1))), None);
        assert_eq!(
            stale_draft(draft, day(2), &[day(3)], Some(day(4))),
            Some(Stale::Superseded(day(3)))
        );
        assert_eq!(
            stale_draft(draft, day(2), &[], Some(day(4))),
            Some(Stale::PoolChanged(day(4)))
        );
        assert_eq!(
            stale_draft(RoundStatus::Published, day(2), &[], Some(day(4))),
            None
        );
    }
}
