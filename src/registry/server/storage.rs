//! The storage backends of `registry-serve`, behind one trait: tug's store
//! (`repo.rs`, the default, shared with local images) and distribution's
//! on-disk layout (`distribution.rs`, an existing `registry:2` data
//! directory served as it is). Handlers only see [`Storage`]: blobs are
//! content-addressed and shared by every repository; a repository links the
//! blobs it may serve, and records its manifests and tags.
//!
//! Both backends keep what is tug's own (upload sessions, upload pins, the
//! lock garbage collection takes) apart from what distribution reads.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::error::{IoContext, Result};
use crate::store::{Digest, LockGuard};

/// A blob being written: hashed as it goes, published by `commit`, removed
/// if dropped before.
pub trait BlobSink: Write + Send {
    /// Verifies the content against `expected` (when given) and publishes
    /// it; returns its digest.
    fn commit(self: Box<Self>, expected: Option<&Digest>) -> Result<Digest>;
}

impl BlobSink for crate::store::BlobWriter {
    fn commit(self: Box<Self>, expected: Option<&Digest>) -> Result<Digest> {
        crate::store::BlobWriter::commit(*self, expected).map(|(d, _)| d)
    }
}

/// What garbage collection removed (or, dry, would remove).
#[derive(Debug, Default, Clone)]
pub struct GcReport {
    pub blobs: usize,
    pub bytes: u64,
    /// Untagged manifests dropped (`--delete-untagged`).
    pub manifests: usize,
    /// Upload pins older than the grace period, dropped.
    pub expired_pins: usize,
}

/// How garbage collection runs.
#[derive(Debug, Clone)]
pub struct GcOptions {
    pub dry_run: bool,
    /// Also drop manifests no tag names (nor a tagged index).
    pub delete_untagged: bool,
    /// Upload pins and sessions older than this are dropped first.
    pub grace: Duration,
}

/// One registry storage backend (see the module doc).
pub trait Storage: Send + Sync {
    /// Blob `d` as a local file, when the backend keeps blobs locally
    /// (whether or not it exists); None when they are remote.
    fn blob_file(&self, d: &Digest) -> Option<PathBuf>;
    /// A writer for a new blob hashed with `algorithm`.
    fn blob_writer(&self, algorithm: &str) -> Result<Box<dyn BlobSink>>;
    /// The lock held while blobs not yet referenced are written (garbage
    /// collection takes it exclusively).
    fn lock_shared(&self) -> Result<LockGuard>;
    /// Where upload sessions are kept.
    fn uploads_dir(&self) -> PathBuf;
    /// Where completed uploads are pinned until a manifest names them.
    fn pins_dir(&self) -> PathBuf;

    /// Records that repository `name` may serve blob `d`.
    fn link_blob(&self, name: &str, d: &Digest) -> Result<()>;
    /// Forgets that link; false if there was none.
    fn unlink_blob(&self, name: &str, d: &Digest) -> Result<bool>;
    /// Whether repository `name` serves blob `d`.
    fn has_blob(&self, name: &str, d: &Digest) -> bool;
    /// Whether repository `name` has manifest `d`.
    fn has_manifest(&self, name: &str, d: &Digest) -> bool;
    /// Records a stored manifest in a repository (and a tag for it).
    fn put_manifest(&self, name: &str, d: &Digest, media: &str, tag: Option<&str>) -> Result<()>;
    /// (digest, media type) of a tag or digest reference in a repository.
    fn resolve(&self, name: &str, reference: &str) -> Option<(Digest, String)>;
    /// Deletes a tag, or a manifest and the tags naming it; false if unknown.
    fn delete_manifest(&self, name: &str, reference: &str) -> Result<bool>;
    /// Whether the repository exists.
    fn exists(&self, name: &str) -> bool;
    /// Its tags, sorted.
    fn tags(&self, name: &str) -> Vec<String>;
    /// Its manifests as (digest, media type).
    fn manifests(&self, name: &str) -> Vec<(Digest, String)>;
    /// Every repository, sorted.
    fn catalog(&self) -> Vec<String>;
    /// Removes what nothing references.
    fn garbage_collect(&self, o: &GcOptions) -> Result<GcReport>;

    /// The size of blob `d`, None when it is not stored.
    fn blob_size(&self, d: &Digest) -> Option<u64> {
        Some(std::fs::metadata(self.blob_file(d)?).ok()?.len())
    }

