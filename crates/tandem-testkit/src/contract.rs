//! The OpenAPI document as a contract the tests hold the wire to: every API
//! response a test receives must be declared for its operation and status, and
//! its body must match the declared schema.
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A compiled response schema per (path template, method, status); None: no body.
type Validators = HashMap<(String, String, String), Option<std::sync::Arc<jsonschema::Validator>>>;

struct Contract {
    doc: Value,
    /// Path templates split into segments (`None` for a `{parameter}`).
    templates: Vec<(String, Vec<Option<String>>)>,
    validators: Mutex<Validators>,
}

fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| {
        let doc = serde_json::to_value(tandem::api::openapi()).expect("the document serialises");
        let templates = doc["paths"]
            .as_object()
            .expect("paths")
            .keys()
            .map(|t| {
                let segments = t
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                    .collect();
                (t.clone(), segments)
            })
            .collect();
        Contract {
            doc,
            templates,
            validators: Mutex::new(HashMap::new()),
        }
    })
}

/// The template of `path`: the one that matches with the most literal segments.
fn template_of(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    contract()
        .templates
        .iter()
        .filter(|(_, t)| {
            t.len() == segments.len()
                && t.iter()
                    .zip(&segments)
                    .all(|(want, got)| want.as_deref().is_none_or(|w| w == *got))
        })
        .max_by_key(|(_, t)| t.iter().filter(|s| s.is_some()).count())
        .map(|(name, _)| name.clone())
}

/// Panics unless the response is declared, with a body of the declared shape.
pub fn check(method: &str, uri: &str, status: u16, body: &Value) {
    let path = uri.split('?').next().unwrap_or(uri);
    if !path.starts_with("/api/v1/") {
        return;
    }
    let Some(template) = template_of(path) else {
        // Unknown API paths answer 404 in the error shape and are no operation.
        assert_eq!(
            status, 404,
            "{method} {path}: no such operation, yet {status}"
        );
        return;
    };
    let c = contract();
    let method = method.to_lowercase();
    let op = &c.doc["paths"][&template][&method];
    if op.is_null() {
        assert_eq!(
            status, 405,
            "{method} {template}: not an operation, yet {status}"
        );
        return;
    }
    let response = &op["responses"][status.to_string()];
    assert!(
        !response.is_null(),
        "{} {template} answered {status}, which its OpenAPI operation does not declare: {body}",
        method.to_uppercase()
    );
    let key = (template.clone(), method.clone(), status.to_string());
    let validator = {
        let mut cache = c.validators.lock().unwrap();
        cache
            .entry(key)
            .or_insert_with(|| {
                let schema = response["content"]["application/json"]["schema"].clone();
                if schema.is_null() {
                    return None;
                }
                let document = serde_json::json!({
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "components": c.doc["components"],
                    "allOf": [schema],
                });
                Some(std::sync::Arc::new(
                    jsonschema::validator_for(&document).expect("the declared schema compiles"),
                ))
            })
            .clone()
    };
    // A file (CSV, SVG, calendar) is declared by its own content type and comes as text.
    let file_types: Vec<&String> = response["content"]
        .as_object()
        .map(|c| c.keys().filter(|k| *k != "application/json").collect())
        .unwrap_or_default();
    if validator.is_none() && !file_types.is_empty() {
        assert!(
            body.is_string(),
            "{} {template} {status} declares {file_types:?} but sent {body}",
            method.to_uppercase()
        );
        return;
    }
    match validator {
        None => assert!(
            body.is_null(),
            "{} {template} {status} declares no body but sent {body}",
            method.to_uppercase()
        ),
        Some(v) => {
            let problems: Vec<String> = v
                .iter_errors(body)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                problems.is_empty(),
                "{} {template} {status}: the body does not match its declared schema: {problems:?}\n{body}",
                method.to_uppercase()
            );
        }
    }
}

#[test]
fn the_contract_refuses_undeclared_statuses_and_bodies_of_the_wrong_shape() {
    let user =
        serde_json::json!({"id": "a", "email": "a@example.org", "name": "A", "is_admin": false});
    check("GET", "/api/v1/me", 200, &user);
    let wrong_shape = serde_json::json!({"id": 5, "email": "a@example.org"});
    assert!(std::panic::catch_unwind(|| check("GET", "/api/v1/me", 200, &wrong_shape)).is_err());
    assert!(std::panic::catch_unwind(|| check("GET", "/api/v1/me", 409, &user)).is_err());
    let status = serde_json::json!({"items": [{"status": "Active"}], "next_cursor": null});
    assert!(
        std::panic::catch_unwind(|| check("GET", "/api/v1/mentorships", 200, &status)).is_err()
    );
}
