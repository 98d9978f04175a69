//! `tandem match`: the matching engine on files, for scripting and benchmarks.
//!
//! Two inputs. Assignment only: `mentors.csv` (`mentor,capacity`) and `edges.csv`
//! (`mentee,mentor,mentee_score,mentor_score`). Or people: one `people.csv` with
//! profiles, from which candidates and scores are computed first.
//!
//! Scores are read exactly: every decimal becomes a whole number of units of 10^-d, where
//! d is the most decimal places any score has (or `--precision d`, and then a score with
//! more places is an error). Nothing is rounded, so `stable` sees each side's own order
//! and `optimal` maximises the user's own sum.
use crate::domain::wire::{LearningStyle, MeetingPreference, Seniority};
use anyhow::{bail, Context};
use rustc_hash::FxHashMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;
use tandem_match as engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Objective {
    /// Most mentees matched, then the highest sum of mentee_score + mentor_score.
    Optimal,
    /// Mentee-proposing deferred acceptance: no blocking pair.
    Stable,
}

/// What `tandem match` prints on stdout, as one JSON line.
#[derive(Debug, serde::Serialize)]
pub struct Summary {
    pub pairs: usize,
    pub matched_mentees: usize,
    pub total_score: f64,
    /// The decimal places the scores were counted in (no score was rounded).
    pub decimals: u32,
    pub blocking_pairs: usize,
    pub load_seconds: f64,
    pub solve_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate_seconds: Option<f64>,
    /// With `--verify`: the best possible, proven.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
}

/// The best any assignment reaches, proven by a checked certificate.
#[derive(Debug, serde::Serialize)]
pub struct Bound {
    /// The most mentees any assignment matches.
    pub max_pairs: usize,
    /// The highest total any assignment with `max_pairs` pairs reaches.
    pub best_total: f64,
    /// The certificate was checked, independently of the solver, for this assignment
    /// (`optimal`) or for the optimum it is compared with (`stable`).
    pub certified: bool,
    /// The premium per pair of the certificate's dual prices (units of 10^-decimals).
    pub premium: i64,
}

/// Certifies the optimum (the assignment itself for `optimal`, a fresh `optimal` solve for
/// `stable`) and checks the certificate; an error if the check fails.
pub fn verify(
    problem: &Problem,
    objective: Objective,
    assignment: &engine::Assignment,
) -> anyhow::Result<Bound> {
    let optimum = match objective {
        Objective::Optimal => assignment.clone(),
        Objective::Stable => engine::solve_optimal(&problem.instance),
    };
    let certificate = engine::certify(&problem.instance, &optimum)
        .context("the optimal assignment could not be certified: please report this")?;
    let proven = engine::check_certificate(&problem.instance, &optimum, &certificate)
        .map_err(|e| anyhow::anyhow!("the certificate does not check: {e}; please report this"))?;
    Ok(Bound {
        max_pairs: proven.pairs,
        best_total: proven.total as f64 / pow10(problem.decimals) as f64,
        certified: true,
        premium: certificate.premium,
    })
}

/// A loaded problem: the instance and the ids behind its indices.
pub struct Problem {
    pub instance: engine::Instance,
    /// Scores in the instance are whole units of 10^-decimals.
    pub decimals: u32,
    pub mentee_ids: Vec<String>,
    pub mentor_ids: Vec<String>,
}

/// Progress for long runs, on stderr, so stdout stays one JSON line.
pub struct Progress {
    quiet: bool,
    started: Instant,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Progress {
            quiet,
            started: Instant::now(),
        }
    }
    pub fn say(&self, what: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("[{:>7.2}s] {what}", self.started.elapsed().as_secs_f64());
        }
    }
}

/// Fields are trimmed where they are read (`field`): cheaper than the reader's own trimming.
fn reader(path: &Path) -> anyhow::Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))
}

fn expect_header(
    path: &Path,
    rdr: &mut csv::Reader<std::fs::File>,
    want: &[&str],
) -> anyhow::Result<()> {
    let got = rdr
        .byte_headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?;
    let got: Vec<String> = got
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    if got != want {
        bail!(
            "{}: line 1: the header must be `{}`, found `{}`",
            path.display(),
            want.join(","),
            got.join(",")
        );
    }
    Ok(())
}

fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map(|p| p.line()).unwrap_or(0)
}

fn field<'r>(
    path: &Path,
    record: &'r csv::ByteRecord,
    k: usize,
    name: &str,
) -> anyhow::Result<&'r str> {
    let raw = record.get(k).with_context(|| {
        format!(
            "{}: line {}: missing the `{name}` column",
            path.display(),
            line_of(record)
        )
    })?;
    let text = std::str::from_utf8(raw)
        .with_context(|| {
            format!(
                "{}: line {}: `{name}` is not UTF-8",
                path.display(),
                line_of(record)
            )
        })?
        .trim();
    if text.is_empty() {
        bail!(
            "{}: line {}: `{name}` is empty",
            path.display(),
            line_of(record)
        );
    }
    Ok(text)
}

/// The largest score in engine units: scores are `i32`, so that a pair's weight (two
/// scores) and any total over millions of pairs stay exact in `i64`.
const MOST_UNITS: i128 = i32::MAX as i128;

/// Turns decimal scores into whole units of 10^-`decimals`, exactly.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// Decimal places counted so far (or fixed by the user).
    pub decimals: u32,
    /// `--precision` was given: a score with more places is an error, not a reason to grow.
    pub fixed: bool,
}

impl Scale {
    /// Decimal places taken from the input: they grow to the most any score has.
    pub fn from_input() -> Self {
        Scale {
            decimals: 0,
            fixed: false,
        }
    }

    /// Exactly `decimals` places; a score with more is refused.
    pub fn fixed(decimals: u32) -> Self {
        Scale {
            decimals,
            fixed: true,
        }
    }
}

/// A score's text as a decimal, as written (`87.250` → 87250 × 10^-3).
fn parse_decimal(text: &str) -> Option<rust_decimal::Decimal> {
    use std::str::FromStr;
    rust_decimal::Decimal::from_str(text)
        .or_else(|_| rust_decimal::Decimal::from_scientific(text))
        .ok()
}

fn pow10(k: u32) -> i128 {
    10i128.pow(k)
}

/// Reads a record's two scores into units of the scale, first growing the scale (and
/// rescaling the scores read so far, `edges`) when one has more decimal places than any
/// before.
fn scores(
    path: &Path,
    record: &csv::ByteRecord,
    scale: &mut Scale,
    edges: &mut [engine::Edge],
) -> anyhow::Result<(i32, i32)> {
    let line = line_of(record);
    let mut read = [(2, "mentee_score"), (3, "mentor_score")]
        .map(|(k, name)| (k, name, "", rust_decimal::Decimal::ZERO));
    for (k, name, text_of, value_of) in read.iter_mut() {
        let text = field(path, record, *k, name)?;
        let Some(mut value) = parse_decimal(text) else {
            bail!(
                "{}: line {line}: `{name}` must be a number, found {text:?}",
                path.display()
            );
        };
        if value.scale() > scale.decimals {
            // Trailing zeros are no places (`87.250` has two); only a score with more
            // places than any before needs them counted.
            value = value.normalize();
        }
        let places = value.scale();
        if places > scale.decimals {
            if scale.fixed {
                bail!(
                    "{}: line {line}: `{name}` {text} has {places} decimal places, more than \
                     --precision {}; round the file yourself or raise --precision",
                    path.display(),
                    scale.decimals
                );
            }
            rescale(edges, places - scale.decimals).with_context(|| {
                format!(
                    "{}: line {line}: `{name}` {text} has {places} decimal places, and at \
                     that precision an earlier score no longer fits (at most {MOST_UNITS} \
                     units of 10^-{places}); give --precision with fewer places and round \
                     the file",
                    path.display()
                )
            })?;
            scale.decimals = places;
        }
        *text_of = text;
        *value_of = value;
    }
    let mut units = [0i32; 2];
    for (out, (_, name, text, value)) in units.iter_mut().zip(&read) {
        let u = value.mantissa() * pow10(scale.decimals - value.scale());
        if u.abs() > MOST_UNITS {
            bail!(
                "{}: line {line}: `{name}` {text} is too large to count exactly in {} decimal \
                 places (at most {MOST_UNITS} units of 10^-{}); give --precision with fewer \
                 places and round the file",
                path.display(),
                scale.decimals,
                scale.decimals
            );
        }
        *out = u as i32;
    }
    Ok((units[0], units[1]))
}

