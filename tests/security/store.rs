//! Attacks on the store: malformed archives and configs, kill -9 during rmi/prune, archives that balloon in memory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use sha2::Digest as _;

use crate::common::*;
use crate::skip;

pub(super) fn sha256(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(data)))
}

/// The scenarios a test runs in: as root, and rootless when it can be.
pub(super) fn both() -> Vec<Scenario> {
    let mut v = vec![Scenario::new()];
    v.extend(Scenario::unprivileged());
    v
}

/// A busybox image `bb:1` in `s`, imported from the shared rootfs tar.
pub(super) fn with_busybox(s: &Scenario) -> bool {
    let Some(tar) = busybox_rootfs_tar() else {
        return false;
    };
    s.tug(["import", tar.to_str().unwrap(), "bb:1"]).succeeds();
    true
}

/// A tar archive of `entries` (name, bytes), gzip-compressed when asked.
fn archive(path: &Path, entries: &[(String, Vec<u8>)], gzip: bool) {
    let f = std::fs::File::create(path).unwrap();
    let out: Box<dyn Write> = if gzip {
        Box::new(flate2::write::GzEncoder::new(
            f,
            flate2::Compression::default(),
        ))
    } else {
        Box::new(f)
    };
    let mut b = tar::Builder::new(out);
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, &data[..]).unwrap();
    }
    b.into_inner().unwrap().flush().unwrap();
}

/// A one-file layer tar (plain: its digest is its diff ID).
fn layer(name: &str, data: &[u8]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, name, data).unwrap();
    b.into_inner().unwrap()
}

pub(super) fn config_with(diff_ids: &[String]) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }))
    .unwrap()
}

/// A docker-archive of one image `tag` with `config` and these layers.
pub(super) fn docker_archive(path: &Path, tag: &str, config: &[u8], layers: &[Vec<u8>]) {
    let mut entries = vec![("c.json".to_string(), config.to_vec())];
    let mut names = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        names.push(format!("l{i}/layer.tar"));
        entries.push((format!("l{i}/layer.tar"), l.clone()));
    }
    let manifest = serde_json::json!([{"Config": "c.json", "RepoTags": [tag], "Layers": names}]);
    entries.push((
        "manifest.json".to_string(),
        serde_json::to_vec(&manifest).unwrap(),
    ));
    archive(path, &entries, false);
}

/// `images` output and index.json: what a refused load must not change.
pub(super) fn store_state(s: &Scenario) -> (String, String) {
    (
        s.tug([
            "images",
            "-a",
            "--no-trunc",
            "--format",
            "{{.Repository}}:{{.Tag}} {{.ID}}",
        ])
        .succeeds()
        .stdout(),
        std::fs::read_to_string(s.store().join("index.json")).unwrap(),
    )
}

/// The store still works as a whole: list, tag, save, untag, prune.
fn store_works(s: &Scenario) {
    s.tug(["images"]).succeeds().stdout_contains("bb");
    s.tug(["tag", "bb:1", "bb:2"]).succeeds();
    s.tug([
        "save",
        "-o",
        s.path().join("ok.tar").to_str().unwrap(),
        "bb:2",
    ])
    .succeeds();
    s.tug(["rmi", "bb:2"]).succeeds();
    s.tug(["image", "prune", "-f"]).succeeds();
    s.tug(["images"]).succeeds().stdout_contains("bb");
}

