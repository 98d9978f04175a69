//! Runs every cell of docs/authorization.md against real objects, on SQLite and
//! PostgreSQL, and fails on any status the table does not hold, on any API
//! operation or page the table lacks, and on any GET that opens a write transaction.
use crate::common::TestApp;
use crate::on_both_databases;
use axum::body::Body;
use axum::http::{header, Method, Request};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

const MATRIX: &str = include_str!("../../../../docs/authorization.md");

const ROLES: [&str; 9] = [
    "anonymous",
    "outsider",
    "other mentee",
    "other mentor",
    "coordinator",
    "other coordinator",
    "admin",
    "mentor",
    "mentee",
];

/// The CSRF token anonymous page requests carry in cookie and form alike.
const CSRF: &str = "matrix-csrf-token";

on_both_databases!(every_cell_of_the_authorization_matrix_holds);

/// A row that sends a step that cannot be undone without its confirmation.
const UNCONFIRMED: &str = " (unconfirmed)";

/// `(method, path) → expected status per role`, in table order; a path may end in
/// ` (unconfirmed)`.
fn rows() -> Vec<(String, String, [u16; 9])> {
    let mut out = Vec::new();
    for line in MATRIX.lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let Some((method, path)) = cells.first().and_then(|c| c.split_once(' ')) else {
            continue;
        };
        if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method) {
            continue;
        }
        assert_eq!(cells.len(), 10, "a row needs a status per role: {line}");
        let mut expected = [0u16; 9];
        for (k, cell) in cells[1..].iter().enumerate() {
            expected[k] = cell
                .parse()
                .unwrap_or_else(|_| panic!("{line}: {cell:?} is not a status"));
        }
        out.push((method.to_string(), path.to_string(), expected));
    }
    out
}

#[test]
fn the_matrix_has_a_row_for_every_operation_and_every_page_and_no_other() {
    let doc = serde_json::to_value(tandem::api::openapi()).unwrap();
    let mut wanted = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            wanted.insert((method.to_uppercase(), path.clone()));
        }
    }
    for (method, path) in tandem::web::ROUTES {
        wanted.insert((method.to_uppercase(), path.to_string()));
    }
    let (variants, plain): (Vec<_>, Vec<_>) = rows()
        .into_iter()
        .partition(|(_, p, _)| p.ends_with(UNCONFIRMED));
    let have: BTreeSet<(String, String)> = plain.into_iter().map(|(m, p, _)| (m, p)).collect();
    // A row without its confirmation is a variant of an operation that exists.
    for (method, path, _) in variants {
        let path = path.trim_end_matches(UNCONFIRMED);
        let exists = wanted.iter().any(|(m, route)| {
            let (a, b): (Vec<&str>, Vec<&str>) =
                (route.split('/').collect(), path.split('/').collect());
            *m == method
                && a.len() == b.len()
                && a.iter()
                    .zip(&b)
                    .all(|(r, p)| r == p || (r.starts_with('{') && !p.is_empty()))
        });
        assert!(
            exists,
            "{method} {path}: no such operation to send unconfirmed"
        );
    }
    let missing: Vec<_> = wanted.difference(&have).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in docs/authorization.md: {missing:?}"
    );
    let stale: Vec<_> = have.difference(&wanted).collect();
    assert!(
        stale.is_empty(),
        "rows for operations that do not exist: {stale:?}"
    );
}

static SERIAL: AtomicUsize = AtomicUsize::new(0);

fn serial() -> usize {
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

/// The people, programs and objects one cell runs against.
struct World {
    tokens: BTreeMap<&'static str, String>,
    ids: BTreeMap<&'static str, String>,
    outsider_email: String,
}

/// A new account with a name of its own; returns (id, token, e-mail).
async fn signed_up(app: &TestApp, role: &str) -> (String, String, String) {
    let name = format!("{role} {}", serial());
    let (id, token) = app.person(&name).await;
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    (id, token, email)
}

async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let (s, v) = app.call(method, path, Some(token), Some(body)).await;
    assert!(
        s.is_success(),
        "setting up the world: {path} answered {s}: {v}"
    );
    v
}

