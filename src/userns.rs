//! User-namespace id mappings for rootless operation.
//!
//! Root uses the identity mapping. A rootless user maps container root to
//! their own uid and, when /etc/subuid and /etc/subgid grant them ranges and
//! `newuidmap`/`newgidmap` exist, container ids 1..=N to those ranges, so an
//! image's files of several owners (0, 33, 999) keep distinct owners. Without
//! subordinate ids the mapping is a single id: every file appears owned by
//! root inside, and images needing other ids are refused with a message
//! naming /etc/subuid.

use std::path::Path;

use crate::error::{Error, Result};

/// `count` ids starting at `inside` in the namespace map to `outside`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdRange {
    pub inside: u32,
    pub outside: u32,
    pub count: u32,
}

/// The uid and gid maps a user namespace gets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdMapping {
    pub uids: Vec<IdRange>,
    pub gids: Vec<IdRange>,
}

impl IdMapping {
    /// Root's mapping: every id to itself.
    pub fn identity() -> IdMapping {
        let all = vec![IdRange {
            inside: 0,
            outside: 0,
            count: u32::MAX,
        }];
        IdMapping {
            uids: all.clone(),
            gids: all,
        }
    }

    /// The mapping for this process: identity for root; for a rootless user
    /// 0 → their uid/gid plus their subordinate ranges when usable.
    pub fn for_current_user() -> IdMapping {
        static CACHED: std::sync::OnceLock<IdMapping> = std::sync::OnceLock::new();
        CACHED.get_or_init(Self::compute_for_current_user).clone()
    }

    fn compute_for_current_user() -> IdMapping {
        let uid = rustix::process::geteuid().as_raw();
        let gid = rustix::process::getegid().as_raw();
        if uid == 0 {
            return IdMapping::identity();
        }
        let name = user_name(uid);
        let helpers = which("newuidmap") && which("newgidmap");
        let sub = |file: &str, own: u32| -> Vec<IdRange> {
            let mut v = vec![IdRange {
                inside: 0,
                outside: own,
                count: 1,
            }];
            if helpers {
                if let Some((start, count)) =
                    subordinate_range(Path::new(file), name.as_deref(), uid)
                {
                    v.push(IdRange {
                        inside: 1,
                        outside: start,
                        count,
                    });
                }
            }
            v
        };
        let uids = sub("/etc/subuid", uid);
        let gids = sub("/etc/subgid", gid);
        // Use subordinate ids only when both maps have them.
        if uids.len() != gids.len() {
            return IdMapping {
                uids: uids[..1].to_vec(),
                gids: gids[..1].to_vec(),
            };
        }
        IdMapping { uids, gids }
    }

    /// True when only one id is mapped (no subordinate ids).
    pub fn is_single(&self) -> bool {
        self.uids.len() == 1 && self.uids[0].count == 1
    }

    pub fn is_identity(&self) -> bool {
        *self == IdMapping::identity()
    }

    /// How many uids the namespace has.
    pub fn uid_count(&self) -> u64 {
        self.uids.iter().map(|r| r.count as u64).sum()
    }

    /// The host uid of a namespace uid, if mapped.
    pub fn host_uid(&self, inside: u32) -> Option<u32> {
        lookup(&self.uids, inside)
    }

    /// The host gid of a namespace gid, if mapped.
    pub fn host_gid(&self, inside: u32) -> Option<u32> {
        lookup(&self.gids, inside)
    }

