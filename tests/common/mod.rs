//! Test scenarios that run the built `tug` binary against a store of their
//! own, as root and (through the `tugtest` user) rootless.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

pub const TUG: &str = env!("CARGO_BIN_EXE_tug");
/// The unprivileged user `.ci/run` creates, with subordinate id ranges.
pub const TEST_USER: &str = "tugtest";

/// Prints why a test did not run and returns from it; under `CI=true` a
/// test that cannot set up its scenario fails instead.
#[macro_export]
macro_rules! skip {
    ($($why:tt)*) => {{
        let why = format!($($why)*);
        if $crate::common::in_ci() {
            panic!("cannot set up the scenario under CI=true: {why}");
        }
        eprintln!("SKIPPED: {why}");
        return;
    }};
}

/// True under `CI=true`, where every scenario must be set up and run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// One test's world: a temp dir holding the store, HOME and XDG dirs.
pub struct Scenario {
    pub dir: tempfile::TempDir,
    rootless: bool,
}

impl Scenario {
    pub fn new() -> Scenario {
        let dir = tempfile::Builder::new()
            .prefix("tugtest-")
            .tempdir_in(test_tmp())
            .unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        Scenario {
            dir,
            rootless: false,
        }
    }

    /// The same scenario run as the unprivileged test user; None (after
    /// printing why) when this process is not root or the user is missing.
    pub fn unprivileged() -> Option<Scenario> {
        let why = if !is_root() {
            Some(format!("rootless run needs root to switch to {TEST_USER}"))
        } else if user_ids(TEST_USER).is_none() {
            Some(format!(
                "user {TEST_USER} does not exist (.ci/run creates it)"
            ))
        } else {
            None
        };
        if let Some(why) = why {
            assert!(!in_ci(), "cannot set up the scenario under CI=true: {why}");
            eprintln!("SKIPPED: {why}");
            return None;
        }
        let (uid, gid) = user_ids(TEST_USER).unwrap();
        let mut s = Scenario::new();
        s.rootless = true;
        chown_r(s.dir.path(), uid, gid);
        Some(s)
    }

    pub fn is_rootless(&self) -> bool {
        self.rootless
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn store(&self) -> PathBuf {
        self.path().join("store")
    }

    /// `tug ARGS...` with this scenario's store and environment.
    pub fn tug<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command(TUG, args)
    }

    /// An applet called through a symlink of its name (`run`, `network`...).
    pub fn applet<I, S>(&self, name: &str, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let bin = self.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let link = bin.join(name);
        if !link.exists() {
            std::os::unix::fs::symlink(TUG, &link).unwrap();
        }
        self.command(link.to_str().unwrap(), args)
    }

    /// Runs `program` (a path, e.g. a symlink to tug) in this scenario.
    pub fn command_at<I, S>(&self, program: &Path, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command(program.to_str().unwrap(), args)
    }

    fn command<I, S>(&self, program: &str, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = if self.rootless {
            let mut c = Command::new("setpriv");
            c.args([
                "--reuid",
                TEST_USER,
                "--regid",
                TEST_USER,
                "--init-groups",
                "--",
            ]);
            c.arg(program);
            c
        } else {
            Command::new(program)
        };
        for (k, _) in std::env::vars() {
            if k.starts_with("DOCKER_") || k.starts_with("TUG_") || k.starts_with("XDG_") {
                c.env_remove(k);
            }
        }
        let home = self.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        if self.rootless {
            if let Some((uid, gid)) = user_ids(TEST_USER) {
                chown_r(&home, uid, gid);
            }
        }
        c.env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("TUG_ROOT", self.store())
            .current_dir(self.path());
        c.args(args);
        Run {
            cmd: c,
            stdin: None,
        }
    }
}

/// A command about to run, with chained assertions on its outcome.
pub struct Run {
    pub cmd: Command,
    stdin: Option<Vec<u8>>,
}

impl Run {
    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Run {
        self.stdin = Some(data.into());
        self
    }

