//! `image-build` / `tug build`: Dockerfiles through the built binary.

mod common;

use common::*;

fn context(s: &Scenario, dockerfile: &str) -> String {
    let dir = s.path().join("ctx");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
    dir.to_str().unwrap().to_string()
}

#[test]
fn check_accepts_a_good_dockerfile() {
    let s = Scenario::new();
    let ctx = context(
        &s,
        "# syntax=docker/dockerfile:1\nARG BASE=busybox\nFROM $BASE AS build\nRUN <<EOF\necho hi > /out\nEOF\nFROM scratch\nCOPY --from=build /out /out\nCMD [\"/out\"]\n",
    );
    s.tug(["build", "--check", &ctx])
        .succeeds()
        .stdout_is("Check complete, no warnings found.\n");
    // The same through the applet name and Docker's other spellings.
    s.applet("image-build", ["--check", &ctx]).succeeds();
    s.tug(["image", "build", "--check", &ctx]).succeeds();
    s.tug(["buildx", "build", "--check", &ctx]).succeeds();
}

#[test]
fn check_reports_warnings_with_lines() {
    let s = Scenario::new();
    let ctx = context(&s, "FROM busybox\nMAINTAINER someone\nCMD echo hi\n");
    let o = s.tug(["build", "--check", &ctx]).succeeds();
    assert_eq!(o.stdout(), "Check complete, 2 warnings have been found!\n");
    assert!(
        o.stderr()
            .contains("Dockerfile:2: warning: MaintainerDeprecated:"),
        "{}",
        o.dump()
    );
    assert!(
        o.stderr()
            .contains("Dockerfile:3: warning: JSONArgsRecommended:"),
        "{}",
        o.dump()
    );
    // `# check=error=true` turns warnings into a failed build.
    let ctx = context(&s, "# check=error=true\nFROM busybox\nCMD echo hi\n");
    s.tug(["build", "--check", &ctx]).fails().code_is(1);
}

#[test]
fn bad_dockerfiles_fail_with_file_and_line() {
    let s = Scenario::new();
    for (text, want) in [
        (
            "FROM busybox\nFOO bar\n",
            "Dockerfile:2: unknown instruction: FOO",
        ),
        (
            "FROM\n",
            "Dockerfile:1: FROM requires either one or three arguments",
        ),
        (
            "FROM busybox\nCOPY onlyone\n",
            "Dockerfile:2: COPY requires at least two arguments",
        ),
        (
            "FROM busybox\nRUN <<EOF\nnever closed\n",
            "Dockerfile:2: heredoc EOF is never closed",
        ),
    ] {
        let ctx = context(&s, text);
        let o = s
            .tug(["build", "--check", &ctx])
            .fails()
            .code_is(1)
            .one_line_error();
        assert!(o.stderr().contains(want), "{text:?}: {}", o.dump());
    }
    // Evaluation errors: every one is listed, then the build fails.
    let ctx = context(&s, "FROM busybox\nEXPOSE http\nCOPY --from=0 a b\n");
    let o = s.tug(["build", "--check", &ctx]).fails().code_is(1);
    assert!(
        o.stderr()
            .contains("Dockerfile:2: error: invalid containerPort: http"),
        "{}",
        o.dump()
    );
    assert!(
        o.stderr().contains("Dockerfile:3: error: COPY --from=0"),
        "{}",
        o.dump()
    );
    // A missing Dockerfile names the path.
    let o = s
        .tug(["build", "--check", "/nonexistent-ctx"])
        .fails()
        .one_line_error();
    assert!(
        o.stderr().contains("/nonexistent-ctx/Dockerfile"),
        "{}",
        o.dump()
    );
    // An unknown --target.
    let ctx = context(&s, "FROM busybox AS one\n");
    let o = s
        .tug(["build", "--check", "--target", "two", &ctx])
        .fails()
        .code_is(1);
    assert!(
        o.stderr()
            .contains("target stage \"two\" could not be found"),
        "{}",
        o.dump()
    );
}

#[test]
fn dockerfile_from_stdin() {
    let s = Scenario::new();
    s.tug(["build", "--check", "-"])
        .stdin("FROM busybox\nRUN true\n")
        .succeeds()
        .stdout_contains("no warnings");
    let ctx = context(&s, "FROM busybox\n");
    s.tug(["build", "--check", "-f", "-", &ctx])
        .stdin("FROM busybox\nBAD x\n")
        .fails()
        .code_is(1)
        .stderr_contains("Dockerfile:2: unknown instruction: BAD");
}

#[test]
fn build_args_reach_from_lines() {
    let s = Scenario::new();
    let ctx = context(&s, "ARG TAG\nFROM busybox${TAG:?required}\n");
    s.tug(["build", "--check", &ctx])
        .fails()
        .code_is(1)
        .stderr_contains("TAG: required");
    s.tug(["build", "--check", "--build-arg", "TAG=:1", &ctx])
        .succeeds();
}

/// Root and rootless scenarios with the busybox image `bb:1`.
fn scenarios() -> Vec<Scenario> {
    let mut out = Vec::new();
    if !is_root() {
        assert!(!in_ci(), "build tests need root under CI=true");
        eprintln!("SKIPPED: build tests need root (and switch to {TEST_USER} for rootless)");
        return out;
    }
    let Some(tar) = busybox_rootfs_tar() else {
        assert!(!in_ci(), "busybox-static is not installed under CI=true");
        eprintln!("SKIPPED: busybox-static is not installed");
        return out;
    };
    for s in [Some(Scenario::new()), Scenario::unprivileged()]
        .into_iter()
        .flatten()
    {
        s.tug(["import", tar.to_str().unwrap(), "bb:1"]).succeeds();
        out.push(s);
    }
    out
}

/// A context directory `name` with these files (made readable by the
/// rootless user).
fn files(s: &Scenario, name: &str, files: &[(&str, &str)]) -> String {
    let dir = s.path().join(name);
    for (path, body) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, body).unwrap();
    }
    if s.is_rootless() {
        if let Some((uid, gid)) = user_ids(TEST_USER) {
            chown_r(&dir, uid, gid);
        }
    }
    dir.to_str().unwrap().to_string()
}