    /// Human-readable form for `tug info`: `0:1000:1,1:300000:65536`.
    pub fn describe(ranges: &[IdRange]) -> String {
        ranges
            .iter()
            .map(|r| format!("{}:{}:{}", r.inside, r.outside, r.count))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Writes the maps of the user namespace of process `pid` (which must be
    /// waiting, unmapped). A single-id map is written directly (allowed for
    /// one's own id after denying setgroups); subordinate ranges go through
    /// the setuid helpers newuidmap/newgidmap.
    pub fn apply_to(&self, pid: i32) -> Result<()> {
        if self.is_identity() {
            return Ok(());
        }
        if self.is_single() {
            let proc = format!("/proc/{pid}");
            write_proc(&format!("{proc}/setgroups"), "deny")?;
            write_proc(&format!("{proc}/uid_map"), &map_text(&self.uids))?;
            write_proc(&format!("{proc}/gid_map"), &map_text(&self.gids))?;
            return Ok(());
        }
        // Both helpers run at once: each is a setuid exec of a few ms.
        let uid_helper = spawn_map_helper("newuidmap", pid, &self.uids)?;
        let gid_helper = spawn_map_helper("newgidmap", pid, &self.gids);
        let uid_result = finish_map_helper("newuidmap", uid_helper);
        let gid_result = gid_helper.and_then(|c| finish_map_helper("newgidmap", c));
        uid_result.and(gid_result)
    }
}

fn lookup(ranges: &[IdRange], inside: u32) -> Option<u32> {
    ranges
        .iter()
        .find(|r| inside >= r.inside && (inside - r.inside) < r.count)
        .map(|r| r.outside + (inside - r.inside))
}

fn map_text(ranges: &[IdRange]) -> String {
    ranges
        .iter()
        .map(|r| format!("{} {} {}\n", r.inside, r.outside, r.count))
        .collect()
}

fn write_proc(path: &str, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// Starts a helper with a plain fork + execv, not waiting for its exec (a
/// setuid exec takes milliseconds; both helpers then load at once).
fn spawn_map_helper(helper: &str, pid: i32, ranges: &[IdRange]) -> Result<i32> {
    let path = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        .iter()
        .map(|d| Path::new(d).join(helper))
        .find(|p| p.is_file())
        .ok_or_else(|| Error::Invalid(format!("{helper} is not installed (package uidmap)")))?;
    let mut args = vec![helper.to_string(), pid.to_string()];
    for r in ranges {
        args.extend([
            r.inside.to_string(),
            r.outside.to_string(),
            r.count.to_string(),
        ]);
    }
    let to_c =
        |s: &str| std::ffi::CString::new(s).map_err(|_| Error::Invalid("NUL in argument".into()));
    let prog = to_c(&path.to_string_lossy())?;
    let argv: Vec<std::ffi::CString> = args.iter().map(|a| to_c(a)).collect::<Result<_>>()?;
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    // SAFETY: fork of a single-threaded process (the runtime's callers are);
    // the child only calls execv and _exit.
    let child = unsafe { libc::fork() };
    if child < 0 {
        return Err(Error::Invalid(format!(
            "running {helper}: {}",
            std::io::Error::last_os_error()
        )));
    }
    if child == 0 {
        // SAFETY: execv with NUL-terminated strings and a NULL-terminated
        // array prepared before the fork; _exit if it fails.
        unsafe {
            libc::execv(prog.as_ptr(), ptrs.as_ptr());
            libc::_exit(127);
        }
    }
    Ok(child)
}

fn finish_map_helper(helper: &str, child: i32) -> Result<()> {
    let mut status = 0;
    loop {
        // SAFETY: waitpid on our own child, writing one int we own.
        let r = unsafe { libc::waitpid(child, &mut status, 0) };
        if r == child {
            break;
        }
        if r < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return Err(Error::Invalid(format!(
                "waiting for {helper}: {}",
                std::io::Error::last_os_error()
            )));
        }
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(Error::Invalid(format!(
            "{helper} failed (check /etc/subuid and /etc/subgid)"
        )));
    }
    Ok(())
}

/// The user's name from /etc/passwd (a static binary has no NSS).
pub fn user_name(uid: u32) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 2 && f[2] == uid.to_string()).then(|| f[0].to_string())
    })
}

/// The first range for the user (by name or uid) in a subuid/subgid file.
pub fn subordinate_range(file: &Path, name: Option<&str>, uid: u32) -> Option<(u32, u32)> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.trim().split(':').collect();
        if f.len() != 3 || !(Some(f[0]) == name || f[0] == uid.to_string()) {
            return None;
        }
        Some((f[1].parse().ok()?, f[2].parse().ok()?))
    })
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
        || ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
            .iter()
            .any(|d| Path::new(d).join(program).is_file())
}

/// True inside a user namespace other than the initial one (whose uid map
/// is the identity over all ids): root there cannot make devices or set
/// `trusted.*` xattrs, and overlayfs wants `user.*` xattrs.
pub fn in_user_namespace() -> bool {
    match std::fs::read_to_string("/proc/self/uid_map") {
        Ok(map) => map.split_whitespace().collect::<Vec<_>>() != ["0", "0", "4294967295"],
        Err(_) => false,
    }
}

