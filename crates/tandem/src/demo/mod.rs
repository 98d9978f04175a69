//! `tandem serve --demo`: fills an empty instance with a believable program to click
//! through. The people are data (`people.json`); the lived-in workspace of the
//! first pair is `workspace`.
mod history;
mod workspace;

use crate::domain::lifecycle::Confirmation;
use crate::domain::values::{Pick, WeightsPatch};
use crate::domain::versions::Expected;
use crate::domain::wire::{
    Action, LearningStyle, MeetingPreference, Objective, ProgramContext, ProgramKind, Role,
};
use crate::error::AppError;
use crate::service::accounts::{self, Caller, RegisterIn};
use crate::service::mentorships::{self, ActionIn, AgreementIn, RequestIn};
use crate::service::people::{self, PlanData, ProfileData};
use crate::service::programs::{self, CoordinatorIn, EnrollmentIn, ProgramIn};
use crate::state::AppState;
use anyhow::Context;
use serde::Deserialize;
use workspace::workspace;

pub const DEMO_PASSWORD: &str = "tandem-demo-2026";

/// A mentor of the demo, as `people.json` describes them.
#[derive(Deserialize)]
struct Mentor {
    name: String,
    field: String,
    headline: String,
    known_for: String,
    seniority: String,
    years: i64,
    skills: Vec<String>,
    values: Vec<String>,
    interests: Vec<String>,
    languages: Vec<String>,
    timezone: String,
    location: String,
}

/// A mentee of the demo: who they are and what they want to learn.
#[derive(Deserialize)]
struct Mentee {
    name: String,
    field: String,
    seniority: String,
    wants: Vec<String>,
    timezone: String,
}

/// The demo's people, kept as data beside this file and built into the binary.
#[derive(Deserialize)]
struct People {
    mentors: Vec<Mentor>,
    mentees: Vec<Mentee>,
}

fn people() -> anyhow::Result<People> {
    serde_json::from_str(include_str!("people.json")).context("reading the demo's people")
}

fn email_of(name: &str) -> String {
    let local: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' => 'a',
            'é' | 'è' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => '.',
        })
        .collect();
    format!("{local}@demo.tandem.test")
}

async fn account(state: &AppState, name: &str, email: &str, admin: bool) -> anyhow::Result<Caller> {
    let input = RegisterIn {
        email: email.into(),
        password: DEMO_PASSWORD.into(),
        name: name.into(),
    };
    let created = accounts::create_user(state, &input, admin)
        .await
        .map_err(describe)?;
    let token = accounts::open_session(state, &created.id, "the demo")
        .await
        .map_err(describe)?;
    accounts::caller_for_token(state, &token)
        .await
        .map_err(describe)?
        .context("the demo account's session vanished")
}

fn describe(e: AppError) -> anyhow::Error {
    let fields = match &e {
        AppError::Validation(fields) => format!(" ({fields:?})"),
        _ => String::new(),
    };
    anyhow::anyhow!("demo data refused: {}{fields}", e.public_message())
}

