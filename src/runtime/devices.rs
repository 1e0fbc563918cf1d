//! The devices of a container: the nodes its /dev gets (Docker's null,
//! zero, full, random, urandom, tty, plus `--device` ones) and the device
//! cgroup rules that go into the spec's `linux.resources.devices` (Docker's
//! allowlist; `--privileged` allows every device; `--device` adds its own).
//! `cgroups` enforces the rules; `rootfs` makes the nodes.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::error::{Error, Result};

/// `--device HOST[:CONTAINER[:PERMS]]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "DeviceRepr")]
pub struct DeviceRequest {
    pub host: PathBuf,
    pub container: String,
    /// Some of `rwm` (default all three).
    pub perms: String,
}

/// How a `--device` was recorded: as a struct, or as the (host, container)
/// pair of records written before permissions were kept.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum DeviceRepr {
    Full {
        host: PathBuf,
        container: String,
        perms: String,
    },
    Pair(PathBuf, String),
}

impl From<DeviceRepr> for DeviceRequest {
    fn from(r: DeviceRepr) -> Self {
        match r {
            DeviceRepr::Full {
                host,
                container,
                perms,
            } => DeviceRequest {
                host,
                container,
                perms,
            },
            DeviceRepr::Pair(host, container) => DeviceRequest {
                host,
                container,
                perms: "rwm".into(),
            },
        }
    }
}

fn valid_perms(p: &str) -> bool {
    !p.is_empty() && p.len() <= 3 && p.chars().all(|c| "rwm".contains(c))
}

impl DeviceRequest {
    /// Docker's syntax: HOST, HOST:CONTAINER, HOST:PERMS or
    /// HOST:CONTAINER:PERMS, with absolute paths and PERMS some of `rwm`.
    pub fn parse(arg: &str) -> Result<DeviceRequest> {
        let bad = |why: &str| {
            Error::Invalid(format!(
                "invalid --device {arg:?}: {why} (want HOST[:CONTAINER[:PERMS]])"
            ))
        };
        let parts: Vec<&str> = arg.split(':').collect();
        let (host, container, perms) = match parts[..] {
            [h] => (h, h, "rwm"),
            [h, p] if valid_perms(p) => (h, h, p),
            [h, c] => (h, c, "rwm"),
            [h, c, p] => (h, c, p),
            _ => return Err(bad("too many fields")),
        };
        if !host.starts_with('/') || !container.starts_with('/') {
            return Err(bad("paths must be absolute"));
        }
        if !valid_perms(perms) {
            return Err(bad(&format!("bad permissions {perms:?}")));
        }
        Ok(DeviceRequest {
            host: host.into(),
            container: container.into(),
            perms: perms.into(),
        })
    }

    /// The host node's type (`b` or `c`), major, minor and mode.
    fn host_node(&self) -> Result<(&'static str, u32, u32, u32)> {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let md = std::fs::metadata(&self.host).map_err(|e| {
            Error::Invalid(format!(
                "error gathering device information while adding custom device {:?}: {e}",
                self.host.display().to_string()
            ))
        })?;
        let typ = if md.file_type().is_char_device() {
            "c"
        } else if md.file_type().is_block_device() {
            "b"
        } else {
            return Err(Error::Invalid(format!(
                "--device {}: not a device node",
                self.host.display()
            )));
        };
        let dev = md.rdev();
        Ok((
            typ,
            rustix::fs::major(dev),
            rustix::fs::minor(dev),
            md.mode() & 0o7777,
        ))
    }
}

/// The device nodes every container gets: (path, major, minor).
pub const DEVICES: &[(&str, i64, i64)] = &[
    ("/dev/null", 1, 3),
    ("/dev/zero", 1, 5),
    ("/dev/full", 1, 7),
    ("/dev/random", 1, 8),
    ("/dev/urandom", 1, 9),
    ("/dev/tty", 5, 0),
];

/// Docker's device cgroup allowlist after `a *:* rwm` is denied: mknod of
/// any node, and use of the nodes above plus console, ptmx, the ptys and
/// tun: (type, major, minor, access), -1 for any number.
pub const DEVICE_RULES: &[(&str, i64, i64, &str)] = &[
    ("c", -1, -1, "m"),
    ("b", -1, -1, "m"),
    ("c", 1, 3, "rwm"),
    ("c", 1, 5, "rwm"),
    ("c", 1, 7, "rwm"),
    ("c", 1, 8, "rwm"),
    ("c", 1, 9, "rwm"),
    ("c", 5, 0, "rwm"),
    ("c", 5, 1, "rwm"),
    ("c", 5, 2, "rwm"),
    ("c", 136, -1, "rwm"),
    ("c", 10, 200, "rwm"),
];

