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
    s.command_at(&dir.join("docker"), ["version"])
        .succeeds()
        .stdout_contains("tug version");
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
