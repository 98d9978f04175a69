//! The assignment problem on compact arrays: who may be paired with whom, at what score.
//!
//! Scores are fixed-point integers in hundredths of a point ([`SCORE_SCALE`]) so that
//! sums are exact and the optimal objective can be proven, not approximated. Use
//! [`score_from_decimal`] to read a decimal such as `"87.25"` or `87.25_f64`.

use std::fmt;

/// Fixed-point scale of all scores: a score of `8725` means 87.25 points.
pub const SCORE_SCALE: i32 = 100;

/// Converts a decimal score to fixed point (hundredths), rounding half away from zero.
///
/// Returns `None` for NaN, infinities and values outside ±20,000,000 points, so that
/// sums over millions of edges stay exact in `i64`.
pub fn score_from_decimal(points: f64) -> Option<i32> {
    if !points.is_finite() || points.abs() > 20_000_000.0 {
        return None;
    }
    Some((points * f64::from(SCORE_SCALE)).round() as i32)
}

/// One possible pairing seen from the mentee's side of the CSR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Index of the mentor.
    pub mentor: u32,
    /// How much the mentee wants this mentor (hundredths); ranks mentors for `stable`.
    pub mentee_score: i32,
    /// How much the mentor wants this mentee (hundredths); ranks mentees for `stable`.
    pub mentor_score: i32,
}

impl Edge {
    /// The pair's weight in the `optimal` objective: both views added.
    pub fn weight(&self) -> i64 {
        i64::from(self.mentee_score) + i64::from(self.mentor_score)
    }
}

/// Why an [`Instance`] could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceError {
    /// An edge names a mentor index that does not exist.
    UnknownMentor { mentee: u32, mentor: u32 },
    /// The same mentee–mentor pair appears twice.
    DuplicateEdge { mentee: u32, mentor: u32 },
    /// More mentees, mentors or edges than fit in `u32` indices.
    TooLarge,
}

impl fmt::Display for InstanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceError::UnknownMentor { mentee, mentor } => {
                write!(
                    f,
                    "mentee {mentee} has an edge to mentor {mentor}, which does not exist"
                )
            }
            InstanceError::DuplicateEdge { mentee, mentor } => {
                write!(
                    f,
                    "mentee {mentee} and mentor {mentor} appear twice; keep one edge per pair"
                )
            }
            InstanceError::TooLarge => {
                write!(f, "too many mentees, mentors or edges (limit 2^32-1)")
            }
        }
    }
}

impl std::error::Error for InstanceError {}

/// A matching problem: mentor capacities and the allowed pairs, grouped by mentee (CSR).
///
/// Edges of mentee `i` are `edges[offsets[i]..offsets[i + 1]]`. Every edge is a pair that
/// passed the hard rules; anything absent may not be paired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    mentor_capacity: Vec<u32>,
    offsets: Vec<u32>,
    edges: Vec<Edge>,
}

impl Instance {
    /// Builds an instance from capacities and, per mentee, its edges.
    pub fn new(
        mentor_capacity: Vec<u32>,
        edges_by_mentee: Vec<Vec<Edge>>,
    ) -> Result<Self, InstanceError> {
        let mut b = InstanceBuilder::new(mentor_capacity);
        for edges in edges_by_mentee {
            b.push_mentee(edges)?;
        }
        Ok(b.finish())
    }

    /// Builds an instance directly from CSR arrays (`offsets.len() == mentees + 1`).
    pub fn from_csr(
        mentor_capacity: Vec<u32>,
        offsets: Vec<u32>,
        edges: Vec<Edge>,
    ) -> Result<Self, InstanceError> {
        if offsets.first() != Some(&0)
            || offsets.last().map(|&o| o as usize) != Some(edges.len())
            || offsets.windows(2).any(|w| w[0] > w[1])
        {
            return Err(InstanceError::TooLarge);
        }
        let inst = Instance {
            mentor_capacity,
            offsets,
            edges,
        };
        inst.check_edges()?;
        Ok(inst)
    }

    fn check_edges(&self) -> Result<(), InstanceError> {
        let m = self.mentor_capacity.len() as u32;
        let mut seen = vec![u32::MAX; self.mentor_capacity.len()];
        for i in 0..self.mentees() {
            for e in self.edges_of(i) {
                if e.mentor >= m {
                    return Err(InstanceError::UnknownMentor {
                        mentee: i as u32,
                        mentor: e.mentor,
                    });
                }
                if seen[e.mentor as usize] == i as u32 {
                    return Err(InstanceError::DuplicateEdge {
                        mentee: i as u32,
                        mentor: e.mentor,
                    });
                }
                seen[e.mentor as usize] = i as u32;
            }
        }
        Ok(())
    }