/// Images in the index (`images`: intermediate images left out).
fn indexed_count(s: &Scenario) -> usize {
    s.tug(["images", "-q"]).succeeds().stdout().lines().count()
}

/// Images with the build steps' intermediate ones (`images -a`).
fn image_count(s: &Scenario) -> usize {
    s.tug(["images", "-a", "-q"])
        .succeeds()
        .stdout()
        .lines()
        .count()
}

#[test]
fn seed_style_dockerfile_builds_and_runs() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "seed",
            &[
                (
                    "Dockerfile",
                    "FROM bb:1\nMAINTAINER Seed Maker <seed@example.com>\nRUN mkdir -p /var/run/sshd\nRUN echo 'root:screencast' > /root/pw\nRUN echo 'PermitRootLogin without-password' > /etc/sshd_config\nRUN sed -ri 's/^PermitRootLogin[[:space:]]+.*/PermitRootLogin yes/' /etc/sshd_config\nRUN echo 'UsePAM yes' >> /etc/sshd_config\nRUN sed -ri 's/UsePAM yes/#UsePAM yes/g' /etc/sshd_config\nRUN echo one > /counted\nRUN echo two >> /counted\nADD set_root_pw.sh /set_root_pw.sh\nADD run.sh /run.sh\nRUN chmod +x /*.sh\nEXPOSE 22\nCMD [\"/run.sh\"]\n",
                ),
                ("run.sh", "#!/bin/sh\n/set_root_pw.sh\ncat /etc/sshd_config /counted\ntest -d /var/run/sshd && echo sshd-dir\n"),
                ("set_root_pw.sh", "#!/bin/sh\necho pw: $(cat /root/pw)\n"),
            ],
        );
        s.tug(["build", "-q", "-t", "seed:1", &ctx]).succeeds();
        s.tug(["run", "--rm", "seed:1"]).succeeds().stdout_is(
            "pw: root:screencast\nPermitRootLogin yes\n#UsePAM yes\none\ntwo\nsshd-dir\n",
        );
        let o = s
            .tug([
                "inspect",
                "--format",
                "{{.Author}} {{json .Config.ExposedPorts}} {{json .Config.Cmd}}",
                "seed:1",
            ])
            .succeeds();
        assert_eq!(
            o.stdout().trim(),
            "Seed Maker <seed@example.com> {\"22/tcp\":{}} [\"/run.sh\"]"
        );
        let h = s.tug(["history", "--no-trunc", "seed:1"]).succeeds();
        assert!(h.stdout().contains("EXPOSE 22/tcp"), "{}", h.dump());
        assert!(h.stdout().contains("sed -ri"), "{}", h.dump());
        assert_eq!(containers_left(&s), 0, "a step container was left behind");
    }
}

#[test]
fn multi_stage_builds_only_what_the_target_needs() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "multi",
            &[(
                "Dockerfile",
                "FROM bb:1 AS broken\nRUN echo never; exit 7\nFROM bb:1 AS build\nRUN echo built > /out\nFROM build AS second\nRUN echo more >> /out\nFROM bb:1\nCOPY --from=second /out /copied\nCOPY --from=1 /out /first\nCMD [\"cat\", \"/copied\", \"/first\"]\n",
            )],
        );
        let o = s
            .tug(["build", "--progress=plain", "-t", "multi:1", &ctx])
            .succeeds();
        assert!(
            !o.stderr().contains("never"),
            "the broken stage ran\n{}",
            o.dump()
        );
        s.tug(["run", "--rm", "multi:1"])
            .succeeds()
            .stdout_is("built\nmore\nbuilt\n");
        s.tug([
            "build",
            "-q",
            "--target",
            "build",
            "-t",
            "multi:build",
            &ctx,
        ])
        .succeeds();
        s.tug(["run", "--rm", "multi:build", "cat", "/out"])
            .succeeds()
            .stdout_is("built\n");
        // The broken stage as the target fails, with its line.
        s.tug(["build", "-q", "--target", "broken", &ctx])
            .fails()
            .code_is(1)
            .stderr_contains("Dockerfile:2:");
    }
}

