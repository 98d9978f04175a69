//! `tandem serve --demo`: fills an empty instance with a believable program to click through.
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

pub const DEMO_PASSWORD: &str = "tandem-demo-2026";

struct Person {
    name: &'static str,
    field: &'static str,
    headline: &'static str,
    known_for: &'static str,
    seniority: &'static str,
    years: i64,
    skills: &'static [&'static str],
    values: &'static [&'static str],
    interests: &'static [&'static str],
    languages: &'static [&'static str],
    timezone: &'static str,
    location: &'static str,
}

const MENTORS: &[Person] = &[
    Person {
        name: "Amara Okafor",
        field: "Software Engineering",
        headline: "Principal engineer, distributed systems",
        known_for: "Scaling payments to 10k requests/s",
        seniority: "lead",
        years: 16,
        skills: &["rust", "distributed systems", "leadership"],
        values: &["candour", "craft"],
        interests: &["climbing", "jazz"],
        languages: &["English", "Igbo"],
        timezone: "Europe/London",
        location: "London",
    },
    Person {
        name: "Lukas Becker",
        field: "Software Engineering",
        headline: "Engineering manager, platform team",
        known_for: "Growing three teams from 4 to 40 people",
        seniority: "lead",
        years: 14,
        skills: &["leadership", "hiring", "kubernetes"],
        values: &["kindness", "ownership"],
        interests: &["cycling"],
        languages: &["German", "English"],
        timezone: "Europe/Berlin",
        location: "Berlin",
    },
    Person {
        name: "Priya Raman",
        field: "Data Science",
        headline: "Head of data science",
        known_for: "Forecasting models used by 200 stores",
        seniority: "executive",
        years: 18,
        skills: &["statistics", "python", "leadership"],
        values: &["curiosity", "rigour"],
        interests: &["chess", "running"],
        languages: &["English", "Tamil"],
        timezone: "Asia/Kolkata",
        location: "Bengaluru",
    },
    Person {
        name: "Diego Fernández",
        field: "Product Management",
        headline: "Group product manager",
        known_for: "Launching the mobile app to a million users",
        seniority: "lead",
        years: 12,
        skills: &["product discovery", "roadmapping", "negotiation"],
        values: &["customer focus", "candour"],
        interests: &["football", "cooking"],
        languages: &["Spanish", "English"],
        timezone: "Europe/Madrid",
        location: "Madrid",
    },
    Person {
        name: "Mei Lin",
        field: "Design",
        headline: "Design director",
        known_for: "A design system used by 30 product teams",
        seniority: "executive",
        years: 15,
        skills: &["design systems", "user research", "public speaking"],
        values: &["empathy", "craft"],
        interests: &["ceramics"],
        languages: &["English", "Mandarin"],
        timezone: "America/Los_Angeles",
        location: "San Francisco",
    },
    Person {
        name: "Kwame Mensah",
        field: "Software Engineering",
        headline: "Staff engineer, security",
        known_for: "Running the bug bounty programme",
        seniority: "senior",
        years: 11,
        skills: &["security", "go", "rust"],
        values: &["integrity", "ownership"],
        interests: &["photography"],
        languages: &["English", "French"],
        timezone: "Africa/Accra",
        location: "Accra",
    },
    Person {
        name: "Sofia Rossi",
        field: "Marketing",
        headline: "VP marketing",
        known_for: "Rebranding a 50-year-old company",
        seniority: "executive",
        years: 20,
        skills: &["brand strategy", "storytelling", "leadership"],
        values: &["creativity", "candour"],
        interests: &["opera", "sailing"],
        languages: &["Italian", "English"],
        timezone: "Europe/Rome",
        location: "Milan",
    },
    Person {
        name: "Hannah Schmidt",
        field: "Data Science",
        headline: "Machine-learning engineer",
        known_for: "Open-source work on model monitoring",
        seniority: "senior",
        years: 9,
        skills: &["python", "mlops", "statistics"],
        values: &["curiosity", "openness"],
        interests: &["hiking", "board games"],
        languages: &["German", "English"],
        timezone: "Europe/Berlin",
        location: "Munich",
    },
    Person {
        name: "Oliver Grant",
        field: "Finance",
        headline: "CFO of a Series B startup",
        known_for: "Two successful fundraising rounds",
        seniority: "executive",
        years: 19,
        skills: &["fundraising", "financial modelling", "negotiation"],
        values: &["rigour", "integrity"],
        interests: &["golf"],
        languages: &["English"],
        timezone: "America/New_York",
        location: "New York",
    },
    Person {
        name: "Yuki Tanaka",
        field: "Software Engineering",
        headline: "Senior frontend engineer",
        known_for: "Accessibility champion for the web platform",
        seniority: "senior",
        years: 8,
        skills: &["typescript", "accessibility", "public speaking"],
        values: &["empathy", "craft"],
        interests: &["anime", "baking"],
        languages: &["Japanese", "English"],
        timezone: "Asia/Tokyo",
        location: "Tokyo",
    },
    Person {
        name: "Fatima Zahra",
        field: "Product Management",
        headline: "Senior product manager, growth",
        known_for: "Experiments that doubled activation",
        seniority: "senior",
        years: 10,
        skills: &["experimentation", "product discovery", "sql"],
        values: &["curiosity", "customer focus"],
        interests: &["calligraphy"],
        languages: &["Arabic", "French", "English"],
        timezone: "Africa/Casablanca",
        location: "Casablanca",
    },
    Person {
        name: "Grace Mwangi",
        field: "People & Culture",
        headline: "Director of people",
        known_for: "Building a mentoring culture from scratch",
        seniority: "lead",
        years: 13,
        skills: &["coaching", "hiring", "conflict resolution"],
        values: &["kindness", "fairness"],
        interests: &["gardening", "choir"],
        languages: &["English", "Swahili"],
        timezone: "Africa/Nairobi",
        location: "Nairobi",
    },
];

