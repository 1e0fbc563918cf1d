//! Containers on disk. Each container is a directory:
//!
//! ```text
//! <root>/containers/<id>/     id: 64 hex digits
//!   config.json   the OCI runtime spec (a bundle runc could run)
//!   state.json    tug's record: name, image, flags, status, pid, times, exit code
//!   hosts hostname resolv.conf   bind-mounted over the container's /etc files
//!   upper/ work/ merged/         overlay dirs (image containers)
//! <root>/refs/containers/<id>    the image manifest digest it pins (GC root)
//! <root>/trash/                 removed containers being deleted (`.lock`: the emptier's)
//! ```
//!
//! Documents are replaced by rename, never written in place. They are not
//! fsynced: a crash that loses them also killed the containers they
//! describe. `containers.lock` is held while a name is chosen and a
//! directory created, so two commands never take the same name.

pub mod attach;
pub mod diff;
pub mod events;
pub mod exitcode;
pub mod files;
pub mod health;
pub mod image;
pub mod launch;
pub mod logs;
pub mod monitor;
pub mod network;
pub mod ops;
pub mod options;
pub mod signal;
pub mod stdio;
pub mod trash;
pub mod volume;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use rand::Rng;

use crate::error::{Error, IoContext, Result};
use crate::runtime::cgroups::Cgroup;
use crate::runtime::rootfs::RootfsSource;
use crate::runtime::spec::RunOptions;
use crate::store::{LockGuard, LockMode, Store};

/// Docker's container states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Created,
    Running,
    Restarting,
    Exited,
}

/// tug's record of one container (state.json).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub id: String,
    pub name: String,
    /// The image as the user named it (or `--rootfs DIR`).
    pub image: String,
    pub image_id: Option<String>,
    pub manifest_digest: Option<String>,
    pub created: DateTime<Utc>,
    pub args: Vec<String>,
    pub rootfs: RootfsSource,
    pub options: RunOptions,
    pub auto_remove: bool,
    pub status: Status,
    pub pid: Option<i32>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub exit_code: Option<i32>,
    #[serde(default)]
    pub oom_killed: bool,
    #[serde(default)]
    pub cgroup: Cgroup,
    /// The user namespace mapping the container was created with.
    pub mapping: crate::userns::IdMapping,
    /// The init's start time (clock ticks since boot, /proc/PID/stat field
    /// 22): with the pid, it identifies the process safely against reuse.
    #[serde(default)]
    pub pid_start: Option<u64>,
    /// The pid of the process waiting for the init: the monitor of a
    /// detached container, the `tug run` of a foreground one.
    #[serde(default)]
    pub monitor_pid: Option<i32>,
    #[serde(default)]
    pub restart: RestartPolicy,
    #[serde(default)]
    pub restart_count: u32,
    /// Set by `stop`/`kill`: the restart policy must not bring it back.
    #[serde(default)]
    pub stopped_by_user: bool,
    #[serde(default)]
    pub healthcheck: Option<health::HealthConfig>,
    #[serde(default)]
    pub health: Option<health::HealthState>,
    #[serde(default)]
    pub paused: bool,
}

/// `--restart`: no, always, on-failure[:N], unless-stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RestartPolicy {
    /// "no", "always", "on-failure" or "unless-stopped" (Docker's names).
    pub name: String,
    /// For on-failure: the most restarts (0 = unlimited).
    pub maximum_retry_count: u32,
}

impl RestartPolicy {
    /// Docker's syntax; see [`options::parse_restart`].
    pub fn parse(s: &str) -> std::result::Result<RestartPolicy, options::OptionError> {
        options::parse_restart(s)
    }

    /// Whether a container that exited with `code` restarts, given how many
    /// restarts it has had.
    pub fn should_restart(&self, code: i32, restarts: u32, stopped_by_user: bool) -> bool {
        if stopped_by_user {
            return false;
        }
        match self.name.as_str() {
            "always" | "unless-stopped" => true,
            "on-failure" => {
                code != 0 && (self.maximum_retry_count == 0 || restarts < self.maximum_retry_count)
            }
            _ => false,
        }
    }
}

/// The start time of process `pid` (field 22 of /proc/PID/stat); None if
/// there is no such process or it is a zombie (dead, not yet reaped).
pub fn proc_start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: skip past the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace();
    if matches!(fields.next(), Some("Z" | "X")) {
        return None;
    }
    fields.nth(18)?.parse().ok()
}

