//! One service of the model as what `run` would be asked for: the image,
//! the run options (through the same parsers as `run`'s flags, so a
//! service's `volumes:`, `ulimits:` or `restart:` mean what `-v`,
//! `--ulimit` and `--restart` mean), the healthcheck, the replicas, its
//! dependencies and the config hash that decides recreation.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;

use super::labels;
use super::mounts;
use super::project::ProjectError;
use crate::container::health::HealthConfig;
use crate::container::options::{self, NetworkChoice};
use crate::container::RestartPolicy;
use crate::runtime::spec::{NetworkMode, NetworkRequest, RunOptions};

/// What a service waits for in one of its dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Started,
    Healthy,
    CompletedSuccessfully,
}

/// One `depends_on` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub service: String,
    pub condition: Condition,
    pub required: bool,
    /// `restart: true`: restart this service when the dependency is
    /// recreated.
    pub restart: bool,
}

/// A service ready to become containers.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// The image to run (for a `build:` service, the one the build makes).
    pub image: String,
    /// The `build:` section, if any (long form, `args` resolved).
    pub build: Option<Json>,
    /// Its `build.secrets`, resolved against the top-level `secrets:`.
    pub build_secrets: Vec<super::build::BuildSecret>,
    /// `pull_policy`: always, missing, never, build (default missing).
    pub pull_policy: String,
    pub replicas: u32,
    pub container_name: Option<String>,
    /// The options common to every replica (labels without the number).
    pub options: RunOptions,
    pub healthcheck: Option<HealthConfig>,
    pub restart: RestartPolicy,
    pub depends_on: Vec<Dependency>,
    /// `network_mode: service:NAME`.
    pub network_service: Option<String>,
    /// `volumes_from` entries naming services (`service[:mode]`).
    pub volumes_from_services: Vec<String>,
    /// Secrets and configs whose content comes from the environment: the
    /// file to write (under the store) and its content.
    pub generated_files: Vec<(std::path::PathBuf, String)>,
    pub hash: String,
}

/// The project context a service is read in.
pub struct Context<'a> {
    pub project: &'a str,
    pub directory: &'a Path,
    pub files: &'a [String],
    pub model: &'a Json,
    /// Where generated secret files go (`<store>/compose/<project>`).
    pub generated_dir: &'a Path,
    pub environment: &'a BTreeMap<String, String>,
}

pub(super) fn bad(service: &str, key: &str, why: impl std::fmt::Display) -> ProjectError {
    ProjectError::Service {
        service: service.to_string(),
        why: format!("{key}: {why}"),
    }
}

/// A scalar as a string (numbers and booleans as YAML writes them).
pub fn scalar(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Shell-like word splitting of a string `command:` (quotes, backslash).
pub fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => match chars.next() {
                Some(n @ ('"' | '\\' | '$' | '`')) => cur.push(n),
                Some(n) => {
                    cur.push('\\');
                    cur.push(n);
                }
                None => cur.push('\\'),
            },
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

fn words(v: &Json) -> Vec<String> {
    match v {
        Json::Array(a) => a.iter().filter_map(scalar).collect(),
        Json::Null => Vec::new(),
        other => scalar(other).map(|s| split_words(&s)).unwrap_or_default(),
    }
}

fn list(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Array(a)) => a.iter().filter_map(scalar).collect(),
        Some(Json::Null) | None => Vec::new(),
        Some(other) => scalar(other).into_iter().collect(),
    }
}

/// The name a top-level network or volume has on the host.
pub fn resource_name(ctx: &Context, kind: &str, key: &str) -> String {
    let def = ctx.model.get(kind).and_then(|m| m.get(key));
    if let Some(n) = def.and_then(|d| d.get("name")).and_then(Json::as_str) {
        return n.to_string();
    }
    let external = def
        .and_then(|d| d.get("external"))
        .is_some_and(|e| e.as_bool() == Some(true) || e.is_object());
    if external {
        return key.to_string();
    }
    format!("{}_{key}", ctx.project)
}

/// Compose's duration syntax (`1m30s`, `10s`, `500ms`; a bare number is
/// seconds for grace periods).
fn duration(s: &str) -> Option<std::time::Duration> {
    if let Ok(n) = s.parse::<u64>() {
        return Some(std::time::Duration::from_secs(n));
    }
    humantime::parse_duration(s).ok()
}

