//! IPv4 address management: subnets, gateways, ranges, and handing out
//! addresses in order (the first container on `bridge` is 172.17.0.2).

use std::net::Ipv4Addr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An IPv4 subnet in CIDR form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Subnet {
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

impl Subnet {
    fn mask(&self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix as u32)
        }
    }
    pub fn network(&self) -> u32 {
        u32::from(self.addr) & self.mask()
    }
    pub fn broadcast(&self) -> u32 {
        self.network() | !self.mask()
    }
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & self.mask() == self.network()
    }
    pub fn overlaps(&self, other: &Subnet) -> bool {
        self.contains(Ipv4Addr::from(other.network()))
            || other.contains(Ipv4Addr::from(self.network()))
    }
    pub fn contains_subnet(&self, other: &Subnet) -> bool {
        other.prefix >= self.prefix && self.contains(Ipv4Addr::from(other.network()))
    }
    /// The first usable address (Docker's default gateway).
    pub fn first_host(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network() + 1)
    }
}

impl std::fmt::Display for Subnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.network()), self.prefix)
    }
}

impl FromStr for Subnet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (a, p) = s
            .split_once('/')
            .ok_or_else(|| format!("invalid subnet {s:?}: expected CIDR like 10.1.0.0/24"))?;
        let addr: Ipv4Addr = a
            .parse()
            .map_err(|_| format!("invalid subnet {s:?}: bad address"))?;
        let prefix: u8 = p
            .parse()
            .map_err(|_| format!("invalid subnet {s:?}: bad prefix length"))?;
        if !(8..=30).contains(&prefix) {
            return Err(format!(
                "invalid subnet {s:?}: prefix length must be between 8 and 30"
            ));
        }
        Ok(Subnet { addr, prefix })
    }
}

impl TryFrom<String> for Subnet {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<Subnet> for String {
    fn from(s: Subnet) -> String {
        s.to_string()
    }
}

/// The next free address in `range` (within `subnet`), skipping the network
/// and broadcast addresses, the gateway and every address in `used`.
pub fn next_free(
    subnet: &Subnet,
    range: Option<&Subnet>,
    gateway: Ipv4Addr,
    used: &[Ipv4Addr],
) -> Option<Ipv4Addr> {
    let r = range.unwrap_or(subnet);
    let lo = r.network().max(subnet.network() + 1);
    let hi = r.broadcast().min(subnet.broadcast() - 1);
    (lo..=hi)
        .map(Ipv4Addr::from)
        .find(|ip| *ip != gateway && !used.contains(ip))
}

/// Docker's pool for networks created without `--subnet`: 172.18.0.0/16
/// up to 172.31.0.0/16, then 192.168.0.0/20 blocks.
pub fn default_pool() -> impl Iterator<Item = Subnet> {
    let a = (18..=31).map(|b| Subnet {
        addr: Ipv4Addr::new(172, b, 0, 0),
        prefix: 16,
    });
    let b = (0..16).map(|i| Subnet {
        addr: Ipv4Addr::new(192, 168, i * 16, 0),
        prefix: 20,
    });
    a.chain(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets_and_allocation() {
        let s: Subnet = "172.17.0.0/16".parse().unwrap();
        let gw = s.first_host();
        assert_eq!(gw, Ipv4Addr::new(172, 17, 0, 1));
        assert_eq!(
            next_free(&s, None, gw, &[]),
            Some(Ipv4Addr::new(172, 17, 0, 2))
        );
        assert_eq!(
            next_free(&s, None, gw, &[Ipv4Addr::new(172, 17, 0, 2)]),
            Some(Ipv4Addr::new(172, 17, 0, 3))
        );
        let small: Subnet = "10.0.0.0/30".parse().unwrap();
        let g = small.first_host();
        assert_eq!(
            next_free(&small, None, g, &[]),
            Some(Ipv4Addr::new(10, 0, 0, 2))
        );
        assert_eq!(
            next_free(&small, None, g, &[Ipv4Addr::new(10, 0, 0, 2)]),
            None
        );
        let a: Subnet = "10.1.0.0/16".parse().unwrap();
        let b: Subnet = "10.1.2.0/24".parse().unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&a) && a.contains_subnet(&b));
        assert!("10.0.0.0".parse::<Subnet>().is_err());
        assert!("10.0.0.0/33".parse::<Subnet>().is_err());
    }
}
