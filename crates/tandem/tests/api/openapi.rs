//! The OpenAPI document is the API's contract: a snapshot makes every change to it
//! visible in review, and the harness holds every response to it (`contract`).
use crate::common::TestApp;
use axum::http::{Method, StatusCode};

#[test]
fn the_openapi_document_changes_only_in_review() {
    insta::assert_json_snapshot!("openapi", tandem::api::openapi());
}

#[tokio::test]
async fn the_served_document_is_the_reviewed_one() {
    let app = TestApp::sqlite().await;
    let (s, served) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        served,
        serde_json::to_value(tandem::api::openapi()).unwrap()
    );
    let values = &served["components"]["schemas"]["MentorshipStatus"]["enum"];
    assert_eq!(values[0], "requested", "enum values as the wire sends them");
}