impl Record {
    /// True if the recorded init still runs (same pid, same start time).
    pub fn init_alive(&self) -> bool {
        match (self.pid, self.pid_start) {
            (Some(pid), Some(start)) => proc_start_time(pid) == Some(start),
            (Some(pid), None) => proc_start_time(pid).is_some(),
            _ => false,
        }
    }

    /// True if the monitor that owns the container still runs.
    pub fn monitor_alive(&self) -> bool {
        self.monitor_pid
            .is_some_and(|p| proc_start_time(p).is_some())
    }
}

/// The record with its status checked against the live process: a
/// "running" container whose init is gone (its tug or monitor was killed)
/// is reported, and saved, as exited.
pub fn refresh(store: &Store, mut r: Record) -> Record {
    if r.status == Status::Running && !r.init_alive() && !r.monitor_alive() {
        r.status = Status::Exited;
        // Its status, when it ended on its own but state.json could not be
        // written (a full disk); else it was killed with its tug.
        r.exit_code = r
            .exit_code
            .or_else(|| exitcode::recorded(store, &r.id))
            .or(Some(137));
        r.finished_at = r.finished_at.or_else(|| Some(Utc::now()));
        r.pid = None;
        let _ = save(store, &r);
        // Its tug was killed: let its networks go too.
        let _ = crate::net::attach::sync(store);
    }
    r
}

impl Record {
    pub fn short_id(&self) -> &str {
        &self.id[..12]
    }
}

pub fn dir(store: &Store, id: &str) -> PathBuf {
    store.containers_dir().join(id)
}

fn pin_path(store: &Store, id: &str) -> PathBuf {
    store.root().join("refs/containers").join(id)
}

/// Writes a small document by temp file + rename (no fsync, see above).
pub fn write_doc(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, data).at(&tmp)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Saves the record's state.json.
pub fn save(store: &Store, r: &Record) -> Result<()> {
    let data = serde_json::to_vec_pretty(r).map_err(|e| Error::json("container state", e))?;
    write_doc(&dir(store, &r.id).join("state.json"), &data)
}

pub fn load(store: &Store, id: &str) -> Result<Record> {
    let p = dir(store, id).join("state.json");
    let data = std::fs::read(&p).at(&p)?;
    serde_json::from_slice(&data).map_err(|e| Error::json(p.display().to_string(), e))
}

/// Every container with a readable record, newest first.
pub fn list(store: &Store) -> Result<Vec<Record>> {
    let d = store.containers_dir();
    let mut out = Vec::new();
    for e in std::fs::read_dir(&d).at(&d)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.len() == 64 {
            if let Ok(r) = load(store, &name) {
                out.push(r);
            }
        }
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.created));
    Ok(out)
}

/// Finds a container by full or short id or by name.
pub fn find(store: &Store, what: &str) -> Result<Record> {
    let all = list(store)?;
    let what = what.trim_start_matches('/');
    if let Some(r) = all.iter().find(|r| r.name == what || r.id == what) {
        return Ok(r.clone());
    }
    let hits: Vec<&Record> = all.iter().filter(|r| r.id.starts_with(what)).collect();
    match hits.len() {
        1 => Ok(hits[0].clone()),
        0 => Err(Error::Invalid(format!("no such container: {what}"))),
        _ => Err(Error::Invalid(format!("multiple containers match {what}"))),
    }
}

