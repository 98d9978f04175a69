//! The core's promises: lists that run a fixed number of statements whatever their
//! page size, keyset cursors that refuse what is not theirs, reads that never
//! write, expiry that reads true the moment it is due, caches that never serve
//! what a write has changed (here and on another server), CSRF on cookie-
//! authenticated changes, no caching of signed-in answers, and columns that
//! refuse values they cannot hold, and unique constraints that name their field.
use crate::common::TestApp;
use crate::on_both_databases;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

on_both_databases!(
    invalid_cursors_are_refused_and_pages_follow_each_other,
    a_request_reads_as_expired_the_moment_it_is_due_and_no_read_writes,
    cookie_changes_need_the_csrf_token_and_this_sites_origin,
    signed_in_answers_are_never_cached,
    a_value_a_column_cannot_hold_is_an_error_naming_it,
    two_drafts_published_at_once_leave_one_published,
    concurrent_program_edits_keep_both_changes,
    only_writes_to_what_is_cached_refresh_the_cache,
    a_unique_value_written_twice_names_the_field_it_guards,
);

/// A program with `mentors` mentors, `mentees` mentees, and every mentee asking
/// the first mentor; returns (admin token, program, first mentor's token).
async fn crowd(app: &TestApp, mentors: usize, mentees: usize) -> (String, String, String) {
    let (_, admin) = app.person("Admin").await;
    let program = app
        .program(
            &admin,
            "traditional",
            json!({"mentor_capacity": 50, "max_mentors_per_mentee": 3}),
        )
        .await;
    let mut first = None;
    for k in 0..mentors {
        let (id, token) = app.person(&format!("Mentor {k}")).await;
        app.enroll(&program, &token, "mentor").await;
        first.get_or_insert((id, token));
    }
    let (mentor_id, mentor) = first.expect("at least one mentor");
    for k in 0..mentees {
        let (_, token) = app.person(&format!("Mentee {k}")).await;
        app.enroll(&program, &token, "mentee").await;
        app.request(&program, &token, &mentor_id).await;
    }
    (admin, program, mentor)
}

/// Statements one GET runs.
async fn statements_of(app: &TestApp, path: &str, token: &str) -> u64 {
    let before = app.state.store.statements();
    let (s, v) = app.get(path, token).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    app.state.store.statements() - before
}

