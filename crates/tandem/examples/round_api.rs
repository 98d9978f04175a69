//! Benchmark: one matching round through the JSON API on a large program.
//!
//! Seeds a fresh database with a program of `--mentees` mentees and `--mentors`
//! mentors (profiles with skills, languages, time zones), then times
//! `POST /api/v1/programs/{id}/rounds` end to end — loading the pool, candidates,
//! scoring, solving, certifying and storing the draft — through the real router, and
//! then the first page of the round's page, as a coordinator's browser gets it.
//!
//!     cargo run --release --example round_api -- --mentees 10000 --mentors 2000
//!     /usr/bin/time -v target/release/examples/round_api --mentees 100000 --mentors 20000 \
//!         [--objective stable] [--database-url postgres://postgres@127.0.0.1/bench]
//!
//! A PostgreSQL database given with `--database-url` must be empty (or new).
use axum::body::Body;
use axum::http::{header, Request};
use http_body_util::BodyExt;
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::time::Instant;
use tandem::config::Config;
use tandem::domain::wire::{MeetingPreference, ProgramContext, ProgramKind, Role, Seniority};
use tandem::service::accounts::{self, RegisterIn};
use tandem::store::columns::TextList;
use tandem::store::entities::{enrollment, profile, user};
use tower::ServiceExt;

const SKILLS: usize = 200;
const FIELDS: &[&str] = &[
    "Engineering",
    "Data",
    "Design",
    "Product",
    "Marketing",
    "Finance",
    "People",
    "Research",
];
const TZS: &[&str] = &[
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
];
const SENIORITY: &[Seniority] = Seniority::ALL;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

