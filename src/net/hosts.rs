//! Each container's /etc/hosts, managed by tug as Docker does.
//!
//! The file is the container's fixed part (`hosts.base`: localhost, its
//! own address and hostname, `--link` and `--add-host` entries), written at
//! create, followed by the names of every other container on its
//! user-defined networks (name, aliases, short ID). Whenever a container
//! joins or leaves a network, the files of the containers on it are
//! rewritten in place — the same inode stays bind-mounted over the
//! container's /etc/hosts — so containers created later, restarted, or
//! connected afterwards resolve by name.

use std::io::Write;
use std::path::Path;

use crate::error::Result;
use crate::net::Network;
use crate::store::Store;

const LOCALHOST: &str = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";

/// The fixed part of a container's hosts file.
pub fn base(own: Option<(std::net::Ipv4Addr, &str)>, extra: &[(String, String)]) -> String {
    let mut s = String::from(LOCALHOST);
    if let Some((ip, hostname)) = own {
        s.push_str(&format!("{ip}\t{hostname}\n"));
    }
    for (name, ip) in extra {
        s.push_str(&format!("{ip}\t{name}\n"));
    }
    s
}

/// Puts the container's own (new) address on its line of `hosts.base`,
/// the line after the fixed localhost block.
pub fn set_own_address(dir: &Path, ip: std::net::Ipv4Addr) -> Result<()> {
    let path = dir.join("hosts.base");
    let Ok(base) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let fixed = LOCALHOST.lines().count();
    let mut lines: Vec<String> = base.lines().map(String::from).collect();
    if let Some(own) = lines.get_mut(fixed) {
        if let Some((_, name)) = own.split_once('\t') {
            *own = format!("{ip}\t{name}");
        }
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, text).map_err(|e| crate::Error::io(path, e))
}

/// The lines naming the other containers on `cid`'s user-defined networks.
fn peers(cid: &str, networks: &[Network]) -> String {
    let mut s = String::new();
    for n in networks.iter().filter(|n| n.name != "bridge") {
        if !n.endpoints.contains_key(cid) {
            continue;
        }
        for e in n.endpoints.values().filter(|e| e.container != cid) {
            let mut names = vec![e.name.clone()];
            names.extend(e.aliases.iter().cloned());
            names.push(e.container[..12.min(e.container.len())].to_string());
            names.dedup();
            s.push_str(&format!("{}\t{}\n", e.ip, names.join(" ")));
        }
    }
    s
}

/// Rewrites the hosts file of every container on `changed` networks. The
/// default `bridge` names no peers (as in Docker), so a change there
/// rewrites nothing.
pub fn refresh(store: &Store, networks: &[Network], changed: &[String]) {
    let mut done = std::collections::BTreeSet::new();
    let named = |n: &&Network| n.name != "bridge" && changed.contains(&n.name);
    for n in networks.iter().filter(named) {
        for cid in n.endpoints.keys() {
            if done.insert(cid.clone()) {
                let _ = write(store, cid, networks);
            }
        }
    }
}

/// Writes container `cid`'s hosts file from its base and its peers.
pub fn write(store: &Store, cid: &str, networks: &[Network]) -> Result<()> {
    let dir = crate::container::dir(store, cid);
    let Ok(base) = std::fs::read_to_string(dir.join("hosts.base")) else {
        return Ok(());
    };
    let text = base + &peers(cid, networks);
    rewrite_in_place(&dir.join("hosts"), &text)
}

/// Replaces a file's content keeping its inode (it may be bind-mounted).
fn rewrite_in_place(path: &Path, text: &str) -> Result<()> {
    let mut f = std::fs::File::options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|e| crate::Error::io(path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| crate::Error::io(path, e))
}
