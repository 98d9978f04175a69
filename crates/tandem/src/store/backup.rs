//! Backups: a consistent copy of the database as a SQLite file with Tandem's own
//! schema, whichever database it came from (so that either restores into
//! either, and `sqlite3` reads it), the manifest beside it, its verification,
//! and restoring one into an empty database.
//!
//! From SQLite the copy is `VACUUM INTO`, one read transaction while the server
//! goes on writing. From PostgreSQL it is one `REPEATABLE READ READ ONLY`
//! snapshot copied row by row, through the entities, into a file the migrations
//! built. A restore copies the same way, in one transaction, parents before
//! children; the counts the triggers keep are rebuilt by the triggers.
use super::db::{redact, Store};
use super::entities;
use anyhow::{bail, Context};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityName,
    EntityTrait, IdenStatic, IntoActiveModel, IsolationLevel, Iterable, ModelTrait,
    PrimaryKeyToColumn, PrimaryKeyTrait, QueryFilter, QueryOrder, QuerySelect, SqlxSqliteConnector,
    Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use tandem_migration::{Migrator, MigratorTrait};

/// Rows read and written at a time, so that memory stays flat however large a
/// table is.
const PAGE_ROWS: usize = 1_000;

/// Bound values in one `INSERT` at most: SQLite takes 32,766, PostgreSQL 65,535.
/// A wide table gets pages of fewer rows.
const MAX_VALUES: usize = 30_000;

/// Declares the tables a backup carries, once: the list, the copy and the
/// sequences to move on, all from the same entities.
macro_rules! backed_up {
    ($($entity:ident),+ $(,)?) => {
        /// The tables a backup carries, in the order they are restored: parents
        /// before children, as the migrations create them.
        pub fn tables() -> Vec<&'static str> {
            vec![$(entities::$entity::Entity.table_name()),+]
        }

        /// Copies every table, in `tables()` order, page by page.
        async fn copy_tables<F, T>(from: &F, to: &T, progress: &dyn Progress) -> anyhow::Result<()>
        where
            F: ConnectionTrait,
            T: ConnectionTrait,
        {
            $(copy_table::<entities::$entity::Entity, F, T>(from, to, progress).await?;)+
            Ok(())
        }

        /// PostgreSQL: rows came in with the ids they had, so each generated id's
        /// sequence is moved past the largest, or the next insert would collide.
        async fn move_sequences_on(db: &impl ConnectionTrait) -> anyhow::Result<()> {
            $(move_sequence_on::<entities::$entity::Entity>(db).await?;)+
            Ok(())
        }
    };
}

backed_up!(
    // m0001
    user,
    session,
    login_failure,
    profile,
    plan,
    program,
    coordinator,
    enrollment,
    shortlist_entry,
    mentorship,
    mentorship_mentee,
    agreement,
    agreement_signature,
    reflection,
    // m0002
    round,
    round_pair,
    // m0004
    email,
    // m0005
    goal,
    milestone,
    meeting,
    private_note,
    action_item,
    feedback,
    kudos,
    message,
    introduction,
    availability,
    // m0009
    notice,
    muted_notification,
    health_alert,
    // m0010
    away,
    // m0011
    checkin_plan,
    checkin_question,
    checkin,
    checkin_answer,
    survey,
    // m0013
    session_seen,
    user_seen,
    account_token,
    audit_entry,
    // m0014
    directory_word,
);

/// The tables of the schema a backup leaves out on purpose, and why.
pub const NOT_COPIED: &[(&str, &str)] = &[
    (
        "sealing_keys",
        "which key this database's content is sealed under: a restore records the key it \
         opened the backup with, and every start checks its key against it",
    ),
    (
        "relationship_counts",
        "derived: its triggers rebuild it as relationships and their meetings are restored",
    ),
    (
        "program_month_counts",
        "derived: its triggers rebuild it as meetings are restored",
    ),
    (
        "changes",
        "this database's own count of writes, for servers sharing one SQLite file; \
         every database starts its own",
    ),
];

/// What `FILE.manifest.json` says of the backup `FILE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The last migration applied to the backup's schema.
    pub schema_version: String,
    /// When the copy was taken (to the second, UTC).
    pub created_at: DateTime<Utc>,
    /// Rows per table, as counted in the backup file.
    pub tables: BTreeMap<String, u64>,
    /// Hex SHA-256 of the backup file.
    pub sha256: String,
}

