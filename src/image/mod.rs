//! Images in the store: manifests and configs read back from blobs, and
//! resolution of what a user typed (`busybox`, `3f2a`, `sha256:...`,
//! `name@sha256:...`) to one image.

pub mod archive;
pub mod changes;
pub mod extras;
pub mod import;
pub mod inspect;
pub mod parents;
pub mod remove;
pub mod summary;
pub mod usage;
pub mod validate;
pub mod write;

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

    /// Loads the manifest and config of an index entry, checking the config
    /// as `load` and `pull` do (see [`validate`]).
    pub fn load(store: &Store, manifest_digest: &Digest, names: Vec<Reference>) -> Result<Image> {
        let manifest: ImageManifest = store.read_json(manifest_digest)?;
        let id = manifest.config().digest().clone();
        let bytes = store.read_blob(&id)?;
        let config = validate::config(&format!("image {id}"), &bytes, manifest.layers().len())?;
        Ok(Image {
            manifest_digest: manifest_digest.clone(),
            manifest,
            id,
            config,
            names,
        })
    }
}

/// An index entry whose documents do not load: listed apart, so one damaged
/// entry never hides the others, and removable by name or digest.
#[derive(Debug, Clone)]
pub struct Broken {
    pub manifest_digest: Digest,
    /// The config digest, when the manifest at least could be read.
    pub id: Option<Digest>,
    pub names: Vec<Reference>,
    /// Why it does not load.
    pub why: String,
}

impl Broken {
    /// How a user can name it: its first name, else its manifest digest.
    pub fn label(&self) -> String {
        self.names
            .first()
            .map(|n| n.familiar())
            .unwrap_or_else(|| self.manifest_digest.to_string())
    }
}

/// Every entry of the store: the images that load, and those that do not.
#[derive(Debug, Default)]
pub struct Listing {
    pub images: Vec<Image>,
    pub broken: Vec<Broken>,
}

/// Every image in the store, one per manifest, with all its names; entries
/// that do not load are left out (see [`list_all`]).
pub fn list(store: &Store) -> Result<Vec<Image>> {
    Ok(list_all(store)?.images)
}

/// Every entry of the store, one per manifest, with all its names.
pub fn list_all(store: &Store) -> Result<Listing> {
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
    let mut out = Listing::default();
    for (d, names) in groups {
        match Image::load(store, &d, names.clone()) {
            Ok(img) => out.images.push(img),
            Err(e) => {
                // A concurrent rmi may have removed the entry and its blobs
                // since index.json was read: skip it then.
                let gone = matches!(e, Error::BlobUnknown(_))
                    && !store
                        .read_index()?
                        .manifests()
                        .iter()
                        .any(|m| *m.digest() == d);
                if gone {
                    continue;
                }
                let id = store
                    .read_json::<ImageManifest>(&d)
                    .ok()
                    .map(|m| m.config().digest().clone());
                out.broken.push(Broken {
                    manifest_digest: d,
                    id,
                    names,
                    why: e.to_string(),
                });
            }
        }
    }
    Ok(out)
}

/// What a user's words matched.
enum Hit<'a> {
    Image(&'a Image),
    Broken(&'a Broken),
}

/// Finds what a user typed, as Docker does: a name (with the default tag),
/// a full or short image ID, or a reference by digest.
fn lookup<'a>(l: &'a Listing, what: &str) -> Result<Option<Hit<'a>>> {
    if let Ok(r) = Reference::parse(what) {
        if let Some(img) = l.images.iter().find(|i| i.names.contains(&r)) {
            return Ok(Some(Hit::Image(img)));
        }
        if let Some(b) = l.broken.iter().find(|b| b.names.contains(&r)) {
            return Ok(Some(Hit::Broken(b)));
        }
        if let Some(d) = &r.digest {
            if let Some(img) = l
                .images
                .iter()
                .find(|i| i.manifest_digest.to_string() == *d)
            {
                return Ok(Some(Hit::Image(img)));
            }
            if let Some(b) = l
                .broken
                .iter()
                .find(|b| b.manifest_digest.to_string() == *d)
            {
                return Ok(Some(Hit::Broken(b)));
            }
        }
    }
    let hex = what.strip_prefix("sha256:").unwrap_or(what);
    if !hex.is_empty() && hex.len() <= 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let mut hits: Vec<Hit> = l
            .images
            .iter()
            .filter(|i| i.id.digest().starts_with(hex))
            .map(Hit::Image)
            .collect();
        hits.extend(
            l.broken
                .iter()
                .filter(|b| {
                    b.id.as_ref().is_some_and(|i| i.digest().starts_with(hex))
                        || b.manifest_digest.digest().starts_with(hex)
                })
                .map(Hit::Broken),
        );
        if hits.len() > 1 {
            return Err(Error::Ambiguous(what.to_string()));
        }
        return Ok(hits.pop());
    }
    Ok(None)
}

/// Resolves what a user typed to one image. A name that is not in the store
/// is [`Error::NoSuchImage`] (the one error after which `run` pulls); an
/// entry that is there but damaged is [`Error::BrokenImage`].
pub fn resolve(store: &Store, what: &str) -> Result<Image> {
    let l = list_all(store)?;
    match lookup(&l, what)? {
        Some(Hit::Image(img)) => Ok(img.clone()),
        Some(Hit::Broken(b)) => Err(Error::BrokenImage {
            name: crate::untrusted::quote(what),
            why: b.why.clone(),
        }),
        None => Err(Error::NoSuchImage(crate::untrusted::quote(what))),
    }
}

/// The damaged entry `what` names, if it names one (for `rmi`).
pub fn resolve_broken(store: &Store, what: &str) -> Result<Option<Broken>> {
    let l = list_all(store)?;
    Ok(match lookup(&l, what)? {
        Some(Hit::Broken(b)) => Some(b.clone()),
        _ => None,
    })
}
