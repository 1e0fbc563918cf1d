//! Build parents, as Docker's classic builder kept them: the image each
//! build step made is pinned by the build cache (`build::cache`), not
//! indexed. `images -a` lists those not in the index as intermediate
//! images (`<none>:<none>`), `inspect` shows an image's `Parent`, and
//! `rmi` removes the untagged parents of an image it deletes (unless
//! `--no-prune`). `images` without `-a` never shows them, and `image
//! prune` leaves them to `builder prune`.

use std::collections::HashSet;

use super::Image;
use crate::error::Result;
use crate::store::{Digest, Store};

/// Whether `p` is `c`'s parent: `c` is `p` plus one step (a layer or
/// none) and one history entry, the rest the same.
fn is_parent(p: &Image, c: &Image) -> bool {
    let (pl, cl) = (p.manifest.layers(), c.manifest.layers());
    let empty = Vec::new();
    let ph = p.config.history().as_ref().unwrap_or(&empty);
    let ch = c.config.history().as_ref().unwrap_or(&empty);
    p.manifest_digest != c.manifest_digest
        && !ch.is_empty()
        && ph.len() + 1 == ch.len()
        && (cl.len() == pl.len() || cl.len() == pl.len() + 1)
        && pl.iter().zip(cl).all(|(a, b)| a.digest() == b.digest())
        && ph[..] == ch[..ph.len()]
}

/// The step images not in the index: `images -a`'s intermediate images.
pub fn intermediates(store: &Store) -> Result<Vec<Image>> {
    let indexed: HashSet<Digest> = store
        .image_entries()?
        .into_iter()
        .map(|e| e.manifest.digest().clone())
        .collect();
    Ok(crate::build::cache::step_images(store)
        .into_iter()
        .map(|(i, _)| i)
        .filter(|i| !indexed.contains(&i.manifest_digest))
        .collect())
}

/// The intermediate image whose ID starts with `what` (`sha256:` or not),
/// when exactly one does.
pub fn find(store: &Store, what: &str) -> Result<Option<Image>> {
    let hex = what.strip_prefix("sha256:").unwrap_or(what);
    if hex.is_empty() || hex.len() > 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let mut hits: Vec<Image> = intermediates(store)?
        .into_iter()
        .filter(|i| i.id.digest().starts_with(hex))
        .collect();
    Ok(if hits.len() == 1 { hits.pop() } else { None })
}

/// `img`'s parent among the store's images and the build's step images:
/// what `inspect` shows as `Parent` (none for pulled or imported images).
pub fn parent(store: &Store, img: &Image) -> Result<Option<Image>> {
    let mut all = super::list(store)?;
    all.extend(intermediates(store)?);
    Ok(all.into_iter().find(|p| is_parent(p, img)))
}

/// After `img` was deleted: removes its untagged parents, nearest first,
/// while nothing else (an indexed image, another step image) stands on
/// them. Returns their IDs.
pub fn prune(store: &Store, img: &Image) -> Result<Vec<Digest>> {
    let mut out = Vec::new();
    let mut steps = crate::build::cache::step_images(store);
    if steps.is_empty() {
        return Ok(out);
    }
    let indexed = super::list(store)?;
    let mut unpinned = false;
    // The image itself, when a step made it, leaves the cache too (else
    // it would stay as an intermediate image).
    if let Some(i) = steps
        .iter()
        .position(|(p, _)| p.manifest_digest == img.manifest_digest)
    {
        let (_, pins) = steps.remove(i);
        if steps.iter().any(|(o, _)| is_parent(img, o)) {
            return Ok(out);
        }
        crate::build::cache::unpin(&pins)?;
        unpinned = true;
    }
    let mut child = img.clone();
    while let Some(i) = steps.iter().position(|(p, _)| is_parent(p, &child)) {
        let (p, pins) = steps.remove(i);
        let used = indexed
            .iter()
            .any(|o| o.manifest_digest == p.manifest_digest || is_parent(&p, o))
            || steps.iter().any(|(o, _)| is_parent(&p, o));
        if used {
            break;
        }
        crate::build::cache::unpin(&pins)?;
        unpinned = true;
        out.push(p.id.clone());
        child = p;
    }
    if unpinned {
        store.gc()?;
    }
    Ok(out)
}
