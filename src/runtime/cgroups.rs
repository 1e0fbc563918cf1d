//! Resource limits through cgroups, on v2 (unified) and v1 hosts — including
//! "hybrid" ones such as this build machine, where v1 controllers are mounted
//! under /sys/fs/cgroup/<controller> beside a v2 mount holding only hugetlb
//! (crun refuses to start there; tug uses the v1 controllers).
//!
//! Root puts each container in `tug/<id>` under every writable controller it
//! uses (memory, pids, cpu, freezer, devices). Rootless, limits need a
//! delegated v2 subtree; otherwise they are not applied and one warning says
//! why.
//!
//! Devices: as root, the spec's `linux.resources.devices` rules (Docker's
//! allowlist unless `--privileged`/`--device` changed it) are enforced before
//! the container's command runs: written to the v1 `devices` controller
//! (`a` denied, then each rule), or on v2 compiled into a cgroup device BPF
//! program attached to the container's cgroup (`devices_bpf`). A root host
//! where neither can be done refuses to start the container. Rootless
//! containers live in a user namespace, where the kernel makes every mount
//! `nodev`: device nodes they could make cannot be opened.

use std::path::{Path, PathBuf};

use std::os::fd::AsFd;

use oci_spec::runtime::{LinuxDeviceCgroup, LinuxDeviceType, LinuxResources};

use crate::error::{Error, IoContext, Result};

const CGROUP_ROOT: &str = "/sys/fs/cgroup";
const CGROUP2_SUPER_MAGIC: i64 = 0x6367_7270;

/// The controllers a container joins on a v1 host.
const V1_CONTROLLERS: &[&str] = &["memory", "pids", "cpu", "freezer", "devices"];

/// A container's cgroup directories (one on v2, one per controller on v1).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Cgroup {
    pub dirs: Vec<PathBuf>,
}

fn is_unified(root: &Path) -> bool {
    rustix::fs::statfs(root).is_ok_and(|s| s.f_type == CGROUP2_SUPER_MAGIC)
}

fn has_limits(r: Option<&LinuxResources>) -> bool {
    r.is_some_and(|r| r.memory().is_some() || r.pids().is_some() || r.cpu().is_some())
}

fn write(dir: &Path, file: &str, value: &str) -> Result<()> {
    let p = dir.join(file);
    std::fs::write(&p, value).map_err(|e| {
        Error::Invalid(format!(
            "setting cgroup {}: {e} (value {value:?})",
            p.display()
        ))
    })
}

/// This process's own v2 cgroup (the `0::` line of /proc/self/cgroup).
fn own_v2_cgroup() -> Option<PathBuf> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let rel = text.lines().find_map(|l| l.strip_prefix("0::"))?;
    Some(Path::new(CGROUP_ROOT).join(rel.trim_start_matches('/')))
}

impl Cgroup {
    /// Creates the container's cgroup(s) and applies limits. Returns an empty
    /// Cgroup (and the reason, for a warning) when none can be used.
    pub fn create(
        id: &str,
        resources: Option<&LinuxResources>,
    ) -> Result<(Cgroup, Option<String>)> {
        Self::create_in(Path::new(CGROUP_ROOT), id, resources)
    }

