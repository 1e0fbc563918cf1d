//! A service as a Deployment: its container (image, command, environment,
//! ports, probes from the healthcheck, resources, security context), its
//! pod's volumes, and an init container per dependency that waits for the
//! dependency's name to resolve (a headless or ordinary Service lists only
//! ready pods, so `service_healthy` waits for the readiness probe).

use serde_json::{json, Map, Value as J};

use super::ports::{container_ports, Port};
use super::storage::service_mounts;
use super::{map, object_name, seq, Manifests};
use crate::compose::load::Project;
use crate::compose::yaml::{Node, Value};

/// The image the wait-for init containers use.
const WAIT_IMAGE: &str = "busybox:stable";

/// The service keys this conversion carries over (in part or whole); any
/// other key set on a service is reported.
const CONVERTED: &[&str] = &[
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "expose",
    "volumes",
    "tmpfs",
    "working_dir",
    "user",
    "tty",
    "stdin_open",
    "privileged",
    "read_only",
    "cap_add",
    "cap_drop",
    "mem_limit",
    "cpus",
    "deploy",
    "scale",
    "healthcheck",
    "depends_on",
    "hostname",
    "extra_hosts",
    "dns",
    "dns_search",
    "sysctls",
    "stop_grace_period",
    "labels",
    "configs",
    "secrets",
    "restart",
    "container_name",
    "networks",
    "links",
    "shm_size",
    "pull_policy",
    "profiles",
    "annotations",
];

fn scalar(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn flag(svc: &Node, key: &str) -> bool {
    matches!(svc.get(key).map(|v| &v.value), Some(Value::Bool(true)))
}

/// The services `svc` depends on, with their conditions.
pub fn dependencies(svc: &Node) -> Vec<(String, String)> {
    map(svc.get("depends_on"))
        .iter()
        .map(|(name, d)| {
            let cond = d
                .get("condition")
                .and_then(Node::as_str)
                .unwrap_or("service_started");
            (name.clone(), cond.to_string())
        })
        .collect()
}

/// A command as a list: the list form as it is, a string split into words
/// as Compose splits it.
fn words(n: &Node) -> Option<Vec<String>> {
    match &n.value {
        Value::Seq(items) => items.iter().map(scalar).collect(),
        Value::String(s) => crate::image::changes::split_words(s).ok(),
        _ => None,
    }
}

fn seconds(s: &str) -> Option<u64> {
    humantime::parse_duration(s).ok().map(|d| d.as_secs())
}

/// Liveness and readiness probes from a healthcheck; None when it is
/// disabled or has no test.
fn probe(h: &Node, path: &str, out: &mut Manifests) -> Option<J> {
    if flag(h, "disable") {
        return None;
    }
    let test = h.get("test")?;
    let command: Vec<String> = match &test.value {
        Value::String(s) => vec!["/bin/sh".into(), "-c".into(), s.clone()],
        Value::Seq(items) => {
            let items: Vec<String> = items.iter().filter_map(scalar).collect();
            match items.split_first() {
                Some((k, rest)) if k == "CMD" => rest.to_vec(),
                Some((k, rest)) if k == "CMD-SHELL" => {
                    vec!["/bin/sh".into(), "-c".into(), rest.join(" ")]
                }
                Some((k, _)) if k == "NONE" => return None,
                _ => {
                    out.skip(format!("{path}.test"), "not CMD, CMD-SHELL or NONE");
                    return None;
                }
            }
        }
        _ => return None,
    };
    let dur = |k: &str, default: u64| {
        h.get(k)
            .and_then(Node::as_str)
            .and_then(seconds)
            .unwrap_or(default)
            .max(1)
    };
    let retries = match h.get("retries").map(|r| &r.value) {
        Some(Value::Int(i)) => (*i).max(1),
        _ => 3,
    };
    let mut p = json!({
        "exec": {"command": command},
        "periodSeconds": dur("interval", 30),
        "timeoutSeconds": dur("timeout", 30),
        "failureThreshold": retries,
    });
    if let Some(start) = h
        .get("start_period")
        .and_then(Node::as_str)
        .and_then(seconds)
    {
        p["initialDelaySeconds"] = json!(start);
    }
    Some(p)
}

/// `deploy.resources.<which>` merged with the service-level `mem_limit` and
/// `cpus` (for limits).
fn resources(svc: &Node, which: &str) -> Map<String, J> {
    let r = svc
        .get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get(which));
    let mut out = Map::new();
    let memory = r
        .and_then(|r| r.get("memory"))
        .or_else(|| (which == "limits").then(|| svc.get("mem_limit")).flatten());
    if let Some(bytes) = memory
        .and_then(scalar)
        .and_then(|m| crate::container::options::parse_bytes(&m).ok())
    {
        out.insert("memory".into(), json!(bytes.to_string()));
    }
    let cpus = r
        .and_then(|r| r.get("cpus"))
        .or_else(|| (which == "limits").then(|| svc.get("cpus")).flatten());
    if let Some(c) = cpus.and_then(scalar).and_then(|c| c.parse::<f64>().ok()) {
        out.insert(
            "cpu".into(),
            json!(format!("{}m", (c * 1000.0).round() as i64)),
        );
    }
    out
}

