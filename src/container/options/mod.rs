//! The values of `run`'s options, parsed into the runtime's types: mounts
//! (`-v`, `--mount`), sizes, CPUs, ulimits, `--security-opt`, log options,
//! healthchecks, the pull and restart policies, labels, environment
//! entries and network settings (mode, links, extra hosts, DNS servers).
//! Cross-option rules (`--rm` with `--restart`, ports without a bridge)
//! stay with the command that combines them. Each parser takes
//! the value as a string and knows nothing of the command line that held
//! it, so `run`, `create`, Compose (a service's `volumes:`, `ulimits:`,
//! `restart:`...) and the builder share one syntax and one set of errors.
//! Nothing here prints; only reading an `--env-file` touches the disk.

mod env;
mod health;
mod mounts;
mod network;
mod values;

pub use env::{env_entry, parse_env, read_env_file};
pub use health::{parse_healthcheck, HealthSpec};
pub use mounts::{parse_mount, parse_volume, MountSpec};
pub use network::{
    parse_add_host, parse_dns, parse_link, parse_network_mode, NetworkChoice, HOST_GATEWAY,
};
pub use values::{
    check_cpus, parse_bytes, parse_label, parse_log_opts, parse_memory, parse_memory_swap,
    parse_restart, parse_security_opts, parse_ulimit, LogOpts, PullPolicy, SecurityOpts,
};

use std::path::PathBuf;

/// Why an option's value was refused. The messages are Docker's where it
/// has one; each variant keeps the value it refused.
#[derive(Debug, thiserror::Error)]
pub enum OptionError {
    /// A `-v` spec of the wrong shape (too many fields, an empty source).
    #[error("invalid volume specification: '{spec}'")]
    VolumeSpec { spec: String },
    /// A `-v` whose container path is relative.
    #[error("invalid volume specification: {spec:?}: the container path must be absolute")]
    VolumeTarget { spec: String },
    /// A `-v` source that is neither an absolute path nor a volume name.
    #[error("invalid volume specification: {spec:?}: {source_name:?} is neither an absolute path nor a volume name")]
    VolumeSource { spec: String, source_name: String },
    /// A `-v` mode other than ro, rw, z, Z, nocopy.
    #[error("invalid volume mode {mode:?} in {spec:?}")]
    VolumeMode { spec: String, mode: String },
    /// A `--mount` spec that does not hold together.
    #[error("invalid --mount {spec:?}: {problem}")]
    Mount { spec: String, problem: MountProblem },
    /// A byte size that is not a non-negative number with k, m, g or t.
    #[error("invalid size: {value:?}")]
    Size { value: String },
    /// A memory limit under Docker's minimum.
    #[error("minimum memory limit allowed is 6MB")]
    MemoryTooSmall { bytes: i64 },
    /// `--cpus` that is not a positive number.
    #[error("invalid --cpus {value}: must be positive")]
    Cpus { value: f64 },
    /// A ulimit not of the form NAME=SOFT[:HARD].
    #[error("invalid ulimit {value:?}: want NAME=SOFT[:HARD]")]
    Ulimit { value: String },
    /// A `--security-opt` tug does not know.
    #[error("invalid --security-opt: {value:?}")]
    SecurityOpt { value: String },
    /// A log option with a bad value.
    #[error("invalid --log-opt {value:?}")]
    LogOptValue { value: String },
    /// A log option tug does not know.
    #[error("unknown --log-opt {value:?}: want max-size= or max-file=")]
    LogOptUnknown { value: String },
    /// A pull policy other than always, missing, never.
    #[error("invalid --pull policy {value:?}: want always, missing or never")]
    PullPolicy { value: String },
    /// A restart policy other than no, always, on-failure[:N], unless-stopped.
    #[error("invalid restart policy {value:?}: want no, always, on-failure[:N] or unless-stopped")]
    RestartPolicy { value: String },
    /// An empty network mode.
    #[error("invalid network mode {value:?}")]
    NetworkMode { value: String },
    /// `container:` without a container.
    #[error("--network container: needs a container")]
    NetworkContainer,
    /// A link not of the form NAME[:ALIAS].
    #[error("invalid --link {value:?}: want NAME[:ALIAS]")]
    Link { value: String },
    /// An extra host not of the form NAME:IP.
    #[error("invalid --add-host {value:?}: want NAME:IP")]
    AddHost { value: String },
    /// A DNS server that is not an IP address.
    #[error("invalid --dns {value:?}: not an IP address")]
    Dns { value: String },
    /// A `--health-*` duration that does not parse.
    #[error("invalid --{option} {value:?}: {why}")]
    HealthDuration {
        option: &'static str,
        value: String,
        why: humantime::DurationError,
    },
    /// A zero healthcheck interval or timeout.
    #[error("--health-interval and --health-timeout must be positive")]
    HealthNotPositive,
    /// A healthcheck command with `--no-healthcheck`.
    #[error("--no-healthcheck conflicts with --health-* options")]
    HealthConflict,
    /// An environment entry with no name (`=x`, empty).
    #[error("invalid environment variable: {value:?}")]
    EnvEntry { value: String },
    /// An env file that could not be read.
    #[error("{}: {source}", path.display())]
    EnvFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What is wrong with a `--mount` spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MountProblem {
    #[error("{key} wants true or false")]
    NotABool { key: String },
    #[error("bad tmpfs-size")]
    TmpfsSize,
    #[error("tmpfs-mode must be octal")]
    TmpfsMode,
    #[error("unknown key {key:?}")]
    UnknownKey { key: String },
    #[error("target must be an absolute path")]
    RelativeTarget,
    #[error("a bind source must be an absolute path")]
    RelativeBindSource,
    #[error("{source_name:?} is not a volume name")]
    VolumeName { source_name: String },
    #[error("a tmpfs has no source")]
    TmpfsSource,
    #[error("unknown mount type {kind:?}")]
    UnknownType { kind: String },
}

pub type Result<T, E = OptionError> = std::result::Result<T, E>;
