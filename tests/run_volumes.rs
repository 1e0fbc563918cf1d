//! Volumes and mounts of `run`: -v binds, named and anonymous volumes,
//! --volumes-from, --mount.
//!
//! Root and rootless (the `tugtest` user), on the busybox rootfs
//! through `--rootfs DIR` or an image imported from it.

mod common;

use common::run::*;
use common::*;

#[test]
fn bind_volume_read_only() {
    for (s, rootfs) in scenarios() {
        let host = s.path().join("shared");
        std::fs::create_dir_all(&host).unwrap();
        std::fs::write(host.join("f"), "from host\n").unwrap();
        if s.is_rootless() {
            let (u, g) = user_ids(TEST_USER).unwrap();
            chown_r(&host, u, g);
        }
        let v = format!("{}:/data:ro", host.display());
        let out = s
            .tug(run_args(
                &rootfs,
                &[
                    "-v",
                    &v,
                    "--",
                    "sh",
                    "-c",
                    "cat /data/f; touch /data/g 2>&1; echo end",
                ],
            ))
            .succeeds()
            .stdout();
        assert!(out.starts_with("from host\n"), "{out}");
        assert!(out.contains("Read-only file system"), "{out}");
        assert!(!host.join("g").exists());
    }
}

#[test]
fn named_volume_outlives_its_containers_and_copies_up() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "--rm",
            "-v",
            "data:/d",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "echo kept > /d/f",
        ])
        .succeeds();
        s.tug([
            "run",
            "--rm",
            "-v",
            "data:/d:ro",
            "--rootfs",
            &r,
            "cat",
            "/d/f",
        ])
        .succeeds()
        .stdout_is("kept\n");
        assert!(s
            .tug(["volume", "ls", "-q"])
            .succeeds()
            .stdout()
            .contains("data"));
        // An empty named volume gets the image's content at its path.
        s.tug([
            "run",
            "--rm",
            "-v",
            "web:/var/www/data",
            "--rootfs",
            &r,
            "cat",
            "/var/www/data/index.html",
        ])
        .succeeds()
        .stdout_is("hello from www-data\n");
        s.tug(["volume", "inspect", "-f", "{{.Name}} {{.Driver}}", "web"])
            .succeeds()
            .stdout_is("web local\n");
        s.tug(["volume", "rm", "data", "web"]).succeeds();
        s.tug(["volume", "inspect", "data"])
            .fails()
            .code_is(125)
            .one_line_error();
    }
}

/// The seed's backup and restore with --volumes-from, as Docker's docs
/// write it (tar with busybox).
#[test]
fn volume_backup_and_restore_with_volumes_from() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        let backup = s.path().join("backup");
        std::fs::create_dir_all(&backup).unwrap();
        if s.is_rootless() {
            let (u, g) = user_ids(TEST_USER).unwrap();
            chown_r(&backup, u, g);
        }
        let b = format!("{}:/backup", backup.display());
        s.tug([
            "run",
            "--name",
            "dbdata",
            "-v",
            "/dbdata",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "echo precious > /dbdata/file",
        ])
        .succeeds();
        s.tug([
            "run",
            "--rm",
            "--volumes-from",
            "dbdata",
            "-v",
            &b,
            "--rootfs",
            &r,
            "tar",
            "cvf",
            "/backup/backup.tar",
            "/dbdata",
        ])
        .succeeds();
        assert!(backup.join("backup.tar").is_file());
        s.tug([
            "run", "--name", "dbstore2", "-v", "/dbdata", "--rootfs", &r, "true",
        ])
        .succeeds();
        s.tug([
            "run",
            "--rm",
            "--volumes-from",
            "dbstore2",
            "-v",
            &b,
            "--rootfs",
            &r,
            "sh",
            "-c",
            "cd / && tar xvf /backup/backup.tar",
        ])
        .succeeds();
        s.tug([
            "run",
            "--rm",
            "--volumes-from",
            "dbstore2:ro",
            "--rootfs",
            &r,
            "cat",
            "/dbdata/file",
        ])
        .succeeds()
        .stdout_is("precious\n");
        // rm -v takes the anonymous volumes with the container.
        let before = s
            .tug(["volume", "ls", "-q"])
            .succeeds()
            .stdout()
            .lines()
            .count();
        s.tug(["rm", "-v", "dbdata", "dbstore2"]).succeeds();
        let after = s
            .tug(["volume", "ls", "-q"])
            .succeeds()
            .stdout()
            .lines()
            .count();
        assert_eq!(before, 2);
        assert_eq!(after, 0);
    }
}

