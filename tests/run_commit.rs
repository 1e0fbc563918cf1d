//! A container's filesystem seen from outside: cp, export, diff, size,
//! commit, rootless overlays of image snapshots.
//!
//! Root and rootless (the `tugtest` user), on the busybox rootfs
//! through `--rootfs DIR` or an image imported from it.

mod common;

use common::run::*;
use common::*;

#[test]
fn cp_and_export_roundtrip() {
    for (s, _) in scenarios() {
        let Some(img) = imported_image(&s) else {
            skip!("busybox-static missing")
        };
        s.tug([
            "create",
            "--name",
            "files",
            "-u",
            "0",
            img,
            "cat",
            "/hello.txt",
        ])
        .succeeds();
        let host = s.path().join("hello.txt");
        std::fs::write(&host, "from the host\n").unwrap();
        if s.is_rootless() {
            let (u, g) = user_ids(TEST_USER).unwrap();
            chown_r(&host, u, g);
        }
        s.tug(["cp", host.to_str().unwrap(), "files:/hello.txt"])
            .succeeds();
        s.tug(["start", "-a", "files"])
            .succeeds()
            .stdout_is("from the host\n");
        let out = s.path().join("passwd.copy");
        s.tug(["cp", "files:/etc/passwd", out.to_str().unwrap()])
            .succeeds();
        assert!(std::fs::read_to_string(&out).unwrap().contains("www-data"));
        let tar = s.path().join("export.tar");
        s.tug(["export", "-o", tar.to_str().unwrap(), "files"])
            .succeeds();
        // The export imports back as an image that runs.
        s.tug(["import", tar.to_str().unwrap(), "exported:1"])
            .succeeds();
        s.tug(["run", "--rm", "exported:1", "cat", "/hello.txt"])
            .succeeds()
            .stdout_is("from the host\n");
        s.tug(["rm", "files"]).succeeds();
    }
}

#[test]
fn commit_makes_an_image_that_runs() {
    for (s, _) in scenarios() {
        // An image container: rootless, its flattened rootfs belongs to the
        // user, so the host side can read all of it.
        let Some(img) = imported_image(&s) else {
            skip!("busybox-static missing")
        };
        s.tug([
            "run",
            "--name",
            "base",
            "-u",
            "0",
            "-e",
            "GREETING=hello",
            "-w",
            "/srv",
            img,
            "sh",
            "-c",
            "echo committed > /srv/note",
        ])
        .succeeds();
        s.tug(["commit", "-m", "add a note", "base", "noted:1"])
            .succeeds();
        // The image keeps the container's ENV and WORKDIR; CMD can be replaced with -c.
        s.tug([
            "run",
            "--rm",
            "noted:1",
            "sh",
            "-c",
            "echo $GREETING; pwd; cat note",
        ])
        .succeeds()
        .stdout_is("hello\n/srv\ncommitted\n");
        s.tug([
            "commit",
            "-c",
            r#"CMD ["cat","/srv/note"]"#,
            "base",
            "noted:2",
        ])
        .succeeds();
        s.tug(["run", "--rm", "noted:2"])
            .succeeds()
            .stdout_is("committed\n");
        s.tug(["rm", "base"]).succeeds();
    }
}

/// issue 11 item 1 and issue 9: `commit` takes the container's writable
/// layer, on top of its image's layers: a deleted file is whited out, a
/// replaced directory hides its old contents (opaque), owners are the
/// container's (rootless too), and `history` shows the image's entries
/// plus the commit's.
#[test]
fn commit_takes_the_writable_layer() {
    for (s, _) in scenarios() {
        let Some(img) = imported_image(&s) else {
            skip!("busybox-static missing")
        };
        s.tug([
            "run",
            "--name",
            "one",
            "-u",
            "0",
            img,
            "sh",
            "-c",
            "mkdir /data && echo 1 > /data/old1 && echo 2 > /data/old2",
        ])
        .succeeds();
        s.tug(["commit", "one", "layered:1"]).succeeds();
        s.tug([
            "run",
            "-d",
            "--name",
            "two",
            "-u",
            "0",
            "layered:1",
            "sleep",
            "100",
        ])
        .succeeds();
        s.tug([
            "exec",
            "two",
            "sh",
            "-c",
            "rm /bin/vi && rm -rf /data && mkdir /data && echo new > /data/new && chown 33:33 /data/new",
        ])
        .succeeds();
        // Running: frozen meanwhile where a freezer exists.
        s.tug(["commit", "-m", "replaced /data", "two", "layered:2"])
            .succeeds();
        let layers = |name: &str| {
            s.tug(["inspect", "-f", "{{len .RootFS.Layers}}", name])
                .succeeds()
                .stdout()
                .trim()
                .to_string()
        };
        assert_eq!(layers("layered:1"), "2");
        assert_eq!(layers("layered:2"), "3");
        s.tug([
            "run",
            "--rm",
            "-u",
            "0",
            "layered:2",
            "sh",
            "-c",
            "ls /data; stat -c %u /data/new; test -e /bin/vi || echo vi gone; echo $FOO",
        ])
        .succeeds()
        .stdout_is("new\n33\nvi gone\nbar\n");
        let h = s
            .tug(["history", "--format", "{{.Comment}}", "layered:2"])
            .succeeds()
            .stdout();
        let h: Vec<&str> = h.lines().collect();
        assert_eq!(h.len(), 3, "{h:?}");
        assert_eq!(h[0], "replaced /data");
        assert!(h[2].starts_with("Imported from"), "{h:?}");
        s.tug(["rm", "-f", "one", "two"]).succeeds();
    }
}

