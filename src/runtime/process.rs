//! The main side of starting a container: clone the init into new
//! namespaces, write its id maps (rootless), send `Go` (the init joins
//! its v1 cgroups itself), put it in its v2 cgroup, and learn from the report pipe whether the command started. Then
//! wait for it, forwarding SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1/2.
//!
//! The clone is a raw `clone(2)` without a new stack (fork semantics), so
//! the caller must be single-threaded: `run` starts no thread before it.

use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicI32, Ordering};

use oci_spec::runtime::{LinuxNamespaceType, Spec};
use seccompiler::BpfProgram;

use crate::error::{Error, Result};
use crate::runtime::cgroups::Cgroup;
use crate::runtime::init::{self, InitContext};
use crate::runtime::message::{self, Message};
use crate::runtime::rootfs::RootfsSource;
use crate::userns::IdMapping;

/// What the main process prepares before the clone.
pub struct Launch<'a> {
    pub spec: &'a Spec,
    pub rootfs: &'a RootfsSource,
    pub seccomp: &'a [BpfProgram],
    pub mapping: &'a IdMapping,
    pub cgroup: &'a Cgroup,
    /// The pty peer for `-t`.
    pub tty: Option<std::os::fd::RawFd>,
    /// Without `tty`: what the container gets as its stdin, stdout and
    /// stderr (the init puts them in place in its own process); None
    /// passes ours on as they are.
    pub stdio: Option<[std::os::fd::RawFd; 3]>,
    /// Forward the `FORWARDED` signals we receive to the container's init
    /// (the sig-proxy), for as long as the returned [`Init`] lives.
    pub forward_signals: bool,
    /// `--network container:NAME`: the namespace to join instead of a new one.
    pub join_netns: Option<std::os::fd::RawFd>,
    /// Wires the container's network namespace (given the init's pid)
    /// before its command runs.
    pub network: &'a dyn Fn(i32) -> Result<()>,
    /// Keep a handle on the init's mount namespace ([`Init::mounts`]).
    pub hold_mounts: bool,
}

/// The clone(2) namespace flags a spec asks for.
pub fn clone_flags(spec: &Spec) -> libc::c_ulong {
    let mut flags: libc::c_ulong = 0;
    for ns in spec
        .linux()
        .as_ref()
        .and_then(|l| l.namespaces().clone())
        .unwrap_or_default()
    {
        flags |= match ns.typ() {
            LinuxNamespaceType::Pid => libc::CLONE_NEWPID,
            LinuxNamespaceType::Mount => libc::CLONE_NEWNS,
            LinuxNamespaceType::Uts => libc::CLONE_NEWUTS,
            LinuxNamespaceType::Ipc => libc::CLONE_NEWIPC,
            LinuxNamespaceType::Network => libc::CLONE_NEWNET,
            LinuxNamespaceType::Cgroup => libc::CLONE_NEWCGROUP,
            LinuxNamespaceType::User => libc::CLONE_NEWUSER,
            LinuxNamespaceType::Time => 0x80,
        } as libc::c_ulong;
    }
    flags
}

/// A started container's init, owned by whoever waits for it.
pub struct Init {
    /// Its host pid (our child: reap it with [`reap`]).
    pub pid: i32,
    /// Our signals forwarded to it, when asked for.
    pub forwarding: Option<Forwarding>,
    /// With `hold_mounts`: its mount namespace, open. While this is held
    /// the init's exit does not tear the namespace down: unmounting the
    /// container's tree (the overlay syncs its upper filesystem, and each
    /// unmount waits for an RCU grace period, a few ms in all) happens
    /// instead where the last holder lets go, which for an `--rm`
    /// container is the detached trash helper, after its exit status has
    /// been reported (`container::trash`).
    pub mounts: Option<OwnedFd>,
}

