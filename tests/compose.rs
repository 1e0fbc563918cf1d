//! `tug compose`: the loader through the built binary (`compose config`).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `tug compose ARGS` run in `dir`.
fn compose(s: &Scenario, dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["compose"];
    all.extend_from_slice(args);
    let mut r = s.tug(all);
    r.cmd.current_dir(dir);
    r
}

fn json(o: &Outcome) -> serde_json::Value {
    serde_json::from_str(&o.stdout()).unwrap_or_else(|e| panic!("{e}\n{}", o.dump()))
}

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
    assert_eq!(web["command"], "echo $HOME");
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

// --- Projects run for real: `up -d`, checked, `down` leaves nothing. ---

/// A scenario with the busybox image imported as `bb:1`; its projects are
/// torn down when the test ends, even by a failed assertion.
struct Stack(Scenario);

impl std::ops::Deref for Stack {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.0
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let ids = self.0.tug(["ps", "-aq"]).run().stdout();
        for id in ids.split_whitespace() {
            self.0.tug(["rm", "-f", id]).run();
        }
        self.0.tug(["network", "prune", "-f"]).run();
    }
}

/// Root and rootless scenarios with `bb:1`.
fn stacks() -> Vec<Stack> {
    let mut out = Vec::new();
    if !is_root() {
        assert!(!in_ci(), "compose tests need root under CI=true");
        eprintln!("SKIPPED: compose tests need root (and switch to {TEST_USER} for rootless)");
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
        let copy = s.path().join("rootfs.tar");
        std::fs::copy(&tar, &copy).unwrap();
        s.tug(["import", copy.to_str().unwrap(), "bb:1"]).succeeds();
        out.push(Stack(s));
    }
    out
}

