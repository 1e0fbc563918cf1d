//! Rootless published ports: listen on the host, connect inside the
//! session's network namespace, relay.
//!
//! The listeners are bound by the container's own tug process (foreground
//! `run` or the monitor) before anything else, so a taken port fails the
//! start with a clear error. A forked child then moves its threads into the
//! session's network namespace — it is root of the session's user
//! namespace, so it may — and relays each connection to the container's
//! address with `std::io::copy`, which splices socket to socket on Linux.
//! The child dies with its parent (parent-death signal) and is killed when
//! the container stops.
//!
//! The container sees each TCP client's own address (as root's DNAT
//! gives it): the relay's socket toward the container is bound to the
//! client's address with `IP_TRANSPARENT` (the session owns
//! `CAP_NET_ADMIN` in its namespace), and a policy rule per published port
//! (`from <container> tcp sport <port>` → table 116, where every address
//! is local) hands the container's replies to that socket instead of to
//! the outbound stack. Loopback clients, clients whose address lies in the
//! container's own subnet, and UDP come from the bridge's address as
//! before. The rules live in the session's namespace; a container's old
//! rules are replaced when its address publishes again, and all go with
//! the session.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsFd;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use crate::net::ports::{PortBinding, Proto};
use crate::net::Subnet;

/// The session's routing table where every address is local.
const TABLE: u8 = 116;

enum Listener {
    Tcp(TcpListener),
    Udp(UdpSocket),
}

/// Host sockets bound for a container's published ports.
pub struct Listeners {
    items: Vec<(Listener, SocketAddr)>,
    container: Ipv4Addr,
    subnet: Subnet,
}

/// Binds every published port on the host (the caller's network
/// namespace), for a container at `container_ip` in `subnet`.
pub fn bind(ports: &[PortBinding], container_ip: Ipv4Addr, subnet: Subnet) -> Result<Listeners> {
    let mut items = Vec::new();
    for p in ports {
        let addr = (p.host_ip, p.host_port);
        let target = SocketAddr::from((container_ip, p.container_port));
        let l = match p.proto {
            Proto::Tcp => TcpListener::bind(addr).map(Listener::Tcp),
            Proto::Udp => UdpSocket::bind(addr).map(Listener::Udp),
        }
        .map_err(|e| {
            Error::Invalid(format!(
                "Bind for {}:{} failed: {e}",
                p.host_ip, p.host_port
            ))
        })?;
        items.push((l, target));
    }
    Ok(Listeners {
        items,
        container: container_ip,
        subnet,
    })
}

/// Starts the relay process for `listeners`; returns its pid (None when
/// there is nothing to forward). Call while single-threaded.
pub fn spawn(listeners: Listeners) -> Result<Option<i32>> {
    if listeners.items.is_empty() {
        return Ok(None);
    }
    let ns = crate::net::session::netns()?;
    // SAFETY: fork while single-threaded (the caller's contract); the child
    // runs only its relay and exits.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(Error::io("fork", std::io::Error::last_os_error()));
    }
    if pid > 0 {
        return Ok(Some(pid));
    }
    // SAFETY: prctl with an integer argument; dies when the parent does.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
    // Forked while `process::start` holds the forwarded signals blocked.
    crate::runtime::process::unblock_all();
    release_inherited_fds(&listeners, ns);
    let code = match relay(listeners, ns) {
        Ok(()) => 0,
        Err(_) => 1,
    };
    // SAFETY: _exit ends the forked child without running the parent's
    // atexit handlers.
    unsafe { libc::_exit(code) }
}

/// Points stdio at /dev/null and closes every other inherited descriptor
/// but the listeners and the namespace: the parent's pipes (a monitor's
/// report pipe, a container's log pipes) must see EOF when the parent
/// closes them.
fn release_inherited_fds(listeners: &Listeners, ns: std::os::fd::BorrowedFd) {
    use std::os::fd::AsRawFd;
    let mut keep: Vec<i32> = listeners
        .items
        .iter()
        .map(|(l, _)| match l {
            Listener::Tcp(t) => t.as_raw_fd(),
            Listener::Udp(u) => u.as_raw_fd(),
        })
        .collect();
    keep.push(ns.as_raw_fd());
    if let Ok(null) = std::fs::File::options()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        for fd in 0..3 {
            // SAFETY: dup2 onto this process's own standard descriptors.
            unsafe { libc::dup2(null.as_raw_fd(), fd) };
        }
    }
    let fds: Vec<i32> = std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    for fd in fds.into_iter().filter(|fd| *fd > 2 && !keep.contains(fd)) {
        // SAFETY: closing a descriptor this forked child inherited and
        // will not use; nothing else in the child refers to it.
        unsafe { libc::close(fd) };
    }
}

fn enter(ns: std::os::fd::BorrowedFd) -> Result<()> {
    rustix::thread::move_into_link_name_space(ns, Some(rustix::thread::LinkNameSpaceType::Network))
        .map_err(|e| Error::Invalid(format!("entering the session's network namespace: {e}")))
}

/// Routes the container's replies from its published TCP ports to the
/// session's own sockets (see the module doc). False if that failed: the
/// relay then connects from the bridge's address.
fn route_replies(listeners: &Listeners, ns: std::os::fd::BorrowedFd) -> bool {
    let ports: Vec<u16> = listeners
        .items
        .iter()
        .filter(|(l, _)| matches!(l, Listener::Tcp(_)))
        .map(|(_, t)| t.port())
        .collect();
    let ip = listeners.container;
    crate::net::netlink::in_netns(ns, || -> Result<()> {
        let mut nl = crate::net::netlink::Netlink::open()?;
        nl.add_local_table(TABLE)?;
        nl.delete_source_port_rules(ip, TABLE)?;
        for p in ports {
            nl.add_source_port_rule(ip, p, TABLE)?;
        }
        Ok(())
    })
    .and_then(|r| r)
    .is_ok()
}

