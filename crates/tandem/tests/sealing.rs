//! Sealed content (SPEC §7) as an admin meets it: the longest texts still fit
//! once sealed; a database from before sealing is sealed on its first start
//! with a key, every row opening afterwards and none of it left in the file;
//! and a server started without its key, or with another, refuses to start.
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, Statement};
use serde_json::json;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tandem::store::entities::{meeting, mentorship, message};
use tandem_migration::{Migrator, MigratorTrait};
use tandem_testkit::{fast_config, on_both_databases, TestApp, TEST_KEY};

on_both_databases!(
    the_longest_texts_fit_once_sealed,
    a_sealed_text_copied_into_another_row_is_refused_even_once_opened
);

/// A goal title and a meeting place at their longest: their sealed values are
/// longer than the text, and the columns take them on both databases.
async fn the_longest_texts_fit_once_sealed(app: TestApp) {
    let pair = app.active_pair(json!({})).await;
    let title = "t".repeat(200);
    let (s, goal) = app
        .post(
            &format!("/api/v1/mentorships/{}/goals", pair.id),
            &pair.mentee,
            json!({"title": title, "horizon": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{goal}");
    let place = "p".repeat(300);
    let (s, meeting) = app
        .post(
            &format!("/api/v1/mentorships/{}/meetings", pair.id),
            &pair.mentor,
            json!({"starts_at": "2030-01-07T10:00:00Z", "duration_minutes": 30,
                   "location": place}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{meeting}");
    let (_, goals) = app
        .get(
            &format!("/api/v1/mentorships/{}/goals", pair.id),
            &pair.mentee,
        )
        .await;
    assert!(goals.to_string().contains(&title), "{goals}");
    let (_, m) = app
        .get(
            &format!("/api/v1/meetings/{}", meeting["id"].as_str().unwrap()),
            &pair.mentee,
        )
        .await;
    assert_eq!(m["location"], place.as_str());
}

/// The server keeps the texts it has opened in memory, by where they are and
/// what is stored; a ciphertext copied by hand into another message's row is
/// another place, and does not open there, though it opened (and is
/// remembered) in its own.
async fn a_sealed_text_copied_into_another_row_is_refused_even_once_opened(app: TestApp) {
    let pair = app.active_pair(json!({})).await;
    let thread = format!("/api/v1/mentorships/{}/messages", pair.id);
    let mut ids = Vec::new();
    for body in ["COPIED-SECRET-ONE", "the second message"] {
        let (s, m) = app
            .post(&thread, &pair.mentee, json!({ "body": body }))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        ids.push(m["id"].as_str().unwrap().to_string());
    }
    let (s, read) = app.get(&thread, &pair.mentor).await;
    assert_eq!(s, StatusCode::OK, "{read}");
    assert!(read.to_string().contains("COPIED-SECRET-ONE"), "{read}");

    let db = app.state.store.read();
    let first = message::Entity::find_by_id(ids[0].clone())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    // The first message's ciphertext, as stored, written over the second's.
    let stored: sea_orm::Value = first.body.clone().into();
    message::Entity::update_many()
        .col_expr(
            message::Column::Body,
            sea_orm::sea_query::Expr::value(stored),
        )
        .filter(message::Column::Id.eq(ids[1].clone()))
        .exec(db)
        .await
        .unwrap();

    let copied = message::Entity::find_by_id(ids[1].clone()).one(db).await;
    let refused = copied.expect_err("a ciphertext copied into another row must not open");
    assert!(refused.to_string().contains("does not open"), "{refused}");
    assert!(
        !refused.to_string().contains("COPIED-SECRET-ONE"),
        "{refused}"
    );
    // Where it belongs, it still opens.
    let first = message::Entity::find_by_id(ids[0].clone()).one(db).await;
    assert_eq!(first.unwrap().unwrap().body.as_str(), "COPIED-SECRET-ONE");
}

const CANARY: &str = "BEFORE-SEALING-CANARY";

/// Writes, through the schema as it stood before sealing (m0015), a pair whose
/// request, 450 messages and meeting hold the canary in the clear.
async fn unsealed_database(url: &str) {
    let db = Database::connect(format!("{url}?mode=rwc")).await.unwrap();
    Migrator::up(&db, Some(15)).await.unwrap();
    let at = "'2026-01-01T00:00:00Z'";
    for sql in [
        format!(
            "INSERT INTO users (id, email, name, password_hash, is_admin, calendar_token, \
             created_at, disabled) VALUES ('u1', 'mentor@example.org', 'Mentor', 'x', false, \
             't1', {at}, false), ('u2', 'mentee@example.org', 'Mentee', 'x', false, 't2', {at}, \
             false)"
        ),
        format!(
            "INSERT INTO programs (id, name, description, kind, context, starts_on, ends_on, \
             mentor_capacity, cadence_days, max_mentors_per_mentee, request_expiry_days, \
             max_timezone_gap_hours, weights, created_at) VALUES ('p1', 'P', '', 'traditional', \
             'workplace', '2026-01-01', '2026-12-31', 2, 14, 1, 14, 12, '{{}}', {at})"
        ),
        format!(
            "INSERT INTO mentorships (id, program_id, mentor_id, status, origin, intro, reasons, \
             ask, mentor_accepted, created_at, started_at) VALUES ('m1', 'p1', 'u1', 'active', \
             'request', '{CANARY} intro', '{CANARY} reasons', '{CANARY} ask', true, {at}, {at})"
        ),
        format!(
            "INSERT INTO mentorship_mentees (id, mentorship_id, mentee_id, accepted, joined_at) \
             VALUES ('mm1', 'm1', 'u2', true, {at})"
        ),
        // More than the batches the sealing goes in (200), to cross from one to the next.
        format!(
            "INSERT INTO messages (id, mentorship_id, author_id, body, created_at) VALUES {}",
            (1..=450)
                .map(|i| format!("('g{i:03}', 'm1', 'u2', '{CANARY} message {i}', {at})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "INSERT INTO meetings (id, mentorship_id, starts_at, duration_minutes, location, \
             agenda, status, shared_notes, sequence, booked, created_at, updated_at) VALUES \
             ('e1', 'm1', {at}, 30, '{CANARY} place', '[\"{CANARY} agenda\"]', 'held', \
             '{CANARY} notes', 0, false, {at}, {at})"
        ),
    ] {
        db.execute_raw(Statement::from_string(
            db.get_database_backend(),
            sql.clone(),
        ))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    db.close().await.unwrap();
}

fn file_text(path: &Path) -> String {
    let mut all = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(bytes) = std::fs::read(format!("{}{suffix}", path.display())) {
            all.extend(bytes);
        }
    }
    String::from_utf8_lossy(&all).into_owned()
}

#[tokio::test]
async fn a_database_from_before_sealing_is_sealed_on_its_first_start_with_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.db");
    let url = format!("sqlite://{}", file.display());
    unsealed_database(&url).await;
    assert!(
        file_text(&file).contains(CANARY),
        "the canary starts in the clear"
    );

    let app = tandem::build(fast_config(&url)).await.expect("it starts");
    let db = app.state.store.read();
    let m = mentorship::Entity::find_by_id("m1")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.intro.as_str(), format!("{CANARY} intro"));
    assert_eq!(m.ask.as_str(), format!("{CANARY} ask"));
    let thread = message::Entity::find().all(db).await.unwrap();
    assert_eq!(thread.len(), 450);
    for g in &thread {
        let i: u32 = g.id[1..].parse().unwrap();
        assert_eq!(g.body.as_str(), format!("{CANARY} message {i}"));
    }
    let e = meeting::Entity::find_by_id("e1")
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(e.agenda.0, [format!("{CANARY} agenda")]);
    assert_eq!(e.shared_notes.as_str(), format!("{CANARY} notes"));
    assert_eq!(e.location.as_str(), format!("{CANARY} place"));
    app.state.store.close().await;
    assert!(
        !file_text(&file).contains(CANARY),
        "the canary is left in the clear"
    );
}

/// Runs `tandem serve` on `url` with `key` (`None`: the key file in `dir`);
/// it must refuse, exit with 1 and say `wanted`, within a minute.
fn refuses_to_serve(dir: &Path, url: &str, key: Option<&str>, wanted: &[&str]) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", url])
        .current_dir(dir)
        .env_remove("TANDEM_KEY")
        .env_remove("TANDEM_KEY_FILE")
        .env("TANDEM_OUTBOX_DIR", dir.join("outbox"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(key) = key {
        command.env("TANDEM_KEY", key);
    }
    let mut child = command.spawn().expect("tandem runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            panic!("tandem serve started without its key");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(1), "{said}");
    for w in wanted {
        assert!(said.contains(w), "{w:?} in {said}");
    }
}

#[tokio::test]
async fn a_server_without_its_key_or_with_another_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/sealed.db", dir.path().display());
    // Content sealed under the test key.
    let app = TestApp::sqlite_with(|c| c.database_url = url.clone()).await;
    app.pair(json!({})).await;
    app.state.store.close().await;
    let key_id = tandem::sealing::Key::from_base64(TEST_KEY)
        .unwrap()
        .id()
        .to_string();

    refuses_to_serve(dir.path(), &url, None, &["tandem.key is missing", &key_id]);
    assert!(
        !dir.path().join("tandem.key").exists(),
        "no new key is made for a sealed database"
    );
    let other = tandem::sealing::Key::generate().to_base64();
    refuses_to_serve(dir.path(), &url, Some(&other), &["TANDEM_KEY", &key_id]);
}

/// Runs `tandem keys ARGS` on `url` with the key file `key_file` only.
fn keys(args: &[&str], url: &str, key_file: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .arg("keys")
        .args(args)
        .args(["--database-url", url, "--key-file"])
        .arg(key_file)
        .arg("-q")
        .env_remove("TANDEM_KEY")
        .env_remove("TANDEM_KEY_FILE")
        .output()
        .expect("tandem runs")
}

fn said(out: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn write_key(path: &Path, base64: &str) {
    std::fs::remove_file(path).ok();
    let key = tandem::sealing::Key::from_base64(base64).unwrap();
    tandem::sealing::keyfile::create(path, &key).unwrap();
}

/// The mentee's request text, read through the store with `key`.
async fn request_text(url: &str, key: &str) -> String {
    let mut config = fast_config(url);
    config.keys.key = Some(key.to_string());
    let app = tandem::build(config).await.expect("it starts with the key");
    let all = mentorship::Entity::find()
        .all(app.state.store.read())
        .await
        .unwrap();
    app.state.store.close().await;
    all.iter().map(|m| m.intro.to_string()).collect()
}

#[tokio::test]
async fn keys_check_opens_every_row_and_rotate_reseals_them_resuming_after_an_interruption() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/rotated.db", dir.path().display());
    let key_file = dir.path().join("tandem.key");
    let app = TestApp::sqlite_with(|c| c.database_url = url.clone()).await;
    app.pair(json!({})).await;
    app.state.store.close().await;
    let before = request_text(&url, TEST_KEY).await;
    assert!(!before.is_empty());
    write_key(&key_file, TEST_KEY);

    let out = keys(&["check"], &url, &key_file);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(
        said(&out).contains("every sealed value opens"),
        "{}",
        said(&out)
    );

    let out = keys(&["rotate"], &url, &key_file);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(
        !dir.path().join("tandem.key.old").exists(),
        "the old key is gone at the end"
    );
    let new_key = std::fs::read_to_string(&key_file).unwrap();
    let new_key = tandem::sealing::Key::from_base64(&new_key)
        .unwrap()
        .to_base64();
    assert_ne!(new_key, TEST_KEY);
    assert_eq!(request_text(&url, &new_key).await, before);
    let out = keys(&["check"], &url, &key_file);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));

    // The old key opens nothing any more, and check says where.
    let old_file = dir.path().join("old.key");
    write_key(&old_file, TEST_KEY);
    let out = keys(&["check"], &url, &old_file);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("mentorships.intro"), "{}", said(&out));

    // A rotation interrupted after its new key was put in place: run again, it
    // goes on with the old key beside the new one and finishes.
    std::fs::rename(&key_file, dir.path().join("tandem.key.old")).unwrap();
    let third = tandem::sealing::Key::generate().to_base64();
    write_key(&key_file, &third);
    let out = keys(&["rotate"], &url, &key_file);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
    assert!(said(&out).contains("went on"), "{}", said(&out));
    assert!(!dir.path().join("tandem.key.old").exists());
    assert_eq!(request_text(&url, &third).await, before);
    let out = keys(&["check"], &url, &key_file);
    assert_eq!(out.status.code(), Some(0), "{}", said(&out));
}

/// Every text column of the schema is sealed or said why not, so a new content
/// column can't be forgotten.
#[tokio::test]
async fn every_text_column_is_sealed_or_said_why_not() {
    use tandem::store::sealed::{NOT_SEALED, SEALED};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/schema.db?mode=rwc", dir.path().display());
    let db = Database::connect(&url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let sqlite = sea_orm::DatabaseBackend::Sqlite;
    let tables = db
        .query_all_raw(Statement::from_string(
            sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        ))
        .await
        .unwrap();
    let mut unsaid = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in tables {
        let table: String = t.try_get("", "name").unwrap();
        let columns = db
            .query_all_raw(Statement::from_string(
                sqlite,
                format!("SELECT name, type FROM pragma_table_info('{table}')"),
            ))
            .await
            .unwrap();
        for c in columns {
            let column: String = c.try_get("", "name").unwrap();
            let kind: String = c.try_get("", "type").unwrap();
            let kind = kind.to_lowercase();
            if kind != "text" && !kind.starts_with("varchar") {
                continue;
            }
            seen.insert((table.clone(), column.clone()));
            let sealed = SEALED
                .iter()
                .any(|s| s.table == table && s.column == column);
            let said = NOT_SEALED
                .iter()
                .any(|(t, cs, _)| (*t == table || *t == "*") && cs.contains(&column.as_str()));
            if !sealed && !said {
                unsaid.push(format!("{table}.{column}"));
            }
        }
    }
    assert!(
        unsaid.is_empty(),
        "text columns neither sealed nor in NOT_SEALED with a reason: {unsaid:?}"
    );
    for s in SEALED {
        assert!(
            seen.contains(&(s.table.to_string(), s.column.to_string())),
            "{}.{} is declared sealed but is not a text column of the schema",
            s.table,
            s.column
        );
    }
}
