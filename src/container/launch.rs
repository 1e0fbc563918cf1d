//! Creating a container from a request and running it in the foreground:
//! resolve the image (or take `--rootfs DIR`), write the container's
//! directory (spec, record, /etc files), then start it, wait for it, record
//! its exit and clean up (`--rm`).

use std::path::{Path, PathBuf};

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use chrono::Utc;

use crate::container::stdio::{self, Io, OutputStream, Stdio};
use crate::container::{self, network, volume, Record, Status};
use crate::error::{Error, IoContext, Result};
use crate::runtime::cgroups::Cgroup;
use crate::runtime::rootfs::RootfsSource;
use crate::runtime::spec::{self, RunOptions, SeccompChoice, SpecInput};
use crate::runtime::{process, seccomp};
use crate::store::Store;
use crate::userns::IdMapping;

/// What `run`/`create` ask for.
#[derive(Clone)]
pub struct Request {
    /// The image as typed; None with `rootfs_dir`.
    pub image: Option<String>,
    pub rootfs_dir: Option<PathBuf>,
    pub name: Option<String>,
    pub options: RunOptions,
    pub auto_remove: bool,
    pub restart: crate::container::RestartPolicy,
    pub healthcheck: Option<crate::container::health::HealthConfig>,
}

/// The container's private copy of the image's files: every layer applied
/// in order with the store's safe extraction (descriptor-relative, nothing
/// written outside `dest`). Overlay of shared snapshots
/// (`store::snapshots::prepare`) replaces this once `cp`/`export`/`commit`
/// read an overlay container's merged view.
/// Rootless with subordinate ids, the layers are applied inside a user
/// namespace with the container's mapping, so files of uid 33 or 999 keep
/// those owners inside.
fn flatten_image(store: &Store, image: &crate::image::Image, dest: &Path) -> Result<()> {
    let mapping = IdMapping::for_current_user();
    if crate::paths::is_rootless() && !mapping.is_single() {
        std::fs::create_dir_all(dest).at(dest)?;
        let dest_str = dest
            .to_str()
            .ok_or_else(|| Error::Invalid("non-UTF-8 container path".into()))?;
        return crate::userns::run_mapped(
            store.root(),
            &mapping,
            &["unpack", image.id.as_ref(), dest_str],
            &|w| store.warn(w),
        );
    }
    crate::store::snapshots::flatten_into(store, image, dest)
}

/// Whether a container's rootfs is an overlay of the shared snapshots
/// (root; rootless with subordinate ids on a kernel with rootless
/// overlayfs) rather than a private flattened copy (the fallback).
pub fn overlay_rootfs(mapping: &IdMapping) -> bool {
    !crate::paths::is_rootless()
        || (!mapping.is_single() && crate::sysinfo::overlay_support(true).supported)
}

/// The image's `VOLUME`s that no `-v`, `--mount` or `--tmpfs` covers get an
/// anonymous volume each, as in Docker: filled from the image at that path,
/// listed in `inspect`'s Mounts, shared by `--volumes-from`, removed by
/// `rm -v`.
fn image_volumes(img: &crate::image::Image, options: &mut RunOptions) {
    let declared = img
        .config
        .config()
        .as_ref()
        .and_then(|c| c.volumes().clone())
        .unwrap_or_default();
    let norm = |p: &str| {
        let t = p.trim_end_matches('/');
        if t.is_empty() {
            "/".to_string()
        } else {
            t.to_string()
        }
    };
    for path in declared {
        let path = norm(&path);
        let covered = options.binds.iter().any(|b| norm(&b.destination) == path)
            || options
                .tmpfs
                .iter()
                .any(|t| norm(t.split(':').next().unwrap_or_default()) == path);
        if !covered && path.starts_with('/') {
            options.binds.push(crate::runtime::spec::BindMount {
                source: PathBuf::new(),
                destination: path,
                readonly: false,
                volume: Some(String::new()),
                create_host_path: false,
            });
        }
    }
}

/// Creates the container (status created) without starting it.
pub fn create(store: &Store, req: &Request) -> Result<Record> {
    create_with(store, req, None)
}

