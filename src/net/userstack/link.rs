//! The stack's link: one packet socket (`AF_PACKET`, cooked IPv4) in the
//! session's network namespace, which sees every IPv4 packet the
//! containers address to a bridge's MAC (their default gateway), and sends
//! IPv4 packets back to a container by its MAC.
//!
//! Only packets that the session's own kernel would not take are the
//! stack's: addressed to the bridge's MAC (not between containers), not
//! to an address of the bridge, and not to a subnet of any bridge (networks
//! stay apart). Other interfaces (veth ends, `lo`) are ignored.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const ETH_P_IP: u16 = 0x0800;

/// What is known of an interface of the session's namespace.
#[derive(Clone, Copy)]
struct Iface {
    /// The bridge's address and prefix, or None for an interface without
    /// an IPv4 address (a veth end).
    net: Option<(Ipv4Addr, u8)>,
}

pub struct Link {
    fd: OwnedFd,
    /// An `AF_INET` socket in the same namespace, for interface ioctls.
    ctl: OwnedFd,
    ifaces: HashMap<i32, Iface>,
    /// Where each container address was last seen: interface and MAC.
    neighbours: HashMap<Ipv4Addr, (i32, [u8; 6])>,
}

fn last_error(what: &str) -> std::io::Error {
    let e = std::io::Error::last_os_error();
    std::io::Error::new(e.kind(), format!("{what}: {e}"))
}