async fn world(app: &TestApp) -> World {
    let n = serial();
    let admin_email = format!("admin.{n}@example.org");
    tandem::service::accounts::create_user(
        &app.state,
        &tandem::service::accounts::RegisterIn {
            email: admin_email.clone(),
            password: "correct horse battery".into(),
            name: "Admin".into(),
        },
        true,
    )
    .await
    .unwrap();
    let admin = app.log_in(&admin_email).await;
    let mut tokens = BTreeMap::from([("admin", admin.clone())]);
    let mut ids = BTreeMap::new();
    let mut outsider_email = String::new();
    for role in ROLES.iter().filter(|r| !["anonymous", "admin"].contains(r)) {
        let (id, token, email) = signed_up(app, role).await;
        if *role == "outsider" {
            outsider_email = email;
        }
        tokens.insert(role, token);
        ids.insert(*role, id);
    }
    let program = |kind: &str| {
        json!({"name": format!("{kind} {n}"), "kind": kind, "context": "corporate",
               "starts_on": "2027-01-01", "ends_on": "2027-06-30", "mentor_capacity": 2,
               "max_mentors_per_mentee": if kind == "traditional" { 2 } else { 1 }})
    };
    let p1 = ok(
        app,
        Method::POST,
        "/api/v1/programs",
        &admin,
        program("traditional"),
    )
    .await;
    let p2 = ok(
        app,
        Method::POST,
        "/api/v1/programs",
        &admin,
        program("peer"),
    )
    .await;
    let (p1, p2) = (
        p1["id"].as_str().unwrap().to_string(),
        p2["id"].as_str().unwrap().to_string(),
    );
    for (program, coordinator) in [(&p1, "coordinator"), (&p2, "other coordinator")] {
        ok(
            app,
            Method::POST,
            &format!("/api/v1/programs/{program}/coordinators"),
            &admin,
            json!({"person_id": ids[coordinator]}),
        )
        .await;
    }
    for (role, part) in [
        ("mentor", "mentor"),
        ("other mentor", "mentor"),
        ("mentee", "mentee"),
        ("other mentee", "mentee"),
    ] {
        ok(
            app,
            Method::POST,
            &format!("/api/v1/programs/{p1}/enrollments"),
            &tokens[role],
            json!({"role": part}),
        )
        .await;
    }
    let mut pairs = Vec::new();
    for (mentee, mentor) in [("mentee", "mentor"), ("other mentee", "other mentor")] {
        let m = ok(
            app,
            Method::POST,
            "/api/v1/mentorships",
            &tokens[mentee],
            json!({"program_id": p1, "mentor_id": ids[mentor], "intro": "Hello."}),
        )
        .await;
        let id = m["id"].as_str().unwrap().to_string();
        ok(
            app,
            Method::POST,
            &format!("/api/v1/mentorships/{id}/accept"),
            &tokens[mentor],
            json!({}),
        )
        .await;
        pairs.push(id);
    }
    let a = pairs[0].clone();
    ok(
        app,
        Method::PUT,
        &format!("/api/v1/mentorships/{a}/agreement"),
        &tokens["mentor"],
        json!({"goals": "Grow."}),
    )
    .await;
    for who in ["mentor", "mentee"] {
        ok(
            app,
            Method::POST,
            &format!("/api/v1/mentorships/{a}/agreement/sign"),
            &tokens[who],
            json!({}),
        )
        .await;
    }
    ok(
        app,
        Method::POST,
        "/api/v1/shortlist",
        &tokens["mentee"],
        json!({"person_id": ids["mentor"], "connection": "same team"}),
    )
    .await;
    let round = ok(
        app,
        Method::POST,
        &format!("/api/v1/programs/{p1}/rounds"),
        &tokens["coordinator"],
        json!({"objective": "optimal"}),
    )
    .await;
    // Pair A's workspace: a goal with a milestone, a held meeting with an action
    // item, and the mentor's office hours (every hour of every day, in UTC).
    let goal = ok(
        app,
        Method::POST,
        &format!("/api/v1/mentorships/{a}/goals"),
        &tokens["mentee"],
        json!({"title": "Grow"}),
    )
    .await;
    let goal = goal["id"].as_str().unwrap().to_string();
    let milestone = ok(
        app,
        Method::POST,
        &format!("/api/v1/goals/{goal}/milestones"),
        &tokens["mentee"],
        json!({"title": "Start"}),
    )
    .await;
    let started = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let meeting = ok(
        app,
        Method::POST,
        &format!("/api/v1/mentorships/{a}/meetings"),
        &tokens["mentor"],
        json!({"starts_at": started}),
    )
    .await;
    let meeting = meeting["id"].as_str().unwrap().to_string();
    ok(
        app,
        Method::PATCH,
        &format!("/api/v1/meetings/{meeting}"),
        &tokens["mentor"],
        json!({"status": "held"}),
    )
    .await;
    let item = ok(
        app,
        Method::POST,
        &format!("/api/v1/meetings/{meeting}/action-items"),
        &tokens["mentor"],
        json!({"title": "Read"}),
    )
    .await;
    let windows: Vec<Value> = (1..=7)
        .map(|d| json!({"weekday": d, "start": "00:00", "end": "24:00"}))
        .collect();
    ok(
        app,
        Method::PUT,
        "/api/v1/me/availability",
        &tokens["mentor"],
        json!({"timezone": "UTC", "slot_minutes": 30, "windows": windows}),
    )
    .await;
    let slots = ok(
        app,
        Method::GET,
        &format!("/api/v1/mentorships/{a}/slots"),
        &tokens["mentee"],
        Value::Null,
    )
    .await;
    ids.insert(
        "slot",
        slots["items"][0]["starts_at"].as_str().unwrap().to_string(),
    );
    // A check-in due today for pair A's mentee, under the program's questions.
    let plan = ok(
        app,
        Method::PUT,
        &format!("/api/v1/programs/{p1}/checkins"),
        &tokens["coordinator"],
        json!({"questions": [{"text": "How useful was your last meeting?", "kind": "scale"}]}),
    )
    .await;
    let question = plan["questions"][0]["id"].as_str().unwrap().to_string();
    let now = app.state.clock.now();
    tandem::store::checkins::create(
        app.state.store.read(),
        &[tandem::store::checkins::NewCheckin {
            program_id: p1.clone(),
            mentorship_id: a.clone(),
            user_id: ids["mentee"].clone(),
            due_on: now.date_naive(),
        }],
        now,
    )
    .await
    .unwrap();
    let due = ok(
        app,
        Method::GET,
        "/api/v1/me/checkins",
        &tokens["mentee"],
        Value::Null,
    )
    .await;
    ids.insert("C", due["items"][0]["id"].as_str().unwrap().to_string());
    let sessions = ok(
        app,
        Method::GET,
        "/api/v1/me/sessions",
        &tokens["mentee"],
        Value::Null,
    )
    .await;
    ids.insert(
        "S",
        sessions["items"][0]["id"].as_str().unwrap().to_string(),
    );
    ids.insert("Q", question);
    ids.insert("G", goal);
    ids.insert("MS", milestone["id"].as_str().unwrap().to_string());
    ids.insert("M", meeting);
    ids.insert("AI", item["id"].as_str().unwrap().to_string());
    ids.insert("P1", p1);
    ids.insert("P2", p2);
    ids.insert("A", a);
    ids.insert("R", round["id"].as_str().unwrap().to_string());
    World {
        tokens,
        ids,
        outsider_email,
    }
}

