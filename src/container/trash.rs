//! Removed containers' directories, deleted after the command returns.
//!
//! Deleting a container's directory costs a few milliseconds per file and
//! directory on filesystems mounted with `discard` (ext4 discards each
//! freed block synchronously in `unlink`/`rmdir`), which made the removal
//! the longest part of `run --rm IMAGE true` and of `rm`. So the directory
//! is renamed into `<root>/trash/` (one rename: it is gone from every
//! listing and its name is free at once) and a detached helper (`tug
//! _empty-trash`, its own session, no inherited streams) deletes what is
//! there. One emptier works at a time (`trash/.lock`); a helper that finds
//! another at work leaves, and the one at work looks again after letting
//! go, so nothing put in meanwhile is forgotten. A helper killed half-way
//! leaves a partial entry that the next helper, or `system prune` (which
//! empties the trash itself, waiting for a helper at work), finishes. A
//! rename that fails falls back to deleting in place. `system df` counts
//! the trash with the containers, as reclaimable.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::store::{LockGuard, LockMode, Store};

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

/// The lock held while emptying.
const LOCK: &str = ".lock";

/// Deletes what is in the trash, unless another emptier is at work (the
/// helper's job); `wait` waits for that one and then empties (`system
/// prune`, so the trash is empty when it returns).
pub fn empty(store: &Store, wait: bool) {
    let lock = dir(store).join(LOCK);
    let mut tried = std::collections::HashSet::new();
    loop {
        let guard = if wait {
            LockGuard::acquire(&lock, LockMode::Exclusive).ok()
        } else {
            LockGuard::try_acquire(&lock, LockMode::Exclusive)
                .ok()
                .flatten()
        };
        let Some(guard) = guard else {
            return;
        };
        for p in entries(store) {
            delete(store, &p);
            tried.insert(p);
        }
        drop(guard);
        // An entry put in while we held the lock, whose helper found us at
        // work and left, is ours (what would not go is not tried again).
        if entries(store).iter().all(|p| tried.contains(p)) {
            return;
        }
    }
}

/// The trash's entries (not its lock).
fn entries(store: &Store) -> Vec<PathBuf> {
    std::fs::read_dir(dir(store))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name() != LOCK)
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

fn delete(store: &Store, p: &Path) {
    if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
        crate::userns::remove_tree_mapped(store.root(), p);
    } else {
        let _ = std::fs::remove_file(p);
    }
}

/// Bytes the trash holds (counted by `system df`).
pub fn usage(store: &Store) -> u64 {
    entries(store)
        .iter()
        .map(|p| crate::store::disk_usage(p))
        .sum()
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
        assert_eq!(entries(&s).len(), 2);
        assert!(usage(&s) > 0);
        // A helper finding another emptier at work leaves it the job.
        let held = LockGuard::acquire(&dir(&s).join(LOCK), LockMode::Exclusive).unwrap();
        empty(&s, false);
        assert_eq!(entries(&s).len(), 2);
        drop(held);
        empty(&s, false);
        assert_eq!(entries(&s).len(), 0);
        assert_eq!(usage(&s), 0);
        // A half-deleted entry (a helper killed mid-way) is finished.
        std::fs::create_dir_all(dir(&s).join("x.1.2/upper/a")).unwrap();
        empty(&s, true);
        assert!(entries(&s).is_empty());
    }
}
