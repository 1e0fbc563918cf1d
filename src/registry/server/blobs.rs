//! Blob reads and upload sessions (monolithic, chunked, streamed, mounts).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::{ApiError, ApiResult, App};
use crate::store::Digest;

/// Sessions untouched for this long are removed.
const SESSION_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

fn parse_digest(d: &str) -> Result<Digest, ApiError> {
    if !crate::reference::valid_digest(d) {
        return Err(ApiError::new(
            "DIGEST_INVALID",
            format!("invalid digest {d:?}"),
        ));
    }
    d.parse()
        .map_err(|_| ApiError::new("DIGEST_INVALID", format!("invalid digest {d:?}")))
}

fn session_path(app: &App, id: &str) -> Result<PathBuf, ApiError> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"));
    }
    Ok(app.repos.store.root().join("registry/uploads").join(id))
}

/// Removes upload sessions older than the TTL (at start-up).
pub fn expire_sessions(dir: &Path) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > SESSION_TTL);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: "UNKNOWN",
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: e.to_string(),
    }
}

/// GET/HEAD of a blob, with `Range: bytes=a-b`.
pub async fn get(
    app: &App,
    _name: &str,
    digest: &str,
    head: bool,
    headers: &HeaderMap,
) -> ApiResult {
    let d = parse_digest(digest)?;
    let path = app.repos.store.blob_path(&d);
    let mut f = tokio::fs::File::open(&path)
        .await
        .map_err(|_| ApiError::new("BLOB_UNKNOWN", format!("blob {d} is not known")))?;
    let size = f.metadata().await.map_err(internal)?.len();
    let range = headers
        .get("range")
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.split_once('-'))
        .map(|(a, b)| {
            let start: u64 = a.parse().unwrap_or(0);
            let end: u64 = b
                .parse()
                .unwrap_or(size.saturating_sub(1))
                .min(size.saturating_sub(1));
            (start, end)
        });
    let (status, start, len) = match range {
        Some((s, e)) if s <= e && s < size => (StatusCode::PARTIAL_CONTENT, s, e - s + 1),
        Some(_) => {
            return Err(ApiError::new(
                "RANGE_INVALID",
                "requested range not satisfiable",
            ))
        }
        None => (StatusCode::OK, 0, size),
    };
    let mut resp = if head {
        Response::new(Body::empty())
    } else {
        f.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(internal)?;
        let stream = tokio_util::io::ReaderStream::with_capacity(f.take(len), 1024 * 1024);
        Response::new(Body::from_stream(stream))
    };
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert("content-length", len.into());
    h.insert(
        "content-type",
        "application/octet-stream".parse().expect("static"),
    );
    h.insert(
        "docker-content-digest",
        d.to_string().parse().map_err(internal)?,
    );
    h.insert("accept-ranges", "bytes".parse().expect("static"));
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            "content-range",
            format!("bytes {start}-{}/{size}", start + len - 1)
                .parse()
                .map_err(internal)?,
        );
    }
    Ok(resp)
}

fn accepted(name: &str, id: &str, size: u64) -> Response {
    let range = format!("0-{}", size.saturating_sub(1));
    (
        StatusCode::ACCEPTED,
        [
            ("location", format!("/v2/{name}/blobs/uploads/{id}")),
            ("range", range),
            ("docker-upload-uuid", id.to_string()),
            ("content-length", "0".to_string()),
        ],
    )
        .into_response()
}

fn created(name: &str, d: &Digest) -> Response {
    (
        StatusCode::CREATED,
        [
            ("location", format!("/v2/{name}/blobs/{d}")),
            ("docker-content-digest", d.to_string()),
            ("content-length", "0".to_string()),
        ],
    )
        .into_response()
}

/// Appends a request body to a session file; returns its new size.
async fn append(path: &Path, body: Body) -> Result<u64, ApiError> {
    let mut f = tokio::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .await
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::new("BLOB_UPLOAD_INVALID", format!("reading the body: {e}")))?;
        f.write_all(&chunk).await.map_err(internal)?;
    }
    f.flush().await.map_err(internal)?;
    Ok(f.metadata().await.map_err(internal)?.len())
}

