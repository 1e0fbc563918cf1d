//! `run`: containers in the foreground, as root and rootless (the `tugtest`
//! user), on the busybox rootfs through `--rootfs DIR`.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// Docker's default capability set as /proc/self/status prints it.
const DOCKER_CAPEFF: &str = "00000000a80425fb";

/// Root and rootless scenarios with an extracted busybox rootfs.
fn scenarios() -> Vec<(Scenario, PathBuf)> {
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

fn run_args<'a>(rootfs: &'a std::path::Path, extra: &[&'a str]) -> Vec<String> {
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

fn containers_left(s: &Scenario) -> usize {
    std::fs::read_dir(s.store().join("containers"))
        .map(|d| d.flatten().filter(|e| e.file_name().len() == 64).count())
        .unwrap_or(0)
}

#[test]
fn run_rm_echo_hi() {
    for (s, rootfs) in scenarios() {
        s.tug(run_args(&rootfs, &["--", "echo", "hi"]))
            .succeeds()
            .stdout_is("hi\n");
        assert_eq!(containers_left(&s), 0, "--rm left a container behind");
    }
}

#[test]
fn exit_codes_follow_docker() {
    for (s, rootfs) in scenarios() {
        s.tug(run_args(&rootfs, &["--", "true"])).run().code_is(0);
        s.tug(run_args(&rootfs, &["--", "sh", "-c", "exit 3"]))
            .run()
            .code_is(3);
        s.tug(run_args(&rootfs, &["--", "no-such-command"]))
            .fails()
            .code_is(127)
            .one_line_error()
            .stderr_contains("no-such-command");
        // Exists but is not executable.
        s.tug(run_args(&rootfs, &["--", "/etc/passwd"]))
            .fails()
            .code_is(126)
            .one_line_error();
        s.tug(run_args(&rootfs, &["--memory", "lots", "--", "true"]))
            .fails()
            .code_is(125)
            .one_line_error();
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn env_workdir_user_hostname() {
    for (s, rootfs) in scenarios() {
        let out = s
            .tug(run_args(
                &rootfs,
                &[
                    "-e",
                    "FOO=bar",
                    "-w",
                    "/tmp/work",
                    "-u",
                    "33",
                    "-h",
                    "boxhost",
                    "--",
                    "sh",
                    "-c",
                    "echo $FOO; pwd; id -u; id -g; hostname; echo $PATH",
                ],
            ))
            .succeeds()
            .stdout();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[..5],
            ["bar", "/tmp/work", "33", "33", "boxhost"],
            "{out}"
        );
        assert!(lines[5].contains("/usr/bin"), "default PATH: {out}");
        // A name is looked up in the rootfs's /etc/passwd.
        s.tug(run_args(&rootfs, &["-u", "svc", "--", "id", "-u"]))
            .succeeds()
            .stdout_is("999\n");
    }
}

#[test]
fn env_file_and_passthrough() {
    for (s, rootfs) in scenarios() {
        let f = s.path().join("env.list");
        std::fs::write(&f, "# comment\nA=1\n\nB=two words\n").unwrap();
        common::chown_r(&f, 0, 0);
        let _ = std::fs::set_permissions(&f, std::os::unix::fs::PermissionsExt::from_mode(0o644));
        s.tug(run_args(
            &rootfs,
            &[
                "--env-file",
                f.to_str().unwrap(),
                "-e",
                "A=3",
                "--",
                "sh",
                "-c",
                "echo $A-$B",
            ],
        ))
        .succeeds()
        .stdout_is("3-two words\n");
    }
}

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
fn bad_input_is_one_line_125_and_leaves_nothing() {
    for (s, rootfs) in scenarios() {
        for extra in [
            // `--mount type=bind` refuses a missing source (`-v` makes it).
            vec!["--mount", "type=bind,src=/nonexistent-tug-path,dst=/x"],
            // An empty host part is not an anonymous volume.
            vec!["-v", ":/backup"],
            vec!["-u", "no-such-user"],
            vec!["--ulimit", "nofile=bogus"],
            vec!["--cap-add", "NOT_A_CAP"],
            vec!["--network", "weird"],
            vec!["-w", "relative/dir"],
        ] {
            let mut args = extra.clone();
            args.extend(["--", "true"]);
            s.tug(run_args(&rootfs, &args))
                .fails()
                .code_is(125)
                .one_line_error();
        }
        s.tug([
            "run",
            "--rm",
            "--pull",
            "never",
            "no-such-image:latest",
            "true",
        ])
        .fails()
        .code_is(125)
        .one_line_error()
        .stderr_contains("no such image");
        // Missing and not pullable (nothing listens on that loopback port).
        let out = s
            .tug(["run", "--rm", "localhost:1/no-such-image", "true"])
            .fails()
            .code_is(125);
        assert!(
            out.stderr().contains("Unable to find image"),
            "{}",
            out.dump()
        );
        assert_eq!(containers_left(&s), 0, "bad input left a container");
    }
}

fn children_of(pid: u32) -> Vec<u32> {
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

#[test]
fn init_is_a_child_of_tug_run_and_signals_are_forwarded() {
    for (s, rootfs) in scenarios() {
        let mut run = s.tug(run_args(
            &rootfs,
            &[
                "--",
                "sh",
                "-c",
                "trap 'exit 7' TERM; echo ready; while true; do sleep 0.05; done",
            ],
        ));
        run.cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null());
        let child = run.cmd.spawn().unwrap();
        let tug_pid = child.id();
        let deadline = Instant::now() + Duration::from_secs(10);
        let init = loop {
            let kids: Vec<u32> = children_of(tug_pid)
                .into_iter()
                .filter(|k| {
                    std::fs::read_to_string(format!("/proc/{k}/cmdline"))
                        .is_ok_and(|c| c.starts_with("sh\0-c"))
                })
                .collect();
            if let Some(k) = kids.first() {
                break *k;
            }
            assert!(Instant::now() < deadline, "no container init under tug run");
            std::thread::sleep(Duration::from_millis(20));
        };
        let status = std::fs::read_to_string(format!("/proc/{init}/status")).unwrap();
        let ppid = status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))
            .unwrap()
            .trim()
            .to_string();
        assert_eq!(ppid, tug_pid.to_string(), "the init's parent is tug run");
        // Let the trap be installed, then signal tug run: it forwards.
        std::thread::sleep(Duration::from_millis(300));
        // SAFETY: signalling the child this test spawned.
        unsafe { libc::kill(tug_pid as i32, libc::SIGTERM) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(7), "{out:?}");
        assert_eq!(containers_left(&s), 0);
    }
}

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
    s.tug(run_args(
        &rootfs,
        &[
            "-m",
            "32m",
            "--tmpfs",
            "/big:size=128m",
            "--",
            "dd",
            "if=/dev/zero",
            "of=/big/f",
            "bs=1M",
            "count=64",
        ],
    ))
    .run()
    .code_is(137);
    // A kept container records that the kernel's OOM killer ended it.
    let r = rootfs.display().to_string();
    s.tug([
        "run",
        "--name",
        "hog",
        "-m",
        "32m",
        "--tmpfs",
        "/big:size=128m",
        "--rootfs",
        &r,
        "dd",
        "if=/dev/zero",
        "of=/big/f",
        "bs=1M",
        "count=64",
    ])
    .run()
    .code_is(137);
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

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn detached_ps_logs_stop_start_rm() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        let id = s
            .tug([
                "run", "-d", "--name", "web", "--rootfs", &r, "sh", "-c",
                "echo started; echo oops >&2; trap 'echo bye; exit 0' TERM; while true; do sleep 0.05; done",
            ])
            .succeeds()
            .stdout();
        let id = id.trim().to_string();
        assert_eq!(id.len(), 64, "run -d prints the full ID: {id}");
        wait_for("the log", || {
            s.tug(["logs", "web"])
                .succeeds()
                .stdout()
                .contains("started")
        });
        let ps = s.tug(["ps"]).succeeds().stdout();
        let header = ps.lines().next().unwrap();
        for col in [
            "CONTAINER ID",
            "IMAGE",
            "COMMAND",
            "CREATED",
            "STATUS",
            "PORTS",
            "NAMES",
        ] {
            assert!(header.contains(col), "{ps}");
        }
        assert!(
            ps.contains(&id[..12]) && ps.contains("Up ") && ps.contains("web"),
            "{ps}"
        );
        let logs = s.tug(["logs", "web"]).succeeds();
        assert_eq!(logs.stdout(), "started\n");
        assert_eq!(logs.stderr(), "oops\n");
        s.tug(["stop", "web"]).succeeds().stdout_is("web\n");
        s.tug(["logs", "--tail", "1", "web"])
            .succeeds()
            .stdout_is("bye\n");
        let ps = s.tug(["ps", "-a"]).succeeds().stdout();
        assert!(ps.contains("Exited (0)"), "{ps}");
        assert!(!s.tug(["ps", "-q"]).succeeds().stdout().contains(&id[..12]));
        s.tug([
            "container",
            "inspect",
            "-f",
            "{{.State.Status}} {{.State.ExitCode}}",
            "web",
        ])
        .succeeds()
        .stdout_is("exited 0\n");
        // Started again, then killed: 137, and it is still listed until rm.
        s.tug(["start", "web"]).succeeds();
        wait_for("running", || {
            s.tug(["ps", "-q"]).succeeds().stdout().contains(&id[..12])
        });
        s.tug(["kill", "web"]).succeeds();
        s.tug(["wait", "web"]).succeeds().stdout_is("137\n");
        s.tug(["rm", "web"]).succeeds();
        assert_eq!(containers_left(&s), 0);
        assert!(!s.store().join("refs/containers").join(&id).exists());
    }
}

