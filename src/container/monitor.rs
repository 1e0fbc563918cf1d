//! The per-container monitor of a detached container: the same binary
//! re-executed with the hidden `container-monitor` command, in a session of
//! its own so it outlives the `run -d` / `start` that spawned it. It starts
//! the container (so the init is its child), reports success or failure
//! back over an inherited pipe (fd 3), copies the container's stdout and
//! stderr into the json log, records the exit code and time, and applies the
//! restart policy with Docker's back-off (100 ms doubling to 1 minute, reset
//! after 10 s of running). Nothing listens for commands: `stop`/`kill`
//! signal the init through a pidfd and the monitor sees it exit.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

use chrono::Utc;

use crate::container::{self, health, launch, logs, Status};
use crate::error::{Error, Result};
use crate::runtime::process;
use crate::store::Store;

/// The fd the monitor's start report is written to.
pub const REPORT_FD: i32 = 3;
/// Environment variable telling the monitor that fd 3 is its report pipe.
pub const REPORT_ENV: &str = "TUG_MONITOR_REPORT";

/// What the monitor tells the command that spawned it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum StartReport {
    Started { warnings: Vec<String> },
    Failed { kind: FailureKind, message: String },
}

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub enum FailureKind {
    NotFound,
    NotRunnable,
    Other,
}

impl StartReport {
    fn from_error(e: &Error) -> StartReport {
        let (kind, message) = match e {
            Error::CommandNotFound(c) => (FailureKind::NotFound, c.clone()),
            Error::CommandNotRunnable(c) => (FailureKind::NotRunnable, c.clone()),
            other => (FailureKind::Other, other.to_string()),
        };
        StartReport::Failed { kind, message }
    }

    fn into_result(self) -> Result<Vec<String>> {
        match self {
            StartReport::Started { warnings } => Ok(warnings),
            StartReport::Failed { kind, message } => Err(match kind {
                FailureKind::NotFound => Error::CommandNotFound(message),
                FailureKind::NotRunnable => Error::CommandNotRunnable(message),
                FailureKind::Other => Error::Invalid(message),
            }),
        }
    }
}