fn security_context(svc: &Node, path: &str, out: &mut Manifests) -> Map<String, J> {
    let user = svc.get("user").and_then(scalar);
    let caps = |key: &str| -> Vec<String> {
        seq(svc.get(key))
            .iter()
            .filter_map(Node::as_str)
            .map(str::to_string)
            .collect()
    };
    crate::kube::Security {
        user: user.as_deref(),
        privileged: flag(svc, "privileged"),
        read_only: flag(svc, "read_only"),
        cap_add: caps("cap_add"),
        cap_drop: caps("cap_drop"),
    }
    .context(path, out)
}

/// The container of service `name`.
fn container(
    project: &Project,
    name: &str,
    svc: &Node,
    ports: &[Port],
    out: &mut Manifests,
) -> Map<String, J> {
    let path = format!("services.{name}");
    let mut c = Map::new();
    c.insert("name".into(), json!(object_name(name)));
    let image = match svc.get("image").and_then(Node::as_str) {
        Some(i) => i.to_string(),
        None => {
            out.skip(
                format!("{path}.build"),
                "a cluster cannot build: push the image and name it in `image` (the manifest names the image Compose would build)",
            );
            format!("{}-{name}", project.name)
        }
    };
    c.insert("image".into(), json!(image));
    for (key, field) in [("entrypoint", "command"), ("command", "args")] {
        if let Some(n) = svc.get(key) {
            match words(n) {
                Some(w) => {
                    c.insert(field.into(), json!(w));
                }
                None => out.skip(format!("{path}.{key}"), "not a command line"),
            }
        }
    }
    let env: Vec<J> = map(svc.get("environment"))
        .iter()
        .map(|(k, v)| json!({"name": k, "value": scalar(v).unwrap_or_default()}))
        .collect();
    if !env.is_empty() {
        c.insert("env".into(), json!(env));
    }
    if !ports.is_empty() {
        c.insert("ports".into(), json!(container_ports(ports)));
    }
    if let Some(w) = svc.get("working_dir").and_then(Node::as_str) {
        c.insert("workingDir".into(), json!(w));
    }
    if flag(svc, "tty") {
        c.insert("tty".into(), json!(true));
    }
    if flag(svc, "stdin_open") {
        c.insert("stdin".into(), json!(true));
    }
    if let Some(h) = svc.get("healthcheck") {
        if let Some(p) = probe(h, &format!("{path}.healthcheck"), out) {
            c.insert("livenessProbe".into(), p.clone());
            c.insert("readinessProbe".into(), p);
        }
    }
    let (limits, requests) = (resources(svc, "limits"), resources(svc, "reservations"));
    if !limits.is_empty() || !requests.is_empty() {
        let mut r = Map::new();
        if !limits.is_empty() {
            r.insert("limits".into(), J::Object(limits));
        }
        if !requests.is_empty() {
            r.insert("requests".into(), J::Object(requests));
        }
        c.insert("resources".into(), J::Object(r));
    }
    let sc = security_context(svc, &path, out);
    if !sc.is_empty() {
        c.insert("securityContext".into(), J::Object(sc));
    }
    if let Some(pull) = svc.get("pull_policy").and_then(Node::as_str) {
        let policy = match pull {
            "always" => Some("Always"),
            "never" => Some("Never"),
            "missing" | "if_not_present" => Some("IfNotPresent"),
            _ => None,
        };
        match policy {
            Some(p) => {
                c.insert("imagePullPolicy".into(), json!(p));
            }
            None => out.skip(
                format!("{path}.pull_policy"),
                format!("{pull:?} has no Kubernetes equivalent"),
            ),
        }
    }
    c
}

/// The pod-level settings: host name, DNS, host aliases, sysctls, grace
/// period, /dev/shm size.
fn pod_settings(
    svc: &Node,
    path: &str,
    spec: &mut Map<String, J>,
    m: &mut super::storage::Mounts,
    out: &mut Manifests,
) {
    if let Some(h) = svc.get("hostname").and_then(Node::as_str) {
        spec.insert("hostname".into(), json!(object_name(h)));
    }
    let dns: Vec<String> = seq(svc.get("dns")).iter().filter_map(scalar).collect();
    let search: Vec<String> = seq(svc.get("dns_search"))
        .iter()
        .filter_map(scalar)
        .collect();
    if !dns.is_empty() || !search.is_empty() {
        spec.insert(
            "dnsConfig".into(),
            json!({"nameservers": dns, "searches": search}),
        );
    }
    let mut aliases: Vec<(String, Vec<String>)> = Vec::new();
    for (host, ip) in map(svc.get("extra_hosts")) {
        let ip = scalar(ip).unwrap_or_default();
        if ip == "host-gateway" {
            out.skip(
                format!("{path}.extra_hosts.{host}"),
                "host-gateway has no meaning in a cluster",
            );
            continue;
        }
        match aliases.iter_mut().find(|(i, _)| *i == ip) {
            Some((_, names)) => names.push(host.clone()),
            None => aliases.push((ip, vec![host.clone()])),
        }
    }
    if !aliases.is_empty() {
        let a: Vec<J> = aliases
            .into_iter()
            .map(|(ip, names)| json!({"ip": ip, "hostnames": names}))
            .collect();
        spec.insert("hostAliases".into(), json!(a));
    }
    let sysctls: Vec<J> = map(svc.get("sysctls"))
        .iter()
        .map(|(k, v)| json!({"name": k, "value": scalar(v).unwrap_or_default()}))
        .collect();
    if !sysctls.is_empty() {
        spec.insert("securityContext".into(), json!({"sysctls": sysctls}));
    }
    if let Some(g) = svc
        .get("stop_grace_period")
        .and_then(Node::as_str)
        .and_then(seconds)
    {
        spec.insert("terminationGracePeriodSeconds".into(), json!(g));
    }
    if let Some(size) = svc.get("shm_size").and_then(scalar) {
        let bytes = crate::container::options::parse_bytes(&size).unwrap_or(64 << 20);
        m.volumes.push(json!({"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": bytes.to_string()}}));
        m.mounts
            .push(json!({"name": "dshm", "mountPath": "/dev/shm"}));
    }
}

