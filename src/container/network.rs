//! A container's networking over its life: addresses and /etc files at
//! create, links, the bridge attachment and published ports at start
//! (with the rootless port relay), and letting go at stop and removal.

use std::collections::BTreeMap;
use std::path::Path;

use crate::container::Record;
use crate::error::{Error, Result};
use crate::net::ports::{parse_container_ports, PortBinding};
use crate::net::{attach, hosts, record as netrec, Endpoint};
use crate::runtime::spec::{NetworkMode, RunOptions};
use crate::store::Store;

/// Ports a container exposes: the image's EXPOSE and `--expose`, as
/// `PORT/proto` keys.
pub fn exposed(image: Option<&oci_spec::image::ImageConfiguration>, o: &RunOptions) -> Vec<String> {
    let mut out: Vec<String> = image
        .and_then(|c| c.config().as_ref())
        .and_then(|c| c.exposed_ports().clone())
        .unwrap_or_default();
    for e in &o.expose {
        if let Ok((lo, hi, proto)) = parse_container_ports(e) {
            out.extend((lo..=hi).map(|p| format!("{p}/{proto}")));
        }
    }
    for e in out.iter_mut() {
        if !e.contains('/') {
            e.push_str("/tcp");
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Adds `-P`'s bindings: every exposed port not already published.
pub fn publish_all(o: &mut RunOptions, exposed: &[String]) {
    if !o.publish_all {
        return;
    }
    for e in exposed {
        if let Ok((port, _, proto)) = parse_container_ports(e) {
            if !o
                .publish
                .iter()
                .any(|p| p.container_port == port && p.proto == proto)
            {
                o.publish.push(PortBinding {
                    host_ip: std::net::Ipv4Addr::UNSPECIFIED,
                    host_port: 0,
                    container_port: port,
                    proto,
                });
            }
        }
    }
}

/// A linked container's address, ports and env, for `--link`.
struct LinkTarget {
    name: String,
    ip: std::net::Ipv4Addr,
    short_id: String,
    ports: Vec<String>,
    env: Vec<String>,
}

fn link_target(store: &Store, name: &str) -> Result<LinkTarget> {
    let r = crate::container::find(store, name)
        .map_err(|_| Error::Invalid(format!("could not get container for {name}")))?;
    let net = netrec::find(store, "bridge")?;
    let e = net.endpoints.get(&r.id).ok_or_else(|| {
        Error::Invalid(format!(
            "cannot link to {name}: it is not on the default bridge network"
        ))
    })?;
    let spec = crate::container::launch::load_spec(store, &r.id)?;
    let env = spec
        .process()
        .as_ref()
        .and_then(|p| p.env().clone())
        .unwrap_or_default();
    let image = r
        .image_id
        .as_deref()
        .and_then(|id| crate::image::resolve(store, id).ok());
    Ok(LinkTarget {
        name: r.name.clone(),
        ip: e.ip,
        short_id: r.short_id().to_string(),
        ports: exposed(image.as_ref().map(|i| &i.config), &r.options),
        env,
    })
}

/// Docker's link environment for target `t` under `alias`, seen from `me`.
fn link_env(me: &str, alias: &str, t: &LinkTarget) -> Vec<String> {
    let prefix: String = alias
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut env = vec![format!("{prefix}_NAME=/{me}/{alias}")];
    let mut ports: Vec<(u16, String)> = t
        .ports
        .iter()
        .filter_map(|p| {
            let (port, proto) = p.split_once('/')?;
            Some((port.parse().ok()?, proto.to_string()))
        })
        .collect();
    ports.sort();
    if let Some((port, proto)) = ports.first() {
        env.push(format!("{prefix}_PORT={proto}://{}:{port}", t.ip));
    }
    for (port, proto) in &ports {
        let p = format!("{prefix}_PORT_{port}_{}", proto.to_uppercase());
        env.push(format!("{p}={proto}://{}:{port}", t.ip));
        env.push(format!("{p}_ADDR={}", t.ip));
        env.push(format!("{p}_PORT={port}"));
        env.push(format!("{p}_PROTO={proto}"));
    }
    for kv in &t.env {
        let key = kv.split('=').next().unwrap_or_default();
        if !["HOME", "PATH", "HOSTNAME"].contains(&key) {
            env.push(format!("{prefix}_ENV_{kv}"));
        }
    }
    env
}

/// At create, before the spec: link environment and `-P` bindings.
/// Returns the hosts entries the links add.
pub fn prepare_options(
    store: &Store,
    name: &str,
    image: Option<&oci_spec::image::ImageConfiguration>,
    o: &mut RunOptions,
) -> Result<Vec<(String, String)>> {
    if let Some(other) = &o.net_container {
        let t = crate::container::find(store, other)?;
        o.net_container = Some(t.id);
    }
    let mut entries = Vec::new();
    for (target, alias) in o.links.clone() {
        let t = link_target(store, &target)?;
        let mut env = link_env(name, &alias, &t);
        env.append(&mut o.env);
        o.env = env;
        let mut names = vec![alias.clone()];
        if t.name != alias {
            names.push(t.name.clone());
        }
        names.push(t.short_id.clone());
        entries.push((names.join(" "), t.ip.to_string()));
    }
    let exposed = exposed(image, o);
    publish_all(o, &exposed);
    Ok(entries)
}

/// At create: an address on each network, then the container's /etc
/// files. Undone by [`forget`] if the create fails later. An `ephemeral`
/// (`--rm`) container's addresses are recorded without fsync.
#[allow(clippy::too_many_arguments)]
pub fn allocate(
    store: &Store,
    id: &str,
    name: &str,
    dir: &Path,
    hostname: &str,
    o: &RunOptions,
    link_hosts: &[(String, String)],
    ephemeral: bool,
) -> Result<()> {
    let mut own = None;
    for req in &o.networks {
        let e: Endpoint =
            netrec::allocate(store, &req.name, id, name, req.ip, &req.aliases, ephemeral)
                .inspect_err(|_| {
                    let _ = attach::forget(store, id);
                })?;
        own.get_or_insert(e.ip);
    }
    let mut extra = link_hosts.to_vec();
    let rootless_bridge = crate::paths::is_rootless() && o.network == NetworkMode::Bridge;
    if rootless_bridge {
        // As podman: the host's loopback by name, through the outbound stack.
        let host = crate::net::userstack::HOST.to_string();
        extra.push(("host.containers.internal host.docker.internal".into(), host));
    }
    for (name, ip) in &o.add_hosts {
        let ip = if ip == crate::container::options::HOST_GATEWAY {
            host_gateway(store, o)?
        } else {
            ip.clone()
        };
        extra.push((name.clone(), ip));
    }
    if let (NetworkMode::Container, Some(other)) = (o.network, &o.net_container) {
        // The other container's names and resolvers, as Docker shares them.
        let from = crate::container::dir(store, other);
        for f in ["hosts", "resolv.conf", "hostname"] {
            let (src, dst) = (from.join(f), dir.join(f));
            std::fs::copy(&src, &dst).map_err(|e| Error::io(src, e))?;
        }
        return Ok(());
    }
    let hosts_base = match o.network {
        NetworkMode::Host => {
            std::fs::read_to_string("/etc/hosts").unwrap_or_default()
                + &hosts::base(None, &extra)[hosts::base(None, &[]).len()..]
        }
        NetworkMode::None => {
            hosts::base(None, &extra).replacen("\n", &format!("\n127.0.1.1\t{hostname}\n"), 1)
        }
        NetworkMode::Bridge | NetworkMode::Container => {
            hosts::base(own.map(|ip| (ip, hostname)), &extra)
        }
    };
    let write = |f: &str, data: String| -> Result<()> {
        let p = dir.join(f);
        std::fs::write(&p, data).map_err(|e| Error::io(p, e))
    };
    write("hosts.base", hosts_base.clone())?;
    write("hosts", hosts_base)?;
    write("hostname", format!("{hostname}\n"))?;
    // `--dns`, else daemon.json's `dns`, else the host's resolvers.
    let daemon = crate::daemon_json::settings();
    let dns = if o.dns.is_empty() {
        &daemon.dns
    } else {
        &o.dns
    };
    let dns_search = if o.dns_search.is_empty() {
        &daemon.dns_search
    } else {
        &o.dns_search
    };
    let mut resolv = if dns.is_empty() && rootless_bridge {
        // The outbound stack's forwarder, with the host's search and
        // options lines (its nameservers may be loopback addresses).
        let host = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
        let mut r = format!("nameserver {}\n", crate::net::userstack::DNS);
        for l in host
            .lines()
            .filter(|l| !l.trim_start().starts_with("nameserver"))
        {
            r.push_str(l);
            r.push('\n');
        }
        r
    } else if dns.is_empty() {
        std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default()
    } else {
        dns.iter().map(|d| format!("nameserver {d}\n")).collect()
    };
    if !dns_search.is_empty() {
        resolv = resolv
            .lines()
            .filter(|l| !l.starts_with("search "))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            + &format!("search {}\n", dns_search.join(" "));
    }
    write("resolv.conf", resolv)?;
    if !o.networks.is_empty() {
        let all = netrec::list(store)?;
        let names: Vec<String> = o.networks.iter().map(|n| n.name.clone()).collect();
        hosts::refresh(store, &all, &names);
    }
    Ok(())
}

/// The address `--add-host NAME:host-gateway` names: the host's loopback
/// through the outbound stack when rootless, else (as Docker) the gateway
/// of the container's first network.
fn host_gateway(store: &Store, o: &RunOptions) -> Result<String> {
    if crate::paths::is_rootless() {
        return Ok(crate::net::userstack::HOST.to_string());
    }
    let first = o
        .networks
        .first()
        .map(|n| n.name.as_str())
        .unwrap_or("bridge");
    let all = netrec::list(store)?;
    all.iter()
        .find(|n| n.name == first)
        .map(|n| n.gateway.to_string())
        .ok_or_else(|| Error::Invalid(format!("network {first} not found")))
}

/// At start, between clone and exec: takes addresses (released when the
/// container last stopped), joins the networks and publishes ports.
/// Returns the pid of the rootless port relay it started, if any: the
/// caller owns it and hands it to `stopped`.
pub fn attach(store: &Store, r: &Record, pid: i32) -> Result<Option<i32>> {
    if r.options.network != NetworkMode::Bridge {
        return Ok(None);
    }
    let names: Vec<String> = r.options.networks.iter().map(|n| n.name.clone()).collect();
    retake_addresses(store, r)?;
    let ports = attach::attach(store, &r.id, pid, &names, &r.options.publish)?;
    if !ports.is_empty() && crate::paths::is_rootless() {
        let net = netrec::find(store, &names[0])?;
        let ip = net
            .endpoints
            .get(&r.id)
            .map(|e| e.ip)
            .ok_or_else(|| Error::Invalid("the container lost its address".into()))?;
        let listeners = crate::net::forward::bind(&ports, ip, net.subnet)?;
        return crate::net::forward::spawn(listeners);
    }
    Ok(None)
}

/// Takes again the addresses the container gave back when it last stopped
/// (none on the first start: `create` took them); its own hosts line and
/// its peers' files follow.
fn retake_addresses(store: &Store, r: &Record) -> Result<()> {
    let all = netrec::list(store)?;
    let holds = |name: &str| {
        all.iter()
            .any(|n| n.name == name && n.endpoints.contains_key(&r.id))
    };
    let mut changed = Vec::new();
    for (i, req) in r.options.networks.iter().enumerate() {
        if holds(&req.name) {
            continue;
        }
        let e = netrec::allocate(
            store,
            &req.name,
            &r.id,
            &r.name,
            req.ip,
            &req.aliases,
            r.auto_remove,
        )?;
        if i == 0 {
            hosts::set_own_address(&crate::container::dir(store, &r.id), e.ip)?;
        }
        changed.push(req.name.clone());
    }
    if !changed.is_empty() {
        let all = netrec::list(store)?;
        hosts::write(store, &r.id, &all)?;
        hosts::refresh(store, &all, &changed);
    }
    Ok(())
}

/// When the container stopped: its port relay (from `attach`) goes, its
/// endpoints go idle and give back their addresses (a fixed `--ip` stays
/// reserved), as Docker releases an address when a container stops.
pub fn stopped(store: &Store, r: &Record, relay: Option<i32>) {
    release_addresses(store, r);
    stopped_links(store, r, relay);
}

fn release_addresses(store: &Store, r: &Record) {
    if r.options.network != NetworkMode::Bridge {
        return;
    }
    let mut changed = Vec::new();
    for req in r.options.networks.iter().filter(|n| n.ip.is_none()) {
        if netrec::release(store, &req.name, &r.id).is_ok() {
            changed.push(req.name.clone());
        }
    }
    changed.retain(|n| n != "bridge");
    if changed.is_empty() {
        return;
    }
    if let Ok(all) = netrec::list(store) {
        hosts::refresh(store, &all, &changed);
    }
}

/// The relay goes and the endpoints go idle.
fn stopped_links(store: &Store, r: &Record, relay: Option<i32>) {
    if let Some(relay) = relay.filter(|p| *p > 0) {
        crate::net::forward::stop(relay);
    }
    if r.options.network == NetworkMode::Bridge {
        let _ = attach::detach(store, &r.id);
    }
}

/// When the container is removed: its addresses are freed and the others
/// on its networks forget its name.
pub fn forget(store: &Store, r: &Record) {
    if r.options.networks.is_empty() {
        return;
    }
    if let Ok(left) = attach::forget(store, &r.id) {
        if let Ok(all) = netrec::list(store) {
            hosts::refresh(store, &all, &left);
        }
    }
}

/// After `rename`: the container's endpoints carry the new name, and the
/// others on its networks resolve it.
pub fn renamed(store: &Store, r: &Record) -> Result<()> {
    let names: Vec<String> = r.options.networks.iter().map(|n| n.name.clone()).collect();
    if names.is_empty() {
        return Ok(());
    }
    netrec::rename_endpoint(store, &r.id, &r.name)?;
    hosts::refresh(store, &netrec::list(store)?, &names);
    Ok(())
}

/// `NetworkSettings` for inspect: per-network endpoints and ports.
pub fn settings(store: &Store, r: &Record) -> serde_json::Value {
    use serde_json::json;
    let all = netrec::list(store).unwrap_or_default();
    let mut networks = serde_json::Map::new();
    let mut ports: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    let running = r.status == crate::container::Status::Running;
    let mut top = json!({"IPAddress": "", "Gateway": "", "MacAddress": "", "IPPrefixLen": 0});
    for (i, req) in r.options.networks.iter().enumerate() {
        let Some(n) = all.iter().find(|n| n.name == req.name) else {
            continue;
        };
        let Some(e) = n.endpoints.get(&r.id) else {
            // Stopped: the network without an address, as Docker shows it.
            networks.insert(
                n.name.clone(),
                json!({
                    "Aliases": if n.name == "bridge" { serde_json::Value::Null } else { json!(req.aliases) },
                    "NetworkID": n.id,
                    "EndpointID": "",
                    "Gateway": "",
                    "IPAddress": "",
                    "IPPrefixLen": 0,
                    "MacAddress": "",
                }),
            );
            continue;
        };
        let mut aliases = e.aliases.clone();
        if n.name != "bridge" {
            aliases.push(r.short_id().to_string());
        }
        networks.insert(
            n.name.clone(),
            json!({
                "Aliases": if n.name == "bridge" { serde_json::Value::Null } else { json!(aliases) },
                "NetworkID": n.id,
                "EndpointID": format!("{:x}", sha_of(&format!("{}{}", n.id, r.id))),
                "Gateway": n.gateway.to_string(),
                "IPAddress": e.ip.to_string(),
                "IPPrefixLen": n.subnet.prefix,
                "MacAddress": e.mac,
                "DNSNames": if n.name == "bridge" { serde_json::Value::Null } else { json!([std::slice::from_ref(&r.name), &aliases[..]].concat()) },
            }),
        );
        if i == 0 {
            if n.name == "bridge" {
                top = json!({
                    "IPAddress": e.ip.to_string(),
                    "Gateway": n.gateway.to_string(),
                    "MacAddress": e.mac,
                    "IPPrefixLen": n.subnet.prefix,
                });
            }
            for p in e.ports.iter().filter(|_| running) {
                let list = ports.entry(p.key()).or_insert_with(|| json!([]));
                if let Some(a) = list.as_array_mut() {
                    a.push(json!({"HostIp": p.host_ip.to_string(), "HostPort": p.host_port.to_string()}));
                }
            }
        }
    }
    let mut keys: Vec<String> = r.options.publish.iter().map(PortBinding::key).collect();
    keys.extend(r.options.expose.iter().map(|k| {
        if k.contains('/') {
            k.clone()
        } else {
            format!("{k}/tcp")
        }
    }));
    for key in keys {
        ports.entry(key).or_insert(serde_json::Value::Null);
    }
    json!({
        "Bridge": "",
        "SandboxID": "",
        "SandboxKey": r.pid.filter(|_| running).map(|p| format!("/proc/{p}/ns/net")).unwrap_or_default(),
        "Ports": ports,
        "IPAddress": top["IPAddress"],
        "Gateway": top["Gateway"],
        "MacAddress": top["MacAddress"],
        "IPPrefixLen": top["IPPrefixLen"],
        "Networks": networks,
        "Outbound": crate::net::outbound(store.root()).map(String::from).unwrap_or_else(|e| e),
    })
}

fn sha_of(s: &str) -> u128 {
    use sha2::Digest;
    let d = sha2::Sha256::digest(s.as_bytes());
    u128::from_be_bytes(d[..16].try_into().unwrap_or([0; 16]))
}

/// The published ports of a running container (for `ps` and `port`).
pub fn published(store: &Store, r: &Record) -> Vec<PortBinding> {
    let Some(first) = r.options.networks.first() else {
        return Vec::new();
    };
    netrec::find(store, &first.name)
        .ok()
        .and_then(|n| n.endpoints.get(&r.id).cloned())
        .filter(|e| e.live())
        .map(|e| e.ports)
        .unwrap_or_default()
}

/// `network connect NET CONTAINER`: an address on `net` now, and an
/// interface at once if the container runs.
pub fn connect(
    store: &Store,
    what: &str,
    net: &str,
    aliases: &[String],
    ip: Option<std::net::Ipv4Addr>,
) -> Result<()> {
    let mut r = crate::container::refresh(store, crate::container::find(store, what)?);
    if r.options.network != NetworkMode::Bridge {
        return Err(Error::Invalid(format!(
            "container {} is on network mode {:?}: it cannot be connected to other networks",
            r.name,
            format!("{:?}", r.options.network).to_lowercase()
        )));
    }
    let n = netrec::find(store, net)?;
    if r.options.networks.iter().any(|x| x.name == n.name) {
        return Err(Error::Invalid(format!(
            "endpoint with name {} already exists in network {}",
            r.name, n.name
        )));
    }
    netrec::allocate(store, &n.name, &r.id, &r.name, ip, aliases, r.auto_remove)?;
    r.options
        .networks
        .push(crate::runtime::spec::NetworkRequest {
            name: n.name.clone(),
            aliases: aliases.to_vec(),
            ip,
        });
    let running = r.status == crate::container::Status::Running && r.init_alive();
    let joined = if running {
        join_session_if_rootless(store)
            .and_then(|()| attach::connect_running(store, &r.id, r.pid.unwrap_or(0), &n.name))
    } else {
        Ok(())
    };
    if let Err(e) = joined {
        let _ = netrec::release(store, &n.name, &r.id);
        return Err(e);
    }
    crate::container::save(store, &r)?;
    hosts::refresh(store, &netrec::list(store)?, std::slice::from_ref(&n.name));
    Ok(())
}

/// `network disconnect NET CONTAINER`.
pub fn disconnect(store: &Store, what: &str, net: &str) -> Result<()> {
    let mut r = crate::container::refresh(store, crate::container::find(store, what)?);
    let n = netrec::find(store, net)?;
    let Some(pos) = r.options.networks.iter().position(|x| x.name == n.name) else {
        return Err(Error::Invalid(format!(
            "container {} is not connected to network {}",
            r.name, n.name
        )));
    };
    if r.status == crate::container::Status::Running && r.init_alive() {
        if let Some(e) = n.endpoints.get(&r.id) {
            join_session_if_rootless(store)?;
            attach::disconnect_running(r.pid.unwrap_or(0), e)?;
        }
    }
    r.options.networks.remove(pos);
    crate::container::save(store, &r)?;
    netrec::release(store, &n.name, &r.id)?;
    let all = netrec::list(store)?;
    hosts::refresh(store, &all, std::slice::from_ref(&n.name));
    let _ = hosts::write(store, &r.id, &all);
    attach::sync(store)
}

fn join_session_if_rootless(store: &Store) -> Result<()> {
    if crate::paths::is_rootless() {
        crate::net::session::join(store.root())?;
    }
    Ok(())
}
