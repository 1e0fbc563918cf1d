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
/// (the session takes it when it starts; the host's file is untouched).
fn tug(s: &Scenario, resolv: &Path, args: &[&str]) -> Outcome {
    let mut r = s.tug(args);
    r.cmd.env("TUG_RESOLV_CONF", resolv);
    r.run()
}

#[test]
fn host_loopback_and_dns_through_the_user_space_stack() {
    let Some((s, rootfs)) = rootless() else {
        return;
    };
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
        &s,
        &resolv,
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
    tug(&s, &resolv, &["info", "--format", "{{.Outbound}}"])
        .success()
        .stdout_contains("userstack");
}
