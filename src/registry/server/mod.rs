//! `registry-serve`: the OCI Distribution Specification over a storage
//! backend (`storage.rs`): by default the shared store, whose `blobs/` hold
//! what is pushed (a pushed layer the store already has is not written
//! twice) with repository metadata under `refs/registry/` (`repo.rs`); or
//! a `registry:2` data directory in distribution's layout
//! (`distribution.rs`). Upload sessions are files in the backend's uploads
//! directory (`uploads.rs`). What a client can hold is
//! bounded: connections and their timeouts (`conn.rs`, `timeouts.rs`),
//! upload sessions (`uploads.rs`), password guesses (`auth.rs`).

mod auth;
mod blobs;
pub mod config;
mod conn;
pub mod distribution;
mod errors;
mod manifests;
pub mod proxy;
pub mod repo;
pub mod s3;
pub mod storage;
mod timeouts;
mod uploads;
mod zerocopy;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;

use crate::error::{Error, Result};
use crate::store::Store;
pub use conn::{default_max_connections, Limits};
pub use errors::{ApiError, ApiResult};
use repo::{valid_name, valid_tag, Repos};
pub use storage::{GcOptions, GcReport, Storage};
pub use uploads::UploadLimits;

/// Where a registry keeps what it serves.
#[derive(Debug, Clone)]
pub enum Backend {
    /// tug's store (shared with local images).
    Store(Store),
    /// Distribution's layout under this root directory.
    Distribution(std::path::PathBuf),
    /// Distribution's layout in an S3 bucket; tug's own files (sessions,
    /// pins, the GC lock) in `local`.
    S3 {
        config: s3::S3Config,
        local: std::path::PathBuf,
    },
}

/// Opens a backend; `serve_local` also serves the store's local images.
pub fn open_storage(b: Backend, serve_local: bool) -> Result<Arc<dyn Storage>> {
    Ok(match b {
        Backend::Store(store) => {
            let repos = Repos {
                store,
                local: serve_local,
            };
            repos.link_existing()?;
            Arc::new(repos)
        }
        Backend::Distribution(root) => Arc::new(distribution::Distribution::open(&root)?),
        Backend::S3 { config, local } => Arc::new(distribution::Distribution::with_driver(
            Box::new(s3::S3::new(config)?),
            &local,
        )?),
    })
}

/// How the server was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub read_only: bool,
    /// Allow DELETE of manifests, tags and blobs.
    pub delete: bool,
    /// Headers added to every response (`http.headers`).
    pub headers: Vec<(String, String)>,
    /// Print one line per request on stderr.
    pub access_log: bool,
    /// Also serve the images of the local store (index.json).
    pub serve_local: bool,
    /// Require these bcrypt htpasswd users.
    pub htpasswd: Option<std::path::PathBuf>,
    /// The realm the basic-auth challenge names (`auth.htpasswd.realm`).
    pub realm: Option<String>,
    /// Serve HTTPS with this certificate chain and key (PEM).
    pub tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
    /// Connection timeouts and bound.
    pub limits: Limits,
    /// Upload session bounds and expiry.
    pub uploads: UploadLimits,
    /// Serve as a pull-through cache of this upstream (`proxy.*`).
    pub proxy: Option<proxy::ProxyConfig>,
}

pub(crate) struct Shared {
    pub repos: Arc<dyn Storage>,
    pub read_only: bool,
    pub delete: bool,
    pub headers: HeaderMap,
    pub access_log: bool,
    pub auth: Option<auth::Htpasswd>,
    /// The `WWW-Authenticate` challenge of a 401.
    pub challenge: axum::http::HeaderValue,
    pub uploads: Arc<uploads::Uploads>,
    pub proxy: Option<proxy::Proxy>,
}

pub(crate) type App = Arc<Shared>;

/// Serves until the process is killed. Prints the bound address first (so
/// `--addr 127.0.0.1:0` is usable).
pub fn serve(backend: Backend, o: ServeOptions) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Invalid(format!("starting the server runtime: {e}")))?;
    // Opened, and finally dropped, outside the runtime: a backend may hold
    // a blocking HTTP client, which must not be dropped on a runtime thread.
    let storage = open_storage(backend, o.serve_local)?;
    let keep = storage.clone();
    let r = rt.block_on(async move {
        let repos = storage;
        let dir = repos.uploads_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let uploads = Arc::new(uploads::Uploads::new(dir, o.uploads.clone()));
        uploads.expire();
        let auth = o
            .htpasswd
            .as_deref()
            .map(auth::Htpasswd::load)
            .transpose()?;
        let tls = o.tls.as_ref().map(|(c, k)| tls_config(c, k)).transpose()?;
        let mut headers = HeaderMap::new();
        for (k, v) in &o.headers {
            let name = axum::http::HeaderName::try_from(k.as_str())
                .map_err(|e| Error::Invalid(format!("header name {k:?}: {e}")))?;
            let value = axum::http::HeaderValue::try_from(v.as_str())
                .map_err(|e| Error::Invalid(format!("header {k} value {v:?}: {e}")))?;
            headers.append(name, value);
        }
        let app: App = Arc::new(Shared {
            repos,
            read_only: o.read_only,
            delete: o.delete,
            headers,
            proxy: o.proxy.clone().map(proxy::Proxy::new).transpose()?,
            challenge: challenge(o.realm.as_deref().unwrap_or("tug-registry"))?,
            access_log: o.access_log,
            auth,
            uploads: uploads.clone(),
        });
        let router = Router::new()
            .route("/v2/", get(base))
            .route("/v2", get(base))
            .route("/v2/{*rest}", any(dispatch))
            .with_state(app);
        let listener = tokio::net::TcpListener::bind(o.addr)
            .await
            .map_err(|e| Error::Invalid(format!("listening on {}: {e}", o.addr)))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::Invalid(e.to_string()))?;
        eprintln!("tug registry-serve: listening on {local}");
        tokio::spawn(uploads.sweep());
        let tls = tls.map(|cfg| tokio_rustls::TlsAcceptor::from(Arc::new(cfg)));
        conn::serve(listener, router, tls, o.limits).await;
        Ok(())
    });
    drop(rt);
    drop(keep);
    r
}

