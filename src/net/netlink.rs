//! A small synchronous rtnetlink client: the handful of link, address and
//! route requests networking needs (bridges, veth pairs, addresses, the
//! default route), built with `netlink-packet-route` and sent over a plain
//! `netlink-sys` socket. No async runtime: `run` must stay single-threaded
//! until its clone, and each request is one round trip.
//!
//! A netlink socket acts on the network namespace it was created in, so
//! [`Netlink::open_in`] enters a namespace only long enough to create the
//! socket and then returns the calling thread to where it was.

use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, BorrowedFd};

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL,
    NLM_F_REQUEST,
};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::rule::{RuleAction, RuleAttribute, RuleMessage, RulePortRange};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};

use crate::error::{Error, Result};

/// A connected rtnetlink socket in one network namespace.
pub struct Netlink {
    socket: Socket,
    seq: u32,
}

fn nl_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("netlink: {what}: {e}"))
}

impl Netlink {
    /// A socket in the caller's network namespace.
    pub fn open() -> Result<Self> {
        let mut socket = Socket::new(NETLINK_ROUTE).map_err(|e| nl_err("socket", e))?;
        socket
            .bind_auto()
            .map_err(|e| nl_err("binding the socket", e))?;
        socket
            .connect(&SocketAddr::new(0, 0))
            .map_err(|e| nl_err("connecting the socket", e))?;
        Ok(Netlink { socket, seq: 1 })
    }

    /// A socket in the network namespace `ns` (an open `/proc/PID/ns/net`
    /// or a bind-mounted namespace file); the calling thread stays where
    /// it is.
    pub fn open_in(ns: BorrowedFd) -> Result<Self> {
        in_netns(ns, Self::open)?
    }

    /// Appends request `msg` to `out` (padded to 4 bytes) with the next
    /// sequence number, which it returns.
    fn encode(&mut self, msg: RouteNetlinkMessage, flags: u16, out: &mut Vec<u8>) -> u32 {
        let mut header = NetlinkHeader::default();
        header.flags = NLM_F_REQUEST | flags;
        self.seq = self.seq.wrapping_add(1);
        header.sequence_number = self.seq;
        let mut packet = NetlinkMessage::new(header, NetlinkPayload::from(msg));
        packet.finalize();
        let start = out.len();
        out.resize(start + ((packet.buffer_len() + 3) & !3), 0);
        packet.serialize(&mut out[start..start + packet.buffer_len()]);
        self.seq
    }

