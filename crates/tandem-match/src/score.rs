//! Compatibility score 0–100 of a (mentee, mentor) pair, per criterion, with reasons.
//!
//! Every criterion yields a fraction from 0 to 1, seen from each side. A view's score is
//! `100 × Σ weight × fraction / Σ weight`, in hundredths ([`crate::SCORE_SCALE`]). The
//! mentee's view ranks mentors for the mentee, the mentor's view ranks mentees for the
//! mentor; the displayed score is their mean, and its explanation's points add up to it.
//! Missing information earns no points and says so.

use crate::profile::{Mentee, Mentor, Profile, ProgramKind, Seniority, Weights, CRITERIA};

/// One criterion's share of the score and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    /// The criterion's name, as in program weights (`"skills"`, …).
    pub criterion: &'static str,
    /// Points in hundredths (the mean of both views); all points add up to the score.
    pub points: i32,
    /// A sentence in the words of the [`Reader`] the pair was scored for, e.g. "Covers 2
    /// of the 3 skills you want: rust, leadership" for the mentee.
    pub detail: String,
}

/// A scored pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    /// 0…10000 hundredths (0–100 points): the mean of both views, = Σ explanation points.
    pub score: i32,
    /// The mentee's view, 0…10000 hundredths.
    pub mentee_view: i32,
    /// The mentor's view, 0…10000 hundredths.
    pub mentor_view: i32,
    /// One entry per criterion with a non-zero weight, in [`CRITERIA`] order.
    pub explanation: Vec<Criterion>,
}

/// A fraction `num / den` with `0 ≤ num ≤ den`, `den > 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Frac(pub u32, pub u32);

const ZERO: Frac = Frac(0, 1);
const ONE: Frac = Frac(1, 1);

/// A profile with its lists interned into sorted ids: what the fast path compares.
///
/// All six lists live in one allocation (`data`, split at `ends`): scoring a pair touches
/// two such blocks, not twelve, which is what made candidate scoring cache-bound.
#[derive(Clone, Debug, Default)]
pub(crate) struct Compact {
    data: Vec<u32>,
    ends: [u32; 6],
    pub field: Option<u32>,
    pub seniority: Option<Seniority>,
    pub learning_style: Option<crate::LearningStyle>,
    pub meeting_preference: Option<crate::MeetingPreference>,
    pub hours: Option<u32>,
    pub offset: Option<i32>,
}

impl Compact {
    fn part(&self, k: usize) -> &[u32] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.data[start..self.ends[k] as usize]
    }
    pub fn skills(&self) -> &[u32] {
        self.part(0)
    }
    pub fn wants(&self) -> &[u32] {
        self.part(1)
    }
    pub fn values(&self) -> &[u32] {
        self.part(2)
    }
    pub fn interests(&self) -> &[u32] {
        self.part(3)
    }
    pub fn background(&self) -> &[u32] {
        self.part(4)
    }
    pub fn languages(&self) -> &[u32] {
        self.part(5)
    }
}

/// Lower-cased, trimmed form used for all comparisons.
pub(crate) fn normalise(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Interns normalised words into dense ids. Ids follow first appearance, so they are
/// deterministic for a given input order whatever the hasher; the map is never iterated.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    ids: std::collections::HashMap<String, u32>,
}