/// Reads service `name` of the model.
pub fn read(ctx: &Context, name: &str, svc: &Json) -> Result<Service, ProjectError> {
    let get = |k: &str| svc.get(k).filter(|v| !v.is_null());
    let str_of = |k: &str| get(k).and_then(scalar);
    let (build, build_secrets) = super::build::resolve(ctx, name, get("build"))?;
    let image = match (str_of("image"), &build) {
        (Some(i), _) => i,
        (None, Some(_)) => format!("{}-{name}", ctx.project),
        (None, None) => return Err(bad(name, "image", "a service needs an image or a build")),
    };
    let mut o = RunOptions::default();
    if let Some(c) = get("command") {
        o.command = words(c);
    }
    if let Some(e) = get("entrypoint") {
        let w = words(e);
        match w.split_first() {
            Some((first, rest)) => {
                o.entrypoint = Some(first.clone());
                // The rest of an entrypoint list goes before the command.
                let mut cmd = rest.to_vec();
                cmd.append(&mut o.command);
                o.command = cmd;
            }
            None => o.entrypoint = Some(String::new()),
        }
    }
    if let Some(Json::Object(env)) = get("environment") {
        for (k, v) in env {
            match v {
                Json::Null => {
                    if let Some(val) = ctx.environment.get(k) {
                        o.env.push(format!("{k}={val}"));
                    }
                }
                other => o
                    .env
                    .push(format!("{k}={}", scalar(other).unwrap_or_default())),
            }
        }
    }
    o.workdir = str_of("working_dir");
    o.user = str_of("user");
    o.hostname = str_of("hostname");
    if let (Some(h), Some(d)) = (&o.hostname, str_of("domainname")) {
        o.hostname = Some(format!("{h}.{d}"));
    }
    o.privileged = get("privileged").and_then(Json::as_bool).unwrap_or(false);
    o.read_only = get("read_only").and_then(Json::as_bool).unwrap_or(false);
    o.init = get("init").and_then(Json::as_bool).unwrap_or(false);
    o.tty = get("tty").and_then(Json::as_bool).unwrap_or(false);
    o.interactive = get("stdin_open").and_then(Json::as_bool).unwrap_or(false);
    o.cap_add = list(get("cap_add"));
    o.cap_drop = list(get("cap_drop"));
    let security = list(get("security_opt"));
    let sec = options::parse_security_opts(security.iter().map(String::as_str))
        .map_err(|e| bad(name, "security_opt", e))?;
    o.no_new_privileges = sec.no_new_privileges;
    o.seccomp = sec.seccomp;
    if let Some(sig) = str_of("stop_signal") {
        crate::container::signal::parse_signal(&sig).map_err(|e| bad(name, "stop_signal", e))?;
        o.stop_signal = Some(sig);
    }
    if let Some(g) = str_of("stop_grace_period") {
        let d = duration(&g).ok_or_else(|| bad(name, "stop_grace_period", "not a duration"))?;
        o.stop_timeout = Some(d.as_secs());
    }
    o.tmpfs = list(get("tmpfs"));
    o.dns = list(get("dns"))
        .iter()
        .map(|d| options::parse_dns(d))
        .collect::<Result<_, _>>()
        .map_err(|e| bad(name, "dns", e))?;
    o.dns_search = list(get("dns_search"));
    if let Some(Json::Object(h)) = get("extra_hosts") {
        for (host, ip) in h {
            let spec = format!("{host}:{}", scalar(ip).unwrap_or_default());
            o.add_hosts
                .push(options::parse_add_host(&spec).map_err(|e| bad(name, "extra_hosts", e))?);
        }
    }
    let sysctls: Vec<String> = match get("sysctls") {
        Some(Json::Object(m)) => m
            .iter()
            .map(|(k, v)| format!("{k}={}", scalar(v).unwrap_or_default()))
            .collect(),
        other => list(other),
    };
    for kv in sysctls {
        let (k, v) =
            crate::runtime::spec::parse_sysctl(&kv).map_err(|e| bad(name, "sysctls", e))?;
        o.sysctls.insert(k, v);
    }
    for d in list(get("devices")) {
        o.devices.push(
            crate::runtime::spec::DeviceRequest::parse(&d).map_err(|e| bad(name, "devices", e))?,
        );
    }
    if let Some(Json::Object(u)) = get("ulimits") {
        for (k, v) in u {
            let spec = match v {
                Json::Object(m) => format!(
                    "{k}={}:{}",
                    m.get("soft").and_then(scalar).unwrap_or_default(),
                    m.get("hard").and_then(scalar).unwrap_or_default()
                ),
                other => format!("{k}={}", scalar(other).unwrap_or_default()),
            };
            o.ulimits
                .push(options::parse_ulimit(&spec).map_err(|e| bad(name, "ulimits", e))?);
        }
    }
    let limits = svc
        .pointer("/deploy/resources/limits")
        .cloned()
        .unwrap_or(Json::Null);
    if let Some(m) = str_of("mem_limit").or_else(|| limits.get("memory").and_then(scalar)) {
        o.memory = Some(options::parse_memory(&m).map_err(|e| bad(name, "mem_limit", e))?);
    }
    if let Some(c) = str_of("cpus").or_else(|| limits.get("cpus").and_then(scalar)) {
        let c: f64 = c.parse().map_err(|_| bad(name, "cpus", "not a number"))?;
        o.cpus = Some(options::check_cpus(c).map_err(|e| bad(name, "cpus", e))?);
    }
    if let Some(p) = get("pids_limit")
        .or_else(|| limits.get("pids"))
        .and_then(scalar)
    {
        o.pids_limit = Some(
            p.parse()
                .map_err(|_| bad(name, "pids_limit", "not a number"))?,
        );
    }
    if let Some(s) = get("cpu_shares").and_then(scalar) {
        o.cpu_shares = Some(
            s.parse()
                .map_err(|_| bad(name, "cpu_shares", "not a number"))?,
        );
    }
    if let Some(s) = str_of("shm_size") {
        let bytes = options::parse_bytes(&s).map_err(|e| bad(name, "shm_size", e))?;
        o.tmpfs.push(format!("/dev/shm:size={bytes}"));
    }
    if let Some(l) = get("logging") {
        let driver = l
            .get("driver")
            .and_then(Json::as_str)
            .unwrap_or("json-file");
        if !["json-file", "local"].contains(&driver) {
            return Err(bad(
                name,
                "logging.driver",
                format!("{driver:?} is not supported: use json-file"),
            ));
        }
        let opts: Vec<String> = match l.get("options") {
            Some(Json::Object(m)) => m
                .iter()
                .map(|(k, v)| format!("{k}={}", scalar(v).unwrap_or_default()))
                .collect(),
            _ => Vec::new(),
        };
        let log = options::parse_log_opts(opts.iter().map(String::as_str))
            .map_err(|e| bad(name, "logging.options", e))?;
        o.log_max_size = log.max_size;
        o.log_max_file = log.max_file;
    }
    // Labels: the service's, then Compose's own.
    if let Some(Json::Object(l)) = get("labels") {
        for (k, v) in l {
            o.labels.insert(k.clone(), scalar(v).unwrap_or_default());
        }
    }
    o.expose = list(get("expose"));
    for e in &o.expose {
        crate::net::ports::parse_container_ports(e).map_err(|e| bad(name, "expose", e))?;
    }
    ports(name, get("ports"), &mut o)?;
    let mut generated_files = Vec::new();
    mounts::volumes(ctx, name, get("volumes"), &mut o)?;
    for kind in ["secrets", "configs"] {
        mounts::files(ctx, name, kind, get(kind), &mut o, &mut generated_files)?;
    }
    let network_service = network(ctx, name, svc, &mut o)?;
    let links = list(get("links"))
        .into_iter()
        .chain(list(get("external_links")));
    for l in links {
        let (target, alias) = l.split_once(':').unwrap_or((&l, &l));
        // A link to a service names its first container; the alias is
        // the service name unless given.
        let is_service = ctx.model.pointer(&format!("/services/{target}")).is_some();
        let container = if is_service {
            container_name_of(ctx, target, 1)
        } else {
            target.to_string()
        };
        o.links.push((container, alias.to_string()));
    }
    let mut volumes_from_services = Vec::new();
    for v in list(get("volumes_from")) {
        if let Some(c) = v.strip_prefix("container:") {
            o.volumes_from.push(c.to_string());
        } else {
            volumes_from_services.push(v);
        }
    }
    let healthcheck = healthcheck(name, get("healthcheck"))?;
    let restart = match str_of("restart").or_else(|| {
        svc.pointer("/deploy/restart_policy/condition")
            .and_then(Json::as_str)
            .map(|c| match c {
                "any" => "always".into(),
                "none" => "no".into(),
                other => other.to_string(),
            })
    }) {
        Some(r) => options::parse_restart(&r).map_err(|e| bad(name, "restart", e))?,
        None => options::parse_restart("no").map_err(|e| bad(name, "restart", e))?,
    };
    let replicas = get("scale")
        .or_else(|| svc.pointer("/deploy/replicas"))
        .and_then(Json::as_u64)
        .unwrap_or(1)
        .min(1000) as u32;
    let container_name = str_of("container_name");
    if container_name.is_some() && replicas > 1 {
        return Err(bad(
            name,
            "container_name",
            "a service with a container_name cannot have more than one replica",
        ));
    }
    let pull_policy = str_of("pull_policy").unwrap_or_else(|| "missing".into());
    let pull_policy = match pull_policy.as_str() {
        "if_not_present" => "missing".to_string(),
        "always" | "missing" | "never" | "build" => pull_policy,
        other => {
            return Err(bad(
                name,
                "pull_policy",
                format!("unknown policy {other:?}"),
            ))
        }
    };
    let depends_on = dependencies(get("depends_on"));
    let hash = labels::config_hash(svc);
    o.labels.extend(labels::service_labels(ctx, name, &hash));
    Ok(Service {
        name: name.to_string(),
        image,
        build,
        build_secrets,
        pull_policy,
        replicas,
        container_name,
        options: o,
        healthcheck,
        restart,
        depends_on,
        network_service,
        volumes_from_services,
        generated_files,
        hash,
    })
}

