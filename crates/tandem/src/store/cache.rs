//! Read caches that cannot serve stale data: every entry carries the data
//! generation it was loaded at, and every committed write moves the generation on
//! (here directly; from other servers through PostgreSQL's NOTIFY, or SQLite's
//! `data_version` for other processes on one file). An entry of an older
//! generation is never served. While the store cannot hear other servers' writes
//! (the listener is down, or caching is switched off) nothing is cached at all.
use super::records::{MentorshipPage, MentorshipRecord, ProgramRecord, SignedIn};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// The data generation: moves on with every committed write anywhere.
#[derive(Default)]
pub struct Generation {
    value: AtomicU64,
    live: AtomicBool,
}

impl Generation {
    /// Called after every commit, and whenever other servers' writes may have been missed.
    pub fn bump(&self) {
        self.value.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether caches may be used: we hear every write.
    pub fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::SeqCst);
        self.bump();
    }

    /// The current generation, or None when caches must not be used.
    pub fn current(&self) -> Option<u64> {
        self.live
            .load(Ordering::SeqCst)
            .then(|| self.value.load(Ordering::SeqCst))
    }
}

/// One map of values by key, each tagged with its generation; bounded in size.
pub struct ReadCache<K, V> {
    entries: RwLock<HashMap<K, (u64, V)>>,
    capacity: usize,
}

impl<K: Hash + Eq, V: Clone> ReadCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        ReadCache {
            entries: RwLock::new(HashMap::new()),
            capacity,
        }
    }

    pub fn get(&self, key: &K, generation: u64) -> Option<V> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((g, v)) if *g == generation => Some(v.clone()),
            _ => None,
        }
    }

    pub fn put(&self, key: K, value: V, generation: u64) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity {
            entries.retain(|_, (g, _)| *g == generation);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (generation, value));
    }
}

/// The hot reads: who a token belongs to, one relationship, one program, a
/// person's first pages of relationships.
pub struct Caches {
    pub sessions: ReadCache<String, Option<Arc<SignedIn>>>,
    pub mentorships: ReadCache<String, Option<Arc<MentorshipRecord>>>,
    pub programs: ReadCache<String, Option<Arc<ProgramRecord>>>,
    /// Key: person, cursor, limit.
    pub involving: ReadCache<(String, String, u64), Arc<MentorshipPage>>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            sessions: ReadCache::new(50_000),
            mentorships: ReadCache::new(50_000),
            programs: ReadCache::new(5_000),
            involving: ReadCache::new(20_000),
        }
    }
}

/// The generation and the caches of one store, shared by its clones.
#[derive(Default)]
pub struct Shared {
    pub generation: Generation,
    pub caches: Caches,
}

pub type SharedCaches = Arc<Shared>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_served_only_in_its_own_generation() {
        let g = Generation::default();
        assert_eq!(g.current(), None, "not live: no caching");
        g.set_live(true);
        let cache: ReadCache<&str, i32> = ReadCache::new(10);
        let now = g.current().unwrap();
        cache.put("a", 1, now);
        assert_eq!(cache.get(&"a", now), Some(1));
        g.bump();
        assert_eq!(cache.get(&"a", g.current().unwrap()), None);
    }

    #[test]
    fn a_full_cache_drops_stale_entries_first() {
        let cache: ReadCache<u32, u32> = ReadCache::new(2);
        cache.put(1, 1, 1);
        cache.put(2, 2, 2);
        cache.put(3, 3, 2);
        assert_eq!(cache.get(&1, 1), None);
        assert_eq!(cache.get(&2, 2), Some(2));
        assert_eq!(cache.get(&3, 2), Some(3));
    }
}
