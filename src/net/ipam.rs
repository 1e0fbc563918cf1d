//! IPv4 address management: subnets, gateways, ranges, and handing out
//! addresses in order (the first container on `bridge` is 172.17.0.2);
//! the host-wide leases of the default bridge, which every root store
//! shares; daemon.json's `bip` and `default-address-pools`.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
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

/// The pools for networks created without `--subnet`: daemon.json's
/// `default-address-pools` (`[{"base": "10.10.0.0/16", "size": 24}]`,
/// each base cut into subnets of `size`), else Docker's.
pub fn pools(configured: &[serde_json::Value]) -> Result<Vec<Subnet>, String> {
    if configured.is_empty() {
        return Ok(default_pool().collect());
    }
    let mut out = Vec::new();
    for v in configured {
        let bad = || format!("daemon.json: default-address-pools: invalid entry {v}");
        let base: Subnet = v
            .get("base")
            .and_then(|b| b.as_str())
            .ok_or_else(bad)?
            .parse()?;
        let size = v
            .get("size")
            .and_then(|s| s.as_u64())
            .filter(|s| (base.prefix as u64..=30).contains(s))
            .ok_or_else(bad)? as u8;
        let step = 1u64 << (32 - size as u32);
        let count = 1u64 << (size - base.prefix);
        // Bounded: a /8 cut into /30s is 4M subnets, listed lazily below.
        out.extend((0..count.min(1 << 16)).map(|i| Subnet {
            addr: Ipv4Addr::from((base.network() as u64 + i * step) as u32),
            prefix: size,
        }));
    }
    Ok(out)
}

/// daemon.json's `bip` (`192.168.5.1/24`): the default bridge's gateway
/// and subnet.
pub fn bip(value: &str) -> Result<(Subnet, Ipv4Addr), String> {
    let s: Subnet = value
        .parse()
        .map_err(|e| format!("daemon.json: bip: {e}"))?;
    let gw = if u32::from(s.addr) == s.network() {
        s.first_host()
    } else {
        s.addr
    };
    if u32::from(gw) == s.broadcast() {
        return Err(format!("daemon.json: bip: {value} is a broadcast address"));
    }
    Ok((s, gw))
}

/// Where the host-wide leases live: tmpfs, emptied by a reboot as the
/// bridges are.
const HOST_DIR: &str = "/run/tug/ipam";

/// One address of the default bridge held by a container of some store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Lease {
    ip: Ipv4Addr,
    store: PathBuf,
    container: String,
}