/// The name of replica `n` of service `service`.
pub fn container_name_of(ctx: &Context, service: &str, n: u32) -> String {
    ctx.model
        .pointer(&format!("/services/{service}/container_name"))
        .and_then(Json::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}-{service}-{n}", ctx.project))
}

fn dependencies(v: Option<&Json>) -> Vec<Dependency> {
    let Some(Json::Object(m)) = v else {
        return Vec::new();
    };
    m.iter()
        .map(|(service, c)| Dependency {
            service: service.clone(),
            condition: match c.get("condition").and_then(Json::as_str) {
                Some("service_healthy") => Condition::Healthy,
                Some("service_completed_successfully") => Condition::CompletedSuccessfully,
                _ => Condition::Started,
            },
            required: c.get("required").and_then(Json::as_bool).unwrap_or(true),
            restart: c.get("restart").and_then(Json::as_bool).unwrap_or(false),
        })
        .collect()
}

fn ports(name: &str, v: Option<&Json>, o: &mut RunOptions) -> Result<(), ProjectError> {
    let Some(Json::Array(items)) = v else {
        return Ok(());
    };
    for p in items {
        let spec = match p {
            Json::Object(m) => {
                let target = m.get("target").and_then(scalar).unwrap_or_default();
                let published = m.get("published").and_then(scalar).unwrap_or_default();
                let ip = m.get("host_ip").and_then(scalar);
                let proto = m.get("protocol").and_then(scalar);
                let mut s = String::new();
                if let Some(ip) = ip {
                    s.push_str(&format!("{ip}:{published}:"));
                } else if !published.is_empty() {
                    s.push_str(&format!("{published}:"));
                }
                s.push_str(&target);
                if let Some(p) = proto {
                    s.push_str(&format!("/{p}"));
                }
                s
            }
            other => scalar(other).unwrap_or_default(),
        };
        let bound = crate::net::ports::parse_publish(&spec).map_err(|e| bad(name, "ports", e))?;
        o.publish.extend(bound);
    }
    Ok(())
}