/// Spawns the monitor of container `id` and waits for its start report.
/// Returns the warnings to print.
pub fn spawn(store: &Store, id: &str) -> Result<Vec<String>> {
    use std::os::unix::process::CommandExt;
    let (mut report_r, report_w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .map(|(r, w)| (File::from(r), w))
        .map_err(|e| Error::io("pipe", e.into()))?;
    let exe = std::fs::read_link("/proc/self/exe").map_err(|e| Error::io("/proc/self/exe", e))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--root")
        .arg(store.root())
        .args(["container-monitor", id])
        .env(REPORT_ENV, REPORT_FD.to_string())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let w = report_w.as_raw_fd();
    // SAFETY: between fork and exec the closure only calls setsid, dup2 and
    // close_range, which are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            libc::setsid();
            if libc::dup2(w, REPORT_FD) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The monitor outlives us: none of our caller's descriptors
            // (`exec 7</dir; tug run -d`) may stay open in it, nor reach its
            // containers. Only the report pipe crosses.
            crate::runtime::guard::close_range_cloexec(REPORT_FD + 1);
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .map_err(|e| Error::Invalid(format!("starting the container's monitor: {e}")))?;
    drop(report_w);
    drop(cmd);
    let mut text = String::new();
    let _ = report_r.read_to_string(&mut text);
    // The monitor keeps running; its exit is reaped by whoever inherits it.
    drop(child);
    let report: StartReport = serde_json::from_str(text.trim())
        .map_err(|_| Error::Invalid("the container's monitor died before starting it".into()))?;
    report.into_result()
}

/// The FIFO `attach` writes a detached `-i` container's input to:
/// `containers/<id>/stdin`, held open for reading and writing so that an
/// attach going away is no end of input.
fn stdin_fifo(store: &Store, id: &str) -> Result<OwnedFd> {
    let p = stdin_path(store, id);
    match rustix::fs::mknodat(
        rustix::fs::CWD,
        &p,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    ) {
        Ok(()) | Err(rustix::io::Errno::EXIST) => {}
        Err(e) => return Err(Error::io(&p, e.into())),
    }
    rustix::fs::open(
        &p,
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .map_err(|e| Error::io(&p, e.into()))
}

/// Where a detached `-i` container takes its input from.
pub fn stdin_path(store: &Store, id: &str) -> std::path::PathBuf {
    container::dir(store, id).join("stdin")
}

/// Copies both pipes into the log until both close, passing `input`
/// (FIFO → container) on and running health checks on schedule meanwhile.
fn pump(
    store: &Store,
    id: &str,
    out: OwnedFd,
    err: OwnedFd,
    input: Option<(&OwnedFd, &OwnedFd)>,
    log: &mut logs::Writer,
) {
    let cfg = container::load(store, id).ok().and_then(|r| r.healthcheck);
    let mut open = [Some(out), Some(err)];
    let mut buf = vec![0u8; 64 * 1024];
    let mut next_check = cfg.as_ref().map(|c| Instant::now() + c.interval);
    let mut check: Option<health::Running> = None;
    while open.iter().any(Option::is_some) {
        // Start a due check.
        if let (Some(c), Some(due), None) = (&cfg, next_check, &check) {
            if Instant::now() >= due {
                if let Ok(r) = container::load(store, id) {
                    check = health::start(store, &r, c);
                }
                next_check = Some(Instant::now() + c.interval);
            }
        }
        // Finish a check whose output closed, or kill one that timed out.
        if let (Some(c), Some(run)) = (&cfg, &mut check) {
            let timed_out = run.started.elapsed() > c.timeout;
            if run.output.is_none() || timed_out {
                if timed_out {
                    // SAFETY: our own child, not yet reaped.
                    unsafe { libc::kill(run.pid, libc::SIGKILL) };
                }
                let code = process::reap(run.pid);
                let code = if timed_out { -1 } else { code };
                if let Some(done) = check.take() {
                    health::record(store, id, c, done, code);
                }
                continue;
            }
        }
        let mut idx = Vec::new();
        let mut fds = Vec::new();
        for (i, f) in open.iter().enumerate() {
            if let Some(f) = f {
                idx.push(i);
                fds.push(rustix::event::PollFd::new(f, rustix::event::PollFlags::IN));
            }
        }
        if let Some(f) = check.as_ref().and_then(|c| c.output.as_ref()) {
            idx.push(2);
            fds.push(rustix::event::PollFd::new(f, rustix::event::PollFlags::IN));
        }
        if let Some((fifo, _)) = input {
            idx.push(3);
            fds.push(rustix::event::PollFd::new(
                fifo,
                rustix::event::PollFlags::IN,
            ));
        }
        let wait = match (&cfg, next_check, &check) {
            (Some(c), _, Some(run)) => Some(c.timeout.saturating_sub(run.started.elapsed())),
            (Some(_), Some(due), None) => Some(due.saturating_duration_since(Instant::now())),
            _ => None,
        };
        let ts = wait.map(|d| rustix::event::Timespec {
            tv_sec: d.as_secs() as i64,
            tv_nsec: d.subsec_nanos() as i64,
        });
        match rustix::event::poll(&mut fds, ts.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => break,
        }
        let ready: Vec<(usize, bool)> = fds
            .iter()
            .zip(&idx)
            .map(|(p, i)| (*i, !p.revents().is_empty()))
            .collect();
        drop(fds);
        for (i, is_ready) in ready {
            if !is_ready {
                continue;
            }
            if i == 3 {
                if let Some((fifo, to)) = input {
                    if let Ok(n) = rustix::io::read(fifo, &mut buf) {
                        let mut data = &buf[..n];
                        while !data.is_empty() {
                            match rustix::io::write(to, data) {
                                Ok(w) => data = &data[w..],
                                Err(rustix::io::Errno::INTR) => {}
                                Err(_) => break,
                            }
                        }
                    }
                }
                continue;
            }
            if i == 2 {
                if let Some(run) = &mut check {
                    let n = run.output.as_ref().map(|f| rustix::io::read(f, &mut buf));
                    match n {
                        Some(Ok(n)) if n > 0 => run.text.extend_from_slice(&buf[..n]),
                        _ => run.output = None,
                    }
                }
                continue;
            }
            let Some(f) = &open[i] else { continue };
            match rustix::io::read(f, &mut buf) {
                Ok(0) | Err(_) => {
                    log.flush_stream(i);
                    open[i] = None;
                }
                Ok(n) => log.feed(i, &buf[..n]),
            }
        }
    }
    if let Some(run) = check.take() {
        // SAFETY: our own child, not yet reaped.
        unsafe { libc::kill(run.pid, libc::SIGKILL) };
        process::reap(run.pid);
    }
}

/// The monitor's main; returns its exit status.
pub fn main(store: &Store, id: &str) -> i32 {
    // Nothing we hold, the report pipe included, crosses an execve: the
    // inits we clone mark theirs again, as does any other child.
    let _ = crate::runtime::guard::cloexec_from(REPORT_FD);
    // Spawned by a process that had joined the rootless session (after a
    // build, say): we are in its user namespace too, still rootless.
    crate::net::session::detect_joined(store.root());
    let mut report = std::env::var(REPORT_ENV).ok().map(|_| {
        // SAFETY: fd 3 was set up by `spawn` as our report pipe and nothing
        // else in this fresh process owns it.
        let f = unsafe { File::from_raw_fd(REPORT_FD) };
        // The container must not inherit it, or the reader never sees EOF.
        let _ = rustix::io::fcntl_setfd(&f, rustix::io::FdFlags::CLOEXEC);
        f
    });
    std::env::remove_var(REPORT_ENV);
    let mut send = |rep: StartReport| {
        if let Some(mut f) = report.take() {
            if let Ok(j) = serde_json::to_string(&rep) {
                let _ = f.write_all(j.as_bytes());
            }
        }
    };
    let Ok(devnull) = File::options().read(true).write(true).open("/dev/null") else {
        return 125;
    };
    let stdin_fifo = match container::load(store, id) {
        Ok(r) if r.options.interactive => match stdin_fifo(store, id) {
            Ok(f) => Some(f),
            Err(e) => {
                send(StartReport::from_error(&e));
                return 125;
            }
        },
        _ => None,
    };
    let mut backoff = Duration::from_millis(100);
    loop {
        let mut r = match container::load(store, id) {
            Ok(r) => r,
            Err(e) => {
                send(StartReport::from_error(&e));
                return 125;
            }
        };
        r.monitor_pid = Some(std::process::id() as i32);
        let mut log = match logs::Writer::open(
            &logs::path(store, id),
            r.options.log_max_size,
            r.options.log_max_file,
        ) {
            Ok(l) => l,
            Err(e) => {
                send(StartReport::from_error(&e));
                return 125;
            }
        };
        let pipes = (|| -> std::io::Result<_> {
            let (or, ow) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
            let (er, ew) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
            let (ir, iw) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
            Ok((or, ow, er, ew, ir, iw))
        })();
        let Ok((out_r, out_w, err_r, err_w, in_r, in_w)) = pipes else {
            send(StartReport::from_error(&Error::Invalid(
                "pipe failed".into(),
            )));
            return 125;
        };
        // `-t`: the container's streams are a pty whose master we log;
        // `-i`: what `attach` writes into the stdin FIFO goes to the
        // container (through the pty, or a pipe on its stdin).
        let pty = if r.options.tty {
            match crate::runtime::tty::open() {
                Ok(p) => Some(p),
                Err(e) => {
                    send(StartReport::from_error(&e));
                    return 125;
                }
            }
        } else {
            None
        };
        // The container's streams are given to it explicitly; ours stay
        // on /dev/null.
        let streams = match &pty {
            Some(p) => launch::Streams::Tty(p.peer.as_raw_fd()),
            None => launch::Streams::Fds([
                if r.options.interactive {
                    in_r.as_raw_fd()
                } else {
                    devnull.as_raw_fd()
                },
                out_w.as_raw_fd(),
                err_w.as_raw_fd(),
            ]),
        };
        let warnings = std::cell::RefCell::new(Vec::new());
        let started = launch::start(
            store,
            &mut r,
            &|w: &str| warnings.borrow_mut().push(w.to_string()),
            false,
            streams,
            false,
        );
        drop(out_w);
        drop(err_w);
        drop(in_r);
        let (out_r, input) = match pty {
            Some(p) => {
                drop(p.peer);
                let Ok(copy) = rustix::io::fcntl_dupfd_cloexec(&p.master, 3) else {
                    return 125;
                };
                (copy, Some(p.master))
            }
            None => (out_r, r.options.interactive.then_some(in_w)),
        };
        let started = match started {
            Ok(started) => started,
            Err(e) => {
                send(StartReport::from_error(&e));
                if let Ok(mut r) = container::load(store, id) {
                    r.status = if r.status == Status::Restarting {
                        Status::Exited
                    } else {
                        r.status
                    };
                    r.monitor_pid = None;
                    let _ = container::save(store, &r);
                }
                return 125;
            }
        };
        send(StartReport::Started {
            warnings: warnings.into_inner(),
        });
        let feed = match (&stdin_fifo, &input) {
            (Some(f), Some(to)) => Some((f, to)),
            _ => None,
        };
        pump(store, id, out_r, err_r, feed, &mut log);
        drop(input);
        let code = started.reap();
        let _ = container::exitcode::record(store, id, code);
        let mut r = container::load(store, id).unwrap_or(r);
        container::network::stopped(store, &r, started.relay());
        r.status = Status::Exited;
        r.pid = None;
        r.exit_code = Some(code);
        r.finished_at = Some(Utc::now());
        r.oom_killed = r.cgroup.oom_killed();
        r.cgroup.remove();
        if r.oom_killed {
            container::events::emit(store, &r, "oom", &[]);
        }
        container::events::emit(store, &r, "die", &[("exitCode", code.to_string())]);
        let ran = r
            .started_at
            .map(|s| (Utc::now() - s).num_seconds())
            .unwrap_or(0);
        if r.restart
            .should_restart(code, r.restart_count, r.stopped_by_user)
        {
            if ran >= 10 {
                backoff = Duration::from_millis(100);
            }
            r.status = Status::Restarting;
            r.restart_count += 1;
            let _ = container::save(store, &r);
            std::thread::sleep(backoff);
            backoff = (backoff * 2).min(Duration::from_secs(60));
            match container::load(store, id) {
                Ok(now) if !now.stopped_by_user => continue,
                _ => {
                    r.status = Status::Exited;
                    r.monitor_pid = None;
                    let _ = container::save(store, &r);
                    break;
                }
            }
        }
        r.monitor_pid = None;
        let _ = container::save(store, &r);
        if r.auto_remove {
            container::remove_soon(store, &r, None);
            container::remove_anonymous_volumes(store, &r);
        }
        break;
    }
    0
}
