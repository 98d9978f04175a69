//! Candidate generation: which pairs are worth scoring, without scoring all N × M.
//!
//! 1. Every list is interned to sorted ids; ids of people, e-mails and previous pairs too,
//!    so hard rules are integer comparisons.
//! 2. An inverted index maps (wanted skill or field, language) to the mentors that have
//!    that skill or field and speak that language, sorted by UTC offset. The language
//!    key is the language block; the offset order makes the timezone band a range lookup.
//!    The mirror index maps the same keys to mentees who want them.
//! 3. For each mentee, mentors found in its postings are counted by how many keys they
//!    match; the best-counted `scan` of them (ties spread by a fixed hash, not by index)
//!    are checked against the hard rules and scored. With too few hits, the mentee's
//!    whole language and timezone block is sampled instead.
//! 4. Kept: each mentee's top `per_mentee` by the mentee's view, ∪ each mentor's top
//!    `per_capacity × capacity` by the mentor's view among everything scored for it
//!    (including a mirror pass from the mentor's side), so popular mentors cannot crowd
//!    out coverage and every mentor with places gets candidates.
//!
//! Work is split across threads by index range and merged by total orders, so the result
//! never depends on scheduling or on the thread count.

use crate::instance::{Edge, Instance, InstanceBuilder};
use crate::profile::{Mentee, Mentor, ProgramKind, Weights};
use crate::rules::HardRules;
use crate::score::{common, timezone_gap_minutes, views, Compact, Interner};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// How many candidates to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CandidateOptions {
    /// Top mentors kept per mentee (by the mentee's view). Default 50.
    pub per_mentee: usize,
    /// Top mentees kept per mentor = this × the mentor's capacity (by the mentor's view). Default 5.
    pub per_capacity: usize,
    /// Pairs scored per mentee (and per mentor in the mirror pass) at most. Default 2 × `per_mentee` (100); the mirror pass uses half, at least 2 × the mentor's limit.
    pub scan: usize,
    /// Worker threads; the result is the same for any value. Default: available cores, at most 4.
    pub threads: usize,
}

impl Default for CandidateOptions {
    fn default() -> Self {
        CandidateOptions {
            per_mentee: 50,
            per_capacity: 5,
            scan: 100,
            threads: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(4),
        }
    }
}

const NONE: u32 = u32::MAX;

/// Integer identity of a person for the hard rules.
#[derive(Clone, Copy, Debug)]
struct Who {
    id: u32,
    email: u32,
    manager: u32,
}

/// Interned people of both sides.
struct Pool {
    mentees: Vec<Compact>,
    mentors: Vec<Compact>,
    mentee_who: Vec<Who>,
    mentor_who: Vec<Who>,
    previous: Vec<(u32, u32)>,
    capacity: Vec<u32>,
}

impl Pool {
    fn build(mentees: &[Mentee], mentors: &[Mentor], rules: &HardRules) -> Pool {
        let mut words = Interner::default();
        let mut ids = Interner::default();
        let mut emails = Interner::default();
        let mut who = |p: &crate::Profile, ids: &mut Interner| Who {
            id: ids.id(&p.id).unwrap_or(NONE),
            email: emails.id(&p.email).unwrap_or(NONE),
            manager: p
                .manager_email
                .as_deref()
                .and_then(|m| emails.id(m))
                .unwrap_or(NONE),
        };
        let mentee_who: Vec<Who> = mentees.iter().map(|m| who(&m.profile, &mut ids)).collect();
        let mentor_who: Vec<Who> = mentors.iter().map(|m| who(&m.profile, &mut ids)).collect();
        let mut previous: Vec<(u32, u32)> = rules
            .previous_pairs()
            .filter_map(|(a, b)| Some(ordered(ids.get(a)?, ids.get(b)?)))
            .collect();
        previous.sort_unstable();
        previous.dedup();
        // Fields get their own id space (field "design" is not skill "design").
        let mut c_mentees: Vec<Compact> = mentees
            .iter()
            .map(|m| words.compact(&m.profile, &m.wants_skills))
            .collect();
        let mut c_mentors: Vec<Compact> = mentors
            .iter()
            .map(|m| words.compact(&m.profile, &[]))
            .collect();
        let mut fields = Interner::default();
        for (c, m) in c_mentees.iter_mut().zip(mentees) {
            c.field = m.profile.field.as_deref().and_then(|f| fields.id(f));
        }
        for (c, m) in c_mentors.iter_mut().zip(mentors) {
            c.field = m.profile.field.as_deref().and_then(|f| fields.id(f));
        }
        Pool {
            mentees: c_mentees,
            mentors: c_mentors,
            mentee_who,
            mentor_who,
            previous,
            capacity: mentors.iter().map(|m| m.capacity).collect(),
        }
    }

