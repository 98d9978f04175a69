//! `tandem backup`, `tandem backup verify` and `tandem restore` as an operator runs
//! them: the real binary, against a database the application keeps writing to, on
//! SQLite and (with TANDEM_TEST_POSTGRES_URL) PostgreSQL, restored into both.
use axum::http::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tandem::store::backup::tables;
use tandem_testkit::{on_both_databases, TestApp};

/// Runs `tandem ARGS` to completion (off the async threads, so the application
/// in this process goes on serving meanwhile).
async fn tandem(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(&args)
            .env("RUST_LOG", "warn")
            .env("TANDEM_KEY", tandem_testkit::TEST_KEY)
            .output()
            .expect("tandem runs")
    })
    .await
    .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn url_of(app: &TestApp) -> String {
    app.state.config.database_url.clone()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn manifest_of(file: &Path) -> Value {
    let text = std::fs::read_to_string(format!("{}.manifest.json", file.display())).unwrap();
    serde_json::from_str(&text).unwrap()
}

async fn one_number(db: &impl ConnectionTrait, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// Rows per backed-up table.
async fn counts(db: &impl ConnectionTrait) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for table in tables() {
        out.insert(
            table.to_string(),
            one_number(db, &format!("SELECT count(*) FROM \"{table}\"")).await,
        );
    }
    out
}

/// What the triggers keep, summed: it must come out of a restore as it went in.
async fn kept_counts(db: &impl ConnectionTrait) -> Vec<i64> {
    let mut out = Vec::new();
    for column in [
        "1",
        "held",
        "rating_sum",
        "ratings",
        "milestones",
        "achieved",
        "mentees",
        "signed",
    ] {
        let sql =
            format!("SELECT CAST(coalesce(sum({column}), 0) AS BIGINT) FROM relationship_counts");
        out.push(one_number(db, &sql).await);
    }
    for column in ["1", "held"] {
        let sql =
            format!("SELECT CAST(coalesce(sum({column}), 0) AS BIGINT) FROM program_month_counts");
        out.push(one_number(db, &sql).await);
    }
    out
}

async fn user_ids(db: &impl ConnectionTrait) -> std::collections::HashSet<String> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT id FROM users",
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get_by_index::<String>(0).unwrap())
    .collect()
}

async fn open_backup(file: &Path) -> DatabaseConnection {
    Database::connect(format!("sqlite://{}?mode=ro", file.display()))
        .await
        .unwrap()
}

/// An account the writer was told was created, and when it was told.
struct Acked {
    id: String,
    at: Instant,
}

