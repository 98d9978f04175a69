//! What the OpenAPI document says beyond what the handlers' types give: the
//! security scheme, the statuses every operation shares, and the constraints the
//! server checks of text, so that what the document calls valid is accepted and
//! what it calls invalid is refused.
use crate::domain::values::{
    email_pattern, line_pattern, text_pattern, DATE_PATTERN, INSTANT_PATTERN, LABEL_MAX,
    NO_NUL_PATTERN, SENTENCE_MAX,
};
use crate::domain::wire::EndReason;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
use utoipa::Modify;

/// The Bearer token of `POST /api/v1/auth/login`.
pub struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Statuses every operation of a kind can answer, declared once: 401 where a
/// session is needed, 403 for a cookie change without its CSRF token, 400 where a
/// body or query can be malformed.
pub struct CommonResponses;

fn error_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            if let Some(op) = &mut item.get {
                add_common(op, false);
            }
            for op in [
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_common(op, true);
            }
        }
    }
}

fn add_common(op: &mut Operation, changes: bool) {
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_string())
            .or_insert_with(|| error_response(description));
    };
    let has_query = op
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query);
    if op.request_body.is_some() || has_query {
        add(
            "400",
            "malformed request: not one JSON value of the documented type, not sent as application/json, or an invalid cursor",
        );
    }
    if op.request_body.is_some() {
        add(
            "422",
            "a field of the wrong type, or a value that is not valid (`fields` names each)",
        );
    }
    if has_query {
        add("422", "a query parameter of the wrong type");
    }
    if op.security.is_some() {
        add("401", "sign in first: no valid session or token");
        if changes {
            add(
                "403",
                "not allowed; also a change made with the session cookie without its CSRF token",
            );
        }
    }
}

/// Constraints the types cannot carry, added to the generated document:
///
/// - every text a request body holds gets the pattern of what `text` takes
///   (no control character but tab and line breaks; with `minLength` 1, also
///   something besides white space), e-mail addresses the pattern of
///   `Email::parse`, passwords anything but NUL, list entries their length;
/// - closed sets kept as text get their values (time zones, the reasons to end);
/// - pairs are arrays of exactly two ids;
/// - in query strings, `limit` takes any whole number (it is clamped), a closed
///   set may be left blank, and text holds anything but NUL.
pub struct Constraints;

/// What `If-Match` takes: a version in quotes (weak or strong) or bare, or `*`.
const IF_MATCH_PATTERN: &str = r#"^\s*(\*|[0-9]{1,9}|(W/)?"[0-9]{1,9}")\s*$"#;

/// Entries of the lists in these bodies are labels or sentences of at most this length.
const ITEM_LENGTHS: &[(&str, usize)] = &[
    ("ProfileData", LABEL_MAX),
    ("EnrollmentIn", LABEL_MAX),
    ("PlanData", SENTENCE_MAX),
    ("MeetingIn", SENTENCE_MAX),
    ("MeetingPatch", SENTENCE_MAX),
];

/// Members whose values are closed sets or pairs, and what says so of each.
type Describe = fn(&mut Map<String, Value>);
const NAMED_MEMBERS: &[(&str, &str, Describe)] = &[
    ("ProfileData", "timezone", time_zones),
    ("EndIn", "reason", end_reasons),
    ("RoundPatch", "add", id_pairs),
    ("RoundPatch", "remove", id_pairs),
    ("LoginIn", "email", any_but_nul),
    ("AvailabilityIn", "timezone", time_zones),
    ("ProfileData", "seniority", or_left_blank),
    ("ProfileData", "learning_style", or_left_blank),
    ("ProfileData", "meeting_preference", or_left_blank),
    ("RegisterIn", "name", one_line),
    ("IntroductionIn", "contact_name", one_line),
    ("ProgramIn", "name", one_line),
    ("ProgramPatch", "name", one_line),
    ("AnswerIn", "value", scale_or_text),
];

/// A check-in answer: 1–5 for a scale question, a text for a text question.
fn scale_or_text(schema: &mut Map<String, Value>) {
    let description = schema.remove("description");
    schema.clear();
    schema.insert(
        "oneOf".into(),
        json!([
            {"type": "integer", "minimum": 1, "maximum": 5},
            {"type": "string", "maxLength": 2000, "pattern": text_pattern(false)}
        ]),
    );
    if let Some(d) = description {
        schema.insert("description".into(), d);
    }
}

/// Text that goes into an e-mail header: one line without any control character.
fn one_line(schema: &mut Map<String, Value>) {
    let required = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) >= 1;
    schema.insert("pattern".into(), json!(line_pattern(required)));
}

/// A closed set a form may leave blank: `""` reads as none, like null.
fn or_left_blank(schema: &mut Map<String, Value>) {
    if let Some(choices) = schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        choices.push(json!({"type": "string", "enum": [""]}));
    }
}

/// Anything but NUL: what a sign-in looks up.
fn any_but_nul(schema: &mut Map<String, Value>) {
    schema.insert("pattern".into(), json!(NO_NUL_PATTERN));
}

/// The IANA names; blank or null is no time zone.
fn time_zones(schema: &mut Map<String, Value>) {
    let mut names: Vec<Value> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| json!(tz.name()))
        .collect();
    names.push(json!(""));
    names.push(Value::Null);
    schema.insert("enum".into(), Value::Array(names));
}

/// The reasons a participant may give.
fn end_reasons(schema: &mut Map<String, Value>) {
    let reasons = EndReason::CHOSEN
        .iter()
        .map(|r| json!(r.as_str()))
        .collect();
    schema.insert("enum".into(), Value::Array(reasons));
}