    /// The hard rules for a retrieved pair. Language and timezone are already guaranteed
    /// by retrieval (every hit comes from the searcher's language block and timezone
    /// band), so only the identity rules are checked here; debug builds re-check all.
    fn allowed(&self, i: usize, j: usize, max_gap: i32) -> bool {
        debug_assert!(self.shares_language_and_band(i, j, max_gap));
        let (a, b) = (&self.mentee_who[i], &self.mentor_who[j]);
        if self.capacity[j] == 0 || (a.id != NONE && a.id == b.id) {
            return false;
        }
        if (a.manager != NONE && a.manager == b.email)
            || (b.manager != NONE && b.manager == a.email)
        {
            return false;
        }
        if !self.previous.is_empty() && a.id != NONE && b.id != NONE {
            return self.previous.binary_search(&ordered(a.id, b.id)).is_err();
        }
        true
    }

    fn shares_language_and_band(&self, i: usize, j: usize, max_gap: i32) -> bool {
        let (me, mr) = (&self.mentees[i], &self.mentors[j]);
        let band = match (me.offset, mr.offset) {
            (Some(x), Some(y)) => timezone_gap_minutes(x, y) <= max_gap,
            _ => true,
        };
        band && common(me.languages(), mr.languages()) > 0
    }
}

fn ordered(a: u32, b: u32) -> (u32, u32) {
    (a.min(b), a.max(b))
}

/// Search keys of a person: wanted skills (mentees) or skills (mentors), and the field.
fn keys(c: &Compact, wanted: bool) -> Vec<u32> {
    let mut k: Vec<u32> = (if wanted { c.wants() } else { c.skills() })
        .iter()
        .map(|&s| s * 2)
        .collect();
    if let Some(f) = c.field {
        k.push(f * 2 + 1);
    }
    k
}

/// Unknown offsets sort last and match any band.
const UNKNOWN_OFFSET: i32 = i32::MAX;

/// Postings: (key, language) → people sorted by (offset, index); key NONE = the whole block.
struct Index {
    keys: Vec<(u32, u32)>,
    starts: Vec<u32>,
    people: Vec<u32>,
    offsets: Vec<i32>,
}

impl Index {
    fn build(people: &[Compact], usable: impl Fn(usize) -> bool, wanted: bool) -> Index {
        let mut entries: Vec<(u32, u32, i32, u32)> = Vec::new();
        for (p, c) in people.iter().enumerate() {
            if !usable(p) {
                continue;
            }
            let off = c.offset.unwrap_or(UNKNOWN_OFFSET);
            for &l in c.languages() {
                entries.push((NONE, l, off, p as u32));
                for k in keys(c, wanted) {
                    entries.push((k, l, off, p as u32));
                }
            }
        }
        entries.sort_unstable();
        let mut idx = Index {
            keys: Vec::new(),
            starts: Vec::new(),
            people: Vec::new(),
            offsets: Vec::new(),
        };
        for (n, &(k, l, off, p)) in entries.iter().enumerate() {
            if n == 0 || (entries[n - 1].0, entries[n - 1].1) != (k, l) {
                idx.keys.push((k, l));
                idx.starts.push(n as u32);
            }
            idx.people.push(p);
            idx.offsets.push(off);
        }
        idx.starts.push(entries.len() as u32);
        idx
    }

    /// Position ranges of `(key, language)` within the timezone band around `offset`.
    fn ranges(
        &self,
        key: u32,
        lang: u32,
        offset: Option<i32>,
        max_gap: i32,
        out: &mut Vec<(usize, usize)>,
    ) {
        let Ok(k) = self.keys.binary_search(&(key, lang)) else {
            return;
        };
        let (s, e) = (self.starts[k] as usize, self.starts[k + 1] as usize);
        let offs = &self.offsets[s..e];
        let known_end = s + offs.partition_point(|&o| o != UNKNOWN_OFFSET);
        match offset {
            Some(o) if max_gap < 720 => {
                for shift in [-1440, 0, 1440] {
                    let (lo, hi) = (o - max_gap + shift, o + max_gap + shift);
                    let a = s + offs.partition_point(|&x| x < lo);
                    let b = s + offs.partition_point(|&x| x <= hi).min(known_end - s);
                    if a < b {
                        out.push((a, b));
                    }
                }
            }
            _ => {
                if s < known_end {
                    out.push((s, known_end));
                }
            }
        }
        if known_end < e {
            out.push((known_end, e));
        }
    }
}