#[test]
fn rm_force_kills_a_running_container() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run", "-d", "--name", "sleeper", "--rootfs", &r, "sleep", "60",
        ])
        .succeeds();
        s.tug(["rm", "sleeper"]).run().code_is(1);
        s.tug(["rm", "-f", "sleeper"]).succeeds();
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn restart_on_failure_counts_restarts() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "-d",
            "--name",
            "flaky",
            "--restart",
            "on-failure:3",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "echo try; exit 3",
        ])
        .succeeds();
        wait_for("three restarts", || {
            s.tug([
                "container",
                "inspect",
                "-f",
                "{{.RestartCount}} {{.State.Status}}",
                "flaky",
            ])
            .succeeds()
            .stdout()
                == "3 exited\n"
        });
        let logs = s.tug(["logs", "flaky"]).succeeds().stdout();
        assert_eq!(logs, "try\ntry\ntry\ntry\n");
        s.tug(["rm", "flaky"]).succeeds();
    }
}

#[test]
fn detached_exec_failure_is_127_and_run_rm_d_leaves_nothing() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug(["run", "-d", "--rm", "--rootfs", &r, "no-such-command"])
            .fails()
            .code_is(127)
            .one_line_error();
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn killed_foreground_run_is_seen_and_cleaned_by_ps_and_rm() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        let mut run = s.tug(["run", "--name", "victim", "--rootfs", &r, "sleep", "60"]);
        run.cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .stdin(Stdio::null());
        let mut child = run.cmd.spawn().unwrap();
        let tug_pid = child.id();
        wait_for("the container", || {
            s.tug(["ps"]).succeeds().stdout().contains("Up ")
        });
        let init = children_of(tug_pid)[0];
        child.kill().unwrap();
        child.wait().unwrap();
        // The init dies with its tug (parent-death signal)...
        wait_for("the init to die", || {
            std::fs::read_to_string(format!("/proc/{init}/stat"))
                .map(|s| s.contains(") Z "))
                .unwrap_or(true)
        });
        // ...and ps shows the container exited; rm -f cleans it all.
        let ps = s.tug(["ps", "-a"]).succeeds().stdout();
        assert!(ps.contains("victim") && ps.contains("Exited"), "{ps}");
        s.tug(["rm", "-f", "victim"]).succeeds();
        assert_eq!(containers_left(&s), 0);
        assert!(s.tug(["ps", "-aq"]).succeeds().stdout().is_empty());
    }
}

