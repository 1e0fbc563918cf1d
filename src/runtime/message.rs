//! The typed messages the main process and the container's init exchange.
//!
//! Two close-on-exec pipes: main → init carries `Go` once the id maps are
//! written and `Joined` once the cgroups are; init → main carries a failure report, or nothing at
//! all — end of file without a message means the exec succeeded (the pipe
//! closed when the command replaced the init).

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Message {
    /// main → init: id maps written; set up the container.
    Go,
    /// main → init: the init is in its cgroups; exec the command. (Joining
    /// a v1 memory cgroup can take milliseconds; the init builds its
    /// filesystem meanwhile.)
    Joined,
    /// init → main: execve failed with `errno`.
    ExecFailed { errno: i32, command: String },
    /// init → main: setting up the container failed.
    SetupFailed(String),
}

/// One end of a message pipe.
pub struct Channel(File);

impl Channel {
    pub fn new(fd: OwnedFd) -> Channel {
        Channel(File::from(fd))
    }

    /// Sends one message (one JSON line). Errors are ignored by callers
    /// that are about to exit anyway, so this reports them.
    pub fn send(&mut self, m: &Message) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(m).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.0.write_all(&line)
    }

    /// The next message, or None at end of file.
    pub fn recv(&mut self) -> std::io::Result<Option<Message>> {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            match self.0.read(&mut byte) {
                Ok(0) => break,
                Ok(_) if byte[0] == b'\n' => break,
                Ok(_) => buf.push(byte[0]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        if buf.is_empty() {
            return Ok(None);
        }
        serde_json::from_slice(&buf)
            .map(Some)
            .map_err(std::io::Error::other)
    }
}

/// A pipe whose both ends close on exec: (read, write).
pub fn pipe() -> std::io::Result<(Channel, Channel)> {
    let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    Ok((Channel::new(r), Channel::new(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_eof() {
        let (mut r, mut w) = pipe().unwrap();
        w.send(&Message::ExecFailed {
            errno: 2,
            command: "x".into(),
        })
        .unwrap();
        drop(w);
        assert!(matches!(
            r.recv().unwrap(),
            Some(Message::ExecFailed { errno: 2, .. })
        ));
        assert_eq!(r.recv().unwrap(), None);
    }
}
