//! Parse, don't validate: values that cannot hold an invalid state, and the
//! problems found on the way, field by field.
use super::wire::{Criterion, WireEnum};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::str::FromStr;
use utoipa::ToSchema;

/// What is wrong with each field of an input, by field name.
pub type FieldErrors = BTreeMap<String, String>;

/// An input that did not pass: the problems, field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub FieldErrors);

impl Invalid {
    pub fn field(field: &str, problem: impl Into<String>) -> Invalid {
        Invalid(BTreeMap::from([(field.to_string(), problem.into())]))
    }
}

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
    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

/// A closed-set value as sent: one of the set, nothing (absent, null or `""`), or
/// something else, kept as the problem so that it is reported with every other
/// field's instead of stopping at the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick<T>(Result<Option<T>, String>);

impl<T> Default for Pick<T> {
    fn default() -> Self {
        Pick(Ok(None))
    }
}

impl<T: WireEnum> Pick<T> {
    pub fn of(value: T) -> Self {
        Pick(Ok(Some(value)))
    }
    pub fn none() -> Self {
        Pick(Ok(None))
    }
    /// From text typed into a form: empty is nothing.
    pub fn typed(raw: &str) -> Self {
        let raw = raw.trim();
        if raw.is_empty() {
            return Pick(Ok(None));
        }
        Pick(T::from_wire(raw).map(Some))
    }
    /// The value or nothing; a problem when something else was sent.
    pub fn optional(&self) -> Result<Option<T>, String> {
        self.0.clone()
    }
    /// The value; "is required" when nothing was sent.
    pub fn required(&self) -> Result<T, String> {
        self.0
            .clone()?
            .ok_or_else(|| format!("is required: one of {}", T::wire_names()))
    }
}

impl<'de, T: WireEnum> Deserialize<'de> for Pick<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Option::<serde_json::Value>::deserialize(d)?;
        Ok(Pick(match raw {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(serde_json::Value::String(s)) => T::from_wire(&s).map(Some),
            Some(_) => Err(format!("must be one of: {}", T::wire_names())),
        }))
    }
}

impl<T: WireEnum> Serialize for Pick<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(Some(v)) => s.serialize_str(v.to_wire()),
            _ => s.serialize_none(),
        }
    }
}

/// An e-mail address, trimmed and lower-cased: `local@domain.tld`, at most 254
/// characters as sent and as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let bad = || Err("must look like an e-mail address, e.g. ada@example.org".to_string());
        if raw.chars().count() > 254 {
            return bad();
        }
        let email = raw.trim().to_lowercase();
        // A few letters grow when lower-cased (`İ` is two characters then).
        if email.chars().count() > 254 {
            return bad();
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
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

/// The characters Rust's `trim` takes away (Unicode White_Space), for patterns.
const WHITESPACE: &str =
    r"\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// The control characters `text` refuses: all but tab, line feed and carriage return.
const CONTROL: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// What the OpenAPI document says of text `text` reads: the pattern of an
/// optional text (no control character but tab and line breaks) or, when
/// `required`, of one that also holds something besides white space.
pub fn text_pattern(required: bool) -> String {
    if required {
        format!("^[^{CONTROL}]*[^{CONTROL}{WHITESPACE}][^{CONTROL}]*$")
    } else {
        format!("^[^{CONTROL}]*$")
    }
}

/// Every control character, line breaks and tab included.
const ANY_CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";

/// What `line` takes, as a pattern: one line without any control character, and
/// when `required` something besides white space.
pub fn line_pattern(required: bool) -> String {
    if required {
        format!("^[^{ANY_CONTROL}]*[^{ANY_CONTROL}{WHITESPACE}][^{ANY_CONTROL}]*$")
    } else {
        format!("^[^{ANY_CONTROL}]*$")
    }
}

/// Text no database refuses: anything but NUL (passwords, search words).
pub const NO_NUL_PATTERN: &str = r"^[^\u0000]*$";

/// What `Email::parse` takes, as a pattern (its length is bounded apart); an
/// `optional` address may also be blank.
pub fn email_pattern(optional: bool) -> String {
    let part = format!("[^@.{CONTROL}{WHITESPACE}]");
    let local = format!("[^@{CONTROL}{WHITESPACE}]");
    let address = format!("{local}+@{part}+(\\.{part}+)+");
    if optional {
        format!("^[{WHITESPACE}]*({address})?[{WHITESPACE}]*$")
    } else {
        format!("^[{WHITESPACE}]*{address}[{WHITESPACE}]*$")
    }
}

/// Text trimmed and bounded in length (counted as sent, before trimming);
/// `required` refuses text that is empty once trimmed.
pub fn text(raw: &str, max: usize, required: bool) -> Result<String, String> {
    if raw.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if raw
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("contains control characters".into());
    }
    let t = raw.trim();
    if required && t.is_empty() {
        return Err("is required".into());
    }
    Ok(t.to_string())
}