/// Keeps signing people up through the API until told to stop, noting each
/// account acknowledged (201) and when.
struct Writer {
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<Acked>>>,
    count: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Writer {
    fn start(app: Arc<TestApp>) -> Writer {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn({
            let (stop, acked, count) = (stop.clone(), acked.clone(), count.clone());
            async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let (status, user) = app
                        .call(
                            Method::POST,
                            "/api/v1/auth/register",
                            None,
                            Some(json!({"email": format!("writer{n}@example.org"),
                                        "password": "correct horse battery",
                                        "name": format!("Writer {n}")})),
                        )
                        .await;
                    assert_eq!(status, StatusCode::CREATED, "{user}");
                    acked.lock().unwrap().push(Acked {
                        id: user["id"].as_str().unwrap().to_string(),
                        at: Instant::now(),
                    });
                    count.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        Writer {
            stop,
            acked,
            count,
            task,
        }
    }

    /// Waits until `n` more writes than now have been acknowledged.
    async fn wait_for_more(&self, n: usize) {
        let target = self.count.load(Ordering::SeqCst) + n;
        let started = Instant::now();
        while self.count.load(Ordering::SeqCst) < target {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the writer stalled"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn stop(self) -> Vec<Acked> {
        self.stop.store(true, Ordering::SeqCst);
        self.task.await.expect("the writer ran without failing");
        std::mem::take(&mut *self.acked.lock().unwrap())
    }
}

/// Empty databases to restore into: SQLite, and PostgreSQL when configured.
async fn empty_targets() -> Vec<TestApp> {
    let mut targets = vec![TestApp::sqlite().await];
    targets.extend(TestApp::postgres().await);
    targets
}

/// A backup taken while the application keeps writing is one consistent moment:
/// it holds every write acknowledged before the backup began, it restores into an
/// empty database of either kind with the manifest's row counts and intact
/// foreign keys, and the counts the triggers keep come back as they were.
async fn a_backup_taken_under_writes_restores_every_write_acknowledged_before_it(app: TestApp) {
    tandem::demo::seed(&app.state).await.unwrap();
    // Sign-in failures: rows whose ids the database generates.
    wrong_sign_in(&app).await;
    let app = Arc::new(app);
    let writer = Writer::start(app.clone());
    writer.wait_for_more(10).await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tandem.backup");
    let began = Instant::now();
    let out = tandem(&[
        "backup",
        "--to",
        path(&file),
        "--database-url",
        &url_of(&app),
    ])
    .await;
    let ended = Instant::now();
    // The writer was still writing when the backup ended.
    writer.wait_for_more(2).await;
    let acked = writer.stop().await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("backed up"),
        "a summary line: {}",
        text(&out)
    );
    let before: Vec<&String> = acked
        .iter()
        .filter(|a| a.at < began)
        .map(|a| &a.id)
        .collect();
    let during = acked
        .iter()
        .filter(|a| a.at >= began && a.at <= ended)
        .count();
    eprintln!(
        "{} writes acknowledged before the backup, {during} while it ran, {} in all",
        before.len(),
        acked.len()
    );

    let manifest = manifest_of(&file);
    let newest = {
        use tandem_migration::MigratorTrait;
        tandem_migration::Migrator::migrations()
            .last()
            .expect("migrations")
            .name()
            .to_string()
    };
    assert_eq!(manifest["schema_version"], newest.as_str());
    assert!(manifest["created_at"]
        .as_str()
        .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok() && t.ends_with('Z')));
    let expected: BTreeMap<String, i64> = manifest["tables"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(t, n)| (t.clone(), n.as_i64().unwrap()))
        .collect();
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        {
            let mut names = tables();
            names.sort();
            names
        }
        .iter()
        .collect::<Vec<_>>()
    );
    assert!(
        expected["meetings"] > 20 && expected["users"] > 30,
        "{expected:?}"
    );

    let backup = open_backup(&file).await;
    let in_backup = user_ids(&backup).await;
    for id in &before {
        assert!(
            in_backup.contains(*id),
            "{id}, acknowledged before the backup, is missing"
        );
    }
    // One moment: the writer's accounts in the backup are the first so many it
    // made, one after the other, with no gap.
    let held: Vec<bool> = acked.iter().map(|a| in_backup.contains(&a.id)).collect();
    let first_missing = held.iter().position(|h| !h).unwrap_or(held.len());
    assert!(
        held[first_missing..].iter().all(|h| !h),
        "the backup holds a later write without an earlier one: {held:?}"
    );
    assert_eq!(counts(&backup).await, expected);
    let kept = kept_counts(&backup).await;
    backup.close().await.unwrap();

    for target in empty_targets().await {
        let url = url_of(&target);
        let out = tandem(&[
            "restore",
            "--from",
            path(&file),
            "--database-url",
            &url,
            "-q",
        ])
        .await;
        assert!(out.status.success(), "restore into {url}: {}", text(&out));
        let db = target.state.store.read();
        assert_eq!(counts(db).await, expected, "rows in {url}");
        let restored = user_ids(db).await;
        for id in &before {
            assert!(restored.contains(*id), "{id} is missing from {url}");
        }
        assert_eq!(kept_counts(db).await, kept, "the kept counts in {url}");
        if url.starts_with("sqlite:") {
            let check = db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    "PRAGMA integrity_check",
                ))
                .await
                .unwrap();
            assert_eq!(check[0].try_get_by_index::<String>(0).unwrap(), "ok");
            let broken = db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    "PRAGMA foreign_key_check",
                ))
                .await
                .unwrap();
            assert!(
                broken.is_empty(),
                "{} rows break a foreign key",
                broken.len()
            );
        }
        // The restored database takes new writes: ids the database generates
        // (sign-in failures) go on after the restored ones instead of colliding.
        assert!(expected["login_failures"] > 0);
        wrong_sign_in(&target).await;
        assert!(
            one_number(db, "SELECT count(*) FROM login_failures").await
                > expected["login_failures"]
        );
    }
}

