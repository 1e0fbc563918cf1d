//! Attacks from processes: /proc/<pid>/exe of the host binary during exec
//! and health checks (finding 3), TIOCSTI on the caller's terminal
//! (finding 4), descriptors the caller leaked into containers (finding 6).
//! https://github.com/tug/tug/issues/14

use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::skip;

/// Root and rootless scenarios with an extracted busybox rootfs.
fn scenarios() -> Vec<(Scenario, PathBuf)> {
    if !is_root() {
        skip_all("container tests need root (and switch to the test user for rootless)");
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in [Some(Scenario::new()), Scenario::unprivileged()]
        .into_iter()
        .flatten()
    {
        match busybox_rootfs_dir(&s) {
            Some(d) => out.push((s, d)),
            None => skip_all("busybox-static is not installed"),
        }
    }
    out
}

fn skip_all(why: &str) {
    assert!(!in_ci(), "cannot set up the scenario under CI=true: {why}");
    eprintln!("SKIPPED: {why}");
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Compiles `tests/security/c/<name>.c` statically into the rootfs's /bin.
fn install_c(s: &Scenario, rootfs: &Path, name: &str) -> bool {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/security/c/{name}.c"));
    let bin = rootfs.join("bin").join(name);
    let ok = Command::new("gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&bin)
        .arg(&src)
        .status()
        .is_ok_and(|st| st.success());
    if ok && s.is_rootless() {
        let (uid, gid) = user_ids(TEST_USER).unwrap();
        chown_r(&bin, uid, gid);
    }
    ok
}

/// Finding 3: a root process in the container loops over /proc/*/exe while
/// 50 `exec`s and health checks (every 100 ms) enter the container. It
/// never opens the host's tug binary: exec and the checks run from a sealed
/// memfd copy, and every process that enters is not dumpable. With
/// CAP_SYS_PTRACE (which passes the dumpable check as root) it does see the
/// copies, and must find them sealed, not the host's inode.
#[test]
fn exec_and_health_checks_never_expose_the_host_binary() {
    if !have("gcc") {
        skip!("gcc is missing (.ci/run installs it)");
    }
    let host = std::fs::metadata(TUG).unwrap();
    let before = std::fs::read(TUG).unwrap();
    let (dev, ino) = (host.dev().to_string(), host.ino().to_string());
    for (s, rootfs) in scenarios() {
        assert!(install_c(&s, &rootfs, "exe_racer"), "gcc -static failed");
        let r = rootfs.display().to_string();
        for caps in ["--cap-add=SYS_PTRACE", "--cap-drop=SYS_PTRACE"] {
            let _ = std::fs::remove_file(rootfs.join("tmp/hits"));
            let _ = std::fs::remove_file(rootfs.join("tmp/checks"));
            s.tug([
                "run",
                "-d",
                "--name",
                "racer",
                caps,
                "--health-cmd",
                "echo >> /tmp/checks",
                "--health-interval",
                "100ms",
                "--rootfs",
                &r,
                "exe_racer",
                &dev,
                &ino,
            ])
            .succeeds();
            for _ in 0..50 {
                s.tug(["exec", "racer", "true"]).succeeds();
            }
            let checks = || {
                s.tug(["exec", "racer", "sh", "-c", "wc -l < /tmp/checks"])
                    .run()
                    .stdout()
                    .trim()
                    .parse::<u32>()
                    .unwrap_or(0)
            };
            wait_for("10 health checks", || checks() >= 10);
            let stats = s
                .tug(["exec", "racer", "cat", "/tmp/stats"])
                .succeeds()
                .stdout();
            let hits = s
                .tug([
                    "exec",
                    "racer",
                    "sh",
                    "-c",
                    "cat /tmp/hits 2>/dev/null; true",
                ])
                .succeeds()
                .stdout();
            // loops, opened, refused (not dumpable), memfd copies seen.
            eprintln!(
                "{} {caps}: racer stats {}",
                if s.is_rootless() { "rootless" } else { "root" },
                stats.trim()
            );
            assert!(
                hits.is_empty(),
                "the container opened the host's tug binary ({caps}):\n{hits}"
            );
            let loops: u64 = stats
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            assert!(loops > 0, "the racer did not run: {stats}");
            s.tug(["rm", "-f", "racer"]).succeeds();
        }
    }
    let after = std::fs::metadata(TUG).unwrap();
    assert_eq!(
        (after.dev(), after.ino(), after.len(), after.mtime()),
        (host.dev(), host.ino(), host.len(), host.mtime())
    );
    assert!(
        std::fs::read(TUG).unwrap() == before,
        "the host binary changed"
    );
}

/// A pseudo-terminal pair; the test keeps the master.
struct Pty {
    master: OwnedFd,
    peer: File,
}

fn open_pty() -> Pty {
    // SAFETY: posix_openpt/grantpt/unlockpt/ptsname_r on a descriptor we own
    // and a buffer of the size we pass.
    unsafe {
        let m = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(m >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(m), 0);
        assert_eq!(libc::unlockpt(m), 0);
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(m, name.as_mut_ptr(), name.len()), 0);
        let path = std::ffi::CStr::from_ptr(name.as_ptr())
            .to_str()
            .unwrap()
            .to_string();
        let peer = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(path)
            .unwrap();
        Pty {
            master: OwnedFd::from_raw_fd(m),
            peer,
        }
    }
}

/// Runs `run` with the pty as its controlling terminal and stdin, stdout
/// and stderr, as from an interactive shell. Returns what it wrote to the
/// terminal and how many bytes wait in the terminal's input queue
/// afterwards (typed by someone: the shell would read them next).
fn under_pty(run: Run) -> (String, i32) {
    let pty = open_pty();
    let mut cmd = run.cmd;
    cmd.stdin(pty.peer.try_clone().unwrap())
        .stdout(pty.peer.try_clone().unwrap())
        .stderr(pty.peer.try_clone().unwrap());
    // SAFETY: setsid and ioctl(TIOCSCTTY) are async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawning under a pty");
    // Drain the master meanwhile, so a chatty child never blocks.
    let master = pty.master.try_clone().unwrap();
    // SAFETY: fcntl on a descriptor we own.
    unsafe { libc::fcntl(master.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
    let mut out = Vec::new();
    let mut m = File::from(master);
    let mut buf = [0u8; 4096];
    loop {
        while let Ok(n) = m.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    while let Ok(n) = m.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    let mut queued: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int we own.
    unsafe { libc::ioctl(pty.peer.as_raw_fd(), libc::FIONREAD, &mut queued) };
    (String::from_utf8_lossy(&out).into_owned(), queued)
}

/// The `key=value` fields the tiocsti helper reports.
fn field<'a>(report: &'a str, key: &str) -> &'a str {
    report
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {key} in {report:?}"))
}

/// Finding 4: without -t the container's process tries TIOCSTI on fds 0-2
/// and /dev/tty. Nothing reaches the caller's terminal; the process leads
/// a session of its own with no controlling tty, on pipes.
#[test]
fn no_tty_container_cannot_type_into_the_callers_terminal() {
    if !have("gcc") {
        skip!("gcc is missing (.ci/run installs it)");
    }
    // Built from parts so that no output of ours contains it.
    let payload = format!("touch /tmp/{}\n", ["pw", "ned"].concat());
    for (s, rootfs) in scenarios() {
        assert!(install_c(&s, &rootfs, "tiocsti"), "gcc -static failed");
        let r = rootfs.display().to_string();
        s.tug(["run", "-d", "--name", "box", "--rootfs", &r, "sleep", "60"])
            .succeeds();
        let attempts: [Vec<&str>; 5] = [
            vec!["run", "--rm", "--rootfs", &r, "tiocsti", &payload],
            vec!["run", "--rm", "-i", "--rootfs", &r, "tiocsti", &payload],
            vec!["run", "--rootfs", &r, "tiocsti", &payload],
            vec!["exec", "box", "tiocsti", &payload],
            vec!["exec", "-i", "box", "tiocsti", &payload],
        ];
        for args in attempts {
            let (text, queued) = under_pty(s.tug(&args));
            assert!(
                !text.contains("pwned"),
                "{args:?}: input was typed into the terminal: {text}"
            );
            assert_eq!(queued, 0, "{args:?}: input waits in the terminal: {text}");
            for fd in ["fd0", "fd1", "fd2"] {
                assert_ne!(field(&text, fd), "0", "{args:?}: TIOCSTI on {fd}: {text}");
            }
            assert_ne!(
                field(&text, "devtty"),
                "0",
                "{args:?}: /dev/tty opened: {text}"
            );
            for link in ["link0", "link1", "link2"] {
                assert!(
                    !field(&text, link).contains("pts"),
                    "{args:?}: {link} is the caller's terminal: {text}"
                );
            }
            assert_eq!(
                field(&text, "session"),
                field(&text, "pid"),
                "{args:?}: not in a session of its own: {text}"
            );
            assert_eq!(field(&text, "tty_nr"), "0", "{args:?}: has a tty: {text}");
        }
        s.tug(["rm", "-f", "box"]).succeeds();
    }
}

/// `run` wrapped in `sh -c 'exec 7<DIR 8<FILE; exec "$@"'`: the caller holds
/// a host directory on fd 7 and a host file on fd 8, without close-on-exec.
fn with_fds(mut run: Run, dir: &Path, file: &Path) -> Run {
    let inner = &run.cmd;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("exec 7<\"$0\" 8<\"$1\"; shift; exec \"$@\"")
        .arg(dir)
        .arg(file)
        .arg(inner.get_program())
        .args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    if let Some(d) = inner.get_current_dir() {
        cmd.current_dir(d);
    }
    run.cmd = cmd;
    run
}

/// Host processes other than this test that hold a descriptor on `path`.
fn holders(path: &Path) -> Vec<String> {
    let me = std::process::id().to_string();
    let mut out = Vec::new();
    for p in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = p.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) || pid == me {
            continue;
        }
        for fd in std::fs::read_dir(p.path().join("fd"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if std::fs::read_link(fd.path()).is_ok_and(|t| t.starts_with(path)) {
                let cmd = std::fs::read_to_string(p.path().join("cmdline")).unwrap_or_default();
                out.push(format!(
                    "{pid} fd {} ({})",
                    fd.file_name().to_string_lossy(),
                    cmd.replace('\0', " ")
                ));
            }
        }
    }
    out
}

/// Finding 6: descriptors the caller leaked (a host directory on fd 7, a
/// host file on fd 8) reach neither `run --rm`, a detached container's pid
/// 1, its monitor, nor an `exec`.
#[test]
fn inherited_descriptors_do_not_reach_containers() {
    for (s, rootfs) in scenarios() {
        let dir = s.path().join("host-secrets");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, "host-only-data\n").unwrap();
        let r = rootfs.display().to_string();
        // The shell's own descriptors (it waits for ls, holding no pipe),
        // then what the leaked ones would read.
        let probe = "ls /proc/$$/fd; cat /proc/self/fd/7/secret /proc/self/fd/8 2>/dev/null; true";
        let out = with_fds(
            s.tug(["run", "--rm", "--rootfs", &r, "sh", "-c", probe]),
            &dir,
            &file,
        )
        .succeeds()
        .stdout();
        assert_eq!(out, "0\n1\n2\n", "run --rm: the container's descriptors");
        with_fds(
            s.tug(["run", "-d", "--name", "leak", "--rootfs", &r, "sleep", "60"]),
            &dir,
            &file,
        )
        .succeeds();
        s.tug(["exec", "leak", "ls", "/proc/1/fd"])
            .succeeds()
            .stdout_is("0\n1\n2\n");
        let out = with_fds(s.tug(["exec", "leak", "sh", "-c", probe]), &dir, &file)
            .succeeds()
            .stdout();
        assert_eq!(out, "0\n1\n2\n", "exec: the command's descriptors");
        let held = holders(&dir);
        assert!(
            held.is_empty(),
            "host processes hold the caller's fds: {held:?}"
        );
        s.tug(["rm", "-f", "leak"]).succeeds();
    }
}
