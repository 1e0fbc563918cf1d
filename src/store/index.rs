//! Image references: `index.json`, an OCI image index. Each tagged image is a
//! manifest descriptor annotated with `org.opencontainers.image.ref.name` set
//! to its full reference (`docker.io/library/busybox:latest`), which is what
//! `skopeo ... oci:<root>:<ref>` looks up. An image with no tag left stays as
//! an entry without the annotation (Docker's dangling `<none>:<none>`) until
//! it is removed or pruned.

use std::collections::HashMap;

use oci_spec::image::{Descriptor, ImageIndex};

use super::lock::{LockGuard, LockMode};
use super::Store;
use crate::error::{Error, IoContext, Result};
use crate::reference::Reference;

pub const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";

/// One entry of the index: a manifest, and the reference naming it, if any.
#[derive(Debug, Clone)]
pub struct ImageEntry {
    pub name: Option<Reference>,
    pub manifest: Descriptor,
}

fn entry_name(d: &Descriptor) -> Option<&str> {
    d.annotations()
        .as_ref()?
        .get(REF_NAME_ANNOTATION)
        .map(|s| s.as_str())
}

impl Store {
    /// Reads index.json as it is now (it is always replaced whole, so no lock
    /// is needed to read it).
    pub fn read_index(&self) -> Result<ImageIndex> {
        let p = self.index_path();
        let data = std::fs::read(&p).at(&p)?;
        serde_json::from_slice(&data).map_err(|e| Error::json(p.display().to_string(), e))
    }

    /// Read-modify-write of index.json under `index.lock`.
    pub fn update_index<T>(&self, f: impl FnOnce(&mut Vec<Descriptor>) -> Result<T>) -> Result<T> {
        let _g = LockGuard::acquire(&self.root().join("index.lock"), LockMode::Exclusive)?;
        let mut index = self.read_index()?;
        let mut manifests = index.manifests().clone();
        let out = f(&mut manifests)?;
        index.set_manifests(manifests);
        let data = serde_json::to_vec_pretty(&index).map_err(|e| Error::json("index.json", e))?;
        self.write_atomic(&self.index_path(), &data)?;
        Ok(out)
    }

    /// Every image entry, tagged and dangling.
    pub fn image_entries(&self) -> Result<Vec<ImageEntry>> {
        Ok(self
            .read_index()?
            .manifests()
            .iter()
            .map(|d| ImageEntry {
                name: entry_name(d).and_then(|n| Reference::parse(n).ok()),
                manifest: d.clone(),
            })
            .collect())
    }

    /// Points `names` at `manifest`. A name that pointed elsewhere moves; the
    /// image it left keeps a dangling entry if nothing else names it.
    pub fn tag_image(&self, manifest: &Descriptor, names: &[Reference]) -> Result<()> {
        let wanted: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        self.update_index(|ms| {
            let mut left: Vec<Descriptor> = Vec::new();
            ms.retain(|d| match entry_name(d) {
                Some(n) if wanted.iter().any(|w| w == n) => {
                    left.push(d.clone());
                    false
                }
                _ => true,
            });
            // Drop any dangling entry for the manifest being named.
            ms.retain(|d| !(entry_name(d).is_none() && d.digest() == manifest.digest()));
            for old in left {
                keep_dangling(ms, &old);
            }
            if wanted.is_empty() && !ms.iter().any(|d| d.digest() == manifest.digest()) {
                ms.push(without_name(manifest));
            }
            for w in &wanted {
                let mut d = without_name(manifest);
                let mut ann = d.annotations().clone().unwrap_or_default();
                ann.insert(REF_NAME_ANNOTATION.to_string(), w.clone());
                d.set_annotations(Some(ann));
                ms.push(d);
            }
            Ok(())
        })
    }

    /// Removes one name. Returns the manifest it named, which stays as a
    /// dangling entry only when `keep_dangling` is set and nothing else names it.
    pub fn untag_image(&self, name: &Reference, keep: bool) -> Result<Option<Descriptor>> {
        let n = name.to_string();
        self.update_index(|ms| {
            let Some(i) = ms.iter().position(|d| entry_name(d) == Some(n.as_str())) else {
                return Ok(None);
            };
            let old = ms.remove(i);
            if keep {
                keep_dangling(ms, &old);
            }
            Ok(Some(old))
        })
    }

    /// Removes every entry (tagged or not) for a manifest digest.
    pub fn remove_image_entries(&self, manifest_digest: &str) -> Result<usize> {
        self.update_index(|ms| {
            let before = ms.len();
            ms.retain(|d| d.digest().to_string() != manifest_digest);
            Ok(before - ms.len())
        })
    }

    /// How many index entries name each manifest digest.
    pub fn manifest_refcounts(&self) -> Result<HashMap<String, usize>> {
        let mut m = HashMap::new();
        for d in self.read_index()?.manifests() {
            *m.entry(d.digest().to_string()).or_insert(0) += 1;
        }
        Ok(m)
    }
}

fn without_name(d: &Descriptor) -> Descriptor {
    let mut d = d.clone();
    if let Some(mut ann) = d.annotations().clone() {
        ann.remove(REF_NAME_ANNOTATION);
        d.set_annotations(if ann.is_empty() { None } else { Some(ann) });
    }
    d
}

/// Keeps an unnamed entry for `old`'s manifest if no entry refers to it.
fn keep_dangling(ms: &mut Vec<Descriptor>, old: &Descriptor) {
    if !ms.iter().any(|d| d.digest() == old.digest()) {
        ms.push(without_name(old));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oci_spec::image::{DescriptorBuilder, MediaType};

    fn desc(s: &Store, content: &[u8]) -> Descriptor {
        let d = s.put_blob(content).unwrap();
        DescriptorBuilder::default()
            .media_type(MediaType::ImageManifest)
            .digest(d)
            .size(content.len() as u64)
            .build()
            .unwrap()
    }

    #[test]
    fn retag_leaves_dangling_and_untag_removes() {
        let t = tempfile::tempdir().unwrap();
        let s = Store::open(t.path()).unwrap();
        let a = desc(&s, b"a");
        let b = desc(&s, b"b");
        let r = Reference::parse("bb").unwrap();
        s.tag_image(&a, std::slice::from_ref(&r)).unwrap();
        s.tag_image(&b, std::slice::from_ref(&r)).unwrap();
        let es = s.image_entries().unwrap();
        assert_eq!(es.len(), 2);
        assert!(es
            .iter()
            .any(|e| e.name.is_none() && e.manifest.digest() == a.digest()));
        assert!(es
            .iter()
            .any(|e| e.name.as_ref() == Some(&r) && e.manifest.digest() == b.digest()));
        s.untag_image(&r, false).unwrap();
        assert_eq!(s.image_entries().unwrap().len(), 1);
    }
}
