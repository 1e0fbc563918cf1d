//! The rootless session: one small pause process per store that holds a
//! user namespace (the user's subordinate-id mapping, written once) and a
//! network namespace where rootless networks' bridges live.
//!
//! `tug run` (or a container's monitor) joins the session's user namespace
//! before it clones a container, so the container's namespaces belong to
//! the session: the same process may then wire a veth between the bridge
//! namespace and the container's, and no `newuidmap` runs per container.
//! The pause process answers nothing; it sleeps, and leaves once no other
//! process is in its user namespace for a while. Its pid and start time
//! are in `<root>/session`, so a reused pid is never mistaken for it.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::net::outbound::{self, Mode};
use crate::store::{LockGuard, LockMode};
use crate::userns::IdMapping;

/// The session's network namespace. Process-wide because joining the
/// session is: it moves this whole process into the session's user
/// namespace (`paths::joined`), once, whatever number of containers it
/// then starts.
static NETNS: OnceLock<OwnedFd> = OnceLock::new();

/// True once this process joined the session (it is then uid 0 of the
/// session's user namespace).
pub fn joined() -> bool {
    crate::paths::joined()
}

/// The session's network namespace, once joined.
pub fn netns() -> Result<BorrowedFd<'static>> {
    NETNS
        .get()
        .map(|f| f.as_fd())
        .ok_or_else(|| Error::Invalid("not in the rootless network session".into()))
}

fn session_file(root: &Path) -> std::path::PathBuf {
    root.join("session")
}

/// What `<root>/session` records: the pause process (pid and start
/// time), the session's outbound path and its helper (pid and start
/// time), if any.
struct Recorded {
    pid: i32,
    start: u64,
    mode: Mode,
    helper: Option<(i32, u64)>,
}

fn recorded(root: &Path) -> Option<Recorded> {
    let text = std::fs::read_to_string(session_file(root)).ok()?;
    let f: Vec<&str> = text.split_whitespace().collect();
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
    Some(Recorded {
        pid: num(0)? as i32,
        start: num(1)?,
        // A session an older tug started has only the stack.
        mode: f
            .get(2)
            .and_then(|m| Mode::parse(m))
            .unwrap_or(Mode::Userstack),
        helper: num(3).zip(num(4)).map(|(p, s)| (p as i32, s)),
    })
}

/// The outbound path of the session running for `root`, if one runs.
pub fn running_mode(root: &Path) -> Option<Mode> {
    recorded(root)
        .filter(|r| crate::container::proc_start_time(r.pid) == Some(r.start))
        .map(|r| r.mode)
}