impl Link {
    /// Opens the packet socket in the calling thread's network namespace.
    pub fn open() -> std::io::Result<Link> {
        let proto = i32::from(ETH_P_IP.to_be());
        // SAFETY: socket(2) takes no pointers; the result is checked.
        let fd = unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_DGRAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                proto,
            )
        };
        if fd < 0 {
            return Err(last_error("socket(AF_PACKET)"));
        }
        // SAFETY: `fd` was just returned by socket(2) and is owned by nothing else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let ctl = rustix::net::socket(
            rustix::net::AddressFamily::INET,
            rustix::net::SocketType::DGRAM,
            None,
        )?;
        // Bulk transfers arrive in bursts of 64 KiB segments.
        let _ = rustix::net::sockopt::set_socket_recv_buffer_size(&fd, 8 << 20);
        Ok(Link {
            fd,
            ctl,
            ifaces: HashMap::new(),
            neighbours: HashMap::new(),
        })
    }

    pub fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.fd.as_fd()
    }

    /// One IPv4 packet for the stack into `buf`, if one is waiting: its
    /// length. Packets not for the stack are skipped.
    pub fn recv(&mut self, buf: &mut [u8]) -> Option<usize> {
        loop {
            // SAFETY: sockaddr_ll is plain data; all-zero is a valid value.
            let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
            let mut len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
            // SAFETY: `buf` and `sll` are valid for writes of the lengths given.
            let n = unsafe {
                libc::recvfrom(
                    self.fd.as_raw_fd(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    libc::MSG_DONTWAIT | libc::MSG_TRUNC,
                    (&raw mut sll).cast(),
                    &mut len,
                )
            };
            if n < 0 {
                if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                    continue;
                }
                return None;
            }
            let n = n as usize;
            if n > buf.len() || n < 20 || sll.sll_pkttype != libc::PACKET_HOST {
                continue;
            }
            let Some((gw, prefix)) = self.iface(sll.sll_ifindex).net else {
                continue;
            };
            let src = Ipv4Addr::new(buf[12], buf[13], buf[14], buf[15]);
            let dst = Ipv4Addr::new(buf[16], buf[17], buf[18], buf[19]);
            // From the bridge's own subnet only, and nothing for its own
            // subnet (the gateway's address is the session kernel's).
            if !in_net(src, gw, prefix) || in_net(dst, gw, prefix) {
                continue;
            }
            let mut mac = [0u8; 6];
            mac.copy_from_slice(&sll.sll_addr[..6]);
            self.neighbours.insert(src, (sll.sll_ifindex, mac));
            return Some(n);
        }
    }

    /// Sends an IPv4 packet to the container with its destination address.
    pub fn send(&self, packet: &[u8]) {
        if packet.len() < 20 {
            return;
        }
        let dst = Ipv4Addr::new(packet[16], packet[17], packet[18], packet[19]);
        let Some(&(ifindex, mac)) = self.neighbours.get(&dst) else {
            return;
        };
        // SAFETY: sockaddr_ll is plain data; all-zero is a valid value.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = ETH_P_IP.to_be();
        sll.sll_ifindex = ifindex;
        sll.sll_halen = 6;
        sll.sll_addr[..6].copy_from_slice(&mac);
        loop {
            // SAFETY: `packet` and `sll` are valid for reads of the lengths given.
            let n = unsafe {
                libc::sendto(
                    self.fd.as_raw_fd(),
                    packet.as_ptr().cast(),
                    packet.len(),
                    0,
                    (&raw const sll).cast(),
                    std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
                )
            };
            // A full queue: wait for room rather than drop (TCP would
            // recover, but slowly).
            if n < 0 {
                let e = std::io::Error::last_os_error().raw_os_error();
                if e == Some(libc::EINTR) || e == Some(libc::ENOBUFS) || e == Some(libc::EAGAIN) {
                    std::thread::yield_now();
                    continue;
                }
            }
            return;
        }
    }

    /// True if `a` is on a network of the session (another bridge, or
    /// `lo`): never the stack's to carry, so networks stay apart and
    /// nothing meant for them leaves for the host's network. Asked at each
    /// new flow, so a network created since is known.
    pub fn is_session_net(&self, a: Ipv4Addr) -> bool {
        if a.is_loopback() || a.is_unspecified() || a.is_broadcast() || a.is_multicast() {
            return true;
        }
        let mut reqs: Vec<libc::ifreq> = Vec::with_capacity(64);
        // SAFETY: ifreq is plain data; all-zero is a valid value.
        reqs.resize_with(64, || unsafe { std::mem::zeroed() });
        // SAFETY: ifconf is plain data; all-zero is a valid value.
        let mut conf: libc::ifconf = unsafe { std::mem::zeroed() };
        conf.ifc_len = (reqs.len() * std::mem::size_of::<libc::ifreq>()) as i32;
        conf.ifc_ifcu.ifcu_req = reqs.as_mut_ptr();
        let fd = self.ctl.as_raw_fd();
        // SAFETY: SIOCGIFCONF writes at most ifc_len bytes of ifreqs into `reqs`.
        if unsafe { libc::ioctl(fd, libc::SIOCGIFCONF, &mut conf) } != 0 {
            // Unknown: refuse rather than leak.
            return true;
        }
        let n = conf.ifc_len as usize / std::mem::size_of::<libc::ifreq>();
        reqs[..n.min(64)].iter_mut().any(|req| {
            let addr = addr_of(req);
            // SAFETY: SIOCGIFNETMASK reads the name from and writes the mask into `req`.
            if unsafe { libc::ioctl(fd, libc::SIOCGIFNETMASK, &mut *req) } != 0 {
                return true;
            }
            in_net(a, addr, u32::from(addr_of(req)).count_ones() as u8)
        })
    }

    fn iface(&mut self, index: i32) -> Iface {
        if let Some(i) = self.ifaces.get(&index) {
            return *i;
        }
        let i = Iface {
            net: self.query(index),
        };
        // Interfaces come and go with containers; indexes are not reused
        // soon, and the table stays small.
        if self.ifaces.len() > 4096 {
            self.ifaces.clear();
        }
        self.ifaces.insert(index, i);
        i
    }

    /// A bridge's IPv4 address and prefix, by interface index.
    fn query(&self, index: i32) -> Option<(Ipv4Addr, u8)> {
        // SAFETY: ifreq is plain data; all-zero is a valid value.
        let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
        req.ifr_ifru.ifru_ifindex = index;
        let fd = self.ctl.as_raw_fd();
        // SAFETY: SIOCGIFNAME reads the index from and writes the name into `req`.
        if unsafe { libc::ioctl(fd, libc::SIOCGIFNAME, &mut req) } != 0 {
            return None;
        }
        if req.ifr_name[..3] == [b'l' as libc::c_char, b'o' as libc::c_char, 0] {
            return None;
        }
        // SAFETY: SIOCGIFADDR reads the name from and writes the address into `req`.
        if unsafe { libc::ioctl(fd, libc::SIOCGIFADDR, &mut req) } != 0 {
            return None;
        }
        let addr = addr_of(&req);
        // SAFETY: as above, for the netmask.
        if unsafe { libc::ioctl(fd, libc::SIOCGIFNETMASK, &mut req) } != 0 {
            return None;
        }
        let prefix = u32::from(addr_of(&req)).count_ones() as u8;
        Some((addr, prefix))
    }
}

/// The IPv4 address an interface ioctl left in `req`.
fn addr_of(req: &libc::ifreq) -> Ipv4Addr {
    // SAFETY: the ioctl filled ifru_addr with a sockaddr_in, which is no
    // larger than the sockaddr it is read from.
    let sin: libc::sockaddr_in = unsafe { std::mem::transmute_copy(&req.ifr_ifru.ifru_addr) };
    Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr))
}

fn in_net(a: Ipv4Addr, net: Ipv4Addr, prefix: u8) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix.min(32)))
    };
    u32::from(a) & mask == u32::from(net) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets() {
        let gw = Ipv4Addr::new(172, 17, 0, 1);
        assert!(in_net(Ipv4Addr::new(172, 17, 3, 4), gw, 16));
        assert!(!in_net(Ipv4Addr::new(172, 18, 0, 2), gw, 16));
        assert!(in_net(Ipv4Addr::new(1, 2, 3, 4), gw, 0));
    }
}
