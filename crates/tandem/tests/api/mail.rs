//! E-mail is queued with the change that makes it due and never lost: any display
//! name works, and a failed delivery stays queued, retried with backoff.
use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::json;

/// A program whose one mentor and one mentee ("Lovelace, Ada") a round pairs;
/// returns the published round's answer status.
async fn publish_a_round(app: &TestApp) -> StatusCode {
    let (_, admin) = app.person("Admin").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    for (name, email, role) in [
        ("Grace Hopper", "grace@example.org", "mentor"),
        (
            "Lovelace, Ada (Countess; @home)",
            "ada@example.org",
            "mentee",
        ),
    ] {
        let (s, _) = app
            .call(
                axum::http::Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"email": email, "password": "correct horse battery", "name": name})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let token = app.log_in(email).await;
        app.put(
            "/api/v1/me/profile",
            &token,
            json!({"languages": ["English"]}),
        )
        .await;
        app.enroll(&program, &token, role).await;
    }
    let (s, round) = app
        .post(
            &format!("/api/v1/programs/{program}/rounds"),
            &admin,
            json!({"objective": "optimal"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{round}");
    assert_eq!(round["stats"]["pairs"], 1);
    let (s, _) = app
        .post(
            &format!("/api/v1/rounds/{}/publish", round["id"].as_str().unwrap()),
            &admin,
            json!({}),
        )
        .await;
    s
}

/// The display name of a `To:` line, quoted or RFC 2047-encoded.
fn display_name(to: &str) -> String {
    use base64::Engine;
    let name = to
        .trim_start_matches("To: ")
        .rsplit_once(" <")
        .map(|(n, _)| n)
        .unwrap_or_default();
    match name
        .strip_prefix("=?utf-8?b?")
        .and_then(|n| n.strip_suffix("?="))
    {
        Some(encoded) => String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap(),
        )
        .unwrap(),
        None => name.trim_matches('"').to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_display_name_gets_its_mail() {
    let app = TestApp::sqlite().await;
    assert_eq!(publish_a_round(&app).await, StatusCode::OK);
    let mails = app.emails();
    assert_eq!(mails.len(), 2, "mentor and mentee");
    let to = mails
        .iter()
        .flat_map(|m| m.lines())
        .find(|l| l.starts_with("To: ") && l.ends_with("<ada@example.org>"))
        .unwrap_or_else(|| panic!("no mail to ada@example.org: {mails:?}"));
    assert_eq!(
        display_name(to),
        "Lovelace, Ada (Countess; @home)",
        "the name arrives whole: {to}"
    );
    assert_eq!(
        tandem::service::outbox::undelivered(&app.state)
            .await
            .unwrap(),
        (0, 0)
    );
}

async fn failed_mail_stays_queued(app: TestApp) {
    assert_eq!(
        publish_a_round(&app).await,
        StatusCode::OK,
        "the round is published all the same"
    );
    let (pending, failing) = tandem::service::outbox::undelivered(&app.state)
        .await
        .unwrap();
    assert_eq!((pending, failing), (2, 2), "both messages failed and wait");
    // Not due again yet: nothing is tried.
    let run = tandem::service::outbox::deliver_due(&app.state)
        .await
        .unwrap();
    assert_eq!(run.failed, 0);
    // After the backoff, it is tried again, and still kept.
    app.state.clock.advance(chrono::Duration::minutes(2));
    let run = tandem::service::outbox::deliver_due(&app.state)
        .await
        .unwrap();
    assert_eq!(run.failed, 2);
    assert_eq!(
        tandem::service::outbox::undelivered(&app.state)
            .await
            .unwrap(),
        (2, 2),
        "never lost"
    );
}

fn unreachable_smtp(c: &mut tandem::config::Config) {
    // Port 9 (discard): nothing listens here, so every delivery fails at once.
    c.smtp_url = Some("smtp://127.0.0.1:9".into());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_failed_delivery_stays_queued_and_is_retried() {
    failed_mail_stays_queued(TestApp::sqlite_with(unreachable_smtp).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_failed_delivery_stays_queued_and_is_retried() {
    if let Some(app) = TestApp::postgres_with(unreachable_smtp).await {
        failed_mail_stays_queued(app).await
    }
}
