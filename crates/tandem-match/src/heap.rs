//! Flat per-mentor slot storage and its binary min-heap, shared by the solvers.

/// Moves `h[k]` down until neither child is `less` than it.
#[inline]
pub(crate) fn sift_down<T: Copy>(h: &mut [T], mut k: usize, less: impl Fn(T, T) -> bool) {
    let n = h.len();
    loop {
        let l = 2 * k + 1;
        if l >= n {
            break;
        }
        let r = l + 1;
        let c = if r < n && less(h[r], h[l]) { r } else { l };
        if less(h[c], h[k]) {
            h.swap(c, k);
            k = c;
        } else {
            break;
        }
    }
}

/// Where each mentor's places start in one flat array: `start[j]..start[j + 1]` are
/// mentor `j`'s, and `start[cap.len()]` is the total.
pub(crate) fn slot_starts(cap: &[u32]) -> Vec<usize> {
    let mut start = Vec::with_capacity(cap.len() + 2);
    let mut acc = 0usize;
    for &c in cap {
        start.push(acc);
        acc += c as usize;
    }
    start.push(acc);
    start
}
