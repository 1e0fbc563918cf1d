//! Blob reads and upload sessions (monolithic, chunked, streamed, mounts).

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::io::Write;

use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::uploads::{SessionUse, Uploads};
use super::{ApiError, ApiResult, App};
use crate::store::Digest;

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

fn blob_unknown(name: &str, d: &Digest) -> ApiError {
    ApiError::new(
        "BLOB_UNKNOWN",
        format!("blob {d} is not known in repository {name}"),
    )
}

/// A request body that failed (the client went away, or sent nothing for
/// the body timeout).
fn body_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::new("BLOB_UPLOAD_INVALID", format!("reading the body: {e}"))
}

/// GET/HEAD of a blob, with `Range: bytes=a-b`; a local file is sent by
/// the kernel with `zc` (a plain-TCP connection).
pub async fn get(
    app: &App,
    name: &str,
    digest: &str,
    head: bool,
    headers: &HeaderMap,
    zc: Option<&super::zerocopy::ZeroCopy>,
) -> ApiResult {
    let d = parse_digest(digest)?;
    if !app.repos.has_blob(name, &d) && !super::proxy::fetch_blob(app, name, &d).await? {
        return Err(blob_unknown(name, &d));
    }
    // A local file is streamed as it is; a remote blob through a reader.
    let (file, size) = match app.repos.blob_file(&d) {
        Some(path) => {
            let f = tokio::fs::File::open(&path)
                .await
                .map_err(|_| blob_unknown(name, &d))?;
            let size = f.metadata().await.map_err(ApiError::internal)?.len();
            (Some(f), size)
        }
        None => (
            None,
            app.repos
                .blob_size(&d)
                .ok_or_else(|| blob_unknown(name, &d))?,
        ),
    };
    let range = headers
        .get("range")
        .and_then(|v| v.to_str().ok())
        // Other units and several ranges are ignored (RFC 9110 14.2).
        .filter(|r| r.trim_start().starts_with("bytes=") && !r.contains(','))
        .map(|r| byte_range(r, size));
    let (status, start, len) = match range {
        Some(Some((s, e))) => (StatusCode::PARTIAL_CONTENT, s, e - s + 1),
        Some(None) => {
            let mut r =
                ApiError::new("RANGE_INVALID", "requested range not satisfiable").into_response();
            r.headers_mut().insert(
                "content-range",
                format!("bytes */{size}")
                    .parse()
                    .map_err(ApiError::internal)?,
            );
            return Ok(r);
        }
        None => (StatusCode::OK, 0, size),
    };
    let mut resp = match (file, zc) {
        _ if head => Response::new(Body::empty()),
        (Some(f), Some(zc)) if len > 0 => Response::new(zc.body(f.into_std().await, start, len)),
        (Some(mut f), _) => {
            f.seek(std::io::SeekFrom::Start(start))
                .await
                .map_err(ApiError::internal)?;
            let stream = tokio_util::io::ReaderStream::with_capacity(f.take(len), 1024 * 1024);
            Response::new(Body::from_stream(stream))
        }
        (None, _) => Response::new(remote_body(app, d.clone(), start, len)),
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
        d.to_string().parse().map_err(ApiError::internal)?,
    );
    h.insert("accept-ranges", "bytes".parse().expect("static"));
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            "content-range",
            format!("bytes {start}-{}/{size}", start + len - 1)
                .parse()
                .map_err(ApiError::internal)?,
        );
    }
    Ok(resp)
}

/// The first and last byte `Range: bytes=a-b`, `bytes=a-` or `bytes=-n`
/// (the last n) asks of `size` bytes, clamped to them; None when it asks
/// for none of them or is not a byte range.
fn byte_range(header: &str, size: u64) -> Option<(u64, u64)> {
    let (a, b) = header.trim().strip_prefix("bytes=")?.split_once('-')?;
    let last = size.checked_sub(1)?;
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let n: u64 = b.parse().ok().filter(|n| *n > 0)?;
        return Some((size.saturating_sub(n), last));
    }
    let start: u64 = a.parse().ok()?;
    let end: u64 = if b.is_empty() { last } else { b.parse().ok()? };
    (start <= end && start <= last).then_some((start, end.min(last)))
}

