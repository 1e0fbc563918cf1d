//! Detached containers' lifecycle: ps, logs, stop/start, rm, restart
//! policies, healthchecks, top/pause/rename, events.
//!
//! Root and rootless (the `tugtest` user), on the busybox rootfs
//! through `--rootfs DIR` or an image imported from it.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::containers_left;
use common::run::*;

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