/// Text that goes into an e-mail header (a person's or a contact's name, a program's
/// name in a subject): like `text`, but one line with no control character at all,
/// so that no header can be split or smuggled in (SPEC §7).
pub fn line(raw: &str, max: usize, required: bool) -> Result<String, String> {
    if raw.chars().any(char::is_control) {
        return Err("must be one line without control characters (no line breaks or tabs)".into());
    }
    text(raw, max, required)
}

/// The longest label (a skill, a language…) and the longest list sentence (a goal).
pub const LABEL_MAX: usize = 100;
pub const SENTENCE_MAX: usize = 500;

/// A list of short labels (skills, languages…): trimmed, de-duplicated, bounded.
pub fn labels(raw: &[String], max_items: usize) -> Result<Vec<String>, String> {
    if raw.len() > max_items {
        return Err(format!("at most {max_items} entries"));
    }
    let mut out: Vec<String> = Vec::new();
    for item in raw {
        let t = text(item, LABEL_MAX, false).map_err(|e| format!("an entry {e}"))?;
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
        .map(|s| text(s, SENTENCE_MAX, false).map_err(|e| format!("an entry {e}")))
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

/// An IANA time zone name such as `Europe/Berlin`. A lone city that names a zone
/// ("Berlin") is still refused, but the message names the zone to send.
pub fn timezone(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    chrono_tz::Tz::from_str(raw)
        .map(|tz| tz.name().to_string())
        .map_err(|_| match zones_of_city(raw).as_slice() {
            [] => "must be an IANA time zone such as Europe/Berlin".into(),
            [one] => format!("must be an IANA time zone name: for {raw}, write {one}"),
            many => format!(
                "must be an IANA time zone name: for {raw}, write one of {}",
                many.join(", ")
            ),
        })
}

/// The regions IANA zones are grouped under (the first part of a zone's name);
/// zones outside them are old aliases such as `US/Eastern`.
pub const ZONE_REGIONS: [&str; 10] = [
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

/// Every zone a person picks from: `UTC` and the zones of the regions, by name.
pub fn pickable_zones() -> impl Iterator<Item = &'static str> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| {
            *name == "UTC"
                || name
                    .split_once('/')
                    .is_some_and(|(region, _)| ZONE_REGIONS.contains(&region))
        })
}

/// The zones whose last part is this city (`new york` → `America/New_York`).
fn zones_of_city(city: &str) -> Vec<&'static str> {
    let wanted = city.replace(' ', "_");
    if wanted.is_empty() || wanted.contains('/') {
        return Vec::new();
    }
    pickable_zones()
        .filter(|zone| {
            zone.rsplit('/')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case(&wanted))
        })
        .collect()
}

/// A meeting's place when it is a web address a link may point to: `http` or
/// `https` with a host, one word (no blanks), normalised; anything else is a
/// place to go to, not a link.
pub fn web_link(place: &str) -> Option<String> {
    let t = place.trim();
    if t.is_empty() || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let url = url::Url::parse(t).ok()?;
    let web =
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty());
    web.then(|| url.to_string())
}

/// A calendar date written `YYYY-MM-DD`, between the years 1900 and 9999 (what
/// both databases hold alike).
pub fn date(raw: &str) -> Result<chrono::NaiveDate, String> {
    use chrono::Datelike;
    let bad = || "must be a date written YYYY-MM-DD, between 1900 and 9999".to_string();
    let raw = raw.trim();
    let d = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| bad())?;
    // Written out in full: `2027-1-5` is not the form the document gives.
    if (1900..=9999).contains(&d.year()) && d.format("%Y-%m-%d").to_string() == raw {
        Ok(d)
    } else {
        Err(bad())
    }
}

/// An optional date as sent: absent or blank is none.
pub fn optional_date(raw: Option<&str>) -> Result<Option<chrono::NaiveDate>, String> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => date(d).map(Some),
    }
}

/// What `date` and `instant` take, as patterns beside their formats: the year
/// 1900–9999, blanks around allowed.
pub const DATE_PATTERN: &str = r"^\s*(19[0-9]{2}|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}\s*$";
pub const INSTANT_PATTERN: &str = r"^\s*(19[0-9]{2}|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-](0[0-9]|1[0-3]):[0-9]{2})\s*$";

/// An instant written in RFC 3339 (`2026-12-01T15:00:00Z`, any offset), between
/// the years 1900 and 9999, to the whole second (what calendars carry).
pub fn instant(raw: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    use chrono::{Datelike, SubsecRound};
    let bad = || "must be a time written in RFC 3339, such as 2026-12-01T15:00:00Z".to_string();
    let at = chrono::DateTime::parse_from_rfc3339(raw.trim()).map_err(|_| bad())?;
    let at = at.with_timezone(&chrono::Utc).trunc_subsecs(0);
    if (1900..=9999).contains(&at.year()) {
        Ok(at)
    } else {
        Err(bad())
    }
}

