//! An e-mail for every step, delivered over a real SMTP conversation to a server
//! on loopback: to the right person, with times in their own zone, never quoting
//! what the pair wrote; and the e-mails a person turned off are not sent.
use crate::common::smtp::{Received, SmtpSink};
use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::json;
use tandem_testkit::on_both_databases_with_smtp;

on_both_databases_with_smtp!(
    every_step_of_a_request_is_emailed_in_the_readers_time_zone,
    an_email_turned_off_is_not_sent,
);

const MENTOR: &str = "grace.hopper@example.org";
const MENTEE: &str = "ada.lovelace@example.org";

/// The one message to `address` whose subject starts with `subject`.
fn one(smtp: &SmtpSink, address: &str, subject: &str) -> Received {
    let found: Vec<Received> = smtp
        .to(address)
        .into_iter()
        .filter(|m| m.subject.starts_with(subject))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {subject:?} to {address}; all: {:#?}",
        smtp.messages()
            .iter()
            .map(|m| (&m.to, &m.subject))
            .collect::<Vec<_>>()
    );
    found.into_iter().next().unwrap()
}

/// Grace (a mentor in New York) and Ada (a mentee in Berlin) in one program;
/// returns (program, Grace's id, Grace's token, Ada's token).
async fn two_people(app: &TestApp) -> (String, String, String, String) {
    let (_, admin) = app.person("Admin").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    let (grace_id, grace) = app.person("Grace Hopper").await;
    let (_, ada) = app.person("Ada Lovelace").await;
    for (token, zone) in [(&grace, "America/New_York"), (&ada, "Europe/Berlin")] {
        let (s, v) = app
            .put(
                "/api/v1/me/profile",
                token,
                json!({"timezone": zone, "languages": ["English"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    app.enroll(&program, &grace, "mentor").await;
    app.enroll(&program, &ada, "mentee").await;
    (program, grace_id, grace, ada)
}

async fn every_step_of_a_request_is_emailed_in_the_readers_time_zone(app: TestApp, smtp: SmtpSink) {
    let (program, grace_id, grace, ada) = two_people(&app).await;
    let id = app.request(&program, &ada, &grace_id).await;
    smtp.wait_for(1).await;
    let asked = one(&smtp, MENTOR, "Ada Lovelace asks you to be their mentor");
    assert!(
        asked.body.contains(&format!("/mentorships/{id}")),
        "{}",
        asked.body
    );
    // The request's texts are for the page, not the e-mail.
    assert!(!asked.body.contains("junior engineer"), "{}", asked.body);

    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{id}/accept"),
            &grace,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    smtp.wait_for(2).await;
    one(&smtp, MENTEE, "Grace Hopper will mentor you");

    let (s, v) = app
        .put(
            &format!("/api/v1/mentorships/{id}/agreement"),
            &grace,
            json!({"goals": "Lead a design review", "cadence_days": 14}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    smtp.wait_for(3).await;
    let sign = one(&smtp, MENTEE, "Your mentorship agreement with Grace Hopper");
    assert!(
        !sign.body.contains("design review"),
        "no terms in the e-mail"
    );
    assert!(
        smtp.to(MENTOR)
            .iter()
            .all(|m| !m.subject.contains("agreement")),
        "the writer is not asked to sign what they wrote"
    );

    // A meeting at 09:00 UTC: 10:00 in Berlin, 04:00 in New York (in winter).
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{id}/meetings"),
            &ada,
            json!({"starts_at": "2031-01-14T09:00:00Z", "duration_minutes": 45, "agenda": ["my secret plan"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    smtp.wait_for(5).await;
    let berlin = one(&smtp, MENTEE, "Meeting scheduled");
    assert_eq!(berlin.subject, "Meeting scheduled: 14 Jan, 10:00 CET");
    assert!(
        berlin.body.contains("Tuesday 14 January 2031, 10:00 CET"),
        "{}",
        berlin.body
    );
    assert!(berlin.calendar.is_some(), "the invite is attached");
    let new_york = one(&smtp, MENTOR, "Meeting scheduled");
    assert_eq!(new_york.subject, "Meeting scheduled: 14 Jan, 04:00 EST");
    for m in smtp.messages() {
        assert!(
            !m.raw.contains("my secret plan"),
            "an agenda stays on the page"
        );
        assert!(
            m.body.contains("/profile#notifications"),
            "each says where to turn it off: {}",
            m.subject
        );
    }

    // A meeting that took place, once marked held, asks both for feedback (and a
    // start in the past has nothing to put in a calendar).
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{id}/meetings"),
            &ada,
            json!({"starts_at": "2020-01-14T09:00:00Z", "duration_minutes": 30}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        smtp.messages().len(),
        5,
        "no invite for a meeting in the past"
    );
    let meeting = v["id"].as_str().unwrap();
    let (s, v) = app
        .patch(
            &format!("/api/v1/meetings/{meeting}"),
            &grace,
            json!({"status": "held"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    smtp.wait_for(7).await;
    let feedback = one(&smtp, MENTEE, "How did your meeting with Grace Hopper go?");
    assert!(
        feedback.body.contains("Tuesday 14 January 2020"),
        "{}",
        feedback.body
    );
    one(&smtp, MENTOR, "How did your meeting with Ada Lovelace go?");
}

async fn an_email_turned_off_is_not_sent(app: TestApp, smtp: SmtpSink) {
    let (program, grace_id, grace, ada) = two_people(&app).await;
    let (s, settings) = app.get("/api/v1/me/notifications", &grace).await;
    assert_eq!(s, StatusCode::OK, "{settings}");
    assert_eq!(settings["request_received"], true, "{settings}");
    assert_eq!(settings["kudos"], true);
    assert!(
        settings.as_object().unwrap().values().all(|v| v == true),
        "every e-mail is on until turned off: {settings}"
    );

    let (s, v) = app
        .put(
            "/api/v1/me/notifications",
            &grace,
            json!({"request_received": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["request_received"], false);
    assert_eq!(v["kudos"], true, "the kinds not named stay as they are");
    for bad in [json!({"password_reset": false}), json!({"kudos": "no"})] {
        let (s, e) = app.put("/api/v1/me/notifications", &grace, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["error"]["fields"].is_object(), "{e}");
    }

    let id = app.request(&program, &ada, &grace_id).await;
    let (s, _) = app
        .post(
            &format!("/api/v1/mentorships/{id}/accept"),
            &grace,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    smtp.wait_for(1).await;
    one(&smtp, MENTEE, "Grace Hopper will mentor you");
    assert!(
        smtp.to(MENTOR).is_empty(),
        "the request Grace turned off was not sent: {:?}",
        smtp.to(MENTOR)
            .iter()
            .map(|m| &m.subject)
            .collect::<Vec<_>>()
    );

    // Turned on again, it is sent again.
    let (s, _) = app
        .put(
            "/api/v1/me/notifications",
            &grace,
            json!({"kudos": false, "request_received": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .post(
            &format!("/api/v1/mentorships/{id}/kudos"),
            &ada,
            json!({"message": "Thanks!"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // Delivery happens before the answer: nothing more will arrive.
    assert!(smtp.to(MENTOR).is_empty(), "kudos turned off");
}
