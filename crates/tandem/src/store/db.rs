//! The connection: SQLite or PostgreSQL picked once from the URL, write
//! transactions that never surface SQLITE_BUSY, the data generation that keeps the
//! read caches exact, and a count of the statements run (for tests and metrics).
use super::cache::{Areas, Shared, SharedCaches};
use anyhow::Context;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, ExecResult, QueryResult, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tandem_migration::{Migrator, MigratorTrait};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// The SQLite file of `url` created (when missing) readable by its owner only,
/// and made so with its write-ahead log when they are there: SQLite gives the
/// `-wal` and `-shm` it creates the database file's mode.
fn owner_only_sqlite_files(url: &str) -> anyhow::Result<()> {
    use sea_orm::sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Ok(());
    }
    let options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("{url:?} is not a SQLite database URL"))?;
    let file = options.get_filename();
    crate::files::owner_only_file(file)
        .with_context(|| format!("cannot create the database file {}", file.display()))?;
    for suffix in ["-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        crate::files::owner_only_if_there(std::path::Path::new(&name))
            .with_context(|| format!("cannot make {} its owner's only", file.display()))?;
    }
    Ok(())
}

/// A connection or a transaction, as the named queries take them.
pub use sea_orm::ConnectionTrait as Connection;

/// The PostgreSQL channel on which every committed write is announced.
const CHANGES_CHANNEL: &str = "tandem_changes";

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    url: Arc<str>,
    /// SQLite allows one writer; taking this before `BEGIN` makes writers in this
    /// process queue up instead of failing with SQLITE_BUSY. PostgreSQL needs none.
    write_lock: Option<Arc<Mutex<()>>>,
    shared: SharedCaches,
    counters: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    statements: AtomicU64,
    writes: AtomicU64,
}

/// A write transaction; dropped without `commit` it rolls back. Every statement
/// goes through it (it is the connection the named queries write on), so it
/// knows which cached areas it changed.
pub struct WriteTx {
    txn: DatabaseTransaction,
    _guard: Option<OwnedMutexGuard<()>>,
    shared: SharedCaches,
    touched: std::sync::Mutex<Areas>,
}

impl WriteTx {
    fn note(&self, sql: &str) {
        let mut touched = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        *touched = touched.union(Areas::of_statement(sql));
    }

    /// Commits, announces what changed to other servers (PostgreSQL), and moves
    /// the changed areas' generations on so no cache serves what was there before.
    pub async fn commit(self) -> Result<(), DbErr> {
        let touched = *self.touched.lock().unwrap_or_else(|e| e.into_inner());
        let backend = self.txn.get_database_backend();
        if !touched.is_empty() {
            if backend == DatabaseBackend::Postgres {
                self.txn
                    .execute_unprepared(&format!(
                        "NOTIFY {CHANGES_CHANNEL}, '{}:{}'",
                        touched.payload(),
                        self.shared.instance
                    ))
                    .await?;
            } else {
                self.txn
                    .execute_unprepared(
                        "UPDATE changes SET generation = generation + 1 WHERE id = 1",
                    )
                    .await?;
            }
        }
        let done = self.txn.commit().await;
        if done.is_ok() && !touched.is_empty() && backend == DatabaseBackend::Sqlite {
            self.shared.counted_changes.fetch_add(1, Ordering::SeqCst);
        }
        self.shared.generation.bump(touched);
        done
    }
}

/// Streams read inside the transaction, row by row (large reads such as a program's pool).
impl sea_orm::StreamTrait for WriteTx {
    type Stream<'a> = <DatabaseTransaction as sea_orm::StreamTrait>::Stream<'a>;

    fn get_database_backend(&self) -> DatabaseBackend {
        ConnectionTrait::get_database_backend(&self.txn)
    }

