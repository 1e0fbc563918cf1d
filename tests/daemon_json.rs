//! daemon.json's `bip` and `default-address-pools`, end to end (issue 11
//! item 8), run as a tutorial would: `run --rm busybox ip addr`.
//!
//! As root the default bridge (`tug0`) is one for the whole host, shared
//! by every store, so this binary's tests run one at a time (a static
//! mutex; `cargo test` runs test binaries one after another), start only
//! once no container of any store holds an address on it, and put it back
//! on 172.17.0.0/16 when they end, so later test binaries see the normal
//! bridge.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::*;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const BIP: &str = "10.231.0.1/24";
const DAEMON_JSON: &str = r#"{"bip": "10.231.0.1/24",
    "default-address-pools": [{"base": "10.232.0.0/16", "size": 24}],
    "features": {"buildkit": true}}"#;

/// The host's default bridge, as `tug0` (root).
const BRIDGE: &str = "tug0";

/// Addresses other stores' containers hold on the default bridge (leases
/// whose container directory still exists, as tug itself counts them).
fn held_leases() -> Vec<String> {
    let Ok(data) = std::fs::read("/run/tug/ipam/bridge.json") else {
        return Vec::new();
    };
    let v: serde_json::Value = serde_json::from_slice(&data).unwrap_or_default();
    let leases = v.get("leases").unwrap_or(&v).as_array().cloned();
    leases
        .unwrap_or_default()
        .iter()
        .filter(|l| {
            let store = l["store"].as_str().unwrap_or("");
            let c = l["container"].as_str().unwrap_or("");
            Path::new(store).join("containers").join(c).exists()
        })
        .map(|l| l["ip"].to_string())
        .collect()
}