/// Multiplies every score read so far by 10^`more`; `None` when one would no longer fit.
fn rescale(edges: &mut [engine::Edge], more: u32) -> Option<()> {
    let factor = pow10(more);
    let fits = |s: i32| (i128::from(s) * factor).abs() <= MOST_UNITS;
    if !edges
        .iter()
        .all(|e| fits(e.mentee_score) && fits(e.mentor_score))
    {
        return None;
    }
    for e in edges {
        e.mentee_score = (i128::from(e.mentee_score) * factor) as i32;
        e.mentor_score = (i128::from(e.mentor_score) * factor) as i32;
    }
    Some(())
}

/// Reads `mentors.csv` and `edges.csv` into an instance.
pub fn load_edges(
    mentors_path: &Path,
    edges_path: &Path,
    mut scale: Scale,
    progress: &Progress,
) -> anyhow::Result<Problem> {
    let mut rdr = reader(mentors_path)?;
    expect_header(mentors_path, &mut rdr, &["mentor", "capacity"])?;
    let mut mentor_ids = Vec::new();
    let mut mentor_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut capacity = Vec::new();
    let mut record = csv::ByteRecord::new();
    while rdr
        .read_byte_record(&mut record)
        .with_context(|| format!("{}: malformed CSV", mentors_path.display()))?
    {
        let id = field(mentors_path, &record, 0, "mentor")?;
        let cap_text = field(mentors_path, &record, 1, "capacity")?;
        let cap: u32 = cap_text.parse().with_context(|| {
            format!(
                "{}: line {}: `capacity` must be a whole number ≥ 0, found {cap_text:?}",
                mentors_path.display(),
                line_of(&record)
            )
        })?;
        if mentor_index
            .insert(id.to_string(), mentor_ids.len() as u32)
            .is_some()
        {
            bail!(
                "{}: line {}: mentor {id:?} is listed twice",
                mentors_path.display(),
                line_of(&record)
            );
        }
        mentor_ids.push(id.to_string());
        capacity.push(cap);
    }
    progress.say(format_args!("{} mentors read", mentor_ids.len()));

    // Counting the lines first lets the edges live in one exact allocation.
    let expected = count_lines(edges_path)?.saturating_sub(1);
    let mut rdr = reader(edges_path)?;
    expect_header(
        edges_path,
        &mut rdr,
        &["mentee", "mentor", "mentee_score", "mentor_score"],
    )?;
    let mut mentee_ids: Vec<String> = Vec::new();
    let mut mentee_index: FxHashMap<String, u32> = FxHashMap::default();
    let mut edges: Vec<engine::Edge> = Vec::with_capacity(expected);
    // Files usually list a mentee's edges together: then `starts` is already the CSR.
    // Otherwise `owners` records each edge's mentee for a counting sort at the end.
    let mut starts: Vec<u32> = Vec::new();
    let mut owners: Option<Vec<u32>> = None;
    while rdr
        .read_byte_record(&mut record)
        .with_context(|| format!("{}: malformed CSV", edges_path.display()))?
    {
        let mentee = field(edges_path, &record, 0, "mentee")?;
        let mentor = field(edges_path, &record, 1, "mentor")?;
        let Some(&j) = mentor_index.get(mentor) else {
            bail!(
                "{}: line {}: mentor {mentor:?} is not in {}",
                edges_path.display(),
                line_of(&record),
                mentors_path.display()
            );
        };
        let i = match mentee_index.get(mentee) {
            Some(&i) => i,
            None => {
                let i = mentee_ids.len() as u32;
                mentee_index.insert(mentee.to_string(), i);
                mentee_ids.push(mentee.to_string());
                starts.push(edges.len() as u32);
                i
            }
        };
        if owners.is_none() && i as usize + 1 != mentee_ids.len() {
            owners = Some(owners_of(&starts, edges.len()));
        }
        if let Some(owners) = owners.as_mut() {
            owners.push(i);
        }
        let (mentee_score, mentor_score) = scores(edges_path, &record, &mut scale, &mut edges)?;
        edges.push(engine::Edge {
            mentor: j,
            mentee_score,
            mentor_score,
        });
        if edges.len().is_multiple_of(1_000_000) {
            progress.say(format_args!("{} edges read", edges.len()));
        }
    }
    progress.say(format_args!(
        "{} edges of {} mentees read",
        edges.len(),
        mentee_ids.len()
    ));
    drop(mentee_index);
    let (offsets, sorted) = match owners {
        None => {
            starts.push(edges.len() as u32);
            (starts, edges)
        }
        Some(owners) => csr_by_mentee(mentee_ids.len(), edges, &owners),
    };
    let instance = engine::Instance::from_csr(capacity, offsets, sorted).map_err(|e| match e {
        engine::InstanceError::DuplicateEdge { mentee, mentor } => anyhow::anyhow!(
            "{}: the pair mentee {:?}, mentor {:?} appears more than once",
            edges_path.display(),
            mentee_ids[mentee as usize],
            mentor_ids[mentor as usize]
        ),
        other => anyhow::anyhow!("{}: {other}", edges_path.display()),
    })?;
    progress.say(format_args!(
        "scores counted exactly in {} decimal places",
        scale.decimals
    ));
    Ok(Problem {
        instance,
        decimals: scale.decimals,
        mentee_ids,
        mentor_ids,
    })
}

