//! Joining running containers to their networks and letting them go.
//!
//! - [`attach`] runs between the container's clone and its exec: it marks
//!   the container's endpoints live, creates the network's bridge if this
//!   is its first container, makes a veth pair whose peer is created
//!   directly inside the container's namespace as `eth0` (`eth1`... for
//!   further networks), gives it its address and default route, and (as
//!   root) publishes its ports as map elements (see `nft`).
//! - [`detach`] runs when the container stops; [`forget`] when it is
//!   removed. Both end in [`sync`], which withdraws the ports of
//!   containers that died without a detach (root) or deletes the bridges
//!   no running container uses (rootless), so a crashed command's
//!   leftovers are cleaned by the next one.
//!
//! As root a network's bridge and its set elements are made when it is
//! first used and stay, as docker0 does, until `network rm` (or, for the
//! default bridge, `system prune`).
//!
//! Bridges live in the host's network namespace as root, and in the
//! rootless session's namespace otherwise (see `session`). The caller of
//! these functions must be in a user namespace that owns both sides:
//! the initial one as root, the session's when rootless.

use std::os::fd::{AsFd, OwnedFd};

use crate::error::{Error, Result};
use crate::net::netlink::{parse_mac, Netlink};
use crate::net::nft::{self, Firewall};
use crate::net::ports::{assign_host_ports, PortBinding};
use crate::net::record::{list_locked, lock, put_endpoint, take_endpoint};
use crate::net::Network;
use crate::store::Store;

/// Root's bridges are shared by every store on the host: one host-wide
/// lock orders their creation, use and removal. (Rootless bridges live in
/// the store's own session namespace.)
fn host_lock() -> Result<Option<crate::store::LockGuard>> {
    if !uses_firewall() {
        return Ok(None);
    }
    let dir = std::path::Path::new("/run/tug");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    crate::store::LockGuard::acquire(&dir.join("network.lock"), crate::store::LockMode::Exclusive)
        .map(Some)
}

/// A netlink socket where the bridges are.
fn bridge_side() -> Result<Netlink> {
    if crate::paths::is_rootless() || crate::net::session::joined() {
        let ns = crate::net::session::netns()?;
        Netlink::open_in(ns.as_fd())
    } else {
        Netlink::open()
    }
}

fn uses_firewall() -> bool {
    on_host()
}

/// Whether bridges live in the host's namespace (root), shared by every
/// store, rather than in a rootless session's.
pub(super) fn on_host() -> bool {
    !crate::paths::is_rootless() && !crate::net::session::joined()
}

/// The host side of container `cid`'s veth on its `i`th network.
fn host_ifname(cid: &str, i: usize) -> String {
    format!("veth{}{i}", &cid[..7])
}

/// The bridge's index, and whether it was made now.
fn ensure_bridge(nl: &mut Netlink, n: &Network) -> Result<(u32, bool)> {
    let br = n.bridge_name();
    if let Some(i) = nl.link_index(&br)? {
        let want = (n.gateway, n.subnet.prefix);
        let have = nl.addresses(i)?;
        if have.contains(&want) {
            return Ok((i, false));
        }
        if nl.has_ports(i)? {
            // Plugged in on an older subnet, which no container holds an
            // address in any more (they are dying, or of a store that is
            // gone): re-addressed in place.
            nl.add_address(i, want.0, want.1)?;
            for (addr, prefix) in have {
                nl.delete_address(i, addr, prefix)?;
            }
            return Ok((i, false));
        }
        // Idle on an older subnet (daemon.json's `bip` changed since it
        // was made): made anew, as dockerd re-addresses docker0.
        nl.delete_index(i)?;
    }
    if let Err(e) = nl.add_bridge(&br) {
        // Another store made it first (the default bridge is shared).
        if nl.link_index(&br)?.is_none() {
            return Err(e);
        }
    }
    let index = nl
        .link_index(&br)?
        .ok_or_else(|| Error::Invalid(format!("bridge {br} vanished after creation")))?;
    nl.configure(index, n.gateway, n.subnet.prefix, None)?;
    if uses_firewall() {
        // Published ports answer on 127.0.0.1 through DNAT to the bridge.
        nft::sysctl(&format!("net/ipv4/conf/{br}/route_localnet"), "1")?;
        if !n.internal {
            nft::sysctl("net/ipv4/ip_forward", "1")?;
        }
    }
    Ok((index, true))
}

