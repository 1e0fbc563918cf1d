//! HTTP to one registry: scheme choice, credentials, and the bearer-token
//! dance (`WWW-Authenticate: Bearer realm=...,service=...,scope=...`).

use std::collections::HashMap;

use base64::Engine;
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;

use crate::error::{Error, Result};

fn err(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

/// An error with its causes on one line (reqwest hides them in `source`).
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(&format!(": {c}"));
        cur = c.source();
    }
    s
}

/// Loopback registries speak plain HTTP, as Docker allows.
fn is_loopback(host: &str) -> bool {
    let h = host
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(host)
        .trim_matches(['[', ']']);
    h == "localhost" || h.starts_with("127.") || h == "::1"
}

/// Registries spoken to over plain HTTP: `insecure = true` in tug's
/// registries.toml files, else listed in daemon.json's
/// `insecure-registries` (registries.toml wins where it names the host).
fn insecure(host: &str) -> bool {
    let files = [
        crate::paths::home_dir().join(".config/tug/registries.toml"),
        std::path::PathBuf::from("/etc/tug/registries.toml"),
    ];
    let from_toml = files.iter().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        let v = text.parse::<toml::Table>().ok()?;
        v.get("registry")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
            .find(|r| r.get("location").and_then(|l| l.as_str()) == Some(host))
            .map(|r| r.get("insecure").and_then(|i| i.as_bool()) == Some(true))
    });
    from_toml.unwrap_or_else(|| crate::daemon_json::settings().is_insecure(host))
}

/// The server name credential helpers know a registry by (Docker's own
/// for Docker Hub).
fn server_url(host: &str) -> &str {
    if host == "docker.io" {
        "https://index.docker.io/v1/"
    } else {
        host
    }
}

/// Runs `docker-credential-<helper> <action>` with `input` on stdin
/// (Docker's credential-helper protocol); returns its stdout, or why it
/// failed.
fn run_helper(helper: &str, action: &str, input: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use std::io::Write;
    let name = format!("docker-credential-{helper}");
    let mut child = std::process::Command::new(&name)
        .arg(action)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("{name}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("{name}: {e}"))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(if out.stdout.is_empty() {
            &out.stderr
        } else {
            &out.stdout
        })
        .trim()
        .chars()
        .take(200)
        .collect::<String>();
        return Err(format!(
            "{name} {action}: {}",
            crate::untrusted::quote(&said)
        ));
    }
    Ok(out.stdout)
}

/// Asks `docker-credential-<helper> get` (the server on stdin,
/// `{"Username","Secret"}` on stdout).
fn from_helper(helper: &str, host: &str) -> Option<(String, String)> {
    let out = run_helper(helper, "get", server_url(host).as_bytes()).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&out).ok()?;
    Some((
        v.get("Username")?.as_str()?.to_string(),
        v.get("Secret")?.as_str()?.to_string(),
    ))
}

/// The credential helper config.json names for `host` (`credHelpers`,
/// else `credsStore`).
fn helper_for(config: &serde_json::Value, host: &str) -> Option<String> {
    config
        .get("credHelpers")
        .and_then(|h| h.get(host))
        .or_else(|| config.get("credsStore"))
        .and_then(|h| h.as_str())
        .filter(|h| !h.is_empty())
        .map(String::from)
}

/// `user:password` for `host` from `~/.docker/config.json` (its credential
/// helpers first, then `auths`).
pub fn credentials(host: &str) -> Option<(String, String)> {
    let path = crate::paths::home_dir().join(".docker/config.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    // A credential helper named for this registry, or for all, answers first.
    if let Some(h) = helper_for(&v, host) {
        if let Some(c) = from_helper(&h, host) {
            return Some(c);
        }
    }
    let auths = v.get("auths")?.as_object()?;
    let keys = [
        host.to_string(),
        format!("https://{host}"),
        format!("http://{host}"),
        if host == "docker.io" {
            "https://index.docker.io/v1/".into()
        } else {
            String::new()
        },
    ];
    let entry = keys.iter().find_map(|k| auths.get(k))?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(entry.get("auth")?.as_str()?)
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

/// Extra CA certificates for `host`: `*.crt` in `~/.config/tug/certs.d/<host>/`,
/// `/etc/docker/certs.d/<host>/` and `/etc/containers/certs.d/<host>/`.
fn ca_files(host: &str) -> Vec<std::path::PathBuf> {
    let dirs = [
        crate::paths::home_dir()
            .join(".config/tug/certs.d")
            .join(host),
        std::path::Path::new("/etc/docker/certs.d").join(host),
        std::path::Path::new("/etc/containers/certs.d").join(host),
    ];
    dirs.iter()
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "crt"))
        .collect()
}