/// A fixed hash to spread ties without favouring low indices.
fn spread(a: u32, b: u32) -> u32 {
    let mut x = (u64::from(a) << 32 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    (x.wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 32) as u32
}

/// Per-thread scratch for one side's retrieval.
struct Scratch {
    count: Vec<u32>,
    touched: Vec<u32>,
    ranges: Vec<(usize, usize)>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch {
            count: vec![0; n],
            touched: Vec::new(),
            ranges: Vec::new(),
        }
    }

    /// The up-to-`scan` best-counted people for one searcher; counts are reset afterwards.
    #[allow(clippy::too_many_arguments)]
    fn retrieve(
        &mut self,
        index: &Index,
        me: u32,
        ks: &[u32],
        langs: &[u32],
        offset: Option<i32>,
        max_gap: i32,
        scan: usize,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        for &l in langs {
            for &k in ks {
                self.ranges.clear();
                index.ranges(k, l, offset, max_gap, &mut self.ranges);
                // A popular key's block can hold thousands; read a bounded window of it,
                // starting at a place fixed by the searcher, so the cost per key is bounded
                // and different searchers see different parts.
                let total: usize = self.ranges.iter().map(|(a, b)| b - a).sum();
                let cap = scan.max(1);
                let skip = if total > cap {
                    spread(me, k ^ l.rotate_left(16)) as usize % total
                } else {
                    0
                };
                for t in 0..total.min(cap) {
                    let mut pos = (skip + t) % total;
                    let mut q = 0;
                    for &(a, b) in &self.ranges {
                        if pos < b - a {
                            q = a + pos;
                            break;
                        }
                        pos -= b - a;
                    }
                    let p = index.people[q];
                    let c = &mut self.count[p as usize];
                    if *c == 0 {
                        self.touched.push(p);
                    }
                    *c += 1;
                }
            }
        }
        if self.touched.len() < scan {
            // Too few hits: sample the whole language and timezone block, spread by hash.
            let mut pool: Vec<(u32, u32)> = Vec::new();
            for &l in langs {
                self.ranges.clear();
                index.ranges(NONE, l, offset, max_gap, &mut self.ranges);
                let total: usize = self.ranges.iter().map(|(a, b)| b - a).sum();
                let want = scan.saturating_mul(2).min(total);
                if want == 0 {
                    continue;
                }
                // Every `step`-th entry from a searcher-specific phase: bounded work, and
                // no preference for low indices.
                let step = (total / want).max(1);
                let phase = spread(me, l) as usize % step;
                for t in 0..want {
                    let mut pos = phase + t * step;
                    if pos >= total {
                        break;
                    }
                    let mut q = 0;
                    for &(a, b) in &self.ranges {
                        if pos < b - a {
                            q = a + pos;
                            break;
                        }
                        pos -= b - a;
                    }
                    pool.push((spread(me, index.people[q]), index.people[q]));
                }
            }
            pool.sort_unstable();
            for (_, p) in pool {
                if self.touched.len() >= scan {
                    break;
                }
                if self.count[p as usize] == 0 {
                    self.count[p as usize] = 1;
                    self.touched.push(p);
                }
            }
        }
        let count = &self.count;
        let rank = |p: &u32| (Reverse(count[*p as usize]), spread(me, *p), *p);
        if self.touched.len() > scan {
            self.touched.select_nth_unstable_by_key(scan, rank);
        }
        out.extend_from_slice(&self.touched[..self.touched.len().min(scan)]);
        for &p in &self.touched {
            self.count[p as usize] = 0;
        }
        self.touched.clear();
    }
}

/// A mentor's kept mentees: min-heap by (mentor view, lower mentee index wins).
type Reverse3 = Reverse<(i32, Reverse<u32>, i32)>;

/// Each mentor's best mentees so far (bounded heaps), with the worst kept key of every
/// full heap in one flat array, so that most offers are refused without touching a heap.
struct ReverseTop {
    heaps: Vec<BinaryHeap<Reverse3>>,
    /// For a full heap, its worst (mentor view, mentee); `None` while it has room.
    floor: Vec<Option<(i32, Reverse<u32>)>>,
}

