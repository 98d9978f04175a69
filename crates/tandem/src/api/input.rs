//! What the API reads from a request: JSON bodies and query strings, refused in
//! the SPEC's error shape when they are not what the document promises.
use crate::domain::paging::PageRequest;
use crate::domain::versions::{parse_if_match, Expected};
use crate::error::{AppError, AppResult};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::collections::HashSet;
use utoipa::IntoParams;

/// `If-Match: "<version>"`: the version of a shared text a change was made on
/// (SPEC §7); without the header the change applies as before. 400 when it is not
/// a version in quotes.
pub struct IfMatch(pub Expected);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(Expected::default()));
        };
        let raw = value.to_str().map_err(|_| {
            AppError::BadRequest("If-Match must be a version in quotes, as \"3\"".into())
        })?;
        parse_if_match(raw)
            .map(IfMatch)
            .map_err(AppError::BadRequest)
    }
}

/// Whether the request says its body is JSON: `application/json`, parameters allowed.
fn says_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// A CSV body: 400 unless sent as `text/csv` in UTF-8.
pub struct CsvBody(pub String);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_csv = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/csv"));
        if !is_csv {
            return Err(AppError::BadRequest(
                "send the file as the body with Content-Type: text/csv".into(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(format!("the body can't be read: {e}")))?;
        String::from_utf8(bytes.to_vec())
            .map(CsvBody)
            .map_err(|_| AppError::BadRequest("the file must be UTF-8 text".into()))
    }
}

fn not_json() -> AppError {
    AppError::BadRequest("send a JSON body with Content-Type: application/json".into())
}

/// A JSON body: 400 unless it is exactly one JSON object sent as `application/json`;
/// 422 naming the field when a value has the wrong shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !says_json(req.headers()) {
            return Err(not_json());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(format!("cannot read the request body: {e}")))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// An optional JSON body (lifecycle actions): nothing, whitespace or `null` mean none.
pub fn optional_json<T: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, AppError> {
    let trimmed = body.trim_ascii();
    if trimmed.is_empty() || trimmed == b"null" {
        return Ok(T::default());
    }
    if !says_json(headers) {
        return Err(not_json());
    }
    parse_json(body)
}

/// One step into a JSON value: a member's name or an item's place.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Item(usize),
}

/// Where a value sits, as the steps from the top.
fn steps_of(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    use serde_ignored::Path as P;
    match path {
        P::Root => Vec::new(),
        P::Seq { parent, index } => {
            let mut steps = steps_of(parent);
            steps.push(Step::Item(*index));
            steps
        }
        P::Map { parent, key } => {
            let mut steps = steps_of(parent);
            steps.push(Step::Key(key.clone()));
            steps
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            steps_of(parent)
        }
    }
}

/// The steps as a field name: `intro`, `weights.skills`, `remove[0][1]`.
fn field_name(steps: &[Step]) -> String {
    let mut name = String::new();
    for step in steps {
        match step {
            Step::Key(key) if name.is_empty() => name.push_str(key),
            Step::Key(key) => {
                name.push('.');
                name.push_str(key);
            }
            Step::Item(k) => name.push_str(&format!("[{k}]")),
        }
    }
    if name.is_empty() {
        "body".into()
    } else {
        name
    }
}

/// Exactly one JSON object, then the typed value: 400 for what is not JSON (or not
/// an object, or followed by more bytes), 422 naming the field for a wrong value
/// or for text holding a NUL character. Members the type does not know are
/// ignored whatever they hold; a whole number written with a fraction of zero
/// (`3.0`) is the whole number, as JSON Schema counts it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut value: Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("the body is not one valid JSON value: {e}")))?;
    if !value.is_object() {
        return Err(AppError::BadRequest(
            "the body must be a JSON object".into(),
        ));
    }
    whole_numbers(&mut value);
    // A set: a body may hold many members the type does not read.
    let mut ignored: HashSet<Vec<Step>> = HashSet::new();
    let mut track = serde_path_to_error::Track::new();
    let parsed = {
        let mut note = |path: serde_ignored::Path<'_>| {
            ignored.insert(steps_of(&path));
        };
        let de = serde_ignored::Deserializer::new(&value, &mut note);
        T::deserialize(serde_path_to_error::Deserializer::new(de, &mut track))
    };
    let parsed = match parsed {
        Ok(v) => v,
        Err(err) => return Err(wrong_shape(track.path().to_string(), err.to_string())),
    };
    let mut at = Vec::new();
    if let Some(steps) = holding_nul(&value, &mut at, &ignored) {
        return Err(AppError::field(
            &field_name(&steps),
            "contains a NUL character, which no text may hold",
        ));
    }
    Ok(parsed)
}

