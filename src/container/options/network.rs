//! Network option values: the network mode (`--network`, Compose's
//! `network_mode`), links, extra hosts and DNS servers.

use std::net::IpAddr;

use super::{OptionError, Result};

/// What a network mode names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkChoice {
    /// `none`: loopback only.
    None,
    /// `host`: the host's network namespace.
    Host,
    /// `container:NAME`: another container's network namespace.
    Container(String),
    /// A network by name (`default` is `bridge`).
    Network(String),
}

/// `none`, `host`, `container:NAME`, `default`/`bridge` or a network name.
pub fn parse_network_mode(s: &str) -> Result<NetworkChoice> {
    Ok(match s {
        "none" => NetworkChoice::None,
        "host" => NetworkChoice::Host,
        "" => return Err(OptionError::NetworkMode { value: s.into() }),
        "default" => NetworkChoice::Network("bridge".into()),
        m => match m.strip_prefix("container:") {
            Some("") => return Err(OptionError::NetworkContainer),
            Some(c) => NetworkChoice::Container(c.into()),
            None => NetworkChoice::Network(m.into()),
        },
    })
}

/// `NAME[:ALIAS]` (a leading `/` on NAME is dropped, as Docker's own
/// names have one): the container and the name it is known by.
pub fn parse_link(s: &str) -> Result<(String, String)> {
    let (name, alias) = s.split_once(':').unwrap_or((s, s));
    if name.is_empty() || alias.is_empty() {
        return Err(OptionError::Link { value: s.into() });
    }
    Ok((name.trim_start_matches('/').to_string(), alias.to_string()))
}

/// `NAME:IP` (or `NAME=IP`): an extra `/etc/hosts` entry. IP may be
/// Docker's `host-gateway`, the host as containers reach it (resolved at
/// create).
pub fn parse_add_host(s: &str) -> Result<(String, String)> {
    s.split_once([':', '='])
        .filter(|(n, ip)| !n.is_empty() && (ip.parse::<IpAddr>().is_ok() || *ip == HOST_GATEWAY))
        .map(|(n, ip)| (n.to_string(), ip.to_string()))
        .ok_or_else(|| OptionError::AddHost { value: s.into() })
}

/// The `--add-host` value that names the host.
pub const HOST_GATEWAY: &str = "host-gateway";

/// A DNS server: an IP address.
pub fn parse_dns(s: &str) -> Result<String> {
    s.parse::<IpAddr>()
        .map(|_| s.to_string())
        .map_err(|_| OptionError::Dns { value: s.into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_modes() {
        assert_eq!(parse_network_mode("none").unwrap(), NetworkChoice::None);
        assert_eq!(parse_network_mode("host").unwrap(), NetworkChoice::Host);
        assert_eq!(
            parse_network_mode("default").unwrap(),
            NetworkChoice::Network("bridge".into())
        );
        assert_eq!(
            parse_network_mode("bridge").unwrap(),
            NetworkChoice::Network("bridge".into())
        );
        assert_eq!(
            parse_network_mode("backend").unwrap(),
            NetworkChoice::Network("backend".into())
        );
        assert_eq!(
            parse_network_mode("container:db").unwrap(),
            NetworkChoice::Container("db".into())
        );
        assert_eq!(
            parse_network_mode("").unwrap_err().to_string(),
            r#"invalid network mode """#
        );
        assert!(matches!(
            parse_network_mode("container:"),
            Err(OptionError::NetworkContainer)
        ));
    }

    #[test]
    fn links_hosts_dns() {
        assert_eq!(parse_link("db").unwrap(), ("db".into(), "db".into()));
        assert_eq!(
            parse_link("/db:data").unwrap(),
            ("db".into(), "data".into())
        );
        for bad in ["", ":a", "db:"] {
            assert!(
                matches!(parse_link(bad), Err(OptionError::Link { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            parse_add_host("h:10.0.0.1").unwrap(),
            ("h".into(), "10.0.0.1".into())
        );
        assert_eq!(parse_add_host("h=::1").unwrap(), ("h".into(), "::1".into()));
        assert_eq!(parse_add_host("h:host-gateway").unwrap().1, "host-gateway");
        for bad in ["h", ":10.0.0.1", "h:nope", "h:10.0.0.256"] {
            assert!(
                matches!(parse_add_host(bad), Err(OptionError::AddHost { .. })),
                "{bad}"
            );
        }
        assert_eq!(parse_dns("1.1.1.1").unwrap(), "1.1.1.1");
        assert_eq!(parse_dns("fe80::1").unwrap(), "fe80::1");
        assert_eq!(
            parse_dns("dns.example").unwrap_err().to_string(),
            r#"invalid --dns "dns.example": not an IP address"#
        );
    }
}
