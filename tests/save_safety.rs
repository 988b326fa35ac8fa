//! Saves that never fork or lose a file, on the real filesystem: symlinks written through,
//! owner, group and mode kept, read-only files refused until confirmed, multi-file saves that
//! fail part-way, stale temporary files of crashed savers, and another program writing while a
//! large file is being saved. Each test writes its own small catalog.

use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flowspec::catalog::{self, Catalog};
use flowspec::save::{self, Protected, SaveError, SavePoint};

/// A catalog with one capture in `flow.yaml` and one in `sub/more.flow.yaml`, both with an
/// enabled first binding to toggle.
fn write_catalog(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("flow.yaml"),
        "import:\n  - sub/more.flow.yaml\ncaptures:\n  acmeCo/a/source:\n    endpoint:\n      \
         connector: { image: ghcr.io/estuary/source-x:v1, config: {} }\n    bindings:\n      \
         - resource: { stream: a }\n        target: acmeCo/a/c\ncollections:\n  acmeCo/a/c: \
         { key: [/id], schema: { type: object } }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("sub/more.flow.yaml"),
        "captures:\n  acmeCo/b/source:\n    endpoint:\n      connector: { image: \
         ghcr.io/estuary/source-x:v1, config: {} }\n    bindings:\n      - resource: { stream: \
         b }\n        target: acmeCo/a/c\n",
    )
    .unwrap();
    dir.join("flow.yaml")
}

fn load(root: &Path) -> Catalog {
    catalog::load(root, &mut |_| {}).expect("the test catalog loads")
}

/// Disables the first binding of `task`.
fn toggle(cat: &mut Catalog, task: &str) {
    let (id, _) = cat.find(task, None).unwrap();
    assert!(cat.toggle_binding(id, 0).unwrap(), "now disabled");
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

/// Every file below `dir` whose name says it is one of flowspec's temporary files.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                todo.push(e.path());
            } else if name.starts_with(".flowspec-") && name.ends_with(".tmp") {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn a_symlink_chain_is_written_through_to_its_target() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    write_catalog(&real);
    // work/flow.yaml -> work/link.yaml -> ../real/flow.yaml (relative, then absolute).
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    symlink("../real/flow.yaml", work.join("link.yaml")).unwrap();
    symlink(work.join("link.yaml"), work.join("flow.yaml")).unwrap();
    symlink(real.join("sub"), work.join("sub")).unwrap();
    let mut cat = load(&work.join("flow.yaml"));
    toggle(&mut cat, "acmeCo/a/source");
    let writes = save::plan(&cat);
    assert_eq!(writes.len(), 1);
    let mut temps_while_staged = None;
    let outcome = save::write_planned_with(&writes, Protected::Refuse, &mut |p| {
        if p == SavePoint::Staged {
            temps_while_staged = Some((temp_files(&real), temp_files(&work)));
        }
    });
    assert!(outcome.is_complete(), "{}", outcome.summary());
    let (in_real, in_work) = temps_while_staged.unwrap();
    assert_eq!(
        in_real.len(),
        1,
        "the temporary file sits beside the target"
    );
    assert_eq!(in_real[0].parent(), Some(real.as_path()));
    assert!(in_work.is_empty(), "{in_work:?}");
    assert!(read(&real.join("flow.yaml")).contains("disable: true"));
    for link in ["flow.yaml", "link.yaml"] {
        let meta = std::fs::symlink_metadata(work.join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
    }
    assert_eq!(
        std::fs::read_link(work.join("flow.yaml")).unwrap(),
        work.join("link.yaml")
    );
    assert!(temp_files(tmp.path()).is_empty());
}

#[test]
fn a_dangling_link_is_a_clear_error_and_nothing_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    let link = tmp.path().join("source.config.yaml");
    symlink("secrets/source.config.yaml", &link).unwrap();
    // `flowspec config edit` on it: the file reads as new (empty).
    let mut cat = Catalog::single_file(&link).unwrap();
    cat.edit_value(
        0,
        &[],
        &serde_json::Value::Null,
        &serde_json::json!({"host": "db"}),
    )
    .unwrap();
    let writes = save::plan(&cat);
    let err = save::execute(&mut cat, &writes).unwrap_err();
    let SaveError::Io { path, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, "source.config.yaml");
    assert!(
        message.contains("secrets/source.config.yaml, which does not exist"),
        "{message}"
    );
    assert!(cat.is_dirty(), "the edit is kept");
    assert!(!tmp.path().join("secrets").exists());
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    // A loop is refused when the file is opened, before anything can be edited.
    symlink("loop-b.yaml", tmp.path().join("loop-a.yaml")).unwrap();
    symlink("loop-a.yaml", tmp.path().join("loop-b.yaml")).unwrap();
    let err = Catalog::single_file(&tmp.path().join("loop-a.yaml")).unwrap_err();
    assert!(err.to_string().contains("symlink loop"), "{err}");
}