/// The 422 for a value serde refused, named by the field it was found at.
fn wrong_shape(path: String, message: String) -> AppError {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next());
    // An unknown name is a problem of the object that holds it.
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|m| m.split('`').next());
    let path = match unknown {
        Some(name) => path
            .strip_suffix(name)
            .map(|p| p.trim_end_matches('.').to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or(path),
        None => path,
    };
    let field = match (path.as_str(), missing) {
        (".", Some(name)) => name.to_string(),
        (".", None) => "body".to_string(),
        (p, Some(name)) => format!("{p}.{name}"),
        _ => path,
    };
    AppError::field(&field, message)
}

/// Turns every float with no fractional part that an `i64` holds into that integer.
fn whole_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && (-9.2e18..=9.2e18).contains(&f) {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(members) => members.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// The first place the type reads (a member's name or a string) that holds a NUL
/// character; members it ignored are skipped.
fn holding_nul(
    value: &Value,
    at: &mut Vec<Step>,
    ignored: &HashSet<Vec<Step>>,
) -> Option<Vec<Step>> {
    if ignored.contains(at) {
        return None;
    }
    match value {
        Value::String(s) if s.contains('\0') => Some(at.clone()),
        Value::Array(items) => items.iter().enumerate().find_map(|(k, v)| {
            at.push(Step::Item(k));
            let found = holding_nul(v, at, ignored);
            at.pop();
            found
        }),
        Value::Object(members) => members.iter().find_map(|(k, v)| {
            at.push(Step::Key(k.clone()));
            let found = if k.contains('\0') && !ignored.contains(at) {
                Some(at[..at.len() - 1].to_vec())
            } else {
                holding_nul(v, at, ignored)
            };
            at.pop();
            found
        }),
        _ => None,
    }
}

/// Query parameters, refused in the SPEC's error shape when malformed.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(ApiQuery)
            .map_err(|e| {
                AppError::unprocessable(
                    "invalid_query",
                    format!("the query string is not valid: {e}"),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        #[serde(default)]
        count: Option<i64>,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn problem(body: &str) -> Option<(String, String)> {
        match parse_json::<Sample>(body.as_bytes()) {
            Ok(_) => None,
            Err(AppError::Validation(fields)) => fields.into_iter().next(),
            Err(other) => Some(("other".into(), format!("{other:?}"))),
        }
    }

    #[test]
    fn a_nul_in_what_is_read_is_refused_by_its_field() {
        assert_eq!(problem(r#"{"name": "a\u0000b"}"#).unwrap().0, "name");
        assert_eq!(
            problem(r#"{"name": "a", "tags": ["x", "\u0000"]}"#)
                .unwrap()
                .0,
            "tags[1]"
        );
    }

    #[test]
    fn what_is_not_read_is_ignored_whatever_it_holds() {
        assert_eq!(
            problem(r#"{"name": "a", "extra\u0000": {"x": "\u0000"}}"#),
            None
        );
        assert_eq!(problem(r#"{"name": "a", "other": ["\u0000"]}"#), None);
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        let s: Sample = parse_json(br#"{"name": "a", "count": 3.0}"#).unwrap();
        assert_eq!(s.count, Some(3));
        assert_eq!(
            problem(r#"{"name": "a", "count": 3.5}"#).unwrap().0,
            "count"
        );
    }
}

/// `?limit=&cursor=` on every list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50; larger values are clamped).
    #[serde(default, deserialize_with = "lenient_limit")]
    #[param(value_type = Option<i64>)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; an invalid cursor is a 400.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn page(&self) -> AppResult<PageRequest> {
        Ok(PageRequest::new(self.limit, self.cursor.as_deref())?)
    }
}

/// A limit as typed: empty means none, and any whole number is taken (and later
/// clamped), however many digits it has.
pub fn lenient_limit<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    let Some(raw) = raw.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let digits = raw.strip_prefix(['-', '+']).unwrap_or(&raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(serde::de::Error::custom("limit must be a whole number"));
    }
    Ok(Some(raw.parse::<i64>().unwrap_or(
        if raw.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        },
    )))
}
