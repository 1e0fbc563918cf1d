//! `tug run`: create a container from an image (or `--rootfs DIR`) and run
//! it in the foreground; exits with the container's exit code.

use std::path::PathBuf;

use clap::Args as ClapArgs;
use tug::container::health::HealthConfig;
use tug::container::launch::{self, Request};
use tug::runtime::spec::{
    BindMount, NetworkMode, NetworkRequest, RunOptions, SeccompChoice, Ulimit,
};
use tug::Error;

use crate::cli::Global;
use crate::common::open_store;

/// `run` flags (Docker's names).
#[derive(Debug, ClapArgs, Clone)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// Print help
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    /// Run in the background and print the container ID
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Keep STDIN open
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY
    #[arg(short = 't', long)]
    pub tty: bool,
    /// Run tug's minimal init as pid 1 (reaps zombies, forwards signals)
    #[arg(long)]
    pub init: bool,
    /// Remove the container when it exits
    #[arg(long)]
    pub rm: bool,
    /// Assign a name to the container
    #[arg(long)]
    pub name: Option<String>,
    /// Set environment variables (KEY=VALUE, or KEY to pass the host's value)
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Read environment variables from a file
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
    /// Working directory inside the container
    #[arg(short = 'w', long = "workdir", value_name = "DIR")]
    pub workdir: Option<String>,
    /// Username or UID, with an optional group (USER[:GROUP])
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Overwrite the image's ENTRYPOINT ("" clears it)
    #[arg(long)]
    pub entrypoint: Option<String>,
    /// Container host name (default: the short container ID)
    #[arg(short = 'h', long)]
    pub hostname: Option<String>,
    /// Connect to a network: bridge (the default), none, host, or a network's name
    #[arg(
        long = "network",
        alias = "net",
        default_value = "bridge",
        value_name = "NETWORK"
    )]
    pub network: String,
    /// Add a network-scoped alias for the container
    #[arg(long = "network-alias", alias = "net-alias", value_name = "ALIAS")]
    pub network_alias: Vec<String>,
    /// IPv4 address on the network (user-defined networks only)
    #[arg(long)]
    pub ip: Option<std::net::Ipv4Addr>,
    /// Publish a container's port(s) to the host ([IP:][HOST:]CTR[/PROTO])
    #[arg(short = 'p', long = "publish", value_name = "SPEC")]
    pub publish: Vec<String>,
    /// Publish all exposed ports to random host ports
    #[arg(short = 'P', long = "publish-all")]
    pub publish_all: bool,
    /// Expose a port or a range of ports
    #[arg(long, value_name = "PORT")]
    pub expose: Vec<String>,
    /// Add a link to another container (NAME[:ALIAS])
    #[arg(long, value_name = "NAME[:ALIAS]")]
    pub link: Vec<String>,
    /// Set custom DNS search domains
    #[arg(long = "dns-search", value_name = "DOMAIN")]
    pub dns_search: Vec<String>,
    /// Give extended privileges to the container
    #[arg(long)]
    pub privileged: bool,
    /// Add Linux capabilities
    #[arg(long = "cap-add", value_name = "CAP")]
    pub cap_add: Vec<String>,
    /// Drop Linux capabilities
    #[arg(long = "cap-drop", value_name = "CAP")]
    pub cap_drop: Vec<String>,
    /// Security options: no-new-privileges[:true|false], seccomp=unconfined
    #[arg(long = "security-opt", value_name = "OPT")]
    pub security_opt: Vec<String>,
    /// Mount the container's root filesystem read-only
    #[arg(long = "read-only")]
    pub read_only: bool,
    /// Mount a tmpfs (PATH[:OPTIONS])
    #[arg(long)]
    pub tmpfs: Vec<String>,
    /// Bind-mount a host path (HOST:CONTAINER[:ro|rw])
    #[arg(short = 'v', long = "volume", value_name = "HOST:CTR[:ro]")]
    pub volume: Vec<String>,
    /// Attach a filesystem mount (type=bind|volume|tmpfs,source=..,target=..[,readonly])
    #[arg(long = "mount", value_name = "SPEC")]
    pub mount: Vec<String>,
    /// Mount the volumes of another container (CONTAINER[:ro|rw])
    #[arg(long = "volumes-from", value_name = "CONTAINER")]
    pub volumes_from: Vec<String>,
    /// Add a custom host-to-IP mapping (NAME:IP)
    #[arg(long = "add-host", value_name = "NAME:IP")]
    pub add_host: Vec<String>,
    /// Set custom DNS servers
    #[arg(long)]
    pub dns: Vec<String>,
    /// Add a host device to the container (HOST[:CONTAINER[:PERMS]])
    #[arg(long)]
    pub device: Vec<String>,
    /// CPU shares (relative weight)
    #[arg(short = 'c', long = "cpu-shares")]
    pub cpu_shares: Option<u64>,
    /// Memory plus swap limit (-1 for unlimited swap)
    #[arg(long = "memory-swap", allow_hyphen_values = true)]
    pub memory_swap: Option<String>,
    /// Proxy received signals to the container
    #[arg(long = "sig-proxy", default_value_t = true, action = clap::ArgAction::Set)]
    pub sig_proxy: bool,
    /// Run the container on an exploded root filesystem directory instead of an image
    #[arg(long, value_name = "DIR")]
    pub rootfs: Option<PathBuf>,
    /// Memory limit (e.g. 32m, 1g)
    #[arg(short = 'm', long)]
    pub memory: Option<String>,
    /// Tune the container's pids limit (-1 for unlimited)
    #[arg(long = "pids-limit", allow_hyphen_values = true)]
    pub pids_limit: Option<i64>,
    /// Number of CPUs
    #[arg(long)]
    pub cpus: Option<f64>,
    /// Ulimit options (NAME=SOFT[:HARD])
    #[arg(long)]
    pub ulimit: Vec<String>,
    /// Restart policy: no, always, on-failure[:N], unless-stopped
    #[arg(long, default_value = "no", value_name = "POLICY")]
    pub restart: String,
    /// Command to run to check health (with sh -c)
    #[arg(long = "health-cmd", value_name = "CMD")]
    pub health_cmd: Option<String>,
    /// Time between running the check
    #[arg(
        long = "health-interval",
        default_value = "30s",
        value_name = "DURATION"
    )]
    pub health_interval: String,
    /// Consecutive failures needed to report unhealthy
    #[arg(long = "health-retries", default_value_t = 3)]
    pub health_retries: u32,
    /// Maximum time to allow one check to run
    #[arg(
        long = "health-timeout",
        default_value = "30s",
        value_name = "DURATION"
    )]
    pub health_timeout: String,
    /// Start period for the container to initialize before failures count
    #[arg(
        long = "health-start-period",
        default_value = "0s",
        value_name = "DURATION"
    )]
    pub health_start_period: String,
    /// Disable any container-specified HEALTHCHECK
    #[arg(long = "no-healthcheck")]
    pub no_healthcheck: bool,
    /// Signal to stop the container (default SIGTERM)
    #[arg(long = "stop-signal", value_name = "SIGNAL")]
    pub stop_signal: Option<String>,
    /// Seconds to wait for the container to stop before killing it (default 10)
    #[arg(long = "stop-timeout", value_name = "SECONDS")]
    pub stop_timeout: Option<u64>,
    /// Set metadata on the container (KEY=VALUE)
    #[arg(short = 'l', long)]
    pub label: Vec<String>,
    /// Log driver options: max-size=SIZE, max-file=N (json-file)
    #[arg(long = "log-opt", value_name = "OPT")]
    pub log_opt: Vec<String>,
    /// Pull the image before running: always, missing (when not stored) or never
    #[arg(long, default_value = "missing", value_name = "POLICY")]
    pub pull: String,
    /// Keys that detach from the container when attached (default ctrl-p,ctrl-q)
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// Pull this platform of a multi-platform image (os/arch[/variant])
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// The image (or, with --rootfs, the command), then the command and its arguments
    #[arg(
        value_name = "IMAGE [COMMAND [ARG...]]",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub image_and_command: Vec<String>,
}

