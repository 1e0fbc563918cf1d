//! Networks: user-defined bridge networks and the default `bridge`, their
//! address management, and the data path that joins containers to them.
//!
//! - `record.rs`   — network documents `networks/<name>.json` and their
//!   endpoints (container addresses), replaced atomically under
//!   `networks/.lock`; the default `bridge` (172.17.0.0/16) always exists
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

pub mod attach;
pub mod forward;
pub mod hosts;
pub mod ipam;
pub mod netlink;
pub mod nft;
pub mod ports;
pub mod record;
pub mod session;

pub use ipam::Subnet;
pub use record::{CreateOptions, Endpoint, Network};

/// How containers reach beyond their networks: root NATs through the
/// host; rootless needs a TAP device (slirp4netns or pasta), which tug
/// does not drive yet, so rootless containers have no outbound traffic.
/// The text says why, for `info`, `inspect` and the warning.
pub fn outbound() -> std::result::Result<&'static str, String> {
    if !crate::paths::is_rootless() {
        return Ok("nat");
    }
    let tun = match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/net/tun")
    {
        Ok(_) => "/dev/net/tun is usable, but tug does not run slirp4netns or pasta yet",
        Err(_) => "/dev/net/tun cannot be opened by this user, so slirp4netns and pasta cannot run",
    };
    Err(format!(
        "rootless containers reach each other and published ports, but nothing outside: {tun}"
    ))
}
