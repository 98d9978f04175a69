//! The people input: one file of profiles, from which candidates and scores are
//! computed as a program would.
use super::*;
use crate::domain::wire::{LearningStyle, MeetingPreference, Seniority};
use anyhow::{bail, Context};
use std::path::Path;
use std::time::Instant;
use tandem_match as engine;

/// The people file: one row per person and role.
pub const PEOPLE_HEADER: &[&str] = &[
    "id",
    "role",
    "capacity",
    "email",
    "manager_email",
    "field",
    "seniority",
    "skills",
    "wants_skills",
    "interests",
    "values",
    "education",
    "languages",
    "timezone",
    "learning_style",
    "meeting_preference",
    "hours_per_month",
];

/// Program settings for a people file.
pub struct PeopleOptions {
    pub kind: engine::ProgramKind,
    pub max_timezone_gap_hours: u32,
    pub weights: engine::Weights,
    pub candidates_per_mentee: usize,
    /// The instant at which time-zone offsets are taken.
    pub at: chrono::DateTime<chrono::Utc>,
}

pub(super) fn list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub(super) fn optional<T>(
    path: &Path,
    record: &csv::StringRecord,
    k: usize,
    name: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> anyhow::Result<Option<T>> {
    let text = record.get(k).unwrap_or("").trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse(text).map(Some).with_context(|| {
        format!(
            "{}: line {}: `{name}` has an unknown value {text:?}",
            path.display(),
            record.position().map(|p| p.line()).unwrap_or(0)
        )
    })
}

/// Reads `people.csv` and builds candidates with explained scores (hard rules applied).
pub fn load_people(
    path: &Path,
    options: &PeopleOptions,
    progress: &Progress,
) -> anyhow::Result<(Problem, f64)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let header: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    if header != PEOPLE_HEADER {
        bail!(
            "{}: line 1: the header must be `{}`",
            path.display(),
            PEOPLE_HEADER.join(",")
        );
    }
    let (mut mentees, mut mentors) = (Vec::new(), Vec::new());
    for row in rdr.records() {
        let r = row.with_context(|| format!("{}: malformed CSV", path.display()))?;
        let line = r.position().map(|p| p.line()).unwrap_or(0);
        let get = |k: usize| r.get(k).unwrap_or("").trim();
        if get(0).is_empty() {
            bail!("{}: line {line}: `id` is empty", path.display());
        }
        let profile = engine::Profile {
            id: get(0).to_string(),
            email: get(3).to_string(),
            manager_email: Some(get(4).to_string()).filter(|s| !s.is_empty()),
            field: Some(get(5).to_string()).filter(|s| !s.is_empty()),
            seniority: optional(path, &r, 6, "seniority", |s| {
                Seniority::parse(s).ok().map(Into::into)
            })?,
            skills: list(get(7)),
            interests: list(get(9)),
            values: list(get(10)),
            education: Some(get(11).to_string()).filter(|s| !s.is_empty()),
            background: Vec::new(),
            languages: list(get(12)),
            utc_offset_minutes: optional(path, &r, 13, "timezone", |tz| {
                engine::utc_offset_minutes(tz, options.at)
            })?,
            learning_style: optional(path, &r, 14, "learning_style", |s| {
                LearningStyle::parse(s).ok().map(Into::into)
            })?,
            meeting_preference: optional(path, &r, 15, "meeting_preference", |s| {
                MeetingPreference::parse(s).ok().map(Into::into)
            })?,
            hours_per_month: optional(path, &r, 16, "hours_per_month", |s| s.parse().ok())?,
        };
        match get(1) {
            "mentee" => mentees.push(engine::Mentee {
                profile,
                wants_skills: list(get(8)),
            }),
            "mentor" => {
                let capacity = get(2).parse().with_context(|| {
                    format!(
                        "{}: line {line}: a mentor needs a whole-number `capacity`",
                        path.display()
                    )
                })?;
                mentors.push(engine::Mentor { profile, capacity });
            }
            other => bail!(
                "{}: line {line}: `role` must be mentor or mentee, found {other:?}",
                path.display()
            ),
        }
    }
    progress.say(format_args!(
        "{} mentees and {} mentors read",
        mentees.len(),
        mentors.len()
    ));
    let started = Instant::now();
    let rules = engine::HardRules::new(options.max_timezone_gap_hours);
    let candidate_options = engine::CandidateOptions {
        per_mentee: options.candidates_per_mentee,
        ..Default::default()
    };
    let instance = engine::candidates(
        &mentees,
        &mentors,
        options.kind,
        &options.weights,
        &rules,
        &candidate_options,
    );
    let candidate_seconds = started.elapsed().as_secs_f64();
    progress.say(format_args!(
        "{} candidate pairs scored in {candidate_seconds:.2}s",
        instance.edge_count()
    ));
    Ok((
        Problem {
            instance,
            // The engine's own scores: hundredths.
            decimals: engine::SCORE_SCALE.ilog10(),
            mentee_ids: mentees.into_iter().map(|m| m.profile.id).collect(),
            mentor_ids: mentors.into_iter().map(|m| m.profile.id).collect(),
        },
        candidate_seconds,
    ))
}
