//! nf_tables over netlink: the message encoding and the socket.
//!
//! A small encoder of our own (see ARCHITECTURE.md for why no crate):
//! netlink attributes ([`Attrs`]), the handful of nf_tables expressions
//! the rule layout uses ([`expr`]), and [`Batch`], the nfnetlink
//! transaction (`NFNL_MSG_BATCH_BEGIN` … `END`) the kernel applies all or
//! nothing. [`Socket`] sends a batch on a `NETLINK_NETFILTER` socket and
//! waits for one ack per message. Numbers are those of the kernel's
//! `linux/netfilter/nf_tables.h` and `nfnetlink.h`.

use std::io;

use netlink_sys::{protocols::NETLINK_NETFILTER, SocketAddr};

/// nf_tables message types (`NFT_MSG_*`).
pub mod msg_type {
    pub const NEWTABLE: u16 = 0;
    pub const GETTABLE: u16 = 1;
    pub const DELTABLE: u16 = 2;
    pub const NEWCHAIN: u16 = 3;
    pub const NEWRULE: u16 = 6;
    pub const NEWSET: u16 = 9;
    pub const NEWSETELEM: u16 = 12;
    pub const DELSETELEM: u16 = 14;
}

const NFNL_SUBSYS_NFTABLES: u16 = 10;
const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
const NFNL_MSG_BATCH_END: u16 = 0x11;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
pub const NLM_F_EXCL: u16 = 0x200;
pub const NLM_F_CREATE: u16 = 0x400;
pub const NLM_F_APPEND: u16 = 0x800;
const NLA_F_NESTED: u16 = 0x8000;
/// `NFPROTO_IPV4`: every object here lives in an `ip` table.
pub const NFPROTO_IPV4: u8 = 2;

/// Attribute numbers, per object (`NFTA_*`).
pub mod attr {
    pub const TABLE_NAME: u16 = 1;
    pub const CHAIN_TABLE: u16 = 1;
    pub const CHAIN_NAME: u16 = 3;
    pub const CHAIN_HOOK: u16 = 4;
    pub const CHAIN_POLICY: u16 = 5;
    pub const CHAIN_TYPE: u16 = 7;
    pub const HOOK_HOOKNUM: u16 = 1;
    pub const HOOK_PRIORITY: u16 = 2;
    pub const RULE_TABLE: u16 = 1;
    pub const RULE_CHAIN: u16 = 2;
    pub const RULE_EXPRESSIONS: u16 = 4;
    pub const LIST_ELEM: u16 = 1;
    pub const EXPR_NAME: u16 = 1;
    pub const EXPR_DATA: u16 = 2;
    pub const SET_TABLE: u16 = 1;
    pub const SET_NAME: u16 = 2;
    pub const SET_FLAGS: u16 = 3;
    pub const SET_KEY_TYPE: u16 = 4;
    pub const SET_KEY_LEN: u16 = 5;
    pub const SET_DATA_TYPE: u16 = 6;
    pub const SET_DATA_LEN: u16 = 7;
    pub const SET_ID: u16 = 10;
    pub const SET_USERDATA: u16 = 13;
    pub const SET_ELEM_LIST_TABLE: u16 = 1;
    pub const SET_ELEM_LIST_SET: u16 = 2;
    pub const SET_ELEM_LIST_ELEMENTS: u16 = 3;
    pub const SET_ELEM_KEY: u16 = 1;
    pub const SET_ELEM_DATA: u16 = 2;
    pub const DATA_VALUE: u16 = 1;
    pub const DATA_VERDICT: u16 = 2;
    pub const VERDICT_CODE: u16 = 1;
    pub const VERDICT_CHAIN: u16 = 2;
}