    /// Number of mentees.
    pub fn mentees(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of mentors.
    pub fn mentors(&self) -> usize {
        self.mentor_capacity.len()
    }

    /// Number of edges (allowed pairs).
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// How many mentees each mentor may take.
    pub fn mentor_capacity(&self) -> &[u32] {
        &self.mentor_capacity
    }

    /// CSR offsets: mentee `i`'s edges are `edges()[offsets()[i]..offsets()[i + 1]]`.
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// All edges, grouped by mentee.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// Edges of one mentee.
    pub fn edges_of(&self, mentee: usize) -> &[Edge] {
        &self.edges[self.offsets[mentee] as usize..self.offsets[mentee + 1] as usize]
    }

    /// The edge between a mentee and a mentor, if the pair is allowed. O(degree).
    pub fn edge(&self, mentee: usize, mentor: u32) -> Option<&Edge> {
        self.edges_of(mentee).iter().find(|e| e.mentor == mentor)
    }
}

/// Builds an [`Instance`] mentee by mentee without intermediate `Vec<Vec<_>>`.
#[derive(Debug)]
pub struct InstanceBuilder {
    inst: Instance,
    seen: Vec<u32>,
}

impl InstanceBuilder {
    /// Starts an instance with these mentor capacities and no mentees.
    pub fn new(mentor_capacity: Vec<u32>) -> Self {
        let m = mentor_capacity.len();
        InstanceBuilder {
            inst: Instance {
                mentor_capacity,
                offsets: vec![0],
                edges: Vec::new(),
            },
            seen: vec![u32::MAX; m],
        }
    }

    /// Reserves room for `edges` more edges.
    pub fn reserve(&mut self, mentees: usize, edges: usize) {
        self.inst.offsets.reserve(mentees);
        self.inst.edges.reserve(edges);
    }

    /// Adds the next mentee (index = number of mentees pushed so far) with its edges.
    pub fn push_mentee(
        &mut self,
        edges: impl IntoIterator<Item = Edge>,
    ) -> Result<u32, InstanceError> {
        let i = self.inst.mentees();
        let i32_ = u32::try_from(i).map_err(|_| InstanceError::TooLarge)?;
        let m = self.inst.mentor_capacity.len() as u32;
        for e in edges {
            if e.mentor >= m {
                return Err(InstanceError::UnknownMentor {
                    mentee: i32_,
                    mentor: e.mentor,
                });
            }
            if self.seen[e.mentor as usize] == i32_ {
                return Err(InstanceError::DuplicateEdge {
                    mentee: i32_,
                    mentor: e.mentor,
                });
            }
            self.seen[e.mentor as usize] = i32_;
            self.inst.edges.push(e);
        }
        let end = u32::try_from(self.inst.edges.len()).map_err(|_| InstanceError::TooLarge)?;
        self.inst.offsets.push(end);
        Ok(i32_)
    }

    /// The finished instance.
    pub fn finish(self) -> Instance {
        self.inst
    }
}

/// The result of an assignment: each mentee's mentor, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// `mentor_of[i]` is the mentor of mentee `i`, or `None` when unmatched.
    pub mentor_of: Vec<Option<u32>>,
}

/// Summary figures of an assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Stats {
    /// Number of pairs (= matched mentees).
    pub pairs: usize,
    /// Sum of `mentee_score + mentor_score` over pairs (hundredths) — the `optimal` objective.
    pub total_weight: i64,
    /// Sum of `mentee_score` over pairs (hundredths).
    pub total_mentee_score: i64,
    /// Sum of `mentor_score` over pairs (hundredths).
    pub total_mentor_score: i64,
    /// Blocking pairs under strict score preferences (see [`count_blocking_pairs`]).
    pub blocking_pairs: usize,
}