pub fn valid_name(n: &str) -> bool {
    let mut chars = n.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

const ADJECTIVES: &[&str] = &[
    "admiring",
    "brave",
    "clever",
    "dazzling",
    "eager",
    "focused",
    "gallant",
    "happy",
    "jolly",
    "keen",
    "lucid",
    "modest",
    "nifty",
    "optimistic",
    "quirky",
    "serene",
    "tender",
    "upbeat",
    "vibrant",
    "wizardly",
    "zealous",
];
const SURNAMES: &[&str] = &[
    "turing", "hopper", "lovelace", "ritchie", "thompson", "torvalds", "knuth", "dijkstra",
    "liskov", "hamilton", "curie", "noether", "shannon", "babbage", "goldberg", "wozniak",
];

fn random_name(rng: &mut impl Rng) -> String {
    format!(
        "{}_{}",
        ADJECTIVES[rng.random_range(0..ADJECTIVES.len())],
        SURNAMES[rng.random_range(0..SURNAMES.len())]
    )
}

/// Reserves a new container: a fresh id, a unique name, its directory and
/// an initial record (status created). `fill` completes the record.
pub fn create(
    store: &Store,
    name: Option<&str>,
    fill: impl FnOnce(String, String, PathBuf) -> Result<Record>,
) -> Result<Record> {
    if let Some(n) = name {
        if !valid_name(n) {
            return Err(Error::Invalid(format!(
                "invalid container name {n:?}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
            )));
        }
    }
    let _lock = LockGuard::acquire(&store.root().join("containers.lock"), LockMode::Exclusive)?;
    let existing = list(store)?;
    let mut rng = rand::rng();
    let name = match name {
        Some(n) => {
            if let Some(other) = existing.iter().find(|r| r.name == n) {
                return Err(Error::Invalid(format!(
                    "the container name \"/{n}\" is already in use by container \"{}\"; remove (or rename) that container to reuse the name",
                    other.id
                )));
            }
            n.to_string()
        }
        None => loop {
            let n = random_name(&mut rng);
            if !existing.iter().any(|r| r.name == n) {
                break n;
            }
        },
    };
    let id: String = (0..32)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect();
    let d = dir(store, &id);
    std::fs::create_dir(&d).at(&d)?;
    let record = match fill(id.clone(), name, d.clone()) {
        Ok(r) => r,
        Err(e) => {
            crate::userns::remove_tree_mapped(store.root(), &d);
            return Err(e);
        }
    };
    if let Some(m) = &record.manifest_digest {
        let p = pin_path(store, &id);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).at(parent)?;
        }
        write_doc(&p, format!("{m}\n").as_bytes())?;
    }
    if let Err(e) = save(store, &record) {
        remove(store, &record);
        return Err(e);
    }
    events::emit(store, &record, "create", &[]);
    Ok(record)
}

/// Removes a (stopped) container: cgroups, directory, image pin.
pub fn remove(store: &Store, r: &Record) {
    release(store, r);
    remove_cgroups(r);
    delete_files(store, &r.id);
}

/// `remove` whose files are deleted after we return (see `trash`): the
/// container is gone from every listing at once. For `rm` and `--rm`. Its
/// cgroups go with its directory, in the helper (which finds them by the
/// id), and `mounts`, a foreground `--rm` container's still-held mount
/// namespace, is handed to the helper too.
pub fn remove_soon(store: &Store, r: &Record, mounts: Option<std::os::fd::OwnedFd>) {
    release(store, r);
    let moved = [pin_path(store, &r.id), dir(store, &r.id)]
        .iter()
        .all(|p| !p.exists() || trash::discard(store, p));
    if moved {
        trash::empty_later(store, mounts);
        return;
    }
    // Not moved (or only the pin was): deleted here, the helper takes the
    // pin if it went.
    drop(mounts);
    remove_cgroups(r);
    delete_files(store, &r.id);
    trash::empty_later(store, None);
}

/// What removing a container gives back besides its files and cgroups:
/// its network endpoints (and a `destroy` event).
fn release(store: &Store, r: &Record) {
    events::emit(store, r, "destroy", &[]);
    network::forget(store, r);
}

/// Deletes a container's directory and image pin, now.
fn delete_files(store: &Store, id: &str) {
    let _ = std::fs::remove_file(pin_path(store, id));
    crate::userns::remove_tree_mapped(store.root(), &dir(store, id));
}

/// Removes a stopped container's cgroup directories.
fn remove_cgroups(r: &Record) {
    r.cgroup.remove();
    if r.cgroup.dirs.is_empty() {
        // Left by a `kill -9` of the command that made them.
        Cgroup::existing(&r.id).remove();
    }
}

/// Removes the anonymous volumes a (removed) container used (`rm -v`, `--rm`).
pub fn remove_anonymous_volumes(store: &Store, r: &Record) {
    for b in &r.options.binds {
        if let Some(name) = &b.volume {
            if volume::load(store, name).is_ok_and(|v| v.anonymous) {
                let _ = volume::remove(store, name, false);
            }
        }
    }
}
