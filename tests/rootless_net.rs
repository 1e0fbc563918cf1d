//! Rootless networking beyond the session: containers reach the host's
//! loopback (`host.containers.internal`, `--add-host NAME:host-gateway`)
//! and resolve names through the forwarded DNS with no tun device, and a
//! client behind a rootless published port keeps its address. Traffic
//! stays on loopback and a network namespace the test makes.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// A rootless scenario with a busybox rootfs, or None (after saying why;
/// under CI=true the harness fails instead).
fn rootless() -> Option<(Scenario, PathBuf)> {
    if !is_root() {
        assert!(!in_ci(), "rootless network tests need root under CI=true");
        eprintln!("SKIPPED: the test switches to {TEST_USER}, which needs root");
        return None;
    }
    let s = Scenario::unprivileged()?;
    let Some(rootfs) = busybox_rootfs_dir(&s) else {
        assert!(!in_ci(), "busybox-static is not installed under CI=true");
        eprintln!("SKIPPED: busybox-static is not installed");
        return None;
    };
    Some((s, rootfs))
}

/// An HTTP server on the host's 127.0.0.1 answering every request with
/// `text`; its port.
fn http_server(text: &'static str) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = c.read(&mut buf);
            let _ = write!(
                c,
                "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{text}",
                text.len()
            );
        }
    });
    port
}

/// A stub DNS server on the host's 127.0.0.1: every A question gets
/// `answer`, other questions an empty answer. Its port.
fn dns_stub(answer: [u8; 4]) -> u16 {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = s.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = s.recv_from(&mut buf) {
            let q = &buf[..n];
            // Header, then one question: name labels, type, class.
            let mut i = 12;
            while i < n && q[i] != 0 {
                i += usize::from(q[i]) + 1;
            }
            if i + 5 > n {
                continue;
            }
            let qtype = u16::from_be_bytes([q[i + 1], q[i + 2]]);
            let question = &q[12..i + 5];
            let mut r = Vec::from(&q[..2]);
            r.extend_from_slice(&[0x81, 0x80, 0, 1, 0, u8::from(qtype == 1), 0, 0, 0, 0]);
            r.extend_from_slice(question);
            if qtype == 1 {
                r.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
                r.extend_from_slice(&answer);
            }
            let _ = s.send_to(&r, from);
        }
    });
    port
}

/// `tug ARGS` with the forwarder's upstream servers read from `resolv`
/// (the session takes it when it starts; the host's file is untouched)
/// and the outbound path `path`.
fn tug(s: &Scenario, resolv: &Path, path: &str, args: &[&str]) -> Outcome {
    let mut r = s.tug(args);
    r.cmd.env("TUG_RESOLV_CONF", resolv);
    r.cmd.env("TUG_ROOTLESS_NETWORK", path);
    r.run()
}

/// A container reaches an HTTP server on the host's 127.0.0.1 by
/// `host.containers.internal` and `host-gateway`, resolves a name through
/// the forwarded DNS (a stub on the host's loopback), and keeps its own
/// loopback; `info` names outbound path `path`.
fn host_loopback_and_dns_through(path: &str, s: &Scenario, rootfs: &Path) {
    let web = http_server("hello-from-the-host\n");
    let dns = dns_stub([10, 11, 12, 13]);
    let resolv = s.path().join("upstream.conf");
    std::fs::write(&resolv, format!("nameserver 127.0.0.1:{dns}\n")).unwrap();
    let r = rootfs.display().to_string();
    let script = format!(
        "wget -qO- http://host.containers.internal:{web}/; \
         wget -qO- http://gw:{web}/; \
         nslookup tug-stub.test; \
         wget -qO- http://127.0.0.1:{web}/ || echo own-loopback-is-own"
    );
    let out = tug(
        s,
        &resolv,
        path,
        &[
            "run",
            "--rm",
            "--add-host",
            "gw:host-gateway",
            "--rootfs",
            &r,
            "sh",
            "-c",
            &script,
        ],
    );
    let text = out.stdout();
    assert_eq!(
        text.matches("hello-from-the-host").count(),
        2,
        "{}",
        out.dump()
    );
    assert!(text.contains("10.11.12.13"), "{}", out.dump());
    assert!(text.contains("own-loopback-is-own"), "{}", out.dump());
    let info = tug(s, &resolv, path, &["info", "--format", "{{.Outbound}}"]);
    assert_eq!(info.stdout().trim(), path, "{}", info.dump());
    networks_stay_apart(s, &r);
}

/// A container reaches a server on its own network, not on another one
/// (the session's forwarding, where a helper needs it on, keeps them
/// apart).
fn networks_stay_apart(s: &Scenario, rootfs: &str) {
    for n in ["apart-a", "apart-b"] {
        s.tug(["network", "create", n]).succeeds();
    }
    s.tug([
        "run",
        "-d",
        "--name",
        "apart",
        "--network",
        "apart-b",
        "--rootfs",
        rootfs,
        "httpd",
        "-f",
        "-p",
        "80",
        "-h",
        "/etc",
    ])
    .succeeds();
    let ip = s
        .tug([
            "inspect",
            "-f",
            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
            "apart",
        ])
        .succeeds()
        .stdout();
    let ip = ip.trim();
    // Until httpd listens, from its own network.
    let same = format!(
        "for i in $(seq 50); do timeout 2 wget -qO- http://{ip}/hostname && exit; sleep 0.1; done"
    );
    let other = format!("timeout 3 wget -qO- http://{ip}/hostname || echo unreached");
    let run = |net: &str, script: &str| {
        s.tug([
            "run",
            "--rm",
            "--network",
            net,
            "--rootfs",
            rootfs,
            "sh",
            "-c",
            script,
        ])
        .run()
    };
    let out = run("apart-b", &same);
    assert!(!out.stdout().trim().is_empty(), "{}", out.dump());
    let out = run("apart-a", &other);
    assert_eq!(out.stdout().trim(), "unreached", "{}", out.dump());
    s.tug(["rm", "-f", "apart"]).run();
}

