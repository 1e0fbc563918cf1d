//! The OCI runtime spec of a container, built from the image's config and
//! the `run` flags, with Docker's defaults: its capability set, masked and
//! read-only /proc paths, a minimal /dev, no_new_privs, and rlimits never
//! above this process's hard limits (raising them needs CAP_SYS_RESOURCE,
//! which tug may not have).

use std::path::{Path, PathBuf};

use oci_spec::image::ImageConfiguration;
use oci_spec::runtime::Spec;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::runtime::user;
use crate::userns::IdMapping;

/// The PATH a container gets when its image sets none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Docker's default capability set.
pub const DEFAULT_CAPS: &[&str] = &[
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

pub const MASKED_PATHS: &[&str] = &[
    "/proc/kcore",
    "/proc/keys",
    "/proc/timer_list",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/acpi",
    "/proc/latency_stats",
    "/proc/timer_stats",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
];

pub const READONLY_PATHS: &[&str] = &[
    "/proc/asound",
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sys",
    "/proc/sysrq-trigger",
];

/// Which network namespace the container gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    /// A network namespace with only loopback.
    #[default]
    None,
    /// The host's network namespace.
    Host,
    /// A network namespace joined to the bridge networks in `networks`
    /// (the default `bridge` unless `--network NAME` says otherwise).
    Bridge,
    /// Another container's network namespace (`--network container:NAME`).
    Container,
}

/// One network a container joins (`--network NAME`, `--network-alias`, `--ip`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NetworkRequest {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub ip: Option<std::net::Ipv4Addr>,
}

/// The syscall filter a container runs under.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeccompChoice {
    #[default]
    Default,
    Unconfined,
    /// A Docker-format JSON profile.
    Profile(PathBuf),
}

/// A host path bind-mounted into the container.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BindMount {
    pub source: PathBuf,
    pub destination: String,
    pub readonly: bool,
    /// The volume this mount is (a name; source is then its _data dir).
    #[serde(default)]
    pub volume: Option<String>,
    /// A missing host directory is created (`-v`), not refused (`--mount`),
    /// as Docker does.
    #[serde(default)]
    pub create_host_path: bool,
}

/// `--ulimit NAME=SOFT[:HARD]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ulimit {
    pub name: String,
    pub soft: u64,
    pub hard: u64,
}

pub use crate::runtime::devices::DeviceRequest;

