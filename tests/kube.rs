//! `tug compose convert --format kube`: the manifests of real-shaped
//! projects pass `kubernetes-validate --strict` (PyPI; it carries the
//! schemas, so it runs offline), and what cannot be converted is named.

mod common;
mod compose_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// `kubernetes-validate` on PATH or in the CI's virtual environment.
fn validator() -> Option<PathBuf> {
    compose_common::ci_tool("kubernetes-validate")
}

const WORDPRESS: &str = r#"
services:
  db:
    image: mariadb:11
    environment:
      MARIADB_ROOT_PASSWORD: example
      MARIADB_DATABASE: wordpress
    volumes: [db_data:/var/lib/mysql]
    healthcheck:
      test: ["CMD", "healthcheck.sh", "--connect"]
      interval: 10s
      timeout: 5s
      retries: 5
    expose: ["3306"]
  app:
    image: wordpress:6
    depends_on:
      db: {condition: service_healthy}
    environment:
      WORDPRESS_DB_HOST: db
    volumes: [wp_data:/var/www/html]
    expose: [80]
  proxy:
    image: nginx:1.27
    ports: ["8080:80"]
    depends_on: [app]
    configs:
      - source: site
        target: /etc/nginx/conf.d/default.conf
volumes:
  db_data: {}
  wp_data: {}
configs:
  site:
    content: |
      server { location / { proxy_pass http://app; } }
"#;

const APP_STACK: &str = r#"
services:
  lb:
    image: haproxy:3
    ports: ["80:80", "1936:1936"]
    depends_on: [app]
  app:
    image: example/app:1
    command: ["python", "app.py"]
    deploy:
      replicas: 2
      resources:
        limits: {cpus: "0.25", memory: 128M}
        reservations: {memory: 64M}
    environment: [REDIS=redis-master]
    depends_on: [redis-master]
    user: "1000"
    cap_drop: [ALL]
  redis-master:
    image: redis:7
    expose: [6379]
    secrets: [redis_password]
  redis-replica:
    image: redis:7
    command: redis-server --replicaof redis-master 6379
    scale: 2
    depends_on: [redis-master]
    volumes: ["./data:/data"]
    tmpfs: [/run]
    shm_size: 128m
secrets:
  redis_password:
    environment: REDIS_PASSWORD
"#;

fn convert(s: &Scenario, dir: &Path, yaml: &str) -> (Outcome, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("compose.yaml"), yaml).unwrap();
    let out = dir.join("kube.yaml");
    let mut r = s.tug([
        "compose",
        "convert",
        "--format",
        "kube",
        "-o",
        out.to_str().unwrap(),
    ]);
    r.cmd.current_dir(dir).env("REDIS_PASSWORD", "pw");
    (r.succeeds(), out)
}

/// `kubernetes-validate --strict` on the manifests in `out`.
fn validates_strictly(validate: &Path, name: &str, out: &Path) {
    let text = std::fs::read_to_string(out).unwrap();
    let o = Command::new(validate)
        .arg("--strict")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{name}: kubernetes-validate --strict failed:\n{}{}\n{text}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn manifests_of_test_projects_validate_strictly() {
    let Some(validate) = validator() else {
        skip!("kubernetes-validate is not installed (pip install kubernetes-validate)");
    };
    let s = Scenario::new();
    for (name, yaml) in [("wordpress", WORDPRESS), ("stack", APP_STACK)] {
        let (_, out) = convert(&s, &s.path().join(name), yaml);
        let text = std::fs::read_to_string(&out).unwrap();
        for kind in ["kind: Deployment", "kind: Service"] {
            assert!(text.contains(kind), "{name}: no {kind} in\n{text}");
        }
        validates_strictly(&validate, name, &out);
    }
}

/// What some of those projects set that a cluster cannot have, named by
/// `convert` on stderr.
const NAMED: &[(&str, &str)] = &[
    ("nets", "services.a.networks.back: fixed addresses"),
    ("nets", "services.a.networks.back.aliases"),
    (
        "nets",
        "services.b.links[0]: only the service name a resolves",
    ),
    ("nets", "networks.back.internal"),
    ("nets", "networks.back.ipam"),
    (
        "seeds",
        "services.app.volumes[0]: bind mount of the host path",
    ),
    ("again", "services.b.restart"),
    ("pushed", "services.b.build"),
];

/// Every project that tests/compose*.rs runs (tests/compose_projects/)
/// converts, with a Deployment per service, and validates strictly.
#[test]
fn manifests_of_every_compose_test_project_validate_strictly() {
    let Some(validate) = validator() else {
        skip!("kubernetes-validate is not installed (pip install kubernetes-validate)");
    };
    let s = Scenario::new();
    let names: Vec<String> = compose_common::dirs(compose_common::PROJECTS)
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 10, "{names:?}");
    for name in &names {
        let out = s.path().join(format!("{name}.yaml"));
        let mut r = s.tug([
            "compose",
            "convert",
            "--format",
            "kube",
            "-o",
            out.to_str().unwrap(),
        ]);
        r.cmd
            .current_dir(Path::new(compose_common::PROJECTS).join(name))
            .envs(compose_common::PROJECT_VARS.iter().copied());
        let o = r.succeeds();
        for (_, path) in NAMED.iter().filter(|(p, _)| p == name) {
            assert!(
                o.stderr().contains(&format!("not converted: {path}")),
                "{name}: {path} not named\n{}",
                o.dump()
            );
        }
        let mut services = compose_common::compose(
            &s,
            &Path::new(compose_common::PROJECTS).join(name),
            &["config", "--services"],
        );
        services
            .cmd
            .envs(compose_common::PROJECT_VARS.iter().copied());
        let services = services.succeeds().stdout();
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            text.matches("kind: Deployment").count(),
            services.lines().count(),
            "{name}: a Deployment per service\n{}\n{text}",
            o.dump()
        );
        validates_strictly(&validate, name, &out);
    }
}

