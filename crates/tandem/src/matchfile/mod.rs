//! `tandem match`: the matching engine on files, for scripting and benchmarks.
//!
//! Two inputs. Assignment only: `mentors.csv` (`mentor,capacity`) and `edges.csv`
//! (`mentee,mentor,mentee_score,mentor_score`), read by `edges`. Or people: one
//! `people.csv` with profiles, from which candidates and scores are computed first
//! (`people`). Scores are read exactly (`scores`): every decimal becomes a whole
//! number of units of 10^-d, where d is the most decimal places any score has (or
//! `--precision d`, and then a score with more places is an error). Nothing is
//! rounded, so `stable` sees each side's own order and `optimal` maximises the
//! user's own sum.
mod edges;
mod people;
mod scores;

use anyhow::Context;
pub use edges::*;
pub use people::*;
pub use scores::*;
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
