//! A canary string written into every content field of a relationship never
//! reaches anyone outside the pair: not a coordinator's or an admin's view, not
//! another person's export, not an e-mail to anyone else (an introduction's own
//! note, sent to its contact, aside), not a page they see, not the server's log.
//! In a group it stays with the members of the time it was written, and when its
//! author erases their account it goes, from every view and from the SQLite file.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use tandem_testkit::TestApp;

const CANARY: &str = "CANARY-q7Zt";

/// Everything logged in this process, at every level.
fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let writer = move || Sink(sink.clone());
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(writer)
            .with_ansi(false)
            .init();
        buffer
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn canary(what: &str) -> String {
    format!("{CANARY} {what}")
}

async fn the_canary_stays_within_the_pair(app: TestApp) {
    let log = log();
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (mentee_id, mentee) = app.person("Mentee").await;
    let (coord_id, coord) = app.person("Coord").await;
    let (other_mentor_id, other_mentor) = app.person("Other Mentor").await;
    let (_, other_mentee) = app.person("Other Mentee").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    app.post(
        &format!("/api/v1/programs/{program}/coordinators"),
        &admin,
        json!({"person_id": coord_id}),
    )
    .await;
    for (token, role) in [
        (&mentor, "mentor"),
        (&mentee, "mentee"),
        (&other_mentor, "mentor"),
        (&other_mentee, "mentee"),
    ] {
        app.enroll(&program, token, role).await;
    }
    let (s, r) = app
        .post(
            "/api/v1/mentorships",
            &mentee,
            json!({"program_id": program, "mentor_id": mentor_id,
            "intro": canary("intro"), "reasons": canary("reasons"), "ask": canary("ask")}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_str().unwrap().to_string();
    app.post(
        &format!("/api/v1/mentorships/{id}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    let other = app.request(&program, &other_mentee, &other_mentor_id).await;
    app.post(
        &format!("/api/v1/mentorships/{other}/accept"),
        &other_mentor,
        json!({}),
    )
    .await;

    // Every content field of the relationship holds the canary.
    let ok = |s: StatusCode, v: &serde_json::Value| assert!(s.is_success(), "{s}: {v}");
    let (s, v) = app
        .put(&format!("/api/v1/mentorships/{id}/agreement"), &mentor, json!({"goals": canary("goals"),
            "channel": canary("channel"), "boundaries": canary("boundaries"), "confidentiality": canary("confidentiality")}))
        .await;
    ok(s, &v);
    let (s, g) = app
        .post(
            &format!("/api/v1/mentorships/{id}/goals"),
            &mentee,
            json!({"title": canary("goal"), "description": canary("goal text")}),
        )
        .await;
    ok(s, &g);
    let goal = g["id"].as_str().unwrap();
    let (s, v) = app
        .post(
            &format!("/api/v1/goals/{goal}/milestones"),
            &mentee,
            json!({"title": canary("milestone"), "description": canary("milestone text")}),
        )
        .await;
    ok(s, &v);
    let milestone = v["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/milestones/{milestone}"),
        &mentee,
        json!({"status": "achieved"}),
    )
    .await;
    let past = (Utc::now() - Duration::days(1)).to_rfc3339();
    let (s, m) = app
        .post(
            &format!("/api/v1/mentorships/{id}/meetings"),
            &mentee,
            json!({"starts_at": past,
            "location": canary("location"), "agenda": [canary("agenda")]}),
        )
        .await;
    ok(s, &m);
    let meeting = m["id"].as_str().unwrap();
    let (s, v) = app
        .patch(
            &format!("/api/v1/meetings/{meeting}"),
            &mentor,
            json!({"status": "held", "shared_notes": canary("shared notes")}),
        )
        .await;
    ok(s, &v);
    for (token, who) in [(&mentor, "mentor"), (&mentee, "mentee")] {
        let (s, v) = app
            .put(
                &format!("/api/v1/meetings/{meeting}/private-note"),
                token,
                json!({"body": canary(&format!("private {who}"))}),
            )
            .await;
        ok(s, &v);
        let (s, v) = app
            .post(&format!("/api/v1/meetings/{meeting}/feedback"), token, json!({"rating": 2,
                "went_well": canary("went well"), "to_improve": canary("to improve"), "encouragement": canary("encouragement")}))
            .await;
        ok(s, &v);
    }
    let (s, v) = app
        .post(
            &format!("/api/v1/meetings/{meeting}/action-items"),
            &mentor,
            json!({"title": canary("action"), "owner_id": mentee_id}),
        )
        .await;
    ok(s, &v);
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{id}/kudos"),
            &mentee,
            json!({"message": canary("kudos")}),
        )
        .await;
    ok(s, &v);
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{id}/messages"),
            &mentor,
            json!({"body": canary("message")}),
        )
        .await;
    ok(s, &v);
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{id}/introductions"),
            &mentor,
            json!({"contact_name": "Grace Contact",
            "contact_email": "grace@example.net", "note": canary("introduction")}),
        )
        .await;
    ok(s, &v);
    // A slot of the mentor's office hours, booked with an agenda and a meeting link.
    let every_day: Vec<_> = (1..=7)
        .map(|d| json!({"weekday": d, "start": "00:00", "end": "24:00"}))
        .collect();
    let (s, v) = app
        .put(
            "/api/v1/me/availability",
            &mentor,
            json!({"slot_minutes": 60, "windows": every_day}),
        )
        .await;
    ok(s, &v);
    let (_, free) = app
        .get(&format!("/api/v1/mentorships/{id}/slots"), &mentee)
        .await;
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{id}/bookings"),
            &mentee,
            json!({"starts_at": free["items"][0]["starts_at"], "agenda": [canary("booking agenda")],
            "location": format!("https://meet.example.org/{CANARY}")}),
        )
        .await;
    ok(s, &v);
    // A check-in's text answer: pooled for coordinators only from five answers on.
    let (s, plan) = app
        .put(
            &format!("/api/v1/programs/{program}/checkins"),
            &coord,
            json!({"questions": [{"text": "What would help?", "kind": "text"}]}),
        )
        .await;
    ok(s, &plan);
    let now = app.state.clock.now();
    tandem::store::checkins::create(
        app.state.store.read(),
        &[tandem::store::checkins::NewCheckin {
            program_id: program.clone(),
            mentorship_id: id.clone(),
            user_id: mentee_id.clone(),
            due_on: now.date_naive(),
        }],
        now,
    )
    .await
    .unwrap();
    let (_, due) = app.get("/api/v1/me/checkins", &mentee).await;
    let checkin = due["items"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = app
        .post(
            &format!("/api/v1/checkins/{checkin}/answers"),
            &mentee,
            json!({"answers": [{"question_id": plan["questions"][0]["id"], "value": canary("check-in")}]}),
        )
        .await;
    ok(s, &v);
    // The pair itself reads it (so the checks below look where it would show).
    let (_, seen) = app
        .get(&format!("/api/v1/meetings/{meeting}"), &mentee)
        .await;
    assert!(seen.to_string().contains(CANARY));
    let (_, html) = app.get_page(&format!("/mentorships/{id}"), &mentee).await;
    assert!(
        html.contains(CANARY),
        "the pair's own page shows what they wrote"
    );
    let (_, html) = app.get_page("/office-hours", &mentor).await;
    assert!(
        html.contains(CANARY),
        "the mentor's office hours show the booking's link"
    );
    // Each section of the workspace and the meeting's page show theirs.
    for path in [
        format!("/mentorships/{id}/meetings"),
        format!("/mentorships/{id}/goals"),
        format!("/mentorships/{id}/messages"),
        format!("/mentorships/{id}/notes"),
        format!("/meetings/{meeting}"),
    ] {
        let (s, html) = app.get_page(&path, &mentee).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(
            html.contains(CANARY),
            "the pair's own {path} shows what they wrote"
        );
    }

    // Who oversees the program, and the people outside the pair.
    let mut views = Vec::new();
    for (who, token) in [("coordinator", &coord), ("admin", &admin)] {
        for path in [
            format!("/api/v1/mentorships/{id}"),
            format!("/api/v1/mentorships/{id}/progress"),
            format!("/api/v1/programs/{program}/mentorships"),
            format!("/api/v1/programs/{program}/enrollments"),
            "/api/v1/me/export".to_string(),
            format!("/api/v1/programs/{program}/report"),
            format!("/api/v1/programs/{program}/report.csv"),
            format!("/api/v1/programs/{program}/enrolments.csv"),
            format!("/api/v1/programs/{program}/report.svg?chart=funnel"),
            format!("/api/v1/programs/{program}/report.svg?chart=meetings_per_month"),
            format!("/api/v1/programs/{program}/report.svg?chart=health"),
            format!("/api/v1/programs/{program}/report.svg?chart=retention"),
        ] {
            let (s, v) = app.get(&path, token).await;
            assert!(s.is_success(), "{who} {path}: {s}");
            views.push((format!("{who}: {path}"), v.to_string()));
        }
        for path in [
            format!("/mentorships/{id}"),
            format!("/programs/{program}"),
            format!("/programs/{program}/dashboard"),
            format!("/programs/{program}/checkins"),
            "/dashboard".to_string(),
            "/office-hours".to_string(),
        ] {
            let (s, html) = app.get_page(&path, token).await;
            assert_eq!(s, StatusCode::OK, "{who} {path}");
            views.push((format!("{who}: page {path}"), html));
        }
        // The workspace's sections and the meeting's page are the pair's own.
        for path in [
            format!("/mentorships/{id}/meetings"),
            format!("/mentorships/{id}/goals"),
            format!("/mentorships/{id}/messages"),
            format!("/mentorships/{id}/notes"),
            format!("/meetings/{meeting}"),
        ] {
            let (s, html) = app.get_page(&path, token).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who} {path}");
            views.push((format!("{who}: page {path}"), html));
        }
    }
    for (who, token) in [
        ("other mentor", &other_mentor),
        ("other mentee", &other_mentee),
    ] {
        let (_, v) = app.get("/api/v1/me/export", token).await;
        views.push((format!("{who}: export"), v.to_string()));
        let (_, html) = app.get_page("/dashboard", token).await;
        views.push((format!("{who}: dashboard"), html));
        let (_, html) = app.get_page("/office-hours", token).await;
        views.push((format!("{who}: office hours"), html));
    }
    for (what, text) in &views {
        assert!(!text.contains(CANARY), "the canary reached {what}");
    }
    // Sealed at rest (SPEC §7): the database, its log, a backup and a dump hold
    // no canary in the clear, while the pair's own views above still show it.
    assert_nothing_in_the_clear_at_rest(&app).await;
    // E-mails: only to the pair, and the introduction's note to its contact.
    let pair = ["mentor@example.org", "mentee@example.org"];
    let mails = app.emails();
    assert!(
        mails
            .iter()
            .any(|m| m.contains("grace@example.net") && m.contains(CANARY)),
        "the contact reads the note"
    );
    for mail in mails {
        let to = mail
            .lines()
            .find(|l| l.starts_with("To:"))
            .unwrap_or_default()
            .to_string();
        if !mail.contains(CANARY) || pair.iter().any(|p| to.contains(p)) {
            continue;
        }
        assert!(
            to.contains("grace@example.net"),
            "the canary was e-mailed to {to}"
        );
        let unfolded = mail.replace("=\r\n", "").replace("=\n", "");
        assert_eq!(
            unfolded.matches(CANARY).count(),
            1,
            "the contact got more than the note: {mail}"
        );
        assert!(unfolded.contains("introduction"));
    }
    // A forgotten password, its link used: the token travels by e-mail only.
    app.call(
        axum::http::Method::POST,
        "/api/v1/auth/password-reset",
        None,
        Some(json!({"email": "mentee@example.org"})),
    )
    .await;
    // As the server's background worker does.
    tandem::service::outbox::deliver_due(&app.state)
        .await
        .unwrap();
    let mut reset_mail = None;
    for _ in 0..100 {
        reset_mail = app
            .emails()
            .into_iter()
            .map(|m| {
                m.replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=")
            })
            .find(|m| m.contains("reset-password?token="));
        if reset_mail.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let reset_mail = reset_mail.expect("a reset e-mail");
    let start = reset_mail.find("token=").unwrap() + "token=".len();
    let reset_token: String = reset_mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let (s, _) = app
        .call(
            axum::http::Method::POST,
            "/api/v1/auth/password-reset/confirm",
            None,
            Some(json!({"token": reset_token, "password": "a brand new passphrase"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let logged = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(
        !logged.is_empty(),
        "nothing was logged, so the log check would prove nothing"
    );
    assert!(
        !logged.contains(CANARY),
        "the canary is in the server's log"
    );
    for (what, secret) in [
        ("a session token", admin.as_str()),
        ("a session token", mentor.as_str()),
        ("a reset token", reset_token.as_str()),
        ("an e-mail address", "mentee@example.org"),
        ("a person's name", "Other Mentee"),
    ] {
        assert!(!logged.contains(secret), "{what} is in the server's log");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_canary_stays_within_the_pair() {
    log();
    the_canary_stays_within_the_pair(TestApp::sqlite().await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_canary_stays_within_the_pair() {
    log();
    if let Some(app) = TestApp::postgres().await {
        the_canary_stays_within_the_pair(app).await
    }
}

/// The SQLite file and its write-ahead log (or, on PostgreSQL, `pg_dump` of the
/// database) and a backup of it hold no canary in the clear.
async fn assert_nothing_in_the_clear_at_rest(app: &TestApp) {
    let url = app.state.config.database_url.clone();
    match sqlite_files(app) {
        Some(files) => assert!(
            !files.contains(CANARY),
            "the canary is in the clear in the SQLite file or its log"
        ),
        None => {
            let out = std::process::Command::new("pg_dump")
                .arg(&url)
                .output()
                .expect("pg_dump runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let dump = String::from_utf8_lossy(&out.stdout);
            assert!(dump.contains("CREATE TABLE"), "pg_dump wrote a dump");
            assert!(
                !dump.contains(CANARY),
                "the canary is in the clear in pg_dump"
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("canary.backup");
    tandem::store::backup::backup(&url, &file, false, &tandem::store::backup::Silent)
        .await
        .expect("a backup");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.len() > 10_000, "the backup holds the database");
    assert!(
        !String::from_utf8_lossy(&bytes).contains(CANARY),
        "the canary is in the clear in a backup"
    );
}

/// Every byte of the SQLite file and its write-ahead log, as text (None on PostgreSQL).
fn sqlite_files(app: &TestApp) -> Option<String> {
    let path = app
        .state
        .config
        .database_url
        .strip_prefix("sqlite://")?
        .to_string();
    let mut all = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
            all.extend(bytes);
        }
    }
    Some(String::from_utf8_lossy(&all).into_owned())
}

/// What one person sees of a relationship and of themself, through the API and the pages.
async fn everything_seen_by(app: &TestApp, token: &str, id: &str) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for list in [
        "",
        "/messages",
        "/kudos",
        "/meetings",
        "/goals",
        "/introductions",
        "/timeline",
        "/workspace",
        "/agreement",
        "/progress",
    ] {
        let path = format!("/api/v1/mentorships/{id}{list}");
        let (_, v) = app.get(&path, token).await;
        seen.push((path, v.to_string()));
    }
    for path in ["/api/v1/me/export", "/api/v1/me/waiting"] {
        let (_, v) = app.get(path, token).await;
        seen.push((path.to_string(), v.to_string()));
    }
    let (_, cal) = app.get("/api/v1/me/calendar", token).await;
    if let Some(url) = cal["url"].as_str() {
        let feed = &url[url.find("/calendar/").unwrap()..];
        let (_, ics) = app.get_page(feed, token).await;
        seen.push(("calendar feed".into(), ics));
    }
    for path in [
        format!("/mentorships/{id}"),
        format!("/mentorships/{id}/meetings"),
        format!("/mentorships/{id}/goals"),
        format!("/mentorships/{id}/messages"),
        format!("/mentorships/{id}/notes"),
        "/dashboard".to_string(),
    ] {
        let (_, html) = app.get_page(&path, token).await;
        seen.push((format!("page {path}"), html));
    }
    // Every meeting's page, by the ids the relationship's meetings carry for anyone.
    let (_, meetings) = app
        .get(&format!("/api/v1/mentorships/{id}/meetings"), token)
        .await;
    for m in meetings["items"].as_array().into_iter().flatten() {
        let path = format!("/meetings/{}", m["id"].as_str().unwrap_or_default());
        let (_, html) = app.get_page(&path, token).await;
        seen.push((format!("page {path}"), html));
    }
    seen
}

async fn the_canary_stays_with_the_members_of_its_time_and_goes_with_its_author(app: TestApp) {
    log();
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Group Mentor").await;
    let (_, first) = app.person("First Member").await;
    let (_, later) = app.person("Later Member").await;
    let program = app
        .program(&admin, "group", json!({"mentor_capacity": 5}))
        .await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &first, "mentee").await;
    app.enroll(&program, &later, "mentee").await;
    let by_first = |what: &str| canary(&format!("by-first {what}"));
    let (s, r) = app
        .post(
            "/api/v1/mentorships",
            &first,
            json!({"program_id": program, "mentor_id": mentor_id,
            "intro": by_first("intro"), "reasons": by_first("reasons"), "ask": by_first("ask")}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let request = r["id"].as_str().unwrap().to_string();
    let (_, group) = app
        .post(
            &format!("/api/v1/mentorships/{request}/accept"),
            &mentor,
            json!({}),
        )
        .await;
    let id = group["id"].as_str().unwrap().to_string();
    let ok = |s: StatusCode, v: &serde_json::Value| assert!(s.is_success(), "{s}: {v}");
    // Before the later member joins, the first member and the mentor write in every field.
    let post = |path: String, token: String, body: serde_json::Value| {
        let app = &app;
        async move { app.post(&path, &token, body).await }
    };
    let (s, g) = post(
        format!("/api/v1/mentorships/{id}/goals"),
        first.clone(),
        json!({"title": by_first("goal"), "description": by_first("goal text")}),
    )
    .await;
    ok(s, &g);
    let goal = g["id"].as_str().unwrap().to_string();
    let (s, v) = post(
        format!("/api/v1/goals/{goal}/milestones"),
        first.clone(),
        json!({"title": by_first("milestone")}),
    )
    .await;
    ok(s, &v);
    let past = (Utc::now() - Duration::days(1)).to_rfc3339();
    let (s, m) = post(
        format!("/api/v1/mentorships/{id}/meetings"),
        mentor.clone(),
        json!({"starts_at": past, "agenda": [canary("early agenda")]}),
    )
    .await;
    ok(s, &m);
    let meeting = m["id"].as_str().unwrap().to_string();
    let (s, v) = app
        .patch(
            &format!("/api/v1/meetings/{meeting}"),
            &mentor,
            json!({"status": "held", "shared_notes": canary("early notes")}),
        )
        .await;
    ok(s, &v);
    let (s, v) = post(
        format!("/api/v1/meetings/{meeting}/action-items"),
        first.clone(),
        json!({"title": by_first("action")}),
    )
    .await;
    ok(s, &v);
    let (s, v) = post(
        format!("/api/v1/meetings/{meeting}/feedback"),
        first.clone(),
        json!({"rating": 4, "went_well": by_first("went well")}),
    )
    .await;
    ok(s, &v);
    let (s, v) = app
        .put(
            &format!("/api/v1/meetings/{meeting}/private-note"),
            &first,
            json!({"body": by_first("private")}),
        )
        .await;
    ok(s, &v);
    for (path, body) in [
        ("kudos", json!({"message": by_first("kudos")})),
        ("messages", json!({"body": by_first("message")})),
    ] {
        let (s, v) = post(
            format!("/api/v1/mentorships/{id}/{path}"),
            first.clone(),
            body,
        )
        .await;
        ok(s, &v);
    }
    let (s, v) = post(format!("/api/v1/mentorships/{id}/introductions"), mentor.clone(), json!({"contact_name": "Grace", "contact_email": "grace@example.net", "note": canary("early introduction")})).await;
    ok(s, &v);
    // The later member joins; what was written before stays with those who were there.
    let second = app.request(&program, &later, &mentor_id).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{second}/accept"),
            &mentor,
            json!({}),
        )
        .await;
    ok(s, &v);
    assert_eq!(v["id"], id.as_str(), "the later member joined the group");
    let first_sees = everything_seen_by(&app, &first, &id).await;
    assert!(
        first_sees.iter().any(|(_, text)| text.contains("by-first")),
        "the first member reads what they wrote, so the checks look where it would show"
    );
    for (what, text) in everything_seen_by(&app, &later, &id).await {
        assert!(
            !text.contains(CANARY),
            "the later member reads what was written before they joined: {what}"
        );
    }
    // The first member erases their account: everything they wrote goes.
    let (s, _) = app
        .call(
            axum::http::Method::DELETE,
            "/api/v1/me",
            Some(&first),
            Some(json!({"password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let mentor_sees = everything_seen_by(&app, &mentor, &id).await;
    assert!(
        mentor_sees
            .iter()
            .any(|(_, text)| text.contains("early notes")),
        "the mentor still reads the shared notes, so the checks look where it would show"
    );
    for (what, text) in mentor_sees {
        assert!(
            !text.contains("by-first"),
            "the erased author's words survive in {what}"
        );
    }
    if let Some(files) = sqlite_files(&app) {
        assert!(
            !files.contains("by-first"),
            "the erased author's words survive in the SQLite file"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_canary_stays_with_the_members_of_its_time_and_goes_with_its_author() {
    the_canary_stays_with_the_members_of_its_time_and_goes_with_its_author(TestApp::sqlite().await)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_canary_stays_with_the_members_of_its_time_and_goes_with_its_author() {
    if let Some(app) = TestApp::postgres().await {
        the_canary_stays_with_the_members_of_its_time_and_goes_with_its_author(app).await
    }
}
