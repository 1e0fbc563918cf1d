//! The rootless session's own table, `ip tug_session`, in the session's
//! network namespace (never the host's): what lets containers out through
//! a tap helper (pasta, slirp4netns) whose interface is `tap`.
//!
//! - `prerouting` (nat): the two addresses containers know whatever the
//!   path — [`userstack::HOST`](crate::net::userstack::HOST) becomes the
//!   helper's address for the host's loopback, and port 53 of
//!   [`userstack::DNS`](crate::net::userstack::DNS) (UDP and TCP) the
//!   upstream nameserver.
//! - `postrouting` (nat): what leaves through `tap` is masqueraded to the
//!   tap's address.
//! - `forward` (filter): out through `tap`, within one bridge (what
//!   `br_netfilter` shows here), and replies back, pass; everything else
//!   (bridge to bridge) is dropped, so networks stay apart although the
//!   namespace now forwards.

use std::net::{Ipv4Addr, SocketAddrV4};

use super::msg::{attr, expr, msg_type, Attrs, Batch, Socket, NLM_F_CREATE, NLM_F_EXCL};
use super::{chain_in, ifname, nft_err, rule_in};
use crate::error::Result;

/// The session's table.
pub const TABLE: &str = "tug_session";

/// Where the session's special addresses lead through the helper.
pub struct Targets {
    /// The helper's interface in the session's namespace.
    pub tap: String,
    /// The address the helper maps to the host's loopback.
    pub host: Ipv4Addr,
    /// The upstream nameserver, as reached from the session.
    pub dns: SocketAddrV4,
}

/// The table's batch; made once, when the session starts (its namespace
/// is new, so nothing is there yet).
fn layout(t: &Targets) -> Batch {
    use expr::*;
    let mut b = Batch::new();
    let table = Attrs::new().str(attr::TABLE_NAME, TABLE);
    b.add(msg_type::NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, table);
    // Hooks: NF_INET_PRE_ROUTING 0, FORWARD 2, POST_ROUTING 4.
    chain_in(&mut b, TABLE, "prerouting", Some(("nat", 0, -100)));
    chain_in(&mut b, TABLE, "postrouting", Some(("nat", 4, 100)));
    chain_in(&mut b, TABLE, "forward", Some(("filter", 2, 0)));
    let daddr = |ip: Ipv4Addr| [payload(NETWORK, 16, 4, REG_1), cmp(EQ, REG_1, &ip.octets())];
    // ip daddr HOST dnat to host
    let mut r = daddr(crate::net::userstack::HOST).to_vec();
    r.extend([immediate(reg32(0), &t.host.octets()), dnat_addr(reg32(0))]);
    rule_in(&mut b, TABLE, "prerouting", r);
    // ip daddr DNS meta l4proto {udp, tcp} th dport 53 dnat to dns
    for proto in [17u8, 6] {
        let mut r = daddr(crate::net::userstack::DNS).to_vec();
        r.extend([
            meta(META_L4PROTO, REG_1),
            cmp(EQ, REG_1, &[proto]),
            payload(TRANSPORT, 2, 2, REG_1),
            cmp(EQ, REG_1, &53u16.to_be_bytes()),
            immediate(reg32(0), &t.dns.ip().octets()),
            immediate(reg32(1), &t.dns.port().to_be_bytes()),
            dnat(reg32(0), reg32(1)),
        ]);
        rule_in(&mut b, TABLE, "prerouting", r);
    }
    let tap = ifname(&t.tap);
    // oifname tap masquerade
    rule_in(
        &mut b,
        TABLE,
        "postrouting",
        vec![
            meta(META_OIFNAME, REG_1),
            cmp(EQ, REG_1, &tap),
            masquerade(),
        ],
    );
    // oifname tap accept
    rule_in(
        &mut b,
        TABLE,
        "forward",
        vec![
            meta(META_OIFNAME, REG_1),
            cmp(EQ, REG_1, &tap),
            verdict(ACCEPT, None),
        ],
    );
    // fib daddr . iif oif != 0 accept: within one network (br_netfilter,
    // where loaded, shows bridged traffic to this hook as from and to the
    // bridge)
    rule_in(
        &mut b,
        TABLE,
        "forward",
        vec![
            fib_daddr_iif_oif(REG_1),
            cmp(NEQ, REG_1, &[0; 4]),
            verdict(ACCEPT, None),
        ],
    );
    // ct state established,related accept (state bits 2 and 4)
    rule_in(
        &mut b,
        TABLE,
        "forward",
        vec![
            ct_state(REG_1),
            and(REG_1, &6u32.to_ne_bytes()),
            cmp(NEQ, REG_1, &[0; 4]),
            verdict(ACCEPT, None),
        ],
    );
    rule_in(&mut b, TABLE, "forward", vec![verdict(DROP, None)]);
    b
}

/// Installs the table in the calling thread's network namespace.
pub fn install(t: &Targets) -> Result<()> {
    let mut sock = Socket::open().map_err(|e| nft_err("opening a netlink socket", e))?;
    sock.send(layout(t))
        .map_err(|f| nft_err("creating the session's table", f.source))
}
