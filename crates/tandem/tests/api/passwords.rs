//! Accounts and sessions (SPEC §6, §7): who may sign up; a forgotten password by
//! e-mail, its link single-use and an hour long; a password change; one's own
//! sessions, listed and ended.
use crate::common::smtp::SmtpSink;
use crate::common::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use tandem::config::Registration;
use tandem_testkit::on_both_databases_with_smtp;

crate::on_both_databases!(
    a_password_change_needs_the_current_one_and_ends_the_other_sessions,
    sessions_are_listed_and_ended_by_their_owner_only,
);

on_both_databases_with_smtp!(a_forgotten_password_is_reset_by_a_single_use_link,);

async fn register(app: &TestApp, email: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": email, "password": "correct horse battery", "name": "Some One"})),
    )
    .await
}

async fn login(app: &TestApp, email: &str, password: &str) -> (StatusCode, Value) {
    app.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": password})),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_office_behind_one_address_can_sign_up_on_launch_day() {
    // The harness lifts the sign-up limit; this test puts the default back.
    let default = tandem::config::Config::for_database("sqlite://x.db").signup_max_per_ip;
    let app = TestApp::sqlite_with(|c| c.signup_max_per_ip = default).await;
    // Every test request comes from one address, as an office behind one NAT does.
    for i in 0..210 {
        let (s, v) = register(&app, &format!("colleague{i}@example.org")).await;
        assert_eq!(s, StatusCode::CREATED, "sign-up {i}: {v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_is_limited_to_the_chosen_domains_or_to_invitations() {
    let domains = Registration::parse("domains:example.org,uni.edu").unwrap();
    let app = TestApp::sqlite_with(|c| c.registration = domains).await;
    let (s, v) = register(&app, "first@elsewhere.net").await;
    assert_eq!(s, StatusCode::CREATED, "the first account always may: {v}");
    let (s, _) = register(&app, "ada@example.org").await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = register(&app, "grace@UNI.edu").await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = register(&app, "eve@mail.example.org").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "registration_closed");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("@example.org"),
        "says who may: {v}"
    );
    let (s, _) = register(&app, "not an address").await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a bad address is a form error"
    );

    let app = TestApp::sqlite_with(|c| c.registration = Registration::Invite).await;
    let (s, _) = register(&app, "first@example.org").await;
    assert_eq!(s, StatusCode::CREATED, "the first account always may");
    let (s, v) = register(&app, "second@example.org").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "registration_closed");
    let (s, page) = app.get_page("/signup", "").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("by invitation"), "the page says so");
}

fn token_in(body: &str) -> String {
    let start = body.find("token=").expect("a link with a token") + "token=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn a_forgotten_password_is_reset_by_a_single_use_link(app: TestApp, smtp: SmtpSink) {
    let (_, ada) = app.person("Ada Lovelace").await;
    let other_session = app.log_in("ada.lovelace@example.org").await;

    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/password-reset",
            None,
            Some(json!({"email": "nobody@example.org"})),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "the same answer for no account");
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/password-reset",
            None,
            Some(json!({"email": "Ada.Lovelace@example.org"})),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    // Delivered as the server's background worker does.
    tandem::service::outbox::deliver_due(&app.state)
        .await
        .unwrap();
    let mail = smtp.wait_for(1).await;
    assert_eq!(mail.len(), 1, "only the existing account gets an e-mail");
    assert_eq!(mail[0].to, vec!["ada.lovelace@example.org".to_string()]);
    let token = token_in(&mail[0].body);
    assert!(
        mail[0].body.contains("/reset-password?token="),
        "{}",
        mail[0].body
    );

    let confirm = |token: String, password: &'static str| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v1/auth/password-reset/confirm",
                None,
                Some(json!({"token": token, "password": password})),
            )
            .await
        }
    };
    let (s, v) = confirm(token.clone(), "short").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = confirm(token.clone(), "a brand new passphrase").await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    for t in [&ada, &other_session] {
        let (s, _) = app.get("/api/v1/me", t).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "every session ended");
    }
    let (s, _) = login(&app, "ada.lovelace@example.org", "a brand new passphrase").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = login(&app, "ada.lovelace@example.org", "correct horse battery").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the old password is gone");
    let (s, v) = confirm(token, "yet another passphrase").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "used once: {v}");
    assert_eq!(v["error"]["code"], "invalid_token");
    let (s, _) = confirm("not-a-token".into(), "yet another passphrase").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // An hour later a link no longer works.
    app.call(
        Method::POST,
        "/api/v1/auth/password-reset",
        None,
        Some(json!({"email": "ada.lovelace@example.org"})),
    )
    .await;
    tandem::service::outbox::deliver_due(&app.state)
        .await
        .unwrap();
    let mail = smtp.wait_for(2).await;
    let late = token_in(&mail[1].body);
    app.state.clock.advance(chrono::Duration::minutes(61));
    let (s, _) = confirm(late, "yet another passphrase").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "expired");
}

