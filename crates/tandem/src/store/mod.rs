//! Persistence: the connection, write transactions and entities. Nothing else touches SQL.
pub mod entities;

use anyhow::Context;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use std::time::Duration;
use tandem_migration::{Migrator, MigratorTrait};
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
    /// SQLite allows one writer; taking this before `BEGIN` makes writers in this
    /// process queue up instead of failing with SQLITE_BUSY. PostgreSQL needs none.
    write_lock: Option<Arc<Mutex<()>>>,
}

/// A write transaction; dropped without `commit` it rolls back.
pub struct WriteTx {
    pub txn: DatabaseTransaction,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sea_orm::DbErr> {
        self.txn.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl Store {
    /// Opens the database named by the URL: SQLite (created if missing, WAL,
    /// foreign keys, busy timeout) or PostgreSQL.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        let is_sqlite = url.starts_with("sqlite:");
        if !is_sqlite && !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
            anyhow::bail!("unsupported database URL {url:?}: use sqlite://FILE or postgres://…");
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
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(30))
                });
        } else {
            options.max_connections(16);
        }
        let db = Database::connect(options)
            .await
            .with_context(|| format!("cannot open the database at {}", redact(url)))?;
        Ok(Store {
            write_lock: is_sqlite.then(|| Arc::new(Mutex::new(()))),
            db,
        })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        Migrator::up(&self.db, None)
            .await
            .context("running migrations")
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    /// Starts a transaction that will write. On SQLite it first waits for this
    /// process's writer slot, then takes the write lock up front (`BEGIN
    /// IMMEDIATE`), so a writer in another process makes it wait (busy timeout)
    /// rather than fail half-way with SQLITE_BUSY.
    pub async fn write(&self) -> Result<WriteTx, sea_orm::DbErr> {
        let Some(lock) = &self.write_lock else {
            return Ok(WriteTx {
                txn: self.db.begin().await?,
                _guard: None,
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
        })
    }

    pub async fn ping(&self) -> bool {
        self.db.execute_unprepared("SELECT 1").await.is_ok()
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
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

/// Lists are kept as JSON arrays in text columns: portable and easy to export.
pub fn list_to_text(items: &[String]) -> String {
    serde_json::to_string(items).expect("a list of strings serialises")
}

pub fn text_to_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