/// Where the manifest of the backup `file` is: `FILE.manifest.json`.
pub fn manifest_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".manifest.json");
    PathBuf::from(name)
}

/// Told how a long copy goes, to show it (the command line draws bars).
pub trait Progress: Send + Sync {
    /// A step begins: a table of `rows` rows, or a step of unknown size (None).
    fn begin(&self, step: &str, rows: Option<u64>);
    /// `rows` more rows of the current step are done.
    fn advance(&self, rows: u64);
    /// The current step is done.
    fn end(&self);
}

/// Shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn end(&self) {}
}

/// A backup written: its manifest, where that went, and the file's size.
pub struct Written {
    pub manifest: Manifest,
    pub manifest_path: PathBuf,
    pub bytes: u64,
}

/// Writes a consistent copy of the database at `url` to `to`, and its manifest
/// beside it. Both are written under temporary names in the same folder and
/// renamed at the end, so a failed backup leaves nothing under `to`. An existing
/// `to` is replaced only with `force`.
pub async fn backup(
    url: &str,
    to: &Path,
    force: bool,
    progress: &dyn Progress,
) -> anyhow::Result<Written> {
    if to.is_dir() {
        bail!("{} is a folder: give the backup a file name", to.display());
    }
    let manifest_path = manifest_path(to);
    if !force {
        for path in [to, manifest_path.as_path()] {
            if path.exists() {
                bail!(
                    "{} already exists: choose another file, or give --force to replace it",
                    path.display()
                );
            }
        }
    }
    let source = open_existing(url).await?;
    let copied = async {
        let applied = applied_migrations(source.read())
            .await
            .with_context(|| format!("{} is not a Tandem database", redact(url)))?;
        ensure_current(&applied, "the database")?;
        let dir = folder_of(to);
        let partial = tempfile::Builder::new()
            .prefix(".tandem-backup-")
            .suffix(".partial")
            .tempfile_in(dir)
            .with_context(|| format!("cannot write a file in {}", dir.display()))?;
        let taken_at = Utc::now().trunc_subsecs(0);
        match source.backend() {
            DatabaseBackend::Sqlite => snapshot_sqlite(&source, partial.path(), progress).await?,
            _ => snapshot_postgres(&source, partial.path(), progress).await?,
        }
        Ok::<_, anyhow::Error>((partial, taken_at))
    }
    .await;
    source.close().await;
    let (partial, created_at) = copied?;

    // Journal mode DELETE: the file is whole by itself (no -wal beside it) and
    // opens read-only anywhere.
    let file = open_file(partial.path(), Access::Write).await?;
    let described = async {
        file.execute_unprepared("PRAGMA journal_mode = DELETE")
            .await
            .context("settling the backup file")?;
        let tables = count_rows(&file).await?;
        let schema_version = schema_version(&applied_migrations(&file).await?)?;
        Ok::<_, anyhow::Error>((tables, schema_version))
    }
    .await;
    file.close().await.ok();
    let (tables, schema_version) = described?;
    partial
        .as_file()
        .sync_all()
        .context("writing the backup to disk")?;
    let manifest = Manifest {
        schema_version,
        created_at,
        tables,
        sha256: sha256_of(partial.path())?,
    };
    let bytes = partial.as_file().metadata()?.len();

    let dir = folder_of(to);
    let mut written = tempfile::Builder::new()
        .prefix(".tandem-backup-")
        .suffix(".manifest.partial")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write a file in {}", dir.display()))?;
    serde_json::to_writer_pretty(&mut written, &manifest)?;
    written.write_all(b"\n")?;
    written.as_file().sync_all()?;
    put_in_place(partial, to, force)?;
    put_in_place(written, &manifest_path, force)?;
    if let Ok(folder) = std::fs::File::open(dir) {
        // The renames themselves on disk; best effort where a folder can't be synced.
        folder.sync_all().ok();
    }
    Ok(Written {
        manifest,
        manifest_path,
        bytes,
    })
}

