//! Docker's `daemon.json`, for the settings that make sense without a
//! daemon: `/etc/docker/daemon.json` for root, `$XDG_CONFIG_HOME/docker/
//! daemon.json` (else `~/.config/docker/daemon.json`) rootless. Read, never
//! written; unknown keys are ignored. tug's own settings win where both
//! speak (`--root`/`TUG_ROOT` over `data-root`, registries.toml over
//! `insecure-registries`, `--dns` over `dns`, `--log-opt` over `log-opts`,
//! `--ulimit` over `default-ulimits`). `$TUG_DAEMON_JSON` names another
//! file, as `dockerd --config-file` does.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use serde::Deserialize;

use crate::container::options::{parse_log_opts, parse_ulimit};
use crate::runtime::spec::RunOptions;

/// The keys tug uses; the rest of the file is ignored.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", default)]
pub struct DaemonJson {
    pub insecure_registries: Vec<String>,
    pub registry_mirrors: Vec<String>,
    pub data_root: Option<PathBuf>,
    pub dns: Vec<String>,
    pub dns_search: Vec<String>,
    pub bip: Option<String>,
    pub default_address_pools: Vec<serde_json::Value>,
    pub log_opts: BTreeMap<String, String>,
    pub default_ulimits: BTreeMap<String, serde_json::Value>,
}

/// Why the file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: {why}", path.display())]
pub struct DaemonJsonError {
    pub path: PathBuf,
    pub why: String,
}

/// A daemon.json larger than this is refused.
const MAX_SIZE: u64 = 1 << 20;

/// Names the daemon.json to read instead of the default one.
pub const PATH_ENV: &str = "TUG_DAEMON_JSON";

/// Where this user's daemon.json is.
pub fn path() -> PathBuf {
    if let Some(p) = std::env::var_os(PATH_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if !crate::paths::is_rootless() {
        return PathBuf::from("/etc/docker/daemon.json");
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::paths::home_dir().join(".config"));
    config.join("docker/daemon.json")
}

/// The file's settings; an absent file is the defaults.
pub fn load() -> Result<Option<(PathBuf, DaemonJson)>, DaemonJsonError> {
    let path = path();
    let err = |why: String| DaemonJsonError {
        path: path.clone(),
        why,
    };
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e.to_string())),
    };
    if meta.len() > MAX_SIZE {
        return Err(err(format!("larger than {MAX_SIZE} bytes")));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
    let parsed = serde_json::from_str(&text).map_err(|e| err(format!("not valid: {e}")))?;
    Ok(Some((path, parsed)))
}

/// The settings, or the defaults when the file is absent or unusable
/// (`tug info` reports a bad file).
pub fn settings() -> DaemonJson {
    load().ok().flatten().map(|(_, d)| d).unwrap_or_default()
}

/// Fills what a new container's options leave unset from the file's
/// `log-opts` (json-file `max-size`, `max-file`; other drivers' options are
/// ignored) and `default-ulimits`. Explicit flags win, per option and per
/// ulimit name. Absent or unreadable file: nothing changes.
pub fn apply_run_defaults(opts: &mut RunOptions) -> Result<(), DaemonJsonError> {
    let Some((path, d)) = load().ok().flatten() else {
        return Ok(());
    };
    d.run_defaults(opts)
        .map_err(|why| DaemonJsonError { path, why })
}

impl DaemonJson {
    fn run_defaults(&self, opts: &mut RunOptions) -> Result<(), String> {
        let log: Vec<String> = ["max-size", "max-file"]
            .iter()
            .filter_map(|k| self.log_opts.get(*k).map(|v| format!("{k}={v}")))
            .collect();
        let log =
            parse_log_opts(log.iter().map(String::as_str)).map_err(|e| format!("log-opts: {e}"))?;
        opts.log_max_size = opts.log_max_size.or(log.max_size);
        opts.log_max_file = opts.log_max_file.or(log.max_file);
        for (key, v) in &self.default_ulimits {
            let num = |field: &str| match v.get(field) {
                Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
                _ => Err(format!(
                    "default-ulimits {key}: want {{\"Name\", \"Soft\", \"Hard\"}} numbers"
                )),
            };
            let name = v.get("Name").and_then(|n| n.as_str()).unwrap_or(key);
            let u = parse_ulimit(&format!("{name}={}:{}", num("Soft")?, num("Hard")?))
                .map_err(|e| format!("default-ulimits: {e}"))?;
            if !opts.ulimits.iter().any(|have| have.name == u.name) {
                opts.ulimits.push(u);
            }
        }
        Ok(())
    }