impl ReverseTop {
    fn new(m: usize) -> Self {
        ReverseTop {
            heaps: vec![BinaryHeap::new(); m],
            floor: vec![None; m],
        }
    }

    /// Offers mentee `i` with `(mentor_view, mentee_view)` to mentor `j`. `check` skips a
    /// mentee already kept; a pass that scores each pair once does not need that scan.
    fn offer(&mut self, j: usize, limit: usize, i: u32, views: (i32, i32), check: bool) {
        let (mentor_view, mentee_view) = views;
        if limit == 0 {
            return;
        }
        let key = (mentor_view, Reverse(i));
        if self.floor[j].is_some_and(|worst| key <= worst) {
            return;
        }
        let heap = &mut self.heaps[j];
        if check && heap.iter().any(|Reverse((_, Reverse(m), _))| *m == i) {
            return;
        }
        let item = Reverse((mentor_view, Reverse(i), mentee_view));
        if heap.len() == limit {
            // Replace the worst in place: one sift instead of pop + push.
            if let Some(mut worst) = heap.peek_mut() {
                *worst = item;
            }
        } else {
            heap.push(item);
        }
        if heap.len() == limit {
            self.floor[j] = heap.peek().map(|Reverse((b, m, _))| (*b, *m));
        }
    }
}

/// Builds the matching instance for a program: edges only for pairs that pass the hard
/// rules, scored with the program's weights. Mentee and mentor indices are those of the
/// input slices; capacities are the mentors' `capacity`.
pub fn candidates(
    mentees: &[Mentee],
    mentors: &[Mentor],
    kind: ProgramKind,
    weights: &Weights,
    rules: &HardRules,
    options: &CandidateOptions,
) -> Instance {
    build(mentees, mentors, kind, weights, rules, options, false).0
}

/// [`candidates`], and each edge's shown score (the sum of its explanation's points, as
/// [`crate::score()`] gives it), in the instance's edge order: mentee by mentee, each
/// mentee's edges as [`Instance::edges_of`] lists them.
pub fn candidates_with_scores(
    mentees: &[Mentee],
    mentors: &[Mentor],
    kind: ProgramKind,
    weights: &Weights,
    rules: &HardRules,
    options: &CandidateOptions,
) -> (Instance, Vec<i32>) {
    let (inst, scores) = build(mentees, mentors, kind, weights, rules, options, true);
    (inst, scores.unwrap_or_default())
}

