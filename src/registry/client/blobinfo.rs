//! Where blobs were seen: `registry-client/blobinfo.json` maps a digest to
//! the `domain/repository`s it was pulled from or pushed to, so a push can
//! ask the registry to mount it from a sibling repository instead of
//! uploading it again. A hint only: a lost entry costs an upload.

use std::collections::BTreeMap;

use crate::store::{Digest, LockGuard, LockMode, Store};

type Info = BTreeMap<String, Vec<String>>;

fn path(store: &Store) -> std::path::PathBuf {
    store.root().join("registry-client/blobinfo.json")
}

fn read(store: &Store) -> Info {
    std::fs::read(path(store))
        .ok()
        .and_then(|d| serde_json::from_slice(&d).ok())
        .unwrap_or_default()
}

/// Records that `d` is in `domain/repo`.
pub fn remember(store: &Store, d: &Digest, domain: &str, repo: &str) {
    let p = path(store);
    if let Some(dir) = p.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(_g) = LockGuard::acquire(&p.with_extension("lock"), LockMode::Exclusive) else {
        return;
    };
    let mut info = read(store);
    let places = info.entry(d.to_string()).or_default();
    let here = format!("{domain}/{repo}");
    if !places.contains(&here) {
        places.push(here);
        places.sort();
        if let Ok(data) = serde_json::to_vec(&info) {
            let _ = store.write_atomic(&p, &data);
        }
    }
}

/// Another repository on `domain` known to hold `d`.
pub fn sibling(store: &Store, d: &Digest, domain: &str, repo: &str) -> Option<String> {
    let prefix = format!("{domain}/");
    read(store)
        .remove(&d.to_string())?
        .into_iter()
        .filter_map(|p| p.strip_prefix(&prefix).map(String::from))
        .find(|p| p != repo)
}
