//! Two `tandem serve` processes on one PostgreSQL database, as behind a load
//! balancer (SPEC §4, §6): a session made on one works on the other; a
//! sign-out, a disabled account and a password reset on one are honoured by
//! the other within the read cache's bound; a request accepted on one is seen
//! on the other; accepts through both at once never overfill a mentor; two
//! servers' jobs do each piece of work once. Also what an operator sees: JSON
//! log lines, and `/metrics` behind its token.
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tandem_testkit::TestApp;

/// How long another server may serve what a write changed (README: within a
/// fifth of a second); polled up to this.
const CACHE_BOUND: Duration = Duration::from_millis(200);
const PASSWORD: &str = "correct horse battery";
const METRICS_TOKEN: &str = "metrics-secret-7f3a";

/// A `tandem serve` process, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    outbox: PathBuf,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(database_url: &str, dir: &Path, name: &str, extra: &[&str]) -> Server {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let outbox = dir.join(format!("outbox-{name}"));
    let log = dir.join(format!("{name}.log"));
    let child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .env("TANDEM_KEY", tandem_testkit::TEST_KEY)
        .arg("serve")
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database_url])
        .args(["--base-url", &base])
        .args(extra)
        .env("TANDEM_ARGON2_MEMORY_KIB", "1024")
        .env("TANDEM_ARGON2_ITERATIONS", "1")
        .env("TANDEM_OUTBOX_DIR", &outbox)
        .env("TANDEM_METRICS_TOKEN", METRICS_TOKEN)
        .env("RUST_LOG", "debug")
        .env_remove("TANDEM_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("tandem serve starts");
    let server = Server {
        child,
        base,
        outbox,
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("{}/readyz", server.base))
        .call()
        .is_err()
    {
        assert!(Instant::now() < deadline, "{name} did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// A call: its status and JSON body (null when none).
fn call(method: &str, url: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut req = ureq::request(method, url);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let res = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let res = match res {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = res.status();
    let text = res.into_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn register(s: &Server, name: &str) -> (String, String) {
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    let (status, user) = call(
        "POST",
        &format!("{}/api/v1/auth/register", s.base),
        None,
        Some(json!({"email": email, "password": PASSWORD, "name": name})),
    );
    assert_eq!(status, 201, "{user}");
    (user["id"].as_str().unwrap().to_string(), login(s, &email))
}

fn login(s: &Server, email: &str) -> String {
    let (status, v) = call(
        "POST",
        &format!("{}/api/v1/auth/login", s.base),
        None,
        Some(json!({"email": email, "password": PASSWORD})),
    );
    assert_eq!(status, 200, "{v}");
    v["token"].as_str().unwrap().to_string()
}

/// Polls `check` until it holds or the cache's bound has passed; whether it held.
fn within_bound(mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + CACHE_BOUND;
    loop {
        if check() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn emails_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .map(|m| {
                    m.replace("=\r\n", "")
                        .replace("=\n", "")
                        .replace("=3D", "=")
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn two_servers_on_one_postgresql_behave_as_one() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // A fresh database (dropped at the end); the servers migrate it themselves.
    let Some(db) = runtime.block_on(TestApp::postgres()) else {
        return;
    };
    let url = db.state.config.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let a = start(&url, dir.path(), "a", &["--log-format", "json"]);
    let b = start(&url, dir.path(), "b", &[]);
    let (base_a, base_b) = (a.base.clone(), b.base.clone());
    let on_a = |p: &str| format!("{base_a}{p}");
    let on_b = |p: &str| format!("{base_b}{p}");

    // A session made on one works on the other.
    let (_, admin) = register(&a, "Admin Person");
    let (mentor_id, mentor) = register(&b, "Grace Hopper");
    let (_, ada) = register(&a, "Ada Lovelace");
    let (_, alan) = register(&b, "Alan Turing");
    let (s, me) = call("GET", &on_b("/api/v1/me"), Some(&admin), None);
    assert_eq!((s, me["is_admin"].clone()), (200, json!(true)), "{me}");

    // A sign-out on one is honoured by the other.
    let spare = login(&a, "ada.lovelace@example.org");
    assert_eq!(call("GET", &on_b("/api/v1/me"), Some(&spare), None).0, 200);
    assert_eq!(
        call("POST", &on_a("/api/v1/auth/logout"), Some(&spare), None).0,
        204
    );
    assert!(
        within_bound(|| call("GET", &on_b("/api/v1/me"), Some(&spare), None).0 == 401),
        "a sign-out on A still works on B after {CACHE_BOUND:?}"
    );

    // One place left with the mentor: two mentees' requests accepted at once,
    // one through each server.
    let (s, p) = call(
        "POST",
        &on_a("/api/v1/programs"),
        Some(&admin),
        Some(
            json!({"name": "Launch", "kind": "traditional", "context": "corporate",
            "starts_on": "2027-01-01", "ends_on": "2027-12-31", "mentor_capacity": 1}),
        ),
    );
    assert_eq!(s, 201, "{p}");
    let program = p["id"].as_str().unwrap().to_string();
    for (token, role) in [(&mentor, "mentor"), (&ada, "mentee"), (&alan, "mentee")] {
        let (s, v) = call(
            "POST",
            &on_b(&format!("/api/v1/programs/{program}/enrollments")),
            Some(token),
            Some(json!({"role": role})),
        );
        assert_eq!(s, 201, "{v}");
    }
    let ask = |server: &dyn Fn(&str) -> String, token: &str| {
        let (s, m) = call(
            "POST",
            &server("/api/v1/mentorships"),
            Some(token),
            Some(json!({"program_id": program, "mentor_id": mentor_id, "intro": "Hello."})),
        );
        assert_eq!(s, 201, "{m}");
        m["id"].as_str().unwrap().to_string()
    };
    let ada_request = ask(&on_a, &ada);
    let alan_request = ask(&on_b, &alan);
    // The mentor's view of Ada's request is read (and cached) on B first.
    let (_, seen) = call(
        "GET",
        &on_b(&format!("/api/v1/mentorships/{ada_request}")),
        Some(&mentor),
        None,
    );
    assert_eq!(seen["status"], "requested");
    let accepts: Vec<u16> = std::thread::scope(|scope| {
        let through_a = scope.spawn(|| {
            call(
                "POST",
                &on_a(&format!("/api/v1/mentorships/{ada_request}/accept")),
                Some(&mentor),
                Some(json!({})),
            )
            .0
        });
        let through_b = scope.spawn(|| {
            call(
                "POST",
                &on_b(&format!("/api/v1/mentorships/{alan_request}/accept")),
                Some(&mentor),
                Some(json!({})),
            )
            .0
        });
        vec![through_a.join().unwrap(), through_b.join().unwrap()]
    });
    let mut sorted = accepts.clone();
    sorted.sort();
    assert_eq!(sorted, vec![200, 409], "one place, one accept: {accepts:?}");
    let accepted = if accepts[0] == 200 {
        &ada_request
    } else {
        &alan_request
    };
    // Accepted on one, seen on the other.
    assert!(
        within_bound(|| {
            let (_, m) = call(
                "GET",
                &on_b(&format!("/api/v1/mentorships/{accepted}")),
                Some(&mentor),
                None,
            );
            m["status"] == "active"
        }),
        "the accept is not seen on B within {CACHE_BOUND:?}"
    );
    let (_, active) = call(
        "GET",
        &on_a("/api/v1/mentorships?status=active"),
        Some(&mentor),
        None,
    );
    assert_eq!(
        active["items"].as_array().unwrap().len(),
        1,
        "never overfilled: {active}"
    );

    // An account disabled on A: its session ends on B, its sign-in on B is refused.
    let (_, found) = call(
        "GET",
        &on_a("/api/v1/admin/users?q=alan"),
        Some(&admin),
        None,
    );
    let alan_id = found["items"][0]["id"].as_str().unwrap().to_string();
    let (s, _) = call(
        "PATCH",
        &on_a(&format!("/api/v1/admin/users/{alan_id}")),
        Some(&admin),
        Some(json!({"disabled": true})),
    );
    assert_eq!(s, 200);
    assert!(
        within_bound(|| call("GET", &on_b("/api/v1/me"), Some(&alan), None).0 == 401),
        "a disabled account's session still works on B"
    );
    let (s, v) = call(
        "POST",
        &on_b("/api/v1/auth/login"),
        None,
        Some(json!({"email": "alan.turing@example.org", "password": PASSWORD})),
    );
    assert_eq!(
        (s, v["error"]["code"].clone()),
        (403, json!("account_disabled"))
    );

    // A password reset asked on A (its worker e-mails the link at once), used on B:
    // Ada's sessions end everywhere.
    let (s, _) = call(
        "POST",
        &on_a("/api/v1/auth/password-reset"),
        None,
        Some(json!({"email": "ada.lovelace@example.org"})),
    );
    assert_eq!(s, 202);
    let deadline = Instant::now() + Duration::from_secs(10);
    let token = loop {
        let found = emails_in(&a.outbox)
            .into_iter()
            .find(|m| m.contains("reset-password?token="));
        if let Some(mail) = found {
            let start = mail.find("token=").unwrap() + "token=".len();
            break mail[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>();
        }
        assert!(
            Instant::now() < deadline,
            "A's worker did not send the reset link"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let (s, v) = call(
        "POST",
        &on_b("/api/v1/auth/password-reset/confirm"),
        None,
        Some(json!({"token": token, "password": "a brand new passphrase"})),
    );
    assert_eq!(s, 204, "{v}");
    assert!(
        within_bound(|| call("GET", &on_a("/api/v1/me"), Some(&ada), None).0 == 401),
        "a reset on B left Ada's session working on A"
    );

    // Both servers' jobs, run at once as of a day the requests have expired:
    // each piece of work is done once.
    let (_, p2) = call(
        "POST",
        &on_a("/api/v1/programs"),
        Some(&admin),
        Some(
            json!({"name": "Expiring", "kind": "traditional", "context": "corporate",
            "starts_on": "2027-01-01", "ends_on": "2027-12-31", "mentor_capacity": 5,
            "request_expiry_days": 1}),
        ),
    );
    let program2 = p2["id"].as_str().unwrap().to_string();
    call(
        "POST",
        &on_a(&format!("/api/v1/programs/{program2}/enrollments")),
        Some(&mentor),
        Some(json!({"role": "mentor"})),
    );
    let mut askers = Vec::new();
    for k in 0..4 {
        let (_, t) = register(
            if k % 2 == 0 { &a } else { &b },
            &format!("Asker Number{k}"),
        );
        call(
            "POST",
            &on_b(&format!("/api/v1/programs/{program2}/enrollments")),
            Some(&t),
            Some(json!({"role": "mentee"})),
        );
        let (s, m) = call(
            "POST",
            &on_a("/api/v1/mentorships"),
            Some(&t),
            Some(json!({"program_id": program2, "mentor_id": mentor_id, "intro": "Hello."})),
        );
        assert_eq!(s, 201, "{m}");
        askers.push(m["id"].as_str().unwrap().to_string());
    }
    let later = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let jobs: Vec<Value> = std::thread::scope(|scope| {
        let runs: Vec<_> = [&a, &b]
            .into_iter()
            .map(|server| {
                let later = later.clone();
                let url = url.clone();
                scope.spawn(move || {
                    let out = Command::new(env!("CARGO_BIN_EXE_tandem"))
                        .args(["jobs", "run", "--now", &later, "--database-url", &url])
                        .env("TANDEM_KEY", tandem_testkit::TEST_KEY)
                        .env("TANDEM_OUTBOX_DIR", &server.outbox)
                        .env_remove("TANDEM_DATABASE_URL")
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    serde_json::from_slice::<Value>(&out.stdout).unwrap()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let expired: u64 = jobs.iter().map(|j| j["expired"].as_u64().unwrap()).sum();
    assert_eq!(expired, 4, "each request expired once: {jobs:?}");
    let expiry_mails: Vec<String> = emails_in(&a.outbox)
        .into_iter()
        .chain(emails_in(&b.outbox))
        .filter(|m| m.contains("Subject: ") && m.to_lowercase().contains("expired"))
        .collect();
    // One to each mentee and one to the mentor for each request, never twice.
    assert_eq!(
        expiry_mails.len(),
        8,
        "{} expiry e-mails",
        expiry_mails.len()
    );

    // The operator's view: metrics behind their token, by route template only.
    let (s, _) = call("GET", &on_a("/metrics"), None, None);
    assert_eq!(s, 401, "the token is needed");
    let metrics = ureq::get(&on_a("/metrics"))
        .set("Authorization", &format!("Bearer {METRICS_TOKEN}"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        metrics.contains(
            r#"tandem_http_requests_total{method="PATCH",route="/api/v1/admin/users/{id}",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("tandem_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("tandem_db_pool_connections"));
    assert!(metrics.contains("tandem_emails_sent_total"));
    assert!(!metrics.contains(&ada_request), "no ids in labels");
    assert!(!metrics.contains("example.org"));

    // A's log: one JSON object a line, no colour codes, no token, address or name.
    let (a_log, b_log) = (a.log.clone(), b.log.clone());
    drop(a);
    drop(b);
    let log = std::fs::read_to_string(a_log).unwrap();
    assert!(log.lines().count() > 3, "{log}");
    for line in log.lines() {
        let parsed: Result<Value, _> = serde_json::from_str(line);
        assert!(parsed.is_ok(), "not a JSON line: {line}");
    }
    let b_log = std::fs::read_to_string(b_log).unwrap();
    for text in [&log, &b_log] {
        assert!(
            !text.contains('\u{1b}'),
            "colour codes in a log that is not a terminal"
        );
        for secret in [
            admin.as_str(),
            mentor.as_str(),
            token.as_str(),
            "ada.lovelace@example.org",
            "Ada Lovelace",
        ] {
            assert!(!text.contains(secret), "the log holds {secret}");
        }
    }
}