fn default_device_rule_values() -> Vec<Value> {
    let mut rules = vec![json!({"allow": false, "type": "a", "access": "rwm"})];
    for (typ, major, minor, access) in DEVICE_RULES {
        let mut r = json!({"allow": true, "type": typ, "access": access});
        if *major >= 0 {
            r["major"] = json!(major);
        }
        if *minor >= 0 {
            r["minor"] = json!(minor);
        }
        rules.push(r);
    }
    rules
}

/// Docker's default device rules, for a spec that lacks them.
pub fn default_device_rules() -> Vec<oci_spec::runtime::LinuxDeviceCgroup> {
    serde_json::from_value(Value::Array(default_device_rule_values()))
        .expect("the default device rules are valid")
}

fn default_devices() -> Vec<Value> {
    DEVICES
        .iter()
        .map(|(p, maj, min)| json!({"path": p, "type": "c", "major": maj, "minor": min, "fileMode": 0o666, "uid": 0, "gid": 0}))
        .collect()
}

/// The spec's `linux.devices`, `linux.resources.devices` and extra mounts
/// for `--device` requests: a node of the host's type and numbers at the
/// container path (rootless, where mknod is refused: a bind of the host's
/// node), and a rule allowing it with its permissions.
pub fn for_spec(
    requests: &[DeviceRequest],
    privileged: bool,
    rootless: bool,
) -> Result<(Vec<Value>, Vec<Value>, Vec<Value>)> {
    let mut nodes = default_devices();
    let mut rules = if privileged {
        vec![json!({"allow": true, "type": "a", "access": "rwm"})]
    } else {
        default_device_rule_values()
    };
    let mut mounts = Vec::new();
    for d in requests {
        let (typ, major, minor, mode) = d.host_node()?;
        if rootless {
            mounts.push(json!({"destination": d.container, "type": "bind", "source": d.host, "options": ["bind"]}));
        } else {
            nodes.retain(|v| v["path"] != d.container.as_str());
            nodes.push(json!({"path": d.container, "type": typ, "major": major, "minor": minor, "fileMode": mode, "uid": 0, "gid": 0}));
        }
        if !privileged {
            rules.push(json!({"allow": true, "type": typ, "major": major, "minor": minor, "access": d.perms}));
        }
    }
    Ok((nodes, rules, mounts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_requests_parse_as_docker_does() {
        let d = |h: &str, c: &str, p: &str| DeviceRequest {
            host: h.into(),
            container: c.into(),
            perms: p.into(),
        };
        let ok = [
            ("/dev/null", d("/dev/null", "/dev/null", "rwm")),
            ("/dev/null:/dev/x", d("/dev/null", "/dev/x", "rwm")),
            ("/dev/null:r", d("/dev/null", "/dev/null", "r")),
            ("/dev/null:/dev/x:rw", d("/dev/null", "/dev/x", "rw")),
        ];
        for (arg, want) in ok {
            assert_eq!(DeviceRequest::parse(arg).unwrap(), want, "{arg}");
        }
        for bad in [
            "dev/null",
            "/dev/null:x",
            "/dev/null:/x:rwx",
            "/a:/b:r:w",
            "/a:/b:",
        ] {
            assert!(DeviceRequest::parse(bad).is_err(), "{bad}");
        }
        // Records written before permissions were kept still load.
        let old: DeviceRequest = serde_json::from_value(json!(["/dev/null", "/dev/x"])).unwrap();
        assert_eq!(old, d("/dev/null", "/dev/x", "rwm"));
        let now = serde_json::to_value(d("/dev/null", "/dev/x", "r")).unwrap();
        assert_eq!(
            serde_json::from_value::<DeviceRequest>(now).unwrap().perms,
            "r"
        );
    }

    #[test]
    fn default_device_rules_deny_first() {
        let rules = default_device_rules();
        assert_eq!(rules.len(), DEVICE_RULES.len() + 1);
        assert!(!rules[0].allow());
        assert_eq!(rules[0].to_string(), "a *:* rwm");
        assert!(rules[1..].iter().all(|r| r.allow()));
        assert!(rules.iter().any(|r| r.to_string() == "c 136:* rwm"));
    }
}