/// Seeds only an empty instance; says so and leaves data alone otherwise.
pub async fn seed(state: &AppState) -> anyhow::Result<()> {
    if !accounts::instance_is_empty(state).await.map_err(describe)? {
        println!("--demo: this instance already has accounts; leaving its data as it is.");
        return Ok(());
    }
    // The people and programs exist from before the history the demo plays out;
    // `history::play` brings the clock back to now.
    state
        .clock
        .set(chrono::Utc::now() - chrono::Duration::days(30 * history::MONTHS_BACK + 21));
    let admin = account(state, "Alex Admin", "admin@demo.tandem.test", true).await?;
    let coordinator = account(
        state,
        "Camille Coordinator",
        "coordinator@demo.tandem.test",
        false,
    )
    .await?;

    let engineering = programs::create(
        state,
        &admin,
        &ProgramIn {
            name: "Engineering & Product Mentoring 2027".into(),
            description: "Six months, one mentor, one mentee: grow into your next role with someone who has walked the path.".into(),
            kind: Pick::of(ProgramKind::Traditional),
            context: Pick::of(ProgramContext::Corporate),
            starts_on: "2027-01-11".into(),
            ends_on: "2027-07-09".into(),
            mentor_capacity: Some(2),
            cadence_days: Some(14),
            max_mentors_per_mentee: Some(1),
            request_expiry_days: Some(14),
            max_timezone_gap_hours: Some(6),
            weights: WeightsPatch::default(),
        },
    )
    .await
    .map_err(describe)?;
    let circle = programs::create(
        state,
        &admin,
        &ProgramIn {
            name: "Data & Design Peer Circles".into(),
            description: "Peers at a similar stage learning from each other, across companies and time zones.".into(),
            kind: Pick::of(ProgramKind::Peer),
            context: Pick::of(ProgramContext::Community),
            starts_on: "2027-02-01".into(),
            ends_on: "2027-05-31".into(),
            mentor_capacity: Some(3),
            cadence_days: Some(21),
            max_mentors_per_mentee: Some(2),
            request_expiry_days: Some(10),
            max_timezone_gap_hours: Some(12),
            weights: WeightsPatch::default(),
        },
    )
    .await
    .map_err(describe)?;
    let founders = programs::create(
        state,
        &admin,
        &ProgramIn {
            name: "Founders' Circle".into(),
            description: "Small groups of first-time founders with one experienced operator."
                .into(),
            kind: Pick::of(ProgramKind::Group),
            context: Pick::of(ProgramContext::Startup),
            starts_on: "2027-03-01".into(),
            ends_on: "2027-08-31".into(),
            mentor_capacity: Some(5),
            cadence_days: Some(30),
            max_mentors_per_mentee: None,
            request_expiry_days: None,
            max_timezone_gap_hours: None,
            weights: WeightsPatch::default(),
        },
    )
    .await
    .map_err(describe)?;
    for p in [&engineering, &circle, &founders] {
        programs::add_coordinator(
            state,
            &admin,
            &p.id,
            &CoordinatorIn {
                person_id: coordinator.id().to_string(),
            },
        )
        .await
        .map_err(describe)?;
    }

    let People {
        mentors: mentor_data,
        mentees: mentee_data,
    } = people()?;
    let mut mentors = Vec::new();
    for m in &mentor_data {
        let caller = account(state, &m.name, &email_of(&m.name), false).await?;
        people::put_profile(
            state,
            &caller,
            &ProfileData {
                field: m.field.clone(),
                headline: m.headline.clone(),
                known_for: m.known_for.clone(),
                bio: format!(
                    "{} years in {}. Happy to share what worked and what did not.",
                    m.years,
                    m.field.to_lowercase()
                ),
                years_experience: Some(m.years),
                seniority: Pick::typed(&m.seniority),
                skills: m.skills.clone(),
                values: m.values.clone(),
                interests: m.interests.clone(),
                languages: m.languages.clone(),
                timezone: Some(m.timezone.clone()),
                location: m.location.clone(),
                meeting_preference: Pick::of(MeetingPreference::Video),
                hours_per_month: Some(4),
                ..Default::default()
            },
        )
        .await
        .map_err(describe)?;
        let program = if matches!(m.field.as_str(), "Data Science" | "Design") {
            &circle
        } else {
            &engineering
        };
        programs::enroll(
            state,
            &caller,
            &program.id,
            &EnrollmentIn {
                role: Pick::of(Role::Mentor),
                capacity: None,
                wants_skills: Vec::new(),
                goals_summary: String::new(),
                person_id: None,
            },
        )
        .await
        .map_err(describe)?;
        if m.field == "Finance" || m.name == "Grace Mwangi" {
            programs::enroll(
                state,
                &caller,
                &founders.id,
                &EnrollmentIn {
                    role: Pick::of(Role::Mentor),
                    capacity: None,
                    wants_skills: Vec::new(),
                    goals_summary: String::new(),
                    person_id: None,
                },
            )
            .await
            .map_err(describe)?;
        }
        mentors.push(caller);
    }

    let mut mentees = Vec::new();
    for (i, m) in mentee_data.iter().enumerate() {
        let (name, field, seniority, wants, tz) =
            (&m.name, &m.field, &m.seniority, &m.wants, &m.timezone);
        let caller = account(state, name, &email_of(name), false).await?;
        people::put_profile(
            state,
            &caller,
            &ProfileData {
                field: field.to_string(),
                headline: format!("{} in {}", seniority_title(seniority), field.to_lowercase()),
                years_experience: Some([1, 3, 0, 5][i % 4]),
                seniority: Pick::typed(seniority),
                skills: vec![wants[0].to_string()],
                languages: vec!["English".into()],
                timezone: Some(tz.to_string()),
                learning_style: Pick::of(LearningStyle::ALL[i % 4]),
                meeting_preference: Pick::of(
                    [
                        MeetingPreference::Video,
                        MeetingPreference::Any,
                        MeetingPreference::InPerson,
                    ][i % 3],
                ),
                hours_per_month: Some(3),
                ..Default::default()
            },
        )
        .await
        .map_err(describe)?;
        people::put_plan(
            state,
            &caller,
            &PlanData {
                strengths: vec!["Learning fast".into()],
                improve: vec![format!("Get better at {}", wants[1])],
                short_term_goals: vec![format!("Ship something real with {}", wants[0])],
                long_term_goals: vec!["Mentor others one day".into()],
            },
        )
        .await
        .map_err(describe)?;
        let program = if matches!(field.as_str(), "Data Science" | "Design") {
            &circle
        } else {
            &engineering
        };
        programs::enroll(
            state,
            &caller,
            &program.id,
            &EnrollmentIn {
                role: Pick::of(Role::Mentee),
                capacity: None,
                wants_skills: wants.clone(),
                goals_summary: format!("Grow from {seniority} to the next level"),
                person_id: None,
            },
        )
        .await
        .map_err(describe)?;
        mentees.push(caller);
    }

    // Six months of the engineering program: fortnightly meetings, a completed
    // pair, two ended early, one stalled, one paused, check-ins answered.
    use history::{End, Story};
    let story =
        |mentor: usize, mentee: usize, asks_on, answers_after, meetings, ratings, end| Story {
            mentor: &mentors[mentor],
            mentee: &mentees[mentee],
            asks_on,
            answers_after,
            every: 14,
            meetings,
            ratings,
            end,
        };
    let stories = [
        story(9, 9, 3, 6, 9, [5, 4], End::Completed { after_days: 130 }),
        story(
            5,
            12,
            8,
            30,
            3,
            [3, 3],
            End::Ended {
                after_days: 50,
                reason: "time",
            },
        ),
        story(
            6,
            15,
            20,
            52,
            2,
            [2, 3],
            End::Ended {
                after_days: 33,
                reason: "not_a_good_fit",
            },
        ),
        story(9, 17, 40, 3, 20, [4, 5], End::Running),
        story(10, 10, 55, 20, 2, [4, 4], End::Running),
        story(3, 18, 70, 10, 3, [4, 4], End::Paused { after_days: 45 }),
        story(11, 11, 100, 4, 20, [5, 5], End::Running),
    ];
    history::play(
        state,
        &coordinator,
        &engineering.id,
        &engineering.name,
        &stories,
    )
    .await?;
    // Noah asked Amara and she said yes; they agreed how to work together and both signed.
    let ask = |mentee: usize, mentor: usize, program: &str| RequestIn {
        program_id: program.to_string(),
        mentor_id: mentors[mentor].id().to_string(),
        intro: format!(
            "Hi, I'm {}, {}.",
            mentees[mentee].name(),
            mentee_data[mentee].seniority
        ),
        reasons: format!(
            "Your work on {} is exactly where I want to grow.",
            mentor_data[mentor].known_for.to_lowercase()
        ),
        ask: "Could we start with a 30-minute video call?".into(),
    };
    let active = mentorships::request(state, &mentees[0], &ask(0, 0, &engineering.id))
        .await
        .map_err(describe)?;
    mentorships::act(
        state,
        &mentors[0],
        &active.id,
        Action::Accept,
        &ActionIn::default(),
        Confirmation::Given,
    )
    .await
    .map_err(describe)?;
    mentorships::put_agreement(
        state,
        &mentors[0],
        &active.id,
        &AgreementIn {
            goals: "Lead the design of one service end to end; get comfortable reviewing others' designs.".into(),
            cadence_days: Some(14),
            meeting_minutes: Some(45),
            channel: "Video call, Tuesdays 17:00 London".into(),
            boundaries: "No calls at weekends; reschedule a day ahead.".into(),
            confidentiality: "What we discuss stays between us unless we both agree otherwise.".into(),
        },
        Expected::default(),
    )
    .await
    .map_err(describe)?;
    for who in [&mentors[0], &mentees[0]] {
        mentorships::sign_agreement(state, who, &active.id)
            .await
            .map_err(describe)?;
    }
    workspace(state, &mentors[0], &mentees[0], &active.id)
        .await
        .map_err(describe)?;
    // A second relationship that has started but has no agreement yet.
    let second = mentorships::request(state, &mentees[1], &ask(1, 1, &engineering.id))
        .await
        .map_err(describe)?;
    mentorships::act(
        state,
        &mentors[1],
        &second.id,
        Action::Accept,
        &ActionIn::default(),
        Confirmation::Given,
    )
    .await
    .map_err(describe)?;
    // Open requests waiting on mentors.
    mentorships::request(state, &mentees[3], &ask(3, 3, &engineering.id))
        .await
        .map_err(describe)?;
    mentorships::request(state, &mentees[5], &ask(5, 5, &engineering.id))
        .await
        .map_err(describe)?;
    mentorships::request(state, &mentees[2], &ask(2, 2, &circle.id))
        .await
        .map_err(describe)?;
    mentorships::request(state, &mentees[7], &ask(7, 7, &circle.id))
        .await
        .map_err(describe)?;
    // Two draft rounds over the engineering pool, to review: a stable one, measured
    // against the best possible, and a certified optimal one with a minimum score of
    // 65 that leaves some mentees unmatched, each with the reasons why.
    for (objective, min_score) in [(Objective::Stable, None), (Objective::Optimal, Some(65.0))] {
        crate::service::matching::create_round(
            state,
            &coordinator,
            &engineering.id,
            &crate::service::matching::RoundIn {
                objective: Pick::of(objective),
                min_score,
            },
        )
        .await
        .map_err(describe)?;
    }

    admin_day(state, &admin, &coordinator, &founders.id).await?;

    println!("\nDemo data is ready. Every demo account uses the password: {DEMO_PASSWORD}\n");
    let accounts = [
        (
            "admin@demo.tandem.test".to_string(),
            "instance admin: accounts (one disabled), the audit log, an archived pilot program",
        ),
        (
            "coordinator@demo.tandem.test".to_string(),
            "coordinator of all three programs: the engineering program's dashboard (six months of history, charts, check-ins) and two draft matching rounds",
        ),
        (
            email_of(&mentor_data[0].name),
            "mentor with an active, signed mentorship: meetings, goals, office hours",
        ),
        (email_of(&mentee_data[0].name), "mentee in that mentorship"),
        (
            email_of(&mentor_data[3].name),
            "mentor with a request waiting",
        ),
        (email_of(&mentee_data[4].name), "mentee with no mentor yet"),
    ];
    for (email, what) in accounts {
        println!("  {email:<34} {what}");
    }
    println!(
        "\n  …and {} more mentors and mentees (firstname.lastname@demo.tandem.test).\n",
        mentor_data.len() + mentee_data.len() - 4
    );
    Ok(())
}

