//! `run` in the foreground: output, exit codes, environment, bad input,
//! images, many at once, the core as a library.
//!
//! Root and rootless (the `tugtest` user), on the busybox rootfs
//! through `--rootfs DIR` or an image imported from it.

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::run::*;
use common::*;

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
            // Entries, not the emptiers' lock file.
            std::fs::read_dir(s.store().join("trash"))
                .map(|d| d.flatten().filter(|e| e.file_name() != ".lock").count())
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