/// Set flags (`NFT_SET_*`).
pub const NFT_SET_MAP: u32 = 0x8;
/// nft's data type numbers, kept in the set so `nft list` prints it.
pub mod datatype {
    pub const IPADDR: u32 = 7;
    pub const INET_PROTOCOL: u32 = 12;
    pub const INET_SERVICE: u32 = 13;
    pub const IFNAME: u32 = 41;
    /// nft's number for a concatenation of types.
    pub fn concat(types: &[u32]) -> u32 {
        types.iter().fold(0, |acc, t| (acc << 6) | t)
    }
}

/// Netlink attributes, appended in order; nests are closed by
/// [`Attrs::nest`].
#[derive(Default, Clone)]
pub struct Attrs(Vec<u8>);

impl Attrs {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn bytes(mut self, ty: u16, data: &[u8]) -> Self {
        self.put(ty, data);
        self
    }

    fn put(&mut self, ty: u16, data: &[u8]) {
        let len = 4 + data.len();
        self.0.extend_from_slice(&(len as u16).to_ne_bytes());
        self.0.extend_from_slice(&ty.to_ne_bytes());
        self.0.extend_from_slice(data);
        self.0.resize(self.0.len().next_multiple_of(4), 0);
    }

    /// A NUL-terminated string.
    pub fn str(self, ty: u16, s: &str) -> Self {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        self.bytes(ty, &v)
    }

    /// A big-endian u32, as nf_tables wants its numbers.
    pub fn u32(self, ty: u16, v: u32) -> Self {
        self.bytes(ty, &v.to_be_bytes())
    }

    pub fn nest(mut self, ty: u16, inner: Attrs) -> Self {
        self.put(ty | NLA_F_NESTED, &inner.0);
        self
    }

    /// `NFTA_DATA_VALUE` nested in attribute `ty`.
    pub fn value(self, ty: u16, data: &[u8]) -> Self {
        self.nest(ty, Attrs::new().bytes(attr::DATA_VALUE, data))
    }
}

/// The expressions the rule layout uses, each an `NFTA_LIST_ELEM` of a
/// rule's `NFTA_RULE_EXPRESSIONS`.
pub mod expr {
    use super::{attr, Attrs};

    /// The verdict register and the first 32-bit data registers.
    pub const REG_VERDICT: u32 = 0;
    pub const REG_1: u32 = 1;
    /// `NFT_REG32_01`: the second 4-byte word after `REG_1`'s start.
    pub fn reg32(i: u32) -> u32 {
        8 + i
    }

    fn wrap(name: &str, data: Attrs) -> Attrs {
        Attrs::new()
            .str(attr::EXPR_NAME, name)
            .nest(attr::EXPR_DATA, data)
    }

    /// `meta` keys (`NFT_META_*`).
    pub const META_IIFNAME: u32 = 6;
    pub const META_OIFNAME: u32 = 7;
    pub const META_L4PROTO: u32 = 16;

    pub fn meta(key: u32, dreg: u32) -> Attrs {
        wrap("meta", Attrs::new().u32(1, dreg).u32(2, key))
    }

    /// Payload bases (`NFT_PAYLOAD_*_HEADER`).
    pub const NETWORK: u32 = 1;
    pub const TRANSPORT: u32 = 2;

    pub fn payload(base: u32, offset: u32, len: u32, dreg: u32) -> Attrs {
        wrap(
            "payload",
            Attrs::new()
                .u32(1, dreg)
                .u32(2, base)
                .u32(3, offset)
                .u32(4, len),
        )
    }

    pub const EQ: u32 = 0;
    pub const NEQ: u32 = 1;

    pub fn cmp(op: u32, sreg: u32, data: &[u8]) -> Attrs {
        wrap("cmp", Attrs::new().u32(1, sreg).u32(2, op).value(3, data))
    }

    /// `reg = (reg & mask) ^ 0`.
    pub fn and(reg: u32, mask: &[u8]) -> Attrs {
        let zero = vec![0; mask.len()];
        wrap(
            "bitwise",
            Attrs::new()
                .u32(1, reg)
                .u32(2, reg)
                .u32(3, mask.len() as u32)
                .value(4, mask)
                .value(5, &zero),
        )
    }

