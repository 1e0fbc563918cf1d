//! Ctrl-C during a build: SIGINT, SIGTERM and SIGHUP set a flag the
//! builder checks between steps, and kill the init of the step container
//! running at that moment, so the step stops at once and the builder
//! cleans up (container, mounts, temp files) before it exits. Signal
//! handlers can only reach process-wide state: one flag and one pid slot,
//! as a build runs one step container at a time.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static STEP_PID: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(_sig: libc::c_int) {
    notify();
}

/// What the handler does, for another command's handler to call (a
/// Compose `up` that builds): marks the build interrupted and kills the
/// step container running now. Async-signal-safe.
pub fn notify() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let pid = STEP_PID.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

/// Installs the handlers (for the rest of the process: a build is the
/// whole of its command).
pub fn install() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only touches atomics and calls kill(2); the
        // sigaction struct is fully initialised.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// While alive, a signal kills `pid` (the step container's init).
pub struct StepGuard;

impl StepGuard {
    pub fn watch(pid: i32) -> StepGuard {
        STEP_PID.store(pid, Ordering::SeqCst);
        if interrupted() {
            // SAFETY: kill(2) on the init we just started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        StepGuard
    }
}

impl Drop for StepGuard {
    fn drop(&mut self) {
        STEP_PID.store(0, Ordering::SeqCst);
    }
}
