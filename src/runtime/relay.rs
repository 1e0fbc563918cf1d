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

/// Copies of the output pipes' data go here: (stream index 0/1, bytes).
pub type Feed = Box<dyn FnMut(usize, &[u8]) + Send>;

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
            let (r, w) = pipe()?;
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

    /// Once the container holds its ends: closes ours and starts copying.
    /// The returned thread ends when the container's outputs close; the
    /// input thread is left to end with the process.
    pub fn start(self, feed: Feed) -> std::thread::JoinHandle<()> {
        drop(self.child);
        if let Some(to) = self.input {
            std::thread::spawn(move || copy_input(to));
        }
        let (out, err, targets) = (self.out, self.err, self.targets);
        std::thread::spawn(move || copy_outputs([out, err], targets, feed))
    }
}

/// Our stdin → the container's, until either end closes.
fn copy_input(to: OwnedFd) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match rustix::io::read(rustix::stdio::stdin(), &mut buf) {
            Ok(0) => return,
            Ok(n) => {
                if !write_all(&to, &buf[..n]) {
                    return;
                }
            }
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return,
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

/// Copies each source to its target (and to `feed`) until both close.
pub fn copy_outputs(sources: [OwnedFd; 2], targets: [OwnedFd; 2], mut feed: Feed) {
    let mut open = sources.map(Some);
    let mut buf = vec![0u8; 64 * 1024];
    while open.iter().any(Option::is_some) {
        let mut idx = Vec::new();
        let mut fds = Vec::new();
        for (i, f) in open.iter().enumerate() {
            if let Some(f) = f {
                idx.push(i);
                fds.push(rustix::event::PollFd::new(f, rustix::event::PollFlags::IN));
            }
        }
        if rustix::event::poll(&mut fds, None).is_err() {
            continue;
        }
        let ready: Vec<usize> = fds
            .iter()
            .zip(&idx)
            .filter(|(p, _)| !p.revents().is_empty())
            .map(|(_, i)| *i)
            .collect();
        drop(fds);
        for i in ready {
            let Some(f) = &open[i] else { continue };
            match rustix::io::read(f, &mut buf) {
                Err(rustix::io::Errno::INTR) => {}
                Ok(0) | Err(_) => {
                    feed(i, &[]);
                    open[i] = None;
                }
                Ok(n) => {
                    write_all(&targets[i], &buf[..n]);
                    feed(i, &buf[..n]);
                }
            }
        }
    }
}