/// Set for a `_userns` helper started from inside the session's namespace.
const SESSION_ENV: &str = "TUG_USERNS_JOINED";

/// Runs `tug _userns ARGS...` (the same binary) in a new user namespace with
/// this user's mapping, so it can create and remove files owned by
/// subordinate ids. The child unshares, says "ready", waits while the maps
/// are written, then works as root of the namespace. The helper's warnings
/// (files it could not keep as they were) go to `warn`.
pub fn run_mapped(
    store_root: &Path,
    mapping: &IdMapping,
    args: &[&str],
    warn: &dyn Fn(&str),
) -> Result<()> {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let exe = std::env::current_exe().map_err(|e| Error::io("/proc/self/exe", e))?;
    let joined = crate::paths::joined();
    let mut child = std::process::Command::new(exe);
    if joined {
        // Already root of the session's namespace, which the child inherits.
        child.env(SESSION_ENV, "1");
    }
    let mut child = child
        .arg("--root")
        .arg(store_root)
        .arg("_userns")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Invalid(format!("starting the user-namespace helper: {e}")))?;
    let mut ready = String::new();
    let stdout = child.stdout.take().expect("piped");
    let _ = BufReader::new(stdout).read_line(&mut ready);
    let mapped = if ready.trim() == "ready" && joined {
        Ok(())
    } else if ready.trim() == "ready" {
        mapping.apply_to(child.id() as i32)
    } else {
        Err(Error::Invalid(
            "the user-namespace helper did not start".into(),
        ))
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(if mapped.is_ok() { b"go\n" } else { b"stop\n" });
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::Invalid(format!("waiting for the user-namespace helper: {e}")))?;
    mapped?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let msg = err.trim().trim_start_matches("tug: ");
        return Err(Error::Invalid(format!("in the user namespace: {msg}")));
    }
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        if let Some(w) = line.strip_prefix("tug: warning: ") {
            warn(w);
        }
    }
    Ok(())
}

/// The child side of `run_mapped`: leave for a new user namespace and wait
/// until the parent has written its maps.
pub fn enter_mapped() -> Result<()> {
    use std::io::{BufRead, Write};
    let joined = std::env::var_os(SESSION_ENV).is_some();
    std::env::remove_var(SESSION_ENV);
    let rc = if joined {
        0
    } else {
        // SAFETY: unshare takes no pointers; this runs at the start of a fresh
        // single-threaded process (the `_userns` helper), as CLONE_NEWUSER requires.
        unsafe { libc::unshare(libc::CLONE_NEWUSER) }
    };
    if rc != 0 {
        return Err(Error::io(
            "unshare(CLONE_NEWUSER)",
            std::io::Error::last_os_error(),
        ));
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    if line.trim() != "go" {
        return Err(Error::Invalid(
            "user namespace maps were not written".into(),
        ));
    }
    Ok(())
}

/// Removes a tree that may hold files of subordinate ids: directly when
/// possible, else from inside a mapped user namespace.
pub fn remove_tree_mapped(store_root: &Path, path: &Path) {
    crate::store::remove_tree(path);
    if path.exists() && crate::paths::is_rootless() && !crate::paths::joined() {
        let m = IdMapping::for_current_user();
        if !m.is_single() {
            if let Some(p) = path.to_str() {
                let _ = run_mapped(store_root, &m, &["rmtree", p], &|_| {});
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_and_ranges() {
        let m = IdMapping {
            uids: vec![
                IdRange {
                    inside: 0,
                    outside: 1000,
                    count: 1,
                },
                IdRange {
                    inside: 1,
                    outside: 300000,
                    count: 65536,
                },
            ],
            gids: vec![IdRange {
                inside: 0,
                outside: 1000,
                count: 1,
            }],
        };
        assert_eq!(m.host_uid(0), Some(1000));
        assert_eq!(m.host_uid(33), Some(300032));
        assert_eq!(m.host_uid(65537), None);
        assert!(!m.is_single());
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("subuid");
        std::fs::write(&f, "alice:100000:65536\n1001:200000:1000\n").unwrap();
        assert_eq!(
            subordinate_range(&f, Some("alice"), 5),
            Some((100000, 65536))
        );
        assert_eq!(subordinate_range(&f, None, 1001), Some((200000, 1000)));
        assert_eq!(subordinate_range(&f, Some("bob"), 7), None);
    }
}