    /// A set lookup; with `dreg`, a map lookup that loads the element's
    /// data there.
    pub fn lookup(set: &str, set_id: u32, sreg: u32, dreg: Option<u32>) -> Attrs {
        let mut a = Attrs::new().str(1, set).u32(2, sreg);
        if let Some(d) = dreg {
            a = a.u32(3, d);
        }
        wrap("lookup", a.u32(4, set_id))
    }

    /// Verdict codes (`NF_DROP`, `NF_ACCEPT`, `NFT_JUMP`).
    pub const DROP: i32 = 0;
    pub const ACCEPT: i32 = 1;
    pub const JUMP: i32 = -3;

    pub fn verdict(code: i32, chain: Option<&str>) -> Attrs {
        let mut v = Attrs::new().u32(attr::VERDICT_CODE, code as u32);
        if let Some(c) = chain {
            v = v.str(attr::VERDICT_CHAIN, c);
        }
        wrap(
            "immediate",
            Attrs::new()
                .u32(1, REG_VERDICT)
                .nest(2, Attrs::new().nest(attr::DATA_VERDICT, v)),
        )
    }

    /// `ct status` into `dreg`.
    pub fn ct_status(dreg: u32) -> Attrs {
        wrap("ct", Attrs::new().u32(1, dreg).u32(2, 2))
    }

    /// `fib daddr type` into `dreg`.
    pub fn fib_daddr_type(dreg: u32) -> Attrs {
        wrap("fib", Attrs::new().u32(1, dreg).u32(2, 3).u32(3, 2))
    }

    /// `ct state` into `dreg`.
    pub fn ct_state(dreg: u32) -> Attrs {
        wrap("ct", Attrs::new().u32(1, dreg).u32(2, 0))
    }

    /// Loads `data` into `dreg`.
    pub fn immediate(dreg: u32, data: &[u8]) -> Attrs {
        wrap("immediate", Attrs::new().u32(1, dreg).value(2, data))
    }

    /// `fib daddr . iif oif` into `dreg`: the interface the route to the
    /// destination takes if it is the input interface, else 0.
    pub fn fib_daddr_iif_oif(dreg: u32) -> Attrs {
        // NFT_FIB_RESULT_OIF 1; NFTA_FIB_F_DADDR 2 | NFTA_FIB_F_IIF 8
        wrap("fib", Attrs::new().u32(1, dreg).u32(2, 1).u32(3, 2 | 8))
    }

    pub fn masquerade() -> Attrs {
        wrap("masq", Attrs::new())
    }

    /// `dnat ip to` the address in `addr_reg`, ports kept.
    pub fn dnat_addr(addr_reg: u32) -> Attrs {
        wrap(
            "nat",
            Attrs::new()
                .u32(1, 1)
                .u32(2, super::NFPROTO_IPV4 as u32)
                .u32(3, addr_reg)
                // NF_NAT_RANGE_MAP_IPS
                .u32(7, 0x1),
        )
    }

    /// `dnat ip to` the address in `addr_reg` and the port in `port_reg`.
    pub fn dnat(addr_reg: u32, port_reg: u32) -> Attrs {
        wrap(
            "nat",
            Attrs::new()
                .u32(1, 1)
                .u32(2, super::NFPROTO_IPV4 as u32)
                .u32(3, addr_reg)
                .u32(5, port_reg)
                // NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED
                .u32(7, 0x3),
        )
    }
}

/// One nfnetlink transaction: messages between a batch begin and end.
pub struct Batch {
    buf: Vec<u8>,
    seq: u32,
    first: u32,
    count: usize,
}

