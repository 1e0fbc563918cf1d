//! `save`: images out as a docker-archive (layers uncompressed, as `docker
//! load` expects them) or an oci-archive (blobs as stored).

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Read, Write};

use serde_json::json;

use crate::error::{Error, IoContext, Result};
use crate::image::Image;
use crate::layer::{decompress, Compression};
use crate::reference::Reference;
use crate::store::{Digest, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    DockerArchive,
    OciArchive,
}

fn header(size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_entry_type(tar::EntryType::Regular);
    h
}

fn append<W: Write>(b: &mut tar::Builder<W>, path: &str, size: u64, data: impl Read) -> Result<()> {
    b.append_data(&mut header(size), path, data)
        .map_err(|e| Error::io(path, e))
}

fn append_bytes<W: Write>(b: &mut tar::Builder<W>, path: &str, data: &[u8]) -> Result<()> {
    append(b, path, data.len() as u64, data)
}

fn append_blob<W: Write>(
    store: &Store,
    b: &mut tar::Builder<W>,
    path: &str,
    d: &Digest,
) -> Result<()> {
    let size = store.blob_size(d)?;
    append(b, path, size, store.open_blob(d)?)
}

/// A layer as a plain tar: the blob itself when uncompressed, else
/// decompressed through a temp file (the tar header needs its size).
fn append_plain_layer<W: Write>(
    store: &Store,
    b: &mut tar::Builder<W>,
    path: &str,
    d: &Digest,
) -> Result<()> {
    let mut head = [0u8; 4];
    let n = store.open_blob(d)?.read(&mut head).at(store.blob_path(d))?;
    if Compression::detect(&head[..n]) == Compression::None {
        return append_blob(store, b, path, d);
    }
    let tmp = store.tmp_path("layer");
    let result = (|| {
        let (_, mut plain) = decompress(store.open_blob(d)?).at(store.blob_path(d))?;
        let mut f = std::fs::File::create(&tmp).at(&tmp)?;
        let size = io::copy(&mut plain, &mut f).at(&tmp)?;
        drop(f);
        append(b, path, size, std::fs::File::open(&tmp).at(&tmp)?)
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Writes `images` (each with the names to record for it) to `out`.
pub fn save<W: Write>(
    store: &Store,
    images: &[(Image, Vec<Reference>)],
    format: ArchiveFormat,
    out: W,
) -> Result<W> {
    let mut b = tar::Builder::new(crate::progress::Counted::new(
        out,
        crate::progress::bytes_bar("Saving"),
    ));
    let mut seen: HashSet<String> = HashSet::new();
    match format {
        ArchiveFormat::DockerArchive => {
            let mut manifest = Vec::new();
            let mut repos: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
            for (img, names) in images {
                let config = format!("{}.json", img.id.digest());
                if seen.insert(config.clone()) {
                    append_blob(store, &mut b, &config, &img.id)?;
                }
                let diffs = img.config.rootfs().diff_ids();
                let mut layers = Vec::new();
                for (i, l) in img.manifest.layers().iter().enumerate() {
                    let diff = diffs
                        .get(i)
                        .ok_or_else(|| Error::Invalid("more layers than diff IDs".into()))?;
                    let path = format!("{}/layer.tar", diff.trim_start_matches("sha256:"));
                    if seen.insert(path.clone()) {
                        append_plain_layer(store, &mut b, &path, l.digest())?;
                    }
                    layers.push(path);
                }
                let tags: Vec<String> = names.iter().map(|n| n.familiar()).collect();
                for n in names {
                    if let (Some(t), Some(top)) = (&n.tag, diffs.last()) {
                        repos
                            .entry(n.familiar_repository())
                            .or_default()
                            .insert(t.clone(), top.trim_start_matches("sha256:").to_string());
                    }
                }
                manifest.push(json!({"Config": config, "RepoTags": tags, "Layers": layers}));
            }
            append_bytes(
                &mut b,
                "manifest.json",
                json!(manifest).to_string().as_bytes(),
            )?;
            append_bytes(&mut b, "repositories", json!(repos).to_string().as_bytes())?;
        }
        ArchiveFormat::OciArchive => {
            append_bytes(&mut b, "oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)?;
            let mut index = Vec::new();
            for (img, names) in images {
                let mut blobs = vec![img.manifest_digest.clone(), img.id.clone()];
                blobs.extend(img.manifest.layers().iter().map(|l| l.digest().clone()));
                for d in blobs {
                    let path = format!("blobs/{}/{}", d.algorithm().as_ref(), d.digest());
                    if seen.insert(path.clone()) {
                        append_blob(store, &mut b, &path, &d)?;
                    }
                }
                let size = store.blob_size(&img.manifest_digest)?;
                let base = json!({
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": img.manifest_digest.to_string(),
                    "size": size,
                });
                if names.is_empty() {
                    index.push(base.clone());
                }
                for n in names {
                    let mut d = base.clone();
                    d["annotations"] = json!({
                        "org.opencontainers.image.ref.name": n.to_string(),
                        "io.containerd.image.name": n.to_string(),
                    });
                    index.push(d);
                }
            }
            let idx = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": index});
            append_bytes(&mut b, "index.json", idx.to_string().as_bytes())?;
        }
    }
    Ok(b.into_inner()
        .map_err(|e| Error::io("archive", e))?
        .finish())
}
