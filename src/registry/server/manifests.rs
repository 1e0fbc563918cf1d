//! Manifests by tag and digest, tag and catalog listings, referrers.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::{ApiError, ApiResult, App};
use crate::store::Digest;

/// Manifests larger than this are refused (as distribution does).
const MAX_MANIFEST: usize = 4 * 1024 * 1024;

fn digest_of(v: &Value) -> Option<Digest> {
    v.get("digest")?.as_str()?.parse().ok()
}

pub fn get(app: &App, name: &str, reference: &str, head: bool) -> ApiResult {
    let Some((d, media)) = app.repos.resolve(name, reference) else {
        return Err(ApiError::new(
            "MANIFEST_UNKNOWN",
            format!("manifest {name}:{reference} is not known"),
        ));
    };
    let data = app.repos.store.read_blob(&d).map_err(ApiError::from)?;
    let len = data.len();
    let body = if head {
        Body::empty()
    } else {
        Body::from(data)
    };
    let mut r = Response::new(body);
    let h = r.headers_mut();
    h.insert("content-type", media.parse().map_err(ApiError::internal)?);
    h.insert("content-length", len.into());
    h.insert(
        "docker-content-digest",
        d.to_string().parse().map_err(ApiError::internal)?,
    );
    Ok(r)
}

pub async fn put(
    app: &App,
    name: &str,
    reference: &str,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult {
    let mut data = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        // A body that stalled past the body timeout, or a client gone.
        let chunk = chunk
            .map_err(|e| ApiError::new("MANIFEST_INVALID", format!("reading the body: {e}")))?;
        if data.len() + chunk.len() > MAX_MANIFEST {
            return Err(ApiError::new(
                "SIZE_INVALID",
                format!("manifest larger than {MAX_MANIFEST} bytes"),
            ));
        }
        data.extend_from_slice(&chunk);
    }
    let v: Value = serde_json::from_slice(&data)
        .map_err(|e| ApiError::new("MANIFEST_INVALID", format!("not JSON: {e}")))?;
    let media = v
        .get("mediaType")
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| {
            headers
                .get("content-type")
                .and_then(|c| c.to_str().ok())
                .map(String::from)
        })
        .ok_or_else(|| ApiError::new("MANIFEST_INVALID", "no media type"))?;
    if v.get("config").is_none() && v.get("manifests").is_none() && v.get("layers").is_none() {
        return Err(ApiError::new(
            "MANIFEST_INVALID",
            "neither an image manifest nor an index",
        ));
    }
    // Everything the manifest names must be in this repository already:
    // an index's manifests pushed to it, a manifest's blobs uploaded or
    // mounted into it.
    let children: Vec<Digest> = v
        .get("manifests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(digest_of)
        .collect();
    let needed = super::repo::references(&v);
    let missing = needed.iter().find(|d| {
        if children.contains(d) {
            !app.repos.has_manifest(name, d)
        } else {
            !app.repos.has_blob(name, d)
        }
    });
    if let Some(missing) = missing {
        return Err(ApiError::new(
            "MANIFEST_BLOB_UNKNOWN",
            format!("blob {missing} is not known in repository {name}"),
        ));
    }
    let algo = match reference.parse::<Digest>() {
        Ok(d) => d.algorithm().as_ref().to_string(),
        Err(_) => "sha256".into(),
    };
    let store = app.repos.store.clone();
    // Until the repository names it, the new manifest blob is unreferenced:
    // hold the shared store lock so a concurrent GC cannot take it.
    let _lock = store.lock_shared().map_err(ApiError::from)?;
    let d = {
        let mut w = store.blob_writer_with(&algo).map_err(ApiError::from)?;
        std::io::Write::write_all(&mut w, &data).map_err(ApiError::internal)?;
        let expected = reference.parse::<Digest>().ok();
        w.commit(expected.as_ref()).map_err(ApiError::from)?.0
    };
    let tag = match reference.parse::<Digest>() {
        Ok(_) => None,
        Err(_) => {
            if !super::repo::valid_tag(reference) {
                return Err(ApiError::new(
                    "MANIFEST_INVALID",
                    format!("invalid tag {reference:?}"),
                ));
            }
            Some(reference)
        }
    };
    app.repos
        .put_manifest(name, &d, &media, tag)
        .map_err(ApiError::from)?;
    for n in &needed {
        app.repos.link_blob(name, n).map_err(ApiError::from)?;
        app.repos.unpin_upload(n);
    }
    let mut r = (
        StatusCode::CREATED,
        [
            ("location", format!("/v2/{name}/manifests/{d}")),
            ("docker-content-digest", d.to_string()),
        ],
    )
        .into_response();
    if let Some(s) = v.get("subject").and_then(digest_of) {
        r.headers_mut().insert(
            "oci-subject",
            s.to_string().parse().map_err(ApiError::internal)?,
        );
    }
    Ok(r)
}