    /// `create` under the cgroup mount `root`.
    fn create_in(
        root: &Path,
        id: &str,
        resources: Option<&LinuxResources>,
    ) -> Result<(Cgroup, Option<String>)> {
        let rootless = crate::paths::is_rootless();
        if is_unified(root) {
            let base = if rootless {
                match own_v2_cgroup() {
                    Some(p) if rustix::fs::access(&p, rustix::fs::Access::WRITE_OK).is_ok() => p,
                    _ => {
                        return Ok((
                            Cgroup::default(),
                            limits_warning(resources, "cgroup v2 is not delegated to this user"),
                        ))
                    }
                }
            } else {
                root.join("tug")
            };
            let dir = base.join(id);
            std::fs::create_dir_all(&dir).at(&dir)?;
            let cg = Cgroup {
                dirs: vec![dir.clone()],
            };
            let devices = if rootless {
                Ok(())
            } else {
                attach_device_program(&dir, &device_rules(resources))
            };
            if let Err(e) = devices.and_then(|()| cg.apply_v2(&dir, resources)) {
                cg.remove();
                return Err(e);
            }
            return Ok((cg, None));
        }
        if rootless {
            return Ok((
                Cgroup::default(),
                limits_warning(
                    resources,
                    "rootless containers need cgroup v2 with delegation; this host uses cgroup v1",
                ),
            ));
        }
        let mut cg = Cgroup::default();
        for c in V1_CONTROLLERS {
            let ctrl = root.join(c);
            if !ctrl.join("cgroup.procs").exists() {
                continue;
            }
            let dir = ctrl.join("tug").join(id);
            if std::fs::create_dir_all(&dir).is_err() {
                continue;
            }
            cg.dirs.push(dir);
        }
        let devices = match cg.dir_of("devices") {
            Some(d) => write_v1_devices(d, &device_rules(resources)),
            None => Err(Error::Invalid(
                "cannot enforce the container's device allowlist: the cgroup v1 devices \
                 controller is not mounted or not writable"
                    .into(),
            )),
        };
        if let Err(e) = devices.and_then(|()| cg.apply_v1(resources)) {
            cg.remove();
            return Err(e);
        }
        Ok((cg, None))
    }

    fn apply_v2(&self, dir: &Path, r: Option<&LinuxResources>) -> Result<()> {
        let Some(r) = r else { return Ok(()) };
        if let Some(parent) = dir.parent() {
            // Enable the controllers for the children of tug/ (best effort).
            let _ = std::fs::write(parent.join("cgroup.subtree_control"), "+memory +pids +cpu");
        }
        if let Some(l) = r.memory().as_ref().and_then(|m| m.limit()) {
            write(dir, "memory.max", &l.to_string())?;
        }
        if let Some(p) = r.pids().as_ref().map(|p| p.limit()) {
            write(
                dir,
                "pids.max",
                &if p <= 0 { "max".into() } else { p.to_string() },
            )?;
        }
        if let Some(c) = r.cpu() {
            if let (Some(q), Some(p)) = (c.quota(), c.period()) {
                write(dir, "cpu.max", &format!("{q} {p}"))?;
            }
            if let Some(sh) = c.shares() {
                // cgroup v2 weight from v1 shares, as runc converts it.
                let w = 1 + ((sh.clamp(2, 262_144) - 2) * 9999) / 262_142;
                write(dir, "cpu.weight", &w.to_string())?;
            }
        }
        if let Some(sw) = r.memory().as_ref().and_then(|m| m.swap()) {
            let limit = r.memory().as_ref().and_then(|m| m.limit()).unwrap_or(0);
            let v = if sw < 0 {
                "max".to_string()
            } else {
                (sw - limit).max(0).to_string()
            };
            let _ = std::fs::write(dir.join("memory.swap.max"), v);
        }
        Ok(())
    }

    fn dir_of(&self, controller: &str) -> Option<&Path> {
        self.dirs
            .iter()
            .find(|d| d.components().any(|c| c.as_os_str() == controller))
            .map(PathBuf::as_path)
    }

    fn apply_v1(&self, r: Option<&LinuxResources>) -> Result<()> {
        let Some(r) = r else { return Ok(()) };
        let need = |c: &str| {
            self.dir_of(c).ok_or_else(|| {
                Error::Invalid(format!(
                    "cgroup v1 controller {c} is not available on this host"
                ))
            })
        };
        if let Some(l) = r.memory().as_ref().and_then(|m| m.limit()) {
            let d = need("memory")?;
            write(d, "memory.limit_in_bytes", &l.to_string())?;
            // No swap beyond the limit, when the kernel accounts swap.
            let _ = std::fs::write(d.join("memory.memsw.limit_in_bytes"), l.to_string());
        }
        if let Some(p) = r.pids().as_ref().map(|p| p.limit()) {
            write(
                need("pids")?,
                "pids.max",
                &if p <= 0 { "max".into() } else { p.to_string() },
            )?;
        }
        if let Some(c) = r.cpu() {
            if let (Some(q), Some(p)) = (c.quota(), c.period()) {
                let d = need("cpu")?;
                write(d, "cpu.cfs_period_us", &p.to_string())?;
                write(d, "cpu.cfs_quota_us", &q.to_string())?;
            }
            if let Some(sh) = c.shares() {
                write(need("cpu")?, "cpu.shares", &sh.to_string())?;
            }
        }
        if let Some(sw) = r.memory().as_ref().and_then(|m| m.swap()) {
            let d = need("memory")?;
            let _ = std::fs::write(d.join("memory.memsw.limit_in_bytes"), sw.to_string());
        }
        Ok(())
    }

