//! The multicall binary: argv[0] dispatch, help, errors, docs.

mod common;

use common::*;

#[test]
fn version_and_help() {
    let s = Scenario::new();
    s.tug(["--version"]).succeeds().stdout_contains("tug ");
    s.tug(["--help"]).succeeds().stdout_contains("Usage: tug");
}

#[test]
fn applets_answer_to_their_names() {
    let s = Scenario::new();
    for name in [
        "run",
        "registry-serve",
        "compose-up",
        "image-build",
        "network",
    ] {
        let o = s.applet(name, ["--help"]).succeeds();
        assert!(
            o.stdout().contains(&format!("Usage: {name}")),
            "{name}: {}",
            o.stdout()
        );
    }
    let o = s.applet("tug-network", ["--help"]).succeeds();
    assert!(o.stdout().contains("Usage: tug-network"));
}

#[test]
fn unknown_applet_lists_applets_and_exits_2() {
    let s = Scenario::new();
    s.applet("frobnicate", ["x"])
        .fails()
        .code_is(2)
        .stderr_contains("registry-serve");
}

#[test]
fn bad_flag_is_one_line_error_125() {
    let s = Scenario::new();
    s.tug(["version", "--no-such-flag"])
        .fails()
        .code_is(125)
        .one_line_error();
}

#[test]
fn install_links_makes_working_symlinks() {
    let s = Scenario::new();
    let dir = s.path().join("links");
    s.tug(["install-links", dir.to_str().unwrap(), "--docker"])
        .succeeds();
    for n in [
        "run",
        "registry-serve",
        "compose-up",
        "image-build",
        "network",
        "docker",
    ] {
        assert!(
            dir.join(n)
                .symlink_metadata()
                .unwrap()
                .file_type()
                .is_symlink(),
            "{n}"
        );
    }
    // Idempotent.
    s.tug(["install-links", dir.to_str().unwrap(), "--docker"])
        .succeeds();
    s.command_at(
        &dir.join("docker"),
        ["version", "--format", "{{.Server.Platform.Name}}"],
    )
    .succeeds()
    .stdout_contains("tug (in-process engine, no daemon)");
}

/// completions/ and man/ must be what the current clap definitions generate.
#[test]
fn completions_and_man_pages_are_current() {
    let s = Scenario::new();
    let out = s.path().join("docs");
    s.tug(["gen-docs", out.to_str().unwrap()]).succeeds();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["completions", "man"] {
        let diff = std::process::Command::new("diff")
            .args(["-r", "-q"])
            .arg(repo.join(sub))
            .arg(out.join(sub))
            .output()
            .unwrap();
        assert!(
            diff.status.success(),
            "{sub}/ is stale: run `cargo run -- gen-docs .`\n{}",
            String::from_utf8_lossy(&diff.stdout)
        );
    }
}

