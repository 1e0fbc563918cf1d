//! `--init`: tug's own minimal init, run as the container's pid 1. The
//! static tug binary is bind-mounted read-only at `/dev/tug-init` and called
//! by that name; it starts the command as its child, forwards the signals
//! it receives to it, reaps every zombie (orphans re-parent to pid 1), and
//! exits with the command's status.

use std::ffi::CString;
use std::sync::atomic::{AtomicI32, Ordering};

/// Where the init binary appears inside the container.
pub const PATH: &str = "/dev/tug-init";

/// The command, for the signal handler. Process-wide on purpose: this runs
/// as a container's pid 1, in a process of its own with exactly one command.
static CHILD: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(sig: libc::c_int) {
    let pid = CHILD.load(Ordering::Relaxed);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, sig) };
    }
}

/// The init's main: `args` is the command. Returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let Some(cmd) = args.first() else {
        eprintln!("tug-init: no command");
        return 125;
    };
    let Ok(argv) = args
        .iter()
        .map(|a| CString::new(a.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
    else {
        return 125;
    };
    // Signals that arrive before the handlers are in place wait for them:
    // as pid 1 of its namespace, an init without a handler would drop a
    // signal sent from outside (the forwarded SIGTERM of `tug run`). `tug
    // run` starts us with its forwarded signals already blocked.
    let forwarded =
        || (1..32).filter(|s| !matches!(*s, libc::SIGKILL | libc::SIGSTOP | libc::SIGCHLD));
    crate::runtime::process::block_signals(forwarded());
    // SAFETY: fork of a single-threaded process.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        eprintln!("tug-init: fork: {}", std::io::Error::last_os_error());
        return 125;
    }
    if pid == 0 {
        crate::runtime::process::unblock_all();
        let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        // SAFETY: NUL-terminated strings and a NULL-terminated array that
        // outlive the call.
        unsafe { libc::execvp(ptrs[0], ptrs.as_ptr()) };
        let e = std::io::Error::last_os_error();
        eprintln!("tug-init: exec {cmd}: {e}");
        let code = if e.raw_os_error() == Some(libc::ENOENT) {
            127
        } else {
            126
        };
        // SAFETY: leave the forked child at once.
        unsafe { libc::_exit(code) }
    }
    CHILD.store(pid, Ordering::Relaxed);
    for sig in forwarded() {
        // SAFETY: a handler that only calls kill(2); the struct is zeroed
        // then filled.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = forward as *const () as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
    crate::runtime::process::unblock_all();
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes one int we own.
        let r = unsafe { libc::waitpid(-1, &mut status, 0) };
        if r < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return 125;
        }
        if r == pid {
            if libc::WIFEXITED(status) {
                return libc::WEXITSTATUS(status);
            }
            if libc::WIFSIGNALED(status) {
                return 128 + libc::WTERMSIG(status);
            }
        }
    }
}