/// Independent stages build at the same time: each RUN leaves a marker
/// in a shared cache mount and waits (bounded) for the other's, so one
/// after the other the first would give up and fail the build. A failing
/// stage stops its sibling and fails the build with its own line.
#[test]
fn independent_stages_build_in_parallel() {
    let wait = |me: &str, other: &str| {
        format!(
            "RUN --mount=type=cache,id=meet,target=/m touch /m/{me}; i=0; \
             while [ ! -e /m/{other} ]; do i=$((i+1)); [ $i -gt 600 ] && exit 7; sleep 0.1; done; \
             echo {me} > /{me}\n"
        )
    };
    for s in scenarios() {
        let dockerfile = format!(
            "FROM bb:1 AS a\n{}FROM bb:1 AS b\n{}FROM bb:1\nCOPY --from=a /a /a\nCOPY --from=b /b /b\nCMD [\"cat\", \"/a\", \"/b\"]\n",
            wait("a", "b"),
            wait("b", "a")
        );
        let ctx = files(&s, "parallel", &[("Dockerfile", &dockerfile)]);
        let o = s
            .tug(["build", "--progress=plain", "-t", "par:1", &ctx])
            .succeeds();
        let err = o.stderr();
        assert!(err.contains("[a 2/2] RUN"), "{}", o.dump());
        assert!(err.contains("[b 2/2] RUN"), "{}", o.dump());
        // Step numbers are the build's own: each appears once as a step.
        for n in 1..=8 {
            assert_eq!(
                err.lines()
                    .filter(|l| l.starts_with(&format!("#{n} [")))
                    .count(),
                1,
                "#{n}\n{}",
                o.dump()
            );
        }
        s.tug(["run", "--rm", "par:1"])
            .succeeds()
            .stdout_is("a\nb\n");
        assert_eq!(containers_left(&s), 0);
        // Again: every step cached, through the same children.
        let o = s
            .tug(["build", "--progress=plain", "-t", "par:1", &ctx])
            .succeeds();
        assert_eq!(o.stderr().matches("CACHED").count(), 5, "{}", o.dump());
        // A stage that fails while its sibling waits: the build fails
        // with the failing line, and no step container is left.
        let ctx = files(
            &s,
            "parallel-fail",
            &[(
                "Dockerfile",
                &format!(
                    "FROM bb:1 AS a\n{}FROM bb:1 AS b\nRUN exit 3\nFROM bb:1\nCOPY --from=a /a /a\nCOPY --from=b / /b\n",
                    wait("a", "never")
                ),
            )],
        );
        s.tug(["build", "--progress=plain", &ctx])
            .fails()
            .code_is(1)
            .stderr_contains("Dockerfile:4:");
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn instructions_heredocs_user_workdir_onbuild_healthcheck() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "instr",
            &[(
                "Dockerfile",
                "FROM bb:1\nENV A=1\nENV A=2 B=$A\nSHELL [\"/bin/sh\", \"-ec\"]\nRUN <<EOF\necho first > /h1\necho second >> /h1\nEOF\nCOPY <<EOF /h2\nfrom a heredoc\nEOF\nWORKDIR /app/sub\nRUN pwd > /wd\nUSER svc\nRUN id -u > /tmp/uid\nVOLUME /data\nSTOPSIGNAL SIGUSR1\nONBUILD RUN echo triggered > /tmp/onbuild\nHEALTHCHECK --interval=1s --timeout=5s CMD true\nCMD [\"sh\", \"-c\", \"cat /h1 /h2 /wd /tmp/uid; pwd; id -u; echo $A$B\"]\n",
            )],
        );
        s.tug(["build", "-q", "-t", "instr:1", &ctx]).succeeds();
        s.tug(["run", "--rm", "instr:1"])
            .succeeds()
            .stdout_is("first\nsecond\nfrom a heredoc\n/app/sub\n999\n/app/sub\n999\n21\n");
        let o = s
            .tug(["inspect", "--format", "{{json .Config.Volumes}} {{.Config.StopSignal}} {{json .Config.OnBuild}} {{json .Config.Healthcheck.Test}} {{json .Config.Shell}}", "instr:1"])
            .succeeds();
        assert_eq!(
            o.stdout().trim(),
            "{\"/data\":{}} SIGUSR1 [\"RUN echo triggered > /tmp/onbuild\"] [\"CMD-SHELL\",\"true\"] [\"/bin/sh\",\"-ec\"]"
        );
        // A child image runs the trigger.
        let child = files(
            &s,
            "child",
            &[(
                "Dockerfile",
                "FROM instr:1\nCMD [\"cat\", \"/tmp/onbuild\"]\n",
            )],
        );
        s.tug(["build", "-q", "-t", "child:1", &child]).succeeds();
        s.tug(["run", "--rm", "child:1"])
            .succeeds()
            .stdout_is("triggered\n");
        // The HEALTHCHECK runs: `ps` shows the container healthy.
        s.tug(["run", "-d", "--name", "hc", "instr:1", "sleep", "60"])
            .succeeds();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let ps = s.tug(["ps"]).succeeds().stdout();
            if ps.contains("(healthy)") {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "never healthy:\n{ps}");
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        s.tug(["rm", "-f", "hc"]).succeeds();
    }
}

#[test]
fn dockerignore_whiteouts_and_opaque_directories() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "ign",
            &[
                (
                    "Dockerfile",
                    "FROM bb:1\nCOPY . /ctx/\nRUN rm /bin/vi && mkdir -p /d && echo old > /d/old\nRUN rm -rf /d && mkdir /d && echo new > /d/new\nCMD [\"sh\", \"-c\", \"ls /ctx /ctx/logs /d; test -e /bin/vi || echo no-vi\"]\n",
                ),
                (".dockerignore", "secret.txt\nlogs\n!logs/keep.log\n"),
                ("keep.txt", "keep\n"),
                ("secret.txt", "secret\n"),
                ("logs/a.log", "a\n"),
                ("logs/keep.log", "k\n"),
            ],
        );
        s.tug(["build", "-q", "-t", "ign:1", &ctx]).succeeds();
        s.tug(["run", "--rm", "ign:1"]).succeeds().stdout_is(
            "/ctx:\nDockerfile\nkeep.txt\nlogs\n\n/ctx/logs:\nkeep.log\n\n/d:\nnew\nno-vi\n",
        );
        // `<Dockerfile>.dockerignore` beside the Dockerfile wins over the
        // context's own.
        let other = files(
            &s,
            "ign-other",
            &[
                (
                    "other.Dockerfile",
                    "FROM bb:1\nCOPY . /ctx/\nCMD [\"ls\", \"/ctx\"]\n",
                ),
                ("other.Dockerfile.dockerignore", "*.Dockerfile*\nkeep.txt\n"),
            ],
        );
        let file = format!("{other}/other.Dockerfile");
        s.tug(["build", "-q", "-f", &file, "-t", "ign:2", &ctx])
            .succeeds();
        s.tug(["run", "--rm", "ign:2"])
            .succeeds()
            .stdout_is("Dockerfile\nlogs\nsecret.txt\n");
    }
}

