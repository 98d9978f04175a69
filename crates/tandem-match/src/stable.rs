//! `stable`: mentee-proposing deferred acceptance (Gale–Shapley) with mentor capacities.
//!
//! Mentees rank mentors by `mentee_score`, mentors rank mentees by `mentor_score`. Ties
//! are broken deterministically: a lower mentor index is preferred by mentees, a lower
//! mentee index by mentors. The result has no blocking pair under the tie-broken strict
//! preferences, hence none under strict score preferences ([`crate::count_blocking_pairs`]).
//!
//! Cost: one sort of each mentee's list, then O(E log c) with c the largest capacity;
//! each mentor keeps its held proposals in a bounded min-heap inside one flat array, so
//! there is no allocation per proposal.

use crate::instance::{Assignment, Instance};

/// A mentor's ranking key of a held mentee: greater is better.
/// Higher `mentor_score` first, then lower mentee index.
#[inline]
fn key(score: i32, mentee: u32) -> (i32, std::cmp::Reverse<u32>) {
    (score, std::cmp::Reverse(mentee))
}

/// Runs mentee-proposing deferred acceptance. Same input, same output.
pub fn solve_stable(inst: &Instance) -> Assignment {
    let n = inst.mentees();
    let m = inst.mentors();
    let edges = inst.edges();
    let offsets = inst.offsets();

    // Each mentee's edges, best first (higher mentee_score, then lower mentor index).
    let mut order: Vec<u32> = (0..edges.len() as u32).collect();
    for i in 0..n {
        let s = &mut order[offsets[i] as usize..offsets[i + 1] as usize];
        let sorted = s.windows(2).all(|w| {
            let (a, b) = (&edges[w[0] as usize], &edges[w[1] as usize]);
            (b.mentee_score, std::cmp::Reverse(b.mentor))
                <= (a.mentee_score, std::cmp::Reverse(a.mentor))
        });
        if !sorted {
            s.sort_unstable_by_key(|&e| {
                let e = &edges[e as usize];
                (std::cmp::Reverse(e.mentee_score), e.mentor)
            });
        }
    }

    // Flat heap storage: mentor j owns heap[start[j]..start[j] + capacity[j]].
    let cap = inst.mentor_capacity();
    let start = crate::heap::slot_starts(cap);
    let acc = start[m];
    // Held proposal: (mentor_score, mentee). Min-heap by key(): root is the worst held.
    let mut heap: Vec<(i32, u32)> = vec![(0, 0); acc];
    let mut len = vec![0u32; m];

    let mut next = offsets[..n].to_vec(); // next edge position to propose along `order`
    let mut mentor_of: Vec<Option<u32>> = vec![None; n];
    let mut free: Vec<u32> = (0..n as u32).rev().collect();

    while let Some(i) = free.pop() {
        let end = offsets[i as usize + 1];
        let mut p = next[i as usize];
        let mut placed = false;
        while p < end {
            let e = &edges[order[p as usize] as usize];
            p += 1;
            let j = e.mentor as usize;
            let c = cap[j] as usize;
            if c == 0 {
                continue;
            }
            let h = &mut heap[start[j]..start[j] + c];
            let l = len[j] as usize;
            if l < c {
                h[l] = (e.mentor_score, i);
                sift_up(h, l);
                len[j] += 1;
                mentor_of[i as usize] = Some(e.mentor);
                placed = true;
                break;
            }
            let (ws, wi) = h[0];
            if key(e.mentor_score, i) > key(ws, wi) {
                h[0] = (e.mentor_score, i);
                sift_down(h, 0);
                mentor_of[i as usize] = Some(e.mentor);
                mentor_of[wi as usize] = None;
                free.push(wi);
                placed = true;
                break;
            }
        }
        next[i as usize] = p;
        debug_assert!(placed || mentor_of[i as usize].is_none());
    }
    Assignment { mentor_of }
}

#[inline]
fn less(a: (i32, u32), b: (i32, u32)) -> bool {
    key(a.0, a.1) < key(b.0, b.1)
}

fn sift_up(h: &mut [(i32, u32)], mut k: usize) {
    while k > 0 {
        let parent = (k - 1) / 2;
        if less(h[k], h[parent]) {
            h.swap(k, parent);
            k = parent;
        } else {
            break;
        }
    }
}

fn sift_down(h: &mut [(i32, u32)], k: usize) {
    crate::heap::sift_down(h, k, less);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instance::{count_blocking_pairs, validate, Edge};

    fn e(mentor: u32, mentee_score: i32, mentor_score: i32) -> Edge {
        Edge {
            mentor,
            mentee_score,
            mentor_score,
        }
    }

    #[test]
    fn mentor_keeps_the_mentee_it_prefers() {
        // Both mentees want mentor 0 (capacity 1); mentor 0 prefers mentee 1.
        let inst = Instance::new(
            vec![1, 1],
            vec![vec![e(0, 90, 10), e(1, 50, 50)], vec![e(0, 80, 70)]],
        )
        .unwrap();
        let a = solve_stable(&inst);
        assert_eq!(a.mentor_of, vec![Some(1), Some(0)]);
        validate(&inst, &a).unwrap();
        assert_eq!(count_blocking_pairs(&inst, &a), 0);
    }

    #[test]
    fn ties_break_towards_lower_indices() {
        let inst = Instance::new(
            vec![1, 1],
            vec![vec![e(1, 50, 50), e(0, 50, 50)], vec![e(0, 50, 50)]],
        )
        .unwrap();
        let a = solve_stable(&inst);
        // Mentee 0 proposes to mentor 0 first (lower index on a tie) and is kept (lower index).
        assert_eq!(a.mentor_of, vec![Some(0), None]);
    }

    #[test]
    fn capacity_zero_mentor_takes_nobody() {
        let inst = Instance::new(vec![0], vec![vec![e(0, 100, 100)]]).unwrap();
        assert_eq!(solve_stable(&inst).mentor_of, vec![None]);
    }
}
