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
//!
//! The helper also takes what else a removed container leaves that cannot
//! fail the command: its cgroup directories (found by the id that starts
//! the entry's name) and, for a foreground `--rm`, its mount namespace,
//! which `run` held open so the init's exit would not unmount the
//! container's tree first (`runtime::process::Init::mounts`). It arrives as
//! descriptor 3; the helper closes it before anything else ([`let_go`]),
//! so the tree is unmounted before its files are deleted.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::store::{LockGuard, LockMode, Store};

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
///
/// The helper must hold the last reference: it gets with `hold` the read
/// end of a pipe (descriptor 4) and closes `hold` only once the pipe's
/// write end, which we close after our own copy of `hold`, is closed.
///
/// A double fork by hand, not `std::process::Command`: `spawn` waits for
/// the program to be exec'd, which would be the grandchild's exec here
/// (a few ms on the caller's path); this waits only for the middle
/// process, which forks and exits at once.
pub fn empty_later(store: &Store, hold: Option<OwnedFd>) {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let gate = hold
        .as_ref()
        .and_then(|_| rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).ok());
    let handed = match (&hold, &gate) {
        (Some(h), Some((r, _))) => Some((h.as_raw_fd(), r.as_raw_fd())),
        _ => None,
    };
    let c = |b: &[u8]| CString::new(b).ok();
    let Some(argv) = std::fs::read_link("/proc/self/exe").ok().and_then(|exe| {
        [
            c(exe.as_os_str().as_bytes()),
            c(b"--root"),
            c(store.root().as_os_str().as_bytes()),
            c(b"_empty-trash"),
        ]
        .into_iter()
        .collect::<Option<Vec<CString>>>()
    }) else {
        return;
    };
    let envp: Vec<CString> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let mut kv = k.as_bytes().to_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            c(&kv)
        })
        .collect();
    let ptrs = |v: &[CString]| {
        let mut p: Vec<*const libc::c_char> = v.iter().map(|s| s.as_ptr()).collect();
        p.push(std::ptr::null());
        p
    };
    let (argv_p, envp_p) = (ptrs(&argv), ptrs(&envp));
    let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    else {
        return;
    };
    let null = null.as_raw_fd();
    // SAFETY: the children call only async-signal-safe functions (fork,
    // setsid, dup2, fcntl, close_range, execve, _exit) on memory prepared
    // before the fork, so this holds in a multi-threaded caller too;
    // `handed` and `null` are descriptors we own, open until we return.
    let middle = unsafe { libc::fork() };
    if middle == 0 {
        // SAFETY: as above.
        unsafe {
            if libc::fork() != 0 {
                // The middle process: gone at once, so the helper is
                // nobody's zombie (we reap this one below).
                libc::_exit(0);
            }
            libc::setsid();
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
            if let Some((hold, gate)) = handed {
                // Descriptors 3 and 4 of the helper, through copies above
                // both so neither dup2 overwrites the other's source.
                let hold = libc::fcntl(hold, libc::F_DUPFD_CLOEXEC, 10);
                let gate = libc::fcntl(gate, libc::F_DUPFD_CLOEXEC, 10);
                if hold < 0 || gate < 0 || libc::dup2(hold, 3) < 0 || libc::dup2(gate, 4) < 0 {
                    libc::_exit(1);
                }
            }
            // Nothing else of our caller's stays open in it (a pipe would
            // wait for it to end).
            let first = if handed.is_some() { 5 } else { 3 };
            crate::runtime::guard::close_range_cloexec(first);
            libc::execve(argv_p[0], argv_p.as_ptr(), envp_p.as_ptr());
            libc::_exit(127);
        }
    }
    if middle > 0 {
        let mut status = 0;
        // SAFETY: waits for our own child; writes one int we own.
        while unsafe { libc::waitpid(middle, &mut status, 0) } < 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
        {}
    }
    // Ours first, then the gate: the helper's copy is the last one.
    drop(hold);
    drop(gate);
}

/// In the helper, first: closes the namespace `empty_later` handed over
/// as descriptor 3, if it did, once the gate at 4 says the caller's copy is
/// closed (end of file).
pub fn let_go() {
    const NSFS_MAGIC: i64 = 0x6e73_6673;
    // SAFETY: fstatfs on a descriptor number writes one statfs we own; a
    // closed one gives EBADF.
    let nsfs = unsafe {
        let mut st: libc::statfs = std::mem::zeroed();
        libc::fstatfs(3, &mut st) == 0 && st.f_type as i64 == NSFS_MAGIC
    };
    if nsfs {
        let mut byte = 0u8;
        // SAFETY: descriptors 3 and 4 are what `empty_later` handed over;
        // nothing else in the helper uses them. read writes one byte we
        // own; it returns 0 once every write end is closed.
        unsafe {
            while libc::read(4, (&mut byte as *mut u8).cast(), 1) > 0 {}
            libc::close(4);
            libc::close(3);
        }
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
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        if let Some(id) = name.split('.').next().filter(|id| is_id(id)) {
            crate::runtime::cgroups::Cgroup::existing(id).remove();
        }
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