/// A rustls server config from PEM files.
fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<rustls::ServerConfig> {
    let read = |p: &std::path::Path| std::fs::read(p).map_err(|e| Error::io(p, e));
    let certs = rustls_pemfile::certs(&mut &read(cert)?[..])
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Invalid(format!("{}: {e}", cert.display())))?;
    let key = rustls_pemfile::private_key(&mut &read(key)?[..])
        .map_err(|e| Error::Invalid(format!("{}: {e}", key.display())))?
        .ok_or_else(|| Error::Invalid(format!("{}: no private key", key.display())))?;
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Invalid(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| Error::Invalid(format!("TLS certificate: {e}")))
}

/// `Basic realm="..."` for a realm (quotes and controls refused).
fn challenge(realm: &str) -> Result<axum::http::HeaderValue> {
    if realm
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        return Err(Error::Invalid(format!(
            "auth realm {realm:?}: no quotes, backslashes or control characters"
        )));
    }
    format!("Basic realm=\"{realm}\"")
        .parse()
        .map_err(|e| Error::Invalid(format!("auth realm {realm:?}: {e}")))
}

/// The 401 a client without valid credentials gets.
fn unauthorized(app: &App) -> Response {
    let mut r = ApiError::new("UNAUTHORIZED", "authentication required").into_response();
    r.headers_mut()
        .insert("www-authenticate", app.challenge.clone());
    r
}

/// The answer to a request whose credentials are not good enough, if so.
async fn refused(app: &App, headers: &HeaderMap, client: SocketAddr) -> Option<Response> {
    match app.auth.as_ref()?.check(headers, client.ip()).await {
        auth::Verdict::Allowed => None,
        auth::Verdict::Denied => Some(unauthorized(app)),
        auth::Verdict::Limited(wait) => {
            let mut r = ApiError::new(
                "TOOMANYREQUESTS",
                "too many failed logins from this address; retry later",
            )
            .into_response();
            let secs = wait.as_secs().max(1);
            r.headers_mut().insert("retry-after", secs.into());
            Some(r)
        }
    }
}

async fn base(
    State(app): State<App>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refused(&app, &headers, client).await {
        return with_headers(&app, r);
    }
    let r = (
        StatusCode::OK,
        [
            ("content-type", "application/json"),
            ("docker-distribution-api-version", "registry/2.0"),
        ],
        "{}",
    )
        .into_response();
    with_headers(&app, r)
}

/// Adds the configured headers (`http.headers`) to a response.
fn with_headers(app: &App, mut r: Response) -> Response {
    for (k, v) in &app.headers {
        r.headers_mut().append(k, v.clone());
    }
    r
}

/// What a `/v2/<name>/...` path asks for.
enum Route {
    Blob(String, String),
    UploadStart(String),
    Upload(String, String),
    Manifest(String, String),
    Tags(String),
    Referrers(String, String),
    Catalog,
}

fn route(rest: &str) -> Option<Route> {
    if rest == "_catalog" {
        return Some(Route::Catalog);
    }
    if let Some(name) = rest.strip_suffix("/tags/list") {
        return Some(Route::Tags(name.into()));
    }
    if let Some(name) = rest
        .strip_suffix("/blobs/uploads/")
        .or_else(|| rest.strip_suffix("/blobs/uploads"))
    {
        return Some(Route::UploadStart(name.into()));
    }
    for (sep, f) in [
        (
            "/blobs/uploads/",
            Route::Upload as fn(String, String) -> Route,
        ),
        ("/blobs/", Route::Blob),
        ("/manifests/", Route::Manifest),
        ("/referrers/", Route::Referrers),
    ] {
        if let Some(i) = rest.rfind(sep) {
            let (name, tail) = (&rest[..i], &rest[i + sep.len()..]);
            if !tail.is_empty() && !tail.contains('/') {
                return Some(f(name.into(), tail.into()));
            }
        }
    }
    None
}