/// A builder's step container: `image` (not necessarily in the index) as
/// the build has made it so far, instead of `req.image`; its `VOLUME`s
/// get no volumes.
pub fn create_step(store: &Store, req: &Request, image: &crate::image::Image) -> Result<Record> {
    create_with(store, req, Some(image))
}

fn create_with(
    store: &Store,
    req: &Request,
    step_image: Option<&crate::image::Image>,
) -> Result<Record> {
    let mut options = req.options.clone();
    // daemon.json's log-opts and default-ulimits, where no flag spoke.
    crate::daemon_json::apply_run_defaults(&mut options)
        .map_err(|e| Error::Invalid(e.to_string()))?;
    for from in &options.volumes_from {
        let (name, mode) = from.split_once(':').unwrap_or((from.as_str(), ""));
        let other = container::find(store, name)?;
        for b in &other.options.binds {
            let mut b = b.clone();
            match mode {
                "ro" => b.readonly = true,
                "rw" => b.readonly = false,
                "" => {}
                m => return Err(Error::Invalid(format!("invalid --volumes-from mode {m:?}"))),
            }
            options.binds.retain(|x| x.destination != b.destination);
            options.binds.push(b);
        }
    }
    let req = &Request {
        options,
        image: req.image.clone(),
        rootfs_dir: req.rootfs_dir.clone(),
        name: req.name.clone(),
        auto_remove: req.auto_remove,
        restart: req.restart.clone(),
        healthcheck: req.healthcheck.clone(),
    };
    for d in &req.options.devices {
        if !d.host.exists() {
            return Err(Error::Invalid(format!(
                "error gathering device information while adding custom device {:?}: no such file or directory",
                d.host.display().to_string()
            )));
        }
    }
    for b in req.options.binds.iter().filter(|b| b.volume.is_none()) {
        if !b.source.exists() && b.create_host_path {
            // `-v /missing:/x`: Docker makes the directory (the caller owns
            // it: root, or the user rootless).
            std::fs::create_dir_all(&b.source).at(&b.source)?;
        }
        if !b.source.exists() {
            return Err(Error::Invalid(format!(
                "invalid mount config: bind source path does not exist: {}",
                b.source.display()
            )));
        }
    }
    if let SeccompChoice::Profile(p) = &req.options.seccomp {
        // Compiled now so a bad profile fails `run`/`create`, not `start`.
        let caps = spec::capability_set(&req.options)?;
        let p = std::fs::canonicalize(p).map_err(|e| Error::io(p, e))?;
        seccomp::profile_filters(&store.root().join("cache/seccomp"), &p, &caps)?;
    }
    let image = match (step_image, &req.image, &req.rootfs_dir) {
        (Some(i), _, _) => Some(i.clone()),
        (None, Some(i), None) => Some(crate::image::resolve(store, i)?),
        _ => None,
    };
    let mapping = IdMapping::for_current_user();
    container::create(store, req.name.as_deref(), |id, name, dir| {
        let (rootfs, layers) = match (&req.rootfs_dir, &image) {
            (Some(d), _) => {
                let d = std::fs::canonicalize(d).at(d)?;
                if !d.is_dir() {
                    return Err(Error::Invalid(format!(
                        "--rootfs {}: not a directory",
                        d.display()
                    )));
                }
                (RootfsSource::Dir(d.clone()), vec![d])
            }
            (None, Some(img)) if overlay_rootfs(&mapping) => {
                // An overlay of the image's shared snapshots under the
                // container's own upper dir; nothing is copied. Rootless,
                // the snapshots were unpacked in the mapped user namespace
                // and the init mounts them with `userxattr` inside the
                // session's user namespace.
                let lower = crate::store::snapshots::prepare(store, img)?;
                let (upper, work) = (dir.join("upper"), dir.join("work"));
                for d in [&upper, &work] {
                    std::fs::create_dir_all(d).at(d)?;
                }
                let mut layers = vec![upper.clone()];
                layers.extend(lower.iter().cloned());
                (RootfsSource::Overlay { lower, upper, work }, layers)
            }
            (None, Some(img)) => {
                let flat = dir.join("rootfs");
                flatten_image(store, img, &flat)?;
                (RootfsSource::Dir(flat.clone()), vec![flat])
            }
            (None, None) => return Err(Error::Invalid("no image given".into())),
        };
        // Volumes: created on first use, filled from the image when empty.
        let mut options = req.options.clone();
        if let (Some(img), None) = (&image, step_image) {
            image_volumes(img, &mut options);
        }
        for b in options.binds.iter_mut() {
            let Some(name) = b.volume.clone() else {
                continue;
            };
            let v = volume::create(
                store,
                (!name.is_empty()).then_some(name.as_str()),
                Default::default(),
            )?;
            b.source = volume::data_dir(store, &v.name);
            b.volume = Some(v.name.clone());
            // The topmost layer that has the path seeds the volume.
            volume::copy_up(&layers, &b.destination, &b.source)?;
        }
        let req = &Request {
            options,
            image: req.image.clone(),
            rootfs_dir: req.rootfs_dir.clone(),
            name: req.name.clone(),
            auto_remove: req.auto_remove,
            restart: req.restart.clone(),
            healthcheck: req.healthcheck.clone(),
        };
        let merged = dir.join("merged");
        let config = image.as_ref().map(|i| &i.config);
        let mut req = req.clone();
        let link_hosts = network::prepare_options(store, &name, config, &mut req.options)?;
        let req = &req;
        let spec = spec::build(
            &SpecInput {
                id: &id,
                image_config: config,
                layers: &layers,
                container_dir: &dir,
                rootfs: &merged,
                mapping: &mapping,
            },
            &req.options,
        )?;
        let mut spec = spec;
        if let SeccompChoice::Profile(p) = &req.options.seccomp {
            // The container keeps its own copy, as Docker embeds the profile.
            let copy = dir.join("seccomp.json");
            std::fs::copy(p, &copy).map_err(|e| Error::io(p, e))?;
            let mut a = spec.annotations().clone().unwrap_or_default();
            a.insert("io.tug.seccomp".into(), copy.display().to_string());
            spec.set_annotations(Some(a));
        }
        let hostname = spec.hostname().clone().unwrap_or_default();
        network::allocate(
            store,
            &id,
            &name,
            &dir,
            &hostname,
            &req.options,
            &link_hosts,
            req.auto_remove,
        )?;
        let data = serde_json::to_vec_pretty(&spec).map_err(|e| Error::json("runtime spec", e))?;
        container::write_doc(&dir.join("config.json"), &data)?;
        let args = spec
            .process()
            .as_ref()
            .and_then(|p| p.args().clone())
            .unwrap_or_default();
        Ok(Record {
            id,
            name,
            image: match (&req.image, &req.rootfs_dir) {
                (Some(i), None) => i.clone(),
                (_, Some(d)) => format!("--rootfs {}", d.display()),
                _ => String::new(),
            },
            image_id: image.as_ref().map(|i| i.id.to_string()),
            manifest_digest: image.as_ref().map(|i| i.manifest_digest.to_string()),
            created: Utc::now(),
            args,
            rootfs,
            options: req.options.clone(),
            auto_remove: req.auto_remove,
            status: Status::Created,
            pid: None,
            started_at: None,
            finished_at: None,
            exit_code: None,
            oom_killed: false,
            cgroup: Cgroup::default(),
            mapping: mapping.clone(),
            pid_start: None,
            monitor_pid: None,
            restart: req.restart.clone(),
            restart_count: 0,
            stopped_by_user: false,
            healthcheck: req.healthcheck.clone(),
            health: None,
            paused: false,
        })
    })
}