/// The leases file: the subnet the default bridge's holders use, and
/// their addresses. (An older tug wrote the bare list of leases.)
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct HostFile {
    #[serde(default)]
    subnet: Option<(Subnet, Ipv4Addr)>,
    #[serde(default)]
    leases: Vec<Lease>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum AnyHostFile {
    Current(HostFile),
    Leases(Vec<Lease>),
}

/// The default bridge's addresses across every root store on the host
/// (`/run/tug/ipam/bridge.json`), held under `/run/tug/ipam/lock` from
/// [`HostLeases::open`] until dropped, so two stores never pick the same
/// address, nor two subnets. Each store's own leases mirror its `bridge`
/// document.
pub struct HostLeases {
    _lock: crate::store::LockGuard,
    file: HostFile,
    read: HostFile,
}

impl HostLeases {
    pub fn open() -> crate::error::Result<Self> {
        let dir = Path::new(HOST_DIR);
        std::fs::create_dir_all(dir).map_err(|e| crate::error::Error::io(dir, e))?;
        let lock =
            crate::store::LockGuard::acquire(&dir.join("lock"), crate::store::LockMode::Exclusive)?;
        // A damaged file is as good as empty: every store rewrites its own.
        let file = match std::fs::read(dir.join("bridge.json"))
            .ok()
            .and_then(|d| serde_json::from_slice(&d).ok())
        {
            Some(AnyHostFile::Current(f)) => f,
            Some(AnyHostFile::Leases(leases)) => HostFile {
                subnet: None,
                leases,
            },
            None => HostFile::default(),
        };
        Ok(HostLeases {
            _lock: lock,
            read: file.clone(),
            file,
        })
    }

    /// The addresses other stores hold; leases of containers that no
    /// longer exist (their store or container directory gone) are dropped.
    pub fn others(&mut self, store: &Path) -> Vec<Ipv4Addr> {
        let store = absolute(store);
        self.file
            .leases
            .retain(|l| l.store == store || l.store.join("containers").join(&l.container).exists());
        self.file
            .leases
            .iter()
            .filter(|l| l.store != store)
            .map(|l| l.ip)
            .collect()
    }

    /// The subnet and gateway other stores' containers hold addresses in
    /// (after [`HostLeases::others`]), which a store whose own containers
    /// hold none must join: the host has one default bridge.
    pub fn held_subnet(&self, store: &Path) -> Option<(Subnet, Ipv4Addr)> {
        let store = absolute(store);
        self.file
            .leases
            .iter()
            .any(|l| l.store != store)
            .then_some(self.file.subnet)
            .flatten()
    }

    /// Makes `store`'s leases exactly `own` (container, address) on the
    /// bridge's `net` (subnet, gateway), and writes the file if anything
    /// changed. `net` is recorded unless other stores hold addresses and
    /// this one none (a listing that applied a new `bip` to its document).
    pub fn set_own<'a>(
        mut self,
        store: &Path,
        own: impl Iterator<Item = (&'a String, Ipv4Addr)>,
        net: (Subnet, Ipv4Addr),
    ) -> crate::error::Result<()> {
        let store = absolute(store);
        self.file.leases.retain(|l| l.store != store);
        let before = self.file.leases.len();
        self.file.leases.extend(own.map(|(c, ip)| Lease {
            ip,
            store: store.clone(),
            container: c.clone(),
        }));
        if before == 0 || self.file.leases.len() > before {
            self.file.subnet = Some(net);
        }
        self.save()
    }

    /// Drops the lease of `store`'s container `container`, if it has one.
    pub fn forget(mut self, store: &Path, container: &str) -> crate::error::Result<()> {
        let store = absolute(store);
        self.file
            .leases
            .retain(|l| l.store != store || l.container != container);
        self.save()
    }

    /// Writes the file if anything changed: in place (no block freed,
    /// where /run is not a tmpfs and the disk discards), not fsynced (/run
    /// does not outlive a reboot, and neither do leases).
    fn save(mut self) -> crate::error::Result<()> {
        self.file.leases.sort_by_key(|l| l.ip);
        if self.file == self.read {
            return Ok(());
        }
        let data = serde_json::to_vec(&self.file)
            .map_err(|e| crate::error::Error::json("address leases", e))?;
        super::record::write_in_place(&Path::new(HOST_DIR).join("bridge.json"), &data)
    }
}

/// A store's path as other processes see it (`--root` may be relative).
fn absolute(store: &Path) -> PathBuf {
    std::path::absolute(store).unwrap_or_else(|_| store.to_path_buf())
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
        let p = pools(&[serde_json::json!({"base": "10.10.0.0/16", "size": 24})]).unwrap();
        assert_eq!(p.len(), 256);
        assert_eq!(p[1].to_string(), "10.10.1.0/24");
        assert!(pools(&[serde_json::json!({"base": "10.10.0.0/16", "size": 8})]).is_err());
        assert_eq!(pools(&[]).unwrap()[0].to_string(), "172.18.0.0/16");
        let (s, gw) = bip("192.168.5.1/24").unwrap();
        assert_eq!(
            (s.to_string(), gw),
            ("192.168.5.0/24".into(), Ipv4Addr::new(192, 168, 5, 1))
        );
        assert!(bip("192.168.5.255/24").is_err());
        assert!("10.0.0.0/33".parse::<Subnet>().is_err());
    }

    #[test]
    fn leases_file_reads_both_layouts() {
        let lease = r#"{"ip": "172.17.0.2", "store": "/s", "container": "c"}"#;
        let old: AnyHostFile = serde_json::from_str(&format!("[{lease}]")).unwrap();
        assert!(matches!(old, AnyHostFile::Leases(l) if l.len() == 1));
        let new: AnyHostFile = serde_json::from_str(&format!(
            r#"{{"subnet": ["10.231.0.0/24", "10.231.0.1"], "leases": [{lease}]}}"#
        ))
        .unwrap();
        let AnyHostFile::Current(f) = new else {
            panic!("not the current layout");
        };
        assert_eq!(
            f.subnet,
            Some((
                "10.231.0.0/24".parse().unwrap(),
                Ipv4Addr::new(10, 231, 0, 1)
            ))
        );
        assert_eq!(f.leases.len(), 1);
    }
}