impl Interner {
    pub fn id(&mut self, s: &str) -> Option<u32> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        // Most words are already lower case: look them up without allocating.
        if !t.chars().any(char::is_uppercase) {
            if let Some(&id) = self.ids.get(t) {
                return Some(id);
            }
        }
        let key = normalise(t);
        let next = self.ids.len() as u32;
        Some(*self.ids.entry(key).or_insert(next))
    }

    /// Id of a word if already known (no insertion).
    pub fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(&normalise(s)).copied()
    }

    pub fn list(&mut self, items: &[String]) -> Vec<u32> {
        let mut v: Vec<u32> = items.iter().filter_map(|s| self.id(s)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    pub fn compact(&mut self, p: &Profile, wants: &[String]) -> Compact {
        let mut background = self.list(&p.background);
        if let Some(e) = p.education.as_deref().and_then(|e| self.id(e)) {
            background.push(e);
            background.sort_unstable();
            background.dedup();
        }
        let parts = [
            self.list(&p.skills),
            self.list(wants),
            self.list(&p.values),
            self.list(&p.interests),
            background,
            self.list(&p.languages),
        ];
        let mut data = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        let mut ends = [0u32; 6];
        for (k, part) in parts.iter().enumerate() {
            data.extend_from_slice(part);
            ends[k] = data.len() as u32;
        }
        Compact {
            data,
            ends,
            field: p.field.as_deref().and_then(|f| self.id(f)),
            seniority: p.seniority,
            learning_style: p.learning_style,
            meeting_preference: p.meeting_preference,
            hours: p.hours_per_month,
            offset: p.utc_offset_minutes,
        }
    }
}

/// Number of common elements of two sorted, deduplicated slices.
///
/// Branch-free merge: which side advances is data-dependent and unpredictable, and
/// mispredicted branches here were the largest cost of candidate scoring.
pub(crate) fn common(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut n) = (0usize, 0usize, 0u32);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += u32::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// Gap between two UTC offsets in minutes, around the clock (0…720).
pub fn timezone_gap_minutes(a: i32, b: i32) -> i32 {
    let d = (a - b).rem_euclid(1440);
    d.min(1440 - d)
}

/// Hours a mentee is assumed to ask for when they did not say.
const DEFAULT_HOURS: u32 = 4;

fn seniority_fit(kind: ProgramKind, mentee: Seniority, mentor: Seniority) -> Frac {
    let diff = mentor.level() - mentee.level();
    let towards = match kind {
        ProgramKind::Traditional | ProgramKind::Group => diff,
        ProgramKind::Reverse => -diff,
        ProgramKind::Peer => {
            return match diff.abs() {
                0 => ONE,
                1 => Frac(3, 4),
                _ => ZERO,
            }
        }
    };
    match towards {
        1 | 2 => ONE,
        t if t >= 3 => Frac(3, 4),
        _ => ZERO,
    }
}

fn share(shared: u32, of: usize) -> Frac {
    if of == 0 {
        ZERO
    } else {
        Frac(shared, of as u32)
    }
}

/// Per criterion (in [`CRITERIA`] order): the mentee's and the mentor's fraction.
pub(crate) fn fractions(me: &Compact, mr: &Compact, kind: ProgramKind) -> [(Frac, Frac); 10] {
    let skills = share(common(me.wants(), mr.skills()), me.wants().len());
    let field = match (me.field, mr.field) {
        (Some(a), Some(b)) if a == b => ONE,
        _ => ZERO,
    };
    let values_shared = common(me.values(), mr.values());
    let interests_shared = common(me.interests(), mr.interests());
    let background_shared = common(me.background(), mr.background());
    let seniority = match (me.seniority, mr.seniority) {
        (Some(a), Some(b)) => seniority_fit(kind, a, b),
        _ => ZERO,
    };
    let learning = match (me.learning_style, mr.learning_style) {
        (Some(a), Some(b)) if a == b => ONE,
        _ => ZERO,
    };
    let meeting = match (me.meeting_preference, mr.meeting_preference) {
        (Some(a), Some(b))
            if a == b
                || a == crate::MeetingPreference::Any
                || b == crate::MeetingPreference::Any =>
        {
            ONE
        }
        _ => ZERO,
    };
    let availability_mentee = match mr.hours {
        Some(h) => {
            let need = me.hours.filter(|&h| h > 0).unwrap_or(DEFAULT_HOURS);
            Frac(h.min(need), need)
        }
        None => ZERO,
    };
    let availability_mentor = match (me.hours, mr.hours) {
        (Some(h), Some(offer)) if offer > 0 => Frac(h.min(offer), offer),
        (Some(h), _) => Frac(h.min(DEFAULT_HOURS), DEFAULT_HOURS),
        _ => ZERO,
    };
    let timezone = match (me.offset, mr.offset) {
        (Some(a), Some(b)) => {
            let g = timezone_gap_minutes(a, b) as u32;
            if g <= 60 {
                ONE
            } else {
                Frac(720 - g, 660)
            }
        }
        _ => ZERO,
    };
    [
        (skills, skills),
        (field, field),
        (
            share(values_shared, me.values().len()),
            share(values_shared, mr.values().len()),
        ),
        (seniority, seniority),
        (
            share(interests_shared, me.interests().len()),
            share(interests_shared, mr.interests().len()),
        ),
        (
            share(background_shared, me.background().len()),
            share(background_shared, mr.background().len()),
        ),
        (learning, learning),
        (meeting, meeting),
        (availability_mentee, availability_mentor),
        (timezone, timezone),
    ]
}

/// Points in hundredths of one criterion: round(10000 × w × f / W), half up.
///
/// Computed in `f64`, which is exact here: the true value is a fraction with denominator
/// at most `W × den` (< 10^7), so it is either a half-integer (represented exactly) or at
/// least 10^-7 away from one, far beyond `f64` rounding error. Integer division per
/// criterion was the largest cost of candidate scoring.
fn points(weight: u8, total: u32, f: Frac) -> i32 {
    if total == 0 || weight == 0 {
        return 0;
    }
    let v = 10_000.0 * f64::from(weight) * f64::from(f.0) / (f64::from(total) * f64::from(f.1));
    (v + 0.5) as i32 // v ≥ 0, so truncation is floor
}

/// The mentee's and the mentor's view, and per criterion the shown points.
pub(crate) fn views(
    me: &Compact,
    mr: &Compact,
    kind: ProgramKind,
    w: &Weights,
) -> (i32, i32, [i32; 10]) {
    let total = w.total();
    let (mut a, mut b) = (0, 0);
    let mut shown = [0; 10];
    for (k, (fa, fb)) in fractions(me, mr, kind).into_iter().enumerate() {
        let pa = points(w.0[k], total, fa);
        let pb = points(w.0[k], total, fb);
        a += pa;
        b += pb;
        shown[k] = (pa + pb + 1) / 2;
    }
    (a, b, shown)
}

fn list_phrase(items: &[&str]) -> String {
    items.join(", ")
}

/// Items of `a` that are also in `b` (case-insensitive), in `a`'s order, as written in `a`.
fn shared<'a>(a: &'a [String], b: &[String]) -> Vec<&'a str> {
    let bn: Vec<String> = b.iter().map(|s| normalise(s)).collect();
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for s in a {
        let n = normalise(s);
        if !n.is_empty() && bn.contains(&n) && !seen.contains(&n) {
            out.push(s.trim());
            seen.push(n);
        }
    }
    out
}

