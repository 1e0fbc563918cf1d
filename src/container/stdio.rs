//! A container's standard streams as its caller chooses them, for running
//! containers as a library (a builder's steps, Compose's services): each of
//! stdin, stdout and stderr is inherited, /dev/null, a pipe whose other end
//! the caller gets, or a descriptor the caller gives. Only the container's
//! process is rewired; the caller's own fds 0, 1 and 2 are never touched.
//! `pump_lines` reads captured output line by line, for prefixing.

use std::os::fd::{AsFd, OwnedFd};

use rustix::pipe::{pipe_with, PipeFlags};

use crate::error::{Error, Result};

/// What one of the container's standard streams is.
#[derive(Debug)]
pub enum Stdio {
    /// Ours, shared.
    Inherit,
    /// /dev/null.
    Null,
    /// A pipe; the caller gets the other end.
    Pipe,
    /// This descriptor.
    Fd(OwnedFd),
}

/// The container's stdin, stdout and stderr.
#[derive(Debug)]
pub struct Io {
    pub stdin: Stdio,
    pub stdout: Stdio,
    pub stderr: Stdio,
}

/// Which output a captured line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OutputStream {
    Stdout,
    Stderr,
}

fn io(what: &str) -> impl Fn(rustix::io::Errno) -> Error + '_ {
    move |e| Error::io(what, e.into())
}

impl Io {
    /// The container's three descriptors (close-on-exec here; its process
    /// puts them in place) and the caller's ends of the piped ones.
    pub fn open(self) -> Result<([OwnedFd; 3], [Option<OwnedFd>; 3])> {
        let [a, b, c] = [self.stdin, self.stdout, self.stderr];
        let (c0, p0) = open_one(a, 0)?;
        let (c1, p1) = open_one(b, 1)?;
        let (c2, p2) = open_one(c, 2)?;
        Ok(([c0, c1, c2], [p0, p1, p2]))
    }
}

/// Stream `n` (0 = stdin): the container's end and ours.
fn open_one(s: Stdio, n: usize) -> Result<(OwnedFd, Option<OwnedFd>)> {
    Ok(match s {
        Stdio::Inherit => {
            let ours = match n {
                0 => rustix::stdio::stdin(),
                1 => rustix::stdio::stdout(),
                _ => rustix::stdio::stderr(),
            };
            (
                rustix::io::fcntl_dupfd_cloexec(ours, 3).map_err(io("dup"))?,
                None,
            )
        }
        Stdio::Null => {
            let null = rustix::fs::open(
                "/dev/null",
                rustix::fs::OFlags::RDWR | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .map_err(io("/dev/null"))?;
            (null, None)
        }
        Stdio::Pipe => {
            let (r, w) = pipe_with(PipeFlags::CLOEXEC).map_err(io("pipe"))?;
            if n == 0 {
                (r, Some(w))
            } else {
                (w, Some(r))
            }
        }
        Stdio::Fd(f) => (f, None),
    })
}

/// Reads `outputs` (stdout, stderr) until both end, handing `sink` each
/// complete line without its newline, and a last unterminated line at the
/// end of a stream.
pub fn pump_lines(outputs: [Option<OwnedFd>; 2], mut sink: impl FnMut(OutputStream, &[u8])) {
    use rustix::event::{PollFd, PollFlags};
    const STREAMS: [OutputStream; 2] = [OutputStream::Stdout, OutputStream::Stderr];
    let mut outputs = outputs;
    let mut lines = [LineBuffer::default(), LineBuffer::default()];
    let mut buf = vec![0u8; 64 * 1024];
    while outputs.iter().any(Option::is_some) {
        let open: Vec<usize> = (0..2).filter(|i| outputs[*i].is_some()).collect();
        let mut fds: Vec<PollFd> = open
            .iter()
            .filter_map(|i| outputs[*i].as_ref())
            .map(|f| PollFd::new(f, PollFlags::IN))
            .collect();
        match rustix::event::poll(&mut fds, None) {
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(_) => break,
        }
        let ready: Vec<usize> = fds
            .iter()
            .zip(&open)
            .filter(|(p, _)| !p.revents().is_empty())
            .map(|(_, i)| *i)
            .collect();
        drop(fds);
        for i in ready {
            let Some(f) = &outputs[i] else { continue };
            match read(f, &mut buf) {
                Some(0) | None => {
                    lines[i].finish(|l| sink(STREAMS[i], l));
                    outputs[i] = None;
                }
                Some(n) => lines[i].feed(&buf[..n], |l| sink(STREAMS[i], l)),
            }
        }
    }
    for (i, l) in lines.iter_mut().enumerate() {
        l.finish(|line| sink(STREAMS[i], line));
    }
}

/// One read; Some(0) at the end, None on an error (EINTR retried).
fn read(f: impl AsFd, buf: &mut [u8]) -> Option<usize> {
    loop {
        match rustix::io::read(&f, &mut *buf) {
            Ok(n) => return Some(n),
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return None,
        }
    }
}

/// Splits a byte stream into lines.
#[derive(Default)]
struct LineBuffer {
    partial: Vec<u8>,
}

impl LineBuffer {
    fn feed(&mut self, mut data: &[u8], mut line: impl FnMut(&[u8])) {
        while let Some(nl) = data.iter().position(|b| *b == b'\n') {
            if self.partial.is_empty() {
                line(&data[..nl]);
            } else {
                self.partial.extend_from_slice(&data[..nl]);
                line(&self.partial);
                self.partial.clear();
            }
            data = &data[nl + 1..];
        }
        self.partial.extend_from_slice(data);
    }

    fn finish(&mut self, mut line: impl FnMut(&[u8])) {
        if !self.partial.is_empty() {
            line(&self.partial);
            self.partial.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(chunks: &[&[u8]]) -> Vec<String> {
        let mut out = Vec::new();
        let mut b = LineBuffer::default();
        for c in chunks {
            b.feed(c, |l| out.push(String::from_utf8_lossy(l).into_owned()));
        }
        b.finish(|l| out.push(String::from_utf8_lossy(l).into_owned()));
        out
    }

    #[test]
    fn lines_split_across_reads_are_joined() {
        assert_eq!(lines_of(&[b"a\nb", b"c\n\nd", b"e"]), ["a", "bc", "", "de"]);
        assert!(lines_of(&[b""]).is_empty());
    }

    #[test]
    fn piped_outputs_are_read_line_by_line_per_stream() {
        let io = Io {
            stdin: Stdio::Null,
            stdout: Stdio::Pipe,
            stderr: Stdio::Pipe,
        };
        let (child, [stdin, out, err]) = io.open().unwrap();
        assert!(stdin.is_none());
        rustix::io::write(&child[1], b"one\ntw").unwrap();
        rustix::io::write(&child[2], b"err\n").unwrap();
        rustix::io::write(&child[1], b"o").unwrap();
        drop(child);
        let mut got = Vec::new();
        pump_lines([out, err], |s, l| {
            got.push((s, String::from_utf8_lossy(l).into_owned()))
        });
        got.sort();
        assert_eq!(
            got,
            [
                (OutputStream::Stdout, "one".to_string()),
                (OutputStream::Stdout, "two".to_string()),
                (OutputStream::Stderr, "err".to_string()),
            ]
        );
    }
}
