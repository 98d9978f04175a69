//! What waits on a person (`GET /me/waiting`), the workspace snapshot
//! (`GET /mentorships/{id}/workspace`) and the dashboard built from the same rules.
use crate::common::TestApp;
use crate::on_both_databases;
use crate::workspace::{active, at, day, held_meeting, meeting};
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_databases!(
    what_waits_on_a_person_comes_soonest_first_and_never_with_content,
    the_workspace_snapshot_is_what_the_lists_say_and_only_for_participants,
    the_dashboard_runs_as_many_statements_whatever_the_number_of_relationships,
);

fn kinds(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap().to_string())
        .collect()
}

async fn what_waits_on_a_person_comes_soonest_first_and_never_with_content(app: TestApp) {
    let pair = app.pair(json!({})).await;
    let (s, w) = app.get("/api/v1/me/waiting", &pair.mentor).await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(kinds(&w), vec!["request_to_answer"]);
    let item = &w["items"][0];
    assert_eq!(item["mentorship_id"], pair.id.as_str());
    assert_eq!(item["object_id"], pair.id.as_str());
    assert_eq!(
        item["label"],
        "Mentee asks you to be their mentor in traditional program"
    );
    assert!(
        item["due_at"].is_string(),
        "a request is due when it expires"
    );
    let (_, w) = app.get("/api/v1/me/waiting", &pair.mentee).await;
    assert!(kinds(&w).is_empty(), "the mentee waits on nobody: {w}");

    app.post(
        &format!("/api/v1/mentorships/{}/accept", pair.id),
        &pair.mentor,
        json!({}),
    )
    .await;
    app.put(
        &format!("/api/v1/mentorships/{}/agreement", pair.id),
        &pair.mentor,
        json!({"goals": "SECRET-goals"}),
    )
    .await;
    app.post(
        &format!("/api/v1/mentorships/{}/agreement/sign", pair.id),
        &pair.mentor,
        json!({}),
    )
    .await;
    // A meeting that took place, one in two days, an action item due tomorrow.
    let base = format!("/api/v1/mentorships/{}", pair.id);
    let (_, past) = app
        .post(
            &format!("{base}/meetings"),
            &pair.mentor,
            json!({"starts_at": at(-2), "agenda": ["SECRET-agenda"]}),
        )
        .await;
    let past = past["id"].as_str().unwrap().to_string();
    app.patch(
        &format!("/api/v1/meetings/{past}"),
        &pair.mentor,
        json!({"status": "held"}),
    )
    .await;
    let (_, soon) = app
        .post(
            &format!("{base}/meetings"),
            &pair.mentee,
            json!({"starts_at": at(2)}),
        )
        .await;
    let (s, item) = app
        .post(
            &format!("/api/v1/meetings/{past}/action-items"),
            &pair.mentor,
            json!({"title": "SECRET-title", "owner_id": null, "due_on": day(1)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{item}");
    let (_, mentee_item) = app
        .post(
            &format!("/api/v1/meetings/{past}/action-items"),
            &pair.mentee,
            json!({"title": "SECRET-title", "due_on": day(1)}),
        )
        .await;

    let (_, w) = app.get("/api/v1/me/waiting", &pair.mentee).await;
    assert_eq!(
        kinds(&w),
        vec![
            "feedback_to_give",
            "action_item_due",
            "meeting_soon",
            "agreement_to_sign"
        ],
        "soonest first: the meeting ended two days ago, the item is due tomorrow, the meeting is in two days, the agreement in two weeks: {w}"
    );
    let items = w["items"].as_array().unwrap();
    assert_eq!(items[1]["object_id"], mentee_item["id"]);
    assert_eq!(items[2]["object_id"], soon["id"]);
    assert!(
        !w.to_string().contains("SECRET"),
        "a label never carries what the pair wrote: {w}"
    );
    assert!(items[0]["label"]
        .as_str()
        .unwrap()
        .starts_with("Feedback on your meeting with Mentor on "));
    // The mentor has signed; their own item is theirs, not the mentee's.
    let (_, w) = app.get("/api/v1/me/waiting", &pair.mentor).await;
    assert_eq!(
        kinds(&w),
        vec!["feedback_to_give", "action_item_due", "meeting_soon"]
    );
    // Giving the feedback takes it off the list.
    app.post(
        &format!("/api/v1/meetings/{past}/feedback"),
        &pair.mentee,
        json!({"rating": 4}),
    )
    .await;
    let (_, w) = app.get("/api/v1/me/waiting", &pair.mentee).await;
    assert!(!kinds(&w).contains(&"feedback_to_give".to_string()));
    // The dashboard shows the same list.
    let (_, page) = app.get_page("/dashboard", &pair.mentee).await;
    assert!(page.contains(&format!(
        r#"id="item-{}""#,
        mentee_item["id"].as_str().unwrap()
    )));
    assert!(page.contains(&format!(r#"id="meeting-{}""#, soon["id"].as_str().unwrap())));
}

async fn the_workspace_snapshot_is_what_the_lists_say_and_only_for_participants(app: TestApp) {
    let a = active(&app).await;
    let m = held_meeting(&app, &a).await;
    meeting(&app, &a, 3).await;
    app.post(
        &format!("/api/v1/mentorships/{}/messages", a.id),
        &a.mentee,
        json!({"body": "Hello"}),
    )
    .await;
    let path = format!("/api/v1/mentorships/{}/workspace", a.id);
    let (s, ws) = app.get(&path, &a.mentee).await;
    assert_eq!(s, StatusCode::OK, "{ws}");
    let (_, meetings) = app
        .get(&format!("/api/v1/mentorships/{}/meetings", a.id), &a.mentee)
        .await;
    assert_eq!(ws["meetings"], meetings["items"]);
    let (_, progress) = app
        .get(&format!("/api/v1/mentorships/{}/progress", a.id), &a.mentee)
        .await;
    assert_eq!(ws["progress"], progress);
    let (_, timeline) = app
        .get(&format!("/api/v1/mentorships/{}/timeline", a.id), &a.mentee)
        .await;
    assert_eq!(ws["timeline"], timeline["items"]);
    assert_eq!(ws["messages"][0]["body"], "Hello");
    // No agreement yet: writing it comes first.
    assert_eq!(ws["next_step"]["kind"], "write_agreement");
    assert_eq!(ws["can"]["add_content"], true);
    assert_eq!(
        ws["can"]["introduce"], false,
        "the mentee does not introduce"
    );
    let (_, mentor_ws) = app.get(&path, &a.mentor).await;
    assert_eq!(mentor_ws["can"]["introduce"], true);
    assert_eq!(mentor_ws["mentees"][0]["id"], a.mentee_id.as_str());
    assert!(ws["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["kind"] == "feedback_to_give" && w["object_id"] == m.as_str()));
    for (token, status) in [
        (&a.coord, StatusCode::FORBIDDEN),
        (&a.admin, StatusCode::FORBIDDEN),
        (&a.stranger, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.get(&path, token).await.0, status);
    }
}

/// Statements one request runs, once its caches are warm.
async fn statements_of(app: &TestApp, path: &str, token: &str, page: bool) -> u64 {
    let mut counted = 0;
    for _ in 0..2 {
        let before = app.state.store.statements();
        if page {
            let (s, _) = app.get_page(path, token).await;
            assert_eq!(s, StatusCode::OK, "{path}");
        } else {
            let (s, v) = app.get(path, token).await;
            assert_eq!(s, StatusCode::OK, "{path}: {v}");
        }
        counted = app.state.store.statements() - before;
    }
    counted
}

async fn the_dashboard_runs_as_many_statements_whatever_the_number_of_relationships(app: TestApp) {
    let (_, admin) = app.person("Admin").await;
    let program = app
        .program(&admin, "traditional", json!({"mentor_capacity": 5}))
        .await;
    // One mentor with one active relationship, another with four; each relationship
    // with an agreement to sign, a held meeting and an action item.
    let mut mentors = Vec::new();
    for (name, mentees) in [("Few", 1), ("Many", 4)] {
        let (mentor_id, mentor) = app.person(&format!("{name} Mentor")).await;
        app.enroll(&program, &mentor, "mentor").await;
        for k in 0..mentees {
            let (_, mentee) = app.person(&format!("{name} Mentee {k}")).await;
            app.enroll(&program, &mentee, "mentee").await;
            let id = app.request(&program, &mentee, &mentor_id).await;
            app.post(
                &format!("/api/v1/mentorships/{id}/accept"),
                &mentor,
                json!({}),
            )
            .await;
            app.put(
                &format!("/api/v1/mentorships/{id}/agreement"),
                &mentee,
                json!({"goals": "Grow"}),
            )
            .await;
            let (_, m) = app
                .post(
                    &format!("/api/v1/mentorships/{id}/meetings"),
                    &mentee,
                    json!({"starts_at": at(-1)}),
                )
                .await;
            let m = m["id"].as_str().unwrap().to_string();
            app.patch(
                &format!("/api/v1/meetings/{m}"),
                &mentor,
                json!({"status": "held"}),
            )
            .await;
            app.post(
                &format!("/api/v1/meetings/{m}/action-items"),
                &mentor,
                json!({"title": "Read", "due_on": day(1)}),
            )
            .await;
        }
        mentors.push(mentor);
    }
    let (_, few) = app.get("/api/v1/me/waiting", &mentors[0]).await;
    let (_, many) = app.get("/api/v1/me/waiting", &mentors[1]).await;
    assert_eq!(
        few["items"].as_array().unwrap().len() * 4,
        many["items"].as_array().unwrap().len()
    );
    for (path, page) in [("/dashboard", true), ("/api/v1/me/waiting", false)] {
        let one = statements_of(&app, path, &mentors[0], page).await;
        let four = statements_of(&app, path, &mentors[1], page).await;
        assert!(one > 0, "{path}: statements are counted");
        assert_eq!(
            one, four,
            "{path} runs as many statements for four relationships as for one"
        );
    }
}
