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
const MAX_MANIFEST: usize = super::storage::MAX_DOCUMENT as usize;

/// `?tag=` parameters one manifest PUT may carry.
const MAX_TAGS: usize = 100;

fn digest_of(v: &Value) -> Option<Digest> {
    v.get("digest")?.as_str()?.parse().ok()
}

pub async fn get(app: &App, name: &str, reference: &str, head: bool) -> ApiResult {
    // A pull-through cache asks upstream for tags (they move) and for what
    // it does not have; when the upstream cannot answer, the cache serves.
    let tag = reference.parse::<Digest>().is_err();
    if app.proxy.is_some() && (tag || app.repos.resolve(name, reference).is_none()) {
        let _ = super::proxy::fetch_manifest(app, name, reference).await;
    }
    let Some((d, media)) = app.repos.resolve(name, reference) else {
        return Err(ApiError::new(
            "MANIFEST_UNKNOWN",
            format!("manifest {name}:{reference} is not known"),
        ));
    };
    let data = app.repos.read_blob(&d).map_err(ApiError::from)?;
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
    q: &[(String, String)],
    headers: &HeaderMap,
    body: Body,
) -> ApiResult {
    // Tags given as `?tag=` (with a digest reference), at most MAX_TAGS.
    let extra: Vec<&str> = q
        .iter()
        .filter(|(k, _)| k == "tag")
        .map(|(_, v)| v.as_str())
        .collect();
    if extra.len() > MAX_TAGS {
        return Err(ApiError::new(
            "MANIFEST_INVALID",
            format!("more than {MAX_TAGS} tags in one request"),
        )
        .with_status(StatusCode::URI_TOO_LONG));
    }
    if let Some(bad) = extra.iter().find(|t| !super::repo::valid_tag(t)) {
        return Err(ApiError::new(
            "MANIFEST_INVALID",
            format!("invalid tag {bad:?}"),
        ));
    }
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
            // Parameters of the Content-Type are ignored.
            headers
                .get("content-type")
                .and_then(|c| c.to_str().ok())
                .and_then(|c| c.split(';').next())
                .map(|c| c.trim().to_string())
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
    let needed = super::storage::references(&v);
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
    let expected = reference.parse::<Digest>().ok();
    let tag = match expected {
        Some(_) => None,
        None => Some(reference),
    };
    // Until the repository names it, the new manifest blob is unreferenced:
    // hold the shared lock so a concurrent GC cannot take it.
    let _lock = app.repos.lock_shared().map_err(ApiError::from)?;
    let d = {
        let mut w = app.repos.blob_writer(&algo).map_err(ApiError::from)?;
        std::io::Write::write_all(&mut w, &data).map_err(ApiError::internal)?;
        w.commit(expected.as_ref()).map_err(ApiError::from)?
    };
    for t in tag.iter().chain(&extra) {
        app.repos
            .put_manifest(name, &d, &media, Some(t))
            .map_err(ApiError::from)?;
    }
    app.repos
        .put_manifest(name, &d, &media, None)
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
    if !extra.is_empty() {
        r.headers_mut().insert(
            "oci-tag",
            extra.join(", ").parse().map_err(ApiError::internal)?,
        );
    }
    if let Some(s) = v.get("subject").and_then(digest_of) {
        r.headers_mut().insert(
            "oci-subject",
            s.to_string().parse().map_err(ApiError::internal)?,
        );
    }
    Ok(r)
}

pub fn delete(app: &App, name: &str, reference: &str) -> ApiResult {
    if app
        .repos
        .delete_manifest(name, reference)
        .map_err(ApiError::from)?
    {
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
        // n=0: an empty list, and no Link.
        Some(n) if after.len() > n => (after[..n].to_vec(), n > 0),
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
    if !crate::reference::valid_digest(digest) {
        return Err(ApiError::new(
            "DIGEST_INVALID",
            format!("invalid digest {digest:?}"),
        ));
    }
    let subject: Digest = digest
        .parse()
        .map_err(|_| ApiError::new("DIGEST_INVALID", format!("invalid digest {digest:?}")))?;
    let filter = q.get("artifactType");
    let mut found = Vec::new();
    for (d, media) in app.repos.manifests(name) {
        let Ok(data) = app.repos.read_blob(&d) else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<Value>(&data) else {
            continue;
        };
        if v.get("subject").and_then(digest_of).as_ref() != Some(&subject) {
            continue;
        }
        // An index without artifactType has none; a manifest's defaults
        // to its config's media type.
        let artifact = v.get("artifactType").and_then(Value::as_str).or_else(|| {
            v.get("config")
                .and_then(|c| c.get("mediaType"))
                .and_then(Value::as_str)
        });
        if filter.is_some_and(|f| Some(f.as_str()) != artifact) {
            continue;
        }
        let mut desc = json!({"mediaType": media, "digest": d.to_string(), "size": data.len()});
        if let Some(a) = artifact {
            desc["artifactType"] = json!(a);
        }
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
