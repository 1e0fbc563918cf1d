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
//!
//! The helper also takes what else an `--rm` container leaves that cannot
//! fail the command: its cgroup directories (found by the id that starts
//! the entry's name) and its mount namespace, which `run` held open so
//! the init's exit would not unmount the container's tree first
//! (`runtime::process::Init::mounts`). It arrives as descriptor 3; the
//! helper closes it before anything else ([`let_go`]), so the tree is
//! unmounted before its files are deleted.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::store::Store;

/// A container id: 64 lowercase hex digits.
fn is_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

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

/// Starts the detached helper that empties the trash, handing it `hold`
/// (as its descriptor 3) to close; errors are ignored (the next helper
/// deletes what this one left; `hold` is then closed here).
pub fn empty_later(store: &Store, hold: Option<OwnedFd>) {
    use std::os::unix::process::CommandExt;
    let held = hold.as_ref().map(|f| f.as_raw_fd());
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
    // setsid, close_range, dup2 and fcntl, which are async-signal-safe;
    // `held` is a descriptor we own, open until `cmd` is spawned.
    unsafe {
        cmd.pre_exec(move || {
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
            if let Some(fd) = held {
                // Descriptor 3 of the helper, open across its exec.
                if fd == 3 {
                    libc::fcntl(3, libc::F_SETFD, 0);
                } else {
                    libc::dup2(fd, 3);
                }
            }
            Ok(())
        });
    }
    if let Ok(mut middle) = cmd.spawn() {
        let _ = middle.wait();
    }
    drop(hold);
}

/// In the helper, first: closes the namespace `empty_later` handed over
/// as descriptor 3, if it did.
pub fn let_go() {
    const NSFS_MAGIC: i64 = 0x6e73_6673;
    // SAFETY: fstatfs on a descriptor number writes one statfs we own; a
    // closed one gives EBADF.
    let nsfs = unsafe {
        let mut st: libc::statfs = std::mem::zeroed();
        libc::fstatfs(3, &mut st) == 0 && st.f_type as i64 == NSFS_MAGIC
    };
    if nsfs {
        // SAFETY: a namespace file at 3 is the one `empty_later` handed
        // over; nothing else in the helper uses it.
        unsafe { libc::close(3) };
    }
}

/// Deletes everything in the trash (the helper's work).
pub fn empty(store: &Store) {
    let Ok(entries) = std::fs::read_dir(dir(store)) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(id) = name.split('.').next().filter(|id| is_id(id)) {
                crate::runtime::cgroups::Cgroup::existing(id).remove();
            }
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