/// Starts the container's init and returns it once its command runs.
/// Errors: CommandNotFound / CommandNotRunnable when the exec failed,
/// Invalid with the init's reason when setting up failed.
///
/// The forwarded signals are blocked in this thread from before the clone
/// until the forwarder is installed, so one that arrives in between is
/// passed on rather than killing us (the init unblocks them at once).
pub fn start(l: &Launch) -> Result<Init> {
    let blocked = Blocked::forwarded();
    let mut flags = clone_flags(l.spec);
    if crate::paths::joined() {
        // Already in the rootless session's user namespace.
        flags &= !(libc::CLONE_NEWUSER as libc::c_ulong);
    }
    if l.join_netns.is_some() {
        flags &= !(libc::CLONE_NEWNET as libc::c_ulong);
    }
    // v1 cgroups the init joins itself, before it builds its filesystem;
    // v2 ones (`rest`) we join it to below.
    let (own_cgroups, rest) = l.cgroup.self_join()?;
    let (go_r, mut go_w) = message::pipe().map_err(|e| Error::io("pipe", e))?;
    let (mut rep_r, rep_w) = message::pipe().map_err(|e| Error::io("pipe", e))?;
    let ctx = InitContext {
        spec: l.spec,
        rootfs: l.rootfs,
        seccomp: l.seccomp,
        cgroups: &own_cgroups,
        can_setgroups: !l.mapping.is_single(),
        new_netns: flags & libc::CLONE_NEWNET as libc::c_ulong != 0,
        join_netns: l.join_netns,
        tty: l.tty,
        stdio: l.stdio,
    };
    // SAFETY: clone without a new stack behaves as fork; this process is
    // single-threaded (see the module doc), so the child may run Rust code.
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone,
            flags | libc::SIGCHLD as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    if pid < 0 {
        let e = std::io::Error::last_os_error();
        return Err(Error::Invalid(format!(
            "creating the container's namespaces: {e}{}",
            if flags & libc::CLONE_NEWUSER as libc::c_ulong != 0 {
                " (are unprivileged user namespaces enabled?)"
            } else {
                ""
            }
        )));
    }
    if pid == 0 {
        // tug's own mini init gets the signals still blocked, as pending
        // ones: it unblocks them once its handlers are in place (as pid 1
        // of its namespace it would drop one that came before).
        if !runs_mini_init(l.spec) {
            blocked.restore();
        }
        drop(go_w);
        drop(rep_r);
        init::run(&ctx, go_r, rep_w);
    }
    let pid = pid as i32;
    drop(go_r);
    drop(rep_w);
    drop(own_cgroups);
    let abort = |e: Error| -> Error {
        kill_and_reap(pid);
        e
    };
    // Opened while the init is still dumpable (it waits for `Go`), as a
    // rootless main process must.
    let mounts = match l.hold_mounts {
        true => Some(open_namespace(pid, "mnt").map_err(abort)?),
        false => None,
    };
    let new_user = flags & libc::CLONE_NEWUSER as libc::c_ulong != 0;
    if new_user {
        l.mapping.apply_to(pid).map_err(abort)?;
    }
    if !new_user && !crate::paths::is_rootless() {
        // Root, no id maps to write, and root may open the namespaces of a
        // process that is not dumpable: the init joins its v1 cgroups and
        // builds its filesystem at once, while we wire its network and, on
        // a thread of its own, move it into its v2 cgroup (a pid written
        // to `cgroup.procs` may wait ~10 ms for an RCU grace period). The
        // thread ends before we return, so the process is single-threaded
        // again for the next clone.
        go_w.send(&Message::Go)
            .map_err(|e| abort(Error::io("signalling the container's init", e)))?;
        let wired = if rest.dirs.is_empty() {
            (l.network)(pid)
        } else {
            std::thread::scope(|s| {
                let joining = s.spawn(|| rest.join(pid));
                let net = (l.network)(pid);
                let joined = joining
                    .join()
                    .unwrap_or_else(|_| Err(Error::Invalid("joining the cgroups failed".into())));
                net.and(joined)
            })
        };
        if let Err(e) = wired {
            // An init whose own setup failed says why: that comes first.
            drop(go_w);
            let report = rep_r.recv();
            kill_and_reap(pid);
            return Err(match report {
                Ok(Some(Message::SetupFailed(why))) => {
                    Error::Invalid(format!("starting the container: {why}"))
                }
                _ => e,
            });
        }
    } else {
        (l.network)(pid).map_err(abort)?;
        // The init builds its filesystem while we move it into its cgroups.
        go_w.send(&Message::Go)
            .map_err(|e| abort(Error::io("signalling the container's init", e)))?;
        rest.join(pid).map_err(abort)?;
    }
    // An init that failed its setup has stopped reading: ignore EPIPE here,
    // its report says why.
    let _ = go_w.send(&Message::Joined);
    drop(go_w);
    match rep_r.recv() {
        Ok(None) => {
            let forwarding = l.forward_signals.then(|| Forwarding::to(pid));
            drop(blocked);
            Ok(Init {
                pid,
                forwarding,
                mounts,
            })
        }
        Ok(Some(Message::ExecFailed { errno, command })) => {
            reap(pid);
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
            reap(pid);
            Err(Error::Invalid(format!("starting the container: {why}")))
        }
        Ok(Some(Message::Go | Message::Joined)) | Err(_) => Err(abort(Error::Invalid(
            "the container's init sent garbage".into(),
        ))),
    }
}

/// `/proc/<pid>/ns/<kind>`, open.
fn open_namespace(pid: i32, kind: &str) -> Result<OwnedFd> {
    let p = format!("/proc/{pid}/ns/{kind}");
    std::fs::File::open(&p)
        .map(OwnedFd::from)
        .map_err(|e| Error::io(p, e))
}

/// Whether the container's command is tug's mini init (`--init`).
fn runs_mini_init(spec: &Spec) -> bool {
    spec.process()
        .as_ref()
        .and_then(|p| p.args().as_ref())
        .and_then(|a| a.first())
        .is_some_and(|a| a == crate::runtime::mini_init::PATH)
}

fn kill_and_reap(pid: i32) {
    // SAFETY: signalling our own child, not yet reaped, so the pid is ours.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    reap(pid);
}

/// Waits for child `pid`; its exit code (128+N when killed by signal N).
pub fn reap(pid: i32) -> i32 {
    let mut status = 0;
    loop {
        // SAFETY: waitpid writes one int we own.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        if r < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return 125;
        }
    }
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        125
    }
}

