//! Edits that never overwrite each other (SPEC §7): every shared text carries a
//! version raised by every change; `If-Match` with an older one gets 412
//! `edit_conflict` with the current object, and nothing changes.
use crate::common::TestApp;
use crate::on_both_databases;
use crate::workspace::{active, day, held_meeting};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

on_both_databases!(
    a_change_on_an_older_version_is_refused_with_the_current_object,
    two_people_saving_the_same_notes_lose_nothing,
    if_match_must_name_a_version,
);

/// A PATCH or PUT with `If-Match`.
async fn change(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    if_match: &str,
    body: Value,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::IF_MATCH, if_match)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}

async fn a_change_on_an_older_version_is_refused_with_the_current_object(app: TestApp) {
    let a = active(&app).await;
    let meeting = held_meeting(&app, &a).await;
    let (_, goal) = app
        .post(
            &format!("/api/v1/mentorships/{}/goals", a.id),
            &a.mentee,
            json!({"title": "Speak up"}),
        )
        .await;
    let goal = goal["id"].as_str().unwrap().to_string();
    let (_, milestone) = app
        .post(
            &format!("/api/v1/goals/{goal}/milestones"),
            &a.mentee,
            json!({"title": "First talk"}),
        )
        .await;
    let (_, item) = app
        .post(
            &format!("/api/v1/meetings/{meeting}/action-items"),
            &a.mentee,
            json!({"title": "Read", "due_on": day(3)}),
        )
        .await;
    let (s, agreement) = app
        .put(
            &format!("/api/v1/mentorships/{}/agreement", a.id),
            &a.mentee,
            json!({"goals": "Grow"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{agreement}");
    // Each shared text: (how it is changed, where it is read, a first and a second change).
    let cases = [
        (
            Method::PATCH,
            format!("/api/v1/meetings/{meeting}"),
            format!("/api/v1/meetings/{meeting}"),
            json!({"shared_notes": "first"}),
            json!({"shared_notes": "second"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/goals/{goal}"),
            format!("/api/v1/mentorships/{}/goals", a.id),
            json!({"title": "first"}),
            json!({"title": "second"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/milestones/{}", milestone["id"].as_str().unwrap()),
            format!("/api/v1/mentorships/{}/goals", a.id),
            json!({"title": "first"}),
            json!({"title": "second"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/action-items/{}", item["id"].as_str().unwrap()),
            format!("/api/v1/meetings/{meeting}"),
            json!({"title": "first"}),
            json!({"title": "second"}),
        ),
        (
            Method::PUT,
            format!("/api/v1/mentorships/{}/agreement", a.id),
            format!("/api/v1/mentorships/{}/agreement", a.id),
            json!({"goals": "first"}),
            json!({"goals": "second"}),
        ),
    ];
    for (method, path, read, first, second) in cases {
        // A first change (If-Match: * takes any version), then one on its version.
        let (s, now) = change(&app, method.clone(), &path, &a.mentee, "*", first.clone()).await;
        assert_eq!(s, StatusCode::OK, "{path}: {now}");
        let version = now["version"].as_i64().expect("a version");
        let (s, next) = change(
            &app,
            method.clone(),
            &path,
            &a.mentee,
            &format!("\"{version}\""),
            second.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{path}: {next}");
        assert_eq!(next["version"].as_i64(), Some(version + 1), "{path}");
        // The other person, still on the version before: refused, with what is there now.
        let (s, refused) = change(
            &app,
            method.clone(),
            &path,
            &a.mentor,
            &format!("\"{version}\""),
            first.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{path}: {refused}");
        assert_eq!(refused["error"]["code"], "edit_conflict");
        assert_eq!(refused["current"]["version"].as_i64(), Some(version + 1));
        assert_eq!(refused["current"]["id"], next["id"], "{path}");
        let (_, read_back) = app.get(&read, &a.mentor).await;
        assert!(
            read_back.to_string().contains("second"),
            "{path}: nothing changed on a refusal: {read_back}"
        );
        // Without If-Match, a change applies as before.
        let (s, forced) = app
            .call(method.clone(), &path, Some(&a.mentor), Some(first.clone()))
            .await;
        assert_eq!(s, StatusCode::OK, "{path}: {forced}");
        assert_eq!(forced["version"].as_i64(), Some(version + 2));
    }
}

async fn two_people_saving_the_same_notes_lose_nothing(app: TestApp) {
    let a = active(&app).await;
    let meeting = held_meeting(&app, &a).await;
    let path = format!("/api/v1/meetings/{meeting}");
    // Both open the meeting at the same version.
    let (_, seen) = app.get(&path, &a.mentee).await;
    let version = seen["version"].as_i64().unwrap();
    let tag = format!("\"{version}\"");
    let (s, _) = change(
        &app,
        Method::PATCH,
        &path,
        &a.mentee,
        &tag,
        json!({"shared_notes": "Mentee's line"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, refused) = change(
        &app,
        Method::PATCH,
        &path,
        &a.mentor,
        &tag,
        json!({"shared_notes": "Mentor's line"}),
    )
    .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED);
    assert_eq!(refused["current"]["shared_notes"], "Mentee's line");
    let (_, now) = app.get(&path, &a.mentor).await;
    assert_eq!(now["shared_notes"], "Mentee's line", "the first save stays");
    // The meeting's page's forms carry the version; a stale one shows both texts.
    let (_, page) = app.get_page(&path.replace("/api/v1", ""), &a.mentor).await;
    assert!(page.contains(&format!(r#"name="version" value="{}""#, version + 1)));
}

async fn if_match_must_name_a_version(app: TestApp) {
    let a = active(&app).await;
    let meeting = held_meeting(&app, &a).await;
    for bad in ["\"three\"", "\"1\", \"2\"", "\"3"] {
        let (s, e) = change(
            &app,
            Method::PATCH,
            &format!("/api/v1/meetings/{meeting}"),
            &a.mentee,
            bad,
            json!({"shared_notes": "x"}),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {e}");
    }
    // A bare version, as a client copying it from a body writes it, is a version.
    let (s, e) = change(
        &app,
        Method::PATCH,
        &format!("/api/v1/meetings/{meeting}"),
        &a.mentee,
        "999",
        json!({"shared_notes": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::PRECONDITION_FAILED, "{e}");
}