#[test]
fn owner_group_and_mode_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let root = write_catalog(tmp.path());
    // SAFETY: geteuid has no preconditions.
    let as_root = unsafe { libc::geteuid() } == 0;
    if as_root {
        std::os::unix::fs::chown(&root, Some(4321), Some(8765)).unwrap();
    }
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = std::fs::metadata(&root).unwrap();
    let mut cat = load(&root);
    toggle(&mut cat, "acmeCo/a/source");
    let writes = save::plan(&cat);
    save::execute(&mut cat, &writes).unwrap();
    let after = std::fs::metadata(&root).unwrap();
    assert_ne!(after.ino(), before.ino(), "replaced by a rename");
    assert!(read(&root).contains("disable: true"));
    assert_eq!(after.mode() & 0o7777, 0o640);
    // Root gives the file back to its owner; anyone else owned it already.
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    if as_root {
        assert_eq!((after.uid(), after.gid()), (4321, 8765));
    }
}

#[test]
fn a_read_only_file_is_refused_until_the_user_confirms() {
    let tmp = tempfile::tempdir().unwrap();
    let root = write_catalog(tmp.path());
    let more = tmp.path().join("sub/more.flow.yaml");
    std::fs::set_permissions(&more, std::fs::Permissions::from_mode(0o444)).unwrap();
    let mut cat = load(&root);
    toggle(&mut cat, "acmeCo/a/source");
    toggle(&mut cat, "acmeCo/b/source");
    let (root_before, more_before) = (read(&root), read(&more));
    let writes = save::plan(&cat);
    let err = save::execute(&mut cat, &writes).unwrap_err();
    assert_eq!(
        err,
        SaveError::WriteProtected(vec!["sub/more.flow.yaml".into()])
    );
    assert_eq!(
        err.to_string(),
        "sub/more.flow.yaml is read-only (no write permission)"
    );
    assert_eq!((read(&root), read(&more)), (root_before, more_before));
    assert_eq!(save::plan(&cat).len(), 2, "both edits are kept");
    let outcome = save::write_planned(&writes, Protected::Overwrite);
    assert!(outcome.is_complete(), "{}", outcome.summary());
    assert!(read(&more).contains("disable: true"));
    let mode = std::fs::metadata(&more).unwrap().mode() & 0o7777;
    assert_eq!(mode, 0o444);
}

#[test]
fn a_multi_file_save_that_fails_part_way_says_what_it_wrote_and_the_retry_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = write_catalog(tmp.path());
    let more = tmp.path().join("sub/more.flow.yaml");
    let more_text = read(&more);
    let mut cat = load(&root);
    toggle(&mut cat, "acmeCo/a/source");
    toggle(&mut cat, "acmeCo/b/source");
    let writes = save::plan(&cat);

    // The second file's folder is replaced by a file after loading: nothing is written.
    std::fs::rename(tmp.path().join("sub"), tmp.path().join("sub.away")).unwrap();
    std::fs::write(tmp.path().join("sub"), "not a folder").unwrap();
    let root_before = read(&root);
    let outcome = save::write_planned(&writes, Protected::Refuse);
    assert!(outcome.written.is_empty());
    assert_eq!(
        outcome.summary(),
        "NOT saved flow.yaml, sub/more.flow.yaml (sub/more.flow.yaml: Not a directory) — your \
         edits to them are kept"
    );
    assert_eq!(read(&root), root_before);
    std::fs::remove_file(tmp.path().join("sub")).unwrap();
    std::fs::rename(tmp.path().join("sub.away"), tmp.path().join("sub")).unwrap();

    // Now the second rename fails (the file became a folder after the last check).
    let outcome = save::write_planned_with(&writes, Protected::Refuse, &mut |p| {
        if p == SavePoint::BeforeRename(&more) {
            std::fs::remove_file(&more).unwrap();
            std::fs::create_dir_all(more.join("x")).unwrap();
        }
    });
    let summary = outcome.summary();
    assert!(
        summary.starts_with("Saved flow.yaml; NOT saved sub/more.flow.yaml: cannot rename: "),
        "{summary}"
    );
    assert!(
        summary.ends_with(" — your edits to it are kept"),
        "{summary}"
    );
    assert!(read(&root).contains("disable: true"));
    save::record_written(&mut cat, &outcome.written);
    let left = save::plan(&cat);
    assert_eq!(left.len(), 1, "only the unwritten file is still to save");
    assert_eq!(left[0].display, "sub/more.flow.yaml");

    // Its file is back as it was: the retry writes it, flow.yaml is no conflict.
    std::fs::remove_dir_all(&more).unwrap();
    std::fs::write(&more, &more_text).unwrap();
    save::execute(&mut cat, &left).unwrap();
    assert!(read(&more).contains("disable: true"));
    assert!(save::plan(&cat).is_empty());
    assert!(temp_files(tmp.path()).is_empty());
}