fn build(
    mentees: &[Mentee],
    mentors: &[Mentor],
    kind: ProgramKind,
    weights: &Weights,
    rules: &HardRules,
    options: &CandidateOptions,
    with_scores: bool,
) -> (Instance, Option<Vec<i32>>) {
    let pool = Pool::build(mentees, mentors, rules);
    let (n, m) = (mentees.len(), mentors.len());
    let max_gap = rules.max_gap_minutes();
    let mentor_index = Index::build(&pool.mentors, |j| pool.capacity[j] > 0, false);
    let mentee_index = Index::build(&pool.mentees, |_| true, true);
    let threads = options.threads.max(1);
    let limit = |j: usize| {
        options
            .per_capacity
            .saturating_mul(pool.capacity[j] as usize)
    };

    // Mentee side: top-k per mentee, and offers to each mentor's reverse heap.
    let chunk = n.div_ceil(threads).max(1);
    let results: Vec<(Vec<Vec<Edge>>, ReverseTop)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|from| {
                let pool = &pool;
                let mentor_index = &mentor_index;
                s.spawn(move || {
                    let to = (from + chunk).min(n);
                    let mut scratch = Scratch::new(m);
                    let mut found = Vec::new();
                    let mut heaps = ReverseTop::new(m);
                    let mut tops = Vec::with_capacity(to - from);
                    let mut scored: Vec<Edge> = Vec::new();
                    for i in from..to {
                        let me = &pool.mentees[i];
                        let ks = keys(me, true);
                        scratch.retrieve(
                            mentor_index,
                            i as u32,
                            &ks,
                            me.languages(),
                            me.offset,
                            max_gap,
                            options.scan,
                            &mut found,
                        );
                        scored.clear();
                        for &j in &found {
                            let ju = j as usize;
                            if !pool.allowed(i, ju, max_gap) {
                                continue;
                            }
                            let (a, b, _) = views(me, &pool.mentors[ju], kind, weights);
                            scored.push(Edge {
                                mentor: j,
                                mentee_score: a,
                                mentor_score: b,
                            });
                            heaps.offer(ju, limit(ju), i as u32, (b, a), false);
                        }
                        let k = options.per_mentee;
                        let rank = |e: &Edge| (Reverse(e.mentee_score), e.mentor);
                        if scored.len() > k {
                            scored.select_nth_unstable_by_key(k, rank);
                            scored.truncate(k);
                        }
                        scored.sort_unstable_by_key(|e| e.mentor);
                        tops.push(scored.clone());
                    }
                    (tops, heaps)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("candidate worker"))
            .collect()
    });

    let mut top: Vec<Vec<Edge>> = Vec::with_capacity(n);
    let mut kept = ReverseTop::new(m);
    for (tops, hs) in results {
        top.extend(tops);
        for (j, h) in hs.heaps.into_iter().enumerate() {
            for Reverse((b, Reverse(i), a)) in h {
                kept.offer(j, limit(j), i, (b, a), true);
            }
        }
    }

    // Mirror pass: each mentor with places looks for mentees who want what it offers.
    let chunk = m.div_ceil(threads).max(1);
    let mirrored: Vec<Vec<BinaryHeap<Reverse3>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..m)
            .step_by(chunk)
            .map(|from| {
                let pool = &pool;
                let mentee_index = &mentee_index;
                s.spawn(move || {
                    let to = (from + chunk).min(m);
                    let mut scratch = Scratch::new(n);
                    let mut found = Vec::new();
                    let mut out = ReverseTop::new(to - from);
                    for j in from..to {
                        let lim = limit(j);
                        if lim > 0 {
                            let mr = &pool.mentors[j];
                            let ks = keys(mr, false);
                            let scan = (options.scan / 2).max(2 * lim);
                            scratch.retrieve(
                                mentee_index,
                                j as u32,
                                &ks,
                                mr.languages(),
                                mr.offset,
                                max_gap,
                                scan,
                                &mut found,
                            );
                            for &i in &found {
                                let iu = i as usize;
                                if pool.allowed(iu, j, max_gap) {
                                    let (a, b, _) = views(&pool.mentees[iu], mr, kind, weights);
                                    out.offer(j - from, lim, i, (b, a), false);
                                }
                            }
                        }
                    }
                    out.heaps
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("candidate worker"))
            .collect()
    });
    for (j, h) in mirrored.into_iter().flatten().enumerate() {
        for Reverse((b, Reverse(i), a)) in h {
            kept.offer(j, limit(j), i, (b, a), true);
        }
    }

    // Union: top-k per mentee ∪ reverse top per mentor, each mentee's edges by mentor index.
    let mut extra: Vec<(u32, Edge)> = Vec::new();
    for (j, h) in kept.heaps.into_iter().enumerate() {
        for Reverse((b, Reverse(i), a)) in h {
            extra.push((
                i,
                Edge {
                    mentor: j as u32,
                    mentee_score: a,
                    mentor_score: b,
                },
            ));
        }
    }
    extra.sort_unstable_by_key(|&(i, e)| (i, e.mentor));
    let mut builder = InstanceBuilder::new(pool.capacity.clone());
    builder.reserve(n, top.iter().map(Vec::len).sum::<usize>() + extra.len());
    let mut x = 0;
    let mut merged: Vec<Edge> = Vec::new();
    for (i, mine) in top.into_iter().enumerate() {
        let from = x;
        while x < extra.len() && extra[x].0 as usize == i {
            x += 1;
        }
        merged.clear();
        merged.extend(mine);
        merged.extend(extra[from..x].iter().map(|&(_, e)| e));
        merged.sort_unstable_by_key(|e| e.mentor);
        merged.dedup_by_key(|e| e.mentor);
        builder
            .push_mentee(merged.iter().copied())
            .expect("edges are valid by construction");
    }
    let inst = builder.finish();
    let scores = with_scores.then(|| {
        (0..n)
            .flat_map(|i| {
                let pool = &pool;
                inst.edges_of(i).iter().map(move |e| {
                    let (_, _, shown) = views(
                        &pool.mentees[i],
                        &pool.mentors[e.mentor as usize],
                        kind,
                        weights,
                    );
                    shown.iter().sum()
                })
            })
            .collect()
    });
    (inst, scores)
}