#[test]
fn cache_hits_and_explains_its_misses() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "cache",
            &[
                (
                    "Dockerfile",
                    "FROM bb:1\nARG V=1\nRUN echo run-$V > /r\nCOPY a.txt b.txt /files/\nRUN cat /files/a.txt > /copy\nCMD [\"cat\", \"/copy\"]\n",
                ),
                (".dockerignore", "ignored.txt\n"),
                ("a.txt", "one\n"),
                ("b.txt", "b\n"),
                ("ignored.txt", "x\n"),
            ],
        );
        let build = |extra: &[&str]| {
            let mut args = vec!["build", "--progress=plain", "-t", "cache:1"];
            args.extend_from_slice(extra);
            args.push(&ctx);
            s.tug(args).succeeds()
        };
        build(&[]);
        let second = build(&[]);
        assert_eq!(
            second.stderr().matches("CACHED").count(),
            4,
            "{}",
            second.dump()
        );
        assert!(!second.stderr().contains("not cached"), "{}", second.dump());
        // A file .dockerignore drops changes nothing.
        std::fs::write(std::path::Path::new(&ctx).join("ignored.txt"), "changed\n").unwrap();
        let third = build(&[]);
        assert_eq!(
            third.stderr().matches("CACHED").count(),
            4,
            "{}",
            third.dump()
        );
        // One COPY input changes: from that step on, and it says which.
        std::fs::write(std::path::Path::new(&ctx).join("a.txt"), "two\n").unwrap();
        let fourth = build(&[]);
        let err = fourth.stderr();
        assert_eq!(err.matches("CACHED").count(), 1, "{}", fourth.dump());
        assert!(
            err.contains("not cached: file a.txt changed"),
            "{}",
            fourth.dump()
        );
        assert!(
            err.contains("not cached: an earlier step was rebuilt"),
            "{}",
            fourth.dump()
        );
        s.tug(["run", "--rm", "cache:1"])
            .succeeds()
            .stdout_is("two\n");
        // A build argument, and --no-cache.
        let fifth = build(&["--build-arg", "V=2"]);
        assert!(
            fifth
                .stderr()
                .contains("not cached: build argument V changed"),
            "{}",
            fifth.dump()
        );
        let sixth = build(&["--no-cache"]);
        assert!(
            sixth.stderr().contains("not cached: --no-cache"),
            "{}",
            sixth.dump()
        );
        // builder prune empties it; system df knows it.
        let df = s
            .tug(["system", "df", "--format", "{{.Type}} {{.TotalCount}}"])
            .succeeds();
        assert!(!df.stdout().contains("Build Cache 0"), "{}", df.dump());
        s.tug(["builder", "prune", "-a", "-f"]).succeeds();
        let df = s
            .tug(["system", "df", "--format", "{{.Type}} {{.TotalCount}}"])
            .succeeds();
        assert!(df.stdout().contains("Build Cache 0"), "{}", df.dump());
        let again = build(&[]);
        assert!(!again.stderr().contains("CACHED"), "{}", again.dump());
        s.tug(["run", "--rm", "cache:1"])
            .succeeds()
            .stdout_is("two\n");
    }
}

/// Marks every entry of the store's context hash cache as hashed an hour
/// later than it was, so the next build trusts them (instead of waiting
/// out the racily-clean margin); the checksum is rewritten to match.
fn age_hash_cache(s: &Scenario) {
    use sha2::{Digest as _, Sha256};
    let path = s.store().join("build-cache/context-hashes");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let mut f: Vec<String> = line.split(' ').map(String::from).collect();
        if f.len() == 9 {
            f[6] = (f[6].parse::<i128>().unwrap() + 3_600_000_000_000).to_string();
        }
        if f[0] != "end" {
            out.push_str(&f.join(" "));
            out.push('\n');
        }
    }
    let sum = hex::encode(Sha256::digest(out.as_bytes()));
    out.push_str(&format!("end {sum}\n"));
    std::fs::write(&path, out).unwrap();
}

/// The context hash cache never hides a change: a same-size edit that
/// keeps the mtime misses, a touch stays cached, a corrupt cache file is
/// ignored and rewritten.
#[test]
fn context_hash_cache_sees_every_change() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "hashes",
            &[
                (
                    "Dockerfile",
                    "FROM bb:1\nCOPY . /files/\nCMD [\"cat\", \"/files/a.txt\"]\n",
                ),
                ("a.txt", "aaaa\n"),
                ("b.txt", "b\n"),
            ],
        );
        let a = std::path::Path::new(&ctx).join("a.txt");
        let cache = s.store().join("build-cache/context-hashes");
        let build = || {
            s.tug(["build", "--progress=plain", "-t", "hashes:1", &ctx])
                .succeeds()
        };
        build();
        age_hash_cache(&s);
        let o = build();
        assert_eq!(o.stderr().matches("CACHED").count(), 2, "{}", o.dump());
        // Same size, and the mtime put back to the nanosecond.
        let mtime = std::fs::metadata(&a).unwrap().modified().unwrap();
        std::fs::write(&a, "bbbb\n").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&a)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_eq!(std::fs::metadata(&a).unwrap().modified().unwrap(), mtime);
        let o = build();
        assert!(
            o.stderr().contains("not cached: file a.txt changed"),
            "{}",
            o.dump()
        );
        s.tug(["run", "--rm", "hashes:1"])
            .succeeds()
            .stdout_is("bbbb\n");
        // Touched, not changed: still cached.
        age_hash_cache(&s);
        std::fs::File::options()
            .write(true)
            .open(&a)
            .unwrap()
            .set_modified(std::time::SystemTime::now())
            .unwrap();
        let o = build();
        assert_eq!(o.stderr().matches("CACHED").count(), 2, "{}", o.dump());
        // A corrupt cache file is ignored, and written anew.
        std::fs::write(&cache, "tug-context-hashes 1\ngarbage\n").unwrap();
        let o = build();
        assert_eq!(o.stderr().matches("CACHED").count(), 2, "{}", o.dump());
        let text = std::fs::read_to_string(&cache).unwrap();
        assert!(!text.contains("garbage"), "{text}");
        assert!(text.lines().last().unwrap().starts_with("end "), "{text}");
        assert_eq!(text.lines().count(), 5, "{text}");
    }
}

#[test]
fn cache_mounts_keep_their_contents() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "cmount",
            &[(
                "Dockerfile",
                "FROM bb:1\nRUN --mount=type=cache,target=/cache echo x >> /cache/n && wc -l < /cache/n > /count\nCMD [\"cat\", \"/count\"]\n",
            )],
        );
        s.tug(["build", "-q", "-t", "cm:1", &ctx]).succeeds();
        s.tug(["build", "-q", "--no-cache", "-t", "cm:1", &ctx])
            .succeeds();
        s.tug(["run", "--rm", "cm:1"]).succeeds().stdout_is("2\n");
        // The mount point is no part of the image.
        s.tug([
            "run",
            "--rm",
            "cm:1",
            "sh",
            "-c",
            "test -e /cache || echo gone",
        ])
        .succeeds()
        .stdout_is("gone\n");
    }
}

