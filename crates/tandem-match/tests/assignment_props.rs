//! Property tests of the assignment core: validity, stability, exact optimality, determinism.

use proptest::prelude::*;
use tandem_match::{
    count_blocking_pairs, solve_optimal, solve_optimal_with, solve_stable, stats, validate,
    Assignment, Edge, Instance, OptimalMethod,
};

/// Small random instances: up to 7 mentees × 4 mentors, capacities 0–3, few distinct
/// scores (many ties), zero and negative scores, mentees without edges.
fn small_instance() -> impl Strategy<Value = Instance> {
    (1usize..=4, 0usize..=7).prop_flat_map(|(m, n)| {
        let caps = prop::collection::vec(0u32..=3, m);
        let rows = prop::collection::vec(
            prop::collection::vec((any::<bool>(), -1i32..=4, 0i32..=4), m),
            n,
        );
        (caps, rows).prop_map(|(caps, rows)| {
            let edges = rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .enumerate()
                        .filter(|(_, (keep, _, _))| *keep)
                        .map(|(j, (_, a, b))| Edge {
                            mentor: j as u32,
                            mentee_score: a * 25,
                            mentor_score: b * 25,
                        })
                        .collect()
                })
                .collect();
            Instance::new(caps, edges).unwrap()
        })
    })
}

/// (matched mentees, total weight) of the lexicographic optimum, by enumeration.
fn brute_force(inst: &Instance) -> (usize, i64) {
    fn go(
        inst: &Instance,
        i: usize,
        load: &mut [u32],
        pairs: usize,
        w: i64,
        best: &mut (usize, i64),
    ) {
        if i == inst.mentees() {
            *best = (*best).max((pairs, w));
            return;
        }
        go(inst, i + 1, load, pairs, w, best);
        for e in inst.edges_of(i) {
            let j = e.mentor as usize;
            if load[j] < inst.mentor_capacity()[j] {
                load[j] += 1;
                go(inst, i + 1, load, pairs + 1, w + e.weight(), best);
                load[j] -= 1;
            }
        }
    }
    let mut best = (0, 0);
    go(inst, 0, &mut vec![0; inst.mentors()], 0, 0, &mut best);
    best
}

fn pairs_and_weight(inst: &Instance, a: &Assignment) -> (usize, i64) {
    let s = stats(inst, a);
    (s.pairs, s.total_weight)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn optimal_equals_brute_force(inst in small_instance()) {
        let a = solve_optimal(&inst);
        prop_assert!(validate(&inst, &a).is_ok());
        prop_assert_eq!(pairs_and_weight(&inst, &a), brute_force(&inst));
        prop_assert_eq!(solve_optimal(&inst), a);
        let best = brute_force(&inst);
        for method in [OptimalMethod::ShortestPaths, OptimalMethod::Auction] {
            let b = solve_optimal_with(&inst, method);
            prop_assert!(validate(&inst, &b).is_ok());
            prop_assert_eq!(pairs_and_weight(&inst, &b), best);
        }
    }

    #[test]
    fn stable_has_no_blocking_pair(inst in small_instance()) {
        let a = solve_stable(&inst);
        prop_assert!(validate(&inst, &a).is_ok());
        prop_assert_eq!(count_blocking_pairs(&inst, &a), 0);
        prop_assert_eq!(solve_stable(&inst), a);
    }
}

/// A larger random instance with ties, zero capacities and mentees without edges.
fn medium_instance(seed: u64, n: usize, m: usize, deg: usize) -> Instance {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let caps: Vec<u32> = (0..m).map(|_| (next() % 4) as u32).collect();
    let mut rows = Vec::new();
    for _ in 0..n {
        let d = (next() % (deg as u64 + 1)) as usize;
        let mut js: Vec<u32> = (0..d).map(|_| (next() % m as u64) as u32).collect();
        js.sort_unstable();
        js.dedup();
        rows.push(
            js.into_iter()
                .map(|j| Edge {
                    mentor: j,
                    mentee_score: (next() % 50) as i32 * 10,
                    mentor_score: (next() % 50) as i32 * 10,
                })
                .collect(),
        );
    }
    Instance::new(caps, rows).unwrap()
}