/// A restore done: rows per table as counted in the database afterwards.
pub struct Restored {
    pub tables: BTreeMap<String, u64>,
    pub schema_version: String,
    /// The backup's schema when it was older than this Tandem's (migrated on a copy).
    pub upgraded_from: Option<String>,
}

/// Loads the backup `from` into the database at `url`, which must hold no row
/// (it is created or migrated to the current schema first); all or nothing.
pub async fn restore(url: &str, from: &Path, progress: &dyn Progress) -> anyhow::Result<Restored> {
    let backup = BackupFile::open(from).await?;
    let restored = async {
        let target = Store::connect(url, false).await?;
        let done = async {
            target.migrate().await?;
            restore_into(&target, url, &backup, progress).await
        }
        .await;
        target.close().await;
        done
    }
    .await;
    backup.db.close().await.ok();
    let tables = restored?;
    Ok(Restored {
        tables,
        schema_version: backup.schema_version,
        upgraded_from: backup.upgraded_from,
    })
}

async fn restore_into(
    target: &Store,
    url: &str,
    backup: &BackupFile,
    progress: &dyn Progress,
) -> anyhow::Result<BTreeMap<String, u64>> {
    let tx = target.write().await.context("starting the restore")?;
    // Checked in the transaction that writes, so nothing slips in between.
    if let Some(table) = first_with_rows(&tx).await? {
        let rows = count(&tx, table).await?;
        bail!(
            "refused: the database at {} is not empty ({table} has {rows} row{}); \
             restore into a new, empty database",
            redact(url),
            if rows == 1 { "" } else { "s" }
        );
    }
    copy_tables(&backup.db, &tx, progress).await?;
    if tx.get_database_backend() == DatabaseBackend::Postgres {
        move_sequences_on(&tx).await?;
    }
    if super::sealed::installed().is_some() {
        // Every sealed row of the backup opened with this key on its way in.
        super::sealing::register_sealing_key(&tx, Utc::now()).await?;
    }
    let tables = count_rows(&tx).await?;
    tx.commit().await.context("committing the restore")?;
    Ok(tables)
}

/// What `backup verify` found: the manifest, and every way the backup differs
/// from it (none: the backup is good).
pub struct Verification {
    pub manifest: Manifest,
    pub differences: Vec<String>,
}