#[test]
fn bad_input_fails_with_file_and_line_and_leaves_nothing() {
    for s in scenarios() {
        // Steps that worked stay cached (intermediate images, as Docker's
        // classic builder left them); the index gains nothing.
        let images = indexed_count(&s);
        for (text, want) in [
            (
                "FROM bb:1\nCOPY missing.txt /x\n",
                "Dockerfile:2: COPY failed: file not found in build context",
            ),
            (
                "FROM bb:1\nFOO bar\n",
                "Dockerfile:2: unknown instruction: FOO",
            ),
            ("FROM bad..name\n", "Dockerfile:1: FROM bad..name"),
            (
                "FROM bb:1\nRUN echo ok\nRUN echo boom; exit 3\n",
                "Dockerfile:3: RUN echo boom; exit 3: exit code 3 (last output: boom)",
            ),
        ] {
            let ctx = files(&s, "bad", &[("Dockerfile", text)]);
            let o = s
                .tug(["build", "-q", &ctx])
                .fails()
                .code_is(1)
                .one_line_error();
            assert!(o.stderr().contains(want), "{text:?}: {}", o.dump());
            assert_eq!(indexed_count(&s), images, "{text:?} left an image");
            assert_eq!(containers_left(&s), 0, "{text:?} left a container");
            assert_eq!(s.tug(["ps", "-a", "-q"]).succeeds().stdout(), "");
        }
        let tmp: Vec<_> = std::fs::read_dir(s.store().join("tmp"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(tmp.is_empty(), "temp files left: {tmp:?}");
        // Another platform is refused clearly.
        let ctx = files(&s, "plat", &[("Dockerfile", "FROM bb:1\n")]);
        s.tug(["build", "-q", "--platform", "linux/s390x", &ctx])
            .fails()
            .stderr_contains("host's platform");
    }
}

#[test]
fn ctrl_c_stops_a_run_step_and_leaves_nothing() {
    // One step, and two stages building at the same time (the signal
    // reaches the builder only; it passes it on to the stages' children).
    let cases = [
        ("intr", "FROM bb:1\nRUN echo started; sleep 120\n", 1),
        (
            "intr-parallel",
            "FROM bb:1 AS a\nRUN echo started; sleep 120\nFROM bb:1 AS b\nRUN echo started; sleep 120\nFROM bb:1\nCOPY --from=a /bin /a\nCOPY --from=b /bin /b\n",
            2,
        ),
    ];
    for s in scenarios() {
        for &(name, dockerfile, running) in &cases {
            let ctx = files(&s, name, &[("Dockerfile", dockerfile)]);
            let (mut child, rx) = s
                .tug(["build", "--progress=plain", &ctx])
                .spawn_stderr_lines();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            let mut seen = Vec::new();
            let mut started = 0;
            while started < running {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                match rx.recv_timeout(left) {
                    Ok(l) if l.contains("started") => started += 1,
                    Ok(l) => seen.push(l),
                    Err(_) => panic!("the step never started: {seen:?}"),
                }
            }
            // SAFETY: kill(2) on our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
            let status = child.wait().unwrap();
            assert_eq!(status.code(), Some(1), "{seen:?}");
            let mut rest = Vec::new();
            let mut said = false;
            while let Ok(l) = rx.recv_timeout(std::time::Duration::from_secs(10)) {
                if l.contains("build interrupted") {
                    said = true;
                    break;
                }
                rest.push(l);
                assert!(std::time::Instant::now() < deadline, "{rest:?}");
            }
            assert!(said, "no interruption message: {rest:?}");
            assert_eq!(containers_left(&s), 0, "a step container was left behind");
            let tmp: Vec<_> = std::fs::read_dir(s.store().join("tmp"))
                .unwrap()
                .flatten()
                .map(|e| e.file_name())
                .collect();
            assert!(tmp.is_empty(), "temp files left: {tmp:?}");
            let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
            assert!(
                !mounts.contains(s.store().to_str().unwrap()),
                "a mount of the store is left"
            );
        }
    }
}

/// A tar archive holding `dir/f` (owned by 33) for `ADD`'s extraction.
fn archive(path: &std::path::Path) {
    let f = std::fs::File::create(path).unwrap();
    let mut b = tar::Builder::new(f);
    let mut h = tar::Header::new_gnu();
    h.set_mode(0o644);
    h.set_size(7);
    h.set_uid(33);
    h.set_gid(33);
    b.append_data(&mut h, "dir/f", &b"in-tar\n"[..]).unwrap();
    b.into_inner().unwrap();
}

#[test]
fn copy_and_add_forms() {
    for s in scenarios() {
        // A loopback HTTP server for ADD <url>.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for c in listener.incoming().flatten().take(4) {
                use std::io::{Read, Write};
                let mut c = c;
                let mut buf = [0u8; 2048];
                let _ = c.read(&mut buf);
                let _ = c.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nfrom-url\n",
                );
            }
        });
        let ctx = files(
            &s,
            "forms",
            &[
                (
                    "Dockerfile",
                    &format!("FROM bb:1\nCOPY --chown=svc:www-data --chmod=640 a.txt /owned\nCOPY --parents src/x/*.c /p/\nCOPY --exclude=*.log src/ /ex/\nADD arch.tar /unpacked/\nADD http://127.0.0.1:{port}/file.txt /dl/\nCOPY --from=bb:1 /etc/group /group-from-image\nWORKDIR /w\nCOPY a.txt rel.txt\nCMD [\"sh\", \"-c\", \"stat -c '%U:%G %a' /owned; ls -R /p; ls /ex; cat /unpacked/dir/f; stat -c %u /unpacked/dir/f; cat /dl/file.txt; head -1 /group-from-image; cat /w/rel.txt\"]\n"),
                ),
                ("a.txt", "a\n"),
                ("src/x/one.c", "1\n"),
                ("src/x/two.h", "2\n"),
                ("src/keep.txt", "k\n"),
                ("src/drop.log", "d\n"),
            ],
        );
        archive(&std::path::Path::new(&ctx).join("arch.tar"));
        if s.is_rootless() {
            if let Some((uid, gid)) = user_ids(TEST_USER) {
                chown_r(std::path::Path::new(&ctx), uid, gid);
            }
        }
        let iid = s.path().join("iid");
        s.tug([
            "build",
            "-q",
            "--network",
            "host",
            "--label",
            "team=build",
            "--iidfile",
            iid.to_str().unwrap(),
            "-t",
            "forms:1",
            "-t",
            "forms:2",
            &ctx,
        ])
        .succeeds();
        s.tug(["run", "--rm", "forms:2"]).succeeds().stdout_is(
            "svc:www-data 640\n/p:\nsrc\n\n/p/src:\nx\n\n/p/src/x:\none.c\nkeep.txt\nx\nin-tar\n33\nfrom-url\nroot:x:0:\na\n",
        );
        let id = std::fs::read_to_string(&iid).unwrap();
        let o = s
            .tug([
                "inspect",
                "--format",
                "{{.Id}} {{.Config.Labels.team}}",
                "forms:1",
            ])
            .succeeds();
        assert_eq!(o.stdout().trim(), format!("{id} build"));
    }
}

