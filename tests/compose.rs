//! `tug compose`: projects run for real (`up -d`, checked, `down` leaves
//! nothing), root and rootless.

mod common;
mod compose_common;

use std::time::{Duration, Instant};

use common::*;
use compose_common::*;

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
        // A build service whose build cannot start (no Dockerfile): one
        // line, nothing made.
        write(
            &dir,
            "compose.yaml",
            "services:\n  a:\n    image: bb:1\n  b:\n    build: .\n",
        );
        compose(&s, &dir, &["up", "-d"])
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains("service \"b\": build: reading");
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

#[test]
fn sysctls_are_set_in_the_service_containers() {
    for s in stacks() {
        let dir = project(
            &s,
            "tuned",
            &[(
                "compose.yaml",
                "services:\n  a:\n    image: bb:1\n    command: [sleep, '1000']\n    sysctls:\n      net.ipv4.ip_forward: 1\n  b:\n    image: bb:1\n    command: [sleep, '1000']\n    sysctls: [net.core.somaxconn=1024]\n",
            )],
        );
        compose(&s, &dir, &["up", "-d"]).succeeds();
        compose(
            &s,
            &dir,
            &["exec", "-T", "a", "cat", "/proc/sys/net/ipv4/ip_forward"],
        )
        .succeeds()
        .stdout_is("1\n");
        compose(
            &s,
            &dir,
            &["exec", "-T", "b", "cat", "/proc/sys/net/core/somaxconn"],
        )
        .succeeds()
        .stdout_is("1024\n");
        compose(&s, &dir, &["down"]).succeeds();
        write(
            &dir,
            "compose.yaml",
            "services:\n  a:\n    image: bb:1\n    sysctls: {vm.swappiness: 1}\n",
        );
        compose(&s, &dir, &["up", "-d"])
            .fails()
            .one_line_error()
            .stderr_contains("not namespaced");
    }
}

#[test]
fn restart_takes_along_dependents_that_ask_for_it() {
    for s in stacks() {
        let dir = project(
            &s,
            "chain",
            &[(
                "compose.yaml",
                "services:\n  db:\n    image: bb:1\n    command: [sleep, '1000']\n  app:\n    image: bb:1\n    command: [sleep, '1000']\n    depends_on:\n      db: {condition: service_started, restart: true}\n  other:\n    image: bb:1\n    command: [sleep, '1000']\n    depends_on: [db]\n",
            )],
        );
        compose(&s, &dir, &["up", "-d"]).succeeds();
        let pids = || {
            compose(&s, &dir, &["ps", "--format", "{{.Name}}"])
                .succeeds()
                .stdout()
                .lines()
                .map(|n| {
                    let pid = s
                        .tug(["inspect", "--format", "{{.State.Pid}}", n])
                        .succeeds()
                        .stdout();
                    (n.to_string(), pid.trim().to_string())
                })
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        let before = pids();
        let o = compose(&s, &dir, &["restart", "-t", "1", "db"]).succeeds();
        assert!(o.stderr().contains("chain-app-1"), "{}", o.dump());
        let after = pids();
        assert_ne!(after["chain-db-1"], before["chain-db-1"]);
        assert_ne!(
            after["chain-app-1"], before["chain-app-1"],
            "app restarted with db"
        );
        assert_eq!(
            after["chain-other-1"], before["chain-other-1"],
            "other left alone"
        );
        compose(&s, &dir, &["down", "-t", "1"]).succeeds();
    }
}
