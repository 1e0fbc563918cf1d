//! distribution's `config.yml` (and its `REGISTRY_*` environment
//! overrides), read for what applies to `registry-serve`: `http.addr`,
//! `http.tls.certificate/key`, `http.headers`, `auth.htpasswd.path`,
//! `storage.filesystem.rootdirectory`, `storage.s3.*`, `storage.delete.enabled`,
//! `storage.maintenance.readonly.enabled`, `proxy.remoteurl/username/password`,
//! `log.level`. Settings tug cannot honour (other storage drivers, S3
//! encryption, token auth, client certificates, a path prefix) are refused
//! with a clear error rather than ignored;
//! settings with no meaning here (caches, health checks, notifications)
//! are accepted silently; anything else is an unknown key, warned about
//! once.

use std::path::PathBuf;

use serde_json::Value;

use crate::error::{Error, Result};

/// What a distribution configuration asks of `registry-serve`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `http.addr`, as written (`:5000` means every address).
    pub addr: Option<String>,
    pub tls: Option<(PathBuf, PathBuf)>,
    /// `http.headers`: name and each value.
    pub headers: Vec<(String, String)>,
    pub htpasswd: Option<PathBuf>,
    /// `auth.htpasswd.realm`.
    pub realm: Option<String>,
    /// `storage.filesystem.rootdirectory`: distribution's layout there.
    pub rootdirectory: Option<PathBuf>,
    /// `storage.delete.enabled` (distribution's default: false).
    pub delete: bool,
    /// `storage.maintenance.readonly.enabled`.
    pub read_only: bool,
    /// `log.level` (`error`, `warn`, `info`, `debug`).
    pub log_level: Option<String>,
    /// `proxy`: serve as a pull-through cache.
    pub proxy: Option<super::proxy::ProxyConfig>,
    /// `storage.s3`: distribution's layout in a bucket.
    pub s3: Option<super::s3::S3Config>,
    /// One line per unknown key.
    pub warnings: Vec<String>,
}

/// Keys read (with the `REGISTRY_*` variable each derives from its path).
const APPLIED: &[&str] = &[
    "http.addr",
    "http.tls.certificate",
    "http.tls.key",
    "http.headers",
    "auth.htpasswd.path",
    "auth.htpasswd.realm",
    "storage.filesystem.rootdirectory",
    "storage.delete.enabled",
    "storage.maintenance.readonly.enabled",
    "log.level",
    "proxy.remoteurl",
    "proxy.username",
    "proxy.password",
    "storage.s3.accesskey",
    "storage.s3.secretkey",
    "storage.s3.region",
    "storage.s3.regionendpoint",
    "storage.s3.bucket",
    "storage.s3.rootdirectory",
    "storage.s3.chunksize",
    "storage.s3.secure",
];

/// Sections with no meaning for registry-serve, accepted silently.
const IGNORED: &[&str] = &[
    "version",
    "log.formatter",
    "log.fields",
    "log.hooks",
    "log.accesslog",
    "loglevel",
    "storage.cache",
    "storage.redirect",
    "storage.filesystem.maxthreads",
    "storage.maintenance.uploadpurging",
    "storage.inmemory",
    "proxy.ttl",
    "storage.s3.v4auth",
    "storage.s3.forcepathstyle",
    "storage.s3.storageclass",
    "storage.s3.objectacl",
    "storage.s3.loglevel",
    "storage.s3.useragent",
    "storage.s3.multipartcopychunksize",
    "storage.s3.multipartcopymaxconcurrency",
    "storage.s3.multipartcopythresholdsize",
    "http.secret",
    "http.debug",
    "http.http2",
    "http.draintimeout",
    "http.relativeurls",
    "http.host",
    "http.net",
    "health",
    "notifications",
    "redis",
    "validation",
    "compatibility",
    "reporting",
];

/// Settings that would change what is served or who may see it, which
/// tug does not implement: refused.
const REFUSED: &[(&str, &str)] = &[
    (
        "storage.s3.encrypt",
        "S3 server-side encryption is not supported",
    ),
    (
        "storage.s3.keyid",
        "S3 server-side encryption is not supported",
    ),
    (
        "storage.s3.skipverify",
        "skipping TLS verification is not supported",
    ),
    ("storage.azure", "the azure storage driver is not supported"),
    ("storage.gcs", "the gcs storage driver is not supported"),
    ("storage.swift", "the swift storage driver is not supported"),
    ("storage.oss", "the oss storage driver is not supported"),
    ("storage.middleware", "storage middleware is not supported"),
    (
        "auth.token",
        "token authentication is not supported (use htpasswd)",
    ),
    (
        "auth.silly",
        "silly authentication is not supported (use htpasswd)",
    ),
    (
        "http.tls.clientcas",
        "client certificate authentication is not supported",
    ),
    (
        "http.tls.letsencrypt",
        "Let's Encrypt certificates are not supported",
    ),
    ("http.prefix", "a path prefix is not supported"),
    ("middleware", "middleware is not supported"),
];

