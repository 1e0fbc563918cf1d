//! Garbage collection of blobs. The roots are every descriptor in
//! `index.json` and every digest written in a file under `<root>/refs/`
//! (one per line: the registry server and the runtime pin blobs there).
//! From the roots, manifests lead to their config and layers, and indexes
//! (manifest lists) to their child manifests, recursively. Whatever is not
//! reached is deleted, under the exclusive store lock, so a command that
//! holds the shared lock while writing blobs it has not referenced yet
//! never loses them.

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::{Digest, Store};
use crate::error::{IoContext, Result};

/// Blobs bigger than this are never parsed as manifests or indexes.
const MAX_DOCUMENT: u64 = 4 * 1024 * 1024;

/// What a collection removed.
#[derive(Debug, Default, Clone)]
pub struct GcReport {
    pub removed: Vec<Digest>,
    pub bytes_freed: u64,
}

impl Store {
    /// The GC roots: index.json's descriptors and the digests under refs/.
    pub fn gc_roots(&self) -> Result<Vec<Digest>> {
        let mut roots: Vec<Digest> = self
            .read_index()?
            .manifests()
            .iter()
            .map(|d| d.digest().clone())
            .collect();
        let refs = self.root().join("refs");
        if refs.is_dir() {
            collect_ref_files(&refs, &mut roots)?;
        }
        Ok(roots)
    }

    /// Every blob digest reachable from the roots (as `algorithm:hex`).
    pub fn reachable(&self) -> Result<HashSet<String>> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut todo = self.gc_roots()?;
        while let Some(d) = todo.pop() {
            if !seen.insert(d.to_string()) {
                continue;
            }
            if let Some(doc) = self.read_document(&d) {
                children(&doc, &mut todo);
            }
        }
        Ok(seen)
    }

    /// Deletes every unreachable blob, under the exclusive store lock.
    pub fn gc(&self) -> Result<GcReport> {
        let _lock = self.lock_exclusive()?;
        let keep = self.reachable()?;
        let mut report = GcReport::default();
        for d in self.list_blobs()? {
            if keep.contains(&d.to_string()) {
                continue;
            }
            let size = self.blob_size(&d).unwrap_or(0);
            self.remove_blob(&d)?;
            report.bytes_freed += size;
            report.removed.push(d);
        }
        Ok(report)
    }

    /// A blob parsed as JSON, when it is small and looks like a document.
    fn read_document(&self, d: &Digest) -> Option<Value> {
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
}

/// The descriptors a manifest or index points to.
fn children(doc: &Value, todo: &mut Vec<Digest>) {
    let mut push = |d: &Value| {
        if let Some(dg) = d
            .get("digest")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
        {
            todo.push(dg);
        }
    };
    if let Some(c) = doc.get("config") {
        if c.get("digest").is_some() {
            push(c);
        }
    }
    for key in ["layers", "manifests", "blobs"] {
        if let Some(list) = doc.get(key).and_then(Value::as_array) {
            list.iter().for_each(&mut push);
        }
    }
    if let Some(s) = doc.get("subject") {
        push(s);
    }
}

fn collect_ref_files(dir: &Path, out: &mut Vec<Digest>) -> Result<()> {
    for e in fs::read_dir(dir).at(dir)? {
        let e = e.at(dir)?;
        let p = e.path();
        let ft = e.file_type().at(&p)?;
        if ft.is_dir() {
            collect_ref_files(&p, out)?;
        } else if ft.is_file() {
            // A file being replaced may vanish under us; that is fine.
            let Ok(text) = fs::read_to_string(&p) else {
                continue;
            };
            out.extend(text.lines().filter_map(|l| l.trim().parse::<Digest>().ok()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_index_and_refs_reach() {
        let t = tempfile::tempdir().unwrap();
        let s = Store::open(t.path()).unwrap();
        let layer = s.put_blob(b"layer").unwrap();
        let config = s.put_blob(b"{}").unwrap();
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "config": {"mediaType": "x", "digest": config.to_string(), "size": 2},
            "layers": [{"mediaType": "y", "digest": layer.to_string(), "size": 5}],
        });
        let (m, size, _) = s.put_json(&manifest).unwrap();
        let pinned = s.put_blob(b"pinned by refs").unwrap();
        let loose = s.put_blob(b"loose").unwrap();
        let desc = serde_json::from_value(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": m.to_string(), "size": size,
        }))
        .unwrap();
        s.tag_image(&desc, &[]).unwrap();
        fs::create_dir_all(t.path().join("refs/registry")).unwrap();
        fs::write(t.path().join("refs/registry/x"), format!("{pinned}\n")).unwrap();
        let r = s.gc().unwrap();
        assert_eq!(r.removed, vec![loose.clone()]);
        assert_eq!(r.bytes_freed, 5);
        for d in [&layer, &config, &m, &pinned] {
            assert!(s.has_blob(d));
        }
    }
}
