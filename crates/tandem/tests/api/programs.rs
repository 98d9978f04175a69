use crate::common::TestApp;
use crate::on_both_databases;
use axum::http::{Method, StatusCode};
use serde_json::json;

on_both_databases!(
    admin_creates_programs_with_defaults_and_others_may_not,
    program_fields_are_validated,
    programs_are_listed_read_and_patched_by_those_who_run_them,
    admins_appoint_coordinators,
    enrolment_rules,
    coordinators_see_enrolments_and_enrol_others,
    mentor_search_filters_by_text_skill_and_field,
    shortlist_shows_name_field_known_for_and_connection,
    lists_are_paginated_and_limits_clamped,
);

async fn admin_creates_programs_with_defaults_and_others_may_not(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (_, someone) = app.person("Someone").await;
    let body = json!({"name": "Spring", "kind": "peer", "context": "academia", "starts_on": "2027-03-01", "ends_on": "2027-06-01", "weights": {"skills": 8, "timezone": 0}});
    let (s, p) = app.post("/api/v1/programs", &admin, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["kind"], "peer");
    assert_eq!(p["context"], "academia");
    assert_eq!(p["starts_on"], "2027-03-01");
    assert_eq!(p["weights"]["skills"], 8);
    assert_eq!(p["weights"]["timezone"], 0);
    assert_eq!(
        p["weights"]["field"], 3,
        "unnamed criteria keep their defaults"
    );
    assert!(p["mentor_capacity"].as_i64().unwrap() >= 1);
    let (s, e) = app.post("/api/v1/programs", &someone, body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["code"], "forbidden");
    let (s, _) = app
        .call(Method::POST, "/api/v1/programs", None, Some(body))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn program_fields_are_validated(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (s, e) = app
        .post("/api/v1/programs", &admin, json!({"name": "", "kind": "solo", "context": "space", "starts_on": "2027-13-01", "ends_on": "tomorrow",
            "mentor_capacity": 0, "cadence_days": 0, "max_mentors_per_mentee": 0, "request_expiry_days": 0, "max_timezone_gap_hours": 13}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "name",
        "kind",
        "context",
        "starts_on",
        "ends_on",
        "mentor_capacity",
        "cadence_days",
        "max_mentors_per_mentee",
        "request_expiry_days",
        "max_timezone_gap_hours",
    ] {
        assert!(
            e["error"]["fields"][field].is_string(),
            "{field} not reported: {e}"
        );
    }
    let (s, e) = app
        .post("/api/v1/programs", &admin, json!({"name": "Backwards", "kind": "group", "context": "startup", "starts_on": "2027-06-01", "ends_on": "2027-06-01"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["ends_on"]
        .as_str()
        .unwrap()
        .contains("after"));
    let (s, e) = app
        .post("/api/v1/programs", &admin, json!({"name": "W", "kind": "group", "context": "startup", "starts_on": "2027-01-01", "ends_on": "2027-06-01", "weights": {"luck": 3}}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["weights"].is_string());
    let (s, _) = app
        .post("/api/v1/programs", &admin, json!({"name": "W", "kind": "group", "context": "startup", "starts_on": "2027-01-01", "ends_on": "2027-06-01", "weights": {"skills": 11}}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, list) = app.get("/api/v1/programs", &admin).await;
    assert_eq!(
        list["items"],
        json!([]),
        "refused programs are not half-written"
    );
}

async fn programs_are_listed_read_and_patched_by_those_who_run_them(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (coord_id, coord) = app.person("Coord").await;
    let (_, member) = app.person("Member").await;
    let id = app.program(&admin, "traditional", json!({})).await;
    let (s, list) = app.get("/api/v1/programs", &member).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"][0]["id"], id);
    assert!(list["next_cursor"].is_null());
    let (s, p) = app.get(&format!("/api/v1/programs/{id}"), &member).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["kind"], "traditional");
    let (s, _) = app.get("/api/v1/programs/not-a-program", &member).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, p) = app
        .patch(
            &format!("/api/v1/programs/{id}"),
            &admin,
            json!({"name": "Renamed", "weights": {"values": 0}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["name"], "Renamed");
    assert_eq!(p["weights"]["values"], 0);
    assert_eq!(p["kind"], "traditional", "fields not given stay");
    let (s, _) = app
        .patch(
            &format!("/api/v1/programs/{id}"),
            &member,
            json!({"name": "Mine now"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    app.post(
        &format!("/api/v1/programs/{id}/coordinators"),
        &admin,
        json!({"person_id": coord_id}),
    )
    .await;
    let (s, p) = app
        .patch(
            &format!("/api/v1/programs/{id}"),
            &coord,
            json!({"cadence_days": 7}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["cadence_days"], 7);
    let (s, e) = app
        .patch(
            &format!("/api/v1/programs/{id}"),
            &coord,
            json!({"ends_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["ends_on"].is_string());
    let (s, _) = app
        .patch("/api/v1/programs/nope", &admin, json!({"name": "x"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn admins_appoint_coordinators(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (coord_id, coord) = app.person("Coord").await;
    let id = app.program(&admin, "traditional", json!({})).await;
    let path = format!("/api/v1/programs/{id}/coordinators");
    let (s, c) = app
        .post(&path, &coord, json!({"person_id": coord_id}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{c}");
    let (s, c) = app
        .post(&path, &admin, json!({"person_id": coord_id}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["person"]["id"], coord_id);
    let (s, e) = app
        .post(&path, &admin, json!({"person_id": coord_id}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "already_coordinator");
    let (s, e) = app.post(&path, &admin, json!({"person_id": "ghost"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["person_id"].is_string());
    let (s, _) = app
        .post(
            "/api/v1/programs/nope/coordinators",
            &admin,
            json!({"person_id": coord_id}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn enrolment_rules(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (_, ada) = app.person("Ada").await;
    let traditional = app.program(&admin, "traditional", json!({})).await;
    let peer = app.program(&admin, "peer", json!({})).await;
    let path = format!("/api/v1/programs/{traditional}/enrollments");
    let (s, e) = app
        .post(&path, &ada, json!({"role": "mentor", "capacity": 3}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(e["role"], "mentor");
    assert_eq!(e["capacity"], 3);
    assert_eq!(e["person"]["name"], "Ada");
    let (s, e) = app.post(&path, &ada, json!({"role": "mentor"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "already_enrolled");
    let (s, _) = app.post(&path, &ada, json!({"role": "mentee"})).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "only peer programs allow both roles"
    );
    let peer_path = format!("/api/v1/programs/{peer}/enrollments");
    let (s, _) = app.post(&peer_path, &ada, json!({"role": "mentor"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = app
        .post(
            &peer_path,
            &ada,
            json!({"role": "mentee", "wants_skills": ["rust"], "goals_summary": "Learn"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(e["wants_skills"], json!(["rust"]));
    let (s, e) = app
        .post(&peer_path, &admin, json!({"role": "teacher"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["role"].is_string());
    let (s, e) = app
        .post(&peer_path, &admin, json!({"role": "mentee", "capacity": 2}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["capacity"].is_string());
    let (s, _) = app
        .post(
            "/api/v1/programs/nope/enrollments",
            &ada,
            json!({"role": "mentee"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn coordinators_see_enrolments_and_enrol_others(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (coord_id, coord) = app.person("Coord").await;
    let (ada_id, ada) = app.person("Ada").await;
    let (bo_id, _) = app.person("Bo").await;
    let id = app.program(&admin, "traditional", json!({})).await;
    app.post(
        &format!("/api/v1/programs/{id}/coordinators"),
        &admin,
        json!({"person_id": coord_id}),
    )
    .await;
    let path = format!("/api/v1/programs/{id}/enrollments");
    let (s, e) = app
        .post(&path, &ada, json!({"role": "mentee", "person_id": bo_id}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, e) = app
        .post(&path, &coord, json!({"role": "mentor", "person_id": bo_id}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(e["person"]["id"], bo_id);
    app.enroll(&id, &ada, "mentee").await;
    let (s, list) = app.get(&path, &coord).await;
    assert_eq!(s, StatusCode::OK);
    let people: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["person"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(people, vec![bo_id.as_str(), ada_id.as_str()]);
    let (s, _) = app.get(&path, &admin).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get(&path, &ada).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn mentor_search_filters_by_text_skill_and_field(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (_, rustacean) = app.person("Rita Rust").await;
    let (_, designer) = app.person("Dan Design").await;
    let (_, mentee) = app.person("Mentee").await;
    let (_, outsider) = app.person("Outsider").await;
    app.put(
        "/api/v1/me/profile",
        &rustacean,
        json!({"field": "Engineering", "skills": ["Rust", "SQL"], "known_for": "Async runtimes"}),
    )
    .await;
    app.put(
        "/api/v1/me/profile",
        &designer,
        json!({"field": "Design", "skills": ["Figma"], "headline": "Design systems lead"}),
    )
    .await;
    let id = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&id, &rustacean, "mentor").await;
    app.enroll(&id, &designer, "mentor").await;
    app.enroll(&id, &mentee, "mentee").await;
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_string())
            .collect()
    };
    let base = format!("/api/v1/programs/{id}/mentors");
    let (s, all) = app.get(&base, &mentee).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(names(&all), vec!["Dan Design", "Rita Rust"]);
    assert_eq!(all["items"][1]["open_slots"], 2);
    assert_eq!(
        names(&app.get(&format!("{base}?skill=rust"), &mentee).await.1),
        vec!["Rita Rust"]
    );
    assert_eq!(
        names(&app.get(&format!("{base}?field=design"), &mentee).await.1),
        vec!["Dan Design"]
    );
    assert_eq!(
        names(
            &app.get(&format!("{base}?q=async%20runtimes"), &mentee)
                .await
                .1
        ),
        vec!["Rita Rust"]
    );
    assert_eq!(
        names(
            &app.get(&format!("{base}?q=systems&field=Design"), &mentee)
                .await
                .1
        ),
        vec!["Dan Design"]
    );
    assert!(names(&app.get(&format!("{base}?skill=cobol"), &mentee).await.1).is_empty());
    let (s, _) = app.get(&base, &outsider).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get(&base, &admin).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get("/api/v1/programs/nope/mentors", &mentee).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn shortlist_shows_name_field_known_for_and_connection(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (_, mentee) = app.person("Mentee").await;
    let (stranger_id, _) = app.person("Stranger").await;
    app.put(
        "/api/v1/me/profile",
        &mentor,
        json!({"field": "Data", "known_for": "Forecasting"}),
    )
    .await;
    let id = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&id, &mentor, "mentor").await;
    app.enroll(&id, &mentee, "mentee").await;
    let (s, item) = app
        .post(
            "/api/v1/shortlist",
            &mentee,
            json!({"person_id": mentor_id, "connection": "Alumni of the same school"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{item}");
    assert_eq!(
        item,
        json!({"person_id": mentor_id, "name": "Mentor", "field": "Data", "known_for": "Forecasting", "connection": "Alumni of the same school"})
    );
    let (s, list) = app.get("/api/v1/shortlist", &mentee).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"], json!([item]));
    let (s, e) = app
        .post(
            "/api/v1/shortlist",
            &mentee,
            json!({"person_id": stranger_id, "connection": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = app
        .delete(&format!("/api/v1/shortlist/{mentor_id}"), &mentee)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app
        .delete(&format!("/api/v1/shortlist/{mentor_id}"), &mentee)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = app.get("/api/v1/shortlist", &mentee).await;
    assert_eq!(list["items"], json!([]));
}

async fn lists_are_paginated_and_limits_clamped(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    for kind in ["traditional", "peer", "group"] {
        app.program(&admin, kind, json!({})).await;
    }
    let (_, first) = app.get("/api/v1/programs?limit=2", &admin).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let (_, second) = app
        .get(&format!("/api/v1/programs?limit=2&cursor={cursor}"), &admin)
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    let mut seen: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    seen.dedup();
    assert_eq!(seen.len(), 3);
    let (s, all) = app.get("/api/v1/programs?limit=100000", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    let (s, e) = app.get("/api/v1/programs?limit=many", &admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["code"], "invalid_query");
}
