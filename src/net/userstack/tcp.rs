//! TCP flows: each container connection is terminated by a smoltcp socket
//! and carried on by an ordinary host socket to its destination.
//!
//! A container's SYN starts a non-blocking connect on the host first; only
//! once that succeeds is the SYN handed to a new smoltcp socket listening
//! on the exact destination, so a refused or unreachable destination looks
//! the same to the container as on a host (smoltcp answers a SYN no socket
//! takes with a reset). Packets of flows the stack does not know are
//! dropped silently: they may be replies of a published-port relay that the
//! session's kernel handles.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, SocketAddrV4, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use smoltcp::iface::{SocketHandle, SocketSet};
use smoltcp::socket::tcp;
use smoltcp::wire::IpListenEndpoint;

/// Container side, destination as the container addressed it.
pub type Key = (SocketAddrV4, SocketAddrV4);

/// At most this many TCP flows at once (each may hold 2 MiB of buffers,
/// touched only as data flows); further SYNs are refused.
const MAX_FLOWS: usize = 1024;
/// A host connect that has not completed by then is given up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
const BUFFER: usize = 1 << 20;

enum State {
    Connecting {
        syn: Vec<u8>,
        since: Instant,
    },
    Open {
        handle: SocketHandle,
        host_eof: bool,
        shut: bool,
    },
}

struct Flow {
    host: TcpStream,
    state: State,
}

#[derive(Default)]
pub struct Flows {
    map: HashMap<Key, Flow>,
}

/// What became of a TCP packet from a container.
pub enum Verdict {
    /// Hand it to smoltcp now.
    Stack,
    /// Drop it.
    Drop,
}

impl Flows {
    /// A TCP packet from a container: known flow, new connection, or noise.
    pub fn packet(
        &mut self,
        key: Key,
        syn_only: bool,
        packet: &[u8],
        target: impl FnOnce() -> Option<SocketAddr>,
    ) -> Verdict {
        if let Some(f) = self.map.get(&key) {
            return match f.state {
                State::Open { .. } => Verdict::Stack,
                State::Connecting { .. } => Verdict::Drop,
            };
        }
        if !syn_only {
            return Verdict::Drop;
        }
        // No destination or too many flows: the SYN reaches no socket, so
        // the stack resets it.
        let Some(target) = target().filter(|_| self.map.len() < MAX_FLOWS) else {
            return Verdict::Stack;
        };
        match connect(target) {
            Ok(host) => {
                self.map.insert(
                    key,
                    Flow {
                        host,
                        state: State::Connecting {
                            syn: packet.to_vec(),
                            since: Instant::now(),
                        },
                    },
                );
                Verdict::Drop
            }
            Err(_) => Verdict::Stack,
        }
    }

    /// Host descriptors to wait on, with their interest (read, write).
    pub fn interest<'a>(
        &'a self,
        sockets: &SocketSet,
        out: &mut Vec<(BorrowedFd<'a>, bool, bool)>,
    ) {
        for f in self.map.values() {
            let (r, w) = match &f.state {
                State::Connecting { .. } => (false, true),
                State::Open {
                    handle, host_eof, ..
                } => {
                    let s = sockets.get::<tcp::Socket>(*handle);
                    (!host_eof && s.can_send(), s.can_recv())
                }
            };
            // A closed socket polls as hung up whatever is asked: leave
            // out what waits on nothing.
            if r || w {
                out.push((f.host.as_fd(), r, w));
            }
        }
    }

