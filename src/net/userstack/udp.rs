//! UDP flows: each (container address and port, destination) pair gets a
//! connected host socket; datagrams from the host come back to the
//! container from the destination it addressed. DNS to the stack's
//! resolver address goes to the host's nameservers this way.

use std::collections::HashMap;
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use super::tcp::Key;

/// At most this many UDP flows; the least recently used goes first.
const MAX_FLOWS: usize = 1024;
/// A flow without traffic for this long is forgotten.
const IDLE: Duration = Duration::from_secs(60);
/// The largest datagram sent back whole (no fragmentation: a 1500-byte
/// MTU minus the IPv4 and UDP headers).
const MAX_REPLY: usize = 1472;

struct Flow {
    host: UdpSocket,
    used: Instant,
}

#[derive(Default)]
pub struct Flows {
    map: HashMap<Key, Flow>,
}

impl Flows {
    /// A datagram from a container for `key.1`, sent on to `target`.
    pub fn send(&mut self, key: Key, payload: &[u8], target: impl FnOnce() -> Option<SocketAddr>) {
        if !self.map.contains_key(&key) {
            let Some(target) = target() else {
                return;
            };
            let bind: SocketAddr = if target.is_ipv4() {
                "0.0.0.0:0".parse().expect("literal")
            } else {
                "[::]:0".parse().expect("literal")
            };
            let Ok(host) = UdpSocket::bind(bind) else {
                return;
            };
            if host.connect(target).is_err() || host.set_nonblocking(true).is_err() {
                return;
            }
            if self.map.len() >= MAX_FLOWS {
                if let Some(old) = self.map.iter().min_by_key(|(_, f)| f.used).map(|(k, _)| *k) {
                    self.map.remove(&old);
                }
            }
            self.map.insert(
                key,
                Flow {
                    host,
                    used: Instant::now(),
                },
            );
        }
        if let Some(f) = self.map.get_mut(&key) {
            f.used = Instant::now();
            let _ = f.host.send(payload);
        }
    }

    pub fn interest<'a>(&'a self, out: &mut Vec<(BorrowedFd<'a>, bool, bool)>) {
        out.extend(self.map.values().map(|f| (f.host.as_fd(), true, false)));
    }

    /// Datagrams waiting on host sockets, as IPv4 packets for containers;
    /// idle flows are forgotten.
    pub fn receive(&mut self, out: &mut impl FnMut(&[u8])) {
        let mut buf = vec![0u8; 65536];
        let now = Instant::now();
        self.map.retain(|(container, dst), f| {
            while let Ok(n) = f.host.recv(&mut buf) {
                f.used = now;
                if n <= MAX_REPLY {
                    out(&packet(*dst, *container, &buf[..n]));
                }
            }
            now.duration_since(f.used) < IDLE
        });
    }
}

/// An IPv4 UDP packet from `src` to `dst`.
fn packet(src: SocketAddrV4, dst: SocketAddrV4, payload: &[u8]) -> Vec<u8> {
    let udp_len = 8 + payload.len();
    let total = 20 + udp_len;
    let mut p = Vec::with_capacity(total);
    p.extend_from_slice(&[0x45, 0]);
    p.extend_from_slice(&(total as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0, 0x40, 0, 64, 17, 0, 0]);
    p.extend_from_slice(&src.ip().octets());
    p.extend_from_slice(&dst.ip().octets());
    let c = checksum(&[&p[..20]]);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(&src.port().to_be_bytes());
    p.extend_from_slice(&dst.port().to_be_bytes());
    p.extend_from_slice(&(udp_len as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(payload);
    let mut pseudo = [0u8; 12];
    pseudo[..4].copy_from_slice(&src.ip().octets());
    pseudo[4..8].copy_from_slice(&dst.ip().octets());
    pseudo[9] = 17;
    pseudo[10..].copy_from_slice(&(udp_len as u16).to_be_bytes());
    let c = match checksum(&[&pseudo, &p[20..]]) {
        0 => 0xffff,
        c => c,
    };
    p[26..28].copy_from_slice(&c.to_be_bytes());
    p
}

/// The Internet checksum over the concatenated parts (each even-length
/// but the last).
fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u32 = 0;
    for part in parts {
        let mut chunks = part.chunks_exact(2);
        for c in &mut chunks {
            sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
        }
        if let [last] = chunks.remainder() {
            sum += u32::from(*last) << 8;
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_packet_checksums_verify() {
        let src = "169.254.1.1:53".parse().unwrap();
        let dst = "172.17.0.2:40000".parse().unwrap();
        let p = packet(src, dst, b"hello");
        assert_eq!(p.len(), 33);
        assert_eq!(checksum(&[&p[..20]]), 0);
        let mut pseudo = [0u8; 12];
        pseudo[..4].copy_from_slice(&p[12..16]);
        pseudo[4..8].copy_from_slice(&p[16..20]);
        pseudo[9] = 17;
        pseudo[10..].copy_from_slice(&13u16.to_be_bytes());
        assert_eq!(checksum(&[&pseudo, &p[20..]]), 0);
    }
}