    /// Sends one request and collects the replies (for dumps) until the
    /// kernel's ack or done.
    fn request(
        &mut self,
        msg: RouteNetlinkMessage,
        flags: u16,
    ) -> Result<Vec<RouteNetlinkMessage>> {
        let mut buf = Vec::new();
        self.encode(msg, flags, &mut buf);
        self.socket
            .send(&buf, 0)
            .map_err(|e| nl_err("sending a request", e))?;
        let mut replies = Vec::new();
        let mut rbuf = vec![0u8; 64 * 1024];
        loop {
            let n = self
                .socket
                .recv(&mut &mut rbuf[..], 0)
                .map_err(|e| nl_err("receiving a reply", e))?;
            let mut off = 0;
            while off < n {
                let m = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&rbuf[off..n])
                    .map_err(|e| nl_err("decoding a reply", e))?;
                let len = m.header.length as usize;
                if m.header.sequence_number == self.seq {
                    match m.payload {
                        NetlinkPayload::Done(_) => return Ok(replies),
                        NetlinkPayload::Error(e) => {
                            return match e.code {
                                None => Ok(replies),
                                Some(_) => Err(Error::Io {
                                    path: "netlink".into(),
                                    source: e.to_io(),
                                }),
                            };
                        }
                        NetlinkPayload::InnerMessage(inner) => {
                            replies.push(inner);
                            if flags & NLM_F_DUMP == 0 && flags & NLM_F_ACK == 0 {
                                return Ok(replies);
                            }
                        }
                        _ => {}
                    }
                }
                if len == 0 {
                    break;
                }
                off += (len + 3) & !3;
            }
        }
    }

    fn ack(&mut self, msg: RouteNetlinkMessage, what: &str) -> Result<()> {
        self.request(msg, NLM_F_ACK)
            .map(|_| ())
            .map_err(|e| with_context(e, what))
    }

    /// Sends requests in one datagram (the kernel handles them in order
    /// and acks each, one round trip for all) and returns each one's
    /// error, if any.
    fn batch(
        &mut self,
        msgs: Vec<(RouteNetlinkMessage, u16)>,
    ) -> Result<Vec<Option<std::io::Error>>> {
        let mut buf = Vec::new();
        let first = self.seq.wrapping_add(1);
        let count = msgs.len();
        for (m, flags) in msgs {
            self.encode(m, flags | NLM_F_ACK, &mut buf);
        }
        self.socket
            .send(&buf, 0)
            .map_err(|e| nl_err("sending a request", e))?;
        let mut acks: Vec<Option<Option<std::io::Error>>> = (0..count).map(|_| None).collect();
        let mut rbuf = vec![0u8; 64 * 1024];
        while acks.iter().any(Option::is_none) {
            let n = self
                .socket
                .recv(&mut &mut rbuf[..], 0)
                .map_err(|e| nl_err("receiving a reply", e))?;
            let mut off = 0;
            while off < n {
                let m = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&rbuf[off..n])
                    .map_err(|e| nl_err("decoding a reply", e))?;
                let i = m.header.sequence_number.wrapping_sub(first) as usize;
                if let (NetlinkPayload::Error(e), Some(slot)) = (&m.payload, acks.get_mut(i)) {
                    *slot = Some(e.code.map(|_| e.to_io()));
                }
                let len = m.header.length as usize;
                if len == 0 {
                    break;
                }
                off += (len + 3) & !3;
            }
        }
        Ok(acks.into_iter().map(Option::flatten).collect())
    }

    /// Gives link `index` (in this socket's namespace) address
    /// `addr/prefix`, brings it up and, with `gateway`, adds the default
    /// route through it: one round trip.
    pub fn configure(
        &mut self,
        index: u32,
        addr: Ipv4Addr,
        prefix: u8,
        gateway: Option<Ipv4Addr>,
    ) -> Result<()> {
        let excl = NLM_F_CREATE | NLM_F_EXCL;
        let mut msgs = vec![
            (
                RouteNetlinkMessage::NewAddress(address_message(index, addr, prefix)),
                excl,
            ),
            (RouteNetlinkMessage::SetLink(up_message(index)), 0),
        ];
        if let Some(gw) = gateway {
            msgs.push((RouteNetlinkMessage::NewRoute(default_route(gw)), excl));
        }
        let what = [
            format!("adding address {addr}/{prefix}"),
            "bringing a link up".to_string(),
            format!("adding the default route via {}", gateway.unwrap_or(addr)),
        ];
        for (i, e) in self.batch(msgs)?.into_iter().enumerate() {
            match e {
                // The address may be there already.
                Some(e) if i == 0 && e.raw_os_error() == Some(libc::EEXIST) => {}
                Some(e) => return Err(Error::Invalid(format!("{}: {e}", what[i]))),
                None => {}
            }
        }
        Ok(())
    }

    /// The index of the link called `name`, if there is one.
    pub fn link_index(&mut self, name: &str) -> Result<Option<u32>> {
        let mut m = LinkMessage::default();
        m.attributes.push(LinkAttribute::IfName(name.into()));
        match self.request(RouteNetlinkMessage::GetLink(m), NLM_F_ACK) {
            Ok(replies) => Ok(replies.into_iter().find_map(|r| match r {
                RouteNetlinkMessage::NewLink(l) => Some(l.header.index),
                _ => None,
            })),
            Err(Error::Io { source, .. }) if source.raw_os_error() == Some(libc::ENODEV) => {
                Ok(None)
            }
            Err(e) => Err(with_context(e, &format!("looking up link {name}"))),
        }
    }

    /// Every link's name (a dump).
    pub fn link_names(&mut self) -> Result<Vec<String>> {
        let replies = self.request(
            RouteNetlinkMessage::GetLink(LinkMessage::default()),
            NLM_F_DUMP,
        )?;
        Ok(replies
            .into_iter()
            .filter_map(|r| match r {
                RouteNetlinkMessage::NewLink(l) => l.attributes.into_iter().find_map(|a| match a {
                    LinkAttribute::IfName(n) => Some(n),
                    _ => None,
                }),
                _ => None,
            })
            .collect())
    }

    /// The index of the link with hardware address `mac`.
    pub fn link_by_mac(&mut self, mac: [u8; 6]) -> Result<Option<u32>> {
        let replies = self.request(
            RouteNetlinkMessage::GetLink(LinkMessage::default()),
            NLM_F_DUMP,
        )?;
        Ok(replies.into_iter().find_map(|r| match r {
            RouteNetlinkMessage::NewLink(l) => l
                .attributes
                .iter()
                .any(|a| matches!(a, LinkAttribute::Address(m) if m[..] == mac[..]))
                .then_some(l.header.index),
            _ => None,
        }))
    }

    /// Deletes the link with index `index`.
    pub fn delete_index(&mut self, index: u32) -> Result<()> {
        let mut m = LinkMessage::default();
        m.header.index = index;
        self.ack(RouteNetlinkMessage::DelLink(m), "deleting a link")
    }

    /// True if any link is enslaved to the bridge with index `bridge`.
    pub fn has_ports(&mut self, bridge: u32) -> Result<bool> {
        let replies = self.request(
            RouteNetlinkMessage::GetLink(LinkMessage::default()),
            NLM_F_DUMP,
        )?;
        Ok(replies.iter().any(|r| match r {
            RouteNetlinkMessage::NewLink(l) => l
                .attributes
                .iter()
                .any(|a| matches!(a, LinkAttribute::Controller(m) if *m == bridge)),
            _ => false,
        }))
    }

    /// Creates a bridge called `name` (down, no address yet).
    pub fn add_bridge(&mut self, name: &str) -> Result<()> {
        let mut m = LinkMessage::default();
        m.attributes.push(LinkAttribute::IfName(name.into()));
        m.attributes
            .push(LinkAttribute::LinkInfo(vec![LinkInfo::Kind(
                InfoKind::Bridge,
            )]));
        self.ack_create(
            RouteNetlinkMessage::NewLink(m),
            &format!("creating bridge {name}"),
        )
    }

    /// Creates a veth pair: `host` here, attached to bridge `master` and up;
    /// its peer `peer` created directly in the namespace `peer_ns` with MAC
    /// `peer_mac`.
    pub fn add_veth(
        &mut self,
        host: &str,
        master: u32,
        peer: &str,
        peer_ns: BorrowedFd,
        peer_mac: [u8; 6],
    ) -> Result<()> {
        let mut p = LinkMessage::default();
        p.attributes.push(LinkAttribute::IfName(peer.into()));
        p.attributes.push(LinkAttribute::Address(peer_mac.to_vec()));
        p.attributes
            .push(LinkAttribute::NetNsFd(peer_ns.as_raw_fd()));
        let mut m = LinkMessage::default();
        m.header.flags = LinkFlags::Up;
        m.header.change_mask = LinkFlags::Up;
        m.attributes.push(LinkAttribute::IfName(host.into()));
        m.attributes.push(LinkAttribute::Controller(master));
        m.attributes.push(LinkAttribute::LinkInfo(vec![
            LinkInfo::Kind(InfoKind::Veth),
            LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(p))),
        ]));
        self.ack_create(
            RouteNetlinkMessage::NewLink(m),
            &format!("creating veth pair {host}"),
        )
    }

    fn ack_create(&mut self, msg: RouteNetlinkMessage, what: &str) -> Result<()> {
        self.request(msg, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
            .map(|_| ())
            .map_err(|e| with_context(e, what))
    }

    /// Brings link `index` up.
    pub fn set_up(&mut self, index: u32) -> Result<()> {
        self.ack(
            RouteNetlinkMessage::SetLink(up_message(index)),
            "bringing a link up",
        )
    }

    /// Deletes the link called `name` (no error when it is already gone).
    pub fn delete_link(&mut self, name: &str) -> Result<()> {
        let Some(index) = self.link_index(name)? else {
            return Ok(());
        };
        let mut m = LinkMessage::default();
        m.header.index = index;
        match self.request(RouteNetlinkMessage::DelLink(m), NLM_F_ACK) {
            Err(Error::Io { source, .. }) if source.raw_os_error() == Some(libc::ENODEV) => Ok(()),
            r => r
                .map(|_| ())
                .map_err(|e| with_context(e, &format!("deleting link {name}"))),
        }
    }

    /// The IPv4 addresses (with prefix lengths) of link `index`.
    pub fn addresses(&mut self, index: u32) -> Result<Vec<(Ipv4Addr, u8)>> {
        let mut m = AddressMessage::default();
        m.header.family = AddressFamily::Inet;
        let replies = self
            .request(RouteNetlinkMessage::GetAddress(m), NLM_F_DUMP)
            .map_err(|e| with_context(e, "listing addresses"))?;
        Ok(replies
            .into_iter()
            .filter_map(|r| match r {
                RouteNetlinkMessage::NewAddress(a) if a.header.index == index => {
                    a.attributes.iter().find_map(|at| match at {
                        AddressAttribute::Local(std::net::IpAddr::V4(ip)) => {
                            Some((*ip, a.header.prefix_len))
                        }
                        _ => None,
                    })
                }
                _ => None,
            })
            .collect())
    }

    /// Removes `addr/prefix` from link `index`.
    pub fn delete_address(&mut self, index: u32, addr: Ipv4Addr, prefix: u8) -> Result<()> {
        let mut m = AddressMessage::default();
        m.header.family = AddressFamily::Inet;
        m.header.prefix_len = prefix;
        m.header.index = index;
        m.attributes.push(AddressAttribute::Local(addr.into()));
        m.attributes.push(AddressAttribute::Address(addr.into()));
        self.ack(
            RouteNetlinkMessage::DelAddress(m),
            &format!("removing address {addr}/{prefix}"),
        )
    }

    /// Adds `addr/prefix` to link `index` (no error if it is there already).
    pub fn add_address(&mut self, index: u32, addr: Ipv4Addr, prefix: u8) -> Result<()> {
        match self.request(
            RouteNetlinkMessage::NewAddress(address_message(index, addr, prefix)),
            NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
        ) {
            Err(Error::Io { source, .. }) if source.raw_os_error() == Some(libc::EEXIST) => Ok(()),
            r => r
                .map(|_| ())
                .map_err(|e| with_context(e, &format!("adding address {addr}/{prefix}"))),
        }
    }

    /// Makes every IPv4 destination local in routing table `table` (an
    /// existing route is fine).
    pub fn add_local_table(&mut self, table: u8) -> Result<()> {
        let mut m = RouteMessage::default();
        m.header = RouteHeader {
            address_family: AddressFamily::Inet,
            table,
            protocol: RouteProtocol::Boot,
            scope: RouteScope::Host,
            kind: RouteType::Local,
            ..m.header
        };
        m.attributes.push(RouteAttribute::Oif(1));
        match self.ack_create(RouteNetlinkMessage::NewRoute(m), "adding a local route") {
            Err(Error::Invalid(e)) if e.contains("exists") => Ok(()),
            other => other,
        }
    }

    /// A policy rule: TCP from `src` port `sport` is routed by `table`
    /// (an identical rule is fine).
    pub fn add_source_port_rule(&mut self, src: Ipv4Addr, sport: u16, table: u8) -> Result<()> {
        let m = source_port_rule(src, sport, table);
        match self.ack_create(RouteNetlinkMessage::NewRule(m), "adding a policy rule") {
            Err(Error::Invalid(e)) if e.contains("exists") => Ok(()),
            other => other,
        }
    }

    /// Deletes the rules [`Self::add_source_port_rule`] made for `src`
    /// with `table`.
    pub fn delete_source_port_rules(&mut self, src: Ipv4Addr, table: u8) -> Result<()> {
        let mut m = RuleMessage::default();
        m.header.family = AddressFamily::Inet;
        let all = self.request(RouteNetlinkMessage::GetRule(m), NLM_F_DUMP)?;
        for r in all {
            let RouteNetlinkMessage::NewRule(r) = r else {
                continue;
            };
            let ours = r.header.table == table
                && r.attributes
                    .iter()
                    .any(|a| matches!(a, RuleAttribute::Source(ip) if *ip == src));
            if ours {
                self.ack(RouteNetlinkMessage::DelRule(r), "deleting a policy rule")?;
            }
        }
        Ok(())
    }
}