/// Arrays of `[mentor_id, mentee_id]`.
fn id_pairs(schema: &mut Map<String, Value>) {
    if let Some(pair) = schema.get_mut("items").and_then(Value::as_object_mut) {
        pair.insert("minItems".into(), json!(2));
        pair.insert("maxItems".into(), json!(2));
        if let Some(id) = pair.get_mut("items").and_then(Value::as_object_mut) {
            id.insert("pattern".into(), json!(text_pattern(false)));
        }
    }
}

impl Modify for Constraints {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let mut doc = serde_json::to_value(&*openapi).expect("the document is JSON");
        constrain_queries(&mut doc);
        let bodies = request_body_schemas(&doc);
        // The bodies named here by hand must be bodies still: a rename would
        // otherwise drop their constraints without a word.
        for (component, _) in ITEM_LENGTHS {
            assert!(
                bodies.contains(*component),
                "{component} is no request body any more"
            );
        }
        for (component, member, _) in NAMED_MEMBERS {
            let at = format!("/components/schemas/{component}/properties/{member}");
            assert!(
                bodies.contains(*component) && doc.pointer(&at).is_some(),
                "{component}.{member} is no member of a request body any more"
            );
        }
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            for (name, schema) in schemas.iter_mut() {
                if !bodies.contains(name) {
                    continue;
                }
                let item_length = ITEM_LENGTHS
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, l)| *l);
                if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                    for (field, prop) in props.iter_mut() {
                        constrain_member(name, field, prop, item_length);
                    }
                }
            }
        }
        *openapi = serde_json::from_value(doc).expect("the document stays an OpenAPI document");
    }
}

fn constrain_queries(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in item.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for param in params.iter_mut().filter(|p| p["in"] == "header") {
                if param["name"] == "If-Match" {
                    if let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) {
                        // Optional is said by `required: false`; a header is never null.
                        schema.insert("type".into(), json!("string"));
                        schema.insert("pattern".into(), json!(IF_MATCH_PATTERN));
                    }
                }
            }
            for param in params.iter_mut().filter(|p| p["in"] == "query") {
                let name = param["name"].as_str().unwrap_or_default().to_string();
                let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) else {
                    continue;
                };
                if name == "limit" {
                    schema.remove("format");
                    or_blank(schema);
                } else if schema.contains_key("$ref") {
                    or_blank(schema);
                } else if schema.get("format").and_then(Value::as_str) == Some("date") {
                    schema.insert("pattern".into(), json!(DATE_PATTERN));
                } else if is_free_text(schema) {
                    schema.insert("pattern".into(), json!(NO_NUL_PATTERN));
                }
            }
        }
    }
}

/// A number or a closed set in a query string may be left blank (`?status=`,
/// `?limit=`): then it is not given.
fn or_blank(schema: &mut Map<String, Value>) {
    let given = Value::Object(std::mem::take(schema));
    schema.insert(
        "anyOf".into(),
        json!([given, {"type": "string", "enum": [""]}]),
    );
}

/// The names of the component schemas request bodies use, directly or within.
fn request_body_schemas(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo: Vec<String> = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            for op in item.values() {
                if let Some(body) = op.get("requestBody") {
                    refs_in(body, &mut todo);
                }
            }
        }
    }
    while let Some(name) = todo.pop() {
        if found.insert(name.clone()) {
            if let Some(schema) = doc.pointer(&format!("/components/schemas/{name}")) {
                refs_in(schema, &mut todo);
            }
        }
    }
    found
}

fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    out.push(name.to_string());
                }
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

fn has_type(schema: &Map<String, Value>, ty: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == ty,
        Some(Value::Array(ts)) => ts.iter().any(|t| t == ty),
        _ => false,
    }
}

/// Text with no format, set of values or pattern of its own.
fn is_free_text(schema: &Map<String, Value>) -> bool {
    has_type(schema, "string")
        && !schema.contains_key("enum")
        && !schema.contains_key("pattern")
        && !schema.contains_key("format")
}

fn constrain_member(component: &str, field: &str, prop: &mut Value, item_length: Option<usize>) {
    let Some(schema) = prop.as_object_mut() else {
        return;
    };
    if let Some((.., describe)) = NAMED_MEMBERS
        .iter()
        .find(|(c, m, _)| *c == component && *m == field)
    {
        describe(schema);
        return;
    }
    let format = schema.get("format").and_then(Value::as_str);
    if has_type(schema, "string") && format == Some("password") {
        // Any password but one with a NUL, which no database holds.
        schema.insert("pattern".into(), json!(NO_NUL_PATTERN));
    } else if has_type(schema, "string") && format == Some("date") {
        // An optional date may be left blank.
        let pattern = if has_type(schema, "null") {
            format!("{DATE_PATTERN}|^\\s*$")
        } else {
            DATE_PATTERN.to_string()
        };
        schema.insert("pattern".into(), json!(pattern));
    } else if has_type(schema, "string") && format == Some("date-time") {
        schema.insert("pattern".into(), json!(INSTANT_PATTERN));
    } else if has_type(schema, "string") && format == Some("email") {
        schema.remove("format");
        // An optional address may be left blank.
        let optional = has_type(schema, "null");
        schema.insert("pattern".into(), json!(email_pattern(optional)));
    } else if is_free_text(schema) {
        let required = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) >= 1;
        schema.insert("pattern".into(), json!(text_pattern(required)));
    } else if has_type(schema, "array") {
        if let Some(item) = schema.get_mut("items").and_then(Value::as_object_mut) {
            if is_free_text(item) {
                item.insert("pattern".into(), json!(text_pattern(false)));
                if let Some(max) = item_length {
                    item.insert("maxLength".into(), json!(max));
                }
            }
        }
    }
}
