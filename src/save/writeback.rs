//! Write-back started early. A discovery stages thousands of new files, and the save then
//! waits for one `syncfs` to write all of them back (see `write::sync_all`): megabytes of data
//! and thousands of inodes, while the cores sit idle. Instead, every [`EVERY`] staged files a
//! helper thread syncs their file system, so the disk writes the first files while the next
//! ones are being staged, and the final sync finds little left to do.
//!
//! Only that final sync counts for durability: these early ones just start the work sooner,
//! and a failed one is ignored (the final sync reports the error).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::thread::JoinHandle;

/// Staged files between two early syncs: enough that a sync's fixed cost (a walk of the
/// file system's dirty inodes) stays small next to what it writes, few enough that the
/// write-back keeps pace with staging (measured: every 500 files saved about a third of the
/// staging phase, every 2000 a fifth).
const EVERY: usize = 512;

/// The helper thread, and the folders it is asked to sync; dropping it waits for a sync in
/// progress.
pub(super) struct EarlyWriteback {
    helper: Option<(Sender<PathBuf>, JoinHandle<usize>)>,
    staged: usize,
}

impl EarlyWriteback {
    /// A helper for a save of `files` files; none for a save of fewer than [`EVERY`] (its
    /// final sync is short) or where no thread can be started.
    pub fn start(files: usize) -> EarlyWriteback {
        let helper = (cfg!(target_os = "linux") && files >= EVERY)
            .then(|| {
                let (send, folders) = channel::<PathBuf>();
                std::thread::Builder::new()
                    .name("flowspec-writeback".into())
                    .spawn(move || {
                        let mut syncs = 0;
                        while let Ok(dir) = folders.recv() {
                            // Requests that queued up while syncing: one sync serves them all
                            // when they share the folder (they nearly always do).
                            let mut dirs = vec![dir];
                            while let Ok(more) = folders.try_recv() {
                                if !dirs.contains(&more) {
                                    dirs.push(more);
                                }
                            }
                            for dir in dirs {
                                syncfs(&dir);
                                syncs += 1;
                            }
                        }
                        syncs
                    })
                    .ok()
                    .map(|thread| (send, thread))
            })
            .flatten();
        EarlyWriteback { helper, staged: 0 }
    }

    /// Notes that the file `target` was staged (in its folder); every [`EVERY`] files, asks
    /// the helper to sync that folder's file system.
    pub fn staged(&mut self, target: &Path) {
        self.staged += 1;
        if self.staged % EVERY != 0 {
            return;
        }
        if let Some((send, _)) = &self.helper {
            let _ = send.send(super::write::dir_of(target).to_path_buf());
        }
    }

    /// Waits for the helper; returns how many syncs it started (a folder that is gone counts:
    /// it was tried).
    pub fn finish(mut self) -> usize {
        self.join()
    }

    fn join(&mut self) -> usize {
        match self.helper.take() {
            Some((send, thread)) => {
                drop(send);
                thread.join().unwrap_or(0)
            }
            None => 0,
        }
    }
}

impl Drop for EarlyWriteback {
    /// A save that stops early (a file could not be staged) does not leave the helper
    /// syncing behind it.
    fn drop(&mut self) {
        self.join();
    }
}

/// Starts and waits for the write-back of the file system `dir` is on; errors are left to
/// the final sync.
fn syncfs(dir: &Path) {
    #[cfg(target_os = "linux")]
    if let Err(e) = super::write::syncfs_of(dir) {
        tracing::debug!(dir = %dir.display(), error = %e, "an early sync failed");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_save_starts_no_helper() {
        let mut w = EarlyWriteback::start(EVERY - 1);
        assert!(w.helper.is_none());
        w.staged(Path::new("a.yaml"));
        assert_eq!(w.finish(), 0);
    }

    #[test]
    fn the_helper_syncs_every_so_many_files_and_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        let mut w = EarlyWriteback::start(3 * EVERY);
        assert!(w.helper.is_some());
        for _ in 0..EVERY - 1 {
            w.staged(&file);
        }
        // Two requests, one of them perhaps served with the other: one or two syncs.
        for _ in 0..EVERY + 1 {
            w.staged(&file);
        }
        w.staged(Path::new("/nonexistent/folder/b.yaml"));
        let syncs = w.finish();
        assert!((1..=2).contains(&syncs), "{syncs}");
    }

    #[test]
    fn a_folder_that_is_gone_is_left_to_the_final_sync() {
        let mut w = EarlyWriteback::start(EVERY);
        for _ in 0..EVERY {
            w.staged(Path::new("/nonexistent/folder/b.yaml"));
        }
        assert_eq!(w.finish(), 1);
    }

    #[test]
    fn dropping_it_waits_for_the_helper() {
        let mut w = EarlyWriteback::start(EVERY);
        for _ in 0..EVERY {
            w.staged(Path::new("."));
        }
        drop(w); // Joins: a hang here would fail the test by timeout.
    }
}