/// The running pause process of the session, started if needed (then
/// `true`).
fn ensure(root: &Path, mapping: &IdMapping) -> Result<(i32, bool)> {
    let _g = LockGuard::acquire(&root.join("session.lock"), LockMode::Exclusive)?;
    let file = session_file(root);
    if let Some(r) = recorded(root) {
        if crate::container::proc_start_time(r.pid) == Some(r.start) {
            return Ok((r.pid, false));
        }
        // A session killed outright leaves its helper behind.
        if let Some((p, s)) = r.helper {
            outbound::stop(p, s);
        }
    }
    let exe = std::env::current_exe().map_err(|e| Error::io("/proc/self/exe", e))?;
    let mut child = Command::new(exe)
        .arg("--root")
        .arg(root)
        .arg("_pause")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::Invalid(format!("starting the rootless session: {e}")))?;
    let mut out = BufReader::new(child.stdout.take().expect("piped"));
    let mut stdin = child.stdin.take().expect("piped");
    let mut line = String::new();
    let _ = out.read_line(&mut line);
    let mapped = if line.trim() == "ready" {
        mapping.apply_to(child.id() as i32)
    } else {
        Err(Error::Invalid("the rootless session did not start".into()))
    };
    let _ = stdin.write_all(if mapped.is_ok() { b"go\n" } else { b"stop\n" });
    line.clear();
    let _ = out.read_line(&mut line);
    let _ = child.wait();
    mapped?;
    let pid: i32 = line
        .trim()
        .strip_prefix("pid ")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| Error::Invalid("the rootless session did not start".into()))?;
    // The outbound path: a helper where one is usable (started here, as
    // the user in the host's namespaces), else the pause process's stack.
    let helper = outbound::plan()
        .ok()
        .and_then(|(mode, bin)| Some((mode, outbound::spawn(mode, &bin, pid).ok()?)));
    let order = match helper {
        Some((mode, h)) => format!("{} {h}\n", mode.as_str()),
        None => "userstack\n".to_string(),
    };
    let _ = stdin.write_all(order.as_bytes());
    line.clear();
    let _ = out.read_line(&mut line);
    let mode = line
        .trim()
        .strip_prefix("outbound ")
        .and_then(Mode::parse)
        .unwrap_or(Mode::Userstack);
    let Some(start) = crate::container::proc_start_time(pid) else {
        // The helper would hold the dead session's namespace for ever.
        if let Some((_, h)) = helper {
            if let Some(hs) = crate::container::proc_start_time(h as i32) {
                outbound::stop(h as i32, hs);
            }
        }
        return Err(Error::Invalid("the rootless session exited at once".into()));
    };
    let mut text = format!("{pid} {start} {}", mode.as_str());
    if let Some((_, h)) = helper.filter(|(m, _)| *m == mode) {
        if let Some(hs) = crate::container::proc_start_time(h as i32) {
            text.push_str(&format!(" {h} {hs}"));
        }
    }
    text.push('\n');
    crate::store::write_atomic_in(root, &file, text.as_bytes())?;
    Ok((pid, true))
}

/// Joins the session's user namespace (starting the session if needed) and
/// keeps its network namespace at hand. The process must be
/// single-threaded: setns(2) into a user namespace requires it. True when
/// this call started the session.
pub fn join(root: &Path) -> Result<bool> {
    if joined() {
        return Ok(false);
    }
    // Computed now, while the real ids are still visible.
    let mapping = IdMapping::for_current_user();
    let (pid, started) = ensure(root, &mapping)?;
    let open = |what: &str| -> Result<OwnedFd> {
        let p = format!("/proc/{pid}/ns/{what}");
        std::fs::File::open(&p)
            .map(Into::into)
            .map_err(|e| Error::io(p, e))
    };
    let user = open("user")?;
    let net = open("net")?;
    rustix::thread::move_into_link_name_space(
        user.as_fd(),
        Some(rustix::thread::LinkNameSpaceType::User),
    )
    .map_err(|e| Error::Invalid(format!("joining the rootless session: {e}")))?;
    crate::paths::mark_joined();
    let _ = NETNS.set(net);
    Ok(started)
}

/// Marks this process joined when it started inside the session's user
/// namespace (a health check the monitor re-executed there): its user
/// namespace is the pause process's.
pub fn detect_joined(root: &Path) {
    let Some(Recorded { pid, start, .. }) = recorded(root) else {
        return;
    };
    // The recorded pause process, not a later one with its pid.
    if crate::container::proc_start_time(pid) != Some(start) {
        return;
    }
    let ns = |p: String| std::fs::read_link(format!("/proc/{p}/ns/user")).ok();
    let own = ns("self".into());
    if own.is_some() && own == ns(pid.to_string()) {
        crate::paths::mark_joined();
        // Its network namespace at hand, as `join` keeps it.
        if let Ok(f) = std::fs::File::open(format!("/proc/{pid}/ns/net")) {
            let _ = NETNS.set(f.into());
        }
    }
}

