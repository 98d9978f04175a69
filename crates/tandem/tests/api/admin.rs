//! Administration (SPEC §6, §7): accounts listed, searched, disabled and made
//! admins — never the last one; archived programs; the audit log, its CSV and
//! its hash chain, which names the first entry that was edited.
use crate::common::TestApp;
use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

crate::on_both_databases!(
    an_admin_finds_disables_and_enables_accounts,
    the_last_active_admin_stays_one,
    an_archived_program_is_read_only_and_listed_on_request,
    admin_and_coordinator_actions_are_audited_in_a_chain_that_shows_edits,
    a_round_is_audited_when_created_and_when_published,
);

async fn an_admin_finds_disables_and_enables_accounts(app: TestApp) {
    let (_, admin) = app.person("Admin Person").await;
    let (ada_id, ada) = app.person("Ada Lovelace").await;
    let (_, grace) = app.person("Grace Hopper").await;
    let second_session = app.log_in("ada.lovelace@example.org").await;

    let (s, v) = app.get("/api/v1/admin/users?q=LOVE", &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{v}");
    assert_eq!(items[0]["email"], "ada.lovelace@example.org");
    assert_eq!(items[0]["disabled"], false);
    let (_, by_mail) = app.get("/api/v1/admin/users?q=hopper@", &admin).await;
    assert_eq!(by_mail["items"].as_array().unwrap().len(), 1, "{by_mail}");
    let (_, page) = app.get("/api/v1/admin/users?limit=2", &admin).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().expect("a third account");
    let (_, rest) = app
        .get(
            &format!("/api/v1/admin/users?limit=2&cursor={cursor}"),
            &admin,
        )
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1, "{rest}");

    let (s, _) = app.get("/api/v1/admin/users", &grace).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only admins");
    let (s, _) = app
        .patch(
            &format!("/api/v1/admin/users/{ada_id}"),
            &grace,
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "accounts are only admins' to look up"
    );

    let (s, v) = app
        .patch(
            &format!("/api/v1/admin/users/{ada_id}"),
            &admin,
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["disabled"], true);
    for token in [&ada, &second_session] {
        let (s, _) = app.get("/api/v1/me", token).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "every session ended at once");
    }
    let (s, v) = app
        .call(
            axum::http::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada.lovelace@example.org", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["error"]["code"], "account_disabled");
    let (s, _) = app
        .call(
            axum::http::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ada.lovelace@example.org", "password": "not her password"})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "a wrong password says nothing more"
    );

    let (s, v) = app
        .patch(
            &format!("/api/v1/admin/users/{ada_id}"),
            &admin,
            json!({"disabled": false, "is_admin": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["disabled"].clone(), v["is_admin"].clone()),
        (json!(false), json!(true))
    );
    let ada = app.log_in("ada.lovelace@example.org").await;
    let (_, me) = app.get("/api/v1/me", &ada).await;
    assert_eq!(me["is_admin"], true);
    let (s, _) = app
        .patch(
            "/api/v1/admin/users/no-such-id",
            &admin,
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn the_last_active_admin_stays_one(app: TestApp) {
    let (admin_id, admin) = app.person("Admin Person").await;
    let (other_id, _) = app.person("Other Person").await;
    for change in [json!({"disabled": true}), json!({"is_admin": false})] {
        let (s, v) = app
            .patch(&format!("/api/v1/admin/users/{admin_id}"), &admin, change)
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["code"], "last_admin");
    }
    let (s, _) = app
        .patch(
            &format!("/api/v1/admin/users/{other_id}"),
            &admin,
            json!({"is_admin": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // With a second admin, the first may step down, and the second may not then.
    let (s, _) = app
        .patch(
            &format!("/api/v1/admin/users/{admin_id}"),
            &admin,
            json!({"is_admin": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let other = app.log_in("other.person@example.org").await;
    let (s, _) = app
        .patch(
            &format!("/api/v1/admin/users/{other_id}"),
            &other,
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn an_archived_program_is_read_only_and_listed_on_request(app: TestApp) {
    let (_, admin) = app.person("Admin Person").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    let (mentor_id, mentor) = app.person("Grace Hopper").await;
    let (_, mentee) = app.person("Ada Lovelace").await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let waiting = app.request(&program, &mentee, &mentor_id).await;

    let (s, v) = app
        .patch(
            &format!("/api/v1/programs/{program}"),
            &admin,
            json!({"archived": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["archived"], true);
    let (_, listed) = app.get("/api/v1/programs", &mentee).await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != program.as_str()),
        "{listed}"
    );
    let (_, all) = app.get("/api/v1/programs?archived=true", &mentee).await;
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == program.as_str()),
        "{all}"
    );
    let (_, newcomer) = app.person("New Comer").await;
    let (s, v) = app
        .post(
            &format!("/api/v1/programs/{program}/enrollments"),
            &newcomer,
            json!({"role": "mentee"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "program_archived");
    let (s, v) = app
        .post(
            "/api/v1/mentorships",
            &mentee,
            crate::common::request_body(&program, &mentor_id),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (s, _) = app
        .post(
            &format!("/api/v1/programs/{program}/rounds"),
            &admin,
            json!({"objective": "optimal"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{waiting}/accept"),
            &mentor,
            json!({}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "a request from before makes no pair now: {v}"
    );
    let (s, v) = app
        .post(
            &format!("/api/v1/mentorships/{waiting}/decline"),
            &mentor,
            json!({"reason": "the program closed"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "it may still be declined: {v}");
    let (s, _) = app
        .get(&format!("/api/v1/programs/{program}"), &mentee)
        .await;
    assert_eq!(s, StatusCode::OK, "still readable");

    let (s, _) = app
        .patch(
            &format!("/api/v1/programs/{program}"),
            &admin,
            json!({"archived": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app
        .post(
            &format!("/api/v1/programs/{program}/enrollments"),
            &newcomer,
            json!({"role": "mentee"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "restored: {v}");
}

async fn admin_and_coordinator_actions_are_audited_in_a_chain_that_shows_edits(app: TestApp) {
    let (admin_id, admin) = app.person("Admin Person").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    let (coordinator_id, coordinator) = app.person("Cora Ordinator").await;
    let (s, _) = app
        .post(
            &format!("/api/v1/programs/{program}/coordinators"),
            &admin,
            json!({"person_id": coordinator_id}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app
        .patch(
            &format!("/api/v1/programs/{program}"),
            &coordinator,
            json!({"description": "Now with a description"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (user_id, _) = app.person("Some One").await;
    app.patch(
        &format!("/api/v1/admin/users/{user_id}"),
        &admin,
        json!({"disabled": true}),
    )
    .await;

    let (s, v) = app.get("/api/v1/admin/audit", &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let actions: Vec<(&str, &str, &str)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor_id"].as_str().unwrap(),
                e["object_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            ("account.disabled", admin_id.as_str(), user_id.as_str()),
            ("program.changed", coordinator_id.as_str(), program.as_str()),
            (
                "program.coordinator_appointed",
                admin_id.as_str(),
                program.as_str()
            ),
            ("program.created", admin_id.as_str(), program.as_str()),
        ],
        "newest first"
    );
    let (s, _) = app.get("/api/v1/admin/audit", &coordinator).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, csv) = app.get("/api/v1/admin/audit.csv", &admin).await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv.as_str().unwrap().to_string();
    assert!(
        csv.starts_with("seq,at,actor_id,action,object_type,object_id,hash\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(!csv.contains("Now with a description"), "never content");

    let verify = || async { tandem::service::audit::verify(&app.state).await.unwrap() };
    assert_eq!(verify().await, Ok(4));
    let db = app.state.store.read();
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 2",
    ))
    .await
    .unwrap();
    assert_eq!(
        verify().await,
        Err(tandem::domain::audit::Break::Changed { seq: 2 })
    );
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "DELETE FROM audit_log WHERE seq = 2",
    ))
    .await
    .unwrap();
    assert_eq!(
        verify().await,
        Err(tandem::domain::audit::Break::Missing { from: 2, to: 2 })
    );
}

async fn a_round_is_audited_when_created_and_when_published(app: TestApp) {
    let (_, admin) = app.person("Admin Person").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    let (_, mentor) = app.person("Grace Hopper").await;
    let (_, mentee) = app.person("Ada Lovelace").await;
    for token in [&mentor, &mentee] {
        app.put(
            "/api/v1/me/profile",
            token,
            json!({"languages": ["English"], "timezone": "Europe/London"}),
        )
        .await;
    }
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let (s, round) = app
        .post(
            &format!("/api/v1/programs/{program}/rounds"),
            &admin,
            json!({"objective": "optimal"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{round}");
    let id = round["id"].as_str().unwrap();
    let (s, v) = app
        .post(&format!("/api/v1/rounds/{id}/publish"), &admin, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, audit) = app.get("/api/v1/admin/audit", &admin).await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..2],
        &["round.published", "round.created"],
        "{actions:?}"
    );
}