#[test]
fn diff_reports_added_changed_deleted() {
    for (s, _) in scenarios() {
        let Some(img) = imported_image(&s) else {
            skip!("busybox-static missing")
        };
        s.tug([
            "run",
            "--name",
            "d",
            "-u",
            "0",
            img,
            "sh",
            "-c",
            "echo x > /tmp/new && echo y >> /etc/passwd && rm /etc/group && rm -r /home/svc",
        ])
        .succeeds();
        let out = s.tug(["diff", "d"]).succeeds().stdout();
        for line in [
            "A /tmp/new",
            "C /etc/passwd",
            "D /etc/group",
            "D /home/svc",
            "C /tmp",
        ] {
            assert!(
                out.lines().any(|l| l == line),
                "missing {line:?} in:\n{out}"
            );
        }
        assert!(
            !out.contains("/home/svc/note"),
            "only the deleted directory is reported:\n{out}"
        );
        assert!(!out.contains("/bin/busybox"), "{out}");
        s.tug(["rm", "d"]).succeeds();
    }
}

#[test]
fn ps_size_shows_the_writable_layer() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    for (s, _) in scenarios() {
        s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
        s.tug([
            "run",
            "--name",
            "sz",
            "bb",
            "sh",
            "-c",
            "head -c 5000 /bin/busybox > /big",
        ])
        .succeeds();
        s.tug(["ps", "-a", "-s"])
            .succeeds()
            .stdout_contains("SIZE")
            .stdout_contains("5kB (virtual ");
        s.tug(["ps", "-a", "--format", "{{.Names}} {{.Size}}"])
            .succeeds()
            .stdout_contains("sz 5kB (virtual ");
        s.tug(["rm", "sz"]).succeeds();
    }
}

/// Rootless containers from an image run on an overlay of the shared
/// rootless snapshots (no private copy of the image), and their files are
/// still reachable: diff, cp both ways, commit (stopped and running),
/// export; rm removes everything.
#[test]
fn rootless_image_containers_run_on_overlay() {
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let id = s
        .tug(["run", "-d", "--name", "c", "bb", "sleep", "100"])
        .succeeds()
        .stdout()
        .trim()
        .to_string();
    let dir = s.store().join("containers").join(&id);
    assert!(
        dir.join("upper").is_dir(),
        "no overlay upper dir in {}",
        dir.display()
    );
    assert!(
        !dir.join("rootfs").exists(),
        "a private copy of the image was made"
    );
    s.tug(["exec", "c", "sh", "-c", "echo made > /made; rm /bin/vi"])
        .succeeds();
    let out = s.path().join("made.out");
    s.tug(["cp", "c:/made", out.to_str().unwrap()]).succeeds();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "made\n");
    s.tug(["commit", "c", "running"]).succeeds();
    s.tug(["stop", "-t", "0", "c"]).succeeds();
    let diff = s.tug(["diff", "c"]).succeeds().stdout();
    assert!(
        diff.contains("A /made") && diff.contains("D /bin/vi"),
        "{diff}"
    );
    let input = s.path().join("in.txt");
    std::fs::write(&input, "into\n").unwrap();
    let (uid, gid) = user_ids(TEST_USER).unwrap();
    chown_r(&input, uid, gid);
    s.tug(["cp", input.to_str().unwrap(), "c:/in.txt"])
        .succeeds();
    s.tug(["commit", "c", "stopped"]).succeeds();
    s.tug([
        "run",
        "--rm",
        "stopped",
        "sh",
        "-c",
        "cat /made /in.txt; test ! -e /bin/vi",
    ])
    .succeeds()
    .stdout_is("made\ninto\n");
    s.tug(["run", "--rm", "running", "cat", "/made"])
        .succeeds()
        .stdout_is("made\n");
    s.tug(["rm", "-f", "c"]).succeeds();
    assert!(!dir.exists(), "rm left {}", dir.display());
}
