//! What a loaded model must satisfy before anything acts on it: only the
//! keys the Compose Specification defines (plus `x-` extensions), values of
//! the right kind for the keys everything after relies on, and references
//! that resolve — `depends_on`, `links`, `volumes_from`, `extends`,
//! networks, volumes, secrets and configs — with no dependency cycle.

use super::yaml::{Node, Value};

/// A model that breaks a rule, with the path of the offending value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {why}")]
pub struct Invalid {
    pub path: String,
    pub why: String,
}

fn invalid(path: impl Into<String>, why: impl Into<String>) -> Invalid {
    Invalid {
        path: path.into(),
        why: why.into(),
    }
}

const TOP: &[&str] = &[
    "version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models",
];

const SERVICE: &[&str] = &[
    "annotations",
    "attach",
    "blkio_config",
    "build",
    "cap_add",
    "cap_drop",
    "cgroup",
    "cgroup_parent",
    "command",
    "configs",
    "container_name",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpu_shares",
    "cpus",
    "cpuset",
    "credential_spec",
    "depends_on",
    "deploy",
    "develop",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "entrypoint",
    "env_file",
    "environment",
    "expose",
    "extends",
    "external_links",
    "extra_hosts",
    "gpus",
    "group_add",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "label_file",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "models",
    "network_mode",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "post_start",
    "pre_stop",
    "privileged",
    "profiles",
    "provider",
    "pull_policy",
    "pull_refresh_after",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "userns_mode",
    "uts",
    "volumes",
    "volumes_from",
    "working_dir",
];

const NETWORK: &[&str] = &[
    "driver",
    "driver_opts",
    "ipam",
    "external",
    "internal",
    "attachable",
    "labels",
    "name",
    "enable_ipv4",
    "enable_ipv6",
];
const VOLUME: &[&str] = &["driver", "driver_opts", "external", "labels", "name"];
const SECRET: &[&str] = &[
    "file",
    "environment",
    "external",
    "name",
    "labels",
    "driver",
    "driver_opts",
    "template_driver",
    "content",
];

/// Service fields the specification types as lists only.
const LISTS: &[&str] = &[
    "ports",
    "expose",
    "secrets",
    "configs",
    "cap_add",
    "cap_drop",
    "devices",
    "volumes",
    "volumes_from",
    "links",
    "external_links",
    "profiles",
    "security_opt",
    "dns_opt",
    "group_add",
    "device_cgroup_rules",
];
/// Service fields the specification types as mappings only.
const MAPPINGS: &[&str] = &[
    "ulimits",
    "deploy",
    "healthcheck",
    "logging",
    "blkio_config",
];
const BUILD: &[&str] = &[
    "context",
    "dockerfile",
    "dockerfile_inline",
    "entitlements",
    "args",
    "ssh",
    "labels",
    "cache_from",
    "cache_to",
    "no_cache",
    "additional_contexts",
    "network",
    "provenance",
    "sbom",
    "pull",
    "target",
    "shm_size",
    "extra_hosts",
    "isolation",
    "privileged",
    "secrets",
    "tags",
    "ulimits",
    "platforms",
];
const FILE_REF: &[&str] = &["source", "target", "uid", "gid", "mode"];
const PORT: &[&str] = &[
    "name",
    "mode",
    "host_ip",
    "target",
    "published",
    "protocol",
    "app_protocol",
];
const DEPENDENCY: &[&str] = &["condition", "restart", "required"];
const CONDITIONS: &[&str] = &[
    "service_started",
    "service_healthy",
    "service_completed_successfully",
];

fn is_list(n: &Node) -> bool {
    matches!(n.value, Value::Seq(_))
}

fn is_map(n: &Node) -> bool {
    matches!(n.value, Value::Map(_))
}

fn items(n: Option<&Node>) -> &[Node] {
    match n.map(|n| &n.value) {
        Some(Value::Seq(v)) => v,
        _ => &[],
    }
}

/// `ulimits`: each a number or `{soft, hard}`.
fn ulimits(n: &Node, path: &str) -> Result<(), Invalid> {
    if !is_map(n) {
        return Err(invalid(path, "must be a mapping"));
    }
    for (name, v) in entries(Some(n)) {
        match &v.value {
            Value::Int(_) | Value::String(_) => {}
            Value::Map(_) => keys(&v, &format!("{path}.{name}"), &["soft", "hard"])?,
            _ => {
                return Err(invalid(
                    format!("{path}.{name}"),
                    "must be a number or a mapping of soft and hard",
                ))
            }
        }
    }
    Ok(())
}