/// Where `key` falls: applied, ignored, refused (why) or unknown.
fn classify(key: &str) -> Option<std::result::Result<(), &'static str>> {
    let under = |p: &str| key == p || key.starts_with(&format!("{p}."));
    if let Some((_, why)) = REFUSED.iter().find(|(p, _)| under(p)) {
        return Some(Err(why));
    }
    (APPLIED.iter().any(|p| under(p)) || IGNORED.iter().any(|p| under(p))).then_some(Ok(()))
}

/// Every leaf key of a tree, dotted; `http.headers` counts as one.
fn leaves(v: &Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) if prefix != "http.headers" && !m.is_empty() => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.to_lowercase()
                } else {
                    format!("{prefix}.{}", k.to_lowercase())
                };
                leaves(x, &key, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

/// A scalar from an environment variable, typed as YAML would.
fn env_value(s: &str) -> Value {
    match crate::compose::yaml::parse(s) {
        Ok(n) if !matches!(n.to_json(), Value::Object(_) | Value::Array(_)) => n.to_json(),
        _ => Value::String(s.to_string()),
    }
}

/// Sets `path` (dotted) in a tree, creating maps on the way.
fn set(root: &mut Value, path: &str, v: Value) {
    let mut cur = root;
    for part in path.split('.') {
        if !cur.is_object() {
            *cur = Value::Object(Default::default());
        }
        cur = cur
            .as_object_mut()
            .expect("made an object")
            .entry(part)
            .or_insert(Value::Null);
    }
    *cur = v;
}

/// The value at a dotted path, keys compared case-insensitively.
fn get<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(root, |cur, part| {
        cur.as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(part))
            .map(|(_, v)| v)
    })
}

fn text(root: &Value, path: &str) -> Result<Option<String>> {
    match get(root, path) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(Error::Invalid(format!(
            "registry configuration: {path} must be a string, not {other}"
        ))),
    }
}

fn flag(root: &Value, path: &str) -> Result<bool> {
    match get(root, path) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(Error::Invalid(format!(
            "registry configuration: {path} must be true or false, not {other}"
        ))),
    }
}

/// The largest configuration file read.
const MAX_CONFIG: u64 = 1024 * 1024;

/// Reads `path` with the `REGISTRY_*` variables of `env` applied over it.
pub fn load(path: &std::path::Path, env: &[(String, String)]) -> Result<Config> {
    use std::io::Read;
    let mut data = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG + 1).read_to_string(&mut data))
        .map_err(|e| Error::io(path, e))?;
    if data.len() as u64 > MAX_CONFIG {
        return Err(Error::Invalid(format!(
            "{}: larger than {MAX_CONFIG} bytes",
            path.display()
        )));
    }
    let tree = crate::compose::yaml::parse(&data)
        .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
    parse(tree.to_json(), env).map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(format!("{}: {m}", path.display())),
        e => e,
    })
}