/// Reads a container's runtime spec back.
pub fn load_spec(store: &Store, id: &str) -> Result<oci_spec::runtime::Spec> {
    let p = container::dir(store, id).join("config.json");
    let data = std::fs::read(&p).at(&p)?;
    serde_json::from_slice(&data).map_err(|e| Error::json(p.display().to_string(), e))
}

/// How the container's standard streams are wired at start.
pub enum Streams {
    /// It gets ours as they are.
    Inherit,
    /// `-t`: the pty peer becomes its controlling terminal and streams.
    Tty(RawFd),
    /// These become its stdin, stdout and stderr (set up in its own
    /// process: ours are never touched).
    Fds([RawFd; 3]),
}

/// A container this process started: its init (our child), the rootless
/// port relay it owns and, when asked for, our signals forwarded to it.
/// Hand it back to `exited` once the init is reaped.
pub struct Started {
    pub pid: i32,
    relay: Option<i32>,
    forwarding: Option<process::Forwarding>,
    /// A foreground `--rm` container's mount namespace, held so that its
    /// teardown waits for the trash helper, not for us (`process::Init`).
    mounts: Option<OwnedFd>,
}

impl Started {
    /// Waits for the init; its exit code (128+N when killed by signal N).
    pub fn reap(&self) -> i32 {
        process::reap(self.pid)
    }

