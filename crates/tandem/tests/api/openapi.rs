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

/// The patterns the document gives text agree with what the server takes: every
/// sample the pattern (and the length) calls valid is accepted, every other one
/// refused, so a client that follows the document is never refused for its text.
#[test]
fn the_documented_text_rules_are_the_rules_the_server_applies() {
    use tandem::domain::values::{email_pattern, text, text_pattern, Email};
    let matches = |pattern: &str, max: usize, s: &str| {
        let schema = serde_json::json!({"type": "string", "pattern": pattern, "maxLength": max});
        jsonschema::is_valid(&schema, &serde_json::json!(s))
    };
    let samples = [
        "",
        " ",
        "\t\n",
        "\u{3000}",
        "Ada",
        "  Ada  ",
        "line\nbreak\r\n\ttab",
        "bell\u{7}",
        "trailing vertical tab\u{b}",
        "\u{85}",
        "x\u{85}",
        "\u{9f}",
        "émoji 🎉",
        "a\u{2028}b",
        "ab\u{0}",
    ];
    for required in [false, true] {
        for s in samples {
            assert_eq!(
                matches(&text_pattern(required), 10, s),
                text(s, 10, required).is_ok(),
                "text {s:?} (required: {required})"
            );
        }
        let long = "a".repeat(11);
        assert!(!matches(&text_pattern(required), 10, &long) && text(&long, 10, required).is_err());
        let padded = format!("{}ab", " ".repeat(9));
        assert_eq!(
            matches(&text_pattern(required), 10, &padded),
            text(&padded, 10, required).is_ok()
        );
    }
    let emails = [
        "ada@example.org",
        " Ada@Example.ORG ",
        "ada.lovelace+tag@mail.example.org",
        "ada@example",
        "ada@.example.org",
        "ada@example.org.",
        "ada@example..org",
        "a b@example.org",
        "ada@@example.org",
        "@example.org",
        "ada@",
        "ada\u{1}@example.org",
        "ada@exa\u{a0}mple.org",
        "İstanbul@example.org",
        "",
        "   ",
    ];
    for s in emails {
        assert_eq!(
            matches(&email_pattern(false), 254, s),
            Email::parse(s).is_ok(),
            "e-mail {s:?}"
        );
    }
    assert!(matches(&email_pattern(true), 254, "  "));
    let local = "a".repeat(250);
    let long = format!("{local}@example.org");
    assert!(!matches(&email_pattern(false), 254, &long) && Email::parse(&long).is_err());
}