    /// Whether `host` (`name[:port]`) is listed as insecure: by name and
    /// port as written, or an IP address inside a listed CIDR range.
    pub fn is_insecure(&self, host: &str) -> bool {
        let name = host
            .rsplit_once(':')
            .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
            .map_or(host, |(h, _)| h);
        self.insecure_registries.iter().any(|entry| {
            if entry == host || entry == name {
                return true;
            }
            match (entry.split_once('/'), name.parse::<Ipv4Addr>()) {
                (Some((net, bits)), Ok(ip)) => {
                    match (net.parse::<Ipv4Addr>(), bits.parse::<u32>()) {
                        (Ok(net), Ok(bits)) if bits <= 32 => {
                            let mask = if bits == 0 {
                                0
                            } else {
                                u32::MAX << (32 - bits)
                            };
                            u32::from(ip) & mask == u32::from(net) & mask
                        }
                        _ => false,
                    }
                }
                _ => false,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_and_insecure_matching() {
        let d: DaemonJson = serde_json::from_str(
            r#"{"insecure-registries": ["10.0.2.2:5000", "registry.lan", "192.168.0.0/16"],
                "data-root": "/srv/docker", "dns": ["9.9.9.9"], "features": {"buildkit": true}}"#,
        )
        .unwrap();
        assert_eq!(d.data_root, Some(PathBuf::from("/srv/docker")));
        assert_eq!(d.dns, ["9.9.9.9"]);
        assert!(d.is_insecure("10.0.2.2:5000"));
        assert!(!d.is_insecure("10.0.2.2:5001"));
        assert!(d.is_insecure("registry.lan:443"));
        assert!(d.is_insecure("192.168.7.1:5000"));
        assert!(!d.is_insecure("192.169.7.1:5000"));
        assert!(!d.is_insecure("example.com"));
    }

    #[test]
    fn log_opts_and_default_ulimits_fill_what_flags_leave() {
        let d: DaemonJson = serde_json::from_str(
            r#"{"log-driver": "json-file", "log-opts": {"max-size": "10m", "max-file": "3", "labels": "x"},
                "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 2048},
                                    "nproc": {"Name": "nproc", "Soft": -1, "Hard": -1}}}"#,
        )
        .unwrap();
        let mut o = RunOptions::default();
        d.run_defaults(&mut o).unwrap();
        assert_eq!((o.log_max_size, o.log_max_file), (Some(10 << 20), Some(3)));
        let limits: Vec<_> = o
            .ulimits
            .iter()
            .map(|u| (u.name.as_str(), u.soft, u.hard))
            .collect();
        assert_eq!(
            limits,
            [("nofile", 1024, 2048), ("nproc", u64::MAX, u64::MAX)]
        );
        // Flags win.
        let mut o = RunOptions {
            log_max_size: Some(5),
            ulimits: vec![parse_ulimit("nofile=10:20").unwrap()],
            ..Default::default()
        };
        d.run_defaults(&mut o).unwrap();
        assert_eq!((o.log_max_size, o.log_max_file), (Some(5), Some(3)));
        assert_eq!(o.ulimits.len(), 2);
        assert_eq!((o.ulimits[0].soft, o.ulimits[0].hard), (10, 20));
        for bad in [
            r#"{"log-opts": {"max-size": "big"}}"#,
            r#"{"default-ulimits": {"nofile": {"Soft": "x", "Hard": 1}}}"#,
        ] {
            let d: DaemonJson = serde_json::from_str(bad).unwrap();
            assert!(d.run_defaults(&mut RunOptions::default()).is_err(), "{bad}");
        }
    }
}