/// The optimum is also a maximum-weight matching among maximum-cardinality ones:
/// check optimality on medium instances with an independent LP certificate-free test —
/// no single swap (cycle of length 2 or an augmenting step) improves it.
#[test]
fn optimal_beats_stable_and_is_locally_optimal_on_medium_instances() {
    for seed in 1..40u64 {
        let inst = medium_instance(seed * 7919, 300, 60, 6);
        let o = solve_optimal(&inst);
        validate(&inst, &o).unwrap();
        let s = solve_stable(&inst);
        validate(&inst, &s).unwrap();
        assert_eq!(count_blocking_pairs(&inst, &s), 0);
        let (op, ow) = pairs_and_weight(&inst, &o);
        let p = solve_optimal_with(&inst, OptimalMethod::ShortestPaths);
        assert_eq!(
            pairs_and_weight(&inst, &p),
            (op, ow),
            "seed {seed}: auction and shortest paths disagree"
        );
        let (sp, sw) = pairs_and_weight(&inst, &s);
        assert!(
            op > sp || (op == sp && ow >= sw),
            "seed {seed}: optimal ({op},{ow}) < stable ({sp},{sw})"
        );
        // A mentee moving to a mentor with a free place never gains weight.
        let mut load = vec![0u32; inst.mentors()];
        for j in o.mentor_of.iter().flatten() {
            load[*j as usize] += 1;
        }
        for i in 0..inst.mentees() {
            let cur = o.mentor_of[i].map(|j| inst.edge(i, j).unwrap().weight());
            for e in inst.edges_of(i) {
                if load[e.mentor as usize] < inst.mentor_capacity()[e.mentor as usize] {
                    assert!(
                        cur.is_some(),
                        "seed {seed}: mentee {i} left out next to a free place"
                    );
                    assert!(
                        cur.unwrap() >= e.weight(),
                        "seed {seed}: mentee {i} would gain by moving"
                    );
                }
            }
        }
    }
}

/// Both exact methods agree on mid-size instances with larger capacities, where the
/// auction's phases, filler bidders and unmatched pool all come into play.
#[test]
fn auction_and_shortest_paths_agree_on_larger_instances() {
    for seed in 1..25u64 {
        let inst = medium_instance(seed * 104_729 + 3, 400, 40, 12);
        let a = solve_optimal(&inst);
        let b = solve_optimal_with(&inst, OptimalMethod::ShortestPaths);
        validate(&inst, &a).unwrap();
        validate(&inst, &b).unwrap();
        assert_eq!(
            pairs_and_weight(&inst, &a),
            pairs_and_weight(&inst, &b),
            "seed {seed}"
        );
    }
}

/// Tight instances: as many places as mentees and a perfect matching guaranteed (each
/// mentee has an edge to its "home" place), plus random extra edges with few distinct
/// scores (many ties), zero and negative scores. Every place must be taken, which is
/// where `Hybrid` runs the auction warm start and the shortest-path finish.
fn tight_instance(seed: u64, n: usize, m: usize, deg: usize, levels: u64) -> Instance {
    short_instance(seed, n, m, deg, levels, 0)
}

/// [`tight_instance`] with `short` places taken away (where there are any), so that a
/// few mentees must be left out: a nearly perfect part D.
fn short_instance(
    seed: u64,
    n: usize,
    m: usize,
    deg: usize,
    levels: u64,
    short: usize,
) -> Instance {
    let mut s = seed | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    // Spread n places over m mentors (some may get 0).
    let mut caps = vec![0u32; m];
    let mut home = Vec::with_capacity(n);
    for _ in 0..n {
        let j = (next() % m as u64) as usize;
        caps[j] += 1;
        home.push(j as u32);
    }
    for k in 0..short {
        let j = (k * 7919 + seed as usize) % m;
        caps[j] = caps[j].saturating_sub(1);
    }
    let score = move |x: u64| (x % levels) as i32 * 100 - 100;
    let rows: Vec<Vec<Edge>> = home
        .iter()
        .map(|&h| {
            let mut js: Vec<u32> = (0..deg).map(|_| (next() % m as u64) as u32).collect();
            js.push(h);
            js.sort_unstable();
            js.dedup();
            js.into_iter()
                .map(|j| Edge {
                    mentor: j,
                    mentee_score: score(next()),
                    mentor_score: score(next()),
                })
                .collect()
        })
        .collect();
    Instance::new(caps, rows).unwrap()
}

#[test]
fn tight_instances_agree_across_methods() {
    for seed in 1..30u64 {
        let levels = 2 + seed % 5;
        let inst = tight_instance(
            seed * 65_537 + 11,
            300,
            50 + (seed as usize % 4) * 40,
            8,
            levels,
        );
        let h = solve_optimal(&inst);
        validate(&inst, &h).unwrap();
        assert_eq!(stats(&inst, &h).pairs, inst.mentees(), "seed {seed}");
        let expected = pairs_and_weight(&inst, &h);
        for method in [OptimalMethod::ShortestPaths, OptimalMethod::Auction] {
            let b = solve_optimal_with(&inst, method);
            validate(&inst, &b).unwrap();
            assert_eq!(
                pairs_and_weight(&inst, &b),
                expected,
                "seed {seed} {method:?}"
            );
        }
        assert_eq!(solve_optimal(&inst), h, "seed {seed}: not deterministic");
    }
}