    /// Completes host connects: a completed one's SYN goes to a new
    /// smoltcp socket (pushed to `inject`), a failed one's SYN goes to the
    /// stack with no socket (so it is reset).
    pub fn connects(&mut self, sockets: &mut SocketSet<'static>, inject: &mut Vec<Vec<u8>>) {
        let now = Instant::now();
        let mut gone = Vec::new();
        for (key, f) in self.map.iter_mut() {
            let State::Connecting { syn, since } = &mut f.state else {
                continue;
            };
            match connected(&f.host) {
                Some(true) => {
                    let mut s = tcp::Socket::new(
                        tcp::SocketBuffer::new(vec![0; BUFFER]),
                        tcp::SocketBuffer::new(vec![0; BUFFER]),
                    );
                    s.set_nagle_enabled(false);
                    s.set_ack_delay(None);
                    let ep = IpListenEndpoint {
                        addr: Some((*key.1.ip()).into()),
                        port: key.1.port(),
                    };
                    if s.listen(ep).is_err() {
                        gone.push(*key);
                        continue;
                    }
                    inject.push(std::mem::take(syn));
                    let _ = f.host.set_nodelay(true);
                    f.state = State::Open {
                        handle: sockets.add(s),
                        host_eof: false,
                        shut: false,
                    };
                }
                Some(false) => {
                    inject.push(std::mem::take(syn));
                    gone.push(*key);
                }
                None if now.duration_since(*since) > CONNECT_TIMEOUT => gone.push(*key),
                None => {}
            }
        }
        for k in gone {
            self.map.remove(&k);
        }
    }

    /// Moves bytes both ways between each flow's smoltcp socket and its
    /// host socket, and ends flows whose both sides are done. True if any
    /// byte moved.
    pub fn pump(&mut self, sockets: &mut SocketSet<'static>) -> bool {
        let mut moved = false;
        let mut gone = Vec::new();
        for (key, f) in self.map.iter_mut() {
            let State::Open {
                handle,
                host_eof,
                shut,
            } = &mut f.state
            else {
                continue;
            };
            let s = sockets.get_mut::<tcp::Socket>(*handle);
            let mut failed = false;
            // Container → host.
            while s.can_recv() {
                let r = s.recv(|data| match (&f.host).write(data) {
                    Ok(n) => (n, Ok(n)),
                    Err(e) => (0, Err(e)),
                });
                match r {
                    Ok(Ok(0)) => break,
                    Ok(Ok(_)) => moved = true,
                    Ok(Err(e)) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    _ => {
                        failed = true;
                        break;
                    }
                }
            }
            let opening = matches!(
                s.state(),
                tcp::State::Listen | tcp::State::SynReceived | tcp::State::SynSent
            );
            // The container's FIN, once all before it was passed on.
            if !opening && !s.may_recv() && !s.can_recv() && !*shut {
                let _ = f.host.shutdown(Shutdown::Write);
                *shut = true;
            }
            // Host → container.
            while !*host_eof && !failed && s.can_send() {
                let r = s.send(|buf| match (&f.host).read(buf) {
                    Ok(n) => (n, Ok(n)),
                    Err(e) => (0, Err(e)),
                });
                match r {
                    Ok(Ok(0)) => {
                        *host_eof = true;
                        s.close();
                    }
                    Ok(Ok(_)) => moved = true,
                    Ok(Err(e)) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    _ => failed = true,
                }
            }
            if failed {
                s.abort();
            }
            if matches!(s.state(), tcp::State::Closed | tcp::State::TimeWait) {
                gone.push((*key, *handle));
            }
        }
        for (k, h) in gone {
            sockets.remove(h);
            self.map.remove(&k);
        }
        moved
    }
}

/// A non-blocking connect to `target` on the host.
fn connect(target: SocketAddr) -> std::io::Result<TcpStream> {
    use rustix::net::{AddressFamily, SocketFlags, SocketType};
    let family = if target.is_ipv4() {
        AddressFamily::INET
    } else {
        AddressFamily::INET6
    };
    let fd = rustix::net::socket_with(
        family,
        SocketType::STREAM,
        SocketFlags::NONBLOCK | SocketFlags::CLOEXEC,
        None,
    )?;
    match rustix::net::connect(&fd, &target) {
        Ok(()) | Err(rustix::io::Errno::INPROGRESS) => Ok(TcpStream::from(fd)),
        Err(e) => Err(e.into()),
    }
}

/// Some(true) once a non-blocking connect succeeded, Some(false) once it
/// failed, None while it is under way.
fn connected(s: &TcpStream) -> Option<bool> {
    match s.take_error() {
        Ok(Some(_)) | Err(_) => return Some(false),
        Ok(None) => {}
    }
    match s.peer_addr() {
        Ok(_) => Some(true),
        Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => None,
        Err(_) => Some(false),
    }
}
