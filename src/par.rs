//! Spreading independent work over the machine's cores with scoped threads (no thread pool to
//! keep alive, no extra dependency). Parsing a catalog's files, checking them and rendering the
//! thousands of new files a discovery can write are each independent per item, and a catalog
//! of tens of thousands of collections should not wait on one core.

/// `items.iter().enumerate().map(f)`, spread over the machine's cores in contiguous chunks
/// (results keep their order). Runs on the calling thread when there is one core or fewer
/// than two items; a panic in `f` is resumed on the caller.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 2 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                scope.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, t)| f(c * chunk + i, t))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// `items.iter_mut().for_each(f)`, in contiguous chunks, one per core.
pub fn par_for_each_mut<T: Send>(items: &mut [T], f: impl Fn(&mut T) + Sync) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 2 {
        return items.iter_mut().for_each(f);
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        for part in items.chunks_mut(chunk) {
            scope.spawn(move || part.iter_mut().for_each(f));
        }
    });
}

/// The items `keep` accepts, in order, tested in contiguous chunks, one per core. Below a few
/// thousand items the threads would cost more than the test, so it runs on the caller.
pub fn par_filter<T: Copy + Send + Sync>(items: &[T], keep: impl Fn(T) -> bool + Sync) -> Vec<T> {
    const SERIAL_BELOW: usize = 4096;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < SERIAL_BELOW {
        return items.iter().copied().filter(|&t| keep(t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let keep = &keep;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .copied()
                        .filter(|&t| keep(t))
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        let parts: Vec<Vec<T>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        parts.concat()
    })
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