#[test]
fn run_mounts_secrets_tmpfs_and_binds() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "mounts",
            &[
                (
                    "Dockerfile",
                    "FROM bb:1\nRUN --mount=type=secret,id=tok echo $(cat /run/secrets/tok) > /seen\nRUN --mount=type=secret,id=tok,env=TOK echo \"$TOK\" >> /seen\nRUN --mount=type=tmpfs,target=/scratch echo t > /scratch/t && cat /scratch/t >> /seen\nRUN --mount=type=bind,source=data,target=/mnt cat /mnt/d >> /seen\nRUN --network=none --mount=type=ssh true || true\nCMD [\"sh\", \"-c\", \"cat /seen; ls /scratch /mnt /run/secrets 2>&1 | wc -l\"]\n",
                ),
                ("data/d", "bound\n"),
                ("token", "s3cret"),
            ],
        );
        let secret = format!("id=tok,src={ctx}/token");
        let o = s
            .tug(["build", "-q", "--secret", &secret, "-t", "m:1", &ctx])
            .fails()
            .code_is(1);
        assert!(
            o.stderr()
                .contains("Dockerfile:6: --mount=type=ssh: ssh mounts are not supported"),
            "{}",
            o.dump()
        );
        let text = std::fs::read_to_string(std::path::Path::new(&ctx).join("Dockerfile"))
            .unwrap()
            .replace(
                "RUN --network=none --mount=type=ssh true || true\n",
                "RUN --network=none true\n",
            );
        std::fs::write(std::path::Path::new(&ctx).join("Dockerfile"), text).unwrap();
        s.tug(["build", "-q", "--secret", &secret, "-t", "m:1", &ctx])
            .succeeds();
        s.tug(["run", "--rm", "m:1"])
            .succeeds()
            .stdout_is("s3cret\ns3cret\nt\nbound\n3\n");
        // The secret is in no history entry nor config; its mount point
        // is in no layer (the `ls` above found none).
        for args in [["history", "--no-trunc", "m:1"], ["inspect", "m:1", "m:1"]] {
            let o = s.tug(args).succeeds();
            assert!(!o.stdout().contains("s3cret"), "{}", o.dump());
        }
    }
}

#[test]
fn dockerfile_and_context_from_stdin() {
    for s in scenarios() {
        // `-`: a Dockerfile alone.
        s.tug(["build", "-q", "-t", "stdin:1", "-"])
            .stdin("FROM bb:1\nRUN echo from-stdin > /s\nCMD [\"cat\", \"/s\"]\n")
            .succeeds();
        s.tug(["run", "--rm", "stdin:1"])
            .succeeds()
            .stdout_is("from-stdin\n");
        // `-f -` with a context directory.
        let ctx = files(&s, "fctx", &[("f.txt", "ctx-file\n")]);
        s.tug(["build", "-q", "-f", "-", "-t", "stdin:2", &ctx])
            .stdin("FROM bb:1\nCOPY f.txt /f\nCMD [\"cat\", \"/f\"]\n")
            .succeeds();
        s.tug(["run", "--rm", "stdin:2"])
            .succeeds()
            .stdout_is("ctx-file\n");
        // A context tar on stdin.
        let mut b = tar::Builder::new(Vec::new());
        for (name, body) in [
            (
                "Dockerfile",
                &b"FROM bb:1\nCOPY t.txt /t\nCMD [\"cat\", \"/t\"]\n"[..],
            ),
            ("t.txt", &b"from-tar\n"[..]),
        ] {
            let mut h = tar::Header::new_gnu();
            h.set_mode(0o644);
            h.set_size(body.len() as u64);
            b.append_data(&mut h, name, body).unwrap();
        }
        let data = b.into_inner().unwrap();
        s.tug(["build", "-q", "-t", "stdin:3", "-"])
            .stdin(data)
            .succeeds();
        s.tug(["run", "--rm", "stdin:3"])
            .succeeds()
            .stdout_is("from-tar\n");
    }
}

#[test]
fn run_mount_binds_a_stage() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "bindfrom",
            &[(
                "Dockerfile",
                "FROM bb:1 AS tools\nRUN echo tool > /tool\nFROM bb:1\nRUN --mount=type=bind,from=tools,source=/tool,target=/t cat /t > /used\nCMD [\"cat\", \"/used\"]\n",
            )],
        );
        s.tug(["build", "-q", "-t", "bf:1", &ctx]).succeeds();
        s.tug(["run", "--rm", "bf:1"])
            .succeeds()
            .stdout_is("tool\n");
        let tmp: Vec<_> = std::fs::read_dir(s.store().join("tmp"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(tmp.is_empty(), "temp files left: {tmp:?}");
    }
}

