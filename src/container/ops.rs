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
    container::remove(store, &r);
    Ok(())
}
