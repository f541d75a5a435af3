//! Large buffers backed by 2 MiB pages where the kernel offers them.
//!
//! A 10 MB `verify` fills about 50 MB of fresh memory (the input, the node arenas, the id
//! index), and with 4 KiB pages each page costs a fault on first touch: 11,500 faults, a fifth
//! of the command's time in the kernel. Transparent huge pages cut that fiftyfold, but on most
//! systems (`/sys/kernel/mm/transparent_hugepage/enabled` = `madvise`) only for memory that asks
//! for them. Asking is advice: where it is refused or unsupported nothing changes but speed.

/// The size of a huge page on x86-64 and arm64 (with 4 KiB base pages).
const HUGE_PAGE: usize = 2 << 20;

/// An empty vector with room for `capacity` elements. When that room spans whole huge pages,
/// the kernel is asked to back them with huge pages before anything touches them.
pub fn vec_with_capacity<T>(capacity: usize) -> Vec<T> {
    let v: Vec<T> = Vec::with_capacity(capacity);
    let bytes = v.capacity().saturating_mul(std::mem::size_of::<T>());
    advise(v.as_ptr().cast::<u8>(), bytes);
    v
}

/// Advises huge pages for the whole huge pages inside `[start, start + len)`.
fn advise(start: *const u8, len: usize) {
    if len < HUGE_PAGE {
        return;
    }
    let first = (start as usize).next_multiple_of(HUGE_PAGE);
    let end = (start as usize).saturating_add(len) / HUGE_PAGE * HUGE_PAGE;
    if end <= first {
        return;
    }
    advise_range(first, end - first);
}

#[cfg(target_os = "linux")]
fn advise_range(first: usize, len: usize) {
    // SAFETY: `[first, first + len)` lies inside one live allocation this process owns (the
    // caller's vector), and MADV_HUGEPAGE changes only how the kernel backs it, never its
    // contents or its mapping. A failure (THP disabled, an old kernel) is of no consequence.
    unsafe {
        libc::madvise(first as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_range(_first: usize, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_large_vectors_are_ordinary_vectors() {
        let mut small: Vec<u32> = vec_with_capacity(10);
        small.extend([1, 2, 3]);
        assert_eq!(small, [1, 2, 3]);
        let mut large: Vec<u8> = vec_with_capacity(5 * HUGE_PAGE + 17);
        assert!(large.capacity() >= 5 * HUGE_PAGE + 17);
        large.resize(5 * HUGE_PAGE + 17, 7);
        assert!(large.iter().all(|&b| b == 7));
        let zero_sized: Vec<()> = vec_with_capacity(1 << 40);
        assert!(zero_sized.is_empty());
    }
}