/// Checks the backup `file` against its manifest: the checksum first, then the
/// file's integrity, then a restore into a scratch database whose row counts
/// must be the manifest's.
pub async fn verify(file: &Path, progress: &dyn Progress) -> anyhow::Result<Verification> {
    if !file.is_file() {
        bail!("no backup at {}", file.display());
    }
    let manifest_path = manifest_path(file);
    let text = std::fs::read_to_string(&manifest_path).with_context(|| {
        format!(
            "cannot read the manifest {} (`tandem backup` writes it beside the backup)",
            manifest_path.display()
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a backup manifest", manifest_path.display()))?;
    let mut differences = Vec::new();
    let sha256 = sha256_of(file)?;
    if sha256 != manifest.sha256 {
        differences.push(format!(
            "checksum differs: the manifest says {}, the file's SHA-256 is {sha256}",
            manifest.sha256
        ));
        return Ok(Verification {
            manifest,
            differences,
        });
    }
    let db = open_file(file, Access::ReadOnly).await?;
    let checked = integrity(&db).await;
    db.close().await.ok();
    let problems = checked?;
    if !problems.is_empty() {
        differences.push(format!("integrity check: {}", problems.join("; ")));
        return Ok(Verification {
            manifest,
            differences,
        });
    }
    let scratch = tempfile::tempdir().context("making a scratch folder")?;
    let url = format!("sqlite://{}", scratch.path().join("verify.db").display());
    let restored = restore(&url, file, progress)
        .await
        .context("restoring the backup into a scratch database")?;
    if restored.schema_version != manifest.schema_version {
        differences.push(format!(
            "schema_version: the manifest says {}, the file is at {}",
            manifest.schema_version, restored.schema_version
        ));
    }
    differences.extend(count_differences(&manifest.tables, &restored.tables));
    Ok(Verification {
        manifest,
        differences,
    })
}

/// Each table whose rows differ between the manifest and a restore, named.
fn count_differences(
    manifest: &BTreeMap<String, u64>,
    restored: &BTreeMap<String, u64>,
) -> Vec<String> {
    let mut names: Vec<&String> = manifest.keys().chain(restored.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|table| match (manifest.get(table), restored.get(table)) {
            (Some(m), Some(r)) if m == r => None,
            (Some(m), Some(r)) => Some(format!("{table}: {m} rows in the manifest, {r} restored")),
            (Some(m), None) => Some(format!(
                "{table}: {m} rows in the manifest, but this Tandem has no such table"
            )),
            (None, Some(r)) => Some(format!("{table}: {r} rows restored, none in the manifest")),
            (None, None) => None,
        })
        .collect()
}

/// A backup file opened for reading: as it is when its schema is this Tandem's,
/// or a migrated copy when it is older.
struct BackupFile {
    db: DatabaseConnection,
    schema_version: String,
    upgraded_from: Option<String>,
    /// Holds the migrated copy, removed when the restore is done.
    _scratch: Option<tempfile::TempDir>,
}

impl BackupFile {
    async fn open(path: &Path) -> anyhow::Result<BackupFile> {
        if !path.is_file() {
            bail!("no backup at {}", path.display());
        }
        let db = open_file(path, Access::ReadOnly).await?;
        let applied = match applied_migrations(&db).await {
            Ok(applied) => applied,
            Err(e) => {
                db.close().await.ok();
                return Err(e)
                    .with_context(|| format!("{} is not a Tandem backup", path.display()));
            }
        };
        let version = schema_version(&applied)?;
        match compare_schema(&applied) {
            Schema::Current => Ok(BackupFile {
                db,
                schema_version: version,
                upgraded_from: None,
                _scratch: None,
            }),
            Schema::Newer(unknown) => {
                db.close().await.ok();
                bail!(
                    "{} was written by a newer Tandem (its schema has {}, which this tandem \
                     does not know): restore it with that version of tandem or a later one",
                    path.display(),
                    unknown.join(", ")
                )
            }
            Schema::Older => {
                db.close().await.ok();
                let scratch = tempfile::tempdir().context("making a scratch folder")?;
                let copy = scratch.path().join("backup.db");
                std::fs::copy(path, &copy).with_context(|| {
                    format!("copying {} to bring its schema up to date", path.display())
                })?;
                let db = open_file(&copy, Access::Write).await?;
                if let Err(e) = Migrator::up(&db, None).await {
                    db.close().await.ok();
                    return Err(e).context("bringing the backup's schema up to date");
                }
                // A backup from before sealing holds its content in the clear:
                // sealed on the copy, as a first start would, before it is read.
                if let Err(e) = super::sealing::seal_unsealed(&db).await {
                    db.close().await.ok();
                    return Err(e).context("sealing the backup's content on the copy");
                }
                let current = schema_version(&applied_migrations(&db).await?)?;
                Ok(BackupFile {
                    db,
                    schema_version: current,
                    upgraded_from: Some(version),
                    _scratch: Some(scratch),
                })
            }
        }
    }
}

/// A schema against this Tandem's migrations.
enum Schema {
    Current,
    /// Some migrations are still to be applied.
    Older,
    /// It has migrations this Tandem does not know (their names).
    Newer(Vec<String>),
}

fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect()
}

fn compare_schema(applied: &[String]) -> Schema {
    let known = known_migrations();
    let unknown: Vec<String> = applied
        .iter()
        .filter(|m| !known.contains(m))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        Schema::Newer(unknown)
    } else if known.iter().all(|m| applied.contains(m)) {
        Schema::Current
    } else {
        Schema::Older
    }
}

/// A backup reads rows through this binary's entities, so the database must be
/// at this binary's schema.
fn ensure_current(applied: &[String], what: &str) -> anyhow::Result<()> {
    let known = known_migrations();
    let ours = known.last().map(String::as_str).unwrap_or("none");
    match compare_schema(applied) {
        Schema::Current => Ok(()),
        Schema::Older => bail!(
            "{what} is at schema {}, older than this tandem's ({ours}): run `tandem migrate` \
             on it first (the server does so when it starts)",
            applied.last().map(String::as_str).unwrap_or("none")
        ),
        Schema::Newer(unknown) => bail!(
            "{what} has migrations this tandem does not know ({}): back it up with the \
             tandem that serves it",
            unknown.join(", ")
        ),
    }
}

/// The last migration applied: the schema version a manifest names.
fn schema_version(applied: &[String]) -> anyhow::Result<String> {
    applied
        .iter()
        .max()
        .cloned()
        .context("no migration has been applied")
}

/// The names of the migrations applied, in order.
async fn applied_migrations(db: &impl ConnectionTrait) -> anyhow::Result<Vec<String>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .context("reading its migrations (seaql_migrations)")?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "version").map_err(Into::into))
        .collect()
}