/// As root, the firewall with its table made; a table made now gets the
/// sets of the networks in use filled as their bridges are plugged, and
/// the store's table from an older tug goes.
fn firewall(store: &Store) -> Result<Option<(Firewall, bool)>> {
    if !uses_firewall() {
        return Ok(None);
    }
    let mut fw = Firewall::open()?;
    let fresh = fw.ensure_table()?;
    if fresh {
        fw.delete_table(&nft::legacy_table_name(store.root()))?;
    }
    Ok(Some((fw, fresh)))
}

/// Puts container `cid` (its init is `pid`, not yet exec'd) on `networks`,
/// in order, publishing `publish` on the first. Returns the host ports
/// chosen.
pub fn attach(
    store: &Store,
    cid: &str,
    pid: i32,
    networks: &[String],
    publish: &[PortBinding],
) -> Result<Vec<PortBinding>> {
    let _g = lock(store)?;
    let _h = host_lock()?;
    let ns = open_netns(pid)?;
    let mut all = list_locked(store)?;
    let taken: Vec<PortBinding> = all
        .iter()
        .flat_map(|n| n.endpoints.values())
        .filter(|e| e.container != cid && e.live())
        .flat_map(|e| e.ports.iter().copied())
        .collect();
    let mut host = bridge_side()?;
    let mut inside = Netlink::open_in(ns.as_fd())?;
    let mut fw = match firewall(store) {
        Ok(fw) => fw,
        // Without nf_tables containers still reach each other: say why
        // nothing else works, unless ports were asked for.
        Err(e) if publish.is_empty() => {
            store.warn(&format!("{e}: no outbound NAT for containers"));
            None
        }
        Err(e) => return Err(e),
    };
    let mut routed = false;
    let mut chosen = Vec::new();
    for (i, name) in networks.iter().enumerate() {
        let n = all
            .iter_mut()
            .find(|n| &n.name == name)
            .ok_or_else(|| Error::Invalid(format!("network {name} not found")))?;
        let e = n.endpoints.get_mut(cid).ok_or_else(|| {
            Error::Invalid(format!("the container has no endpoint on network {name}"))
        })?;
        e.pid = Some(pid);
        e.pid_start = crate::container::proc_start_time(pid);
        let ip = e.ip;
        if i == 0 && !publish.is_empty() {
            let mut ports = publish.to_vec();
            assign_host_ports(&mut ports, &taken)?;
            // Recorded only once published: a port another store holds
            // fails here, and must not be withdrawn for it later.
            if let Some((fw, _)) = fw.as_mut() {
                fw.publish(ip, &ports)?;
            }
            e.ports = ports.clone();
            chosen = ports;
        }
        let n = n.clone();
        let e = &n.endpoints[cid];
        put_endpoint(store, &n.name, e, false)?;
        let made = plug(&mut host, &mut inside, ns.as_fd(), &n, e, i, &mut routed)?;
        if let Some((fw, fresh)) = fw.as_mut() {
            if made || *fresh {
                fw.add_network(&n.bridge_name(), n.internal)?;
            }
        }
    }
    sync_locked(store, &mut host, &mut all)?;
    Ok(chosen)
}

/// One veth from network `n`'s bridge into the container as `eth{i}`,
/// with the endpoint's address; the first non-internal network also
/// gives the default route. True when the bridge was made now.
fn plug(
    host: &mut Netlink,
    inside: &mut Netlink,
    ns: std::os::fd::BorrowedFd,
    n: &Network,
    e: &crate::net::Endpoint,
    i: usize,
    routed: &mut bool,
) -> Result<bool> {
    let (master, made) = ensure_bridge(host, n)?;
    let host_if = host_ifname(&e.container, i);
    let peer = format!("eth{i}");
    let mac = parse_mac(&e.mac).ok_or_else(|| Error::Invalid(format!("bad MAC {}", e.mac)))?;
    if host.add_veth(&host_if, master, &peer, ns, mac).is_err() {
        // Left by a container of the same ID prefix that died unplugged.
        host.delete_link(&host_if)?;
        host.add_veth(&host_if, master, &peer, ns, mac)?;
    }
    let index = inside
        .link_index(&peer)?
        .ok_or_else(|| Error::Invalid(format!("{peer} missing in the container")))?;
    let route = !*routed && !n.internal;
    inside.configure(index, e.ip, n.subnet.prefix, route.then_some(n.gateway))?;
    *routed |= route;
    Ok(made)
}