/// One malformed image: its name, config and layers.
type Case = (&'static str, Vec<u8>, Vec<Vec<u8>>);

/// Issue 14, finding 9: a config such as `{"rootfs": 5}` was accepted by
/// `load`, after which every command that lists images failed.
#[test]
fn load_of_a_malformed_config_is_refused_and_the_store_keeps_working() {
    for s in both() {
        if !with_busybox(&s) {
            skip!("busybox-static is not installed")
        }
        let before = store_state(&s);
        let l = layer("f", b"x");
        let good_diff = vec![sha256(&l)];
        let cases: Vec<Case> =
            vec![
            ("rootfs5", br#"{"rootfs": 5}"#.to_vec(), vec![]),
            (
                "nottype",
                br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"tar","diff_ids":[]}}"#
                    .to_vec(),
                vec![],
            ),
            ("count", config_with(&[]), vec![l.clone()]),
            (
                "traversal",
                config_with(&["sha256:../../../../tmp/x".to_string()]),
                vec![l.clone()],
            ),
            ("wrongdiff", config_with(&[sha256(b"other")]), vec![l.clone()]),
        ];
        for (name, config, layers) in cases {
            let p = s.path().join(format!("{name}.tar"));
            docker_archive(&p, &format!("evil:{name}"), &config, &layers);
            s.tug(["load", "-i", p.to_str().unwrap()])
                .fails()
                .code_is(125)
                .one_line_error();
            assert_eq!(store_state(&s), before, "{name}");
        }
        // A good one of the same shape loads.
        let p = s.path().join("good.tar");
        docker_archive(&p, "good:1", &config_with(&good_diff), &[l]);
        s.tug(["load", "-i", p.to_str().unwrap()]).succeeds();
        store_works(&s);
        assert_eq!(
            std::fs::read_dir(s.store().join("tmp")).unwrap().count(),
            0,
            "temp blobs left"
        );
    }
}

/// Writes, by hand, an index entry `name` whose config is `{"rootfs": 5}`
/// (a store damaged before the fix, or by hand).
fn write_broken_entry(s: &Scenario, name: &str) {
    s.tug(["images"]).succeeds();
    let blobs = s.store().join("blobs/sha256");
    let put = |data: &[u8]| {
        let d = sha256(data);
        std::fs::write(blobs.join(&d[7..]), data).unwrap();
        d
    };
    let config = br#"{"rootfs": 5}"#;
    let cd = put(config);
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": config.len()},
        "layers": [],
    }))
    .unwrap();
    let md = put(&manifest);
    let index_path = s.store().join("index.json");
    let mut index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&index_path).unwrap()).unwrap();
    index["manifests"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": md,
            "size": manifest.len(),
            "annotations": {"org.opencontainers.image.ref.name": name},
        }));
    std::fs::write(&index_path, serde_json::to_vec(&index).unwrap()).unwrap();
    if s.is_rootless() {
        let (uid, gid) = user_ids(TEST_USER).unwrap();
        chown_r(&s.store(), uid, gid);
    }
}

/// Finding 9: a damaged entry is shown apart, never fails the listing, and
/// `rmi` removes it.
#[test]
fn a_damaged_entry_still_lists_and_rmi_removes_it() {
    for s in both() {
        if !with_busybox(&s) {
            skip!("busybox-static is not installed")
        }
        write_broken_entry(&s, "docker.io/library/broken:1");
        s.tug(["images"])
            .succeeds()
            .stdout_contains("bb")
            .stderr_contains("broken:1 is damaged");
        s.tug(["tag", "bb:1", "bb:2"]).succeeds();
        s.tug(["rmi", "bb:2"]).succeeds();
        s.tug([
            "save",
            "-o",
            s.path().join("x.tar").to_str().unwrap(),
            "bb:1",
        ])
        .succeeds();
        s.tug(["inspect", "broken:1"]).fails().one_line_error();
        s.tug(["rmi", "broken:1"])
            .succeeds()
            .stdout_contains("Untagged: broken:1");
        let out = s.tug(["images"]).succeeds();
        assert!(!out.stderr().contains("damaged"), "{}", out.dump());
        let index = std::fs::read_to_string(s.store().join("index.json")).unwrap();
        assert!(!index.contains("broken"), "{index}");
        // A dangling damaged entry goes with prune.
        write_broken_entry(&s, "docker.io/library/broken:2");
        s.tug(["image", "prune", "-a", "-f"]).succeeds();
        let index = std::fs::read_to_string(s.store().join("index.json")).unwrap();
        assert!(!index.contains("broken"), "{index}");
    }
}

