//! Hard rules: filters a pair must pass before it can be scored or matched. Never weights.

use crate::profile::{Mentee, Mentor, Profile};
use crate::score::{normalise, timezone_gap_minutes};
use chrono::{DateTime, Offset, TimeZone, Utc};
use std::collections::BTreeSet;
use std::fmt;

/// The program's hard rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HardRules {
    /// Largest allowed gap between the two current UTC offsets, in hours (0…12; 12 or more
    /// allows any pair). A pair where either offset is unknown passes.
    pub max_timezone_gap_hours: u32,
    /// Pairs of person ids (trimmed, lower-cased) that have been together before, in
    /// either role, in any program.
    previous_pairs: BTreeSet<(String, String)>,
}

impl Default for HardRules {
    fn default() -> Self {
        HardRules {
            max_timezone_gap_hours: 12,
            previous_pairs: BTreeSet::new(),
        }
    }
}

impl HardRules {
    /// Rules with this timezone limit and no previous pairs.
    pub fn new(max_timezone_gap_hours: u32) -> Self {
        HardRules {
            max_timezone_gap_hours,
            previous_pairs: BTreeSet::new(),
        }
    }

    /// Records that two people have been paired before; order does not matter.
    pub fn add_previous_pair(&mut self, a: &str, b: &str) {
        self.previous_pairs.insert(ordered(a, b));
    }

    /// Whether two people have been paired before.
    pub fn were_paired(&self, a: &str, b: &str) -> bool {
        let (x, y) = ordered(a, b);
        // BTreeSet<(String, String)> cannot be probed with borrowed tuples; the set is
        // small relative to the pairs checked, and this only runs on candidate pairs.
        self.previous_pairs.contains(&(x, y))
    }

    /// The previous pairs, each as (smaller id, larger id).
    pub fn previous_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.previous_pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
    }

    pub(crate) fn max_gap_minutes(&self) -> i32 {
        (self.max_timezone_gap_hours.min(12) * 60) as i32
    }
}

/// Ids are compared trimmed and lower-cased, as everywhere in the engine.
fn ordered(a: &str, b: &str) -> (String, String) {
    let (a, b) = (normalise(a), normalise(b));
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// The hard rule a pair breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Mentee and mentor are the same person.
    SamePerson,
    /// One is the other's manager.
    Manager,
    /// They have been paired before.
    PreviousPair,
    /// The mentor has no place left.
    NoCapacity,
    /// They have no language in common.
    NoSharedLanguage,
    /// Their UTC offsets are further apart than the program allows.
    TimezoneGap { gap_minutes: i32, max_hours: u32 },
}

impl Rule {
    /// A snake_case code for APIs (`"no_shared_language"`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Rule::SamePerson => "same_person",
            Rule::Manager => "manager",
            Rule::PreviousPair => "previous_pair",
            Rule::NoCapacity => "no_capacity",
            Rule::NoSharedLanguage => "no_shared_language",
            Rule::TimezoneGap { .. } => "timezone_gap",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::SamePerson => write!(f, "a person cannot mentor themself"),
            Rule::Manager => write!(f, "a person cannot be paired with their own manager"),
            Rule::PreviousPair => write!(f, "these two have already been paired before"),
            Rule::NoCapacity => write!(f, "the mentor has no place left"),
            Rule::NoSharedLanguage => write!(f, "they have no language in common"),
            Rule::TimezoneGap {
                gap_minutes,
                max_hours,
            } => write!(
                f,
                "their time zones are {:.1} hours apart; the program allows at most {max_hours}",
                f64::from(*gap_minutes) / 60.0
            ),
        }
    }
}

impl std::error::Error for Rule {}

pub(crate) fn is_manager(a: &Profile, b: &Profile) -> bool {
    let manages = |boss: &Profile, report: &Profile| {
        let e = normalise(&boss.email);
        !e.is_empty()
            && report
                .manager_email
                .as_deref()
                .is_some_and(|m| normalise(m) == e)
    };
    manages(a, b) || manages(b, a)
}

pub(crate) fn share_language(a: &Profile, b: &Profile) -> bool {
    a.languages.iter().any(|x| {
        let x = normalise(x);
        !x.is_empty() && b.languages.iter().any(|y| normalise(y) == x)
    })
}

/// Every hard rule a pair breaks, in the order [`passes_hard_rules`] checks them; empty
/// when the pair may be matched.
pub fn broken_rules(mentee: &Mentee, mentor: &Mentor, rules: &HardRules) -> Vec<Rule> {
    let (me, mr) = (&mentee.profile, &mentor.profile);
    let mut broken = Vec::new();
    let same_id = normalise(&me.id);
    if !same_id.is_empty() && same_id == normalise(&mr.id) {
        broken.push(Rule::SamePerson);
    }
    if mentor.capacity == 0 {
        broken.push(Rule::NoCapacity);
    }
    if is_manager(me, mr) {
        broken.push(Rule::Manager);
    }
    if !share_language(me, mr) {
        broken.push(Rule::NoSharedLanguage);
    }
    if let (Some(a), Some(b)) = (me.utc_offset_minutes, mr.utc_offset_minutes) {
        let gap = timezone_gap_minutes(a, b);
        if gap > rules.max_gap_minutes() {
            broken.push(Rule::TimezoneGap {
                gap_minutes: gap,
                max_hours: rules.max_timezone_gap_hours,
            });
        }
    }
    if rules.were_paired(&me.id, &mr.id) {
        broken.push(Rule::PreviousPair);
    }
    broken
}

