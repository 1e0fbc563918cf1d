//! The pull-through cache (`proxy.remoteurl`, as distribution's): a
//! manifest or blob the backend does not have is fetched from the upstream
//! registry, verified against its digest, stored and linked like a push,
//! then served; later pulls are served from storage, upstream or not. A
//! tag is asked upstream first (tags move) and falls back to the cached one
//! when the upstream cannot answer. Credentials for the upstream go as
//! basic auth, or through its bearer-token challenge.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::StreamExt;

use super::{ApiError, App};
use crate::store::Digest;

/// `proxy.*` of a distribution configuration.
#[derive(Debug, Clone, Default)]
pub struct ProxyConfig {
    pub remote: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// Media types asked for (what the registry can store and serve).
const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

pub struct Proxy {
    c: ProxyConfig,
    http: reqwest::Client,
    /// Bearer tokens by scope.
    tokens: Mutex<HashMap<String, String>>,
}

fn upstream(e: impl std::fmt::Display) -> ApiError {
    ApiError::new("UNKNOWN", format!("upstream registry: {e}"))
        .with_status(axum::http::StatusCode::BAD_GATEWAY)
}

/// `key="value"` pairs of a `WWW-Authenticate: Bearer ...` challenge.
fn challenge(h: &str) -> Option<HashMap<String, String>> {
    let rest = h.strip_prefix("Bearer ")?;
    let mut out = HashMap::new();
    for part in rest.split(',') {
        if let Some((k, v)) = part.trim().split_once('=') {
            out.insert(k.to_lowercase(), v.trim_matches('"').to_string());
        }
    }
    Some(out)
}

impl Proxy {
    pub fn new(c: ProxyConfig) -> crate::Result<Proxy> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| crate::Error::Invalid(format!("proxy client: {e}")))?;
        Ok(Proxy {
            c: ProxyConfig {
                remote: c.remote.trim_end_matches('/').to_string(),
                ..c
            },
            http,
            tokens: Mutex::new(HashMap::new()),
        })
    }

    fn basic(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.c.username {
            Some(u) => r.basic_auth(u, self.c.password.as_deref()),
            None => r,
        }
    }

    /// GET `path` upstream for repository `name`, answering a bearer
    /// challenge once.
    async fn get(&self, name: &str, path: &str) -> Result<reqwest::Response, ApiError> {
        let scope = format!("repository:{name}:pull");
        let url = format!("{}{path}", self.c.remote);
        let token = self
            .tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&scope)
            .cloned();
        let request = |token: Option<&str>| {
            let r = self.http.get(&url).header("accept", ACCEPT);
            match token {
                Some(t) => r.bearer_auth(t),
                None => self.basic(r),
            }
        };
        let resp = request(token.as_deref()).send().await.map_err(upstream)?;
        if resp.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        let Some(params) = resp
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .and_then(challenge)
        else {
            return Ok(resp);
        };
        let realm = params.get("realm").ok_or_else(|| upstream("no realm"))?;
        let mut q = vec![("scope", scope.as_str())];
        if let Some(s) = params.get("service") {
            q.push(("service", s));
        }
        let t = self.basic(self.http.get(realm).query(&q));
        let v: serde_json::Value = t
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(upstream)?
            .json()
            .await
            .map_err(upstream)?;
        let token = v
            .get("token")
            .or_else(|| v.get("access_token"))
            .and_then(|t| t.as_str())
            .ok_or_else(|| upstream("no token"))?
            .to_string();
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(scope, token.clone());
        request(Some(&token)).send().await.map_err(upstream)
    }
}

/// Fetches manifest `reference` of `name` upstream and stores it (tagged,
/// for a tag); false when the upstream does not have it.
pub(crate) async fn fetch_manifest(
    app: &App,
    name: &str,
    reference: &str,
) -> Result<bool, ApiError> {
    let Some(p) = &app.proxy else {
        return Ok(false);
    };
    let resp = p
        .get(name, &format!("/v2/{name}/manifests/{reference}"))
        .await?;
    if resp.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(false);
    }
    let resp = resp.error_for_status().map_err(upstream)?;
    let media = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or_default().trim().to_string());
    let mut data = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(upstream)?;
        if (data.len() + chunk.len()) as u64 > super::storage::MAX_DOCUMENT {
            return Err(upstream("manifest too large"));
        }
        data.extend_from_slice(&chunk);
    }
    let v: serde_json::Value = serde_json::from_slice(&data).map_err(upstream)?;
    let media = media
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| super::storage::media_type_of(&v));
    let expected = reference.parse::<Digest>().ok();
    let algo = expected
        .as_ref()
        .map_or("sha256".to_string(), |d| d.algorithm().as_ref().to_string());
    let tag = expected.is_none().then_some(reference);
    let _lock = app.repos.lock_shared().map_err(ApiError::from)?;
    let mut w = app.repos.blob_writer(&algo).map_err(ApiError::from)?;
    std::io::Write::write_all(&mut w, &data).map_err(ApiError::internal)?;
    let d = w.commit(expected.as_ref()).map_err(ApiError::from)?;
    app.repos
        .put_manifest(name, &d, &media, tag)
        .map_err(ApiError::from)?;
    Ok(true)
}

/// Fetches blob `d` of `name` upstream into storage, linked to `name`;
/// false when the upstream does not have it.
pub(crate) async fn fetch_blob(app: &App, name: &str, d: &Digest) -> Result<bool, ApiError> {
    let Some(p) = &app.proxy else {
        return Ok(false);
    };
    let resp = p.get(name, &format!("/v2/{name}/blobs/{d}")).await?;
    if resp.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(false);
    }
    let resp = resp.error_for_status().map_err(upstream)?;
    let mut w = app
        .repos
        .blob_writer(d.algorithm().as_ref())
        .map_err(ApiError::from)?;
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        std::io::Write::write_all(&mut w, &chunk.map_err(upstream)?).map_err(ApiError::internal)?;
    }
    let (app, name, d) = (app.clone(), name.to_string(), d.clone());
    tokio::task::spawn_blocking(move || -> crate::Result<()> {
        let _lock = app.repos.lock_shared()?;
        w.commit(Some(&d))?;
        app.repos.link_blob(&name, &d)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::from)?;
    Ok(true)
}