/// A configuration tree with the `REGISTRY_*` variables of `env` applied.
pub fn parse(mut tree: Value, env: &[(String, String)]) -> Result<Config> {
    if tree.is_null() {
        tree = Value::Object(Default::default());
    }
    if !tree.is_object() {
        return Err(Error::Invalid("registry configuration: not a map".into()));
    }
    let mut warnings = Vec::new();
    for (k, v) in env {
        let Some(rest) = k.strip_prefix("REGISTRY_") else {
            continue;
        };
        if let Some(p) = APPLIED
            .iter()
            .find(|p| p.replace('.', "_").eq_ignore_ascii_case(rest))
        {
            set(&mut tree, p, env_value(v));
            continue;
        }
        match classify(&rest.to_lowercase().replace('_', ".")) {
            Some(Ok(())) => {}
            Some(Err(why)) => return Err(Error::Invalid(format!("{k}: {why}"))),
            None => warnings.push(format!("unknown environment variable {k} (ignored)")),
        }
    }
    let mut keys = Vec::new();
    leaves(&tree, "", &mut keys);
    for key in keys.iter().filter(|k| !k.is_empty()) {
        match classify(key) {
            Some(Ok(())) => {}
            Some(Err(why)) => {
                return Err(Error::Invalid(format!(
                    "registry configuration: {key}: {why}"
                )))
            }
            None => warnings.push(format!("unknown configuration key {key} (ignored)")),
        }
    }
    let mut headers = Vec::new();
    if let Some(h) = get(&tree, "http.headers") {
        let m = h.as_object().ok_or_else(|| {
            Error::Invalid("registry configuration: http.headers must be a map".into())
        })?;
        for (name, values) in m {
            let values: Vec<String> = match values {
                Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map(String::from))
                    .collect::<Option<_>>(),
                Value::String(s) => Some(vec![s.clone()]),
                _ => None,
            }
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "registry configuration: http.headers.{name} must be a list of strings"
                ))
            })?;
            headers.extend(values.into_iter().map(|v| (name.clone(), v)));
        }
    }
    let cert = text(&tree, "http.tls.certificate")?;
    let key = text(&tree, "http.tls.key")?;
    let tls = match (cert, key) {
        (Some(c), Some(k)) => Some((c.into(), k.into())),
        (None, None) => None,
        _ => {
            return Err(Error::Invalid(
                "registry configuration: http.tls needs both certificate and key".into(),
            ))
        }
    };
    let htpasswd = match get(&tree, "auth.htpasswd") {
        Some(Value::Null) | None => None,
        Some(_) => Some(text(&tree, "auth.htpasswd.path")?.ok_or_else(|| {
            Error::Invalid("registry configuration: auth.htpasswd needs a path".into())
        })?),
    };
    let s3 = match get(&tree, "storage.s3") {
        None | Some(Value::Null) => None,
        Some(_) => Some(s3_config(&tree, env)?),
    };
    if s3.is_some() && get(&tree, "storage.filesystem").is_some() {
        return Err(Error::Invalid(
            "registry configuration: storage names two drivers (filesystem and s3); choose one"
                .into(),
        ));
    }
    let proxy = match text(&tree, "proxy.remoteurl")? {
        Some(remote) => Some(super::proxy::ProxyConfig {
            remote,
            username: text(&tree, "proxy.username")?,
            password: text(&tree, "proxy.password")?,
        }),
        None => None,
    };
    Ok(Config {
        proxy,
        s3,
        addr: text(&tree, "http.addr")?,
        tls,
        headers,
        htpasswd: htpasswd.map(PathBuf::from),
        realm: text(&tree, "auth.htpasswd.realm")?,
        rootdirectory: text(&tree, "storage.filesystem.rootdirectory")?.map(PathBuf::from),
        delete: flag(&tree, "storage.delete.enabled")?,
        read_only: flag(&tree, "storage.maintenance.readonly.enabled")?,
        log_level: text(&tree, "log.level")?.map(|l| l.to_lowercase()),
        warnings,
    })
}

/// `storage.s3`, keys falling back to the `AWS_*` variables of `env`.
fn s3_config(tree: &Value, env: &[(String, String)]) -> Result<super::s3::S3Config> {
    let from_env = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let need = |key: &str, var: Option<&str>| -> Result<String> {
        text(tree, &format!("storage.s3.{key}"))?
            .or_else(|| var.and_then(from_env))
            .ok_or_else(|| {
                Error::Invalid(format!("registry configuration: storage.s3 needs {key}"))
            })
    };
    let chunk_size = match get(tree, "storage.s3.chunksize") {
        None | Some(Value::Null) => super::s3::DEFAULT_CHUNK,
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .filter(|n| *n >= super::s3::MIN_CHUNK)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "registry configuration: storage.s3.chunksize must be a number of bytes, at least {}",
                    super::s3::MIN_CHUNK
                ))
            })?,
    };
    let secure = match get(tree, "storage.s3.secure") {
        None | Some(Value::Null) => true,
        _ => flag(tree, "storage.s3.secure")?,
    };
    Ok(super::s3::S3Config {
        bucket: need("bucket", None)?,
        region: need("region", Some("AWS_REGION"))?,
        endpoint: text(tree, "storage.s3.regionendpoint")?.filter(|e| !e.is_empty()),
        access_key: need("accesskey", Some("AWS_ACCESS_KEY_ID"))?,
        secret_key: need("secretkey", Some("AWS_SECRET_ACCESS_KEY"))?,
        rootdirectory: text(tree, "storage.s3.rootdirectory")?.unwrap_or_default(),
        chunk_size,
        insecure: !secure,
    })
}

