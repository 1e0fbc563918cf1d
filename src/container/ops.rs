//! Operations on existing containers: stop, kill, remove, wait. They act on
//! state found on disk and on the init through a pidfd; whoever waits for
//! the init (the monitor, or a foreground `tug run`) records its exit.

use std::time::{Duration, Instant};

use crate::container::{self, signal, Record, Status};
use crate::error::{Error, Result};
use crate::store::Store;

fn mark_stopped_by_user(store: &Store, id: &str) {
    if let Ok(mut r) = container::load(store, id) {
        r.stopped_by_user = true;
        let _ = container::save(store, &r);
    }
}

/// Waits until the record no longer says running/restarting (the waiter
/// recorded the exit) or its waiter is gone, at most `timeout`.
pub fn wait_recorded(store: &Store, id: &str, timeout: Duration) -> Result<Record> {
    let deadline = Instant::now() + timeout;
    loop {
        let r = container::refresh(store, container::load(store, id)?);
        let settled = match r.status {
            Status::Running => false,
            Status::Restarting => !r.monitor_alive(),
            _ => true,
        };
        if settled || Instant::now() >= deadline {
            return Ok(r);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Docker's stop: the stop signal, then SIGKILL after `timeout`.
pub fn stop(store: &Store, r: &Record, timeout: Duration, sig: i32) -> Result<Record> {
    mark_stopped_by_user(store, &r.id);
    container::events::emit(store, r, "stop", &[]);
    if let Some(fd) = signal::open_init(r) {
        signal::send(&fd, sig)?;
        if !signal::wait_exit(&fd, timeout) {
            signal::send(&fd, libc::SIGKILL)?;
            signal::wait_exit(&fd, Duration::from_secs(10));
        }
    }
    wait_recorded(store, &r.id, Duration::from_secs(5))
}

/// Docker's kill: one signal, no waiting.
pub fn kill(store: &Store, r: &Record, sig: i32) -> Result<()> {
    let r = container::refresh(store, r.clone());
    if r.status != Status::Running {
        return Err(Error::Invalid(format!(
            "cannot kill container {}: container is not running",
            r.name
        )));
    }
    if sig == libc::SIGKILL || sig == libc::SIGTERM {
        mark_stopped_by_user(store, &r.id);
    }
    container::events::emit(store, &r, "kill", &[("signal", sig.to_string())]);
    match signal::open_init(&r) {
        Some(fd) => signal::send(&fd, sig),
        None => Err(Error::Invalid(format!(
            "cannot kill container {}: container is not running",
            r.name
        ))),
    }
}

/// Removes a container; a running one only with `force` (killed first).
pub fn remove(store: &Store, r: &Record, force: bool) -> Result<()> {
    let r = container::refresh(store, r.clone());
    let active = matches!(r.status, Status::Running | Status::Restarting);
    if active && !force {
        return Err(Error::Invalid(format!(
            "cannot remove container {}: container is running: stop the container before removing or force remove",
            r.name
        )));
    }
    let r = if active {
        stop(store, &r, Duration::ZERO, libc::SIGKILL)?
    } else {
        r
    };
    // A monitor still finishing (restart back-off) would recreate state.
    let deadline = Instant::now() + Duration::from_secs(5);
    while r.monitor_alive() && Instant::now() < deadline {
        let now = container::load(store, &r.id).unwrap_or_else(|_| r.clone());
        if now.monitor_pid.is_none() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    container::remove_soon(store, &r, None);
    Ok(())
}

/// What `exec` changes in the container's process.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    pub command: Vec<String>,
    pub env: Vec<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub privileged: bool,
    /// `-t`: a pseudo-terminal, relayed to ours.
    pub tty: bool,
    /// `-i`: pass our input on (with `-t`).
    pub interactive: bool,
    /// `-d`: start it and return at once.
    pub detach: bool,
}

/// Runs a command in a running container and waits for it (signals
/// forwarded); returns its exit code. The caller must be single-threaded.
pub fn exec(store: &Store, r: &Record, o: &ExecOptions) -> Result<i32> {
    use crate::runtime::{exec, process, seccomp, spec, user};
    let r = container::refresh(store, r.clone());
    let not_running = || Error::Invalid(format!("container {} is not running", r.name));
    if r.status != Status::Running {
        return Err(not_running());
    }
    let pidfd = signal::open_init(&r).ok_or_else(not_running)?;
    let s = container::launch::load_spec(store, &r.id)?;
    let mut p = s
        .process()
        .clone()
        .ok_or_else(|| Error::Invalid("the spec has no process".into()))?;
    p.set_args(Some(o.command.clone()));
    let mut env = p.env().clone().unwrap_or_default();
    for kv in &o.env {
        let key = kv.split('=').next().unwrap_or(kv);
        env.retain(|e| e.split('=').next() != Some(key));
        env.push(kv.clone());
    }
    p.set_env(Some(env));
    if let Some(w) = &o.workdir {
        p.set_cwd(w.into());
    }
    if let Some(u) = &o.user {
        let layers = match &r.rootfs {
            crate::runtime::rootfs::RootfsSource::Dir(d) => vec![d.clone()],
            crate::runtime::rootfs::RootfsSource::Overlay { lower, upper, .. } => {
                let mut l = vec![upper.clone()];
                l.extend(lower.iter().cloned());
                l
            }
        };
        let c = user::resolve(&layers, u)?;
        let mut pu = p.user().clone();
        pu.set_uid(c.uid);
        pu.set_gid(c.gid);
        pu.set_additional_gids(Some(c.additional_gids));
        p.set_user(pu);
    }
    if o.privileged {
        let all = spec::capability_set(&spec::RunOptions {
            privileged: true,
            ..Default::default()
        })?;
        let caps: std::collections::HashSet<oci_spec::runtime::Capability> = all
            .iter()
            .filter_map(|c| serde_json::from_value(serde_json::Value::String(c.clone())).ok())
            .collect();
        let mut pc = p.capabilities().clone().unwrap_or_default();
        pc.set_bounding(Some(caps.clone()));
        pc.set_effective(Some(caps.clone()));
        pc.set_permitted(Some(caps));
        p.set_capabilities(Some(pc));
    }
    let seccomp_on = s
        .annotations()
        .as_ref()
        .and_then(|a| a.get("io.tug.seccomp").cloned())
        .is_none_or(|v| v == "default");
    let filters = if seccomp_on && !o.privileged {
        seccomp::default_filters(
            &store.root().join("cache/seccomp"),
            seccomp::keeps_ptrace(&s),
        )?
    } else {
        Vec::new()
    };
    // Never the caller's terminal in the container's hands (runtime::relay).
    let relay = if !o.tty && !o.detach && crate::runtime::relay::any_terminal() {
        Some(crate::runtime::relay::Relay::new(o.interactive)?)
    } else {
        None
    };
    let (pid, master) = exec::spawn(&exec::ExecRequest {
        init: &pidfd,
        namespaces: if crate::paths::joined() {
            // Already in the session's user namespace, the container's own.
            process::clone_flags(&s) & !(libc::CLONE_NEWUSER as libc::c_ulong)
        } else {
            process::clone_flags(&s)
        },
        process: &p,
        seccomp: &filters,
        can_setgroups: !r.mapping.is_single(),
        cgroup: &r.cgroup,
        tty: o.tty && !o.detach,
        detached: o.detach,
        stdio: relay.as_ref().map(|r| r.child_fds()),
    })?;
    if o.detach {
        // The container's init adopts it when we leave.
        return Ok(0);
    }
    if let Some(m) = master {
        crate::runtime::tty::relay(&m, o.interactive, &mut |_| {});
    }
    let _forwarding = process::Forwarding::to(pid);
    if let Some(relay) = relay {
        relay.pump(|_, _| {});
    }
    Ok(process::reap(pid))
}

/// Renames a container (names stay unique: under the containers lock).
pub fn rename(store: &Store, r: &Record, new_name: &str) -> Result<()> {
    let _lock = crate::store::LockGuard::acquire(
        &store.root().join("containers.lock"),
        crate::store::LockMode::Exclusive,
    )?;
    if !container::valid_name(new_name) {
        return Err(Error::Invalid(format!(
            "invalid container name {new_name:?}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
        )));
    }
    if let Some(other) = container::list(store)?.iter().find(|o| o.name == new_name) {
        return Err(Error::Invalid(format!(
            "the container name \"/{new_name}\" is already in use by container \"{}\"",
            other.id
        )));
    }
    let mut now = container::load(store, &r.id)?;
    let old = std::mem::replace(&mut now.name, new_name.to_string());
    container::save(store, &now)?;
    container::network::renamed(store, &now)?;
    container::events::emit(store, &now, "rename", &[("oldName", old)]);
    Ok(())
}

/// Freezes or thaws every process of a running container (cgroup freezer).
pub fn set_frozen(store: &Store, r: &Record, frozen: bool) -> Result<()> {
    let r = container::refresh(store, r.clone());
    if r.status != Status::Running {
        return Err(Error::Invalid(format!(
            "container {} is not running",
            r.name
        )));
    }
    for d in &r.cgroup.dirs {
        let v1 = d.join("freezer.state");
        let v2 = d.join("cgroup.freeze");
        let (file, value) = if v1.exists() {
            (v1, if frozen { "FROZEN" } else { "THAWED" })
        } else if v2.exists() {
            (v2, if frozen { "1" } else { "0" })
        } else {
            continue;
        };
        std::fs::write(&file, value).map_err(|e| Error::io(&file, e))?;
        let mut now = container::load(store, &r.id)?;
        now.paused = frozen;
        container::save(store, &now)?;
        container::events::emit(store, &now, if frozen { "pause" } else { "unpause" }, &[]);
        return Ok(());
    }
    Err(Error::Invalid(format!(
        "cannot {} container {}: no cgroup freezer (rootless containers need cgroup v2 delegation)",
        if frozen { "pause" } else { "unpause" },
        r.name
    )))
}

/// The host pids of a running container's processes: the init and its
/// descendants.
pub fn processes(r: &Record) -> Vec<i32> {
    let Some(init) = r.pid else { return Vec::new() };
    let mut out = vec![init];
    let mut i = 0;
    while i < out.len() {
        let pid = out[i];
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
            for t in tasks.flatten() {
                if let Ok(c) = std::fs::read_to_string(t.path().join("children")) {
                    out.extend(c.split_whitespace().filter_map(|p| p.parse::<i32>().ok()));
                }
            }
        }
        i += 1;
    }
    out
}