    /// `len` bytes of blob `d` from `start`.
    fn open_blob(&self, d: &Digest, start: u64, len: u64) -> Result<Box<dyn Read + Send>> {
        let p = self
            .blob_file(d)
            .ok_or_else(|| crate::Error::BlobUnknown(d.to_string()))?;
        let mut f = std::fs::File::open(&p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => crate::Error::BlobUnknown(d.to_string()),
            _ => crate::Error::io(&p, e),
        })?;
        f.seek(SeekFrom::Start(start)).at(&p)?;
        Ok(Box::new(f.take(len)))
    }

    /// Reads a whole blob of at most [`MAX_DOCUMENT`] bytes.
    fn read_blob(&self, d: &Digest) -> Result<Vec<u8>> {
        let size = self
            .blob_size(d)
            .ok_or_else(|| crate::Error::BlobUnknown(d.to_string()))?;
        if size > MAX_DOCUMENT {
            return Err(crate::Error::Invalid(format!(
                "blob {d} is larger than {MAX_DOCUMENT} bytes"
            )));
        }
        let mut v = Vec::with_capacity(size as usize);
        self.open_blob(d, 0, size)?
            .read_to_end(&mut v)
            .map_err(|e| crate::Error::Invalid(format!("reading blob {d}: {e}")))?;
        Ok(v)
    }

    /// A blob parsed as JSON when it is a small document.
    fn read_document(&self, d: &Digest) -> Option<Value> {
        serde_json::from_slice(&self.read_blob(d).ok()?).ok()
    }

    /// Pins a blob whose upload completed until a manifest names it.
    fn pin_upload(&self, d: &Digest) -> Result<()> {
        let dir = self.pins_dir();
        std::fs::create_dir_all(&dir).at(&dir)?;
        crate::store::write_atomic_in(&dir, &dir.join(key(d)), format!("{d}\n").as_bytes())
    }

    fn unpin_upload(&self, d: &Digest) {
        let _ = std::fs::remove_file(self.pins_dir().join(key(d)));
    }
}

/// Documents (manifests, configs) larger than this are not read whole.
pub const MAX_DOCUMENT: u64 = 4 * 1024 * 1024;

/// A digest as one file name: `<alg>-<hex>`.
pub fn key(d: &Digest) -> String {
    format!("{}-{}", d.algorithm().as_ref(), d.digest())
}

/// What a manifest or index names and the registry must hold: its config,
/// layers (but not foreign layers, which have `urls`), artifact blobs and,
/// for an index, its manifests.
pub fn references(v: &Value) -> Vec<Digest> {
    let digest = |v: &Value| v.get("digest")?.as_str()?.parse::<Digest>().ok();
    let mut out: Vec<Digest> = v.get("config").and_then(digest).into_iter().collect();
    for key in ["layers", "manifests", "blobs"] {
        for item in v.get(key).and_then(Value::as_array).into_iter().flatten() {
            if item.get("urls").is_none() {
                out.extend(digest(item));
            }
        }
    }
    out
}

/// The media type a manifest declares, else the one its shape implies (as
/// distribution does for manifests stored without their Content-Type).
pub fn media_type_of(v: &Value) -> String {
    if let Some(m) = v.get("mediaType").and_then(Value::as_str) {
        return m.to_string();
    }
    if v.get("schemaVersion").and_then(Value::as_u64) == Some(1) {
        return "application/vnd.docker.distribution.manifest.v1+prettyjws".into();
    }
    if v.get("manifests").is_some() {
        return "application/vnd.oci.image.index.v1+json".into();
    }
    "application/vnd.oci.image.manifest.v1+json".into()
}

/// Splits the files of `dir` into those modified longer than `grace` ago
/// and the others.
pub fn by_age(dir: &Path, grace: Duration) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut old, mut young) = (Vec::new(), Vec::new());
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let aged = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > grace);
        if aged { &mut old } else { &mut young }.push(e.path());
    }
    (old, young)
}

/// Drops the pins in `dir` older than `grace` (unless `dry_run`); returns
/// how many, and the digests the other pins hold.
pub fn expire_pins_in(dir: &Path, grace: Duration, dry_run: bool) -> (usize, Vec<Digest>) {
    let (old, young) = by_age(dir, grace);
    let expired = old
        .iter()
        .filter(|p| dry_run || std::fs::remove_file(p).is_ok())
        .count();
    let live = young
        .iter()
        .filter_map(|p| {
            std::fs::read_to_string(p)
                .ok()?
                .lines()
                .next()?
                .parse()
                .ok()
        })
        .collect();
    (expired, live)
}

/// Drops a backend's upload pins and sessions older than `grace` (pins
/// only counted when `dry_run`); returns how many pins went and the digests
/// of those that stay.
pub fn expire(s: &dyn Storage, grace: Duration, dry_run: bool) -> (usize, Vec<Digest>) {
    if !dry_run {
        for p in by_age(&s.uploads_dir(), grace).0 {
            let _ = std::fs::remove_file(p);
        }
    }
    expire_pins_in(&s.pins_dir(), grace, dry_run)
}
