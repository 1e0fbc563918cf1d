//! NAT and isolation rules for root networking, as one nftables table
//! per store (`ip tug-<hash of the store's path>`) rebuilt from the network documents each time a container
//! starts or stops: outbound masquerade for each non-internal network,
//! DNAT for published ports (including to 127.0.0.1, with the bridge's
//! `route_localnet` on), and forward rules that keep networks apart and
//! `--internal` networks in. The whole table is replaced in one `nft -f`
//! transaction, and deleted when no network is in use, so nothing is left
//! behind.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::net::Network;

/// The store's own table: several stores (test suites, users) may share
/// the host, and each rebuilds only its own rules.
pub fn table_name(store_root: &std::path::Path) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(store_root.as_os_str().as_encoded_bytes());
    format!("tug-{}", &hex::encode(h)[..8])
}

/// The nftables script that replaces `table` with the rules for `active`
/// (the networks that have running containers).
pub fn script(table: &str, active: &[&Network]) -> String {
    let mut s = format!("table ip {table}\ndelete table ip {table}\n");
    if active.is_empty() {
        return s;
    }
    let bridges: Vec<String> = active.iter().map(|n| n.bridge_name()).collect();
    s.push_str(&format!("table ip {table} {{\n"));
    s.push_str("  chain publish {\n");
    for n in active {
        for e in n.endpoints.values().filter(|e| e.live()) {
            for p in &e.ports {
                let daddr = if p.host_ip.is_unspecified() {
                    String::new()
                } else {
                    format!("ip daddr {} ", p.host_ip)
                };
                s.push_str(&format!(
                    "    {daddr}{proto} dport {hp} dnat to {ip}:{cp}\n",
                    proto = p.proto,
                    hp = p.host_port,
                    ip = e.ip,
                    cp = p.container_port
                ));
            }
        }
    }
    s.push_str("  }\n");
    s.push_str(
        "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n    fib daddr type local jump publish\n  }\n",
    );
    s.push_str(
        "  chain output {\n    type nat hook output priority -100; policy accept;\n    fib daddr type local jump publish\n  }\n",
    );
    s.push_str(
        "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n",
    );
    for (n, br) in active.iter().zip(&bridges) {
        // Published to 127.0.0.1: the reply must come back to the host.
        s.push_str(&format!(
            "    oifname \"{br}\" ip saddr 127.0.0.0/8 masquerade\n"
        ));
        if !n.internal {
            s.push_str(&format!(
                "    ip saddr {} oifname != \"{br}\" masquerade\n",
                n.subnet
            ));
        }
    }
    s.push_str("  }\n");
    s.push_str("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
    for (n, br) in active.iter().zip(&bridges) {
        if n.internal {
            s.push_str(&format!("    iifname \"{br}\" oifname != \"{br}\" drop\n"));
            s.push_str(&format!("    oifname \"{br}\" iifname != \"{br}\" drop\n"));
        }
        for other in bridges.iter().filter(|b| *b != br) {
            s.push_str(&format!("    iifname \"{br}\" oifname \"{other}\" drop\n"));
        }
    }
    s.push_str("  }\n}\n");
    s
}

/// Applies `script` with `nft -f -`.
pub fn apply(script: &str) -> Result<()> {
    let nft = ["/usr/sbin/nft", "/sbin/nft"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("nft");
    let mut child = Command::new(nft)
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Error::Invalid(format!(
                "running nft (nftables) for NAT and published ports: {e}"
            ))
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .map_err(|e| Error::io("nft", e))?;
    }
    let out = child.wait_with_output().map_err(|e| Error::io("nft", e))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr);
        let first = msg.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(Error::Invalid(format!("nft: {first}")));
    }
    Ok(())
}

/// Writes a sysctl of the current network namespace.
pub fn sysctl(path: &str, value: &str) -> Result<()> {
    let p = format!("/proc/sys/{path}");
    std::fs::write(&p, value).map_err(|e| Error::io(p, e))
}
