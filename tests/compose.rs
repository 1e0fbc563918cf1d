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
        let dir = fixture(&s, "press", &[("PORT", &port.to_string())]);
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

#[test]
fn load_balancer_reaches_every_replica_by_name_and_scale() {
    for s in stacks() {
        let port = free_port();
        let dir = fixture(&s, "lb", &[("PORT", &port.to_string())]);
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

/// The seeds' app stack: `lb` (the only one that publishes) asks every
/// `app` replica, each of which asks the master by name and every
/// `redis-replica`, which copied the master's value by name at start.
#[test]
fn app_stack_lb_app_replicas_and_redis_shaped_master_with_replicas() {
    for s in stacks() {
        let port = free_port();
        let dir = fixture(&s, "seeds", &[("PORT", &port.to_string())]);
        compose(&s, &dir, &["up", "-d", "--wait"]).succeeds();
        let master = compose(&s, &dir, &["exec", "-T", "redis-master", "hostname"])
            .succeeds()
            .stdout();
        let master = format!("master={}", master.trim());
        let lines_with = |body: &str, prefix: &str| -> Vec<String> {
            body.lines()
                .filter(|l| l.starts_with(prefix))
                .map(str::to_string)
                .collect()
        };
        // Each app replica answers with its name, the master's value as
        // the master gives it, and each replica's copy of it.
        let deadline = Instant::now() + Duration::from_secs(20);
        let body = loop {
            let page = get(port, "/cgi-bin/index");
            let body = page
                .split("\r\n\r\n")
                .nth(1)
                .unwrap_or_default()
                .to_string();
            if lines_with(&body, "replica=").len() == 4 || Instant::now() > deadline {
                break body;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        let distinct = |prefix: &str| -> std::collections::BTreeSet<String> {
            lines_with(&body, prefix).into_iter().collect()
        };
        assert_eq!(distinct("app=").len(), 2, "two app replicas:\n{body}");
        assert_eq!(distinct("replica=").len(), 2, "two redis replicas:\n{body}");
        assert_eq!(
            lines_with(&body, "replica=").len(),
            4,
            "each app reads both:\n{body}"
        );
        assert_eq!(
            distinct("direct "),
            [format!("direct {master}")].into(),
            "each app reaches the master by name:\n{body}"
        );
        assert_eq!(lines_with(&body, "master=").len(), 4, "{body}");
        assert_eq!(
            distinct("master="),
            [master].into(),
            "replicas hold the master's value:\n{body}"
        );
        // Only the balancer publishes.
        let ps = compose(&s, &dir, &["ps", "--format", "{{.Service}} {{.Ports}}"])
            .succeeds()
            .stdout();
        let published: Vec<&str> = ps.lines().filter(|l| l.contains("->")).collect();
        assert_eq!(published, [format!("lb 127.0.0.1:{port}->80/tcp")], "{ps}");
        down_leaves_nothing(&s, &dir, "seeds");
    }
}

#[test]
fn depends_on_healthy_waits_and_unhealthy_fails() {
    for s in stacks() {
        let dir = fixture(&s, "order", &[]);
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

        let dir = fixture(&s, "sick", &[]);
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
        let dir = fixture(&s, "again", &[]);
        let two = std::fs::read_to_string(dir.join("compose.yaml")).unwrap();
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
fn dotenv_environment_extends_include_profiles_and_several_files() {
    for s in stacks() {
        let dir = fixture(&s, "layers", &[]);
        let f = ["-f", "compose.yaml", "-f", "override.yaml"];
        // Every command sees the same shell, so the config hash holds.
        let run = |extra: &[&str]| {
            let args: Vec<&str> = f.iter().chain(extra).copied().collect();
            let mut r = compose(&s, &dir, &args);
            r.cmd.env("WHO", "from-shell");
            r
        };
        run(&["up", "-d"]).succeeds();
        let names = ids(&s, &dir);
        let keys: Vec<&str> = names.keys().map(String::as_str).collect();
        assert_eq!(keys, ["layers-a-1", "layers-b-1", "layers-inc-1"]);
        run(&["exec", "-T", "a", "sh", "-c", "echo $MSG $WHO $EXTRA"])
            .succeeds()
            .stdout_is("hi-from-dotenv from-shell more\n");
        run(&["exec", "-T", "b", "sh", "-c", "echo $MSG $WHO"])
            .succeeds()
            .stdout_is("hi-from-dotenv from-shell\n");
        run(&["--profile", "debug", "up", "-d"]).succeeds();
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
        let down: Vec<&str> = f
            .iter()
            .chain(&["--profile", "debug", "down", "-v"])
            .copied()
            .collect();
        down_leaves_nothing_by(&s, &dir, "layers", &down);
    }
}

/// Projects `up` refuses before making anything, and what it says.
const BAD: &[(&str, &str)] = &[
    ("services:\n  a:\n    image: [bb:1\n", "line 4, column 1"),
    (
        "services:\n  a:\n    image: bb:1\n    bogus: 1\n",
        "services.a.bogus: additional property is not allowed",
    ),
    (
        "services:\n  a:\n    image: bb:1\n    depends_on: [b]\n  b:\n    image: bb:1\n    depends_on: [a]\n",
        "dependency cycle detected: a -> b -> a",
    ),
    (
        "services:\n  a:\n    image: bb:1\n    env_file: missing.env\n",
        "missing.env: No such file or directory",
    ),
    (
        "services:\n  a:\n    image: bb:1\n    command: [sleep, '1000']\n    volumes: [data:/d]\n  b:\n    image: localhost:1/nosuch:1\nvolumes:\n  data:\n",
        "service \"b\"",
    ),
    // A build that cannot start (no Dockerfile).
    (
        "services:\n  a:\n    image: bb:1\n  b:\n    build: .\n",
        "service \"b\": build: reading",
    ),
];

#[test]
fn bad_input_creates_nothing_and_down_cleans_a_failed_up() {
    for s in stacks() {
        let nets_before = s.tug(["network", "ls", "-q"]).succeeds().stdout();
        for (text, want) in BAD {
            let dir = project(&s, "broken", &[("compose.yaml", text)]);
            let o = compose(&s, &dir, &["up", "-d"])
                .fails()
                .code_is(125)
                .one_line_error();
            let err = o.stderr();
            assert_eq!(err.trim_end().lines().count(), 1, "{text:?}\n{}", o.dump());
            assert!(err.contains(want), "{text:?}\n{}", o.dump());
            s.tug(["ps", "-aq"]).succeeds().stdout_is("");
            s.tug(["network", "ls", "-q"])
                .succeeds()
                .stdout_is(&nets_before);
            s.tug(["volume", "ls", "-q"]).succeeds().stdout_is("");
        }
        // A service that fails midway: up names it; down still cleans.
        let dir = fixture(&s, "midway", &[]);
        let o = compose(&s, &dir, &["up", "-d"]).fails();
        let last = o.stderr().lines().last().unwrap_or_default().to_string();
        assert!(last.starts_with("tug: service \"b\""), "{}", o.dump());
        assert!(ids(&s, &dir).contains_key("midway-a-1"), "{}", o.dump());
        down_leaves_nothing(&s, &dir, "midway");
    }
}

#[test]
fn compose_up_and_docker_compose_names() {
    let s = Scenario::new();
    let dir = fixture(&s, "names", &[]);
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
        let dir = fixture(&s, "fg", &[]);
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
        let dir = fixture(&s, "nets", &[]);
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
    let here = Scenario::new();
    here.tug(["import", tar.to_str().unwrap(), &image])
        .succeeds();
    let dir = fixture(&here, "pushed", &[("IMAGE", &image)]);
    compose(&here, &dir, &["push", "-q"]).succeeds();
    let there = Scenario::new();
    let dir = fixture(&there, "pushed", &[("IMAGE", &image)]);
    compose(&there, &dir, &["pull", "a"]).succeeds();
    there.tug(["image", "inspect", &image]).succeeds();
    compose(&there, &dir, &["images"]).succeeds();
}

#[test]
fn sysctls_are_set_in_the_service_containers() {
    for s in stacks() {
        let dir = fixture(&s, "tuned", &[]);
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
        let dir = fixture(&s, "chain", &[]);
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
