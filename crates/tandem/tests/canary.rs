//! A canary string written into every content field of a relationship never
//! reaches anyone outside the pair: not a coordinator's or an admin's view, not
//! another person's export, not an e-mail to anyone else (an introduction's own
//! note, sent to its contact, aside), not a page they see, not the server's log.

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

    // Who oversees the program, and the people outside the pair.
    let mut views = Vec::new();
    for (who, token) in [("coordinator", &coord), ("admin", &admin)] {
        for path in [
            format!("/api/v1/mentorships/{id}"),
            format!("/api/v1/mentorships/{id}/progress"),
            format!("/api/v1/programs/{program}/mentorships"),
            format!("/api/v1/programs/{program}/enrollments"),
            "/api/v1/me/export".to_string(),
        ] {
            let (s, v) = app.get(&path, token).await;
            assert!(s.is_success(), "{who} {path}: {s}");
            views.push((format!("{who}: {path}"), v.to_string()));
        }
        for path in [
            format!("/mentorships/{id}"),
            format!("/programs/{program}"),
            "/dashboard".to_string(),
        ] {
            let (s, html) = app.get_page(&path, token).await;
            assert_eq!(s, StatusCode::OK, "{who} {path}");
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
    }
    for (what, text) in &views {
        assert!(!text.contains(CANARY), "the canary reached {what}");
    }
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
    let logged = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(
        !logged.is_empty(),
        "nothing was logged, so the log check would prove nothing"
    );
    assert!(
        !logged.contains(CANARY),
        "the canary is in the server's log"
    );
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
