//! Network documents: create, list, find, remove, and the endpoints
//! (container addresses) each network hands out.
//!
//! A network's document (`networks/<name>.json`) holds only what lasts:
//! its configuration. Endpoints live with their containers, in
//! `containers/<id>/endpoints.json` (network name → endpoint), so starting
//! and stopping a container never rewrites a shared document; a listing
//! merges them in. That file is rewritten in place (same inode, padded
//! with spaces, one `pwrite`), so no block is freed per write: on a
//! filesystem mounted with `discard` each freed block costs a synchronous
//! discard.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ipam::{next_free, HostLeases, Subnet};
use crate::error::{Error, IoContext, Result};
use crate::store::{LockGuard, LockMode, Store};

/// Names that are modes, not networks one can create.
pub const PREDEFINED: &[&str] = &["bridge", "host", "none"];
/// The default network's subnet, as Docker's docker0.
pub const DEFAULT_SUBNET: &str = "172.17.0.0/16";

pub type NetworkError = Error;

/// One container's place on a network.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Endpoint {
    pub container: String,
    pub name: String,
    pub ip: Ipv4Addr,
    pub mac: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The container's init while it runs on this network (with its start
    /// time, so a reused pid is not mistaken for it).
    #[serde(default)]
    pub pid: Option<i32>,
    #[serde(default)]
    pub pid_start: Option<u64>,
    /// Host ports published to this endpoint while it runs.
    #[serde(default)]
    pub ports: Vec<super::ports::PortBinding>,
    /// A `--rm` container's: nothing survives it, so its changes to the
    /// document are not fsynced.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ephemeral: bool,
}

impl Endpoint {
    /// True while the container that owns the endpoint runs.
    pub fn live(&self) -> bool {
        match (self.pid, self.pid_start) {
            (Some(pid), Some(start)) => crate::container::proc_start_time(pid) == Some(start),
            _ => false,
        }
    }
}

/// A network document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Network {
    pub name: String,
    pub id: String,
    pub driver: String,
    pub subnet: Subnet,
    pub gateway: Ipv4Addr,
    #[serde(default)]
    pub ip_range: Option<Subnet>,
    #[serde(default)]
    pub internal: bool,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    pub created: DateTime<Utc>,
    /// Endpoints by container ID, read from the containers' files (a
    /// document from an older tug may still hold some: they are moved out
    /// on first read).
    #[serde(default, skip_serializing)]
    pub endpoints: BTreeMap<String, Endpoint>,
}

impl Network {
    /// The host bridge interface: `tug0` for the default network, else
    /// `br-<id12>` (as Docker names its bridges).
    pub fn bridge_name(&self) -> String {
        if let Some(n) = self.options.get("com.docker.network.bridge.name") {
            return n.clone();
        }
        if self.name == "bridge" {
            "tug0".into()
        } else {
            format!("br-{}", &self.id[..12])
        }
    }

    pub fn is_predefined(&self) -> bool {
        PREDEFINED.contains(&self.name.as_str())
    }
}

/// What `network create` was asked for.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    pub driver: Option<String>,
    pub subnet: Option<String>,
    pub gateway: Option<String>,
    pub ip_range: Option<String>,
    pub internal: bool,
    pub labels: BTreeMap<String, String>,
    pub options: BTreeMap<String, String>,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

fn path(store: &Store, name: &str) -> PathBuf {
    store.networks_dir().join(format!("{name}.json"))
}

pub(super) fn lock(store: &Store) -> Result<LockGuard> {
    LockGuard::acquire(&store.networks_dir().join(".lock"), LockMode::Exclusive)
}

fn valid_name(name: &str) -> bool {
    let mut cs = name.chars();
    cs.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && cs.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        && name.len() <= 128
}

fn random_id() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// Writes the network's document (its configuration), fsynced.
pub(super) fn save(store: &Store, n: &Network) -> Result<()> {
    let data = serde_json::to_vec_pretty(n).map_err(|e| Error::json("network", e))?;
    store.write_atomic(&path(store, &n.name), &data)
}

