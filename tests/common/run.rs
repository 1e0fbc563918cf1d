//! Helpers of the `run_*` test files: root and rootless scenarios on the
//! busybox rootfs, `run` arguments, waiting on conditions.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::*;

/// Docker's default capability set as /proc/self/status prints it.
pub const DOCKER_CAPEFF: &str = "00000000a80425fb";

/// Root and rootless scenarios with an extracted busybox rootfs.
pub fn scenarios() -> Vec<(Scenario, PathBuf)> {
    let mut out = Vec::new();
    if !is_root() {
        assert!(!in_ci(), "container tests need root under CI=true");
        eprintln!("SKIPPED: container tests need root (and switch to {TEST_USER} for rootless)");
        return out;
    }
    for s in [Some(Scenario::new()), Scenario::unprivileged()]
        .into_iter()
        .flatten()
    {
        match busybox_rootfs_dir(&s) {
            Some(d) => out.push((s, d)),
            None => {
                assert!(!in_ci(), "busybox-static is not installed under CI=true");
                eprintln!("SKIPPED: busybox-static is not installed")
            }
        }
    }
    out
}

pub fn run_args<'a>(rootfs: &'a std::path::Path, extra: &[&'a str]) -> Vec<String> {
    let mut v = vec!["run".to_string(), "--rm".into()];
    v.extend(
        extra
            .iter()
            .take_while(|a| **a != "--")
            .map(|s| s.to_string()),
    );
    v.push("--rootfs".into());
    v.push(rootfs.display().to_string());
    let after: Vec<String> = extra
        .iter()
        .skip_while(|a| **a != "--")
        .skip(1)
        .map(|s| s.to_string())
        .collect();
    v.extend(after);
    v
}

pub fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            if let Ok(c) = std::fs::read_to_string(t.path().join("children")) {
                out.extend(c.split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
            }
        }
    }
    out
}

pub fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An image imported from the busybox rootfs tar (config from --change).
pub fn imported_image(s: &Scenario) -> Option<&'static str> {
    let tar = busybox_rootfs_tar()?;
    let copy = s.path().join("rootfs.tar");
    std::fs::copy(&tar, &copy).ok()?;
    if s.is_rootless() {
        let (u, g) = user_ids(TEST_USER)?;
        chown_r(&copy, u, g);
    }
    s.tug([
        "import",
        "--change",
        r#"CMD ["sh","-c","echo $FOO $(pwd) $(id -u)"]"#,
        "--change",
        "ENV FOO=bar",
        "--change",
        "WORKDIR /tmp",
        "--change",
        "USER www-data",
        copy.to_str()?,
        "bb:test",
    ])
    .succeeds();
    Some("bb:test")
}
