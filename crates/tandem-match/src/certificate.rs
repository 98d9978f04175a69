//! A certificate that an assignment is `optimal`, checked without trusting the solver.
//!
//! `optimal` maximises first the number of matched mentees, then the total weight. Give
//! every pair a premium `P` on top of its weight; once `P` exceeds what any change of
//! weights could make up for, maximising `weight + P` maximises pairs first. That is a
//! linear program (a bipartite b-matching) whose dual gives each mentee a price `y_i ≥ 0`
//! and each mentor a price `z_j ≥ 0` with `y_i + z_j ≥ w_ij + P` on every edge. For any
//! assignment `X`, `Σ_X (w + P) ≤ Σ y + Σ capacity · z` (weak duality), so prices whose
//! sum equals the assignment's own `Σ (w + P)` prove that nothing does better.
//! [`check_certificate`] checks exactly that, with sums in `i128`: a few comparisons per
//! edge, and no part of the solver.
//!
//! [`certify`] finds such prices for a given assignment: the least mentor prices that
//! satisfy every edge, by longest paths over the mentors (a mentee held by `j` who has an
//! edge to `k` asks `z_k ≥ z_j + w_ik − w_ij`), then the mentees' prices from their own
//! pairs. It finds them exactly when the assignment is optimal.

use crate::instance::{validate, Assignment, Instance, Invalid};
use std::collections::VecDeque;
use std::fmt;

/// Dual prices proving an assignment optimal (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// The premium each pair earns on top of its weight.
    pub premium: i64,
    /// `y_i`, per mentee.
    pub mentee_price: Vec<i64>,
    /// `z_j`, per mentor.
    pub mentor_price: Vec<i64>,
}

/// What a checked certificate proves: no assignment matches more than `pairs` mentees,
/// and none with that many has a larger total weight than `total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proven {
    pub pairs: usize,
    pub total: i64,
}

/// Why a certificate does not prove the assignment optimal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateError {
    /// The assignment itself breaks the instance (an unknown edge, a mentor over capacity).
    Assignment(Invalid),
    /// The price lists do not have one entry per mentee and per mentor.
    Shape,
    /// A negative price.
    Negative {
        mentee: Option<u32>,
        mentor: Option<u32>,
    },
    /// An edge whose prices do not cover its weight plus the premium.
    Uncovered { mentee: u32, mentor: u32 },
    /// The prices add up to more than the assignment reaches.
    Gap { prices: i128, reached: i128 },
    /// The premium is too small for more pairs to always win.
    PremiumTooSmall { premium: i64, needed: i128 },
}

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateError::Assignment(e) => write!(f, "the assignment is not valid: {e:?}"),
            CertificateError::Shape => write!(f, "the prices do not match the instance's people"),
            CertificateError::Negative { mentee, mentor } => {
                write!(f, "a negative price (mentee {mentee:?}, mentor {mentor:?})")
            }
            CertificateError::Uncovered { mentee, mentor } => write!(
                f,
                "the prices of mentee {mentee} and mentor {mentor} do not cover their edge"
            ),
            CertificateError::Gap { prices, reached } => write!(
                f,
                "the prices add up to {prices}, the assignment reaches {reached}"
            ),
            CertificateError::PremiumTooSmall { premium, needed } => {
                write!(f, "the premium {premium} is not above {needed}")
            }
        }
    }
}

impl std::error::Error for CertificateError {}

/// The smallest premium the check accepts for an assignment of total weight `total`:
/// more than `total − n · min(0, lightest edge)`, the most weight fewer pairs could gain.
fn premium_floor(inst: &Instance, total: i64) -> i128 {
    let lightest = (0..inst.mentees())
        .flat_map(|i| inst.edges_of(i).iter().map(|e| e.weight()))
        .min()
        .unwrap_or(0)
        .min(0);
    i128::from(total) - inst.mentees() as i128 * i128::from(lightest)
}

