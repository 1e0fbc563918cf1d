//! What a Compose v2 user expects around builds, `exec` and `run`: build
//! args without a value taken from the environment, build secrets, ctrl-c
//! during `up --build`, `build`'s `--no-cache`/`--pull`, and the service's
//! ulimits, user, working directory and environment under `exec` and
//! `run`; root and rootless.

mod common;
mod compose_common;

use std::time::{Duration, Instant};

use common::*;
use compose_common::*;

/// Entries of the store's `tmp/` (none once a command is done).
fn tmp_left(s: &Scenario) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(s.store().join("tmp"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default()
}

const ARGS_DOCKERFILE: &str = "FROM bb:1\nARG FROM_ENV=default\nARG FROM_DOTENV=default\nARG UNSET=default\nARG GIVEN=default\nRUN echo \"$FROM_ENV $FROM_DOTENV $UNSET $GIVEN\" > /args\n";

#[test]
fn build_args_without_a_value_come_from_the_environment() {
    for s in stacks() {
        let yaml = "services:\n  map:\n    build:\n      context: .\n      args:\n        FROM_ENV:\n        FROM_DOTENV: null\n        UNSET:\n        GIVEN: given\n  list:\n    build:\n      context: .\n      args:\n        - FROM_ENV\n        - FROM_DOTENV\n        - UNSET\n        - GIVEN=listed\n";
        let dir = project(
            &s,
            "args",
            &[
                ("compose.yaml", yaml),
                ("Dockerfile", ARGS_DOCKERFILE),
                (
                    ".env",
                    "FROM_DOTENV=from-dotenv\nFROM_ENV=loses-to-the-process\nGIVEN=from-flag\n",
                ),
            ],
        );
        let mut build = compose(&s, &dir, &["build", "-q"]);
        build.cmd.env("FROM_ENV", "from-env").env_remove("UNSET");
        build.succeeds();
        for (image, given) in [("args-map", "given"), ("args-list", "listed")] {
            s.tug(["run", "--rm", image, "cat", "/args"])
                .succeeds()
                .stdout_is(&format!("from-env from-dotenv default {given}\n"));
        }
        // `--build-arg NAME` alone: the project's environment (.env too).
        let mut build = compose(
            &s,
            &dir,
            &[
                "build",
                "-q",
                "--build-arg",
                "GIVEN",
                "--build-arg",
                "UNSET",
                "map",
            ],
        );
        build.cmd.env("FROM_ENV", "from-env").env_remove("UNSET");
        build.succeeds();
        s.tug(["run", "--rm", "args-map", "cat", "/args"])
            .succeeds()
            .stdout_is("from-env from-dotenv default from-flag\n");
    }
}

#[test]
fn build_secrets_are_seen_by_run_and_left_out_of_the_image() {
    for s in stacks() {
        // The values are upper-cased on their way into the image, so
        // "s3cret" is nowhere in the Dockerfile, its history or its files.
        let dockerfile = "FROM bb:1\nRUN --mount=type=secret,id=token tr a-z A-Z < /run/secrets/token > /seen\nRUN --mount=type=secret,id=key,env=API_KEY echo \"$API_KEY\" | tr a-z A-Z >> /seen\nRUN --mount=type=secret,id=inline,target=/etc/inline tr a-z A-Z < /etc/inline >> /seen\n";
        let yaml = format!(
            "services:\n  app:\n    image: local/with-secrets:1\n    build:\n      context: .\n      dockerfile_inline: |\n{}      secrets:\n        - token\n        - source: apikey\n          target: key\n        - inline\n    command: [sleep, '1000']\nsecrets:\n  token:\n    file: ./token.txt\n  apikey:\n    environment: API_KEY\n  inline:\n    content: inline-s3cret\n",
            dockerfile
                .lines()
                .map(|l| format!("        {}\n", l.replace('$', "$$")))
                .collect::<String>()
        );
        let dir = project(
            &s,
            "sec",
            &[("compose.yaml", &yaml), ("token.txt", "file-s3cret\n")],
        );
        let mut up = compose(&s, &dir, &["up", "-d", "--build"]);
        up.cmd.env("API_KEY", "env-s3cret");
        let o = up.succeeds();
        assert!(o.stderr().contains(" Service app  Built"), "{}", o.dump());
        // Built under the service's `image:` name, and run from it.
        s.tug(["image", "inspect", "local/with-secrets:1"])
            .succeeds();
        compose(&s, &dir, &["exec", "-T", "app", "cat", "/seen"])
            .succeeds()
            .stdout_is("FILE-S3CRET\nENV-S3CRET\nINLINE-S3CRET");
        // Nothing of the secrets stayed: no mount point, no value in any
        // file of the image, nor in its config or history.
        compose(
            &s,
            &dir,
            &[
                "exec",
                "-T",
                "app",
                "sh",
                "-c",
                "test ! -e /run/secrets/token && test ! -e /etc/inline && find / -xdev -type f -exec grep -l s3cret {} + ; true",
            ],
        )
        .succeeds()
        .stdout_is("");
        let inspect = s
            .tug(["image", "inspect", "local/with-secrets:1"])
            .succeeds()
            .stdout();
        assert!(!inspect.contains("s3cret"), "{inspect}");
        let history = s
            .tug(["history", "--no-trunc", "local/with-secrets:1"])
            .succeeds()
            .stdout();
        assert!(!history.contains("s3cret"), "{history}");
        assert!(tmp_left(&s).is_empty(), "temp files left");
        compose(&s, &dir, &["down"]).succeeds();

        // Bad input: one line naming the secret and what is wrong.
        let mut b = compose(&s, &dir, &["build", "--no-cache"]);
        b.cmd.env_remove("API_KEY");
        let o = b.fails().one_line_error();
        assert!(
            o.stderr()
                .contains("secret \"apikey\": environment variable API_KEY is not set"),
            "{}",
            o.dump()
        );
        std::fs::remove_file(dir.join("token.txt")).unwrap();
        let mut b = compose(&s, &dir, &["build"]);
        b.cmd.env("API_KEY", "env-s3cret");
        let o = b.fails().one_line_error();
        let path = dir.join("token.txt");
        assert!(
            o.stderr()
                .contains(&format!("secret \"token\": {}", path.display())),
            "{}",
            o.dump()
        );
        write(
            &dir,
            "compose.yaml",
            "services:\n  app:\n    build:\n      context: .\n      dockerfile_inline: FROM bb:1\n      secrets: [nowhere]\n",
        );
        compose(&s, &dir, &["build"])
            .fails()
            .one_line_error()
            .stderr_contains("\"nowhere\" is not defined");
        assert_eq!(containers_left(&s), 0);
    }
}

#[test]
fn ctrl_c_during_a_build_of_up_create_run_or_build_leaves_nothing() {
    for s in stacks() {
        let dir = project(
            &s,
            "intr",
            &[(
                "compose.yaml",
                "services:\n  slow:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM bb:1\n        RUN echo step-started; sleep 120\n    command: [sleep, '1000']\n  other:\n    image: bb:1\n    command: [sleep, '1000']\n",
            )],
        );
        for args in [
            &["up", "--build"][..],
            &["up", "-d", "--build"],
            &["create", "--build"],
            &["run", "--rm", "slow"],
            &["build"],
        ] {
            let (mut child, rx) = compose(&s, &dir, args).spawn_stderr_lines();
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut seen = Vec::new();
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(l) if l.contains("step-started") => break,
                    Ok(l) => seen.push(l),
                    Err(_) => panic!("{args:?}: the step never started: {seen:?}"),
                }
            }
            // SAFETY: kill(2) on our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
            let status = child.wait().unwrap();
            // What it said until its stderr closed.
            let mut rest = Vec::new();
            while let Ok(l) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                rest.push(l);
            }
            assert_eq!(status.code(), Some(130), "{args:?}: {seen:?} {rest:?}");
            let errors: Vec<&String> = rest.iter().filter(|l| l.starts_with("tug:")).collect();
            assert_eq!(errors.len(), 1, "{args:?}: {rest:?}");
            assert!(
                errors[0].contains("service \"slow\"") && errors[0].contains("interrupted"),
                "{args:?}: {rest:?}"
            );
            assert_eq!(containers_left(&s), 0, "{args:?}: a container was left");
            assert!(tmp_left(&s).is_empty(), "{args:?}: temp files left");
            let nets = s
                .tug(["network", "ls", "--format", "{{.Name}}"])
                .succeeds()
                .stdout();
            assert!(!nets.contains("intr"), "{args:?}: networks left:\n{nets}");
            let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
            assert!(
                !mounts.contains(s.store().to_str().unwrap()),
                "{args:?}: a mount of the store is left"
            );
            s.tug(["image", "inspect", "intr-slow"]).fails();
        }
    }
}

