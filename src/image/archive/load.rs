//! `load`: docker-archive (classic and Docker 25+ layouts) and oci-archive.

use std::collections::HashMap;
use std::io::{self, Read};

use oci_spec::image::{ImageManifestBuilder, MediaType};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::image::import::descriptor;
use crate::image::validate;
use crate::layer::{decompress, tar_error, Compression};
use crate::reference::Reference;
use crate::store::{Digest, PendingBlob, Store};
use crate::untrusted::quote;

/// The most a JSON document of the archive (manifest.json, index.json, a
/// manifest, a config) may weigh; only these are ever read into memory.
const MAX_DOCUMENT: u64 = 4 << 20;
/// The most entries an archive may have: a docker save of many images of
/// 128 layers each has a few thousand.
const MAX_ENTRIES: usize = 50_000;
/// The longest entry name (Linux's PATH_MAX).
const MAX_NAME: usize = 4096;
/// The most bytes of entry names kept while the archive is read.
const MAX_NAMES_TOTAL: usize = 16 << 20;
/// The most a pax extended header may weigh.
const MAX_PAX: u64 = 1 << 20;

/// The archive's files, each streamed into a temp blob as it is read, since
/// manifest.json may come after the layers. Identical contents share one
/// temp blob; only those the manifests name are published into the store,
/// the rest go when this is dropped.
#[derive(Default)]
struct Entries {
    paths: HashMap<String, Digest>,
    blobs: HashMap<Digest, PendingBlob>,
    names_total: usize,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

fn clean(p: &str) -> String {
    p.trim_start_matches("./")
        .trim_start_matches('/')
        .to_string()
}

/// Reads an entry's data whole, refusing more than `limit` bytes.
fn read_bounded(r: &mut dyn Read, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    let mut v = Vec::new();
    r.take(limit + 1).read_to_end(&mut v)?;
    if v.len() as u64 > limit {
        return Err(io::Error::other(format!(
            "{what} is larger than {limit} bytes"
        )));
    }
    Ok(v)
}

/// The `path` record of a pax extended header, if any.
fn pax_path(data: &[u8]) -> Option<Vec<u8>> {
    tar::PaxExtensions::new(data)
        .flatten()
        .find(|e| e.key_bytes() == b"path")
        .map(|e| e.value_bytes().to_vec())
}

impl Entries {
    fn read(store: &Store, input: &mut dyn Read) -> Result<Entries> {
        let tmp = store.tmp_dir();
        let bad = |e: io::Error| tar_error(&tmp, e);
        let (_, plain) = decompress(input).map_err(bad)?;
        let mut ar = tar::Archive::new(plain);
        let mut out = Entries::default();
        let mut count = 0;
        // Raw entries: long names and pax headers come as entries of their
        // own, read here with a bound (the tar crate would read any size).
        let mut long_name: Option<Vec<u8>> = None;
        for entry in ar.entries().map_err(bad)?.raw(true) {
            let mut entry = entry.map_err(bad)?;
            count += 1;
            if count > MAX_ENTRIES {
                return Err(invalid(format!(
                    "the archive has more than {MAX_ENTRIES} entries, the limit"
                )));
            }
            let kind = entry.header().entry_type();
            if kind.is_gnu_longname() {
                let name =
                    read_bounded(&mut entry, MAX_NAME as u64, "an entry name").map_err(bad)?;
                long_name = Some(name.split(|b| *b == 0).next().unwrap_or_default().to_vec());
                continue;
            }
            if kind.is_pax_local_extensions() {
                let data = read_bounded(&mut entry, MAX_PAX, "a pax header").map_err(bad)?;
                if let Some(p) = pax_path(&data) {
                    long_name = Some(p);
                }
                continue;
            }
            let name = long_name
                .take()
                .unwrap_or_else(|| entry.header().path_bytes().into_owned());
            if !kind.is_file() {
                continue;
            }
            if name.len() > MAX_NAME {
                return Err(invalid(format!(
                    "the archive has an entry name of {} bytes, more than {MAX_NAME}: \"{}\"",
                    name.len(),
                    crate::untrusted::quote_bytes(&name)
                )));
            }
            out.names_total += name.len();
            if out.names_total > MAX_NAMES_TOTAL {
                return Err(invalid(format!(
                    "the archive's entry names add up to more than {MAX_NAMES_TOTAL} bytes"
                )));
            }
            let path = clean(&String::from_utf8_lossy(&name));
            let size = entry.header().size().map_err(bad)?;
            let mut w = store.blob_writer()?;
            let n = io::copy(&mut entry, &mut w).map_err(bad)?;
            if n != size {
                return Err(invalid(format!(
                    "not a valid tar archive: \"{}\" is truncated",
                    quote(&path)
                )));
            }
            let blob = w.finish()?;
            let d = blob.digest().clone();
            out.blobs.entry(d.clone()).or_insert(blob);
            out.paths.insert(path, d);
        }
        if count == 0 {
            return Err(invalid("not a valid tar archive: no entries"));
        }
        Ok(out)
    }

    fn has(&self, path: &str) -> bool {
        self.paths.contains_key(path)
    }

