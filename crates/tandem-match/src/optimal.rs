//! `optimal`: the most matched mentees, and among those the largest total weight, exactly.
//!
//! The weight of a pair is `mentee_score + mentor_score` (integers, so the optimum is exact).
//!
//! Method, and why:
//! 1. Hopcroft–Karp (with mentor capacities; layers grown from the mentors with room, so
//!    mentees that can never be matched cost nothing) finds the largest number of matched
//!    mentees.
//! 2. The Dulmage–Mendelsohn (Gallai–Edmonds) decomposition of that matching splits the
//!    problem in two independent parts. Let `D` be the mentees reachable from an unmatched
//!    mentee by alternating paths and `A` the mentors they can reach. In *every* maximum
//!    matching, the mentors in `A` are filled to capacity by mentees of `D`, and every other
//!    mentee is matched to a mentor outside `A`. So the lexicographic optimum is
//!    (best way to fill `A` from `D`) + (best way to match all other mentees outside `A`),
//!    and no "big-M" constant is needed to make cardinality win over weight.
//! 3. Each part is a transportation problem in which one side must be fully served, solved
//!    exactly by one of two methods ([`OptimalMethod`]):
//!    - an ε-scaling auction (`auction`): weights divided by their gcd and multiplied by
//!      N + 1. Fast when every mentee of the part must be matched (part C; the usual large
//!      case: as many places as mentees, everyone matchable); there its prices, rounded to
//!      whole units (and zero where a place stays empty), are a warm start for shortest
//!      augmenting paths, which finish exactly; otherwise (mentees left out) its last
//!      phase has ε = 1, hence optimal;
//!    - successive shortest augmenting paths with column potentials (Jonker–Volgenant
//!      style Dijkstra that stops at the first free place). Fast when mentees are left
//!      out, where searches end nearby.
//!
//! The default picks per part, and turns a part D that leaves only a few mentees out
//! (at most a tenth) into a perfect problem with a stand-in mentor whose places mean
//! "unmatched" ([`solve_nearly_perfect`]), solved like part C: there free places are
//! too few for shortest paths to end nearby. Both methods are property-tested against
//! brute force, and the default against shortest paths and a checked certificate.
//!
//! Everything is on flat `u32`/`i64` arrays; ties are broken by index and no hash map or
//! thread is involved, so the output is deterministic.

use crate::instance::{Assignment, Edge, Instance, InstanceBuilder};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const NONE: u32 = u32::MAX;
/// In [`augment`]'s held units: a filler, a unit worth 0 in every column (a place left
/// empty in a problem with more places than rows).
const FILLER: u32 = u32::MAX - 1;

/// How [`solve_optimal_with`] solves the two parts; all are exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptimalMethod {
    /// The default: per part, the auction (as a warm start, finished by shortest paths)
    /// when every mentee of the part must be matched, where shortest paths alone need
    /// long searches; shortest paths when mentees may be left out, where the auction's
    /// pool bidders fight price wars.
    Hybrid,
    /// ε-scaling auction for both parts.
    Auction,
    /// Successive shortest augmenting paths for both parts.
    ShortestPaths,
}

/// Solves `optimal`: maximum number of matched mentees, then maximum total
/// `mentee_score + mentor_score`. Same input, same output.
pub fn solve_optimal(inst: &Instance) -> Assignment {
    solve_optimal_with(inst, OptimalMethod::Hybrid)
}

/// [`solve_optimal`] with a chosen method. Both give an optimal assignment; when several
/// assignments are optimal they may pick different ones (each deterministically).
pub fn solve_optimal_with(inst: &Instance, method: OptimalMethod) -> Assignment {
    let (in_d, in_a) = decompose(inst);
    match method {
        OptimalMethod::ShortestPaths => solve_parts_ssp(inst, &in_d, &in_a),
        OptimalMethod::Auction | OptimalMethod::Hybrid => {
            solve_parts_auction(inst, &in_d, &in_a, method == OptimalMethod::Hybrid)
        }
    }
}

/// Dulmage–Mendelsohn: `D` = mentees reachable from a mentee left unmatched by a maximum
/// matching, `A` = mentors they reach (all full in every maximum matching).
///
/// [`max_cardinality`] ends with that search.
fn decompose(inst: &Instance) -> (Vec<bool>, Vec<bool>) {
    let mm = max_cardinality(inst);
    (mm.in_d, mm.in_a)
}

/// `D` and `A` by a search from the unmatched mentees of a maximum matching.
fn reachable_sets(inst: &Instance, mm: &MaxMatching) -> (Vec<bool>, Vec<bool>) {
    let n = inst.mentees();
    let m = inst.mentors();
    let mut in_d = vec![false; n];
    let mut in_a = vec![false; m];
    let mut queue: Vec<u32> = (0..n as u32)
        .filter(|&i| mm.mentor_of[i as usize] == NONE)
        .collect();
    for &i in &queue {
        in_d[i as usize] = true;
    }
    let mut head = 0;
    while head < queue.len() {
        let i = queue[head] as usize;
        head += 1;
        for e in inst.edges_of(i) {
            let j = e.mentor as usize;
            if !in_a[j] {
                in_a[j] = true;
                debug_assert_eq!(mm.load[j], inst.mentor_capacity()[j]);
                for &k in mm.held(j) {
                    if !in_d[k as usize] {
                        in_d[k as usize] = true;
                        queue.push(k);
                    }
                }
            }
        }
    }
    (in_d, in_a)
}

