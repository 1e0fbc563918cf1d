//! Removing images as `docker rmi` and `docker image prune` do: a name with
//! siblings is only untagged; the last name, or an ID, deletes the image;
//! blobs go only when nothing else reaches them (garbage collection).

use super::{list_all, resolve, resolve_broken, Broken, Image};
use crate::error::{Error, Result};
use crate::reference::Reference;
use crate::store::{Digest, Store};

/// One line of `rmi` output.
#[derive(Debug, Clone)]
pub enum Removal {
    Untagged(String),
    Deleted(Digest),
}

impl std::fmt::Display for Removal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Removal::Untagged(n) => write!(f, "Untagged: {n}"),
            Removal::Deleted(d) => write!(f, "Deleted: {d}"),
        }
    }
}

/// IDs of containers whose pin (`refs/containers/<id>`) names this manifest.
pub fn containers_using(store: &Store, manifest: &Digest) -> Vec<String> {
    let dir = store.root().join("refs/containers");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return vec![];
    };
    rd.flatten()
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .map(|t| t.lines().any(|l| l.trim() == manifest.to_string()))
                .unwrap_or(false)
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// Removes `what` (a name or an ID). Returns what was untagged and deleted.
pub fn remove(store: &Store, what: &str, force: bool) -> Result<Vec<Removal>> {
    if let Some(b) = resolve_broken(store, what)? {
        return remove_broken(store, what, &b);
    }
    let img = resolve(store, what)?;
    let by_name = Reference::parse(what)
        .ok()
        .filter(|r| img.names.contains(r));
    let users = containers_using(store, &img.manifest_digest);
    let mut out = Vec::new();
    if let Some(name) = by_name {
        if !users.is_empty() && img.names.len() == 1 && !force {
            return Err(Error::Invalid(format!(
                "conflict: unable to remove repository reference {what:?} (must force) - container {} is using its referenced image {}",
                &users[0][..12.min(users[0].len())],
                img.short_id()
            )));
        }
        // Keep a dangling entry only when a container still uses the image.
        let keep = img.names.len() == 1 && !users.is_empty();
        store.untag_image(&name, keep)?;
        out.push(Removal::Untagged(name.familiar()));
        if img.names.len() > 1 || keep {
            return Ok(out);
        }
    } else {
        if img.names.len() > 1 && !force {
            return Err(Error::Invalid(format!(
                "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                img.short_id()
            )));
        }
        if !users.is_empty() && !force {
            return Err(Error::Invalid(format!(
                "conflict: unable to delete {} (cannot be forced) - image is being used by container {}",
                img.short_id(),
                &users[0][..12.min(users[0].len())]
            )));
        }
        for n in &img.names {
            out.push(Removal::Untagged(n.familiar()));
        }
    }
    out.extend(delete(store, &img)?);
    Ok(out)
}

/// Removes a damaged entry: by one of several names, only that name;
/// otherwise every entry of its manifest, then what nothing else reaches.
fn remove_broken(store: &Store, what: &str, b: &Broken) -> Result<Vec<Removal>> {
    let by_name = Reference::parse(what).ok().filter(|r| b.names.contains(r));
    if let (Some(name), true) = (&by_name, b.names.len() > 1) {
        store.untag_image(name, false)?;
        return Ok(vec![Removal::Untagged(name.familiar())]);
    }
    let _lock = store.lock_exclusive()?;
    store.remove_image_entries(b.manifest_digest.as_ref())?;
    store.gc_locked()?;
    let mut out: Vec<Removal> = b
        .names
        .iter()
        .map(|n| Removal::Untagged(n.familiar()))
        .collect();
    out.push(Removal::Deleted(
        b.id.clone().unwrap_or_else(|| b.manifest_digest.clone()),
    ));
    Ok(out)
}

/// Drops every entry of `img` and collects what nothing else reaches.
fn delete(store: &Store, img: &Image) -> Result<Vec<Removal>> {
    let _lock = store.lock_exclusive()?;
    // Only the names seen when the image was resolved (and its unnamed
    // entry) go: a name a concurrent `tag` added since keeps the image.
    let seen: Vec<String> = img.names.iter().map(|n| n.to_string()).collect();
    let gone = store.update_index(|ms| {
        ms.retain(|d| {
            d.digest() != &img.manifest_digest
                || d.annotations()
                    .as_ref()
                    .and_then(|a| a.get(crate::store::REF_NAME_ANNOTATION))
                    .is_some_and(|n| !seen.contains(n))
        });
        Ok(!ms.iter().any(|d| d.digest() == &img.manifest_digest))
    })?;
    if !gone {
        return Ok(Vec::new());
    }
    let report = store.gc_locked()?;
    let mut out = vec![Removal::Deleted(img.id.clone())];
    out.extend(
        report
            .removed
            .into_iter()
            .filter(|d| img.manifest.layers().iter().any(|l| l.digest() == d))
            .map(Removal::Deleted),
    );
    Ok(out)
}

/// `image prune`: dangling images (or, with `all`, every image no container
/// uses). Returns the removals and the bytes freed.
pub fn prune(store: &Store, all: bool) -> Result<(Vec<Removal>, u64)> {
    let _lock = store.lock_exclusive()?;
    let mut out = Vec::new();
    let listing = list_all(store)?;
    // Damaged entries no container uses go as dangling ones do.
    for b in &listing.broken {
        if (!all && !b.names.is_empty()) || !containers_using(store, &b.manifest_digest).is_empty()
        {
            continue;
        }
        for n in &b.names {
            out.push(Removal::Untagged(n.familiar()));
        }
        store.remove_image_entries(b.manifest_digest.as_ref())?;
        out.push(Removal::Deleted(
            b.id.clone().unwrap_or_else(|| b.manifest_digest.clone()),
        ));
    }
    for img in listing.images {
        if (!all && !img.names.is_empty())
            || !containers_using(store, &img.manifest_digest).is_empty()
        {
            continue;
        }
        for n in &img.names {
            out.push(Removal::Untagged(n.familiar()));
        }
        store.remove_image_entries(img.manifest_digest.as_ref())?;
        out.push(Removal::Deleted(img.id.clone()));
    }
    let report = store.gc_locked()?;
    Ok((out, report.bytes))
}
