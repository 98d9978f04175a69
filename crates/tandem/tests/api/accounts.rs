use crate::common::TestApp;
use crate::on_both_databases;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;

on_both_databases!(
    first_account_is_admin_and_later_ones_are_not,
    registration_validates_every_field,
    duplicate_email_is_a_conflict,
    malformed_bodies_get_400_in_the_error_shape,
    login_gives_a_token_and_wrong_credentials_look_the_same,
    logout_ends_the_token,
    session_cookie_is_httponly_and_works,
    tokens_are_stored_only_as_hashes,
    profile_and_plan_round_trip_and_validate,
    people_are_visible_only_within_shared_programs,
    export_holds_everything_linked_to_me,
    openapi_docs_and_health_are_served,
    erasing_an_account_ends_its_relationships_and_keeps_the_pair_record,
);

async fn erasing_an_account_ends_its_relationships_and_keeps_the_pair_record(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, mentee) = app.person("Mentee").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    app.post(
        &format!("/api/v1/mentorships/{id}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    let (s, e) = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(&mentee),
            Some(json!({"password": "not my password"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = app.get("/api/v1/me", &mentee).await;
    assert_eq!(s, StatusCode::OK, "a refused erasure erases nothing");
    let (s, _) = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            Some(&mentee),
            Some(json!({"password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get("/api/v1/me", &mentee).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "sessions end with the account");
    let (s, m) = app.get(&format!("/api/v1/mentorships/{id}"), &mentor).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["status"], "ended");
    assert_eq!(m["end_reason"], "account_erased");
    assert_eq!(m["mentees"][0]["name"], "Former member");
    assert!(m["mentees"][0]["id"].is_null());
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "mentee@example.org", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn first_account_is_admin_and_later_ones_are_not(app: TestApp) {
    let (s, first) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "Ada@Example.org", "password": "0123456789", "name": "Ada"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(first["is_admin"], true);
    assert_eq!(first["email"], "ada@example.org");
    assert_eq!(first["name"], "Ada");
    assert!(first["id"].as_str().unwrap().len() >= 32);
    assert!(first.get("password_hash").is_none());
    let (s, second) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "bo@example.org", "password": "0123456789", "name": "Bo"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(second["is_admin"], false);
}

async fn registration_validates_every_field(app: TestApp) {
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "not-an-email", "password": "short", "name": " "})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["code"], "validation_failed");
    for field in ["email", "password", "name"] {
        assert!(
            e["error"]["fields"][field].is_string(),
            "no message for {field}: {e}"
        );
    }
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "a@example.org", "password": "0123456789"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["name"].is_string(), "{e}");
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": 42, "password": "0123456789", "name": "X"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["email"].is_string(), "{e}");
}

async fn duplicate_email_is_a_conflict(app: TestApp) {
    app.person("Ada").await;
    let (s, e) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"email": "ADA@example.org", "password": "0123456789", "name": "Ada 2"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "email_taken");
}

async fn malformed_bodies_get_400_in_the_error_shape(app: TestApp) {
    let req = Request::post("/api/v1/auth/register")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"email\": "))
        .unwrap();
    let (s, e) = app.send(req).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "bad_request");
    assert!(e["error"]["message"].as_str().unwrap().contains("JSON"));
    let req = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("{}"))
        .unwrap();
    let (s, _) = app.send(req).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, e) = app
        .call(Method::GET, "/api/v1/no/such/path", None, None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["code"], "not_found");
}

async fn login_gives_a_token_and_wrong_credentials_look_the_same(app: TestApp) {
    let (id, token) = app.person("Ada").await;
    let (s, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["id"], id);
    let (s1, wrong_password) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@example.org", "password": "wrong password"})),
        )
        .await;
    let (s2, unknown) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@example.org", "password": "wrong password"})),
        )
        .await;
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    assert_eq!(s2, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password, unknown);
    let (s, _) = app.call(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get("/api/v1/me", "made-up-token").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn logout_ends_the_token(app: TestApp) {
    let (_, token) = app.person("Ada").await;
    let (s, _) = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, e) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(e["error"]["code"], "unauthorized");
}

async fn session_cookie_is_httponly_and_works(app: TestApp) {
    app.person("Ada").await;
    let req = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"email": "ada@example.org", "password": "correct horse battery"}).to_string(),
        ))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let req = Request::get("/api/v1/me")
        .header(header::COOKIE, pair)
        .body(Body::empty())
        .unwrap();
    let (s, me) = app.send(req).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["email"], "ada@example.org");
}

