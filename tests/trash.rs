//! Removed containers' files go through `<root>/trash/`: `rm`, `run --rm`
//! and `run -d --rm` rename the container's directory there and a
//! detached `_empty-trash` deletes it; `system df` counts what is left,
//! `system prune` empties it. Root and rootless.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;

/// Scenarios (root, rootless) with busybox imported as `busybox`.
fn scenarios() -> Vec<Scenario> {
    if !is_root() {
        assert!(!in_ci(), "container tests need root under CI=true");
        eprintln!("SKIPPED: container tests need root (and switch to {TEST_USER} for rootless)");
        return Vec::new();
    }
    let Some(tar) = busybox_rootfs_tar() else {
        assert!(!in_ci(), "busybox-static is not installed under CI=true");
        eprintln!("SKIPPED: busybox-static is not installed");
        return Vec::new();
    };
    [Some(Scenario::new()), Scenario::unprivileged()]
        .into_iter()
        .flatten()
        .inspect(|s| {
            s.tug(["import", tar.to_str().unwrap(), "busybox"])
                .succeeds();
        })
        .collect()
}

fn trash(s: &Scenario) -> PathBuf {
    s.store().join("trash")
}

/// The trash's entries (not the emptier's lock).
fn trash_entries(s: &Scenario) -> Vec<String> {
    std::fs::read_dir(trash(s))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n != ".lock")
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until `cond` holds (or panics with `what` after a minute).
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(Instant::now() < end, "timed out: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn container_dir(s: &Scenario, id: &str) -> PathBuf {
    s.store().join("containers").join(id.trim())
}

/// A file tree the container leaves in its upper dir, owned by a user of
/// the container (rootless: a subordinate id, which only a mapped helper
/// may delete).
const LEAVE_FILES: &str =
    "mkdir -p /d/e && head -c 100000 /dev/zero > /d/e/f && chown -R 1000:1000 /d && chmod 500 /d/e";

/// A trash entry as a helper killed half-way leaves it: 1 MB in a tree.
fn half_deleted_entry(s: &Scenario) -> PathBuf {
    let e = trash(s).join("0123abcd.1.2");
    std::fs::create_dir_all(e.join("upper/a")).unwrap();
    std::fs::write(e.join("upper/a/big"), vec![7u8; 1 << 20]).unwrap();
    if s.is_rootless() {
        let (uid, gid) = user_ids(TEST_USER).unwrap();
        chown_r(&trash(s), uid, gid);
    }
    e
}

/// `rm` returns once the container's directory is renamed into the
/// trash; a detached helper deletes it (with the container's own files,
/// rootless too), and finishes a half-deleted entry left before.
#[test]
fn rm_goes_through_the_trash() {
    for s in scenarios() {
        s.tug(["run", "--name", "c1", "busybox", "sh", "-c", LEAVE_FILES])
            .succeeds();
        let id = s
            .tug(["inspect", "--format", "{{.Id}}", "c1"])
            .succeeds()
            .stdout();
        let dir = container_dir(&s, &id);
        assert!(dir.is_dir());
        let left = half_deleted_entry(&s);
        s.tug(["rm", "c1"]).succeeds().stdout_is("c1\n");
        // Gone from every listing at once, the name free.
        assert!(!dir.exists(), "rm left {}", dir.display());
        s.tug(["ps", "-a", "-q"]).succeeds().stdout_is("");
        wait_for("rm's helper empties the trash", || {
            trash_entries(&s).is_empty()
        });
        assert!(!left.exists());
        s.tug(["create", "--name", "c1", "busybox", "true"])
            .succeeds();
        s.tug(["rm", "c1"]).succeeds();
    }
}

/// A detached `--rm` container's monitor removes it through the trash too.
#[test]
fn detached_rm_goes_through_the_trash() {
    for s in scenarios() {
        // Left before by a killed helper: the monitor's helper finishes it.
        let left = half_deleted_entry(&s);
        let id = s
            .tug(["run", "-d", "--rm", "busybox", "sh", "-c", LEAVE_FILES])
            .succeeds()
            .stdout();
        let dir = container_dir(&s, &id);
        wait_for("the detached --rm container goes", || !dir.exists());
        wait_for("the monitor's helper empties the trash", || {
            trash_entries(&s).is_empty()
        });
        assert!(!left.exists());
        s.tug(["ps", "-a", "-q"]).succeeds().stdout_is("");
    }
}

/// The Containers row of `system df --format`: (size, reclaimable).
fn df_containers(s: &Scenario) -> (String, String) {
    let out = s
        .tug([
            "system",
            "df",
            "--format",
            "{{.Type}}|{{.Size}}|{{.Reclaimable}}",
        ])
        .succeeds()
        .stdout();
    let line = out
        .lines()
        .find(|l| l.starts_with("Containers|"))
        .unwrap_or_else(|| panic!("no Containers row: {out}"))
        .to_string();
    let mut f = line.split('|').skip(1).map(String::from);
    (f.next().unwrap(), f.next().unwrap())
}

/// `system df` counts what the trash holds with the containers, as
/// reclaimable; `system prune` empties it (waiting for a helper at work,
/// never deleting beside one) and counts it as reclaimed.
#[test]
fn system_df_counts_and_prune_empties_the_trash() {
    for s in scenarios() {
        let (_, reclaimable) = df_containers(&s);
        assert!(reclaimable.starts_with("0B"), "{reclaimable}");
        let entry = half_deleted_entry(&s);
        let (size, reclaimable) = df_containers(&s);
        assert!(
            reclaimable.starts_with("1.0") && reclaimable.contains("MB"),
            "Containers {size} {reclaimable}"
        );
        let o = s.tug(["system", "prune", "-f"]).succeeds();
        assert!(!entry.exists(), "prune left {:?}", trash_entries(&s));
        assert!(
            !o.stdout().contains("Total reclaimed space: 0B"),
            "{}",
            o.dump()
        );
        // Helpers started with prune: one emptier at a time, and each
        // leaves what another is deleting.
        let entry = half_deleted_entry(&s);
        let helpers: Vec<_> = (0..3)
            .map(|_| s.tug(["_empty-trash"]).cmd.spawn().unwrap())
            .collect();
        s.tug(["system", "prune", "-f"]).succeeds();
        assert!(!entry.exists(), "prune left {:?}", trash_entries(&s));
        for mut h in helpers {
            assert!(h.wait().unwrap().success());
        }
        let (size, reclaimable) = df_containers(&s);
        assert!(
            reclaimable.starts_with("0B"),
            "Containers {size} {reclaimable}"
        );
        assert!(trash_entries(&s).is_empty());
    }
}