/// Writes `data` over the file at `path` keeping its inode: padded with
/// spaces (JSON ignores them) to the file's length, in one `pwrite`, so a
/// killed writer leaves the old or the new text of a file up to a page,
/// and no block is freed (no discard). The file keeps its largest size.
pub(super) fn write_in_place(path: &Path, data: &[u8]) -> Result<()> {
    use std::os::unix::fs::{FileExt, OpenOptionsExt};
    let f = std::fs::File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .open(path)
        .at(path)?;
    let len = f.metadata().at(path)?.len() as usize;
    let mut buf = data.to_vec();
    if buf.len() < len {
        buf.resize(len, b' ');
    }
    f.write_all_at(&buf, 0).at(path)
}

/// A container's endpoints file.
fn endpoints_path(store: &Store, cid: &str) -> PathBuf {
    crate::container::dir(store, cid).join("endpoints.json")
}

/// Container `cid`'s endpoints by network name (none if its file is
/// missing or damaged: addresses are taken again at start).
fn read_endpoints(store: &Store, cid: &str) -> BTreeMap<String, Endpoint> {
    std::fs::read(endpoints_path(store, cid))
        .ok()
        .and_then(|d| serde_json::from_slice(&d).ok())
        .unwrap_or_default()
}

/// Writes container `cid`'s endpoints: replaced by rename and fsynced when
/// `durable` (an address taken or given back by a container that outlives
/// its run), else in place (run-time state: pid, ports; or an `--rm`
/// container's). Nothing is written for a container already removed.
fn write_endpoints(
    store: &Store,
    cid: &str,
    map: &BTreeMap<String, Endpoint>,
    durable: bool,
) -> Result<()> {
    if !crate::container::dir(store, cid).is_dir() {
        return Ok(());
    }
    let data = serde_json::to_vec(map).map_err(|e| Error::json("endpoints", e))?;
    let p = endpoints_path(store, cid);
    if durable {
        store.write_atomic(&p, &data)
    } else {
        write_in_place(&p, &data)
    }
}

/// Records endpoint `e` on network `net` (see [`write_endpoints`] for
/// `durable`). The caller holds the networks lock.
pub(super) fn put_endpoint(store: &Store, net: &str, e: &Endpoint, durable: bool) -> Result<()> {
    let mut map = read_endpoints(store, &e.container);
    map.insert(net.to_string(), e.clone());
    write_endpoints(store, &e.container, &map, durable)
}

/// Takes container `cid`'s endpoint on network `net` away, and its
/// host-wide lease on the default bridge. The caller holds the networks
/// lock.
pub(super) fn take_endpoint(store: &Store, net: &str, cid: &str) -> Result<Option<Endpoint>> {
    let mut map = read_endpoints(store, cid);
    let Some(e) = map.remove(net) else {
        return Ok(None);
    };
    write_endpoints(store, cid, &map, !e.ephemeral)?;
    if net == "bridge" && super::attach::on_host() {
        HostLeases::open()?.forget(store.root(), cid)?;
    }
    Ok(Some(e))
}

/// Every container's endpoints, by container ID.
fn all_endpoints(store: &Store) -> Result<Vec<(String, BTreeMap<String, Endpoint>)>> {
    let dir = store.containers_dir();
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).at(&dir)?.flatten() {
        let cid = e.file_name().to_string_lossy().into_owned();
        let map = read_endpoints(store, &cid);
        if !map.is_empty() {
            out.push((cid, map));
        }
    }
    Ok(out)
}

/// A document written by an older tug held its endpoints: they move to
/// their containers' files (those of containers since removed are
/// dropped) and the document is written without them.
fn migrate(store: &Store, n: &mut Network) -> Result<()> {
    for (cid, e) in std::mem::take(&mut n.endpoints) {
        let mut map = read_endpoints(store, &cid);
        if !map.contains_key(&n.name) {
            map.insert(n.name.clone(), e);
            write_endpoints(store, &cid, &map, true)?;
        }
    }
    save(store, n)
}

