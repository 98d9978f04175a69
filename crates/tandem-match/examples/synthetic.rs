//! Seeded synthetic benchmark: 100,000 mentees, 20,000 mentors of capacity 5, 50 candidate
//! edges per mentee with popular mentors skewed by a Zipf-like law.
//!
//! `CARGO_TARGET_DIR=/work/match-target cargo run --release --example synthetic -p tandem-match [-- mentees mentors]`
//!
//! Prints solve seconds and peak RSS (VmHWM, reset before each step through
//! /proc/self/clear_refs) for `stable` and `optimal`.

use std::time::Instant;
use tandem_match::{
    candidates, solve_optimal, solve_stable, stats, validate, CandidateOptions, Edge, HardRules,
    Instance, InstanceBuilder, LearningStyle, MeetingPreference, Mentee, Mentor, Profile,
    ProgramKind, Seniority, Weights,
};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Zipf-skewed mentor popularity, 50 distinct candidates per mentee, integer scores (points).
fn generate(n: usize, m: usize, deg: usize, cap: u32, seed: u64) -> Instance {
    let mut rng = Rng(seed);
    // SKEW=0 gives uniform popularity.
    let skew: f64 = std::env::var("SKEW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.9);
    // Popularity ~ 1 / (rank + 10)^0.9, mentors shuffled so index says nothing.
    let mut perm: Vec<u32> = (0..m as u32).collect();
    for k in (1..m).rev() {
        perm.swap(k, rng.below(k as u64 + 1) as usize);
    }
    let mut cdf = Vec::with_capacity(m);
    let mut acc = 0.0;
    for r in 0..m {
        acc += 1.0 / ((r + 10) as f64).powf(skew);
        cdf.push(acc);
    }
    let quality: Vec<i32> = (0..m).map(|_| rng.below(40) as i32).collect();
    let mut b = InstanceBuilder::new(vec![cap; m]);
    b.reserve(n, n * deg);
    let mut chosen: Vec<u32> = Vec::with_capacity(deg);
    for _ in 0..n {
        chosen.clear();
        while chosen.len() < deg.min(m) {
            let x = rng.unit() * acc;
            let r = cdf.partition_point(|&c| c < x).min(m - 1);
            let j = perm[r];
            if !chosen.contains(&j) {
                chosen.push(j);
            }
        }
        chosen.sort_unstable();
        let edges: Vec<Edge> = chosen
            .iter()
            .map(|&j| Edge {
                mentor: j,
                mentee_score: (quality[j as usize] + rng.below(61) as i32) * 100,
                mentor_score: (20 + rng.below(81) as i32) * 100,
            })
            .collect();
        b.push_mentee(edges).expect("valid edges");
    }
    b.finish()
}

/// A word drawn Zipf-like from `n` (`prefix` + rank).
fn zipf_word(rng: &mut Rng, prefix: &str, n: u64) -> String {
    // Inverse of a 1/(r+1) law, approximated by exponentiating a uniform.
    let r = ((n as f64 + 1.0).powf(rng.unit()) - 1.0) as u64;
    format!("{prefix}{}", r.min(n - 1))
}

fn synthetic_profile(rng: &mut Rng, id: usize) -> Profile {
    let list = |rng: &mut Rng, prefix: &str, n: u64, k: u64| -> Vec<String> {
        (0..1 + rng.below(k))
            .map(|_| zipf_word(rng, prefix, n))
            .collect()
    };
    let mut languages = vec![];
    if rng.below(10) < 8 {
        languages.push("en".to_string());
    }
    languages.push(["de", "fr", "es", "pt", "hi", "ja"][rng.below(6) as usize].to_string());
    Profile {
        id: format!("person-{id}"),
        email: format!("person-{id}@example.org"),
        manager_email: Some(format!("person-{}@example.org", rng.below(120_000))),
        field: Some(zipf_word(rng, "field-", 30)),
        seniority: Some(
            [
                Seniority::Junior,
                Seniority::Mid,
                Seniority::Senior,
                Seniority::Lead,
            ][rng.below(4) as usize],
        ),
        skills: list(rng, "skill-", 300, 8),
        interests: list(rng, "interest-", 100, 4),
        values: list(rng, "value-", 20, 3),
        education: Some(zipf_word(rng, "degree-", 15)),
        background: list(rng, "bg-", 10, 2),
        languages,
        utc_offset_minutes: Some(
            [-480, -300, -180, 0, 60, 120, 180, 330, 480, 540, 600][rng.below(11) as usize],
        ),
        learning_style: Some(
            [
                LearningStyle::Visual,
                LearningStyle::Auditory,
                LearningStyle::ReadingWriting,
                LearningStyle::Kinesthetic,
            ][rng.below(4) as usize],
        ),
        meeting_preference: Some(
            [
                MeetingPreference::Video,
                MeetingPreference::Any,
                MeetingPreference::Phone,
            ][rng.below(3) as usize],
        ),
        hours_per_month: Some(1 + rng.below(8) as u32),
    }
}

fn profiles_benchmark(n: usize, m: usize) {
    let mut rng = Rng(7);
    let mentors: Vec<Mentor> = (0..m)
        .map(|j| Mentor {
            profile: synthetic_profile(&mut rng, j),
            capacity: 5,
        })
        .collect();
    let mentees: Vec<Mentee> = (0..n)
        .map(|i| {
            let profile = synthetic_profile(&mut rng, m + i);
            let wants = (0..1 + rng.below(4))
                .map(|_| zipf_word(&mut rng, "skill-", 300))
                .collect();
            Mentee {
                profile,
                wants_skills: wants,
            }
        })
        .collect();
    let rules = HardRules::new(6);
    reset_peak();
    let t = Instant::now();
    let inst = candidates(
        &mentees,
        &mentors,
        ProgramKind::Traditional,
        &Weights::default(),
        &rules,
        &CandidateOptions {
            scan: std::env::var("SCAN")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(CandidateOptions::default().scan),
            ..CandidateOptions::default()
        },
    );
    let secs = t.elapsed().as_secs_f64();
    let covered = (0..inst.mentors())
        .filter(|&j| inst.edges().iter().any(|e| e.mentor == j as u32))
        .count();
    println!(
        "candidates+scoring from profiles: {:.3} s, peak {} MB, {} edges, {} of {} mentees and {} of {} mentors with candidates",
        secs,
        peak_kb() / 1024,
        inst.edge_count(),
        (0..inst.mentees()).filter(|&i| !inst.edges_of(i).is_empty()).count(),
        inst.mentees(),
        covered,
        inst.mentors()
    );
    if std::env::var_os("CANDIDATES_ONLY").is_some() {
        return;
    }
    let t = Instant::now();
    let o = solve_optimal(&inst);
    let ot = stats(&inst, &o);
    println!(
        "  optimal on it: {:.3} s, pairs {}, total weight {:.2}",
        t.elapsed().as_secs_f64(),
        ot.pairs,
        ot.total_weight as f64 / 100.0
    );
    let t = Instant::now();
    let s = solve_stable(&inst);
    let st = stats(&inst, &s);
    println!(
        "  stable on it:  {:.3} s, pairs {}, blocking pairs {}",
        t.elapsed().as_secs_f64(),
        st.pairs,
        st.blocking_pairs
    );
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(100_000);
    let m = args.get(1).copied().unwrap_or(20_000);
    if std::env::var_os("PROFILES_ONLY").is_some() {
        profiles_benchmark(n, m);
        return;
    }
    let t = Instant::now();
    let cap: u32 = std::env::var("CAP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let inst = generate(n, m, 50, cap, 42);
    println!(
        "instance: {} mentees, {} mentors (capacity {}), {} edges, generated in {:.2} s, RSS peak {} MB",
        inst.mentees(),
        inst.mentors(),
        cap,
        inst.edge_count(),
        t.elapsed().as_secs_f64(),
        peak_kb() / 1024
    );

    reset_peak();
    let t = Instant::now();
    let s = solve_stable(&inst);
    let secs = t.elapsed().as_secs_f64();
    let peak = peak_kb() / 1024;
    validate(&inst, &s).expect("stable is valid");
    let st = stats(&inst, &s);
    println!(
        "stable:  {:.3} s, peak {} MB, pairs {}, total weight {:.2}, blocking pairs {}",
        secs,
        peak,
        st.pairs,
        st.total_weight as f64 / 100.0,
        st.blocking_pairs
    );

    reset_peak();
    let t = Instant::now();
    let o = solve_optimal(&inst);
    let secs = t.elapsed().as_secs_f64();
    let peak = peak_kb() / 1024;
    validate(&inst, &o).expect("optimal is valid");
    let ot = stats(&inst, &o);
    println!(
        "optimal: {:.3} s, peak {} MB, pairs {}, total weight {:.2}",
        secs,
        peak,
        ot.pairs,
        ot.total_weight as f64 / 100.0
    );

    if std::env::var_os("CHECK").is_some() {
        let t = Instant::now();
        let p = tandem_match::solve_optimal_with(&inst, tandem_match::OptimalMethod::ShortestPaths);
        let pt = stats(&inst, &p);
        println!(
            "check:   shortest paths {:.3} s, pairs {}, total weight {:.2} ({})",
            t.elapsed().as_secs_f64(),
            pt.pairs,
            pt.total_weight as f64 / 100.0,
            if (pt.pairs, pt.total_weight) == (ot.pairs, ot.total_weight) {
                "same optimum"
            } else {
                "MISMATCH"
            }
        );
    }
    drop(inst);
    profiles_benchmark(n, m);
}
