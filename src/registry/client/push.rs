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

fn push_blob(store: &Store, reg: &mut Registry, r: &Reference, d: &Digest) -> Result<bool> {
    let scope = format!("repository:{}:pull,push", r.path);
    let head = format!("{}/v2/{}/blobs/{d}", reg.base, r.path);
    if reg.send(&scope, |c| c.head(&head))?.status().is_success() {
        return Ok(false);
    }
    let start = format!("{}/v2/{}/blobs/uploads/", reg.base, r.path);
    let resp = check(
        reg.send(&scope, |c| c.post(&start))?,
        &format!("starting the upload of {d}"),
    )?;
    let loc = resp
        .headers()
        .get("location")
        .and_then(|h| h.to_str().ok())
        .ok_or_else(|| err("upload without a Location"))?;
    let loc = if loc.starts_with("http") {
        loc.to_string()
    } else {
        format!("{}{loc}", reg.base)
    };
    let url = format!(
        "{loc}{}digest={d}",
        if loc.contains('?') { '&' } else { '?' }
    );
    let size = store.blob_size(d)?;
    let path = store.blob_path(d);
    let resp = reg.send(&scope, |c| {
        let body = match std::fs::File::open(&path) {
            Ok(f) => Body::sized(f, size),
            Err(_) => Body::from(Vec::new()),
        };
        c.put(&url)
            .header("content-type", "application/octet-stream")
            .body(body)
    })?;
    check(resp, &format!("uploading {d}"))?;
    let _ = std::fs::metadata(&path).at(&path)?;
    Ok(true)
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
        let pushed = push_blob(store, &mut reg, r, d)?;
        if *d != img.id {
            lines.push(format!(
                "{}: {}",
                &d.digest()[..12],
                if pushed {
                    "Pushed"
                } else {
                    "Layer already exists"
                }
            ));
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
    lines.push(format!(
        "{tag}: digest: {} size: {}",
        img.manifest_digest,
        bytes.len()
    ));
    Ok(lines)
}
