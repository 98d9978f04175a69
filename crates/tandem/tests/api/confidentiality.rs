//! Confidentiality made precise (SPEC §7): a group's later member reads from their
//! joining on, an erasure leaves no text of the person, overseers see an average
//! only once it rests on three ratings, and no text reaching an e-mail header may
//! hold a control character.
use crate::common::TestApp;
use crate::on_both_databases;
use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use serde_json::{json, Value};

on_both_databases!(
    a_later_group_member_reads_what_was_written_from_their_joining_on,
    an_erasure_leaves_no_text_the_person_wrote,
    overseers_see_an_average_rating_only_once_it_rests_on_three_ratings,
    no_text_that_reaches_an_e_mail_header_holds_a_control_character,
);

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

/// `{"items": [...]}` or a bare list, as text.
fn text_of(v: &Value) -> String {
    v.to_string()
}

async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let (s, v) = app.call(method, path, Some(token), Some(body)).await;
    assert!(s.is_success(), "{path}: {s} {v}");
    v
}

/// A group program whose mentor has taken a first mentee; a second one asks and is
/// accepted once the first have written everything a group holds.
async fn a_later_group_member_reads_what_was_written_from_their_joining_on(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, first) = app.person("First").await;
    let (_, later) = app.person("Later").await;
    let program = app
        .program(&admin, "group", json!({"mentor_capacity": 5}))
        .await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &first, "mentee").await;
    app.enroll(&program, &later, "mentee").await;
    let request = app.request(&program, &first, &mentor_id).await;
    let group = ok(
        &app,
        Method::POST,
        &format!("/api/v1/mentorships/{request}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    let id = group["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/mentorships/{id}");
    // Before the later member joins: everything a group holds, each marked EARLY.
    ok(
        &app,
        Method::POST,
        &format!("{base}/messages"),
        &first,
        json!({"body": "EARLY message"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("{base}/kudos"),
        &mentor,
        json!({"message": "EARLY kudos"}),
    )
    .await;
    let past = (Utc::now() - Duration::days(1)).to_rfc3339();
    let meeting = ok(
        &app,
        Method::POST,
        &format!("{base}/meetings"),
        &mentor,
        json!({"starts_at": past, "agenda": ["EARLY agenda"]}),
    )
    .await;
    let meeting = meeting["id"].as_str().unwrap().to_string();
    ok(
        &app,
        Method::PATCH,
        &format!("/api/v1/meetings/{meeting}"),
        &mentor,
        json!({"status": "held", "shared_notes": "EARLY notes"}),
    )
    .await;
    let item = ok(
        &app,
        Method::POST,
        &format!("/api/v1/meetings/{meeting}/action-items"),
        &first,
        json!({"title": "EARLY item"}),
    )
    .await;
    let item = item["id"].as_str().unwrap().to_string();
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/meetings/{meeting}/feedback"),
        &first,
        json!({"rating": 4, "went_well": "EARLY feedback"}),
    )
    .await;
    let goal = ok(
        &app,
        Method::POST,
        &format!("{base}/goals"),
        &first,
        json!({"title": "EARLY goal"}),
    )
    .await;
    let goal = goal["id"].as_str().unwrap().to_string();
    let milestone = ok(
        &app,
        Method::POST,
        &format!("/api/v1/goals/{goal}/milestones"),
        &first,
        json!({"title": "EARLY milestone"}),
    )
    .await;
    let milestone = milestone["id"].as_str().unwrap().to_string();
    ok(
        &app,
        Method::PATCH,
        &format!("/api/v1/milestones/{milestone}"),
        &first,
        json!({"status": "achieved"}),
    )
    .await;
    ok(&app, Method::POST, &format!("{base}/introductions"), &mentor,
        json!({"contact_name": "Grace", "contact_email": "grace@example.net", "note": "EARLY introduction"})).await;
    // Later joins the group.
    let second = app.request(&program, &later, &mentor_id).await;
    let joined = ok(
        &app,
        Method::POST,
        &format!("/api/v1/mentorships/{second}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    assert_eq!(
        joined["id"],
        id.as_str(),
        "the later member joined the group"
    );
    ok(
        &app,
        Method::POST,
        &format!("{base}/messages"),
        &mentor,
        json!({"body": "LATE message"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("{base}/kudos"),
        &later,
        json!({"message": "LATE kudos"}),
    )
    .await;
    let soon = (Utc::now() + Duration::days(3)).to_rfc3339();
    ok(
        &app,
        Method::POST,
        &format!("{base}/meetings"),
        &mentor,
        json!({"starts_at": soon, "agenda": ["LATE agenda"]}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("{base}/goals"),
        &later,
        json!({"title": "LATE goal"}),
    )
    .await;

    // Every list, the timeline and the export: the later member reads only LATE.
    let lists = [
        "messages",
        "kudos",
        "meetings",
        "goals",
        "introductions",
        "timeline",
    ];
    for list in lists {
        let (s, v) = app.get(&format!("{base}/{list}"), &later).await;
        assert_eq!(s, StatusCode::OK, "{list}: {v}");
        assert!(
            !text_of(&v).contains("EARLY"),
            "{list} shows the later member what was written before they joined: {v}"
        );
        let (_, theirs) = app.get(&format!("{base}/{list}"), &first).await;
        assert!(
            text_of(&theirs).contains("EARLY"),
            "{list}: the first member still reads it: {theirs}"
        );
    }
    let (_, messages) = app.get(&format!("{base}/messages"), &later).await;
    assert_eq!(
        items(&messages).len(),
        1,
        "the message written after joining"
    );
    let (_, goals) = app.get(&format!("{base}/goals"), &later).await;
    assert!(text_of(&goals).contains("LATE goal"));
    // Each earlier object, by its address: 404, as if it did not exist.
    for path in [
        format!("/api/v1/meetings/{meeting}"),
        format!("/api/v1/meetings/{meeting}/feedback"),
    ] {
        assert_eq!(
            app.get(&path, &later).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        assert_eq!(app.get(&path, &first).await.0, StatusCode::OK, "{path}");
    }
    let invite = format!("/api/v1/meetings/{meeting}/invite.ics");
    assert_eq!(app.get_page(&invite, &later).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get_page(&invite, &first).await.0, StatusCode::OK);
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/v1/meetings/{meeting}"),
            json!({"shared_notes": "x"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/meetings/{meeting}/private-note"),
            json!({"body": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/meetings/{meeting}/action-items"),
            json!({"title": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/meetings/{meeting}/feedback"),
            json!({"rating": 3}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/action-items/{item}"),
            json!({"done": true}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/goals/{goal}"),
            json!({"title": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/goals/{goal}/milestones"),
            json!({"title": "x"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/milestones/{milestone}"),
            json!({"title": "x"}),
        ),
    ] {
        let (s, v) = app
            .call(method.clone(), &path, Some(&later), Some(body))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{method} {path}: {v}");
    }
    let (_, export) = app.get("/api/v1/me/export", &later).await;
    assert!(
        !text_of(&export).contains("EARLY"),
        "the later member's export"
    );
    assert!(text_of(&export).contains("LATE message"));
    let (_, export) = app.get("/api/v1/me/export", &first).await;
    assert!(
        text_of(&export).contains("EARLY notes"),
        "the first member's export"
    );
    // The later member's calendar feed lists the meeting set after they joined only.
    let (_, cal) = app.get("/api/v1/me/calendar", &later).await;
    let url = cal["url"].as_str().unwrap();
    let path = &url[url.find("/calendar/").unwrap()..];
    let (s, feed) = app.call(Method::GET, path, None, None).await;
    assert_eq!(s, StatusCode::OK);
    let feed = feed.as_str().unwrap_or_default().to_string();
    assert_eq!(feed.matches("BEGIN:VEVENT").count(), 1, "{feed}");
    assert!(!feed.contains(&meeting), "{feed}");
    // The pages show the later member none of it either: no section of the workspace.
    let mut pages = String::new();
    for section in ["", "/meetings", "/goals", "/messages", "/notes"] {
        let (s, page) = app
            .get_page(&format!("/mentorships/{id}{section}"), &later)
            .await;
        assert_eq!(s, StatusCode::OK, "{section}");
        assert!(
            !page.contains("EARLY"),
            "the workspace page {section} shows earlier content"
        );
        pages.push_str(&page);
    }
    assert!(pages.contains("LATE message"));
    let (_, page) = app
        .get_page(&format!("/mentorships/{id}/messages"), &first)
        .await;
    assert!(page.contains("EARLY message"));
}

/// Every byte of the SQLite file and its write-ahead log, as text.
fn sqlite_files(app: &TestApp) -> Option<String> {
    let url = &app.state.config.database_url;
    let path = url.strip_prefix("sqlite://")?;
    let mut all = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(bytes) = std::fs::read(format!("{path}{suffix}")) {
            all.extend(bytes);
        }
    }
    Some(String::from_utf8_lossy(&all).into_owned())
}

async fn an_erasure_leaves_no_text_the_person_wrote(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, mentee) = app.person("Mentee").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let request = ok(
        &app,
        Method::POST,
        "/api/v1/mentorships",
        &mentee,
        json!({
        "program_id": program, "mentor_id": mentor_id,
        "intro": "GONE-intro", "reasons": "GONE-reasons", "ask": "GONE-ask"}),
    )
    .await;
    let id = request["id"].as_str().unwrap().to_string();
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/mentorships/{id}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    let base = format!("/api/v1/mentorships/{id}");
    // What the mentee wrote alone, and what hangs on it.
    let lone = ok(
        &app,
        Method::POST,
        &format!("{base}/goals"),
        &mentee,
        json!({"title": "GONE-lone-goal", "description": "GONE-lone-description"}),
    )
    .await;
    let lone = lone["id"].as_str().unwrap().to_string();
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/goals/{lone}/milestones"),
        &mentee,
        json!({"title": "GONE-lone-milestone"}),
    )
    .await;
    let shared = ok(
        &app,
        Method::POST,
        &format!("{base}/goals"),
        &mentee,
        json!({"title": "GONE-shared-goal", "description": "GONE-shared-description"}),
    )
    .await;
    let shared = shared["id"].as_str().unwrap().to_string();
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/goals/{shared}/milestones"),
        &mentor,
        json!({"title": "KEPT-mentor-milestone"}),
    )
    .await;
    let kept = ok(
        &app,
        Method::POST,
        &format!("{base}/goals"),
        &mentor,
        json!({"title": "KEPT-mentor-goal"}),
    )
    .await;
    let kept = kept["id"].as_str().unwrap().to_string();
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/goals/{kept}/milestones"),
        &mentee,
        json!({"title": "GONE-milestone-on-kept"}),
    )
    .await;
    let past = (Utc::now() - Duration::days(1)).to_rfc3339();
    let meeting = ok(
        &app,
        Method::POST,
        &format!("{base}/meetings"),
        &mentor,
        json!({"starts_at": past}),
    )
    .await;
    let meeting = meeting["id"].as_str().unwrap().to_string();
    ok(
        &app,
        Method::PATCH,
        &format!("/api/v1/meetings/{meeting}"),
        &mentor,
        json!({"status": "held"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/meetings/{meeting}/action-items"),
        &mentee,
        json!({"title": "GONE-item", "owner_id": mentor_id}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/meetings/{meeting}/action-items"),
        &mentor,
        json!({"title": "KEPT-item"}),
    )
    .await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/meetings/{meeting}/private-note"),
        &mentee,
        json!({"body": "GONE-private"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/meetings/{meeting}/feedback"),
        &mentee,
        json!({"rating": 4, "went_well": "GONE-feedback"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("{base}/messages"),
        &mentee,
        json!({"body": "GONE-message"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("{base}/kudos"),
        &mentee,
        json!({"message": "GONE-kudos"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("{base}/messages"),
        &mentor,
        json!({"body": "KEPT-message"}),
    )
    .await;
    ok(
        &app,
        Method::POST,
        &format!("{base}/complete"),
        &mentee,
        json!({"reflection": "GONE-reflection"}),
    )
    .await;
    ok(
        &app,
        Method::PUT,
        &format!("{base}/reflection"),
        &mentor,
        json!({"text": "KEPT-reflection"}),
    )
    .await;

    let (s, _) = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(&mentee),
            Some(json!({"password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let mut seen = String::new();
    for path in [
        base.clone(),
        format!("{base}/goals"),
        format!("{base}/meetings"),
        format!("{base}/messages"),
        format!("{base}/kudos"),
        format!("{base}/timeline"),
        format!("{base}/reflections"),
        format!("/api/v1/meetings/{meeting}/feedback"),
        "/api/v1/me/export".to_string(),
    ] {
        let (s, v) = app.get(&path, &mentor).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        seen.push_str(&v.to_string());
    }
    let (_, page) = app.get_page(&format!("/mentorships/{id}"), &mentor).await;
    seen.push_str(&page);
    assert!(
        !seen.contains("GONE"),
        "text of the erased person survives: {seen}"
    );
    for kept in [
        "KEPT-mentor-milestone",
        "KEPT-mentor-goal",
        "KEPT-item",
        "KEPT-message",
        "KEPT-reflection",
    ] {
        assert!(seen.contains(kept), "{kept} was lost with the erasure");
    }
    // The goal another person's milestone hangs on stays, its text removed.
    let (_, goals) = app.get(&format!("{base}/goals"), &mentor).await;
    let goals = items(&goals);
    let shared = goals
        .iter()
        .find(|g| g["id"] == shared.as_str())
        .expect("the shared goal stays");
    assert_eq!(shared["title"], "removed");
    assert_eq!(shared["description"], "");
    assert!(
        goals.iter().all(|g| g["id"] != lone.as_str()),
        "the erased person's own goal goes"
    );
    // Nothing of it is left in the database file (SQLite runs with secure_delete).
    if let Some(files) = sqlite_files(&app) {
        for gone in [
            "GONE-intro",
            "GONE-reasons",
            "GONE-ask",
            "GONE-lone-goal",
            "GONE-shared-goal",
            "GONE-item",
            "GONE-private",
            "GONE-feedback",
            "GONE-message",
            "GONE-kudos",
            "GONE-reflection",
            "GONE-milestone-on-kept",
            "GONE-lone-milestone",
        ] {
            assert!(!files.contains(gone), "{gone} is still in the SQLite file");
        }
    }
}

async fn overseers_see_an_average_rating_only_once_it_rests_on_three_ratings(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, mentee) = app.person("Mentee").await;
    let (coord_id, coord) = app.person("Coord").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/programs/{program}/coordinators"),
        &admin,
        json!({"person_id": coord_id}),
    )
    .await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/mentorships/{id}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    let progress = format!("/api/v1/mentorships/{id}/progress");
    let mut meetings = Vec::new();
    for days in [3, 2] {
        let at = (Utc::now() - Duration::days(days)).to_rfc3339();
        let m = ok(
            &app,
            Method::POST,
            &format!("/api/v1/mentorships/{id}/meetings"),
            &mentor,
            json!({"starts_at": at}),
        )
        .await;
        let m = m["id"].as_str().unwrap().to_string();
        ok(
            &app,
            Method::PATCH,
            &format!("/api/v1/meetings/{m}"),
            &mentor,
            json!({"status": "held"}),
        )
        .await;
        meetings.push(m);
    }
    let rate = |m: &str, token: &str, rating: i64| {
        let path = format!("/api/v1/meetings/{m}/feedback");
        let token = token.to_string();
        let app = &app;
        async move { ok(app, Method::POST, &path, &token, json!({"rating": rating})).await }
    };
    rate(&meetings[0], &mentee, 1).await;
    for (who, expected) in [
        (&coord, Value::Null),
        (&admin, Value::Null),
        (&mentor, json!(1.0)),
        (&mentee, json!(1.0)),
    ] {
        let (_, p) = app.get(&progress, who).await;
        assert_eq!(
            p["average_rating"], expected,
            "one rating is one person's answer"
        );
    }
    rate(&meetings[0], &mentor, 4).await;
    let (_, p) = app.get(&progress, &coord).await;
    assert_eq!(
        p["average_rating"],
        Value::Null,
        "two ratings: still one person's answer to read off"
    );
    rate(&meetings[1], &mentee, 4).await;
    for who in [&coord, &admin, &mentor] {
        let (_, p) = app.get(&progress, who).await;
        assert_eq!(p["average_rating"], json!(3.0), "three ratings");
    }
}

async fn no_text_that_reaches_an_e_mail_header_holds_a_control_character(app: TestApp) {
    // A name goes into the To: header of every e-mail to its person.
    for name in [
        "Eve\r\nBcc: evil@example.net",
        "Eve\nX",
        "Tab\there",
        "Bell\u{7}",
    ] {
        let (s, v) = app
            .call(Method::POST, "/api/v1/auth/register", None, Some(json!({
                "email": format!("x{}@example.org", name.len()), "password": "correct horse battery", "name": name})))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}: {v}");
        assert!(v["error"]["fields"]["name"].is_string(), "{v}");
    }
    // A contact's name goes into the To: header of the introduction.
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, mentee) = app.person("Mentee").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/mentorships/{id}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    let (s, v) = app
        .post(&format!("/api/v1/mentorships/{id}/introductions"), &mentor,
            json!({"contact_name": "Grace\r\nBcc: evil@example.net", "contact_email": "grace@example.net", "note": "Meet."}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["contact_name"].is_string(), "{v}");
    // A program's name goes into the subject of a round's proposals.
    let (s, v) = app
        .patch(
            &format!("/api/v1/programs/{program}"),
            &admin,
            json!({"name": "Spring\r\nBcc: evil@example.net"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["name"].is_string(), "{v}");
    // A message that cannot be delivered (written before these checks existed, say)
    // stays queued with its reason, and the next one is still sent.
    let before = app.emails().len();
    let now = app.state.clock.now();
    tandem::service::outbox::queue(
        app.state.store.read(),
        vec![
            tandem::email::Email {
                kind: "test",
                setting: None,
                user_id: None,
                to_name: "Old\r\nBcc: evil@example.net".into(),
                to_address: "old@example.org".into(),
                subject: "An old message".into(),
                body: "Hello.".into(),
                calendar: None,
            },
            tandem::email::Email {
                kind: "test",
                setting: None,
                user_id: None,
                to_name: "Fine".into(),
                to_address: "fine@example.org".into(),
                subject: "A fine message".into(),
                body: "Hello.".into(),
                calendar: None,
            },
        ],
        now,
    )
    .await
    .unwrap();
    let done = tandem::service::outbox::deliver_due(&app.state)
        .await
        .unwrap();
    assert_eq!(
        (done.sent, done.failed),
        (1, 1),
        "one sent, one failed and kept"
    );
    assert_eq!(app.emails().len(), before + 1);
    assert!(app.emails().iter().all(|e| !e.contains("evil@example.net")));
    let (waiting, failed) = tandem::service::outbox::undelivered(&app.state)
        .await
        .unwrap();
    assert_eq!(
        (waiting, failed),
        (1, 1),
        "the undeliverable message stays queued"
    );
}
