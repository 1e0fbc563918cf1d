//! Image references, parsed and normalised exactly as Docker does:
//! `busybox` is `docker.io/library/busybox:latest`, a first component with a
//! `.` or `:` (or `localhost`) is a registry host, and `@sha256:...` pins a
//! digest.

use std::fmt;

use crate::error::{Error, Result};

pub const DEFAULT_DOMAIN: &str = "docker.io";
pub const DEFAULT_TAG: &str = "latest";
const MAX_NAME: usize = 255;

/// A parsed, normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// Registry host, with an optional port: `docker.io`, `127.0.0.1:5000`.
    pub domain: String,
    /// Repository path inside the registry: `library/busybox`.
    pub path: String,
    /// Tag; `latest` when neither tag nor digest was given.
    pub tag: Option<String>,
    /// Digest, `sha256:<hex>`.
    pub digest: Option<String>,
}

fn invalid(reference: &str, why: impl Into<String>) -> Error {
    Error::InvalidReference {
        reference: reference.to_string(),
        why: why.into(),
    }
}

fn is_alnum_lower(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// One path component: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn valid_component(c: &str) -> bool {
    let b: Vec<char> = c.chars().collect();
    if b.is_empty() || !is_alnum_lower(b[0]) || !is_alnum_lower(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if is_alnum_lower(b[i]) {
            i += 1;
            continue;
        }
        // A separator run: ".", "_", "__" or one or more "-".
        let start = i;
        while i < b.len() && !is_alnum_lower(b[i]) {
            i += 1;
        }
        let sep: String = b[start..i].iter().collect();
        let ok = sep == "." || sep == "_" || sep == "__" || sep.chars().all(|c| c == '-');
        if !ok {
            return false;
        }
    }
    true
}

/// A registry host: `host[:port]` with host a DNS name or IPv4, or `[IPv6]`.
fn valid_domain(d: &str) -> bool {
    let (host, port) = if let Some(rest) = d.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, p)) => {
                if h.parse::<std::net::Ipv6Addr>().is_err() {
                    return false;
                }
                (
                    None,
                    p.strip_prefix(':').map(Some).unwrap_or(if p.is_empty() {
                        None
                    } else {
                        return false;
                    }),
                )
            }
            None => return false,
        }
    } else {
        match d.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(d), None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    match host {
        None => true,
        Some(h) => {
            !h.is_empty()
                && h.split('.').all(|label| {
                    !label.is_empty()
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                })
        }
    }
}

fn valid_tag(t: &str) -> bool {
    let mut cs = t.chars();
    match cs.next() {
        Some(c) if c.is_ascii_alphanumeric() || c == '_' => {}
        _ => return false,
    }
    t.len() <= 128 && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
}

/// `algorithm:hex` with a known algorithm and the right length.
pub fn valid_digest(d: &str) -> bool {
    match d.split_once(':') {
        Some(("sha256", h)) => {
            h.len() == 64
                && h.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        }
        Some(("sha512", h)) => {
            h.len() == 128
                && h.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        }
        _ => false,
    }
}

/// True for a full 64-hex image ID, which Docker refuses as a repository name.
pub fn is_full_hex_id(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit())
}