/// `network_mode` and `networks`: the project's networks with the service
/// name (and the aliases given) as aliases. Returns the service whose
/// namespace is joined with `network_mode: service:NAME`.
fn network(
    ctx: &Context,
    name: &str,
    svc: &Json,
    o: &mut RunOptions,
) -> Result<Option<String>, ProjectError> {
    if let Some(mode) = svc.get("network_mode").and_then(Json::as_str) {
        if let Some(s) = mode.strip_prefix("service:") {
            o.network = NetworkMode::Container;
            return Ok(Some(s.to_string()));
        }
        match options::parse_network_mode(mode).map_err(|e| bad(name, "network_mode", e))? {
            NetworkChoice::None => o.network = NetworkMode::None,
            NetworkChoice::Host => o.network = NetworkMode::Host,
            NetworkChoice::Container(c) => {
                o.network = NetworkMode::Container;
                o.net_container = Some(c);
            }
            NetworkChoice::Network(n) => {
                o.network = NetworkMode::Bridge;
                o.networks.push(NetworkRequest {
                    name: n,
                    aliases: Vec::new(),
                    ip: None,
                });
            }
        }
        if o.network != NetworkMode::Bridge && !o.publish.is_empty() {
            return Err(bad(name, "ports", "published ports need a bridge network"));
        }
        return Ok(None);
    }
    o.network = NetworkMode::Bridge;
    let wanted: Vec<(String, Json)> = match svc.get("networks") {
        Some(Json::Object(m)) if !m.is_empty() => {
            m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        }
        _ => vec![("default".into(), Json::Null)],
    };
    for (key, cfg) in wanted {
        let mut aliases = vec![name.to_string()];
        aliases.extend(list(cfg.get("aliases")));
        let ip = match cfg.get("ipv4_address").and_then(Json::as_str) {
            Some(s) => Some(
                s.parse()
                    .map_err(|_| bad(name, "networks", format!("invalid ipv4_address {s:?}")))?,
            ),
            None => None,
        };
        o.networks.push(NetworkRequest {
            name: resource_name(ctx, "networks", &key),
            aliases,
            ip,
        });
    }
    Ok(None)
}

