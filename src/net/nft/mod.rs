//! Root's NAT, isolation and published ports: one nftables table, `ip tug`,
//! shared by every store on the host (bridges and host ports are host-wide),
//! programmed over netlink (`msg.rs`), no `nft` process.
//!
//! The table's chains and rules never change once made: everything that
//! varies is an element of a set or map, so starting a container without
//! `-p` sends nothing, and one with `-p` adds its mappings in one batch.
//!
//! - sets of bridge names: `bridges` (every tug bridge), `masq` (those
//!   whose containers go out through the host), `internal` (`--internal`
//!   networks, kept in), and `same` (`bridge . bridge`: traffic within one
//!   bridge, which `br_netfilter` shows to the forward hook). A network's
//!   names go in when its bridge is made and out at `network rm`.
//! - maps of published ports: `ports` (`proto . port` → `addr . port`,
//!   published on every host address) and `ports_addr` (`addr . proto .
//!   port` → `addr . port`, published on one address).
//! - `prerouting` and `output` (nat): traffic to a local address jumps to
//!   `publish`, which DNATs through the two maps.
//! - `postrouting` (nat): masquerade what leaves a `masq` bridge's
//!   containers, and what 127.0.0.1 sends to a bridge (published on
//!   loopback, with the bridge's `route_localnet`).
//! - `forward` (filter): traffic within a bridge passes; nothing into or
//!   out of an `internal` bridge; published (DNAT'd) traffic passes; other
//!   bridge-to-bridge traffic is dropped.

pub mod msg;
pub mod session;

use std::net::Ipv4Addr;

use msg::{attr, datatype, expr, msg_type, Attrs, Batch, NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL};

use crate::error::{Error, Result};
use crate::net::ports::{PortBinding, Proto};

/// The host-wide table.
pub const TABLE: &str = "tug";

const BRIDGES: &str = "bridges";
const MASQ: &str = "masq";
const INTERNAL: &str = "internal";
const SAME: &str = "same";
const PORTS: &str = "ports";
const PORTS_ADDR: &str = "ports_addr";
const PUBLISH: &str = "publish";

/// The sets in creation order; a set's id in the creating batch is its
/// index + 1.
const SETS: [&str; 6] = [BRIDGES, MASQ, INTERNAL, SAME, PORTS, PORTS_ADDR];

fn set_id(name: &str) -> u32 {
    SETS.iter().position(|s| *s == name).unwrap_or(0) as u32 + 1
}

fn nft_err(what: &str, source: std::io::Error) -> Error {
    Error::io(format!("nftables: {what}"), source)
}

/// A connection to nf_tables in the caller's network namespace.
pub struct Firewall {
    sock: msg::Socket,
}

impl Firewall {
    pub fn open() -> Result<Self> {
        let sock = msg::Socket::open().map_err(|e| nft_err("opening a netlink socket", e))?;
        Ok(Firewall { sock })
    }

    /// Makes the table with its sets, chains and rules unless it exists.
    /// True when it was made now (its sets are then empty).
    pub fn ensure_table(&mut self) -> Result<bool> {
        let exists = self
            .sock
            .table_exists(TABLE)
            .map_err(|e| nft_err("looking up the table", e))?;
        if exists {
            return Ok(false);
        }
        match self.sock.send(layout()) {
            Ok(()) => Ok(true),
            Err(f) if f.source.raw_os_error() == Some(libc::EEXIST) => Ok(false),
            Err(f) => Err(nft_err("creating the table", f.source)),
        }
    }

    /// Deletes table `name` if it exists (the whole host-wide table, or a
    /// per-store table an older tug made).
    pub fn delete_table(&mut self, name: &str) -> Result<()> {
        let mut b = Batch::new();
        b.add(
            msg_type::DELTABLE,
            0,
            Attrs::new().str(attr::TABLE_NAME, name),
        );
        match self.sock.send(b) {
            Err(f) if f.source.raw_os_error() != Some(libc::ENOENT) => {
                Err(nft_err("deleting a table", f.source))
            }
            _ => Ok(()),
        }
    }

