//! Root's host-wide nftables table (`ip tug`), read back with `nft list`
//! (the tests' only use of the nft program; tug itself speaks netlink):
//! a container without `-p` changes no rule, a published port is one map
//! element while its container runs, `network rm` takes the network's
//! elements away, and two stores share the default bridge with distinct
//! addresses. The tests compare whole tables, so they run one at a time.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use common::*;

static SERIAL: Mutex<()> = Mutex::new(());

/// A root scenario with a busybox rootfs; None (skipped) when this host
/// cannot run one.
fn root_scenario() -> Option<(Scenario, PathBuf)> {
    if !is_root() {
        assert!(!in_ci(), "nftables tests need root under CI=true");
        eprintln!("SKIPPED: nftables tests need root");
        return None;
    }
    if !have("nft") {
        assert!(!in_ci(), "nftables is not installed under CI=true");
        eprintln!("SKIPPED: nft (nftables) is not installed");
        return None;
    }
    let s = Scenario::new();
    match busybox_rootfs_dir(&s) {
        Some(d) => Some((s, d)),
        None => {
            assert!(!in_ci(), "busybox-static is not installed under CI=true");
            eprintln!("SKIPPED: busybox-static is not installed");
            None
        }
    }
}

fn nft(args: &[&str]) -> String {
    let out = Command::new("nft").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn has_link(name: &str) -> bool {
    Command::new("ip")
        .args(["link", "show", name])
        .output()
        .unwrap()
        .status
        .success()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rm_all(s: &Scenario) {
    for id in s.tug(["ps", "-aq"]).run().stdout().split_whitespace() {
        s.tug(["rm", "-f", id]).run();
    }
}

/// The default bridge's share of the host-wide `ip tug` table (`nft -j`
/// output): chains and rules, the set elements naming `tug0`, the map
/// elements leading to one of `addrs`. Other stores (other tests, other
/// users of this host) add and remove elements of their own meanwhile, so
/// a whole table would differ by theirs.
fn default_bridge_view(table_json: &str, addrs: &[&str]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(table_json)
        .unwrap_or_else(|e| panic!("nft -j list table ip tug: {e}: {table_json}"));
    let ours = |e: &String| {
        e.contains("\"tug0\"") || addrs.iter().any(|a| e.contains(&format!("\"{a}\"")))
    };
    let mut out = Vec::new();
    for obj in v["nftables"].as_array().into_iter().flatten() {
        let Some((kind, body)) = obj.as_object().and_then(|o| o.iter().next()) else {
            continue;
        };
        match kind.as_str() {
            "set" | "map" => {
                let elems = body["elem"].as_array().into_iter().flatten();
                let mut elems: Vec<String> = elems.map(|e| e.to_string()).filter(ours).collect();
                elems.sort();
                out.push(format!("{kind} {} {elems:?}", body["name"]));
            }
            "chain" => out.push(format!(
                "chain {} {} {} {}",
                body["name"], body["hook"], body["prio"], body["policy"]
            )),
            "rule" => out.push(format!("rule {} {}", body["chain"], body["expr"])),
            _ => {}
        }
    }
    out
}

#[test]
fn a_container_without_ports_changes_no_rule() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some((s, rootfs)) = root_scenario() else {
        return;
    };
    let r = rootfs.display().to_string();
    let table = || nft(&["-j", "list", "table", "ip", "tug"]);
    // The first container makes the table and the bridge.
    s.tug(["run", "--rm", "--rootfs", &r, "true"]).succeeds();
    let before = table();
    assert!(before.contains("\"tug0\""), "{before}");
    s.tug(["run", "--rm", "--rootfs", &r, "true"]).succeeds();
    s.tug(["run", "-d", "--name", "idle", "--rootfs", &r, "sleep", "60"])
        .succeeds();
    let running = table();
    let ip = s
        .tug(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "idle"])
        .succeeds()
        .stdout();
    let view = |t: &str| default_bridge_view(t, &[ip.trim()]);
    assert_eq!(view(&running), view(&before));
    s.tug(["rm", "-f", "idle"]).succeeds();
    assert_eq!(view(&table()), view(&before));
    // As docker0: the default bridge stays after its last container.
    assert!(has_link("tug0"));
    rm_all(&s);
}

