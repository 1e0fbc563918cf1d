//! Untagging and deleting images (`rmi`, `image prune`), with Docker's
//! rules: removing one of several names only untags; the last name, an ID
//! or `--force` deletes the image. Only index entries are removed here;
//! blobs go in the garbage collection that follows (`Store::gc`), which
//! keeps layers another image still uses.

use super::{list, resolve, Image};
use crate::error::{Error, Result};
use crate::reference::Reference;
use crate::store::{Digest, Store, REF_NAME_ANNOTATION};

/// One line of `rmi` / `image prune` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// A name was removed (`Untagged: busybox:latest`).
    Untagged(String),
    /// An image was removed (`Deleted: sha256:...`, its ID).
    Deleted(Digest),
}

/// Removes the index entries of `manifest` that carry one of `names`, or no
/// name. Returns true when no entry for the manifest remains (a concurrent
/// `tag` may have named it meanwhile: then it stays).
fn drop_entries(store: &Store, manifest: &Digest, names: &[Reference]) -> Result<bool> {
    let wanted: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    store.update_index(|ms| {
        ms.retain(|d| {
            if d.digest() != manifest {
                return true;
            }
            match d
                .annotations()
                .as_ref()
                .and_then(|a| a.get(REF_NAME_ANNOTATION))
            {
                None => false,
                Some(n) => !wanted.iter().any(|w| w == n),
            }
        });
        Ok(!ms.iter().any(|d| d.digest() == manifest))
    })
}

/// Deletes `img` under all the names it had when listed.
fn delete(store: &Store, img: &Image, out: &mut Vec<Removed>) -> Result<()> {
    let gone = drop_entries(store, &img.manifest_digest, &img.names)?;
    out.extend(img.names.iter().map(|n| Removed::Untagged(n.familiar())));
    if gone {
        out.push(Removed::Deleted(img.id.clone()));
    }
    Ok(())
}

/// `rmi [-f] WHAT`: untags or deletes one image.
pub fn remove_image(store: &Store, what: &str, force: bool) -> Result<Vec<Removed>> {
    let img = resolve(store, what)?;
    let mut out = Vec::new();
    let by_name = Reference::parse(what)
        .ok()
        .filter(|r| img.names.contains(r));
    match by_name {
        Some(name) if img.names.len() > 1 => {
            drop_entries_named(store, &img.manifest_digest, &name)?;
            out.push(Removed::Untagged(name.familiar()));
        }
        Some(name) => {
            let gone = drop_entries(store, &img.manifest_digest, std::slice::from_ref(&name))?;
            out.push(Removed::Untagged(name.familiar()));
            if gone {
                out.push(Removed::Deleted(img.id.clone()));
            }
        }
        None => {
            if img.names.len() > 1 && !force {
                return Err(Error::Invalid(format!(
                    "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                    img.short_id()
                )));
            }
            delete(store, &img, &mut out)?;
        }
    }
    Ok(out)
}

/// Removes only the entry naming `name` (the image keeps its other names).
fn drop_entries_named(store: &Store, manifest: &Digest, name: &Reference) -> Result<()> {
    let n = name.to_string();
    store.update_index(|ms| {
        ms.retain(|d| {
            d.digest() != manifest
                || d.annotations()
                    .as_ref()
                    .and_then(|a| a.get(REF_NAME_ANNOTATION))
                    != Some(&n)
        });
        Ok(())
    })
}

/// `image prune`: deletes dangling images, or with `all` every image.
pub fn prune_images(store: &Store, all: bool) -> Result<Vec<Removed>> {
    let mut out = Vec::new();
    for img in list(store)? {
        if all || img.is_dangling() {
            delete(store, &img, &mut out)?;
        }
    }
    Ok(out)
}