    /// Sends the batch `make` builds; if the table or a set has vanished
    /// meanwhile (an administrator's `nft flush ruleset`, a table deleted
    /// by a process outside tug's host lock), makes the table again and
    /// sends once more.
    fn send_in_table(&mut self, make: impl Fn() -> Batch) -> std::result::Result<(), msg::Failure> {
        match self.sock.send(make()) {
            Err(f) if f.source.raw_os_error() == Some(libc::ENOENT) => {
                if self.ensure_table().is_err() {
                    return Err(f);
                }
                self.sock.send(make())
            }
            other => other,
        }
    }

    /// Lists a network's bridge in the sets (idempotent).
    pub fn add_network(&mut self, bridge: &str, internal: bool) -> Result<()> {
        let elements = network_elements(bridge, internal);
        if elements.is_empty() {
            return Ok(());
        }
        self.send_in_table(|| {
            let mut b = Batch::new();
            for e in &elements {
                b.add(msg_type::NEWSETELEM, NLM_F_CREATE, e.message());
            }
            b
        })
        .map_err(|f| nft_err("adding a network", f.source))
    }

    /// Takes a network's bridge out of the sets.
    pub fn remove_network(&mut self, bridge: &str, internal: bool) -> Result<()> {
        self.remove("removing a network", &network_elements(bridge, internal))
    }

    /// Publishes `ports` of the container at `ip`: one map element each,
    /// all in one batch. A host port another store holds fails as Docker
    /// says it.
    pub fn publish(&mut self, ip: Ipv4Addr, ports: &[PortBinding]) -> Result<()> {
        if ports.is_empty() {
            return Ok(());
        }
        let batch = || {
            let mut b = Batch::new();
            for p in ports {
                b.add(
                    msg_type::NEWSETELEM,
                    NLM_F_CREATE | NLM_F_EXCL,
                    port_element(ip, p).message(),
                );
            }
            b
        };
        match self.send_in_table(batch) {
            Ok(()) => Ok(()),
            Err(f) if f.source.raw_os_error() == Some(libc::EEXIST) => {
                let p = ports.get(f.index).unwrap_or(&ports[0]);
                Err(Error::Invalid(format!(
                    "Bind for {}:{} failed: port is already allocated",
                    p.host_ip, p.host_port
                )))
            }
            Err(f) => Err(nft_err("publishing ports", f.source)),
        }
    }

    /// Withdraws what [`Firewall::publish`] added (missing ones are fine).
    pub fn unpublish(&mut self, ip: Ipv4Addr, ports: &[PortBinding]) -> Result<()> {
        let items: Vec<Element> = ports.iter().map(|p| port_element(ip, p)).collect();
        self.remove("withdrawing published ports", &items)
    }

