//! Garbage collection of blobs.
//!
//! Roots are every descriptor in index.json plus every digest written in any
//! file under `<root>/refs/` (one per line): the runtime pins the images of
//! its containers there (`refs/containers/<id>`), the registry server its
//! tags, manifests and completed-but-unreferenced uploads. From the roots,
//! manifests lead to their config and layers, indexes to their manifests.
//! Collection runs under the exclusive store lock, so no command that holds
//! not-yet-referenced blobs (under the shared lock) can lose them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Digest, Store};
use crate::error::Result;

/// What a collection removed.
#[derive(Debug, Default, Clone)]
pub struct GcReport {
    pub removed: Vec<Digest>,
    pub bytes: u64,
    /// Layer snapshots removed.
    pub snapshots: u64,
}

fn digests_in_refs(dir: &Path, skip: &HashSet<PathBuf>, out: &mut Vec<Digest>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => digests_in_refs(&p, skip, out),
            Ok(t) if t.is_file() && !skip.contains(&p) => {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    out.extend(text.lines().filter_map(|l| l.trim().parse::<Digest>().ok()));
                }
            }
            _ => {}
        }
    }
}

impl Store {
    /// The digests GC starts from.
    pub fn gc_roots(&self) -> Result<Vec<Digest>> {
        self.gc_roots_without(&HashSet::new())
    }

    /// The digests GC would start from were the files `skip` (under
    /// `refs/`) gone: what a dry run that removes them reports.
    pub fn gc_roots_without(&self, skip: &HashSet<PathBuf>) -> Result<Vec<Digest>> {
        let mut roots: Vec<Digest> = self
            .read_index()?
            .manifests()
            .iter()
            .map(|d| d.digest().clone())
            .collect();
        digests_in_refs(&self.root().join("refs"), skip, &mut roots);
        Ok(roots)
    }

    /// A blob parsed as JSON when it is small and starts like a document;
    /// layers (large, or not starting with `{`) are never read whole.
    pub(crate) fn read_document(&self, d: &Digest) -> Option<serde_json::Value> {
        use std::io::Read;
        const MAX_DOCUMENT: u64 = 4 * 1024 * 1024;
        let f = self.open_blob(d).ok()?;
        let len = f.metadata().ok()?.len();
        if len > MAX_DOCUMENT {
            return None;
        }
        let mut data = Vec::with_capacity(len as usize);
        f.take(MAX_DOCUMENT).read_to_end(&mut data).ok()?;
        if data.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return None;
        }
        serde_json::from_slice(&data).ok()
    }

    /// Every blob reachable from the roots.
    pub fn reachable(&self) -> Result<HashSet<String>> {
        Ok(self.walk(self.gc_roots()?)?.0)
    }

    /// Every blob reachable were the files `skip` under `refs/` gone.
    pub fn reachable_without(&self, skip: &HashSet<PathBuf>) -> Result<HashSet<String>> {
        Ok(self.walk(self.gc_roots_without(skip)?)?.0)
    }

    /// The reachable blobs, and the layer chain IDs their image configs name.
    fn walk(&self, roots: Vec<Digest>) -> Result<(HashSet<String>, HashSet<String>)> {
        let mut chains = HashSet::new();
        let mut seen = HashSet::new();
        let mut stack = roots;
        while let Some(d) = stack.pop() {
            if !seen.insert(d.to_string()) {
                continue;
            }
            let Some(v) = self.read_document(&d) else {
                continue; // a layer, or a missing blob
            };
            if let Some(diffs) = v.pointer("/rootfs/diff_ids").and_then(|x| x.as_array()) {
                let diffs: Vec<String> = diffs
                    .iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect();
                chains.extend(super::snapshots::chain_ids_of(&diffs));
            }
            let mut push = |desc: &serde_json::Value| {
                if let Some(Ok(x)) = desc
                    .get("digest")
                    .and_then(|s| s.as_str())
                    .map(str::parse::<Digest>)
                {
                    stack.push(x);
                }
            };
            if let Some(c) = v.get("config") {
                push(c);
            }
            if let Some(subject) = v.get("subject") {
                push(subject);
            }
            for key in ["layers", "manifests", "blobs"] {
                if let Some(list) = v.get(key).and_then(|l| l.as_array()) {
                    list.iter().for_each(&mut push);
                }
            }
        }
        Ok((seen, chains))
    }

    /// Removes every blob no root reaches (under the exclusive store lock).
    pub fn gc(&self) -> Result<GcReport> {
        let _lock = self.lock_exclusive()?;
        self.gc_locked()
    }

    /// `gc` for a caller that already holds the exclusive lock.
    pub fn gc_locked(&self) -> Result<GcReport> {
        let (live, chains) = self.walk(self.gc_roots()?)?;
        let mut report = GcReport::default();
        for d in self.list_blobs()? {
            if live.contains(&d.to_string()) {
                continue;
            }
            let size = self.blob_size(&d).unwrap_or(0);
            self.remove_blob(&d)?;
            report.bytes += size;
            report.removed.push(d);
        }
        // Snapshots of layer chains no surviving image config names go too.
        report.snapshots = super::snapshots::prune(self, &chains)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_pin_blobs_and_the_rest_goes() {
        let t = tempfile::tempdir().unwrap();
        let s = Store::open(t.path()).unwrap();
        let layer = s.put_blob(b"layer").unwrap();
        let config = s.put_blob(b"{}").unwrap();
        let manifest = format!(
            r#"{{"schemaVersion":2,"config":{{"digest":"{config}","size":2}},"layers":[{{"digest":"{layer}","size":5}}]}}"#
        );
        let m = s.put_blob(manifest.as_bytes()).unwrap();
        let loose = s.put_blob(b"loose").unwrap();
        std::fs::create_dir_all(t.path().join("refs/containers")).unwrap();
        std::fs::write(t.path().join("refs/containers/c1"), format!("{m}\n")).unwrap();
        let r = s.gc().unwrap();
        assert_eq!(r.removed, vec![loose.clone()]);
        assert!(s.has_blob(&layer) && s.has_blob(&config) && s.has_blob(&m));
        std::fs::remove_file(t.path().join("refs/containers/c1")).unwrap();
        assert_eq!(s.gc().unwrap().removed.len(), 3);
    }
}
