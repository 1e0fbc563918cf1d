//! Isolation of `run`: capabilities, seccomp, masked and read-only paths,
//! owners, no_new_privs.
//!
//! Root and rootless (the `tugtest` user), on the busybox rootfs
//! through `--rootfs DIR` or an image imported from it.

mod common;

use common::run::*;
use common::*;

#[test]
fn capabilities_are_dockers_default_set() {
    for (s, rootfs) in scenarios() {
        let out = s
            .tug(run_args(
                &rootfs,
                &["--", "grep", "CapEff", "/proc/self/status"],
            ))
            .succeeds()
            .stdout();
        assert!(out.contains(DOCKER_CAPEFF), "{out}");
        let out = s
            .tug(run_args(
                &rootfs,
                &[
                    "--cap-drop",
                    "ALL",
                    "--",
                    "grep",
                    "CapEff",
                    "/proc/self/status",
                ],
            ))
            .succeeds()
            .stdout();
        assert!(out.contains("0000000000000000"), "{out}");
        // A non-root user has no effective capabilities, as in Docker.
        let out = s
            .tug(run_args(
                &rootfs,
                &["-u", "33", "--", "grep", "CapEff", "/proc/self/status"],
            ))
            .succeeds()
            .stdout();
        assert!(out.contains("0000000000000000"), "{out}");
    }
}

#[test]
fn seccomp_refuses_unshare() {
    for (s, rootfs) in scenarios() {
        s.tug(run_args(&rootfs, &["--", "unshare", "-U", "true"]))
            .fails()
            .stderr_contains("Operation not permitted");
        s.tug(run_args(
            &rootfs,
            &["--", "sh", "-c", "keyctl show 2>&1 || echo refused"],
        ))
        .run();
        if !s.is_rootless() {
            // Without the filter the same call works (user namespaces need no capability).
            s.tug(run_args(
                &rootfs,
                &[
                    "--security-opt",
                    "seccomp=unconfined",
                    "--",
                    "unshare",
                    "-U",
                    "true",
                ],
            ))
            .succeeds();
        }
    }
}

#[test]
fn proc_paths_masked_and_readonly() {
    for (s, rootfs) in scenarios() {
        let out = s
            .tug(run_args(
                &rootfs,
                &["--", "sh", "-c", "wc -c < /proc/keys; grep -E ' /proc/(sys|keys) ' /proc/mounts; touch /sys/x 2>&1; echo done"],
            ))
            .succeeds()
            .stdout();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0].trim(), "0", "/proc/keys is masked: {out}");
        assert!(
            out.lines()
                .any(|l| l.contains(" /proc/sys ") && l.contains(" ro,")),
            "/proc/sys is read-only: {out}"
        );
        assert!(
            out.contains("Read-only file system"),
            "/sys is read-only: {out}"
        );
        if std::path::Path::new("/proc/kcore").exists() {
            s.tug(run_args(
                &rootfs,
                &["--", "sh", "-c", "wc -c < /proc/kcore"],
            ))
            .succeeds()
            .stdout_is("0\n");
        }
    }
}

#[test]
fn image_owners_show_inside() {
    for (s, rootfs) in scenarios() {
        let out = s
            .tug(run_args(
                &rootfs,
                &[
                    "--",
                    "sh",
                    "-c",
                    "stat -c %u /bin/busybox /var/www/data /home/svc/note",
                ],
            ))
            .succeeds()
            .stdout();
        assert_eq!(out, "0\n33\n999\n", "owners inside");
    }
}

#[test]
fn read_only_rootfs_and_tmpfs() {
    for (s, rootfs) in scenarios() {
        let out = s
            .tug(run_args(
                &rootfs,
                &[
                    "--read-only",
                    "--tmpfs",
                    "/run",
                    "--",
                    "sh",
                    "-c",
                    "touch /x 2>&1; touch /run/y && echo tmpfs-ok",
                ],
            ))
            .succeeds()
            .stdout();
        assert!(out.contains("Read-only file system"), "{out}");
        assert!(out.contains("tmpfs-ok"), "{out}");
    }
}

#[test]
fn seccomp_profile_from_a_file() {
    for (s, rootfs) in scenarios() {
        let p = s.path().join("profile.json");
        std::fs::write(
            &p,
            r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}"#,
        )
        .unwrap();
        let opt = format!("seccomp={}", p.display());
        let out = s
            .tug(run_args(
                &rootfs,
                &[
                    "--security-opt",
                    &opt,
                    "--",
                    "sh",
                    "-c",
                    "mkdir /tmp/x 2>&1; unshare -U true && echo unshare-allowed",
                ],
            ))
            .run()
            .stdout();
        assert!(out.contains("Permission denied"), "{out}");
        std::fs::write(&p, "{not json").unwrap();
        s.tug(run_args(&rootfs, &["--security-opt", &opt, "--", "true"]))
            .fails()
            .code_is(125)
            .one_line_error();
        assert_eq!(containers_left(&s), 0);
    }
}

/// no_new_privs is off by default, as in Docker, so a setuid program
/// inside raises its effective uid; `--security-opt no-new-privileges`
/// turns it on.
#[test]
fn setuid_programs_work_unless_no_new_privileges() {
    if !have("gcc") {
        skip!("gcc is not installed (.ci/run installs it)");
    }
    for (s, rootfs) in scenarios() {
        let src = s.path().join("euid.c");
        std::fs::write(&src, "#include <stdio.h>\n#include <unistd.h>\nint main(void){printf(\"%d\\n\",(int)geteuid());return 0;}\n").unwrap();
        let prog = rootfs.join("bin/euid");
        let ok = std::process::Command::new("gcc")
            .args(["-static", "-O1", "-o"])
            .arg(&prog)
            .arg(&src)
            .status()
            .unwrap();
        assert!(ok.success(), "gcc failed");
        use std::os::unix::fs::MetadataExt;
        let owner = std::fs::metadata(rootfs.join("bin/busybox")).unwrap();
        std::os::unix::fs::chown(&prog, Some(owner.uid()), Some(owner.gid())).unwrap();
        std::fs::set_permissions(&prog, std::os::unix::fs::PermissionsExt::from_mode(0o4755))
            .unwrap();
        s.tug(run_args(&rootfs, &["-u", "1000", "--", "/bin/euid"]))
            .succeeds()
            .stdout_is("0\n");
        s.tug(run_args(
            &rootfs,
            &[
                "-u",
                "1000",
                "--",
                "grep",
                "NoNewPrivs",
                "/proc/self/status",
            ],
        ))
        .succeeds()
        .stdout_contains("0");
        s.tug(run_args(
            &rootfs,
            &[
                "-u",
                "1000",
                "--security-opt",
                "no-new-privileges",
                "--",
                "/bin/euid",
            ],
        ))
        .succeeds()
        .stdout_is("1000\n");
    }
}