    pub fn run(mut self) -> Outcome {
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        self.cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = self.cmd.spawn().expect("spawning tug");
        if let Some(data) = self.stdin.take() {
            let mut si = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = si.write_all(&data);
            });
        }
        let out = child.wait_with_output().unwrap();
        Outcome {
            out,
            what: format!("{:?}", self.cmd),
        }
    }

    pub fn succeeds(self) -> Outcome {
        self.run().success()
    }

    /// Starts the command (stdin and stdout on /dev/null) and returns it
    /// with a channel of its stderr lines, for a test that acts on what it
    /// says while it runs (signals it once a step has started).
    pub fn spawn_stderr_lines(
        mut self,
    ) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
        use std::io::BufRead;
        self.cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("spawning tug");
        let err = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        (child, rx)
    }

    pub fn fails(self) -> Outcome {
        let o = self.run();
        assert!(
            !o.out.status.success(),
            "{} should have failed\n{}",
            o.what,
            o.dump()
        );
        o
    }
}

pub struct Outcome {
    pub out: Output,
    what: String,
}

impl Outcome {
    pub fn dump(&self) -> String {
        format!(
            "status: {:?}\nstdout:\n{}\nstderr:\n{}",
            self.out.status,
            String::from_utf8_lossy(&self.out.stdout),
            String::from_utf8_lossy(&self.out.stderr)
        )
    }
    pub fn success(self) -> Outcome {
        assert!(
            self.out.status.success(),
            "{} failed\n{}",
            self.what,
            self.dump()
        );
        self
    }
    pub fn code_is(self, code: i32) -> Outcome {
        assert_eq!(
            self.out.status.code(),
            Some(code),
            "{}\n{}",
            self.what,
            self.dump()
        );
        self
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    pub fn stdout_is(self, s: &str) -> Outcome {
        assert_eq!(self.stdout(), s, "{}\n{}", self.what, self.dump());
        self
    }
    pub fn stdout_contains(self, s: &str) -> Outcome {
        assert!(
            self.stdout().contains(s),
            "stdout lacks {s:?}\n{}",
            self.dump()
        );
        self
    }
    pub fn stderr_contains(self, s: &str) -> Outcome {
        assert!(
            self.stderr().contains(s),
            "stderr lacks {s:?}\n{}",
            self.dump()
        );
        self
    }
    /// A one-line error starting with `tug:`.
    pub fn one_line_error(self) -> Outcome {
        let e = self.stderr();
        let lines: Vec<&str> = e.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(
            !lines.is_empty() && lines[0].starts_with("tug: "),
            "want a tug: error\n{}",
            self.dump()
        );
        assert!(!e.contains("panicked"), "panic\n{}", self.dump());
        self
    }
}

/// Container directories in the scenario's store (build steps' included).
pub fn containers_left(s: &Scenario) -> usize {
    std::fs::read_dir(s.store().join("containers"))
        .map(|d| d.flatten().filter(|e| e.file_name().len() == 64).count())
        .unwrap_or(0)
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

pub fn user_ids(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() > 3 && f[0] == name {
            Some((f[2].parse().ok()?, f[3].parse().ok()?))
        } else {
            None
        }
    })
}

pub fn chown_r(p: &Path, uid: u32, gid: u32) {
    let _ = std::os::unix::fs::lchown(p, Some(uid), Some(gid));
    if p.is_dir() && !p.is_symlink() {
        for e in std::fs::read_dir(p).unwrap().flatten() {
            chown_r(&e.path(), uid, gid);
        }
    }
}

/// Where scenarios live: a directory every user can enter.
fn test_tmp() -> PathBuf {
    let p = std::env::var_os("TUG_TEST_TMP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/tug-tests"));
    std::fs::create_dir_all(&p).unwrap();
    let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o1777));
    p
}

/// Is a program on PATH?
pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Path of Debian's busybox-static, if installed.
pub fn busybox() -> Option<PathBuf> {
    ["/bin/busybox", "/usr/bin/busybox"]
        .iter()
        .map(PathBuf::from)
        .find(|p| {
            p.exists()
                && Command::new("file")
                    .arg("-L")
                    .arg(p)
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).contains("statically linked"))
                    .unwrap_or(true)
        })
}