/// A base image missing from the store is pulled (from a loopback
/// registry-serve); `--pull` asks the registry again.
#[test]
fn from_pulls_a_missing_base_image() {
    if scenarios().is_empty() {
        return;
    }
    let Some(tar) = busybox_rootfs_tar() else {
        return;
    };
    let server = Scenario::new();
    let reg = Registry::start(&server, &[]);
    let pusher = Scenario::new();
    pusher
        .tug(["import", tar.to_str().unwrap(), "bb"])
        .succeeds();
    let name = format!("{}/bb:1", reg.addr);
    pusher.tug(["tag", "bb", &name]).succeeds();
    pusher.tug(["push", &name]).succeeds();
    let s = Scenario::new();
    let ctx = files(
        &s,
        "pull",
        &[(
            "Dockerfile",
            &format!("FROM {name}\nRUN echo on-pulled > /p\nCMD [\"cat\", \"/p\"]\n"),
        )],
    );
    let o = s
        .tug(["build", "--progress=plain", "-t", "pulled:1", &ctx])
        .succeeds();
    assert!(o.stderr().contains("Unable to find image"), "{}", o.dump());
    s.tug(["run", "--rm", "pulled:1"])
        .succeeds()
        .stdout_is("on-pulled\n");
    let o = s
        .tug([
            "build",
            "--progress=plain",
            "--pull",
            "-t",
            "pulled:1",
            &ctx,
        ])
        .succeeds();
    assert!(o.stderr().contains("up to date"), "{}", o.dump());
    assert!(o.stderr().contains("CACHED"), "{}", o.dump());
}

/// The names in a tar archive, by `tar -t`.
fn tar_names(path: &std::path::Path) -> Vec<String> {
    let out = std::process::Command::new("tar")
        .arg("-tf")
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "tar -tf {}", path.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_end_matches('/').to_string())
        .collect()
}

const OUTPUT_DOCKERFILE: &str = "FROM bb:1\nRUN echo made > /made && rm /bin/vi\nCOPY hello /hello\nCMD [\"cat\", \"/made\", \"/hello\"]\n";

#[test]
fn output_writes_oci_docker_tar_and_local() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "out",
            &[("Dockerfile", OUTPUT_DOCKERFILE), ("hello", "hello\n")],
        );
        let dir = std::path::PathBuf::from(files(&s, "dest", &[("keep", "")]));
        let before = indexed_count(&s);
        // Without -t the image goes to the output only, as buildx does.
        let oci = dir.join("img-oci.tar");
        s.tug([
            "build",
            "-q",
            "-o",
            &format!("type=oci,dest={}", oci.display()),
            &ctx,
        ])
        .succeeds();
        let names = tar_names(&oci);
        for want in ["oci-layout", "index.json", "blobs/sha256/"] {
            assert!(
                names.iter().any(|n| n.starts_with(want)),
                "{want} in {names:?}"
            );
        }
        assert_eq!(indexed_count(&s), before, "--output without -t indexed it");
        // A docker-archive loads into another store and runs there.
        let docker = dir.join("img-docker.tar");
        s.tug([
            "build",
            "-q",
            "-t",
            "outd:1",
            "--output",
            &format!("type=docker,dest={}", docker.display()),
            &ctx,
        ])
        .succeeds();
        assert!(tar_names(&docker).iter().any(|n| n == "manifest.json"));
        let fresh = Scenario::new();
        fresh
            .tug(["load", "-i", docker.to_str().unwrap()])
            .succeeds()
            .stdout_contains("outd:1");
        fresh
            .tug(["run", "--rm", "outd:1"])
            .succeeds()
            .stdout_is("made\nhello\n");
        // The filesystem as a tar: the file a RUN removed is absent.
        let fs = dir.join("fs.tar");
        s.tug([
            "build",
            "-q",
            "-o",
            &format!("type=tar,dest={}", fs.display()),
            &ctx,
        ])
        .succeeds();
        let names = tar_names(&fs);
        for want in ["made", "hello", "bin/sh", "etc"] {
            assert!(names.iter().any(|n| n == want), "{want} in fs.tar");
        }
        assert!(!names.iter().any(|n| n == "bin/vi"), "bin/vi in fs.tar");
        // `-o -`: the same tar on stdout.
        let o = s.tug(["build", "-q", "-o", "-", &ctx]).succeeds();
        let piped = dir.join("piped.tar");
        std::fs::write(&piped, &o.out.stdout).unwrap();
        assert_eq!(tar_names(&piped), names);
        // `-o DIR`: the filesystem written into DIR.
        let local = dir.join("local");
        s.tug(["build", "-q", "-o", local.to_str().unwrap(), &ctx])
            .succeeds();
        assert_eq!(
            std::fs::read_to_string(local.join("made")).unwrap(),
            "made\n"
        );
        assert!(local.join("bin/sh").exists());
        assert!(!local.join("bin/vi").exists());
        // Bad forms: one line each, nothing written.
        for bad in ["type=nope,dest=x", "type=local", "type=local,dest=-"] {
            s.tug(["build", "-q", "-o", bad, &ctx])
                .fails()
                .one_line_error();
        }
        assert_eq!(indexed_count(&s), before + 1, "only outd:1 was indexed");
    }
}

/// `--push` sends every `-t` name to registry-serve; a second store pulls
/// it and runs it.
#[test]
fn push_sends_every_tag() {
    for s in scenarios() {
        let server = Scenario::new();
        let reg = Registry::start(&server, &[]);
        let ctx = files(
            &s,
            "push",
            &[("Dockerfile", OUTPUT_DOCKERFILE), ("hello", "pushed\n")],
        );
        let a = format!("{}/built:1", reg.addr);
        let b = format!("{}/built:latest", reg.addr);
        s.tug(["build", "-q", "--push", "-t", &a, "-t", &b, &ctx])
            .succeeds();
        let fresh = Scenario::new();
        for name in [&a, &b] {
            fresh.tug(["pull", name]).succeeds();
            fresh
                .tug(["run", "--rm", name])
                .succeeds()
                .stdout_is("made\npushed\n");
        }
        // No -t: nowhere to push.
        s.tug(["build", "-q", "--push", &ctx])
            .fails()
            .one_line_error();
    }
}