async fn lists_run_as_many_statements_whatever_their_page_size(app: TestApp) {
    let (admin, program, mentor) = crowd(&app, 12, 12).await;
    for (path, token) in [
        (format!("/api/v1/programs/{program}/mentors"), &mentor),
        ("/api/v1/mentorships".to_string(), &mentor),
        (format!("/api/v1/programs/{program}/mentorships"), &admin),
        (format!("/api/v1/programs/{program}/enrollments"), &admin),
    ] {
        let small = statements_of(&app, &format!("{path}?limit=2"), token).await;
        let large = statements_of(&app, &format!("{path}?limit=12"), token).await;
        assert!(small > 0, "{path}: statements are counted");
        assert_eq!(
            small, large,
            "{path}: a page of 12 runs as many statements as a page of 2"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_lists_run_as_many_statements_whatever_their_page_size() {
    let app = TestApp::sqlite_with(|c| c.read_cache = false).await;
    lists_run_as_many_statements_whatever_their_page_size(app).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_lists_run_as_many_statements_whatever_their_page_size() {
    if let Some(app) = TestApp::postgres_with(|c| c.read_cache = false).await {
        lists_run_as_many_statements_whatever_their_page_size(app).await
    }
}

async fn invalid_cursors_are_refused_and_pages_follow_each_other(app: TestApp) {
    let (admin, program, mentor) = crowd(&app, 3, 5).await;
    for path in [
        "/api/v1/programs".to_string(),
        "/api/v1/mentorships".to_string(),
        "/api/v1/shortlist".to_string(),
        format!("/api/v1/programs/{program}/mentors"),
        format!("/api/v1/programs/{program}/enrollments"),
        format!("/api/v1/programs/{program}/mentorships"),
        format!("/api/v1/programs/{program}/rounds"),
    ] {
        for bad in ["not-a-cursor", "W10", "WyJ4Il0"] {
            let (s, e) = app.get(&format!("{path}?cursor={bad}"), &admin).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{path} with cursor {bad}: {e}");
            assert_eq!(e["error"]["code"], "bad_request");
        }
    }
    // The mentor's five requests, two by two: every one once, newest first.
    let mut seen: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/mentorships?limit=2&cursor={c}"),
            None => "/api/v1/mentorships?limit=2".to_string(),
        };
        let (s, page) = app.get(&path, &mentor).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        seen.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    // As instants: "…:40Z" and "…:40.075Z" do not sort as text.
    let times: Vec<chrono::DateTime<chrono::Utc>> = seen
        .iter()
        .map(|m| m["created_at"].as_str().unwrap().parse().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first across pages");
    let mut ids: Vec<&str> = seen.iter().map(|m| m["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 5, "no item twice");
}

async fn a_request_reads_as_expired_the_moment_it_is_due_and_no_read_writes(app: TestApp) {
    let crate::common::Pair {
        program,
        mentor_id,
        mentor,
        mentee,
        id,
        ..
    } = app.pair(json!({"request_expiry_days": 3})).await;
    app.state.clock.advance(chrono::Duration::days(3));

    let writes = app.state.store.writes_begun();
    let (_, m) = app.get(&format!("/api/v1/mentorships/{id}"), &mentee).await;
    assert_eq!(m["status"], "expired", "due now, read as expired at once");
    assert_eq!(m["ended_at"], m["expires_at"]);
    assert_eq!(m["allowed_actions"], json!([]));
    let (_, expired) = app.get("/api/v1/mentorships?status=expired", &mentee).await;
    assert_eq!(expired["items"].as_array().unwrap().len(), 1);
    let (_, requested) = app
        .get("/api/v1/mentorships?status=requested", &mentor)
        .await;
    assert_eq!(requested["items"], json!([]));
    for path in [
        "/api/v1/me".to_string(),
        "/api/v1/mentorships".to_string(),
        format!("/api/v1/programs/{program}"),
        format!("/api/v1/programs/{program}/mentors"),
        format!("/api/v1/programs/{program}/suggestions"),
        "/api/v1/me/export".to_string(),
    ] {
        let (s, v) = app.get(&path, &mentee).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
    }
    assert_eq!(
        app.state.store.writes_begun(),
        writes,
        "reads opened no write transaction"
    );

    // The expired request no longer counts: the mentee may ask again.
    app.request(&program, &mentee, &mentor_id).await;
    let (s, e) = app
        .post(
            &format!("/api/v1/mentorships/{id}/accept"),
            &mentor,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    // The job writes down what reads already showed.
    assert_eq!(tandem::service::jobs::run_due(&app.state).await.expired, 1);
    let (_, m) = app.get(&format!("/api/v1/mentorships/{id}"), &mentee).await;
    assert_eq!(m["status"], "expired");
}

/// Signs in with the session cookie; returns (cookie header, csrf token).
async fn cookie_session(app: &TestApp, email: &str) -> (String, String) {
    let req = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"email": email, "password": "correct horse battery"}).to_string(),
        ))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    let body = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    let login: Value = serde_json::from_slice(&body).unwrap();
    let csrf = login["csrf_token"].as_str().unwrap().to_string();
    let session = login["token"].as_str().unwrap();
    assert!(cookies
        .iter()
        .any(|c| c == &format!("tandem_session={session}")));
    assert_eq!(
        csrf,
        tandem::http::csrf::for_session(session),
        "the CSRF token is bound to the session"
    );
    (cookies.join("; "), csrf)
}

async fn cookie_changes_need_the_csrf_token_and_this_sites_origin(app: TestApp) {
    let crate::common::Pair {
        mentor, mentee, id, ..
    } = app.pair(json!({})).await;
    app.post(
        &format!("/api/v1/mentorships/{id}/accept"),
        &mentor,
        json!({}),
    )
    .await;
    let (cookie, csrf) = cookie_session(&app, "mentee@example.org").await;
    let (_, other_csrf) = cookie_session(&app, "mentor@example.org").await;
    let pause = |extra: &[(&'static str, String)]| {
        let mut req = Request::post(format!("/api/v1/mentorships/{id}/pause"))
            .header(header::COOKIE, cookie.clone())
            .header(header::HOST, "127.0.0.1:8080");
        for (k, v) in extra {
            req = req.header(*k, v.clone());
        }
        req.body(Body::empty()).unwrap()
    };
    for (why, extra) in [
        ("no token", vec![]),
        (
            "a wrong token",
            vec![("x-csrf-token", "forged".to_string())],
        ),
        (
            "another site's origin",
            vec![
                ("x-csrf-token", csrf.clone()),
                ("origin", "https://evil.example".to_string()),
            ],
        ),
        (
            "a cross-site fetch",
            vec![
                ("x-csrf-token", csrf.clone()),
                ("sec-fetch-site", "cross-site".to_string()),
            ],
        ),
        (
            "another session's token",
            vec![("x-csrf-token", other_csrf.clone())],
        ),
    ] {
        let (s, e) = app.send(pause(&extra)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{why}: {e}");
    }
    // A CSRF cookie planted beside the session (a sibling subdomain can set one)
    // and repeated in the header proves nothing.
    let planted = Request::post(format!("/api/v1/mentorships/{id}/pause"))
        .header(header::COOKIE, format!("{cookie}; tandem_csrf=planted"))
        .header("x-csrf-token", "planted")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(planted).await.0, StatusCode::FORBIDDEN);
    let (_, m) = app.get(&format!("/api/v1/mentorships/{id}"), &mentee).await;
    assert_eq!(m["status"], "active", "nothing changed");
    let (s, m) = app
        .send(pause(&[
            ("x-csrf-token", csrf.clone()),
            ("origin", "http://127.0.0.1:8080".to_string()),
        ]))
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "paused");
    // Reads with the cookie need no token; Bearer clients never do.
    let req = Request::get("/api/v1/me")
        .header(header::COOKIE, cookie.clone())
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.0, StatusCode::OK);
    let (s, _) = app
        .post(
            &format!("/api/v1/mentorships/{id}/resume"),
            &mentee,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

async fn signed_in_answers_are_never_cached(app: TestApp) {
    let (_, token) = app.person("Ada").await;
    for path in ["/api/v1/me", "/api/v1/me/export", "/dashboard"] {
        let req = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let res = tower::ServiceExt::oneshot(app.router.clone(), req)
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(
            res.headers().get(header::CACHE_CONTROL).unwrap(),
            "no-store",
            "{path}"
        );
    }
}

async fn a_value_a_column_cannot_hold_is_an_error_naming_it(app: TestApp) {
    use sea_orm::ConnectionTrait;
    let pair = app.pair(json!({})).await;
    let id = pair.id;
    // What another program (or a hand-edited database) could leave behind.
    app.state
        .store
        .read()
        .execute_unprepared(&format!(
            "UPDATE mentorships SET status = 'on_hold' WHERE id = '{id}'"
        ))
        .await
        .unwrap();
    let err = tandem::store::mentorships::with_members(app.state.store.read(), &id)
        .await
        .expect_err("an unknown status is no silent default");
    let message = err.to_string();
    assert!(
        message.contains(&id) && message.contains("status") && message.contains("on_hold"),
        "the error names the row, the column and the value: {message}"
    );
    // A plain read of one table names its row too.
    app.state
        .store
        .read()
        .execute_unprepared(&format!(
            "UPDATE programs SET kind = 'circle' WHERE id = '{}'",
            pair.program
        ))
        .await
        .unwrap();
    let err = tandem::store::programs::program_by_id(app.state.store.read(), &pair.program)
        .await
        .expect_err("an unknown kind is no silent default");
    let message = err.to_string();
    assert!(
        message.contains(&pair.program) && message.contains("kind") && message.contains("circle"),
        "the error names the row, the column and the value: {message}"
    );
}

async fn two_drafts_published_at_once_leave_one_published(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    for k in 0..3 {
        let (_, t) = app.person(&format!("Mentor {k}")).await;
        app.put("/api/v1/me/profile", &t, json!({"languages": ["English"]}))
            .await;
        app.enroll(&program, &t, "mentor").await;
        let (_, t) = app.person(&format!("Mentee {k}")).await;
        app.put("/api/v1/me/profile", &t, json!({"languages": ["English"]}))
            .await;
        app.enroll(&program, &t, "mentee").await;
    }
    let mut drafts = Vec::new();
    for objective in ["optimal", "stable"] {
        let (s, r) = app
            .post(
                &format!("/api/v1/programs/{program}/rounds"),
                &admin,
                json!({"objective": objective}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert!(r["stats"]["pairs"].as_u64().unwrap() > 0);
        drafts.push(r["id"].as_str().unwrap().to_string());
    }
    let publish = |id: String| {
        let router = app.router.clone();
        let token = admin.clone();
        tokio::spawn(async move {
            let req = Request::post(format!("/api/v1/rounds/{id}/publish"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            tower::ServiceExt::oneshot(router, req)
                .await
                .unwrap()
                .status()
        })
    };
    let a = publish(drafts[0].clone());
    let b = publish(drafts[1].clone());
    let mut statuses = vec![a.await.unwrap(), b.await.unwrap()];
    statuses.sort();
    assert_eq!(statuses, vec![StatusCode::OK, StatusCode::CONFLICT]);
    let (_, rounds) = app
        .get(&format!("/api/v1/programs/{program}/rounds"), &admin)
        .await;
    let mut states: Vec<&str> = rounds["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    states.sort();
    assert_eq!(states, vec!["discarded", "published"]);
    let (_, pairs) = app
        .get(&format!("/api/v1/programs/{program}/mentorships"), &admin)
        .await;
    assert_eq!(
        pairs["items"].as_array().unwrap().len(),
        3,
        "one round's proposals, not two"
    );
}

async fn concurrent_program_edits_keep_both_changes(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    for round in 0..5 {
        let edit = |body: Value| {
            let router = app.router.clone();
            let token = admin.clone();
            let path = format!("/api/v1/programs/{program}");
            tokio::spawn(async move {
                let req = Request::patch(path)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .unwrap();
                tower::ServiceExt::oneshot(router, req)
                    .await
                    .unwrap()
                    .status()
            })
        };
        let a = edit(json!({"description": format!("round {round}")}));
        let b = edit(json!({"cadence_days": 20 + round}));
        assert_eq!(a.await.unwrap(), StatusCode::OK);
        assert_eq!(b.await.unwrap(), StatusCode::OK);
        let (_, p) = app
            .get(&format!("/api/v1/programs/{program}"), &admin)
            .await;
        assert_eq!(p["description"], format!("round {round}"));
        assert_eq!(p["cadence_days"], 20 + round);
    }
}

/// Two servers on one database: a sign-out on one ends the session on the other
/// within seconds, although the other keeps sessions in memory.
async fn a_sign_out_reaches_the_other_server(first: TestApp, url: String) {
    let second = tandem::build(crate::common::fast_config(&url))
        .await
        .unwrap();
    let other = second.router();
    let (_, token) = first.person("Ada").await;
    let me_on_other = || {
        let router = other.clone();
        let token = token.clone();
        async move {
            let req = Request::get("/api/v1/me")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            tower::ServiceExt::oneshot(router, req)
                .await
                .unwrap()
                .status()
        }
    };
    // Once the other server hears changes it keeps sessions in memory.
    let started = std::time::Instant::now();
    while !second.state.store.caching() {
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(me_on_other().await, StatusCode::OK);
    assert_eq!(me_on_other().await, StatusCode::OK);
    let (s, _) = first
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let started = std::time::Instant::now();
    while me_on_other().await == StatusCode::OK {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the other server still takes the token"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_sign_out_reaches_the_other_server() {
    let app = TestApp::sqlite().await;
    let url = app.state.config.database_url.clone();
    a_sign_out_reaches_the_other_server(app, url).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_sign_out_reaches_the_other_server() {
    if let Some(app) = TestApp::postgres().await {
        let url = app.state.config.database_url.clone();
        a_sign_out_reaches_the_other_server(app, url).await
    }
}

/// A read served from memory runs no statement; a write to what it holds makes
/// the next read go to the database, and other writes (a profile, a failed
/// sign-in) leave it in memory.
async fn only_writes_to_what_is_cached_refresh_the_cache(app: TestApp) {
    let crate::common::Pair {
        mentor, mentee, id, ..
    } = app.pair(json!({})).await;
    app.wait_for_caching().await;
    let path = format!("/api/v1/mentorships/{id}");
    statements_of(&app, &path, &mentee).await;
    assert_eq!(
        statements_of(&app, &path, &mentee).await,
        0,
        "served from memory"
    );

    app.put("/api/v1/me/profile", &mentee, json!({"field": "Data"}))
        .await;
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "mentee@example.org", "password": "wrong password!"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        statements_of(&app, &path, &mentee).await,
        0,
        "a profile and a failed sign-in change nothing the cache holds"
    );

    let (s, _) = app
        .post(&format!("{path}/accept"), &mentor, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(statements_of(&app, &path, &mentee).await > 0, "read afresh");
    let (_, m) = app.get(&path, &mentee).await;
    assert_eq!(m["status"], "active");
}

/// Every unique constraint the store knows by name exists under that name (and
/// those columns, on SQLite) in the migrated schema, and a second write that
/// breaks one, as two sign-ups at once would, is a 409 naming its field.
async fn a_unique_value_written_twice_names_the_field_it_guards(app: TestApp) {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    use tandem::error::AppError;
    use tandem::store::accounts::{insert_user, NewUser};
    use tandem::store::constraints::CONSTRAINTS;

    let db = app.state.store.read();
    let backend = db.get_database_backend();
    let query = |sql: String| async move {
        db.query_all_raw(Statement::from_string(backend, sql))
            .await
            .expect("catalog query")
    };
    let mut known = Vec::new();
    match backend {
        DatabaseBackend::Postgres => {
            let rows = query(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()".into(),
            )
            .await;
            for row in rows {
                known.push(row.try_get::<String>("", "indexname").unwrap());
            }
        }
        _ => {
            let tables = query("SELECT name FROM sqlite_master WHERE type = 'table'".into()).await;
            for table in tables {
                let table: String = table.try_get("", "name").unwrap();
                for index in query(format!("PRAGMA index_list('{table}')")).await {
                    if index.try_get::<i32>("", "unique").unwrap() != 1 {
                        continue;
                    }
                    let name: String = index.try_get("", "name").unwrap();
                    let cols: Vec<String> = query(format!("PRAGMA index_info('{name}')"))
                        .await
                        .iter()
                        .map(|c| format!("{table}.{}", c.try_get::<String>("", "name").unwrap()))
                        .collect();
                    known.push(cols.join(", "));
                }
            }
        }
    }
    for c in CONSTRAINTS {
        let name = match backend {
            DatabaseBackend::Postgres => c.postgres,
            _ => c.sqlite,
        };
        assert!(
            known.iter().any(|k| k == name),
            "{name} is not a unique constraint of the schema: {known:?}"
        );
    }

    let user = |name: &str, token: &str| NewUser {
        email: "twice@example.org".into(),
        name: name.into(),
        password_hash: "x".into(),
        is_admin: false,
        calendar_token: token.into(),
        at: app.state.clock.now(),
    };
    insert_user(db, user("First", "a")).await.unwrap();
    let err = AppError::from(insert_user(db, user("Second", "b")).await.unwrap_err());
    assert_eq!(err.code(), "email_taken", "{err:?}");
    let fields = err.fields().expect("the field it guards");
    assert!(fields.contains_key("email"), "{fields:?}");
}