#[test]
fn host_loopback_and_dns_through_the_user_space_stack() {
    let Some((s, rootfs)) = rootless() else {
        return;
    };
    host_loopback_and_dns_through("userstack", &s, &rootfs);
}

/// Why pasta cannot serve the test user here, if it cannot.
fn pasta_unusable() -> Option<String> {
    if !have("pasta") {
        return Some("pasta (Debian package passt) is not installed".into());
    }
    let opened = Command::new("setpriv")
        .args(["--reuid", TEST_USER, "--regid", TEST_USER, "--init-groups"])
        .args(["sh", "-c", "exec 3<>/dev/net/tun"])
        .status()
        .is_ok_and(|st| st.success());
    (!opened).then(|| format!("/dev/net/tun is not usable by {TEST_USER} (pasta needs it)"))
}

#[test]
fn host_loopback_and_dns_through_pasta() {
    let Some((s, rootfs)) = rootless() else {
        return;
    };
    // The one skip allowed under CI=true: tun closed to users is the
    // host's setting (this project's machine has it so).
    if let Some(why) = pasta_unusable() {
        eprintln!("SKIPPED: host_loopback_and_dns_through_pasta: {why}");
        return;
    }
    host_loopback_and_dns_through("pasta", &s, &rootfs);
}

/// A network namespace standing for a client host: a veth pair from the
/// host (`HOST_IP`) to it (`CLIENT_IP`). Removed on drop.
struct ClientHost {
    ns: String,
    veth: String,
}

const HOST_IP: &str = "10.213.77.1";
const CLIENT_IP: &str = "10.213.77.2";

fn ip(args: &[&str]) {
    let st = Command::new("ip").args(args).status().unwrap();
    assert!(st.success(), "ip {args:?} failed");
}

impl ClientHost {
    fn new() -> ClientHost {
        let id = std::process::id();
        let c = ClientHost {
            ns: format!("tugcl{id}"),
            veth: format!("tcl{id}"),
        };
        let peer = format!("{}p", c.veth);
        ip(&["netns", "add", &c.ns]);
        ip(&[
            "link", "add", &c.veth, "type", "veth", "peer", "name", &peer, "netns", &c.ns,
        ]);
        ip(&["addr", "add", &format!("{HOST_IP}/30"), "dev", &c.veth]);
        ip(&["link", "set", &c.veth, "up"]);
        let inside = ["netns", "exec", &c.ns, "ip"];
        let addr = format!("{CLIENT_IP}/30");
        ip(&[&inside[..], &["addr", "add", &addr, "dev", &peer]].concat());
        ip(&[&inside[..], &["link", "set", &peer, "up"]].concat());
        ip(&[&inside[..], &["link", "set", "lo", "up"]].concat());
        c
    }
}

impl ClientHost {
    /// GET `path` from `addr`, connecting from inside the client's
    /// namespace (a thread that enters it); the response, or the error.
    fn get(&self, addr: &str, path: &str) -> String {
        let ns = std::fs::File::open(format!("/run/netns/{}", self.ns)).unwrap();
        let (addr, path) = (addr.to_string(), path.to_string());
        std::thread::spawn(move || {
            use std::os::fd::AsRawFd;
            // SAFETY: setns on an open namespace file; it moves only this thread.
            if unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                return format!("setns: {}", std::io::Error::last_os_error());
            }
            let r = (|| -> std::io::Result<String> {
                let mut c = std::net::TcpStream::connect(&addr)?;
                c.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
                write!(c, "GET {path} HTTP/1.0\r\n\r\n")?;
                let mut out = String::new();
                c.read_to_string(&mut out)?;
                Ok(out)
            })();
            r.unwrap_or_else(|e| e.to_string())
        })
        .join()
        .unwrap()
    }
}

impl Drop for ClientHost {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["link", "del", &self.veth])
            .status();
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).status();
    }
}

#[test]
fn rootless_published_ports_keep_the_clients_address() {
    let Some((s, rootfs)) = rootless() else {
        return;
    };
    if !have("ip") {
        assert!(!in_ci(), "iproute2 is not installed under CI=true");
        eprintln!("SKIPPED: iproute2 is not installed");
        return;
    }
    let client = ClientHost::new();
    // A CGI script that prints the peer's address as httpd saw it.
    let www = s.path().join("www");
    std::fs::create_dir_all(www.join("cgi-bin")).unwrap();
    let cgi = www.join("cgi-bin/peer");
    std::fs::write(
        &cgi,
        "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"peer=$REMOTE_ADDR\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&cgi, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (uid, gid) = user_ids(TEST_USER).unwrap();
    chown_r(&www, uid, gid);
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let publish = format!("{HOST_IP}:{port}:80");
    let vol = format!("{}:/www", www.display());
    let r = rootfs.display().to_string();
    s.tug([
        "run", "-d", "--name", "web", "-p", &publish, "-v", &vol, "--rootfs", &r, "httpd", "-f",
        "-p", "80", "-h", "/www",
    ])
    .succeeds();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let text = loop {
        let text = client.get(&format!("{HOST_IP}:{port}"), "/cgi-bin/peer");
        if text.contains("peer=") || std::time::Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    s.tug(["rm", "-f", "web"]).run();
    // httpd listens on IPv6 too: `peer=[::ffff:10.213.77.2]`.
    let peer = text.lines().find(|l| l.starts_with("peer="));
    assert!(peer.is_some_and(|l| l.contains(CLIENT_IP)), "{text}");
}
