//! Published ports: `-p` specs in every Docker form, `--expose`, the
//! host ports chosen for `-p CTR` and `-P`, and how Docker prints them.

use std::net::{Ipv4Addr, TcpListener, UdpSocket};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A transport protocol of a published port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
}

impl std::fmt::Display for Proto {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        })
    }
}

/// One container port published on the host. `host_port` 0 means "any
/// free port", chosen when the container starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortBinding {
    pub host_ip: Ipv4Addr,
    pub host_port: u16,
    pub container_port: u16,
    pub proto: Proto,
}

impl PortBinding {
    /// Docker's `ps` form: `0.0.0.0:8080->80/tcp`.
    pub fn display(&self) -> String {
        format!(
            "{}:{}->{}/{}",
            self.host_ip, self.host_port, self.container_port, self.proto
        )
    }

    /// The `CTR/proto` key Docker uses in NetworkSettings.Ports.
    pub fn key(&self) -> String {
        format!("{}/{}", self.container_port, self.proto)
    }
}

fn bad(spec: &str, why: &str) -> Error {
    Error::Invalid(format!("invalid publish spec {spec:?}: {why}"))
}

fn port_range(s: &str, spec: &str) -> Result<(u16, u16)> {
    let parse = |p: &str| -> Result<u16> {
        p.parse::<u16>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| bad(spec, &format!("invalid port {p:?}")))
    };
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (parse(a)?, parse(b)?);
            if b < a {
                return Err(bad(spec, "port range ends before it starts"));
            }
            Ok((a, b))
        }
        None => parse(s).map(|p| (p, p)),
    }
}

/// Parses a container-port spec: `80`, `80/udp`, `8000-8010/tcp`.
pub fn parse_container_ports(spec: &str) -> Result<(u16, u16, Proto)> {
    let (ports, proto) = match spec.rsplit_once('/') {
        Some((p, "tcp")) => (p, Proto::Tcp),
        Some((p, "udp")) => (p, Proto::Udp),
        Some((_, other)) => return Err(bad(spec, &format!("unsupported protocol {other:?}"))),
        None => (spec, Proto::Tcp),
    };
    let (a, b) = port_range(ports, spec)?;
    Ok((a, b, proto))
}

/// Parses one `-p` value into its bindings: `CTR`, `HOST:CTR`,
/// `IP:HOST:CTR`, `IP::CTR`, with `/tcp` or `/udp` and ranges.
pub fn parse_publish(spec: &str) -> Result<Vec<PortBinding>> {
    let (addr_part, ctr) = match spec.rsplit_once(':') {
        Some((a, c)) => (Some(a), c),
        None => (None, spec),
    };
    let (c_lo, c_hi, proto) = parse_container_ports(ctr)?;
    let (ip, host) = match addr_part {
        None => (None, ""),
        Some(a) => match a.rsplit_once(':') {
            Some((ip, host)) => (Some(ip), host),
            None => (None, a),
        },
    };
    let host_ip = match ip {
        None | Some("") => Ipv4Addr::UNSPECIFIED,
        Some(ip) => ip
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<Ipv4Addr>()
            .map_err(|_| bad(spec, &format!("invalid IP address {ip:?}")))?,
    };
    let count = c_hi - c_lo + 1;
    let host_ports: Vec<u16> = if host.is_empty() {
        vec![0; count as usize]
    } else {
        let (h_lo, h_hi) = port_range(host, spec)?;
        if h_hi - h_lo + 1 != count {
            return Err(bad(
                spec,
                "host and container port ranges have different lengths",
            ));
        }
        (h_lo..=h_hi).collect()
    };
    Ok((c_lo..=c_hi)
        .zip(host_ports)
        .map(|(c, h)| PortBinding {
            host_ip,
            host_port: h,
            container_port: c,
            proto,
        })
        .collect())
}

