//! One layer of a pull, in one pass over its bytes: streamed from the
//! registry into a temp blob while it is hashed and, when its snapshot is
//! missing, decompressed and unpacked into the snapshot's temp directory at
//! the same time. Only when both the blob's digest and the layer's DiffID
//! check out are the blob and the snapshot renamed into place; otherwise
//! both temp copies go. A download cut off midway is resumed with `Range`.

use std::io::{self, Read, Write};
use std::path::Path;

use indicatif::ProgressBar;
use reqwest::blocking::Response;
use reqwest::StatusCode;

use super::transport::{check, Registry};
use crate::error::{Error, IoContext, Result};
use crate::layer::{ApplyMode, ApplyOptions};
use crate::store::blobs::BlobWriter;
use crate::store::{snapshots, Digest, Store};

/// How many times one download is resumed after a cut before giving up.
const RETRIES: u32 = 5;

/// A layer to fetch: its blob digest and, when it is to be unpacked, its
/// snapshot's chain ID and its DiffID.
pub struct Layer<'a> {
    pub digest: &'a Digest,
    pub unpack: Option<(&'a str, &'a str)>,
}

/// Fetches (and unpacks) `layer` from repository `path`; true when bytes
/// were downloaded, false when the store had the blob already.
pub fn layer(
    store: &Store,
    reg: &mut Registry,
    path: &str,
    layer: &Layer,
    bar: Option<&ProgressBar>,
) -> Result<bool> {
    let d = layer.digest;
    if store.has_blob(d) {
        if let Some((chain, diff)) = layer.unpack {
            snapshots::ensure(store, chain, d, diff)?;
        }
        return Ok(false);
    }
    let new = match layer.unpack {
        Some((chain, _)) if snapshots::unpacks_in_process() => snapshots::begin(store, chain)?,
        _ => None,
    };
    let url = format!("{}/v2/{path}/blobs/{d}", reg.base);
    let scope = format!("repository:{path}:pull");
    let mut out = store.blob_writer_with(d.algorithm().as_ref())?;
    let mut body = Body {
        reg,
        url: &url,
        scope: &scope,
        resp: None,
        at: 0,
        size: None,
        retries: 0,
        what: d,
    };
    body.open()?;
    if let (Some(b), Some(size)) = (bar, body.size) {
        b.set_length(size);
    }
    let mut tee = Tee {
        inner: body,
        out: &mut out,
        bar,
    };
    let what = Path::new(&url);
    match (&new, layer.unpack) {
        (Some(n), Some((_, diff))) => snapshots::apply_stream(
            &mut tee,
            what,
            diff,
            &n.fs(),
            ApplyOptions::for_current_user(ApplyMode::Overlay),
        )?,
        _ => {
            io::copy(&mut tee, &mut io::sink()).at(what)?;
        }
    }
    out.commit(Some(d))?;
    match (new, layer.unpack) {
        (Some(n), _) => n.commit()?,
        // Rootless with subordinate ids: the helper unpacks the stored blob.
        (None, Some((chain, diff))) => {
            snapshots::ensure(store, chain, d, diff)?;
        }
        (None, None) => {}
    }
    Ok(true)
}

/// Copies what it reads into the blob being written, and counts it.
struct Tee<'a, R> {
    inner: R,
    out: &'a mut BlobWriter,
    bar: Option<&'a ProgressBar>,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out.write_all(&buf[..n])?;
        if let Some(b) = self.bar {
            b.inc(n as u64);
        }
        Ok(n)
    }
}

/// A blob's body that reconnects with `Range: bytes=N-` when the
/// connection breaks or ends early, up to [`RETRIES`] times.
struct Body<'a> {
    reg: &'a mut Registry,
    url: &'a str,
    scope: &'a str,
    resp: Option<Response>,
    at: u64,
    size: Option<u64>,
    retries: u32,
    what: &'a Digest,
}

impl Body<'_> {
    /// Sends the request (ranged after the first bytes) and skips what a
    /// registry that ignores `Range` sends again.
    fn open(&mut self) -> Result<()> {
        let at = self.at;
        let url = self.url;
        let resp = self.reg.send(self.scope, |c| {
            let rb = c.get(url);
            if at > 0 {
                rb.header("range", format!("bytes={at}-"))
            } else {
                rb
            }
        })?;
        let mut resp = check(resp, &format!("blob {}", self.what))?;
        if at == 0 {
            self.size = resp.content_length();
        } else if resp.status() != StatusCode::PARTIAL_CONTENT {
            // The whole blob again: skip what was received.
            let skipped = io::copy(&mut (&mut resp).take(at), &mut io::sink())
                .map_err(|e| Error::Invalid(format!("blob {}: {e}", self.what)))?;
            if skipped != at {
                return Err(Error::Invalid(format!(
                    "blob {}: the registry sent a shorter blob on retry",
                    self.what
                )));
            }
        } else if !content_range_starts_at(&resp, at) {
            return Err(Error::Invalid(format!(
                "blob {}: the registry answered a resumed download with another range",
                self.what
            )));
        }
        self.resp = Some(resp);
        Ok(())
    }

    fn retry(&mut self, e: io::Error) -> io::Result<()> {
        self.resp = None;
        if self.retries >= RETRIES {
            return Err(e);
        }
        self.retries += 1;
        std::thread::sleep(std::time::Duration::from_millis(100 << self.retries.min(4)));
        self.open()
            .map_err(|e| io::Error::other(format!("resuming the download: {e}")))
    }
}

fn content_range_starts_at(resp: &Response, at: u64) -> bool {
    resp.headers()
        .get("content-range")
        .and_then(|h| h.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes "))
        .and_then(|v| v.split('-').next())
        .and_then(|s| s.trim().parse::<u64>().ok())
        == Some(at)
}

impl Read for Body<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(resp) = self.resp.as_mut() else {
                return Ok(0);
            };
            match resp.read(buf) {
                Ok(0) if self.size.is_some_and(|s| self.at < s) => {
                    let e = io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the registry closed the connection early",
                    );
                    self.retry(e)?;
                }
                Ok(n) => {
                    self.at += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => self.retry(e)?,
            }
        }
    }
}