    /// Moves process `pid` into every directory.
    pub fn join(&self, pid: i32) -> Result<()> {
        for d in &self.dirs {
            write(d, "cgroup.procs", &pid.to_string())?;
        }
        Ok(())
    }

    /// Splits the directories into those a single-threaded process can
    /// join by itself, cheaply, and the rest (see [`SelfJoin`]): the v1
    /// ones' `tasks` files opened for writing, and a `Cgroup` of the v2
    /// ones, which take a pid in `cgroup.procs` as [`join`](Self::join)
    /// writes it.
    pub fn self_join(&self) -> Result<(SelfJoin, Cgroup)> {
        let mut tasks = Vec::new();
        let mut rest = Cgroup::default();
        for d in &self.dirs {
            let p = d.join("tasks");
            match std::fs::OpenOptions::new().write(true).open(&p) {
                Ok(f) => tasks.push(std::os::fd::OwnedFd::from(f)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => rest.dirs.push(d.clone()),
                Err(e) => {
                    return Err(Error::Invalid(format!(
                        "opening cgroup {}: {e}",
                        p.display()
                    )))
                }
            }
        }
        Ok((SelfJoin { tasks }, rest))
    }

    /// Moves the calling process, which must be single-threaded, into
    /// every directory (`exec` joining a container's cgroups).
    pub fn join_self(&self) -> Result<()> {
        let (own, rest) = self.self_join()?;
        own.join()
            .map_err(|e| Error::Invalid(format!("joining the cgroups: {e}")))?;
        rest.join(std::process::id() as i32)
    }

    /// True if the memory controller recorded an OOM kill.
    pub fn oom_killed(&self) -> bool {
        self.dirs.iter().any(|d| {
            let v1 = std::fs::read_to_string(d.join("memory.oom_control"))
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find_map(|l| l.strip_prefix("oom_kill ")?.trim().parse::<u64>().ok())
                });
            let v2 = std::fs::read_to_string(d.join("memory.events"))
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find_map(|l| l.strip_prefix("oom_kill ")?.trim().parse::<u64>().ok())
                });
            v1.or(v2).unwrap_or(0) > 0
        })
    }

    /// Removes the directories (they must be empty of processes).
    pub fn remove(&self) {
        for d in &self.dirs {
            for _ in 0..50 {
                match std::fs::remove_dir(d) {
                    Ok(()) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(2)),
                }
            }
        }
    }

    /// The directories a container `id` would have (for cleanup after a
    /// `kill -9` of the command that created them).
    pub fn existing(id: &str) -> Cgroup {
        let root = Path::new(CGROUP_ROOT);
        let mut dirs: Vec<PathBuf> = V1_CONTROLLERS
            .iter()
            .map(|c| root.join(c).join("tug").join(id))
            .collect();
        dirs.push(root.join("tug").join(id));
        if let Some(own) = own_v2_cgroup() {
            dirs.push(own.join(id));
        }
        Cgroup {
            dirs: dirs.into_iter().filter(|d| d.is_dir()).collect(),
        }
    }
}

/// A v1 cgroup's `tasks` files, open, for a single-threaded process to
/// join by itself: it writes `0` (itself) to each. Unlike a pid written to
/// `cgroup.procs`, which moves a whole thread group and so takes the
/// kernel's global thread-group lock for writing (a wait for an RCU grace
/// period, ~10 ms, unless another join just had it), moving the calling
/// thread takes no such lock. v2 has no `tasks` file (`cgroup.threads`
/// only works in threaded subtrees), so its directories stay with
/// [`Cgroup::join`].
pub struct SelfJoin {
    tasks: Vec<std::os::fd::OwnedFd>,
}

impl SelfJoin {
    /// Moves the calling thread (the whole process, when it is its only
    /// thread) into each cgroup. Only writes to descriptors opened before:
    /// safe in a clone child that shares no thread with its parent.
    pub fn join(&self) -> std::io::Result<()> {
        for fd in &self.tasks {
            rustix::io::write(fd, b"0")?;
        }
        Ok(())
    }
}