/// Rows per backed-up table.
async fn count_rows(db: &impl ConnectionTrait) -> anyhow::Result<BTreeMap<String, u64>> {
    let mut counts = BTreeMap::new();
    for table in tables() {
        counts.insert(table.to_string(), count(db, table).await?);
    }
    Ok(counts)
}

/// The first backed-up table (in restore order) that holds a row, if any.
async fn first_with_rows(db: &impl ConnectionTrait) -> anyhow::Result<Option<&'static str>> {
    for table in tables() {
        let found = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT 1 AS found FROM \"{table}\" LIMIT 1"),
            ))
            .await
            .with_context(|| format!("looking for rows in {table}"))?;
        if found.is_some() {
            return Ok(Some(table));
        }
    }
    Ok(None)
}

async fn count(db: &impl ConnectionTrait, table: &str) -> anyhow::Result<u64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT count(*) AS n FROM \"{table}\""),
        ))
        .await
        .with_context(|| format!("counting the rows of {table}"))?
        .with_context(|| format!("counting the rows of {table}: no answer"))?;
    let n: i64 = row.try_get("", "n")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Copies one table in pages keyed by its primary key, so that memory stays flat
/// and each page starts where the last one ended (no OFFSET to rescan).
async fn copy_table<E, F, T>(from: &F, to: &T, progress: &dyn Progress) -> anyhow::Result<u64>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
    F: ConnectionTrait,
    T: ConnectionTrait,
{
    let table = E::default().table_name();
    progress.begin(table, Some(count(from, table).await?));
    let keys: Vec<E::Column> = E::PrimaryKey::iter().map(|k| k.into_column()).collect();
    let page = (MAX_VALUES / E::Column::iter().count().max(1)).clamp(1, PAGE_ROWS);
    let mut after: Option<Vec<sea_orm::Value>> = None;
    let mut copied = 0;
    loop {
        let mut select = E::find();
        if let Some(last) = after.take() {
            // Row values compare column by column, as the ORDER BY below sorts.
            select = select.filter(
                Expr::tuple(keys.iter().map(|k| ColumnTrait::into_expr(*k)))
                    .gt(Expr::tuple(last.into_iter().map(Expr::val))),
            );
        }
        for key in &keys {
            select = select.order_by_asc(*key);
        }
        let rows = select
            .limit(page as u64)
            .all(from)
            .await
            .with_context(|| format!("reading {table}"))?;
        let Some(last) = rows.last() else { break };
        after = Some(keys.iter().map(|k| last.get(*k)).collect());
        let n = rows.len();
        E::insert_many(rows.into_iter().map(IntoActiveModel::into_active_model))
            .exec_without_returning(to)
            .await
            .with_context(|| format!("writing {table}"))?;
        copied += n as u64;
        progress.advance(n as u64);
        if n < page {
            break;
        }
    }
    progress.end();
    Ok(copied)
}

/// On PostgreSQL, moves the sequence of `E`'s generated id past its largest id.
async fn move_sequence_on<E: EntityTrait>(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    if !<E::PrimaryKey as PrimaryKeyTrait>::auto_increment() {
        return Ok(());
    }
    let table = E::default().table_name();
    for key in E::PrimaryKey::iter() {
        let column = key.into_column();
        let name = column.as_str();
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('\"{table}\"', '{name}'), \
             coalesce(max(\"{name}\"), 0) + 1, false) FROM \"{table}\""
        ))
        .await
        .with_context(|| format!("moving the id sequence of {table} on"))?;
    }
    Ok(())
}