#[test]
fn unconvertible_fields_are_named_and_strict_fails() {
    let s = Scenario::new();
    let dir = s.path().join("stack");
    let (o, _) = convert(&s, &dir, APP_STACK);
    o.stderr_contains(
        "not converted: services.redis-replica.volumes[0]: bind mount of the host path",
    );
    let mut r = s.tug(["compose", "convert", "--strict"]);
    r.cmd.current_dir(&dir).env("REDIS_PASSWORD", "pw");
    r.fails().code_is(1);
}

#[test]
fn replicas_probes_and_waits() {
    let s = Scenario::new();
    let (_, out) = convert(&s, &s.path().join("wp"), WORDPRESS);
    let text = std::fs::read_to_string(out).unwrap();
    assert!(text.contains("readinessProbe:"), "{text}");
    assert!(text.contains("name: wait-for-db"), "{text}");
    assert!(text.contains("kind: PersistentVolumeClaim"), "{text}");
    assert!(text.contains("kind: ConfigMap"), "{text}");
}

#[test]
fn kube_generate_describes_created_containers() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let Some(validate) = validator() else {
        skip!("kubernetes-validate is not installed (pip install kubernetes-validate)");
    };
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let data = s.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    s.tug([
        "create",
        "--name",
        "web",
        "-p",
        "8080:80",
        "-e",
        "MODE=prod",
        "-w",
        "/srv",
        "-v",
        "cache:/cache",
        "-v",
        &format!("{}:/data:ro", data.display()),
        "--memory",
        "64m",
        "--cap-drop",
        "ALL",
        "--user",
        "33:33",
        "--restart",
        "on-failure",
        "--ulimit",
        "nofile=1024",
        "bb",
        "httpd",
        "-f",
    ])
    .succeeds();
    let out = s.path().join("pod.yaml");
    let o = s
        .tug(["kube", "generate", "-s", "web", "-f", out.to_str().unwrap()])
        .succeeds();
    o.stderr_contains("not converted: web.ulimits");
    let text = std::fs::read_to_string(&out).unwrap();
    for want in [
        "kind: Pod",
        "name: web-pod",
        "restartPolicy: OnFailure",
        "containerPort: 80",
        "hostPort: 8080",
        "value: prod",
        "workingDir: /srv",
        "claimName: cache",
        "kind: PersistentVolumeClaim",
        "kind: Service",
        "runAsUser: 33",
        "memory: \"67108864\"",
        "- httpd",
    ] {
        assert!(text.contains(want), "no {want:?} in\n{text}");
    }
    let v = Command::new(&validate)
        .arg("--strict")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        v.status.success(),
        "{}{}\n{text}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );
    let o = s
        .tug(["kube", "generate", "--type", "deployment", "web"])
        .succeeds();
    assert!(o.stdout().contains("kind: Deployment"), "{}", o.dump());
    s.tug(["kube", "generate", "nosuch"])
        .fails()
        .one_line_error();
}