/// Waits until no container of any store holds an address on the host's
/// default bridge, which is when tug moves it to another subnet. (A
/// container's veth may stay plugged in a moment longer, or one of a store
/// that is gone: tug re-addresses the bridge in place then.)
fn bridge_idle(deadline: Duration) -> Result<(), String> {
    let end = Instant::now() + deadline;
    loop {
        let held = held_leases();
        if held.is_empty() {
            return Ok(());
        }
        if Instant::now() > end {
            return Err(format!(
                "containers of other stores keep addresses on the default bridge: {held:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The host bridge's IPv4 addresses (`ip -4 -o addr show tug0`).
fn bridge_addresses() -> String {
    let o = std::process::Command::new("ip")
        .args(["-4", "-o", "addr", "show", BRIDGE])
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `inet A/P` of the container's eth0 in `ip addr` output.
fn eth0_inet(ip_addr: &str) -> String {
    ip_addr
        .split("eth0")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().skip_while(|w| *w != "inet").nth(1))
        .unwrap_or("")
        .to_string()
}

/// Imports busybox-static as `busybox`, as the README's quick start does.
fn import_busybox(s: &Scenario) -> Option<()> {
    let tar = busybox_rootfs_tar()?;
    s.tug(["import", tar.to_str().unwrap(), "busybox"])
        .succeeds();
    Some(())
}

/// Writes the test's daemon.json where this scenario's tug reads it:
/// the user's `~/.config/docker/daemon.json` rootless, a file named by
/// `$TUG_DAEMON_JSON` as root (the host's /etc/docker is not the test's).
fn write_daemon_json(s: &Scenario) -> PathBuf {
    let conf = s.path().join("home/.config/docker");
    std::fs::create_dir_all(&conf).unwrap();
    let file = conf.join("daemon.json");
    std::fs::write(&file, DAEMON_JSON).unwrap();
    if s.is_rootless() {
        let (uid, gid) = user_ids(TEST_USER).unwrap();
        chown_r(&s.path().join("home"), uid, gid);
    }
    file
}

/// What a user of the file sees: the default bridge on `bip`, a network
/// created without `--subnet` from the pools, `info` naming the file.
fn check_settings_apply(s: &Scenario, file: &Path) {
    let tug = |args: &[&str]| {
        let mut r = s.tug(args);
        if !s.is_rootless() {
            r.cmd.env("TUG_DAEMON_JSON", file);
        }
        r
    };
    let o = tug(&["run", "--rm", "busybox", "ip", "addr"]).succeeds();
    assert_eq!(eth0_inet(&o.stdout()), "10.231.0.2/24", "{}", o.dump());
    tug(&["run", "--rm", "busybox", "ip", "route"])
        .succeeds()
        .stdout_contains("default via 10.231.0.1 dev eth0");
    // The bridge answers on the bip gateway (it was re-addressed, not just
    // the container's route).
    tug(&[
        "run",
        "--rm",
        "busybox",
        "ping",
        "-c",
        "1",
        "-W",
        "5",
        "10.231.0.1",
    ])
    .succeeds();
    if !s.is_rootless() {
        let addrs = bridge_addresses();
        assert!(addrs.contains(BIP), "{BRIDGE}: {addrs}");
    }
    tug(&[
        "network",
        "inspect",
        "bridge",
        "--format",
        "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}",
    ])
    .succeeds()
    .stdout_is("10.231.0.0/24 10.231.0.1\n");

    tug(&["network", "create", "foo"]).succeeds();
    let o = tug(&[
        "network",
        "inspect",
        "foo",
        "--format",
        "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}",
    ])
    .succeeds();
    let out = o.stdout();
    let (subnet, gateway) = out.trim().split_once(' ').unwrap_or(("", ""));
    assert!(
        subnet.starts_with("10.232.") && subnet.ends_with(".0/24"),
        "foo is not from default-address-pools: {}",
        o.dump()
    );
    let prefix = subnet.trim_end_matches("0/24");
    assert_eq!(gateway, format!("{prefix}1"));
    let o = tug(&["run", "--rm", "--network", "foo", "busybox", "ip", "addr"]).succeeds();
    assert_eq!(
        eth0_inet(&o.stdout()),
        format!("{prefix}2/24"),
        "{}",
        o.dump()
    );

    let o = tug(&["info"]).succeeds();
    assert!(
        o.stdout()
            .contains(&format!("daemon.json: {}", file.display())),
        "{}",
        o.dump()
    );
    o.stdout_contains("Default Network: bridge (10.231.0.0/24)");
    tug(&["network", "rm", "foo"]).succeeds();
}

/// Puts the host's default bridge back on Docker's subnet: a container run
/// without the file gets 172.17.0.x once nothing is plugged in.
struct RestoreBridge<'a>(&'a Scenario);

impl Drop for RestoreBridge<'_> {
    fn drop(&mut self) {
        let s = self.0;
        let _ = s.tug(["network", "rm", "foo"]).run();
        let idle = bridge_idle(Duration::from_secs(60));
        let o = s.tug(["run", "--rm", "busybox", "ip", "addr"]).run();
        if std::thread::panicking() {
            return;
        }
        idle.unwrap();
        assert!(
            eth0_inet(&o.stdout()).starts_with("172.17.0."),
            "{}",
            o.dump()
        );
        let addrs = bridge_addresses();
        assert!(
            addrs.contains("172.17.0.1/16") && !addrs.contains("10.231."),
            "{BRIDGE}: {addrs}"
        );
    }
}

/// Root: `bip` re-addresses the host's default bridge once no container
/// of any store holds an address on it; the pools serve `network create`.
#[test]
fn bip_and_address_pools_root() {
    let _serial = serial();
    if !is_root() {
        skip!("the host's default bridge needs root");
    }
    let s = Scenario::new();
    if import_busybox(&s).is_none() {
        skip!("busybox-static is not installed");
    }
    let file = write_daemon_json(&s);
    if let Err(why) = bridge_idle(Duration::from_secs(120)) {
        skip!("{why}");
    }
    let _restore = RestoreBridge(&s);
    // The bridge as it is without the file (made now if missing).
    s.tug(["run", "--rm", "busybox", "true"]).succeeds();
    // An interface left plugged into the bridge (as a container of a store
    // that is gone leaves its veth): the bridge is re-addressed in place.
    let _orphan = Orphan::plug();
    check_settings_apply(&s, &file);
    let addrs = bridge_addresses();
    assert!(!addrs.contains("172.17."), "{BRIDGE}: {addrs}");
}

/// A veth pair whose one end is a port of the host's default bridge.
struct Orphan;

impl Orphan {
    fn plug() -> Orphan {
        let ip = |args: &[&str]| {
            let o = std::process::Command::new("ip")
                .args(args)
                .output()
                .unwrap();
            assert!(o.status.success(), "ip {args:?}: {o:?}");
        };
        let _ = std::process::Command::new("ip")
            .args(["link", "del", "tugbip0"])
            .output();
        ip(&[
            "link", "add", "tugbip0", "type", "veth", "peer", "name", "tugbip1",
        ]);
        ip(&["link", "set", "tugbip0", "master", BRIDGE]);
        Orphan
    }
}

impl Drop for Orphan {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["link", "del", "tugbip0"])
            .output();
    }
}

/// Rootless: the user's `~/.config/docker/daemon.json`; `bip` sets the
/// default bridge of the store's own session (as rootless Docker's
/// docker0 in its namespace), the pools serve `network create`.
#[test]
fn bip_and_address_pools_rootless() {
    let _serial = serial();
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    if import_busybox(&s).is_none() {
        skip!("busybox-static is not installed");
    }
    let file = write_daemon_json(&s);
    check_settings_apply(&s, &file);
    // Without the file the store's bridge is Docker's again.
    std::fs::remove_file(&file).unwrap();
    let o = s.tug(["run", "--rm", "busybox", "ip", "addr"]).succeeds();
    assert_eq!(eth0_inet(&o.stdout()), "172.17.0.2/16", "{}", o.dump());
}