#[test]
fn many_concurrent_run_rm() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        let kids: Vec<_> = (0..100)
            .map(|i| {
                let mut run = s.tug(["run", "--rm", "--rootfs", &r, "echo", &format!("n{i}")]);
                run.cmd
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .stdin(Stdio::null());
                run.cmd.spawn().unwrap()
            })
            .collect();
        for (i, k) in kids.into_iter().enumerate() {
            let out = k.wait_with_output().unwrap();
            assert!(out.status.success(), "{out:?}");
            assert_eq!(String::from_utf8_lossy(&out.stdout), format!("n{i}\n"));
        }
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn exec_joins_the_containers_namespaces() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run", "-d", "--name", "box", "-h", "inside", "--rootfs", &r, "sleep", "30",
        ])
        .succeeds();
        // The container's pid namespace: its init (sleep) is pid 1.
        let ps = s
            .tug(["exec", "box", "cat", "/proc/1/cmdline"])
            .succeeds()
            .stdout();
        assert!(ps.starts_with("sleep"), "{ps}");
        s.tug(["exec", "box", "hostname"])
            .succeeds()
            .stdout_is("inside\n");
        s.tug([
            "exec",
            "-u",
            "33",
            "-w",
            "/tmp",
            "-e",
            "A=b",
            "box",
            "sh",
            "-c",
            "echo $(id -u) $(pwd) $A",
        ])
        .succeeds()
        .stdout_is("33 /tmp b\n");
        let caps = s
            .tug(["exec", "box", "grep", "CapEff", "/proc/self/status"])
            .succeeds()
            .stdout();
        assert!(caps.contains(DOCKER_CAPEFF), "{caps}");
        s.tug(["exec", "box", "unshare", "-U", "true"]).fails();
        s.tug(["exec", "box", "sh", "-c", "exit 4"])
            .run()
            .code_is(4);
        s.tug(["exec", "box", "no-such-command"])
            .fails()
            .code_is(127)
            .one_line_error();
        s.tug(["rm", "-f", "box"]).succeeds();
        s.tug(["exec", "box", "true"])
            .fails()
            .code_is(125)
            .one_line_error();
    }
}

#[test]
fn failing_health_cmd_turns_ps_unhealthy() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "-d",
            "--name",
            "sick",
            "--health-cmd",
            "echo probing; test -e /tmp/ok",
            "--health-interval",
            "100ms",
            "--health-retries",
            "2",
            "--rootfs",
            &r,
            "sleep",
            "30",
        ])
        .succeeds();
        wait_for("unhealthy", || {
            s.tug(["ps"]).succeeds().stdout().contains("(unhealthy)")
        });
        let h = s
            .tug([
                "container",
                "inspect",
                "-f",
                "{{json .State.Health}}",
                "sick",
            ])
            .succeeds()
            .stdout();
        assert!(
            h.contains("\"FailingStreak\"") && h.contains("probing"),
            "{h}"
        );
        // The check sees the container's filesystem: once the file exists it passes.
        s.tug(["exec", "sick", "touch", "/tmp/ok"]).succeeds();
        wait_for("healthy", || {
            s.tug(["ps"]).succeeds().stdout().contains("(healthy)")
        });
        s.tug(["rm", "-f", "sick"]).succeeds();
    }
}

/// Drives `tug run -it` through a pty (util-linux `script`): prompt, input,
/// ctrl-c interrupting a command, exit code.
#[test]
fn interactive_tty_through_a_pty() {
    if !have("script") {
        skip!("script (util-linux) is missing");
    }
    for (s, rootfs) in scenarios() {
        let cmd = format!("{TUG} run -it --rm --rootfs {} sh", rootfs.display());
        let mut run = s.command_at(std::path::Path::new("script"), ["-qec", &cmd, "/dev/null"]);
        run.cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = run.cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        use std::io::Write;
        let steps: [&[u8]; 4] = [
            b"echo hi-$((2+3))\n",
            b"sleep 20\n",
            b"\x03",
            b"echo after-$?; exit 5\n",
        ];
        for step in steps {
            std::thread::sleep(Duration::from_millis(400));
            stdin.write_all(step).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("# "), "a prompt: {text}");
        assert!(text.contains("hi-5"), "{text}");
        assert!(
            text.contains("after-130"),
            "ctrl-c interrupted sleep: {text}"
        );
        assert_eq!(out.status.code(), Some(5), "{text}");
    }
}