fn up_message(index: u32) -> LinkMessage {
    let mut m = LinkMessage::default();
    m.header.index = index;
    m.header.flags = LinkFlags::Up;
    m.header.change_mask = LinkFlags::Up;
    m
}

fn address_message(index: u32, addr: Ipv4Addr, prefix: u8) -> AddressMessage {
    let mut m = AddressMessage::default();
    m.header.family = AddressFamily::Inet;
    m.header.prefix_len = prefix;
    m.header.index = index;
    m.attributes.push(AddressAttribute::Local(addr.into()));
    m.attributes.push(AddressAttribute::Address(addr.into()));
    let bits = if prefix == 0 {
        0
    } else {
        u32::MAX >> prefix.min(32)
    };
    m.attributes
        .push(AddressAttribute::Broadcast(Ipv4Addr::from(
            u32::from(addr) | bits,
        )));
    m
}

fn default_route(gateway: Ipv4Addr) -> RouteMessage {
    let mut m = RouteMessage::default();
    m.header = RouteHeader {
        address_family: AddressFamily::Inet,
        table: RouteHeader::RT_TABLE_MAIN,
        protocol: RouteProtocol::Boot,
        scope: RouteScope::Universe,
        kind: RouteType::Unicast,
        ..m.header
    };
    m.attributes
        .push(RouteAttribute::Gateway(RouteAddress::Inet(gateway)));
    m
}