fn invalid(msg: String) -> anyhow::Error {
    Error::Invalid(msg).into()
}

/// Docker's RAMInBytes: 512, 512b, 32k, 32m, 1g, 1gb...
pub fn parse_bytes(s: &str) -> anyhow::Result<i64> {
    let t = s.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (num, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1i64 << 10),
        Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('g') => (&t[..t.len() - 1], 1 << 30),
        Some('t') => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| invalid(format!("invalid size: {s:?}")))?;
    if n < 0.0 {
        return Err(invalid(format!("invalid size: {s:?}")));
    }
    Ok((n * mult as f64) as i64)
}

fn parse_ulimit(s: &str) -> anyhow::Result<Ulimit> {
    let bad = || invalid(format!("invalid ulimit {s:?}: want NAME=SOFT[:HARD]"));
    let (name, vals) = s.split_once('=').ok_or_else(bad)?;
    let (soft, hard) = vals.split_once(':').unwrap_or((vals, vals));
    let num = |v: &str| -> anyhow::Result<u64> {
        if v == "-1" || v == "unlimited" {
            Ok(u64::MAX)
        } else {
            v.parse().map_err(|_| bad())
        }
    };
    Ok(Ulimit {
        name: name.to_string(),
        soft: num(soft)?,
        hard: num(hard)?,
    })
}

