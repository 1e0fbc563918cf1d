//! What the compose test files share: running `tug compose` in a project
//! directory, and stacks (root and rootless scenarios with busybox as
//! `bb:1`) whose projects are torn down when the test ends.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

pub fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `tug compose ARGS` run in `dir`.
pub fn compose(s: &Scenario, dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["compose"];
    all.extend_from_slice(args);
    let mut r = s.tug(all);
    r.cmd.current_dir(dir);
    r
}

pub fn json(o: &Outcome) -> serde_json::Value {
    serde_json::from_str(&o.stdout()).unwrap_or_else(|e| panic!("{e}\n{}", o.dump()))
}

/// A scenario with the busybox image imported as `bb:1`; its projects are
/// torn down when the test ends, even by a failed assertion.
pub struct Stack(pub Scenario);

impl std::ops::Deref for Stack {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.0
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let ids = self.0.tug(["ps", "-aq"]).run().stdout();
        for id in ids.split_whitespace() {
            self.0.tug(["rm", "-f", id]).run();
        }
        self.0.tug(["network", "prune", "-f"]).run();
    }
}

/// Root and rootless scenarios with `bb:1`.
pub fn stacks() -> Vec<Stack> {
    let mut out = Vec::new();
    if !is_root() {
        assert!(!in_ci(), "compose tests need root under CI=true");
        eprintln!("SKIPPED: compose tests need root (and switch to {TEST_USER} for rootless)");
        return out;
    }
    let Some(tar) = busybox_rootfs_tar() else {
        assert!(!in_ci(), "busybox-static is not installed under CI=true");
        eprintln!("SKIPPED: busybox-static is not installed");
        return out;
    };
    for s in [Some(Scenario::new()), Scenario::unprivileged()]
        .into_iter()
        .flatten()
    {
        let copy = s.path().join("rootfs.tar");
        std::fs::copy(&tar, &copy).unwrap();
        s.tug(["import", copy.to_str().unwrap(), "bb:1"]).succeeds();
        out.push(Stack(s));
    }
    out
}

/// A tool from PyPI (`kubernetes-validate`, `docker-compose`), on PATH or
/// in the virtual environment `.ci/run` installs it in.
pub fn ci_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    path.into_iter()
        .chain([PathBuf::from("/opt/tug-ci-venv/bin")])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Real-shaped compose files (`tests/compose_corpus/<name>/`), for the
/// loader's tests beside the projects the compose tests run.
pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/compose_corpus");