fn source_port_rule(src: Ipv4Addr, sport: u16, table: u8) -> RuleMessage {
    let mut m = RuleMessage::default();
    m.header.family = AddressFamily::Inet;
    m.header.src_len = 32;
    m.header.table = table;
    m.header.action = RuleAction::ToTable;
    m.attributes.push(RuleAttribute::Source(src.into()));
    m.attributes.push(RuleAttribute::IpProtocol(
        netlink_packet_route::IpProtocol::Tcp,
    ));
    m.attributes
        .push(RuleAttribute::SourcePortRange(RulePortRange {
            start: sport,
            end: sport,
        }));
    m.attributes.push(RuleAttribute::Priority(100));
    m
}

fn with_context(e: Error, what: &str) -> Error {
    match e {
        Error::Io { source, .. } => Error::Invalid(format!("{what}: {source}")),
        e => e,
    }
}

/// Runs `f` on a short-lived thread that first enters network namespace
/// `ns`. A thread, because a rootless process may enter the session's
/// namespace but never return to the host's; the calling thread stays put.
pub fn in_netns<T: Send>(ns: BorrowedFd, f: impl FnOnce() -> T + Send) -> Result<T> {
    std::thread::scope(|s| {
        s.spawn(|| {
            rustix::thread::move_into_link_name_space(
                ns,
                Some(rustix::thread::LinkNameSpaceType::Network),
            )
            .map_err(|e| Error::Invalid(format!("entering a network namespace: {e}")))?;
            Ok(f())
        })
        .join()
        .map_err(|_| Error::Invalid("a network helper thread panicked".into()))?
    })
}

/// A MAC address parsed from `02:42:..` text.
pub fn parse_mac(s: &str) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    let mut parts = s.split(':');
    for b in out.iter_mut() {
        *b = u8::from_str_radix(parts.next()?, 16).ok()?;
    }
    parts.next().is_none().then_some(out)
}