    fn get(&self, path: &str) -> Result<&PendingBlob> {
        self.paths
            .get(path)
            .and_then(|d| self.blobs.get(d))
            .ok_or_else(|| {
                invalid(format!(
                    "\"{}\" is named by the archive's manifest but missing from it",
                    quote(path)
                ))
            })
    }

    /// Publishes the file at `path` into the store and returns its digest
    /// and size, checking it against `expected` when given.
    fn store(&self, path: &str, expected: Option<&Digest>) -> Result<(Digest, u64)> {
        let b = self.get(path)?;
        b.publish(expected)?;
        Ok((b.digest().clone(), b.size()))
    }

    /// The bytes of a (small) document of the archive.
    fn bytes(&self, path: &str) -> Result<Vec<u8>> {
        let b = self.get(path)?;
        if b.size() > MAX_DOCUMENT {
            return Err(invalid(format!(
                "\"{}\" is {} bytes, more than the {MAX_DOCUMENT} a manifest or config may have",
                quote(path),
                b.size()
            )));
        }
        let mut v = Vec::new();
        b.open()?
            .read_to_end(&mut v)
            .map_err(|e| Error::io(path, e))?;
        Ok(v)
    }

    fn json(&self, path: &str) -> Result<Value> {
        serde_json::from_slice(&self.bytes(path)?).map_err(|e| Error::json(quote(path), e))
    }

    /// How the file at `path` is compressed.
    fn compression(&self, path: &str) -> Result<Compression> {
        let mut head = [0u8; 4];
        let n = self
            .get(path)?
            .open()?
            .read(&mut head)
            .map_err(|e| Error::io(path, e))?;
        Ok(Compression::detect(&head[..n]))
    }

    /// Checks an image's config against its layers before anything of it is
    /// published: parses, one diff ID per layer, and the diff ID of each
    /// uncompressed layer is its own digest.
    fn check_image(&self, what: &str, config: &str, layers: &[String]) -> Result<()> {
        validate::layer_count(what, layers.len())?;
        let cfg = validate::config(what, &self.bytes(config)?, layers.len())?;
        for (i, (l, diff)) in layers.iter().zip(cfg.rootfs().diff_ids()).enumerate() {
            if self.compression(l)? == Compression::None {
                validate::plain_layer(what, i, self.get(l)?.digest().as_ref(), diff)?;
            }
        }
        Ok(())
    }
}

/// One image to tag once everything is stored.
struct Loaded {
    manifest: oci_spec::image::Descriptor,
    id: Digest,
    names: Vec<Reference>,
}

fn docker_archive(store: &Store, e: &Entries) -> Result<Vec<Loaded>> {
    let manifest = e.json("manifest.json")?;
    let items = manifest
        .as_array()
        .ok_or_else(|| invalid("manifest.json is not a list"))?;
    // Names and configs first: a bad one refuses the archive before
    // anything is published or tagged.
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
                    "\"{}\" is named by manifest.json but missing from the archive",
                    quote(&p)
                )));
            }
        }
        let what = names
            .first()
            .map(|n| n.familiar())
            .unwrap_or_else(|| quote(config));
        e.check_image(&what, &clean(config), &layers)?;
        plans.push((names, clean(config), layers));
    }
    let mut out = Vec::new();
    for (names, config, layers) in plans {
        // The config bytes are kept exactly: the image ID is their digest.
        let (cd, cs) = e.store(&config, None)?;
        let mut descs = Vec::new();
        for l in &layers {
            let (d, n) = e.store(l, None)?;
            let media = e.compression(l)?.oci_layer_media_type();
            descs.push(descriptor(MediaType::Other(media.into()), &d, n)?);
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

fn oci_archive(e: &Entries) -> Result<Vec<Loaded>> {
    let index = e.json("index.json")?;
    // Every image is resolved and checked before anything is published.
    let mut plans = Vec::new();
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
        let mut manifest = e.json(&blob_path(&digest_of(&mdesc)?))?;
        // Follow nested indexes to one image manifest.
        for _ in 0..4 {
            if manifest.get("manifests").is_none() {
                break;
            }
            mdesc = pick(&manifest).ok_or_else(|| invalid("an index with no manifests"))?;
            manifest = e.json(&blob_path(&digest_of(&mdesc)?))?;
        }
        let mut blobs = vec![digest_of(&manifest["config"])?];
        for l in manifest["layers"].as_array().into_iter().flatten() {
            blobs.push(digest_of(l)?);
        }
        let md = digest_of(&mdesc)?;
        let what = names
            .first()
            .map(|n| n.familiar())
            .unwrap_or_else(|| md.to_string());
        let layers: Vec<String> = blobs[1..].iter().map(blob_path).collect();
        e.check_image(&what, &blob_path(&blobs[0]), &layers)?;
        plans.push((names, md, blobs));
    }
    let mut out = Vec::new();
    for (names, md, blobs) in plans {
        for b in &blobs {
            e.store(&blob_path(b), Some(b))?;
        }
        let (md, ms) = e.store(&blob_path(&md), Some(&md))?;
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
        oci_archive(&entries)?
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