fn healthcheck(name: &str, v: Option<&Json>) -> Result<Option<HealthConfig>, ProjectError> {
    let Some(h) = v else {
        return Ok(None);
    };
    if h.get("disable").and_then(Json::as_bool) == Some(true) {
        return Ok(None);
    }
    let command = match h.get("test") {
        Some(Json::Array(a)) => {
            let w: Vec<String> = a.iter().filter_map(scalar).collect();
            match w.split_first() {
                Some((first, rest)) if first == "CMD-SHELL" => Some(rest.join(" ")),
                Some((first, rest)) if first == "CMD" => Some(
                    rest.iter()
                        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                Some((first, _)) if first == "NONE" => return Ok(None),
                _ => {
                    return Err(bad(
                        name,
                        "healthcheck.test",
                        "want CMD, CMD-SHELL or NONE first",
                    ))
                }
            }
        }
        Some(Json::String(s)) => Some(s.clone()),
        _ => None,
    };
    let text = |k: &str, d: &'static str| h.get(k).and_then(scalar).unwrap_or_else(|| d.into());
    let (interval, timeout, start) = (
        text("interval", "30s"),
        text("timeout", "30s"),
        text("start_period", "0s"),
    );
    options::parse_healthcheck(options::HealthSpec {
        command: command.as_deref(),
        interval: &interval,
        timeout: &timeout,
        start_period: &start,
        retries: h.get("retries").and_then(Json::as_u64).unwrap_or(3) as u32,
        disabled: false,
    })
    .map_err(|e| bad(name, "healthcheck", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(model: serde_json::Value, name: &str) -> Result<Service, ProjectError> {
        let env = BTreeMap::from([("HOSTVAR".to_string(), "from-host".to_string())]);
        let dir = Path::new("/proj");
        let ctx = Context {
            project: "p",
            directory: dir,
            files: &["compose.yaml".to_string()],
            model: &model,
            generated_dir: Path::new("/store/compose/p"),
            environment: &env,
        };
        read(&ctx, name, &model["services"][name])
    }

    #[test]
    fn keys_become_run_options() {
        let m = serde_json::json!({
            "services": {"web": {
                "image": "bb:1",
                "command": "sh -c 'echo hi'",
                "entrypoint": ["/init", "--"],
                "environment": {"A": "1", "HOSTVAR": null, "UNSET": null},
                "ports": ["127.0.0.1:8080:80", {"target": 53, "published": "5353", "protocol": "udp"}],
                "volumes": ["data:/data:ro", "/h:/h", {"type": "tmpfs", "target": "/t", "tmpfs": {"size": 1024}}, "host:/host"],
                "networks": {"front": {"aliases": ["www"], "ipv4_address": "10.5.0.9"}},
                "healthcheck": {"test": ["CMD", "wget", "-q", "http://x/"], "interval": "2s", "retries": 5},
                "ulimits": {"nofile": {"soft": 10, "hard": 20}, "nproc": 30},
                "deploy": {"replicas": 2, "resources": {"limits": {"memory": "64m", "cpus": "0.5"}}},
                "stop_grace_period": "1m",
                "restart": "on-failure:3",
                "depends_on": {"db": {"condition": "service_healthy", "required": false}},
                "secrets": ["pw"],
                "extra_hosts": {"gw": "10.0.0.1"}
            }},
            "volumes": {"data": {}, "host": {"driver_opts": {"type": "none", "o": "bind", "device": "/srv/h"}}},
            "networks": {"front": {"name": "shared-front"}},
            "secrets": {"pw": {"file": "./pw.txt"}}
        });
        let s = service(m, "web").unwrap();
        let o = &s.options;
        assert_eq!(o.entrypoint.as_deref(), Some("/init"));
        assert_eq!(o.command, ["--", "sh", "-c", "echo hi"]);
        assert_eq!(o.env, ["A=1", "HOSTVAR=from-host"]);
        assert_eq!(o.publish.len(), 2);
        assert_eq!(o.publish[1].host_port, 5353);
        assert_eq!(o.binds[0].volume.as_deref(), Some("p_data"));
        assert!(o.binds[0].readonly);
        assert_eq!(o.binds[1].source, Path::new("/h"));
        assert_eq!(o.binds[2].destination, "/host");
        assert_eq!(
            (o.binds[2].source.to_str(), &o.binds[2].volume),
            (Some("/srv/h"), &None)
        );
        assert_eq!(o.binds[3].destination, "/run/secrets/pw");
        assert_eq!(o.binds[3].source, Path::new("/proj/pw.txt"));
        assert_eq!(o.tmpfs, ["/t:size=1024"]);
        assert_eq!(o.networks[0].name, "shared-front");
        assert_eq!(o.networks[0].aliases, ["web", "www"]);
        assert_eq!(o.networks[0].ip, Some("10.5.0.9".parse().unwrap()));
        assert_eq!(o.ulimits.len(), 2);
        assert_eq!(o.memory, Some(64 << 20));
        assert_eq!(o.cpus, Some(0.5));
        assert_eq!(o.stop_timeout, Some(60));
        assert_eq!(o.add_hosts, [("gw".to_string(), "10.0.0.1".to_string())]);
        assert_eq!(s.replicas, 2);
        assert_eq!(s.restart.maximum_retry_count, 3);
        let h = s.healthcheck.unwrap();
        assert_eq!(h.command, "'wget' '-q' 'http://x/'");
        assert_eq!(h.retries, 5);
        assert_eq!(
            s.depends_on,
            [Dependency {
                service: "db".into(),
                condition: Condition::Healthy,
                required: false,
                restart: false
            }]
        );
        assert_eq!(o.labels[labels::PROJECT], "p");
        assert_eq!(o.labels[labels::SERVICE], "web");
        assert_eq!(o.labels[labels::CONFIG_HASH], s.hash);
    }

    #[test]
    fn scaling_keeps_the_hash_and_bad_values_name_the_key() {
        let one = serde_json::json!({"services": {"a": {"image": "x", "scale": 1}}});
        let three = serde_json::json!({"services": {"a": {"image": "x", "scale": 3}}});
        let env = serde_json::json!({"services": {"a": {"image": "x", "environment": {"A": "1"}}}});
        assert_eq!(
            service(one.clone(), "a").unwrap().hash,
            service(three, "a").unwrap().hash
        );
        assert_ne!(
            service(one, "a").unwrap().hash,
            service(env, "a").unwrap().hash
        );
        for (svc, want) in [
            (
                serde_json::json!({"image": "x", "mem_limit": "lots"}),
                "service \"a\": mem_limit: invalid size",
            ),
            (
                serde_json::json!({"image": "x", "ports": ["x:80"]}),
                "service \"a\": ports: ",
            ),
            (
                serde_json::json!({"image": "x", "restart": "sometimes"}),
                "service \"a\": restart: ",
            ),
            (serde_json::json!({"build": "."}), ""),
            (
                serde_json::json!({}),
                "service \"a\": image: a service needs an image or a build",
            ),
        ] {
            let m = serde_json::json!({"services": {"a": svc}});
            match service(m, "a") {
                Ok(s) => assert!(want.is_empty() && s.image == "p-a", "{want}"),
                Err(e) => assert!(!want.is_empty() && e.to_string().starts_with(want), "{e}"),
            }
        }
    }

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(
            split_words(r#"sh -c 'echo "a b"' x\ y "q\"z""#),
            vec!["sh", "-c", "echo \"a b\"", "x y", "q\"z"]
        );
        assert!(split_words("  ").is_empty());
        assert_eq!(split_words("''"), vec![""]);
    }
}