/// The pause process itself (`tug _pause`): a new user namespace (mapped by
/// the parent), then a detached child that holds a new network namespace
/// with loopback up, runs the outbound stack (`userstack`) on a thread left
/// in the host's namespace, and sleeps until the session is idle. The child
/// prints its pid once all that is in place.
pub fn pause_main() -> Result<()> {
    crate::userns::enter_mapped()?;
    // SAFETY: fork in a single-threaded process; the child runs plain Rust
    // with no lock held.
    let child = unsafe { libc::fork() };
    if child < 0 {
        return Err(Error::io("fork", std::io::Error::last_os_error()));
    }
    if child > 0 {
        return Ok(());
    }
    let _ = rustix::process::setsid();
    // It outlives whoever started the session: none of that caller's
    // descriptors (a pipe, `exec 7</dir`) may stay open here.
    let _ = crate::runtime::guard::close_from(3);
    let _ = std::env::set_current_dir("/");
    // Started before the namespace changes: unshare moves only the calling
    // thread, so this one keeps the host's network namespace for the
    // stack's host sockets.
    let (tx, rx) = std::sync::mpsc::channel::<crate::net::userstack::Link>();
    std::thread::spawn(move || {
        if let Ok(link) = rx.recv() {
            crate::net::userstack::run(link);
        }
    });
    // SAFETY: unshare takes no pointers; CLONE_NEWNET affects only this
    // thread, which /proc/<pid>/ns/net then names.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return Err(Error::io(
            "unshare(CLONE_NEWNET)",
            std::io::Error::last_os_error(),
        ));
    }
    // Nothing routes between the session's bridges: networks stay apart
    // (a new namespace inherits the host's ip_forward).
    std::fs::write("/proc/sys/net/ipv4/ip_forward", "0")
        .map_err(|e| Error::io("/proc/sys/net/ipv4/ip_forward", e))?;
    let mut nl = crate::net::netlink::Netlink::open()?;
    if let Some(lo) = nl.link_index("lo")? {
        nl.set_up(lo)?;
    }
    drop(nl);
    let say = |what: String| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{what}");
        let _ = out.flush();
    };
    say(format!("pid {}", std::process::id()));
    // The starting command names the outbound path: a helper it started
    // for this namespace (`pasta PID`, `slirp4netns PID`) or `userstack`.
    let mut order = String::new();
    let _ = std::io::stdin().lock().read_line(&mut order);
    let mut mode = Mode::Userstack;
    let mut helper = None;
    let mut words = order.split_whitespace();
    let asked = words.next().and_then(Mode::parse);
    let pid = words.next().and_then(|p| p.parse::<i32>().ok());
    if let (Some(m), Some(p)) = (asked, pid) {
        let start = crate::container::proc_start_time(p);
        match (start, outbound::configure(m, p)) {
            (Some(s), Ok(())) => {
                mode = m;
                helper = Some((p, s));
            }
            (Some(s), Err(_)) => outbound::stop(p, s),
            (None, _) => {}
        }
    }
    // Without a packet socket (a kernel without AF_PACKET) containers
    // still reach each other and published ports, not the outside.
    if mode == Mode::Userstack {
        if let Ok(link) = crate::net::userstack::Link::open() {
            let _ = tx.send(link);
        }
    }
    say(format!("outbound {}", mode.as_str()));
    if let Ok(null) = std::fs::File::options()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        for fd in 0..3 {
            // SAFETY: dup2 onto the standard descriptors, which this
            // process owns; `null` stays open across the call.
            unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&null), fd) };
        }
    }
    let mut idle = 0;
    loop {
        std::thread::sleep(Duration::from_secs(20));
        idle = if others_in_namespace() { 0 } else { idle + 1 };
        if idle >= 3 {
            if let Some((p, s)) = helper {
                outbound::stop(p, s);
            }
            // SAFETY: _exit ends this process; nothing needs flushing.
            unsafe { libc::_exit(0) };
        }
    }
}

/// True if any process but this one is in this process's user namespace.
fn others_in_namespace() -> bool {
    let me = std::process::id().to_string();
    let Ok(own) = std::fs::read_link("/proc/self/ns/user") else {
        return true;
    };
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return true;
    };
    dir.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.bytes().all(|b| b.is_ascii_digit())
            && name != me
            && std::fs::read_link(e.path().join("ns/user")).is_ok_and(|l| l == own)
    })
}