#[test]
fn top_pause_rename_restart_prune() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "-d",
            "--name",
            "a",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "echo tick; sleep 30",
        ])
        .succeeds();
        let top = s.tug(["top", "a"]).succeeds().stdout();
        assert!(top.contains("PID") && top.contains("sleep 30"), "{top}");
        if !s.is_rootless() {
            s.tug(["pause", "a"]).succeeds();
            assert!(s.tug(["ps"]).succeeds().stdout().contains("(Paused)"));
            s.tug(["unpause", "a"]).succeeds();
        } else {
            // Rootless on a v1 host there is no freezer: a clear error.
            s.tug(["pause", "a"]).fails().code_is(125).one_line_error();
        }
        s.tug(["rename", "a", "b"]).succeeds();
        s.tug(["restart", "-t", "1", "b"]).succeeds();
        wait_for("two runs logged", || {
            s.tug(["logs", "b"]).succeeds().stdout() == "tick\ntick\n"
        });
        s.tug(["stop", "-t", "0", "b"]).succeeds();
        s.tug(["container", "prune", "-f"]).succeeds();
        assert_eq!(containers_left(&s), 0);
    }
}

/// `run --init -- sleep 30`, SIGTERM to tug once its init has exec'd (and,
/// with `forked`, started the command); tug's exit status.
fn terminate_an_init_container(s: &Scenario, rootfs: &std::path::Path, forked: bool) -> i32 {
    let mut run = s.tug(run_args(rootfs, &["--init", "--", "sleep", "30"]));
    run.cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let child = run.cmd.spawn().unwrap();
    let tug_pid = child.id();
    wait_for("the init", || {
        children_of(tug_pid).iter().any(|k| {
            std::fs::read_to_string(format!("/proc/{k}/cmdline"))
                .is_ok_and(|c| c.starts_with("/dev/tug-init"))
                && (!forked || !children_of(*k).is_empty())
        })
    });
    // SAFETY: signalling the child this test spawned.
    unsafe { libc::kill(tug_pid as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    out.status
        .code()
        .unwrap_or_else(|| panic!("tug died: {out:?}"))
}

#[test]
fn init_forwards_signals_to_the_command() {
    for (s, rootfs) in scenarios() {
        // sleep has no handler: SIGTERM kills it, as without an init it would not.
        assert_eq!(terminate_an_init_container(&s, &rootfs, true), 143);
        s.tug(run_args(&rootfs, &["--init", "--", "sh", "-c", "exit 6"]))
            .run()
            .code_is(6);
    }
}

/// A SIGTERM sent the moment the init has exec'd (before `tug run` learnt
/// that it did, before the init installed its handlers) still reaches the
/// command: it waits, blocked, for the forwarders instead of killing tug or
/// being dropped by a pid 1 without a handler.
#[test]
fn a_signal_sent_as_the_init_starts_is_forwarded() {
    for (s, rootfs) in scenarios() {
        for _ in 0..5 {
            assert_eq!(terminate_an_init_container(&s, &rootfs, false), 143);
        }
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

/// An image imported from the busybox rootfs tar (config from --change).
fn imported_image(s: &Scenario) -> Option<&'static str> {
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

#[test]
fn run_an_imported_image() {
    for (s, _) in scenarios() {
        let Some(img) = imported_image(&s) else {
            skip!("busybox-static missing")
        };
        // The image's CMD, ENV, WORKDIR and USER apply.
        s.tug(["run", "--rm", img])
            .succeeds()
            .stdout_is("bar /tmp 33\n");
        s.tug(["run", "--rm", img, "echo", "hi"])
            .succeeds()
            .stdout_is("hi\n");
        s.tug(["run", "--rm", "-u", "0", img, "id", "-u"])
            .succeeds()
            .stdout_is("0\n");
        // Root and rootless (layers applied in a mapped user namespace).
        s.tug([
            "run",
            "--rm",
            "-u",
            "0",
            img,
            "stat",
            "-c",
            "%u",
            "/var/www/data",
            "/home/svc/note",
        ])
        .succeeds()
        .stdout_is("33\n999\n");
        // A container pins its image's manifest while it exists.
        let id = s
            .tug(["create", "--name", "pin", img, "true"])
            .succeeds()
            .stdout();
        let pin = s.store().join("refs/containers").join(id.trim());
        assert!(std::fs::read_to_string(&pin)
            .unwrap()
            .starts_with("sha256:"));
        s.tug(["start", "-a", "pin"]).succeeds();
        s.tug(["rm", "pin"]).succeeds();
        assert!(!pin.exists());
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn log_rotation_stop_signal_and_labels() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "-d",
            "--name",
            "chatty",
            "--log-opt",
            "max-size=1k",
            "--log-opt",
            "max-file=2",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "i=0; while [ $i -lt 100 ]; do echo line-$i; i=$((i+1)); done",
        ])
        .succeeds();
        s.tug(["wait", "chatty"]).succeeds().stdout_is("0\n");
        let logs = s.tug(["logs", "chatty"]).succeeds().stdout();
        assert!(
            logs.ends_with("line-99\n") && !logs.contains("line-0\n"),
            "rotated: {logs}"
        );
        let dir = s.store().join("containers");
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .flat_map(|c| std::fs::read_dir(c.path()).into_iter().flatten().flatten())
            .filter(|f| f.file_name().to_string_lossy().contains("-json.log"))
            .collect();
        assert_eq!(files.len(), 2, "max-file=2 keeps two files");
        s.tug([
            "run",
            "-d",
            "--name",
            "polite",
            "--stop-signal",
            "USR1",
            "-l",
            "team=db",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "trap 'exit 9' USR1; while true; do sleep 0.05; done",
        ])
        .succeeds();
        std::thread::sleep(Duration::from_millis(300));
        let ps = s
            .tug(["ps", "--filter", "label=team=db", "--format", "{{.Names}}"])
            .succeeds()
            .stdout();
        assert_eq!(ps, "polite\n");
        s.tug(["stop", "polite"]).succeeds();
        s.tug(["wait", "polite"]).succeeds().stdout_is("9\n");
        s.tug(["rm", "chatty", "polite"]).succeeds();
        s.tug([
            "run",
            "--rm",
            "--stop-signal",
            "NOPE",
            "--rootfs",
            &r,
            "true",
        ])
        .fails()
        .code_is(125);
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
fn hosts_dns_device_flags() {
    for (s, rootfs) in scenarios() {
        let out = s
            .tug(run_args(
                &rootfs,
                &[
                    "--add-host", "db:10.1.2.3", "--dns", "192.0.2.53", "--device", "/dev/null:/dev/mynull",
                    "-c", "512", "--", "sh", "-c",
                    "grep db /etc/hosts; cat /etc/resolv.conf; echo x > /dev/mynull && echo device-ok",
                ],
            ))
            .succeeds()
            .stdout();
        assert!(out.contains("10.1.2.3\tdb"), "{out}");
        assert!(out.contains("nameserver 192.0.2.53"), "{out}");
        assert!(out.contains("device-ok"), "{out}");
        s.tug(run_args(&rootfs, &["--add-host", "bad", "--", "true"]))
            .fails()
            .code_is(125);
        s.tug(run_args(
            &rootfs,
            &["--device", "/dev/nonexistent", "--", "true"],
        ))
        .fails()
        .code_is(125);
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn stats_attach_and_logs_since() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "-d",
            "--name",
            "busy",
            "-m",
            "64m",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "echo early; sleep 1; echo late; sleep 30",
        ])
        .succeeds();
        let st = s.tug(["stats", "--no-stream", "busy"]).succeeds().stdout();
        assert!(
            st.contains("MEM USAGE / LIMIT") && st.contains("busy"),
            "{st}"
        );
        if !s.is_rootless() {
            assert!(st.contains("/ 64.00MiB"), "the cgroup limit: {st}");
        }
        wait_for("late", || {
            s.tug(["logs", "busy"]).succeeds().stdout().contains("late")
        });
        let recent = s
            .tug(["logs", "--since", "900ms", "busy"])
            .succeeds()
            .stdout();
        assert!(!recent.contains("early"), "{recent}");
        // attach follows until the container exits.
        let mut att = s.tug(["attach", "busy"]);
        att.cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null());
        let child = att.cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        s.tug(["kill", "busy"]).succeeds();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(137), "{out:?}");
        s.tug(["rm", "busy"]).succeeds();
    }
}

