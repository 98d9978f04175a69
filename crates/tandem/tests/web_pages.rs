//! The server-rendered pages, in process: sessions, CSRF, headers and key pages.
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use tandem::config::Config;
use tower::ServiceExt;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

async fn app() -> (Router, tempfile::TempDir) {
    app_with(|_| {}).await
}

async fn app_with(adjust: impl FnOnce(&mut Config)) -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_database(&format!("sqlite://{}/t.db", dir.path().display()));
    config.argon2_memory_kib = 1024;
    // Tests sign many people up from one address.
    config.signup_max_per_ip = 1_000_000;
    config.argon2_iterations = 1;
    config.outbox_dir = dir.path().join("outbox").display().to_string();
    adjust(&mut config);
    let app = tandem::build(config).await.expect("app builds");
    (app.router(), dir)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(String::from)
    }
}

/// A browser without JavaScript: keeps cookies, sends forms.
struct Browser {
    router: Router,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new(router: &Router) -> Browser {
        Browser {
            router: router.clone(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, req: Request<Body>) -> Answer {
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let body = String::from_utf8(
            res.into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes()
                .to_vec(),
        )
        .expect("utf-8");
        for value in headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((name, val)) = pair.split_once('=') {
                if val.is_empty() || value.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), val.to_string());
                }
            }
        }
        Answer {
            status,
            headers,
            body,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> Answer {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// The CSRF token this browser's pages put in their forms: bound to its
    /// session once signed in, else the CSRF cookie's.
    fn csrf(&self) -> String {
        match self.cookies.get("tandem_session") {
            Some(session) => tandem::http::csrf::for_session(session),
            None => self
                .cookies
                .get("tandem_csrf")
                .cloned()
                .expect("a page was loaded first, so the CSRF cookie is set"),
        }
    }

    /// Posts a form as the page would, with the CSRF token its forms carry.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    async fn sign_up(&mut self, name: &str, email: &str) -> Answer {
        self.get("/signup").await;
        self.post(
            "/signup",
            &[
                ("name", name),
                ("email", email),
                ("password", "correct horse battery"),
            ],
        )
        .await
    }
}

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