fn parse_volume(v: &str) -> anyhow::Result<BindMount> {
    let parts: Vec<&str> = v.split(':').collect();
    let (src, dst, mode) = match parts.as_slice() {
        // `-v /path`: an anonymous volume.
        [d] => ("", *d, ""),
        [s, d] => (*s, *d, ""),
        [s, d, m] => (*s, *d, *m),
        _ => return Err(invalid(format!("invalid volume specification: '{v}'"))),
    };
    // `-v :/backup` (an empty `${PWD}`, say) is not an anonymous volume.
    if parts.len() > 1 && src.is_empty() {
        return Err(invalid(format!("invalid volume specification: '{v}'")));
    }
    if !dst.starts_with('/') {
        return Err(invalid(format!(
            "invalid volume specification: {v:?}: the container path must be absolute"
        )));
    }
    let readonly = match mode {
        "" | "rw" => false,
        "ro" => true,
        m => {
            let opts: Vec<&str> = m.split(',').collect();
            if opts
                .iter()
                .any(|o| !["ro", "rw", "z", "Z", "nocopy"].contains(o))
            {
                return Err(invalid(format!("invalid volume mode {m:?} in {v:?}")));
            }
            opts.contains(&"ro")
        }
    };
    let (source, volume) = if src.starts_with('/') {
        (PathBuf::from(src), None)
    } else if src.is_empty() {
        (PathBuf::new(), Some(String::new()))
    } else if tug::container::volume::valid_name(src) {
        (PathBuf::new(), Some(src.to_string()))
    } else {
        return Err(invalid(format!(
            "invalid volume specification: {v:?}: {src:?} is neither an absolute path nor a volume name"
        )));
    };
    Ok(BindMount {
        source,
        destination: dst.to_string(),
        readonly,
        volume,
        create_host_path: true,
    })
}

/// What one `--mount` asks for.
enum MountSpec {
    Bind(BindMount),
    Tmpfs(String),
}

