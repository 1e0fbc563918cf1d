//! The container's standard streams as pipes that tug copies to and from
//! its own (issue 14, finding 4). A container must never hold the caller's
//! terminal: with it, TIOCSTI types into the caller's shell and other
//! ioctls reconfigure it. So when any of our stdin, stdout and stderr is a
//! terminal and `-t` was not asked for, the container gets pipes instead:
//! stdout and stderr are copied out by a thread (also into the log, for a
//! container that keeps one); stdin is copied in with `-i`, and is
//! /dev/null without it, as in Docker. A stdin that is not a terminal
//! (a file, a pipe) is passed as it is.

use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

use rustix::pipe::{pipe_with, PipeFlags};

use crate::error::{Error, Result};

/// True when any of this process's stdin, stdout or stderr is a terminal.
pub fn any_terminal() -> bool {
    [
        rustix::stdio::stdin(),
        rustix::stdio::stdout(),
        rustix::stdio::stderr(),
    ]
    .into_iter()
    .any(rustix::termios::isatty)
}

/// Pipes standing in for our standard streams.
pub struct Relay {
    /// What the container gets as fds 0, 1 and 2.
    pub child: [OwnedFd; 3],
    /// Our terminal → the container's stdin (`-i` on a terminal).
    input: Option<OwnedFd>,
    out: OwnedFd,
    err: OwnedFd,
    /// Copies of our stdout and stderr, the outputs' destinations.
    targets: [OwnedFd; 2],
}

fn io(what: &str) -> impl Fn(rustix::io::Errno) -> Error + '_ {
    move |e| Error::io(what, e.into())
}

impl Relay {
    /// Pipes for stdout and stderr; stdin as the module doc says.
    pub fn new(interactive: bool) -> Result<Relay> {
        let pipe = || pipe_with(PipeFlags::CLOEXEC).map_err(io("pipe"));
        let (out, out_w) = pipe()?;
        let (err, err_w) = pipe()?;
        let stdin = rustix::stdio::stdin();
        let (child_in, input) = if !rustix::termios::isatty(stdin) {
            let dup = rustix::io::fcntl_dupfd_cloexec(stdin, 3).map_err(io("dup"))?;
            (dup, None)
        } else if interactive {
            // Non-blocking: a container that does not read its input must
            // not stop us copying its output.
            let (r, w) = pipe()?;
            rustix::fs::fcntl_setfl(&w, rustix::fs::OFlags::NONBLOCK).map_err(io("pipe"))?;
            (r, Some(w))
        } else {
            let null = rustix::fs::open(
                "/dev/null",
                rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .map_err(io("/dev/null"))?;
            (null, None)
        };
        let dup = |fd| rustix::io::fcntl_dupfd_cloexec(fd, 3).map_err(io("dup"));
        Ok(Relay {
            child: [child_in, out_w, err_w],
            input,
            out,
            err,
            targets: [dup(rustix::stdio::stdout())?, dup(rustix::stdio::stderr())?],
        })
    }

    /// The container's ends as raw fds 0, 1, 2.
    pub fn child_fds(&self) -> [RawFd; 3] {
        [
            self.child[0].as_raw_fd(),
            self.child[1].as_raw_fd(),
            self.child[2].as_raw_fd(),
        ]
    }

    /// Once the container holds its ends: closes ours and copies, in the
    /// calling thread (`exec` cannot start threads once it has entered the
    /// container's pid namespace), until the container's stdout and stderr
    /// close. Input is passed on meanwhile; `feed` sees the output (an
    /// empty slice at the end of a stream).
    pub fn pump(self, mut feed: impl FnMut(usize, &[u8])) {
        drop(self.child);
        let mut outputs = [Some(self.out), Some(self.err)];
        let mut input = self.input;
        let mut pending: Vec<u8> = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        use rustix::event::{PollFd, PollFlags};
        while outputs.iter().any(Option::is_some) {
            // Slots 0, 1: outputs; 2: our stdin (nothing pending); 3: the
            // container's stdin (something pending).
            let mut slots = Vec::new();
            let mut fds = Vec::new();
            for (i, f) in outputs.iter().enumerate() {
                if let Some(f) = f {
                    slots.push(i);
                    fds.push(PollFd::new(f, PollFlags::IN));
                }
            }
            let stdin = rustix::stdio::stdin();
            if let Some(to) = &input {
                if pending.is_empty() {
                    slots.push(2);
                    fds.push(PollFd::new(&stdin, PollFlags::IN));
                } else {
                    slots.push(3);
                    fds.push(PollFd::new(to, PollFlags::OUT));
                }
            }
            match rustix::event::poll(&mut fds, None) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(_) => return,
            }
            let ready: Vec<usize> = fds
                .iter()
                .zip(&slots)
                .filter(|(p, _)| !p.revents().is_empty())
                .map(|(_, i)| *i)
                .collect();
            drop(fds);
            for i in ready {
                match i {
                    0 | 1 => {
                        let Some(f) = &outputs[i] else { continue };
                        match rustix::io::read(f, &mut buf) {
                            Err(rustix::io::Errno::INTR) => {}
                            Ok(0) | Err(_) => {
                                feed(i, &[]);
                                outputs[i] = None;
                            }
                            Ok(n) => {
                                write_all(&self.targets[i], &buf[..n]);
                                feed(i, &buf[..n]);
                            }
                        }
                    }
                    2 => match rustix::io::read(stdin, &mut buf) {
                        Err(rustix::io::Errno::INTR) => {}
                        Ok(0) | Err(_) => input = None,
                        Ok(n) => pending.extend_from_slice(&buf[..n]),
                    },
                    _ => {
                        let Some(to) = &input else { continue };
                        match rustix::io::write(to, &pending) {
                            Ok(n) => drop(pending.drain(..n)),
                            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
                            Err(_) => input = None,
                        }
                    }
                }
            }
        }
    }
}

fn write_all(fd: impl AsFd, mut data: &[u8]) -> bool {
    while !data.is_empty() {
        match rustix::io::write(&fd, data) {
            Ok(n) => data = &data[n..],
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return false,
        }
    }
    true
}

/// In a forked child (the container's process, never tug itself): `fds`
/// become its stdin, stdout and stderr. Each is first copied above 2, so
/// that one of them being 0, 1 or 2 already cannot be overwritten before
/// it is used; the copies are close-on-exec.
pub fn use_streams(fds: [RawFd; 3]) -> std::result::Result<(), String> {
    let err = |e: rustix::io::Errno| format!("dup2: {e}");
    let mut high = Vec::with_capacity(3);
    for fd in fds {
        // SAFETY: the caller holds `fd` open across this call.
        let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        high.push(rustix::io::fcntl_dupfd_cloexec(fd, 3).map_err(err)?);
    }
    for (to, from) in high.iter().enumerate() {
        // SAFETY: dup2 of a descriptor we hold onto this (child) process's
        // own standard ones.
        if unsafe { libc::dup2(from.as_raw_fd(), to as i32) } < 0 {
            return Err(format!("dup2: {}", std::io::Error::last_os_error()));
        }
    }
    Ok(())
}
