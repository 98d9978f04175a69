//! Parse, don't validate: values that cannot hold an invalid state.
use crate::error::{AppError, FieldErrors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;
use utoipa::ToSchema;

/// Collects problems field by field, so a form can show all of them at once.
#[derive(Default)]
pub struct Problems(FieldErrors);

impl Problems {
    pub fn add(&mut self, field: &str, problem: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| problem.into());
    }
    /// Keeps the value when it parsed, remembers the problem when it did not.
    pub fn take<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(problem) => {
                self.add(field, problem);
                None
            }
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

/// An e-mail address, trimmed and lower-cased: `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let email = raw.trim().to_lowercase();
        let bad = || Err("must look like an e-mail address, e.g. ada@example.org".to_string());
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad();
        }
        let Some((local, domain)) = email.split_once('@') else {
            return bad();
        };
        if local.is_empty()
            || domain.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return bad();
        }
        Ok(Email(email))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A password of 10 to 1024 characters.
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Password, String> {
        let n = raw.chars().count();
        if n < 10 {
            return Err("must be at least 10 characters".into());
        }
        if n > 1024 {
            return Err("must be at most 1024 characters".into());
        }
        Ok(Password(raw.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Text trimmed and bounded in length; `required` refuses the empty string.
pub fn text(raw: &str, max: usize, required: bool) -> Result<String, String> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err("is required".into());
    }
    if t.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("contains control characters".into());
    }
    Ok(t.to_string())
}

/// A list of short labels (skills, languages…): trimmed, de-duplicated, bounded.
pub fn labels(raw: &[String], max_items: usize) -> Result<Vec<String>, String> {
    if raw.len() > max_items {
        return Err(format!("at most {max_items} entries"));
    }
    let mut out: Vec<String> = Vec::new();
    for item in raw {
        let t = text(item, 100, false).map_err(|e| format!("an entry {e}"))?;
        if !t.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Longer list entries (goals, strengths).
pub fn sentences(raw: &[String], max_items: usize) -> Result<Vec<String>, String> {
    if raw.len() > max_items {
        return Err(format!("at most {max_items} entries"));
    }
    raw.iter()
        .map(|s| text(s, 500, false).map_err(|e| format!("an entry {e}")))
        .filter(|r| !matches!(r, Ok(s) if s.is_empty()))
        .collect()
}

pub fn in_range(value: i64, min: i64, max: i64) -> Result<i32, String> {
    if value < min || value > max {
        Err(format!("must be between {min} and {max}"))
    } else {
        Ok(value as i32)
    }
}

/// An IANA time zone name such as `Europe/Berlin`.
pub fn timezone(raw: &str) -> Result<String, String> {
    chrono_tz::Tz::from_str(raw.trim())
        .map(|tz| tz.name().to_string())
        .map_err(|_| "must be an IANA time zone such as Europe/Berlin".into())
}

/// Declares a closed set of values with its wire names, used for JSON, forms and columns.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
            pub fn parse(raw: &str) -> Result<$name, String> {
                match raw.trim() {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(format!("must be one of: {}", [$($wire),+].join(", "))),
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(Role { Mentor = "mentor", Mentee = "mentee" });
wire_enum!(ProgramKind { Traditional = "traditional", Peer = "peer", Reverse = "reverse", Group = "group" });
wire_enum!(ProgramContext { Corporate = "corporate", Startup = "startup", Academia = "academia", Community = "community" });
wire_enum!(Seniority { Student = "student", Junior = "junior", Mid = "mid", Senior = "senior", Lead = "lead", Executive = "executive" });
wire_enum!(LearningStyle { Visual = "visual", Auditory = "auditory", ReadingWriting = "reading_writing", Kinesthetic = "kinesthetic" });
wire_enum!(MeetingPreference { Video = "video", InPerson = "in_person", Phone = "phone", Chat = "chat", Any = "any" });
wire_enum!(Origin { Request = "request", Round = "round", Coordinator = "coordinator" });
wire_enum!(EndReason { NotAGoodFit = "not_a_good_fit", Time = "time", GoalsMetEarly = "goals_met_early", Other = "other" });
wire_enum!(MentorshipStatus {
    Requested = "requested",
    Proposed = "proposed",
    Active = "active",
    Paused = "paused",
    Declined = "declined",
    Withdrawn = "withdrawn",
    Expired = "expired",
    Merged = "merged",
    Completed = "completed",
    Ended = "ended",
});

impl MentorshipStatus {
    /// Statuses that use a mentor's capacity.
    pub const USING_CAPACITY: &'static [MentorshipStatus] = &[
        MentorshipStatus::Active,
        MentorshipStatus::Paused,
        MentorshipStatus::Proposed,
    ];
    /// Statuses that count towards a mentee's `max_mentors_per_mentee`, and that make a
    /// second request between the same two people a duplicate.
    pub const OPEN: &'static [MentorshipStatus] = &[
        MentorshipStatus::Requested,
        MentorshipStatus::Proposed,
        MentorshipStatus::Active,
        MentorshipStatus::Paused,
    ];
    pub fn strs(set: &[MentorshipStatus]) -> Vec<&'static str> {
        set.iter().map(|s| s.as_str()).collect()
    }
}

/// Matching criteria and their default weights (SPEC §5 Programs).
pub const CRITERIA: &[(&str, u8)] = &[
    ("skills", 5),
    ("field", 3),
    ("values", 3),
    ("seniority", 3),
    ("interests", 1),
    ("background", 1),
    ("learning_style", 1),
    ("meeting_preference", 1),
    ("availability", 1),
    ("timezone", 1),
];

pub type Weights = BTreeMap<String, u8>;

pub fn default_weights() -> Weights {
    CRITERIA.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Merges given weights over `base`; unknown criteria and values outside 0…10 are refused.
pub fn weights(
    base: Weights,
    given: &BTreeMap<String, serde_json::Value>,
) -> Result<Weights, String> {
    let mut out = base;
    for (k, v) in given {
        if !CRITERIA.iter().any(|(c, _)| c == k) {
            let names: Vec<&str> = CRITERIA.iter().map(|(c, _)| *c).collect();
            return Err(format!(
                "unknown criterion {k:?}; known: {}",
                names.join(", ")
            ));
        }
        match v.as_u64() {
            Some(n) if n <= 10 => {
                out.insert(k.clone(), n as u8);
            }
            _ => return Err(format!("{k} must be a whole number from 0 to 10")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@@example.org",
            "ada@example..org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn timezones_must_be_iana_names() {
        assert_eq!(timezone("Europe/Berlin").unwrap(), "Europe/Berlin");
        assert!(timezone("Mars/Olympus").is_err());
        assert!(timezone("").is_err());
    }

    #[test]
    fn weights_refuse_unknown_criteria_and_out_of_range_values() {
        let given = BTreeMap::from([("skills".to_string(), serde_json::json!(8))]);
        assert_eq!(weights(default_weights(), &given).unwrap()["skills"], 8);
        let unknown = BTreeMap::from([("luck".to_string(), serde_json::json!(1))]);
        assert!(weights(default_weights(), &unknown).is_err());
        let big = BTreeMap::from([("skills".to_string(), serde_json::json!(11))]);
        assert!(weights(default_weights(), &big).is_err());
    }

    #[test]
    fn labels_are_trimmed_and_deduplicated() {
        let got = labels(
            &[" Rust ".into(), "rust".into(), "".into(), "SQL".into()],
            10,
        )
        .unwrap();
        assert_eq!(got, vec!["Rust", "SQL"]);
    }
}