fn header(buf: &mut Vec<u8>, ty: u16, flags: u16, seq: u32, family: u8, res_id: u16) -> usize {
    let start = buf.len();
    buf.extend_from_slice(&0u32.to_ne_bytes());
    buf.extend_from_slice(&ty.to_ne_bytes());
    buf.extend_from_slice(&flags.to_ne_bytes());
    buf.extend_from_slice(&seq.to_ne_bytes());
    buf.extend_from_slice(&0u32.to_ne_bytes());
    // struct nfgenmsg: family, version, res_id (big endian)
    buf.push(family);
    buf.push(0);
    buf.extend_from_slice(&res_id.to_be_bytes());
    start
}

fn close(buf: &mut [u8], start: usize) {
    let len = (buf.len() - start) as u32;
    buf[start..start + 4].copy_from_slice(&len.to_ne_bytes());
}

impl Batch {
    pub fn new() -> Self {
        let seq = seq_base();
        let mut buf = Vec::with_capacity(4096);
        let s = header(
            &mut buf,
            NFNL_MSG_BATCH_BEGIN,
            NLM_F_REQUEST,
            seq,
            0,
            NFNL_SUBSYS_NFTABLES,
        );
        close(&mut buf, s);
        Batch {
            buf,
            seq: seq + 1,
            first: seq + 1,
            count: 0,
        }
    }

    /// Adds message `ty` (an `NFT_MSG_*`) with `flags` (create, excl).
    pub fn add(&mut self, ty: u16, flags: u16, attrs: Attrs) {
        let s = header(
            &mut self.buf,
            (NFNL_SUBSYS_NFTABLES << 8) | ty,
            NLM_F_REQUEST | NLM_F_ACK | flags,
            self.seq,
            NFPROTO_IPV4,
            0,
        );
        self.buf.extend_from_slice(&attrs.0);
        close(&mut self.buf, s);
        self.seq += 1;
        self.count += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn finish(mut self) -> (Vec<u8>, u32, usize) {
        let s = header(
            &mut self.buf,
            NFNL_MSG_BATCH_END,
            NLM_F_REQUEST,
            self.seq,
            0,
            NFNL_SUBSYS_NFTABLES,
        );
        close(&mut self.buf, s);
        (self.buf, self.first, self.count)
    }
}

impl Default for Batch {
    fn default() -> Self {
        Self::new()
    }
}

/// Sequence numbers start from the clock, so replies to an earlier
/// process's requests on a reused port id are never mistaken for ours.
fn seq_base() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (t.as_micros() as u32) & 0x7fff_ffff
}

/// A failed nf_tables request: which message (its index in the batch)
/// and the kernel's errno.
#[derive(Debug)]
pub struct Failure {
    pub index: usize,
    pub source: io::Error,
}

/// A `NETLINK_NETFILTER` socket in the caller's network namespace.
pub struct Socket(netlink_sys::Socket);

impl Socket {
    pub fn open() -> io::Result<Self> {
        let mut s = netlink_sys::Socket::new(NETLINK_NETFILTER)?;
        s.bind_auto()?;
        s.connect(&SocketAddr::new(0, 0))?;
        // Errors carry only the failed message's header back.
        s.set_cap_ack(true)?;
        // The kernel answers at once; a lost reply must not hang a run.
        rustix::net::sockopt::set_socket_timeout(
            &s,
            rustix::net::sockopt::Timeout::Recv,
            Some(std::time::Duration::from_secs(10)),
        )?;
        Ok(Socket(s))
    }

    /// Sends `batch` and waits for every message's ack; the first error
    /// (the kernel then applied none of the batch) is returned.
    pub fn send(&mut self, batch: Batch) -> Result<(), Failure> {
        let (buf, first, count) = batch.finish();
        let fail = |source| Failure { index: 0, source };
        self.0.send(&buf, 0).map_err(fail)?;
        let mut acked = 0;
        while acked < count {
            for (seq, errno) in self.replies().map_err(fail)? {
                // The batch begin (first - 1) only ever reports an error.
                let ours = seq >= first && seq < first + count as u32;
                if !(ours || (seq == first - 1 && errno != 0)) {
                    continue;
                }
                if errno != 0 {
                    return Err(Failure {
                        index: seq.saturating_sub(first) as usize,
                        source: io::Error::from_raw_os_error(errno),
                    });
                }
                acked += 1;
            }
        }
        Ok(())
    }