#[test]
fn events_record_the_lifecycle() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run", "--rm", "--name", "ev", "--rootfs", &r, "sh", "-c", "exit 2",
        ])
        .run()
        .code_is(2);
        let out = s
            .tug([
                "events",
                "--since",
                "1h",
                "--until",
                "0s",
                "--filter",
                "container=ev",
                "--format",
                "{{.Action}}",
            ])
            .succeeds()
            .stdout();
        assert_eq!(out, "create\nstart\ndie\ndestroy\n");
        let json = s
            .tug([
                "events",
                "--since",
                "1h",
                "--until",
                "0s",
                "--filter",
                "event=die",
                "--format",
                "{{json .Actor}}",
            ])
            .succeeds()
            .stdout();
        assert!(json.contains("\"exitCode\":\"2\""), "{json}");
    }
}

#[test]
fn restart_always_restarts_after_success_too() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "-d",
            "--name",
            "loop",
            "--restart",
            "always",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "echo ran; exit 0",
        ])
        .succeeds();
        wait_for("two restarts", || {
            let out = s
                .tug(["container", "inspect", "-f", "{{.RestartCount}}", "loop"])
                .succeeds()
                .stdout();
            out.trim().parse::<u32>().unwrap_or(0) >= 2
        });
        assert!(
            s.tug([
                "ps",
                "-a",
                "--filter",
                "name=loop",
                "--format",
                "{{.Status}}"
            ])
            .succeeds()
            .stdout()
            .len()
                > 1
        );
        s.tug(["rm", "-f", "loop"]).succeeds();
        assert_eq!(containers_left(&s), 0);
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
fn logs_follow_until_the_container_exits() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "-d",
            "--name",
            "talker",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "echo one; sleep 1; echo two",
        ])
        .succeeds();
        // -f returns when the container ends, having shown what came later too.
        s.tug(["logs", "-f", "talker"])
            .succeeds()
            .stdout_is("one\ntwo\n");
        s.tug(["rm", "talker"]).succeeds();
    }
}

