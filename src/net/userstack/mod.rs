//! Rootless outbound networking without tun: a user-space TCP/IP stack in
//! the session's pause process.
//!
//! Containers' default route points at their bridge's address in the
//! session's network namespace, where forwarding is off, so what they send
//! beyond their network reaches the bridge and stops there. A packet socket
//! on the session's side (`link.rs`; the session owns `CAP_NET_RAW` there)
//! sees those packets. A thread of the pause process that stayed in the
//! host's network namespace runs the stack: smoltcp terminates TCP
//! (`tcp.rs`), UDP is relayed datagram by datagram (`udp.rs`), and each flow
//! is carried on by an ordinary socket of the host's namespace, opened with
//! the user's own rights. No tun device, no privilege, no extra process.
//!
//! Two addresses are the stack's own: [`DNS`] (UDP and TCP port 53 go to
//! the host's nameservers, from `/etc/resolv.conf` or the file named by
//! `TUG_RESOLV_CONF` when the session started) and [`HOST`] (the host's
//! loopback: `host.containers.internal` and `host-gateway`).
//!
//! smoltcp (smoltcp-rs, 0BSD, steady releases since 2016, used by
//! embedded and user-space network projects) is a complete TCP with window
//! scaling, SACK-free but fast retransmit, and no global state: one
//! interface in "any IP" mode takes every destination.

mod link;
mod tcp;
mod udp;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::rc::Rc;
use std::time::Duration;

use smoltcp::iface::{Config, Interface, SocketSet};
use smoltcp::phy::{Checksum, ChecksumCapabilities, Device, DeviceCapabilities, Medium};
use smoltcp::time::Instant;
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};

pub use link::Link;

/// The stack's DNS forwarder, the containers' nameserver.
pub const DNS: Ipv4Addr = Ipv4Addr::new(169, 254, 1, 1);
/// The host's loopback as containers see it.
pub const HOST: Ipv4Addr = Ipv4Addr::new(169, 254, 1, 2);
/// Names a resolv.conf-format file read instead of `/etc/resolv.conf` for
/// the forwarder's upstream servers (`nameserver IP` or `IP:PORT`).
pub const RESOLV_ENV: &str = "TUG_RESOLV_CONF";

/// The largest packet read from the link.
const PACKET: usize = 65536;
/// Packets queued for smoltcp before the link is read again.
const RX_QUEUE: usize = 256;

/// The resolv.conf-format file naming the upstream nameservers.
pub fn resolv_file() -> std::path::PathBuf {
    std::env::var_os(RESOLV_ENV)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/etc/resolv.conf".into())
}

/// The host's nameservers, as the forwarder's upstreams.
pub(crate) fn nameservers(file: &std::path::Path) -> Vec<SocketAddr> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .filter_map(|v| {
            let v = v.trim();
            v.parse::<SocketAddr>()
                .ok()
                .or_else(|| v.parse::<std::net::IpAddr>().ok().map(|ip| (ip, 53).into()))
        })
        .take(3)
        .collect()
}

/// Where a container's destination is reached from the host; None for
/// the session's own networks (`local`).
fn target(
    dst: SocketAddrV4,
    resolv: &std::path::Path,
    local: impl FnOnce(Ipv4Addr) -> bool,
) -> Option<SocketAddr> {
    match *dst.ip() {
        HOST => Some((Ipv4Addr::LOCALHOST, dst.port()).into()),
        DNS if dst.port() == 53 => nameservers(resolv).first().copied(),
        DNS => None,
        ip if local(ip) => None,
        _ => Some(dst.into()),
    }
}

/// Packet buffers (64 KiB each) handed back once smoltcp has read them,
/// so a received packet is never copied again before the stack.
type Pool = Rc<RefCell<Vec<Vec<u8>>>>;

struct Dev {
    link: Link,
    rx: VecDeque<(Vec<u8>, usize)>,
    pool: Pool,
}

struct Rx(Vec<u8>, usize, Pool);
struct Tx<'a>(&'a Link);

impl smoltcp::phy::RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        let r = f(&self.0[..self.1]);
        // Injected SYNs are their own size: only full buffers go back.
        if self.0.len() == PACKET {
            self.2.borrow_mut().push(self.0);
        }
        r
    }
}

impl smoltcp::phy::TxToken for Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut buf = vec![0u8; len];
        let r = f(&mut buf);
        self.0.send(&buf);
        r
    }
}

impl Device for Dev {
    type RxToken<'a> = Rx;
    type TxToken<'a> = Tx<'a>;

    fn receive(&mut self, _: Instant) -> Option<(Rx, Tx<'_>)> {
        let (p, n) = self.rx.pop_front()?;
        Some((Rx(p, n, self.pool.clone()), Tx(&self.link)))
    }

    fn transmit(&mut self, _: Instant) -> Option<Tx<'_>> {
        Some(Tx(&self.link))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ip;
        caps.max_transmission_unit = 1500;
        // Container packets cross only veths, which may leave TCP and UDP
        // checksums to "offload" that never happens: not checked on input.
        let mut sums = ChecksumCapabilities::default();
        sums.tcp = Checksum::Tx;
        sums.udp = Checksum::Tx;
        caps.checksum = sums;
        caps
    }
}

fn now() -> Instant {
    Instant::from_micros(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0),
    )
}

/// What a received IPv4 packet is, read from its headers.
struct Parsed {
    proto: u8,
    src: SocketAddrV4,
    dst: SocketAddrV4,
    /// TCP flags, or 0.
    flags: u8,
    /// The transport payload (UDP) range.
    payload: std::ops::Range<usize>,
}