/// Both parts by ε-scaling auction; with `only_tight`, a part with mentees left out (a
/// pool) goes to shortest paths instead. A part whose scaled weights could overflow `i64`
/// also goes to shortest paths.
fn solve_parts_auction(
    inst: &Instance,
    in_d: &[bool],
    in_a: &[bool],
    only_tight: bool,
) -> Assignment {
    let n = inst.mentees();
    let m = inst.mentors();
    let mut mentor_of: Vec<Option<u32>> = vec![None; n];
    let mut by_paths = [false, false];
    for part_d in [false, true] {
        // Part C (part_d = false): mentees outside D, all matched, mentors outside A, with
        // filler bidders for the places left empty. Part D: mentees of D fill the mentors
        // of A; the rest go to a weight-0 "unmatched" pool.
        let rows: Vec<u32> = (0..n as u32)
            .filter(|&i| in_d[i as usize] == part_d)
            .collect();
        let mut col_of_mentor = vec![NONE; m];
        let mut mentor_of_col = Vec::new();
        let mut cap = Vec::new();
        for j in 0..m {
            // A mentor without places is no column at all (it could never be bid on).
            if in_a[j] == part_d && inst.mentor_capacity()[j] > 0 {
                col_of_mentor[j] = mentor_of_col.len() as u32;
                mentor_of_col.push(j as u32);
                cap.push(inst.mentor_capacity()[j]);
            }
        }
        let places: u64 = cap.iter().map(|&c| u64::from(c)).sum();
        let (pool, fillers) = if part_d {
            (rows.len() as u64 - places, 0)
        } else {
            (0, places - rows.len() as u64)
        };
        // Places left empty are no bidders for the default: identical bidders who value
        // every place at nothing fight over the cheapest places, so the auction bids with
        // the mentees alone (a place that falls empty costs nothing again; see
        // `auction`) and shortest paths settle the empty places' prices at the end.
        if only_tight && pool > 0 && pool.saturating_mul(NEARLY_PERFECT) <= rows.len() as u64 {
            solve_nearly_perfect(
                inst,
                &rows,
                &col_of_mentor,
                &mentor_of_col,
                &cap,
                pool,
                &mut mentor_of,
            );
            continue;
        }
        let cols = if only_tight && pool > 0 {
            None
        } else {
            auction(
                inst,
                &rows,
                &col_of_mentor,
                &cap,
                pool,
                fillers,
                only_tight,
                None,
            )
        };
        match cols {
            Some(cols) => {
                for (r, &c) in rows.iter().zip(&cols) {
                    if c != NONE {
                        mentor_of[*r as usize] = Some(mentor_of_col[c as usize]);
                    }
                }
            }
            None => by_paths[usize::from(part_d)] = true,
        }
    }
    if by_paths.contains(&true) {
        ssp_parts(inst, in_d, in_a, by_paths, &mut mentor_of);
    }
    Assignment { mentor_of }
}

/// A part whose pool is at most 1 / `NEARLY_PERFECT` of its mentees counts as nearly
/// perfect (see [`solve_nearly_perfect`]).
const NEARLY_PERFECT: u64 = 10;

/// Part D when only a few of its mentees are left out: made perfect with a stand-in
/// mentor of `pool` places that every mentee of the part may take at weight 0 (left
/// unmatched), and solved like part C — the auction as a warm start, shortest paths to
/// finish. Exact: every perfect assignment of the new problem fills the places of `A`
/// and leaves exactly `pool` mentees out, as every maximum matching does, and the
/// stand-in's places add the same weight to all of them. Shortest paths alone need
/// long searches here, where free places are few (`k = 10`: 17 s against 0.7 s).
fn solve_nearly_perfect(
    inst: &Instance,
    rows: &[u32],
    col_of_mentor: &[u32],
    mentor_of_col: &[u32],
    cap: &[u32],
    pool: u64,
    mentor_of: &mut [Option<u32>],
) {
    let stand_in = cap.len() as u32;
    let places = u32::try_from(pool).expect("a pool fits in u32: it is at most the mentees");
    let mut b = InstanceBuilder::new(cap.iter().copied().chain([places]).collect());
    let mut edges = Vec::new();
    for &r in rows {
        edges.clear();
        edges.extend(inst.edges_of(r as usize).iter().filter_map(|e| {
            let c = col_of_mentor[e.mentor as usize];
            (c != NONE).then_some(Edge { mentor: c, ..*e })
        }));
        edges.push(Edge {
            mentor: stand_in,
            mentee_score: 0,
            mentor_score: 0,
        });
        b.push_mentee(edges.iter().copied())
            .expect("each column once");
    }
    let sub = b.finish();
    // Every mentee of the new problem is matched: it is all part C.
    let solved = solve_parts_auction(
        &sub,
        &vec![false; sub.mentees()],
        &vec![false; sub.mentors()],
        true,
    );
    for (k, &r) in rows.iter().enumerate() {
        if let Some(c) = solved.mentor_of[k].filter(|&c| c != stand_in) {
            mentor_of[r as usize] = Some(mentor_of_col[c as usize]);
        }
    }
}

/// Both parts by successive shortest augmenting paths.
fn solve_parts_ssp(inst: &Instance, in_d: &[bool], in_a: &[bool]) -> Assignment {
    let mut mentor_of: Vec<Option<u32>> = vec![None; inst.mentees()];
    ssp_parts(inst, in_d, in_a, [true, true], &mut mentor_of);
    Assignment { mentor_of }
}

/// Solves part C (`parts[0]`) and/or part D (`parts[1]`) by shortest augmenting paths.
fn ssp_parts(
    inst: &Instance,
    in_d: &[bool],
    in_a: &[bool],
    parts: [bool; 2],
    mentor_of: &mut [Option<u32>],
) {
    let n = inst.mentees();
    let m = inst.mentors();

    // Part C: every mentee outside D is matched, to a mentor outside A.
    if parts[0] {
        let mut col_of_mentor = vec![NONE; m];
        let mut mentor_of_col = Vec::new();
        let mut cap = Vec::new();
        for j in 0..m {
            if !in_a[j] {
                col_of_mentor[j] = mentor_of_col.len() as u32;
                mentor_of_col.push(j as u32);
                cap.push(inst.mentor_capacity()[j]);
            }
        }
        let mut rows = Csr::default();
        let mut row_mentee = Vec::new();
        for (i, _) in in_d.iter().enumerate().filter(|(_, &d)| !d) {
            row_mentee.push(i as u32);
            for e in inst.edges_of(i) {
                let c = col_of_mentor[e.mentor as usize];
                if c != NONE {
                    rows.col.push(c);
                    rows.w.push(e.weight());
                }
            }
            rows.offsets.push(rows.col.len() as u32);
        }
        drop(col_of_mentor);
        let demand = vec![1u32; row_mentee.len()];
        let sol = transport(&rows, &demand, &cap);
        for (c, units) in sol.iter().enumerate() {
            for &r in units {
                mentor_of[row_mentee[r as usize] as usize] = Some(mentor_of_col[c]);
            }
        }
    }

    // Part D: mentors in A are filled to capacity by mentees of D.
    if parts[1] {
        let mut col_of_mentee = vec![NONE; n];
        let mut mentee_of_col = Vec::new();
        for i in 0..n {
            if in_d[i] {
                col_of_mentee[i] = mentee_of_col.len() as u32;
                mentee_of_col.push(i as u32);
            }
        }
        let mut row_of_mentor = vec![NONE; m];
        let mut row_mentor = Vec::new();
        for j in 0..m {
            if in_a[j] {
                row_of_mentor[j] = row_mentor.len() as u32;
                row_mentor.push(j as u32);
            }
        }
        // CSR by mentor, built by counting.
        let mut offsets = vec![0u32; row_mentor.len() + 1];
        for &i in &mentee_of_col {
            for e in inst.edges_of(i as usize) {
                offsets[row_of_mentor[e.mentor as usize] as usize + 1] += 1;
            }
        }
        for r in 0..row_mentor.len() {
            offsets[r + 1] += offsets[r];
        }
        let total = offsets[row_mentor.len()] as usize;
        let mut fill = offsets.clone();
        let mut col = vec![0u32; total];
        let mut w = vec![0i64; total];
        for (c, &i) in mentee_of_col.iter().enumerate() {
            for e in inst.edges_of(i as usize) {
                let r = row_of_mentor[e.mentor as usize] as usize;
                let p = fill[r] as usize;
                fill[r] += 1;
                col[p] = c as u32;
                w[p] = e.weight();
            }
        }
        let rows = Csr { offsets, col, w };
        let demand: Vec<u32> = row_mentor
            .iter()
            .map(|&j| inst.mentor_capacity()[j as usize])
            .collect();
        let cap = vec![1u32; mentee_of_col.len()];
        let sol = transport(&rows, &demand, &cap);
        for (c, units) in sol.iter().enumerate() {
            for &r in units {
                mentor_of[mentee_of_col[c] as usize] = Some(row_mentor[r as usize]);
            }
        }
    }
}