/// Checks that `cert` proves `asg` optimal for `inst`; uses nothing of the solver.
pub fn check_certificate(
    inst: &Instance,
    asg: &Assignment,
    cert: &Certificate,
) -> Result<Proven, CertificateError> {
    validate(inst, asg).map_err(CertificateError::Assignment)?;
    let (n, m) = (inst.mentees(), inst.mentors());
    if cert.mentee_price.len() != n || cert.mentor_price.len() != m {
        return Err(CertificateError::Shape);
    }
    if let Some(i) = cert.mentee_price.iter().position(|&y| y < 0) {
        return Err(CertificateError::Negative {
            mentee: Some(i as u32),
            mentor: None,
        });
    }
    if let Some(j) = cert.mentor_price.iter().position(|&z| z < 0) {
        return Err(CertificateError::Negative {
            mentee: None,
            mentor: Some(j as u32),
        });
    }
    let premium = i128::from(cert.premium);
    let (mut pairs, mut total) = (0usize, 0i128);
    for i in 0..n {
        let y = i128::from(cert.mentee_price[i]);
        for e in inst.edges_of(i) {
            let z = i128::from(cert.mentor_price[e.mentor as usize]);
            if y + z < i128::from(e.weight()) + premium {
                return Err(CertificateError::Uncovered {
                    mentee: i as u32,
                    mentor: e.mentor,
                });
            }
            if asg.mentor_of[i] == Some(e.mentor) {
                pairs += 1;
                total += i128::from(e.weight());
            }
        }
    }
    let prices: i128 = cert
        .mentee_price
        .iter()
        .map(|&y| i128::from(y))
        .sum::<i128>()
        + cert
            .mentor_price
            .iter()
            .zip(inst.mentor_capacity())
            .map(|(&z, &c)| i128::from(z) * i128::from(c))
            .sum::<i128>();
    let reached = total + pairs as i128 * premium;
    if prices != reached {
        return Err(CertificateError::Gap { prices, reached });
    }
    let total = i64::try_from(total).map_err(|_| CertificateError::Gap { prices, reached })?;
    let needed = premium_floor(inst, total);
    if premium <= needed {
        return Err(CertificateError::PremiumTooSmall {
            premium: cert.premium,
            needed,
        });
    }
    Ok(Proven { pairs, total })
}

