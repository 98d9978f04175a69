//! Pages in process, as a browser without JavaScript uses them: a session kept in
//! cookies, forms posted with their CSRF token.
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use tandem::config::Config;
use tower::ServiceExt;

/// The application's pages and API on a fresh SQLite file, with the test settings.
pub async fn app() -> (Router, tempfile::TempDir) {
    app_with(|_| {}).await
}

/// The same, with some settings changed.
pub async fn app_with(adjust: impl FnOnce(&mut Config)) -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = crate::app::fast_config(&format!("sqlite://{}/t.db", dir.path().display()));
    config.outbox_dir = dir.path().join("outbox").display().to_string();
    adjust(&mut config);
    let app = tandem::build(config).await.expect("app builds");
    (app.router(), dir)
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(String::from)
    }
}

/// A browser without JavaScript: keeps cookies, sends forms.
pub struct Browser {
    pub router: Router,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(router: &Router) -> Browser {
        Browser {
            router: router.clone(),
            cookies: BTreeMap::new(),
        }
    }

    pub async fn send(&mut self, req: Request<Body>) -> Answer {
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

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// The CSRF token this browser's pages put in their forms: bound to its
    /// session once signed in, else the CSRF cookie's.
    pub fn csrf(&self) -> String {
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
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn sign_up(&mut self, name: &str, email: &str) -> Answer {
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