fn open_netns(pid: i32) -> Result<OwnedFd> {
    std::fs::File::open(format!("/proc/{pid}/ns/net"))
        .map(Into::into)
        .map_err(|e| Error::io(format!("/proc/{pid}/ns/net"), e))
}

/// `network connect` of a running container: one more interface, named
/// after the first free `ethN`, on network `name` (already allocated).
pub fn connect_running(store: &Store, cid: &str, pid: i32, name: &str) -> Result<()> {
    let _g = lock(store)?;
    let _h = host_lock()?;
    let ns = open_netns(pid)?;
    let mut all = list_locked(store)?;
    let n = all
        .iter_mut()
        .find(|n| n.name == name)
        .ok_or_else(|| Error::Invalid(format!("network {name} not found")))?;
    let e = n
        .endpoints
        .get_mut(cid)
        .ok_or_else(|| Error::Invalid(format!("the container has no endpoint on {name}")))?;
    e.pid = Some(pid);
    e.pid_start = crate::container::proc_start_time(pid);
    let e = e.clone();
    let n = n.clone();
    put_endpoint(store, &n.name, &e, false)?;
    let mut host = bridge_side()?;
    let mut inside = Netlink::open_in(ns.as_fd())?;
    let mut i = 0;
    while inside.link_index(&format!("eth{i}"))?.is_some() {
        i += 1;
    }
    // A container that already has a way out keeps it.
    let mut routed = i > 0;
    let made = plug(&mut host, &mut inside, ns.as_fd(), &n, &e, i, &mut routed)?;
    if let Some((mut fw, fresh)) = firewall(store)? {
        if made || fresh {
            fw.add_network(&n.bridge_name(), n.internal)?;
        }
    }
    sync_locked(store, &mut host, &mut all)
}

/// `network disconnect` of a running container: its interface on network
/// `n` (found by the endpoint's MAC) goes.
pub fn disconnect_running(pid: i32, e: &crate::net::Endpoint) -> Result<()> {
    let ns = open_netns(pid)?;
    let mut inside = Netlink::open_in(ns.as_fd())?;
    let mac = parse_mac(&e.mac).ok_or_else(|| Error::Invalid(format!("bad MAC {}", e.mac)))?;
    if let Some(index) = inside.link_by_mac(mac)? {
        inside.delete_index(index)?;
    }
    Ok(())
}

/// Marks container `cid`'s endpoints stopped, withdraws its published
/// ports, and tidies up.
pub fn detach(store: &Store, cid: &str) -> Result<()> {
    let _g = lock(store)?;
    let mut all = list_locked(store)?;
    let mut published = Vec::new();
    for n in all.iter_mut() {
        if let Some(e) = n.endpoints.get_mut(cid) {
            if !e.ports.is_empty() {
                published.push((e.ip, std::mem::take(&mut e.ports)));
            }
            e.pid = None;
            e.pid_start = None;
            put_endpoint(store, &n.name, e, false)?;
        }
    }
    if uses_firewall() && !published.is_empty() {
        let _h = host_lock()?;
        unpublish(&published)?;
    }
    sync_all(store, &mut all)
}

/// Withdraws published ports (as root), for endpoints that stop or go.
fn unpublish(published: &[(std::net::Ipv4Addr, Vec<PortBinding>)]) -> Result<()> {
    if published.is_empty() {
        return Ok(());
    }
    let mut fw = Firewall::open()?;
    for (ip, ports) in published {
        fw.unpublish(*ip, ports)?;
    }
    Ok(())
}

/// An endpoint left its network (address released, container removed):
/// its published ports go too. The caller holds the networks lock.
pub(super) fn endpoint_gone(e: &crate::net::Endpoint) -> Result<()> {
    if e.ports.is_empty() || !uses_firewall() {
        return Ok(());
    }
    let _h = host_lock()?;
    unpublish(&[(e.ip, e.ports.clone())])
}

/// Tidies up after crashed commands: the ports of containers that died
/// without a detach are withdrawn (root), idle bridges go (rootless).
pub fn sync(store: &Store) -> Result<()> {
    let _g = lock(store)?;
    let mut all = list_locked(store)?;
    sync_all(store, &mut all)
}

