//! Health checks, run by the monitor of a detached container (Podman needs
//! systemd timers for this; tug's monitor does it itself). Every interval
//! the monitor forks a checker that re-executes itself from a sealed copy of
//! tug as `tug exec ID /bin/sh -c CMD` (see runtime::guard: whatever enters
//! a container must not run from the host's binary) and runs the command; exit 0 is healthy, anything else (or a timeout) a
//! failure; `retries` consecutive failures make the container unhealthy.
//! The state and the last five results are kept in the record, as Docker.

use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::container::{self, Record};
use crate::store::Store;

/// `--health-*` flags.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HealthConfig {
    /// Run with `sh -c`.
    pub command: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub start_period: Duration,
    pub retries: u32,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct HealthState {
    /// "starting", "healthy" or "unhealthy".
    pub status: String,
    pub failing_streak: u32,
    pub log: Vec<HealthResult>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HealthResult {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub exit_code: i32,
    pub output: String,
}

/// A check in flight: the checker process and its output pipe.
pub struct Running {
    pub pid: i32,
    pub output: Option<OwnedFd>,
    pub text: Vec<u8>,
    pub started: Instant,
    pub start_time: DateTime<Utc>,
}

/// Forks a checker running `cfg.command` in the container.
pub fn start(store: &Store, r: &Record, cfg: &HealthConfig) -> Option<Running> {
    let (out_r, out_w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).ok()?;
    // SAFETY: a plain fork of the single-threaded monitor.
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone,
            libc::SIGCHLD as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    if pid < 0 {
        return None;
    }
    if pid == 0 {
        drop(out_r);
        for fd in [1, 2] {
            // SAFETY: dup2 onto our own standard descriptors.
            unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&out_w), fd) };
        }
        let argv: Vec<std::ffi::OsString> = vec![
            "tug".into(),
            "--root".into(),
            store.root().into(),
            "exec".into(),
            r.id.clone().into(),
            "/bin/sh".into(),
            "-c".into(),
            cfg.command.clone().into(),
        ];
        // Returns only if the re-exec failed.
        let _ = crate::runtime::guard::reexec_sealed(&argv);
        // SAFETY: end the forked checker without the monitor's exit handlers.
        unsafe { libc::_exit(125) }
    }
    drop(out_w);
    Some(Running {
        pid: pid as i32,
        output: Some(out_r),
        text: Vec::new(),
        started: Instant::now(),
        start_time: Utc::now(),
    })
}

/// Records a finished check and returns the new state.
pub fn record(store: &Store, id: &str, cfg: &HealthConfig, run: Running, code: i32) {
    let Ok(mut r) = container::load(store, id) else {
        return;
    };
    let mut h = r.health.clone().unwrap_or_default();
    let before = h.status.clone();
    let in_start_period = r
        .started_at
        .is_some_and(|s| (Utc::now() - s).to_std().unwrap_or_default() < cfg.start_period);
    if code == 0 {
        h.status = "healthy".into();
        h.failing_streak = 0;
    } else if !in_start_period {
        h.failing_streak += 1;
        if h.failing_streak >= cfg.retries {
            h.status = "unhealthy".into();
        }
    }
    let mut output = String::from_utf8_lossy(&run.text).into_owned();
    output.truncate(4096);
    h.log.push(HealthResult {
        start: run.start_time,
        end: Utc::now(),
        exit_code: code,
        output,
    });
    let excess = h.log.len().saturating_sub(5);
    h.log.drain(..excess);
    let changed = h.status != before;
    let status = h.status.clone();
    r.health = Some(h);
    let _ = container::save(store, &r);
    if changed {
        container::events::emit(store, &r, &format!("health_status: {status}"), &[]);
    }
}
