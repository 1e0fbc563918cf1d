//! Images in the store: manifests and configs read back from blobs, and
//! resolution of what a user typed (`busybox`, `3f2a`, `sha256:...`,
//! `name@sha256:...`) to one image.

pub mod archive;
pub mod changes;
pub mod import;
pub mod inspect;
pub mod remove;
pub mod summary;
pub mod usage;

use oci_spec::image::{ImageConfiguration, ImageManifest};

use crate::error::{Error, Result};
use crate::reference::Reference;
use crate::store::{Digest, ImageEntry, Store};

/// One image: a manifest, its config, and the names pointing at it.
#[derive(Debug, Clone)]
pub struct Image {
    pub manifest_digest: Digest,
    pub manifest: ImageManifest,
    /// The image ID: the config digest, as Docker.
    pub id: Digest,
    pub config: ImageConfiguration,
    pub names: Vec<Reference>,
}

impl Image {
    /// The short ID Docker prints: 12 hex digits.
    pub fn short_id(&self) -> String {
        self.id.digest()[..12].to_string()
    }

    /// Loads the manifest and config of an index entry.
    pub fn load(store: &Store, manifest_digest: &Digest, names: Vec<Reference>) -> Result<Image> {
        let manifest: ImageManifest = store.read_json(manifest_digest)?;
        let id = manifest.config().digest().clone();
        let config: ImageConfiguration = store.read_json(&id)?;
        Ok(Image {
            manifest_digest: manifest_digest.clone(),
            manifest,
            id,
            config,
            names,
        })
    }
}

/// Every image in the store, one per manifest, with all its names.
pub fn list(store: &Store) -> Result<Vec<Image>> {
    let mut groups: Vec<(Digest, Vec<Reference>)> = Vec::new();
    for ImageEntry { name, manifest } in store.image_entries()? {
        let d = manifest.digest().clone();
        let i = match groups.iter().position(|(g, _)| *g == d) {
            Some(i) => i,
            None => {
                groups.push((d, Vec::new()));
                groups.len() - 1
            }
        };
        if let Some(n) = name {
            groups[i].1.push(n);
        }
    }
    let mut out = Vec::new();
    for (d, names) in groups {
        match Image::load(store, &d, names) {
            Ok(img) => out.push(img),
            // A concurrent rmi may have removed the entry and its blobs since
            // index.json was read: skip it then, but report real damage.
            Err(Error::BlobUnknown(b)) => {
                let still_listed = store
                    .read_index()?
                    .manifests()
                    .iter()
                    .any(|m| *m.digest() == d);
                if still_listed {
                    return Err(Error::BlobUnknown(b));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Resolves what a user typed to one image, as Docker does: a name (with the
/// default tag), a full or short image ID, or a reference by digest.
pub fn resolve(store: &Store, what: &str) -> Result<Image> {
    let images = list(store)?;
    if let Ok(r) = Reference::parse(what) {
        if let Some(img) = images.iter().find(|i| i.names.contains(&r)) {
            return Ok(img.clone());
        }
        if let Some(d) = &r.digest {
            if let Some(img) = images.iter().find(|i| i.manifest_digest.to_string() == *d) {
                return Ok(img.clone());
            }
        }
    }
    let hex = what.strip_prefix("sha256:").unwrap_or(what);
    if !hex.is_empty() && hex.len() <= 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let hits: Vec<&Image> = images
            .iter()
            .filter(|i| i.id.digest().starts_with(hex))
            .collect();
        match hits.len() {
            0 => {}
            1 => return Ok(hits[0].clone()),
            _ => return Err(Error::Ambiguous(what.to_string())),
        }
    }
    Err(Error::NoSuchImage(what.to_string()))
}