fn parse(p: &[u8]) -> Option<Parsed> {
    let ihl = usize::from(p.first()? & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([*p.get(2)?, *p.get(3)?])).min(p.len());
    // Fragments are not reassembled.
    if p[0] >> 4 != 4 || ihl < 20 || u16::from_be_bytes([p[6], p[7]]) & 0x3fff != 0 {
        return None;
    }
    let l4 = p.get(ihl..total)?;
    let port = |i: usize| Some(u16::from_be_bytes([*l4.get(i)?, *l4.get(i + 1)?]));
    let ip = |i: usize| Ipv4Addr::new(p[i], p[i + 1], p[i + 2], p[i + 3]);
    let (proto, flags, start) = match p[9] {
        6 => (6, *l4.get(13)?, 0),
        17 => (17, 0, 8),
        _ => return None,
    };
    Some(Parsed {
        proto,
        src: SocketAddrV4::new(ip(12), port(0)?),
        dst: SocketAddrV4::new(ip(16), port(2)?),
        flags,
        payload: (ihl + start).min(total)..total,
    })
}

/// Runs the stack on `link` until the process ends.
pub fn run(link: Link) {
    let resolv = resolv_file();
    let mut dev = Dev {
        link,
        rx: VecDeque::new(),
        pool: Pool::default(),
    };
    let mut iface = Interface::new(Config::new(HardwareAddress::Ip), &mut dev, now());
    iface.update_ip_addrs(|a| {
        let _ = a.push(IpCidr::new(IpAddress::Ipv4(DNS), 16));
    });
    let _ = iface.routes_mut().add_default_ipv4_route(DNS);
    iface.set_any_ip(true);
    let mut sockets = SocketSet::new(Vec::new());
    let mut tcp = tcp::Flows::default();
    let mut udp = udp::Flows::default();
    let mut inject = Vec::new();
    loop {
        let mut busy = false;
        while dev.rx.len() < RX_QUEUE {
            let mut buf = dev
                .pool
                .borrow_mut()
                .pop()
                .unwrap_or_else(|| vec![0; PACKET]);
            let Some(n) = dev.link.recv(&mut buf) else {
                dev.pool.borrow_mut().push(buf);
                break;
            };
            busy = true;
            let p = &buf[..n];
            let Some(h) = parse(p) else {
                dev.pool.borrow_mut().push(buf);
                continue;
            };
            let key = (h.src, h.dst);
            let link = &dev.link;
            let to = || target(h.dst, &resolv, |ip| link.is_session_net(ip));
            if h.proto == 17 {
                udp.send(key, &p[h.payload], to);
                dev.pool.borrow_mut().push(buf);
                continue;
            }
            // SYN without ACK: a new connection.
            let syn_only = h.flags & 0x12 == 0x02;
            match tcp.packet(key, syn_only, p, to) {
                tcp::Verdict::Stack => dev.rx.push_back((buf, n)),
                tcp::Verdict::Drop => dev.pool.borrow_mut().push(buf),
            }
        }
        udp.receive(&mut |p| dev.link.send(p));
        tcp.connects(&mut sockets, &mut inject);
        dev.rx.extend(inject.drain(..).map(|p| {
            let n = p.len();
            (p, n)
        }));
        iface.poll(now(), &mut dev, &mut sockets);
        if tcp.pump(&mut sockets) {
            busy = true;
            iface.poll(now(), &mut dev, &mut sockets);
        }
        if busy || !dev.rx.is_empty() {
            continue;
        }
        let delay = iface
            .poll_delay(now(), &sockets)
            .map(|d| Duration::from_micros(d.total_micros()))
            .unwrap_or(Duration::from_secs(1))
            .min(Duration::from_secs(1));
        wait(&dev.link, &tcp, &udp, &sockets, delay);
    }
}

/// Sleeps until the link or a host socket is ready, or `delay` passes.
fn wait(link: &Link, tcp: &tcp::Flows, udp: &udp::Flows, sockets: &SocketSet, delay: Duration) {
    use rustix::event::{PollFd, PollFlags};
    let mut want = Vec::new();
    tcp.interest(sockets, &mut want);
    udp.interest(&mut want);
    let mut fds: Vec<PollFd> = Vec::with_capacity(want.len() + 1);
    fds.push(PollFd::from_borrowed_fd(link.fd(), PollFlags::IN));
    for (fd, r, w) in want {
        let mut f = PollFlags::empty();
        if r {
            f |= PollFlags::IN;
        }
        if w {
            f |= PollFlags::OUT;
        }
        fds.push(PollFd::from_borrowed_fd(fd, f));
    }
    let t = rustix::event::Timespec {
        tv_sec: delay.as_secs() as i64,
        tv_nsec: i64::from(delay.subsec_nanos()),
    };
    let _ = rustix::event::poll(&mut fds, Some(&t));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nameservers_take_ports_and_plain_addresses() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("resolv.conf");
        std::fs::write(&f, "search x\nnameserver 127.0.0.1:5353\nnameserver ::1\n").unwrap();
        assert_eq!(
            nameservers(&f),
            vec![
                "127.0.0.1:5353".parse::<SocketAddr>().unwrap(),
                "[::1]:53".parse().unwrap()
            ]
        );
        assert_eq!(
            target(SocketAddrV4::new(HOST, 80), &f, |_| false),
            Some("127.0.0.1:80".parse().unwrap())
        );
        assert_eq!(target(SocketAddrV4::new(DNS, 80), &f, |_| false), None);
        let other = SocketAddrV4::new(Ipv4Addr::new(10, 81, 0, 2), 80);
        assert_eq!(target(other, &f, |_| true), None);
    }
}