/// A network's document, without endpoints. The caller holds the
/// networks lock.
fn read(store: &Store, name: &str) -> Result<Option<Network>> {
    let p = path(store, name);
    let mut n: Network = match std::fs::read(&p) {
        Ok(d) => serde_json::from_slice(&d).map_err(|e| Error::json(p.display().to_string(), e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(p, e)),
    };
    if !n.endpoints.is_empty() {
        migrate(store, &mut n)?;
    }
    Ok(Some(n))
}

/// The default bridge's subnet and gateway: daemon.json's `bip` (root:
/// the host's bridge; rootless: the session's, as rootless Docker's
/// docker0 lives in its own namespace), else 172.17.0.0/16.
fn default_subnet() -> Result<(Subnet, Ipv4Addr)> {
    if let Some(b) = crate::daemon_json::settings().bip {
        return super::ipam::bip(&b).map_err(invalid);
    }
    let subnet: Subnet = DEFAULT_SUBNET.parse().map_err(invalid)?;
    Ok((subnet, subnet.first_host()))
}

/// The default `bridge` network, created on first use; a `bip` set since
/// applies once no container holds an address on it (`held`: every
/// container's endpoints).
fn default_bridge(
    store: &Store,
    doc: Option<Network>,
    held: &[(String, BTreeMap<String, Endpoint>)],
) -> Result<Network> {
    let (subnet, gateway) = default_subnet()?;
    if let Some(mut n) = doc {
        let in_use = held.iter().any(|(_, m)| m.contains_key("bridge"));
        if (n.subnet, n.gateway) != (subnet, gateway) && !in_use {
            (n.subnet, n.gateway) = (subnet, gateway);
            save(store, &n)?;
        }
        return Ok(n);
    }
    let n = Network {
        name: "bridge".into(),
        id: random_id(),
        driver: "bridge".into(),
        gateway,
        subnet,
        ip_range: None,
        internal: false,
        labels: BTreeMap::new(),
        options: BTreeMap::new(),
        created: Utc::now(),
        endpoints: BTreeMap::new(),
    };
    save(store, &n)?;
    Ok(n)
}

/// Every network, the default bridge first, then by name.
pub fn list(store: &Store) -> Result<Vec<Network>> {
    let _g = lock(store)?;
    list_locked(store)
}

/// [`list`] for a caller that holds the networks lock.
pub(super) fn list_locked(store: &Store) -> Result<Vec<Network>> {
    // Documents first: one from an older tug hands its endpoints over.
    let bridge = read(store, "bridge")?;
    let mut out = Vec::new();
    let dir = store.networks_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .at(&dir)?
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".json")
                .map(String::from)
        })
        .filter(|n| n != "bridge")
        .collect();
    names.sort();
    for n in names {
        if let Some(net) = read(store, &n)? {
            out.push(net);
        }
    }
    let held = all_endpoints(store)?;
    out.insert(0, default_bridge(store, bridge, &held)?);
    for (cid, map) in held {
        for (name, e) in map {
            if let Some(n) = out.iter_mut().find(|n| n.name == name) {
                n.endpoints.insert(cid.clone(), e);
            }
        }
    }
    Ok(out)
}

/// Finds a network by name, full ID or unique ID prefix.
pub fn find(store: &Store, what: &str) -> Result<Network> {
    let all = list(store)?;
    if let Some(n) = all.iter().find(|n| n.name == what || n.id == what) {
        return Ok(n.clone());
    }
    let hits: Vec<&Network> = all
        .iter()
        .filter(|n| !what.is_empty() && n.id.starts_with(what))
        .collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(invalid(format!("network {what} not found"))),
        _ => Err(invalid(format!("network {what} is ambiguous"))),
    }
}