/// Finding 9: `run` of a local image whose config does not load pulled an
/// image of the same name from the registry. The name points at a registry
/// on loopback that the test listens as: no connection may arrive.
#[test]
fn run_of_a_damaged_local_image_does_not_pull() {
    for s in both() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let name = format!("{}/broken:1", listener.local_addr().unwrap());
        write_broken_entry(&s, &name);
        for cmd in ["run", "create"] {
            let out = s
                .tug([cmd, "--rm", &name, "true"])
                .fails()
                .code_is(125)
                .one_line_error()
                .stderr_contains("damaged");
            assert!(
                !out.stderr().contains("Unable to find image"),
                "{}",
                out.dump()
            );
            assert!(
                listener.accept().is_err(),
                "{cmd} connected to the registry"
            );
        }
    }
}

/// Counts the regular files under `dir`.
fn count_files(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let t = e.file_type().unwrap();
        if t.is_dir() {
            n += count_files(&e.path());
        } else if t.is_file() {
            n += 1;
        }
    }
    n
}

/// A layer of `n` small files, as a plain tar at `path`.
fn many_files_layer(path: &Path, n: usize) {
    let mut b = tar::Builder::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let data = format!("file {i}\n");
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, format!("d{}/f{i}", i % 100), data.as_bytes())
            .unwrap();
    }
    b.finish().unwrap();
}

fn prepare(s: &Scenario, image: &str) -> PathBuf {
    let out = s.tug(["_prepare", image]).succeeds().stdout();
    PathBuf::from(out.lines().next().unwrap().trim())
}

/// Finding 10: a snapshot left half deleted (files and its marker gone, as
/// an in-place delete killed midway left it) is not used again: the next
/// prepare unpacks the layer whole.
#[test]
fn a_half_deleted_snapshot_is_not_reused() {
    for s in both() {
        let tar = s.path().join("many.tar");
        many_files_layer(&tar, 500);
        s.tug(["import", tar.to_str().unwrap(), "many:1"])
            .succeeds();
        let fs = prepare(&s, "many:1");
        assert_eq!(count_files(&fs), 500);
        // Half of it gone, and the marker with it.
        let snap = fs.parent().unwrap().to_path_buf();
        for i in 0..50 {
            let _ = std::fs::remove_dir_all(fs.join(format!("d{i}")));
        }
        std::fs::remove_file(snap.join("complete")).unwrap();
        assert_eq!(count_files(&fs), 250);
        s.tug(["rmi", "many:1"]).succeeds();
        assert!(!snap.exists(), "rmi leaves no snapshot behind");
        // As if rmi had been killed before it came to the snapshot.
        s.tug(["import", tar.to_str().unwrap(), "many:1"])
            .succeeds();
        let again = prepare(&s, "many:1");
        assert_eq!(again, fs);
        assert_eq!(count_files(&again), 500);
        for i in 0..50 {
            let _ = std::fs::remove_dir_all(again.join(format!("d{i}")));
        }
        std::fs::remove_file(snap.join("complete")).unwrap();
        assert_eq!(count_files(&prepare(&s, "many:1")), 500);
    }
}

