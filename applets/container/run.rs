//! `tug run`: create a container from an image (or `--rootfs DIR`) and run
//! it in the foreground; exits with the container's exit code.

use std::path::PathBuf;

use clap::Args as ClapArgs;
use tug::container::health::HealthConfig;
use tug::container::image::{ensure_image, EnsureImageError};
use tug::container::launch::{self, Request};
use tug::container::options::{self, HealthSpec, MountSpec, NetworkChoice, PullPolicy};
use tug::runtime::spec::{NetworkMode, NetworkRequest, RunOptions};
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
    /// Sysctl options (namespaced ones: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)
    #[arg(long, value_name = "KEY=VALUE")]
    pub sysctl: Vec<String>,
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

impl Args {
    /// Validates the flags into the core's options (no I/O on the store).
    pub fn options(&self) -> anyhow::Result<RunOptions> {
        let host_env = |k: &str| std::env::var(k).ok();
        let mut env = Vec::new();
        for f in &self.env_file {
            env.extend(options::read_env_file(f, host_env)?);
        }
        for e in &self.env {
            env.extend(options::parse_env(e, host_env)?);
        }
        let mut net_container = None;
        let (network, networks) = match options::parse_network_mode(&self.network)? {
            NetworkChoice::None => (NetworkMode::None, Vec::new()),
            NetworkChoice::Host => (NetworkMode::Host, Vec::new()),
            NetworkChoice::Container(c) => {
                net_container = Some(c);
                (NetworkMode::Container, Vec::new())
            }
            NetworkChoice::Network(name) => (
                NetworkMode::Bridge,
                vec![NetworkRequest {
                    name,
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
            .map(|l| options::parse_link(l))
            .collect::<Result<Vec<_>, _>>()?;
        let mut binds = self
            .volume
            .iter()
            .map(|v| options::parse_volume(v))
            .collect::<Result<Vec<_>, _>>()?;
        let mut tmpfs = self.tmpfs.clone();
        for m in &self.mount {
            match options::parse_mount(m)? {
                MountSpec::Bind(b) => binds.push(b),
                MountSpec::Tmpfs(t) => tmpfs.push(t),
            }
        }
        let security = options::parse_security_opts(self.security_opt.iter().map(String::as_str))?;
        if let Some(sig) = &self.stop_signal {
            tug::container::signal::parse_signal(sig)?;
        }
        let log = options::parse_log_opts(self.log_opt.iter().map(String::as_str))?;
        let memory = self
            .memory
            .as_deref()
            .map(options::parse_memory)
            .transpose()?;
        let cpus = self.cpus.map(options::check_cpus).transpose()?;
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
            sysctls: self
                .sysctl
                .iter()
                .map(|s| tug::runtime::spec::parse_sysctl(s))
                .collect::<Result<_, _>>()?,
            detach_keys: match &self.detach_keys {
                Some(k) => {
                    tug::container::attach::parse_detach_keys(k)?;
                    Some(k.clone())
                }
                None => None,
            },
            net_container,
            privileged: self.privileged,
            cap_add: self.cap_add.clone(),
            cap_drop: self.cap_drop.clone(),
            no_new_privileges: security.no_new_privileges,
            seccomp: security.seccomp,
            read_only: self.read_only,
            tmpfs,
            binds,
            memory,
            pids_limit: self.pids_limit,
            cpus,
            ulimits: self
                .ulimit
                .iter()
                .map(|u| options::parse_ulimit(u))
                .collect::<Result<_, _>>()?,
            tty: self.tty,
            interactive: self.interactive,
            init: self.init,
            stop_signal: self.stop_signal.clone(),
            stop_timeout: self.stop_timeout,
            labels: self.label.iter().map(|l| options::parse_label(l)).collect(),
            log_max_size: log.max_size,
            log_max_file: log.max_file,
            volumes_from: self.volumes_from.clone(),
            add_hosts: self
                .add_host
                .iter()
                .map(|h| options::parse_add_host(h))
                .collect::<Result<_, _>>()?,
            dns: self
                .dns
                .iter()
                .map(|d| options::parse_dns(d))
                .collect::<Result<_, _>>()?,
            devices: self
                .device
                .iter()
                .map(|d| tug::runtime::spec::DeviceRequest::parse(d))
                .collect::<Result<_, _>>()?,
            cpu_shares: self.cpu_shares,
            memory_swap: self
                .memory_swap
                .as_deref()
                .map(options::parse_memory_swap)
                .transpose()?,
            no_sig_proxy: !self.sig_proxy,
        })
    }

    /// `--health-*` as the core's health config (None without a command
    /// or with --no-healthcheck).
    fn healthcheck(&self) -> anyhow::Result<Option<HealthConfig>> {
        Ok(options::parse_healthcheck(HealthSpec {
            command: self.health_cmd.as_deref(),
            interval: &self.health_interval,
            timeout: &self.health_timeout,
            start_period: &self.health_start_period,
            retries: self.health_retries,
            disabled: self.no_healthcheck,
        })?)
    }

    /// `--pull`: fetches the image from its registry when the policy says
    /// so, as Docker does before `run` and `create`. Progress goes to stderr.
    pub fn ensure_image(
        &self,
        store: &tug::store::Store,
        image: Option<&str>,
    ) -> anyhow::Result<()> {
        let Some(image) = image else {
            return Ok(());
        };
        let policy = PullPolicy::parse(&self.pull)?;
        ensure_image(store, image, policy, self.platform.as_deref(), &mut |n| {
            eprintln!("{n}")
        })
        .map_err(|e| match e {
            EnsureImageError::Core(e) => e.into(),
            e => e.into(),
        })
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
        PullPolicy::parse(&self.pull)?;
        Ok(Request {
            image,
            rootfs_dir: self.rootfs.clone(),
            name: self.name.clone(),
            options,
            auto_remove: self.rm,
            restart: options::parse_restart(&self.restart)?,
            healthcheck: self.healthcheck()?,
        })
    }
}

/// What the image asks for unless the flags say otherwise: its
/// `HEALTHCHECK` and its `STOPSIGNAL`.
pub fn image_defaults(store: &tug::store::Store, args: &Args, req: &mut Request) {
    let Some(img) = req
        .image
        .as_deref()
        .and_then(|i| tug::image::resolve(store, i).ok())
    else {
        return;
    };
    if req.healthcheck.is_none() && !args.no_healthcheck {
        req.healthcheck = tug::image::extras::Extras::of(store, &img.id).health_config();
    }
    if req.options.stop_signal.is_none() {
        req.options.stop_signal = img
            .config
            .config()
            .as_ref()
            .and_then(|c| c.stop_signal().clone());
    }
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let req = args.request()?;
    if args.rm && req.restart.name != "no" {
        return Err(invalid("conflicting options: --restart and --rm".into()));
    }
    let store = open_store(g)?;
    args.ensure_image(&store, req.image.as_deref())?;
    let mut req = req;
    image_defaults(&store, &args, &mut req);
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