/// The path with its parameters naming the world's objects (or random ids).
fn concrete(template: &str, w: &World, random: bool) -> String {
    let template = template.trim_end_matches(UNCONFIRMED);
    let mut out = Vec::new();
    let segments: Vec<&str> = template.split('/').collect();
    for (k, s) in segments.iter().enumerate() {
        if !s.starts_with('{') {
            out.push(s.to_string());
            continue;
        }
        if *s == "{action}" {
            out.push("pause".into());
            continue;
        }
        if random {
            out.push(uuid::Uuid::new_v4().to_string());
            continue;
        }
        let before = segments[k - 1];
        let value = match (*s, before) {
            ("{id}", "mentorships") => &w.ids["A"],
            ("{id}", "programs") => &w.ids["P1"],
            ("{id}", "rounds") => &w.ids["R"],
            ("{id}", "goals") => &w.ids["G"],
            ("{id}", "milestones") => &w.ids["MS"],
            ("{id}", "meetings") => &w.ids["M"],
            ("{id}", "action-items") => &w.ids["AI"],
            ("{id}", "checkins") => &w.ids["C"],
            ("{id}", "sessions") => &w.ids["S"],
            ("{id}", "users") => &w.ids["outsider"],
            ("{id}", "people") | ("{person_id}", _) | ("{mentor_id}", _) => &w.ids["mentor"],
            ("{mentee_id}", _) => &w.ids["mentee"],
            _ => panic!("no object for {s} in {template}"),
        };
        out.push(value.clone());
    }
    out.join("/")
}

