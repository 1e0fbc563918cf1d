//! `save` and `load`: docker-archive and oci-archive, with podman as the
//! peer, bad input, and `kill -9` in the middle of a big load.

mod common;

use std::io::Write;
use std::process::Command;

use common::*;

fn image_id(s: &Scenario, name: &str) -> String {
    s.tug(["inspect", "-f", "{{.Id}}", name])
        .succeeds()
        .stdout()
        .trim()
        .to_string()
}

fn with_image() -> Option<(Scenario, std::path::PathBuf)> {
    let tar = busybox_rootfs_tar()?;
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb:1"]).succeeds();
    Some((s, tar))
}

#[test]
fn save_then_load_keeps_the_image_id_both_formats() {
    let Some((s, _)) = with_image() else {
        skip!("busybox-static is not installed")
    };
    let id = image_id(&s, "bb:1");
    for format in ["docker-archive", "oci-archive"] {
        let out = s.path().join(format!("{format}.tar"));
        s.tug([
            "save",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
            "bb:1",
        ])
        .succeeds();
        let fresh = Scenario::new();
        fresh
            .tug(["load", "-i", out.to_str().unwrap()])
            .succeeds()
            .stdout_is("Loaded image: bb:1\n");
        assert_eq!(image_id(&fresh, "bb:1"), id, "{format}");
        // save -> rmi -> load in the same store.
        s.tug(["rmi", "bb:1"]).succeeds();
        s.tug(["load", "-i", out.to_str().unwrap()]).succeeds();
        assert_eq!(image_id(&s, "bb:1"), id, "{format}");
    }
}

#[test]
fn compressed_archives_and_stdin() {
    let Some((s, _)) = with_image() else {
        skip!("busybox-static is not installed")
    };
    let id = image_id(&s, "bb:1");
    let plain = s.tug(["save", "bb:1"]).succeeds().out.stdout;
    for (tool, args) in [("gzip", ["-c"]), ("zstd", ["-c"])] {
        if !have(tool) {
            continue;
        }
        let mut c = Command::new(tool)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut si = c.stdin.take().unwrap();
        let data = plain.clone();
        let w = std::thread::spawn(move || si.write_all(&data));
        let packed = c.wait_with_output().unwrap().stdout;
        w.join().unwrap().unwrap();
        let fresh = Scenario::new();
        fresh.tug(["load"]).stdin(packed).succeeds();
        assert_eq!(image_id(&fresh, "bb:1"), id, "{tool}");
    }
}

#[test]
fn podman_loads_ours_and_we_load_podmans() {
    let Some((s, tar)) = with_image() else {
        skip!("busybox-static is not installed")
    };
    if !have("podman") || !is_root() {
        skip!("podman is not installed (or not root)");
    }
    let id = image_id(&s, "bb:1");
    let pd = s.path().join("podman");
    for format in ["docker-archive", "oci-archive"] {
        let out = s.path().join(format!("tug-{format}.tar"));
        s.tug([
            "save",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
            "bb:1",
        ])
        .succeeds();
        let mut c = podman(&pd);
        c.arg("load").arg("-i").arg(&out);
        ok(c);
        let mut c = podman(&pd);
        c.args(["images", "--no-trunc", "--format", "{{.ID}}"]);
        let ids = ok(c);
        assert!(
            ids.contains(id.trim_start_matches("sha256:")),
            "{format}: podman has {ids}"
        );
    }
    let mut c = podman(&pd);
    c.arg("import").arg(&tar).arg("localhost/pbb:1");
    ok(c);
    let mut c = podman(&pd);
    c.args(["image", "inspect", "--format", "{{.Id}}", "localhost/pbb:1"]);
    let pid = ok(c).trim().to_string();
    for format in ["docker-archive", "oci-archive"] {
        let out = s.path().join(format!("podman-{format}.tar"));
        let mut c = podman(&pd);
        c.args(["save", "--format", format, "-o"])
            .arg(&out)
            .arg("localhost/pbb:1");
        ok(c);
        let fresh = Scenario::new();
        fresh
            .tug(["load", "-i", out.to_str().unwrap()])
            .succeeds()
            .stdout_contains("localhost/pbb:1");
        assert_eq!(
            image_id(&fresh, "localhost/pbb:1"),
            format!("sha256:{pid}"),
            "{format}"
        );
        fresh
            .tug(["run", "--rm", "localhost/pbb:1", "echo", "ran"])
            .succeeds()
            .stdout_is("ran\n");
    }
}