#[test]
fn mount_flag_bind_volume_tmpfs_and_bad_specs() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        let host = s.path().join("shared");
        std::fs::create_dir_all(&host).unwrap();
        std::fs::write(host.join("f"), "from-host\n").unwrap();
        if s.is_rootless() {
            let (uid, gid) = user_ids(TEST_USER).unwrap();
            chown_r(&host, uid, gid);
        }
        let bind = format!("type=bind,source={},target=/w,readonly", host.display());
        s.tug([
            "run",
            "--rm",
            "--mount",
            &bind,
            "--mount",
            "type=tmpfs,target=/scratch,tmpfs-size=1m",
            "--mount",
            "type=volume,src=mvol,dst=/data",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "cat /w/f; touch /w/x || echo ro; df -k /scratch | tail -1; echo kept > /data/f",
        ])
        .succeeds()
        .stdout_contains("from-host")
        .stdout_contains("ro\n")
        .stdout_contains(" 1024 ");
        s.tug([
            "run",
            "--rm",
            "--mount",
            "source=mvol,target=/data",
            "--rootfs",
            &r,
            "cat",
            "/data/f",
        ])
        .succeeds()
        .stdout_is("kept\n");
        for bad in [
            "type=bind,src=rel,dst=/x",
            "type=foo,dst=/x",
            "dst=relative",
            "type=tmpfs,dst=/x,tmpfs-mode=9",
            "type=bind,src=/nonexistent-tug,dst=/x",
            "type=volume,dst=/x,bogus=1",
        ] {
            s.tug(["run", "--rm", "--mount", bad, "--rootfs", &r, "true"])
                .fails()
                .code_is(125)
                .one_line_error();
        }
        assert_eq!(containers_left(&s), 0);
    }
}

/// `-v /missing/dir:/x` makes the host directory, owned by the caller, as
/// Docker does (tutorials rely on it: `-v /opt/data/registry:/var/lib/registry`).
#[test]
fn bind_of_a_missing_host_dir_creates_it() {
    for (s, rootfs) in scenarios() {
        let host = s.path().join("made/by/run");
        let spec = format!("{}:/data", host.display());
        s.tug(run_args(
            &rootfs,
            &["-v", &spec, "--", "sh", "-c", "echo kept > /data/f"],
        ))
        .succeeds();
        assert_eq!(std::fs::read_to_string(host.join("f")).unwrap(), "kept\n");
        use std::os::unix::fs::MetadataExt;
        let owner = std::fs::metadata(&host).unwrap().uid();
        let want = if s.is_rootless() {
            user_ids(TEST_USER).unwrap().0
        } else {
            0
        };
        assert_eq!(owner, want, "the directory belongs to the caller");
        // Docker's message for an empty host part.
        s.tug(run_args(&rootfs, &["-v", ":/backup", "--", "true"]))
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains("invalid volume specification: ':/backup'");
    }
}

/// An image's `VOLUME` gets an anonymous volume, as in Docker: filled with
/// the image's files there, listed under Mounts, shared through
/// `--volumes-from`, removed by `rm -v`; a `-v` on the same path wins.
#[test]
fn image_volumes_become_anonymous_volumes() {
    let mut all = vec![Scenario::new()];
    all.extend(Scenario::unprivileged());
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    for s in all {
        s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
        s.tug([
            "run",
            "--name",
            "seed",
            "bb",
            "sh",
            "-c",
            "mkdir /data && echo seeded > /data/seed.txt",
        ])
        .succeeds();
        s.tug(["commit", "--change", "VOLUME /data", "seed", "withvol"])
            .succeeds();
        s.tug(["rm", "seed"]).succeeds();
        s.tug(["run", "-d", "--name", "db", "withvol", "sleep", "100"])
            .succeeds();
        let mounts = s
            .tug(["inspect", "--format", "{{json .Mounts}}", "db"])
            .succeeds()
            .stdout();
        let mounts: serde_json::Value = serde_json::from_str(&mounts).unwrap();
        let m = &mounts[0];
        assert_eq!(m["Type"], "volume", "{mounts}");
        assert_eq!(m["Destination"], "/data", "{mounts}");
        let name = m["Name"].as_str().unwrap().to_string();
        assert_eq!(name.len(), 64, "an anonymous volume: {name}");
        s.tug([
            "exec",
            "db",
            "sh",
            "-c",
            "cat /data/seed.txt; echo written > /data/new",
        ])
        .succeeds()
        .stdout_is("seeded\n");
        s.tug([
            "run",
            "--rm",
            "--volumes-from",
            "db",
            "bb",
            "cat",
            "/data/new",
        ])
        .succeeds()
        .stdout_is("written\n");
        // A -v on the same path wins: no anonymous volume.
        let host = s.path().join("hostdata");
        s.tug([
            "run",
            "--rm",
            "-v",
            &format!("{}:/data", host.display()),
            "withvol",
            "ls",
            "/data",
        ])
        .succeeds()
        .stdout_is("");
        let before = s.tug(["volume", "ls", "-q"]).succeeds().stdout();
        assert!(before.contains(&name), "the volume went early: {before}");
        s.tug(["rm", "-f", "-v", "db"]).succeeds();
        let left = s.tug(["volume", "ls", "-q"]).succeeds().stdout();
        assert!(!left.contains(&name), "rm -v left the volume: {left}");
    }
}