/// A valid body for the operation, so that allowed callers get through.
fn api_body(method: &str, template: &str, w: &World) -> Option<Value> {
    let email = format!("new.{}@example.org", serial());
    Some(match (method, template) {
        ("POST", "/api/v1/auth/register") => {
            json!({"email": email, "password": "correct horse battery", "name": "New"})
        }
        ("POST", "/api/v1/auth/login") => {
            json!({"email": w.outsider_email, "password": "correct horse battery"})
        }
        ("DELETE", "/api/v1/me") => json!({"password": "correct horse battery"}),
        ("PUT", "/api/v1/me/profile") => json!({"field": "Engineering"}),
        ("PUT", "/api/v1/me/plan") => json!({"strengths": ["listening"]}),
        ("PUT", "/api/v1/me/notifications") => json!({"kudos": false}),
        ("PUT", "/api/v1/me/away") => json!({"away": false}),
        ("POST", "/api/v1/auth/password-reset") => json!({"email": w.outsider_email}),
        ("POST", "/api/v1/auth/password-reset/confirm") => {
            json!({"token": "not-a-token", "password": "a brand new passphrase"})
        }
        ("PUT", "/api/v1/me/password") => json!({
            "current_password": "correct horse battery",
            "new_password": "a brand new passphrase"
        }),
        ("PATCH", "/api/v1/admin/users/{id}") => json!({"is_admin": false}),
        ("POST", "/api/v1/shortlist") => json!({"person_id": w.ids["mentor"], "connection": "x"}),
        ("POST", "/api/v1/programs") => {
            json!({"name": "New", "kind": "group", "context": "startup",
            "starts_on": "2027-01-01", "ends_on": "2027-02-01"})
        }
        ("PATCH", "/api/v1/programs/{id}") => json!({"description": "Changed."}),
        ("POST", "/api/v1/programs/{id}/coordinators") => json!({"person_id": w.ids["outsider"]}),
        ("POST", "/api/v1/programs/{id}/enrollments") => json!({"role": "mentee"}),
        ("POST", "/api/v1/programs/{id}/pairs") => {
            json!({"mentor_id": w.ids["other mentor"], "mentee_id": w.ids["mentee"]})
        }
        ("POST", "/api/v1/programs/{id}/rounds") => json!({"objective": "stable"}),
        ("PATCH", "/api/v1/rounds/{id}") => json!({}),
        ("POST", "/api/v1/mentorships") => {
            json!({"program_id": w.ids["P1"], "mentor_id": w.ids["mentor"], "intro": "Hi."})
        }
        ("POST", "/api/v1/mentorships/{id}/complete") => json!({"reflection": "Good."}),
        ("POST", "/api/v1/mentorships/{id}/end") => json!({"reason": "time"}),
        ("POST", "/api/v1/mentorships/{id}/decline") => json!({"reason": "busy"}),
        ("PUT", "/api/v1/mentorships/{id}/agreement") => json!({"goals": "Grow further."}),
        ("PUT", "/api/v1/mentorships/{id}/reflection") => json!({"text": "Good."}),
        ("POST", "/api/v1/mentorships/{id}/goals") => json!({"title": "Speak up"}),
        ("PATCH", "/api/v1/goals/{id}") => json!({"status": "achieved"}),
        ("POST", "/api/v1/goals/{id}/milestones") => json!({"title": "Next"}),
        ("PATCH", "/api/v1/milestones/{id}") => json!({"status": "in_progress"}),
        ("POST", "/api/v1/mentorships/{id}/meetings") => {
            json!({"starts_at": (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339()})
        }
        ("PATCH", "/api/v1/meetings/{id}") => json!({"shared_notes": "Notes."}),
        ("PUT", "/api/v1/meetings/{id}/private-note") => json!({"body": "Mine."}),
        ("POST", "/api/v1/meetings/{id}/action-items") => json!({"title": "Write"}),
        ("PATCH", "/api/v1/action-items/{id}") => json!({"done": true}),
        ("POST", "/api/v1/meetings/{id}/feedback") => json!({"rating": 4}),
        ("PUT", "/api/v1/programs/{id}/checkins") => {
            json!({"questions": [{"text": "How useful?", "kind": "scale"}]})
        }
        ("POST", "/api/v1/checkins/{id}/answers") => {
            json!({"answers": [{"question_id": w.ids["Q"], "value": 4}]})
        }
        ("POST", "/api/v1/mentorships/{id}/survey") => json!({"rating": 4, "recommend": true}),
        ("PUT", "/api/v1/me/availability") => json!({"windows": []}),
        ("POST", "/api/v1/mentorships/{id}/bookings") => json!({"starts_at": w.ids["slot"]}),
        ("POST", "/api/v1/mentorships/{id}/kudos") => json!({"message": "Thanks."}),
        ("POST", "/api/v1/mentorships/{id}/messages") => json!({"body": "Hello."}),
        ("POST", "/api/v1/mentorships/{id}/introductions") => {
            json!({"contact_name": "Grace", "contact_email": "grace@example.net", "note": "Meet."})
        }
        ("GET", _) | ("DELETE", _) => return None,
        _ => json!({}),
    })
}

/// The form a page's POST sends, with the CSRF token its page would carry.
fn form(template: &str, w: &World, csrf: &str) -> Vec<(String, String)> {
    let fields: Vec<(&str, String)> = match template {
        "/signup" => vec![
            ("name", "New".into()),
            ("email", format!("form.{}@example.org", serial())),
            ("password", "correct horse battery".into()),
        ],
        "/signin" => vec![
            ("email", w.outsider_email.clone()),
            ("password", "correct horse battery".into()),
        ],
        "/profile" => vec![("field", "Engineering".into())],
        "/profile/plan" => vec![("strengths", "listening".into())],
        "/profile/notifications" => vec![("kudos", "on".into())],
        "/profile/away" => vec![("note", "".into())],
        "/forgot-password" => vec![("email", w.outsider_email.clone())],
        "/reset-password" => vec![
            ("token", "not-a-token".into()),
            ("password", "a brand new passphrase".into()),
        ],
        "/account/password" => vec![
            ("current_password", "correct horse battery".into()),
            ("new_password", "a brand new passphrase".into()),
        ],
        "/admin/users/{id}" => vec![("change", "make_admin".into())],
        "/programs/{id}/import/preview" | "/programs/{id}/import" => {
            vec![(
                "csv",
                format!(
                    "email,name,role\nform.{}@example.org,New,mentee\n",
                    serial()
                ),
            )]
        }
        "/programs/{id}/archive" => vec![("archived", "true".into()), ("confirm", "yes".into())],
        "/programs/{id}/enroll" => vec![("role", "mentee".into())],
        "/programs/{id}/coordinators" => vec![("email", w.outsider_email.clone())],
        "/programs/{id}/rounds" => vec![("objective", "optimal".into())],
        "/programs/{id}/weights" => tandem::domain::wire::Criterion::ALL
            .iter()
            .map(|c| {
                (
                    Box::leak(format!("weight_{c}").into_boxed_str()) as &str,
                    "2".to_string(),
                )
            })
            .collect(),
        "/programs/{id}/pairs" | "/rounds/{id}/remove" | "/rounds/{id}/add" => vec![
            ("mentor_id", w.ids["other mentor"].clone()),
            ("mentee_id", w.ids["mentee"].clone()),
        ],
        "/programs/{id}/mentors/{mentor_id}/request" => vec![("intro", "Hi.".into())],
        "/admin/programs/new" => vec![
            ("name", "New".into()),
            ("kind", "group".into()),
            ("context", "startup".into()),
            ("starts_on", "2027-01-01".into()),
            ("ends_on", "2027-02-01".into()),
        ],
        "/shortlist" => vec![("person_id", w.ids["mentor"].clone())],
        "/mentorships/{id}/agreement" => vec![("goals", "Grow further.".into())],
        "/rounds/{id}/publish" => vec![("confirm", "yes".into())],
        // Rows marked unconfirmed send no `confirm`; the others that cannot be
        // undone send it, like a person who ticked the box.
        t if t.starts_with("/mentorships/{id}/actions/") && !t.ends_with(UNCONFIRMED) => {
            vec![("confirm", "yes".into())]
        }
        "/mentorships/{id}/meetings" => vec![("starts_at", "2030-03-01T10:00".into())],
        "/mentorships/{id}/bookings" => vec![("starts_at", w.ids["slot"].clone())],
        "/mentorships/{id}/goals" | "/goals/{id}/milestones" | "/meetings/{id}/action-items" => {
            vec![("title", "Speak up".into())]
        }
        "/mentorships/{id}/kudos"
        | "/mentorships/{id}/messages"
        | "/meetings/{id}/private-note" => {
            vec![("body", "Thanks.".into())]
        }
        "/mentorships/{id}/introductions" => vec![
            ("contact_name", "Grace".into()),
            ("contact_email", "grace@example.net".into()),
            ("note", "Meet.".into()),
        ],
        "/meetings/{id}" => vec![("shared_notes", "Notes.".into())],
        "/meetings/{id}/feedback" => vec![("rating", "4".into())],
        "/programs/{id}/checkins" => vec![("ready", "1".into())],
        "/checkins/{id}" => {
            let field: &'static str = Box::leak(format!("q-{}", w.ids["Q"]).into_boxed_str());
            vec![(field, "4".into())]
        }
        "/mentorships/{id}/survey" => vec![("rating", "4".into()), ("recommend", "yes".into())],
        "/mentorships/{id}/reflection" => vec![("text", "Good.".into())],
        "/action-items/{id}" => vec![("done", "true".into())],
        "/goals/{id}" => vec![("status", "achieved".into())],
        "/milestones/{id}" => vec![("status", "in_progress".into())],
        _ => vec![],
    };
    fields
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .chain([("csrf".to_string(), csrf.to_string())])
        .collect()
}

/// What one cell answered: its status, and whether a GET opened a write transaction.
struct Answer {
    status: u16,
    read_wrote: bool,
}

async fn run_cell(
    app: &TestApp,
    w: &World,
    role: &str,
    method: &str,
    template: &str,
    random: bool,
) -> Answer {
    run_cell_with(app, w, role, method, template, random, true).await
}

/// One cell; a page's POST sends its form when `filled`, else only the CSRF token.
async fn run_cell_with(
    app: &TestApp,
    w: &World,
    role: &str,
    method: &str,
    template: &str,
    random: bool,
    filled: bool,
) -> Answer {
    let writes = app.state.store.writes_begun();
    let path = concrete(template, w, random);
    let token = w.tokens.get(role);
    let is_api = template.starts_with("/api/");
    let mut req = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(&path);
    let body = if is_api {
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if template.ends_with("/import") {
            // A participants file, not JSON.
            req = req.header(header::CONTENT_TYPE, "text/csv");
            Body::from(format!(
                "email,name,role\nimported.{}@example.org,New,mentee\n",
                serial()
            ))
        } else {
            match api_body(method, template, w) {
                Some(b) => {
                    req = req.header(header::CONTENT_TYPE, "application/json");
                    Body::from(b.to_string())
                }
                None => Body::empty(),
            }
        }
    } else {
        let mut cookie = format!("tandem_csrf={CSRF}");
        if let Some(t) = token {
            cookie.push_str(&format!("; tandem_session={t}"));
        }
        req = req.header(header::COOKIE, cookie);
        if method == "POST" {
            // Signed in, a page's forms carry the token bound to the session.
            let csrf = match token {
                Some(t) => tandem::http::csrf::for_session(t),
                None => CSRF.to_string(),
            };
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let fields = if filled {
                form(template, w, &csrf)
            } else {
                vec![("csrf".to_string(), csrf)]
            };
            Body::from(serde_urlencoded::to_string(fields).unwrap())
        } else {
            Body::empty()
        }
    };
    let res = app
        .router
        .clone()
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    Answer {
        status: res.status().as_u16(),
        read_wrote: method == "GET" && app.state.store.writes_begun() != writes,
    }
}

async fn every_cell_of_the_authorization_matrix_holds(app: TestApp) {
    let shared = world(&app).await;
    let mut wrong = Vec::new();
    for (method, template, expected) in rows() {
        for (k, role) in ROLES.iter().enumerate() {
            let want = expected[k];
            // A change the table allows runs in a world of its own.
            let changes = method != "GET" && (200..400).contains(&want);
            let fresh;
            let w = if changes {
                fresh = world(&app).await;
                &fresh
            } else {
                &shared
            };
            let answer = run_cell(&app, w, role, &method, &template, false).await;
            let got = answer.status;
            if answer.read_wrote {
                wrong.push(format!(
                    "GET {template} as {role} opened a write transaction"
                ));
            }
            if got != want {
                wrong.push(format!(
                    "{method} {template} as {role}: {got}, the table says {want}"
                ));
            }
            // Whoever is refused a page's POST is refused whatever its form holds:
            // access is decided before the form is read.
            let page_post = method == "POST" && !template.starts_with("/api/");
            if page_post && (want == 403 || want == 404) {
                let empty = run_cell_with(&app, w, role, &method, &template, false, false).await;
                if empty.status != want {
                    wrong.push(format!(
                        "{method} {template} as {role} with an empty form: {}, the table says {want}",
                        empty.status
                    ));
                }
            }
            if template.contains('{') {
                let answer = run_cell(&app, &shared, role, &method, &template, true).await;
                let got = answer.status;
                if answer.read_wrote {
                    wrong.push(format!(
                        "GET {template} with random ids as {role} opened a write transaction"
                    ));
                }
                let want = match (*role, template.starts_with("/api/")) {
                    ("anonymous", true) => 401,
                    ("anonymous", false) => 303,
                    _ => 404,
                };
                if got != want {
                    wrong.push(format!(
                        "{method} {template} with random ids as {role}: {got}, expected {want}"
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