/// An admin, a program, a mentor with a profile and an enrolled mentee.
async fn program_with_people(router: &Router) -> (Browser, Browser, Browser, String) {
    let mut admin = Browser::new(router);
    admin.sign_up("Grace Admin", "admin@example.org").await;
    admin.get("/admin/programs/new").await;
    let created = admin
        .post(
            "/admin/programs/new",
            &[
                ("name", "Spring cohort"),
                ("kind", "traditional"),
                ("context", "corporate"),
                ("starts_on", "2026-01-01"),
                ("ends_on", "2027-06-30"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let program = created
        .location()
        .trim_start_matches("/programs/")
        .to_string();

    let mut mentor = Browser::new(router);
    mentor
        .sign_up("Margaret Mentor", "mentor@example.org")
        .await;
    let saved = mentor
        .post(
            "/profile",
            &[
                ("field", "Software engineering"),
                ("known_for", "Apollo guidance"),
                ("skills", "Rust, SQL"),
                ("seniority", "lead"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        mentor
            .post(
                &format!("/programs/{program}/enroll"),
                &[("role", "mentor")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let mut mentee = Browser::new(router);
    mentee.sign_up("Tim Mentee", "mentee@example.org").await;
    let enrolled = mentee
        .post(
            &format!("/programs/{program}/enroll"),
            &[("role", "mentee"), ("wants_skills", "Rust")],
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER);
    (admin, mentor, mentee, program)
}

#[tokio::test]
async fn the_shortlist_is_a_table_with_the_four_columns() {
    let (router, _dir) = app().await;
    let (_admin, _mentor, mut mentee, program) = program_with_people(&router).await;

    let empty = mentee.get("/shortlist").await;
    assert!(empty.body.contains(r#"id="shortlist-empty""#));

    let directory = mentee
        .get(&format!("/programs/{program}/mentors?skill=rust"))
        .await;
    assert!(directory.body.contains("Margaret Mentor"));
    let mentor_id = directory
        .body
        .split(r#"id="ask-"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an ask button")
        .to_string();
    let added = mentee
        .post(
            "/shortlist",
            &[
                ("person_id", &mentor_id),
                ("connection", "Met at RustConf"),
                ("back", "/shortlist"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);

    let page = mentee.get("/shortlist").await;
    assert!(page.body.contains("<table"));
    let headers: Vec<&str> = page
        .body
        .split(r#"<th scope="col">"#)
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(
        &headers[..4],
        ["Name", "Field", "Known for", "Connection to you"]
    );
    for cell in [
        "Margaret Mentor",
        "Software engineering",
        "Apollo guidance",
        "Met at RustConf",
    ] {
        assert!(
            page.body.contains(&format!(">{cell}</td>"))
                || page.body.contains(&format!(">{cell}</a></td>")),
            "{cell}"
        );
    }
}

#[tokio::test]
async fn a_request_is_accepted_and_the_agreement_signed_through_the_pages() {
    let (router, _dir) = app().await;
    let (mut admin, mut mentor, mut mentee, program) = program_with_people(&router).await;
    let directory = mentee.get(&format!("/programs/{program}/mentors")).await;
    let mentor_id = directory
        .body
        .split(r#"id="ask-"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let path = format!("/programs/{program}/mentors/{mentor_id}/request");
    assert!(mentee
        .get(&path)
        .await
        .body
        .contains(r#"id="request-form""#));

    let empty = mentee
        .post(&path, &[("intro", " "), ("reasons", "Your Rust talks")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains(r#"id="intro-error""#) && empty.body.contains("Your Rust talks"));

    let sent = mentee
        .post(
            &path,
            &[
                ("intro", "I build compilers."),
                ("reasons", "Your Rust talks"),
                ("ask", "A first 30-minute call"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let page = sent.location().to_string();
    let id = page.trim_start_matches("/mentorships/").to_string();

    let again = mentee.post(&path, &[("intro", "Me again")]).await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "a second open request is a conflict shown as a banner"
    );
    assert!(again.body.contains("banner-error"));

    let dashboard = mentor.get("/dashboard").await;
    assert!(
        dashboard.body.contains(&format!(r#"id="waiting-{id}""#)),
        "the mentor sees the request waiting"
    );
    assert!(mentor
        .get(&page)
        .await
        .body
        .contains(r#"id="action-accept""#));
    assert_eq!(
        mentor
            .post(&format!("/mentorships/{id}/actions/accept"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let accepted = mentor.get(&page).await;
    assert!(accepted
        .body
        .contains(r#"class="badge badge-active">active<"#));
    assert!(accepted.body.contains(r#"id="agreement-form""#));

    let saved = mentor
        .post(
            &format!("/mentorships/{id}/agreement"),
            &[
                ("goals", "Ship a Rust crate"),
                ("cadence_days", "14"),
                ("meeting_minutes", "45"),
                ("channel", "video"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    for who in [&mut mentor, &mut mentee] {
        assert!(who.get(&page).await.body.contains(r#"id="agreement-sign""#));
        assert_eq!(
            who.post(&format!("/mentorships/{id}/agreement/sign"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
    let signed = mentee.get(&page).await;
    assert!(
        signed.body.contains("signed by everyone")
            && !signed.body.contains(r#"id="agreement-sign""#)
    );

    // The admin oversees: status and dates, never the request's words.
    let overseen = admin.get(&page).await;
    assert_eq!(overseen.status, StatusCode::OK);
    assert!(
        !overseen.body.contains("I build compilers")
            && !overseen.body.contains("Ship a Rust crate")
    );
    let listing = admin.get(&format!("/programs/{program}/enrollments")).await;
    assert!(
        listing.body.contains(r#"id="enrollments-table""#) && listing.body.contains("Tim Mentee")
    );
    // Someone outside the program does not learn it exists.
    let mut stranger = Browser::new(&router);
    stranger.sign_up("Sam Stranger", "sam@example.org").await;
    assert_eq!(stranger.get(&page).await.status, StatusCode::NOT_FOUND);
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

/// The text between `start` and the next `end` after it, for ids and values in a page.
fn between<'a>(body: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = body.find(start)? + start.len();
    body[from..].split(end).next()
}

/// The value of the `<option>` whose label starts with `label`.
fn option_value(body: &str, label: &str) -> String {
    let at = body
        .find(&format!(r#">{label}</option>"#))
        .unwrap_or_else(|| panic!("an option for {label}"));
    let before = &body[..at];
    let from = before.rfind(r#"value=""#).expect("a value") + r#"value=""#.len();
    before[from..].split('"').next().unwrap().to_string()
}

/// Saves a whole profile (the form replaces it) with a language everyone shares.
async fn set_profile(b: &mut Browser, field: &str, known_for: &str, skills: &str) {
    b.get("/profile").await;
    let saved = b
        .post(
            "/profile",
            &[
                ("field", field),
                ("known_for", known_for),
                ("skills", skills),
                ("seniority", "lead"),
                ("languages", "English"),
                ("timezone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

/// `program_with_people` plus a second mentor and a second mentee, everyone
/// sharing a language: Margaret (Rust) and Ken (branding) mentor, Tim (wants
/// Rust) and Uma (wants branding) are mentees.
async fn matching_pool(router: &Router) -> (Browser, Browser, Browser, String) {
    let (admin, mut margaret, mut tim, program) = program_with_people(router).await;
    set_profile(
        &mut margaret,
        "Software engineering",
        "Apollo guidance",
        "Rust, SQL",
    )
    .await;
    set_profile(&mut tim, "Software engineering", "", "Python").await;
    let mut ken = Browser::new(router);
    ken.sign_up("Ken Mentor", "ken@example.org").await;
    set_profile(&mut ken, "Marketing", "Brand launches", "Branding").await;
    let enrolled = ken
        .post(
            &format!("/programs/{program}/enroll"),
            &[("role", "mentor")],
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER);
    let mut uma = Browser::new(router);
    uma.sign_up("Uma Mentee", "uma@example.org").await;
    set_profile(&mut uma, "Marketing", "", "Copywriting").await;
    let enrolled = uma
        .post(
            &format!("/programs/{program}/enroll"),
            &[("role", "mentee"), ("wants_skills", "Branding")],
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER);
    (admin, tim, uma, program)
}

#[tokio::test]
async fn a_mentee_sees_ranked_suggestions_with_why_this_match() {
    let (router, _dir) = app().await;
    let (_admin, mut margaret, mut tim, program) = program_with_people(&router).await;
    let path = format!("/programs/{program}/suggestions");

    // No language on the profile: no suggestions, and the page says what to add.
    let empty = tim.get(&path).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.body.contains(r#"id="no-suggestions""#),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("the languages you speak"));
    assert!(empty.body.contains(r#"href="/profile""#));

    set_profile(
        &mut margaret,
        "Software engineering",
        "Apollo guidance",
        "Rust, SQL",
    )
    .await;
    set_profile(&mut tim, "Software engineering", "", "Python").await;
    let mut ken = Browser::new(&router);
    ken.sign_up("Ken Mentor", "ken@example.org").await;
    set_profile(&mut ken, "Marketing", "Brand launches", "Branding").await;
    ken.post(
        &format!("/programs/{program}/enroll"),
        &[("role", "mentor")],
    )
    .await;

    let page = tim.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(r#"id="no-suggestions""#));
    let margaret_at = page.body.find("Margaret Mentor").expect("Margaret");
    let ken_at = page.body.find("Ken Mentor").expect("Ken");
    assert!(
        margaret_at < ken_at,
        "the mentor with the skill Tim wants ranks first"
    );
    let mentor_id = between(&page.body, r#"id="suggestion-"#, "\"")
        .unwrap()
        .to_string();
    assert!(page.body.contains("Apollo guidance") && page.body.contains("Software engineering"));
    assert!(page.body.contains("<meter") && page.body.contains("out of 100"));
    let why = between(
        &page.body,
        &format!(r#"id="why-{mentor_id}""#),
        "</details>",
    )
    .unwrap();
    assert!(why.contains("Why this match"));
    assert!(
        why.contains(r#"<th scope="row">Skills</th>"#)
            && why.contains(r#"<th scope="row">Field</th>"#),
        "one row per criterion, in plain words: {why}"
    );
    assert!(page.body.contains(&format!(
        r#"href="/programs/{program}/mentors/{mentor_id}/request">Ask for mentorship"#
    )));

    // The program page and the dashboard lead here.
    assert!(tim
        .get(&format!("/programs/{program}"))
        .await
        .body
        .contains(&format!(r#"href="/programs/{program}/suggestions""#)));
    let dashboard = tim.get("/dashboard").await;
    assert!(
        between(&dashboard.body, r#"id="next-steps""#, "</section>")
            .unwrap()
            .contains(&format!(r#"href="/programs/{program}/suggestions""#)),
        "a mentee without a mentor is pointed at the suggestions"
    );
}

#[tokio::test]
async fn a_coordinator_reviews_edits_and_publishes_a_round() {
    let (router, _dir) = app().await;
    let (mut admin, mut tim, _uma, program) = matching_pool(&router).await;

    let rounds = admin.get(&format!("/programs/{program}/rounds")).await;
    assert_eq!(rounds.status, StatusCode::OK);
    assert!(rounds.body.contains(r#"id="no-rounds""#));
    assert!(rounds.body.contains(r#"id="round-form""#));

    let bad = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "optimal"), ("min_score", "150")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="min_score-error""#) && bad.body.contains(r#"value="150""#));

    let started = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "optimal"), ("min_score", "")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let round_path = started.location().to_string();
    assert!(round_path.starts_with("/rounds/"));

    let draft = admin.get(&round_path).await;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft
        .body
        .contains("Draft ready: 2 pairs, 0 mentees unmatched"));
    assert!(draft.body.contains(r#"class="badge badge-draft">draft<"#));
    assert_eq!(
        between(&draft.body, r#"id="figure-pairs">"#, "<"),
        Some("2")
    );
    assert!(
        draft.body.contains(r#"aria-sort="descending""#),
        "score first by default"
    );
    assert_eq!(
        draft.body.matches(r#"<details class="why">"#).count(),
        2,
        "a why per pair"
    );

    // Server-side sorting by name.
    let by_mentor = admin.get(&format!("{round_path}?sort=mentor")).await;
    let by_mentee = admin.get(&format!("{round_path}?sort=mentee")).await;
    assert!(by_mentor.body.contains(r#"aria-sort="ascending""#));
    let first_row = |body: &str| {
        between(body, "<tbody>", "</tr>")
            .map(|r| r.contains("Tim Mentee"))
            .unwrap()
    };
    assert!(first_row(&by_mentee.body), "Tim before Uma by mentee");
    assert!(
        !first_row(&by_mentor.body),
        "Ken (with Uma) before Margaret by mentor"
    );

    // Remove Tim's pair: Tim is listed unmatched.
    let tim_row = draft
        .body
        .split("<tr id=\"pair-")
        .skip(1)
        .find(|r| r.split("<details").next().unwrap().contains("Tim Mentee"))
        .expect("Tim is paired");
    let mentor_id = between(tim_row, r#"name="mentor_id" value=""#, "\"")
        .unwrap()
        .to_string();
    let tim_id = between(tim_row, r#"name="mentee_id" value=""#, "\"")
        .unwrap()
        .to_string();
    let removed = admin
        .post(
            &format!("{round_path}/remove"),
            &[("mentor_id", &mentor_id), ("mentee_id", &tim_id)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let after = admin.get(&round_path).await;
    assert_eq!(
        between(&after.body, r#"id="figure-pairs">"#, "<"),
        Some("1")
    );
    assert_eq!(
        between(&after.body, r#"id="figure-unmatched">"#, "<"),
        Some("1")
    );
    assert!(between(&after.body, r#"id="unmatched-list">"#, "</ul>")
        .unwrap()
        .contains("Tim Mentee"));

    // Adding a mentee already paired is refused with the reason on top.
    let uma_id = option_value(&after.body, "Uma Mentee");
    admin
        .post(
            &format!("{round_path}/add"),
            &[("mentor_id", &mentor_id), ("mentee_id", &uma_id)],
        )
        .await;
    let refused = admin.get(&round_path).await;
    assert!(
        between(&refused.body, r#"id="flash""#, "</div>")
            .unwrap()
            .contains("already paired in the draft"),
        "{}",
        refused.body
    );

    // Tim goes back in by hand.
    assert_eq!(option_value(&after.body, "Tim Mentee (unmatched)"), tim_id);
    let added = admin
        .post(
            &format!("{round_path}/add"),
            &[("mentor_id", &mentor_id), ("mentee_id", &tim_id)],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let back = admin.get(&round_path).await;
    assert_eq!(between(&back.body, r#"id="figure-pairs">"#, "<"), Some("2"));
    assert!(back.body.contains(r#"id="no-unmatched""#));

    // Publish: read-only afterwards, and the proposals exist.
    let published = admin
        .post(&format!("{round_path}/publish"), &[("confirm", "yes")])
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let done = admin.get(&round_path).await;
    assert!(done.body.contains("Published: 2 proposals sent"));
    assert!(done
        .body
        .contains(r#"class="badge badge-published">published<"#));
    assert!(done.body.contains(r#"id="round-read-only""#));
    for form in ["remove-form-", "add-pair-form", "publish-form"] {
        assert!(!done.body.contains(form), "{form} is gone once published");
    }
    admin
        .post(
            &format!("{round_path}/remove"),
            &[("mentor_id", &mentor_id), ("mentee_id", &tim_id)],
        )
        .await;
    let still = admin.get(&round_path).await;
    assert!(still.body.contains("only drafts change"));
    assert_eq!(
        between(&still.body, r#"id="figure-pairs">"#, "<"),
        Some("2")
    );
    let listed = admin.get(&format!("/programs/{program}/rounds")).await;
    assert!(listed
        .body
        .contains(r#"class="badge badge-published">published<"#));

    // Tim has a proposal waiting, and its page reads as a proposed match.
    let dashboard = tim.get("/dashboard").await;
    let waiting = between(&dashboard.body, r#"id="waiting-on-you""#, "</section>").unwrap();
    let proposal = between(waiting, r#"href="/mentorships/"#, "\"")
        .expect("a proposal waits on Tim")
        .to_string();
    let page = tim.get(&format!("/mentorships/{proposal}")).await;
    assert!(page
        .body
        .contains(r#"id="mentorship-status" class="badge badge-proposed">proposed<"#));
    assert!(page.body.contains("Matching round"));
    assert!(page.body.contains("Accept this match") && page.body.contains("Decline this match"));
    let answers = between(&page.body, r#"id="acceptances">"#, "</ul>").unwrap();
    assert!(answers.contains("Tim Mentee (you), mentee") && answers.contains("not yet answered"));
    tim.post(&format!("/mentorships/{proposal}/actions/accept"), &[])
        .await;
    let accepted = tim.get(&format!("/mentorships/{proposal}")).await;
    assert!(accepted.body.contains(r#"id="awaiting-others""#));
    assert!(!accepted.body.contains(r#"id="action-accept""#));
}

#[tokio::test]
async fn round_pages_are_for_coordinators_and_their_forms_need_the_csrf_token() {
    let (router, _dir) = app().await;
    let (mut admin, mut tim, _uma, program) = matching_pool(&router).await;
    admin.get(&format!("/programs/{program}/rounds")).await;
    let started = admin
        .post(
            &format!("/programs/{program}/rounds"),
            &[("objective", "stable")],
        )
        .await;
    let round_path = started.location().to_string();

    // The pages refuse as the API does: a round is not known to outsiders (404);
    // the program is, so its rounds and weights are refused (403).
    let page = tim.get(&round_path).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{round_path}");
    assert!(page.body.contains("Not found"), "{round_path}");
    for path in [
        format!("/programs/{program}/rounds"),
        format!("/programs/{program}/weights"),
    ] {
        let page = tim.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.body.contains("Not allowed"), "{path}");
    }
    let program_page = tim.get(&format!("/programs/{program}")).await;
    assert!(!program_page.body.contains(r#"id="rounds-link""#));
    assert_eq!(
        tim.post(&format!("{round_path}/publish"), &[("confirm", "yes")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let forged = admin.post_raw(&format!("{round_path}/publish"), &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = admin
        .post_raw(&format!("{round_path}/publish"), &[("csrf", "forged")])
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let still = admin.get(&round_path).await;
    assert!(
        still.body.contains(r#"class="badge badge-draft">draft<"#)
            && still.body.contains(r#"id="publish-form""#),
        "nothing was published"
    );
}

#[tokio::test]
async fn a_coordinator_sets_weights_and_proposes_a_pair_by_hand() {
    let (router, _dir) = app().await;
    let (mut admin, mut tim, _uma, program) = matching_pool(&router).await;

    let weights_path = format!("/programs/{program}/weights");
    let form = admin.get(&weights_path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"id="weights-form""#));
    assert!(form.body.contains(r#"id="weight_skills""#) && form.body.contains("Shared values"));
    let mut fields: Vec<(String, String)> = [
        "skills",
        "field",
        "values",
        "seniority",
        "interests",
        "background",
        "learning_style",
        "meeting_preference",
        "availability",
        "timezone",
    ]
    .iter()
    .map(|c| (format!("weight_{c}"), "2".to_string()))
    .collect();
    fields[0].1 = "11".into();
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let bad = admin.post(&weights_path, &refs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="weight_skills-error""#) && bad.body.contains(r#"value="11""#));
    fields[0].1 = "9".into();
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = admin.post(&weights_path, &refs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let shown = admin.get(&weights_path).await;
    assert!(shown
        .body
        .contains(r#"name="weight_skills" type="number" min="0" max="10" step="1" value="9""#));
    assert!(shown.body.contains("Weights saved"));

    let enrolments_path = format!("/programs/{program}/enrollments");
    let listing = admin.get(&enrolments_path).await;
    assert!(listing.body.contains(r#"id="propose-pair-form""#));
    assert!(listing
        .body
        .contains(&format!(r#"href="/programs/{program}/rounds""#)));
    let ken = option_value(&listing.body, "Ken Mentor");
    let tim_id = option_value(&listing.body, "Tim Mentee");
    let proposed = admin
        .post(
            &format!("/programs/{program}/pairs"),
            &[("mentor_id", &ken), ("mentee_id", &tim_id)],
        )
        .await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER);
    let after = admin.get(&enrolments_path).await;
    assert!(
        after
            .body
            .contains("Proposed Ken Mentor as mentor of Tim Mentee"),
        "{}",
        between(&after.body, "<main", "<h1").unwrap_or_default()
    );
    assert!(
        between(&after.body, r#"id="program-mentorships-table""#, "</table>")
            .unwrap()
            .contains(r#"class="badge badge-proposed">proposed<"#)
    );

    // The same pair again is refused with the reason on top.
    admin
        .post(
            &format!("/programs/{program}/pairs"),
            &[("mentor_id", &ken), ("mentee_id", &tim_id)],
        )
        .await;
    let refused = admin.get(&enrolments_path).await;
    assert!(refused.body.contains("banner-error"), "{}", refused.body);

    let dashboard = tim.get("/dashboard").await;
    assert!(
        between(&dashboard.body, r#"id="waiting-on-you""#, "</section>")
            .unwrap()
            .contains("Ken Mentor")
    );
}
