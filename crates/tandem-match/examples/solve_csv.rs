//! Times `solve_optimal` and `solve_stable` on an instance read from the two CSV files of
//! `tandem match` (`mentor,capacity` and `mentee,mentor,mentee_score,mentor_score`).
//!
//! `CARGO_TARGET_DIR=/work/opt-target cargo run --release -p tandem-match --example solve_csv -- mentors.csv edges.csv`
//!
//! Environment: `CHECK=1` also solves with `OptimalMethod::ShortestPaths` and asserts the
//! same (pairs, total); `REPEAT=k` solves `optimal` k times and prints each time;
//! `SKIP_STABLE=1` skips `stable`; `DECIMALS=d` counts scores exactly in units of
//! 10^-d (as `tandem match` does) instead of rounding them to hundredths.
//!
//! Plain std: a simple split on ',' (no quoting), whole or decimal scores.

use std::collections::HashMap;
use std::time::Instant;
use tandem_match::{
    score_from_decimal, solve_optimal, solve_optimal_with, solve_stable, stats, validate, Edge,
    InstanceBuilder, OptimalMethod,
};

fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// CPU seconds (user + system) of this process so far, from /proc/self/stat (clock ticks,
/// assumed 100 per second); steadier than wall time on a busy machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of the line, counted from the state field (3) after the ')'.
    (ticks(11) + ticks(12)) / 100.0
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: solve_csv MENTORS.csv EDGES.csv");
        std::process::exit(2);
    }
    let t = Instant::now();
    let mentors = std::fs::read_to_string(&args[1]).expect("read mentors");
    let mut mentor_index: HashMap<&str, u32> = HashMap::new();
    let mut caps = Vec::new();
    for line in mentors.lines().skip(1).filter(|l| !l.is_empty()) {
        let mut f = line.split(',');
        let name = f.next().expect("mentor");
        let cap: u32 = f
            .next()
            .expect("capacity")
            .trim()
            .parse()
            .expect("capacity");
        mentor_index.insert(name, caps.len() as u32);
        caps.push(cap);
    }
    let edges = std::fs::read_to_string(&args[2]).expect("read edges");
    let mut b = InstanceBuilder::new(caps);
    let mut seen: HashMap<&str, ()> = HashMap::new();
    let mut current: Option<&str> = None;
    let mut row: Vec<Edge> = Vec::new();
    // `DECIMALS=d`: scores counted exactly in units of 10^-d, as `tandem match` counts
    // them (a score with more places is an error); otherwise rounded to hundredths.
    let decimals: Option<usize> = std::env::var("DECIMALS")
        .ok()
        .map(|d| d.parse().expect("DECIMALS"));
    let score = |s: &str| match decimals {
        None => score_from_decimal(s.trim().parse::<f64>().expect("score")).unwrap(),
        Some(d) => {
            let s = s.trim();
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            assert!(frac.len() <= d, "{s} has more than {d} places");
            let digits = format!("{whole}{frac:0<d$}");
            digits.parse::<i32>().expect("score fits")
        }
    };
    for line in edges.lines().skip(1).filter(|l| !l.is_empty()) {
        let mut f = line.split(',');
        let mentee = f.next().expect("mentee");
        let mentor = f.next().expect("mentor");
        let a = score(f.next().expect("mentee_score"));
        let s = score(f.next().expect("mentor_score"));
        if current != Some(mentee) {
            if current.is_some() {
                b.push_mentee(row.drain(..)).expect("valid edges");
            }
            assert!(
                seen.insert(mentee, ()).is_none(),
                "edges of {mentee} are not consecutive"
            );
            current = Some(mentee);
        }
        row.push(Edge {
            mentor: mentor_index[mentor],
            mentee_score: a,
            mentor_score: s,
        });
    }
    if current.is_some() {
        b.push_mentee(row.drain(..)).expect("valid edges");
    }
    let inst = b.finish();
    drop(edges);
    drop(mentors);
    println!(
        "instance: {} mentees, {} mentors, {} edges (read in {:.2} s)",
        inst.mentees(),
        inst.mentors(),
        inst.edge_count(),
        t.elapsed().as_secs_f64()
    );

    if std::env::var_os("SKIP_STABLE").is_none() {
        reset_peak();
        let t = Instant::now();
        let a = solve_stable(&inst);
        let secs = t.elapsed().as_secs_f64();
        validate(&inst, &a).expect("valid");
        let s = stats(&inst, &a);
        println!(
            "stable:  solve_seconds {secs:.3}  pairs {}  total {}  blocking {}  peak_rss_mb {}",
            s.pairs,
            s.total_weight,
            s.blocking_pairs,
            peak_kb() / 1024
        );
    }

    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut best = None;
    for _ in 0..repeat {
        reset_peak();
        let t = Instant::now();
        let c = cpu_seconds();
        let a = solve_optimal(&inst);
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - c;
        let peak = peak_kb() / 1024;
        validate(&inst, &a).expect("valid");
        let s = stats(&inst, &a);
        println!(
            "optimal: solve_seconds {secs:.3}  cpu_seconds {cpu:.2}  pairs {}  total {}  peak_rss_mb {peak}",
            s.pairs, s.total_weight
        );
        best = Some((s.pairs, s.total_weight));
        let t = Instant::now();
        let cert = tandem_match::certify(&inst, &a).expect("an optimal assignment is certified");
        let certify_secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let proven =
            tandem_match::check_certificate(&inst, &a, &cert).expect("the certificate checks");
        println!(
            "certificate: certify_seconds {certify_secs:.3}  check_seconds {:.3}  proves pairs {} total {}",
            t.elapsed().as_secs_f64(),
            proven.pairs,
            proven.total
        );
    }

    if std::env::var_os("CHECK").is_some() {
        let t = Instant::now();
        let a = solve_optimal_with(&inst, OptimalMethod::ShortestPaths);
        let secs = t.elapsed().as_secs_f64();
        validate(&inst, &a).expect("valid");
        let s = stats(&inst, &a);
        println!(
            "check (shortest paths): solve_seconds {secs:.3}  pairs {}  total {}",
            s.pairs, s.total_weight
        );
        assert_eq!(best, Some((s.pairs, s.total_weight)), "methods disagree");
        println!("check: OK");
    }
}