fn count_lines(path: &Path) -> anyhow::Result<usize> {
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut lines = 0;
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            return Ok(lines);
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count();
    }
}

/// The mentee of each of the first `edges` edges, when they were grouped by mentee.
fn owners_of(starts: &[u32], edges: usize) -> Vec<u32> {
    let mut owners = Vec::with_capacity(edges);
    for (i, &from) in starts.iter().enumerate() {
        let to = starts.get(i + 1).map_or(edges, |&t| t as usize);
        owners.extend(std::iter::repeat_n(i as u32, to - from as usize));
    }
    owners
}

/// Counting sort of edges into CSR by mentee, keeping file order within a mentee.
fn csr_by_mentee(
    n: usize,
    edges: Vec<engine::Edge>,
    owners: &[u32],
) -> (Vec<u32>, Vec<engine::Edge>) {
    let mut offsets = vec![0u32; n + 1];
    for &i in owners {
        offsets[i as usize + 1] += 1;
    }
    for k in 0..n {
        offsets[k + 1] += offsets[k];
    }
    let mut next = offsets.clone();
    let mut sorted = vec![
        engine::Edge {
            mentor: 0,
            mentee_score: 0,
            mentor_score: 0
        };
        edges.len()
    ];
    for (e, &i) in edges.into_iter().zip(owners) {
        let at = &mut next[i as usize];
        sorted[*at as usize] = e;
        *at += 1;
    }
    (offsets, sorted)
}

/// Solves and writes `mentee,mentor` rows; returns the summary without timings.
pub fn solve(problem: &Problem, objective: Objective) -> engine::Assignment {
    match objective {
        Objective::Optimal => engine::solve_optimal(&problem.instance),
        Objective::Stable => engine::solve_stable(&problem.instance),
    }
}

pub fn write_assignment(
    path: &Path,
    problem: &Problem,
    assignment: &engine::Assignment,
) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    writeln!(out, "mentee,mentor")?;
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    for (i, m) in assignment.mentor_of.iter().enumerate() {
        if let Some(j) = m {
            w.write_record([
                problem.mentee_ids[i].as_str(),
                problem.mentor_ids[*j as usize].as_str(),
            ])?;
        }
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

pub fn summary(
    problem: &Problem,
    assignment: &engine::Assignment,
    load_seconds: f64,
    solve_seconds: f64,
) -> Summary {
    let stats = engine::stats(&problem.instance, assignment);
    Summary {
        pairs: stats.pairs,
        matched_mentees: stats.pairs,
        total_score: stats.total_weight as f64 / pow10(problem.decimals) as f64,
        decimals: problem.decimals,
        blocking_pairs: stats.blocking_pairs,
        load_seconds,
        solve_seconds,
        candidate_seconds: None,
        bound: None,
    }
}

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

fn list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn optional<T>(
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