/// Finding 10 for real: `kill -9` of `rmi` while it deletes a big snapshot,
/// then the same layer again. Each round kills as soon as the deletion has
/// begun; whatever the kill left, the layer comes back whole.
#[test]
fn kill_9_during_rmi_leaves_no_partial_snapshot() {
    const FILES: usize = 20_000;
    for s in both() {
        let tar = s.path().join("many.tar");
        many_files_layer(&tar, FILES);
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut killed_midway = 0;
        for round in 0..5 {
            if Instant::now() > deadline {
                break;
            }
            s.tug(["import", tar.to_str().unwrap(), "many:1"])
                .succeeds();
            let fs = prepare(&s, "many:1");
            assert_eq!(count_files(&fs), FILES, "round {round}");
            let snap = fs.parent().unwrap().to_path_buf();
            let mut run = s.tug(["rmi", "many:1"]);
            run.cmd.stdout(Stdio::null()).stderr(Stdio::null());
            let mut child = run.cmd.spawn().unwrap();
            // Kill the moment the snapshot starts to go.
            let wait = Instant::now() + Duration::from_secs(30);
            loop {
                let started = !snap.join("complete").exists() || !fs.is_dir();
                if started || child.try_wait().unwrap().is_some() || Instant::now() > wait {
                    break;
                }
                std::hint::spin_loop();
            }
            let _ = child.kill();
            let status = child.wait().unwrap();
            if !status.success() {
                killed_midway += 1;
            }
            // Whatever is under snapshots/ is whole or absent.
            if snap.join("complete").exists() {
                assert_eq!(
                    count_files(&fs),
                    FILES,
                    "round {round}: a marked snapshot lost files"
                );
            }
        }
        s.tug(["import", tar.to_str().unwrap(), "many:1"])
            .succeeds();
        let fs = prepare(&s, "many:1");
        assert_eq!(count_files(&fs), FILES);
        eprintln!("rmi killed midway in {killed_midway} rounds");
        // What the killed deletions left in tmp/ went at the next command.
        assert_eq!(std::fs::read_dir(s.store().join("tmp")).unwrap().count(), 0);
    }
}

/// Peak resident memory (kB) of a process, polled until it exits.
pub(super) fn run_measuring_peak(run: Run) -> (std::process::Output, u64) {
    let mut cmd = run.cmd;
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut v).unwrap();
        v
    });
    let deadline = Instant::now() + Duration::from_secs(600);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(&status) {
            if let Some(kb) = text
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak = peak.max(kb);
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let mut out = child.wait_with_output().unwrap();
    out.stderr = reader.join().unwrap();
    (out, peak)
}

/// Finding 12: `load` kept every entry of up to 1 MiB in memory; a small
/// gzip of 2,500 zero-filled 1 MiB entries took it past 1.5 GB. Now it
/// fails with one line and its peak stays small.
#[test]
fn the_load_bomb_stays_bounded() {
    // Memory is the same as root or not: once is enough.
    {
        let s = Scenario::new();
        let bomb = s.path().join("bomb.tar.gz");
        {
            let f = std::fs::File::create(&bomb).unwrap();
            let gz = flate2::write::GzEncoder::new(f, flate2::Compression::default());
            let mut b = tar::Builder::new(gz);
            let zeros = vec![0u8; 1 << 20];
            for i in 0..2500 {
                let mut h = tar::Header::new_gnu();
                h.set_size(zeros.len() as u64);
                h.set_mode(0o644);
                h.set_cksum();
                b.append_data(&mut h, format!("e{i}.json"), &zeros[..])
                    .unwrap();
            }
            b.into_inner().unwrap().finish().unwrap();
        }
        assert!(std::fs::metadata(&bomb).unwrap().len() < 10 << 20);
        let (out, peak_kb) = run_measuring_peak(s.tug(["load", "-i", bomb.to_str().unwrap()]));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(125), "{err}");
        assert!(
            err.starts_with("tug: ") && err.lines().count() == 1,
            "{err}"
        );
        assert!(peak_kb > 0, "VmHWM was never read");
        eprintln!("load of the bomb peaked at {peak_kb} kB");
        assert!(peak_kb < 200 * 1024, "load peaked at {peak_kb} kB");
        assert_eq!(std::fs::read_dir(s.store().join("tmp")).unwrap().count(), 0);
        assert_eq!(
            std::fs::read_dir(s.store().join("blobs/sha256"))
                .unwrap()
                .count(),
            0,
            "an unreferenced entry was published"
        );
    }
}

