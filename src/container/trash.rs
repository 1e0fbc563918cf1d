//! Removed containers' directories, deleted after the command returns.
//!
//! Deleting a container's directory costs a few milliseconds per file and
//! directory on filesystems mounted with `discard` (ext4 discards each
//! freed block synchronously in `unlink`/`rmdir`), which made the removal
//! the longest part of `run --rm IMAGE true`. So the directory is renamed
//! into `<root>/trash/` (one rename: it is gone from every listing and its
//! name is free at once) and a detached helper (`tug _empty-trash`, its own
//! session, no inherited streams) deletes what is there. A helper that dies
//! leaves entries the next one deletes; a rename that fails falls back to
//! deleting in place.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::store::Store;

fn dir(store: &Store) -> PathBuf {
    store.root().join("trash")
}

/// Moves `path` into the trash; false if it could not (then nothing moved).
pub fn discard(store: &Store, path: &Path) -> bool {
    let trash = dir(store);
    if std::fs::create_dir_all(&trash).is_err() {
        return false;
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let dest = trash.join(format!("{name}.{}.{nanos}", std::process::id()));
    std::fs::rename(path, dest).is_ok()
}

/// Starts the detached helper that empties the trash; errors are ignored
/// (the next helper deletes what this one left).
pub fn empty_later(store: &Store) {
    use std::os::unix::process::CommandExt;
    let Ok(exe) = std::fs::read_link("/proc/self/exe") else {
        return;
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--root")
        .arg(store.root())
        .arg("_empty-trash")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: between fork and exec the closure only calls fork, _exit,
    // setsid and close_range, which are async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            // Forks once more and lets the middle process go, so the helper
            // is nobody's zombie (we reap the middle one below).
            match libc::fork() {
                0 => {}
                -1 => return Err(std::io::Error::last_os_error()),
                _ => libc::_exit(0),
            }
            libc::setsid();
            // Nothing of our caller's stays open in it (a pipe would wait
            // for it to end).
            crate::runtime::guard::close_range_cloexec(3);
            Ok(())
        });
    }
    if let Ok(mut middle) = cmd.spawn() {
        let _ = middle.wait();
    }
}

/// Deletes everything in the trash (the helper's work).
pub fn empty(store: &Store) {
    let Ok(entries) = std::fs::read_dir(dir(store)) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            crate::userns::remove_tree_mapped(store.root(), &e.path());
        } else {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discarded_trees_leave_at_once_and_go_when_emptied() {
        let t = tempfile::tempdir().unwrap();
        let s = Store::open(t.path()).unwrap();
        let c = t.path().join("containers/abc");
        std::fs::create_dir_all(c.join("upper/etc")).unwrap();
        std::fs::write(c.join("upper/etc/hosts"), "x").unwrap();
        let pin = t.path().join("pin");
        std::fs::write(&pin, "sha256:x").unwrap();
        assert!(discard(&s, &c) && discard(&s, &pin));
        assert!(!c.exists() && !pin.exists());
        assert_eq!(std::fs::read_dir(dir(&s)).unwrap().count(), 2);
        empty(&s);
        assert_eq!(std::fs::read_dir(dir(&s)).unwrap().count(), 0);
    }
}
