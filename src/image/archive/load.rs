//! `load`: docker-archive (classic and Docker 25+ layouts) and oci-archive.

use std::collections::HashMap;
use std::io::{self, Read};

use oci_spec::image::{ImageManifestBuilder, MediaType};
use serde_json::Value;

use crate::error::{Error, IoContext, Result};
use crate::image::import::descriptor;
use crate::layer::{decompress, Compression};
use crate::reference::Reference;
use crate::store::{Digest, Store};

/// Entries at most this large are kept in memory (manifests, configs).
const SMALL: u64 = 1024 * 1024;

/// The archive's files: small ones in memory, large ones already stored.
#[derive(Default)]
struct Entries {
    small: HashMap<String, Vec<u8>>,
    stored: HashMap<String, (Digest, u64)>,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

fn clean(p: &str) -> String {
    p.trim_start_matches("./")
        .trim_start_matches('/')
        .to_string()
}

impl Entries {
    fn read(store: &Store, input: &mut dyn Read) -> Result<Entries> {
        let (_, plain) =
            decompress(input).map_err(|e| invalid(format!("reading the archive: {e}")))?;
        let mut ar = tar::Archive::new(plain);
        let mut out = Entries::default();
        let bad = |e: io::Error| invalid(format!("not a valid tar archive: {e}"));
        let mut count = 0;
        for entry in ar.entries().map_err(bad)? {
            let mut entry = entry.map_err(bad)?;
            count += 1;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = clean(&entry.path().map_err(bad)?.to_string_lossy());
            let size = entry.header().size().map_err(bad)?;
            if size <= SMALL {
                let mut v = Vec::with_capacity(size as usize);
                entry.read_to_end(&mut v).map_err(bad)?;
                if v.len() as u64 != size {
                    return Err(invalid(format!(
                        "not a valid tar archive: {path} is truncated"
                    )));
                }
                out.small.insert(path, v);
            } else {
                let mut w = store.blob_writer()?;
                let n = io::copy(&mut entry, &mut w).map_err(bad)?;
                if n != size {
                    return Err(invalid(format!(
                        "not a valid tar archive: {path} is truncated"
                    )));
                }
                out.stored.insert(path, w.commit(None)?);
            }
        }
        if count == 0 {
            return Err(invalid("not a valid tar archive: no entries"));
        }
        Ok(out)
    }

    fn has(&self, path: &str) -> bool {
        self.small.contains_key(path) || self.stored.contains_key(path)
    }

    /// Stores the file at `path` (if not already) and returns its digest
    /// and size, checking it against `expected` when given.
    fn store(&self, store: &Store, path: &str, expected: Option<&Digest>) -> Result<(Digest, u64)> {
        if let Some((d, n)) = self.stored.get(path) {
            if let Some(e) = expected {
                if e != d {
                    return Err(Error::DigestMismatch {
                        expected: e.to_string(),
                        actual: d.to_string(),
                    });
                }
            }
            return Ok((d.clone(), *n));
        }
        let data = self.small.get(path).ok_or_else(|| {
            invalid(format!(
                "{path} is named by the archive's manifest but missing from it"
            ))
        })?;
        store.put_blob_from(&mut &data[..], expected)
    }

    fn json(&self, store: &Store, path: &str) -> Result<Value> {
        let data = match self.small.get(path) {
            Some(d) => d.clone(),
            None => store.read_blob(&self.store(store, path, None)?.0)?,
        };
        serde_json::from_slice(&data).map_err(|e| Error::json(path.to_string(), e))
    }
}

/// One image to tag once everything is stored.
struct Loaded {
    manifest: oci_spec::image::Descriptor,
    id: Digest,
    names: Vec<Reference>,
}

fn layer_media(store: &Store, d: &Digest) -> Result<&'static str> {
    let mut head = [0u8; 4];
    let mut f = store.open_blob(d)?;
    let n = f.read(&mut head).at(store.blob_path(d))?;
    Ok(Compression::detect(&head[..n]).oci_layer_media_type())
}