async fn new_session(app: &App) -> Result<(String, PathBuf), ApiError> {
    let id = {
        let b: [u8; 16] = rand::random();
        let h = hex::encode(b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    };
    let path = session_path(app, &id)?;
    tokio::fs::File::create(&path).await.map_err(internal)?;
    Ok((id, path))
}

/// Verifies the session's content against `digest` and moves it into the
/// store (discarded if the store already has it), pinned until a manifest
/// names it.
async fn commit(app: &App, path: PathBuf, d: Digest) -> Result<(), ApiError> {
    let store = app.repos.store.clone();
    let dd = d.clone();
    let p = path.clone();
    let res = tokio::task::spawn_blocking(move || -> crate::Result<()> {
        let _lock = store.lock_shared()?;
        if store.has_blob(&dd) {
            // Verify anyway: a client must not be told a wrong digest is fine.
            let mut f = std::fs::File::open(&p).map_err(|e| crate::Error::io(&p, e))?;
            let mut w = store.blob_writer_with(dd.algorithm().as_ref())?;
            std::io::copy(&mut f, &mut w).map_err(|e| crate::Error::io(&p, e))?;
            w.commit(Some(&dd))?;
        } else {
            let mut f = std::fs::File::open(&p).map_err(|e| crate::Error::io(&p, e))?;
            store.put_blob_from(&mut f, Some(&dd))?;
        }
        super::repo::Repos::new(store.clone()).pin_upload(&dd)
    })
    .await
    .map_err(internal)?;
    let _ = tokio::fs::remove_file(&path).await;
    res.map_err(ApiError::from)
}

/// Streams a request body straight into a store blob, hashing as it goes,
/// and publishes it if it matches `d` (pinned until a manifest names it).
async fn stream_into_store(app: &App, body: Body, d: Digest) -> Result<(), ApiError> {
    let store = app.repos.store.clone();
    let mut w = store
        .blob_writer_with(d.algorithm().as_ref())
        .map_err(ApiError::from)?;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::new("BLOB_UPLOAD_INVALID", format!("reading the body: {e}")))?;
        std::io::Write::write_all(&mut w, &chunk).map_err(internal)?;
    }
    tokio::task::spawn_blocking(move || -> crate::Result<()> {
        let _lock = store.lock_shared()?;
        w.commit(Some(&d))?;
        super::repo::Repos::new(store.clone()).pin_upload(&d)
    })
    .await
    .map_err(internal)?
    .map_err(ApiError::from)
}

/// POST .../blobs/uploads/: a mount, a monolithic upload, or a new session.
pub async fn start(app: &App, name: &str, q: &HashMap<String, String>, body: Body) -> ApiResult {
    if let Some(m) = q.get("mount") {
        let d = parse_digest(m)?;
        if app.repos.store.has_blob(&d) {
            app.repos.pin_upload(&d).map_err(ApiError::from)?;
            return Ok(created(name, &d));
        }
    }
    let (id, path) = new_session(app).await?;
    if let Some(dg) = q.get("digest") {
        let d = parse_digest(dg)?;
        let _ = tokio::fs::remove_file(&path).await;
        stream_into_store(app, body, d.clone()).await?;
        return Ok(created(name, &d));
    }
    Ok(accepted(name, &id, 0))
}

/// PATCH: a chunk (with Content-Range, which must start where the session
/// ends) or a streamed body.
pub async fn patch(app: &App, name: &str, id: &str, headers: &HeaderMap, body: Body) -> ApiResult {
    let path = session_path(app, id)?;
    let size = tokio::fs::metadata(&path)
        .await
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?
        .len();
    if let Some(cr) = headers.get("content-range").and_then(|v| v.to_str().ok()) {
        let start: Option<u64> = cr
            .trim_start_matches("bytes ")
            .split('-')
            .next()
            .and_then(|s| s.trim().parse().ok());
        if start != Some(size) {
            let mut r = ApiError::new(
                "RANGE_INVALID",
                format!("chunk starts at {cr}, the upload has {size} bytes"),
            )
            .into_response();
            r.headers_mut().insert(
                "location",
                format!("/v2/{name}/blobs/uploads/{id}")
                    .parse()
                    .map_err(internal)?,
            );
            r.headers_mut().insert(
                "range",
                format!("0-{}", size.saturating_sub(1))
                    .parse()
                    .map_err(internal)?,
            );
            return Ok(r);
        }
    }
    let new = append(&path, body).await?;
    Ok(accepted(name, id, new))
}

/// PUT ?digest=: the last chunk (optional), then verify and store.
pub async fn finish(
    app: &App,
    name: &str,
    id: &str,
    q: &HashMap<String, String>,
    body: Body,
) -> ApiResult {
    let d = parse_digest(q.get("digest").map(String::as_str).unwrap_or(""))?;
    let path = session_path(app, id)?;
    let size = tokio::fs::metadata(&path)
        .await
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?
        .len();
    if size == 0 {
        // A monolithic upload: hash and store in one pass, no second copy.
        let _ = tokio::fs::remove_file(&path).await;
        stream_into_store(app, body, d.clone()).await?;
        return Ok(created(name, &d));
    }
    append(&path, body).await?;
    commit(app, path, d.clone()).await?;
    Ok(created(name, &d))
}

/// GET on a session: how much it holds.
pub fn status(app: &App, name: &str, id: &str) -> ApiResult {
    let path = session_path(app, id)?;
    let size = std::fs::metadata(&path)
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?
        .len();
    let mut r = accepted(name, id, size);
    *r.status_mut() = StatusCode::NO_CONTENT;
    Ok(r)
}

pub fn cancel(app: &App, id: &str) -> ApiResult {
    let path = session_path(app, id)?;
    std::fs::remove_file(&path)
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