    /// The rootless port relay it owns, for `network::stopped`.
    pub fn relay(&self) -> Option<i32> {
        self.relay
    }
}

/// Starts a created container and waits for it in the foreground, with
/// signals forwarded and its output to ours (through the log when it keeps
/// one). Returns the container's exit code. Must be called while the
/// process is single-threaded (see runtime::process).
pub fn run_foreground(store: &Store, mut r: Record, warn: impl Fn(&str)) -> Result<i32> {
    let outcome = start_and_wait(store, &mut r, &warn);
    let ok = outcome.is_ok();
    let (code, mounts) = match outcome {
        Ok((code, mounts)) => (Ok(code), mounts),
        Err(e) => (Err(e), None),
    };
    settle(store, &r, ok, mounts);
    code
}

/// After a foreground run: `--rm` removes the container (its held mount
/// namespace, if any, goes to the trash helper), else its final state is
/// kept.
fn settle(store: &Store, r: &Record, ok: bool, mounts: Option<OwnedFd>) {
    if r.auto_remove {
        container::remove_soon(store, r, mounts);
        container::remove_anonymous_volumes(store, r);
    } else if r.status != Status::Created || ok {
        r.cgroup.remove();
        let _ = container::save(store, r);
    }
}

/// A container started by [`spawn`], with the caller's ends of the
/// streams it asked to be piped.
pub struct Running {
    pub record: Record,
    pub started: Started,
    /// The write end of its stdin (`Stdio::Pipe`).
    pub stdin: Option<OwnedFd>,
    /// The read ends of its stdout and stderr (`Stdio::Pipe`).
    pub stdout: Option<OwnedFd>,
    pub stderr: Option<OwnedFd>,
}

/// Starts a created container with its streams as `io` says, our signals
/// forwarded to it (unless `--sig-proxy=false`); the caller reads its
/// output and then calls [`Running::wait`]. Several may run at once from
/// one process; each `spawn` must happen while the process is
/// single-threaded (see runtime::process). Nothing of ours is redirected.
pub fn spawn(store: &Store, mut r: Record, io: Io, warn: impl Fn(&str)) -> Result<Running> {
    let (child, [stdin, stdout, stderr]) = io.open()?;
    let fds = [0, 1, 2].map(|i| child[i].as_raw_fd());
    let (forward, quiet) = (!r.options.no_sig_proxy, r.auto_remove);
    let started = start(store, &mut r, &warn, quiet, Streams::Fds(fds), forward);
    drop(child);
    match started {
        Ok(started) => Ok(Running {
            record: r,
            started,
            stdin,
            stdout,
            stderr,
        }),
        Err(e) => {
            settle(store, &r, false, None);
            Err(e)
        }
    }
}

impl Running {
    /// Reads its piped stdout and stderr to their end, handing `sink` each
    /// line (see [`stdio::pump_lines`]). A piped stdin stays as it is: the
    /// caller closes it (`self.stdin.take()`) when the container must see
    /// the end of its input.
    pub fn pump_lines(&mut self, sink: impl FnMut(OutputStream, &[u8])) {
        stdio::pump_lines([self.stdout.take(), self.stderr.take()], sink);
    }