/// The binary is static: it runs in a root filesystem holding nothing else.
#[test]
fn runs_in_an_empty_root() {
    if !is_root() {
        skip!("chroot needs root");
    }
    let s = Scenario::new();
    let root = s.path().join("empty-root");
    std::fs::create_dir(&root).unwrap();
    std::fs::copy(TUG, root.join("tug")).unwrap();
    let out = std::process::Command::new("chroot")
        .arg(&root)
        .args(["/tug", "--version"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("tug "));
    let file = std::process::Command::new("file").arg(TUG).output();
    if let Ok(f) = file {
        let text = String::from_utf8_lossy(&f.stdout);
        assert!(
            text.contains("statically linked") || text.contains("static-pie linked"),
            "{text}"
        );
    }
}

/// Scripts that call `docker` work through a symlink: `docker images` lists
/// what `tug import` stored.
#[test]
fn docker_symlink_lists_images() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb:1"]).succeeds();
    s.applet("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .succeeds()
        .stdout_is("bb:1\n");
    s.applet("docker", ["image", "ls", "-q"]).succeeds();
}

#[test]
fn version_has_dockers_layout_and_format() {
    let s = Scenario::new();
    let v = env!("CARGO_PKG_VERSION");
    let o = s.tug(["version"]).succeeds();
    assert!(o.stdout().starts_with("Client:\n Version:"), "{}", o.dump());
    assert!(o.stdout().contains("\nServer: tug"), "{}", o.dump());
    s.tug(["version", "--format", "{{.Server.Version}}"])
        .succeeds()
        .stdout_is(&format!("{v}\n"));
    let o = s.tug(["version", "--format", "json"]).succeeds();
    let doc: serde_json::Value = serde_json::from_str(&o.stdout()).unwrap();
    assert_eq!(doc["Client"]["Version"], v);
    assert_eq!(doc["Server"]["Components"][0]["Name"], "Engine");
    // `tug --version` stays the short form.
    s.tug(["--version"]).succeeds().stdout_contains("tug ");
}

#[test]
fn no_daemon_to_point_at() {
    let s = Scenario::new();
    let o = s
        .tug(["-H", "tcp://10.0.2.2:2375", "ps"])
        .fails()
        .code_is(125)
        .one_line_error();
    assert!(o.stderr().contains("tug has no daemon"), "{}", o.dump());
    let mut r = s.tug(["ps"]);
    r.cmd.env("DOCKER_HOST", "ssh://me@elsewhere");
    r.fails()
        .one_line_error()
        .stderr_contains("DOCKER_HOST ssh://me@elsewhere: tug has no daemon");
    // A local socket is what tug is anyway.
    let mut r = s.tug(["ps"]);
    r.cmd.env("DOCKER_HOST", "unix:///var/run/docker.sock");
    r.succeeds();
}

/// The README's shell block under `heading`, as written.
fn readme_block(heading: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let after = readme
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    let start = after.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let len = after[start..].find("```").expect("a closed block");
    after[start..start + len].to_string()
}

/// The quick start, the registry walk-through and the compose quick start
/// run verbatim (the package install left out: .ci/run installs
/// busybox-static; the registry's port moved to a free one; the compose
/// project is a web service on the quick start's busybox), as root and
/// rootless.
#[test]
fn readme_blocks_run_as_written() {
    if busybox().is_none() {
        skip!("busybox-static is not installed");
    }
    let quick: String = readme_block("## Quick start (offline)")
        .lines()
        .filter(|l| !l.starts_with("apt-get "))
        .map(|l| format!("{l}\n"))
        .collect();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let registry = readme_block("## A registry, push and pull")
        .replace("127.0.0.1:5000", &format!("127.0.0.1:{port}"));
    let compose = readme_block("## Compose quick start");
    let mut scenarios = vec![Scenario::new()];
    scenarios.extend(Scenario::unprivileged());
    for s in scenarios {
        let bin = s.path().join("bin");
        let work = s.path().join("work");
        std::fs::create_dir_all(work.join("myproject")).unwrap();
        std::fs::write(
            work.join("myproject/compose.yaml"),
            "services:\n  web:\n    image: busybox\n    command: [httpd, -f, -p, '80', -h, /etc]\n",
        )
        .unwrap();
        s.tug(["install-links", bin.to_str().unwrap()]).succeeds();
        std::os::unix::fs::symlink(TUG, bin.join("tug")).unwrap();
        if s.is_rootless() {
            let (uid, gid) = user_ids(TEST_USER).unwrap();
            chown_r(s.path(), uid, gid);
        }
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        fn says_hello(out: &str) -> bool {
            out.ends_with("hello\n")
        }
        fn lists_web(out: &str) -> bool {
            out.contains("myproject-web-1")
        }
        let blocks = [
            ("quick start", &quick, says_hello as fn(&str) -> bool),
            ("registry", &registry, says_hello),
            ("compose quick start", &compose, lists_web),
        ];
        for (what, block, output_ok) in blocks {
            // The registry started in the background goes when the block ends.
            let script = format!(
                "set -e\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\ncd {}\n{block}",
                work.display()
            );
            let mut r = s.command_at(std::path::Path::new("/bin/bash"), ["-c", &script]);
            r.cmd.env("PATH", &path);
            let o = r.run();
            assert!(
                o.out.status.success(),
                "README {what} block (rootless: {}) failed\n{}",
                s.is_rootless(),
                o.dump()
            );
            assert!(output_ok(&o.stdout()), "README {what} block\n{}", o.dump());
        }
        // The compose block's `ps` listed the project; its `down -v` left nothing.
        s.tug(["ps", "-aq"]).succeeds().stdout_is("");
        s.tug(["network", "ls", "--format", "{{.Name}}"])
            .succeeds()
            .stdout_is("bridge\nhost\nnone\n");
    }
}

/// daemon.json's settings that make sense without a daemon: `data-root`
/// picks the store (under `--root`/`TUG_ROOT`), `dns` the containers'
/// resolvers (under `--dns`); `info` names the file. Rootless, from the
/// user's `~/.config/docker/daemon.json`.
#[test]
fn daemon_json_settings_apply() {
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let data = s.path().join("docker-data");
    let conf = s.path().join("home/.config/docker");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("daemon.json"),
        format!(
            r#"{{"data-root": "{}", "dns": ["192.0.2.53"], "dns-search": ["corp.example"], "features": {{"buildkit": true}}}}"#,
            data.display()
        ),
    )
    .unwrap();
    let (uid, gid) = user_ids(TEST_USER).unwrap();
    chown_r(s.path(), uid, gid);
    // Without TUG_ROOT the store is daemon.json's data-root.
    let tug_no_root = |args: &[&str]| {
        let mut r = s.tug(args);
        r.cmd.env_remove("TUG_ROOT");
        r
    };
    tug_no_root(&["import", tar.to_str().unwrap(), "bb"]).succeeds();
    assert!(
        data.join("index.json").is_file(),
        "the store is not in data-root"
    );
    let o = tug_no_root(&["info"]).succeeds();
    assert!(
        o.stdout()
            .contains(&format!("Storage Root: {}", data.display())),
        "{}",
        o.dump()
    );
    assert!(
        o.stdout().contains(&format!(
            "daemon.json: {}",
            conf.join("daemon.json").display()
        )),
        "{}",
        o.dump()
    );
    tug_no_root(&[
        "run",
        "--rm",
        "--network",
        "none",
        "bb",
        "cat",
        "/etc/resolv.conf",
    ])
    .succeeds()
    .stdout_is("nameserver 192.0.2.53\nsearch corp.example\n");
    tug_no_root(&[
        "run",
        "--rm",
        "--network",
        "none",
        "--dns",
        "192.0.2.1",
        "bb",
        "cat",
        "/etc/resolv.conf",
    ])
    .succeeds()
    .stdout_contains("nameserver 192.0.2.1\n");
    tug_no_root(&["rmi", "bb"]).succeeds();
}