async fn dispatch(
    State(app): State<App>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    method: Method,
    Path(rest): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    req: axum::extract::Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let log = app.access_log.then(|| format!("{method} /v2/{rest}"));
    if let Some(r) = refused(&app, &headers, client).await {
        if let Some(l) = log {
            eprintln!("{l} {}", r.status().as_u16());
        }
        return with_headers(&app, r);
    }
    let resp = handle(
        app.clone(),
        method,
        &rest,
        pairs,
        headers,
        Peer {
            ip: client.ip(),
            zc: parts.extensions.get::<zerocopy::ZeroCopy>().cloned(),
        },
        body,
    )
    .await
    .unwrap_or_else(|e| e.into_response());
    if let Some(l) = log {
        eprintln!("{l} {}", resp.status().as_u16());
    }
    with_headers(&app, resp)
}

/// Who a request came from: the client's address, and the connection's
/// zero-copy queue when it is plain TCP.
struct Peer {
    ip: std::net::IpAddr,
    zc: Option<zerocopy::ZeroCopy>,
}

async fn handle(
    app: App,
    method: Method,
    rest: &str,
    pairs: Vec<(String, String)>,
    headers: HeaderMap,
    peer: Peer,
    body: Body,
) -> ApiResult {
    let (client, zc) = (peer.ip, peer.zc);
    let q: HashMap<String, String> = pairs.iter().cloned().collect();
    let Some(r) = route(rest) else {
        return Err(ApiError::new(
            "NAME_INVALID",
            format!("no such endpoint /v2/{rest}"),
        ));
    };
    let name = match &r {
        Route::Catalog => None,
        Route::Blob(n, _)
        | Route::UploadStart(n)
        | Route::Upload(n, _)
        | Route::Manifest(n, _)
        | Route::Tags(n)
        | Route::Referrers(n, _) => Some(n.as_str()),
    };
    if let Some(n) = name {
        if !valid_name(n) {
            return Err(ApiError::new(
                "NAME_INVALID",
                format!("invalid repository name {n:?}"),
            ));
        }
    }
    if let Route::Manifest(n, r) = &r {
        if r.parse::<crate::store::Digest>().is_err() && !valid_tag(r) {
            let code = if method == Method::PUT {
                "MANIFEST_INVALID"
            } else {
                "MANIFEST_UNKNOWN"
            };
            return Err(ApiError::new(
                code,
                format!("{n}:{r}: neither a digest nor a valid tag"),
            ));
        }
    }
    let writes = !matches!(method, Method::GET | Method::HEAD);
    if writes && app.read_only {
        return Err(ApiError::new("DENIED", "the registry is read-only"));
    }
    if writes && app.proxy.is_some() {
        return Err(ApiError::new(
            "UNSUPPORTED",
            "this registry is a pull-through cache: push to its upstream",
        ));
    }
    let upload = matches!(r, Route::Upload(..));
    if method == Method::DELETE && !upload && !app.delete {
        return Err(ApiError::new(
            "UNSUPPORTED",
            "deletion is disabled on this registry (storage.delete.enabled)",
        ));
    }
    match (r, method) {
        (Route::Catalog, Method::GET) => Ok(manifests::list(
            app.repos.catalog(),
            &q,
            "/v2/_catalog",
            "repositories",
            None,
        )),
        (Route::Tags(n), Method::GET) => {
            if !app.repos.exists(&n) {
                return Err(ApiError::new(
                    "NAME_UNKNOWN",
                    format!("repository {n} is not known"),
                ));
            }
            Ok(manifests::list(
                app.repos.tags(&n),
                &q,
                &format!("/v2/{n}/tags/list"),
                "tags",
                Some(&n),
            ))
        }
        (Route::Blob(n, d), m @ (Method::GET | Method::HEAD)) => {
            blobs::get(&app, &n, &d, m == Method::HEAD, &headers, zc.as_ref()).await
        }
        (Route::Blob(n, d), Method::DELETE) => blobs::delete(&app, &n, &d),
        (Route::UploadStart(n), Method::POST) => blobs::start(&app, &n, &q, client, body).await,
        (Route::Upload(n, id), Method::PATCH) => blobs::patch(&app, &n, &id, &headers, body).await,
        (Route::Upload(n, id), Method::PUT) => {
            blobs::finish(&app, &n, &id, &q, &headers, body).await
        }
        (Route::Upload(n, id), Method::GET) => blobs::status(&app, &n, &id),
        (Route::Upload(n, id), Method::DELETE) => blobs::cancel(&app, &n, &id),
        (Route::Manifest(n, r), m @ (Method::GET | Method::HEAD)) => {
            manifests::get(&app, &n, &r, m == Method::HEAD).await
        }
        (Route::Manifest(n, r), Method::PUT) => {
            manifests::put(&app, &n, &r, &pairs, &headers, body).await
        }
        (Route::Manifest(n, r), Method::DELETE) => manifests::delete(&app, &n, &r),
        (Route::Referrers(n, d), Method::GET) => manifests::referrers(&app, &n, &d, &q),
        _ => Err(ApiError::new("UNSUPPORTED", "method not allowed here")),
    }
}