    fn stream_raw<'a>(
        &'a self,
        stmt: Statement,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Stream<'a>, DbErr>> + 'a + Send>,
    > {
        self.note(&stmt.sql);
        sea_orm::StreamTrait::stream_raw(&self.txn, stmt)
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTx {
    fn get_database_backend(&self) -> DatabaseBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.note(&stmt.sql);
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.note(sql);
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.note(&stmt.sql);
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.note(&stmt.sql);
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

impl Store {
    /// Opens the database named by the URL: SQLite (created if missing, readable
    /// by its owner only, WAL, foreign keys, busy timeout, `synchronous=FULL`) or
    /// PostgreSQL. With `read_cache` off every read goes to the database.
    pub async fn connect(url: &str, read_cache: bool) -> anyhow::Result<Store> {
        let is_sqlite = url.starts_with("sqlite:");
        if !is_sqlite && !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
            anyhow::bail!("unsupported database URL {url:?}: use sqlite://FILE or postgres://…");
        }
        if is_sqlite {
            owner_only_sqlite_files(url)?;
            sqlite_without_memory_statistics();
        }
        let mut options = ConnectOptions::new(url.to_string());
        options
            .sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(30));
        if is_sqlite {
            options
                .max_connections(8)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        // FULL: a commit is on disk before it is acknowledged, so
                        // nothing acknowledged is lost even to a power cut. NORMAL
                        // would only survive a crash of the process; writes here
                        // are few and small, and the fsync a commit costs is cheap
                        // next to the request around it.
                        .synchronous(SqliteSynchronous::Full)
                        .foreign_keys(true)
                        // What is deleted is overwritten, so an erased person's
                        // words do not linger in free pages of the file.
                        .pragma("secure_delete", "ON")
                        .busy_timeout(Duration::from_secs(30))
                });
        } else {
            options.max_connections(16);
        }
        let mut db = Database::connect(options)
            .await
            .with_context(|| format!("cannot open the database at {}", redact(url)))?;
        let counters = Arc::new(Counters::default());
        let counted = counters.clone();
        db.set_metric_callback(move |_| {
            counted.statements.fetch_add(1, Ordering::Relaxed);
        });
        let shared: SharedCaches = Arc::new(Shared::default());
        let store = Store {
            write_lock: is_sqlite.then(|| Arc::new(Mutex::new(()))),
            url: url.into(),
            db,
            shared,
            counters,
        };
        if read_cache {
            store.listen_for_changes();
        }
        Ok(store)
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        Migrator::up(&self.db, None)
            .await
            .context("running migrations")?;
        self.shared.generation.bump(Areas::ALL);
        Ok(())
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    /// Connections open in the pool, and how many of them are idle.
    pub fn pool_use(&self) -> (u32, usize) {
        match self.db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        }
    }

    /// The connection pool, for reads.
    pub fn read(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(super) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Starts a transaction that will write. On SQLite it first waits for this
    /// process's writer slot, then takes the write lock up front (`BEGIN
    /// IMMEDIATE`), so a writer in another process makes it wait (busy timeout)
    /// rather than fail half-way with SQLITE_BUSY.
    pub async fn write(&self) -> Result<WriteTx, DbErr> {
        self.counters.writes.fetch_add(1, Ordering::Relaxed);
        let Some(lock) = &self.write_lock else {
            return Ok(WriteTx {
                txn: self.db.begin().await?,
                _guard: None,
                shared: self.shared.clone(),
                touched: Default::default(),
            });
        };
        let guard = lock.clone().lock_owned().await;
        let txn = self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(WriteTx {
            txn,
            _guard: Some(guard),
            shared: self.shared.clone(),
            touched: Default::default(),
        })
    }

    /// Whether reads may be served from memory now: the store hears every write.
    pub fn caching(&self) -> bool {
        self.shared.generation.data().is_some()
    }

    /// Statements run so far on this store.
    pub fn statements(&self) -> u64 {
        self.counters.statements.load(Ordering::Relaxed)
    }

    /// Write transactions begun so far on this store.
    pub fn writes_begun(&self) -> u64 {
        self.counters.writes.load(Ordering::Relaxed)
    }

    /// After deleting what must not linger (an erasure): on SQLite, moves the
    /// write-ahead log into the database file and empties it, so that older copies
    /// of the deleted pages are gone from the log too. Best effort: a reader still
    /// holding an old snapshot leaves the rest for the next checkpoint. On both,
    /// forgets the texts kept opened in memory, the deleted ones among them.
    pub async fn scrub(&self) {
        super::sealed::forget_opened();
        if self.write_lock.is_some() {
            if let Err(e) = self
                .db
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
            {
                tracing::warn!(error = %e, "checkpointing the write-ahead log after an erasure");
            }
        }
    }

    /// After rewriting what was held in the clear (the first sealing of a
    /// database written before it): on SQLite, rebuilds the file (`VACUUM`), so
    /// that no page, nor the free space within a page that a row outgrew, keeps
    /// an old copy, then empties the write-ahead log. Writers in this process
    /// wait meanwhile; it runs once, at the start that seals. PostgreSQL keeps
    /// old row versions in its own files until they are vacuumed and reused;
    /// what it dumps (`pg_dump`, a backup) holds only the sealed values.
    pub async fn rewrite_file(&self) -> Result<(), DbErr> {
        if let Some(lock) = &self.write_lock {
            let _writers = lock.lock().await;
            self.db.execute_unprepared("VACUUM").await?;
            self.db
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
        Ok(())
    }

    /// Refreshes the planner's statistics of these tables after a bulk write
    /// (PostgreSQL's `ANALYZE`; SQLite plans well without them). Best effort: a
    /// failure only leaves the statistics to autovacuum, and is logged.
    pub async fn refresh_statistics(&self, tables: &[&str]) {
        if self.backend() != DatabaseBackend::Postgres || tables.is_empty() {
            return;
        }
        let sql = format!("ANALYZE {}", tables.join(", "));
        if let Err(e) = self.db.execute_unprepared(&sql).await {
            tracing::warn!(error = %e, "refreshing planner statistics after a bulk write");
        }
    }

    pub async fn ping(&self) -> bool {
        self.db.execute_unprepared("SELECT 1").await.is_ok()
    }

    pub async fn close(&self) {
        self.db.clone().close().await.ok();
    }

    /// Keeps the data generation moving with other servers' and processes' writes,
    /// and switches caching on while it can: PostgreSQL through LISTEN, SQLite by
    /// watching the file's count of changes.
    fn listen_for_changes(&self) {
        let shared = Arc::downgrade(&self.shared);
        let url = self.url.to_string();
        if self.write_lock.is_some() {
            tokio::spawn(watch_sqlite(url, shared));
        } else {
            tokio::spawn(listen_postgres(url, shared));
        }
    }
}

/// Hears every commit on the PostgreSQL database; while it cannot, caches are off.
async fn listen_postgres(url: String, shared: std::sync::Weak<Shared>) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        let connected = async {
            let mut listener = PgListener::connect(&url).await?;
            listener.listen(CHANGES_CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        }
        .await;
        match connected {
            Ok(mut listener) => {
                let Some(s) = shared.upgrade() else { return };
                s.generation.set_live(true);
                drop(s);
                loop {
                    let heard = listener.try_recv().await;
                    let Some(s) = shared.upgrade() else { return };
                    match heard {
                        Ok(Some(n)) => {
                            let (areas, from) = n.payload().split_once(':').unwrap_or(("", ""));
                            // Our own commits moved the generations on already.
                            if from != s.instance {
                                s.generation.bump(Areas::from_payload(areas));
                            }
                        }
                        Ok(None) | Err(_) => {
                            tracing::warn!("lost the change feed; caching is off until it is back");
                            s.generation.set_live(false);
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                if shared.upgrade().is_none() {
                    return;
                }
                tracing::warn!(error = %e, "cannot listen for changes; caching stays off");
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// SQLite: other processes (a second server, `tandem jobs run`) may write to the
/// same file. Every write that changes a cached area counts itself in the
/// `changes` row, in its own transaction; when the count grows by more than this
/// store's own commits, someone else wrote. Our count is read before the row, so
/// a commit of ours can only make it look like someone else's (one spare refresh),
/// never hide one.
async fn watch_sqlite(url: String, shared: std::sync::Weak<Shared>) {
    use sea_orm::sqlx::{sqlite::SqliteConnectOptions, ConnectOptions as _, Connection, Row};
    use std::str::FromStr;
    let Ok(options) = SqliteConnectOptions::from_str(&url) else {
        return;
    };
    let Ok(mut conn) = options.connect().await else {
        tracing::warn!("cannot watch the database file for other writers; caching stays off");
        return;
    };
    let mut last: Option<(i64, u64)> = None;
    loop {
        let Some(s) = shared.upgrade() else {
            conn.close().await.ok();
            return;
        };
        let ours = s.counted_changes.load(Ordering::SeqCst);
        let counted = sea_orm::sqlx::query("SELECT generation FROM changes WHERE id = 1")
            .fetch_one(&mut conn)
            .await
            .and_then(|row| row.try_get::<i64, _>(0));
        match (counted, last) {
            (Ok(now), None) => {
                last = Some((now, ours));
                s.generation.set_live(true);
            }
            (Ok(now), Some((before, ours_before))) => {
                if now - before > (ours - ours_before) as i64 {
                    s.generation.bump(Areas::ALL);
                }
                last = Some((now, ours));
            }
            (Err(_), _) => {
                s.generation.set_live(false);
                last = None;
            }
        }
        drop(s);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// SQLite keeps statistics of its memory under one lock for the whole process,
/// taken on every allocation, unless told not to before its first connection
/// (`SQLITE_CONFIG_MEMSTATUS`). Reading many rows on several connections at
/// once (a program's report: a copy of every value of every row) then spends
/// much of its time waiting on that lock. Tandem reads no such statistics.
pub(super) fn sqlite_without_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: called once, before this process opens any SQLite connection
        // (every one is opened by `Store::connect` or a backup's
        // `open_file`, after this); SQLite refuses
        // the call, changing nothing, if it were already in use. The option
        // takes one int.
        let _ = unsafe {
            libsqlite3_sys::sqlite3_config(
                libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS,
                0 as std::ffi::c_int,
            )
        };
    });
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