#[test]
fn build_no_cache_and_build_arg() {
    for s in stacks() {
        let dir = project(
            &s,
            "flags",
            &[(
                "compose.yaml",
                "services:\n  app:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM bb:1\n        ARG MSG=file\n        RUN echo $$MSG > /msg\n      args: [MSG=from-file]\n",
            )],
        );
        compose(&s, &dir, &["build", "app"]).succeeds();
        let o = compose(&s, &dir, &["build", "app"]).succeeds();
        assert!(o.stderr().contains("CACHED"), "{}", o.dump());
        let o = compose(&s, &dir, &["build", "--no-cache", "app"]).succeeds();
        assert!(!o.stderr().contains("CACHED"), "{}", o.dump());
        s.tug(["run", "--rm", "flags-app", "cat", "/msg"])
            .succeeds()
            .stdout_is("from-file\n");
        compose(&s, &dir, &["build", "--build-arg", "MSG=from-flag"]).succeeds();
        s.tug(["run", "--rm", "flags-app", "cat", "/msg"])
            .succeeds()
            .stdout_is("from-flag\n");
        compose(&s, &dir, &["build", "--build-arg", "=x"])
            .fails()
            .one_line_error();
    }
}

#[test]
fn build_pull_takes_a_newer_base_image() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let stacks = stacks();
    if stacks.is_empty() {
        return;
    }
    let server = Scenario::new();
    let reg = Registry::start(&server, &[]);
    let pusher = Scenario::new();
    pusher
        .tug(["import", tar.to_str().unwrap(), "bb"])
        .succeeds();
    let base = format!("{}/base:1", reg.addr);
    let push_base = |version: &str| {
        let ctx = pusher.path().join(format!("base-{version}"));
        write(
            &ctx,
            "Dockerfile",
            &format!("FROM bb\nRUN echo {version} > /version\n"),
        );
        pusher
            .tug(["build", "-q", "-t", &base, ctx.to_str().unwrap()])
            .succeeds();
        pusher.tug(["push", &base]).succeeds();
    };
    push_base("one");
    for s in stacks {
        let dir = project(
            &s,
            "pull",
            &[(
                "compose.yaml",
                &format!("services:\n  app:\n    build:\n      context: .\n      dockerfile_inline: |\n        FROM {base}\n        CMD [\"cat\", \"/version\"]\n"),
            )],
        );
        compose(&s, &dir, &["build", "-q"]).succeeds();
        s.tug(["run", "--rm", "pull-app"])
            .succeeds()
            .stdout_is("one\n");
        push_base("two");
        // The stored base is used without --pull...
        compose(&s, &dir, &["build", "-q"]).succeeds();
        s.tug(["run", "--rm", "pull-app"])
            .succeeds()
            .stdout_is("one\n");
        // ...and the registry's newer one with it.
        compose(&s, &dir, &["build", "-q", "--pull"]).succeeds();
        s.tug(["run", "--rm", "pull-app"])
            .succeeds()
            .stdout_is("two\n");
        push_base("one");
    }
}

