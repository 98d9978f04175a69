//! The server-rendered pages in process, one file per web module, on the shared
//! harness (`tandem_testkit::pages`): sessions in cookies, forms with their CSRF
//! token, the headers pages carry.
mod accounts;
mod admin;
mod directory;
mod matching;
mod mentorships;
mod officehours;
mod profile;
mod shortlist;
mod workspace;

// What every page test file takes from here.
pub use axum::body::Body;
pub use axum::http::{header, Request, StatusCode};
pub use axum::Router;
pub use tandem_testkit::pages::{app, app_with, Answer, Browser};
pub use tower::ServiceExt;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

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

/// The text between `start` and the next `end` after it, for ids and values in a page.
fn between<'a>(body: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = body.find(start)? + start.len();
    body[from..].split(end).next()
}

/// The value of the `<option>` whose label is `label`, or `label` and an address
/// (person pickers show `Name <e-mail>`).
fn option_value(body: &str, label: &str) -> String {
    let at = body
        .match_indices(&format!(">{label}"))
        .map(|(at, _)| at)
        .find(|at| {
            let rest = &body[at + 1 + label.len()..];
            rest.starts_with("</option>") || rest.starts_with(" &#60;")
        })
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