/// Lower finding: an archive of 10,000 layers loaded and then failed at run
/// with an overlay error. The limit is 128 layers; one more is refused with
/// one line naming both numbers.
#[test]
fn an_archive_with_too_many_layers_is_refused() {
    let s = Scenario::new();
    let mk = |n: usize| {
        let layers: Vec<Vec<u8>> = (0..n)
            .map(|i| layer(&format!("f{i}"), format!("{i}").as_bytes()))
            .collect();
        let diffs: Vec<String> = layers.iter().map(|l| sha256(l)).collect();
        let p = s.path().join(format!("layers{n}.tar"));
        docker_archive(&p, &format!("deep:{n}"), &config_with(&diffs), &layers);
        p
    };
    for n in [129, 10_000] {
        let p = mk(n);
        s.tug(["load", "-i", p.to_str().unwrap()])
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains(&format!("{n} layers, more than the limit of 128"));
        let index = std::fs::read_to_string(s.store().join("index.json")).unwrap();
        assert!(!index.contains("deep"), "{index}");
    }
    let p = mk(128);
    s.tug(["load", "-i", p.to_str().unwrap()])
        .succeeds()
        .stdout_contains("deep:128");
}

/// Lower finding: names from an archive were echoed raw (escape sequences
/// reach the terminal) and whole (100 KB). They are escaped and cut.
#[test]
fn archive_names_with_escape_sequences_are_escaped_in_errors() {
    let s = Scenario::new();
    let evil = format!("\u{1b}]0;pwned\u{7}\u{1b}[2J{}", "x".repeat(100_000));
    let cases = [
        serde_json::json!([{"Config": evil, "RepoTags": [], "Layers": []}]),
        serde_json::json!([{"Config": "c.json", "RepoTags": [evil], "Layers": []}]),
    ];
    for (i, manifest) in cases.iter().enumerate() {
        let p = s.path().join(format!("evil{i}.tar"));
        archive(
            &p,
            &[
                ("c.json".into(), config_with(&[])),
                (
                    "manifest.json".into(),
                    serde_json::to_vec(manifest).unwrap(),
                ),
            ],
            false,
        );
        let out = s
            .tug(["load", "-i", p.to_str().unwrap()])
            .fails()
            .code_is(125)
            .one_line_error();
        let err = out.stderr();
        assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
        assert!(err.contains("\\u{1b}"), "{err:?}");
        assert!(err.len() < 1000, "{} bytes of error", err.len());
    }
}

/// Lower finding: on a full disk `load` said "not a valid tar archive", the
/// cause was printed twice, and blobs stayed behind. Root only (a small
/// tmpfs is mounted as the store).
#[test]
fn a_full_disk_is_reported_once_and_leaves_nothing() {
    if !is_root() {
        skip!("mounting a small tmpfs needs root")
    }
    let s = Scenario::new();
    std::fs::create_dir_all(s.store()).unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
        .arg(s.store())
        .status()
        .unwrap()
        .success();
    if !ok {
        skip!("cannot mount a tmpfs")
    }
    struct Umount(PathBuf);
    impl Drop for Umount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _umount = Umount(s.store());
    // 8 MB that do not compress, in one layer of a docker-archive.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let noise: Vec<u8> = (0..8 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let l = layer("big", &noise);
    let p = s.path().join("big.tar");
    docker_archive(&p, "big:1", &config_with(&[sha256(&l)]), &[l]);
    let out = s
        .tug(["load", "-i", p.to_str().unwrap()])
        .fails()
        .code_is(125)
        .one_line_error()
        .stderr_contains("No space left on device");
    let err = out.stderr();
    assert_eq!(err.matches("No space left on device").count(), 1, "{err}");
    assert!(!err.contains("not a valid tar"), "{err}");
    assert_eq!(std::fs::read_dir(s.store().join("tmp")).unwrap().count(), 0);
    assert_eq!(
        std::fs::read_dir(s.store().join("blobs/sha256"))
            .unwrap()
            .count(),
        0
    );
}

