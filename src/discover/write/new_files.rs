//! The files a discovery write will create, by path. A discovery can create thousands (a
//! schema file per new collection), and a `BTreeMap<PathBuf, _>` compared paths component by
//! component on every insert: a tenth of the write. Paths are looked up by hash here and put
//! in path order once, at the end (hashed with foldhash: the paths are the write's own).

use std::path::{Path, PathBuf};

use foldhash::{HashMap, HashMapExt};

/// Files to create, each under its path, handed out in path order.
#[derive(Debug)]
pub(super) struct NewFiles<F> {
    index: HashMap<PathBuf, usize>,
    files: Vec<(PathBuf, F)>,
}

impl<F> Default for NewFiles<F> {
    fn default() -> Self {
        NewFiles {
            index: HashMap::new(),
            files: Vec::new(),
        }
    }
}

impl<F> NewFiles<F> {
    /// Puts `file` at `path`, replacing what was there.
    pub(super) fn insert(&mut self, path: PathBuf, file: F) {
        match self.index.get(&path) {
            Some(&i) => self.files[i].1 = file,
            None => {
                self.index.insert(path.clone(), self.files.len());
                self.files.push((path, file));
            }
        }
    }

    pub(super) fn contains_key(&self, path: &Path) -> bool {
        self.index.contains_key(path)
    }

    pub(super) fn get_mut(&mut self, path: &Path) -> Option<&mut F> {
        let i = *self.index.get(path)?;
        Some(&mut self.files[i].1)
    }

    /// Every file with its path, in the order of `Path`'s `Ord` (component by component), as
    /// a `BTreeMap<PathBuf, _>` would give them.
    pub(super) fn into_sorted(self) -> Vec<(PathBuf, F)> {
        let mut files = self.files;
        // Each path's components once, not once per comparison.
        files.sort_by_cached_key(|(p, _)| {
            p.components()
                .map(|c| c.as_os_str().to_owned())
                .collect::<Vec<_>>()
        });
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The components of `p` as compared by `Path`'s `Ord`.
    fn components(p: &Path) -> Vec<&std::ffi::OsStr> {
        p.components().map(|c| c.as_os_str()).collect()
    }

    #[test]
    fn files_come_out_in_the_order_a_btree_map_of_paths_gives() {
        let paths = [
            "/c/acmeCo/a.b/x.yaml",
            "/c/acmeCo/a/flow.yaml",
            "/c/acmeCo/a-b.schema.yaml",
            "/c/acmeCo/flow.yaml",
            "/c/flow.yaml",
            "/c/acmeCo/a/b/flow.yaml",
            "/c/acmeCo/A.schema.yaml",
        ];
        let mut ours = NewFiles::default();
        let mut btree = BTreeMap::new();
        for (i, p) in paths.iter().enumerate() {
            ours.insert(PathBuf::from(p), i);
            btree.insert(PathBuf::from(p), i);
        }
        // Replacing keeps one entry, with the new file.
        ours.insert(PathBuf::from(paths[1]), 10);
        btree.insert(PathBuf::from(paths[1]), 10);
        assert!(ours.contains_key(Path::new(paths[2])));
        *ours.get_mut(Path::new(paths[3])).unwrap() += 100;
        *btree.get_mut(Path::new(paths[3])).unwrap() += 100;
        let sorted = ours.into_sorted();
        assert_eq!(sorted, btree.into_iter().collect::<Vec<_>>());
        // Component order, not byte order: `a` sorts before `a.b` and `a-b...` here.
        let names: Vec<Vec<&std::ffi::OsStr>> = sorted.iter().map(|(p, _)| components(p)).collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
    }
}