fn distinct_count(a: &[String]) -> usize {
    let mut v: Vec<String> = a
        .iter()
        .map(|s| normalise(s))
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v.len()
}

fn count_phrase(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn offset_label(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    if m % 60 == 0 {
        format!("UTC{sign}{}", m / 60)
    } else {
        format!("UTC{sign}{}:{:02}", m / 60, m % 60)
    }
}

fn hours_phrase(minutes: i32) -> String {
    if minutes % 60 == 0 {
        let h = minutes / 60;
        if h == 1 {
            "1 hour".into()
        } else {
            format!("{h} hours")
        }
    } else {
        format!("{:.1} hours", f64::from(minutes) / 60.0)
    }
}

/// Who reads an explanation: each reads about the other in the third person, a
/// coordinator about both. One wording source for every face of a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Reader {
    /// The mentee reads about the mentor ("Covers 2 of the 3 skills you want").
    #[default]
    Mentee,
    /// The mentor reads about the mentee ("You cover 2 of the 3 skills they want").
    Mentor,
    /// A coordinator reads about both ("The mentor covers 2 of the 3 skills the mentee wants").
    Coordinator,
}

/// One sentence in the reader's words: the mentee's, the mentor's, a coordinator's.
macro_rules! say {
    ($reader:expr, $mentee:expr, $mentor:expr, $coordinator:expr $(,)?) => {
        match $reader {
            Reader::Mentee => $mentee,
            Reader::Mentor => $mentor,
            Reader::Coordinator => $coordinator,
        }
    };
}

/// Shared values or interests, from the reader's own list (a coordinator's: both).
fn shared_detail(r: Reader, what: &str, mentee: &[String], mentor: &[String]) -> String {
    let one = &what[..what.len() - 1];
    let (nm, nr) = (distinct_count(mentee), distinct_count(mentor));
    if nm == 0 {
        return say!(
            r,
            format!("You have not listed any {what}"),
            format!("They have not listed any {what}"),
            format!("The mentee has not listed any {what}"),
        );
    }
    if nr == 0 {
        return say!(
            r,
            format!("They have not listed any {what}"),
            format!("You have not listed any {what}"),
            format!("The mentor has not listed any {what}"),
        );
    }
    let common = shared(mentee, mentor);
    // The reader's own list: what "of your N" counts.
    let (n, common) = match r {
        Reader::Mentor => (nr, shared(mentor, mentee)),
        _ => (nm, common),
    };
    match (r, common.is_empty()) {
        (Reader::Coordinator, true) => format!("No {what} in common"),
        (Reader::Coordinator, false) => format!(
            "They share {}: {}",
            count_phrase(common.len(), one, what),
            list_phrase(&common)
        ),
        (_, true) => format!("Shares none of your {}", count_phrase(n, one, what)),
        (_, false) => format!(
            "Shares {} of your {}: {}",
            common.len(),
            count_phrase(n, one, what),
            list_phrase(&common)
        ),
    }
}