/// Why an assignment is not valid for an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// `mentor_of` does not have one entry per mentee.
    WrongLength { expected: usize, got: usize },
    /// A mentee was paired with a mentor it has no edge to (a hard rule or unknown mentor).
    NotAnEdge { mentee: u32, mentor: u32 },
    /// A mentor has more mentees than its capacity.
    OverCapacity {
        mentor: u32,
        capacity: u32,
        assigned: u32,
    },
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::WrongLength { expected, got } => {
                write!(
                    f,
                    "assignment lists {got} mentees, the instance has {expected}"
                )
            }
            Invalid::NotAnEdge { mentee, mentor } => {
                write!(
                    f,
                    "mentee {mentee} is paired with mentor {mentor}, which is not an allowed pair"
                )
            }
            Invalid::OverCapacity {
                mentor,
                capacity,
                assigned,
            } => {
                write!(
                    f,
                    "mentor {mentor} has {assigned} mentees but capacity {capacity}"
                )
            }
        }
    }
}

impl std::error::Error for Invalid {}

/// Checks that the assignment uses only existing edges and respects every capacity.
pub fn validate(inst: &Instance, a: &Assignment) -> Result<(), Invalid> {
    if a.mentor_of.len() != inst.mentees() {
        return Err(Invalid::WrongLength {
            expected: inst.mentees(),
            got: a.mentor_of.len(),
        });
    }
    let mut load = vec![0u32; inst.mentors()];
    for (i, m) in a.mentor_of.iter().enumerate() {
        if let Some(j) = *m {
            if inst.edge(i, j).is_none() {
                return Err(Invalid::NotAnEdge {
                    mentee: i as u32,
                    mentor: j,
                });
            }
            load[j as usize] += 1;
        }
    }
    for (j, (&l, &c)) in load.iter().zip(inst.mentor_capacity()).enumerate() {
        if l > c {
            return Err(Invalid::OverCapacity {
                mentor: j as u32,
                capacity: c,
                assigned: l,
            });
        }
    }
    Ok(())
}

/// Index of each mentee's current edge (or `u32::MAX`); panics on an invalid assignment.
fn matched_edges(inst: &Instance, a: &Assignment) -> Vec<u32> {
    (0..inst.mentees())
        .map(|i| match a.mentor_of[i] {
            None => u32::MAX,
            Some(j) => {
                let off = inst.offsets()[i];
                let pos = inst
                    .edges_of(i)
                    .iter()
                    .position(|e| e.mentor == j)
                    .expect("assignment uses an edge");
                off + pos as u32
            }
        })
        .collect()
}

/// Counts blocking pairs in O(E): an edge (mentee, mentor) not in the assignment where
/// the mentee is unmatched or strictly prefers this mentor's `mentee_score` to its
/// current one, and the mentor has a free place or strictly prefers this mentee's
/// `mentor_score` to its least-preferred current mentee. Ties never block (weak stability),
/// so the count does not depend on any tie-breaking rule.
///
/// The assignment must be valid ([`validate`]); this function panics otherwise.
pub fn count_blocking_pairs(inst: &Instance, a: &Assignment) -> usize {
    let cur = matched_edges(inst, a);
    let m = inst.mentors();
    let mut load = vec![0u32; m];
    let mut worst = vec![i32::MAX; m];
    for (i, &e) in cur.iter().enumerate() {
        if e != u32::MAX {
            let edge = &inst.edges()[e as usize];
            let j = edge.mentor as usize;
            load[j] += 1;
            worst[j] = worst[j].min(edge.mentor_score);
            debug_assert!(i < inst.mentees());
        }
    }
    let mut blocking = 0;
    for (i, &e) in cur.iter().enumerate() {
        let my = if e == u32::MAX {
            None
        } else {
            Some(inst.edges()[e as usize].mentee_score)
        };
        for edge in inst.edges_of(i) {
            if Some(edge.mentor) == a.mentor_of[i] {
                continue;
            }
            let mentee_wants = my.is_none_or(|s| edge.mentee_score > s);
            let j = edge.mentor as usize;
            let cap = inst.mentor_capacity()[j];
            let mentor_wants = cap > 0 && (load[j] < cap || edge.mentor_score > worst[j]);
            if mentee_wants && mentor_wants {
                blocking += 1;
            }
        }
    }
    blocking
}

/// Computes [`Stats`] of a valid assignment (including blocking pairs, O(E)).
pub fn stats(inst: &Instance, a: &Assignment) -> Stats {
    let mut s = Stats::default();
    for (i, m) in a.mentor_of.iter().enumerate() {
        if let Some(j) = *m {
            let e = inst.edge(i, j).expect("assignment uses an edge");
            s.pairs += 1;
            s.total_weight += e.weight();
            s.total_mentee_score += i64::from(e.mentee_score);
            s.total_mentor_score += i64::from(e.mentor_score);
        }
    }
    s.blocking_pairs = count_blocking_pairs(inst, a);
    s
}