const LIMITS: &str = "ulimit -Sn; ulimit -Hn; ulimit -u; id -u; pwd; echo $A $B";

#[test]
fn exec_and_run_apply_the_services_ulimits_user_workdir_and_env() {
    for s in stacks() {
        let dir = project(
            &s,
            "lim",
            &[(
                "compose.yaml",
                "services:\n  app:\n    image: bb:1\n    command: [sleep, '1000']\n    user: '1000:1000'\n    working_dir: /tmp\n    environment: {A: from-service, B: kept}\n    ulimits:\n      nofile: {soft: 1024, hard: 2048}\n      nproc: 512\n",
            )],
        );
        compose(&s, &dir, &["up", "-d"]).succeeds();
        compose(&s, &dir, &["exec", "-T", "app", "sh", "-c", LIMITS])
            .succeeds()
            .stdout_is("1024\n2048\n512\n1000\n/tmp\nfrom-service kept\n");
        compose(
            &s,
            &dir,
            &[
                "exec",
                "-T",
                "-u",
                "0",
                "-w",
                "/",
                "-e",
                "A=from-flag",
                "app",
                "sh",
                "-c",
                LIMITS,
            ],
        )
        .succeeds()
        .stdout_is("1024\n2048\n512\n0\n/\nfrom-flag kept\n");
        // `tug exec` on the container is the same process.
        s.tug(["exec", "lim-app-1", "sh", "-c", "ulimit -Sn"])
            .succeeds()
            .stdout_is("1024\n");
        compose(&s, &dir, &["run", "--rm", "-T", "app", "sh", "-c", LIMITS])
            .succeeds()
            .stdout_is("1024\n2048\n512\n1000\n/tmp\nfrom-service kept\n");
        compose(&s, &dir, &["down"]).succeeds();
        assert_eq!(containers_left(&s), 0);
    }
}
