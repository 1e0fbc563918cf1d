//! Networks: user-defined bridge networks and the default `bridge`, their
//! address management, and the data path that joins containers to them.
//!
//! - `record.rs`   — network documents `networks/<name>.json` (replaced
//!   atomically) and the endpoints (container addresses) kept in each
//!   container's `endpoints.json`, all under `networks/.lock`; the default
//!   `bridge` (172.17.0.0/16) always exists
//! - `ipam.rs`     — subnets and address allocation
//! - `netlink.rs`  — a small synchronous rtnetlink client
//! - `attach.rs`   — bridges and veth pairs for starting containers, and
//!   tidying up when they stop
//! - `nft/`        — root's NAT, isolation and published ports: one
//!   host-wide nftables table programmed over netlink (`nft/msg.rs`)
//! - `ports.rs`    — `-p` specs and host port choice
//! - `hosts.rs`    — each container's /etc/hosts: names on its networks, links
//! - `session.rs`  — rootless: the pause process holding the user and
//!   network namespaces that rootless containers and bridges live in
//! - `forward.rs`  — rootless: published ports forwarded from the host
//!   into the session's namespace
//! - `userstack/`  — rootless: outbound traffic, DNS and the host's
//!   loopback through a user-space TCP/IP stack in the session
//! - `outbound.rs` — rootless: which outbound path a session takes, and
//!   the tap helpers (pasta, slirp4netns) where `/dev/net/tun` is usable

pub mod attach;
pub mod forward;
pub mod hosts;
pub mod ipam;
pub mod netlink;
pub mod nft;
pub mod outbound;
pub mod ports;
pub mod record;
pub mod session;
pub mod userstack;

pub use ipam::Subnet;
pub use record::{CreateOptions, Endpoint, Network};

/// How containers reach beyond their networks: root NATs through the
/// host; rootless containers go through the session's path (pasta,
/// slirp4netns or the user-space stack, `outbound.rs`): the running
/// session's, else the one a new session would take. The text says which,
/// for `info` and `inspect`; Err when the path asked for by
/// `TUG_ROOTLESS_NETWORK` is not the one in use (the text says why).
pub fn outbound(root: &std::path::Path) -> std::result::Result<&'static str, String> {
    use outbound::Mode;
    if !crate::paths::is_rootless() {
        return Ok("nat");
    }
    let mode = match session::running_mode(root) {
        Some(m) => m,
        None => match outbound::plan() {
            Ok((m, _)) => m,
            Err(None) => Mode::Userstack,
            Err(Some(why)) => return Err(format!("userstack ({why})")),
        },
    };
    match outbound::requested() {
        Ok(Some(asked)) if asked != mode => Err(format!(
            "{} ({}={} was not usable when the session started)",
            mode.as_str(),
            outbound::ENV,
            asked.as_str()
        )),
        _ => Ok(mode.as_str()),
    }
}
