//! Limits that hold under a crowd: however many sign-in guesses arrive at once,
//! on one server or several, no more than the limit are ever checked; sign-ups
//! from one address are limited too; and password hashing, bounded, tells the
//! overflow to come back (503) instead of taking the memory.
use crate::common::TestApp;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::json;

async fn post(router: Router, path: &str, body: serde_json::Value) -> (StatusCode, Option<String>) {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = tower::ServiceExt::oneshot(router, req).await.unwrap();
    let retry = res
        .headers()
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().unwrap().to_string());
    (res.status(), retry)
}

/// Thirty guesses at once, spread over the routers, the right password the 20th.
async fn thirty_guesses(routers: &[Router]) -> Vec<StatusCode> {
    let tasks: Vec<_> = (0..30)
        .map(|k| {
            let router = routers[k % routers.len()].clone();
            let password = if k == 19 {
                "correct horse battery"
            } else {
                "a wrong guess!"
            };
            tokio::spawn(async move {
                post(
                    router,
                    "/api/v1/auth/login",
                    json!({"email": "ada@example.org", "password": password}),
                )
                .await
                .0
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn assert_no_more_than_the_limit_checked(statuses: &[StatusCode]) {
    let failed = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let signed_in = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        failed <= 5,
        "{failed} wrong guesses were checked: {statuses:?}"
    );
    assert!(signed_in <= 1, "{statuses:?}");
    assert_eq!(failed + signed_in + refused, 30, "{statuses:?}");
    assert!(
        refused >= 24,
        "the rest were refused unchecked: {statuses:?}"
    );
}

async fn crowd_of_guesses(app: TestApp) {
    app.person("Ada").await;
    let statuses = thirty_guesses(std::slice::from_ref(&app.router)).await;
    assert_no_more_than_the_limit_checked(&statuses);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_crowd_of_guesses_checks_no_more_than_the_limit() {
    crowd_of_guesses(TestApp::sqlite().await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_crowd_of_guesses_checks_no_more_than_the_limit() {
    if let Some(app) = TestApp::postgres().await {
        crowd_of_guesses(app).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_guesses_spread_over_three_servers_check_no_more_than_the_limit() {
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    app.person("Ada").await;
    let url = app.state.config.database_url.clone();
    let mut routers = vec![app.router.clone()];
    for _ in 0..2 {
        let other = tandem::build(crate::common::fast_config(&url))
            .await
            .unwrap();
        routers.push(
            other
                .router()
                .layer(axum::extract::connect_info::MockConnectInfo(
                    std::net::SocketAddr::from(([10, 0, 0, 7], 40000)),
                )),
        );
    }
    let statuses = thirty_guesses(&routers).await;
    assert_no_more_than_the_limit_checked(&statuses);
}

async fn sign_ups_per_address(app: TestApp) {
    for k in 0..3 {
        let (s, _) = post(
            app.router.clone(),
            "/api/v1/auth/register",
            json!({"email": format!("p{k}@example.org"), "password": "correct horse battery", "name": "P"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let (s, retry) = post(
        app.router.clone(),
        "/api/v1/auth/register",
        json!({"email": "p9@example.org", "password": "correct horse battery", "name": "P"}),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sign_ups_from_one_address_are_limited() {
    sign_ups_per_address(TestApp::sqlite_with(|c| c.signup_max_per_ip = 3).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sign_ups_from_one_address_are_limited() {
    if let Some(app) = TestApp::postgres_with(|c| c.signup_max_per_ip = 3).await {
        sign_ups_per_address(app).await
    }
}

/// With no wait for a hasher, a crowd of sign-ups is answered 201 or 503 with
/// Retry-After, nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crowd_of_sign_ups_is_served_or_told_to_come_back() {
    let app = TestApp::sqlite_with(|c| {
        c.hash_wait_seconds = 0;
        c.argon2_memory_kib = 8192;
        c.argon2_iterations = 2;
    })
    .await;
    let tasks: Vec<_> = (0..100)
        .map(|k| {
            let router = app.router.clone();
            tokio::spawn(async move {
                post(
                    router,
                    "/api/v1/auth/register",
                    json!({"email": format!("crowd{k}@example.org"), "password": "correct horse battery", "name": "C"}),
                )
                .await
            })
        })
        .collect();
    let mut created = 0;
    let mut busy = 0;
    for t in tasks {
        match t.await.unwrap() {
            (StatusCode::CREATED, _) => created += 1,
            (StatusCode::SERVICE_UNAVAILABLE, retry) => {
                assert!(retry.is_some(), "503 says when to come back");
                busy += 1;
            }
            (other, _) => panic!("a sign-up answered {other}"),
        }
    }
    assert!(
        created >= 1 && busy >= 1,
        "{created} created, {busy} told to come back"
    );
}

async fn login_from(
    app: &TestApp,
    forwarded_for: &str,
    password: &str,
) -> (StatusCode, Vec<String>) {
    let req = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", forwarded_for)
        .header("x-forwarded-proto", "https")
        .body(Body::from(
            json!({"email": "ada@example.org", "password": password}).to_string(),
        ))
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.router.clone(), req)
        .await
        .unwrap();
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    (res.status(), cookies)
}

/// Behind a trusted proxy each client is counted by its own address, and the
/// proxy's word on https makes cookies Secure; an untrusted peer's headers are
/// not believed.
async fn behind_a_proxy(app: TestApp, trusted: bool) {
    app.person("Ada").await;
    app.person("Bo").await;
    for k in 0..3 {
        // Bad guesses on other accounts, all from one client behind the proxy.
        let req = Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .header("x-forwarded-for", "203.0.113.5")
            .body(Body::from(
                json!({"email": format!("nobody{k}@example.org"), "password": "a wrong guess!"})
                    .to_string(),
            ))
            .unwrap();
        let res = tower::ServiceExt::oneshot(app.router.clone(), req)
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let (s, _) = login_from(&app, "203.0.113.5", "correct horse battery").await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "that client reached its limit"
    );
    let (s, cookies) = login_from(&app, "1.1.1.1, 203.0.113.9", "correct horse battery").await;
    if trusted {
        assert_eq!(
            s,
            StatusCode::OK,
            "another client behind the same proxy is not locked out"
        );
        assert!(
            cookies.iter().all(|c| c.contains("; Secure")),
            "https at the proxy: {cookies:?}"
        );
    } else {
        assert_eq!(
            s,
            StatusCode::TOO_MANY_REQUESTS,
            "an untrusted peer's headers are not believed"
        );
    }
}

fn trusting(c: &mut tandem::config::Config) {
    c.login_max_failures_per_ip = 3;
    c.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
}

fn not_trusting(c: &mut tandem::config::Config) {
    c.login_max_failures_per_ip = 3;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_behind_a_trusted_proxy_clients_are_counted_apart() {
    behind_a_proxy(TestApp::sqlite_with(trusting).await, true).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_an_untrusted_peers_forwarded_headers_are_not_believed() {
    behind_a_proxy(TestApp::sqlite_with(not_trusting).await, false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_behind_a_trusted_proxy_clients_are_counted_apart() {
    if let Some(app) = TestApp::postgres_with(trusting).await {
        behind_a_proxy(app, true).await
    }
}