/// What the `run`/`create` flags ask for, already validated syntactically.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RunOptions {
    /// The command after the image name (replaces the image's CMD).
    pub command: Vec<String>,
    /// `--entrypoint` (Some("") clears the image's entrypoint).
    pub entrypoint: Option<String>,
    /// `KEY=VALUE` pairs, in order; later ones win.
    pub env: Vec<String>,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub hostname: Option<String>,
    pub network: NetworkMode,
    pub privileged: bool,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub no_new_privileges: bool,
    pub seccomp: SeccompChoice,
    pub read_only: bool,
    /// `--tmpfs PATH[:OPTIONS]`
    pub tmpfs: Vec<String>,
    pub binds: Vec<BindMount>,
    pub memory: Option<i64>,
    pub pids_limit: Option<i64>,
    pub cpus: Option<f64>,
    pub ulimits: Vec<Ulimit>,
    pub tty: bool,
    /// `--init`: tug's minimal init as pid 1.
    #[serde(default)]
    pub init: bool,
    /// `-i`: keep stdin open (relayed to the pty with `-t`).
    #[serde(default)]
    pub interactive: bool,
    /// `--stop-signal` (default SIGTERM).
    #[serde(default)]
    pub stop_signal: Option<String>,
    /// `--stop-timeout` in seconds (default 10).
    #[serde(default)]
    pub stop_timeout: Option<u64>,
    /// `--label KEY=VALUE`.
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
    /// `--log-opt max-size`: rotate the json log past this many bytes.
    #[serde(default)]
    pub log_max_size: Option<u64>,
    /// `--log-opt max-file`: how many log files to keep (default 1).
    #[serde(default)]
    pub log_max_file: Option<u32>,
    /// `--volumes-from CONTAINER[:ro|rw]` (resolved into `binds` at create).
    #[serde(default)]
    pub volumes_from: Vec<String>,
    /// `--add-host NAME:IP` lines for /etc/hosts.
    #[serde(default)]
    pub add_hosts: Vec<(String, String)>,
    /// `--dns` servers for /etc/resolv.conf (default: the host's file).
    #[serde(default)]
    pub dns: Vec<String>,
    /// `--device HOST[:CONTAINER[:PERMS]]`: nodes made in the container's
    /// /dev (bind-mounted rootless) and allowed in its device cgroup.
    #[serde(default)]
    pub devices: Vec<DeviceRequest>,
    /// `-c/--cpu-shares`.
    #[serde(default)]
    pub cpu_shares: Option<u64>,
    /// `--memory-swap` (memory + swap; -1 unlimited).
    #[serde(default)]
    pub memory_swap: Option<i64>,
    /// `--sig-proxy=false`: signals to `tug run` are not passed on.
    #[serde(default)]
    pub no_sig_proxy: bool,
    /// The networks to join, in order (bridge mode).
    #[serde(default)]
    pub networks: Vec<NetworkRequest>,
    /// `-p`: ports published on the host (host port 0: chosen at start).
    #[serde(default)]
    pub publish: Vec<crate::net::ports::PortBinding>,
    /// `-P`: every exposed port on a free host port.
    #[serde(default)]
    pub publish_all: bool,
    /// `--expose PORT[/PROTO]`, beside the image's EXPOSE.
    #[serde(default)]
    pub expose: Vec<String>,
    /// `--link NAME[:ALIAS]`, as (name, alias).
    #[serde(default)]
    pub links: Vec<(String, String)>,
    /// `--dns-search` domains.
    #[serde(default)]
    pub dns_search: Vec<String>,
    /// `--network container:NAME`: the container (its ID once created).
    #[serde(default)]
    pub net_container: Option<String>,
    /// `--detach-keys`: what `attach` and `start -ai` detach with.
    #[serde(default)]
    pub detach_keys: Option<String>,
    /// `--sysctl KEY=VALUE`: namespaced sysctls only (`check_sysctl`).
    #[serde(default)]
    pub sysctls: std::collections::BTreeMap<String, String>,
}

/// A sysctl name or value longer than this is refused.
const MAX_SYSCTL: usize = 4096;

/// `--sysctl KEY=VALUE` (`net.ipv4.ip_forward=1`), checked as
/// `check_sysctl` does except for the network.
pub fn parse_sysctl(s: &str) -> Result<(String, String)> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| Error::Invalid(format!("invalid sysctl {s:?}: want KEY=VALUE")))?;
    let (k, v) = (k.trim(), v.trim());
    check_sysctl(k, v, None)?;
    Ok((k.to_string(), v.to_string()))
}