/// Docker's `--mount` syntax: comma-separated `key=value` pairs, `type`
/// (volume by default), `source`/`src`, `target`/`destination`/`dst`,
/// `readonly`/`ro`, `volume-nocopy`, `bind-propagation`, `tmpfs-size`,
/// `tmpfs-mode`.
fn parse_mount(spec: &str) -> anyhow::Result<MountSpec> {
    let bad = |why: &str| invalid(format!("invalid --mount {spec:?}: {why}"));
    let (mut kind, mut source, mut target, mut readonly) = ("volume", "", "", false);
    let mut tmpfs_opts = Vec::new();
    for field in spec.split(',').filter(|f| !f.is_empty()) {
        let (k, v) = field.split_once('=').unwrap_or((field, ""));
        let flag = || match v {
            "" | "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(bad(&format!("{k} wants true or false"))),
        };
        match k {
            "type" => kind = v,
            "source" | "src" => source = v,
            "target" | "destination" | "dst" => target = v,
            "readonly" | "ro" => readonly = flag()?,
            "volume-nocopy" | "bind-propagation" | "consistency" | "bind-nonrecursive" => {}
            "tmpfs-size" => {
                let bytes = parse_bytes(v).map_err(|_| bad("bad tmpfs-size"))?;
                tmpfs_opts.push(format!("size={bytes}"));
            }
            "tmpfs-mode" => {
                u32::from_str_radix(v, 8).map_err(|_| bad("tmpfs-mode must be octal"))?;
                tmpfs_opts.push(format!("mode={v}"));
            }
            _ => return Err(bad(&format!("unknown key {k:?}"))),
        }
    }
    if !target.starts_with('/') {
        return Err(bad("target must be an absolute path"));
    }
    match kind {
        "bind" => {
            if !source.starts_with('/') {
                return Err(bad("a bind source must be an absolute path"));
            }
            Ok(MountSpec::Bind(BindMount {
                source: PathBuf::from(source),
                destination: target.into(),
                readonly,
                volume: None,
                create_host_path: false,
            }))
        }
        "volume" => {
            if !source.is_empty() && !tug::container::volume::valid_name(source) {
                return Err(bad(&format!("{source:?} is not a volume name")));
            }
            Ok(MountSpec::Bind(BindMount {
                source: PathBuf::new(),
                destination: target.into(),
                readonly,
                volume: Some(source.to_string()),
                create_host_path: false,
            }))
        }
        "tmpfs" => {
            if !source.is_empty() {
                return Err(bad("a tmpfs has no source"));
            }
            if readonly {
                tmpfs_opts.push("ro".into());
            }
            Ok(MountSpec::Tmpfs(if tmpfs_opts.is_empty() {
                target.to_string()
            } else {
                format!("{target}:{}", tmpfs_opts.join(","))
            }))
        }
        other => Err(bad(&format!("unknown mount type {other:?}"))),
    }
}

fn read_env_file(p: &PathBuf) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(env_entry)
        .collect())
}

/// `KEY=VALUE` as is; a bare `KEY` takes the host's value (dropped if unset).
fn env_entry(e: &str) -> Option<String> {
    if e.contains('=') {
        Some(e.to_string())
    } else {
        std::env::var(e).ok().map(|v| format!("{e}={v}"))
    }
}