/// Creates a user-defined bridge network.
pub fn create(store: &Store, name: &str, o: &CreateOptions) -> Result<Network> {
    if !valid_name(name) {
        return Err(invalid(format!(
            "invalid network name {name:?}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
        )));
    }
    let driver = o.driver.clone().unwrap_or_else(|| "bridge".into());
    if driver != "bridge" {
        return Err(invalid(format!(
            "network driver {driver:?} is not supported (only bridge)"
        )));
    }
    let _g = lock(store)?;
    let existing = list_locked(store)?;
    if PREDEFINED.contains(&name) || existing.iter().any(|n| n.name == name) {
        return Err(invalid(format!("network with name {name} already exists")));
    }
    let subnet = match &o.subnet {
        Some(s) => {
            let s: Subnet = s.parse().map_err(invalid)?;
            if let Some(other) = existing.iter().find(|n| n.subnet.overlaps(&s)) {
                return Err(invalid(format!(
                    "invalid pool request: subnet {s} overlaps with network {} ({})",
                    other.name, other.subnet
                )));
            }
            s
        }
        None => {
            // As Docker: skip pools the host already routes (a LAN, a VPN,
            // another store's bridges), so a new network never hides them.
            let routed = host_routes();
            let pools = super::ipam::pools(&crate::daemon_json::settings().default_address_pools)
                .map_err(invalid)?;
            pools.into_iter().find(|p| {
                !existing.iter().any(|n| n.subnet.overlaps(p))
                    && !routed.iter().any(|r| r.overlaps(p))
            })
        }
        .ok_or_else(|| invalid("could not find an available, non-overlapping IPv4 address pool"))?,
    };
    let gateway = match &o.gateway {
        Some(g) => {
            let g: Ipv4Addr = g
                .parse()
                .map_err(|_| invalid(format!("invalid gateway {g:?}")))?;
            if !subnet.contains(g) {
                return Err(invalid(format!("gateway {g} is not in subnet {subnet}")));
            }
            g
        }
        None => subnet.first_host(),
    };
    let ip_range = match &o.ip_range {
        Some(r) => {
            let r: Subnet = r.parse().map_err(invalid)?;
            if !subnet.contains_subnet(&r) {
                return Err(invalid(format!(
                    "ip-range {r} is not within subnet {subnet}"
                )));
            }
            Some(r)
        }
        None => None,
    };
    let n = Network {
        name: name.to_string(),
        id: random_id(),
        driver,
        subnet,
        gateway,
        ip_range,
        internal: o.internal,
        labels: o.labels.clone(),
        options: o.options.clone(),
        created: Utc::now(),
        endpoints: BTreeMap::new(),
    };
    save(store, &n)?;
    Ok(n)
}

/// The IPv4 destinations the host routes, except the default route
/// (from /proc/net/route: hex, little-endian destination and mask).
fn host_routes() -> Vec<Subnet> {
    let text = std::fs::read_to_string("/proc/net/route").unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let dest = u32::from_str_radix(f.get(1)?, 16).ok()?;
            let mask = u32::from_str_radix(f.get(7)?, 16).ok()?;
            let prefix = mask.count_ones() as u8;
            (prefix > 0).then(|| Subnet {
                addr: Ipv4Addr::from(u32::from_be(dest)),
                prefix,
            })
        })
        .collect()
}

/// Removes a user-defined network that no container uses.
pub fn remove(store: &Store, what: &str) -> Result<Network> {
    let n = find(store, what)?;
    if n.is_predefined() {
        return Err(invalid(format!(
            "{} is a pre-defined network and cannot be removed",
            n.name
        )));
    }
    let _g = lock(store)?;
    let current = list_locked(store)?
        .into_iter()
        .find(|c| c.name == n.name)
        .ok_or_else(|| invalid(format!("network {what} not found")))?;
    if !current.endpoints.is_empty() {
        let names: Vec<&str> = current
            .endpoints
            .values()
            .map(|e| e.name.as_str())
            .collect();
        return Err(invalid(format!(
            "error while removing network: network {} has active endpoints ({})",
            n.name,
            names.join(", ")
        )));
    }
    let p = path(store, &n.name);
    std::fs::remove_file(&p).at(&p)?;
    super::attach::drop_bridge(&current)?;
    Ok(current)
}