/// SQLite: one read transaction copies the whole file while writers go on.
async fn snapshot_sqlite(
    source: &Store,
    into: &Path,
    progress: &dyn Progress,
) -> anyhow::Result<()> {
    let path = into
        .to_str()
        .with_context(|| format!("{} is not a UTF-8 path", into.display()))?;
    progress.begin("snapshot (VACUUM INTO)", None);
    source
        .read()
        .execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            "VACUUM INTO ?",
            [path.into()],
        ))
        .await
        .context("copying the database (VACUUM INTO)")?;
    progress.end();
    Ok(())
}

/// PostgreSQL: one snapshot of every table, copied into a SQLite file the
/// migrations built, in one transaction on each side.
async fn snapshot_postgres(
    source: &Store,
    into: &Path,
    progress: &dyn Progress,
) -> anyhow::Result<()> {
    let file = open_file(into, Access::Write).await?;
    let copied = async {
        Migrator::up(&file, None)
            .await
            .context("building the schema in the backup file")?;
        let snapshot = source
            .read()
            .begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await
            .context("starting a snapshot of the database")?;
        let writing = file.begin().await?;
        copy_tables(&snapshot, &writing, progress).await?;
        writing
            .commit()
            .await
            .context("committing the backup file")?;
        snapshot.commit().await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    file.close().await.ok();
    copied
}

/// How a SQLite file is opened here.
#[derive(Clone, Copy)]
enum Access {
    /// Changes nothing, not even beside it.
    ReadOnly,
    /// Created if missing; rollback journal, and every commit on disk.
    Write,
}

/// One connection to a SQLite file (a backup, or its scratch copy), foreign keys on.
async fn open_file(path: &Path, access: Access) -> anyhow::Result<DatabaseConnection> {
    super::db::sqlite_without_memory_statistics();
    let options = SqliteConnectOptions::new()
        .filename(path)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(30));
    let options = match access {
        Access::ReadOnly => options.read_only(true),
        Access::Write => options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Delete)
            .synchronous(SqliteSynchronous::Full),
    };
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open {} as a SQLite database", path.display()))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// Opens the database to back up, which must exist (connecting would otherwise
/// create an empty SQLite file and back that up).
async fn open_existing(url: &str) -> anyhow::Result<Store> {
    if url.starts_with("sqlite:") {
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("{url:?} is not a SQLite database URL"))?;
        let file = options.get_filename();
        if !file.is_file() {
            bail!(
                "no database at {}: give --database-url (or TANDEM_DATABASE_URL) of the \
                 database to back up",
                file.display()
            );
        }
    }
    Store::connect(url, false).await
}

/// `PRAGMA integrity_check`'s complaints; none when it says ok.
async fn integrity(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .context("checking the file's integrity")?;
    let said: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    Ok(if said == ["ok"] { Vec::new() } else { said })
}

