//! Where a pull may fetch an image from: its mirrors first, then the
//! registry itself. Mirrors come from tug's `registries.toml`, in the
//! format of containers-registries.conf v2:
//!
//! ```toml
//! [[registry]]
//! prefix = "docker.io"          # optional; defaults to location
//! location = "docker.io"
//! [[registry.mirror]]
//! location = "127.0.0.1:5000/hub"
//! insecure = true
//! ```
//!
//! An image `docker.io/library/x` is then looked for at
//! `127.0.0.1:5000/hub/library/x`. For `docker.io` only, daemon.json's
//! `registry-mirrors` (URLs such as `https://mirror.example`) are used when
//! registries.toml names no mirror for it, as Docker does.

use crate::reference::Reference;

/// One place to pull an image from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The registry host (`host[:port]`).
    pub domain: String,
    /// The repository path on that registry.
    pub path: String,
    /// Plain HTTP or TLS, when the configuration says; else the host's
    /// defaults decide.
    pub plain: Option<bool>,
    /// A mirror (false for the image's own registry).
    pub mirror: bool,
}

impl Source {
    /// A session with this source's registry.
    pub fn session(&self) -> crate::Result<super::transport::Registry> {
        super::transport::Registry::with_scheme(&self.domain, self.plain)
    }
}

/// The configuration files, most specific first.
fn files() -> [std::path::PathBuf; 2] {
    [
        crate::paths::home_dir().join(".config/tug/registries.toml"),
        std::path::PathBuf::from("/etc/tug/registries.toml"),
    ]
}

/// `rest` appended to `base` with one slash (`base` may be `host` or
/// `host/prefix`), split into (domain, path).
fn place(base: &str, rest: &str) -> Option<(String, String)> {
    let full = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        rest.trim_start_matches('/')
    );
    let (domain, path) = full.split_once('/')?;
    (!domain.is_empty() && !path.is_empty()).then(|| (domain.to_string(), path.to_string()))
}

/// The `[[registry]]` table whose prefix is the longest match of `full`
/// (`domain/path`), with what follows the prefix.
fn matching<'a>(tables: &'a [toml::Value], full: &str) -> Option<(&'a toml::Value, String)> {
    tables
        .iter()
        .filter_map(|t| {
            let prefix = t
                .get("prefix")
                .or_else(|| t.get("location"))?
                .as_str()?
                .trim_end_matches('/');
            let rest = full.strip_prefix(prefix)?;
            (rest.is_empty() || rest.starts_with('/')).then(|| (t, prefix.len(), rest.to_string()))
        })
        .max_by_key(|(_, len, _)| *len)
        .map(|(t, _, rest)| (t, rest))
}

/// Sources from registries.toml, or None when no file names the image's
/// registry.
fn from_toml(r: &Reference) -> Option<Vec<Source>> {
    let full = format!("{}/{}", r.domain, r.path);
    files().iter().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        let v = text.parse::<toml::Table>().ok()?;
        let tables = v.get("registry")?.as_array()?;
        let (t, rest) = matching(tables, &full)?;
        let mut out = Vec::new();
        for m in t
            .get("mirror")
            .and_then(|m| m.as_array())
            .into_iter()
            .flatten()
        {
            let Some(loc) = m.get("location").and_then(|l| l.as_str()) else {
                continue;
            };
            if let Some((domain, path)) = place(loc, &rest) {
                out.push(Source {
                    domain,
                    path,
                    plain: m.get("insecure").and_then(|i| i.as_bool()).filter(|i| *i),
                    mirror: true,
                });
            }
        }
        let loc = t.get("location").and_then(|l| l.as_str());
        let (domain, path) = loc
            .and_then(|l| place(l, &rest))
            .unwrap_or_else(|| (r.domain.clone(), r.path.clone()));
        out.push(Source {
            domain,
            path,
            plain: None,
            mirror: false,
        });
        Some(out)
    })
}

/// daemon.json's `registry-mirrors` for a Docker Hub image.
fn from_daemon_json(r: &Reference) -> Vec<Source> {
    if r.domain != "docker.io" {
        return Vec::new();
    }
    crate::daemon_json::settings()
        .registry_mirrors
        .iter()
        .filter_map(|url| {
            let (plain, rest) = match url.split_once("://") {
                Some(("http", rest)) => (Some(true), rest),
                Some(("https", rest)) => (Some(false), rest),
                Some(_) => return None,
                None => (None, url.as_str()),
            };
            let domain = rest.split('/').next().filter(|d| !d.is_empty())?;
            Some(Source {
                domain: domain.to_string(),
                path: r.path.clone(),
                plain,
                mirror: true,
            })
        })
        .collect()
}

/// Where to pull `r` from, in the order to try.
pub fn sources(r: &Reference) -> Vec<Source> {
    let own = Source {
        domain: r.domain.clone(),
        path: r.path.clone(),
        plain: None,
        mirror: false,
    };
    let mut out = from_toml(r).unwrap_or_else(|| vec![own]);
    if !out.iter().any(|s| s.mirror) {
        let mut m = from_daemon_json(r);
        m.append(&mut out);
        out = m;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_paths_follow_the_prefix() {
        let tables: toml::Table = r#"
            [[registry]]
            location = "docker.io"
            [[registry.mirror]]
            location = "m.example/hub"
            [[registry]]
            prefix = "docker.io/team"
            location = "other.example/t"
        "#
        .parse()
        .unwrap();
        let regs = tables["registry"].as_array().unwrap();
        let (t, rest) = matching(regs, "docker.io/library/x").unwrap();
        assert_eq!(rest, "/library/x");
        let m = t["mirror"][0]["location"].as_str().unwrap();
        assert_eq!(
            place(m, &rest),
            Some(("m.example".into(), "hub/library/x".into()))
        );
        let (t, rest) = matching(regs, "docker.io/team/app").unwrap();
        assert_eq!(
            place(t["location"].as_str().unwrap(), &rest),
            Some(("other.example".into(), "t/app".into()))
        );
        assert!(matching(regs, "docker.iox/a").is_none());
    }
}