    /// Whether table `name` exists (one `GETTABLE`).
    pub fn table_exists(&mut self, name: &str) -> io::Result<bool> {
        let seq = seq_base();
        let mut buf = Vec::new();
        let s = header(
            &mut buf,
            (NFNL_SUBSYS_NFTABLES << 8) | msg_type::GETTABLE,
            NLM_F_REQUEST | NLM_F_ACK,
            seq,
            NFPROTO_IPV4,
            0,
        );
        buf.extend_from_slice(&Attrs::new().str(attr::TABLE_NAME, name).0);
        close(&mut buf, s);
        self.0.send(&buf, 0)?;
        loop {
            for (got, errno) in self.replies()? {
                if got != seq {
                    continue;
                }
                return match errno {
                    0 => Ok(true),
                    libc::ENOENT => Ok(false),
                    e => Err(io::Error::from_raw_os_error(e)),
                };
            }
        }
    }

    /// The acks and errors in one datagram: (sequence, errno).
    fn replies(&mut self) -> io::Result<Vec<(u32, i32)>> {
        let mut rbuf = vec![0u8; 16 * 1024];
        let n = self.0.recv(&mut &mut rbuf[..], 0)?;
        let mut out = Vec::new();
        let mut off = 0;
        while off + 16 <= n {
            let word = |at: usize| u32::from_ne_bytes(rbuf[at..at + 4].try_into().unwrap());
            let len = word(off) as usize;
            let ty = u16::from_ne_bytes([rbuf[off + 4], rbuf[off + 5]]);
            let seq = word(off + 8);
            if ty == NLMSG_ERROR && off + 20 <= n {
                out.push((seq, -(word(off + 16) as i32)));
            }
            if len < 16 {
                break;
            }
            off += len.next_multiple_of(4);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_aligned_and_nested() {
        let a = Attrs::new().str(1, "tug").nest(2, Attrs::new().u32(1, 7));
        // "tug\0" fits 4 bytes; the nest holds one 8-byte attribute.
        assert_eq!(a.0.len(), 8 + 12);
        assert_eq!(&a.0[4..8], b"tug\0");
        assert_eq!(u16::from_ne_bytes([a.0[10], a.0[11]]), 2 | NLA_F_NESTED);
        assert_eq!(&a.0[16..20], &7u32.to_be_bytes());
        let odd = Attrs::new().bytes(1, &[1, 2, 3, 4, 5]);
        assert_eq!(odd.0.len(), 12);
        assert_eq!(u16::from_ne_bytes([odd.0[0], odd.0[1]]), 9);
        assert_eq!(
            datatype::concat(&[datatype::INET_PROTOCOL, datatype::INET_SERVICE]),
            (12 << 6) | 13
        );
    }

    #[test]
    fn a_batch_is_framed_by_begin_and_end() {
        let mut b = Batch::new();
        b.add(msg_type::NEWTABLE, NLM_F_CREATE, Attrs::new().str(1, "t"));
        let (buf, first, count) = b.finish();
        assert_eq!(count, 1);
        // begin (20) + table (20 + 8) + end (20)
        assert_eq!(buf.len(), 68);
        assert_eq!(u16::from_ne_bytes([buf[4], buf[5]]), NFNL_MSG_BATCH_BEGIN);
        assert_eq!(u16::from_ne_bytes([buf[24], buf[25]]), 10 << 8);
        assert_eq!(u32::from_ne_bytes(buf[28..32].try_into().unwrap()), first);
        assert_eq!(u16::from_ne_bytes([buf[52], buf[53]]), NFNL_MSG_BATCH_END);
    }
}
