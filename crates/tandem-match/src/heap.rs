//! A binary min-heap's sift-down on a plain slice, shared by the solvers' bounded heaps.

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
