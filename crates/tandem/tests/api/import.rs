//! Participants from a CSV (SPEC §5, §6): all or nothing, every wrong line named
//! with its line in the file, a re-import that updates and never duplicates,
//! and an invitation with a single-use link for each new account.
use crate::common::smtp::SmtpSink;
use crate::common::TestApp;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use tandem_testkit::on_both_databases_with_smtp;

crate::on_both_databases!(
    a_person_in_both_roles_of_a_peer_program_is_one_account,
    a_bad_line_imports_nothing_and_every_bad_line_is_named,
    only_the_programs_coordinators_import,
);
on_both_databases_with_smtp!(an_import_enrols_invites_and_updates_on_a_second_run,);

const HEADER: &str =
    "email,name,role,field,seniority,skills,wants_skills,languages,timezone,capacity\n";

async fn import(app: &TestApp, program: &str, token: &str, csv: &str) -> (StatusCode, Value) {
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/programs/{program}/import"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(csv.to_string()))
            .unwrap(),
    )
    .await
}

async fn enrolments(app: &TestApp, program: &str, token: &str) -> Vec<(String, String)> {
    let (s, v) = app
        .get(
            &format!("/api/v1/programs/{program}/enrollments?limit=200"),
            token,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut out: Vec<(String, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["person"]["name"].as_str().unwrap_or_default().to_string(),
                e["role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn an_import_enrols_invites_and_updates_on_a_second_run(app: TestApp, smtp: SmtpSink) {
    let (_, admin) = app.person("Admin Person").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    let (_, grace) = app.person("Grace Hopper").await;
    let file = format!(
        "{HEADER}grace.hopper@example.org,Grace Hopper,mentor,Engineering,senior,Compilers;Leadership,,English,America/New_York,2\n\
         ada@newcomers.org,Ada Lovelace,mentee,Mathematics,junior,,Compilers,English;French,Europe/London,\n\
         alan@newcomers.org,Alan Turing,mentee,,,,,,,\n"
    );
    let (s, v) = import(&app, &program, &admin, &file).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v, json!({"created": 3, "updated": 0, "errors": []}));
    assert_eq!(
        enrolments(&app, &program, &admin).await,
        vec![
            ("Ada Lovelace".into(), "mentee".into()),
            ("Alan Turing".into(), "mentee".into()),
            ("Grace Hopper".into(), "mentor".into()),
        ]
    );
    // Grace had an account before and was in no program of this coordinator's:
    // her profile is hers, and the file leaves it as she wrote it.
    let (_, profile) = app.get("/api/v1/me/profile", &grace).await;
    assert_eq!(profile["field"], "");

    // Two invitations, none to Grace, who has an account, delivered as the
    // server's background worker does.
    tandem::service::outbox::deliver_due(&app.state)
        .await
        .unwrap();
    let mail = smtp.wait_for(2).await;
    let mut to: Vec<&str> = mail.iter().map(|m| m.to[0].as_str()).collect();
    to.sort();
    assert_eq!(to, vec!["ada@newcomers.org", "alan@newcomers.org"]);
    let ada_mail = mail
        .iter()
        .find(|m| m.to[0] == "ada@newcomers.org")
        .unwrap();
    assert!(
        ada_mail.subject.contains("traditional program"),
        "{}",
        ada_mail.subject
    );
    let start = ada_mail.body.find("token=").unwrap() + 6;
    let token: String = ada_mail.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    // Nobody signs in to an invited account before its password is chosen.
    let (s, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada@newcomers.org", "password": ""})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = app
        .call(
            Method::POST,
            "/api/v1/auth/password-reset/confirm",
            None,
            Some(json!({"token": token, "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let ada = app.log_in("ada@newcomers.org").await;
    let (_, me) = app.get("/api/v1/me", &ada).await;
    assert_eq!(me["name"], "Ada Lovelace");
    // A new account starts with the profile the file gave it.
    let (_, profile) = app.get("/api/v1/me/profile", &ada).await;
    assert_eq!(profile["field"], "Mathematics");
    assert_eq!(profile["languages"], json!(["English", "French"]));
    assert_eq!(profile["timezone"], "Europe/London");

    // The same people again, one changed, one new: updates, never duplicates.
    let again = format!(
        "{HEADER}grace.hopper@example.org,Grace Hopper,mentor,,,,,,,3\n\
         ada@newcomers.org,Ada Lovelace,mentee,,,,,,,\n\
         alan@newcomers.org,Alan Turing,mentee,,,,,,,\n\
         katherine@newcomers.org,Katherine Johnson,mentor,,,,,,,\n"
    );
    let (s, v) = import(&app, &program, &admin, &again).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v, json!({"created": 1, "updated": 1, "errors": []}));
    assert_eq!(enrolments(&app, &program, &admin).await.len(), 4);
    let (_, profile) = app.get("/api/v1/me/profile", &ada).await;
    assert_eq!(
        profile["field"], "Mathematics",
        "an empty cell keeps what is stored"
    );
    let (_, users) = app.get("/api/v1/admin/users?q=newcomers", &admin).await;
    assert_eq!(users["items"].as_array().unwrap().len(), 3, "{users}");
    let (_, audit) = app.get("/api/v1/admin/audit", &admin).await;
    assert_eq!(audit["items"][0]["action"], "program.participants_imported");
}

async fn a_bad_line_imports_nothing_and_every_bad_line_is_named(app: TestApp) {
    let (_, admin) = app.person("Admin Person").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    let file = format!(
        "{HEADER}good@example.org,Good Person,mentor,,,,,,,\n\
         not-an-address,Bad Address,mentee,,,,,,,\n\
         other@example.org,Other Person,teacher,,,,,,Mars/Base,\n\
         fine@example.org,Fine Person,mentee,,,,,,,\n\
         good@example.org,Good Person,mentee,,,,,,,\n"
    );
    let (s, v) = import(&app, &program, &admin, &file).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["created"], 0);
    assert_eq!(v["updated"], 0);
    let lines: Vec<u64> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    // Line 6 makes Good Person both roles, which only peer programs allow.
    assert_eq!(lines, vec![3, 4, 6], "{v}");
    assert!(
        v["errors"][1]["message"].as_str().unwrap().contains("role"),
        "{v}"
    );
    assert!(
        enrolments(&app, &program, &admin).await.is_empty(),
        "all or nothing"
    );
    let (_, users) = app.get("/api/v1/admin/users?q=example.org", &admin).await;
    assert_eq!(
        users["items"].as_array().unwrap().len(),
        1,
        "no account was made: {users}"
    );

    let (s, v) = import(&app, &program, &admin, "name,email\nA,a@example.org\n").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["errors"][0]["line"], 1, "the header is line 1");
    let (s, _) = app
        .post(
            &format!("/api/v1/programs/{program}/import"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "JSON is not a CSV");
}

async fn only_the_programs_coordinators_import(app: TestApp) {
    let (_, admin) = app.person("Admin Person").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    let (_, outsider) = app.person("Out Sider").await;
    let file = format!("{HEADER}x@example.org,X,mentee,,,,,,,\n");
    let (s, _) = import(&app, &program, &outsider, &file).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = import(&app, "no-such-program", &admin, &file).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    app.patch(
        &format!("/api/v1/programs/{program}"),
        &admin,
        json!({"archived": true}),
    )
    .await;
    let (s, v) = import(&app, &program, &admin, &file).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
}

async fn a_person_in_both_roles_of_a_peer_program_is_one_account(app: TestApp) {
    let (_, admin) = app.person("Admin Person").await;
    let program = app.program(&admin, "peer", json!({})).await;
    let file = format!(
        "{HEADER}sam@peers.org,Sam Peer,mentor,Design,,Figma,,English,,2\n\
         sam@peers.org,Sam Peer,mentee,,,,Rust,,Europe/Paris,\n"
    );
    let (s, v) = import(&app, &program, &admin, &file).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["created"], 2);
    let (_, users) = app.get("/api/v1/admin/users?q=peers.org", &admin).await;
    assert_eq!(
        users["items"].as_array().unwrap().len(),
        1,
        "one account: {users}"
    );
    assert_eq!(
        enrolments(&app, &program, &admin).await,
        vec![
            ("Sam Peer".to_string(), "mentee".to_string()),
            ("Sam Peer".to_string(), "mentor".to_string()),
        ]
    );
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.state.store.read();
    let queued = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) AS n FROM emails WHERE kind = 'invitation'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(queued, 1, "one invitation for one person");
}