fn sha256_of(path: &Path) -> anyhow::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = std::io::Read::read(&mut file, &mut buffer)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The folder a file is in ("." for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Renames a finished temporary file to its name: over an existing file only with `force`.
fn put_in_place(file: tempfile::NamedTempFile, to: &Path, force: bool) -> anyhow::Result<()> {
    let placed = if force {
        file.persist(to)
    } else {
        file.persist_noclobber(to)
    };
    placed
        .map(|_| ())
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    async fn migrated() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/schema.db", dir.path().display());
        let store = Store::connect(&url, false).await.unwrap();
        store.migrate().await.unwrap();
        (dir, store)
    }

    async fn strings(db: &impl ConnectionTrait, sql: &str) -> Vec<String> {
        db.query_all_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect()
    }

    /// A table added to the schema must be added to `backed_up!` (or, derived,
    /// to `NOT_COPIED` with the reason), or backups would silently leave it out.
    #[tokio::test]
    async fn every_table_of_the_schema_is_backed_up_or_left_out_with_a_reason() {
        let (_dir, store) = migrated().await;
        let actual: BTreeSet<String> = strings(
            store.read(),
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations'",
        )
        .await
        .into_iter()
        .collect();
        let listed: BTreeSet<String> = tables()
            .into_iter()
            .chain(NOT_COPIED.iter().map(|(t, _)| *t))
            .map(String::from)
            .collect();
        let missing: Vec<&String> = actual.difference(&listed).collect();
        assert!(
            missing.is_empty(),
            "tables no backup carries: {missing:?}; add each to `backed_up!` in \
             crates/tandem/src/store/backup.rs (after the tables it references), or to \
             NOT_COPIED with the reason"
        );
        let gone: Vec<&String> = listed.difference(&actual).collect();
        assert!(gone.is_empty(), "listed but not in the schema: {gone:?}");
        store.close().await;
    }

    /// A restore inserts in `tables()` order with foreign keys on: every table
    /// a table references comes before it.
    #[tokio::test]
    async fn the_tables_are_restored_parents_first() {
        let (_dir, store) = migrated().await;
        let order = tables();
        for (at, table) in order.iter().enumerate() {
            let parents = strings(
                store.read(),
                &format!("SELECT \"table\" FROM pragma_foreign_key_list('{table}')"),
            )
            .await;
            for parent in parents {
                let parent_at = order.iter().position(|t| *t == parent);
                assert!(
                    parent_at.is_some_and(|p| p <= at),
                    "{table} references {parent}, which is restored after it (or not at all)"
                );
            }
        }
        store.close().await;
    }

    /// A SQLite database at the schema of the first `steps` migrations, with one account.
    async fn backup_at(dir: &Path, steps: u32) -> PathBuf {
        let path = dir.join(format!("at-{steps}.db"));
        let db = open_file(&path, Access::Write).await.unwrap();
        Migrator::up(&db, Some(steps)).await.unwrap();
        db.execute_unprepared(
            "INSERT INTO users (id, email, name, password_hash, is_admin, calendar_token, \
             created_at) VALUES ('u1', 'ada@example.org', 'Ada', 'x', 1, 't1', \
             '2027-01-01 09:00:00+00:00')",
        )
        .await
        .unwrap();
        db.close().await.unwrap();
        path
    }

    #[tokio::test]
    async fn a_backup_from_an_older_tandem_is_brought_up_to_date_on_a_copy() {
        crate::store::sealed::install(
            crate::sealing::Keyring::new(crate::sealing::Key::generate()),
        );
        let dir = tempfile::tempdir().unwrap();
        let older = known_migrations().len() as u32 - 1;
        let file = backup_at(dir.path(), older).await;
        let before = std::fs::read(&file).unwrap();
        let url = format!("sqlite://{}/restored.db", dir.path().display());
        let restored = restore(&url, &file, &Silent).await.unwrap();
        assert_eq!(
            restored.upgraded_from.as_deref(),
            Some(known_migrations()[older as usize - 1].as_str())
        );
        assert_eq!(&restored.schema_version, known_migrations().last().unwrap());
        assert_eq!(restored.tables["users"], 1);
        assert_eq!(
            std::fs::read(&file).unwrap(),
            before,
            "the backup is left as it was"
        );
    }

    #[tokio::test]
    async fn a_backup_from_a_newer_tandem_is_refused_naming_what_it_does_not_know() {
        let dir = tempfile::tempdir().unwrap();
        let file = backup_at(dir.path(), known_migrations().len() as u32).await;
        let db = open_file(&file, Access::Write).await.unwrap();
        db.execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_future', 0)",
        )
        .await
        .unwrap();
        db.close().await.unwrap();
        let url = format!("sqlite://{}/restored.db", dir.path().display());
        let refused = restore(&url, &file, &Silent).await.err().unwrap();
        let message = format!("{refused:#}");
        assert!(
            message.contains("newer Tandem") && message.contains("m9999_future"),
            "{message}"
        );
        assert!(
            !dir.path().join("restored.db").exists(),
            "nothing was created"
        );
    }

    #[test]
    fn differences_name_each_table() {
        let m = BTreeMap::from([("users".to_string(), 3), ("goals".to_string(), 1)]);
        let r = BTreeMap::from([("users".to_string(), 2), ("goals".to_string(), 1)]);
        assert_eq!(
            count_differences(&m, &r),
            vec!["users: 3 rows in the manifest, 2 restored"]
        );
        assert!(count_differences(&m, &m).is_empty());
    }

    #[test]
    fn the_manifest_sits_beside_the_file() {
        assert_eq!(
            manifest_path(Path::new("/b/tandem-2027.db")),
            PathBuf::from("/b/tandem-2027.db.manifest.json")
        );
    }
}
