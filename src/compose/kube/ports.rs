//! A service's `ports` and `expose` as a Kubernetes Service: each
//! container port once, under the published port where there is one.

use serde_json::{json, Value as J};

use super::{object_name, Manifests};
use crate::compose::yaml::{Node, Value};

/// One port of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// What clients connect to (the published port, else the target).
    pub port: u16,
    /// The container's port.
    pub target: u16,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
}

/// At most this many ports from one range (Kubernetes lists each).
const MAX_RANGE: u32 = 1024;

fn protocol(p: &str) -> Option<String> {
    match p.to_ascii_lowercase().as_str() {
        "" | "tcp" => Some("TCP".into()),
        "udp" => Some("UDP".into()),
        "sctp" => Some("SCTP".into()),
        _ => None,
    }
}

fn range(s: &str) -> Option<(u16, u16)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (u16, u16) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a > 0 && a <= b && u32::from(b - a) < MAX_RANGE).then_some((a, b))
}

/// `[[ip:]published:]target[/proto]`, ranges allowed on either side.
fn short(spec: &str) -> Option<Vec<Port>> {
    let (spec, proto) = match spec.rsplit_once('/') {
        Some((s, p)) => (s, protocol(p)?),
        None => (spec, "TCP".to_string()),
    };
    // An IPv6 host address is bracketed: `[::1]:8080:80`.
    let spec = match spec.strip_prefix('[') {
        Some(rest) => rest.split_once("]:")?.1,
        None => spec,
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let (published, target) = match parts.as_slice() {
        [t] => (None, *t),
        [p, t] => (Some(*p), *t),
        [_ip, p, t] => (Some(*p).filter(|p| !p.is_empty()), *t),
        _ => return None,
    };
    let (t0, t1) = range(target)?;
    let published = match published {
        Some(p) => Some(range(p)?),
        None => None,
    };
    if let Some((p0, p1)) = published {
        if p1 - p0 != t1 - t0 && p0 != p1 {
            return None;
        }
    }
    Some(
        (t0..=t1)
            .map(|t| Port {
                port: match published {
                    Some((p0, p1)) if p0 == p1 => p0,
                    Some((p0, _)) => p0 + (t - t0),
                    None => t,
                },
                target: t,
                protocol: proto.clone(),
            })
            .collect(),
    )
}

/// The long form: `{target, published, protocol, host_ip, mode}`.
fn long(n: &Node) -> Option<Vec<Port>> {
    let number = |k: &str| match n.get(k).map(|v| &v.value) {
        Some(Value::Int(i)) => u16::try_from(*i).ok().map(|p| (p, p)),
        Some(Value::String(s)) => range(s),
        _ => None,
    };
    let (target, _) = number("target")?;
    let proto = match n.get("protocol").and_then(Node::as_str) {
        Some(p) => protocol(p)?,
        None => "TCP".into(),
    };
    let port = number("published").map_or(target, |(p, _)| p);
    Some(vec![Port {
        port,
        target,
        protocol: proto,
    }])
}

fn items(n: Option<&Node>) -> &[Node] {
    match n.map(|n| &n.value) {
        Some(Value::Seq(v)) => v,
        _ => &[],
    }
}

/// Every port `ports` and `expose` name, each container port once;
/// entries that do not parse are reported.
pub fn service_ports(svc: &Node, path: &str, out: &mut Manifests) -> Vec<Port> {
    let mut all: Vec<Port> = Vec::new();
    for (key, list) in [("ports", svc.get("ports")), ("expose", svc.get("expose"))] {
        for (i, item) in items(list).iter().enumerate() {
            let parsed = match &item.value {
                Value::Int(i) => u16::try_from(*i).ok().map(|p| {
                    vec![Port {
                        port: p,
                        target: p,
                        protocol: "TCP".into(),
                    }]
                }),
                Value::String(s) => short(s),
                Value::Map(_) => long(item),
                _ => None,
            };
            match parsed {
                Some(ports) => {
                    for p in ports {
                        if !all
                            .iter()
                            .any(|q| q.target == p.target && q.protocol == p.protocol)
                        {
                            all.push(p);
                        }
                    }
                }
                None => out.skip(
                    format!("{path}.{key}[{i}]"),
                    "not a port specification Kubernetes can express",
                ),
            }
        }
    }
    all
}

/// The container ports of a pod spec.
pub fn container_ports(ports: &[Port]) -> Vec<J> {
    ports
        .iter()
        .map(|p| json!({"containerPort": p.target, "protocol": p.protocol}))
        .collect()
}

/// The Service that makes `name` resolve: its ports, or headless (no
/// cluster address, the pods' own addresses) when it has none.
pub fn service(name: &str, labels: &J, ports: Vec<Port>) -> J {
    let spec = if ports.is_empty() {
        json!({"clusterIP": "None", "selector": labels})
    } else {
        let ports: Vec<J> = ports
            .iter()
            .map(|p| {
                json!({
                    "name": format!("{}-{}", p.protocol.to_ascii_lowercase(), p.port),
                    "port": p.port,
                    "targetPort": p.target,
                    "protocol": p.protocol,
                })
            })
            .collect();
        json!({"selector": labels, "ports": ports})
    };
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": object_name(name), "labels": labels},
        "spec": spec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(port: u16, target: u16) -> Port {
        Port {
            port,
            target,
            protocol: "TCP".into(),
        }
    }

    #[test]
    fn short_forms() {
        assert_eq!(short("80"), Some(vec![p(80, 80)]));
        assert_eq!(short("8080:80"), Some(vec![p(8080, 80)]));
        assert_eq!(short("127.0.0.1:8080:80"), Some(vec![p(8080, 80)]));
        assert_eq!(short("127.0.0.1::80"), Some(vec![p(80, 80)]));
        assert_eq!(short("[::1]:8080:80"), Some(vec![p(8080, 80)]));
        assert_eq!(
            short("9000-9001:8000-8001"),
            Some(vec![p(9000, 8000), p(9001, 8001)])
        );
        assert_eq!(short("53:53/udp").unwrap()[0].protocol, "UDP");
        assert_eq!(short("80/icmp"), None);
        assert_eq!(short("0"), None);
        assert_eq!(short("1-65535"), None);
        assert_eq!(short("a:b:c:d"), None);
    }
}