/// Writes the project's files under `<scenario>/<name>` (owned by the
/// test user when rootless); scripts (`.sh`, under cgi-bin) executable.
fn project(s: &Scenario, name: &str, files: &[(&str, &str)]) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = s.path().join(name);
    for (f, text) in files {
        write(&dir, f, text);
        if f.contains("cgi-bin/") || f.ends_with(".sh") {
            std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    if s.is_rootless() {
        let (u, g) = user_ids(TEST_USER).unwrap();
        chown_r(&dir, u, g);
    }
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET `path` from the host's loopback `port` until it answers 200.
fn get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let r = (|| -> std::io::Result<String> {
            let mut c = std::net::TcpStream::connect(("127.0.0.1", port))?;
            c.set_read_timeout(Some(Duration::from_secs(5)))?;
            c.write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes())?;
            let mut out = String::new();
            c.read_to_string(&mut out)?;
            Ok(out)
        })();
        match r {
            Ok(body) if body.contains("200 OK") => return body,
            other if Instant::now() > deadline => panic!("GET :{port}{path} failed: {other:?}"),
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The IDs of the project's containers, by name.
fn ids(s: &Scenario, dir: &Path) -> std::collections::BTreeMap<String, String> {
    compose(s, dir, &["ps", "-a", "--format", "{{.Name}} {{.ID}}"])
        .succeeds()
        .stdout()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(n, i)| (n.to_string(), i.to_string()))
        .collect()
}

/// The bridges of the project's networks (root: to check they go away).
fn bridges(s: &Scenario, project: &str) -> Vec<String> {
    s.tug([
        "network",
        "ls",
        "-q",
        "--filter",
        &format!("label=com.docker.compose.project={project}"),
    ])
    .succeeds()
    .stdout()
    .split_whitespace()
    .map(|id| format!("br-{}", &id[..12]))
    .collect()
}

/// `down -v` and nothing of the project is left: no container, network,
/// volume, monitor, bridge or firewall rule.
fn down_leaves_nothing(s: &Scenario, dir: &Path, project: &str) {
    let links = bridges(s, project);
    compose(s, dir, &["down", "-v"]).succeeds();
    s.tug(["ps", "-aq"]).succeeds().stdout_is("");
    let nets = s
        .tug(["network", "ls", "--format", "{{.Name}}"])
        .succeeds()
        .stdout();
    assert!(!nets.contains(project), "networks left:\n{nets}");
    let vols = s.tug(["volume", "ls", "-q"]).succeeds().stdout();
    assert!(!vols.contains(project), "volumes left:\n{vols}");
    let store = s.store().display().to_string();
    let procs = std::process::Command::new("pgrep")
        .args(["-f", &format!("{store} container-monitor")])
        .output()
        .unwrap();
    assert!(procs.stdout.is_empty(), "monitors left");
    if !s.is_rootless() && !links.is_empty() {
        let ip = std::process::Command::new("ip")
            .args(["-o", "link"])
            .output()
            .unwrap();
        let ip = String::from_utf8_lossy(&ip.stdout).to_string();
        let nft = std::process::Command::new("nft")
            .args(["list", "ruleset"])
            .output()
            .unwrap();
        let nft = String::from_utf8_lossy(&nft.stdout).to_string();
        for l in &links {
            assert!(!ip.contains(l.as_str()), "{l} left:\n{ip}");
            assert!(!nft.contains(l.as_str()), "rules for {l} left:\n{nft}");
        }
    }
}

const CGI: &str = "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n";

#[test]
fn wordpress_shaped_stack_db_app_proxy() {
    for s in stacks() {
        let port = free_port();
        let dir = project(
            &s,
            "press",
            &[
                (
                    "compose.yaml",
                    &format!(
                        "services:\n  db:\n    image: bb:1\n    command: [sh, -c, 'echo db-row > /data/index.html && exec httpd -f -p 3306 -h /data']\n    volumes: [dbdata:/data]\n    healthcheck:\n      test: [CMD, wget, -q, -O-, http://127.0.0.1:3306/]\n      interval: 1s\n  app:\n    image: bb:1\n    command: [httpd, -f, -p, '80', -h, /srv]\n    volumes: ['./app:/srv:ro']\n    environment:\n      DB_HOST: db:3306\n    depends_on:\n      db: {{condition: service_healthy}}\n  proxy:\n    image: bb:1\n    command: [httpd, -f, -p, '8080', -h, /srv]\n    volumes: ['./proxy:/srv:ro']\n    ports: ['127.0.0.1:{port}:8080']\n    depends_on: [app]\nvolumes:\n  dbdata:\n"
                    ),
                ),
                ("app/cgi-bin/page", &format!("{CGI}echo app-page; wget -q -O- http://$DB_HOST/\n")),
                ("proxy/cgi-bin/index", &format!("{CGI}echo via-proxy; wget -q -O- http://app/cgi-bin/page\n")),
            ],
        );
        compose(&s, &dir, &["up", "-d"]).succeeds();
        let page = get(port, "/cgi-bin/index");
        assert!(page.contains("via-proxy\napp-page\ndb-row"), "{page}");
        // Only the proxy publishes; the labels are Compose's.
        let ps = compose(&s, &dir, &["ps", "--format", "{{.Service}} {{.Ports}}"])
            .succeeds()
            .stdout();
        assert!(
            ps.contains(&format!("proxy 127.0.0.1:{port}->8080/tcp")),
            "{ps}"
        );
        assert!(
            ps.contains("db \n") || ps.lines().any(|l| l.trim() == "db"),
            "{ps}"
        );
        let labels = s
            .tug([
                "inspect",
                "--format",
                "{{json .Config.Labels}}",
                "press-app-1",
            ])
            .succeeds()
            .stdout();
        for want in [
            "\"com.docker.compose.project\":\"press\"",
            "\"com.docker.compose.service\":\"app\"",
            "\"com.docker.compose.container-number\":\"1\"",
            "\"com.docker.compose.oneoff\":\"False\"",
            "com.docker.compose.config-hash",
        ] {
            assert!(labels.contains(want), "{want} in {labels}");
        }
        compose(&s, &dir, &["ls"])
            .succeeds()
            .stdout_contains("press");
        compose(&s, &dir, &["port", "proxy", "8080"])
            .succeeds()
            .stdout_is(&format!("127.0.0.1:{port}\n"));
        compose(&s, &dir, &["logs", "db"]).succeeds();
        down_leaves_nothing(&s, &dir, "press");
    }
}

/// A balancer in front of `web`'s replicas: it asks every address the
/// name `web` has on the project network for the replica's host name.
const BALANCER: &str =
    "for ip in $(awk '/\\sweb(\\s|$)/ {print $1}' /etc/hosts); do wget -q -O- http://$ip/; done\n";

#[test]
fn load_balancer_reaches_every_replica_by_name_and_scale() {
    for s in stacks() {
        let port = free_port();
        let dir = project(
            &s,
            "lb",
            &[
                (
                    "compose.yaml",
                    &format!(
                        "services:\n  web:\n    image: bb:1\n    command: [sh, -c, 'mkdir /w && hostname > /w/index.html && exec httpd -f -p 80 -h /w']\n    deploy: {{replicas: 2}}\n  lb:\n    image: bb:1\n    command: [httpd, -f, -p, '80', -h, /srv]\n    volumes: ['./lb:/srv:ro']\n    ports: ['127.0.0.1:{port}:80']\n    depends_on: [web]\n"
                    ),
                ),
                ("lb/cgi-bin/all", &format!("{CGI}{BALANCER}")),
            ],
        );
        compose(&s, &dir, &["up", "-d"]).succeeds();
        let hosts = |want: usize| {
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                let body = get(port, "/cgi-bin/all");
                let names: std::collections::BTreeSet<String> = body
                    .split("\r\n\r\n")
                    .nth(1)
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_string)
                    .collect();
                if names.len() == want || Instant::now() > deadline {
                    return names;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        };
        assert_eq!(hosts(2).len(), 2);
        let before = ids(&s, &dir);
        compose(&s, &dir, &["up", "-d", "--scale", "web=3"]).succeeds();
        assert_eq!(
            hosts(3).len(),
            3,
            "all three replicas answer by the name web"
        );
        let after = ids(&s, &dir);
        for (name, id) in &before {
            assert_eq!(
                after.get(name),
                Some(id),
                "{name} is not recreated by scaling"
            );
        }
        assert!(after.contains_key("lb-web-3"), "{after:?}");
        down_leaves_nothing(&s, &dir, "lb");
    }
}

#[test]
fn depends_on_healthy_waits_and_unhealthy_fails() {
    for s in stacks() {
        let dir = project(
            &s,
            "order",
            &[(
                "compose.yaml",
                "services:\n  db:\n    image: bb:1\n    command: [sh, -c, 'sleep 1; cut -d\" \" -f1 /proc/uptime > /shared/ready; exec sleep 1000']\n    volumes: [shared:/shared]\n    healthcheck:\n      test: [CMD-SHELL, test -f /shared/ready]\n      interval: 500ms\n  app:\n    image: bb:1\n    command: [sh, -c, 'cut -d\" \" -f1 /proc/uptime > /shared/app; exec sleep 1000']\n    volumes: [shared:/shared]\n    depends_on:\n      db: {condition: service_healthy}\n      migrate: {condition: service_completed_successfully}\n  migrate:\n    image: bb:1\n    command: [sh, -c, 'echo migrated > /shared/migrated']\n    volumes: [shared:/shared]\nvolumes:\n  shared:\n",
            )],
        );
        compose(&s, &dir, &["up", "-d"]).succeeds();
        let read = |f: &str| -> f64 {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let o = compose(&s, &dir, &["exec", "-T", "app", "cat", f]).run();
                if let Ok(v) = o.stdout().trim().parse() {
                    return v;
                }
                assert!(Instant::now() < deadline, "{f}: {}", o.dump());
                std::thread::sleep(Duration::from_millis(100));
            }
        };
        compose(&s, &dir, &["exec", "-T", "app", "cat", "/shared/migrated"])
            .succeeds()
            .stdout_is("migrated\n");
        let (ready, app) = (read("/shared/ready"), read("/shared/app"));
        assert!(app >= ready, "app started at {app}, db ready at {ready}");
        down_leaves_nothing(&s, &dir, "order");

        let dir = project(
            &s,
            "sick",
            &[(
                "compose.yaml",
                "services:\n  db:\n    image: bb:1\n    command: [sleep, '1000']\n    healthcheck:\n      test: [CMD, 'false']\n      interval: 300ms\n      retries: 2\n  app:\n    image: bb:1\n    command: [sleep, '1000']\n    depends_on:\n      db: {condition: service_healthy}\n",
            )],
        );
        compose(&s, &dir, &["up", "-d"])
            .fails()
            .code_is(125)
            .stderr_contains("container sick-db-1 is unhealthy");
        let names = ids(&s, &dir);
        assert!(!names.contains_key("sick-app-1"), "{names:?}");
        down_leaves_nothing(&s, &dir, "sick");
    }
}