impl Args {
    /// Validates the flags into the core's options (no I/O on the store).
    pub fn options(&self) -> anyhow::Result<RunOptions> {
        let mut env = Vec::new();
        for f in &self.env_file {
            env.extend(read_env_file(f)?);
        }
        for e in &self.env {
            if e.starts_with('=') || e.is_empty() {
                return Err(invalid(format!("invalid environment variable: {e:?}")));
            }
            env.extend(env_entry(e));
        }
        let (network, networks) = match self.network.as_str() {
            "none" => (NetworkMode::None, Vec::new()),
            "host" => (NetworkMode::Host, Vec::new()),
            m if m.starts_with("container:") => {
                if m.len() == "container:".len() {
                    return Err(invalid("--network container: needs a container".into()));
                }
                (NetworkMode::Container, Vec::new())
            }
            "" => return Err(invalid("invalid network mode \"\"".into())),
            name => (
                NetworkMode::Bridge,
                vec![NetworkRequest {
                    name: if name == "default" { "bridge" } else { name }.to_string(),
                    aliases: self.network_alias.clone(),
                    ip: self.ip,
                }],
            ),
        };
        if network != NetworkMode::Bridge
            && (!self.publish.is_empty() || self.publish_all || !self.link.is_empty())
        {
            return Err(invalid(format!(
                "published ports and links need a bridge network, not --network {}",
                self.network
            )));
        }
        if (!self.network_alias.is_empty() || self.ip.is_some())
            && matches!(self.network.as_str(), "bridge" | "default")
        {
            return Err(invalid(
                "network-scoped aliases and --ip are supported for user-defined networks only"
                    .into(),
            ));
        }
        let mut publish = Vec::new();
        for p in &self.publish {
            publish.extend(tug::net::ports::parse_publish(p)?);
        }
        for e in &self.expose {
            tug::net::ports::parse_container_ports(e)?;
        }
        let links = self
            .link
            .iter()
            .map(|l| {
                let (name, alias) = l.split_once(':').unwrap_or((l, l));
                if name.is_empty() || alias.is_empty() {
                    return Err(invalid(format!("invalid --link {l:?}: want NAME[:ALIAS]")));
                }
                Ok((name.trim_start_matches('/').to_string(), alias.to_string()))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut binds = self
            .volume
            .iter()
            .map(|v| parse_volume(v))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut tmpfs = self.tmpfs.clone();
        for m in &self.mount {
            match parse_mount(m)? {
                MountSpec::Bind(b) => binds.push(b),
                MountSpec::Tmpfs(t) => tmpfs.push(t),
            }
        }
        // Off by default, as in Docker: setuid programs (su, sudo) work.
        let mut no_new_privileges = false;
        let mut seccomp = SeccompChoice::Default;
        for o in &self.security_opt {
            let (k, v) = o.split_once(['=', ':']).unwrap_or((o.as_str(), ""));
            match (k, v) {
                ("no-new-privileges", "" | "true") => no_new_privileges = true,
                ("no-new-privileges", "false") => no_new_privileges = false,
                ("seccomp", "unconfined") => seccomp = SeccompChoice::Unconfined,
                ("seccomp", p) if !p.is_empty() => {
                    seccomp = SeccompChoice::Profile(PathBuf::from(p))
                }
                ("label" | "apparmor", _) => {}
                _ => return Err(invalid(format!("invalid --security-opt: {o:?}"))),
            }
        }
        if let Some(sig) = &self.stop_signal {
            tug::container::signal::parse_signal(sig)?;
        }
        let (mut log_max_size, mut log_max_file) = (None, None);
        for o in &self.log_opt {
            match o.split_once('=') {
                Some(("max-size", v)) => log_max_size = Some(parse_bytes(v)? as u64),
                Some(("max-file", v)) => {
                    let n: u32 = v
                        .parse()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| invalid(format!("invalid --log-opt {o:?}")))?;
                    log_max_file = Some(n);
                }
                _ => {
                    return Err(invalid(format!(
                        "unknown --log-opt {o:?}: want max-size= or max-file="
                    )))
                }
            }
        }
        let memory = self.memory.as_deref().map(parse_bytes).transpose()?;
        if memory.is_some_and(|m| m < 6 * 1024 * 1024) {
            return Err(invalid("minimum memory limit allowed is 6MB".into()));
        }
        if let Some(c) = self.cpus {
            if !(c > 0.0 && c.is_finite()) {
                return Err(invalid(format!("invalid --cpus {c}: must be positive")));
            }
        }
        Ok(RunOptions {
            command: self.image_and_command[1..].to_vec(),
            entrypoint: self.entrypoint.clone(),
            env,
            workdir: self.workdir.clone(),
            user: self.user.clone(),
            hostname: self.hostname.clone(),
            network,
            networks,
            publish,
            publish_all: self.publish_all,
            expose: self.expose.clone(),
            links,
            dns_search: self.dns_search.clone(),
            detach_keys: match &self.detach_keys {
                Some(k) => {
                    tug::container::attach::parse_detach_keys(k)?;
                    Some(k.clone())
                }
                None => None,
            },
            net_container: self.network.strip_prefix("container:").map(String::from),
            privileged: self.privileged,
            cap_add: self.cap_add.clone(),
            cap_drop: self.cap_drop.clone(),
            no_new_privileges,
            seccomp,
            read_only: self.read_only,
            tmpfs,
            binds,
            memory,
            pids_limit: self.pids_limit,
            cpus: self.cpus,
            ulimits: self
                .ulimit
                .iter()
                .map(|u| parse_ulimit(u))
                .collect::<anyhow::Result<_>>()?,
            tty: self.tty,
            interactive: self.interactive,
            init: self.init,
            stop_signal: self.stop_signal.clone(),
            stop_timeout: self.stop_timeout,
            labels: self
                .label
                .iter()
                .map(|l| {
                    let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
                    (k.to_string(), v.to_string())
                })
                .collect(),
            log_max_size,
            log_max_file,
            volumes_from: self.volumes_from.clone(),
            add_hosts: self
                .add_host
                .iter()
                .map(|h| {
                    h.split_once([':', '='])
                        .filter(|(n, ip)| !n.is_empty() && ip.parse::<std::net::IpAddr>().is_ok())
                        .map(|(n, ip)| (n.to_string(), ip.to_string()))
                        .ok_or_else(|| invalid(format!("invalid --add-host {h:?}: want NAME:IP")))
                })
                .collect::<anyhow::Result<_>>()?,
            dns: self
                .dns
                .iter()
                .map(|d| {
                    d.parse::<std::net::IpAddr>()
                        .map(|_| d.clone())
                        .map_err(|_| invalid(format!("invalid --dns {d:?}: not an IP address")))
                })
                .collect::<anyhow::Result<_>>()?,
            devices: self
                .device
                .iter()
                .map(|d| tug::runtime::spec::DeviceRequest::parse(d))
                .collect::<Result<_, _>>()?,
            cpu_shares: self.cpu_shares,
            memory_swap: match self.memory_swap.as_deref() {
                None => None,
                Some("-1") => Some(-1),
                Some(v) => Some(parse_bytes(v)?),
            },
            no_sig_proxy: !self.sig_proxy,
        })
    }

    /// `--health-*` as the core's health config (None without a command
    /// or with --no-healthcheck).
    fn healthcheck(&self) -> anyhow::Result<Option<HealthConfig>> {
        let dur = |flag: &str, v: &str| -> anyhow::Result<std::time::Duration> {
            humantime::parse_duration(v)
                .map_err(|e| invalid(format!("invalid --{flag} {v:?}: {e}")))
        };
        let cfg = HealthConfig {
            command: self.health_cmd.clone().unwrap_or_default(),
            interval: dur("health-interval", &self.health_interval)?,
            timeout: dur("health-timeout", &self.health_timeout)?,
            start_period: dur("health-start-period", &self.health_start_period)?,
            retries: self.health_retries,
        };
        if cfg.interval.is_zero() || cfg.timeout.is_zero() {
            return Err(invalid(
                "--health-interval and --health-timeout must be positive".into(),
            ));
        }
        if self.no_healthcheck && self.health_cmd.is_some() {
            return Err(invalid(
                "--no-healthcheck conflicts with --health-* options".into(),
            ));
        }
        Ok((self.health_cmd.is_some() && !self.no_healthcheck).then_some(cfg))
    }

    /// `--pull`: fetches the image from its registry when the policy says
    /// so (`missing`: only when it is not stored), as Docker does before
    /// `run` and `create`. Progress goes to stderr.
    pub fn ensure_image(
        &self,
        store: &tug::store::Store,
        image: Option<&str>,
    ) -> anyhow::Result<()> {
        let Some(image) = image else {
            return Ok(());
        };
        // Only a name that is not in the store pulls: a damaged entry or an
        // unreadable store is an error, never a reason to fetch something
        // else of the same name.
        let found = match tug::image::resolve(store, image) {
            Ok(i) => Some(i),
            Err(tug::Error::NoSuchImage(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let platform_of =
            |i: &tug::image::Image| format!("{}/{}", i.config.os(), i.config.architecture());
        // A stored image of another platform than --platform asks for is
        // as good as missing.
        let wrong_platform = match (&found, &self.platform) {
            (Some(i), Some(p)) => !p.starts_with(&platform_of(i)),
            _ => false,
        };
        let stored = found.is_some() && !wrong_platform;
        let pull = match self.pull.as_str() {
            "always" => true,
            "missing" => !stored,
            _ => false,
        };
        if !pull {
            if let (true, Some(i), Some(p)) = (wrong_platform, &found, &self.platform) {
                return Err(invalid(format!(
                    "image with reference {image} was found but its platform ({}) does not match the specified platform ({p})",
                    platform_of(i)
                )));
            }
            return self.warn_on_foreign_platform(found.as_ref());
        }
        let r = tug::reference::Reference::parse(image)?;
        if !stored {
            eprintln!("Unable to find image '{}' locally", r.familiar());
        }
        for line in tug::registry::client::pull(store, &r, self.platform.as_deref())? {
            eprintln!("{line}");
        }
        self.warn_on_foreign_platform(tug::image::resolve(store, image).ok().as_ref())
    }

    /// Docker's warning when an image of another architecture is run
    /// without `--platform` asking for it.
    fn warn_on_foreign_platform(&self, image: Option<&tug::image::Image>) -> anyhow::Result<()> {
        let host = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            other => other,
        };
        if let Some(i) = image {
            let arch = i.config.architecture().to_string();
            if self.platform.is_none() && arch != host {
                eprintln!(
                    "WARNING: The requested image's platform (linux/{arch}) does not match the detected host platform (linux/{host}) and no specific platform was requested"
                );
            }
        }
        Ok(())
    }

    /// The request for the core: with `--rootfs`, IMAGE is the command.
    pub fn request(&self) -> anyhow::Result<Request> {
        let mut options = self.options()?;
        let image = if self.rootfs.is_some() {
            options.command.insert(0, self.image_and_command[0].clone());
            None
        } else {
            Some(self.image_and_command[0].clone())
        };
        match self.pull.as_str() {
            "never" | "missing" | "always" => {}
            p => {
                return Err(invalid(format!(
                    "invalid --pull policy {p:?}: want always, missing or never"
                )))
            }
        }
        Ok(Request {
            image,
            rootfs_dir: self.rootfs.clone(),
            name: self.name.clone(),
            options,
            auto_remove: self.rm,
            restart: tug::container::RestartPolicy::parse(&self.restart)?,
            healthcheck: self.healthcheck()?,
        })
    }
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let req = args.request()?;
    if args.rm && req.restart.name != "no" {
        return Err(invalid("conflicting options: --restart and --rm".into()));
    }
    let store = open_store(g)?;
    args.ensure_image(&store, req.image.as_deref())?;
    let record = launch::create(&store, &req)?;
    if args.detach {
        let started = tug::container::monitor::spawn(&store, &record.id);
        return match started {
            Ok(warnings) => {
                for w in warnings {
                    eprintln!("tug: warning: {w}");
                }
                println!("{}", record.id);
                Ok(0)
            }
            Err(e) => {
                if args.rm {
                    tug::container::remove(&store, &record);
                }
                Err(e.into())
            }
        };
    }
    let code = launch::run_foreground(&store, record, |w| eprintln!("tug: warning: {w}"))?;
    Ok(code)
}
