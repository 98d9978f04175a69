//! Benchmark: one matching round through the JSON API on a large program.
//!
//! Seeds a fresh database with a program of `--mentees` mentees and `--mentors`
//! mentors (profiles with skills, languages, time zones), then times
//! `POST /api/v1/programs/{id}/rounds` end to end — loading the pool, candidates,
//! scoring, solving and storing the draft — through the real router.
//!
//!     cargo run --release --example round_api -- --mentees 10000 --mentors 2000
use axum::body::Body;
use axum::http::{header, Request};
use http_body_util::BodyExt;
use rand::{rngs::StdRng, Rng, SeedableRng};
use sea_orm::{EntityTrait, Set};
use std::time::Instant;
use tandem::config::Config;
use tandem::service::accounts::{self, RegisterIn};
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
const SENIORITY: &[&str] = &["student", "junior", "mid", "senior", "lead", "executive"];

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

fn skills(rng: &mut StdRng, count: usize) -> String {
    // Popular skills come up more often: squaring a uniform draw skews towards 0.
    let list: Vec<String> = (0..count)
        .map(|_| {
            format!(
                "skill{}",
                ((rng.gen::<f64>().powi(2)) * SKILLS as f64) as usize
            )
        })
        .collect();
    serde_json::to_string(&list).unwrap()
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
        &accounts::LoginIn {
            email: admin.email,
            password: admin.password,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.public_message()))?;
    let caller = tandem::auth::caller_for_token(state, &login.token)
        .await
        .map_err(|e| anyhow::anyhow!(e.public_message()))?
        .unwrap();
    let program = tandem::service::programs::create(
        state,
        &caller,
        &tandem::service::programs::ProgramIn {
            name: "Benchmark".into(),
            kind: "traditional".into(),
            context: "corporate".into(),
            starts_on: "2027-01-01".into(),
            ends_on: "2027-12-31".into(),
            mentor_capacity: Some(5),
            max_timezone_gap_hours: Some(6),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.public_message()))?;

    let mut rng = StdRng::seed_from_u64(2026);
    let now = chrono::Utc::now();
    let (mut users, mut profiles, mut enrollments) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..mentors + mentees {
        let is_mentor = k < mentors;
        let id = uuid::Uuid::new_v4().to_string();
        users.push(user::ActiveModel {
            id: Set(id.clone()),
            email: Set(format!("p{k}@example.org")),
            name: Set(format!("Person {k}")),
            password_hash: Set("not-a-login".into()),
            is_admin: Set(false),
            calendar_token: Set(None),
            created_at: Set(now),
        });
        let seniority = if is_mentor {
            SENIORITY[rng.gen_range(3..6)]
        } else {
            SENIORITY[rng.gen_range(0..4)]
        };
        let languages = if rng.gen_bool(0.85) {
            r#"["English"]"#
        } else {
            r#"["English","German"]"#
        };
        profiles.push(profile::ActiveModel {
            user_id: Set(id.clone()),
            field: Set(FIELDS[rng.gen_range(0..FIELDS.len())].into()),
            headline: Set(String::new()),
            bio: Set(String::new()),
            known_for: Set(String::new()),
            years_experience: Set(Some(rng.gen_range(0..30))),
            seniority: Set(Some(seniority.into())),
            skills: Set(skills(&mut rng, if is_mentor { 6 } else { 2 })),
            interests: Set("[]".into()),
            values: Set(r#"["candour"]"#.into()),
            education: Set(String::new()),
            languages: Set(languages.into()),
            timezone: Set(Some(TZS[rng.gen_range(0..TZS.len())].into())),
            location: Set(String::new()),
            department: Set(String::new()),
            manager_email: Set(None),
            learning_style: Set(None),
            meeting_preference: Set(Some("video".into())),
            hours_per_month: Set(Some(rng.gen_range(1..8))),
            updated_at: Set(now),
        });
        enrollments.push(enrollment::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            program_id: Set(program.id.clone()),
            user_id: Set(id),
            role: Set(if is_mentor { "mentor" } else { "mentee" }.into()),
            capacity: Set(None),
            wants_skills: Set(if is_mentor {
                "[]".into()
            } else {
                skills(&mut rng, 3)
            }),
            goals_summary: Set(String::new()),
            created_at: Set(now),
        });
    }
    let tx = state.store.write().await?;
    for chunk in users.chunks(1000) {
        user::Entity::insert_many(chunk.to_vec()).exec(&*tx).await?;
    }
    for chunk in profiles.chunks(500) {
        profile::Entity::insert_many(chunk.to_vec())
            .exec(&*tx)
            .await?;
    }
    for chunk in enrollments.chunks(1000) {
        enrollment::Entity::insert_many(chunk.to_vec())
            .exec(&*tx)
            .await?;
    }
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
    let round: serde_json::Value = serde_json::from_slice(&body)?;
    println!(
        "{}",
        serde_json::json!({
            "mentees": mentees, "mentors": mentors, "objective": objective,
            "pairs": round["stats"]["pairs"], "mean_score": round["stats"]["mean_score"],
            "blocking_pairs": round["stats"]["blocking_pairs"], "seconds": seconds,
        })
    );
    Ok(())
}