/// Prices proving `asg` optimal, or `None` when it is not (or is not a valid assignment).
/// Linear in the edges per pass over the mentors; the passes needed are as many as the
/// longest chain of mentees who would each rather move one mentor along.
pub fn certify(inst: &Instance, asg: &Assignment) -> Option<Certificate> {
    validate(inst, asg).ok()?;
    let (n, m) = (inst.mentees(), inst.mentors());
    let cap = inst.mentor_capacity();
    // Each mentor's mentees with the weight of their pair, CSR.
    let mut own = vec![0i64; n];
    let mut start = vec![0usize; m + 1];
    for (i, own) in own.iter_mut().enumerate() {
        if let Some(j) = asg.mentor_of[i] {
            start[j as usize + 1] += 1;
            *own = inst
                .edges_of(i)
                .iter()
                .find(|e| e.mentor == j)
                .map(|e| e.weight())?;
        }
    }
    for j in 0..m {
        start[j + 1] += start[j];
    }
    let mut fill = start.clone();
    let mut held = vec![0u32; start[m]];
    for i in 0..n {
        if let Some(j) = asg.mentor_of[i] {
            held[fill[j as usize]] = i as u32;
            fill[j as usize] += 1;
        }
    }
    let load = |j: usize| (start[j + 1] - start[j]) as u32;

    // A: mentors an unmatched mentee reaches along alternating paths. All must be full,
    // or there is an augmenting path and more mentees could be matched.
    let mut in_a = vec![false; m];
    let mut queue: VecDeque<u32> = VecDeque::new();
    let mut seen = vec![false; n];
    for (i, seen) in seen.iter_mut().enumerate() {
        if asg.mentor_of[i].is_none() {
            *seen = true;
            queue.push_back(i as u32);
        }
    }
    while let Some(i) = queue.pop_front() {
        for e in inst.edges_of(i as usize) {
            let j = e.mentor as usize;
            if in_a[j] {
                continue;
            }
            if load(j) < cap[j] {
                return None;
            }
            in_a[j] = true;
            for &k in &held[start[j]..start[j + 1]] {
                if !seen[k as usize] {
                    seen[k as usize] = true;
                    queue.push_back(k);
                }
            }
        }
    }

    // The least mentor prices (without the premium on A): 0 outside A, and inside A at
    // least what an unmatched mentee's edge asks; then longest paths along the arcs.
    const UNSET: i64 = i64::MIN;
    let mut d: Vec<i64> = (0..m).map(|j| if in_a[j] { UNSET } else { 0 }).collect();
    for i in 0..n {
        if asg.mentor_of[i].is_none() {
            for e in inst.edges_of(i) {
                let k = e.mentor as usize;
                d[k] = d[k].max(e.weight());
            }
        }
    }
    let mut queued = vec![false; m];
    // Arcs on the path behind each mentor's price: a path of more arcs than mentors
    // repeats one, and a repeated mentor on an improving path is a cycle that gains.
    let mut arcs = vec![0u32; m];
    let mut work: VecDeque<u32> = VecDeque::new();
    for j in 0..m {
        if d[j] != UNSET && load(j) > 0 {
            queued[j] = true;
            work.push_back(j as u32);
        }
    }
    while let Some(j) = work.pop_front() {
        let j = j as usize;
        queued[j] = false;
        for &i in &held[start[j]..start[j + 1]] {
            let base = d[j] - own[i as usize];
            for e in inst.edges_of(i as usize) {
                let k = e.mentor as usize;
                // Arcs from outside A into A are paid by the premium.
                if k == j || in_a[k] != in_a[j] {
                    continue;
                }
                let want = base + e.weight();
                if want > d[k] {
                    if load(k) < cap[k] {
                        // A mentee would move to a place left empty: not optimal.
                        return None;
                    }
                    d[k] = want;
                    arcs[k] = arcs[j] + 1;
                    if arcs[k] as usize >= m {
                        // A cycle that gains weight: not optimal.
                        return None;
                    }
                    if !queued[k] {
                        queued[k] = true;
                        work.push_back(k as u32);
                    }
                }
            }
        }
    }

    if d.contains(&UNSET) {
        return None;
    }
    // The premium: above the floor, and large enough for every price to be ≥ 0 and for
    // the edges from mentees outside D to mentors in A.
    let total: i64 = own.iter().sum();
    let mut premium = premium_floor(inst, total) + 1;
    for (i, &own_i) in own.iter().enumerate() {
        let Some(j) = asg.mentor_of[i] else { continue };
        let j = j as usize;
        if in_a[j] {
            // y_i = own − d_j must hold without the premium.
            if own_i < d[j] {
                return None;
            }
            continue;
        }
        premium = premium.max(i128::from(d[j] - own_i));
        for e in inst.edges_of(i) {
            let k = e.mentor as usize;
            if in_a[k] {
                premium = premium.max(i128::from(e.weight() - own_i + d[j] - d[k]));
            }
        }
    }
    for j in 0..m {
        if in_a[j] {
            premium = premium.max(-i128::from(d[j]));
        }
    }
    let premium = i64::try_from(premium).ok()?;
    let mentor_price: Vec<i64> = (0..m)
        .map(|j| {
            if in_a[j] {
                d[j].checked_add(premium)
            } else {
                Some(d[j])
            }
        })
        .collect::<Option<_>>()?;
    let mentee_price: Vec<i64> = (0..n)
        .map(|i| match asg.mentor_of[i] {
            Some(j) => own[i]
                .checked_add(premium)?
                .checked_sub(mentor_price[j as usize]),
            None => Some(0),
        })
        .collect::<Option<_>>()?;
    Some(Certificate {
        premium,
        mentee_price,
        mentor_price,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instance::Edge;
    use crate::{solve_optimal, solve_stable};
    use proptest::prelude::*;

    fn edge(mentor: u32, a: i32, b: i32) -> Edge {
        Edge {
            mentor,
            mentee_score: a,
            mentor_score: b,
        }
    }

    #[test]
    fn an_optimal_assignment_is_certified_and_a_worse_one_is_not() {
        // Two mentees, one place: the heavier pair wins; a second mentor takes the other.
        let inst = Instance::new(
            vec![1, 1],
            vec![
                vec![edge(0, 50, 50), edge(1, 10, 10)],
                vec![edge(0, 40, 40)],
            ],
        )
        .unwrap();
        let best = solve_optimal(&inst);
        let cert = certify(&inst, &best).expect("optimal is certified");
        assert_eq!(
            check_certificate(&inst, &best, &cert),
            Ok(Proven {
                pairs: 2,
                total: 100
            })
        );
        // One pair fewer, heavier per pair: not optimal, and no prices prove it.
        let fewer = Assignment {
            mentor_of: vec![Some(0), None],
        };
        assert_eq!(certify(&inst, &fewer), None);
        // The optimal assignment's prices do not prove the worse one either.
        assert!(check_certificate(&inst, &fewer, &cert).is_err());
        // A tampered price breaks the check.
        let mut bad = cert.clone();
        bad.mentor_price[0] -= 1;
        assert!(check_certificate(&inst, &best, &bad).is_err());
        let mut low = cert.clone();
        low.premium = 0;
        assert!(check_certificate(&inst, &best, &low).is_err());
    }

    #[test]
    fn a_mentor_holding_several_mentees_is_no_cycle() {
        // Mentor 0 holds a, b and c, who would each gain by moving to mentor 1, whose one
        // place d needs: d's price pays for it. The price of mentor 1 improves three
        // times from one mentor, along paths of one arc.
        let inst = Instance::new(
            vec![3, 1],
            vec![
                vec![edge(0, 0, 0), edge(1, 1, 0)],
                vec![edge(0, 0, 0), edge(1, 2, 0)],
                vec![edge(0, 0, 0), edge(1, 3, 0)],
                vec![edge(1, 10, 0)],
            ],
        )
        .unwrap();
        let best = solve_optimal(&inst);
        assert_eq!(best.mentor_of, vec![Some(0), Some(0), Some(0), Some(1)]);
        let cert = certify(&inst, &best).expect("the only four-pair assignment is optimal");
        assert_eq!(
            check_certificate(&inst, &best, &cert),
            Ok(Proven {
                pairs: 4,
                total: 10
            })
        );
    }

    fn arb_instance() -> impl Strategy<Value = Instance> {
        (1usize..6, 1usize..6).prop_flat_map(|(n, m)| {
            (
                proptest::collection::vec(0u32..3, m),
                proptest::collection::vec(
                    proptest::collection::btree_map(0..m as u32, (-20i32..60, -20i32..60), 0..=m),
                    n,
                ),
            )
                .prop_map(|(cap, rows)| {
                    Instance::new(
                        cap,
                        rows.into_iter()
                            .map(|r| r.into_iter().map(|(j, (a, b))| edge(j, a, b)).collect())
                            .collect(),
                    )
                    .unwrap()
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]
        /// Every optimal assignment gets a certificate that checks and proves its own
        /// figures; a stable assignment gets one only when it is optimal too.
        #[test]
        fn certificates_follow_optimality(inst in arb_instance()) {
            let best = solve_optimal(&inst);
            let stats = crate::stats(&inst, &best);
            let cert = certify(&inst, &best).expect("an optimal assignment is certified");
            let proven = check_certificate(&inst, &best, &cert).unwrap();
            prop_assert_eq!(proven.pairs, stats.pairs);
            prop_assert_eq!(proven.total, stats.total_weight);
            let stable = solve_stable(&inst);
            let s = crate::stats(&inst, &stable);
            let optimal_too = (s.pairs, s.total_weight) == (stats.pairs, stats.total_weight);
            match certify(&inst, &stable) {
                Some(c) => {
                    prop_assert!(optimal_too);
                    prop_assert!(check_certificate(&inst, &stable, &c).is_ok());
                }
                None => prop_assert!(!optimal_too),
            }
        }
    }
}