/// What an admin's first weeks leave behind: a pilot program archived, newcomers
/// imported from a spreadsheet (invited by e-mail), an account disabled — each in
/// the audit log.
async fn admin_day(
    state: &AppState,
    admin: &Caller,
    coordinator: &Caller,
    founders: &str,
) -> anyhow::Result<()> {
    let pilot = programs::create(
        state,
        admin,
        &ProgramIn {
            description: "The first, small cohort that tried Tandem out.".into(),
            ..ProgramIn::new(
                "Pilot cohort 2026",
                ProgramKind::Traditional,
                ProgramContext::Corporate,
                "2026-03-02",
                "2026-08-28",
            )
        },
    )
    .await
    .map_err(describe)?;
    programs::patch(
        state,
        admin,
        &pilot.id,
        &crate::service::programs::ProgramPatch {
            archived: Some(true),
            ..Default::default()
        },
    )
    .await
    .map_err(describe)?;
    let newcomers = "email,name,role,field,seniority,skills,wants_skills,languages,timezone,capacity\n\
        noor.haddad@demo.tandem.test,Noor Haddad,mentee,Operations,junior,,Fundraising;Hiring,English;Arabic,Asia/Dubai,\n\
        tomas.lindqvist@demo.tandem.test,Tomas Lindqvist,mentee,Engineering,mid,Rust,Go-to-market,English;Swedish,Europe/Stockholm,\n";
    let done = crate::service::programs::import::import(
        state,
        coordinator,
        founders,
        newcomers,
        crate::service::programs::import::Mode::Import,
        &|_, _| {},
    )
    .await
    .map_err(describe)?;
    anyhow::ensure!(
        done.out.errors.is_empty(),
        "the demo import was refused: {:?}",
        done.out.errors.first().map(|e| &e.message)
    );
    let leaver = account(
        state,
        "Former Colleague",
        "former.colleague@demo.tandem.test",
        false,
    )
    .await?;
    crate::service::admin::patch_user(
        state,
        admin,
        leaver.id(),
        &crate::service::admin::AccountPatch {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await
    .map_err(describe)?;
    Ok(())
}

fn seniority_title(s: &str) -> &'static str {
    match s {
        "student" => "Student",
        "junior" => "Junior",
        "mid" => "Mid-level",
        _ => "Experienced",
    }
}