/// The sentence for one criterion, in the reader's words.
fn detail(k: usize, mentee: &Mentee, mentor: &Mentor, kind: ProgramKind, r: Reader) -> String {
    let me = &mentee.profile;
    let mr = &mentor.profile;
    match CRITERIA[k] {
        "skills" => {
            let n = distinct_count(&mentee.wants_skills);
            if n == 0 {
                return say!(
                    r,
                    "You have not listed skills you want to learn".into(),
                    "They have not listed skills they want to learn".into(),
                    "The mentee has not listed skills to learn".into(),
                );
            }
            let covered = shared(&mentee.wants_skills, &mr.skills);
            let wanted: Vec<&str> = mentee
                .wants_skills
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            let skills = count_phrase(n, "skill", "skills");
            if covered.is_empty() {
                let list = list_phrase(&wanted);
                say!(
                    r,
                    format!("Has none of the {skills} you want: {list}"),
                    format!("You have none of the {skills} they want: {list}"),
                    format!("The mentor has none of the {skills} the mentee wants: {list}"),
                )
            } else if covered.len() == n {
                let list = list_phrase(&covered);
                if n == 1 {
                    say!(
                        r,
                        format!("Has the skill you want: {list}"),
                        format!("You have the skill they want: {list}"),
                        format!("The mentor has the skill the mentee wants: {list}"),
                    )
                } else {
                    say!(
                        r,
                        format!("Covers all {n} skills you want: {list}"),
                        format!("You cover all {n} skills they want: {list}"),
                        format!("The mentor covers all {n} skills the mentee wants: {list}"),
                    )
                }
            } else {
                let (c, list) = (covered.len(), list_phrase(&covered));
                say!(
                    r,
                    format!("Covers {c} of the {n} skills you want: {list}"),
                    format!("You cover {c} of the {n} skills they want: {list}"),
                    format!("The mentor covers {c} of the {n} skills the mentee wants: {list}"),
                )
            }
        }
        "field" => match (me.field.as_deref(), mr.field.as_deref()) {
            (Some(a), Some(b)) if normalise(a) == normalise(b) && !normalise(a).is_empty() => {
                let (a, b) = (a.trim(), b.trim());
                say!(
                    r,
                    format!("Works in your field: {b}"),
                    format!("Works in your field: {a}"),
                    format!("Both work in {b}"),
                )
            }
            (Some(a), Some(b)) => {
                let (a, b) = (a.trim(), b.trim());
                say!(
                    r,
                    format!("Works in {b}; you are in {a}"),
                    format!("Works in {a}; you are in {b}"),
                    format!("The mentor works in {b}, the mentee in {a}"),
                )
            }
            (None, _) => say!(
                r,
                "You have not given your field".into(),
                "They have not given their field".into(),
                "The mentee's field is not given".into(),
            ),
            (_, None) => say!(
                r,
                "Their field is not given".into(),
                "You have not given your field".into(),
                "The mentor's field is not given".into(),
            ),
        },
        "values" => shared_detail(r, "values", &me.values, &mr.values),
        "interests" => shared_detail(r, "interests", &me.interests, &mr.interests),
        "background" => {
            let mut mine = me.background.clone();
            mine.extend(me.education.iter().cloned());
            let mut theirs = mr.background.clone();
            theirs.extend(mr.education.iter().cloned());
            if distinct_count(&mine) == 0 {
                return say!(
                    r,
                    "You have not described your education or background".into(),
                    "They have not described their education or background".into(),
                    "The mentee has not described an education or background".into(),
                );
            }
            let common = match r {
                Reader::Mentor => shared(&theirs, &mine),
                _ => shared(&mine, &theirs),
            };
            if common.is_empty() {
                "No education or background in common".into()
            } else {
                format!("Similar education or background: {}", list_phrase(&common))
            }
        }
        "seniority" => match (me.seniority, mr.seniority) {
            (Some(a), Some(b)) => {
                let diff = b.level() - a.level();
                let levels = count_phrase(diff.unsigned_abs() as usize, "level", "levels");
                let (a_name, b_name) = (a.as_str(), b.as_str());
                let rel = match (r, diff.signum()) {
                    (Reader::Mentee, 0) => format!("At your level ({b_name})"),
                    (Reader::Mentee, 1) => {
                        format!("{levels} more senior than you ({b_name} vs {a_name})")
                    }
                    (Reader::Mentee, _) => {
                        format!("{levels} more junior than you ({b_name} vs {a_name})")
                    }
                    (Reader::Mentor, 0) => format!("At your level ({a_name})"),
                    (Reader::Mentor, 1) => {
                        format!("{levels} more junior than you ({a_name} vs {b_name})")
                    }
                    (Reader::Mentor, _) => {
                        format!("{levels} more senior than you ({a_name} vs {b_name})")
                    }
                    (Reader::Coordinator, 0) => format!("Both at one level ({b_name})"),
                    (Reader::Coordinator, 1) => {
                        format!("The mentor is {levels} more senior ({b_name} vs {a_name})")
                    }
                    (Reader::Coordinator, _) => {
                        format!("The mentor is {levels} more junior ({b_name} vs {a_name})")
                    }
                };
                let asks = match kind {
                    ProgramKind::Traditional => {
                        "a traditional program asks for a more experienced mentor"
                    }
                    ProgramKind::Group => "a group program asks for a more experienced mentor",
                    ProgramKind::Reverse => "a reverse program asks for a more junior mentor",
                    ProgramKind::Peer => "a peer program asks for people within one level",
                };
                let fit = seniority_fit(kind, a, b);
                let verdict = if fit == ONE {
                    "as"
                } else if fit == ZERO {
                    "but"
                } else {
                    "roughly as"
                };
                format!("{rel}, {verdict} {asks}")
            }
            (None, _) => say!(
                r,
                "You have not given your seniority".into(),
                "They have not given their seniority".into(),
                "The mentee's seniority is not given".into(),
            ),
            (_, None) => say!(
                r,
                "Their seniority is not given".into(),
                "You have not given your seniority".into(),
                "The mentor's seniority is not given".into(),
            ),
        },
        "learning_style" => match (me.learning_style, mr.learning_style) {
            (Some(a), Some(b)) if a == b => say!(
                r,
                format!("You both learn best {}", a.describe()),
                format!("You both learn best {}", a.describe()),
                format!("Both learn best {}", a.describe()),
            ),
            (Some(a), Some(b)) => {
                let (a, b) = (a.describe(), b.describe());
                say!(
                    r,
                    format!("You learn best {a}, they learn best {b}"),
                    format!("They learn best {a}, you learn best {b}"),
                    format!("The mentee learns best {a}, the mentor {b}"),
                )
            }
            (None, _) => say!(
                r,
                "You have not given your learning style".into(),
                "They have not given their learning style".into(),
                "The mentee's learning style is not given".into(),
            ),
            (_, None) => say!(
                r,
                "Their learning style is not given".into(),
                "You have not given your learning style".into(),
                "The mentor's learning style is not given".into(),
            ),
        },
        "meeting_preference" => match (me.meeting_preference, mr.meeting_preference) {
            (Some(a), Some(b)) if a == b => say!(
                r,
                format!("You both prefer {}", a.describe()),
                format!("You both prefer {}", a.describe()),
                format!("Both prefer {}", a.describe()),
            ),
            (Some(a), Some(b))
                if a == crate::MeetingPreference::Any || b == crate::MeetingPreference::Any =>
            {
                let specific = if a == crate::MeetingPreference::Any {
                    b
                } else {
                    a
                };
                format!("Meeting preferences fit: {}", specific.describe())
            }
            (Some(a), Some(b)) => {
                let (a, b) = (a.describe(), b.describe());
                say!(
                    r,
                    format!("You prefer {a}, they prefer {b}"),
                    format!("They prefer {a}, you prefer {b}"),
                    format!("The mentee prefers {a}, the mentor {b}"),
                )
            }
            (None, _) => say!(
                r,
                "You have not given how you prefer to meet".into(),
                "They have not given how they prefer to meet".into(),
                "The mentee's meeting preference is not given".into(),
            ),
            (_, None) => say!(
                r,
                "Their meeting preference is not given".into(),
                "You have not given how you prefer to meet".into(),
                "The mentor's meeting preference is not given".into(),
            ),
        },
        "availability" => match mr.hours_per_month {
            None => say!(
                r,
                "Their hours available are not given".into(),
                "You have not given the hours you have available".into(),
                "The mentor's hours available are not given".into(),
            ),
            Some(h) => {
                let need = me.hours_per_month.filter(|&h| h > 0);
                let has = count_phrase(h as usize, "hour", "hours");
                match need {
                    Some(n) if h >= n => say!(
                        r,
                        format!("Has {has} a month, enough for the {n} you want"),
                        format!("You have {has} a month, enough for the {n} they want"),
                        format!(
                            "The mentor has {has} a month, enough for the {n} the mentee wants"
                        ),
                    ),
                    Some(n) => say!(
                        r,
                        format!("Has {has} a month; you would like {n}"),
                        format!("You have {has} a month; they would like {n}"),
                        format!("The mentor has {has} a month; the mentee would like {n}"),
                    ),
                    None if h >= DEFAULT_HOURS => say!(
                        r,
                        format!("Has {has} a month"),
                        format!("You have {has} a month"),
                        format!("The mentor has {has} a month"),
                    ),
                    None => say!(
                        r,
                        format!("Has only {has} a month"),
                        format!("You have only {has} a month"),
                        format!("The mentor has only {has} a month"),
                    ),
                }
            }
        },
        "timezone" => match (me.utc_offset_minutes, mr.utc_offset_minutes) {
            (Some(a), Some(b)) => {
                let g = timezone_gap_minutes(a, b);
                if g == 0 {
                    format!("Same time zone ({})", offset_label(b))
                } else {
                    let (gap, a, b) = (hours_phrase(g), offset_label(a), offset_label(b));
                    say!(
                        r,
                        format!("{gap} apart ({a} for you, {b} for them)"),
                        format!("{gap} apart ({b} for you, {a} for them)"),
                        format!("{gap} apart ({a} for the mentee, {b} for the mentor)"),
                    )
                }
            }
            (None, _) => say!(
                r,
                "Your time zone is not given".into(),
                "Their time zone is not given".into(),
                "The mentee's time zone is not given".into(),
            ),
            (_, None) => say!(
                r,
                "Their time zone is not given".into(),
                "Your time zone is not given".into(),
                "The mentor's time zone is not given".into(),
            ),
        },
        _ => unreachable!("criteria are fixed"),
    }
}