/// `network prune`: removes every user-defined network no container
/// uses; returns their names.
pub fn prune(store: &Store) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for n in list(store)? {
        if !n.is_predefined() && n.endpoints.is_empty() && remove(store, &n.name).is_ok() {
            removed.push(n.name);
        }
    }
    Ok(removed)
}

/// `system prune`: [`prune`], and as root the host's default bridge with
/// its rules when no container of any store is on it (Docker keeps
/// docker0 for good; here `system prune` is what takes it away).
pub fn prune_all(store: &Store) -> Result<Vec<String>> {
    let removed = prune(store)?;
    let bridge = find(store, "bridge")?;
    if bridge.endpoints.is_empty() {
        super::attach::prune_default_bridge(&bridge)?;
    }
    Ok(removed)
}

/// Gives `container` an address on network `name` (the requested one, or
/// the next free one) and records the endpoint.
pub fn allocate(
    store: &Store,
    name: &str,
    container: &str,
    container_name: &str,
    requested: Option<Ipv4Addr>,
    aliases: &[String],
    ephemeral: bool,
) -> Result<Endpoint> {
    let _g = lock(store)?;
    let mut n = list_locked(store)?
        .into_iter()
        .find(|n| n.name == name)
        .ok_or_else(|| invalid(format!("network {name} not found")))?;
    if let Some(e) = n.endpoints.get(container) {
        return Ok(e.clone());
    }
    let mut used: Vec<Ipv4Addr> = n.endpoints.values().map(|e| e.ip).collect();
    // Every root store shares the default bridge: its addresses are
    // picked against all of theirs, under one host-wide lock.
    let mut leases = None;
    if n.name == "bridge" && super::attach::on_host() {
        let mut l = HostLeases::open()?;
        used.extend(l.others(store.root()));
        // Other stores' containers hold addresses on the one host bridge:
        // a store with none joins their subnet, whatever its daemon.json.
        if n.endpoints.is_empty() {
            if let Some((subnet, gateway)) = l.held_subnet(store.root()) {
                (n.subnet, n.gateway) = (subnet, gateway);
            }
        }
        leases = Some(l);
    }
    let ip = match requested {
        Some(ip) => {
            if n.name == "bridge" {
                return Err(invalid(
                    "user specified IP address is supported on user defined networks only",
                ));
            }
            if !n.subnet.contains(ip) || ip == n.gateway || used.contains(&ip) {
                return Err(invalid(format!(
                    "address {ip} is not available on network {}",
                    n.name
                )));
            }
            ip
        }
        None => next_free(&n.subnet, n.ip_range.as_ref(), n.gateway, &used)
            .ok_or_else(|| invalid(format!("no available IPv4 addresses on network {}", n.name)))?,
    };
    let o = ip.octets();
    let e = Endpoint {
        container: container.to_string(),
        name: container_name.to_string(),
        ip,
        // Docker derives the MAC from the address: 02:42:a.b.c.d.
        mac: format!("02:42:{:02x}:{:02x}:{:02x}:{:02x}", o[0], o[1], o[2], o[3]),
        aliases: aliases.to_vec(),
        pid: None,
        pid_start: None,
        ports: Vec::new(),
        ephemeral,
    };
    put_endpoint(store, &n.name, &e, !ephemeral)?;
    if let Some(l) = leases {
        let own = n.endpoints.iter().map(|(c, e)| (c, e.ip));
        l.set_own(
            store.root(),
            own.chain([(&e.container, e.ip)]),
            (n.subnet, n.gateway),
        )?;
    }
    Ok(e)
}

/// Gives `container`'s endpoints on every network its new name.
pub fn rename_endpoint(store: &Store, container: &str, new_name: &str) -> Result<()> {
    let _g = lock(store)?;
    let mut map = read_endpoints(store, container);
    if map.is_empty() {
        return Ok(());
    }
    for e in map.values_mut() {
        e.name = new_name.to_string();
    }
    write_endpoints(store, container, &map, true)
}