/// Whether sysctl `key` may be set to `value` in a container with network
/// `net` (none: not known yet): only the namespaced ones Docker allows,
/// `kernel.msg*`, `kernel.sem`, `kernel.shm*` and `fs.mqueue.*` (the
/// container's IPC namespace) and `net.*` when it has a network namespace
/// of its own. The name stays a path under /proc/sys.
pub fn check_sysctl(key: &str, value: &str, net: Option<&NetworkMode>) -> Result<()> {
    let bad = |why: &str| Err(Error::Invalid(format!("sysctl {key:?}: {why}")));
    if key.len() > MAX_SYSCTL || value.len() > MAX_SYSCTL || value.contains('\n') {
        return bad("too long, or a value of several lines");
    }
    let name_ok = !key.is_empty()
        && key.split('.').all(|p| {
            !p.is_empty()
                && p != ".."
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if !name_ok {
        return bad("not a sysctl name");
    }
    let ipc = matches!(
        key,
        "kernel.msgmax" | "kernel.msgmnb" | "kernel.msgmni" | "kernel.sem"
    ) || key.starts_with("kernel.shm")
        || key.starts_with("fs.mqueue.");
    if ipc {
        return Ok(());
    }
    if key.starts_with("net.") {
        return match net {
            Some(NetworkMode::Host) => bad("not allowed in the host's network namespace"),
            Some(NetworkMode::Container) => {
                bad("not allowed in another container's network namespace")
            }
            _ => Ok(()),
        };
    }
    bad("not namespaced: only net.*, kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.* can be set in a container")
}

/// What the spec is built from besides the flags.
pub struct SpecInput<'a> {
    pub id: &'a str,
    pub image_config: Option<&'a ImageConfiguration>,
    /// The rootfs layer directories, topmost first (for /etc/passwd lookups).
    pub layers: &'a [PathBuf],
    /// The container's directory (hosts, hostname, resolv.conf live there).
    pub container_dir: &'a Path,
    /// Where the rootfs is assembled before pivot_root.
    pub rootfs: &'a Path,
    pub mapping: &'a IdMapping,
}

/// The container's argv: entrypoint + cmd, as Docker combines them.
pub fn command_line(cfg: Option<&ImageConfiguration>, opts: &RunOptions) -> Vec<String> {
    let image = cfg.and_then(|c| c.config().as_ref());
    let entrypoint: Vec<String> = match &opts.entrypoint {
        Some(e) if e.is_empty() => Vec::new(),
        Some(e) => vec![e.clone()],
        None => image
            .and_then(|c| c.entrypoint().clone())
            .unwrap_or_default(),
    };
    let cmd = if !opts.command.is_empty() {
        opts.command.clone()
    } else if opts.entrypoint.is_some() {
        Vec::new()
    } else {
        image.and_then(|c| c.cmd().clone()).unwrap_or_default()
    };
    entrypoint.into_iter().chain(cmd).collect()
}

fn merge_env(base: &mut Vec<String>, kv: &str) {
    let key = kv.split('=').next().unwrap_or(kv);
    base.retain(|e| e.split('=').next() != Some(key));
    base.push(kv.to_string());
}

fn has_env(env: &[String], key: &str) -> bool {
    env.iter().any(|e| e.split('=').next() == Some(key))
}

/// The capability set after `--privileged`, `--cap-add` and `--cap-drop`.
pub fn capability_set(opts: &RunOptions) -> Result<Vec<String>> {
    let norm = |c: &str| -> Result<String> {
        let up = c.trim().to_ascii_uppercase();
        if up == "ALL" {
            return Ok(up);
        }
        let full = if up.starts_with("CAP_") {
            up
        } else {
            format!("CAP_{up}")
        };
        full.parse::<caps::Capability>()
            .map_err(|_| Error::Invalid(format!("unknown capability: {c:?}")))?;
        Ok(full)
    };
    // "All" is every capability this process may still hold: a host (or
    // an outer container) that dropped one from our bounding set cannot
    // grant it, and capset would refuse the whole set.
    let bounding = caps::read(None, caps::CapSet::Bounding).unwrap_or_else(|_| caps::all());
    let mut all: Vec<String> = bounding.iter().map(|c| c.to_string()).collect();
    all.sort();
    let mut set: Vec<String> = if opts.privileged {
        all.clone()
    } else {
        DEFAULT_CAPS.iter().map(|s| s.to_string()).collect()
    };
    for c in &opts.cap_add {
        let c = norm(c)?;
        if c == "ALL" {
            set = all.clone();
        } else if !set.contains(&c) {
            set.push(c);
        }
    }
    for c in &opts.cap_drop {
        let c = norm(c)?;
        if c == "ALL" {
            set.clear();
        } else {
            set.retain(|x| *x != c);
        }
    }
    set.sort();
    Ok(set)
}

/// The resource name of `--ulimit` as the OCI spec spells it.
fn rlimit_type(name: &str) -> Result<&'static str> {
    Ok(match name {
        "core" => "RLIMIT_CORE",
        "cpu" => "RLIMIT_CPU",
        "data" => "RLIMIT_DATA",
        "fsize" => "RLIMIT_FSIZE",
        "locks" => "RLIMIT_LOCKS",
        "memlock" => "RLIMIT_MEMLOCK",
        "msgqueue" => "RLIMIT_MSGQUEUE",
        "nice" => "RLIMIT_NICE",
        "nofile" => "RLIMIT_NOFILE",
        "nproc" => "RLIMIT_NPROC",
        "rss" => "RLIMIT_RSS",
        "rtprio" => "RLIMIT_RTPRIO",
        "rttime" => "RLIMIT_RTTIME",
        "sigpending" => "RLIMIT_SIGPENDING",
        "stack" => "RLIMIT_STACK",
        _ => return Err(Error::Invalid(format!("invalid ulimit type: {name}"))),
    })
}

