//! `exec`: a new process in a running container. The caller joins the
//! container's cgroups (while the host's /sys/fs/cgroup is still visible),
//! enters all its namespaces at once through the init's pidfd
//! (`setns(pidfd, flags)`, so they are the init's even if its pid is
//! reused), then forks — the child is in the container's pid namespace —
//! and the child becomes the container's process (same credentials,
//! capabilities, seccomp filter) and execs. Must be called while the
//! process is single-threaded (setns into a mount namespace requires it).

use std::os::fd::{AsRawFd, OwnedFd};

use oci_spec::runtime::Process;
use seccompiler::BpfProgram;

use crate::error::{Error, Result};
use crate::runtime::cgroups::Cgroup;
use crate::runtime::init;
use crate::runtime::message::{self, Message};

pub struct ExecRequest<'a> {
    /// A pidfd of the container's init (checked against its start time).
    pub init: &'a OwnedFd,
    /// clone(2) flags of the namespaces to enter.
    pub namespaces: libc::c_ulong,
    pub process: &'a Process,
    pub seccomp: &'a [BpfProgram],
    pub can_setgroups: bool,
    pub cgroup: &'a Cgroup,
}

/// Starts the process; returns its pid (a child of the caller).
pub fn spawn(req: &ExecRequest) -> Result<i32> {
    req.cgroup.join(std::process::id() as i32)?;
    // SAFETY: setns with a live pidfd and namespace flags; the caller is
    // single-threaded, as entering a mount namespace requires.
    if unsafe { libc::setns(req.init.as_raw_fd(), req.namespaces as libc::c_int) } != 0 {
        return Err(Error::Invalid(format!(
            "entering the container's namespaces: {}",
            std::io::Error::last_os_error()
        )));
    }
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
        let failure = match init::become_process(req.process, req.seccomp, req.can_setgroups) {
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
    match rep_r.recv() {
        Ok(None) => Ok(pid),
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