/// Records (or with `None`, forgets) credentials for `host`, as Docker
/// does: in the credential helper `~/.docker/config.json` names for it
/// (`docker-credential-<name> store`/`erase`; config.json keeps an empty
/// `auths` entry), else in config.json's `auths`, keeping everything else.
pub fn save_credentials(host: &str, creds: Option<(&str, &str)>) -> Result<bool> {
    let dir = crate::paths::home_dir().join(".docker");
    let path = dir.join("config.json");
    let mut v: serde_json::Value = match std::fs::read(&path) {
        Ok(d) => {
            serde_json::from_slice(&d).map_err(|e| Error::json(path.display().to_string(), e))?
        }
        Err(_) => serde_json::json!({}),
    };
    if !v.is_object() {
        v = serde_json::json!({});
    }
    let helper = helper_for(&v, host);
    let auths = v
        .as_object_mut()
        .expect("object")
        .entry("auths")
        .or_insert_with(|| serde_json::json!({}));
    let Some(auths) = auths.as_object_mut() else {
        return Err(err(format!("{}: auths is not an object", path.display())));
    };
    let changed = match (creds, helper) {
        (Some((u, p)), Some(h)) => {
            let input = serde_json::json!({
                "ServerURL": server_url(host),
                "Username": u,
                "Secret": p,
            });
            run_helper(&h, "store", input.to_string().as_bytes())
                .map_err(|e| err(format!("error storing credentials: {e}")))?;
            auths.insert(host.to_string(), serde_json::json!({}));
            true
        }
        (Some((u, p)), None) => {
            let auth = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
            auths.insert(host.to_string(), serde_json::json!({ "auth": auth }));
            true
        }
        (None, helper) => {
            let erased = helper
                .is_some_and(|h| run_helper(&h, "erase", server_url(host).as_bytes()).is_ok());
            auths.remove(host).is_some() || erased
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let data = serde_json::to_vec_pretty(&v).map_err(|e| Error::json("config.json", e))?;
    let tmp = dir.join(format!(".config.json.tmp-{}", std::process::id()));
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| Error::io(&tmp, e))?;
        f.write_all(&data).map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    Ok(changed)
}

/// A session with one registry.
pub struct Registry {
    http: Client,
    pub base: String,
    creds: Option<(String, String)>,
    tokens: HashMap<String, String>,
}

fn parse_challenge(h: &str) -> (String, HashMap<String, String>) {
    let (scheme, rest) = h.split_once(' ').unwrap_or((h, ""));
    let mut params = HashMap::new();
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let Some((k, after)) = rest.split_once('=') else {
            break;
        };
        let (v, next) = if let Some(a) = after.strip_prefix('"') {
            let end = a.find('"').unwrap_or(a.len());
            (&a[..end], a.get(end + 1..).unwrap_or(""))
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        params.insert(k.trim().to_lowercase(), v.to_string());
        rest = next.trim_start_matches(',').trim();
    }
    (scheme.to_lowercase(), params)
}

impl Registry {
    /// Replaces the credentials from config.json (for `login`).
    pub fn with_credentials(mut self, user: &str, pass: &str) -> Registry {
        self.creds = Some((user.to_string(), pass.to_string()));
        self
    }

    /// Checks the credentials against `/v2/` (token or basic flow).
    pub fn check_login(&mut self) -> Result<()> {
        let url = format!("{}/v2/", self.base);
        let resp = self.send("registry:catalog:*", |c| c.get(&url))?;
        check(resp, "login").map(|_| ())
    }

    /// A session with the registry `domain` (`docker.io` → its API host).
    pub fn new(domain: &str) -> Result<Registry> {
        Registry::with_scheme(domain, None)
    }

    /// A session with `domain` over plain HTTP (`Some(true)`), TLS
    /// (`Some(false)`) or as the host's settings say (`None`): a mirror
    /// named by URL or marked insecure where it is configured.
    pub fn with_scheme(domain: &str, plain: Option<bool>) -> Result<Registry> {
        let host = if domain == "docker.io" {
            "registry-1.docker.io"
        } else {
            domain
        };
        // Loopback registries speak plain HTTP unless a CA is configured
        // for them (then they are taken to serve TLS).
        let cas = ca_files(domain);
        let plain =
            plain.unwrap_or_else(|| (is_loopback(host) && cas.is_empty()) || insecure(domain));
        let scheme = if plain { "http" } else { "https" };
        let mut builder = Client::builder()
            .user_agent(concat!("tug/", env!("CARGO_PKG_VERSION")))
            .timeout(None);
        for cert in cas {
            let pem = std::fs::read(&cert).map_err(|e| Error::io(&cert, e))?;
            let c = reqwest::Certificate::from_pem(&pem)
                .map_err(|e| err(format!("{}: {e}", cert.display())))?;
            builder = builder.add_root_certificate(c);
        }
        let http = builder
            .build()
            .map_err(|e| err(format!("creating an HTTP client: {e}")))?;
        Ok(Registry {
            http,
            base: format!("{scheme}://{host}"),
            creds: credentials(domain),
            tokens: HashMap::new(),
        })
    }

    /// Sends a request, answering an auth challenge once. `scope` is the
    /// token scope (`repository:NAME:pull,push`).
    pub fn send(
        &mut self,
        scope: &str,
        make: impl Fn(&Client) -> RequestBuilder,
    ) -> Result<Response> {
        let with_auth = |me: &Registry, rb: RequestBuilder| match (me.tokens.get(scope), &me.creds)
        {
            (Some(t), _) if t.starts_with("Basic ") => rb.header("authorization", t.clone()),
            (Some(t), _) => rb.bearer_auth(t),
            _ => rb,
        };
        let resp = with_auth(self, make(&self.http))
            .send()
            .map_err(|e| err(format!("{}: {e}", self.base)))?;
        if resp.status() != StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        let challenge = resp
            .headers()
            .get("www-authenticate")
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let (kind, params) = parse_challenge(&challenge);
        let token = match kind.as_str() {
            "bearer" => self.fetch_token(&params, scope)?,
            "basic" => {
                let (u, p) = self.creds.clone().ok_or_else(|| {
                    err(format!(
                        "{}: authentication required (tug login)",
                        self.base
                    ))
                })?;
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
                )
            }
            _ => return Err(err(format!("{}: unauthorized", self.base))),
        };
        self.tokens.insert(scope.to_string(), token);
        let resp = with_auth(self, make(&self.http))
            .send()
            .map_err(|e| err(format!("{}: {e}", self.base)))?;
        if resp.status() == StatusCode::UNAUTHORIZED {
            return Err(err(format!(
                "{}: unauthorized: check your credentials (tug login)",
                self.base
            )));
        }
        Ok(resp)
    }

    fn fetch_token(&self, params: &HashMap<String, String>, scope: &str) -> Result<String> {
        let realm = params
            .get("realm")
            .ok_or_else(|| err("auth challenge without a realm"))?;
        let mut rb = self.http.get(realm).query(&[(
            "scope",
            params.get("scope").map(String::as_str).unwrap_or(scope),
        )]);
        if let Some(s) = params.get("service") {
            rb = rb.query(&[("service", s)]);
        }
        if let Some((u, p)) = &self.creds {
            rb = rb.basic_auth(u, Some(p));
        }
        let resp = rb
            .send()
            .map_err(|e| err(format!("getting a token from {realm}: {e}")))?;
        if !resp.status().is_success() {
            return Err(err(format!(
                "getting a token from {realm}: {}",
                resp.status()
            )));
        }
        let v: serde_json::Value = resp
            .json()
            .map_err(|e| err(format!("token response: {e}")))?;
        v.get("token")
            .or_else(|| v.get("access_token"))
            .and_then(|t| t.as_str())
            .map(String::from)
            .ok_or_else(|| err("token response without a token"))
    }
}

/// Turns an error response into a one-line message with the spec's code.
pub fn check(resp: Response, what: &str) -> Result<Response> {
    if resp.status().is_success() {
        return Ok(resp);
    }
    let status = resp.status();
    let body: serde_json::Value = resp.json().unwrap_or_default();
    let detail = body["errors"][0]["message"]
        .as_str()
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    Err(err(format!("{what}: {status}{detail}")))
}
