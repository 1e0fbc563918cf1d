//! Resource settings of `run`: memory limits, sysctls, daemon.json's
//! log options and ulimits.
//!
//! Root and rootless (the `tugtest` user), on the busybox rootfs
//! through `--rootfs DIR` or an image imported from it.

mod common;

use common::run::*;
use common::*;

#[test]
fn memory_limit_kills_a_hog_as_root() {
    if !is_root() {
        skip!("needs root");
    }
    if !std::path::Path::new("/sys/fs/cgroup/memory/cgroup.procs").exists()
        && !std::path::Path::new("/sys/fs/cgroup/cgroup.controllers").exists()
    {
        skip!("no memory cgroup controller");
    }
    let s = Scenario::new();
    let Some(rootfs) = busybox_rootfs_dir(&s) else {
        skip!("busybox-static missing")
    };
    // Writing 64 MiB into a tmpfs charged to a 32 MiB cgroup gets OOM-killed.
    let limit = ["-m", "32m", "--tmpfs", "/big:size=128m"];
    let hog = ["dd", "if=/dev/zero", "of=/big/f", "bs=1M", "count=64"];
    s.tug(run_args(&rootfs, &[&limit[..], &["--"], &hog].concat()))
        .run()
        .code_is(137);
    // A kept container records that the kernel's OOM killer ended it.
    let r = rootfs.display().to_string();
    let kept = ["run", "--name", "hog", "--rootfs", &r];
    s.tug([&kept[..], &limit, &hog].concat()).run().code_is(137);
    s.tug([
        "inspect",
        "-f",
        "{{.State.OOMKilled}} {{.State.ExitCode}}",
        "hog",
    ])
    .succeeds()
    .stdout_is("true 137\n");
    s.tug(["rm", "hog"]).succeeds();
}

/// Issue 11 item 8: daemon.json's `log-opts` (json-file `max-size`,
/// `max-file`) and `default-ulimits` apply to containers that no flag
/// configures; `--log-opt` and `--ulimit` win. Rootless, the user's
/// `~/.config/docker/daemon.json`; as root the file `$TUG_DAEMON_JSON`
/// names (this host's /etc/docker is not the test's to write).
#[test]
fn daemon_json_log_opts_and_default_ulimits_apply() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        let conf = s.path().join("home/.config/docker");
        std::fs::create_dir_all(&conf).unwrap();
        let file = conf.join("daemon.json");
        std::fs::write(
            &file,
            r#"{"log-driver": "json-file", "log-opts": {"max-size": "1k", "max-file": "2"},
                "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 512, "Hard": 1024}}}"#,
        )
        .unwrap();
        if s.is_rootless() {
            let (uid, gid) = user_ids(TEST_USER).unwrap();
            chown_r(&s.path().join("home"), uid, gid);
        }
        let tug = |args: &[&str]| {
            let mut run = s.tug(args);
            if !s.is_rootless() {
                run.cmd.env("TUG_DAEMON_JSON", &file);
            }
            run
        };
        let limits = "ulimit -Sn; ulimit -Hn";
        tug(&["run", "--rm", "--rootfs", &r, "sh", "-c", limits])
            .succeeds()
            .stdout_is("512\n1024\n");
        tug(&[
            "run",
            "--rm",
            "--ulimit",
            "nofile=256:300",
            "--rootfs",
            &r,
            "sh",
            "-c",
            limits,
        ])
        .succeeds()
        .stdout_is("256\n300\n");
        // Another limit by flag keeps the default nofile.
        tug(&[
            "run",
            "--rm",
            "--ulimit",
            "nproc=100",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "ulimit -Sn; ulimit -Su",
        ])
        .succeeds()
        .stdout_is("512\n100\n");

        let id = tug(&[
            "run",
            "-d",
            "--name",
            "chatty",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "i=0; while [ $i -lt 100 ]; do echo line-$i; i=$((i+1)); done",
        ])
        .succeeds()
        .stdout();
        tug(&["wait", "chatty"]).succeeds().stdout_is("0\n");
        let logs = tug(&["logs", "chatty"]).succeeds().stdout();
        assert!(
            logs.ends_with("line-99\n") && !logs.contains("line-0\n"),
            "not rotated at daemon.json's max-size: {logs}"
        );
        let files = std::fs::read_dir(s.store().join("containers").join(id.trim()))
            .unwrap()
            .flatten()
            .filter(|f| f.file_name().to_string_lossy().contains("-json.log"))
            .count();
        assert_eq!(files, 2, "daemon.json's max-file=2 keeps two files");
        let log_config = |name: &str| {
            tug(&[
                "inspect",
                "--format",
                "{{json .HostConfig.LogConfig.Config}}",
                name,
            ])
            .succeeds()
            .stdout()
        };
        assert_eq!(
            log_config("chatty"),
            "{\"max-file\":\"2\",\"max-size\":\"1024\"}\n"
        );
        tug(&[
            "create",
            "--name",
            "own",
            "--log-opt",
            "max-file=3",
            "--rootfs",
            &r,
            "true",
        ])
        .succeeds();
        assert_eq!(
            log_config("own"),
            "{\"max-file\":\"3\",\"max-size\":\"1024\"}\n"
        );
        tug(&["rm", "chatty", "own"]).succeeds();

        // A bad value is the file's fault, said in one line.
        std::fs::write(&file, r#"{"log-opts": {"max-size": "big"}}"#).unwrap();
        tug(&["run", "--rm", "--rootfs", &r, "true"])
            .fails()
            .one_line_error()
            .stderr_contains(&format!("{}: log-opts", file.display()));
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn sysctl_sets_namespaced_ones_and_refuses_others() {
    for (s, rootfs) in scenarios() {
        s.tug(run_args(
            &rootfs,
            &[
                "--sysctl",
                "net.ipv4.ip_forward=1",
                "--",
                "cat",
                "/proc/sys/net/ipv4/ip_forward",
            ],
        ))
        .succeeds()
        .stdout_is("1\n");
        if !s.is_rootless() {
            // The IPC namespace's own (rootless: the kernel may keep it
            // owned by the host's root).
            s.tug(run_args(
                &rootfs,
                &[
                    "--sysctl",
                    "kernel.shmmni=1000",
                    "--",
                    "cat",
                    "/proc/sys/kernel/shmmni",
                ],
            ))
            .succeeds()
            .stdout_is("1000\n");
        }
        s.tug(run_args(
            &rootfs,
            &["--sysctl", "kernel.hostname=x", "--", "true"],
        ))
        .fails()
        .code_is(125)
        .one_line_error()
        .stderr_contains("not namespaced");
        s.tug(run_args(
            &rootfs,
            &[
                "--network",
                "host",
                "--sysctl",
                "net.ipv4.ip_forward=1",
                "--",
                "true",
            ],
        ))
        .fails()
        .one_line_error()
        .stderr_contains("host's network namespace");
        s.tug(run_args(
            &rootfs,
            &["--sysctl", "net.ipv4/../x=1", "--", "true"],
        ))
        .fails()
        .one_line_error();
        assert_eq!(containers_left(&s), 0);
    }
}