    /// Waits for the container to exit, records it (and removes it with
    /// `--rm`); its exit code.
    pub fn wait(self, store: &Store) -> i32 {
        let Running {
            mut record,
            started,
            ..
        } = self;
        let code = started.reap();
        let mounts = exited(store, &mut record, started, code);
        settle(store, &record, true, mounts);
        code
    }
}

/// Runs a created container with no input and its stdout and stderr
/// captured: `sink` gets each line as it comes (a builder prefixes them and
/// keeps the last few). Returns its exit code.
pub fn run_captured(
    store: &Store,
    r: Record,
    sink: impl FnMut(OutputStream, &[u8]),
    warn: impl Fn(&str),
) -> Result<i32> {
    let mut running = spawn(
        store,
        r,
        Io {
            stdin: Stdio::Null,
            stdout: Stdio::Pipe,
            stderr: Stdio::Pipe,
        },
        warn,
    )?;
    running.pump_lines(sink);
    Ok(running.wait(store))
}

/// Starts a created (or exited) container: cgroups, seccomp, the clone.
/// Records it running (saved unless `quiet_rm`, a foreground `--rm` that
/// nobody else needs to see). `forward` passes our signals on to it while
/// the returned handle lives.
pub fn start(
    store: &Store,
    r: &mut Record,
    warn: &impl Fn(&str),
    quiet_rm: bool,
    streams: Streams,
    forward: bool,
) -> Result<Started> {
    let spec = load_spec(store, &r.id)?;
    // Room for the exit status while there is room (see `exitcode`); not
    // synced for `--rm`, whose record goes with it.
    let _ = container::exitcode::reserve(store, &r.id, !r.auto_remove);
    let seccomp_choice = spec
        .annotations()
        .as_ref()
        .and_then(|a| a.get("io.tug.seccomp").cloned())
        .unwrap_or_else(|| "default".into());
    let cache = store.root().join("cache/seccomp");
    let filters = match seccomp_choice.as_str() {
        "default" => seccomp::default_filters(&cache, seccomp::keeps_ptrace(&spec))?,
        "unconfined" => Vec::new(),
        profile => {
            let caps: Vec<String> = spec::capability_set(&r.options)?;
            seccomp::profile_filters(&cache, Path::new(profile), &caps)?
        }
    };
    if crate::paths::is_rootless() && !r.mapping.is_identity() {
        // Containers and rootless bridges share the session's namespaces.
        let started = crate::net::session::join(store.root())?;
        if started && r.options.network == crate::runtime::spec::NetworkMode::Bridge {
            if let Err(why) = crate::net::outbound(store.root()) {
                warn(&why);
            }
        }
    }
    let resources = spec.linux().as_ref().and_then(|l| l.resources().clone());
    let (cgroup, warning) = Cgroup::create(&r.id, resources.as_ref())?;
    if let Some(w) = warning {
        warn(&w);
    }
    r.cgroup = cgroup;
    let other_netns = match (&r.options.network, &r.options.net_container) {
        (crate::runtime::spec::NetworkMode::Container, Some(other)) => {
            let o = container::refresh(store, container::load(store, other)?);
            if o.status != Status::Running || !o.init_alive() {
                return Err(Error::Invalid(format!(
                    "cannot join the network of container {}: it is not running",
                    o.name
                )));
            }
            let p = format!("/proc/{}/ns/net", o.pid.unwrap_or(0));
            Some(std::fs::File::open(&p).map_err(|e| Error::io(p, e))?)
        }
        _ => None,
    };
    let relay = std::cell::Cell::new(None);
    let started = process::start(&process::Launch {
        spec: &spec,
        rootfs: &r.rootfs,
        seccomp: &filters,
        mapping: &r.mapping,
        cgroup: &r.cgroup,
        tty: match streams {
            Streams::Tty(peer) => Some(peer),
            _ => None,
        },
        stdio: match streams {
            Streams::Fds(fds) => Some(fds),
            _ => None,
        },
        forward_signals: forward,
        join_netns: other_netns.as_ref().map(|f| f.as_raw_fd()),
        network: &|pid| {
            relay.set(network::attach(store, r, pid)?);
            Ok(())
        },
        hold_mounts: quiet_rm,
    });
    let init = match started {
        Ok(init) => init,
        Err(e) => {
            network::stopped(store, r, relay.get());
            r.cgroup.remove();
            r.cgroup = Cgroup::default();
            return Err(e);
        }
    };
    let pid = init.pid;
    r.status = Status::Running;
    r.pid = Some(pid);
    r.pid_start = container::proc_start_time(pid);
    r.monitor_pid = Some(std::process::id() as i32);
    r.started_at = Some(Utc::now());
    r.exit_code = None;
    r.finished_at = None;
    r.paused = false;
    if r.healthcheck.is_some() {
        r.health = Some(crate::container::health::HealthState {
            status: "starting".into(),
            ..Default::default()
        });
    }
    if !quiet_rm {
        container::save(store, r)?;
    }
    container::events::emit(store, r, "start", &[]);
    Ok(Started {
        pid,
        relay: relay.get(),
        forwarding: init.forwarding,
        mounts: init.mounts,
    })
}