/// A maximum-cardinality matching with per-mentor held lists, and its Dulmage–Mendelsohn
/// sets (see [`decompose`]).
struct MaxMatching {
    mentor_of: Vec<u32>,
    load: Vec<u32>,
    start: Vec<usize>,
    held: Vec<u32>,
    in_d: Vec<bool>,
    in_a: Vec<bool>,
}

impl MaxMatching {
    fn held(&self, j: usize) -> &[u32] {
        &self.held[self.start[j]..self.start[j] + self.load[j] as usize]
    }

    fn assign(&mut self, i: u32, j: u32) {
        let old = self.mentor_of[i as usize];
        if old != NONE {
            let s = self.start[old as usize];
            let l = self.load[old as usize] as usize;
            let pos = self.held[s..s + l]
                .iter()
                .position(|&k| k == i)
                .expect("held");
            self.held[s + pos] = self.held[s + l - 1];
            self.load[old as usize] -= 1;
        }
        let s = self.start[j as usize];
        self.held[s + self.load[j as usize] as usize] = i;
        self.load[j as usize] += 1;
        self.mentor_of[i as usize] = j;
    }
}

/// Hopcroft–Karp with mentor capacities, from a greedy start, then the search for `D`/`A`.
fn max_cardinality(inst: &Instance) -> MaxMatching {
    let n = inst.mentees();
    let m = inst.mentors();
    let cap = inst.mentor_capacity();
    let start = crate::heap::slot_starts(cap);
    let places = start[m];
    let mut mm = MaxMatching {
        mentor_of: vec![NONE; n],
        load: vec![0; m],
        start,
        held: vec![0; places],
        in_d: Vec::new(),
        in_a: Vec::new(),
    };
    // Greedy start: each mentee takes the mentor with room that the fewest mentees list,
    // keeping sought-after mentors for those who have no one else (fewer phases below).
    let mut wanted = vec![0u32; m];
    for e in inst.edges() {
        wanted[e.mentor as usize] += 1;
    }
    for i in 0..n {
        if let Some(e) = inst
            .edges_of(i)
            .iter()
            .filter(|e| mm.load[e.mentor as usize] < cap[e.mentor as usize])
            .min_by_key(|e| (wanted[e.mentor as usize], e.mentor))
        {
            mm.assign(i as u32, e.mentor);
        }
    }

    // Phases of Hopcroft–Karp, with the layers grown *backwards*, from the mentors with
    // room: a free mentee no layer reaches has no augmenting path, now or later (an
    // augmentation never creates one for it), so it costs nothing. Growing layers from the
    // free mentees instead would walk the whole contested region in every phase, which is
    // most of the instance when few mentees can be matched.
    let (tr_off, tr_mentee) = transpose(inst);
    const INF: u32 = u32::MAX;
    let mut dist = vec![INF; n];
    let mut level = vec![INF; m];
    let mut queue: Vec<u32> = Vec::new();
    let mut it = vec![0u32; n];
    let mut stack: Vec<u32> = Vec::new();
    loop {
        dist.fill(INF);
        level.fill(INF);
        queue.clear();
        for j in 0..m {
            if mm.load[j] < cap[j] {
                level[j] = 0;
                queue.push(j as u32);
            }
        }
        let mut limit = INF;
        let mut head = 0;
        while head < queue.len() {
            let j = queue[head] as usize;
            head += 1;
            let next = level[j] + 1;
            if next > limit {
                break;
            }
            for &i in &tr_mentee[tr_off[j] as usize..tr_off[j + 1] as usize] {
                let iu = i as usize;
                let held_by = mm.mentor_of[iu];
                if dist[iu] != INF || held_by == j as u32 {
                    continue;
                }
                dist[iu] = next;
                if held_by == NONE {
                    limit = next;
                } else if level[held_by as usize] == INF && next < limit {
                    level[held_by as usize] = next;
                    queue.push(held_by);
                }
            }
        }
        if limit == INF {
            break;
        }
        // Vertex-disjoint augmenting paths down the layers, from the free mentees reached.
        it.copy_from_slice(&inst.offsets()[..n]);
        for root in 0..n as u32 {
            if mm.mentor_of[root as usize] != NONE || dist[root as usize] == INF {
                continue;
            }
            stack.clear();
            stack.push(root);
            while let Some(&i) = stack.last() {
                let iu = i as usize;
                let end = inst.offsets()[iu + 1];
                let mut advanced = false;
                while it[iu] < end {
                    let j = inst.edges()[it[iu] as usize].mentor as usize;
                    if dist[iu] == 1 && mm.load[j] < cap[j] {
                        // Augment: the top mentee moves to j, each one below to the mentor
                        // the one above it left.
                        let mut target = j as u32;
                        for &k in stack.iter().rev() {
                            let old = mm.mentor_of[k as usize];
                            mm.assign(k, target);
                            dist[k as usize] = INF;
                            target = old;
                        }
                        stack.clear();
                        advanced = true;
                        break;
                    }
                    let want = dist[iu].wrapping_sub(1);
                    let next = if dist[iu] > 1 && level[j] == want {
                        mm.held(j)
                            .iter()
                            .copied()
                            .find(|&k| dist[k as usize] == want)
                    } else {
                        None
                    };
                    match next {
                        Some(k) => {
                            stack.push(k);
                            advanced = true;
                            break;
                        }
                        None => it[iu] += 1,
                    }
                }
                if !advanced {
                    dist[iu] = INF; // dead end for this phase
                    stack.pop();
                }
            }
        }
    }
    (mm.in_d, mm.in_a) = reachable_sets(inst, &mm);
    mm
}