/// The pids our forwarded signals go to. A signal handler can only reach
/// process-wide state, so this one table stays static; it has room for
/// several containers (a builder or Compose waits for many from one
/// process) and each waiter owns its slot through a [`Forwarding`] guard.
static FORWARD_TO: [AtomicI32; FORWARD_SLOTS] = [const { AtomicI32::new(0) }; FORWARD_SLOTS];
const FORWARD_SLOTS: usize = 64;

extern "C" fn forward(sig: libc::c_int) {
    for slot in &FORWARD_TO {
        let pid = slot.load(Ordering::Relaxed);
        if pid > 0 {
            // SAFETY: kill is async-signal-safe.
            unsafe { libc::kill(pid, sig) };
        }
    }
}

/// Signals forwarded to a waited-for container.
pub const FORWARDED: &[libc::c_int] = &[
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGQUIT,
    libc::SIGUSR1,
    libc::SIGUSR2,
];

/// While alive, the `FORWARDED` signals this process receives also go to
/// `pid`. Dropping it stops that.
pub struct Forwarding {
    slot: Option<usize>,
}

impl Forwarding {
    /// Registers `pid` and installs the forwarding handler. With every
    /// slot taken, `pid` is not forwarded to (and the others still are).
    pub fn to(pid: i32) -> Forwarding {
        let slot = FORWARD_TO.iter().position(|s| {
            s.compare_exchange(0, pid, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        });
        for sig in FORWARDED {
            // SAFETY: installs a handler that only calls kill(2); the
            // sigaction struct is fully initialised.
            unsafe {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = forward as *const () as usize;
                sa.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut sa.sa_mask);
                libc::sigaction(*sig, &sa, std::ptr::null_mut());
            }
        }
        Forwarding { slot }
    }
}

impl Drop for Forwarding {
    fn drop(&mut self) {
        if let Some(i) = self.slot {
            FORWARD_TO[i].store(0, Ordering::Relaxed);
        }
    }
}

/// The calling thread's signal mask with the `FORWARDED` signals blocked;
/// restores the previous mask when dropped. `start` holds one across the
/// clone so that a signal arriving before the forwarder is installed waits
/// for it instead of killing us (the child restores the old mask first).
struct Blocked {
    old: libc::sigset_t,
}

impl Blocked {
    fn forwarded() -> Blocked {
        Blocked {
            old: set_mask(libc::SIG_BLOCK, FORWARDED.iter().copied()),
        }
    }

    /// Puts the saved mask back (in the clone child, or at drop).
    fn restore(&self) {
        // SAFETY: `old` came from pthread_sigmask.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut()) };
    }
}

impl Drop for Blocked {
    fn drop(&mut self) {
        self.restore();
    }
}

/// Applies `how` (SIG_BLOCK, SIG_SETMASK) with `sigs` to the calling
/// thread's signal mask; returns the previous mask.
fn set_mask(how: libc::c_int, sigs: impl IntoIterator<Item = libc::c_int>) -> libc::sigset_t {
    // SAFETY: sigset_t values we own, initialised by sigemptyset/sigaddset
    // before use; pthread_sigmask only writes `old`.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in sigs {
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(how, &set, &mut old);
        old
    }
}

/// Blocks `sigs` in the calling thread until `unblock_all` (the mini init,
/// while it installs its handlers).
pub(crate) fn block_signals(sigs: impl IntoIterator<Item = libc::c_int>) {
    set_mask(libc::SIG_BLOCK, sigs);
}

/// Unblocks every signal in the calling thread (the mini init, once its
/// handlers are in place, and in its command's process; a process forked
/// during `start`, such as the rootless port relay).
pub(crate) fn unblock_all() {
    set_mask(libc::SIG_SETMASK, []);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn a_signal_goes_to_every_registered_container_until_its_guard_drops() {
        let spawn = || {
            std::process::Command::new("sleep")
                .arg("30")
                .spawn()
                .unwrap()
        };
        let (mut a, mut b, mut c) = (spawn(), spawn(), spawn());
        let fa = Forwarding::to(a.id() as i32);
        let fb = Forwarding::to(b.id() as i32);
        let fc = Forwarding::to(c.id() as i32);
        drop(fc);
        // SAFETY: raise takes no pointers; the handler forwards SIGUSR1 to
        // the registered pids.
        unsafe { libc::raise(libc::SIGUSR1) };
        assert_eq!(a.wait().unwrap().signal(), Some(libc::SIGUSR1));
        assert_eq!(b.wait().unwrap().signal(), Some(libc::SIGUSR1));
        drop((fa, fb));
        assert!(
            c.try_wait().unwrap().is_none(),
            "an unregistered pid got it"
        );
        let _ = c.kill();
        let _ = c.wait();
        let own = [a.id(), b.id(), c.id()].map(|p| p as i32);
        assert!(FORWARD_TO
            .iter()
            .all(|s| !own.contains(&s.load(Ordering::Relaxed))));
    }
}