/// Forgets `container`'s endpoint on network `name` (no error if absent).
pub fn release(store: &Store, name: &str, container: &str) -> Result<()> {
    let _g = lock(store)?;
    if let Some(e) = take_endpoint(store, name, container)? {
        super::attach::endpoint_gone(&e)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_allocate_remove() {
        let t = tempfile::tempdir().unwrap();
        let s = Store::open(t.path()).unwrap();
        let n = create(
            &s,
            "app",
            &CreateOptions {
                subnet: Some("10.9.0.0/24".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(n.gateway, Ipv4Addr::new(10, 9, 0, 1));
        assert!(
            create(&s, "app", &CreateOptions::default()).is_err(),
            "duplicate name"
        );
        assert!(
            create(
                &s,
                "other",
                &CreateOptions {
                    subnet: Some("10.9.0.128/25".into()),
                    ..Default::default()
                }
            )
            .is_err(),
            "overlap"
        );
        let auto = create(&s, "auto", &CreateOptions::default()).unwrap();
        // The first pool entry the host does not route (172.18.0.0/16 on a
        // quiet host).
        assert_eq!(auto.subnet.prefix, 16);
        assert!(!host_routes().iter().any(|r| r.overlaps(&auto.subnet)));
        assert!(auto.subnet.to_string().starts_with("172."));
        // Endpoints are kept in their containers' directories.
        for c in ["c1", "c2", "c3"] {
            std::fs::create_dir_all(crate::container::dir(&s, c)).unwrap();
        }
        let e1 = allocate(&s, "app", "c1", "web", None, &[], false).unwrap();
        let e2 = allocate(&s, "app", "c2", "db", None, &["database".into()], false).unwrap();
        assert_eq!(
            (e1.ip, e2.ip),
            (Ipv4Addr::new(10, 9, 0, 2), Ipv4Addr::new(10, 9, 0, 3))
        );
        assert_eq!(find(&s, "app").unwrap().endpoints.len(), 2);
        assert!(remove(&s, "app").is_err(), "in use");
        release(&s, "app", "c1").unwrap();
        release(&s, "app", "c2").unwrap();
        remove(&s, "app").unwrap();
        assert!(remove(&s, "bridge").is_err());
        let b = allocate(&s, "bridge", "c3", "x", None, &[], true).unwrap();
        // 172.17.0.2 unless another root store on the host holds it.
        assert!(b.ip.octets()[..2] == [172, 17] && b.ip.octets()[3] >= 2);
        assert_eq!(
            list(&s)
                .unwrap()
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>(),
            ["bridge", "auto"]
        );
    }

    #[test]
    fn an_older_document_gives_its_endpoints_to_the_containers() {
        let t = tempfile::tempdir().unwrap();
        let s = Store::open(t.path()).unwrap();
        let opts = CreateOptions {
            subnet: Some("10.8.0.0/24".into()),
            ..Default::default()
        };
        let mut n = create(&s, "old", &opts).unwrap();
        std::fs::create_dir_all(crate::container::dir(&s, "c1")).unwrap();
        std::fs::create_dir_all(crate::container::dir(&s, "c2")).unwrap();
        let e = allocate(&s, "old", "c1", "web", None, &[], false).unwrap();
        // As an older tug wrote it: the endpoint in the document only.
        std::fs::remove_file(endpoints_path(&s, "c1")).unwrap();
        n.endpoints.insert("c1".into(), e.clone());
        let mut doc = serde_json::to_value(&n).unwrap();
        doc["endpoints"] = serde_json::json!({ "c1": e });
        std::fs::write(path(&s, "old"), doc.to_string()).unwrap();
        assert_eq!(find(&s, "old").unwrap().endpoints.get("c1"), Some(&e));
        let text = std::fs::read_to_string(path(&s, "old")).unwrap();
        assert!(!text.contains("endpoints"), "{text}");
        assert_eq!(read_endpoints(&s, "c1").get("old"), Some(&e));
        // In place: a shorter text is padded, and still reads.
        let e2 = allocate(&s, "old", "c2", "db", None, &[], true).unwrap();
        release(&s, "old", "c2").unwrap();
        assert!(read_endpoints(&s, "c2").is_empty());
        assert_ne!(e2.ip, e.ip);
    }
}