/// The directories under `root`, sorted.
pub fn dirs(root: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// The projects the compose tests run: `tests/compose_projects/<name>/`,
/// one directory each, so that tests/kube.rs converts every one of them.
pub const PROJECTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/compose_projects");

/// The variables the projects interpolate, with values for converting
/// them; a test that runs one passes its own (a free port...).
pub const PROJECT_VARS: &[(&str, &str)] = &[
    ("PORT", "8080"),
    ("IMAGE", "registry.example/team/bb:1"),
    ("TOKEN", "t0k"),
];

/// Copies the project `name` from [`PROJECTS`] to `<scenario>/<name>`, with
/// `vars` added to its `.env` (owned by the test user when rootless).
pub fn fixture(s: &Scenario, name: &str, vars: &[(&str, &str)]) -> PathBuf {
    let dir = s.path().join(name);
    copy_dir(&Path::new(PROJECTS).join(name), &dir);
    let dotenv = dir.join(".env");
    let mut env = std::fs::read_to_string(&dotenv).unwrap_or_default();
    for (k, v) in vars {
        env.push_str(&format!("{k}={v}\n"));
    }
    std::fs::write(&dotenv, env).unwrap();
    project(s, name, &[])
}

/// Copies the tree `from` to `to` (modes kept).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Writes the project's files under `<scenario>/<name>` (owned by the
/// test user when rootless); scripts (`.sh`, under cgi-bin) executable.
pub fn project(s: &Scenario, name: &str, files: &[(&str, &str)]) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = s.path().join(name);
    for (f, text) in files {
        write(&dir, f, text);
        if f.contains("cgi-bin/") || f.ends_with(".sh") {
            std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    if s.is_rootless() {
        let (u, g) = user_ids(TEST_USER).unwrap();
        chown_r(&dir, u, g);
    }
    dir
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET `path` from the host's loopback `port` until it answers 200.
pub fn get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let r = (|| -> std::io::Result<String> {
            let mut c = std::net::TcpStream::connect(("127.0.0.1", port))?;
            c.set_read_timeout(Some(Duration::from_secs(5)))?;
            c.write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes())?;
            let mut out = String::new();
            c.read_to_string(&mut out)?;
            Ok(out)
        })();
        match r {
            Ok(body) if body.contains("200 OK") => return body,
            other if Instant::now() > deadline => panic!("GET :{port}{path} failed: {other:?}"),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The IDs of the project's containers, by name.
pub fn ids(s: &Scenario, dir: &Path) -> std::collections::BTreeMap<String, String> {
    compose(s, dir, &["ps", "-a", "--format", "{{.Name}} {{.ID}}"])
        .succeeds()
        .stdout()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(n, i)| (n.to_string(), i.to_string()))
        .collect()
}

/// The bridges of the project's networks (root: to check they go away).
pub fn bridges(s: &Scenario, project: &str) -> Vec<String> {
    s.tug([
        "network",
        "ls",
        "-q",
        "--filter",
        &format!("label=com.docker.compose.project={project}"),
    ])
    .succeeds()
    .stdout()
    .split_whitespace()
    .map(|id| format!("br-{}", &id[..12]))
    .collect()
}

/// `down -v` and nothing of the project is left: no container, network,
/// volume, monitor, bridge or firewall rule.
pub fn down_leaves_nothing(s: &Scenario, dir: &Path, project: &str) {
    down_leaves_nothing_by(s, dir, project, &["down", "-v"]);
}

/// [`down_leaves_nothing`] with the compose arguments that take it down
/// (`-f`, `--profile`, `--rmi`...).
pub fn down_leaves_nothing_by(s: &Scenario, dir: &Path, project: &str, down: &[&str]) {
    let links = bridges(s, project);
    let ports: Vec<String> = compose(s, dir, &["ps", "-a", "--format", "{{.Ports}}"])
        .succeeds()
        .stdout()
        .split([',', ' ', '\n'])
        .filter_map(|p| p.split_once("->"))
        .filter_map(|(host, _)| host.rsplit(':').next().map(str::to_string))
        .collect();
    compose(s, dir, down).succeeds();
    s.tug(["ps", "-aq"]).succeeds().stdout_is("");
    let nets = s
        .tug(["network", "ls", "--format", "{{.Name}}"])
        .succeeds()
        .stdout();
    assert!(!nets.contains(project), "networks left:\n{nets}");
    let vols = s.tug(["volume", "ls", "-q"]).succeeds().stdout();
    assert!(!vols.contains(project), "volumes left:\n{vols}");
    let store = s.store().display().to_string();
    let procs = std::process::Command::new("pgrep")
        .args(["-f", &format!("{store} container-monitor")])
        .output()
        .unwrap();
    assert!(procs.stdout.is_empty(), "monitors left");
    if !s.is_rootless() && !links.is_empty() {
        let ip = std::process::Command::new("ip")
            .args(["-o", "link"])
            .output()
            .unwrap();
        let ip = String::from_utf8_lossy(&ip.stdout).to_string();
        let nft = std::process::Command::new("nft")
            .args(["list", "ruleset"])
            .output()
            .unwrap();
        let nft = String::from_utf8_lossy(&nft.stdout).to_string();
        for l in &links {
            assert!(!ip.contains(l.as_str()), "{l} left:\n{ip}");
            assert!(!nft.contains(l.as_str()), "rules for {l} left:\n{nft}");
        }
    }
    if !s.is_rootless() {
        // Published ports are elements of the host-wide `ip tug` maps.
        let nft = std::process::Command::new("nft")
            .args(["-nn", "list", "ruleset"])
            .output()
            .unwrap();
        let nft = String::from_utf8_lossy(&nft.stdout).to_string();
        for p in &ports {
            assert!(
                !nft.contains(&format!(". {p} :")),
                "port {p} still published:\n{nft}"
            );
        }
    }
}

pub const CGI: &str = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n";