fn relay(listeners: Listeners, ns: std::os::fd::BorrowedFd<'static>) -> Result<()> {
    let keep = route_replies(&listeners, ns).then_some(listeners.subnet);
    let mut threads = Vec::new();
    for (l, target) in listeners.items {
        threads.push(std::thread::spawn(move || {
            if enter(ns).is_err() {
                return;
            }
            match l {
                Listener::Tcp(l) => tcp(l, target, ns, keep),
                Listener::Udp(s) => udp(s, target, ns),
            }
        }));
    }
    for t in threads {
        let _ = t.join();
    }
    Ok(())
}

/// `keep`: the container's subnet when clients' addresses are kept.
fn tcp(
    l: TcpListener,
    target: SocketAddr,
    ns: std::os::fd::BorrowedFd<'static>,
    keep: Option<Subnet>,
) {
    for client in l.incoming().flatten() {
        std::thread::spawn(move || {
            if enter(ns).is_err() {
                return;
            }
            let from = match (keep, client.peer_addr()) {
                (Some(subnet), Ok(SocketAddr::V4(a)))
                    if !a.ip().is_loopback() && !subnet.contains(*a.ip()) =>
                {
                    Some(a)
                }
                _ => None,
            };
            let server = match from {
                Some(a) => connect_as(a, target).or_else(|_| TcpStream::connect(target)),
                None => TcpStream::connect(target),
            };
            let Ok(server) = server else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
                return;
            };
            let up = std::thread::spawn(move || {
                pump(&client, &server);
                let _ = server.shutdown(Shutdown::Write);
            });
            pump(&s2, &c2);
            let _ = c2.shutdown(Shutdown::Write);
            let _ = up.join();
        });
    }
}

/// A connection to `target` from the client's address `from` (its port
/// too, when free), through `IP_TRANSPARENT`.
fn connect_as(from: std::net::SocketAddrV4, target: SocketAddr) -> std::io::Result<TcpStream> {
    use rustix::net::{sockopt, AddressFamily, SocketType};
    let fd = rustix::net::socket(AddressFamily::INET, SocketType::STREAM, None)?;
    set_transparent(&fd)?;
    sockopt::set_socket_reuseaddr(&fd, true)?;
    if rustix::net::bind(&fd, &from).is_err() {
        rustix::net::bind(&fd, &std::net::SocketAddrV4::new(*from.ip(), 0))?;
    }
    rustix::net::connect(&fd, &target)?;
    Ok(TcpStream::from(fd))
}

/// `IP_TRANSPARENT` on `fd`: it may bind an address that is not local.
fn set_transparent(fd: &std::os::fd::OwnedFd) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let one: libc::c_int = 1;
    // SAFETY: setsockopt reads one c_int from `one`, which lives across the call.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_IP,
            libc::IP_TRANSPARENT,
            (&raw const one).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Moves bytes from `from` to `to` until EOF: spliced through a pipe (no
/// copy through user space), else with a large buffer.
fn pump(from: &TcpStream, to: &TcpStream) {
    use rustix::pipe::{splice, SpliceFlags};
    if let Ok((r, w)) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC) {
        let _ = rustix::pipe::fcntl_setpipe_size(&w, 1 << 20);
        loop {
            let n = match splice(
                from,
                None,
                &w,
                None,
                1 << 20,
                SpliceFlags::MOVE | SpliceFlags::MORE,
            ) {
                Ok(0) => return,
                Ok(n) => n,
                Err(rustix::io::Errno::INTR) => continue,
                Err(_) => return,
            };
            let mut left = n;
            while left > 0 {
                match splice(
                    &r,
                    None,
                    to,
                    None,
                    left,
                    SpliceFlags::MOVE | SpliceFlags::MORE,
                ) {
                    Ok(0) => return,
                    Ok(m) => left -= m,
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(_) => return,
                }
            }
        }
    }
    let (mut from, mut to) = (from, to);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match std::io::Read::read(&mut from, &mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if std::io::Write::write_all(&mut to, &buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}

fn udp(host: UdpSocket, target: SocketAddr, ns: std::os::fd::BorrowedFd<'static>) {
    let host = Arc::new(host);
    let flows: Arc<Mutex<HashMap<SocketAddr, Arc<UdpSocket>>>> = Arc::default();
    let mut buf = vec![0u8; 65536];
    loop {
        let Ok((n, from)) = host.recv_from(&mut buf) else {
            return;
        };
        let existing = flows.lock().ok().and_then(|f| f.get(&from).cloned());
        let sock = match existing {
            Some(s) => s,
            None => {
                let Ok(s) = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)) else {
                    continue;
                };
                if s.connect(target).is_err() {
                    continue;
                }
                let s = Arc::new(s);
                if let Ok(mut f) = flows.lock() {
                    f.insert(from, s.clone());
                }
                let (back, host) = (s.clone(), host.clone());
                let flows = flows.clone();
                std::thread::spawn(move || {
                    let _ = back.set_read_timeout(Some(std::time::Duration::from_secs(120)));
                    let mut buf = vec![0u8; 65536];
                    while let Ok(n) = back.recv(&mut buf) {
                        let _ = host.send_to(&buf[..n], from);
                    }
                    if let Ok(mut f) = flows.lock() {
                        f.remove(&from);
                    }
                });
                let _ = ns.as_fd();
                s
            }
        };
        let _ = sock.send(&buf[..n]);
    }
}

/// Stops a relay process.
pub fn stop(pid: i32) {
    // SAFETY: `pid` is our own unreaped child, so the signal reaches it.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    crate::runtime::process::reap(pid);
}
