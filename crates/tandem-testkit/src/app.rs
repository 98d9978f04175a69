//! The real application, in process, on a fresh database per test (SQLite, and
//! PostgreSQL when `TANDEM_TEST_POSTGRES_URL` is set).
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::net::SocketAddr;
use tandem::config::Config;
use tandem::AppState;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _dir: Option<tempfile::TempDir>,
    /// Where this app's e-mails are written.
    pub outbox: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

/// The key every test server seals with (a test's database is its own; the
/// binary, when a test runs it, is given the same as `TANDEM_KEY`).
pub const TEST_KEY: &str = "DQMQxOpQS+64naidqGpTnajd3CbzXcZwCejD/cLArcM=";

pub fn fast_config(url: &str) -> Config {
    let mut config = Config::for_database(url);
    config.keys.key = Some(TEST_KEY.to_string());
    config.argon2_memory_kib = 1024;
    // Tests sign many people up from one address.
    config.signup_max_per_ip = 1_000_000;
    config.argon2_iterations = 1;
    config
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(|_| {}).await
    }

    pub async fn sqlite_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = fast_config(&format!("sqlite://{}/tandem.db", dir.path().display()));
        tweak(&mut config);
        Self::start(config, Some(dir), None).await
    }

    /// A fresh PostgreSQL database, or None (and a note) when TANDEM_TEST_POSTGRES_URL is unset.
    pub async fn postgres() -> Option<TestApp> {
        Self::postgres_with(|_| {}).await
    }

    pub async fn postgres_with(tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let Ok(base) = std::env::var("TANDEM_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("TANDEM_REQUIRE_POSTGRES").is_none(),
                "TANDEM_REQUIRE_POSTGRES is set but TANDEM_TEST_POSTGRES_URL is not"
            );
            eprintln!("skipped: TANDEM_TEST_POSTGRES_URL not set");
            return None;
        };
        let name = format!("tandem_t_{}", uuid::Uuid::new_v4().simple());
        exec_pg(&base, &format!("CREATE DATABASE {name}")).await;
        let url = with_database(&base, &name);
        let mut config = fast_config(&url);
        tweak(&mut config);
        Some(Self::start(config, None, Some((base, name))).await)
    }

    async fn start(
        mut config: Config,
        dir: Option<tempfile::TempDir>,
        pg_drop: Option<(String, String)>,
    ) -> TestApp {
        // Unexpected failures are logged; the test's output shows them when it fails.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn,tandem=info")
            .with_test_writer()
            .try_init();
        let outbox = tempfile::tempdir().expect("outbox dir");
        config.outbox_dir = outbox.path().display().to_string();
        let app = tandem::build(config).await.expect("app builds");
        let router = app
            .router()
            .layer(MockConnectInfo(SocketAddr::from(([10, 0, 0, 7], 40000))));
        TestApp {
            router,
            state: app.state,
            _dir: dir,
            outbox,
            pg_drop,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.send(req).await
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Value) {
        let method = req.method().to_string();
        let uri = req.uri().to_string();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        assert!(status.as_u16() < 500, "server error {status}: {value}");
        crate::contract::check(&method, &uri, status.as_u16(), &value);
        (status, value)
    }

    /// A page as a signed-in browser gets it (the session token as its cookie): the
    /// status and the HTML.
    pub async fn get_page(&self, path: &str, token: &str) -> (StatusCode, String) {
        let req = Request::builder()
            .uri(path)
            .header(header::COOKIE, format!("tandem_session={token}"))
            .body(Body::empty())
            .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        assert!(status.as_u16() < 500, "server error {status} on {path}");
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The e-mails written so far, as raw `.eml` texts.
    pub fn emails(&self) -> Vec<String> {
        std::fs::read_dir(self.outbox.path())
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .map(|e| std::fs::read_to_string(e.path()).unwrap())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }
    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Registers and signs in; returns (id, token).
    pub async fn person(&self, name: &str) -> (String, String) {
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        let (s, user) = self
            .call(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(json!({"email": email, "password": "correct horse battery", "name": name})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{user}");
        let token = self.log_in(&email).await;
        (user["id"].as_str().unwrap().to_string(), token)
    }

    /// Signs in with the test password; returns the token.
    pub async fn log_in(&self, email: &str) -> String {
        let (s, login) = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": "correct horse battery"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{login}");
        login["token"].as_str().unwrap().to_string()
    }

    /// A program created by `admin_token`; `extra` overrides the defaults.
    pub async fn program(&self, admin_token: &str, kind: &str, extra: Value) -> String {
        let mut body = json!({
            "name": format!("{kind} program"), "description": "", "kind": kind, "context": "corporate",
            "starts_on": "2027-01-01", "ends_on": "2027-06-30", "mentor_capacity": 2,
            "cadence_days": 14, "max_mentors_per_mentee": 1, "request_expiry_days": 14,
            "max_timezone_gap_hours": 12
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, p) = self.post("/api/v1/programs", admin_token, body).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        p["id"].as_str().unwrap().to_string()
    }

    pub async fn enroll(&self, program: &str, token: &str, role: &str) {
        let (s, e) = self
            .post(
                &format!("/api/v1/programs/{program}/enrollments"),
                token,
                json!({"role": role}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
    }

    /// Sends a request from mentee to mentor; returns the mentorship id.
    pub async fn request(&self, program: &str, mentee_token: &str, mentor_id: &str) -> String {
        let (s, m) = self
            .post(
                "/api/v1/mentorships",
                mentee_token,
                request_body(program, mentor_id),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        m["id"].as_str().unwrap().to_string()
    }
}

/// A program with a mentor and a mentee, and the mentee's request to the mentor.
pub struct Pair {
    pub program: String,
    pub mentor_id: String,
    pub mentor: String,
    pub mentee: String,
    pub id: String,
}

impl TestApp {
    /// A `traditional` program (with `extra` settings), "Mentor" and "Mentee"
    /// enrolled, and the mentee's request.
    pub async fn pair(&self, extra: Value) -> Pair {
        let (_, admin) = self.person("Admin").await;
        let (mentor_id, mentor) = self.person("Mentor").await;
        let (_, mentee) = self.person("Mentee").await;
        let program = self.program(&admin, "traditional", extra).await;
        self.enroll(&program, &mentor, "mentor").await;
        self.enroll(&program, &mentee, "mentee").await;
        let id = self.request(&program, &mentee, &mentor_id).await;
        Pair {
            program,
            mentor_id,
            mentor,
            mentee,
            id,
        }
    }

    /// [`TestApp::pair`], the request accepted by the mentor: an active relationship.
    pub async fn active_pair(&self, extra: Value) -> Pair {
        let pair = self.pair(extra).await;
        let (s, v) = self
            .post(
                &format!("/api/v1/mentorships/{}/accept", pair.id),
                &pair.mentor,
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        pair
    }

    /// Waits (at most five seconds) until the store serves reads from memory.
    pub async fn wait_for_caching(&self) {
        let started = std::time::Instant::now();
        while !self.state.store.caching() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "the store never started caching"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

pub fn request_body(program: &str, mentor_id: &str) -> Value {
    json!({"program_id": program, "mentor_id": mentor_id, "intro": "I am a junior engineer.",
           "reasons": "You know distributed systems.", "ask": "A first 30-minute call?"})
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((base, name)) = self.pg_drop.take() {
            // Dropping a database needs an async client; do it on a thread of its own.
            let _ = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(async move {
                        exec_pg(
                            &base,
                            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                        )
                        .await;
                    })
            })
            .join();
        }
    }
}

fn with_database(base: &str, name: &str) -> String {
    let (head, query) = base
        .split_once('?')
        .map(|(h, q)| (h, Some(q)))
        .unwrap_or((base, None));
    let after_scheme = head.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match head[after_scheme..].find('/') {
        Some(slash) => &head[..after_scheme + slash],
        None => head,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

async fn exec_pg(base: &str, sql: &str) {
    use sea_orm::{ConnectionTrait, Database};
    let db = Database::connect(base)
        .await
        .expect("connect to TANDEM_TEST_POSTGRES_URL");
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    db.close().await.ok();
}

/// Runs each listed test on SQLite and, when configured, on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestApp::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::TestApp::postgres().await {
                        super::$name(app).await
                    }
                }
            )*
        }
    };
}

impl TestApp {
    /// Another server on this one's database, as a second `tandem serve` would be.
    pub async fn second_server(&self) -> tandem::App {
        let mut config = fast_config(&self.state.config.database_url);
        config.smtp_url = self.state.config.smtp_url.clone();
        config.outbox_dir = self.outbox.path().display().to_string();
        tandem::build(config).await.expect("a second server builds")
    }
}

/// Runs each listed test on SQLite and, when configured, on PostgreSQL, with the
/// application delivering e-mail over SMTP to a server of the test's own:
/// `async fn name(app: TestApp, smtp: SmtpSink)`.
#[macro_export]
macro_rules! on_both_databases_with_smtp {
    ($($name:ident),* $(,)?) => {
        mod sqlite_with_smtp {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let smtp = $crate::smtp::SmtpSink::start();
                    let url = smtp.url();
                    let app = $crate::TestApp::sqlite_with(|c| c.smtp_url = Some(url)).await;
                    super::$name(app, smtp).await
                }
            )*
        }
        mod postgres_with_smtp {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let smtp = $crate::smtp::SmtpSink::start();
                    let url = smtp.url();
                    if let Some(app) = $crate::TestApp::postgres_with(|c| c.smtp_url = Some(url)).await {
                        super::$name(app, smtp).await
                    }
                }
            )*
        }
    };
}