/// The resource number of an OCI rlimit type (`RLIMIT_NOFILE`...).
pub fn rlimit_resource(typ: &str) -> Option<libc::__rlimit_resource_t> {
    Some(match typ {
        "RLIMIT_CORE" => libc::RLIMIT_CORE,
        "RLIMIT_CPU" => libc::RLIMIT_CPU,
        "RLIMIT_DATA" => libc::RLIMIT_DATA,
        "RLIMIT_FSIZE" => libc::RLIMIT_FSIZE,
        "RLIMIT_LOCKS" => libc::RLIMIT_LOCKS,
        "RLIMIT_MEMLOCK" => libc::RLIMIT_MEMLOCK,
        "RLIMIT_MSGQUEUE" => libc::RLIMIT_MSGQUEUE,
        "RLIMIT_NICE" => libc::RLIMIT_NICE,
        "RLIMIT_NOFILE" => libc::RLIMIT_NOFILE,
        "RLIMIT_NPROC" => libc::RLIMIT_NPROC,
        "RLIMIT_RSS" => libc::RLIMIT_RSS,
        "RLIMIT_RTPRIO" => libc::RLIMIT_RTPRIO,
        "RLIMIT_RTTIME" => libc::RLIMIT_RTTIME,
        "RLIMIT_SIGPENDING" => libc::RLIMIT_SIGPENDING,
        "RLIMIT_STACK" => libc::RLIMIT_STACK,
        _ => return None,
    })
}

/// This process's hard limit of an OCI rlimit type.
pub fn caller_hard_limit(typ: &str) -> u64 {
    let Some(res) = rlimit_resource(typ) else {
        return u64::MAX;
    };
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct we own.
    if unsafe { libc::getrlimit(res, &mut r) } != 0 {
        return u64::MAX;
    }
    r.rlim_max
}

fn rlimits(opts: &RunOptions) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    // Docker's default open-file limit, capped by ours.
    let nofile_hard = caller_hard_limit("RLIMIT_NOFILE").min(1_048_576);
    let mut have_nofile = false;
    for u in &opts.ulimits {
        let typ = rlimit_type(&u.name)?;
        if u.soft > u.hard {
            return Err(Error::Invalid(format!(
                "ulimit {}: soft limit {} is above hard limit {}",
                u.name, u.soft, u.hard
            )));
        }
        let max = caller_hard_limit(typ);
        if u.hard > max {
            return Err(Error::Invalid(format!(
                "ulimit {}={}: above this process's hard limit {max} (raising it needs CAP_SYS_RESOURCE)",
                u.name, u.hard
            )));
        }
        have_nofile |= typ == "RLIMIT_NOFILE";
        out.push(json!({"type": typ, "soft": u.soft, "hard": u.hard}));
    }
    if !have_nofile {
        out.push(json!({"type": "RLIMIT_NOFILE", "soft": nofile_hard, "hard": nofile_hard}));
    }
    Ok(out)
}

/// Docker's `--tmpfs PATH[:OPTS]` as a mount.
fn tmpfs_mount(arg: &str) -> Result<Value> {
    let (path, opts) = arg.split_once(':').unwrap_or((arg, ""));
    if !path.starts_with('/') {
        return Err(Error::Invalid(format!(
            "invalid --tmpfs {arg:?}: the path must be absolute"
        )));
    }
    let mut options: Vec<String> = vec!["nosuid".into(), "nodev".into(), "noexec".into()];
    for o in opts.split(',').filter(|o| !o.is_empty()) {
        match o {
            "exec" => options.retain(|x| x != "noexec"),
            "suid" => options.retain(|x| x != "nosuid"),
            "dev" => options.retain(|x| x != "nodev"),
            _ => options.push(o.to_string()),
        }
    }
    if !options.iter().any(|o| o.starts_with("size=")) {
        options.push("size=65536k".into());
    }
    Ok(json!({"destination": path, "type": "tmpfs", "source": "tmpfs", "options": options}))
}