/// The spec's device rules; Docker's default allowlist for a spec written
/// before tug set them.
fn device_rules(r: Option<&LinuxResources>) -> Vec<LinuxDeviceCgroup> {
    r.and_then(|r| r.devices().clone())
        .unwrap_or_else(crate::runtime::devices::default_device_rules)
}

/// A rule as the v1 controller reads it (`c 1:3 rwm`, `a *:* rwm`).
fn v1_rule(r: &LinuxDeviceCgroup) -> String {
    let n = |v: Option<i64>| v.filter(|v| *v >= 0).map_or("*".into(), |v| v.to_string());
    let typ = match r.typ() {
        None | Some(LinuxDeviceType::A) => "a",
        Some(LinuxDeviceType::B) => "b",
        Some(LinuxDeviceType::C | LinuxDeviceType::U) => "c",
        Some(LinuxDeviceType::P) => "p",
    };
    let access = r.access().clone().filter(|a| !a.is_empty());
    format!(
        "{typ} {}:{} {}",
        n(r.major()),
        n(r.minor()),
        access.as_deref().unwrap_or("rwm")
    )
}

/// The rules into a v1 `devices` cgroup: each to devices.allow or
/// devices.deny, in order (the first is normally `a *:* rwm` denied).
fn write_v1_devices(dir: &Path, rules: &[LinuxDeviceCgroup]) -> Result<()> {
    for r in rules {
        let file = if r.allow() {
            "devices.allow"
        } else {
            "devices.deny"
        };
        write(dir, file, &v1_rule(r))?;
    }
    Ok(())
}

/// Compiles the rules into a device program and attaches it to `dir`.
fn attach_device_program(dir: &Path, rules: &[LinuxDeviceCgroup]) -> Result<()> {
    use crate::runtime::devices_bpf;
    let rules = rules
        .iter()
        .map(devices_bpf::Rule::from_spec)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::Invalid)?;
    let prog = devices_bpf::load(&devices_bpf::program(&rules)).map_err(Error::Invalid)?;
    let cg = std::fs::File::open(dir).at(dir)?;
    devices_bpf::attach(prog.as_fd(), cg.as_fd()).map_err(|e| {
        Error::Invalid(format!(
            "attaching the device program to cgroup {}: {e}",
            dir.display()
        ))
    })
}

fn limits_warning(r: Option<&LinuxResources>, why: &str) -> Option<String> {
    has_limits(r).then(|| format!("resource limits are not applied: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_as_the_v1_controller_does() {
        let lines: Vec<String> = crate::runtime::devices::default_device_rules()
            .iter()
            .map(v1_rule)
            .collect();
        assert_eq!(lines[0], "a *:* rwm");
        assert!(lines.contains(&"c *:* m".to_string()));
        assert!(lines.contains(&"b *:* m".to_string()));
        assert!(lines.contains(&"c 1:3 rwm".to_string()));
        assert!(lines.contains(&"c 136:* rwm".to_string()));
        // No type is all; no access is rwm; -1 is any.
        let r: LinuxDeviceCgroup =
            serde_json::from_value(serde_json::json!({"allow": true, "major": -1})).unwrap();
        assert_eq!(v1_rule(&r), "a *:* rwm");
        // A spec without rules gets Docker's.
        assert_eq!(device_rules(None).len(), lines.len());
    }

    /// The v2 path end to end, on this host's cgroup2 mount (hybrid hosts
    /// have one): Docker's rules are attached before anything joins.
    #[test]
    fn v2_cgroup_enforces_the_device_rules() {
        use crate::runtime::devices_bpf::tests::{probe_in_cgroup, test_mount};
        let Some(mount) = test_mount() else { return };
        let id = format!("devtest-{}", std::process::id());
        let (cg, warning) = Cgroup::create_in(&mount, &id, None).unwrap();
        assert!(warning.is_none());
        assert_eq!(cg.dirs, [mount.join("tug").join(&id)]);
        let out = probe_in_cgroup(&cg.dirs[0]);
        cg.remove();
        let _ = std::fs::remove_dir(mount.join("tug"));
        assert_eq!(out, "null-ok\nzero-ok\nmknod-ok\nmade-refused\n");
        assert!(!mount.join("tug").join(&id).exists());
    }
}