/// A busybox root filesystem as a plain tar (built once per test binary):
/// /bin/busybox with a symlink per applet, /etc/passwd and /etc/group with
/// users root (0), www-data (33) and svc (999), and files owned by each.
pub fn busybox_rootfs_tar() -> Option<PathBuf> {
    static TAR: OnceLock<Option<PathBuf>> = OnceLock::new();
    TAR.get_or_init(|| {
        let bb = busybox()?;
        let out = test_tmp().join(format!("busybox-rootfs-{}.tar", std::process::id()));
        let list = Command::new(&bb).arg("--list").output().ok()?;
        let mut b = tar::Builder::new(std::fs::File::create(&out).ok()?);
        let mut dir = |path: &str, mode: u32, uid: u64| {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(mode);
            h.set_uid(uid);
            h.set_gid(uid);
            h.set_size(0);
            h.set_mtime(1_700_000_000);
            b.append_data(&mut h, path, std::io::empty()).unwrap();
        };
        for d in ["bin", "etc", "root", "tmp", "proc", "sys", "dev", "var", "var/www", "home", "usr", "usr/bin"] {
            dir(d, if d == "tmp" { 0o1777 } else { 0o755 }, 0);
        }
        dir("home/svc", 0o750, 999);
        dir("var/www/data", 0o755, 33);
        let mut file = |path: &str, data: &[u8], mode: u32, uid: u64| {
            let mut h = tar::Header::new_gnu();
            h.set_mode(mode);
            h.set_uid(uid);
            h.set_gid(uid);
            h.set_size(data.len() as u64);
            h.set_mtime(1_700_000_000);
            b.append_data(&mut h, path, data).unwrap();
        };
        file("bin/busybox", &std::fs::read(&bb).ok()?, 0o755, 0);
        file(
            "etc/passwd",
            b"root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/sh\nsvc:x:999:999:svc:/home/svc:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
            0o644,
            0,
        );
        file("etc/group", b"root:x:0:\nwww-data:x:33:\nsvc:x:999:\nnogroup:x:65534:\n", 0o644, 0);
        file("var/www/data/index.html", b"hello from www-data\n", 0o644, 33);
        file("home/svc/note", b"svc's file\n", 0o600, 999);
        for name in String::from_utf8_lossy(&list.stdout).lines() {
            if name == "busybox" || name.is_empty() {
                continue;
            }
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_mode(0o777);
            h.set_size(0);
            h.set_mtime(1_700_000_000);
            b.append_link(&mut h, format!("bin/{name}"), "busybox").unwrap();
        }
        b.into_inner().ok()?.sync_all().ok()?;
        Some(out)
    })
    .clone()
}

/// The first subordinate uid of `user` in /etc/subuid.
pub fn subuid_start(user: &str) -> Option<u32> {
    let text = std::fs::read_to_string("/etc/subuid").ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() == 3 && f[0] == user).then(|| f[1].parse().ok())?
    })
}

/// The busybox rootfs extracted into `<scenario>/rootfs` (for `run
/// --rootfs`). Rootless scenarios get owners shifted as the test user's user
/// namespace maps them (0 → the user, N → subuid start + N - 1), so the
/// files show owners 0, 33 and 999 inside the container.
pub fn busybox_rootfs_dir(s: &Scenario) -> Option<PathBuf> {
    let tar = busybox_rootfs_tar()?;
    let dir = s.path().join("rootfs");
    std::fs::create_dir_all(&dir).ok()?;
    let ok = Command::new("tar")
        .args(["--same-owner", "-xf"])
        .arg(&tar)
        .arg("-C")
        .arg(&dir)
        .status()
        .ok()?
        .success();
    if !ok {
        return None;
    }
    if s.is_rootless() {
        let (uid, gid) = user_ids(TEST_USER)?;
        let start = subuid_start(TEST_USER)?;
        fn shift(p: &Path, uid: u32, gid: u32, start: u32) {
            use std::os::unix::fs::MetadataExt;
            let Ok(md) = p.symlink_metadata() else { return };
            let map = |id: u32, own: u32| if id == 0 { own } else { start + id - 1 };
            let _ =
                std::os::unix::fs::lchown(p, Some(map(md.uid(), uid)), Some(map(md.gid(), gid)));
            if md.is_dir() {
                for e in std::fs::read_dir(p).unwrap().flatten() {
                    shift(&e.path(), uid, gid, start);
                }
            }
        }
        shift(&dir, uid, gid, start);
    }
    Some(dir)
}