/// [`sync_locked`] for a caller that holds the networks lock but no
/// netlink socket: one is opened only where bridges may go (rootless),
/// and the host lock is taken only when there is something to withdraw.
fn sync_all(store: &Store, all: &mut [Network]) -> Result<()> {
    if uses_firewall() {
        let stale = all
            .iter()
            .flat_map(|n| n.endpoints.values())
            .any(|e| !e.ports.is_empty() && !e.live());
        if !stale {
            return Ok(());
        }
        let _h = host_lock()?;
        return sync_published(store, all);
    }
    let mut host = match bridge_side() {
        // Rootless with no session left: nothing to tidy.
        Err(_) => return Ok(()),
        Ok(h) => h,
    };
    sync_locked(store, &mut host, all)
}

fn sync_locked(store: &Store, host: &mut Netlink, all: &mut [Network]) -> Result<()> {
    if !uses_firewall() {
        // Rootless bridges live in the session and go when idle.
        for n in all.iter() {
            if n.endpoints.values().any(|e| e.live()) {
                continue;
            }
            if let Some(index) = host.link_index(&n.bridge_name())? {
                if !host.has_ports(index)? {
                    host.delete_link(&n.bridge_name())?;
                }
            }
        }
        return Ok(());
    }
    sync_published(store, all)
}

/// As root: withdraws the ports of endpoints whose container died
/// without a detach. The caller holds the networks and host locks.
fn sync_published(store: &Store, all: &mut [Network]) -> Result<()> {
    let mut fw = None;
    for n in all.iter_mut() {
        let dead: Vec<String> = n
            .endpoints
            .iter()
            .filter(|(_, e)| !e.ports.is_empty() && !e.live())
            .map(|(cid, _)| cid.clone())
            .collect();
        for cid in &dead {
            let e = n.endpoints.get_mut(cid).expect("listed above");
            let fw = match &mut fw {
                Some(fw) => fw,
                None => fw.insert(Firewall::open()?),
            };
            fw.unpublish(e.ip, &e.ports)?;
            e.ports.clear();
            e.pid = None;
            e.pid_start = None;
            put_endpoint(store, &n.name, e, false)?;
        }
    }
    Ok(())
}

/// Forgets container `cid` on every network (at `rm`), then tidies up.
pub fn forget(store: &Store, cid: &str) -> Result<Vec<String>> {
    let mut left = Vec::new();
    let mut published = Vec::new();
    {
        let _g = lock(store)?;
        let mut all = list_locked(store)?;
        for n in all.iter_mut() {
            if n.endpoints.remove(cid).is_none() {
                continue;
            }
            if let Some(e) = take_endpoint(store, &n.name, cid)? {
                if !e.ports.is_empty() {
                    published.push((e.ip, e.ports));
                }
            }
            left.push(n.name.clone());
        }
        if uses_firewall() && !published.is_empty() {
            let _h = host_lock()?;
            unpublish(&published)?;
        }
        sync_all(store, &mut all)?;
    }
    Ok(left)
}

/// Deletes a removed network's bridge and, as root, its set elements
/// (containers still dying on it lose their veths with their namespaces).
pub fn drop_bridge(n: &Network) -> Result<()> {
    let _h = host_lock()?;
    match bridge_side() {
        Ok(mut host) => {
            host.delete_link(&n.bridge_name())?;
            if uses_firewall() {
                Firewall::open()?.remove_network(&n.bridge_name(), n.internal)?;
            }
            Ok(())
        }
        // Rootless outside the session: the bridge goes with the session.
        Err(_) => Ok(()),
    }
}

/// `system prune` as root: the default bridge goes when no container of
/// any store is plugged into it, with its set elements; the table goes
/// once no tug bridge is left. True when the bridge went.
pub fn prune_default_bridge(n: &Network) -> Result<bool> {
    if !uses_firewall() {
        return Ok(false);
    }
    let _h = host_lock()?;
    let mut host = Netlink::open()?;
    let br = n.bridge_name();
    if let Some(index) = host.link_index(&br)? {
        if host.has_ports(index)? {
            return Ok(false);
        }
        host.delete_link(&br)?;
    }
    let mut fw = Firewall::open()?;
    fw.remove_network(&br, n.internal)?;
    let others = host
        .link_names()?
        .into_iter()
        .any(|l| l == "tug0" || l.starts_with("br-"));
    if !others {
        fw.delete_table(nft::TABLE)?;
    }
    Ok(true)
}
