use crate::common::TestApp;
use crate::on_both_databases;
use axum::http::StatusCode;
use serde_json::{json, Value};

on_both_databases!(
    both_sign_and_any_change_clears_the_signatures,
    agreements_are_for_running_relationships_and_validated,
);

fn terms() -> Value {
    json!({"goals": "Lead one design end to end", "cadence_days": 14, "meeting_minutes": 45,
           "channel": "Video", "boundaries": "No weekends", "confidentiality": "Stays between us"})
}

async fn active_pair(app: &TestApp) -> (String, String, String, String, String) {
    let (_, admin) = app.person("Admin").await;
    let (mentor_id, mentor) = app.person("Mentor").await;
    let (mentee_id, mentee) = app.person("Mentee").await;
    let program = app.program(&admin, "traditional", json!({})).await;
    app.enroll(&program, &mentor, "mentor").await;
    app.enroll(&program, &mentee, "mentee").await;
    let id = app.request(&program, &mentee, &mentor_id).await;
    let (s, _) = app
        .post(
            &format!("/api/v1/mentorships/{id}/accept"),
            &mentor,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    (id, mentor_id, mentor, mentee_id, mentee)
}

async fn both_sign_and_any_change_clears_the_signatures(app: TestApp) {
    let (id, mentor_id, mentor, mentee_id, mentee) = active_pair(&app).await;
    let path = format!("/api/v1/mentorships/{id}/agreement");
    let (s, e) = app.post(&format!("{path}/sign"), &mentee, json!({})).await;
    assert_eq!(
        s,
        StatusCode::CONFLICT,
        "signing before an agreement exists: {e}"
    );
    let (s, _) = app.get(&path, &mentee).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, a) = app.put(&path, &mentee, terms()).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["goals"], "Lead one design end to end");
    assert_eq!(a["signed_by"], json!([]));
    let (s, a) = app.post(&format!("{path}/sign"), &mentee, json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(a["signed_by"], json!([mentee_id]));
    assert!(a["signed_at"].is_null(), "not fully signed yet");
    let (_, a) = app.post(&format!("{path}/sign"), &mentor, json!({})).await;
    assert_eq!(a["signed_by"].as_array().unwrap().len(), 2);
    assert!(a["signed_by"]
        .as_array()
        .unwrap()
        .contains(&json!(mentor_id)));
    assert!(a["signed_at"].is_string());
    assert_eq!(a["fully_signed"], true);

    // Saving the same terms keeps the signatures; any change clears them.
    let (_, same) = app.put(&path, &mentor, terms()).await;
    assert_eq!(same["signed_by"].as_array().unwrap().len(), 2);
    let mut changed = terms();
    changed["meeting_minutes"] = json!(30);
    let (s, a) = app.put(&path, &mentor, changed).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(a["signed_by"], json!([]));
    assert!(a["signed_at"].is_null());
    assert_eq!(a["meeting_minutes"], 30);
    let (_, read) = app.get(&path, &mentee).await;
    assert_eq!(read["meeting_minutes"], 30);
    assert_eq!(read["signed_by"], json!([]));
}

async fn agreements_are_for_running_relationships_and_validated(app: TestApp) {
    let (id, _, mentor, _, mentee) = active_pair(&app).await;
    let path = format!("/api/v1/mentorships/{id}/agreement");
    let (s, e) = app
        .put(
            &path,
            &mentor,
            json!({"goals": "", "cadence_days": 0, "meeting_minutes": 100000}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["goals", "cadence_days", "meeting_minutes"] {
        assert!(e["error"]["fields"][field].is_string(), "{field}: {e}");
    }
    app.post(
        &format!("/api/v1/mentorships/{id}/complete"),
        &mentee,
        json!({}),
    )
    .await;
    let (s, e) = app.put(&path, &mentor, terms()).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
}
