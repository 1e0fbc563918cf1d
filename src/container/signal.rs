//! Signalling a container's init safely against pid reuse: the pid is
//! opened as a pidfd, then its start time is checked against the record, so
//! a signal can only reach the process the record describes.

use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use crate::container::{proc_start_time, Record};
use crate::error::{Error, Result};

/// A pidfd for the container's init, if it still runs.
pub fn open_init(r: &Record) -> Option<OwnedFd> {
    let pid = r.pid?;
    let fd = rustix::process::pidfd_open(
        rustix::process::Pid::from_raw(pid)?,
        rustix::process::PidfdFlags::empty(),
    )
    .ok()?;
    // Checked after opening: if the start time still matches, the pidfd
    // refers to the recorded process, whatever happens to the pid later.
    match (r.pid_start, proc_start_time(pid)) {
        (Some(want), Some(now)) if want == now => Some(fd),
        (None, Some(_)) => Some(fd),
        _ => None,
    }
}

/// Parses a signal as Docker takes it: `KILL`, `SIGKILL`, `9`.
pub fn parse_signal(s: &str) -> Result<i32> {
    if let Ok(n) = s.parse::<i32>() {
        if (1..=64).contains(&n) {
            return Ok(n);
        }
    }
    let up = s.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    let n = match name {
        "HUP" => libc::SIGHUP,
        "INT" => libc::SIGINT,
        "QUIT" => libc::SIGQUIT,
        "KILL" => libc::SIGKILL,
        "USR1" => libc::SIGUSR1,
        "USR2" => libc::SIGUSR2,
        "TERM" => libc::SIGTERM,
        "STOP" => libc::SIGSTOP,
        "CONT" => libc::SIGCONT,
        "ALRM" => libc::SIGALRM,
        "WINCH" => libc::SIGWINCH,
        "PIPE" => libc::SIGPIPE,
        _ => return Err(Error::Invalid(format!("invalid signal: {s}"))),
    };
    Ok(n)
}

/// Sends `sig` through the pidfd.
pub fn send(fd: &OwnedFd, sig: i32) -> Result<()> {
    // SAFETY: pidfd_send_signal with a live pidfd, a valid signal number
    // and no siginfo.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            std::os::fd::AsRawFd::as_raw_fd(&fd.as_fd()),
            sig,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    if rc != 0 {
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::ESRCH) {
            return Err(Error::Invalid(format!("sending signal {sig}: {e}")));
        }
    }
    Ok(())
}

/// Waits until the pidfd's process exits, at most `timeout`; true if it did.
pub fn wait_exit(fd: &OwnedFd, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let ms = left.as_millis().min(i32::MAX as u128) as i32;
        let mut fds = [rustix::event::PollFd::new(fd, rustix::event::PollFlags::IN)];
        let ts = rustix::event::Timespec {
            tv_sec: (ms / 1000) as i64,
            tv_nsec: ((ms % 1000) * 1_000_000) as i64,
        };
        match rustix::event::poll(&mut fds, Some(&ts)) {
            Ok(n) if n > 0 => return true,
            Ok(_) => return false,
            Err(rustix::io::Errno::INTR) if Instant::now() < deadline => continue,
            Err(_) => return false,
        }
    }
}
