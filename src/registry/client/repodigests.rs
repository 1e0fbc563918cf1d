//! RepoDigests as Docker keeps them: `repository@manifest-digest` for each
//! repository an image was pulled from or pushed to, whether or not a tag
//! of it is left. Recorded in `registry-client/repodigests.json` (manifest
//! digest → familiar repositories); entries of removed images are never
//! read, and a lost file costs only what tags still show.

use std::collections::BTreeMap;

use crate::image::Image;
use crate::reference::Reference;
use crate::store::{Digest, LockGuard, LockMode, Store};

type Record = BTreeMap<String, Vec<String>>;

/// How many repositories are kept per image (the newest win).
const MAX_PER_IMAGE: usize = 64;

fn path(store: &Store) -> std::path::PathBuf {
    store.root().join("registry-client/repodigests.json")
}

fn read(store: &Store) -> Record {
    std::fs::read(path(store))
        .ok()
        .and_then(|d| serde_json::from_slice(&d).ok())
        .unwrap_or_default()
}

/// Records that manifest `d` is in `r`'s repository.
pub fn record(store: &Store, d: &Digest, r: &Reference) {
    let p = path(store);
    if let Some(dir) = p.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(_g) = LockGuard::acquire(&p.with_extension("lock"), LockMode::Exclusive) else {
        return;
    };
    let mut all = read(store);
    let repos = all.entry(d.to_string()).or_default();
    let repo = r.familiar_repository();
    if repos.contains(&repo) {
        return;
    }
    repos.push(repo);
    if repos.len() > MAX_PER_IMAGE {
        repos.remove(0);
    }
    if let Ok(data) = serde_json::to_vec(&all) {
        let _ = store.write_atomic(&p, &data);
    }
}

/// The image's RepoDigests: those of its names and those recorded.
pub fn of(store: &Store, img: &Image) -> Vec<String> {
    let mut out = img.repo_digests();
    let recorded = read(store)
        .remove(&img.manifest_digest.to_string())
        .unwrap_or_default();
    for repo in recorded {
        let rd = format!("{repo}@{}", img.manifest_digest);
        if !out.contains(&rd) {
            out.push(rd);
        }
    }
    out
}
