//! Counting SIGINT and SIGTERM for a foreground `up`: the first asks for a
//! graceful stop, the second for a kill. The handler bumps a counter and
//! tells a build in progress (`build::interrupt::notify`), which stops its
//! step container and cleans up.

use std::sync::atomic::{AtomicUsize, Ordering};

static COUNT: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: libc::c_int) {
    COUNT.fetch_add(1, Ordering::SeqCst);
    crate::build::interrupt::notify();
}

/// Installs the counting handler for SIGINT and SIGTERM.
pub fn install() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the handler only touches an atomic (async-signal-safe);
        // the sigaction struct is zeroed, then its handler set.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// How many times we were interrupted so far.
pub fn count() -> usize {
    COUNT.load(Ordering::SeqCst)
}