    /// Deletes elements in one batch; if some were already gone (the
    /// batch then fails whole), one by one, skipping those.
    fn remove(&mut self, what: &str, items: &[Element]) -> Result<()> {
        let batch = |items: &[Element]| {
            let mut b = Batch::new();
            for e in items {
                b.add(msg_type::DELSETELEM, 0, e.message());
            }
            b
        };
        match self.sock.send(batch(items)) {
            Ok(()) => return Ok(()),
            Err(f) if f.source.raw_os_error() == Some(libc::ENOENT) => {}
            Err(f) => return Err(nft_err(what, f.source)),
        }
        for one in items {
            match self.sock.send(batch(std::slice::from_ref(one))) {
                Err(f) if f.source.raw_os_error() != Some(libc::ENOENT) => {
                    return Err(nft_err(what, f.source))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// One element of one of the table's sets or maps.
struct Element {
    set: &'static str,
    key: Vec<u8>,
    data: Option<Vec<u8>>,
}

impl Element {
    /// The body of an `NFT_MSG_NEWSETELEM`/`DELSETELEM` for it.
    fn message(&self) -> Attrs {
        let mut e = Attrs::new().value(attr::SET_ELEM_KEY, &self.key);
        if let Some(d) = &self.data {
            e = e.value(attr::SET_ELEM_DATA, d);
        }
        Attrs::new()
            .str(attr::SET_ELEM_LIST_TABLE, TABLE)
            .str(attr::SET_ELEM_LIST_SET, self.set)
            .nest(
                attr::SET_ELEM_LIST_ELEMENTS,
                Attrs::new().nest(attr::LIST_ELEM, e),
            )
    }
}

/// The set elements that list network `bridge`.
fn network_elements(bridge: &str, internal: bool) -> Vec<Element> {
    let key = ifname(bridge);
    let other = if internal { INTERNAL } else { MASQ };
    let mut out: Vec<Element> = [BRIDGES, other]
        .into_iter()
        .map(|set| Element {
            set,
            key: key.clone(),
            data: None,
        })
        .collect();
    out.push(Element {
        set: SAME,
        key: [key.as_slice(), &key].concat(),
        data: None,
    });
    out
}

/// An interface name as nf_tables compares it: NUL-padded to IFNAMSIZ.
fn ifname(name: &str) -> Vec<u8> {
    let mut v = name.as_bytes().to_vec();
    v.resize(16, 0);
    v
}

fn proto_number(p: Proto) -> u8 {
    match p {
        Proto::Tcp => 6,
        Proto::Udp => 17,
    }
}

/// Concatenated keys and data put each part in its own 4-byte register.
fn word(bytes: &[u8]) -> [u8; 4] {
    let mut w = [0; 4];
    w[..bytes.len()].copy_from_slice(bytes);
    w
}

/// A published port's map element.
fn port_element(ip: Ipv4Addr, p: &PortBinding) -> Element {
    let mut key = Vec::with_capacity(12);
    let set = if p.host_ip.is_unspecified() {
        PORTS
    } else {
        key.extend_from_slice(&p.host_ip.octets());
        PORTS_ADDR
    };
    key.extend_from_slice(&word(&[proto_number(p.proto)]));
    key.extend_from_slice(&word(&p.host_port.to_be_bytes()));
    let mut data = ip.octets().to_vec();
    data.extend_from_slice(&word(&p.container_port.to_be_bytes()));
    Element {
        set,
        key,
        data: Some(data),
    }
}

fn new_set(b: &mut Batch, name: &str, key_type: u32, key_len: u32, data: Option<(u32, u32)>) {
    let mut a = Attrs::new()
        .str(attr::SET_TABLE, TABLE)
        .str(attr::SET_NAME, name)
        .u32(
            attr::SET_FLAGS,
            if data.is_some() { msg::NFT_SET_MAP } else { 0 },
        )
        .u32(attr::SET_KEY_TYPE, key_type)
        .u32(attr::SET_KEY_LEN, key_len);
    if let Some((ty, len)) = data {
        a = a.u32(attr::SET_DATA_TYPE, ty).u32(attr::SET_DATA_LEN, len);
    }
    if key_type == datatype::IFNAME {
        // nft's own note that the key is in host order (a string), so
        // `nft list` prints the names.
        let mut udata = vec![0, 4];
        udata.extend_from_slice(&1u32.to_ne_bytes());
        a = a.bytes(attr::SET_USERDATA, &udata);
    }
    b.add(
        msg_type::NEWSET,
        NLM_F_CREATE | NLM_F_EXCL,
        a.u32(attr::SET_ID, set_id(name)),
    );
}

/// A chain; base chains name their type, hook and priority.
fn new_chain(b: &mut Batch, name: &str, base: Option<(&str, u32, i32)>) {
    chain_in(b, TABLE, name, base);
}

/// A chain of `table`; base chains name their type, hook and priority.
pub(crate) fn chain_in(b: &mut Batch, table: &str, name: &str, base: Option<(&str, u32, i32)>) {
    let mut a = Attrs::new()
        .str(attr::CHAIN_TABLE, table)
        .str(attr::CHAIN_NAME, name);
    if let Some((ty, hook, prio)) = base {
        a = a
            .nest(
                attr::CHAIN_HOOK,
                Attrs::new()
                    .u32(attr::HOOK_HOOKNUM, hook)
                    .u32(attr::HOOK_PRIORITY, prio as u32),
            )
            .u32(attr::CHAIN_POLICY, expr::ACCEPT as u32)
            .str(attr::CHAIN_TYPE, ty);
    }
    b.add(msg_type::NEWCHAIN, NLM_F_CREATE, a);
}

fn new_rule(b: &mut Batch, chain: &str, exprs: Vec<Attrs>) {
    rule_in(b, TABLE, chain, exprs);
}

/// A rule appended to `chain` of `table`.
pub(crate) fn rule_in(b: &mut Batch, table: &str, chain: &str, exprs: Vec<Attrs>) {
    let list = exprs
        .into_iter()
        .fold(Attrs::new(), |l, e| l.nest(attr::LIST_ELEM, e));
    b.add(
        msg_type::NEWRULE,
        NLM_F_CREATE | NLM_F_APPEND,
        Attrs::new()
            .str(attr::RULE_TABLE, table)
            .str(attr::RULE_CHAIN, chain)
            .nest(attr::RULE_EXPRESSIONS, list),
    );
}

/// `iifname @set` / `oifname @set`.
fn if_in(key: u32, set: &str) -> [Attrs; 2] {
    [
        expr::meta(key, expr::REG_1),
        expr::lookup(set, set_id(set), expr::REG_1, None),
    ]
}

/// The whole table, in one batch.
fn layout() -> Batch {
    use expr::*;
    let mut b = Batch::new();
    b.add(
        msg_type::NEWTABLE,
        NLM_F_CREATE | NLM_F_EXCL,
        Attrs::new().str(attr::TABLE_NAME, TABLE),
    );
    for s in [BRIDGES, MASQ, INTERNAL] {
        new_set(&mut b, s, datatype::IFNAME, 16, None);
    }
    let pair = datatype::concat(&[datatype::IFNAME, datatype::IFNAME]);
    new_set(&mut b, SAME, pair, 32, None);
    let target = Some((
        datatype::concat(&[datatype::IPADDR, datatype::INET_SERVICE]),
        8,
    ));
    new_set(
        &mut b,
        PORTS,
        datatype::concat(&[datatype::INET_PROTOCOL, datatype::INET_SERVICE]),
        8,
        target,
    );
    new_set(
        &mut b,
        PORTS_ADDR,
        datatype::concat(&[
            datatype::IPADDR,
            datatype::INET_PROTOCOL,
            datatype::INET_SERVICE,
        ]),
        12,
        target,
    );
    // Hooks: NF_INET_PRE_ROUTING 0, FORWARD 2, LOCAL_OUT 3, POST_ROUTING 4.
    new_chain(&mut b, PUBLISH, None);
    new_chain(&mut b, "prerouting", Some(("nat", 0, -100)));
    new_chain(&mut b, "output", Some(("nat", 3, -100)));
    new_chain(&mut b, "postrouting", Some(("nat", 4, 100)));
    new_chain(&mut b, "forward", Some(("filter", 2, 0)));

    // publish: ip daddr . l4proto . th dport, then l4proto . th dport.
    let th_dport = |reg| payload(TRANSPORT, 2, 2, reg);
    new_rule(
        &mut b,
        PUBLISH,
        vec![
            payload(NETWORK, 16, 4, reg32(0)),
            meta(META_L4PROTO, reg32(1)),
            th_dport(reg32(2)),
            lookup(PORTS_ADDR, set_id(PORTS_ADDR), reg32(0), Some(reg32(0))),
            dnat(reg32(0), reg32(1)),
        ],
    );
    new_rule(
        &mut b,
        PUBLISH,
        vec![
            meta(META_L4PROTO, reg32(0)),
            th_dport(reg32(1)),
            lookup(PORTS, set_id(PORTS), reg32(0), Some(reg32(0))),
            dnat(reg32(0), reg32(1)),
        ],
    );
    // fib daddr type local jump publish (RTN_LOCAL is 2).
    for chain in ["prerouting", "output"] {
        new_rule(
            &mut b,
            chain,
            vec![
                fib_daddr_type(REG_1),
                cmp(EQ, REG_1, &2u32.to_ne_bytes()),
                verdict(JUMP, Some(PUBLISH)),
            ],
        );
    }
    // oifname @bridges ip saddr 127.0.0.0/8 masquerade
    let [m, l] = if_in(META_OIFNAME, BRIDGES);
    new_rule(
        &mut b,
        "postrouting",
        vec![
            m,
            l,
            payload(NETWORK, 12, 4, REG_1),
            and(REG_1, &[255, 0, 0, 0]),
            cmp(EQ, REG_1, &[127, 0, 0, 0]),
            masquerade(),
        ],
    );
    // iifname @masq masquerade
    let [m, l] = if_in(META_IIFNAME, MASQ);
    new_rule(&mut b, "postrouting", vec![m, l, masquerade()]);
    // iifname . oifname @same accept
    new_rule(
        &mut b,
        "forward",
        vec![
            meta(META_IIFNAME, REG_1),
            meta(META_OIFNAME, reg32(4)),
            lookup(SAME, set_id(SAME), REG_1, None),
            verdict(ACCEPT, None),
        ],
    );
    // iifname @internal drop; oifname @internal drop
    for key in [META_IIFNAME, META_OIFNAME] {
        let [m, l] = if_in(key, INTERNAL);
        new_rule(&mut b, "forward", vec![m, l, verdict(DROP, None)]);
    }
    // ct status dnat accept (IPS_DST_NAT is 0x20)
    new_rule(
        &mut b,
        "forward",
        vec![
            ct_status(REG_1),
            and(REG_1, &0x20u32.to_ne_bytes()),
            cmp(NEQ, REG_1, &[0; 4]),
            verdict(ACCEPT, None),
        ],
    );
    // iifname @bridges oifname @bridges drop
    let [m1, l1] = if_in(META_IIFNAME, BRIDGES);
    let [m2, l2] = if_in(META_OIFNAME, BRIDGES);
    new_rule(&mut b, "forward", vec![m1, l1, m2, l2, verdict(DROP, None)]);
    b
}

/// Writes a sysctl of the current network namespace.
pub fn sysctl(path: &str, value: &str) -> Result<()> {
    let p = format!("/proc/sys/{path}");
    std::fs::write(&p, value).map_err(|e| Error::io(p, e))
}

/// The table an older tug kept per store (`tug-<hash of its path>`),
/// deleted when the host-wide table is made.
pub fn legacy_table_name(store_root: &std::path::Path) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(store_root.as_os_str().as_encoded_bytes());
    format!("tug-{}", &hex::encode(h)[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_elements_are_word_aligned() {
        let p = PortBinding {
            host_ip: Ipv4Addr::UNSPECIFIED,
            host_port: 8080,
            container_port: 80,
            proto: Proto::Tcp,
        };
        let e = port_element(Ipv4Addr::new(172, 17, 0, 2), &p);
        assert_eq!(e.set, PORTS);
        assert_eq!(e.key, [6, 0, 0, 0, 0x1f, 0x90, 0, 0]);
        assert_eq!(e.data.unwrap(), [172, 17, 0, 2, 0, 80, 0, 0]);
        let q = PortBinding {
            host_ip: Ipv4Addr::LOCALHOST,
            proto: Proto::Udp,
            ..p
        };
        let e = port_element(Ipv4Addr::new(172, 17, 0, 2), &q);
        assert_eq!(e.set, PORTS_ADDR);
        assert_eq!(e.key, [127, 0, 0, 1, 17, 0, 0, 0, 0x1f, 0x90, 0, 0]);
        assert_eq!(ifname("tug0").len(), 16);
    }
}