async fn a_password_change_needs_the_current_one_and_ends_the_other_sessions(app: TestApp) {
    let (_, ada) = app.person("Ada Lovelace").await;
    let laptop = app.log_in("ada.lovelace@example.org").await;
    let (s, v) = app
        .put(
            "/api/v1/me/password",
            &ada,
            json!({"current_password": "wrong guess here", "new_password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["current_password"].is_string(), "{v}");
    let (s, v) = app
        .put(
            "/api/v1/me/password",
            &ada,
            json!({"current_password": "correct horse battery", "new_password": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["fields"]["new_password"].is_string(), "{v}");
    let (s, _) = app
        .put(
            "/api/v1/me/password",
            &ada,
            json!({"current_password": "correct horse battery", "new_password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get("/api/v1/me", &ada).await;
    assert_eq!(s, StatusCode::OK, "this session stays");
    let (s, _) = app.get("/api/v1/me", &laptop).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "the others end");
    let (s, _) = login(&app, "ada.lovelace@example.org", "a brand new passphrase").await;
    assert_eq!(s, StatusCode::OK);
}

async fn sessions_are_listed_and_ended_by_their_owner_only(app: TestApp) {
    let (_, ada) = app.person("Ada Lovelace").await;
    let (_, grace) = app.person("Grace Hopper").await;
    let phone = app.log_in("ada.lovelace@example.org").await;
    let (s, v) = app.get("/api/v1/me/sessions", &ada).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{v}");
    let current: Vec<bool> = items
        .iter()
        .map(|i| i["current"].as_bool().unwrap())
        .collect();
    assert_eq!(current.iter().filter(|c| **c).count(), 1, "{v}");
    let mine = items.iter().find(|i| i["current"] == true).unwrap();
    assert!(mine["last_seen_at"].is_string(), "seen just now: {v}");
    let other = items.iter().find(|i| i["current"] == false).unwrap();
    let other_id = other["id"].as_str().unwrap().to_string();

    let (s, _) = app
        .delete(&format!("/api/v1/me/sessions/{other_id}"), &grace)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another person's session");
    let (s, _) = app.get("/api/v1/me", &phone).await;
    assert_eq!(s, StatusCode::OK, "untouched");
    let (s, _) = app
        .delete(&format!("/api/v1/me/sessions/{other_id}"), &ada)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get("/api/v1/me", &phone).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "ended");
    let (_, v) = app.get("/api/v1/me/sessions", &ada).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1);

    // The jobs write the last use down; the admins' list reads it from there.
    let (_, before) = app.get("/api/v1/admin/users?q=ada", &ada).await;
    assert_eq!(before["items"][0]["last_seen_at"], Value::Null, "{before}");
    let written = tandem::service::accounts::write_down_seen(&app.state)
        .await
        .unwrap();
    assert!(written >= 1);
    let (_, after) = app.get("/api/v1/admin/users?q=ada", &ada).await;
    assert!(after["items"][0]["last_seen_at"].is_string(), "{after}");
}
