//! Spreading independent work over the machine's cores with scoped threads (no thread pool to
//! keep alive, no extra dependency). Parsing a catalog's files, checking them and rendering the
//! thousands of new files a discovery can write are each independent per item, and a catalog
//! of tens of thousands of collections should not wait on one core.
//!
//! The items are cut into many small pieces that the threads take one after the other, so
//! uneven work is shared out: in a merge the existing bindings (costly to compare) all come
//! first, and halving the list would leave one core with all of them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Fewer items than this run on the calling thread: threads would cost more than they save.
const SERIAL_BELOW: usize = 2;

/// Pieces per thread: enough to even out uneven items, few enough to cost nothing.
const PIECES_PER_THREAD: usize = 16;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How many items a piece of `len` items over `threads` threads holds.
fn piece_len(len: usize, threads: usize) -> usize {
    len.div_ceil(threads * PIECES_PER_THREAD).max(1)
}

/// Runs `work` on every thread (the caller's included) until it returns `false`; a panic in
/// one is resumed on the caller.
fn on_every_thread(threads: usize, work: impl Fn() + Sync) {
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        work();
        for h in handles {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
    });
}

/// `f` on each piece `(start, len)` of `0..len`, taken by the threads in turn; the results
/// in piece order.
fn pieces<R: Send>(len: usize, threads: usize, f: impl Fn(usize, usize) -> R + Sync) -> Vec<R> {
    let piece = piece_len(len, threads);
    let count = len.div_ceil(piece);
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Vec::with_capacity(count));
    on_every_thread(threads, || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= count {
            break;
        }
        let start = i * piece;
        let r = f(start, piece.min(len - start));
        done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
    });
    in_order(done)
}

/// The results the threads pushed with their piece numbers, in piece order.
fn in_order<R>(done: Mutex<Vec<(usize, R)>>) -> Vec<R> {
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// `items.iter().enumerate().map(f)`, spread over the machine's cores (results keep their
/// order). Runs on the calling thread when there is one core or fewer than two items; a
/// panic in `f` is resumed on the caller.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = threads();
    if threads < 2 || items.len() < SERIAL_BELOW {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let parts = pieces(items.len(), threads, |start, len| {
        (start..start + len)
            .map(|i| f(i, &items[i]))
            .collect::<Vec<R>>()
    });
    parts.into_iter().flatten().collect()
}

/// `items.into_iter().map(f)` for items that are moved into `f`, spread over the cores
/// (results keep their order).
pub fn par_map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = threads();
    let len = items.len();
    if threads < 2 || len < SERIAL_BELOW {
        return items.into_iter().map(f).collect();
    }
    let piece = piece_len(len, threads);
    let source = Mutex::new((0usize, items.into_iter()));
    let done = Mutex::new(Vec::new());
    on_every_thread(threads, || loop {
        let (i, taken): (usize, Vec<T>) = {
            let mut s = source.lock().unwrap_or_else(|e| e.into_inner());
            let i = s.0;
            s.0 += 1;
            (i, s.1.by_ref().take(piece).collect())
        };
        if taken.is_empty() {
            break;
        }
        let r: Vec<R> = taken.into_iter().map(&f).collect();
        done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
    });
    in_order(done).into_iter().flatten().collect()
}

/// `items.iter_mut().for_each(f)`, spread over the cores.
pub fn par_for_each_mut<T: Send>(items: &mut [T], f: impl Fn(&mut T) + Sync) {
    let threads = threads();
    if threads < 2 || items.len() < SERIAL_BELOW {
        return items.iter_mut().for_each(f);
    }
    let piece = piece_len(items.len(), threads);
    let source = Mutex::new(items.chunks_mut(piece));
    on_every_thread(threads, || loop {
        let next = source.lock().unwrap_or_else(|e| e.into_inner()).next();
        match next {
            Some(part) => part.iter_mut().for_each(&f),
            None => break,
        }
    });
}

/// The items `keep` accepts, in order, spread over the cores. Below a few thousand items the
/// threads would cost more than the test, so it runs on the caller.
pub fn par_filter<T: Copy + Send + Sync>(items: &[T], keep: impl Fn(T) -> bool + Sync) -> Vec<T> {
    const FILTER_SERIAL_BELOW: usize = 4096;
    let threads = threads();
    if threads < 2 || items.len() < FILTER_SERIAL_BELOW {
        return items.iter().copied().filter(|&t| keep(t)).collect();
    }
    let parts = pieces(items.len(), threads, |start, len| {
        items[start..start + len]
            .iter()
            .copied()
            .filter(|&t| keep(t))
            .collect::<Vec<T>>()
    });
    parts.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filtering_keeps_the_order_of_what_it_keeps() {
        for n in [0, 10, 4095, 4096, 100_001] {
            let items: Vec<u32> = (0..n).collect();
            let kept = par_filter(&items, |v| v % 7 == 3);
            let want: Vec<u32> = (0..n).filter(|v| v % 7 == 3).collect();
            assert_eq!(kept, want);
        }
    }

    #[test]
    fn results_keep_the_order_and_indices_of_the_items() {
        let items: Vec<u32> = (0..1001).collect();
        let out = par_map(&items, |i, v| (i as u32, v * 2));
        assert_eq!(out.len(), 1001);
        assert!(out
            .iter()
            .enumerate()
            .all(|(i, &(j, d))| j == i as u32 && d == 2 * i as u32));
        assert!(par_map(&[] as &[u32], |_, v| *v).is_empty());
    }

    #[test]
    fn owned_items_keep_their_order() {
        for n in [0, 1, 2, 3, 7, 1000, 100_001] {
            let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let out = par_map_owned(items, |s| {
                s.len() * 1000 + s.parse::<usize>().unwrap() % 1000
            });
            let want: Vec<usize> = (0..n)
                .map(|i: usize| i.to_string().len() * 1000 + i % 1000)
                .collect();
            assert_eq!(out, want);
        }
    }

    #[test]
    fn uneven_work_is_shared_out() {
        // The first half of the items is slow (320 ms in all, so a thread started late still
        // gets there): both threads must get some of it.
        let items: Vec<usize> = (0..64).collect();
        let by = par_map(&items, |i, _| {
            if i < 32 {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            std::thread::current().id()
        });
        if threads() > 1 {
            let first = by[0];
            assert!(
                by[..32].iter().any(|t| *t != first),
                "one thread took every slow item"
            );
        }
    }

    #[test]
    fn mutable_items_keep_their_order() {
        for n in [0, 1, 2, 3, 7, 1000, 1001] {
            let mut items: Vec<usize> = (0..n).collect();
            par_for_each_mut(&mut items, |v| *v *= 3);
            assert_eq!(items, (0..n).map(|i| i * 3).collect::<Vec<_>>());
        }
    }

    #[test]
    #[should_panic(expected = "item 7")]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<u32> = (0..100).collect();
        par_map(&items, |_, v| {
            if *v == 7 {
                panic!("item 7");
            }
            *v
        });
    }
}
