//! The build cache: what each step made, keyed by everything it read.
//!
//! ```text
//! <root>/refs/build-cache/<key>        the manifest digest of the image the
//!                                      step made (a GC root: the cache keeps
//!                                      its blobs until `builder prune`)
//! <root>/build-cache/slots/<parent>    JSON: the inputs of the last step
//!                                      built on top of step <parent>, to say
//!                                      why a new step missed
//! <root>/build-cache/mounts/<id>/      RUN --mount=type=cache directories
//! ```
//!
//! A key is sha256 over the parent step's key, the instruction after
//! expansion, the build arguments a `RUN` sees and the content hashes of
//! the files a `COPY`/`ADD` reads (mode, owner and symlink target
//! included). Files are replaced by rename (temp file in `tmp/`), so
//! concurrent builds on one store only ever see whole entries; two builds
//! of the same step both write the same key, and the last one wins. An
//! entry whose image no longer loads is a miss, never an error.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use sha2::{Digest as _, Sha256};

use crate::error::Result;
use crate::image::Image;
use crate::store::{Digest, Store};

/// What a step read, beyond its parent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Inputs {
    /// The instruction after expansion.
    pub text: String,
    /// Build arguments in scope (`RUN`).
    #[serde(default)]
    pub args: BTreeMap<String, String>,
    /// Context-relative (or `stage:path`) file → content hash (`COPY`/`ADD`).
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

impl Inputs {
    /// The step's key on top of `parent`'s.
    pub fn key(&self, parent: &str) -> String {
        let mut h = Sha256::new();
        h.update(parent.as_bytes());
        h.update(b"\n");
        h.update(self.text.as_bytes());
        for (k, v) in &self.args {
            h.update(format!("\0arg {k}={v}").as_bytes());
        }
        for (k, v) in &self.files {
            h.update(format!("\0file {k} {v}").as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// The key of a stage's start: its base image (by manifest digest), or
/// `scratch`, or an earlier stage's last key.
pub fn base_key(what: &str) -> String {
    hex::encode(Sha256::digest(format!("FROM {what}")))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Slot {
    key: String,
    inputs: Inputs,
}

fn entries_dir(store: &Store) -> PathBuf {
    store.root().join("refs/build-cache")
}

fn slots_dir(store: &Store) -> PathBuf {
    store.root().join("build-cache/slots")
}

/// Where `RUN --mount=type=cache,id=ID` keeps its files.
pub fn mount_dir(store: &Store, id: &str) -> PathBuf {
    let name = hex::encode(Sha256::digest(id.as_bytes()));
    store.root().join("build-cache/mounts").join(name)
}

fn valid_key(key: &str) -> bool {
    key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit())
}

/// The image a step with `key` made, if it is cached and still whole.
pub fn lookup(store: &Store, key: &str) -> Option<Image> {
    if !valid_key(key) {
        return None;
    }
    let text = std::fs::read_to_string(entries_dir(store).join(key)).ok()?;
    let digest: Digest = text.lines().next()?.trim().parse().ok()?;
    let img = Image::load(store, &digest, Vec::new()).ok()?;
    // Every layer must still be there (a damaged store is a miss).
    img.manifest
        .layers()
        .iter()
        .all(|l| store.has_blob(l.digest()))
        .then_some(img)
}

/// Records that the step `inputs` on top of `parent` made `image`.
pub fn record(
    store: &Store,
    parent: &str,
    key: &str,
    inputs: &Inputs,
    manifest: &Digest,
) -> Result<()> {
    let dir = entries_dir(store);
    std::fs::create_dir_all(&dir).map_err(|e| crate::Error::io(&dir, e))?;
    store.write_atomic(&dir.join(key), format!("{manifest}\n").as_bytes())?;
    let slots = slots_dir(store);
    std::fs::create_dir_all(&slots).map_err(|e| crate::Error::io(&slots, e))?;
    let slot = Slot {
        key: key.to_string(),
        inputs: inputs.clone(),
    };
    let data = serde_json::to_vec(&slot).map_err(|e| crate::Error::json("build cache slot", e))?;
    store.write_atomic(&slots.join(parent), &data)
}

/// Why the step `inputs` on top of `parent` is not in the cache.
pub fn explain(store: &Store, parent: &str, inputs: &Inputs) -> String {
    let slot: Option<Slot> = valid_key(parent)
        .then(|| std::fs::read(slots_dir(store).join(parent)).ok())
        .flatten()
        .and_then(|d| serde_json::from_slice(&d).ok());
    let Some(slot) = slot else {
        return "not built before".into();
    };
    let old = &slot.inputs;
    if slot.key == inputs.key(parent) {
        return "its cache entry was pruned".into();
    }
    if old.text != inputs.text {
        return format!("the instruction changed (was: {})", old.text);
    }
    for (k, v) in &inputs.args {
        match old.args.get(k) {
            Some(o) if o != v => return format!("build argument {k} changed"),
            None => return format!("build argument {k} is new"),
            _ => {}
        }
    }
    if let Some(k) = old.args.keys().find(|k| !inputs.args.contains_key(*k)) {
        return format!("build argument {k} is gone");
    }
    for (f, h) in &inputs.files {
        match old.files.get(f) {
            Some(o) if o != h => return format!("file {f} changed"),
            None => return format!("file {f} is new"),
            _ => {}
        }
    }
    if let Some(f) = old.files.keys().find(|f| !inputs.files.contains_key(*f)) {
        return format!("file {f} is gone");
    }
    "its inputs changed".into()
}

/// The manifests the cache holds, by key.
fn entries(store: &Store) -> Vec<(PathBuf, Option<Digest>)> {
    let dir = entries_dir(store);
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    rd.flatten()
        .filter(|e| valid_key(&e.file_name().to_string_lossy()))
        .map(|e| {
            let d = std::fs::read_to_string(e.path())
                .ok()
                .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()));
            (e.path(), d)
        })
        .collect()
}

/// The images the cache pins (each step's image, Docker's intermediate
/// images), one per manifest, with the entry files that pin it.
pub fn step_images(store: &Store) -> Vec<(Image, Vec<PathBuf>)> {
    let mut out: Vec<(Image, Vec<PathBuf>)> = Vec::new();
    for (path, digest) in entries(store) {
        let Some(d) = digest else { continue };
        if let Some((_, pins)) = out.iter_mut().find(|(i, _)| i.manifest_digest == d) {
            pins.push(path);
            continue;
        }
        if let Ok(img) = Image::load(store, &d, Vec::new()) {
            out.push((img, vec![path]));
        }
    }
    out
}

/// Drops the cache entries `pins` (`rmi` of the image above them: the
/// steps build again next time, as after Docker's classic builder's).
pub fn unpin(pins: &[PathBuf]) -> Result<()> {
    for p in pins {
        match std::fs::remove_file(p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(crate::Error::io(p, e))
            }
            _ => {}
        }
    }
    Ok(())
}

/// `system df`'s Build Cache row: entries, and the bytes of layers only
/// the cache keeps.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub entries: usize,
    pub size: u64,
}

