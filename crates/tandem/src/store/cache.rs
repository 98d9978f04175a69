//! Read caches that cannot serve stale data: every entry carries the generation
//! of its area at the time it was loaded, and every committed write that changes
//! an area moves that area's generation on (here directly; from other servers
//! through PostgreSQL's NOTIFY, or a count of changes in the database file for
//! other processes on one SQLite file). An entry of an older generation is never served. Which areas a
//! write changed is read off its own statements (`Areas::of_statement`), so no
//! write can forget to say. While the store cannot hear other servers' writes (the
//! listener is down, or caching is switched off) nothing is cached at all.
use super::records::{MentorshipPage, MentorshipRecord, ProgramRecord, SignedIn};
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// What a write changed, as far as the caches care: sessions (and the accounts
/// they carry), or the data the other caches hold (accounts' names, programs and
/// their coordinators, relationships and their members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub sessions: bool,
    pub data: bool,
}

impl Areas {
    pub const NONE: Areas = Areas {
        sessions: false,
        data: false,
    };
    pub const ALL: Areas = Areas {
        sessions: true,
        data: true,
    };

    pub fn union(self, other: Areas) -> Areas {
        Areas {
            sessions: self.sessions || other.sessions,
            data: self.data || other.data,
        }
    }

    pub fn is_empty(self) -> bool {
        !self.sessions && !self.data
    }

    /// The areas a write to this table changes. Tables no cache reads change none.
    pub fn of_table(table: &str) -> Areas {
        match table {
            "sessions" => Areas {
                sessions: true,
                data: false,
            },
            // Sessions carry the account; the other caches carry names.
            "users" => Areas::ALL,
            "programs" | "coordinators" | "mentorships" | "mentorship_mentees" => Areas {
                sessions: false,
                data: true,
            },
            _ => Areas::NONE,
        }
    }

    /// The areas a statement changes: a SELECT (locking or not) none; an INSERT,
    /// UPDATE or DELETE those of its table; anything else, to be safe, all.
    pub fn of_statement(sql: &str) -> Areas {
        let mut words = sql
            .split(|c: char| c.is_whitespace() || c == '(')
            .filter(|w| !w.is_empty());
        let first = words.next().unwrap_or("").to_ascii_uppercase();
        let table = match first.as_str() {
            "SELECT" | "NOTIFY" | "LOCK" | "SAVEPOINT" | "RELEASE" => return Areas::NONE,
            "INSERT" => words.find(|w| !w.eq_ignore_ascii_case("into")),
            "UPDATE" => words.next(),
            "DELETE" => words.find(|w| !w.eq_ignore_ascii_case("from")),
            _ => None,
        };
        match table {
            Some(t) => {
                let t = t.rsplit('.').next().unwrap_or(t).trim_matches(['"', '`']);
                Areas::of_table(t)
            }
            None => Areas::ALL,
        }
    }

    /// As announced to other servers: `s` sessions, `d` data.
    pub fn payload(self) -> &'static str {
        match (self.sessions, self.data) {
            (true, true) => "sd",
            (true, false) => "s",
            (false, true) => "d",
            (false, false) => "",
        }
    }

    pub fn from_payload(payload: &str) -> Areas {
        let heard = Areas {
            sessions: payload.contains('s'),
            data: payload.contains('d'),
        };
        if heard.is_empty() {
            Areas::ALL
        } else {
            heard
        }
    }
}

/// The generations of the cached areas: each moves on with every committed write
/// that changes it, anywhere.
#[derive(Default)]
pub struct Generation {
    sessions: AtomicU64,
    data: AtomicU64,
    live: AtomicBool,
}

