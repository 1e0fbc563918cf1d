//! `push`: blobs the registry lacks (HEAD first), then the manifest.

use reqwest::blocking::Body;

use super::transport::{check, Registry};
use crate::error::{Error, IoContext, Result};
use crate::image::Image;
use crate::reference::Reference;
use crate::store::{Digest, Store};

fn err(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

/// Blobs larger than this go up in chunks of this size.
const CHUNK: u64 = 16 * 1024 * 1024;

/// The absolute upload URL from a response's Location.
fn location(reg: &Registry, resp: &reqwest::blocking::Response) -> Result<String> {
    let loc = resp
        .headers()
        .get("location")
        .and_then(|h| h.to_str().ok())
        .ok_or_else(|| err("upload without a Location"))?;
    Ok(if loc.starts_with("http") {
        loc.to_string()
    } else {
        format!("{}{loc}", reg.base)
    })
}

fn with_digest(loc: &str, d: &Digest) -> String {
    format!(
        "{loc}{}digest={d}",
        if loc.contains('?') { '&' } else { '?' }
    )
}

fn push_blob(store: &Store, reg: &mut Registry, r: &Reference, d: &Digest) -> Result<String> {
    let scope = format!("repository:{}:pull,push", r.path);
    let head = format!("{}/v2/{}/blobs/{d}", reg.base, r.path);
    if reg.send(&scope, |c| c.head(&head))?.status().is_success() {
        super::blobinfo::remember(store, d, &r.domain, &r.path);
        return Ok("Layer already exists".into());
    }
    if let Some(from) = super::blobinfo::sibling(store, d, &r.domain, &r.path) {
        // The registry has it in another repository: mount instead of upload.
        let url = format!(
            "{}/v2/{}/blobs/uploads/?mount={d}&from={from}",
            reg.base, r.path
        );
        if reg.send(&scope, |c| c.post(&url))?.status() == reqwest::StatusCode::CREATED {
            super::blobinfo::remember(store, d, &r.domain, &r.path);
            return Ok(format!("Mounted from {from}"));
        }
    }
    let start = format!("{}/v2/{}/blobs/uploads/", reg.base, r.path);
    let resp = check(
        reg.send(&scope, |c| c.post(&start))?,
        &format!("starting the upload of {d}"),
    )?;
    let mut loc = location(reg, &resp)?;
    let size = store.blob_size(d)?;
    let path = store.blob_path(d);
    let bar = crate::progress::sized_bar(&d.digest()[..12], size);
    if size > CHUNK {
        // Chunked: PATCH pieces with their Content-Range, then an empty PUT.
        use std::io::{Read, Seek, SeekFrom};
        let mut f = std::fs::File::open(&path).at(&path)?;
        let mut offset = 0u64;
        while offset < size {
            let n = CHUNK.min(size - offset);
            let mut buf = vec![0u8; n as usize];
            f.seek(SeekFrom::Start(offset)).at(&path)?;
            f.read_exact(&mut buf).at(&path)?;
            let range = format!("{offset}-{}", offset + n - 1);
            let url = loc.clone();
            let resp = reg.send(&scope, |c| {
                c.patch(&url)
                    .header("content-type", "application/octet-stream")
                    .header("content-range", range.clone())
                    .body(buf.clone())
            })?;
            let resp = check(resp, &format!("uploading {d}"))?;
            loc = location(reg, &resp).unwrap_or(loc);
            offset += n;
            if let Some(b) = &bar {
                b.inc(n);
            }
        }
        let url = with_digest(&loc, d);
        check(
            reg.send(&scope, |c| c.put(&url))?,
            &format!("finishing {d}"),
        )?;
    } else {
        let url = with_digest(&loc, d);
        let resp = reg.send(&scope, |c| {
            let body = match std::fs::File::open(&path) {
                Ok(f) => Body::sized(crate::progress::Counted::new(f, bar.clone()), size),
                Err(_) => Body::from(Vec::new()),
            };
            c.put(&url)
                .header("content-type", "application/octet-stream")
                .body(body)
        })?;
        check(resp, &format!("uploading {d}"))?;
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    super::blobinfo::remember(store, d, &r.domain, &r.path);
    Ok("Pushed".into())
}

/// Pushes `img` as `r`; returns the lines Docker prints.
pub fn push(store: &Store, img: &Image, r: &Reference) -> Result<Vec<String>> {
    let mut reg = Registry::new(&r.domain)?;
    let mut lines = vec![format!(
        "The push refers to repository [{}]",
        r.repository()
    )];
    let mut blobs: Vec<Digest> = img
        .manifest
        .layers()
        .iter()
        .map(|l| l.digest().clone())
        .collect();
    blobs.push(img.id.clone());
    for d in &blobs {
        let state = push_blob(store, &mut reg, r, d)?;
        if *d != img.id {
            lines.push(format!("{}: {state}", &d.digest()[..12]));
        }
    }
    let bytes = store.read_blob(&img.manifest_digest)?;
    let v: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|e| Error::json("manifest", e))?;
    let media = v["mediaType"]
        .as_str()
        .unwrap_or("application/vnd.oci.image.manifest.v1+json")
        .to_string();
    let tag = r.tag.clone().unwrap_or_else(|| "latest".into());
    let url = format!("{}/v2/{}/manifests/{tag}", reg.base, r.path);
    let scope = format!("repository:{}:pull,push", r.path);
    let resp = reg.send(&scope, |c| {
        c.put(&url)
            .header("content-type", media.clone())
            .body(bytes.clone())
    })?;
    check(resp, "pushing the manifest")?;
    super::repodigests::record(store, &img.manifest_digest, r);
    lines.push(format!(
        "{tag}: digest: {} size: {}",
        img.manifest_digest,
        bytes.len()
    ));
    Ok(lines)
}