/// podman runs an image tug built (through `tug save` and `podman load`),
/// and tug builds `FROM` an image podman built (through `podman save` and
/// `tug load`, both archive formats); root and rootless (podman too).
#[test]
fn podman_runs_what_tug_built_and_tug_builds_from_podmans() {
    if !have("podman") {
        assert!(!in_ci(), "podman is not installed under CI=true");
        eprintln!("SKIPPED: podman is not installed");
        return;
    }
    for s in scenarios() {
        let user = s.is_rootless().then_some(TEST_USER);
        let pd = s.path().join("podman");
        std::fs::create_dir_all(&pd).unwrap();
        let ctx = files(
            &s,
            "interop",
            &[("Dockerfile", OUTPUT_DOCKERFILE), ("hello", "from tug\n")],
        );
        s.tug(["build", "-q", "-t", "tugbuilt:1", &ctx]).succeeds();
        let saved = s.path().join("tugbuilt.tar");
        s.tug(["save", "-o", saved.to_str().unwrap(), "tugbuilt:1"])
            .succeeds();
        let mut c = podman_as(user, &pd);
        c.arg("load").arg("-i").arg(&saved);
        ok(c);
        let mut c = podman_as(user, &pd);
        // This host's hard limits are below podman's defaults; rootless
        // podman has no network here.
        c.args([
            "run",
            "--rm",
            "--network",
            "none",
            "--ulimit",
            "nofile=1024:1024",
            "--ulimit",
            "nproc=1024:1024",
            "tugbuilt:1",
        ]);
        assert_eq!(ok(c), "made\nfrom tug\n");
        // podman builds on a busybox it imported (COPY only: no runtime
        // needed), saves it; tug loads it and builds FROM it.
        let tar = busybox_rootfs_tar().unwrap();
        let mut c = podman_as(user, &pd);
        c.arg("import").arg(&tar).arg("localhost/pbb:1");
        ok(c);
        let pctx = files(
            &s,
            "pctx",
            &[
                ("Dockerfile", "FROM localhost/pbb:1\nCOPY note /note\n"),
                ("note", "from podman\n"),
            ],
        );
        let mut c = podman_as(user, &pd);
        c.args(["build", "-t", "localhost/pbuilt:1", &pctx]);
        ok(c);
        for format in ["oci-archive", "docker-archive"] {
            let out = pd.join(format!("podman-{format}.tar"));
            let mut c = podman_as(user, &pd);
            c.args(["save", "--format", format, "-o"])
                .arg(&out)
                .arg("localhost/pbuilt:1");
            ok(c);
            s.tug(["rmi", "-f", "localhost/pbuilt:1"]).run();
            s.tug(["load", "-i", out.to_str().unwrap()]).succeeds();
            let ctx = files(
                &s,
                &format!("on-{format}"),
                &[(
                    "Dockerfile",
                    "FROM localhost/pbuilt:1\nRUN echo and tug >> /note\nCMD [\"cat\", \"/note\"]\n",
                )],
            );
            s.tug(["build", "-q", "-t", "onpodman:1", &ctx]).succeeds();
            s.tug(["run", "--rm", "onpodman:1"])
                .succeeds()
                .stdout_is("from podman\nand tug\n");
        }
    }
}

/// Build steps' images are Docker's intermediate images: `images -a`
/// lists them as `<none>:<none>`, `images` does not, `inspect` shows the
/// `Parent`, and `rmi` removes untagged parents unless `--no-prune`.
#[test]
fn intermediate_images_as_docker_shows_them() {
    for s in scenarios() {
        let ctx = files(
            &s,
            "steps",
            &[(
                "Dockerfile",
                "FROM bb:1\nRUN echo 1 > /one\nENV A=1\nRUN echo 2 > /two\n",
            )],
        );
        let base = image_count(&s);
        let shown = indexed_count(&s);
        s.tug(["build", "-q", "-t", "steps:1", &ctx]).succeeds();
        assert_eq!(indexed_count(&s), shown + 1, "images shows intermediates");
        // The final image and its three steps' images below it (the last
        // step's image is the final one).
        assert_eq!(image_count(&s), base + 3, "images -a");
        let all = s.tug(["images", "-a"]).succeeds().stdout();
        assert_eq!(all.matches("<none>").count(), 4, "{all}");
        // Parent links lead from the final image down to bb:1.
        let id_of = |what: &str| {
            s.tug(["inspect", "-f", "{{.Id}}", what])
                .succeeds()
                .stdout()
                .trim()
                .to_string()
        };
        let parent_of = |what: &str| {
            s.tug(["inspect", "-f", "{{.Parent}}", what])
                .succeeds()
                .stdout()
                .trim()
                .to_string()
        };
        let mut id = id_of("steps:1");
        for _ in 0..3 {
            let p = parent_of(&id);
            assert!(p.starts_with("sha256:"), "{id} has no parent");
            id = p;
        }
        assert_eq!(id, id_of("bb:1"));
        assert_eq!(parent_of("bb:1"), "");
        // --no-prune keeps the parents; without it rmi takes them along.
        s.tug(["build", "-q", "-t", "steps:2", &ctx]).succeeds();
        s.tug(["rmi", "--no-prune", "steps:1"]).succeeds();
        assert_eq!(image_count(&s), base + 3, "--no-prune");
        s.tug(["build", "-q", "-t", "steps:1", &ctx]).succeeds();
        let o = s.tug(["rmi", "steps:1", "steps:2"]).succeeds();
        assert_eq!(o.stdout().matches("Deleted:").count(), 3, "{}", o.dump());
        assert_eq!(image_count(&s), base, "{}", o.dump());
        s.tug(["run", "--rm", "bb:1", "true"]).succeeds();
    }
}