/// Each mentor's mentees (the CSR by mentor), in mentee order.
fn transpose(inst: &Instance) -> (Vec<u32>, Vec<u32>) {
    let m = inst.mentors();
    let mut off = vec![0u32; m + 1];
    for e in inst.edges() {
        off[e.mentor as usize + 1] += 1;
    }
    for j in 0..m {
        off[j + 1] += off[j];
    }
    let mut fill = off.clone();
    let mut mentee = vec![0u32; inst.edge_count()];
    for i in 0..inst.mentees() {
        for e in inst.edges_of(i) {
            let at = &mut fill[e.mentor as usize];
            mentee[*at as usize] = i as u32;
            *at += 1;
        }
    }
    (off, mentee)
}

/// Rows with their edges (column, weight), CSR.
struct Csr {
    offsets: Vec<u32>,
    col: Vec<u32>,
    w: Vec<i64>,
}

impl Default for Csr {
    fn default() -> Self {
        Csr {
            offsets: vec![0],
            col: Vec::new(),
            w: Vec::new(),
        }
    }
}

/// Maximum-weight transportation where every row `r` must get exactly `demand[r]` distinct
/// columns and column `c` takes at most `cap[c]` rows. The caller guarantees feasibility.
/// Returns, per column, the rows it holds.
///
/// Successive shortest augmenting paths on reduced costs `π_unit + u_c − w ≥ 0`, where
/// `u_c ≥ 0` is a column potential (positive only on full columns) and the potential of
/// a row unit holding column `c` is implicit, `w(r, c) − u_c`. Each Dijkstra runs over
/// columns and stops at the first column with spare capacity.
fn transport(rows: &Csr, demand: &[u32], cap: &[u32]) -> Vec<Vec<u32>> {
    let nc = cap.len();
    let start = crate::heap::slot_starts(cap);
    let acc = start[nc];
    // Units held by each column: (row, weight of that edge).
    let mut held: Vec<(u32, i64)> = vec![(0, 0); acc];
    let mut len = vec![0u32; nc];
    let mut u = vec![0i64; nc];
    let edges_of = |r: usize| rows.offsets[r] as usize..rows.offsets[r + 1] as usize;

    // Greedy start (u = 0): each row takes its best edges in order while their columns
    // have room. A held unit's potential is its edge's weight, so every column the row
    // does not hold must weigh no more: the row stops below the first column it finds full.
    let mut missing: Vec<(u32, u32)> = Vec::new(); // (row, units still needed)
    let mut order: Vec<(i64, u32)> = Vec::new();
    for (r, &need) in demand.iter().enumerate() {
        let mut need = need;
        if need == 0 {
            continue;
        }
        order.clear();
        order.extend(edges_of(r).map(|p| (rows.w[p], p as u32)));
        order.sort_unstable_by_key(|&(w, p)| (Reverse(w), p));
        let mut blocked = None;
        for &(w, p) in &order {
            if need == 0 || blocked.is_some_and(|b| w < b) {
                break;
            }
            let c = rows.col[p as usize] as usize;
            if len[c] < cap[c] {
                held[start[c] + len[c] as usize] = (r as u32, w);
                len[c] += 1;
                need -= 1;
            } else if blocked.is_none() {
                blocked = Some(w);
            }
        }
        if need > 0 {
            missing.push((r as u32, need));
        }
    }

    augment(rows, cap, &start, &mut held, &mut len, &mut u, missing);
    (0..nc)
        .map(|c| {
            held[start[c]..start[c] + len[c] as usize]
                .iter()
                .map(|&(r, _)| r)
                .collect()
        })
        .collect()
}

/// The augmenting part of [`transport`]: from a partial solution (`held[start[c]..][..len[c]]`
/// are the units of column `c` with their edge weights) and column potentials `u` under
/// which every held unit is on a best edge of its row (reduced cost 0) and no edge has a
/// negative reduced cost, gives each `(row, need)` of `missing` `need` more units along
/// shortest augmenting paths, keeping those properties.
///
/// Exact for any such start when the free places are the cheapest columns (`u = 0` on
/// columns with spare capacity, `u ≥ 0` elsewhere, as [`transport`] keeps them) or when the
/// problem is perfect (the final solution fills every place: the columns' potentials are
/// then free of sign). A perfect problem may hold [`FILLER`] units (row `FILLER`, weight
/// 0), which can move to any column; each must sit in a cheapest column (`u` minimal).
fn augment(
    rows: &Csr,
    cap: &[u32],
    start: &[usize],
    held: &mut [(u32, i64)],
    len: &mut [u32],
    u: &mut [i64],
    missing: Vec<(u32, u32)>,
) {
    let nc = cap.len();
    let edges_of = |r: usize| rows.offsets[r] as usize..rows.offsets[r + 1] as usize;
    const INF: i64 = i64::MAX;
    let mut dist = vec![INF; nc];
    let mut settled = vec![false; nc];
    // pred[c] = (row, column that row's unit leaves or NONE for the source, edge weight)
    let mut pred: Vec<(u32, u32, i64)> = vec![(NONE, NONE, 0); nc];
    let mut touched: Vec<u32> = Vec::new();
    let mut done: Vec<(u32, i64)> = Vec::new();
    let mut heap: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();

    for (s, need) in missing {
        for _ in 0..need {
            heap.clear();
            touched.clear();
            done.clear();
            let range = edges_of(s as usize);
            let Some(pi) = range
                .clone()
                .map(|p| rows.w[p] - u[rows.col[p] as usize])
                .max()
            else {
                break;
            };
            for p in range {
                let c = rows.col[p] as usize;
                let d = pi + u[c] - rows.w[p];
                if d < dist[c] {
                    if dist[c] == INF {
                        touched.push(c as u32);
                    }
                    dist[c] = d;
                    pred[c] = (s, NONE, rows.w[p]);
                    heap.push(Reverse((d, c as u32)));
                }
            }
            let mut terminal = None;
            let mut filler_moved = false;
            while let Some(Reverse((d, c))) = heap.pop() {
                let cu = c as usize;
                if settled[cu] || d > dist[cu] {
                    continue;
                }
                if len[cu] < cap[cu] {
                    terminal = Some((c, d));
                    break;
                }
                settled[cu] = true;
                done.push((c, d));
                for k in 0..len[cu] as usize {
                    let (r, wrc) = held[start[cu] + k];
                    let base = d + wrc - u[cu];
                    if r == FILLER {
                        // A filler may move to any column at weight 0. Only the first
                        // filler settled in a search matters (later ones start farther).
                        if !filler_moved {
                            filler_moved = true;
                            for c2 in 0..nc {
                                let nd = base + u[c2];
                                if !settled[c2] && nd < dist[c2] {
                                    if dist[c2] == INF {
                                        touched.push(c2 as u32);
                                    }
                                    dist[c2] = nd;
                                    pred[c2] = (FILLER, c, 0);
                                    heap.push(Reverse((nd, c2 as u32)));
                                }
                            }
                        }
                        continue;
                    }
                    for p in edges_of(r as usize) {
                        let c2 = rows.col[p] as usize;
                        if settled[c2] {
                            continue;
                        }
                        let nd = base + u[c2] - rows.w[p];
                        if nd < dist[c2] {
                            if dist[c2] == INF {
                                touched.push(c2 as u32);
                            }
                            dist[c2] = nd;
                            pred[c2] = (r, c, rows.w[p]);
                            heap.push(Reverse((nd, c2 as u32)));
                        }
                    }
                }
            }
            let Some((t, big_d)) = terminal else {
                // Infeasible: cannot happen for the parts built by `solve_optimal`.
                debug_assert!(false, "transport: no augmenting path");
                for &c in &touched {
                    dist[c as usize] = INF;
                    settled[c as usize] = false;
                }
                break;
            };
            // Dual update keeps reduced costs ≥ 0 and makes the path tight.
            for &(c, d) in &done {
                u[c as usize] += big_d - d;
            }
            // Augment along predecessors.
            let mut c = t as usize;
            loop {
                let (r, from, w) = pred[c];
                held[start[c] + len[c] as usize] = (r, w);
                len[c] += 1;
                if from == NONE {
                    break;
                }
                let f = from as usize;
                let s0 = start[f];
                let l = len[f] as usize;
                let pos = held[s0..s0 + l]
                    .iter()
                    .position(|&(rr, _)| rr == r)
                    .expect("unit");
                held[s0 + pos] = held[s0 + l - 1];
                len[f] -= 1;
                c = f;
            }
            for &c in &touched {
                dist[c as usize] = INF;
                settled[c as usize] = false;
            }
        }
    }
}

