//! Joining running containers to their networks and letting them go.
//!
//! - [`attach`] runs between the container's clone and its exec: it marks
//!   the container's endpoints live, creates the network's bridge if this
//!   is its first container, makes a veth pair whose peer is created
//!   directly inside the container's namespace as `eth0` (`eth1`... for
//!   further networks), gives it its address and default route, and (as
//!   root) rebuilds the NAT rules.
//! - [`detach`] runs when the container stops; [`forget`] when it is
//!   removed. Both end in [`sync`], which deletes the bridges of networks
//!   no running container uses and rebuilds the rules, so a crashed
//!   command's leftovers are cleaned by the next one.
//!
//! Bridges live in the host's network namespace as root, and in the
//! rootless session's namespace otherwise (see `session`). The caller of
//! these functions must be in a user namespace that owns both sides:
//! the initial one as root, the session's when rootless.

use std::os::fd::{AsFd, OwnedFd};

use crate::error::{Error, Result};
use crate::net::firewall;
use crate::net::netlink::{parse_mac, Netlink};
use crate::net::ports::{assign_host_ports, PortBinding};
use crate::net::record::{list_locked, lock, save};
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
    !crate::paths::is_rootless() && !crate::net::session::joined()
}

/// The host side of container `cid`'s veth on its `i`th network.
fn host_ifname(cid: &str, i: usize) -> String {
    format!("veth{}{i}", &cid[..7])
}

fn ensure_bridge(nl: &mut Netlink, n: &Network) -> Result<u32> {
    let br = n.bridge_name();
    if let Some(i) = nl.link_index(&br)? {
        return Ok(i);
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
    nl.add_address(index, n.gateway, n.subnet.prefix)?;
    nl.set_up(index)?;
    if uses_firewall() {
        // Published ports answer on 127.0.0.1 through DNAT to the bridge.
        firewall::sysctl(&format!("net/ipv4/conf/{br}/route_localnet"), "1")?;
        if !n.internal {
            firewall::sysctl("net/ipv4/ip_forward", "1")?;
        }
    }
    Ok(index)
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
        if i == 0 {
            let mut ports = publish.to_vec();
            assign_host_ports(&mut ports, &taken)?;
            e.ports = ports.clone();
            chosen = ports;
        }
        let e = e.clone();
        let n = n.clone();
        save(store, &n)?;
        plug(&mut host, &mut inside, ns.as_fd(), &n, &e, i, &mut routed)?;
    }
    sync_locked(store, &mut host, &all)?;
    Ok(chosen)
}

