//! `pull`: manifest (choosing a platform from an index), config and
//! layers, each verified against its digest as it streams into the store;
//! blobs the store already has are skipped.

use oci_spec::image::MediaType;
use serde_json::Value;

use super::transport::{check, Registry};
use super::MANIFEST_TYPES;
use crate::error::{Error, Result};
use crate::image::import::{descriptor, host_platform};
use crate::reference::Reference;
use crate::store::{Digest, Store};

/// How many blobs a pull fetches at once.
const PARALLEL: usize = 3;

fn err(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

/// Fetches a manifest; returns (bytes, media type).
fn manifest(reg: &mut Registry, r: &Reference, reference: &str) -> Result<(Vec<u8>, String)> {
    let url = format!("{}/v2/{}/manifests/{reference}", reg.base, r.path);
    let scope = format!("repository:{}:pull", r.path);
    let resp = reg.send(&scope, |c| {
        c.get(&url).header("accept", MANIFEST_TYPES.join(", "))
    })?;
    let resp = check(resp, &format!("manifest for {}", r.familiar()))?;
    let media = resp
        .headers()
        .get("content-type")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = resp
        .bytes()
        .map_err(|e| err(format!("reading manifest: {e}")))?
        .to_vec();
    Ok((bytes, media))
}

fn parse_platform(p: Option<&str>) -> Result<(String, String, Option<String>)> {
    let (os, arch) = host_platform();
    match p {
        None => Ok((os, arch, None)),
        Some(p) => {
            let parts: Vec<&str> = p.split('/').collect();
            match parts.as_slice() {
                [o, a] => Ok((o.to_string(), a.to_string(), None)),
                [o, a, v] => Ok((o.to_string(), a.to_string(), Some(v.to_string()))),
                _ => Err(err(format!(
                    "invalid platform {p:?}: expected os/arch[/variant]"
                ))),
            }
        }
    }
}

fn blob(store: &Store, reg: &mut Registry, r: &Reference, d: &Digest) -> Result<bool> {
    if store.has_blob(d) {
        return Ok(false);
    }
    let url = format!("{}/v2/{}/blobs/{d}", reg.base, r.path);
    let scope = format!("repository:{}:pull", r.path);
    let resp = check(reg.send(&scope, |c| c.get(&url))?, &format!("blob {d}"))?;
    let bar = crate::progress::sized_bar(&d.digest()[..12], resp.content_length().unwrap_or(0));
    let mut counted = crate::progress::Counted::new(resp, bar);
    let stored = store.put_blob_from(&mut counted, Some(d));
    counted.finish();
    stored?;
    Ok(true)
}

/// Pulls `r`; returns the lines Docker prints.
pub fn pull(store: &Store, r: &Reference, platform: Option<&str>) -> Result<Vec<String>> {
    let mut reg = Registry::new(&r.domain)?;
    let wanted = r
        .digest
        .clone()
        .or_else(|| r.tag.clone())
        .unwrap_or_else(|| "latest".into());
    let _lock = store.lock_shared()?;
    let (mut bytes, mut media) = manifest(&mut reg, r, &wanted)?;
    if let Some(d) = &r.digest {
        let got = crate::store::blobs::sha256_digest(&bytes);
        if got.to_string() != *d {
            return Err(Error::DigestMismatch {
                expected: d.clone(),
                actual: got.to_string(),
            });
        }
    }
    let mut v: Value = serde_json::from_slice(&bytes).map_err(|e| Error::json("manifest", e))?;
    if v.get("manifests").is_some() {
        let (os, arch, variant) = parse_platform(platform)?;
        let pick = v["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| {
                let p = &m["platform"];
                p["os"] == os.as_str()
                    && p["architecture"] == arch.as_str()
                    && variant
                        .as_ref()
                        .is_none_or(|want| p["variant"] == want.as_str())
            })
            .ok_or_else(|| {
                err(format!(
                    "no matching manifest for {os}/{arch} in the manifest list of {}",
                    r.familiar()
                ))
            })?;
        let d = pick["digest"]
            .as_str()
            .ok_or_else(|| err("manifest list entry without a digest"))?
            .to_string();
        (bytes, media) = manifest(&mut reg, r, &d)?;
        v = serde_json::from_slice(&bytes).map_err(|e| Error::json("manifest", e))?;
    }
    if media.is_empty() {
        media = v["mediaType"]
            .as_str()
            .unwrap_or("application/vnd.oci.image.manifest.v1+json")
            .to_string();
    }
    if v["schemaVersion"] == 1
        || media.starts_with("application/vnd.docker.distribution.manifest.v1+")
    {
        return Err(err(format!(
            "{} uses the deprecated image manifest format schema 1 (Docker Image manifest version 2, schema 1), which tug, like current Docker, does not pull; ask its publisher for a schema 2 or OCI image",
            r.familiar()
        )));
    }
    let what = r.familiar();
    let layer_count = v["layers"].as_array().map_or(0, Vec::len);
    crate::image::validate::layer_count(&what, layer_count)?;
    let mut lines = vec![format!("{}: Pulling from {}", wanted, r.path)];
    let mut digests = vec![v["config"]["digest"]
        .as_str()
        .unwrap_or_default()
        .to_string()];
    digests.extend(
        v["layers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l["digest"].as_str())
            .map(String::from),
    );
    let digests: Vec<Digest> = digests
        .iter()
        .map(|d| {
            d.parse()
                .map_err(|_| err(format!("manifest names an invalid digest {d:?}")))
        })
        .collect::<Result<_>>()?;
    // Up to three blobs at once, each thread with its own session.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out: std::sync::Mutex<Vec<Option<Result<bool>>>> =
        std::sync::Mutex::new((0..digests.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(digests.len()) {
            scope.spawn(|| {
                let mut reg = match Registry::new(&r.domain) {
                    Ok(reg) => reg,
                    Err(e) => {
                        out.lock().expect("not poisoned")[0] = Some(Err(e));
                        return;
                    }
                };
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(d) = digests.get(i) else { break };
                    let res = blob(store, &mut reg, r, d);
                    let failed = res.is_err();
                    out.lock().expect("not poisoned")[i] = Some(res);
                    if failed {
                        break;
                    }
                }
            });
        }
    });
    let results: Vec<Result<bool>> = out
        .into_inner()
        .expect("not poisoned")
        .into_iter()
        .map(|x| x.unwrap_or_else(|| Err(err("a blob download did not finish"))))
        .collect();
    let mut fetched = false;
    for (i, (d, res)) in digests.iter().zip(results).enumerate() {
        let new = res?;
        fetched |= new;
        super::blobinfo::remember(store, d, &r.domain, &r.path);
        if i > 0 {
            let state = if new {
                "Pull complete"
            } else {
                "Already exists"
            };
            lines.push(format!("{}: {state}", &d.digest()[..12]));
        }
    }
    // Checked before the image is named: a config that does not load would
    // otherwise leave an entry that every listing trips over.
    let config = store.read_blob(&digests[0])?;
    crate::image::validate::config(&what, &config, layer_count)?;
    let (md, size) = store.put_blob_from(&mut &bytes[..], None)?;
    lines.push(format!("Digest: {md}"));
    let name = if r.tag.is_some() {
        vec![r.with_tag(r.tag.as_deref().unwrap_or("latest"))]
    } else {
        vec![]
    };
    store.tag_image(&descriptor(MediaType::Other(media), &md, size)?, &name)?;
    lines.push(if fetched {
        format!("Status: Downloaded newer image for {}", r.familiar())
    } else {
        format!("Status: Image is up to date for {}", r.familiar())
    });
    lines.push(r.to_string());
    Ok(lines)
}
