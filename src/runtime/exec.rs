//! `exec`: a new process in a running container. The caller joins the
//! container's cgroups (while the host's /sys/fs/cgroup is still visible),
//! enters all its namespaces at once through the init's pidfd
//! (`setns(pidfd, flags)`, so they are the init's even if its pid is
//! reused), then forks — the child is in the container's pid namespace —
//! and the child becomes the container's process (same credentials,
//! capabilities, seccomp filter) and execs. Must be called while the
//! process is single-threaded (setns into a mount namespace requires it),
//! and from a sealed copy of tug (`guard::reexec_sealed`): the child is
//! visible to the container's processes until its execve, and its
//! /proc/<pid>/exe must not lead to the host's binary.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use oci_spec::runtime::Process;
use seccompiler::BpfProgram;

use crate::error::{Error, Result};
use crate::runtime::cgroups::Cgroup;
use crate::runtime::message::{self, Message};
use crate::runtime::relay::use_streams;
use crate::runtime::{guard, init};

pub struct ExecRequest<'a> {
    /// A pidfd of the container's init (checked against its start time).
    pub init: &'a OwnedFd,
    /// clone(2) flags of the namespaces to enter.
    pub namespaces: libc::c_ulong,
    pub process: &'a Process,
    pub seccomp: &'a [BpfProgram],
    pub can_setgroups: bool,
    pub cgroup: &'a Cgroup,
    /// `exec -t`: a pty from the container's own devpts.
    pub tty: bool,
    /// `exec -d`: standard streams on /dev/null.
    pub detached: bool,
    /// The command's fds 0, 1 and 2 when not ours (`runtime::relay`).
    pub stdio: Option<[RawFd; 3]>,
}

/// Starts the process; returns its pid (a child of the caller) and, with
/// `tty`, the pty master to relay.
pub fn spawn(req: &ExecRequest) -> Result<(i32, Option<OwnedFd>)> {
    if !guard::running_sealed() {
        return Err(Error::Invalid(
            "exec must run from a sealed copy of tug (guard::reexec_sealed)".into(),
        ));
    }
    let guarded = || guard::not_dumpable().map_err(Error::Invalid);
    guarded()?;
    req.cgroup.join_self()?;
    // SAFETY: setns with a live pidfd and namespace flags; the caller is
    // single-threaded, as entering a mount namespace requires.
    if unsafe { libc::setns(req.init.as_raw_fd(), req.namespaces as libc::c_int) } != 0 {
        return Err(Error::Invalid(format!(
            "entering the container's namespaces: {}",
            std::io::Error::last_os_error()
        )));
    }
    // Entering a user namespace changed our credentials, which resets the flag.
    guarded()?;
    // Opened now that /dev is the container's: the pty belongs to its
    // devpts, so the command sees it as /dev/pts/N (tty(1) finds it).
    let pty = if req.tty {
        Some(crate::runtime::tty::open()?)
    } else {
        None
    };
    let (mut rep_r, mut rep_w) = message::pipe().map_err(|e| Error::io("pipe", e))?;
    // SAFETY: a plain fork (clone without flags); single-threaded caller.
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
        return Err(Error::Invalid(format!(
            "forking into the container: {}",
            std::io::Error::last_os_error()
        )));
    }
    if pid == 0 {
        drop(rep_r);
        if req.detached {
            // Orphans go to the reaper of their parent's own pid namespace:
            // one more fork, from inside the container's, so the container's
            // init adopts the command when this intermediate leaves.
            // SAFETY: fork in the single-threaded child; the intermediate
            // only calls _exit.
            match unsafe { libc::fork() } {
                0 => {}
                // SAFETY: the intermediate leaves at once, without exit handlers.
                _ => unsafe { libc::_exit(0) },
            }
        }
        let streams = guard::new_session().and_then(|()| match (&pty, req.detached) {
            (Some(p), _) => crate::runtime::tty::attach(p.peer.as_raw_fd()),
            (None, true) => detach_streams(),
            (None, false) => req.stdio.map_or(Ok(()), use_streams),
        });
        let failure = match streams
            .and_then(|()| init::become_process(req.process, req.seccomp, req.can_setgroups))
            .map(|()| {
                if req.detached {
                    // SAFETY: prctl with integer arguments; a detached
                    // command outlives `tug exec`.
                    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, 0) };
                }
            }) {
            Ok(()) => init::exec_process(req.process),
            Err(why) => Message::SetupFailed(why),
        };
        let _ = rep_w.send(&failure);
        let code = match failure {
            Message::ExecFailed { errno, .. } if errno == libc::ENOENT => 127,
            Message::ExecFailed { .. } => 126,
            _ => 125,
        };
        // SAFETY: leave the forked child without running the parent's
        // exit handlers.
        unsafe { libc::_exit(code) }
    }
    drop(rep_w);
    let pid = pid as i32;
    if req.detached {
        // The intermediate of a detached exec exits at once.
        crate::runtime::process::reap(pid);
    }
    let master = pty.map(|p| p.master);
    match rep_r.recv() {
        Ok(None) => Ok((pid, master)),
        Ok(Some(Message::ExecFailed { errno, command })) => {
            crate::runtime::process::reap(pid);
            Err(match errno {
                libc::ENOENT => Error::CommandNotFound(command),
                libc::EACCES | libc::ENOEXEC | libc::EISDIR => Error::CommandNotRunnable(command),
                e => Error::Invalid(format!(
                    "exec {command}: {}",
                    std::io::Error::from_raw_os_error(e)
                )),
            })
        }
        Ok(Some(Message::SetupFailed(why))) => {
            crate::runtime::process::reap(pid);
            Err(Error::Invalid(format!("exec: {why}")))
        }
        _ => {
            crate::runtime::process::reap(pid);
            Err(Error::Invalid("exec: the child sent garbage".into()))
        }
    }
}

/// In the forked child of `exec -d`: stdin, stdout and stderr on /dev/null.
fn detach_streams() -> std::result::Result<(), String> {
    let null = std::fs::File::options()
        .read(true)
        .write(true)
        .open("/dev/null")
        .map_err(|e| format!("/dev/null: {e}"))?;
    let fd = null.as_raw_fd();
    use_streams([fd, fd, fd])
}