/// Starts `sh` writing a temporary file named with its own pid, as a saving flowspec would,
/// then sleeping; returns once the file exists.
fn saver(dir: &Path, tag: &str) -> (std::process::Child, PathBuf) {
    let child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf 'half a file' > .flowspec-$$-{tag}.tmp && exec sleep 60"
        ))
        .current_dir(dir)
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let path = dir.join(format!(".flowspec-{}-{tag}.tmp", child.id()));
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "sh never wrote");
        std::thread::sleep(Duration::from_millis(10));
    }
    (child, path)
}

#[test]
fn temp_files_of_a_killed_saver_go_with_the_next_save_and_a_live_ones_stay() {
    let tmp = tempfile::tempdir().unwrap();
    let root = write_catalog(tmp.path());
    let (mut crashed, stale) = saver(tmp.path(), "crashd");
    let (mut running, live) = saver(tmp.path(), "runnin");
    let (mut elsewhere, other_folder) = saver(&tmp.path().join("sub"), "othrdr");
    for c in [&mut crashed, &mut elsewhere] {
        c.kill().unwrap(); // SIGKILL, as a crash mid-save.
        c.wait().unwrap();
    }
    let mut cat = load(&root);
    toggle(&mut cat, "acmeCo/a/source");
    let writes = save::plan(&cat);
    save::execute(&mut cat, &writes).unwrap();
    assert!(!stale.exists(), "the killed saver's file is removed");
    assert!(live.exists(), "a running saver's file is left alone");
    assert!(
        other_folder.exists(),
        "only the saved file's folder is cleaned"
    );
    running.kill().unwrap();
    running.wait().unwrap();
}

#[test]
fn a_change_made_while_a_large_file_is_staged_is_not_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let root = write_catalog(tmp.path());
    // About 8 MB of comments make flow.yaml a large file.
    let mut text = read(&root);
    let line = format!("# {}\n", "x".repeat(78));
    text.push_str(&line.repeat(100_000));
    std::fs::write(&root, &text).unwrap();
    let mut cat = load(&root);
    toggle(&mut cat, "acmeCo/a/source");
    let writes = save::plan(&cat);
    let theirs = format!("{text}# another program's line\n");
    let mut staged_size = 0;
    let outcome = save::write_planned_with(&writes, Protected::Refuse, &mut |p| {
        if p == SavePoint::Staged {
            // The new text is fully in its temporary file; another program writes now.
            staged_size = temp_files(tmp.path())
                .iter()
                .map(|t| std::fs::metadata(t).unwrap().len())
                .sum();
            std::fs::write(&root, &theirs).unwrap();
        }
    });
    assert!(staged_size > 8_000_000, "{staged_size}");
    assert!(outcome.written.is_empty());
    assert_eq!(
        outcome.failed.map(|f| f.error),
        Some(SaveError::Conflict("flow.yaml".into()))
    );
    assert_eq!(read(&root), theirs, "their change is kept");
    assert!(temp_files(tmp.path()).is_empty());
    assert!(cat.is_dirty(), "and so are the user's edits");
}

#[test]
fn a_save_with_no_edits_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = write_catalog(tmp.path());
    let before = std::fs::metadata(&root).unwrap();
    let mut cat = load(&root);
    let writes = save::plan(&cat);
    assert!(writes.is_empty());
    save::execute(&mut cat, &writes).unwrap();
    let after = std::fs::metadata(&root).unwrap();
    assert_eq!(
        (after.ino(), after.mtime_nsec()),
        (before.ino(), before.mtime_nsec())
    );
}