const MENTEES: &[(&str, &str, &str, &[&str], &str)] = &[
    (
        "Noah Williams",
        "Software Engineering",
        "junior",
        &["rust", "distributed systems"],
        "Europe/London",
    ),
    (
        "Emma Dubois",
        "Software Engineering",
        "mid",
        &["leadership", "hiring"],
        "Europe/Paris",
    ),
    (
        "Arjun Patel",
        "Data Science",
        "junior",
        &["statistics", "python"],
        "Asia/Kolkata",
    ),
    (
        "Chloe Martin",
        "Product Management",
        "mid",
        &["product discovery", "roadmapping"],
        "Europe/Paris",
    ),
    (
        "Lucas Silva",
        "Design",
        "junior",
        &["user research", "design systems"],
        "America/Sao_Paulo",
    ),
    (
        "Aisha Bello",
        "Software Engineering",
        "mid",
        &["security", "go"],
        "Africa/Lagos",
    ),
    (
        "Marco Bianchi",
        "Marketing",
        "junior",
        &["storytelling", "brand strategy"],
        "Europe/Rome",
    ),
    (
        "Lena Vogel",
        "Data Science",
        "mid",
        &["mlops", "python"],
        "Europe/Berlin",
    ),
    (
        "Samuel Osei",
        "Finance",
        "junior",
        &["financial modelling", "fundraising"],
        "Africa/Accra",
    ),
    (
        "Hana Sato",
        "Software Engineering",
        "junior",
        &["typescript", "accessibility"],
        "Asia/Tokyo",
    ),
    (
        "Omar Haddad",
        "Product Management",
        "junior",
        &["experimentation", "sql"],
        "Africa/Casablanca",
    ),
    (
        "Zoe Clarke",
        "People & Culture",
        "mid",
        &["coaching", "conflict resolution"],
        "Europe/London",
    ),
    (
        "Mateo García",
        "Software Engineering",
        "student",
        &["rust", "go"],
        "Europe/Madrid",
    ),
    (
        "Ingrid Larsen",
        "Design",
        "mid",
        &["public speaking", "design systems"],
        "Europe/Oslo",
    ),
    (
        "Ravi Kumar",
        "Data Science",
        "student",
        &["statistics", "sql"],
        "Asia/Kolkata",
    ),
    (
        "Julia Nowak",
        "Marketing",
        "mid",
        &["brand strategy", "leadership"],
        "Europe/Warsaw",
    ),
    (
        "Ethan Brooks",
        "Finance",
        "mid",
        &["negotiation", "financial modelling"],
        "America/New_York",
    ),
    (
        "Amina Yusuf",
        "Software Engineering",
        "junior",
        &["kubernetes", "leadership"],
        "Africa/Nairobi",
    ),
    (
        "Tom Becker",
        "Product Management",
        "mid",
        &["negotiation", "product discovery"],
        "Europe/Berlin",
    ),
    (
        "Sara Lindqvist",
        "Data Science",
        "junior",
        &["python", "mlops"],
        "Europe/Stockholm",
    ),
];

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

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
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
    let token = accounts::open_session(state, &created.id)
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

    let mut mentors = Vec::new();
    for m in MENTORS {
        let caller = account(state, m.name, &email_of(m.name), false).await?;
        people::put_profile(
            state,
            &caller,
            &ProfileData {
                field: m.field.into(),
                headline: m.headline.into(),
                known_for: m.known_for.into(),
                bio: format!(
                    "{} years in {}. Happy to share what worked and what did not.",
                    m.years,
                    m.field.to_lowercase()
                ),
                years_experience: Some(m.years),
                seniority: Pick::typed(m.seniority),
                skills: strings(m.skills),
                values: strings(m.values),
                interests: strings(m.interests),
                languages: strings(m.languages),
                timezone: Some(m.timezone.into()),
                location: m.location.into(),
                meeting_preference: Pick::of(MeetingPreference::Video),
                hours_per_month: Some(4),
                ..Default::default()
            },
        )
        .await
        .map_err(describe)?;
        let program = if matches!(m.field, "Data Science" | "Design") {
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
    for (i, (name, field, seniority, wants, tz)) in MENTEES.iter().enumerate() {
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
        let program = if matches!(*field, "Data Science" | "Design") {
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
                wants_skills: strings(wants),
                goals_summary: format!("Grow from {seniority} to the next level"),
                person_id: None,
            },
        )
        .await
        .map_err(describe)?;
        mentees.push(caller);
    }

    // Noah asked Amara and she said yes; they agreed how to work together and both signed.
    let ask = |mentee: usize, mentor: usize, program: &str| RequestIn {
        program_id: program.to_string(),
        mentor_id: mentors[mentor].id().to_string(),
        intro: format!("Hi, I'm {}, {}.", mentees[mentee].name(), MENTEES[mentee].2),
        reasons: format!(
            "Your work on {} is exactly where I want to grow.",
            MENTORS[mentor].known_for.to_lowercase()
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

    println!("\nDemo data is ready. Every demo account uses the password: {DEMO_PASSWORD}\n");
    let accounts = [
        ("admin@demo.tandem.test".to_string(), "instance admin"),
        (
            "coordinator@demo.tandem.test".to_string(),
            "coordinator of all three programs, with two draft matching rounds to review",
        ),
        (
            email_of(MENTORS[0].name),
            "mentor with an active, signed mentorship: meetings, goals, office hours",
        ),
        (email_of(MENTEES[0].0), "mentee in that mentorship"),
        (email_of(MENTORS[3].name), "mentor with a request waiting"),
        (email_of(MENTEES[4].0), "mentee with no mentor yet"),
    ];
    for (email, what) in accounts {
        println!("  {email:<34} {what}");
    }
    println!(
        "\n  …and {} more mentors and mentees (firstname.lastname@demo.tandem.test).\n",
        MENTORS.len() + MENTEES.len() - 4
    );
    Ok(())
}

/// Amara and Noah's workspace: office hours, goals and milestones, a kickoff
/// meeting that took place (notes, private notes, action items, feedback), the
/// next meeting with its agenda, kudos, messages and an introduction.
async fn workspace(
    state: &AppState,
    mentor: &Caller,
    mentee: &Caller,
    id: &str,
) -> Result<(), AppError> {
    use crate::domain::office_hours::Window;
    use crate::service::conversation::{self, IntroductionIn, KudosIn, MessageIn};
    use crate::service::goals::{self, GoalIn, MilestoneIn, MilestonePatch};
    use crate::service::meetings::{
        self, ActionItemIn, ActionItemPatch, FeedbackIn, MeetingIn, MeetingPatch, PrivateNoteIn,
    };
    use crate::service::office_hours::{self, AvailabilityIn};
    let windows = [2, 4]
        .into_iter()
        .map(|weekday| Window {
            weekday,
            start: "17:00".into(),
            end: "19:00".into(),
        })
        .collect();
    office_hours::put(
        state,
        mentor,
        &AvailabilityIn {
            timezone: None,
            slot_minutes: Some(30),
            windows,
            location: "Video call (link in the invite)".into(),
        },
    )
    .await?;
    goals::take_from_plan(state, mentee, id).await?;
    let goal = goals::create(
        state,
        mentee,
        id,
        &GoalIn {
            title: "Lead a design review on my own".into(),
            description: "Run the review of the payments service redesign from invite to decision."
                .into(),
            horizon: Some("short".into()),
            due_on: Some(
                (state.clock.now() + chrono::Duration::days(60))
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
        },
    )
    .await?;
    for (title, status) in [
        ("Shadow two reviews and take notes", Some("achieved")),
        ("Co-run one review with Amara", Some("in_progress")),
        ("Run the payments review alone", None),
    ] {
        let m = goals::add_milestone(
            state,
            mentee,
            &goal.id,
            &MilestoneIn {
                title: title.into(),
                description: String::new(),
                due_on: None,
            },
        )
        .await?;
        if let Some(status) = status {
            goals::patch_milestone(
                state,
                mentee,
                &m.id,
                &MilestonePatch {
                    status: Some(status.into()),
                    ..Default::default()
                },
                Expected::default(),
            )
            .await?;
        }
    }
    let now = state.clock.now();
    let kickoff = meetings::schedule(
        state,
        mentee,
        id,
        &MeetingIn {
            starts_at: (now - chrono::Duration::minutes(90)).to_rfc3339(),
            duration_minutes: Some(45),
            location: "Video call".into(),
            agenda: vec![
                "What each of us wants from this".into(),
                "The design-review goal".into(),
            ],
        },
    )
    .await?;
    meetings::patch(
        state,
        mentor,
        &kickoff.id,
        &MeetingPatch {
            status: Some("held".into()),
            shared_notes: Some("Agreed to focus on design reviews first. Noah shadows two reviews before co-running one.".into()),
            ..Default::default()
        },
        Expected::default(),
    )
    .await?;
    meetings::put_private_note(
        state,
        mentor,
        &kickoff.id,
        &PrivateNoteIn {
            body: "Noah undersells his own ideas; ask him to present first next time.".into(),
        },
    )
    .await?;
    meetings::put_private_note(
        state,
        mentee,
        &kickoff.id,
        &PrivateNoteIn {
            body: "Ask Amara how she handles disagreement in reviews.".into(),
        },
    )
    .await?;
    let due = |days: i64| {
        Some(
            (now + chrono::Duration::days(days))
                .format("%Y-%m-%d")
                .to_string(),
        )
    };
    let read = meetings::add_action_item(
        state,
        mentor,
        &kickoff.id,
        &ActionItemIn {
            title: "Read the review checklist Amara shared".into(),
            owner_id: Some(mentee.id().to_string()),
            due_on: due(3),
        },
    )
    .await?;
    meetings::add_action_item(
        state,
        mentor,
        &kickoff.id,
        &ActionItemIn {
            title: "Send Noah two past design docs to study".into(),
            owner_id: None,
            due_on: due(2),
        },
    )
    .await?;
    meetings::patch_action_item(
        state,
        mentee,
        &read.id,
        &ActionItemPatch {
            done: Some(true),
            ..Default::default()
        },
        Expected::default(),
    )
    .await?;
    meetings::give_feedback(
        state,
        mentee,
        &kickoff.id,
        &FeedbackIn {
            rating: 5,
            went_well: "Clear plan and concrete next steps.".into(),
            to_improve: "I would like a bit more time for my questions.".into(),
            encouragement: "Thank you for making it so easy to start.".into(),
        },
    )
    .await?;
    meetings::give_feedback(
        state,
        mentor,
        &kickoff.id,
        &FeedbackIn {
            rating: 4,
            went_well: "Noah came prepared with questions.".into(),
            to_improve: "Bring one real design to the next call.".into(),
            encouragement: "You already think like a reviewer.".into(),
        },
    )
    .await?;
    meetings::schedule(
        state,
        mentee,
        id,
        &MeetingIn {
            starts_at: (now + chrono::Duration::days(5))
                .format("%Y-%m-%dT17:00:00Z")
                .to_string(),
            duration_minutes: None,
            location: "Video call".into(),
            agenda: vec![
                "Walk through the first review I shadowed".into(),
                "Plan the co-run review".into(),
            ],
        },
    )
    .await?;
    conversation::give_kudos(
        state,
        mentee,
        id,
        &KudosIn {
            message: "Thanks for the review checklist, it already helped in today's review!".into(),
        },
    )
    .await?;
    for (who, body) in [
        (
            mentee,
            "I've read the checklist. Could we look at the payments redesign next time?",
        ),
        (
            mentor,
            "Yes, good pick. Bring your questions, and the doc if you can share it.",
        ),
        (
            mentee,
            "Will do. Booked nothing yet, I'll use your office hours if Tuesday moves.",
        ),
    ] {
        conversation::post_message(state, who, id, &MessageIn { body: body.into() }).await?;
    }
    conversation::introduce(
        state,
        mentor,
        id,
        &IntroductionIn {
            contact_name: "Priya Raman".into(),
            contact_email: "priya.raman@example.org".into(),
            note: "Priya runs design reviews for the platform team and loves helping people run their first one.".into(),
        },
    )
    .await?;
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
