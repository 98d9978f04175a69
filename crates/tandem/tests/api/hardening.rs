//! Bad input gets a clear 4xx, the same on both databases: NUL characters, long
//! e-mails, dates out of range, bodies that are not one JSON object; and the
//! headers every answer carries.
use crate::common::TestApp;
use crate::on_both_databases;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;

on_both_databases!(
    nul_characters_are_refused_wherever_they_come,
    long_emails_are_throttled_like_any_other,
    dates_beyond_what_both_databases_hold_are_refused,
    a_body_must_be_one_json_object_sent_as_json,
    lenient_query_values_are_ignored_or_clamped,
    documentation_and_pages_forbid_plugins_and_framing,
    one_mentee_asking_one_mentor_in_two_programs_at_once_wins_once,
);

async fn nul_characters_are_refused_wherever_they_come(app: TestApp) {
    let pair = app.pair(json!({})).await;
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada\u{0}@example.org", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["fields"]["email"].is_string());
    let (s, e) = app
        .post(
            "/api/v1/shortlist",
            &pair.mentee,
            json!({"person_id": format!("{}\u{0}", pair.mentor_id)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["fields"]["person_id"].is_string());
    let (s, e) = app
        .put(
            "/api/v1/me/profile",
            &pair.mentee,
            json!({"skills": ["rust", "g\u{0}o"]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["fields"]["skills[1]"].is_string(), "{e}");
    for path in [
        format!("/api/v1/mentorships/{}%00", pair.id),
        "/api/v1/people/%00".to_string(),
        format!("/api/v1/programs/{}%00/mentors", pair.program),
    ] {
        let (s, e) = app.get(&path, &pair.mentee).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {e}");
    }
    let (s, e) = app
        .get(
            &format!("/api/v1/programs/{}/mentors?q=a%00b", pair.program),
            &pair.mentee,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // A page's form: refused before any database sees it.
    let req = Request::post("/shortlist")
        .header(
            header::COOKIE,
            format!("tandem_csrf=t; tandem_session={}", pair.mentee),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("csrf=t&person_id=a%00b"))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

async fn long_emails_are_throttled_like_any_other(app: TestApp) {
    let email = format!("{}@example.org", "a".repeat(400));
    for attempt in 1..=6 {
        let (s, e) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": "not the password"})),
            )
            .await;
        // Five wrong guesses are answered; the sixth is refused.
        let want = if attempt <= 5 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(s, want, "attempt {attempt}: {e}");
    }
}

async fn dates_beyond_what_both_databases_hold_are_refused(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    for (starts, ends) in [
        ("-5000-01-01", "2027-01-01"),
        ("2027-01-01", "+99999-01-01"),
    ] {
        let (s, e) = app
            .post(
                "/api/v1/programs",
                &admin,
                json!({"name": "P", "kind": "peer", "context": "startup", "starts_on": starts, "ends_on": ends}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    }
}

async fn send_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    content_type: &str,
    body: &str,
) -> StatusCode {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await.0
}

async fn a_body_must_be_one_json_object_sent_as_json(app: TestApp) {
    let pair = app.pair(json!({})).await;
    let (_, before) = app.get("/api/v1/me/profile", &pair.mentee).await;
    for (content_type, body) in [
        ("application/json", r#"{"field": "x"} junk"#),
        ("application/json", "[]"),
        ("application/json", r#""text""#),
        ("application/jsonp", r#"{"field": "x"}"#),
        ("text/plain", r#"{"field": "x"}"#),
    ] {
        let s = send_raw(
            &app,
            Method::PUT,
            "/api/v1/me/profile",
            &pair.mentee,
            content_type,
            body,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{content_type} {body}");
    }
    let (_, after) = app.get("/api/v1/me/profile", &pair.mentee).await;
    assert_eq!(before, after, "refused bodies changed nothing");
    let s = send_raw(
        &app,
        Method::PUT,
        "/api/v1/me/profile",
        &pair.mentee,
        "application/json; charset=utf-8",
        r#"{"field": "Data"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "parameters are allowed");
    let s = send_raw(
        &app,
        Method::POST,
        &format!("/api/v1/mentorships/{}/withdraw", pair.id),
        &pair.mentee,
        "application/json",
        "null",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "a null action body is no body");
}

async fn lenient_query_values_are_ignored_or_clamped(app: TestApp) {
    let pair = app.pair(json!({})).await;
    for path in [
        "/api/v1/mentorships?status=",
        "/api/v1/mentorships?limit=99999999999999999999999999",
        "/api/v1/mentorships?limit=-99999999999999999999999999",
        "/api/v1/programs?limit=",
    ] {
        let (s, e) = app.get(path, &pair.mentee).await;
        assert_eq!(s, StatusCode::OK, "{path}: {e}");
    }
    let (s, e) = app
        .get("/api/v1/mentorships?status=lost", &pair.mentee)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
}

async fn documentation_and_pages_forbid_plugins_and_framing(app: TestApp) {
    for path in ["/api/docs/", "/signin"] {
        let req = Request::get(path).body(Body::empty()).unwrap();
        let res = tower::ServiceExt::oneshot(app.router.clone(), req)
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let csp = res
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("{path} has no CSP"))
            .to_str()
            .unwrap();
        assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(res.headers().get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
    }
}

/// The same mentee asks the same mentor in two programs at the same moment,
/// ten times over: each time exactly one request is made and the other is a 409.
async fn one_mentee_asking_one_mentor_in_two_programs_at_once_wins_once(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    for trial in 0..10 {
        let (mentor_id, mentor) = app.person(&format!("Mentor {trial}")).await;
        let (_, mentee) = app.person(&format!("Mentee {trial}")).await;
        let mut programs = Vec::new();
        for _ in 0..2 {
            let p = app.program(&admin, "traditional", json!({})).await;
            app.enroll(&p, &mentor, "mentor").await;
            app.enroll(&p, &mentee, "mentee").await;
            programs.push(p);
        }
        let ask = |program: String| {
            let router = app.router.clone();
            let token = mentee.clone();
            let mentor_id = mentor_id.clone();
            tokio::spawn(async move {
                let req = Request::post("/api/v1/mentorships")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        crate::common::request_body(&program, &mentor_id).to_string(),
                    ))
                    .unwrap();
                tower::ServiceExt::oneshot(router, req)
                    .await
                    .unwrap()
                    .status()
            })
        };
        let a = ask(programs[0].clone());
        let b = ask(programs[1].clone());
        let mut got = vec![a.await.unwrap(), b.await.unwrap()];
        got.sort();
        assert_eq!(
            got,
            vec![StatusCode::CREATED, StatusCode::CONFLICT],
            "trial {trial}"
        );
    }
}