#[test]
fn up_twice_recreates_only_what_changed_and_removes_orphans() {
    for s in stacks() {
        let two = "services:\n  a:\n    image: bb:1\n    command: [sleep, '1000']\n    environment: {LEVEL: one}\n  b:\n    image: bb:1\n    command: [sh, -c, 'test -f /once || { touch /once; exit 3; }; exec sleep 1000']\n    restart: on-failure\n  c:\n    image: bb:1\n    command: [sleep, '1000']\n";
        let dir = project(&s, "again", &[("compose.yaml", two)]);
        compose(&s, &dir, &["up", "-d"]).succeeds();
        // restart: on-failure brings b back after it fails once.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let st = s
                .tug([
                    "inspect",
                    "--format",
                    "{{.RestartCount}} {{.State.Status}}",
                    "again-b-1",
                ])
                .succeeds()
                .stdout();
            if st.trim() == "1 running" {
                break;
            }
            assert!(Instant::now() < deadline, "{st}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let first = ids(&s, &dir);
        let o = compose(&s, &dir, &["up", "-d"]).succeeds();
        assert!(
            !o.stderr().contains("Created") && !o.stderr().contains("Recreated"),
            "{}",
            o.dump()
        );
        assert_eq!(ids(&s, &dir), first, "nothing recreated");
        write(
            &dir,
            "compose.yaml",
            &two.replace("LEVEL: one", "LEVEL: two")
                .replace("  c:\n    image: bb:1\n    command: [sleep, '1000']\n", ""),
        );
        if s.is_rootless() {
            let (u, g) = user_ids(TEST_USER).unwrap();
            chown_r(&dir, u, g);
        }
        let o = compose(&s, &dir, &["up", "-d"]).succeeds();
        assert!(o.stderr().contains("orphan"), "{}", o.dump());
        let second = ids(&s, &dir);
        assert_ne!(
            second["again-a-1"], first["again-a-1"],
            "a changed: recreated"
        );
        assert_eq!(second["again-b-1"], first["again-b-1"], "b unchanged");
        compose(&s, &dir, &["exec", "-T", "a", "sh", "-c", "echo $LEVEL"])
            .succeeds()
            .stdout_is("two\n");
        compose(&s, &dir, &["up", "-d", "--remove-orphans"]).succeeds();
        assert!(!ids(&s, &dir).contains_key("again-c-1"));
        compose(&s, &dir, &["stop", "b"]).succeeds();
        compose(&s, &dir, &["ps", "--services"])
            .succeeds()
            .stdout_is("a\n");
        compose(&s, &dir, &["start"]).succeeds();
        // Without the file, `-p NAME` finds the project by its labels.
        let o = compose(&s, s.path(), &["-p", "again", "ps", "-q"]).succeeds();
        assert_eq!(o.stdout().lines().count(), 2, "{}", o.dump());
        if !s.is_rootless() {
            // (Rootless containers have no freezer without cgroup delegation.)
            compose(&s, s.path(), &["-p", "again", "pause", "a"]).succeeds();
            compose(&s, &dir, &["ps", "--status", "paused", "--services"])
                .succeeds()
                .stdout_is("a\n");
            compose(&s, &dir, &["unpause"]).succeeds();
        }
        compose(&s, &dir, &["restart", "-t", "1", "a"]).succeeds();
        compose(&s, &dir, &["ps", "--format", "{{.Name}} {{.State}}"])
            .succeeds()
            .stdout_is("again-a-1 running\nagain-b-1 running\n");
        down_leaves_nothing(&s, &dir, "again");
    }
}

#[test]
fn dotenv_extends_include_profiles_and_several_files() {
    for s in stacks() {
        let dir = project(
            &s,
            "layers",
            &[
                (".env", "IMG=bb:1\nGREETING=hi-from-dotenv\n"),
                (
                    "compose.yaml",
                    "include: [inc/extra.yaml]\nservices:\n  a:\n    image: ${IMG}\n    command: [sleep, '1000']\n    environment: {MSG: $GREETING}\n  b:\n    extends: a\n  tools:\n    image: ${IMG}\n    command: [sleep, '1000']\n    profiles: [debug]\n",
                ),
                ("override.yaml", "services:\n  a:\n    environment: {EXTRA: more}\n"),
                ("inc/extra.yaml", "services:\n  inc:\n    image: bb:1\n    command: [sleep, '1000']\n"),
            ],
        );
        let f = ["-f", "compose.yaml", "-f", "override.yaml"];
        let with = |extra: &[&str]| -> Vec<String> {
            f.iter().chain(extra).map(|x| x.to_string()).collect()
        };
        let args = with(&["up", "-d"]);
        compose(
            &s,
            &dir,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .succeeds();
        let names = ids(&s, &dir);
        let keys: Vec<&str> = names.keys().map(String::as_str).collect();
        assert_eq!(keys, ["layers-a-1", "layers-b-1", "layers-inc-1"]);
        let args = with(&["exec", "-T", "a", "sh", "-c", "echo $MSG $EXTRA"]);
        compose(
            &s,
            &dir,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .succeeds()
        .stdout_is("hi-from-dotenv more\n");
        let args = with(&["--profile", "debug", "up", "-d"]);
        compose(
            &s,
            &dir,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .succeeds();
        assert!(ids(&s, &dir).contains_key("layers-tools-1"));
        // cp both ways.
        let host = dir.join("note.txt");
        write(&dir, "note.txt", "carried\n");
        if s.is_rootless() {
            let (u, g) = user_ids(TEST_USER).unwrap();
            chown_r(&dir, u, g);
        }
        compose(
            &s,
            &dir,
            &["cp", host.to_str().unwrap(), "inc:/tmp/note.txt"],
        )
        .succeeds();
        let back = dir.join("back.txt");
        compose(
            &s,
            &dir,
            &["cp", "inc:/tmp/note.txt", back.to_str().unwrap()],
        )
        .succeeds();
        assert_eq!(std::fs::read_to_string(&back).unwrap(), "carried\n");
        let args = with(&["--profile", "debug", "down", "-v"]);
        compose(
            &s,
            &dir,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .succeeds();
        s.tug(["ps", "-aq"]).succeeds().stdout_is("");
    }
}

#[test]
fn bad_input_creates_nothing_and_down_cleans_a_failed_up() {
    for s in stacks() {
        let nets_before = s.tug(["network", "ls", "-q"]).succeeds().stdout();
        let dir = project(
            &s,
            "broken",
            &[(
                "compose.yaml",
                "services:\n  a:\n    image: bb:1\n    env_file: missing.env\n",
            )],
        );
        compose(&s, &dir, &["up", "-d"])
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains("missing.env");
        write(&dir, "compose.yaml", "services:\n  a:\n    image: bb:1\n    command: [sleep, '1000']\n  b:\n    image: localhost:1/nosuch:1\n");
        compose(&s, &dir, &["up", "-d"])
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains("service \"b\"");
        s.tug(["ps", "-aq"]).succeeds().stdout_is("");
        s.tug(["network", "ls", "-q"])
            .succeeds()
            .stdout_is(&nets_before);
        // A build service, until the builder is wired in: one line, nothing made.
        write(
            &dir,
            "compose.yaml",
            "services:\n  a:\n    image: bb:1\n  b:\n    build: .\n",
        );
        compose(&s, &dir, &["up", "-d"])
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains("build: not available yet");
        s.tug(["ps", "-aq"]).succeeds().stdout_is("");
        // A service that fails midway: up names it; down still cleans.
        write(&dir, "compose.yaml", "services:\n  a:\n    image: bb:1\n    command: [sleep, '1000']\n  b:\n    image: bb:1\n    command: [nosuchcommand]\n    depends_on: [a]\n  c:\n    image: bb:1\n    depends_on: [b]\n");
        if s.is_rootless() {
            let (u, g) = user_ids(TEST_USER).unwrap();
            chown_r(&dir, u, g);
        }
        let o = compose(&s, &dir, &["up", "-d"]).fails();
        let last = o.stderr().lines().last().unwrap_or_default().to_string();
        assert!(last.starts_with("tug: service \"b\""), "{}", o.dump());
        down_leaves_nothing(&s, &dir, "broken");
    }
}

#[test]
fn compose_up_and_docker_compose_names() {
    let s = Scenario::new();
    let dir = s.path().join("names");
    write(&dir, "compose.yaml", "services:\n  a:\n    image: bb:1\n");
    let bin = s.path().join("links");
    s.tug(["install-links", "--docker", bin.to_str().unwrap()])
        .succeeds();
    let mut r = s.command_at(&bin.join("docker-compose"), ["config", "--services"]);
    r.cmd.current_dir(&dir);
    r.succeeds().stdout_is("a\n");
    let mut r = s.command_at(&bin.join("compose-up"), ["--help"]);
    r.cmd.current_dir(&dir);
    r.succeeds().stdout_contains("--abort-on-container-exit");
    s.tug(["compose", "version", "--short"])
        .succeeds()
        .stdout_is(&format!("{}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn foreground_up_prefixes_logs_and_ctrl_c_stops_gracefully() {
    use std::io::BufRead;
    for s in stacks() {
        let dir = project(
            &s,
            "fg",
            &[(
                "compose.yaml",
                "services:\n  one:\n    image: bb:1\n    command: [sh, -c, 'echo hello from one']\n  two:\n    image: bb:1\n    command: [sh, -c, 'trap \"echo got TERM; exit 3\" TERM; echo ready; while true; do sleep 0.1; done']\n    secrets: [token]\nsecrets:\n  token: {environment: TOKEN}\n",
            )],
        );
        let mut r = compose(&s, &dir, &["up"]);
        r.cmd
            .env("TOKEN", "t0k")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = r.cmd.spawn().unwrap();
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in out.lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !seen.iter().any(|l: &String| l == "fg-two-1  | ready") {
            assert!(Instant::now() < deadline, "{seen:?}");
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
                seen.push(l);
            }
        }
        compose(
            &s,
            &dir,
            &["exec", "-T", "two", "cat", "/run/secrets/token"],
        )
        .succeeds()
        .stdout_is("t0k");
        // SAFETY: a signal to the child we spawned.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let status = child.wait().unwrap();
        seen.extend(rx.iter());
        assert_eq!(status.code(), Some(130), "{seen:?}");
        assert!(
            seen.contains(&"fg-one-1  | hello from one".to_string()),
            "{seen:?}"
        );
        assert!(
            seen.contains(&"fg-two-1  | got TERM".to_string()),
            "{seen:?}"
        );
        compose(
            &s,
            &dir,
            &["ps", "-a", "--format", "{{.Name}} {{.State}} {{.ExitCode}}"],
        )
        .succeeds()
        .stdout_is("fg-one-1 exited 0\nfg-two-1 exited 3\n");
        // `run --rm` is a one-off beside them; `up --wait` returns once they run.
        compose(&s, &dir, &["run", "--rm", "-T", "one", "echo", "one-off"])
            .succeeds()
            .stdout_is("one-off\n");
        compose(&s, &dir, &["up", "-d", "--wait", "two"]).succeeds();
        compose(&s, &dir, &["ps", "--format", "{{.Name}} {{.State}}"])
            .succeeds()
            .stdout_is("fg-two-1 running\n");
        down_leaves_nothing(&s, &dir, "fg");
    }
}

#[test]
fn declared_networks_external_resources_and_links() {
    for s in stacks() {
        s.tug(["network", "create", "outside"]).succeeds();
        s.tug(["volume", "create", "keep"]).succeeds();
        let dir = project(
            &s,
            "nets",
            &[(
                "compose.yaml",
                "services:\n  a:\n    image: bb:1\n    command: [sleep, '1000']\n    networks:\n      back: {ipv4_address: 10.77.0.10, aliases: [alpha]}\n      ext: {}\n    volumes: [kept:/k, named:/n]\n  b:\n    image: bb:1\n    command: [sleep, '1000']\n    networks: [back]\n    links: ['a:linked']\nnetworks:\n  back:\n    internal: true\n    ipam:\n      config: [{subnet: 10.77.0.0/24}]\n  ext:\n    external: true\n    name: outside\nvolumes:\n  kept: {external: true, name: keep}\n  named: {labels: {team: x}}\n",
            )],
        );
        compose(&s, &dir, &["up", "-d"]).succeeds();
        compose(
            &s,
            &dir,
            &[
                "exec",
                "-T",
                "b",
                "sh",
                "-c",
                "ping -c1 -W2 alpha >/dev/null && ping -c1 -W2 linked | head -1",
            ],
        )
        .succeeds()
        .stdout_contains("10.77.0.10");
        s.tug([
            "network",
            "inspect",
            "nets_back",
            "--format",
            "{{.Internal}}",
        ])
        .succeeds()
        .stdout_is("true\n");
        s.tug([
            "volume",
            "inspect",
            "nets_named",
            "--format",
            "{{json .Labels}}",
        ])
        .succeeds()
        .stdout_contains("\"team\":\"x\"");
        compose(&s, &dir, &["down", "-v"]).succeeds();
        // External ones stay; the project's are gone.
        s.tug(["network", "ls", "--format", "{{.Name}}"])
            .succeeds()
            .stdout_is("bridge\nhost\nnone\noutside\n");
        s.tug(["volume", "ls", "-q"]).succeeds().stdout_is("keep\n");
        s.tug(["network", "rm", "outside"]).succeeds();
    }
}

#[test]
fn push_and_pull_service_images_through_a_registry() {
    let Some(tar) = busybox_rootfs_tar() else {
        assert!(!in_ci(), "busybox-static is not installed under CI=true");
        eprintln!("SKIPPED: busybox-static is not installed");
        return;
    };
    let hub = Scenario::new();
    let reg = Registry::start(&hub, &[]);
    let image = format!("{}/team/bb:1", reg.addr);
    let file = format!("services:\n  a:\n    image: {image}\n  b:\n    build: .\n");
    let here = Scenario::new();
    here.tug(["import", tar.to_str().unwrap(), &image])
        .succeeds();
    let dir = here.path().join("pushed");
    write(&dir, "compose.yaml", &file);
    compose(&here, &dir, &["push", "-q"]).succeeds();
    let there = Scenario::new();
    let dir = there.path().join("pulled");
    write(&dir, "compose.yaml", &file);
    compose(&there, &dir, &["pull", "a"]).succeeds();
    there.tug(["image", "inspect", &image]).succeeds();
    compose(&there, &dir, &["images"]).succeeds();
}
