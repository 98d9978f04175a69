//! The self-hosting admin's pages: accounts and the audit log, a program's
//! import (file, preview, confirm) and archiving; one's password and sessions;
//! a forgotten password.
use super::*;

/// The first account (the admin) and a program of theirs.
async fn admin_and_program(router: &Router) -> (Browser, String) {
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
    (admin, program)
}

#[tokio::test]
async fn a_coordinator_imports_from_a_preview_and_archives_the_program() {
    let (router, _dir) = app().await;
    let (mut admin, program) = admin_and_program(&router).await;
    let page = admin.get(&format!("/programs/{program}/import")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("enctype=\"multipart/form-data\""),
        "a file upload"
    );

    let bad = "email,name,role\nnot-an-address,Someone,mentee\nok@example.org,OK,mentor\n";
    let preview = admin
        .post(
            &format!("/programs/{program}/import/preview"),
            &[("csv", bad)],
        )
        .await;
    assert_eq!(preview.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        preview.body.contains("1 line(s) need fixing"),
        "{}",
        preview.body
    );
    assert!(
        !preview.body.contains("import-confirm-form"),
        "nothing to confirm"
    );

    let good = "email,name,role,skills\nada@example.org,Ada Lovelace,mentee,\nalan@example.org,Alan Turing,mentor,Maths;Logic\n";
    let preview = admin
        .post(
            &format!("/programs/{program}/import/preview"),
            &[("csv", good)],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("2 people enrolled"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("new account, invited by e-mail"));
    // A preview saves nothing.
    let list = admin.get(&format!("/programs/{program}/enrollments")).await;
    assert!(!list.body.contains("Ada Lovelace"));

    let done = admin
        .post(&format!("/programs/{program}/import"), &[("csv", good)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let list = admin.get(done.location()).await;
    assert!(
        list.body
            .contains("Imported: 2 enrolled, 0 updated, 2 invited"),
        "{}",
        list.body
    );
    assert!(list.body.contains("Ada Lovelace") && list.body.contains("Alan Turing"));

    // Archiving asks for a confirmation; then the program is read-only.
    let unconfirmed = admin
        .post(
            &format!("/programs/{program}/archive"),
            &[("archived", "true")],
        )
        .await;
    assert_eq!(unconfirmed.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/programs/{program}")).await;
    assert!(page.body.contains("tick the box"), "{}", page.body);
    let archived = admin
        .post(
            &format!("/programs/{program}/archive"),
            &[("archived", "true"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/programs/{program}")).await;
    assert!(
        page.body.contains("This program is archived"),
        "{}",
        page.body
    );
    let listed = admin.get("/programs").await;
    assert!(
        !listed.body.contains("Spring cohort"),
        "left out of the list"
    );
    let all = admin.get("/programs?archived=true").await;
    assert!(all.body.contains("Spring cohort") && all.body.contains("archived"));
}

#[tokio::test]
async fn an_admin_finds_and_disables_an_account_and_reads_the_audit_log() {
    let (router, _dir) = app().await;
    let (mut admin, _) = admin_and_program(&router).await;
    let mut ada = Browser::new(&router);
    ada.sign_up("Ada Lovelace", "ada@example.org").await;
    assert_eq!(ada.get("/dashboard").await.status, StatusCode::OK);

    let found = admin.get("/admin/users?q=LOVELACE").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body.contains("ada@example.org"));
    assert!(
        !found.body.contains("admin@example.org"),
        "only what matches"
    );
    let id_at = found.body.find("id=\"disable-").expect("a disable button") + "id=\"disable-".len();
    let ada_id: String = found.body[id_at..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let disabled = admin
        .post(
            &format!("/admin/users/{ada_id}"),
            &[("change", "disable"), ("back", "/admin/users?q=ada")],
        )
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    let after = admin.get(disabled.location()).await;
    assert!(
        after.body.contains("Ada Lovelace is disabled"),
        "{}",
        after.body
    );
    let bounced = ada.get("/dashboard").await;
    assert_eq!(bounced.status, StatusCode::SEE_OTHER, "her session ended");
    let mut again = Browser::new(&router);
    again.get("/signin").await;
    let refused = again
        .post(
            "/signin",
            &[
                ("email", "ada@example.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("This account is disabled"),
        "{}",
        refused.body
    );

    let audit = admin.get("/admin/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("account.disabled"));
    assert!(audit.body.contains("program.created"));
    let mut outsider = Browser::new(&router);
    outsider.sign_up("Out Sider", "out@example.org").await;
    assert_eq!(
        outsider.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_person_changes_their_password_and_signs_out_elsewhere() {
    let (router, _dir) = app().await;
    let mut laptop = Browser::new(&router);
    laptop.sign_up("Ada Lovelace", "ada@example.org").await;
    let mut phone = Browser::new(&router);
    phone.get("/signin").await;
    phone
        .post(
            "/signin",
            &[
                ("email", "ada@example.org"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    let page = laptop.get("/account/security").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.body.matches("<tr id=\"session-").count(),
        2,
        "{}",
        page.body
    );
    assert!(page.body.contains("this one"));

    let wrong = laptop
        .post(
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("not your current password"));
    let changed = laptop
        .post(
            "/account/password",
            &[
                ("current_password", "correct horse battery"),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        phone.get("/dashboard").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let page = laptop.get("/account/security").await;
    assert!(page.body.contains("your other sessions were signed out"));
    assert_eq!(page.body.matches("<tr id=\"session-").count(), 1);
}

#[tokio::test]
async fn a_forgotten_password_page_answers_alike_and_a_bad_link_says_so() {
    let (router, _dir) = app_with(|c| {
        c.registration = tandem::config::Registration::parse("domains:example.org").unwrap()
    })
    .await;
    let mut first = Browser::new(&router);
    first.sign_up("First Person", "first@elsewhere.net").await;
    let mut visitor = Browser::new(&router);
    let signup = visitor.get("/signup").await;
    assert!(signup
        .body
        .contains("Sign-up is open to addresses at @example.org"));
    let signin = visitor.get("/signin").await;
    assert!(signin.body.contains("/forgot-password"));
    visitor.get("/forgot-password").await;
    let known = visitor
        .post("/forgot-password", &[("email", "first@elsewhere.net")])
        .await;
    let unknown = visitor
        .post("/forgot-password", &[("email", "nobody@example.org")])
        .await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.body, unknown.body, "the same answer either way");
    visitor.get("/reset-password?token=made-up").await;
    let bad = visitor
        .post(
            "/reset-password",
            &[("token", "made-up"), ("password", "a brand new passphrase")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("ask for a new one"), "{}", bad.body);
}