/// Checks every hard rule for a pair, cheapest first; `Err` names the first one broken.
pub fn passes_hard_rules(mentee: &Mentee, mentor: &Mentor, rules: &HardRules) -> Result<(), Rule> {
    match broken_rules(mentee, mentor, rules).into_iter().next() {
        Some(rule) => Err(rule),
        None => Ok(()),
    }
}

/// The UTC offset in minutes of an IANA time zone (`"Europe/Berlin"`) at a given instant,
/// `None` for an unknown name. The caller supplies the instant: the engine has no clock.
pub fn utc_offset_minutes(iana: &str, at: DateTime<Utc>) -> Option<i32> {
    let tz: chrono_tz::Tz = iana.trim().parse().ok()?;
    let local = tz.from_utc_datetime(&at.naive_utc());
    Some(local.offset().fix().local_minus_utc() / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, langs: &[&str], offset: i32) -> Profile {
        Profile {
            id: id.into(),
            email: format!("{id}@example.org"),
            languages: langs.iter().map(|s| s.to_string()).collect(),
            utc_offset_minutes: Some(offset),
            ..Profile::default()
        }
    }

    fn pair(a: Profile, b: Profile) -> (Mentee, Mentor) {
        (
            Mentee {
                profile: a,
                wants_skills: vec![],
            },
            Mentor {
                profile: b,
                capacity: 1,
            },
        )
    }

    #[test]
    fn each_rule_refuses_its_pair() {
        let rules = HardRules::new(3);
        let (me, mr) = pair(person("a", &["en"], 0), person("b", &["EN "], 120));
        assert_eq!(passes_hard_rules(&me, &mr, &rules), Ok(()));

        let (me, mr) = pair(person("a", &["en"], 0), person("a", &["en"], 0));
        assert_eq!(passes_hard_rules(&me, &mr, &rules), Err(Rule::SamePerson));

        let (me, mut mr) = pair(person("a", &["en"], 0), person("b", &["en"], 0));
        mr.capacity = 0;
        assert_eq!(passes_hard_rules(&me, &mr, &rules), Err(Rule::NoCapacity));

        let (mut me, mr) = pair(person("a", &["en"], 0), person("b", &["en"], 0));
        me.profile.manager_email = Some("B@example.org".into());
        assert_eq!(passes_hard_rules(&me, &mr, &rules), Err(Rule::Manager));

        let (me, mr) = pair(person("a", &["en"], 0), person("b", &["de"], 0));
        assert_eq!(
            passes_hard_rules(&me, &mr, &rules),
            Err(Rule::NoSharedLanguage)
        );

        let (me, mr) = pair(person("a", &["en"], 0), person("b", &["en"], 240));
        assert_eq!(
            passes_hard_rules(&me, &mr, &rules),
            Err(Rule::TimezoneGap {
                gap_minutes: 240,
                max_hours: 3
            })
        );

        let mut prev = rules.clone();
        prev.add_previous_pair("b", "a");
        let (me, mr) = pair(person("a", &["en"], 0), person("b", &["en"], 0));
        assert_eq!(passes_hard_rules(&me, &mr, &prev), Err(Rule::PreviousPair));
    }

    #[test]
    fn timezone_gap_is_taken_around_the_clock() {
        // UTC+12 and UTC-11 are one hour apart, not 23.
        assert_eq!(timezone_gap_minutes(12 * 60, -11 * 60), 60);
        assert_eq!(timezone_gap_minutes(-5 * 60, 7 * 60), 720);
        let rules = HardRules::new(1);
        let (me, mr) = pair(
            person("a", &["en"], 12 * 60),
            person("b", &["en"], -11 * 60),
        );
        assert_eq!(passes_hard_rules(&me, &mr, &rules), Ok(()));
    }

    #[test]
    fn offsets_follow_daylight_saving_at_the_given_instant() {
        let winter = DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let summer = DateTime::parse_from_rfc3339("2026-07-15T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(utc_offset_minutes("Europe/Berlin", winter), Some(60));
        assert_eq!(utc_offset_minutes("Europe/Berlin", summer), Some(120));
        assert_eq!(utc_offset_minutes("Asia/Kolkata", summer), Some(330));
        assert_eq!(utc_offset_minutes("Mars/Olympus", summer), None);
    }
}