/// Writes `steps` to a child's stdin with pauses between them, then waits.
fn feed(mut run: Run, steps: &[&'static [u8]]) -> std::process::Output {
    use std::io::Write;
    run.cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = run.cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let steps: Vec<&'static [u8]> = steps.to_vec();
    let writer = std::thread::spawn(move || {
        for s in steps {
            std::thread::sleep(Duration::from_millis(400));
            let _ = stdin.write_all(s);
        }
        std::thread::sleep(Duration::from_millis(400));
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    out
}

#[test]
fn detached_interactive_attach_start_i_and_detach_keys() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        // -di: attach feeds the container's stdin; it exits, attach returns its code.
        s.tug([
            "run",
            "-di",
            "--name",
            "c",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "read a; echo got:$a; exit 4",
        ])
        .succeeds();
        let out = feed(s.tug(["attach", "c"]), &[b"hello\n"]);
        assert_eq!(out.status.code(), Some(4), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("got:hello"),
            "{out:?}"
        );
        // -dit: a shell on a pty; ctrl-p ctrl-q detaches and it runs on.
        s.tug(["run", "-dit", "--name", "t", "--rootfs", &r, "sh"])
            .succeeds();
        let out = feed(
            s.tug(["attach", "t"]),
            &[b"echo hi-$((1+2))\n", b"\x10\x11"],
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("read escape sequence"));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("hi-3"),
            "{out:?}"
        );
        s.tug(["ps", "--format", "{{.Names}}"])
            .succeeds()
            .stdout_contains("t");
        s.tug(["logs", "t"]).succeeds().stdout_contains("hi-3");
        // Other detach keys.
        let out = feed(
            s.tug(["attach", "--detach-keys", "ctrl-x", "t"]),
            &[b"\x18"],
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        s.tug(["attach", "--detach-keys", "ctrl-xx", "t"])
            .fails()
            .code_is(125)
            .one_line_error();
        // The container's own keys from run --detach-keys.
        s.tug([
            "run",
            "-dit",
            "--detach-keys",
            "ctrl-y",
            "--name",
            "own",
            "--rootfs",
            &r,
            "sh",
        ])
        .succeeds();
        let out = feed(s.tug(["attach", "own"]), &[b"\x19"]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        s.tug([
            "run",
            "-d",
            "--detach-keys",
            "ctrl-yy",
            "--rootfs",
            &r,
            "true",
        ])
        .fails()
        .code_is(125)
        .one_line_error();
        s.tug(["rm", "-f", "own"]).succeeds();
        // create -i, then start -ai.
        s.tug([
            "create",
            "-i",
            "--name",
            "later",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "read a; echo start:$a",
        ])
        .succeeds();
        let out = feed(s.tug(["start", "-ai", "later"]), &[b"x\n"]);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("start:x"),
            "{out:?}"
        );
        for c in ["c", "t", "later"] {
            s.tug(["rm", "-f", c]).succeeds();
        }
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

#[test]
fn exec_detached_and_with_a_tty() {
    if !have("script") {
        skip!("script (util-linux) is missing");
    }
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug(["run", "-d", "--name", "box", "--rootfs", &r, "sleep", "60"])
            .succeeds();
        // -d: returns at once; the command runs on, adopted by the init.
        s.tug([
            "exec",
            "-d",
            "box",
            "sh",
            "-c",
            "sleep 0.5; echo done > /marker; sleep 30",
        ])
        .succeeds()
        .stdout_is("");
        wait_for("the detached exec's marker", || {
            s.tug(["exec", "box", "cat", "/marker"]).run().stdout() == "done\n"
        });
        s.tug(["top", "box"]).succeeds().stdout_contains("sleep 30");
        // -it: a pty (`stty size` answers only on a terminal).
        let cmd = format!("{TUG} exec -it box sh -c 'tty; stty size; echo in-tty'");
        let out = s
            .command_at(std::path::Path::new("script"), ["-qec", &cmd, "/dev/null"])
            .stdin("")
            .run();
        let text = out.stdout();
        assert!(text.contains("in-tty"), "{}", out.dump());
        assert!(!text.contains("stty: standard input"), "{}", out.dump());
        assert!(
            text.contains("/dev/pts/"),
            "the container's own pty: {}",
            out.dump()
        );
        // run -t: the pty is the container's /dev/console.
        let cmd = format!("{TUG} run --rm -t --rootfs {r} tty");
        let out = s
            .command_at(std::path::Path::new("script"), ["-qec", &cmd, "/dev/null"])
            .stdin("")
            .run();
        assert!(out.stdout().contains("/dev/console"), "{}", out.dump());
        s.tug(["rm", "-f", "box"]).succeeds();
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

#[test]
fn foreground_containers_keep_logs() {
    for (s, rootfs) in scenarios() {
        let r = rootfs.display().to_string();
        s.tug([
            "run",
            "--name",
            "fg",
            "--rootfs",
            &r,
            "sh",
            "-c",
            "echo out-line; echo err-line >&2; exit 3",
        ])
        .fails()
        .code_is(3)
        .stdout_is("out-line\n")
        .stderr_contains("err-line");
        s.tug(["logs", "fg"])
            .succeeds()
            .stdout_is("out-line\n")
            .stderr_contains("err-line");
        s.tug(["rm", "fg"]).succeeds();
    }
}

#[test]
fn platform_mismatch_warns_or_refuses() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    let tar = tar.to_str().unwrap();
    let (foreign, native) = if std::env::consts::ARCH == "aarch64" {
        ("linux/amd64", "linux/arm64")
    } else {
        ("linux/arm64", "linux/amd64")
    };
    s.tug(["import", "--platform", foreign, tar, "armbb"])
        .succeeds();
    s.tug(["run", "--rm", "armbb", "true"])
        .run()
        .stderr_contains("does not match the detected host platform");
    s.tug([
        "run",
        "--rm",
        "--pull",
        "never",
        "--platform",
        native,
        "armbb",
        "true",
    ])
    .fails()
    .code_is(125)
    .one_line_error()
    .stderr_contains("does not match the specified platform");
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

/// Set (to the store) in the copy of this test binary that runs
/// `library_runs_two_containers_with_captured_prefixed_output` in process.
const IN_PROCESS_STORE: &str = "TUG_TEST_IN_PROCESS_STORE";
const IN_PROCESS_ROOTFS: &str = "TUG_TEST_IN_PROCESS_ROOTFS";

/// The core as a library (what the builder and Compose do): two containers
/// started from one process, both running at once, their stdout and stderr
/// captured line by line and prefixed separately; tug's own stdout is
/// untouched and nothing of theirs reaches it. The containers are cloned
/// from a copy of this test binary running only this test, since the clone
/// wants a process without other busy threads.
#[test]
fn library_runs_two_containers_with_captured_prefixed_output() {
    if let Some(store) = std::env::var_os(IN_PROCESS_STORE) {
        let rootfs = std::env::var_os(IN_PROCESS_ROOTFS).unwrap();
        return two_captured_containers(store.into(), rootfs.into());
    }
    for (s, rootfs) in scenarios().into_iter().filter(|(s, _)| !s.is_rootless()) {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "library_runs_two_containers_with_captured_prefixed_output",
                "--test-threads=1",
                "--nocapture",
            ])
            .env(IN_PROCESS_STORE, s.store())
            .env(IN_PROCESS_ROOTFS, &rootfs)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "{stdout}");
        for line in ["a1", "a-err", "b1", "b2", "a2 go"] {
            assert!(
                !stdout.lines().chain(stderr.lines()).any(|l| l == line),
                "{line} escaped the capture:\n{stdout}\n{stderr}"
            );
        }
        assert!(s.tug(["ps", "-aq"]).succeeds().stdout().trim().is_empty());
    }
}

fn two_captured_containers(store: PathBuf, rootfs: PathBuf) {
    use tug::container::launch::{self, Request};
    use tug::container::stdio::{Io, OutputStream, Stdio as Io1};
    let our_stdout = std::fs::read_link("/proc/self/fd/1").unwrap();
    let store = tug::store::Store::open(store).unwrap();
    let create = |script: &str| {
        launch::create(
            &store,
            &Request {
                image: None,
                rootfs_dir: Some(rootfs.clone()),
                name: None,
                options: tug::runtime::spec::RunOptions {
                    command: vec!["sh".into(), "-c".into(), script.into()],
                    ..Default::default()
                },
                auto_remove: true,
                restart: Default::default(),
                healthcheck: None,
            },
        )
        .unwrap()
    };
    let captured = |stdin| Io {
        stdin,
        stdout: Io1::Pipe,
        stderr: Io1::Pipe,
    };
    let no_warning = |w: &str| panic!("warning: {w}");
    // a waits for a line on its stdin, sent once b has run and exited: both
    // are started, and alive, at once.
    let a_script = "echo a1; echo a-err >&2; read x; echo a2 $x; exit 3";
    let b_script = "echo b1; echo b2 >&2";
    let mut a = launch::spawn(&store, create(a_script), captured(Io1::Pipe), no_warning).unwrap();
    let mut b = launch::spawn(&store, create(b_script), captured(Io1::Null), no_warning).unwrap();
    let mut lines = Vec::new();
    fn prefix<'a>(
        lines: &'a mut Vec<String>,
        tag: &'a str,
    ) -> impl FnMut(OutputStream, &[u8]) + 'a {
        move |s, l| lines.push(format!("{tag}{s:?}: {}", String::from_utf8_lossy(l)))
    }
    b.pump_lines(prefix(&mut lines, "[b] "));
    assert_eq!(b.wait(&store), 0);
    let to_a = a.stdin.take().unwrap();
    rustix::io::write(&to_a, b"go\n").unwrap();
    drop(to_a);
    a.pump_lines(prefix(&mut lines, "[a] "));
    assert_eq!(a.wait(&store), 3);
    // Lines keep their order within a stream, not across the two.
    lines.sort();
    assert_eq!(
        lines,
        [
            "[a] Stderr: a-err",
            "[a] Stdout: a1",
            "[a] Stdout: a2 go",
            "[b] Stderr: b2",
            "[b] Stdout: b1",
        ]
    );
    assert_eq!(std::fs::read_link("/proc/self/fd/1").unwrap(), our_stdout);
    assert!(tug::container::list(&store).unwrap().is_empty());
}

