//! `pull`: manifest (choosing a platform from an index), config, then the
//! layers, a few at once, each verified as it streams into the store and
//! unpacked into its snapshot in the same pass (see `fetch`); blobs the
//! store already has are skipped. Mirrors are tried first (see `mirrors`).

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
fn manifest(
    reg: &mut Registry,
    path: &str,
    r: &Reference,
    reference: &str,
) -> Result<(Vec<u8>, String)> {
    let url = format!("{}/v2/{path}/manifests/{reference}", reg.base);
    let scope = format!("repository:{path}:pull");
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

/// Fetches a small blob (a config) into the store unless it is there.
fn small_blob(store: &Store, reg: &mut Registry, path: &str, d: &Digest) -> Result<()> {
    if store.has_blob(d) {
        return Ok(());
    }
    let url = format!("{}/v2/{path}/blobs/{d}", reg.base);
    let scope = format!("repository:{path}:pull");
    let mut resp = check(reg.send(&scope, |c| c.get(&url))?, &format!("blob {d}"))?;
    store.put_blob_from(&mut resp, Some(d))?;
    Ok(())
}

/// Whether a layer of this media type is a tar stream to unpack (not an
/// artifact's blob).
fn is_tar_layer(media: &str) -> bool {
    media.is_empty() || media.contains(".tar") || media.contains(".diff.")
}

/// Pulls `r`; returns the lines Docker prints.
pub fn pull(store: &Store, r: &Reference, platform: Option<&str>) -> Result<Vec<String>> {
    pull_with(store, r, platform, &|_| {})
}

/// Pulls `r` from its mirrors, else from its registry, unpacking each
/// layer's snapshot as it downloads. `report` gets each line as it
/// happens, except the layers' lines while a terminal shows them as
/// progress bars; all lines are returned.
pub fn pull_with(
    store: &Store,
    r: &Reference,
    platform: Option<&str>,
    report: &(dyn Fn(&str) + Sync),
) -> Result<Vec<String>> {
    let sources = super::mirrors::sources(r);
    let mut last = None;
    for src in &sources {
        match pull_from(store, r, src, platform, report) {
            Ok(lines) => return Ok(lines),
            // A mirror that fails is passed over, as Docker does.
            Err(e) if src.mirror => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| err(format!("no registry to pull {} from", r.familiar()))))
}

fn pull_from(
    store: &Store,
    r: &Reference,
    src: &super::mirrors::Source,
    platform: Option<&str>,
    report: &(dyn Fn(&str) + Sync),
) -> Result<Vec<String>> {
    let mut reg = src.session()?;
    let path = src.path.as_str();
    let wanted = r
        .digest
        .clone()
        .or_else(|| r.tag.clone())
        .unwrap_or_else(|| "latest".into());
    let _lock = store.lock_shared()?;
    let (mut bytes, mut media) = manifest(&mut reg, path, r, &wanted)?;
    if let Some(d) = &r.digest {
        let got = digest_as(d, &bytes)?;
        if got != *d {
            return Err(Error::DigestMismatch {
                expected: d.clone(),
                actual: got,
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
        (bytes, media) = manifest(&mut reg, path, r, &d)?;
        if digest_as(&d, &bytes)? != d {
            return Err(Error::DigestMismatch {
                expected: d,
                actual: digest_as("sha256:", &bytes)?,
            });
        }
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
    let layer_list: Vec<&Value> = v["layers"].as_array().into_iter().flatten().collect();
    crate::image::validate::layer_count(&what, layer_list.len())?;
    let first = format!("{}: Pulling from {}", wanted, r.path);
    report(&first);
    let mut lines = vec![first];
    let parse = |d: &str| -> Result<Digest> {
        d.parse()
            .map_err(|_| err(format!("manifest names an invalid digest {d:?}")))
    };
    let config_digest = parse(v["config"]["digest"].as_str().unwrap_or_default())?;
    let digests: Vec<Digest> = layer_list
        .iter()
        .map(|l| parse(l["digest"].as_str().unwrap_or_default()))
        .collect::<Result<_>>()?;
    // The config first: its DiffIDs name the snapshots the layers unpack to.
    small_blob(store, &mut reg, path, &config_digest)?;
    // Checked before the image is named: a config that does not load would
    // otherwise leave an entry that every listing trips over.
    let config = store.read_blob(&config_digest)?;
    crate::image::validate::config(&what, &config, layer_list.len())?;
    let diff_ids: Vec<String> = serde_json::from_slice::<Value>(&config)
        .ok()
        .and_then(|c| {
            c["rootfs"]["diff_ids"].as_array().map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(String::from))
                    .collect()
            })
        })
        .unwrap_or_default();
    let chains = crate::store::snapshots::chain_ids_of(&diff_ids);
    let unpack = diff_ids.len() == digests.len()
        && layer_list
            .iter()
            .all(|l| is_tar_layer(l["mediaType"].as_str().unwrap_or_default()));
    let layers: Vec<super::fetch::Layer> = digests
        .iter()
        .enumerate()
        .map(|(i, d)| super::fetch::Layer {
            digest: d,
            unpack: unpack.then(|| (chains[i].as_str(), diff_ids[i].as_str())),
        })
        .collect();
    let results = fetch_all(store, src, &layers, report)?;
    let mut fetched = false;
    for (d, res) in digests.iter().zip(results) {
        let new = res?;
        fetched |= new;
        super::blobinfo::remember(store, d, &src.domain, path);
        lines.push(format!("{}: {}", &d.digest()[..12], state(new)));
    }
    super::blobinfo::remember(store, &config_digest, &src.domain, path);
    let (md, size) = store.put_blob_from(&mut &bytes[..], None)?;
    let done = format!("Digest: {md}");
    report(&done);
    lines.push(done);
    let name = if r.tag.is_some() {
        vec![r.with_tag(r.tag.as_deref().unwrap_or("latest"))]
    } else {
        vec![]
    };
    store.tag_image(&descriptor(MediaType::Other(media), &md, size)?, &name)?;
    super::repodigests::record(store, &md, r);
    let status = if fetched {
        format!("Status: Downloaded newer image for {}", r.familiar())
    } else {
        format!("Status: Image is up to date for {}", r.familiar())
    };
    report(&status);
    lines.push(status);
    lines.push(r.to_string());
    Ok(lines)
}

/// What Docker says of a layer: downloaded, or the store had it.
fn state(new: bool) -> &'static str {
    if new {
        "Pull complete"
    } else {
        "Already exists"
    }
}

/// The digest of `bytes` with the algorithm `like` names (`sha512:...`).
fn digest_as(like: &str, bytes: &[u8]) -> Result<String> {
    if like.starts_with("sha512:") {
        use sha2::Digest as _;
        Ok(format!(
            "sha512:{}",
            hex::encode(sha2::Sha512::digest(bytes))
        ))
    } else {
        Ok(crate::store::blobs::sha256_digest(bytes).to_string())
    }
}

/// Fetches the layers, [`PARALLEL`] at once, each thread with its own
/// session; one result per layer, in order.
fn fetch_all(
    store: &Store,
    src: &super::mirrors::Source,
    layers: &[super::fetch::Layer],
    report: &(dyn Fn(&str) + Sync),
) -> Result<Vec<Result<bool>>> {
    let bars = crate::progress::LayerBars::new();
    let lines: Vec<Option<indicatif::ProgressBar>> = layers
        .iter()
        .map(|l| {
            bars.as_ref()
                .map(|b| b.add(&l.digest.digest()[..12], "Waiting"))
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out: std::sync::Mutex<Vec<Option<Result<bool>>>> =
        std::sync::Mutex::new((0..layers.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(layers.len()) {
            scope.spawn(|| {
                let mut reg = match src.session() {
                    Ok(reg) => reg,
                    Err(e) => {
                        out.lock().expect("not poisoned")[0] = Some(Err(e));
                        return;
                    }
                };
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(layer) = layers.get(i) else { break };
                    let bar = lines[i].as_ref();
                    if let Some(b) = bar {
                        crate::progress::layer_downloading(b);
                    }
                    let res = super::fetch::layer(store, &mut reg, &src.path, layer, bar);
                    match (&res, bar) {
                        (Ok(new), Some(b)) => crate::progress::layer_done(b, state(*new)),
                        (Ok(new), None) => report(&format!(
                            "{}: {}",
                            &layer.digest.digest()[..12],
                            state(*new)
                        )),
                        (Err(_), Some(b)) => crate::progress::layer_done(b, "Failed"),
                        (Err(_), None) => {}
                    }
                    let failed = res.is_err();
                    out.lock().expect("not poisoned")[i] = Some(res);
                    if failed {
                        break;
                    }
                }
            });
        }
    });
    if let Some(b) = bars {
        b.finish();
    }
    Ok(out
        .into_inner()
        .expect("not poisoned")
        .into_iter()
        .map(|x| x.unwrap_or_else(|| Err(err("a layer download did not finish"))))
        .collect())
}