/// A `tug registry-serve` on a free loopback port, killed on drop.
pub struct Registry {
    pub child: std::process::Child,
    pub addr: String,
}

impl Registry {
    /// Starts the server over `s`'s store and waits until it listens.
    pub fn start(s: &Scenario, extra: &[&str]) -> Registry {
        use std::io::BufRead;
        let mut run = s.tug(
            ["registry-serve", "--addr", "127.0.0.1:0"]
                .iter()
                .chain(extra.iter()),
        );
        run.cmd.stderr(Stdio::piped()).stdout(Stdio::null());
        let mut child = run.cmd.spawn().expect("starting registry-serve");
        let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(addr.contains(':'), "registry-serve did not start: {line}");
        // Keep draining the access log so the server never blocks on it.
        std::thread::spawn(move || for _ in err.lines() {});
        Registry { child, addr }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `curl -s` with extra arguments: (HTTP status, body, headers).
pub fn curl(args: &[&str]) -> (u16, String, String) {
    let out = Command::new("curl")
        .args(["-s", "-D", "/dev/stderr", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("running curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (
        code.trim().parse().unwrap_or(0),
        body.to_string(),
        String::from_utf8_lossy(&out.stderr).to_lowercase(),
    )
}

/// A scenario's containers go before its store: a detached container that
/// outlived its test would otherwise keep networks, rules and processes
/// whose store no longer exists to clean them.
impl Drop for Scenario {
    fn drop(&mut self) {
        let containers = self.store().join("containers");
        let any = std::fs::read_dir(&containers)
            .map(|d| d.flatten().any(|e| e.file_name().len() == 64))
            .unwrap_or(false);
        if !any {
            return;
        }
        let ids = self.tug(["ps", "-aq", "--no-trunc"]).run().stdout();
        for id in ids.split_whitespace() {
            self.tug(["rm", "-f", id]).run();
        }
    }
}

/// podman with its storage under `dir` (vfs, cgroupfs, file events).
pub fn podman(dir: &std::path::Path) -> Command {
    podman_as(None, dir)
}

/// podman as `user` (rootless, through setpriv; its home and runtime
/// directory under `dir`, which is made theirs) or as root.
pub fn podman_as(user: Option<&str>, dir: &std::path::Path) -> Command {
    let mut c = match user {
        None => Command::new("podman"),
        Some(u) => {
            let (uid, gid) = user_ids(u).expect("the rootless user");
            let (home, xdg) = (dir.join("home"), dir.join("xdg"));
            std::fs::create_dir_all(&home).unwrap();
            std::fs::create_dir_all(&xdg).unwrap();
            std::fs::set_permissions(&xdg, std::fs::Permissions::from_mode(0o700)).unwrap();
            chown_r(dir, uid, gid);
            let mut c = Command::new("setpriv");
            c.args(["--reuid", u, "--regid", u, "--init-groups", "--", "podman"]);
            c.env("HOME", home).env("XDG_RUNTIME_DIR", xdg);
            c
        }
    };
    c.arg("--root")
        .arg(dir.join("r"))
        .arg("--runroot")
        .arg(dir.join("rr"));
    c.args([
        "--storage-driver",
        "vfs",
        "--cgroup-manager",
        "cgroupfs",
        "--events-backend",
        "file",
    ]);
    // crun refuses hosts whose cgroup2 mount holds controllers beside v1
    // ("hybrid"), as this one; runc runs there.
    if have("runc") {
        c.args(["--runtime", "runc"]);
    }
    c
}

/// Runs `c`, asserts it succeeded, returns its stdout.
pub fn ok(mut c: Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{c:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
pub mod run;