fn skills(rng: &mut StdRng, count: usize) -> TextList {
    // Popular skills come up more often: squaring a uniform draw skews towards 0.
    let list: Vec<String> = (0..count)
        .map(|_| {
            format!(
                "skill{}",
                ((rng.gen::<f64>().powi(2)) * SKILLS as f64) as usize
            )
        })
        .collect();
    TextList(list)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mentees: usize = arg("--mentees", "10000").parse()?;
    let mentors: usize = arg("--mentors", "2000").parse()?;
    let objective = arg("--objective", "optimal");
    let dir = tempfile::tempdir()?;
    let url = arg(
        "--database-url",
        &format!("sqlite://{}/bench.db", dir.path().display()),
    );
    let mut config = Config::for_database(&url);
    // The key beside the database, not in the working directory.
    config.keys.key_file = dir.path().join("tandem.key");
    config.argon2_memory_kib = 1024;
    config.argon2_iterations = 1;
    let app = tandem::build(config).await?;
    let state = &app.state;

    let seeding = Instant::now();
    let admin = RegisterIn {
        email: "admin@example.org".into(),
        password: "benchmark-password".into(),
        name: "Admin".into(),
    };
    accounts::create_user(state, &admin, true)
        .await
        .map_err(|e| anyhow::anyhow!(e.public_message()))?;
    let login = accounts::login(
        state,
        "127.0.0.1",
        "round_api",
        &accounts::LoginIn {
            email: admin.email,
            password: admin.password,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.public_message()))?;
    let caller = accounts::caller_for_token(state, &login.token)
        .await
        .map_err(|e| anyhow::anyhow!(e.public_message()))?
        .unwrap();
    let program = tandem::service::programs::create(
        state,
        &caller,
        &tandem::service::programs::ProgramIn {
            mentor_capacity: Some(5),
            max_timezone_gap_hours: Some(6),
            ..tandem::service::programs::ProgramIn::new(
                "Benchmark",
                ProgramKind::Traditional,
                ProgramContext::Corporate,
                "2027-01-01",
                "2027-12-31",
            )
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.public_message()))?;

    let mut rng = StdRng::seed_from_u64(2026);
    let now = chrono::Utc::now();
    let mut people = Vec::with_capacity(mentors + mentees);
    for k in 0..mentors + mentees {
        let is_mentor = k < mentors;
        let id = uuid::Uuid::new_v4().to_string();
        let account = user::Model {
            id: id.clone(),
            email: format!("p{k}@example.org"),
            name: format!("Person {k}"),
            password_hash: "not-a-login".into(),
            is_admin: false,
            calendar_token: None,
            calendar_token_hash: None,
            created_at: now,
            disabled: false,
        };
        let seniority = if is_mentor {
            SENIORITY[rng.gen_range(3..6)]
        } else {
            SENIORITY[rng.gen_range(0..4)]
        };
        let languages = if rng.gen_bool(0.85) {
            vec!["English".to_string()]
        } else {
            vec!["English".to_string(), "German".to_string()]
        };
        let profile = profile::Model {
            user_id: id.clone(),
            field: FIELDS[rng.gen_range(0..FIELDS.len())].into(),
            headline: String::new(),
            bio: String::new(),
            known_for: String::new(),
            years_experience: Some(rng.gen_range(0..30)),
            seniority: Some(seniority),
            skills: skills(&mut rng, if is_mentor { 6 } else { 2 }),
            interests: TextList::default(),
            values: TextList(vec!["candour".into()]),
            education: String::new(),
            languages: TextList(languages),
            timezone: Some(TZS[rng.gen_range(0..TZS.len())].into()),
            location: String::new(),
            department: String::new(),
            manager_email: None,
            learning_style: None,
            meeting_preference: Some(MeetingPreference::Video),
            hours_per_month: Some(rng.gen_range(1..8)),
            updated_at: now,
        };
        let enrollment = enrollment::Model {
            id: uuid::Uuid::new_v4().to_string(),
            program_id: program.id.clone(),
            user_id: id,
            role: if is_mentor {
                Role::Mentor
            } else {
                Role::Mentee
            },
            capacity: None,
            wants_skills: if is_mentor {
                TextList::default()
            } else {
                skills(&mut rng, 3)
            },
            goals_summary: String::new(),
            created_at: now,
            // The store keys it from the account's name.
            sort_key: String::new(),
        };
        people.push((account, profile, enrollment));
    }
    let tx = state.store.write().await?;
    tandem::store::programs::insert_enrolled_people(&tx, people).await?;
    tx.commit().await?;
    eprintln!(
        "seeded {mentees} mentees and {mentors} mentors in {:.1}s",
        seeding.elapsed().as_secs_f64()
    );

    let router = app.router();
    let request = Request::post(format!("/api/v1/programs/{}/rounds", program.id))
        .header(header::AUTHORIZATION, format!("Bearer {}", login.token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!(r#"{{"objective": "{objective}"}}"#)))?;
    let started = Instant::now();
    let response = router.oneshot(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        status.as_u16() == 201,
        "round failed: {status} {}",
        String::from_utf8_lossy(&body)
    );
    // Only what is reported: a client parsing 100,000 explained pairs into a generic
    // tree would measure its own memory, not the server's.
    #[derive(serde::Deserialize)]
    struct Round {
        id: String,
        stats: serde_json::Value,
    }
    let round: Round = serde_json::from_slice(&body)?;
    let round = serde_json::json!({"id": round.id, "stats": round.stats});
    drop(body);

    // The round's page, first page of pairs, as the coordinator's browser asks for it.
    let page_request = Request::get(format!("/rounds/{}", round["id"].as_str().unwrap_or("")))
        .header(header::COOKIE, format!("tandem_session={}", login.token))
        .body(Body::empty())?;
    let page_started = Instant::now();
    let response = app.router().oneshot(page_request).await?;
    let page_status = response.status();
    let html = response.into_body().collect().await?.to_bytes();
    let page_seconds = page_started.elapsed().as_secs_f64();
    anyhow::ensure!(
        page_status.as_u16() == 200,
        "round page failed: {page_status}"
    );
    let rows = String::from_utf8_lossy(&html)
        .matches("<tr id=\"pair-")
        .count();
    println!(
        "{}",
        serde_json::json!({
            "mentees": mentees, "mentors": mentors, "objective": objective,
            "pairs": round["stats"]["pairs"], "mean_score": round["stats"]["mean_score"],
            "blocking_pairs": round["stats"]["blocking_pairs"],
            "max_pairs": round["stats"]["max_pairs"], "best_total": round["stats"]["best_total"],
            "total_score": round["stats"]["total_score"], "certified": round["stats"]["certified"],
            "round_seconds": seconds, "page_seconds": page_seconds, "page_rows": rows,
            "seconds": seconds + page_seconds,
        })
    );
    Ok(())
}
