//! Browser tests: a real Chromium, driven through ChromeDriver, walks the pages
//! from sign-up to a signed agreement. Skipped (with a note) only where
//! chromedriver is absent; CI sets TANDEM_REQUIRE_BROWSER=1 so it never skips.
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tandem::domain::wire::{ProgramContext, ProgramKind, Role, Seniority};
use tandem_testkit::server::serve;

/// Runs axe-core on the page the browser shows and fails naming every violation
/// (rule, what it asks, the first element at fault). axe.min.js comes from
/// TANDEM_AXE_JS, else `.ci/axe/node_modules/axe-core/axe.min.js` in the repository
/// (`.ci/run` installs it: `npm install --no-save --prefix .ci/axe axe-core@4.10.3`).
/// Without the file the check is skipped with a note, unless TANDEM_REQUIRE_BROWSER
/// is set. `label` says which page this is in the failure.
async fn assert_accessible(client: &Client, label: &str) {
    let path = std::env::var_os("TANDEM_AXE_JS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../.ci/axe/node_modules/axe-core/axe.min.js")
        });
    let axe = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(e) if std::env::var_os("TANDEM_REQUIRE_BROWSER").is_some() => panic!(
            "axe-core is not at {} ({e}), and TANDEM_REQUIRE_BROWSER is set; \
             install it with `npm install --no-save --prefix .ci/axe axe-core@4.10.3`",
            path.display()
        ),
        Err(_) => {
            eprintln!(
                "accessibility check of {label} skipped: no axe-core at {}",
                path.display()
            );
            return;
        }
    };
    // The page's CSP allows no inline script, so axe runs as the driver's own
    // script (which the CSP does not govern) rather than as a <script> element.
    let script = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];\n\
         window.axe.run(document, {{resultTypes: ['violations']}})\n\
         .then(r => done(r.violations.map(v => ({{id: v.id, help: v.help, \
         target: v.nodes.length ? JSON.stringify(v.nodes[0].target) : '', \
         html: v.nodes.length ? v.nodes[0].html.slice(0, 200) : '', count: v.nodes.length}}))))\n\
         .catch(e => done([{{id: 'axe-error', help: String(e), target: '', html: '', count: 0}}]));"
    );
    let found = client
        .execute_async(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe-core did not run on {label}: {e}"));
    let violations = found.as_array().cloned().unwrap_or_default();
    if violations.is_empty() {
        return;
    }
    let url = client
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    let listed: Vec<String> = violations
        .iter()
        .map(|v| {
            format!(
                "- {} ({} element(s)): {}\n    first: {} {}",
                v["id"].as_str().unwrap_or_default(),
                v["count"],
                v["help"].as_str().unwrap_or_default(),
                v["target"].as_str().unwrap_or_default(),
                v["html"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    panic!(
        "{label} ({url}) has {} accessibility violation(s):\n{}",
        violations.len(),
        listed.join("\n")
    );
}

struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_chromedriver() -> Option<String> {
    if let Ok(path) = std::env::var("CHROMEDRIVER") {
        return Some(path);
    }
    let paths = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&paths)
        .chain(["/usr/bin".into(), "/usr/lib/chromium".into()])
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver() -> Option<Driver> {
    let Some(path) = find_chromedriver() else {
        if std::env::var_os("TANDEM_REQUIRE_BROWSER").is_some() {
            panic!("chromedriver not found, and TANDEM_REQUIRE_BROWSER is set");
        }
        eprintln!("skipped: chromedriver not found");
        return None;
    };
    let port = free_port();
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {path}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Some(Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    })
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    let mut chrome = serde_json::json!({
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-sync", "--window-size=1280,1000"]
    });
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if std::path::Path::new(candidate).exists() {
            chrome["binary"] = candidate.into();
            break;
        }
    }
    caps.insert("goog:chromeOptions".into(), chrome);
    ClientBuilder::rustls()
        .expect("TLS roots")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a browser session")
}

struct Page<'a> {
    client: &'a Client,
    base: &'a str,
}

impl Page<'_> {
    async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }
    async fn fill(&self, css: &str, value: &str) {
        let el = self
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        el.clear().await.ok();
        el.send_keys(value).await.unwrap();
    }
    async fn select(&self, css: &str, value: &str) {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        el.select_by_value(value).await.unwrap();
    }
    async fn click(&self, css: &str) {
        let el = self
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        el.click().await.unwrap();
    }
    /// The page's text; empty while a navigation replaces the document.
    async fn text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }
    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }
    async fn expect_text(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text().await;
            if text.contains(needle) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "expected {needle:?} on {} but the page says:\n{text}",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Page<'_> {
    /// Date inputs take typed keys in the browser's locale; set the value directly.
    async fn set_value(&self, id: &str, value: &str) {
        self.client
            .execute(
                "document.getElementById(arguments[0]).value = arguments[1];",
                vec![id.into(), value.into()],
            )
            .await
            .unwrap();
    }

    async fn sign_up(&self, name: &str, email: &str) {
        self.open("/signup").await;
        self.fill("#signup-form [name=name]", name).await;
        self.fill("#signup-form [name=email]", email).await;
        self.fill("#signup-form [name=password]", "correct horse battery")
            .await;
        self.click("#signup-submit").await;
        self.expect_text(name).await;
        assert_eq!(self.path().await, "/dashboard");
    }

    async fn profile(&self, field: &str, skills: &str, seniority: &str) {
        self.open("/profile").await;
        self.fill("#field", field).await;
        self.fill("#headline", &format!("{field} person")).await;
        self.fill("#known_for", "Shipping things that last").await;
        self.fill("#skills", skills).await;
        self.fill("#languages", "English").await;
        self.select("#timezone", "Europe/Berlin").await;
        self.select("#seniority", seniority).await;
        self.click("#profile-save").await;
        self.expect_text("saved").await;
    }

    /// Waits until the element's text is `want` (after a form's navigation has finished).
    async fn expect_element_text(&self, css: &str, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if got.trim() == want {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{css} says {got:?}, expected {want:?}, at {}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The id in a path like `/mentorships/{id}`, once the browser has arrived there.
    async fn id_after(&self, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.path().await.starts_with(prefix) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let path = self.path().await;
        path.strip_prefix(prefix)
            .unwrap_or_else(|| panic!("expected {prefix}…, at {path}"))
            .trim_end_matches('/')
            .to_string()
    }
}

impl Page<'_> {
    async fn sign_in(&self, email: &str) {
        self.sign_in_with(email, "correct horse battery").await;
    }

    async fn sign_in_with(&self, email: &str, password: &str) {
        self.open("/signin").await;
        self.fill("#signin-form [name=email]", email).await;
        self.fill("#signin-form [name=password]", password).await;
        self.click("#signin-submit").await;
        self.expect_text("Sign out").await;
    }
}

/// A person made through the services, with a profile and an enrolment.
async fn enrolled(
    state: &tandem::AppState,
    name: &str,
    role: &str,
    program: &str,
    skills: &[&str],
) -> String {
    use tandem::service::{accounts, people, programs};
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    let input = accounts::RegisterIn {
        email: email.clone(),
        password: "correct horse battery".into(),
        name: name.into(),
    };
    let user = accounts::create_user(state, &input, false).await.unwrap();
    let caller = caller_of(state, &email).await;
    let skills: Vec<String> = skills.iter().map(|s| s.to_string()).collect();
    let profile = people::ProfileData {
        field: "Engineering".into(),
        seniority: tandem::domain::values::Pick::of(if role == "mentor" {
            Seniority::Lead
        } else {
            Seniority::Junior
        }),
        skills: if role == "mentor" {
            skills.clone()
        } else {
            vec![]
        },
        languages: vec!["English".into()],
        timezone: Some("Europe/Berlin".into()),
        ..Default::default()
    };
    people::put_profile(state, &caller, &profile).await.unwrap();
    let enrolment = programs::EnrollmentIn {
        wants_skills: if role == "mentee" { skills } else { vec![] },
        ..programs::EnrollmentIn::as_role(Role::parse(role).unwrap())
    };
    programs::enroll(state, &caller, program, &enrolment)
        .await
        .unwrap();
    user.id
}

/// A mentee reads why a mentor fits; the coordinator runs a round and publishes it;
/// both accept the proposed match in their browsers and it becomes active.
async fn walk_from_suggestions_through_a_round_to_an_active_match(database_url: &str) {
    use tandem::service::{accounts, programs};
    let Some(driver) = start_driver().await else {
        return;
    };
    let (base, _stop, state) = serve(database_url).await;
    let admin = accounts::RegisterIn {
        email: "ada@example.org".into(),
        password: "correct horse battery".into(),
        name: "Ada Admin".into(),
    };
    accounts::create_user(&state, &admin, true).await.unwrap();
    let admin_caller = caller_of(&state, &admin.email).await;
    let program = programs::create(
        &state,
        &admin_caller,
        &programs::ProgramIn::new(
            "Round Robin 2027",
            ProgramKind::Traditional,
            ProgramContext::Community,
            "2027-01-01",
            "2027-06-30",
        ),
    )
    .await
    .unwrap();
    let mentor_id = enrolled(
        &state,
        "Rita Rust",
        "mentor",
        &program.id,
        &["rust", "leadership"],
    )
    .await;
    enrolled(&state, "Max Mentee", "mentee", &program.id, &["rust"]).await;

    let mentee_browser = browser(&driver).await;
    let coordinator_browser = browser(&driver).await;
    let mentee = Page {
        client: &mentee_browser,
        base: &base,
    };
    let coordinator = Page {
        client: &coordinator_browser,
        base: &base,
    };

    mentee.sign_in("max.mentee@example.org").await;
    mentee
        .open(&format!("/programs/{}/suggestions", program.id))
        .await;
    mentee.expect_text("Rita Rust").await;
    assert_accessible(mentee.client, "suggestions").await;
    mentee.click(&format!("#why-{mentor_id} summary")).await;
    mentee.expect_text("rust").await;
    // "Rank and rules" answers why this mentor is where they are.
    mentee.click(&format!("#check-{mentor_id}")).await;
    mentee.expect_text("is suggestion number 1 for you").await;
    assert_accessible(mentee.client, "a mentor's rank and rules").await;

    coordinator.sign_in("ada@example.org").await;
    coordinator
        .open(&format!("/programs/{}/rounds", program.id))
        .await;
    assert_accessible(coordinator.client, "rounds, none yet").await;
    coordinator.click("#objective-optimal").await;
    coordinator.click("#round-submit").await;
    let table = coordinator_browser
        .wait()
        .for_element(Locator::Css("#round-pairs-table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        table.contains("Rita Rust") && table.contains("Max Mentee"),
        "the draft pairs them:\n{table}"
    );
    coordinator
        .expect_text("Every mentee who could be matched is matched")
        .await;
    assert_accessible(coordinator.client, "a draft round").await;
    coordinator
        .open(&format!("/programs/{}/rounds", program.id))
        .await;
    assert_accessible(coordinator.client, "rounds, one draft").await;
    coordinator
        .open(&format!("/programs/{}/enrollments", program.id))
        .await;
    assert_accessible(coordinator.client, "enrolments").await;
    coordinator.client.back().await.unwrap();
    coordinator.client.back().await.unwrap();
    coordinator
        .expect_text("Every mentee who could be matched is matched")
        .await;
    coordinator.click("#publish-confirm").await;
    coordinator.click("#publish-submit").await;
    coordinator
        .expect_element_text("#round-status", "published")
        .await;
    assert_accessible(coordinator.client, "a published round").await;

    mentee.open("/dashboard").await;
    assert_accessible(mentee.client, "a mentee's dashboard with a proposal").await;
    mentee.click("#waiting-on-you a[id^=waiting-]").await;
    // The proposal's e-mail promises reasons: the page shows them to both.
    mentee.expect_text("Why this match").await;
    mentee.expect_text("rust").await;
    mentee.click("#action-accept").await;
    mentee.expect_text("You accepted this match").await;

    coordinator.click("#signout-submit").await;
    coordinator.expect_text("You are signed out").await;
    coordinator.sign_in("rita.rust@example.org").await;
    coordinator.open("/dashboard").await;
    coordinator.click("#waiting-on-you a[id^=waiting-]").await;
    coordinator.expect_text("Why this match").await;
    coordinator.click("#action-accept").await;
    coordinator.expect_text("active").await;
    coordinator
        .expect_element_text("#mentorship-status", "active")
        .await;

    mentee_browser.close().await.ok();
    coordinator_browser.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_walk_from_suggestions_through_a_round_to_an_active_match() {
    let dir = tempfile::tempdir().unwrap();
    walk_from_suggestions_through_a_round_to_an_active_match(&format!(
        "sqlite://{}/round.db",
        dir.path().display()
    ))
    .await;
}

/// Sign-up → profile → enrol → search → request → the mentor accepts → both sign.
async fn walk_from_sign_up_to_signed_agreement(database_url: &str) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let (base, _stop, _) = serve(database_url).await;
    let mentor_browser = browser(&driver).await;
    let mentee_browser = browser(&driver).await;
    let mentor = Page {
        client: &mentor_browser,
        base: &base,
    };
    let mentee = Page {
        client: &mentee_browser,
        base: &base,
    };

    // The first account is the instance admin: it creates the program.
    mentor.open("/signup").await;
    assert_accessible(mentor.client, "sign-up").await;
    mentor.open("/signin").await;
    assert_accessible(mentor.client, "sign-in").await;
    mentor.sign_up("Ada Admin", "ada@example.org").await;
    assert_accessible(mentor.client, "a new account's dashboard").await;
    mentor.open("/admin/programs/new").await;
    assert_accessible(mentor.client, "a new program's form").await;
    mentor
        .fill("#program-form [name=name]", "Rust Mentoring 2027")
        .await;
    mentor
        .fill(
            "#program-form [name=description]",
            "One mentor, one mentee, six months.",
        )
        .await;
    mentor
        .select("#program-form [name=kind]", "traditional")
        .await;
    mentor
        .select("#program-form [name=context]", "corporate")
        .await;
    mentor.set_value("starts_on", "2027-01-11").await;
    mentor.set_value("ends_on", "2027-07-09").await;
    mentor.click("#program-create").await;
    mentor.expect_text("Rust Mentoring 2027 is created").await;
    let program_id = mentor.id_after("/programs/").await;
    assert_accessible(mentor.client, "a program, to its admin").await;
    mentor.open("/admin/users").await;
    assert_accessible(mentor.client, "the accounts").await;
    mentor.open("/programs").await;
    assert_accessible(mentor.client, "programs").await;
    mentor.click("#signout-submit").await;
    mentor.expect_text("You are signed out").await;

    // The mentor signs up, describes themself and enrols.
    mentor.sign_up("Marta Mentor", "marta@example.org").await;
    mentor
        .profile(
            "Software Engineering",
            "rust, distributed systems, leadership",
            "lead",
        )
        .await;
    assert_accessible(mentor.client, "a saved profile").await;
    mentor.open(&format!("/programs/{program_id}")).await;
    assert_accessible(mentor.client, "a program, to a newcomer").await;
    mentor.click("#enroll-mentor-submit").await;
    mentor
        .expect_text("You are enrolled in Rust Mentoring 2027 as a mentor")
        .await;

    // The mentee signs up, enrols, finds the mentor and asks.
    mentee.sign_up("Max Mentee", "max@example.org").await;
    mentee
        .profile("Software Engineering", "python", "junior")
        .await;
    mentee.open(&format!("/programs/{program_id}")).await;
    mentee
        .fill(
            "#enroll-mentee-form [name=wants_skills]",
            "rust, leadership",
        )
        .await;
    mentee
        .fill(
            "#enroll-mentee-form [name=goals_summary]",
            "Become a confident backend engineer",
        )
        .await;
    mentee.click("#enroll-mentee-submit").await;
    mentee
        .expect_text("You are enrolled in Rust Mentoring 2027 as a mentee")
        .await;
    mentee
        .open(&format!("/programs/{program_id}/mentors"))
        .await;
    mentee
        .fill("#mentor-search-form [name=skill]", "rust")
        .await;
    mentee.click("#mentor-search-submit").await;
    mentee.expect_text("Marta Mentor").await;
    assert_accessible(mentee.client, "the mentor directory").await;
    let card = mentee_browser
        .find(Locator::Css("#mentor-results [id^=mentor-]"))
        .await
        .unwrap();
    let mentor_id = card
        .attr("id")
        .await
        .unwrap()
        .unwrap()
        .trim_start_matches("mentor-")
        .to_string();
    mentee
        .fill(
            &format!("#connection-{mentor_id}"),
            "Heard her talk at RustConf",
        )
        .await;
    mentee.click(&format!("#shortlist-add-{mentor_id}")).await;
    mentee.expect_text("is on your shortlist").await;
    mentee.open("/shortlist").await;
    mentee_browser
        .wait()
        .for_element(Locator::Css("#shortlist-table"))
        .await
        .unwrap();
    let mut headers = Vec::new();
    for th in mentee_browser
        .find_all(Locator::Css("#shortlist-table thead th"))
        .await
        .unwrap()
    {
        headers.push(
            th.prop("textContent")
                .await
                .unwrap()
                .unwrap_or_default()
                .trim()
                .to_string(),
        );
    }
    assert_eq!(
        &headers[..4],
        ["Name", "Field", "Known for", "Connection to you"]
    );
    assert_accessible(mentee.client, "the shortlist").await;
    let table = mentee_browser
        .find(Locator::Css("#shortlist-table tbody"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "Marta Mentor",
        "Software Engineering",
        "Shipping things that last",
        "Heard her talk at RustConf",
    ] {
        assert!(
            table.contains(expected),
            "shortlist lacks {expected:?}:\n{table}"
        );
    }
    mentee
        .open(&format!("/programs/{program_id}/mentors?skill=rust"))
        .await;
    mentee.click(&format!("#ask-{mentor_id}")).await;
    mentee
        .fill(
            "#request-form [name=intro]",
            "I'm Max, a junior backend engineer in Berlin.",
        )
        .await;
    mentee
        .fill(
            "#request-form [name=reasons]",
            "You built the systems I want to learn to build.",
        )
        .await;
    mentee
        .fill("#request-form [name=ask]", "A first 30-minute video call?")
        .await;
    mentee.click("#request-submit").await;
    let mentorship_id = mentee.id_after("/mentorships/").await;
    mentee
        .expect_element_text("#mentorship-status", "requested")
        .await;

    // The mentor sees the request waiting, reads it and accepts.
    mentor.open("/dashboard").await;
    assert_accessible(mentor.client, "a mentor's dashboard with a request").await;
    mentor.click(&format!("#waiting-{mentorship_id}")).await;
    mentor
        .expect_text("You built the systems I want to learn to build.")
        .await;
    // Beside the request: who the mentee is, and why they fit.
    mentor.expect_text("Why this match").await;
    mentor.expect_text("About Max").await;
    mentor.click("#action-accept").await;
    mentor.expect_text("active").await;
    mentor
        .expect_element_text("#mentorship-status", "active")
        .await;

    // The mentor writes the agreement and signs; the mentee signs too.
    mentor
        .fill(
            "#agreement-form [name=goals]",
            "Design and ship one service end to end.",
        )
        .await;
    mentor
        .fill("#agreement-form [name=cadence_days]", "14")
        .await;
    mentor
        .fill("#agreement-form [name=meeting_minutes]", "45")
        .await;
    mentor
        .fill("#agreement-form [name=channel]", "Video call")
        .await;
    mentor
        .fill("#agreement-form [name=boundaries]", "No weekends")
        .await;
    mentor
        .fill("#agreement-form [name=confidentiality]", "Stays between us")
        .await;
    mentor.click("#agreement-save").await;
    mentor
        .expect_text("Design and ship one service end to end.")
        .await;
    mentor.click("#agreement-sign").await;
    mentor.expect_text("not fully signed").await;
    mentee.open(&format!("/mentorships/{mentorship_id}")).await;
    mentee
        .expect_text("Design and ship one service end to end.")
        .await;
    mentee.click("#agreement-sign").await;
    mentee.expect_text("signed by everyone").await;
    mentor.open(&format!("/mentorships/{mentorship_id}")).await;
    mentor
        .expect_element_text("#agreement-state", "signed by everyone")
        .await;

    mentor_browser.close().await.ok();
    mentee_browser.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_walk_from_sign_up_to_signed_agreement() {
    let dir = tempfile::tempdir().unwrap();
    walk_from_sign_up_to_signed_agreement(&format!("sqlite://{}/browser.db", dir.path().display()))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_walk_from_sign_up_to_signed_agreement() {
    let Ok(base) = std::env::var("TANDEM_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("TANDEM_REQUIRE_POSTGRES").is_none(),
            "TANDEM_REQUIRE_POSTGRES is set but TANDEM_TEST_POSTGRES_URL is not"
        );
        eprintln!("skipped: TANDEM_TEST_POSTGRES_URL not set");
        return;
    };
    use sea_orm::{ConnectionTrait, Database};
    let name = format!("tandem_browser_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&base).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = match base.rsplit_once('/') {
        Some((root, _)) => format!("{root}/{name}"),
        None => panic!("TANDEM_TEST_POSTGRES_URL needs a database path"),
    };
    walk_from_sign_up_to_signed_agreement(&url).await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .ok();
}

/// Signs in through the services and returns the caller.
async fn caller_of(state: &tandem::AppState, email: &str) -> tandem::service::accounts::Caller {
    use tandem::service::accounts;
    let login = accounts::login(
        state,
        "127.0.0.1",
        "a test",
        &accounts::LoginIn {
            email: email.into(),
            password: "correct horse battery".into(),
        },
    )
    .await
    .unwrap();
    accounts::caller_for_token(state, &login.token)
        .await
        .unwrap()
        .unwrap()
}

/// Whether the page scrolls sideways at the window's width.
async fn scrolls_sideways(client: &Client) -> (bool, String) {
    let v = client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth, \
             [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id).join(' ')];",
            vec![],
        )
        .await
        .unwrap();
    let scroll = v[0].as_f64().unwrap();
    let inner = v[1].as_f64().unwrap();
    (scroll > inner, format!("{scroll} > {inner}: {}", v[2]))
}

/// A mentee schedules a meeting, writes a private note the mentor never sees,
/// books office hours, records a held meeting and gives feedback, and posts a
/// message; then the pages are read on a 390 px phone without sideways scrolling.
async fn a_pair_works_together_in_its_workspace(database_url: &str) {
    use tandem::service::{accounts, mentorships, office_hours, programs};
    let Some(driver) = start_driver().await else {
        return;
    };
    let (base, _stop, state) = serve(database_url).await;
    let admin = accounts::RegisterIn {
        email: "ada@example.org".into(),
        password: "correct horse battery".into(),
        name: "Ada Admin".into(),
    };
    accounts::create_user(&state, &admin, true).await.unwrap();
    let admin_caller = caller_of(&state, "ada@example.org").await;
    let program = programs::create(
        &state,
        &admin_caller,
        &programs::ProgramIn::new(
            "Workspace 2027",
            ProgramKind::Traditional,
            ProgramContext::Corporate,
            "2027-01-01",
            "2027-06-30",
        ),
    )
    .await
    .unwrap();
    let mentor_id = enrolled(&state, "Rita Rust", "mentor", &program.id, &["rust"]).await;
    enrolled(&state, "Max Mentee", "mentee", &program.id, &["rust"]).await;
    let mentor_caller = caller_of(&state, "rita.rust@example.org").await;
    let mentee_caller = caller_of(&state, "max.mentee@example.org").await;
    let request = mentorships::request(
        &state,
        &mentee_caller,
        &mentorships::RequestIn {
            program_id: program.id.clone(),
            mentor_id: mentor_id.clone(),
            intro: "Hello, I am Max.".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    mentorships::act(
        &state,
        &mentor_caller,
        &request.id,
        tandem::domain::wire::Action::Accept,
        &Default::default(),
        tandem::domain::lifecycle::Confirmation::Given,
    )
    .await
    .unwrap();
    let windows = (1..=7)
        .map(|weekday| tandem::domain::office_hours::Window {
            weekday,
            start: "00:00".into(),
            end: "24:00".into(),
        })
        .collect();
    office_hours::put(
        &state,
        &mentor_caller,
        &office_hours::AvailabilityIn {
            timezone: Some("UTC".into()),
            slot_minutes: Some(60),
            windows,
            location: "Rita's video room".into(),
        },
    )
    .await
    .unwrap();

    let mentee_browser = browser(&driver).await;
    let mentor_browser = browser(&driver).await;
    let mentee = Page {
        client: &mentee_browser,
        base: &base,
    };
    let mentor = Page {
        client: &mentor_browser,
        base: &base,
    };
    let page = format!("/mentorships/{}", request.id);
    mentee.sign_in("max.mentee@example.org").await;
    mentee.open(&page).await;
    mentee.expect_text("Next step").await;

    // Schedule a meeting with an agenda, in the workspace's Meetings section.
    let meetings = format!("{page}/meetings");
    mentee.click("#tab-meetings").await;
    mentee.click("#schedule summary").await;
    mentee.set_value("meeting-starts", "2030-05-14T10:00").await;
    mentee.fill("#meeting-location", "Cafe on the corner").await;
    mentee.fill("#meeting-agenda", "My first design doc").await;
    mentee.click("#schedule-submit").await;
    mentee.expect_text("Meeting scheduled").await;
    mentee.expect_text("My first design doc").await;

    // Its own page: a private note, which the mentor's page never shows.
    mentee.click(".meeting-summary h3 a").await;
    let future = mentee.path().await;
    assert!(future.starts_with("/meetings/"), "{future}");
    mentee
        .fill("textarea[name=body]", "Only mine: nervous about the demo")
        .await;
    mentee.click(".private-save").await;
    mentee.expect_text("Private note saved").await;
    mentee
        .expect_text("Only mine: nervous about the demo")
        .await;
    mentor.sign_in("rita.rust@example.org").await;
    mentor.open(&future).await;
    mentor.expect_text("My first design doc").await;
    let seen_by_mentor = mentor.text().await;
    assert!(
        !seen_by_mentor.contains("nervous about the demo"),
        "the mentor saw the mentee's private note"
    );

    // The mentor prepares it: one more agenda item, then moves it by a day.
    mentor
        .fill(
            "#prepare-agenda",
            "My first design doc\nYour questions on Rust",
        )
        .await;
    mentor.click("#prepare-save").await;
    mentor.expect_text("Meeting saved").await;
    mentor.set_value("prepare-starts", "2030-05-15T11:30").await;
    mentor.click("#prepare-save").await;
    mentor.expect_text("Meeting moved").await;
    mentee.open(&future).await;
    mentee.expect_text("Your questions on Rust").await;
    mentee.expect_text("15 May 2030, 11:30").await;

    // Book a slot of the mentor's office hours.
    mentee.open(&meetings).await;
    mentee.click("#office-hours .slot").await;
    mentee.expect_text("Book this slot").await;
    mentee.fill("#agenda", "Questions on the review").await;
    mentee.click("#book-submit").await;
    mentee.expect_text("Booked").await;
    mentee.expect_text("Questions on the review").await;
    mentee.expect_text("Rita's video room").await;

    // Record a meeting that took place, mark it held, and give feedback.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    mentee.open(&meetings).await;
    mentee.click("#schedule summary").await;
    mentee.set_value("meeting-starts", &yesterday).await;
    mentee.fill("#meeting-agenda", "Looking back").await;
    mentee.click("#schedule-submit").await;
    mentee.expect_text("Meeting scheduled").await;
    // Past meetings are folded, each with its notes one click away.
    mentee.click("#past-meetings details summary").await;
    mentee.click("#past-meetings details a").await;
    let held = mentee
        .path()
        .await
        .trim_start_matches("/meetings/")
        .to_string();
    let held_page = format!("/meetings/{held}");
    let past = mentee.text().await;
    assert!(
        !past.contains("Add to calendar"),
        "a past meeting offers no calendar link"
    );
    mentee.click(".meeting .hold").await;
    mentee.expect_text("Marked as held").await;
    mentee
        .click(".feedback-form input[name=rating][value='4']")
        .await;
    mentee
        .fill(
            ".feedback-form textarea[name=went_well]",
            "Clear next steps",
        )
        .await;
    mentee
        .fill(
            ".feedback-form textarea[name=encouragement]",
            "Thank you, Rita",
        )
        .await;
    mentee.click(".feedback-submit").await;
    mentee.expect_text("Thank you for your feedback").await;
    mentor.open(&held_page).await;
    mentor.expect_text("Clear next steps").await;

    // Two people on one held meeting's shared notes: the mentee adds a line and
    // saves; the mentor then saves his from the page he had open. His is not
    // written over hers: he sees both texts and saves the merge.
    let notes = format!("#notes-{held}");
    let save = format!("#meeting-{held} details form button");
    mentor.open(&held_page).await;
    mentee.open(&held_page).await;
    mentee.fill(&notes, "Mentee's line").await;
    mentee.click(&save).await;
    mentee.expect_text("Notes saved.").await;
    mentor.fill(&notes, "Mentor's line").await;
    mentor.click(&save).await;
    mentor
        .expect_text("The shared notes changed while you wrote")
        .await;
    mentor
        .expect_element_text("#conflict-theirs", "Mentee's line")
        .await;
    mentor
        .expect_element_text("#conflict-yours", "Mentor's line")
        .await;
    mentor
        .fill("#conflict-yours", "Mentee's line\nMentor's line")
        .await;
    mentor.click("#conflict-save").await;
    mentor.expect_text("Notes saved.").await;
    mentor.expect_text("Mentor's line").await;
    mentee.open(&format!("{page}/notes")).await;
    mentee.expect_text("Mentee's line").await;
    mentee.expect_text("Mentor's line").await;

    // A message in the thread.
    mentee.open(&format!("{page}/messages")).await;
    mentee.fill("#message-body", "See you on Tuesday!").await;
    mentee.click("#message-submit").await;
    mentee.expect_text("Message posted").await;
    mentor.open(&format!("{page}/messages")).await;
    mentor.expect_text("See you on Tuesday!").await;

    // On a 390 px phone: no page scrolls sideways, and the menu folds away.
    mentee_browser.set_window_size(390, 844).await.unwrap();
    mentee.open(&meetings).await;
    let confirm = mentee_browser
        .execute(
            "return document.querySelector('#office-hours .slot').getAttribute('href');",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        page.clone(),
        meetings.clone(),
        format!("{page}/goals"),
        format!("{page}/messages"),
        format!("{page}/notes"),
        future.clone(),
        held_page.clone(),
        "/dashboard".into(),
        format!("/programs/{}", program.id),
        format!("/people/{mentor_id}"),
        "/profile".into(),
        "/office-hours".into(),
        confirm,
    ] {
        mentee.open(&path).await;
        mentee.expect_text("Menu").await;
        let (sideways, detail) = scrolls_sideways(&mentee_browser).await;
        assert!(!sideways, "{path} scrolls sideways at 390 px: {detail}");
    }
    let nav_shown = mentee_browser
        .execute("return getComputedStyle(document.querySelector('header nav')).display !== 'none' && document.querySelector('header nav').getBoundingClientRect().height > 0;", vec![])
        .await
        .unwrap();
    assert_eq!(
        nav_shown,
        serde_json::Value::Bool(false),
        "the navigation folds behind the menu on a phone"
    );

    mentee_browser.close().await.ok();
    mentor_browser.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_pair_works_together_in_its_workspace() {
    let dir = tempfile::tempdir().unwrap();
    a_pair_works_together_in_its_workspace(&format!(
        "sqlite://{}/browser.db",
        dir.path().display()
    ))
    .await;
}

/// The coordinator of the demo's engineering program reads its dashboard: four
/// charts drawn on the server with bars of real lengths and a table beside each,
/// the figures and what to act on; on a 390 px phone nothing scrolls sideways.
/// Then a program without check-ins gets the ready set in one click.
/// The id of the demo's program whose name starts with `prefix`.
async fn demo_program(state: &tandem::AppState, prefix: &str) -> String {
    tandem::service::programs::list(
        state,
        &tandem::domain::paging::PageRequest::new(None, None).unwrap(),
        false,
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|p| p.name.starts_with(prefix))
    .map(|p| p.id)
    .unwrap()
}

async fn the_coordinator_reads_the_program_dashboard(database_url: &str) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let (base, _stop, state) = serve(database_url).await;
    tandem::demo::seed(&state).await.unwrap();
    let (engineering, circle) = (
        demo_program(&state, "Engineering").await,
        demo_program(&state, "Data").await,
    );

    let client = browser(&driver).await;
    let page = Page {
        client: &client,
        base: &base,
    };
    page.sign_in_with("coordinator@demo.tandem.test", tandem::demo::DEMO_PASSWORD)
        .await;
    page.open("/dashboard").await;
    assert_accessible(&client, "a coordinator's dashboard").await;
    page.open(&format!("/programs/{engineering}")).await;
    assert_accessible(&client, "a program, to its coordinator").await;
    page.click("#program-dashboard-link").await;
    page.expect_text("Program dashboard").await;
    page.expect_text("Relationships at risk").await;
    page.expect_text("Ended early").await;
    page.expect_text("check-ins answered").await;
    assert_accessible(&client, "the program dashboard").await;
    // The demo's rounds: the history, a draft and why a mentee is unmatched.
    page.open(&format!("/programs/{engineering}/rounds")).await;
    assert_accessible(&client, "the demo's rounds").await;
    page.click("#rounds-table a[id^=round-]").await;
    page.expect_text("Figures").await;
    assert_accessible(&client, "a demo round").await;
    if client.find(Locator::Css("#unmatched-list a")).await.is_ok() {
        page.click("#unmatched-list a").await;
        page.expect_text("is unmatched").await;
        assert_accessible(&client, "why a mentee is unmatched").await;
    }
    for width in [1280, 390] {
        client.set_window_size(width, 900).await.unwrap();
        page.open(&format!("/programs/{engineering}/dashboard"))
            .await;
        let charts = client
            .execute(
                "return [...document.querySelectorAll('.chart')].map(c => [c.id, \
                 c.querySelector('svg').getBoundingClientRect().width, \
                 Math.max(...[...c.querySelectorAll('svg rect')].map(r => r.getBoundingClientRect().width * r.getBoundingClientRect().height)), \
                 c.querySelectorAll('details table tbody tr').length, \
                 c.querySelector('svg title').textContent]);",
                vec![],
            )
            .await
            .unwrap();
        let charts = charts.as_array().unwrap();
        assert_eq!(charts.len(), 4, "{charts:?}");
        for c in charts {
            let (id, drawn, biggest, rows) = (
                &c[0],
                c[1].as_f64().unwrap(),
                c[2].as_f64().unwrap(),
                c[3].as_u64().unwrap(),
            );
            assert!(
                drawn > 200.0 && drawn <= f64::from(width),
                "{id} is {drawn} px wide at {width}"
            );
            assert!(biggest > 100.0, "{id} draws a bar of real size: {c:?}");
            assert!(rows >= 3, "{id} has its table: {c:?}");
            assert!(!c[4].as_str().unwrap().is_empty(), "{id} has a title");
        }
        let (sideways, detail) = scrolls_sideways(&client).await;
        assert!(
            !sideways,
            "the dashboard scrolls sideways at {width} px: {detail}"
        );
    }
    // The enrolment list stays short on a phone: a line or two a person.
    page.open(&format!("/programs/{engineering}/enrollments"))
        .await;
    assert_accessible(&client, "the demo's enrolments").await;
    let (sideways, detail) = scrolls_sideways(&client).await;
    assert!(
        !sideways,
        "the enrolments scroll sideways at 390 px: {detail}"
    );
    let height = client
        .execute(
            "return [document.documentElement.scrollHeight, \
             document.querySelectorAll('.table-wrap.compact tbody tr').length];",
            vec![],
        )
        .await
        .unwrap();
    let (height, rows) = (height[0].as_f64().unwrap(), height[1].as_f64().unwrap());
    eprintln!("the demo's enrolments at 390 px: {height} px for {rows} rows");
    assert!(
        height < 1200.0 + rows * 80.0,
        "the enrolments are {height} px long at 390 px for {rows} rows of people and pairs"
    );
    // A program without check-ins: the ready set in one click.
    client.set_window_size(1280, 1000).await.unwrap();
    page.open(&format!("/programs/{circle}/checkins")).await;
    assert_accessible(&client, "check-ins, none set").await;
    page.click("#checkins-ready-submit").await;
    page.expect_text("Check-ins are set: 4 questions").await;
    client.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_coordinator_reads_the_program_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    the_coordinator_reads_the_program_dashboard(&format!(
        "sqlite://{}/browser.db",
        dir.path().display()
    ))
    .await;
}

/// The admin's day in a real browser: a spreadsheet uploaded through the file
/// field, checked in its preview and imported; the accounts page and the audit
/// log read on a phone's width.
async fn the_admin_imports_a_spreadsheet_and_reads_the_accounts(database_url: &str) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let (base, _stop, state) = serve(database_url).await;
    tandem::demo::seed(&state).await.unwrap();
    let program = demo_program(&state, "Engineering").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("people.csv");
    std::fs::write(
        &file,
        "email,name,role,field,skills,languages\n\
         lin.zhou@example.org,Lin Zhou,mentee,Engineering,Rust,English\n\
         omar.farouk@example.org,Omar Farouk,mentor,Product,Roadmapping;Hiring,English;Arabic\n",
    )
    .unwrap();

    let client = browser(&driver).await;
    let page = Page {
        client: &client,
        base: &base,
    };
    page.sign_in_with("admin@demo.tandem.test", tandem::demo::DEMO_PASSWORD)
        .await;
    page.open(&format!("/programs/{program}")).await;
    page.click("#import-link").await;
    page.expect_text("Import participants").await;
    assert_accessible(&client, "the import form").await;
    client
        .find(fantoccini::Locator::Css("#file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    page.click("#import-preview-submit").await;
    page.expect_text("What the import will do").await;
    page.expect_text("2 people enrolled").await;
    page.expect_text("new account, invited by e-mail").await;
    assert_accessible(&client, "the import's preview").await;
    page.click("#import-confirm-submit").await;
    page.expect_text("Imported: 2 enrolled, 0 updated, 2 invited by e-mail.")
        .await;
    page.expect_text("Omar Farouk").await;

    client.set_window_size(390, 900).await.unwrap();
    page.open("/admin/users?q=colleague").await;
    page.expect_text("former.colleague@demo.tandem.test").await;
    page.expect_text("disabled").await;
    assert_accessible(&client, "the accounts, on a phone").await;
    let (sideways, detail) = scrolls_sideways(&client).await;
    assert!(
        !sideways,
        "the accounts page scrolls sideways at 390 px: {detail}"
    );
    page.click("#audit-link").await;
    page.expect_text("program.participants_imported").await;
    page.expect_text("account.disabled").await;
    assert_accessible(&client, "the audit log, on a phone").await;
    let (sideways, detail) = scrolls_sideways(&client).await;
    assert!(
        !sideways,
        "the audit log scrolls sideways at 390 px: {detail}"
    );
    client.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_admin_imports_a_spreadsheet_and_reads_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    the_admin_imports_a_spreadsheet_and_reads_the_accounts(&format!(
        "sqlite://{}/browser.db",
        dir.path().display()
    ))
    .await;
}

/// The page's whole height in CSS pixels.
async fn page_height(client: &Client) -> u64 {
    client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

/// The daily path on the demo, at desktop and phone widths: a mentor reads a
/// request about the mentee in the third person; the demo pair's workspace is
/// sections of its own, short enough on a phone; a meeting's agenda is edited and
/// the meeting moved.
async fn the_daily_path_at_both_widths(database_url: &str) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let (base, _stop, state) = serve(database_url).await;
    tandem::demo::seed(&state).await.unwrap();
    for width in [1280u32, 390] {
        // The mentor with a request waiting reads it about the mentee.
        let client = browser(&driver).await;
        let mentor = Page {
            client: &client,
            base: &base,
        };
        mentor
            .sign_in_with(
                "diego.fernandez@demo.tandem.test",
                tandem::demo::DEMO_PASSWORD,
            )
            .await;
        client.set_window_size(width, 900).await.unwrap();
        mentor.open("/dashboard").await;
        mentor.expect_text("Waiting for your answer").await;
        mentor.click("#my-requests table a[id^=request-]").await;
        mentor.expect_text("introduces themselves").await;
        let request = mentor.text().await;
        for mentee_as_you in [
            "Introduce yourself",
            "You have not listed skills you want to learn",
            "You have not given your field",
            "Your time zone is not given",
            "more senior than you",
        ] {
            assert!(
                !request.contains(mentee_as_you),
                "the mentor reads \"{mentee_as_you}\" about the mentee at {width} px"
            );
        }
        assert!(request.contains("Why this match"));
        assert_accessible(&client, "a request, read by its mentor").await;
        client.close().await.ok();

        // The demo pair's workspace: one section a page, each reachable from the tabs.
        let client = browser(&driver).await;
        let mentee = Page {
            client: &client,
            base: &base,
        };
        mentee
            .sign_in_with(
                "noah.williams@demo.tandem.test",
                tandem::demo::DEMO_PASSWORD,
            )
            .await;
        client.set_window_size(width, 900).await.unwrap();
        mentee.open("/dashboard").await;
        mentee.click("#my-relationships a[id^=relationship-]").await;
        let overview = mentee.path().await;
        let mut heights = Vec::new();
        for tab in ["overview", "meetings", "goals", "messages", "notes"] {
            mentee.click(&format!("#tab-{tab}")).await;
            let (sideways, detail) = scrolls_sideways(&client).await;
            assert!(!sideways, "{tab} scrolls sideways at {width} px: {detail}");
            assert_accessible(&client, &format!("the workspace's {tab} at {width} px")).await;
            heights.push((tab, page_height(&client).await));
        }
        eprintln!("the demo pair's workspace at {width} px: {heights:?}");
        if width == 390 {
            // A third of the 9,200 px the one long page measured on a phone.
            for (tab, h) in &heights {
                assert!(*h <= 3_066, "{tab} is {h} px tall at 390 px");
            }
        }
        // A milestone's control shows the status it has.
        mentee.open(&format!("{overview}/goals")).await;
        let selected = client
            .execute(
                "return [...document.querySelectorAll('.milestones select')].map(s => s.selectedOptions[0].textContent);",
                vec![],
            )
            .await
            .unwrap();
        for label in selected.as_array().unwrap() {
            assert!(
                label.as_str().unwrap().ends_with("(now)"),
                "a milestone's select shows {label} first"
            );
        }
        // The next meeting: its agenda edited, then moved by a day.
        mentee.open(&format!("{overview}/meetings")).await;
        mentee.click(".meeting-summary h3 a").await;
        let agenda = format!("Walk at {width} px: what to bring");
        mentee.fill("#prepare-agenda", &agenda).await;
        mentee.click("#prepare-save").await;
        mentee.expect_text("Meeting saved").await;
        mentee.expect_text(&agenda).await;
        assert_accessible(&client, &format!("a meeting's page at {width} px")).await;
        let starts = client
            .execute(
                "return document.getElementById('prepare-starts').value;",
                vec![],
            )
            .await
            .unwrap();
        let starts =
            chrono::NaiveDateTime::parse_from_str(starts.as_str().unwrap(), "%Y-%m-%dT%H:%M")
                .unwrap();
        let later = (starts + chrono::Duration::days(1))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        mentee.set_value("prepare-starts", &later).await;
        mentee.click("#prepare-save").await;
        mentee.expect_text("Meeting moved").await;
        let shown = client
            .execute(
                "return document.getElementById('prepare-starts').value;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(shown.as_str().unwrap(), later);

        // A slot of the mentor's office hours, booked with an agenda and a link.
        mentee.open(&format!("{overview}/meetings")).await;
        mentee.click("#office-hours .slots a").await;
        mentee.expect_text("Book this slot").await;
        assert_accessible(&client, &format!("a slot's confirmation at {width} px")).await;
        mentee.fill("#agenda", "Portfolio review").await;
        mentee
            .fill(
                "#location",
                &format!("https://meet.example.org/noah-{width}"),
            )
            .await;
        mentee.click("#book-submit").await;
        mentee.expect_text("Booked").await;
        mentee.expect_text("Portfolio review").await;
        let link = client
            .execute(
                &format!("return !!document.querySelector('a[href=\"https://meet.example.org/noah-{width}\"]');"),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            link,
            serde_json::Value::Bool(true),
            "the meeting link is a link"
        );

        // The directory finds people by the start of a word, in any case.
        let program = format!("/programs/{}", demo_program(&state, "Engineering").await);
        for (query, wanted) in [("q=soft", "software"), ("skill=lead", "leadership")] {
            mentee.open(&format!("{program}/mentors?{query}")).await;
            let found = mentee.text().await.to_lowercase();
            assert!(
                found.contains(wanted) && !found.contains("no mentors match"),
                "{query} finds no {wanted}"
            );
        }
        assert_accessible(&client, &format!("the directory at {width} px")).await;

        // A career plan typed, then the profile saved: the plan is kept.
        mentee.open("/profile").await;
        let plan = format!("Lead a team by {width}");
        mentee.fill("#long_term_goals", &plan).await;
        mentee.fill("#headline", "Learning to lead").await;
        mentee.click("#profile-save").await;
        mentee.open("/profile").await;
        mentee.expect_element_text("#long_term_goals", &plan).await;
        assert_accessible(&client, &format!("the profile at {width} px")).await;
        client.close().await.ok();

        // The mentor sets office hours on a page and sees the coming slots.
        let client = browser(&driver).await;
        let mentor = Page {
            client: &client,
            base: &base,
        };
        mentor
            .sign_in_with("amara.okafor@demo.tandem.test", tandem::demo::DEMO_PASSWORD)
            .await;
        client.set_window_size(width, 900).await.unwrap();
        mentor.open("/office-hours").await;
        client
            .execute(
                "const s = [...document.querySelectorAll('select[id^=weekday-]')].pop(); \
                 const n = s.id.split('-')[1]; s.value = '6'; \
                 document.getElementById('start-' + n).value = '09:00'; \
                 document.getElementById('end-' + n).value = '11:00';",
                vec![],
            )
            .await
            .unwrap();
        mentor.click("#hours-save").await;
        mentor.expect_text("Office hours saved").await;
        mentor.expect_text("Saturday").await;
        let (sideways, detail) = scrolls_sideways(&client).await;
        assert!(
            !sideways,
            "office hours scroll sideways at {width} px: {detail}"
        );
        assert_accessible(&client, &format!("office hours at {width} px")).await;
        client.close().await.ok();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_daily_path_at_both_widths() {
    let dir = tempfile::tempdir().unwrap();
    the_daily_path_at_both_widths(&format!("sqlite://{}/browser.db", dir.path().display())).await;
}