pub fn delete(app: &App, name: &str, reference: &str) -> ApiResult {
    if app.repos.delete_manifest(name, reference) {
        Ok(StatusCode::ACCEPTED.into_response())
    } else {
        Err(ApiError::new(
            "MANIFEST_UNKNOWN",
            format!("manifest {name}:{reference} is not known"),
        ))
    }
}

/// A paginated listing (`n`, `last`) with a `Link` header to the next page.
pub fn list(
    all: Vec<String>,
    q: &HashMap<String, String>,
    path: &str,
    key: &str,
    name: Option<&str>,
) -> Response {
    let after: Vec<String> = match q.get("last") {
        Some(l) => all
            .into_iter()
            .filter(|x| x.as_str() > l.as_str())
            .collect(),
        None => all,
    };
    let n = q.get("n").and_then(|n| n.parse::<usize>().ok());
    let (page, more) = match n {
        Some(n) if after.len() > n => (after[..n].to_vec(), true),
        _ => (after, false),
    };
    let mut body = json!({ key: page });
    if let Some(n) = name {
        body["name"] = json!(n);
    }
    let mut r = (
        StatusCode::OK,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response();
    if more {
        if let (Some(n), Some(last)) = (n, page.last()) {
            if let Ok(v) = format!("<{path}?n={n}&last={last}>; rel=\"next\"").parse() {
                r.headers_mut().insert("link", v);
            }
        }
    }
    r
}

/// The referrers API: every manifest in the repository whose `subject`
/// is `digest`, as an OCI index.
pub fn referrers(app: &App, name: &str, digest: &str, q: &HashMap<String, String>) -> ApiResult {
    let subject: Digest = digest
        .parse()
        .map_err(|_| ApiError::new("DIGEST_INVALID", format!("invalid digest {digest:?}")))?;
    let filter = q.get("artifactType");
    let mut found = Vec::new();
    let dir = app
        .repos
        .store
        .root()
        .join("refs/registry")
        .join(name)
        .join("manifests");
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        let mut lines = text.lines();
        let Some(Ok(d)) = lines.next().map(str::parse::<Digest>) else {
            continue;
        };
        let media = lines.next().unwrap_or_default().to_string();
        let Ok(data) = app.repos.store.read_blob(&d) else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<Value>(&data) else {
            continue;
        };
        if v.get("subject").and_then(digest_of).as_ref() != Some(&subject) {
            continue;
        }
        let artifact = v
            .get("artifactType")
            .and_then(Value::as_str)
            .or_else(|| {
                v.get("config")
                    .and_then(|c| c.get("mediaType"))
                    .and_then(Value::as_str)
            })
            .unwrap_or_default()
            .to_string();
        if filter.is_some_and(|f| *f != artifact) {
            continue;
        }
        let mut desc = json!({"mediaType": media, "digest": d.to_string(), "size": data.len(), "artifactType": artifact});
        if let Some(a) = v.get("annotations") {
            desc["annotations"] = a.clone();
        }
        found.push(desc);
    }
    let body = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": found});
    let mut r = (
        StatusCode::OK,
        [("content-type", "application/vnd.oci.image.index.v1+json")],
        body.to_string(),
    )
        .into_response();
    if filter.is_some() {
        r.headers_mut().insert(
            "oci-filters-applied",
            "artifactType".parse().map_err(ApiError::internal)?,
        );
    }
    Ok(r)
}
