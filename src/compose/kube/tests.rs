use std::collections::BTreeMap;

use serde_json::{json, Value as J};

use super::*;
use crate::compose::{load, LoadOptions, Source};

fn convert_text(yaml: &str) -> Manifests {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nginx.conf"), "server {}\n").unwrap();
    let opts = LoadOptions {
        files: vec![Source::Stdin(yaml.into())],
        working_dir: dir.path().to_path_buf(),
        project_directory: None,
        project_name: Some("shop".into()),
        env_files: Vec::new(),
        profiles: Vec::new(),
        environment: BTreeMap::from([("TOKEN".into(), "s3cret".into())]),
    };
    let project = load(&opts).unwrap();
    convert(&project).unwrap()
}

fn find<'a>(m: &'a Manifests, kind: &str, name: &str) -> &'a J {
    m.documents
        .iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in {:#?}", m.documents))
}

const STACK: &str = r#"
services:
  web_app:
    image: nginx:1.27
    ports: ["8080:80", "127.0.0.1:8443:443/tcp"]
    environment: {MODE: prod}
    command: nginx -g "daemon off;"
    depends_on:
      db: {condition: service_healthy}
    volumes:
      - static:/srv/static:ro
      - /etc/hosts:/x/hosts
      - type: tmpfs
        target: /cache
    configs:
      - source: nginx
        target: /etc/nginx/nginx.conf
    secrets: [token]
    deploy:
      replicas: 3
      resources: {limits: {memory: 256m, cpus: "0.5"}}
    user: "101:101"
    cap_drop: [ALL]
    read_only: true
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
      interval: 5s
      retries: 4
    network_mode: host
    devices: ["/dev/fuse"]
volumes:
  static: {}
configs:
  nginx: {file: ./nginx.conf}
secrets:
  token: {environment: TOKEN}
"#;

#[test]
fn deployment_service_and_storage() {
    let m = convert_text(STACK);
    let dep = find(&m, "Deployment", "web-app");
    assert_eq!(dep["spec"]["replicas"], 3);
    let pod = &dep["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    assert_eq!(c["image"], "nginx:1.27");
    assert_eq!(c["args"], json!(["nginx", "-g", "daemon off;"]));
    assert_eq!(c["env"], json!([{"name": "MODE", "value": "prod"}]));
    assert_eq!(c["resources"]["limits"]["memory"], "268435456");
    assert_eq!(c["resources"]["limits"]["cpu"], "500m");
    assert_eq!(c["securityContext"]["runAsUser"], 101);
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["securityContext"]["capabilities"]["drop"], json!(["ALL"]));
    assert_eq!(
        pod["initContainers"][0]["name"], "wait-for-db",
        "depends_on becomes an init container"
    );
    let mounts = c["volumeMounts"].as_array().unwrap();
    let paths: Vec<&str> = mounts
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/srv/static",
            "/cache",
            "/etc/nginx/nginx.conf",
            "/run/secrets/token"
        ]
    );
    let svc = find(&m, "Service", "web-app");
    assert_eq!(svc["spec"]["ports"][0]["port"], 8080);
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], 80);
    assert_eq!(svc["spec"]["ports"][1]["port"], 8443);
    // db has no ports but is depended on: a headless Service.
    assert_eq!(find(&m, "Service", "db")["spec"]["clusterIP"], "None");
    let db = &find(&m, "Deployment", "db")["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        db["readinessProbe"]["exec"]["command"],
        json!(["/bin/sh", "-c", "pg_isready"])
    );
    assert_eq!(db["readinessProbe"]["periodSeconds"], 5);
    assert_eq!(db["readinessProbe"]["failureThreshold"], 4);
    assert_eq!(
        find(&m, "PersistentVolumeClaim", "static")["spec"]["accessModes"],
        json!(["ReadWriteOnce"])
    );
    assert_eq!(
        find(&m, "ConfigMap", "nginx")["data"]["nginx"],
        "server {}\n"
    );
    assert_eq!(find(&m, "Secret", "token")["stringData"]["token"], "s3cret");
}

#[test]
fn what_cannot_be_converted_is_reported_per_field() {
    let m = convert_text(STACK);
    let paths: Vec<&str> = m.unconverted.iter().map(|u| u.path.as_str()).collect();
    assert!(paths.contains(&"services.web_app.volumes[1]"), "{paths:?}");
    assert!(paths.contains(&"services.db.network_mode"), "{paths:?}");
    assert!(paths.contains(&"services.db.devices"), "{paths:?}");
    let bind = m
        .unconverted
        .iter()
        .find(|u| u.path == "services.web_app.volumes[1]")
        .unwrap();
    assert!(bind.why.contains("/etc/hosts"), "{bind}");
}

#[test]
fn link_aliases_and_network_isolation_are_reported() {
    let m = convert_text(
        "services:\n  a:\n    image: x\n    networks: [back]\n  b:\n    image: x\n    networks: [back]\n    links: ['a:linked', a]\nnetworks:\n  back:\n    internal: true\n    ipam:\n      config: [{subnet: 10.77.0.0/24}]\n",
    );
    let paths: Vec<&str> = m.unconverted.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "networks.back.internal",
            "networks.back.ipam",
            "services.b.links[0]"
        ]
    );
}

#[test]
fn yaml_stream_reads_back() {
    let m = convert_text(STACK);
    let text = m.to_yaml();
    let docs: Vec<&str> = text.split("---\n").filter(|d| !d.is_empty()).collect();
    assert_eq!(docs.len(), m.documents.len());
    for (doc, want) in docs.iter().zip(&m.documents) {
        let node = crate::compose::yaml::parse(doc).unwrap();
        assert_eq!(&node.to_json(), want);
    }
}

#[test]
fn object_names() {
    assert_eq!(object_name("Web_App.1"), "web-app-1");
    assert_eq!(object_name("__"), "unnamed");
    assert_eq!(object_name(&"a".repeat(80)).len(), 63);
}