fn store_state(s: &Scenario) -> (String, String) {
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

#[test]
fn bad_archives_change_nothing() {
    let Some((s, _)) = with_image() else {
        skip!("busybox-static is not installed")
    };
    let good = s.tug(["save", "bb:1"]).succeeds().out.stdout;
    let before = store_state(&s);
    let text = s.path().join("text.tar");
    std::fs::write(&text, "this is not a tar archive\n".repeat(100)).unwrap();
    let truncated = s.path().join("truncated.tar");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    // A manifest naming a layer the archive lacks, and one with a bad tag.
    let mk = |name: &str, manifest: &str| {
        let p = s.path().join(name);
        let mut b = tar::Builder::new(std::fs::File::create(&p).unwrap());
        let mut h = tar::Header::new_gnu();
        h.set_size(manifest.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, "manifest.json", manifest.as_bytes())
            .unwrap();
        let cfg = br#"{"rootfs":{"type":"layers","diff_ids":[]}}"#;
        let mut h = tar::Header::new_gnu();
        h.set_size(cfg.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, "c.json", &cfg[..]).unwrap();
        b.finish().unwrap();
        p
    };
    let missing = mk(
        "missing.tar",
        r#"[{"Config":"c.json","RepoTags":["x:1"],"Layers":["nope/layer.tar"]}]"#,
    );
    let badtag = mk(
        "badtag.tar",
        r#"[{"Config":"c.json","RepoTags":["bad@@name"],"Layers":[]}]"#,
    );
    for p in [&text, &truncated, &missing, &badtag] {
        s.tug(["load", "-i", p.to_str().unwrap()])
            .fails()
            .code_is(125)
            .one_line_error();
        assert_eq!(store_state(&s), before, "{}", p.display());
    }
    s.tug(["load", "-i", "/nonexistent.tar"])
        .fails()
        .code_is(125)
        .one_line_error();
    s.tug([
        "save",
        "-o",
        s.path().join("x.tar").to_str().unwrap(),
        "nosuch",
    ])
    .fails()
    .code_is(125)
    .one_line_error();
    assert!(!s.path().join("x.tar").exists());
    s.tug(["images"]).succeeds();
    assert_eq!(std::fs::read_dir(s.store().join("tmp")).unwrap().count(), 0);
}

/// Deterministic pseudo-random bytes (xorshift), so the big layer does not
/// compress and is the same every run.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let mut v = Vec::with_capacity(len);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}

#[test]
fn kill_9_during_a_big_load_then_load_again() {
    let Some((s, _)) = with_image() else {
        skip!("busybox-static is not installed")
    };
    // bb:1 plus a second image with a 200 MB layer, in one docker-archive.
    let layer_path = s.path().join("big-layer.tar");
    {
        let mut b = tar::Builder::new(std::fs::File::create(&layer_path).unwrap());
        let data = noise(200 * 1024 * 1024);
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, "big.bin", &data[..]).unwrap();
        b.finish().unwrap();
    }
    s.tug(["import", layer_path.to_str().unwrap(), "big:1"])
        .succeeds();
    let archive = s.path().join("big.tar");
    s.tug(["save", "-o", archive.to_str().unwrap(), "bb:1", "big:1"])
        .succeeds();
    assert!(std::fs::metadata(&archive).unwrap().len() >= 200 * 1024 * 1024);
    let target = Scenario::new();
    for delay_ms in [50, 300, 1000] {
        let mut run = target.tug(["load", "-i", archive.to_str().unwrap()]);
        run.cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = run.cmd.spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    target
        .tug(["load", "-i", archive.to_str().unwrap()])
        .succeeds()
        .stdout_contains("Loaded image: big:1");
    assert_eq!(image_id(&target, "big:1"), image_id(&s, "big:1"));
    assert_eq!(image_id(&target, "bb:1"), image_id(&s, "bb:1"));
    for e in std::fs::read_dir(target.store().join("blobs/sha256"))
        .unwrap()
        .flatten()
    {
        let out = Command::new("sha256sum").arg(e.path()).output().unwrap();
        let sum = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            sum.split_whitespace().next().unwrap(),
            e.file_name().to_string_lossy(),
            "a blob does not match its name"
        );
    }
    target.tug(["images"]).succeeds();
    assert_eq!(
        std::fs::read_dir(target.store().join("tmp"))
            .unwrap()
            .count(),
        0,
        "temp files left"
    );
}

/// An image tug committed (the base image's layer plus the container's
/// upper dir, with a whiteout and an opaque directory) runs under podman,
/// read straight from tug's store as an OCI layout.
#[test]
fn podman_runs_an_image_tug_committed() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    if !have("podman") || !is_root() {
        skip!("podman is not installed (or not root)");
    }
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb:1"]).succeeds();
    s.tug([
        "run",
        "--name",
        "c",
        "bb:1",
        "sh",
        "-c",
        "rm /bin/vi && rm -rf /home && mkdir /home && echo new > /home/new",
    ])
    .succeeds();
    s.tug(["commit", "c", "committed:1"]).succeeds();
    // podman names the image after the layout's path, which must be
    // lowercase: reach the store through a link of such a name.
    let layout = std::env::temp_dir().join(format!("tug-layout-{}", std::process::id()));
    let _ = std::fs::remove_file(&layout);
    std::os::unix::fs::symlink(s.store(), &layout).unwrap();
    let mut c = podman(&s.path().join("podman"));
    c.args([
        "run",
        "--rm",
        // This host's hard limits are below podman's defaults.
        "--ulimit",
        "nofile=1024:1024",
        "--ulimit",
        "nproc=1024:1024",
    ])
    .arg(format!(
        "oci:{}:docker.io/library/committed:1",
        layout.display()
    ))
    .args(["sh", "-c", "ls /home; test -e /bin/vi || echo vi gone"]);
    let out = c.output().unwrap();
    let _ = std::fs::remove_file(&layout);
    assert!(
        out.status.success(),
        "{c:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "new\nvi gone\n");
}