impl Reference {
    /// Parses and normalises `s` (`busybox`, `host:5000/a/b:tag`, `x@sha256:...`).
    pub fn parse(s: &str) -> Result<Reference> {
        if s.is_empty() {
            return Err(invalid(s, "empty reference"));
        }
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => {
                if !valid_digest(d) {
                    return Err(invalid(s, format!("invalid digest {d:?}")));
                }
                (r, Some(d.to_string()))
            }
            None => (s, None),
        };
        // A tag is after the last ':' that follows the last '/'.
        let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let t = &rest[last_slash + i + 1..];
                if !valid_tag(t) {
                    return Err(invalid(s, format!("invalid tag {t:?}")));
                }
                (&rest[..last_slash + i], Some(t.to_string()))
            }
            None => (rest, None),
        };
        if name.is_empty() {
            return Err(invalid(s, "empty repository name"));
        }
        if name.len() > MAX_NAME {
            return Err(invalid(
                s,
                "repository name must not be more than 255 characters",
            ));
        }
        let (domain, path) = split_domain(name);
        if !valid_domain(&domain) {
            return Err(invalid(s, format!("invalid registry host {domain:?}")));
        }
        if path.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(invalid(s, "repository name must be lowercase"));
        }
        if domain == DEFAULT_DOMAIN && is_full_hex_id(&path.replacen("library/", "", 1)) {
            return Err(invalid(s, "repository name cannot be a 64-byte hex string"));
        }
        if !path.split('/').all(valid_component) {
            return Err(invalid(s, "repository name has an invalid component"));
        }
        let tag = if tag.is_none() && digest.is_none() {
            Some(DEFAULT_TAG.to_string())
        } else {
            tag
        };
        Ok(Reference {
            domain,
            path,
            tag,
            digest,
        })
    }

    /// `domain/path`, the repository without tag or digest.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// The repository as Docker shows it: `busybox`, `user/app`, `host:5000/x`.
    pub fn familiar_repository(&self) -> String {
        if self.domain == DEFAULT_DOMAIN {
            self.path
                .strip_prefix("library/")
                .filter(|p| !p.contains('/'))
                .unwrap_or(&self.path)
                .to_string()
        } else {
            self.repository()
        }
    }

    /// The reference as Docker prints it: `busybox:latest`.
    pub fn familiar(&self) -> String {
        let mut s = self.familiar_repository();
        if let Some(t) = &self.tag {
            s = format!("{s}:{t}");
        }
        if let Some(d) = &self.digest {
            s = format!("{s}@{d}");
        }
        s
    }

    /// The same repository with another tag and no digest.
    pub fn with_tag(&self, tag: &str) -> Reference {
        Reference {
            tag: Some(tag.to_string()),
            digest: None,
            ..self.clone()
        }
    }
}

/// Splits `name` into registry host and path, as Docker's `splitDockerDomain`.
fn split_domain(name: &str) -> (String, String) {
    let (mut domain, mut path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.')
                || first.contains(':')
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            (first.to_string(), rest.to_string())
        }
        _ => (DEFAULT_DOMAIN.to_string(), name.to_string()),
    };
    if domain == "index.docker.io" {
        domain = DEFAULT_DOMAIN.to_string();
    }
    if domain == DEFAULT_DOMAIN && !path.contains('/') {
        path = format!("library/{path}");
    }
    (domain, path)
}

impl fmt::Display for Reference {
    /// The fully qualified form: `docker.io/library/busybox:latest`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.repository())?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Reference {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Reference::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(s: &str) -> String {
        Reference::parse(s).unwrap().to_string()
    }

    #[test]
    fn normalises_like_docker() {
        assert_eq!(full("busybox"), "docker.io/library/busybox:latest");
        assert_eq!(full("user/app:1.0"), "docker.io/user/app:1.0");
        assert_eq!(
            full("index.docker.io/busybox"),
            "docker.io/library/busybox:latest"
        );
        assert_eq!(full("localhost/x"), "localhost/x:latest");
        assert_eq!(full("127.0.0.1:5000/bb:1"), "127.0.0.1:5000/bb:1");
        assert_eq!(full("host:5000/a/b"), "host:5000/a/b:latest");
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            full(&format!("busybox@{d}")),
            format!("docker.io/library/busybox@{d}")
        );
        assert_eq!(
            full(&format!("busybox:1@{d}")),
            format!("docker.io/library/busybox:1@{d}")
        );
        assert_eq!(
            Reference::parse("busybox").unwrap().familiar(),
            "busybox:latest"
        );
        assert_eq!(Reference::parse("a/b:c").unwrap().familiar(), "a/b:c");
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "UPPER",
            "a/B",
            "a:",
            ":tag",
            "a@sha256:xyz",
            "a..b",
            "-a",
            "a/-b",
            "a:t@g",
            "a//b",
            &"a".repeat(64)[..],
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(Reference::parse(&"ab".repeat(32)).is_err());
    }
}