/// Lower finding: a container that exited 0 on a full disk was recorded as
/// killed (137), because its final state could not be written. Root only (a
/// small tmpfs is mounted as the store; the container fills it).
#[test]
fn a_container_that_exits_on_a_full_disk_keeps_its_status() {
    if !is_root() {
        skip!("mounting a small tmpfs needs root")
    }
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    std::fs::create_dir_all(s.store()).unwrap();
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=32m", "tmpfs"])
        .arg(s.store())
        .status()
        .unwrap()
        .success();
    if !ok {
        skip!("cannot mount a tmpfs")
    }
    struct Umount<'a>(&'a Scenario);
    impl Drop for Umount<'_> {
        fn drop(&mut self) {
            let ids = self.0.tug(["ps", "-aq", "--no-trunc"]).run().stdout();
            for id in ids.split_whitespace() {
                self.0.tug(["rm", "-f", id]).run();
            }
            let _ = std::process::Command::new("umount")
                .arg(self.0.store())
                .status();
        }
    }
    let _umount = Umount(&s);
    s.tug(["import", tar.to_str().unwrap(), "bb:1"]).succeeds();
    s.tug([
        "run",
        "-d",
        "--network",
        "none",
        "--name",
        "full",
        "bb:1",
        "sh",
        "-c",
        "dd if=/dev/zero of=/fill bs=64k >/dev/null 2>&1; exit 0",
    ])
    .succeeds();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        let st = s
            .tug([
                "inspect",
                "-f",
                "{{.State.Status}} {{.State.ExitCode}}",
                "full",
            ])
            .succeeds()
            .stdout();
        if st.starts_with("exited") || Instant::now() > deadline {
            break st;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.trim(), "exited 0");
}

/// Finding 9 through `pull`: a registry serving an image whose config is
/// `{"rootfs": 5}` is refused, and the puller's store is left as it was.
#[test]
fn pull_of_a_malformed_config_is_refused() {
    let server = Scenario::new();
    let reg = Registry::start(&server, &[]);
    let config = br#"{"rootfs": 5}"#;
    let cd = sha256(config);
    let file = server.path().join("config.json");
    std::fs::write(&file, config).unwrap();
    let (code, _, headers) = curl(&["-X", "POST", &reg.url("/v2/evil/blobs/uploads/")]);
    assert_eq!(code, 202, "{headers}");
    let location = headers
        .lines()
        .find_map(|l| l.strip_prefix("location:"))
        .unwrap()
        .trim()
        .to_string();
    let url = if location.starts_with('/') {
        reg.url(&location)
    } else {
        location
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    let (code, body, _) = curl(&[
        "-X",
        "PUT",
        "-H",
        "content-type: application/octet-stream",
        "--data-binary",
        &format!("@{}", file.display()),
        &format!("{url}{sep}digest={cd}"),
    ]);
    assert_eq!(code, 201, "{body}");
    let manifest = serde_json::to_string(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": config.len()},
        "layers": [],
    }))
    .unwrap();
    let (code, body, _) = curl(&[
        "-X",
        "PUT",
        "-H",
        "content-type: application/vnd.oci.image.manifest.v1+json",
        "--data-binary",
        &manifest,
        &reg.url("/v2/evil/manifests/1"),
    ]);
    if code != 201 {
        eprintln!("registry-serve refused the manifest ({code}): nothing to pull");
        return;
    }
    for s in both() {
        s.tug(["images"]).succeeds();
        let index = std::fs::read_to_string(s.store().join("index.json")).unwrap();
        s.tug(["pull", &format!("{}/evil:1", reg.addr)])
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains("config is not valid");
        assert_eq!(
            std::fs::read_to_string(s.store().join("index.json")).unwrap(),
            index
        );
        s.tug(["images"]).succeeds();
    }
    let _ = body;
}