/// ε-scaling auction for a perfect transportation problem, exact on integer weights.
///
/// `stop_at`: without a pool, the ε at which bidding stops and the finish is forced
/// (default: see `stop`; for tests).
///
/// Bidders: the `rows` (mentees; their edges to mentors with a column in `col_of_mentor`)
/// and `fillers` identical bidders that value every place at 0 (places left empty).
/// Places: `cap[c]` per column, plus a column of `pool` places every row values at 0
/// (mentee left unmatched). Bidders and places must be equally many. Returns each row's
/// column (`NONE` for the pool), or `None` if scaled weights could overflow.
///
/// Each place has the price its holder bid, and a column's class price `v_c` is its
/// cheapest place. A bid takes the cheapest place of the bidder's best column at class
/// prices and raises its price to `best − second + ε` above the old one (the second best
/// taken over *other* columns), so the bidder's value *at the price of its own place* is
/// within ε of its best; prices only rise, so that stays true while it holds the place.
/// Weights are divided by their gcd and multiplied by N + 1; phases divide ε by
/// [`EPS_FACTOR`] and keep prices.
///
/// Two ways to end, both exact:
/// - with a pool (mentees may be left out), every phase re-checks holders at their own
///   place's price and the last phase has ε = 1. Then `π_b = max_c (a_bc − v_c)` and `v`
///   are a dual solution whose gap to the assignment is the sum over bidders of
///   `π_b − (a_b,own − v_own)`, each term at most ε (`v_own` ≤ the own place's price), so
///   below N + 1: less than one unit of the original weights, hence optimal;
/// - when every row must be matched (no pool; fillers allowed), phases re-check holders
///   at class prices — not a proof of anything, but far fewer re-bids, since places of one
///   column carry different prices — and stop early (see `stop`). The auction is then
///   only a warm start: class prices are rounded to whole weight units, rows on a best
///   edge at those prices keep their column, the others are freed, fillers become
///   [`FILLER`] units in cheapest columns, and [`augment`] finishes the perfect problem
///   by shortest augmenting paths with the rounded prices as column potentials, which is
///   exact from any such start. (On the 100,000-mentee benchmark a handful of rows are
///   freed; without the rounding, ~10% were.)
///
/// With `spare` (no pool), the places left empty have no bidders: the mentees bid alone
/// and some places stay empty. The finish needs every column with an empty place to be a
/// cheapest one, so a place that falls empty when its holder is sent back to bid at the
/// start of a phase gets the price 0 again, which nobody's place is below: left at what
/// its holder paid, it would keep a dear column empty where the optimum leaves a cheap
/// one with room, and lowering that column at the finish frees every row that then
/// prefers it (on the mixed-capacity benchmark, 21,600 of 50,000 rows, 1.6 s of shortest
/// paths; with the reset, about 4,000 rows and 0.1 s). A reset lowers prices, so the
/// best-edge caches are cleared, such an auction divides ε by [`SPARE_EPS_FACTOR`], and it
/// finishes at the first phase that may stop (`stop`): the resets keep a few thousand rows
/// off a best edge in every phase, so finer phases cost more than they save.
#[allow(clippy::too_many_arguments)]
fn auction(
    inst: &Instance,
    rows: &[u32],
    col_of_mentor: &[u32],
    cap: &[u32],
    pool: u64,
    fillers: u64,
    spare: bool,
    stop_at: Option<i64>,
) -> Option<Vec<u32>> {
    let real_cols = cap.len();
    let pool_col = real_cols as u32;
    let mut start = crate::heap::slot_starts(cap);
    let acc = start[real_cols] + usize::try_from(pool).ok()?;
    start.push(acc);
    let places = acc;
    let nrows = rows.len();
    // With `spare`, the `fillers` places left empty get no bidders of their own (and
    // `spare` stays true only where some are left empty).
    let spare = spare && pool == 0 && fillers > 0;
    let fillers = if spare { 0 } else { fillers };
    let bidders = nrows + usize::try_from(fillers).ok()?;
    debug_assert!(
        places == bidders || spare,
        "auction needs a perfect problem"
    );
    if places == 0 {
        return Some(vec![NONE; nrows]);
    }
    let ncols = real_cols + usize::from(pool > 0);

    // Compact edges of this part: (column, weight), the pool edge included.
    let mut off = Vec::with_capacity(nrows + 1);
    let most: usize = rows
        .iter()
        .map(|&r| inst.edges_of(r as usize).len() + usize::from(pool > 0))
        .sum();
    let mut ecol: Vec<u32> = Vec::with_capacity(most);
    let mut ew: Vec<i64> = Vec::with_capacity(most);
    off.push(0u32);
    let mut g = 0i64;
    for &r in rows {
        for e in inst.edges_of(r as usize) {
            let c = col_of_mentor[e.mentor as usize];
            if c != NONE {
                ecol.push(c);
                ew.push(e.weight());
                if g != 1 {
                    g = gcd(g, e.weight().abs());
                }
            }
        }
        if pool > 0 {
            ecol.push(pool_col);
            ew.push(0);
        }
        off.push(u32::try_from(ecol.len()).ok()?);
    }
    let scale = places as i64 + 1;
    let g = g.max(1);
    let (mut wmin, mut wmax) = (0i64, 0i64);
    for w in ew.iter_mut() {
        *w /= g;
        wmin = wmin.min(*w);
        wmax = wmax.max(*w);
    }
    let range = (wmax - wmin).checked_mul(scale)?.max(1);
    // Prices stay within a few ranges of zero; keep a wide margin below i64::MAX.
    if range > i64::MAX / 64 {
        return None;
    }
    for w in ew.iter_mut() {
        *w *= scale;
    }

    let mut price = vec![0i64; places];
    let mut holder = vec![NONE; places];
    let mut heap: Vec<u32> = (0..places as u32).collect(); // per-column min-heaps of places
    let mut col_of_place = vec![0u32; places];
    for c in 0..ncols {
        col_of_place[start[c]..start[c + 1]].fill(c as u32);
    }
    let mut colmin = vec![0i64; ncols];
    let mut place_of = vec![NONE; bidders];
    // Fillers look for the cheapest column: a lazy min-heap of (class price, column).
    let mut cheapest: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
    if fillers > 0 {
        cheapest.extend((0..ncols as u32).map(|c| Reverse((0, c))));
    }
    let mut queue: std::collections::VecDeque<u32> = std::collections::VecDeque::new();
    // With `spare`: places emptied at a phase's start, and their columns.
    let mut emptied: Vec<u32> = Vec::new();
    let mut reset_cols: Vec<u32> = Vec::new();

    // Each row's best few edges, so that most bids read a handful of edges, not all.
    let mut cache = BestCache::new(nrows);
    // Weight of the edge each row holds (valid while it holds a place).
    let mut own_w = vec![0i64; nrows];

    let mut eps = (range / 8).max(1);
    let mut finish = None;
    // Every row must be matched (no pool): the auction is a warm start for an exact finish.
    let warm = pool == 0;
    // A tight problem stops bidding once prices are within a thousandth of a weight unit
    // per bidder and, after rounding, at most one row in 1024 is off a best edge (finer
    // phases mostly fight price wars between near-ties); shortest paths finish it.
    // (`stop_at` overrides this, for tests of the finish from coarse prices.)
    // With fillers, the last phases are price wars between fillers and rows over the
    // cheapest places, so the finish is tried from an early phase on.
    let stop = stop_at.unwrap_or(if fillers == 0 {
        (scale / 1024).max(1)
    } else {
        scale.saturating_mul(8)
    });
    loop {
        // Keep assignments that are still ε-happy at class prices; everyone else bids.
        queue.clear();
        let global_min = if fillers > 0 {
            class_min(&mut cheapest, &colmin, NONE).0
        } else {
            0
        };
        for (b, place) in place_of.iter_mut().enumerate() {
            let p = *place;
            if p == NONE {
                queue.push_back(b as u32);
                continue;
            }
            let c = col_of_place[p as usize] as usize;
            // Tight: judged at the column's class price (a heuristic, the finish is exact);
            // otherwise at the place's own price, which keeps ε-happiness as prices rise.
            let paid = if warm { colmin[c] } else { price[p as usize] };
            let happy = if b < nrows {
                let best = cache.best(b, &off, &ecol, &ew, &colmin);
                own_w[b] - paid >= best - eps
            } else {
                paid <= global_min + eps
            };
            if !happy {
                holder[p as usize] = NONE;
                *place = NONE;
                queue.push_back(b as u32);
                if spare {
                    emptied.push(p);
                }
            }
        }
        if !emptied.is_empty() {
            // Each emptied place costs 0 again (see above); its column's heap is rebuilt
            // once and its class price is 0.
            for &p in &emptied {
                price[p as usize] = 0;
                reset_cols.push(col_of_place[p as usize]);
            }
            reset_cols.sort_unstable();
            reset_cols.dedup();
            for &c in &reset_cols {
                let h = &mut heap[start[c as usize]..start[c as usize + 1]];
                h.sort_unstable_by_key(|&q| (price[q as usize], q));
                colmin[c as usize] = 0;
            }
            emptied.clear();
            reset_cols.clear();
            // Prices fell: the caches no longer bound the edges they left out.
            cache.invalidate();
        }
        while let Some(b) = queue.pop_front() {
            let (col, raise) = if (b as usize) < nrows {
                let (best, best_s, second) = cache.top_two(b as usize, &off, &ecol, &ew, &colmin);
                debug_assert!(best_s.col != NONE, "every row has an option");
                let gap = if second == i64::MIN {
                    range
                } else {
                    best - second
                };
                own_w[b as usize] = best_s.w;
                (best_s.col as usize, gap + eps)
            } else {
                let (v1, c1) = class_min(&mut cheapest, &colmin, NONE);
                let (v2, _) = class_min(&mut cheapest, &colmin, c1);
                let gap = if v2 == i64::MAX { range } else { v2 - v1 };
                (c1 as usize, gap + eps)
            };
            // Take the column's cheapest place, evicting whoever paid least for it.
            let p = heap[start[col]] as usize;
            let old = holder[p];
            if old != NONE {
                place_of[old as usize] = NONE;
                queue.push_back(old);
            }
            holder[p] = b;
            place_of[b as usize] = p as u32;
            price[p] += raise;
            sift_down(&mut heap[start[col]..start[col + 1]], &price);
            let new_min = price[heap[start[col]] as usize];
            if new_min != colmin[col] {
                colmin[col] = new_min;
                if fillers > 0 {
                    cheapest.push(Reverse((new_min, col as u32)));
                }
            }
        }
        if warm && eps <= stop {
            // Round the class prices to whole units of the (gcd-divided) weights: the
            // weights are multiples of `scale` and the prices close to a dual optimum, so
            // rounding lands almost every row exactly on a best edge. Keep those rows, free
            // the others; if too many are off, bid on with a smaller ε first (unless
            // `stop_at` forces the finish, for tests).
            let start_state = rounded_start(
                scale,
                &colmin,
                &holder,
                nrows,
                &off,
                &ecol,
                &ew,
                &start,
                &col_of_place,
                &place_of[..nrows],
                &own_w,
                spare,
            );
            if stop_at.is_some() || spare || eps == 1 || start_state.3.len() <= nrows / 1024 {
                finish = Some(start_state);
                break;
            }
        } else if eps == 1 {
            break;
        }
        eps = (eps / if spare { SPARE_EPS_FACTOR } else { EPS_FACTOR }).max(1);
    }
    if let Some((mut u, mut held, mut len, missing)) = finish {
        // Exact, by shortest augmenting paths from the rounded prices.
        let rows_csr = Csr {
            offsets: off,
            col: ecol,
            w: ew,
        };
        augment(&rows_csr, cap, &start, &mut held, &mut len, &mut u, missing);
        let mut out = vec![NONE; nrows];
        for c in 0..ncols {
            for &(r, _) in &held[start[c]..start[c] + len[c] as usize] {
                if r != FILLER {
                    out[r as usize] = c as u32;
                }
            }
        }
        return Some(out);
    }
    Some(
        (0..nrows)
            .map(|b| {
                let c = col_of_place[place_of[b] as usize];
                if c == pool_col {
                    NONE
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// How many edges per row [`BestCache`] keeps.
const CACHED: usize = 4;

/// Per row of the auction, its [`CACHED`] best edges at the class prices of its last full
/// scan, and `floor`, the best value among the edges left out then (`i64::MIN` if none).
///
/// Prices only rise (across phases too; where an auction with spare places prices an
/// emptied place at 0 again, it calls [`BestCache::invalidate`]), so every edge left out is
/// still worth at most `floor`: while the best (or best two) cached edges are worth at least `floor` at current
/// prices, they are the row's true best (and second best) values, and no full scan is
/// needed. Otherwise the row is scanned again.
struct BestCache {
    /// Per row, [`CACHED`] slots (column, weight), best first; column `NONE` = empty.
    /// One row's slots share a cache line.
    top: Vec<Slot>,
    floor: Vec<i64>,
}

/// A cached edge of [`BestCache`].
#[derive(Clone, Copy)]
#[repr(align(16))]
struct Slot {
    col: u32,
    w: i64,
}

impl BestCache {
    fn new(rows: usize) -> Self {
        BestCache {
            top: vec![Slot { col: NONE, w: 0 }; rows * CACHED],
            floor: vec![i64::MAX; rows], // forces a first scan
        }
    }

    /// Forgets every row's cached edges: after prices fell, the floors bound nothing.
    fn invalidate(&mut self) {
        self.floor.fill(i64::MAX);
    }

    /// Full scan of row `b`: refills its cache and floor.
    fn scan(&mut self, b: usize, off: &[u32], ecol: &[u32], ew: &[i64], colmin: &[i64]) {
        let mut val = [i64::MIN; CACHED];
        let mut slot = [Slot { col: NONE, w: 0 }; CACHED];
        let mut floor = i64::MIN;
        for k in off[b] as usize..off[b + 1] as usize {
            let v = ew[k] - colmin[ecol[k] as usize];
            if v > val[CACHED - 1] {
                floor = floor.max(val[CACHED - 1]);
                // Insert after equal values: ties keep edge order.
                let mut pos = CACHED - 1;
                while pos > 0 && val[pos - 1] < v {
                    val[pos] = val[pos - 1];
                    slot[pos] = slot[pos - 1];
                    pos -= 1;
                }
                val[pos] = v;
                slot[pos] = Slot {
                    col: ecol[k],
                    w: ew[k],
                };
            } else {
                floor = floor.max(v);
            }
        }
        self.top[b * CACHED..(b + 1) * CACHED].copy_from_slice(&slot);
        self.floor[b] = floor;
    }

    /// (best value, its column and weight, second-best value) among the cached edges at
    /// current prices.
    fn cached(&self, b: usize, colmin: &[i64]) -> (i64, Slot, i64) {
        let (mut best, mut best_s, mut second) = (i64::MIN, Slot { col: NONE, w: 0 }, i64::MIN);
        for &s in &self.top[b * CACHED..(b + 1) * CACHED] {
            if s.col == NONE {
                break;
            }
            let v = s.w - colmin[s.col as usize];
            if v > best {
                second = best;
                best = v;
                best_s = s;
            } else if v > second {
                second = v;
            }
        }
        (best, best_s, second)
    }

    /// Row `b`'s best value, its column and weight, and the best value over its other
    /// edges (each edge goes to a distinct column), at class prices `colmin`.
    fn top_two(
        &mut self,
        b: usize,
        off: &[u32],
        ecol: &[u32],
        ew: &[i64],
        colmin: &[i64],
    ) -> (i64, Slot, i64) {
        let r = self.cached(b, colmin);
        if self.floor[b] != i64::MAX && r.0 >= self.floor[b] {
            // The best is exact; the second is at least the true one, which only makes
            // the bid smaller (still leaving the bidder ε-happy).
            return (r.0, r.1, r.2.max(self.floor[b]));
        }
        self.scan(b, off, ecol, ew, colmin);
        self.cached(b, colmin)
    }

    /// Row `b`'s best value at class prices `colmin`.
    fn best(&mut self, b: usize, off: &[u32], ecol: &[u32], ew: &[i64], colmin: &[i64]) -> i64 {
        let r = self.cached(b, colmin);
        if self.floor[b] != i64::MAX && r.0 >= self.floor[b] {
            return r.0;
        }
        self.scan(b, off, ecol, ew, colmin);
        self.cached(b, colmin).0
    }
}

/// The start of the warm auction's exact finish: class prices rounded to multiples of
/// `scale` (whole units of the gcd-divided weights) as column potentials `u`, fillers (bidders
/// `≥ nrows` in `holder`) as [`FILLER`] units, and the rows on a best edge at `u` kept in
/// their column (`held`, `len` as [`augment`] takes them); the others are `missing`. Rounding can lower prices, so [`BestCache`] no longer bounds
/// them: full scans here.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn rounded_start(
    scale: i64,
    colmin: &[i64],
    holder: &[u32],
    nrows: usize,
    off: &[u32],
    ecol: &[u32],
    ew: &[i64],
    start: &[usize],
    col_of_place: &[u32],
    place_of: &[u32],
    own_w: &[i64],
    spare: bool,
) -> (Vec<i64>, Vec<(u32, i64)>, Vec<u32>, Vec<(u32, u32)>) {
    let half = scale / 2;
    let mut u: Vec<i64> = colmin
        .iter()
        .map(|&p| (p + half).div_euclid(scale) * scale)
        .collect();
    if spare {
        // A column with an empty place must cost nothing for the finish to be exact;
        // holders who then prefer it go back to be placed by shortest paths.
        for (c, uc) in u.iter_mut().enumerate() {
            if holder[start[c]..start[c + 1]].contains(&NONE) {
                *uc = 0;
            }
        }
    }
    let mut held: Vec<(u32, i64)> = vec![(0, 0); start[start.len() - 1]];
    let mut len = vec![0u32; colmin.len()];
    // Places of fillers become filler units, in columns lowered to the cheapest price
    // (where a filler is on a best edge); rows that then prefer such a column are freed.
    if holder.iter().any(|&h| h as usize >= nrows) {
        let base = u.iter().copied().min().unwrap_or(0);
        for c in 0..colmin.len() {
            for &h in &holder[start[c]..start[c + 1]] {
                if h as usize >= nrows {
                    u[c] = base;
                    held[start[c] + len[c] as usize] = (FILLER, 0);
                    len[c] += 1;
                }
            }
        }
    }
    let mut missing = Vec::new();
    for (b, &p) in place_of.iter().enumerate() {
        let c = col_of_place[p as usize] as usize;
        let best = (off[b] as usize..off[b + 1] as usize)
            .map(|k| ew[k] - u[ecol[k] as usize])
            .max()
            .expect("a row holding a place has an edge");
        if own_w[b] - u[c] == best {
            held[start[c] + len[c] as usize] = (b as u32, own_w[b]);
            len[c] += 1;
        } else {
            missing.push((b as u32, 1));
        }
    }
    (u, held, len, missing)
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The cheapest column (class price, column) other than `except`, from a lazy min-heap
/// whose stale entries are dropped; `(i64::MAX, NONE)` if there is none.
fn class_min(
    heap: &mut BinaryHeap<Reverse<(i64, u32)>>,
    colmin: &[i64],
    except: u32,
) -> (i64, u32) {
    let mut set_aside = None;
    let mut found = (i64::MAX, NONE);
    while let Some(&Reverse((v, c))) = heap.peek() {
        if colmin[c as usize] != v {
            heap.pop();
        } else if c == except {
            // Keep one current entry of `except`; drop duplicates of it.
            let top = heap.pop();
            if set_aside.is_none() {
                set_aside = top;
            }
        } else {
            found = (v, c);
            break;
        }
    }
    if let Some(t) = set_aside {
        heap.push(t);
    }
    found
}

/// How much ε shrinks per auction phase.
const EPS_FACTOR: i64 = 8;
/// How much ε shrinks per phase of an auction with places to spare, whose phases cost
/// more (each one re-prices the places it empties): fewer, coarser steps (mixed-capacity
/// with six decimals: 13 phases and 1.0 s at 8, 8 phases and 0.65 s at 32).
const SPARE_EPS_FACTOR: i64 = 32;

/// Restores the min-heap property of a column's places after its root's price rose.
fn sift_down(h: &mut [u32], price: &[i64]) {
    crate::heap::sift_down(h, 0, |a, b| (price[a as usize], a) < (price[b as usize], b));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instance::{stats, validate, Edge};

    fn e(mentor: u32, a: i32, b: i32) -> Edge {
        Edge {
            mentor,
            mentee_score: a,
            mentor_score: b,
        }
    }

    #[test]
    fn cardinality_beats_weight() {
        // Mentee 0 could take mentor 0 for 200, but then mentee 1 (only mentor 0) is left out.
        let inst = Instance::new(
            vec![1, 1],
            vec![vec![e(0, 100, 100), e(1, 1, 1)], vec![e(0, 1, 1)]],
        )
        .unwrap();
        let a = solve_optimal(&inst);
        validate(&inst, &a).unwrap();
        assert_eq!(a.mentor_of, vec![Some(1), Some(0)]);
        assert_eq!(stats(&inst, &a).total_weight, 4);
    }

    #[test]
    fn weight_decides_among_maximum_matchings() {
        let inst = Instance::new(vec![1], vec![vec![e(0, 10, 10)], vec![e(0, 30, 0)]]).unwrap();
        assert_eq!(solve_optimal(&inst).mentor_of, vec![None, Some(0)]);
    }

    /// The shortest-path finish is exact whatever the auction's prices: stop the auction
    /// after its first phase (or the second, or at ε = 1) and compare with shortest paths,
    /// on instances where every mentee can be matched, with places left over (fillers) in
    /// half of them.
    #[test]
    fn warm_finish_is_exact_from_coarse_prices() {
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for round in 0..60u64 {
            let (n, m) = (60 + (round as usize % 5) * 30, 8 + (round as usize % 7) * 5);
            let mut caps = vec![0u32; m];
            let mut rows = Vec::new();
            for _ in 0..n {
                let h = (next() % m as u64) as u32;
                caps[h as usize] += 1;
                let mut js: Vec<u32> = (0..6).map(|_| (next() % m as u64) as u32).collect();
                js.push(h);
                js.sort_unstable();
                js.dedup();
                let levels = 2 + round % 4;
                rows.push(
                    js.into_iter()
                        .map(|j| e(j, (next() % levels) as i32 * 50 - 50, (next() % 3) as i32))
                        .collect(),
                );
            }
            if round % 2 == 1 {
                for _ in 0..1 + next() % (n as u64 / 3) {
                    caps[(next() % m as u64) as usize] += 1;
                }
            }
            let places: u32 = caps.iter().sum();
            let fillers = u64::from(places) - n as u64;
            let inst = Instance::new(caps, rows).unwrap();
            let all: Vec<u32> = (0..n as u32).collect();
            // Columns are the mentors with places, in order.
            let mut mentor_of_col = Vec::new();
            let mut col_of = vec![NONE; m];
            let mut cap = Vec::new();
            for (j, &c) in inst.mentor_capacity().iter().enumerate() {
                if c > 0 {
                    col_of[j] = mentor_of_col.len() as u32;
                    mentor_of_col.push(j as u32);
                    cap.push(c);
                }
            }
            let expected = stats(
                &inst,
                &solve_optimal_with(&inst, OptimalMethod::ShortestPaths),
            );
            assert_eq!(expected.pairs, n);
            for stop_at in [i64::MAX, 1 << 20, 1] {
                let cols =
                    auction(&inst, &all, &col_of, &cap, 0, fillers, false, Some(stop_at)).unwrap();
                let a = Assignment {
                    mentor_of: cols
                        .iter()
                        .map(|&c| Some(mentor_of_col[c as usize]))
                        .collect(),
                };
                validate(&inst, &a).unwrap();
                assert_eq!(
                    stats(&inst, &a).total_weight,
                    expected.total_weight,
                    "round {round}, fillers {fillers}, stop at {stop_at}"
                );
            }
        }
    }

    /// The sets read off Hopcroft–Karp's last search are the plain reachability sets.
    #[test]
    fn decomposition_matches_plain_search() {
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for round in 0..200u64 {
            let n = 1 + (next() % 40) as usize;
            let m = 1 + (next() % 12) as usize;
            let caps: Vec<u32> = (0..m).map(|_| (next() % 4) as u32).collect();
            let rows: Vec<Vec<Edge>> = (0..n)
                .map(|_| {
                    let mut js: Vec<u32> = (0..next() % 4)
                        .map(|_| (next() % m as u64) as u32)
                        .collect();
                    js.sort_unstable();
                    js.dedup();
                    js.into_iter().map(|j| e(j, 1, 1)).collect()
                })
                .collect();
            let inst = Instance::new(caps, rows).unwrap();
            let mm = max_cardinality(&inst);
            let plain = reachable_sets(&inst, &mm);
            assert_eq!((mm.in_d, mm.in_a), plain, "round {round}");
        }
    }

    #[test]
    fn empty_instance() {
        let inst = Instance::new(vec![], vec![]).unwrap();
        assert!(solve_optimal(&inst).mentor_of.is_empty());
    }
}
