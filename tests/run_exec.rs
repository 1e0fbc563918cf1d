//! Processes around a container: the init and signals, ttys, `exec`,
//! `attach`, `start -i` and detach keys, `stats`.
//!
//! Root and rootless (the `tugtest` user), on the busybox rootfs
//! through `--rootfs DIR` or an image imported from it.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::run::*;
use common::*;

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
        let mut child = run.cmd.spawn().unwrap();
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
        // Once the trap is installed (the script says ready), signal tug
        // run: it forwards.
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut ready = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut ready).unwrap();
        assert_eq!(ready, "ready\n");
        // SAFETY: signalling the child this test spawned.
        unsafe { libc::kill(tug_pid as i32, libc::SIGTERM) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(7), "{out:?}");
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