fn docker_archive(store: &Store, e: &Entries) -> Result<Vec<Loaded>> {
    let manifest = e.json(store, "manifest.json")?;
    let items = manifest
        .as_array()
        .ok_or_else(|| invalid("manifest.json is not a list"))?;
    // Names first: a bad one refuses the archive before anything is tagged.
    let mut plans = Vec::new();
    for it in items {
        let names = it["RepoTags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(Reference::parse)
            .collect::<Result<Vec<_>>>()?;
        let config = it["Config"]
            .as_str()
            .ok_or_else(|| invalid("manifest.json: an entry has no Config"))?;
        let layers: Vec<String> = it["Layers"]
            .as_array()
            .ok_or_else(|| invalid("manifest.json: an entry has no Layers"))?
            .iter()
            .filter_map(Value::as_str)
            .map(clean)
            .collect();
        for p in std::iter::once(clean(config)).chain(layers.iter().cloned()) {
            if !e.has(&p) {
                return Err(invalid(format!(
                    "{p} is named by manifest.json but missing from the archive"
                )));
            }
        }
        plans.push((names, clean(config), layers));
    }
    let mut out = Vec::new();
    for (names, config, layers) in plans {
        // The config bytes are kept exactly: the image ID is their digest.
        let (cd, cs) = e.store(store, &config, None)?;
        let mut descs = Vec::new();
        for l in &layers {
            let (d, n) = e.store(store, l, None)?;
            descs.push(descriptor(
                MediaType::Other(layer_media(store, &d)?.into()),
                &d,
                n,
            )?);
        }
        let m = ImageManifestBuilder::default()
            .schema_version(2u32)
            .media_type(MediaType::ImageManifest)
            .config(descriptor(MediaType::ImageConfig, &cd, cs)?)
            .layers(descs)
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        let (md, ms, _) = store.put_json(&m)?;
        out.push(Loaded {
            manifest: descriptor(MediaType::ImageManifest, &md, ms)?,
            id: cd,
            names,
        });
    }
    Ok(out)
}

fn blob_path(d: &Digest) -> String {
    format!("blobs/{}/{}", d.algorithm().as_ref(), d.digest())
}

fn digest_of(v: &Value) -> Result<Digest> {
    v["digest"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("a descriptor without a valid digest"))
}

/// Picks the host's manifest from an index (or the first one).
fn pick(index: &Value) -> Option<Value> {
    let (_, arch) = crate::image::import::host_platform();
    let ms = index["manifests"].as_array()?;
    ms.iter()
        .find(|m| m["platform"]["architecture"].as_str() == Some(arch.as_str()))
        .or_else(|| ms.first())
        .cloned()
}

fn oci_archive(store: &Store, e: &Entries) -> Result<Vec<Loaded>> {
    let index = e.json(store, "index.json")?;
    let mut out = Vec::new();
    for desc in index["manifests"]
        .as_array()
        .ok_or_else(|| invalid("index.json has no manifests"))?
    {
        let ann = &desc["annotations"];
        let name = ann["io.containerd.image.name"].as_str().or_else(|| {
            ann["org.opencontainers.image.ref.name"]
                .as_str()
                .filter(|n| n.contains(':') || n.contains('/'))
        });
        let names = match name {
            Some(n) => vec![Reference::parse(n)?],
            None => vec![],
        };
        let mut mdesc = desc.clone();
        let mut manifest = e.json(store, &blob_path(&digest_of(&mdesc)?))?;
        // Follow nested indexes to one image manifest.
        for _ in 0..4 {
            if manifest.get("manifests").is_none() {
                break;
            }
            mdesc = pick(&manifest).ok_or_else(|| invalid("an index with no manifests"))?;
            manifest = e.json(store, &blob_path(&digest_of(&mdesc)?))?;
        }
        let mut blobs = vec![digest_of(&manifest["config"])?];
        for l in manifest["layers"].as_array().into_iter().flatten() {
            blobs.push(digest_of(l)?);
        }
        for b in &blobs {
            e.store(store, &blob_path(b), Some(b))?;
        }
        let md = digest_of(&mdesc)?;
        let (md, ms) = e.store(store, &blob_path(&md), Some(&md))?;
        out.push(Loaded {
            manifest: descriptor(MediaType::ImageManifest, &md, ms)?,
            id: blobs[0].clone(),
            names,
        });
    }
    Ok(out)
}

/// Loads every image in the archive; returns Docker's report lines.
pub fn load(store: &Store, input: &mut dyn Read) -> Result<Vec<String>> {
    let _lock = store.lock_shared()?;
    let mut counted = crate::progress::Counted::new(input, crate::progress::bytes_bar("Loading"));
    let entries = Entries::read(store, &mut counted);
    counted.finish();
    let entries = entries?;
    let images = if entries.has("manifest.json") {
        docker_archive(store, &entries)?
    } else if entries.has("index.json") {
        oci_archive(store, &entries)?
    } else {
        return Err(invalid(
            "not a docker-archive or oci-archive: no manifest.json or index.json",
        ));
    };
    let mut lines = Vec::new();
    for img in images {
        store.tag_image(&img.manifest, &img.names)?;
        if img.names.is_empty() {
            lines.push(format!("Loaded image ID: {}", img.id));
        }
        for n in &img.names {
            lines.push(format!("Loaded image: {}", n.familiar()));
        }
    }
    Ok(lines)
}