/// An exec failure says what is wrong: a dynamic program whose loader is
/// not in the container names the loader; a name that is a symlink loop
/// says so (the README's old quick start made one).
#[test]
fn exec_errors_name_the_missing_interpreter_and_symlink_loops() {
    for (s, rootfs) in scenarios() {
        let dynamic = std::path::Path::new("/usr/bin/true");
        std::fs::copy(dynamic, rootfs.join("bin/dyn")).unwrap();
        std::os::unix::fs::symlink("loop", rootfs.join("bin/loop")).unwrap();
        let o = s
            .tug(run_args(&rootfs, &["--", "dyn"]))
            .fails()
            .code_is(127)
            .one_line_error();
        assert!(
            o.stderr()
                .contains("its interpreter /lib64/ld-linux-x86-64.so.2 is not in the container"),
            "{}",
            o.dump()
        );
        let o = s
            .tug(run_args(&rootfs, &["--", "loop"]))
            .fails()
            .code_is(127)
            .one_line_error();
        assert!(
            o.stderr().contains("/bin/loop is a symlink loop"),
            "{}",
            o.dump()
        );
        // Scripts name their missing interpreter too.
        std::fs::write(
            rootfs.join("bin/script"),
            "#!/usr/bin/python9 -u\nprint(1)\n",
        )
        .unwrap();
        std::fs::set_permissions(
            rootfs.join("bin/script"),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        s.tug(run_args(&rootfs, &["--", "script"]))
            .fails()
            .code_is(127)
            .stderr_contains("its interpreter /usr/bin/python9 is not in the container");
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

/// Every option value `run` and `create` parse (in `container::options`)
/// is refused with Docker's (or tug's) one-line message and 125, before
/// anything is created.
#[test]
fn bad_option_values_are_refused_before_anything_is_made() {
    let s = Scenario::new();
    let cases: &[(&[&str], &str)] = &[
        (&["-v", ":/x"], "tug: invalid volume specification: ':/x'"),
        (
            &["-v", "/a:/b:ro:x"],
            "tug: invalid volume specification: '/a:/b:ro:x'",
        ),
        (
            &["-v", "/a:rel"],
            r#"tug: invalid volume specification: "/a:rel": the container path must be absolute"#,
        ),
        (
            &["-v", "./a:/b"],
            r#"tug: invalid volume specification: "./a:/b": "./a" is neither an absolute path nor a volume name"#,
        ),
        (
            &["-v", "/a:/b:rx"],
            r#"tug: invalid volume mode "rx" in "/a:/b:rx""#,
        ),
        (
            &["--mount", "type=bind,src=a,dst=/b"],
            r#"tug: invalid --mount "type=bind,src=a,dst=/b": a bind source must be an absolute path"#,
        ),
        (
            &["--mount", "type=tmpfs,dst=/t,tmpfs-size=lots"],
            r#"tug: invalid --mount "type=tmpfs,dst=/t,tmpfs-size=lots": bad tmpfs-size"#,
        ),
        (&["-m", "lots"], r#"tug: invalid size: "lots""#),
        (&["-m", "1m"], "tug: minimum memory limit allowed is 6MB"),
        (&["--memory-swap", "-2"], r#"tug: invalid size: "-2""#),
        (&["--cpus", "0"], "tug: invalid --cpus 0: must be positive"),
        (
            &["--ulimit", "nofile"],
            r#"tug: invalid ulimit "nofile": want NAME=SOFT[:HARD]"#,
        ),
        (
            &["--security-opt", "bogus"],
            r#"tug: invalid --security-opt: "bogus""#,
        ),
        (
            &["--log-opt", "max-file=0"],
            r#"tug: invalid --log-opt "max-file=0""#,
        ),
        (
            &["--log-opt", "mode=x"],
            r#"tug: unknown --log-opt "mode=x": want max-size= or max-file="#,
        ),
        (
            &["--pull", "sometimes"],
            r#"tug: invalid --pull policy "sometimes": want always, missing or never"#,
        ),
        (
            &["--restart", "always:3"],
            r#"tug: invalid restart policy "always:3": want no, always, on-failure[:N] or unless-stopped"#,
        ),
        (&["-e", "=x"], r#"tug: invalid environment variable: "=x""#),
        (&["--network", ""], r#"tug: invalid network mode """#),
        (
            &["--network", "container:"],
            "tug: --network container: needs a container",
        ),
        (
            &["--link", "db:"],
            r#"tug: invalid --link "db:": want NAME[:ALIAS]"#,
        ),
        (
            &["--add-host", "h:nope"],
            r#"tug: invalid --add-host "h:nope": want NAME:IP"#,
        ),
        (
            &["--dns", "x"],
            r#"tug: invalid --dns "x": not an IP address"#,
        ),
        (
            &["--health-cmd", "true", "--health-timeout", "0s"],
            "tug: --health-interval and --health-timeout must be positive",
        ),
        (
            &["--health-cmd", "true", "--no-healthcheck"],
            "tug: --no-healthcheck conflicts with --health-* options",
        ),
    ];
    for cmd in ["run", "create"] {
        for (flags, want) in cases {
            let mut args = vec![cmd];
            args.extend_from_slice(flags);
            args.extend(["busybox", "true"]);
            let out = s.tug(&args).fails().code_is(125).one_line_error();
            assert_eq!(out.stderr().trim_end(), *want, "{args:?}");
        }
    }
    let missing = s.path().join("missing.env");
    let out = s
        .tug([
            "run",
            "--env-file",
            missing.to_str().unwrap(),
            "busybox",
            "true",
        ])
        .fails()
        .code_is(125)
        .one_line_error();
    assert!(
        out.stderr()
            .starts_with(&format!("tug: {}: ", missing.display())),
        "{}",
        out.dump()
    );
    s.tug(["run", "--health-interval", "soon", "busybox", "true"])
        .fails()
        .code_is(125)
        .one_line_error()
        .stderr_contains(r#"tug: invalid --health-interval "soon": "#);
    assert_eq!(containers_left(&s), 0);
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

/// An `--rm` container's leftovers (its directory in the trash, its
/// cgroups, its mount namespace) go with the detached helper after `run`
/// returns: soon after, nothing of it is left.
#[test]
fn run_rm_leaves_no_cgroups_or_trash_behind() {
    for (s, rootfs) in scenarios() {
        let out = s
            .tug(run_args(&rootfs, &["--", "cat", "/proc/self/cgroup"]))
            .succeeds()
            .stdout();
        let id = out
            .lines()
            .find_map(|l| {
                let id = l.rsplit("/tug/").next()?;
                (l.contains("/tug/") && id.len() == 64).then(|| id.to_string())
            })
            .unwrap_or_default();
        assert!(s.is_rootless() || !id.is_empty(), "no cgroup in {out}");
        let cgroups = || -> Vec<PathBuf> {
            std::fs::read_dir("/sys/fs/cgroup")
                .into_iter()
                .flatten()
                .flatten()
                .map(|c| c.path().join("tug").join(&id))
                .chain([PathBuf::from("/sys/fs/cgroup/tug").join(&id)])
                .filter(|d| !id.is_empty() && d.is_dir())
                .collect()
        };
        let trash = || {
            std::fs::read_dir(s.store().join("trash"))
                .map(|d| d.count())
                .unwrap_or(0)
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while (trash() > 0 || !cgroups().is_empty()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(trash(), 0, "the trash was not emptied");
        assert_eq!(cgroups(), Vec::<PathBuf>::new(), "cgroups left behind");
        assert_eq!(containers_left(&s), 0);
    }
}
