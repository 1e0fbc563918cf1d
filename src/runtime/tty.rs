//! `-t`: a pseudo-terminal for the container. The main process opens the
//! pty, the init makes the peer its controlling terminal and standard
//! streams, and the main process relays bytes between its own terminal (put
//! in raw mode) and the pty master, passing window size changes on.

use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::pty::OpenptFlags;

use crate::error::{Error, Result};

pub struct Pty {
    pub master: OwnedFd,
    pub peer: OwnedFd,
}

/// Opens a new pty pair (both ends close-on-exec).
pub fn open() -> Result<Pty> {
    let err = |e: rustix::io::Errno| Error::Invalid(format!("opening a pseudo-terminal: {e}"));
    let master =
        rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
            .map_err(err)?;
    rustix::pty::grantpt(&master).map_err(err)?;
    rustix::pty::unlockpt(&master).map_err(err)?;
    let peer = rustix::pty::ioctl_tiocgptpeer(
        &master,
        OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC,
    )
    .map_err(err)?;
    // The caller's window size, else the classic 80x24 (a detached
    // container's monitor has no terminal).
    let ws = rustix::termios::tcgetwinsize(rustix::stdio::stdin())
        .ok()
        .filter(|w| w.ws_row > 0 && w.ws_col > 0)
        .unwrap_or(rustix::termios::Winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        });
    let _ = rustix::termios::tcsetwinsize(&master, ws);
    Ok(Pty { master, peer })
}

/// In the container's process, once it leads a session of its own
/// (`guard::new_session`): `peer` becomes its controlling terminal and its
/// stdin, stdout and stderr.
pub fn attach(peer: RawFd) -> std::result::Result<(), String> {
    // SAFETY: ioctl(TIOCSCTTY) and dup2 on a descriptor we hold.
    unsafe {
        if libc::ioctl(peer, libc::TIOCSCTTY, 0) < 0 {
            return Err(format!(
                "setting the controlling terminal: {}",
                std::io::Error::last_os_error()
            ));
        }
        for fd in 0..3 {
            if libc::dup2(peer, fd) < 0 {
                return Err(format!("dup2: {}", std::io::Error::last_os_error()));
            }
        }
    }
    Ok(())
}

/// How many SIGWINCHs this process received. A signal handler reaches
/// only process-wide state; it is a count rather than a flag so that each
/// relay (there may be several in one process) notices every change by
/// comparing it with the count it last saw.
static WINCH: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_winch(_: libc::c_int) {
    WINCH.fetch_add(1, Ordering::Relaxed);
}

fn write_all(fd: impl AsFd, mut data: &[u8]) -> bool {
    while !data.is_empty() {
        match rustix::io::write(&fd, data) {
            Ok(n) => data = &data[n..],
            Err(rustix::io::Errno::INTR) | Err(rustix::io::Errno::AGAIN) => continue,
            Err(_) => return false,
        }
    }
    true
}

/// Relays between this process's terminal and the pty master until the
/// container closes it. `interactive` forwards stdin. Restores the
/// terminal afterwards.
pub fn relay(master: &OwnedFd, interactive: bool, on_output: &mut dyn FnMut(&[u8])) {
    let stdin = rustix::stdio::stdin();
    let saved = rustix::termios::tcgetattr(stdin).ok();
    if let Some(t) = &saved {
        let mut raw = t.clone();
        raw.make_raw();
        let _ = rustix::termios::tcsetattr(stdin, rustix::termios::OptionalActions::Now, &raw);
    }
    // SAFETY: installs a handler that only stores to an atomic.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_winch as *const () as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGWINCH, &sa, std::ptr::null_mut());
    }
    let mut stdin_open = interactive;
    let mut winch_seen = WINCH.load(Ordering::Relaxed);
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let winch = WINCH.load(Ordering::Relaxed);
        if winch != winch_seen {
            winch_seen = winch;
            if let Ok(ws) = rustix::termios::tcgetwinsize(stdin) {
                let _ = rustix::termios::tcsetwinsize(master, ws);
            }
        }
        let mut fds = vec![rustix::event::PollFd::new(
            master,
            rustix::event::PollFlags::IN,
        )];
        if stdin_open {
            fds.push(rustix::event::PollFd::new(
                &stdin,
                rustix::event::PollFlags::IN,
            ));
        }
        match rustix::event::poll(&mut fds, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => break,
        }
        let master_ready = !fds[0].revents().is_empty();
        let stdin_ready = fds.get(1).is_some_and(|f| !f.revents().is_empty());
        drop(fds);
        if master_ready {
            match rustix::io::read(master, &mut buf) {
                Ok(n) if n > 0 => {
                    on_output(&buf[..n]);
                    if !write_all(rustix::stdio::stdout(), &buf[..n]) {
                        break;
                    }
                }
                Err(rustix::io::Errno::INTR) => {}
                // EIO: every holder of the peer closed it (the container exited).
                _ => break,
            }
        }
        if stdin_ready {
            match rustix::io::read(stdin, &mut buf) {
                Ok(n) if n > 0 => {
                    write_all(master, &buf[..n]);
                }
                Err(rustix::io::Errno::INTR) => {}
                _ => {
                    // End of input: an EOF character for the container's shell.
                    write_all(master, &[4]);
                    stdin_open = false;
                }
            }
        }
    }
    if let Some(t) = &saved {
        let _ = rustix::termios::tcsetattr(stdin, rustix::termios::OptionalActions::Now, t);
    }
    let _ = master.as_raw_fd();
}