async fn tokens_are_stored_only_as_hashes(app: TestApp) {
    use tandem::store::accounts::signed_in;
    let (id, token) = app.person("Ada").await;
    let db = app.state.store.read();
    let by_hash = signed_in(db, &tandem::secrets::hash_token(&token))
        .await
        .unwrap();
    assert_eq!(by_hash.map(|s| s.user.id), Some(id));
    assert!(signed_in(db, &token).await.unwrap().is_none());
}

async fn profile_and_plan_round_trip_and_validate(app: TestApp) {
    let (_, token) = app.person("Ada").await;
    let (s, empty) = app.get("/api/v1/me/profile", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(empty["skills"], json!([]));
    let profile = json!({
        "field": "Software Engineering", "headline": "Backend engineer", "bio": "Likes queues.",
        "known_for": "The billing rewrite", "years_experience": 6, "seniority": "senior",
        "skills": ["rust", " SQL ", "rust"], "interests": ["climbing"], "values": ["candour"],
        "education": "BSc Computer Science", "languages": ["English", "German"], "timezone": "Europe/Berlin",
        "location": "Berlin", "department": "Platform", "manager_email": "Boss@Example.org",
        "learning_style": "reading_writing", "meeting_preference": "video", "hours_per_month": 4
    });
    let (s, saved) = app.put("/api/v1/me/profile", &token, profile).await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(saved["skills"], json!(["rust", "SQL"]));
    assert_eq!(saved["manager_email"], "boss@example.org");
    let (_, read) = app.get("/api/v1/me/profile", &token).await;
    assert_eq!(read, saved);

    let (s, e) = app
        .put("/api/v1/me/profile", &token, json!({"timezone": "Mars/Olympus", "seniority": "wizard", "learning_style": "osmosis",
             "meeting_preference": "telepathy", "years_experience": -1, "hours_per_month": 1000, "manager_email": "nope"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "timezone",
        "seniority",
        "learning_style",
        "meeting_preference",
        "years_experience",
        "hours_per_month",
        "manager_email",
    ] {
        assert!(
            e["error"]["fields"][field].is_string(),
            "{field} not reported: {e}"
        );
    }
    let (_, unchanged) = app.get("/api/v1/me/profile", &token).await;
    assert_eq!(unchanged, saved, "a refused update changed nothing");

    let plan = json!({"strengths": ["Debugging"], "improve": ["Public speaking"], "short_term_goals": ["Give a talk"], "long_term_goals": ["Become staff engineer"]});
    let (s, saved) = app.put("/api/v1/me/plan", &token, plan.clone()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(saved, plan);
    let (_, read) = app.get("/api/v1/me/plan", &token).await;
    assert_eq!(read, plan);
    let (s, _) = app
        .put(
            "/api/v1/me/plan",
            &token,
            json!({"strengths": "not a list"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn people_are_visible_only_within_shared_programs(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, mentee) = app.person("Mentee").await;
    let (_, stranger) = app.person("Stranger").await;
    app.put(
        "/api/v1/me/profile",
        &mentor,
        json!({"field": "Data", "manager_email": "secret@example.org"}),
    )
    .await;
    let program = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let (s, p) = app
        .get(&format!("/api/v1/people/{mentor_id}"), &mentee)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["name"], "Mentor");
    assert_eq!(p["field"], "Data");
    assert!(
        p.get("manager_email").is_none() && p.get("email").is_none(),
        "private details leak: {p}"
    );
    let (s, e) = app
        .get(&format!("/api/v1/people/{mentor_id}"), &stranger)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(e["error"]["code"], "not_found");
    let (s, _) = app
        .get(
            "/api/v1/people/00000000-0000-0000-0000-000000000000",
            &admin,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn export_holds_everything_linked_to_me(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, mentee) = app.person("Mentee").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    app.put(
        "/api/v1/me/profile",
        &mentee,
        json!({"headline": "Curious"}),
    )
    .await;
    app.put(
        "/api/v1/me/plan",
        &mentee,
        json!({"short_term_goals": ["Ship it"]}),
    )
    .await;
    app.post(
        "/api/v1/shortlist",
        &mentee,
        json!({"person_id": mentor_id, "connection": "Same meetup"}),
    )
    .await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    let (s, export) = app.get("/api/v1/me/export", &mentee).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(export["account"]["name"], "Mentee");
    assert_eq!(export["profile"]["headline"], "Curious");
    assert_eq!(export["plan"]["short_term_goals"], json!(["Ship it"]));
    assert_eq!(export["enrollments"][0]["role"], "mentee");
    assert_eq!(export["shortlist"][0]["connection"], "Same meetup");
    assert_eq!(export["mentorships"][0]["mentorship"]["id"], id);
    assert_eq!(
        export["mentorships"][0]["mentorship"]["intro"],
        "I am a junior engineer."
    );
    let (_, admin_export) = app.get("/api/v1/me/export", &admin).await;
    assert_eq!(
        admin_export["mentorships"],
        json!([]),
        "an admin's export holds only their own links"
    );
}

async fn openapi_docs_and_health_are_served(app: TestApp) {
    let (s, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/auth/register",
        "/api/v1/mentorships/{id}/accept",
        "/api/v1/mentorships/{id}/agreement/sign",
        "/api/v1/programs/{id}/enrollments",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    let res = tower::ServiceExt::oneshot(
        app.router.clone(),
        Request::get("/api/docs/").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (s, _) = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(s, StatusCode::OK);
}

mod throttling {
    use crate::common::TestApp;
    use axum::http::{header, Method, StatusCode};
    use serde_json::json;

    fn limits(c: &mut tandem::config::Config) {
        c.login_max_failures_per_account = 3;
        c.login_max_failures_per_ip = 6;
        c.login_window_seconds = 600;
    }

    async fn attempt(
        app: &TestApp,
        email: &str,
        password: &str,
    ) -> (StatusCode, serde_json::Value, Option<u64>) {
        let req = axum::http::Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(
                json!({"email": email, "password": password}).to_string(),
            ))
            .unwrap();
        let res = tower::ServiceExt::oneshot(app.router.clone(), req)
            .await
            .unwrap();
        let status = res.status();
        let retry = res
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().parse().unwrap());
        let body = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        (
            status,
            serde_json::from_slice(&body).unwrap_or_default(),
            retry,
        )
    }

    async fn limits_failed_logins_per_account_and_per_ip(app: TestApp) {
        app.person("Ada").await;
        app.person("Bo").await;
        for _ in 0..10 {
            let (s, _, _) = attempt(&app, "bo@example.org", "correct horse battery").await;
            assert_eq!(s, StatusCode::OK, "successful logins are never limited");
        }
        for _ in 0..3 {
            let (s, _, _) = attempt(&app, "ada@example.org", "wrong password!").await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
        }
        let (s, e, retry) = attempt(&app, "ada@example.org", "correct horse battery").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{e}");
        assert_eq!(e["error"]["code"], "too_many_requests");
        let retry = retry.expect("Retry-After header");
        assert!(retry > 0 && retry <= 601, "{retry}");
        // Other accounts from this IP still work until the IP's own limit.
        let (s, _, _) = attempt(&app, "bo@example.org", "correct horse battery").await;
        assert_eq!(s, StatusCode::OK);
        for _ in 0..3 {
            let (s, _, _) = attempt(&app, "nobody@example.org", "wrong password!").await;
            assert_eq!(s, StatusCode::UNAUTHORIZED);
        }
        let (s, _, retry) = attempt(&app, "bo@example.org", "correct horse battery").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "the IP reached its limit");
        assert!(retry.is_some());
        // Once the window has passed, sign-in works again.
        app.state.clock.advance(chrono::Duration::seconds(601));
        let (s, _, _) = attempt(&app, "ada@example.org", "correct horse battery").await;
        assert_eq!(s, StatusCode::OK);
        let _ = Method::GET;
    }

    #[tokio::test]
    async fn sqlite() {
        limits_failed_logins_per_account_and_per_ip(TestApp::sqlite_with(limits).await).await
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(app) = TestApp::postgres_with(limits).await {
            limits_failed_logins_per_account_and_per_ip(app).await
        }
    }
}

/// Two servers' connection pools registering at once on one database: every
/// write waits its turn (none fails with SQLITE_BUSY), and exactly one account
/// becomes the first admin.
async fn concurrent_registrations_in_two_pools(url: String) {
    let a = tandem::build(crate::common::fast_config(&url))
        .await
        .unwrap();
    let b = tandem::build(crate::common::fast_config(&url))
        .await
        .unwrap();
    let routers = [a.router(), b.router()];
    let mut tasks = Vec::new();
    for i in 0..24 {
        let router = routers[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"email": format!("p{i}@example.org"), "password": "0123456789", "name": format!("P{i}")});
            let req = Request::post("/api/v1/auth/register")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            tower::ServiceExt::oneshot(router, req).await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let admins = tandem::store::accounts::count_active_admins(a.state.store.read())
        .await
        .unwrap();
    assert_eq!(admins, 1, "exactly one first account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_concurrent_registrations_in_two_pools() {
    let dir = tempfile::tempdir().unwrap();
    concurrent_registrations_in_two_pools(format!("sqlite://{}/shared.db", dir.path().display()))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_registrations_in_two_pools() {
    // The harness's fresh database; a second pool on the same URL plays the second server.
    if let Some(app) = TestApp::postgres().await {
        let url = app.state.config.database_url.clone();
        concurrent_registrations_in_two_pools(url).await;
    }
}