/// Nearly perfect instances (a few places short of the mentees): `Hybrid` makes part D
/// perfect with a stand-in mentor; it must agree with shortest paths, and a checked
/// certificate must prove it optimal.
#[test]
fn nearly_perfect_instances_agree_and_are_certified() {
    for seed in 1..40u64 {
        let levels = 2 + seed % 5;
        let short = 1 + (seed as usize % 12);
        let inst = short_instance(
            seed * 40_503 + 7,
            300,
            40 + (seed as usize % 3) * 30,
            6,
            levels,
            short,
        );
        let h = hybrid_agrees_and_is_certified(&inst, seed);
        assert!(
            stats(&inst, &h).pairs < inst.mentees(),
            "seed {seed}: places are short"
        );
    }
}

/// `Hybrid`'s assignment, after checking that it is valid and deterministic, agrees
/// with shortest paths, and is proven optimal by a checked certificate.
fn hybrid_agrees_and_is_certified(inst: &Instance, seed: u64) -> Assignment {
    let h = solve_optimal(inst);
    validate(inst, &h).unwrap();
    let b = solve_optimal_with(inst, OptimalMethod::ShortestPaths);
    assert_eq!(
        pairs_and_weight(inst, &h),
        pairs_and_weight(inst, &b),
        "seed {seed}"
    );
    let cert = tandem_match::certify(inst, &h).expect("optimal, so certified");
    let proven = tandem_match::check_certificate(inst, &h, &cert).unwrap();
    assert_eq!((proven.pairs, proven.total), pairs_and_weight(inst, &h));
    assert_eq!(solve_optimal(inst), h, "seed {seed}: not deterministic");
    h
}

/// [`tight_instance`] with `extra` places more, most of them at the mentors the fewest
/// mentees list (where an optimum leaves room, as on the mixed-capacity benchmark):
/// every mentee can be matched and some places stay empty, which is where `Hybrid`'s
/// auction bids without fillers and prices an emptied place at 0 again.
fn roomy_instance(
    seed: u64,
    n: usize,
    m: usize,
    deg: usize,
    levels: u64,
    extra: usize,
) -> Instance {
    let tight = tight_instance(seed, n, m, deg, levels);
    let mut caps = tight.mentor_capacity().to_vec();
    let mut wanted = vec![0usize; m];
    for e in tight.edges() {
        wanted[e.mentor as usize] += 1;
    }
    let mut by_want: Vec<usize> = (0..m).collect();
    by_want.sort_by_key(|&j| (wanted[j], j));
    for k in 0..extra {
        // Three in four go to the least wanted fifth of the mentors, the rest anywhere.
        let j = if k % 4 == 3 {
            (k * 7919 + seed as usize) % m
        } else {
            by_want[(k * 31) % (m / 5).max(1)]
        };
        caps[j] += 1;
    }
    let rows = (0..n).map(|i| tight.edges_of(i).to_vec()).collect();
    Instance::new(caps, rows).unwrap()
}

/// Instances with room to spare: `Hybrid` must agree with shortest paths, match every
/// mentee, and a checked certificate must prove it optimal.
#[test]
fn roomy_instances_agree_and_are_certified() {
    for seed in 1..40u64 {
        let levels = 2 + seed % 5;
        let extra = 1 + (seed as usize * 13) % 90;
        let inst = roomy_instance(
            seed * 52_711 + 5,
            300,
            40 + (seed as usize % 3) * 30,
            6,
            levels,
            extra,
        );
        let h = hybrid_agrees_and_is_certified(&inst, seed);
        assert_eq!(stats(&inst, &h).pairs, inst.mentees(), "seed {seed}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Small instances with room to spare against brute force.
    #[test]
    fn roomy_optimal_equals_brute_force(seed in any::<u64>(), n in 1usize..=7, m in 1usize..=4, levels in 1u64..=4, extra in 1usize..=3) {
        let inst = roomy_instance(seed, n, m, 2, levels, extra);
        let best = brute_force(&inst);
        for method in [OptimalMethod::Hybrid, OptimalMethod::ShortestPaths, OptimalMethod::Auction] {
            let a = solve_optimal_with(&inst, method);
            prop_assert!(validate(&inst, &a).is_ok());
            prop_assert_eq!(pairs_and_weight(&inst, &a), best);
        }
    }

    /// Small tight instances against brute force.
    #[test]
    fn tight_optimal_equals_brute_force(seed in any::<u64>(), n in 1usize..=7, m in 1usize..=4, levels in 1u64..=4) {
        let inst = tight_instance(seed, n, m, 2, levels);
        let best = brute_force(&inst);
        for method in [OptimalMethod::Hybrid, OptimalMethod::ShortestPaths, OptimalMethod::Auction] {
            let a = solve_optimal_with(&inst, method);
            prop_assert!(validate(&inst, &a).is_ok());
            prop_assert_eq!(pairs_and_weight(&inst, &a), best);
        }
    }
}