/// Scores one pair and explains it to the mentee. Hard rules are not checked here
/// (see [`crate::passes_hard_rules`]).
pub fn score(mentee: &Mentee, mentor: &Mentor, kind: ProgramKind, weights: &Weights) -> Scored {
    score_for(mentee, mentor, kind, weights, Reader::Mentee)
}

/// Scores one pair and explains it to `reader`; the points are the same for every reader.
pub fn score_for(
    mentee: &Mentee,
    mentor: &Mentor,
    kind: ProgramKind,
    weights: &Weights,
    reader: Reader,
) -> Scored {
    let mut interner = Interner::default();
    let me = interner.compact(&mentee.profile, &mentee.wants_skills);
    let mr = interner.compact(&mentor.profile, &[]);
    let (mentee_view, mentor_view, shown) = views(&me, &mr, kind, weights);
    let explanation: Vec<Criterion> = (0..CRITERIA.len())
        .filter(|&k| weights.0[k] > 0)
        .map(|k| Criterion {
            criterion: CRITERIA[k],
            points: shown[k],
            detail: detail(k, mentee, mentor, kind, reader),
        })
        .collect();
    Scored {
        score: explanation.iter().map(|c| c.points).sum(),
        mentee_view,
        mentor_view,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LearningStyle, MeetingPreference};

    fn words(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// Only `criterion` weighted, so the score is that criterion's fraction × 100.
    fn only(criterion: &str) -> Weights {
        let mut w = Weights([0; 10]);
        w.0[CRITERIA.iter().position(|&c| c == criterion).unwrap()] = 1;
        w
    }

    fn pair() -> (Mentee, Mentor) {
        (
            Mentee::default(),
            Mentor {
                capacity: 1,
                ..Mentor::default()
            },
        )
    }

    fn check(me: &Mentee, mr: &Mentor, kind: ProgramKind, criterion: &str) -> (i32, i32, String) {
        let s = score(me, mr, kind, &only(criterion));
        assert_eq!(s.explanation.len(), 1);
        assert_eq!(s.explanation[0].criterion, criterion);
        assert_eq!(s.score, s.explanation[0].points);
        (
            s.mentee_view,
            s.mentor_view,
            s.explanation[0].detail.clone(),
        )
    }

    #[test]
    fn skills_count_wanted_skills_the_mentor_has() {
        let (mut me, mut mr) = pair();
        me.wants_skills = words(&["Rust", "leadership", "SQL"]);
        mr.profile.skills = words(&["rust", "Leadership", "go"]);
        let (a, b, d) = check(&me, &mr, ProgramKind::Traditional, "skills");
        assert_eq!((a, b), (6667, 6667));
        assert_eq!(d, "Covers 2 of the 3 skills you want: Rust, leadership");
        mr.profile.skills.push("sql".into());
        assert_eq!(
            check(&me, &mr, ProgramKind::Traditional, "skills").2,
            "Covers all 3 skills you want: Rust, leadership, SQL"
        );
        mr.profile.skills.clear();
        assert_eq!(check(&me, &mr, ProgramKind::Traditional, "skills").0, 0);
        me.wants_skills.clear();
        assert_eq!(
            check(&me, &mr, ProgramKind::Traditional, "skills").2,
            "You have not listed skills you want to learn"
        );
    }

    #[test]
    fn field_must_match() {
        let (mut me, mut mr) = pair();
        me.profile.field = Some("Data science".into());
        mr.profile.field = Some("data science ".into());
        assert_eq!(
            check(&me, &mr, ProgramKind::Peer, "field"),
            (10000, 10000, "Works in your field: data science".into())
        );
        mr.profile.field = Some("Marketing".into());
        assert_eq!(
            check(&me, &mr, ProgramKind::Peer, "field"),
            (0, 0, "Works in Marketing; you are in Data science".into())
        );
    }

    #[test]
    fn values_and_interests_are_shared_from_each_side() {
        let (mut me, mut mr) = pair();
        me.profile.values = words(&["honesty", "growth"]);
        mr.profile.values = words(&["growth", "craft", "care", "fun"]);
        let (a, b, d) = check(&me, &mr, ProgramKind::Traditional, "values");
        assert_eq!((a, b), (5000, 2500), "1 of mentee's 2, 1 of mentor's 4");
        assert_eq!(d, "Shares 1 of your 2 values: growth");
        me.profile.interests = words(&["chess"]);
        mr.profile.interests = words(&["Chess"]);
        assert_eq!(
            check(&me, &mr, ProgramKind::Traditional, "interests"),
            (10000, 10000, "Shares 1 of your 1 interest: chess".into())
        );
    }

    #[test]
    fn background_includes_education() {
        let (mut me, mut mr) = pair();
        me.profile.education = Some("MSc Physics".into());
        me.profile.background = words(&["career changer"]);
        mr.profile.education = Some("msc physics".into());
        let (a, b, d) = check(&me, &mr, ProgramKind::Traditional, "background");
        assert_eq!((a, b), (5000, 10000));
        assert_eq!(d, "Similar education or background: MSc Physics");
    }

    #[test]
    fn seniority_follows_the_program_kind() {
        let (mut me, mut mr) = pair();
        me.profile.seniority = Some(Seniority::Junior);
        mr.profile.seniority = Some(Seniority::Senior);
        let (a, _, d) = check(&me, &mr, ProgramKind::Traditional, "seniority");
        assert_eq!(a, 10000);
        assert_eq!(d, "2 levels more senior than you (senior vs junior), as a traditional program asks for a more experienced mentor");
        assert_eq!(check(&me, &mr, ProgramKind::Reverse, "seniority").0, 0);
        assert_eq!(check(&me, &mr, ProgramKind::Peer, "seniority").0, 0);
        mr.profile.seniority = Some(Seniority::Executive);
        assert_eq!(
            check(&me, &mr, ProgramKind::Group, "seniority").0,
            7500,
            "4 levels: further than ideal"
        );
        mr.profile.seniority = Some(Seniority::Mid);
        assert_eq!(
            check(&me, &mr, ProgramKind::Peer, "seniority").0,
            7500,
            "peer: within one level"
        );
        mr.profile.seniority = Some(Seniority::Student);
        assert_eq!(check(&me, &mr, ProgramKind::Reverse, "seniority").0, 10000);
    }

    #[test]
    fn learning_style_and_meeting_preference() {
        let (mut me, mut mr) = pair();
        me.profile.learning_style = Some(LearningStyle::Visual);
        mr.profile.learning_style = Some(LearningStyle::Visual);
        assert_eq!(
            check(&me, &mr, ProgramKind::Peer, "learning_style").2,
            "You both learn best by seeing (visual)"
        );
        mr.profile.learning_style = Some(LearningStyle::Kinesthetic);
        assert_eq!(check(&me, &mr, ProgramKind::Peer, "learning_style").0, 0);
        me.profile.meeting_preference = Some(MeetingPreference::Video);
        mr.profile.meeting_preference = Some(MeetingPreference::Any);
        assert_eq!(
            check(&me, &mr, ProgramKind::Peer, "meeting_preference"),
            (10000, 10000, "Meeting preferences fit: video calls".into())
        );
        mr.profile.meeting_preference = Some(MeetingPreference::Phone);
        assert_eq!(
            check(&me, &mr, ProgramKind::Peer, "meeting_preference").2,
            "You prefer video calls, they prefer phone calls"
        );
    }

    #[test]
    fn availability_compares_hours() {
        let (mut me, mut mr) = pair();
        me.profile.hours_per_month = Some(6);
        mr.profile.hours_per_month = Some(3);
        let (a, b, d) = check(&me, &mr, ProgramKind::Traditional, "availability");
        assert_eq!((a, b), (5000, 10000));
        assert_eq!(d, "Has 3 hours a month; you would like 6");
        mr.profile.hours_per_month = None;
        assert_eq!(
            check(&me, &mr, ProgramKind::Traditional, "availability").2,
            "Their hours available are not given"
        );
    }

    #[test]
    fn timezone_closeness() {
        let (mut me, mut mr) = pair();
        me.profile.utc_offset_minutes = Some(60);
        mr.profile.utc_offset_minutes = Some(60);
        assert_eq!(
            check(&me, &mr, ProgramKind::Peer, "timezone"),
            (10000, 10000, "Same time zone (UTC+1)".into())
        );
        mr.profile.utc_offset_minutes = Some(-5 * 60);
        let (a, _, d) = check(&me, &mr, ProgramKind::Peer, "timezone");
        assert_eq!(a, 5455, "(720 - 360) / 660, rounded");
        assert_eq!(d, "6 hours apart (UTC+1 for you, UTC-5 for them)");
        mr.profile.utc_offset_minutes = Some(-11 * 60);
        assert_eq!(
            check(&me, &mr, ProgramKind::Peer, "timezone").0,
            0,
            "12 hours apart"
        );
    }

    /// Every criterion's sentence for `reader`, with only that criterion weighted.
    fn read(me: &Mentee, mr: &Mentor, kind: ProgramKind, reader: Reader) -> Vec<String> {
        CRITERIA
            .iter()
            .map(|c| {
                score_for(me, mr, kind, &only(c), reader).explanation[0]
                    .detail
                    .clone()
            })
            .collect()
    }

    #[test]
    fn the_mentor_reads_about_the_mentee_in_the_third_person() {
        let (mut me, mut mr) = pair();
        mr.profile.skills = words(&["Rust"]);
        mr.profile.field = Some("Engineering".into());
        mr.profile.seniority = Some(Seniority::Lead);
        mr.profile.utc_offset_minutes = Some(60);
        // The mentee has given nothing: every sentence is about "them", none about "you".
        let said = read(&me, &mr, ProgramKind::Traditional, Reader::Mentor);
        assert!(said.contains(&"They have not listed skills they want to learn".to_string()));
        assert!(said.contains(&"They have not given their field".to_string()));
        assert!(said.contains(&"They have not given their seniority".to_string()));
        assert!(said.contains(&"Their time zone is not given".to_string()));
        // The mentee's reading of the same pair speaks of the mentee as "you".
        let theirs = read(&me, &mr, ProgramKind::Traditional, Reader::Mentee);
        assert!(theirs.contains(&"You have not given your field".to_string()));
        // The lead mentor reads that the mid mentee is junior to them, not senior.
        me.profile.seniority = Some(Seniority::Mid);
        me.wants_skills = words(&["rust", "sql"]);
        me.profile.utc_offset_minutes = Some(-300);
        let said = read(&me, &mr, ProgramKind::Traditional, Reader::Mentor);
        let seniority = &said[CRITERIA.iter().position(|&c| c == "seniority").unwrap()];
        assert_eq!(
            seniority,
            "2 levels more junior than you (mid vs lead), as a traditional program asks for a more experienced mentor"
        );
        let skills = &said[0];
        assert_eq!(skills, "You cover 1 of the 2 skills they want: rust");
        let tz = &said[CRITERIA.iter().position(|&c| c == "timezone").unwrap()];
        assert_eq!(tz, "6 hours apart (UTC+1 for you, UTC-5 for them)");
        let mentee_tz = &read(&me, &mr, ProgramKind::Traditional, Reader::Mentee)
            [CRITERIA.iter().position(|&c| c == "timezone").unwrap()];
        assert_eq!(mentee_tz, "6 hours apart (UTC-5 for you, UTC+1 for them)");
    }

    #[test]
    fn a_coordinator_reads_about_both_and_never_about_you() {
        let (mut me, mut mr) = pair();
        me.profile.seniority = Some(Seniority::Junior);
        mr.profile.seniority = Some(Seniority::Senior);
        me.wants_skills = words(&["Rust"]);
        mr.profile.skills = words(&["rust"]);
        mr.profile.values = words(&["care"]);
        me.profile.values = words(&["Care", "craft"]);
        let said = read(&me, &mr, ProgramKind::Traditional, Reader::Coordinator);
        for s in &said {
            let lower = s.to_lowercase();
            assert!(
                !lower
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == "you" || w == "your"),
                "a coordinator reads no second person: {s}"
            );
        }
        assert_eq!(said[0], "The mentor has the skill the mentee wants: Rust");
        assert!(said.contains(&"They share 1 value: Care".to_string()));
        assert!(said.contains(&"The mentor is 2 levels more senior (senior vs junior), as a traditional program asks for a more experienced mentor".to_string()));
    }

    #[test]
    fn every_reader_sees_the_same_points() {
        let (mut me, mut mr) = pair();
        me.wants_skills = words(&["rust", "go"]);
        mr.profile.skills = words(&["rust"]);
        me.profile.values = words(&["care"]);
        mr.profile.values = words(&["care", "craft"]);
        let w = Weights::default();
        let points = |r| {
            score_for(&me, &mr, ProgramKind::Traditional, &w, r)
                .explanation
                .iter()
                .map(|c| c.points)
                .collect::<Vec<_>>()
        };
        assert_eq!(points(Reader::Mentee), points(Reader::Mentor));
        assert_eq!(points(Reader::Mentee), points(Reader::Coordinator));
        // Shared values count from the reader's own list: 1 of the mentor's 2.
        let said = read(&me, &mr, ProgramKind::Traditional, Reader::Mentor);
        assert!(said.contains(&"Shares 1 of your 2 values: care".to_string()));
    }

    #[test]
    fn points_add_up_and_zero_weights_disappear() {
        let (mut me, mut mr) = pair();
        me.wants_skills = words(&["rust", "go"]);
        mr.profile.skills = words(&["rust"]);
        me.profile.values = words(&["care"]);
        mr.profile.values = words(&["care", "craft"]);
        let mut w = Weights::default();
        assert_eq!(w.get("skills"), Some(5));
        let s = score(&me, &mr, ProgramKind::Traditional, &w);
        assert_eq!(s.explanation.len(), 10);
        assert_eq!(s.score, s.explanation.iter().map(|c| c.points).sum::<i32>());
        // skills 5/20 × ½ = 12.5 points; values 3/20 × (1 and ½) = 15 and 7.5.
        assert_eq!((s.mentee_view, s.mentor_view), (1250 + 1500, 1250 + 750));
        w.0[0] = 0;
        let s = score(&me, &mr, ProgramKind::Traditional, &w);
        assert_eq!(s.explanation.len(), 9);
        assert!(s.explanation.iter().all(|c| c.criterion != "skills"));
        assert_eq!(
            score(&me, &mr, ProgramKind::Traditional, &Weights([0; 10])).score,
            0
        );
    }

    #[test]
    fn weights_from_a_map_refuse_unknown_names() {
        let mut map = std::collections::BTreeMap::new();
        map.insert("skills".to_string(), 8u8);
        assert_eq!(Weights::from_map(&map).unwrap().get("skills"), Some(8));
        map.insert("luck".to_string(), 1);
        assert!(Weights::from_map(&map).is_err());
    }
}