/// Builds the container's runtime spec.
pub fn build(input: &SpecInput, opts: &RunOptions) -> Result<Spec> {
    let image = input.image_config.and_then(|c| c.config().as_ref());
    let mut args = command_line(input.image_config, opts);
    if args.is_empty() {
        return Err(Error::Invalid("no command specified".into()));
    }
    if opts.init {
        args.insert(0, crate::runtime::mini_init::PATH.to_string());
    }
    let user_spec = opts
        .user
        .clone()
        .or_else(|| image.and_then(|c| c.user().clone()))
        .unwrap_or_default();
    let creds = user::resolve(input.layers, &user_spec)?;
    if input.mapping.host_uid(creds.uid).is_none() || input.mapping.host_gid(creds.gid).is_none() {
        return Err(Error::Invalid(format!(
            "user {user_spec:?} (uid {}, gid {}) is not mapped in the user namespace: \
             give this user subordinate ids in /etc/subuid and /etc/subgid",
            creds.uid, creds.gid
        )));
    }
    let hostname = opts
        .hostname
        .clone()
        .unwrap_or_else(|| input.id[..12].to_string());

    let mut env: Vec<String> = image.and_then(|c| c.env().clone()).unwrap_or_default();
    for kv in &opts.env {
        merge_env(&mut env, kv);
    }
    if !has_env(&env, "PATH") {
        env.insert(0, format!("PATH={DEFAULT_PATH}"));
    }
    merge_env(&mut env, &format!("HOSTNAME={hostname}"));
    if opts.tty && !has_env(&env, "TERM") {
        env.push("TERM=xterm".into());
    }
    if !has_env(&env, "HOME") {
        env.push(format!(
            "HOME={}",
            creds.home.clone().unwrap_or_else(|| "/".into())
        ));
    }
    let cwd = opts
        .workdir
        .clone()
        .or_else(|| image.and_then(|c| c.working_dir().clone()))
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| "/".into());
    if !cwd.starts_with('/') {
        return Err(Error::Invalid(format!(
            "the working directory {cwd:?} is invalid, it needs to be an absolute path"
        )));
    }

    let caps = capability_set(opts)?;
    let rootless = !input.mapping.is_identity();
    let mut devpts_opts = vec![
        "nosuid",
        "noexec",
        "newinstance",
        "ptmxmode=0666",
        "mode=0620",
    ];
    if input.mapping.host_gid(5).is_some() {
        devpts_opts.push("gid=5");
    }
    let mut mounts = vec![
        json!({"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]}),
        json!({"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]}),
        json!({"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": devpts_opts}),
        json!({"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", if opts.privileged { "rw" } else { "ro" }]}),
        json!({"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]}),
        json!({"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"]}),
    ];
    for f in ["resolv.conf", "hostname", "hosts"] {
        mounts.push(json!({
            "destination": format!("/etc/{f}"),
            "type": "bind",
            "source": input.container_dir.join(f),
            "options": ["rbind", "rprivate"],
        }));
    }
    for t in &opts.tmpfs {
        mounts.push(tmpfs_mount(t)?);
    }
    for b in &opts.binds {
        let mut o = vec!["rbind", "rprivate"];
        if b.readonly {
            o.push("ro");
        }
        mounts.push(
            json!({"destination": b.destination, "type": "bind", "source": b.source, "options": o}),
        );
    }

    if opts.init {
        let exe =
            std::fs::read_link("/proc/self/exe").map_err(|e| Error::io("/proc/self/exe", e))?;
        mounts.push(json!({"destination": crate::runtime::mini_init::PATH, "type": "bind", "source": exe, "options": ["bind", "ro"]}));
    }
    let mut namespaces = vec![
        json!({"type": "pid"}),
        json!({"type": "ipc"}),
        json!({"type": "uts"}),
        json!({"type": "mount"}),
        json!({"type": "cgroup"}),
    ];
    if opts.network != NetworkMode::Host {
        namespaces.push(json!({"type": "network"}));
    }
    let maps = |r: &[crate::userns::IdRange]| -> Vec<Value> {
        r.iter()
            .map(|r| json!({"containerID": r.inside, "hostID": r.outside, "size": r.count}))
            .collect()
    };
    let (devices, device_rules, device_mounts) =
        crate::runtime::devices::for_spec(&opts.devices, opts.privileged, rootless)?;
    mounts.extend(device_mounts);
    let mut linux = json!({
        "namespaces": namespaces,
        "maskedPaths": if opts.privileged { vec![] } else { MASKED_PATHS.to_vec() },
        "readonlyPaths": if opts.privileged { vec![] } else { READONLY_PATHS.to_vec() },
        "devices": devices,
        "cgroupsPath": format!("tug/{}", input.id),
    });
    if rootless {
        linux["namespaces"]
            .as_array_mut()
            .expect("namespaces is an array")
            .push(json!({"type": "user"}));
        linux["uidMappings"] = json!(maps(&input.mapping.uids));
        linux["gidMappings"] = json!(maps(&input.mapping.gids));
    }
    let mut resources = json!({});
    if let Some(m) = opts.memory {
        resources["memory"] = json!({"limit": m});
        if let Some(sw) = opts.memory_swap {
            resources["memory"]["swap"] = json!(sw);
        }
    }
    if let Some(sh) = opts.cpu_shares {
        resources["cpu"] = json!({"shares": sh});
    }
    if let Some(p) = opts.pids_limit {
        resources["pids"] = json!({"limit": p});
    }
    resources["devices"] = json!(device_rules);
    if let Some(c) = opts.cpus {
        resources["cpu"]["quota"] = json!((c * 100_000.0) as i64);
        resources["cpu"]["period"] = json!(100_000);
    }
    linux["resources"] = resources;
    for (k, v) in &opts.sysctls {
        check_sysctl(k, v, Some(&opts.network))?;
    }
    if !opts.sysctls.is_empty() {
        linux["sysctl"] = json!(opts.sysctls);
    }

    let seccomp = match &opts.seccomp {
        _ if opts.privileged => "unconfined".to_string(),
        SeccompChoice::Default => "default".into(),
        SeccompChoice::Unconfined => "unconfined".into(),
        SeccompChoice::Profile(p) => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
    };
    let doc = json!({
        "ociVersion": "1.0.2",
        "root": {"path": input.rootfs, "readonly": opts.read_only},
        "hostname": hostname,
        "process": {
            "terminal": opts.tty,
            "user": {"uid": creds.uid, "gid": creds.gid, "additionalGids": creds.additional_gids},
            "args": args,
            "env": env,
            "cwd": cwd,
            "capabilities": {
                "bounding": caps, "effective": caps, "permitted": caps,
                "inheritable": [], "ambient": [],
            },
            "rlimits": rlimits(opts)?,
            "noNewPrivileges": opts.no_new_privileges,
        },
        "mounts": mounts,
        "linux": linux,
        "annotations": {"io.tug.seccomp": seccomp},
    });
    serde_json::from_value(doc).map_err(|e| Error::json("building the runtime spec", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_follow_docker() {
        let mut o = RunOptions::default();
        assert_eq!(capability_set(&o).unwrap().len(), DEFAULT_CAPS.len());
        o.cap_drop = vec!["chown".into()];
        o.cap_add = vec!["SYS_ADMIN".into()];
        let s = capability_set(&o).unwrap();
        assert!(s.contains(&"CAP_SYS_ADMIN".to_string()));
        assert!(!s.contains(&"CAP_CHOWN".to_string()));
        o.cap_add = vec!["BOGUS".into()];
        assert!(capability_set(&o).is_err());
    }

    #[test]
    fn entrypoint_and_cmd_combine() {
        let cfg: ImageConfiguration = serde_json::from_value(json!({
            "architecture": "amd64", "os": "linux",
            "config": {"Entrypoint": ["/bin/ep"], "Cmd": ["a"]},
            "rootfs": {"type": "layers", "diff_ids": []}
        }))
        .unwrap();
        let mut o = RunOptions::default();
        assert_eq!(command_line(Some(&cfg), &o), ["/bin/ep", "a"]);
        o.command = vec!["b".into()];
        assert_eq!(command_line(Some(&cfg), &o), ["/bin/ep", "b"]);
        o.entrypoint = Some(String::new());
        assert_eq!(command_line(Some(&cfg), &o), ["b"]);
    }
}
