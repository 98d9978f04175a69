//! Nobody waits forever: a mentor away has their waiting requests declined at
//! once (reason `away`, each mentee told with the mentors who may suit them
//! next), takes no new ones, and is out of suggestions and rounds until back.
use crate::common::smtp::SmtpSink;
use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::json;
use tandem_testkit::on_both_databases_with_smtp;

on_both_databases_with_smtp!(a_mentor_away_is_asked_by_nobody_until_back);

async fn a_mentor_away_is_asked_by_nobody_until_back(app: TestApp, smtp: SmtpSink) {
    let (_, admin) = app.person("Admin").await;
    let program = app
        .program(
            &admin,
            "traditional",
            json!({"mentor_capacity": 3, "max_mentors_per_mentee": 2}),
        )
        .await;
    let mut people = Vec::new();
    for (name, role) in [
        ("Grace Hopper", "mentor"),
        ("Alan Turing", "mentor"),
        ("Ada Lovelace", "mentee"),
        ("Mary Somerville", "mentee"),
    ] {
        let (id, token) = app.person(name).await;
        let (s, v) = app
            .put(
                "/api/v1/me/profile",
                &token,
                json!({"languages": ["English"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        app.enroll(&program, &token, role).await;
        people.push((id, token));
    }
    let [(grace_id, grace), (alan_id, _), (_, ada), (_, mary)] = people.try_into().unwrap();
    let ada_asks = app.request(&program, &ada, &grace_id).await;
    let mary_asks = app.request(&program, &mary, &grace_id).await;

    let (s, v) = app.get("/api/v1/me/away", &grace).await;
    assert_eq!(
        (s, v["away"].clone()),
        (StatusCode::OK, json!(false)),
        "{v}"
    );
    let (s, v) = app
        .put(
            "/api/v1/me/away",
            &grace,
            json!({"away": true, "note": "Back in March"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["away"], true);
    assert_eq!(v["note"], "Back in March");
    assert!(v["since"].is_string(), "{v}");
    assert_eq!(v["declined_requests"], 2, "{v}");
    for (id, token) in [(&ada_asks, &ada), (&mary_asks, &mary)] {
        let (_, m) = app.get(&format!("/api/v1/mentorships/{id}"), token).await;
        assert_eq!(m["status"], "declined", "{m}");
        assert_eq!(m["decline_reason"], "away", "{m}");
    }
    let told = smtp.to("ada.lovelace@example.org");
    let declined = told
        .iter()
        .find(|m| m.subject == "Grace Hopper can't mentor you right now")
        .expect("Ada is told");
    assert!(
        declined.body.contains("because they are away"),
        "{}",
        declined.body
    );
    assert!(
        declined.body.contains("Alan Turing ("),
        "with the mentor who may suit her next: {}",
        declined.body
    );

    // Her dashboard shows the next mentors at once.
    let (s, page) = app.get_page("/dashboard", &ada).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Mentors who may suit you next"), "{page}");
    assert!(page.contains("Alan Turing"), "{page}");

    // Nobody can ask; suggestions and rounds leave Grace out.
    let (s, e) = app
        .post(
            "/api/v1/mentorships",
            &ada,
            crate::common::request_body(&program, &grace_id),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "mentor_away");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Back in March"),
        "{e}"
    );
    let (s, list) = app
        .get(&format!("/api/v1/programs/{program}/suggestions"), &ada)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["mentor"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alan Turing"], "{list}");
    let (s, why) = app
        .get(
            &format!("/api/v1/programs/{program}/suggestions/{grace_id}"),
            &ada,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{why}");
    assert_eq!(why["excluded_by"], json!(["away"]), "{why}");
    let (s, round) = app
        .post(
            &format!("/api/v1/programs/{program}/rounds"),
            &admin,
            json!({"objective": "optimal"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{round}");
    assert!(
        round["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["mentor_id"] == alan_id.as_str()),
        "only Alan is matched: {round}"
    );

    // Back: asked again.
    let (s, v) = app
        .put("/api/v1/me/away", &grace, json!({"away": false}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["away"].clone(), v["since"].clone()),
        (json!(false), json!(null))
    );
    let (s, v) = app
        .post(
            "/api/v1/mentorships",
            &ada,
            crate::common::request_body(&program, &grace_id),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}
