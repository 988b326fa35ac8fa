//! A counting global allocator for the benchmarks that print peak memory: live and peak heap
//! bytes are counted while a [`peak_during`] span runs (off otherwise, so the atomics do not
//! slow down what is timed). It counts on top of the binary's own allocator. Include with `#[path = "support/heap.rs"] mod heap;`.

use std::alloc::{GlobalAlloc, Layout};

/// The allocator the `flowspec` binary uses (see `src/main.rs`), so timings are the binary's.
use mimalloc::MiMalloc as Inner;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { Inner.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { Inner.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { Inner.dealloc(ptr, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { Inner.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrink(layout.size());
            grow(new_size);
        }
        p
    }
}

fn grow(size: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        let now = CURRENT
            .fetch_add(size, Ordering::Relaxed)
            .wrapping_add(size);
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

fn shrink(size: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        CURRENT.fetch_sub(size, Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result with the peak heap growth while it ran. Frees of memory
/// allocated before are counted too, which can only lower the peak, never raise it.
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    // Start high so that frees of older blocks cannot wrap the counter below zero.
    const BASE: usize = usize::MAX / 2;
    CURRENT.store(BASE, Ordering::Relaxed);
    PEAK.store(BASE, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let out = f();
    COUNTING.store(false, Ordering::Relaxed);
    (out, PEAK.load(Ordering::Relaxed) - BASE)
}