/// The `Content-Range: a-b` (or `bytes a-b/size`) of a chunk: its first
/// and last byte. None when malformed.
fn chunk_range(header: &str) -> Option<(u64, u64)> {
    let r = header.trim().trim_start_matches("bytes ");
    let r = r.split('/').next()?;
    let (a, b) = r.split_once('-')?;
    let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b).then_some((a, b))
}

/// The 416 for a chunk that does not start where the session ends, with
/// where it ends.
fn out_of_order(name: &str, id: &str, cr: &str, size: u64) -> ApiResult {
    let mut r = ApiError::new(
        "BLOB_UPLOAD_INVALID",
        format!("chunk range {cr:?} does not follow the {size} bytes received"),
    )
    .into_response();
    *r.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
    let h = r.headers_mut();
    h.insert(
        "location",
        format!("/v2/{name}/blobs/uploads/{id}")
            .parse()
            .map_err(ApiError::internal)?,
    );
    h.insert(
        "range",
        format!("0-{}", size.saturating_sub(1))
            .parse()
            .map_err(ApiError::internal)?,
    );
    Ok(r)
}

/// Whether a chunk's `Content-Range` (if any) starts at `size`.
fn follows(headers: &HeaderMap, size: u64) -> Result<(), String> {
    match headers.get("content-range").map(|v| v.to_str()) {
        None => Ok(()),
        Some(Ok(cr)) if chunk_range(cr).is_some_and(|(a, _)| a == size) => Ok(()),
        Some(Ok(cr)) => Err(cr.to_string()),
        Some(Err(_)) => Err("(not text)".into()),
    }
}

/// A body read from a backend's blocking reader on the blocking pool, a
/// megabyte at a time, a few ahead of the client at most.
fn remote_body(app: &App, d: Digest, start: u64, len: u64) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(4);
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let mut r = match app.repos.open_blob(&d, start, len) {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
                return;
            }
        };
        loop {
            let mut buf = vec![0u8; 1024 * 1024];
            match std::io::Read::read(&mut r, &mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    buf.truncate(n);
                    if tx.blocking_send(Ok(buf.into())).is_err() {
                        return; // the client went away
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            }
        }
    });
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|x| (x, rx))
    }))
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

/// A request body that would take an upload past the most bytes one may
/// hold.
fn body_too_large(max: u64) -> ApiError {
    ApiError::new(
        "SIZE_INVALID",
        format!(
            "the upload goes past the {max} bytes one upload may hold; the upload is cancelled"
        ),
    )
}

/// Appends a request body to a session file, at most `room` bytes of it
/// (SIZE_INVALID past that, `max` being the session's bound); returns the
/// file's new size.
async fn append(path: &Path, body: Body, room: u64, max: u64) -> Result<u64, ApiError> {
    let mut f = tokio::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .await
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?;
    let mut left = room;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(body_failed)?;
        left = left
            .checked_sub(chunk.len() as u64)
            .ok_or_else(|| body_too_large(max))?;
        f.write_all(&chunk).await.map_err(ApiError::internal)?;
    }
    f.flush().await.map_err(ApiError::internal)?;
    Ok(f.metadata().await.map_err(ApiError::internal)?.len())
}

/// `append` to a session, at most its room; a body that failed or went
/// past the bound ends the session, so an abandoned upload does not keep
/// its data.
async fn append_or_close(
    uploads: &Uploads,
    s: &SessionUse<'_>,
    size: u64,
    body: Body,
) -> Result<u64, ApiError> {
    let r = append(&s.path, body, s.room(size), uploads.max_bytes()).await;
    if matches!(&r, Err(e) if e.code == "BLOB_UPLOAD_INVALID" || e.code == "SIZE_INVALID") {
        uploads.close(&s.id);
    }
    r
}