impl Generation {
    /// Called after a commit, and whenever other servers' writes may have been missed.
    pub fn bump(&self, areas: Areas) {
        if areas.sessions {
            self.sessions.fetch_add(1, Ordering::SeqCst);
        }
        if areas.data {
            self.data.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Whether caches may be used: we hear every write.
    pub fn set_live(&self, live: bool) {
        self.live.store(live, Ordering::SeqCst);
        self.bump(Areas::ALL);
    }

    fn current(&self, counter: &AtomicU64) -> Option<u64> {
        self.live
            .load(Ordering::SeqCst)
            .then(|| counter.load(Ordering::SeqCst))
    }

    /// The sessions' generation, or None when caches must not be used.
    pub fn sessions(&self) -> Option<u64> {
        self.current(&self.sessions)
    }

    /// The data's generation, or None when caches must not be used.
    pub fn data(&self) -> Option<u64> {
        self.current(&self.data)
    }
}

/// Values by key, each tagged with the generation it was loaded in; bounded in
/// size. When full, moka evicts what is read least (TinyLFU), so a burst of
/// one-off reads does not push out the sessions every request needs.
pub struct ReadCache<K, V> {
    entries: moka::sync::Cache<K, (u64, V)>,
}

impl<K, V> ReadCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub fn new(capacity: u64) -> Self {
        ReadCache {
            entries: moka::sync::Cache::new(capacity),
        }
    }

    pub fn get(&self, key: &K, generation: u64) -> Option<V> {
        match self.entries.get(key) {
            Some((g, v)) if g == generation => Some(v),
            _ => None,
        }
    }

    pub fn put(&self, key: K, value: V, generation: u64) {
        self.entries.insert(key, (generation, value));
    }
}

/// A read through `cache`: served from memory when an entry of the current
/// `generation` is there, else loaded and kept. The generation is read before
/// loading, so a write that lands meanwhile leaves a stale entry unservable.
pub async fn through<K, V, F, Fut>(
    cache: &ReadCache<K, V>,
    generation: Option<u64>,
    key: K,
    load: F,
) -> Result<V, sea_orm::DbErr>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<V, sea_orm::DbErr>>,
{
    let Some(generation) = generation else {
        return load().await;
    };
    if let Some(hit) = cache.get(&key, generation) {
        return Ok(hit);
    }
    let value = load().await?;
    cache.put(key, value.clone(), generation);
    Ok(value)
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
pub struct Shared {
    pub generation: Generation,
    pub caches: Caches,
    /// Changes this store committed to a SQLite file's count of changes.
    pub counted_changes: AtomicU64,
    /// Names this store in the changes it announces, so it can tell its own
    /// (already counted at commit) from other servers'.
    pub instance: String,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            generation: Generation::default(),
            caches: Caches::default(),
            counted_changes: AtomicU64::new(0),
            instance: uuid::Uuid::new_v4().simple().to_string(),
        }
    }
}

pub type SharedCaches = Arc<Shared>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_served_only_in_its_own_generation() {
        let g = Generation::default();
        assert_eq!(g.data(), None, "not live: no caching");
        g.set_live(true);
        let cache: ReadCache<&str, i32> = ReadCache::new(10);
        let now = g.data().unwrap();
        cache.put("a", 1, now);
        assert_eq!(cache.get(&"a", now), Some(1));
        let sessions = g.sessions();
        g.bump(Areas::of_table("mentorships"));
        assert_eq!(cache.get(&"a", g.data().unwrap()), None);
        assert_eq!(
            g.sessions(),
            sessions,
            "a relationship's change leaves sessions be"
        );
    }

    #[test]
    fn a_statement_names_the_areas_it_changes() {
        let data = Areas {
            sessions: false,
            data: true,
        };
        assert_eq!(
            Areas::of_statement(r#"SELECT "id" FROM "users" FOR UPDATE"#),
            Areas::NONE
        );
        assert_eq!(
            Areas::of_statement(r#"UPDATE "mentorships" SET "status" = $1"#),
            data
        );
        assert_eq!(
            Areas::of_statement(r#"INSERT INTO "mentorship_mentees" ("id") VALUES ($1)"#),
            data
        );
        assert_eq!(
            Areas::of_statement(r#"DELETE FROM "users" WHERE "id" = ?"#),
            Areas::ALL
        );
        assert!(Areas::of_statement(r#"INSERT INTO "sessions" ("id") VALUES (?)"#).sessions);
        assert_eq!(
            Areas::of_statement(r#"INSERT INTO "login_failures" ("id") VALUES (?)"#),
            Areas::NONE,
            "failed sign-ins leave every cache be"
        );
        assert_eq!(
            Areas::of_statement(r#"UPDATE "profiles" SET "bio" = ?"#),
            Areas::NONE
        );
        assert_eq!(Areas::of_statement("VACUUM"), Areas::ALL, "unknown: all");
        assert_eq!(Areas::from_payload("d"), data);
        assert_eq!(Areas::from_payload(""), Areas::ALL);
    }

    #[test]
    fn a_full_cache_stays_within_its_bound() {
        let cache: ReadCache<u32, u32> = ReadCache::new(100);
        for k in 0..1_000 {
            cache.put(k, k, 1);
        }
        cache.entries.run_pending_tasks();
        assert!(
            cache.entries.entry_count() <= 100,
            "{}",
            cache.entries.entry_count()
        );
        cache.put(7, 70, 2);
        assert_eq!(cache.get(&7, 2), Some(70), "a new entry is served");
        assert_eq!(cache.get(&7, 1), None, "never in another generation");
    }
}