/// Reports what a service sets that the conversion cannot carry.
fn report_unconverted(svc: &Node, path: &str, out: &mut Manifests) {
    if let Value::Map(keys) = &svc.value {
        for (k, _) in keys {
            if !CONVERTED.contains(&k.as_str()) {
                out.skip(
                    format!("{path}.{k}"),
                    "has no Kubernetes equivalent in a Deployment",
                );
            }
        }
    }
    if let Some(r) = svc.get("restart").and_then(Node::as_str) {
        if !matches!(r, "always" | "unless-stopped") {
            out.skip(
                format!("{path}.restart"),
                format!("a Deployment always restarts its pods, not {r:?}"),
            );
        }
    }
    for (i, link) in seq(svc.get("links")).iter().enumerate() {
        if let Some((target, alias)) = link.as_str().and_then(|l| l.split_once(':')) {
            if alias != target {
                out.skip(
                    format!("{path}.links[{i}]"),
                    format!("only the service name {target} resolves in a cluster, not the alias {alias}"),
                );
            }
        }
    }
    for (net, n) in map(svc.get("networks")) {
        if n.get("aliases").is_some() {
            out.skip(
                format!("{path}.networks.{net}.aliases"),
                "only the service name resolves in a cluster",
            );
        }
        if n.get("ipv4_address").is_some() || n.get("ipv6_address").is_some() {
            out.skip(
                format!("{path}.networks.{net}"),
                "fixed addresses are not converted",
            );
        }
    }
    if let Some(Value::Map(d)) = svc.get("deploy").map(|d| &d.value) {
        for (k, _) in d {
            if !matches!(k.as_str(), "replicas" | "resources") {
                out.skip(format!("{path}.deploy.{k}"), "not converted");
            }
        }
    }
    for (dep, cond) in dependencies(svc) {
        if cond == "service_completed_successfully" {
            out.skip(
                format!("{path}.depends_on.{dep}"),
                "a cluster has no completed-successfully condition; the init container waits for the name instead",
            );
        }
    }
}

/// The Deployment of service `name`.
pub fn deployment(
    project: &Project,
    name: &str,
    svc: &Node,
    ports: &[Port],
    labels: &J,
    out: &mut Manifests,
) -> J {
    let path = format!("services.{name}");
    report_unconverted(svc, &path, out);
    let mut c = container(project, name, svc, ports, out);
    let mut m = service_mounts(project, name, svc, out);
    let mut spec = Map::new();
    pod_settings(svc, &path, &mut spec, &mut m, out);
    if !m.mounts.is_empty() {
        c.insert("volumeMounts".into(), json!(m.mounts));
        spec.insert("volumes".into(), json!(m.volumes));
    }
    let init: Vec<J> = dependencies(svc)
        .into_iter()
        .map(|(dep, _)| {
            let dep = object_name(&dep);
            json!({
                "name": format!("wait-for-{dep}"),
                "image": WAIT_IMAGE,
                "command": ["sh", "-c", format!("until nslookup {dep} >/dev/null 2>&1; do sleep 2; done")],
            })
        })
        .collect();
    if !init.is_empty() {
        spec.insert("initContainers".into(), json!(init));
    }
    spec.insert("containers".into(), json!([J::Object(c)]));
    let replicas = svc
        .get("deploy")
        .and_then(|d| d.get("replicas"))
        .or_else(|| svc.get("scale"))
        .and_then(|r| match r.value {
            Value::Int(i) => Some(i),
            _ => None,
        })
        .unwrap_or(1);
    let mut meta = json!({"name": object_name(name), "labels": labels});
    let annotations: Map<String, J> = map(svc.get("labels"))
        .iter()
        .map(|(k, v)| (k.clone(), json!(scalar(v).unwrap_or_default())))
        .collect();
    if !annotations.is_empty() {
        meta["annotations"] = J::Object(annotations);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta,
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": J::Object(spec),
            },
        },
    })
}