/// Verifies the session's content against `digest` and moves it into
/// storage (discarded if it has it already), pinned until a manifest names
/// it and linked to repository `name`.
async fn commit(app: &App, name: &str, path: PathBuf, d: Digest) -> Result<(), ApiError> {
    let (app, name) = (app.clone(), name.to_string());
    tokio::task::spawn_blocking(move || -> crate::Result<()> {
        let _lock = app.repos.lock_shared()?;
        // Verify even when stored already: a client must not be told a
        // wrong digest is fine.
        let mut f = std::fs::File::open(&path).map_err(|e| crate::Error::io(&path, e))?;
        let mut w = app.repos.blob_writer(d.algorithm().as_ref())?;
        std::io::copy(&mut f, &mut w).map_err(|e| crate::Error::io(&path, e))?;
        publish(&app, &name, w, &d)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::from)
}

/// Commits a written blob, pins it and links it to repository `name`
/// (under the backend's shared lock).
fn publish(
    app: &App,
    name: &str,
    w: Box<dyn super::storage::BlobSink>,
    d: &Digest,
) -> crate::Result<()> {
    w.commit(Some(d))?;
    app.repos.pin_upload(d)?;
    app.repos.link_blob(name, d)
}

/// Streams a request body straight into storage, hashing as it goes, and
/// publishes it if it matches `d` (pinned until a manifest names it,
/// linked to repository `name`).
async fn stream_into_store(app: &App, name: &str, body: Body, d: Digest) -> Result<(), ApiError> {
    let mut w = app
        .repos
        .blob_writer(d.algorithm().as_ref())
        .map_err(ApiError::from)?;
    let max = app.uploads.max_bytes();
    let mut left = max;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(body_failed)?;
        left = left
            .checked_sub(chunk.len() as u64)
            .ok_or_else(|| body_too_large(max))?;
        w.write_all(&chunk).map_err(ApiError::internal)?;
    }
    let (app, name) = (app.clone(), name.to_string());
    tokio::task::spawn_blocking(move || -> crate::Result<()> {
        let _lock = app.repos.lock_shared()?;
        publish(&app, &name, w, &d)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::from)
}

/// POST .../blobs/uploads/: a mount, a monolithic upload, or a new session.
/// A mount needs the blob in the `from` repository; otherwise (as the spec
/// allows) the client gets a new session to upload into.
pub async fn start(
    app: &App,
    name: &str,
    q: &HashMap<String, String>,
    client: IpAddr,
    body: Body,
) -> ApiResult {
    if let (Some(m), Some(from)) = (q.get("mount"), q.get("from")) {
        let d = parse_digest(m)?;
        if super::repo::valid_name(from) && app.repos.has_blob(from, &d) {
            app.repos.pin_upload(&d).map_err(ApiError::from)?;
            app.repos.link_blob(name, &d).map_err(ApiError::from)?;
            return Ok(created(name, &d));
        }
    }
    if let Some(a) = q.get("digest-algorithm") {
        if !matches!(a.as_str(), "sha256" | "sha512") {
            return Err(ApiError::new(
                "DIGEST_INVALID",
                format!("unsupported digest algorithm {a:?} (sha256, sha512)"),
            ));
        }
    }
    if let Some(dg) = q.get("digest") {
        let d = parse_digest(dg)?;
        stream_into_store(app, name, body, d.clone()).await?;
        return Ok(created(name, &d));
    }
    let s = app.uploads.open(name, client)?;
    Ok(accepted(name, &s.id, 0))
}

/// PATCH: a chunk (with Content-Range, which must start where the session
/// ends) or a streamed body.
pub async fn patch(app: &App, name: &str, id: &str, headers: &HeaderMap, body: Body) -> ApiResult {
    let s = app.uploads.enter(name, id)?;
    let size = tokio::fs::metadata(&s.path)
        .await
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?
        .len();
    if let Err(cr) = follows(headers, size) {
        return out_of_order(name, id, &cr, size);
    }
    let new = append_or_close(&app.uploads, &s, size, body).await?;
    Ok(accepted(name, id, new))
}

/// PUT ?digest=: the last chunk (optional), then verify and store. The
/// session ends whatever the outcome.
pub async fn finish(
    app: &App,
    name: &str,
    id: &str,
    q: &HashMap<String, String>,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult {
    let d = parse_digest(q.get("digest").map(String::as_str).unwrap_or(""))?;
    let s = app.uploads.enter(name, id)?;
    let size = tokio::fs::metadata(&s.path)
        .await
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?
        .len();
    // Out of order: nothing is added and the session stays, so the client
    // can ask where it stands (GET) and resume.
    if let Err(cr) = follows(headers, size) {
        return out_of_order(name, id, &cr, size);
    }
    let res = if size == 0 {
        // A monolithic upload: hash and store in one pass, no second copy.
        stream_into_store(app, name, body, d.clone()).await
    } else {
        match append_or_close(&app.uploads, &s, size, body).await {
            Ok(_) => commit(app, name, s.path.clone(), d.clone()).await,
            Err(e) => Err(e),
        }
    };
    app.uploads.close(&s.id);
    res.map(|()| created(name, &d))
}

/// GET on a session: how much it holds.
pub fn status(app: &App, name: &str, id: &str) -> ApiResult {
    let s = app.uploads.enter(name, id)?;
    let size = std::fs::metadata(&s.path)
        .map_err(|_| ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload"))?
        .len();
    let mut r = accepted(name, id, size);
    *r.status_mut() = StatusCode::NO_CONTENT;
    Ok(r)
}

/// DELETE of a blob: unlinks it from repository `name` (as distribution
/// does); other repositories and local images keep it, and garbage
/// collection reclaims the bytes once nothing references them.
pub fn delete(app: &App, name: &str, digest: &str) -> ApiResult {
    let d = parse_digest(digest)?;
    if !app.repos.has_blob(name, &d) || !app.repos.unlink_blob(name, &d).map_err(ApiError::from)? {
        return Err(blob_unknown(name, &d));
    }
    Ok((StatusCode::ACCEPTED, [("content-length", "0")]).into_response())
}

pub fn cancel(app: &App, name: &str, id: &str) -> ApiResult {
    let s = app.uploads.enter(name, id)?;
    app.uploads.close(&s.id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::super::uploads::UploadLimits;
    use super::*;

    #[tokio::test]
    async fn a_body_past_the_session_room_is_refused_and_ends_it() {
        let d = tempfile::tempdir().unwrap();
        let limits = UploadLimits {
            max_total: 10,
            max_per_client: 10,
            expiry: std::time::Duration::from_secs(3600),
        };
        let u = Uploads::new(d.path().to_path_buf(), limits).with_max_session_bytes(10);
        let client: IpAddr = "127.0.0.1".parse().unwrap();
        let id = u.open("r", client).unwrap().id.clone();
        // Up to the bound, in two requests.
        let s = u.enter("r", &id).unwrap();
        let n = append_or_close(&u, &s, 0, Body::from("123456")).await;
        assert_eq!(n.unwrap(), 6);
        drop(s);
        let s = u.enter("r", &id).unwrap();
        assert_eq!(
            append_or_close(&u, &s, 6, Body::from("7890"))
                .await
                .unwrap(),
            10
        );
        drop(s);
        // One byte more: 413 SIZE_INVALID, and the session is gone.
        let s = u.enter("r", &id).unwrap();
        let path = s.path.clone();
        let e = append_or_close(&u, &s, 10, Body::from("x"))
            .await
            .unwrap_err();
        drop(s);
        assert_eq!(e.code, "SIZE_INVALID");
        assert_eq!(e.into_response().status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(!path.exists());
        assert_eq!(u.enter("r", &id).err().unwrap().code, "BLOB_UPLOAD_UNKNOWN");
    }
}