/// Fills in host port 0 with a free port of the host, and checks that a
/// fixed port is free. `taken` lists ports already bound by tug's own
/// containers (NAT rules reserve no socket, so the kernel cannot tell).
pub fn assign_host_ports(ports: &mut [PortBinding], taken: &[PortBinding]) -> Result<()> {
    for i in 0..ports.len() {
        let p = ports[i];
        let clash = |q: &PortBinding| {
            q.proto == p.proto
                && q.host_port == p.host_port
                && (q.host_ip == p.host_ip
                    || q.host_ip.is_unspecified()
                    || p.host_ip.is_unspecified())
        };
        if p.host_port != 0 {
            if taken.iter().chain(&ports[..i]).any(clash) || !host_port_free(&p) {
                return Err(Error::Invalid(format!(
                    "Bind for {}:{} failed: port is already allocated",
                    p.host_ip, p.host_port
                )));
            }
            continue;
        }
        let mut tries = 0;
        loop {
            tries += 1;
            let port = ephemeral_port(p.proto, p.host_ip)?;
            let cand = PortBinding {
                host_port: port,
                ..p
            };
            let clashes = |q: &PortBinding| q.proto == cand.proto && q.host_port == cand.host_port;
            if !taken.iter().chain(&ports[..i]).any(clashes) {
                ports[i] = cand;
                break;
            }
            if tries > 50 {
                return Err(Error::Invalid("no free host port to publish on".into()));
            }
        }
    }
    Ok(())
}

fn host_port_free(p: &PortBinding) -> bool {
    let addr = (p.host_ip, p.host_port);
    match p.proto {
        Proto::Tcp => TcpListener::bind(addr).is_ok(),
        Proto::Udp => UdpSocket::bind(addr).is_ok(),
    }
}

fn ephemeral_port(proto: Proto, ip: Ipv4Addr) -> Result<u16> {
    let port = match proto {
        Proto::Tcp => TcpListener::bind((ip, 0)).and_then(|l| l.local_addr()),
        Proto::Udp => UdpSocket::bind((ip, 0)).and_then(|l| l.local_addr()),
    };
    port.map(|a| a.port())
        .map_err(|e| Error::Invalid(format!("finding a free host port on {ip}: {e}")))
}

/// Docker's PORTS column: published ports, then exposed-only ones
/// (`80/tcp`), comma-separated.
pub fn ps_column(published: &[PortBinding], exposed: &[String]) -> String {
    let mut out: Vec<String> = published.iter().map(PortBinding::display).collect();
    for e in exposed {
        let key = if e.contains('/') {
            e.clone()
        } else {
            format!("{e}/tcp")
        };
        if !published.iter().any(|p| p.key() == key) && !out.contains(&key) {
            out.push(key);
        }
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(spec: &str) -> PortBinding {
        let v = parse_publish(spec).unwrap();
        assert_eq!(v.len(), 1, "{spec}");
        v[0]
    }

    #[test]
    fn every_docker_form() {
        let p = one("8080:80");
        assert_eq!(
            (p.host_ip, p.host_port, p.container_port, p.proto),
            (Ipv4Addr::UNSPECIFIED, 8080, 80, Proto::Tcp)
        );
        let p = one("127.0.0.1:8080:80/udp");
        assert_eq!(
            (p.host_ip, p.host_port, p.proto),
            (Ipv4Addr::LOCALHOST, 8080, Proto::Udp)
        );
        let p = one("127.0.0.1::80");
        assert_eq!(
            (p.host_ip, p.host_port, p.container_port),
            (Ipv4Addr::LOCALHOST, 0, 80)
        );
        assert_eq!(one("80").host_port, 0);
        let r = parse_publish("8000-8002:80-82").unwrap();
        assert_eq!(
            r.iter()
                .map(|p| (p.host_port, p.container_port))
                .collect::<Vec<_>>(),
            [(8000, 80), (8001, 81), (8002, 82)]
        );
        for bad in [
            "",
            "80/sctp",
            "x:80",
            "8000-8001:80",
            "1.2.3:80:80",
            "0",
            "70000",
            "90-80",
        ] {
            assert!(parse_publish(bad).is_err(), "{bad}");
        }
        assert_eq!(one("9000:90").display(), "0.0.0.0:9000->90/tcp");
        assert_eq!(
            ps_column(&[one("9000:90")], &["90".into(), "53/udp".into()]),
            "0.0.0.0:9000->90/tcp, 53/udp"
        );
    }
}