/// Compose's durations (`1m30s`, `500ms`; a bare number is seconds).
fn is_duration(n: &Node) -> bool {
    match &n.value {
        Value::Int(i) => *i >= 0,
        Value::String(s) => s.parse::<u64>().is_ok() || humantime::parse_duration(s).is_ok(),
        _ => false,
    }
}

/// A long-form port's `target` (a number) or `published` (a number or a
/// range `START-END`).
fn is_port(n: &Node, range: bool) -> bool {
    let number = |s: &str| s.parse::<u16>().is_ok();
    match &n.value {
        Value::Int(i) => u16::try_from(*i).is_ok(),
        Value::String(s) => {
            number(s)
                || (range
                    && s.split_once('-')
                        .is_some_and(|(a, b)| number(a) && number(b)))
        }
        _ => false,
    }
}

/// The durations a service can set, and `ports`' long form numbers.
fn durations_and_ports(svc: &Node, path: &str) -> Result<(), Invalid> {
    let health = svc.get("healthcheck");
    let durations = ["interval", "timeout", "start_period", "start_interval"]
        .into_iter()
        .filter_map(|k| Some((format!("{path}.healthcheck.{k}"), health?.get(k)?)))
        .chain(
            svc.get("stop_grace_period")
                .map(|g| (format!("{path}.stop_grace_period"), g)),
        );
    for (at, d) in durations {
        if !is_duration(d) {
            return Err(invalid(at, "must be a duration such as 1m30s or 500ms"));
        }
    }
    for (i, item) in items(svc.get("ports")).iter().enumerate() {
        for (k, range) in [("target", false), ("published", true)] {
            if let Some(v) = item.get(k) {
                if !is_port(v, range) {
                    return Err(invalid(
                        format!("{path}.ports[{i}].{k}"),
                        "must be a port number",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The kinds of the service fields everything after the loader reads.
fn shapes(svc: &Node, path: &str) -> Result<(), Invalid> {
    durations_and_ports(svc, path)?;
    for field in LISTS {
        if let Some(v) = svc.get(field) {
            if !is_list(v) {
                return Err(invalid(format!("{path}.{field}"), "must be a list"));
            }
        }
    }
    for field in MAPPINGS {
        if let Some(v) = svc.get(field) {
            if !is_map(v) {
                return Err(invalid(format!("{path}.{field}"), "must be a mapping"));
            }
        }
    }
    if let Some(u) = svc.get("ulimits") {
        ulimits(u, &format!("{path}.ulimits"))?;
    }
    if let Some(name) = svc.get("container_name").and_then(Node::as_str) {
        let ok = name.len() >= 2
            && name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !ok {
            return Err(invalid(
                format!("{path}.container_name"),
                format!("{name:?} does not match [a-zA-Z0-9][a-zA-Z0-9_.-]+"),
            ));
        }
    }
    for field in ["secrets", "configs"] {
        for (i, item) in items(svc.get(field)).iter().enumerate() {
            let at = format!("{path}.{field}[{i}]");
            match &item.value {
                Value::String(_) => {}
                Value::Map(_) => keys(item, &at, FILE_REF)?,
                _ => return Err(invalid(at, "must be a string or a mapping")),
            }
        }
    }
    for (i, item) in items(svc.get("ports")).iter().enumerate() {
        let at = format!("{path}.ports[{i}]");
        match &item.value {
            Value::String(_) | Value::Int(_) => {}
            Value::Map(_) => keys(item, &at, PORT)?,
            _ => return Err(invalid(at, "must be a number, a string or a mapping")),
        }
    }
    if let Some(Value::Map(deps)) = svc.get("depends_on").map(|d| &d.value) {
        for (dep, d) in deps {
            let at = format!("{path}.depends_on.{dep}");
            keys(d, &at, DEPENDENCY)?;
            if let Some(c) = d.get("condition") {
                if !c.as_str().is_some_and(|c| CONDITIONS.contains(&c)) {
                    return Err(invalid(
                        format!("{at}.condition"),
                        format!("must be one of {}", CONDITIONS.join(", ")),
                    ));
                }
            }
        }
    }
    if let Some(b) = svc.get("build") {
        let at = format!("{path}.build");
        keys(b, &at, BUILD)?;
        if let Some(sec) = b.get("secrets") {
            if !is_list(sec) {
                return Err(invalid(format!("{at}.secrets"), "must be a list"));
            }
        }
        if let Some(u) = b.get("ulimits") {
            ulimits(u, &format!("{at}.ulimits"))?;
        }
    }
    Ok(())
}

fn keys(n: &Node, path: &str, allowed: &[&str]) -> Result<(), Invalid> {
    match &n.value {
        Value::Map(m) => {
            for (k, _) in m {
                if !allowed.contains(&k.as_str()) && !k.starts_with("x-") {
                    return Err(invalid(
                        format!("{path}.{k}"),
                        "additional property is not allowed",
                    ));
                }
            }
            Ok(())
        }
        Value::Null => Ok(()),
        _ => Err(invalid(path, "must be a mapping")),
    }
}

fn entries(n: Option<&Node>) -> Vec<(String, Node)> {
    match n.map(|n| &n.value) {
        Some(Value::Map(m)) => m.clone(),
        _ => Vec::new(),
    }
}

fn names(n: Option<&Node>) -> Vec<String> {
    match n.map(|n| &n.value) {
        Some(Value::Map(m)) => m.iter().map(|(k, _)| k.clone()).collect(),
        Some(Value::Seq(s)) => s
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Checks a normalized model.
pub fn validate(model: &Node) -> Result<(), Invalid> {
    keys(model, "(root)", TOP)?;
    let services = entries(model.get("services"));
    let networks: Vec<String> = entries(model.get("networks"))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let volumes: Vec<String> = entries(model.get("volumes"))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for (section, allowed) in [
        ("networks", NETWORK),
        ("volumes", VOLUME),
        ("secrets", SECRET),
        ("configs", SECRET),
    ] {
        for (name, n) in entries(model.get(section)) {
            keys(&n, &format!("{section}.{name}"), allowed)?;
        }
    }
    let service_names: Vec<&str> = services.iter().map(|(k, _)| k.as_str()).collect();
    for (name, svc) in &services {
        let path = format!("services.{name}");
        keys(svc, &path, SERVICE)?;
        shapes(svc, &path)?;
        if svc.get("image").is_none() && svc.get("build").is_none() && svc.get("provider").is_none()
        {
            return Err(invalid(
                &path,
                "has neither an image nor a build context specified",
            ));
        }
        for field in [
            "image",
            "container_name",
            "user",
            "working_dir",
            "hostname",
            "network_mode",
            "restart",
        ] {
            if let Some(v) = svc.get(field) {
                if !matches!(v.value, Value::String(_)) {
                    return Err(invalid(format!("{path}.{field}"), "must be a string"));
                }
            }
        }
        for dep in names(svc.get("depends_on")) {
            let optional = svc
                .get("depends_on")
                .and_then(|d| d.get(&dep))
                .and_then(|c| c.get("required"))
                .is_some_and(|r| r.value == Value::Bool(false));
            if !optional && !service_names.contains(&dep.as_str()) {
                return Err(invalid(
                    format!("{path}.depends_on"),
                    format!("depends on undefined service {dep:?}"),
                ));
            }
        }
        for link in names(svc.get("links")) {
            let target = link.split(':').next().unwrap_or_default();
            if !service_names.contains(&target) {
                return Err(invalid(
                    format!("{path}.links"),
                    format!("undefined service {target:?}"),
                ));
            }
        }
        for from in names(svc.get("volumes_from")) {
            let (kind, target) = match from.split_once(':') {
                Some(("container", c)) => ("container", c),
                Some(("service", s)) => ("service", s.split(':').next().unwrap_or_default()),
                _ => ("service", from.split(':').next().unwrap_or_default()),
            };
            if kind == "service" && !service_names.contains(&target) {
                return Err(invalid(
                    format!("{path}.volumes_from"),
                    format!("undefined service {target:?}"),
                ));
            }
        }
        for net in names(svc.get("networks")) {
            if net != "default" && !networks.contains(&net) {
                return Err(invalid(
                    format!("{path}.networks"),
                    format!("service refers to undefined network {net}"),
                ));
            }
        }
        if let Some(Value::Seq(vols)) = svc.get("volumes").map(|v| &v.value) {
            for (i, v) in vols.iter().enumerate() {
                let source = match &v.value {
                    Value::String(s) => s
                        .split(':')
                        .next()
                        .filter(|_| s.contains(':'))
                        .map(str::to_string),
                    Value::Map(_) => v
                        .get("source")
                        .and_then(Node::as_str)
                        .map(str::to_string)
                        .filter(|_| {
                            v.get("type").and_then(Node::as_str).unwrap_or("volume") == "volume"
                        }),
                    _ => {
                        return Err(invalid(
                            format!("{path}.volumes[{i}]"),
                            "must be a string or a mapping",
                        ))
                    }
                };
                if let Some(s) = source {
                    let named = !s.is_empty() && !s.starts_with(['.', '/', '~', '$']);
                    if named && !volumes.contains(&s) {
                        return Err(invalid(
                            format!("{path}.volumes[{i}]"),
                            format!("service refers to undefined volume {s}"),
                        ));
                    }
                }
            }
        }
    }
    if let Some(cycle) = dependency_cycle(&services) {
        return Err(invalid(
            "services",
            format!("dependency cycle detected: {}", cycle.join(" -> ")),
        ));
    }
    Ok(())
}

/// A cycle through `depends_on`, `links` and `volumes_from`, if any.
fn dependency_cycle(services: &[(String, Node)]) -> Option<Vec<String>> {
    let deps = |svc: &Node| -> Vec<String> {
        let mut d = names(svc.get("depends_on"));
        d.extend(
            names(svc.get("links"))
                .into_iter()
                .map(|l| l.split(':').next().unwrap_or_default().to_string()),
        );
        d.extend(
            names(svc.get("volumes_from"))
                .into_iter()
                .filter(|v| !v.starts_with("container:"))
                .map(|v| {
                    v.trim_start_matches("service:")
                        .split(':')
                        .next()
                        .unwrap_or_default()
                        .to_string()
                }),
        );
        d
    };
    // Depth-first with colours: 1 on the stack, 2 done.
    let mut state: std::collections::HashMap<&str, u8> = Default::default();
    fn visit<'a>(
        name: &'a str,
        services: &'a [(String, Node)],
        deps: &dyn Fn(&Node) -> Vec<String>,
        state: &mut std::collections::HashMap<&'a str, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(name) {
            Some(2) => return None,
            Some(1) => {
                let from = stack.iter().position(|s| s == name).unwrap_or(0);
                let mut cycle = stack[from..].to_vec();
                cycle.push(name.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(name, 1);
        stack.push(name.to_string());
        if let Some((_, svc)) = services.iter().find(|(n, _)| n == name) {
            for d in deps(svc) {
                if let Some((n, _)) = services.iter().find(|(n, _)| *n == d) {
                    if let Some(c) = visit(n, services, deps, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(name, 2);
        None
    }
    for (name, _) in services {
        let mut stack = Vec::new();
        if let Some(c) = visit(name, services, &deps, &mut state, &mut stack) {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml::parse;

    fn check(text: &str) -> Result<(), String> {
        validate(&parse(text).unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn rules() {
        assert_eq!(
            check("services:\n  web:\n    image: x\n    x-mine: 1\nx-top: 2\n"),
            Ok(())
        );
        assert_eq!(
            check("services:\n  web:\n    image: x\n    bogus: 1\n"),
            Err("services.web.bogus: additional property is not allowed".into())
        );
        assert_eq!(
            check("servces: {}\n"),
            Err("(root).servces: additional property is not allowed".into())
        );
        assert_eq!(
            check("services:\n  web: {}\n"),
            Err("services.web: has neither an image nor a build context specified".into())
        );
        assert_eq!(
            check("services:\n  web:\n    image: x\n    depends_on: [db]\n"),
            Err("services.web.depends_on: depends on undefined service \"db\"".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    links: [c]\n  c:\n    image: x\n    depends_on: {a: {condition: service_started}}\n"),
            Err("services: dependency cycle detected: a -> b -> c -> a".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    volumes: ['data:/d']\n"),
            Err("services.a.volumes[0]: service refers to undefined volume data".into())
        );
        assert_eq!(check("services:\n  a:\n    image: x\n    volumes: ['./d:/d', '/abs:/x', 'data:/y']\nvolumes:\n  data: {}\n"), Ok(()));
        assert_eq!(
            check("services:\n  a:\n    image: x\n    networks: [front]\n"),
            Err("services.a.networks: service refers to undefined network front".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    ports: '80:80'\n"),
            Err("services.a.ports: must be a list".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    ulimits: [nofile=1]\n"),
            Err("services.a.ulimits: must be a mapping".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    secrets: [{source: s, type: env}]\n"),
            Err("services.a.secrets[0].type: additional property is not allowed".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    depends_on: {b: {condition: stopped}}\n  b:\n    image: x\n"),
            Err("services.a.depends_on.b.condition: must be one of service_started, service_healthy, service_completed_successfully".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    container_name: ''\n"),
            Err("services.a.container_name: \"\" does not match [a-zA-Z0-9][a-zA-Z0-9_.-]+".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    ports: [{target: x}]\n"),
            Err("services.a.ports[0].target: must be a port number".into())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    ports: [{target: 80, published: '8000-8010'}]\n    stop_grace_period: 1m30s\n    healthcheck: {interval: 500ms, timeout: 10}\n"),
            Ok(())
        );
        assert_eq!(
            check("services:\n  a:\n    image: x\n    healthcheck: {interval: 5 parsecs}\n"),
            Err(
                "services.a.healthcheck.interval: must be a duration such as 1m30s or 500ms".into()
            )
        );
        assert_eq!(
            check("services:\n  a:\n    image: 5\n"),
            Err("services.a.image: must be a string".into())
        );
    }
}