/// Runs the container to its end; its exit code and the mount namespace
/// held for the trash helper (see [`Started`]).
fn start_and_wait(
    store: &Store,
    r: &mut Record,
    warn: &impl Fn(&str),
) -> Result<(i32, Option<OwnedFd>)> {
    // A container that stays after it exits keeps a log, as Docker's do:
    // its output passes through us on the way to our terminal.
    let mut log = if r.auto_remove {
        None
    } else {
        Some(container::logs::Writer::open(
            &container::logs::path(store, &r.id),
            r.options.log_max_size,
            r.options.log_max_file,
        )?)
    };
    let forward = !r.options.no_sig_proxy;
    let (started, code) = if r.options.tty {
        let pty = crate::runtime::tty::open()?;
        let peer = Streams::Tty(pty.peer.as_raw_fd());
        let started = start(store, r, warn, r.auto_remove, peer, forward)?;
        drop(pty.peer);
        crate::runtime::tty::relay(&pty.master, r.options.interactive, &mut |data| {
            if let Some(l) = log.as_mut() {
                l.feed(0, data);
            }
        });
        if let Some(l) = log.as_mut() {
            l.flush_stream(0);
        }
        let code = started.reap();
        (started, code)
    } else if log.is_some() || crate::runtime::relay::any_terminal() {
        // Output through us: for the log, and never the caller's terminal
        // in the container's hands (see runtime::relay).
        let relay = crate::runtime::relay::Relay::new(r.options.interactive)?;
        let fds = Streams::Fds(relay.child_fds());
        let started = start(store, r, warn, r.auto_remove, fds, forward)?;
        relay.pump(|i, data| {
            if let Some(l) = log.as_mut() {
                if data.is_empty() {
                    l.flush_stream(i);
                } else {
                    l.feed(i, data);
                }
            }
        });
        let code = started.reap();
        (started, code)
    } else {
        let started = start(store, r, warn, r.auto_remove, Streams::Inherit, forward)?;
        let code = started.reap();
        (started, code)
    };
    let mounts = exited(store, r, started, code);
    Ok((code, mounts))
}

/// Once the init of `started` is reaped with `code`: records the exit,
/// releases the network (and the port relay) and stops forwarding.
/// Returns the mount namespace it held, if any.
fn exited(store: &Store, r: &mut Record, started: Started, code: i32) -> Option<OwnedFd> {
    drop(started.forwarding);
    let _ = container::exitcode::record(store, &r.id, code);
    network::stopped(store, r, started.relay);
    r.status = Status::Exited;
    r.pid = None;
    r.monitor_pid = None;
    r.exit_code = Some(code);
    r.finished_at = Some(Utc::now());
    r.oom_killed = r.cgroup.oom_killed();
    if r.oom_killed {
        container::events::emit(store, r, "oom", &[]);
    }
    container::events::emit(store, r, "die", &[("exitCode", code.to_string())]);
    started.mounts
}