#[test]
fn a_published_port_is_one_map_element_while_its_container_runs() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some((s, rootfs)) = root_scenario() else {
        return;
    };
    let r = rootfs.display().to_string();
    let (tcp, udp) = (free_port(), free_port());
    let any = format!("{tcp}:80");
    let lo = format!("127.0.0.1:{udp}:81/udp");
    s.tug([
        "run", "-d", "--name", "web", "-p", &any, "-p", &lo, "--rootfs", &r, "sleep", "60",
    ])
    .succeeds();
    let ip = s
        .tug(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web"])
        .succeeds()
        .stdout()
        .trim()
        .to_string();
    let tcp_elem = format!("tcp . {tcp} : {ip} . 80");
    let udp_elem = format!("127.0.0.1 . udp . {udp} : {ip} . 81");
    let ports = || nft(&["list", "map", "ip", "tug", "ports"]);
    let ports_addr = || nft(&["list", "map", "ip", "tug", "ports_addr"]);
    assert_eq!(ports().matches(&tcp_elem).count(), 1, "{}", ports());
    assert_eq!(ports_addr().matches(&udp_elem).count(), 1);
    s.tug(["stop", "-t", "1", "web"]).succeeds();
    common::run::wait_for("the elements go when the container stops", || {
        !ports().contains(&format!("tcp . {tcp} :"))
            && !ports_addr().contains(&format!("udp . {udp} :"))
    });
    s.tug(["start", "web"]).succeeds();
    assert!(ports().contains(&format!("tcp . {tcp} :")));
    s.tug(["rm", "-f", "web"]).succeeds();
    common::run::wait_for("the elements go when the container is removed", || {
        !ports().contains(&format!("tcp . {tcp} :"))
    });
    // Another store cannot take a host port a running container holds.
    s.tug([
        "run", "-d", "--name", "web", "-p", &any, "--rootfs", &r, "sleep", "60",
    ])
    .succeeds();
    let other = Scenario::new();
    let r2 = busybox_rootfs_dir(&other).unwrap().display().to_string();
    other
        .tug(["run", "--rm", "-p", &any, "--rootfs", &r2, "true"])
        .fails()
        .stderr_contains("port is already allocated");
    rm_all(&s);
}

#[test]
fn network_rm_removes_the_networks_rules() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some((s, rootfs)) = root_scenario() else {
        return;
    };
    let r = rootfs.display().to_string();
    let id = |name: &str| {
        let id = s
            .tug(["network", "create", "--subnet", "10.93.0.0/24", name])
            .succeeds()
            .stdout();
        format!("br-{}", &id.trim()[..12])
    };
    let open = id("nftopen");
    let inner = s
        .tug([
            "network",
            "create",
            "--internal",
            "--subnet",
            "10.93.1.0/24",
            "nftin",
        ])
        .succeeds()
        .stdout();
    let inner = format!("br-{}", &inner.trim()[..12]);
    for net in ["nftopen", "nftin"] {
        s.tug(["run", "--rm", "--network", net, "--rootfs", &r, "true"])
            .succeeds();
    }
    let set = |name: &str| nft(&["list", "set", "ip", "tug", name]);
    assert!(set("bridges").contains(&open) && set("bridges").contains(&inner));
    assert!(set("masq").contains(&open) && !set("masq").contains(&inner));
    assert!(set("internal").contains(&inner));
    // The bridges stay while their networks do.
    assert!(has_link(&open) && has_link(&inner));
    s.tug(["network", "rm", "nftopen", "nftin"]).succeeds();
    for name in ["bridges", "masq", "internal"] {
        let now = set(name);
        assert!(!now.contains(&open) && !now.contains(&inner), "{now}");
    }
    assert!(!has_link(&open) && !has_link(&inner));
    // system prune takes the idle default bridge and its elements (unless
    // another store's container is on it).
    s.tug(["run", "--rm", "--rootfs", &r, "true"]).succeeds();
    s.tug(["system", "prune", "-f"]).succeeds();
    if !has_link("tug0") {
        assert!(!set("bridges").contains("\"tug0\""));
    }
}

#[test]
fn two_stores_share_the_default_bridge_with_distinct_addresses() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some((a, ra)) = root_scenario() else {
        return;
    };
    let b = Scenario::new();
    let rb = busybox_rootfs_dir(&b).unwrap();
    let mut ips = Vec::new();
    for (s, r) in [(&a, &ra), (&b, &rb)] {
        let r = r.display().to_string();
        s.tug(["run", "-d", "--name", "c", "--rootfs", &r, "sleep", "60"])
            .succeeds();
        let ip = s
            .tug(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "c"])
            .succeeds()
            .stdout()
            .trim()
            .to_string();
        ips.push(ip);
    }
    assert!(ips[0].starts_with("172.17.") && ips[1].starts_with("172.17."));
    assert_ne!(ips[0], ips[1]);
    // And each reaches the other across stores.
    let rb = rb.display().to_string();
    b.tug([
        "run", "--rm", "--rootfs", &rb, "ping", "-c", "1", "-W", "2", &ips[0],
    ])
    .succeeds();
    rm_all(&a);
    rm_all(&b);
}