/// One veth from network `n`'s bridge into the container as `eth{i}`,
/// with the endpoint's address; the first non-internal network also
/// gives the default route.
fn plug(
    host: &mut Netlink,
    inside: &mut Netlink,
    ns: std::os::fd::BorrowedFd,
    n: &Network,
    e: &crate::net::Endpoint,
    i: usize,
    routed: &mut bool,
) -> Result<()> {
    let master = ensure_bridge(host, n)?;
    let host_if = host_ifname(&e.container, i);
    host.delete_link(&host_if)?;
    let peer = format!("eth{i}");
    let mac = parse_mac(&e.mac).ok_or_else(|| Error::Invalid(format!("bad MAC {}", e.mac)))?;
    host.add_veth(&host_if, master, &peer, ns, mac)?;
    let index = inside
        .link_index(&peer)?
        .ok_or_else(|| Error::Invalid(format!("{peer} missing in the container")))?;
    inside.add_address(index, e.ip, n.subnet.prefix)?;
    inside.set_up(index)?;
    if !*routed && !n.internal {
        inside.add_default_route(n.gateway)?;
        *routed = true;
    }
    Ok(())
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
    save(store, &n)?;
    let mut host = bridge_side()?;
    let mut inside = Netlink::open_in(ns.as_fd())?;
    let mut i = 0;
    while inside.link_index(&format!("eth{i}"))?.is_some() {
        i += 1;
    }
    // A container that already has a way out keeps it.
    let mut routed = i > 0;
    plug(&mut host, &mut inside, ns.as_fd(), &n, &e, i, &mut routed)?;
    sync_locked(store, &mut host, &all)
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

/// Marks container `cid`'s endpoints stopped and tidies up.
pub fn detach(store: &Store, cid: &str) -> Result<()> {
    let _g = lock(store)?;
    let mut all = list_locked(store)?;
    for n in all.iter_mut() {
        if let Some(e) = n.endpoints.get_mut(cid) {
            e.pid = None;
            e.pid_start = None;
            e.ports.clear();
            save(store, n)?;
        }
    }
    let _h = host_lock()?;
    let mut host = match bridge_side() {
        Ok(h) => h,
        // Rootless with no session left: nothing to tidy.
        Err(_) => return Ok(()),
    };
    sync_locked(store, &mut host, &all)
}

/// Tidies up after crashed commands: bridges without running containers
/// go, and the rules match what runs.
pub fn sync(store: &Store) -> Result<()> {
    let _g = lock(store)?;
    let all = list_locked(store)?;
    let _h = host_lock()?;
    let mut host = match bridge_side() {
        Ok(h) => h,
        Err(_) => return Ok(()),
    };
    sync_locked(store, &mut host, &all)
}

fn sync_locked(store: &Store, host: &mut Netlink, all: &[Network]) -> Result<()> {
    let mut active = Vec::new();
    for n in all {
        if n.endpoints.values().any(|e| e.live()) {
            active.push(n);
        } else if let Some(index) = host.link_index(&n.bridge_name())? {
            // Another store's containers may share the default bridge.
            if !host.has_ports(index)? {
                host.delete_link(&n.bridge_name())?;
            }
        }
    }
    if uses_firewall() {
        let script = firewall::script(&firewall::table_name(store.root()), &active);
        // Keyed by boot: a reboot empties the kernel's tables.
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").unwrap_or_default();
        let script_key = format!("# boot {}{script}", boot);
        // The last script applied: nft costs a process and a kernel
        // transaction, so an unchanged rule set is not sent again.
        let applied = store.networks_dir().join(".nft-applied");
        if std::fs::read_to_string(&applied).is_ok_and(|a| a == script_key) {
            return Ok(());
        }
        let _ = std::fs::remove_file(&applied);
        let outcome = firewall::apply(&script);
        if outcome.is_ok() {
            let _ = crate::store::write_atomic_in(
                store.networks_dir().as_path(),
                &applied,
                script.as_bytes(),
            );
        }
        if let Err(e) = outcome {
            if active
                .iter()
                .any(|n| n.endpoints.values().any(|e| !e.ports.is_empty()))
            {
                return Err(e);
            }
            // Without nft, containers still reach each other; say why
            // nothing else works.
            store.warn(&format!("{e}: no outbound NAT for containers"));
        }
    }
    Ok(())
}

/// Forgets container `cid` on every network (at `rm`), then tidies up.
pub fn forget(store: &Store, cid: &str) -> Result<Vec<String>> {
    let mut left = Vec::new();
    {
        let _g = lock(store)?;
        for n in list_locked(store)? {
            if n.endpoints.contains_key(cid) {
                let mut n = n;
                n.endpoints.remove(cid);
                save(store, &n)?;
                left.push(n.name.clone());
            }
        }
    }
    sync(store)?;
    Ok(left)
}

/// Deletes a removed network's bridge (containers still dying on it lose
/// their veths with their namespaces).
pub fn drop_bridge(n: &Network) -> Result<()> {
    let _h = host_lock()?;
    match bridge_side() {
        Ok(mut host) => host.delete_link(&n.bridge_name()),
        // Rootless outside the session: the bridge goes with the session.
        Err(_) => Ok(()),
    }
}