async fn wrong_sign_in(app: &TestApp) {
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@example.org", "password": "wrong password"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// A small program: three people, a program, enrolments and a request.
async fn small_program(app: &TestApp) {
    app.pair(json!({})).await;
}

/// `backup verify` passes a good backup, and names what differs when a byte of
/// the file or a count of the manifest changed.
async fn verify_passes_a_good_backup_and_names_what_differs(app: TestApp) {
    small_program(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.db");
    let url = url_of(&app);
    let out = tandem(&["backup", "--to", path(&file), "--database-url", &url, "-q"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(out.stderr.is_empty(), "--quiet: {}", text(&out));

    let out = tandem(&["backup", "verify", path(&file), "-q"]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("verifies"));

    // An existing backup is replaced only with --force.
    let good = std::fs::read(&file).unwrap();
    let out = tandem(&["backup", "--to", path(&file), "--database-url", &url, "-q"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(&file).unwrap(), good, "left as it was");
    let out = tandem(&[
        "backup",
        "--to",
        path(&file),
        "--database-url",
        &url,
        "-q",
        "--force",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out));
    let good = std::fs::read(&file).unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "b.db" && n != "b.db.manifest.json")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // One byte flipped.
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x01;
    std::fs::write(&file, &flipped).unwrap();
    let out = tandem(&["backup", "verify", path(&file), "-q"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("checksum differs"),
        "{}",
        text(&out)
    );

    // The file as it was, and a manifest that counts one account too many.
    std::fs::write(&file, &good).unwrap();
    let manifest_file = PathBuf::from(format!("{}.manifest.json", file.display()));
    let mut manifest = manifest_of(&file);
    let users = manifest["tables"]["users"].as_i64().unwrap();
    manifest["tables"]["users"] = json!(users + 1);
    std::fs::write(&manifest_file, manifest.to_string()).unwrap();
    let out = tandem(&["backup", "verify", path(&file), "-q"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(
            "users: {} rows in the manifest, {users} restored",
            users + 1
        )),
        "{said}"
    );
    assert!(!said.contains("checksum"), "{said}");
}

/// Restoring into a database that holds anything (here: the one backed up) is
/// refused with exit status 1, and changes nothing.
async fn restore_into_a_database_with_rows_is_refused_and_changes_nothing(app: TestApp) {
    small_program(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.db");
    let url = url_of(&app);
    let out = tandem(&["backup", "--to", path(&file), "--database-url", &url, "-q"]).await;
    assert!(out.status.success(), "{}", text(&out));
    let before = counts(app.state.store.read()).await;

    let out = tandem(&[
        "restore",
        "--from",
        path(&file),
        "--database-url",
        &url,
        "-q",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("not empty") && said.contains("users has 3 rows"),
        "{said}"
    );
    assert_eq!(counts(app.state.store.read()).await, before);
}

on_both_databases!(
    a_backup_taken_under_writes_restores_every_write_acknowledged_before_it,
    verify_passes_a_good_backup_and_names_what_differs,
    restore_into_a_database_with_rows_is_refused_and_changes_nothing,
);

/// The files that hold a pair's content are their owner's only (SPEC §7): the
/// SQLite database and its write-ahead log, a backup and its manifest, and each
/// e-mail in the outbox.
#[cfg(unix)]
#[tokio::test]
async fn the_database_its_log_a_backup_and_the_outbox_are_their_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let app = TestApp::sqlite().await;
    small_program(&app).await;
    app.person("Ada Lovelace").await;
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/password-reset",
            None,
            Some(json!({"email": "ada.lovelace@example.org"})),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    tandem::service::outbox::deliver_due(&app.state)
        .await
        .unwrap();

    let url = url_of(&app);
    let db = PathBuf::from(
        url.trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap(),
    );
    for file in [db.clone(), PathBuf::from(format!("{}-wal", db.display()))] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }

    let mailed: Vec<PathBuf> = std::fs::read_dir(app.outbox.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert!(!mailed.is_empty(), "the reset e-mail is in the outbox");
    for eml in &mailed {
        assert_eq!(mode(eml), 0o600, "{}", eml.display());
    }
    assert_eq!(mode(app.outbox.path()), 0o700);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tandem.backup");
    let out = tandem(&["backup", "--database-url", &url, "--to", path(&file)]).await;
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(mode(&file), 0o600);
    assert_eq!(
        mode(Path::new(&format!("{}.manifest.json", file.display()))),
        0o600
    );
}