fn image_layers(store: &Store) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    for img in crate::image::list(store)? {
        out.extend(img.manifest.layers().iter().map(|l| l.digest().to_string()));
    }
    Ok(out)
}

pub fn usage(store: &Store) -> Result<Usage> {
    let used = image_layers(store)?;
    let mut only_cache: BTreeMap<String, u64> = BTreeMap::new();
    let all = entries(store);
    for (_, d) in &all {
        let Some(m) = d
            .as_ref()
            .and_then(|d| store.read_json::<oci_spec::image::ImageManifest>(d).ok())
        else {
            continue;
        };
        for l in m.layers() {
            if !used.contains(&l.digest().to_string()) {
                only_cache.insert(l.digest().to_string(), l.size());
            }
        }
    }
    Ok(Usage {
        entries: all.len(),
        size: only_cache.values().sum(),
    })
}

/// What `builder prune` removed.
#[derive(Debug, Clone, Default)]
pub struct Pruned {
    pub entries: usize,
    pub bytes: u64,
}

/// `builder prune`: drops the entries of intermediate steps (with `all`,
/// every entry and the cache mounts), then collects what nothing else
/// keeps.
pub fn prune(store: &Store, all: bool) -> Result<Pruned> {
    let named: HashSet<String> = store
        .read_index()?
        .manifests()
        .iter()
        .map(|d| d.digest().to_string())
        .collect();
    let mut out = Pruned::default();
    for (path, d) in entries(store) {
        let keep = !all && d.is_some_and(|d| named.contains(&d.to_string()));
        if !keep && std::fs::remove_file(&path).is_ok() {
            out.entries += 1;
        }
    }
    if all {
        crate::store::remove_tree(&slots_dir(store));
        let mounts = store.root().join("build-cache/mounts");
        if mounts.exists() {
            crate::userns::remove_tree_mapped(store.root(), &mounts);
        }
    }
    out.bytes = store.gc()?.bytes;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_explanations() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(d.path()).unwrap();
        let parent = base_key("scratch");
        let mut a = Inputs {
            text: "COPY a /a".into(),
            ..Default::default()
        };
        a.files.insert("a".into(), "1".into());
        let key = a.key(&parent);
        assert_eq!(explain(&store, &parent, &a), "not built before");
        let m: Digest = crate::store::blobs::sha256_digest(b"x");
        record(&store, &parent, &key, &a, &m).unwrap();
        assert!(
            lookup(&store, &key).is_none(),
            "a manifest that is gone is a miss"
        );
        let mut b = a.clone();
        b.files.insert("a".into(), "2".into());
        assert_ne!(b.key(&parent), key);
        assert_eq!(explain(&store, &parent, &b), "file a changed");
        let mut c = a.clone();
        c.args.insert("V".into(), "1".into());
        assert_eq!(explain(&store, &parent, &c), "build argument V is new");
        assert_eq!(explain(&store, &parent, &a), "its cache entry was pruned");
    }
}