/// `http.addr` as a socket address: `:5000` is every IPv4 address, a host
/// name is resolved.
pub fn socket_addr(addr: &str) -> Result<std::net::SocketAddr> {
    use std::net::ToSocketAddrs;
    let full = match addr.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => addr.to_string(),
    };
    full.to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| Error::Invalid(format!("http.addr {addr:?}: expected HOST:PORT or :PORT")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        crate::compose::yaml::parse(s).unwrap().to_json()
    }

    #[test]
    fn debian_default_config_is_read() {
        let c = parse(
            yaml(
                "version: 0.1\nlog:\n  fields:\n    service: registry\nstorage:\n  cache:\n    blobdescriptor: inmemory\n  filesystem:\n    rootdirectory: /var/lib/docker-registry\n  delete:\n    enabled: true\nhttp:\n  addr: :5000\n  headers:\n    X-Content-Type-Options: [nosniff]\nauth:\n  htpasswd:\n    realm: basic-realm\n    path: /etc/docker/registry\nhealth:\n  storagedriver:\n    enabled: true\n",
            ),
            &[],
        )
        .unwrap();
        assert_eq!(c.addr.as_deref(), Some(":5000"));
        assert_eq!(c.rootdirectory, Some("/var/lib/docker-registry".into()));
        assert!(c.delete && !c.read_only);
        assert_eq!(
            c.headers,
            vec![("X-Content-Type-Options".into(), "nosniff".into())]
        );
        assert_eq!(c.htpasswd, Some("/etc/docker/registry".into()));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn environment_overrides_and_unknown_keys() {
        let env = [
            (
                "REGISTRY_HTTP_ADDR".to_string(),
                "127.0.0.1:6000".to_string(),
            ),
            ("REGISTRY_STORAGE_DELETE_ENABLED".into(), "true".into()),
            (
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY".into(),
                "/data".into(),
            ),
            ("REGISTRY_NOPE".into(), "x".into()),
            ("PATH".into(), "/bin".into()),
        ];
        let c = parse(yaml("http:\n  addr: :5000\n  bogus: 1\nstorage:\n  maintenance:\n    readonly:\n      enabled: true\n"), &env).unwrap();
        assert_eq!(c.addr.as_deref(), Some("127.0.0.1:6000"));
        assert!(c.delete && c.read_only);
        assert_eq!(c.rootdirectory, Some("/data".into()));
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(c.warnings.iter().any(|w| w.contains("http.bogus")));
        assert!(c.warnings.iter().any(|w| w.contains("REGISTRY_NOPE")));
    }

    #[test]
    fn what_tug_cannot_honour_is_refused() {
        for y in [
            "middleware:\n  registry: []\n",
            "storage:\n  s3:\n    bucket: b\n    encrypt: true\n",
            "auth:\n  token:\n    realm: x\n",
            "http:\n  tls:\n    certificate: c\n    key: k\n    clientcas: [ca]\n",
        ] {
            let e = parse(yaml(y), &[]).unwrap_err().to_string();
            assert!(e.contains("not supported"), "{y}: {e}");
        }
        let e = parse(yaml("http:\n  tls:\n    certificate: c\n"), &[]).unwrap_err();
        assert!(e.to_string().contains("both"), "{e}");
        let e = parse(yaml("storage:\n  delete:\n    enabled: maybe\n"), &[]).unwrap_err();
        assert!(e.to_string().contains("true or false"), "{e}");
        let token = [("REGISTRY_AUTH_TOKEN_REALM".to_string(), "x".to_string())];
        assert!(parse(Value::Null, &token).is_err());
        let proxy = [(
            "REGISTRY_PROXY_REMOTEURL".to_string(),
            "http://u".to_string(),
        )];
        let c = parse(Value::Null, &proxy).unwrap();
        assert_eq!(c.proxy.unwrap().remote, "http://u");
    }

    #[test]
    fn addresses() {
        assert_eq!(socket_addr(":5000").unwrap().to_string(), "0.0.0.0:5000");
        assert_eq!(
            socket_addr("127.0.0.1:1").unwrap().to_string(),
            "127.0.0.1:1"
        );
        assert!(socket_addr("nonsense").is_err());
    }
}