/// Declares the weights per criterion twice from one list: the whole set, and a
/// patch in which every criterion is optional and unknown names are refused.
macro_rules! weights {
    ($($field:ident => $criterion:ident),+ $(,)?) => {
        /// Criterion → weight 0…10 (0 switches it off).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        pub struct Weights {
            $(#[schema(maximum = 10)] pub $field: u8,)+
        }

        /// Criteria to change, each 0…10 (0 switches it off); unnamed criteria keep their weight.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct WeightsPatch {
            $(#[schema(maximum = 10)] pub $field: Option<u8>,)+
        }

        impl Default for Weights {
            fn default() -> Self {
                Weights { $($field: Criterion::$criterion.default_weight(),)+ }
            }
        }

        impl Weights {
            pub fn get(&self, criterion: Criterion) -> u8 {
                match criterion { $(Criterion::$criterion => self.$field,)+ }
            }
            /// Each criterion with its weight, in the SPEC's order.
            pub fn pairs(&self) -> Vec<(Criterion, u8)> {
                Criterion::ALL.iter().map(|c| (*c, self.get(*c))).collect()
            }
            /// The weights with the patch's changes; a value above 10 is refused.
            pub fn apply(mut self, patch: &WeightsPatch) -> Result<Weights, String> {
                $(
                    if let Some(w) = patch.$field {
                        if w > 10 {
                            return Err(format!(
                                "{} must be a whole number from 0 to 10",
                                Criterion::$criterion
                            ));
                        }
                        self.$field = w;
                    }
                )+
                Ok(self)
            }
        }

        impl WeightsPatch {
            pub fn set(&mut self, criterion: Criterion, weight: u8) {
                match criterion { $(Criterion::$criterion => self.$field = Some(weight),)+ }
            }
        }
    };
}

weights!(
    skills => Skills,
    field => Field,
    values => Values,
    seniority => Seniority,
    interests => Interests,
    background => Background,
    learning_style => LearningStyle,
    meeting_preference => MeetingPreference,
    availability => Availability,
    timezone => Timezone,
);

#[cfg(test)]
mod tests {

    #[test]
    fn a_lone_city_is_refused_with_the_zone_to_send_instead() {
        use super::timezone;
        assert_eq!(timezone(" Europe/Berlin ").unwrap(), "Europe/Berlin");
        let berlin = timezone("Berlin").unwrap_err();
        assert!(berlin.contains("Europe/Berlin"), "{berlin}");
        let new_york = timezone("new york").unwrap_err();
        assert!(new_york.contains("America/New_York"), "{new_york}");
        let nowhere = timezone("Atlantis").unwrap_err();
        assert!(nowhere.contains("such as Europe/Berlin"), "{nowhere}");
    }

    #[test]
    fn only_http_and_https_addresses_with_a_host_are_links() {
        use super::web_link;
        assert_eq!(
            web_link(" https://meet.example.org/abc ").as_deref(),
            Some("https://meet.example.org/abc")
        );
        assert!(web_link("HTTP://example.org").is_some());
        for place in [
            "Room 4.12",
            "javascript:alert(1)",
            "data:text/html,hi",
            "ftp://example.org",
            "https://",
            "https://exa mple.org",
            "mailto:a@example.org",
            "",
        ] {
            assert_eq!(web_link(place), None, "{place}");
        }
    }

    #[test]
    fn instants_are_rfc_3339_to_the_second_within_the_years_both_databases_hold() {
        for ok in [
            "2026-12-01T15:00:00Z",
            " 2026-12-01t15:00:00.750z ",
            "2026-12-01T16:00:00+01:00",
        ] {
            assert_eq!(
                instant(ok).unwrap().to_rfc3339(),
                "2026-12-01T15:00:00+00:00",
                "{ok}"
            );
        }
        for bad in [
            "2026-12-01",
            "1899-12-31T23:59:59Z",
            "2026-12-01 15:00",
            "tomorrow",
        ] {
            assert!(instant(bad).is_err(), "{bad}");
        }
    }

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
    fn dates_are_written_out_and_in_range() {
        assert!(date("2027-02-28").is_ok());
        for bad in [
            "2027-13-01",
            "-5000-01-01",
            "1899-12-31",
            "27-01-01",
            "tomorrow",
            "+10000-01-01",
            "2027-1-5",
        ] {
            assert!(date(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn timezones_must_be_iana_names() {
        assert_eq!(timezone("Europe/Berlin").unwrap(), "Europe/Berlin");
        assert!(timezone("Mars/Olympus").is_err());
        assert!(timezone("").is_err());
    }

    #[test]
    fn weights_take_changes_and_refuse_values_above_ten() {
        let mut patch = WeightsPatch::default();
        patch.set(Criterion::Skills, 8);
        let w = Weights::default().apply(&patch).unwrap();
        assert_eq!(w.get(Criterion::Skills), 8);
        assert_eq!(w.get(Criterion::Field), 3);
        patch.set(Criterion::Timezone, 11);
        assert!(Weights::default().apply(&patch).is_err());
        let unknown: Result<WeightsPatch, _> = serde_json::from_str(r#"{"luck": 1}"#);
        assert!(unknown.is_err());
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
