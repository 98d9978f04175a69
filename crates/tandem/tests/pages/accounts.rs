//! Signing up and in, CSRF on every form, redirects for visitors, throttling, and
//! the headers every page carries.
use super::*;

#[tokio::test]
async fn sign_up_sets_the_session_cookie_and_goes_to_the_dashboard() {
    let (router, _dir) = app().await;
    let mut ada = Browser::new(&router);

    let form = ada.get("/signup").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"id="signup-form""#));
    let csrf_cookie = form
        .set_cookie("tandem_csrf")
        .expect("the first page issues a CSRF cookie");
    assert!(
        csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"),
        "{csrf_cookie}"
    );
    let token = ada.cookies["tandem_csrf"].clone();
    assert!(
        form.body
            .contains(&format!(r#"name="csrf" value="{token}""#)),
        "the form carries the token"
    );

    let done = ada
        .post(
            "/signup",
            &[
                ("name", "Ada Lovelace"),
                ("email", "ada@example.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/dashboard");
    let session = done.set_cookie("tandem_session").expect("sign-up signs in");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );

    let dashboard = ada.get("/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains("Hello, Ada Lovelace"));
    assert!(
        dashboard
            .body
            .contains(&format!(r#"name="csrf" value="{}""#, ada.csrf())),
        "signed in, the forms carry the token bound to the session"
    );
    assert!(
        !dashboard.body.contains(&format!(r#"value="{token}""#)),
        "the token from before signing in no longer counts"
    );
    assert!(
        dashboard.body.contains("Complete your profile"),
        "an empty profile is a next step"
    );
}

#[tokio::test]
async fn sign_up_shows_validation_errors_next_to_the_fields() {
    let (router, _dir) = app().await;
    let mut b = Browser::new(&router);
    b.get("/signup").await;
    let page = b
        .post(
            "/signup",
            &[
                ("name", "Bo"),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains(r#"id="email-error""#) && page.body.contains(r#"id="password-error""#)
    );
    assert!(
        page.body.contains(r#"value="not-an-email""#),
        "the form is filled in again"
    );
    assert!(page.set_cookie("tandem_session").is_none());
}

#[tokio::test]
async fn a_post_without_the_csrf_field_is_refused() {
    let (router, _dir) = app().await;
    let mut mallory = Browser::new(&router);
    mallory.get("/signup").await;
    let fields = [
        ("name", "Eve"),
        ("email", "eve@example.org"),
        ("password", "correct horse battery"),
    ];

    let missing = mallory.post_raw("/signup", &fields).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.set_cookie("tandem_session").is_none());

    let mut wrong = vec![("csrf", "not-the-cookie")];
    wrong.extend_from_slice(&fields);
    assert_eq!(
        mallory.post_raw("/signup", &wrong).await.status,
        StatusCode::FORBIDDEN
    );

    // Nothing was created: the same e-mail can still sign up with a valid token.
    let ok = mallory.post("/signup", &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

    // Signed-in forms are protected the same way.
    assert_eq!(
        mallory
            .post_raw("/profile", &[("field", "Hacking")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        mallory.post_raw("/signout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        mallory.get("/dashboard").await.status,
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_back() {
    let (router, _dir) = app().await;
    let mut ada = Browser::new(&router);
    ada.sign_up("Ada", "ada@example.org").await;
    ada.post("/signout", &[]).await;
    assert!(
        !ada.cookies.contains_key("tandem_session"),
        "sign-out clears the cookie"
    );

    let away = ada.get("/dashboard").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(away.location(), "/signin?next=%2Fdashboard");

    let form = ada.get(away.location()).await;
    assert!(form.body.contains(r#"name="next" value="/dashboard""#));
    let wrong = ada
        .post(
            "/signin",
            &[
                ("email", "ada@example.org"),
                ("password", "wrong password!"),
                ("next", "/dashboard"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("wrong"));
    let back = ada
        .post(
            "/signin",
            &[
                ("email", "ada@example.org"),
                ("password", "correct horse battery"),
                ("next", "/dashboard"),
            ],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.location(), "/dashboard");

    // Only same-site paths are followed.
    ada.post("/signout", &[]).await;
    ada.get("/signin").await;
    let evil = ada
        .post(
            "/signin",
            &[
                ("email", "ada@example.org"),
                ("password", "correct horse battery"),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(evil.location(), "/dashboard");
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_throttled_with_a_clear_message() {
    let (router, _dir) = app_with(|c| c.login_max_failures_per_account = 2).await;
    let mut ada = Browser::new(&router);
    ada.sign_up("Ada", "ada@example.org").await;
    ada.post("/signout", &[]).await;
    ada.get("/signin").await;
    for _ in 0..2 {
        let wrong = ada
            .post(
                "/signin",
                &[
                    ("email", "ada@example.org"),
                    ("password", "not the password"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let throttled = ada
        .post(
            "/signin",
            &[
                ("email", "ada@example.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        throttled
            .body
            .contains("Too many failed attempts, try again in 15 minutes"),
        "{}",
        throttled.body
    );
    assert!(throttled.headers.contains_key(header::RETRY_AFTER));
    assert!(throttled.set_cookie("tandem_session").is_none());
}

#[tokio::test]
async fn pages_send_the_content_security_policy_and_json_needs_none() {
    let (router, _dir) = app().await;
    let mut b = Browser::new(&router);
    for path in ["/", "/signin", "/no-such-page"] {
        let page = b.get(path).await;
        assert_eq!(
            page.headers.get(header::CONTENT_SECURITY_POLICY).unwrap(),
            CSP,
            "{path}"
        );
        assert_eq!(
            page.headers.get(header::X_FRAME_OPTIONS).unwrap(),
            "DENY",
            "{path}"
        );
    }
    assert_eq!(b.get("/no-such-page").await.status, StatusCode::NOT_FOUND);
    let api = b.get("/api/openapi.json").await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.headers.get(header::CONTENT_SECURITY_POLICY).is_none());
    let css = b.get("/static/app.css").await;
    assert!(css
        .headers
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

#[tokio::test]
async fn the_profile_page_turns_emails_off_and_on() {
    let (router, _dir) = app().await;
    let mut b = Browser::new(&router);
    b.sign_up("Ada Lovelace", "ada@example.org").await;
    let page = b.get("/profile").await;
    assert!(page.body.contains("E-mails you get"), "{}", page.body);
    assert!(
        page.body
            .contains(r#"<input type="checkbox" name="kudos" value="on" checked>"#),
        "every e-mail starts on"
    );
    // Everything ticked but kudos.
    let csrf = b.csrf();
    let mut fields: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    let kinds = tandem::domain::wire::Notification::ALL;
    for k in kinds.iter().filter(|k| k.as_str() != "kudos") {
        fields.push((k.as_str(), "on"));
    }
    let saved = b.post_raw("/profile/notifications", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/profile#notifications");
    let page = b.get("/profile").await;
    assert!(page.body.contains("Your e-mail settings are saved."));
    assert!(page
        .body
        .contains(r#"<input type="checkbox" name="kudos" value="on">"#));
    assert!(page
        .body
        .contains(r#"<input type="checkbox" name="meeting_reminder" value="on" checked>"#));
}
