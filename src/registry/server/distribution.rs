//! The distribution-layout backend: a `registry:2` data directory
//! (`storage.filesystem.rootdirectory`, `/var/lib/registry` in the image),
//! read and written as distribution does, so an existing registry's data is
//! served as it is and what tug writes there distribution serves back.
//!
//! ```text
//! <root>/docker/registry/v2/
//!   blobs/<alg>/<hex[..2]>/<hex>/data              content, verified, never modified
//!   repositories/<name>/
//!     _layers/<alg>/<hex>/link                     "<alg>:<hex>": the repository serves that blob
//!     _manifests/revisions/<alg>/<hex>/link        a manifest of the repository
//!     _manifests/tags/<tag>/current/link           what the tag names now
//!     _manifests/tags/<tag>/index/<alg>/<hex>/link every manifest the tag named
//!     _uploads/                                    distribution's sessions (left alone)
//! <root>/tug/                                      tug's own, ignored by distribution:
//!   tmp/ uploads/<uuid> pins/<alg>-<hex> lock
//! ```
//!
//! A link is written to a temp file and renamed into place; a blob is
//! hashed while written to `tug/tmp` and renamed into `blobs/` only when it
//! matches. Media types are not stored: as distribution does, a manifest's
//! comes from its `mediaType` field, else its shape.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::repo::{untagged, valid_tag};
use super::storage::{self, references, BlobSink, GcOptions, GcReport, Storage};
use crate::error::{Error, IoContext, Result};
use crate::store::blobs::Hasher;
use crate::store::{Digest, LockGuard, LockMode};

pub struct Distribution {
    root: PathBuf,
}

impl Distribution {
    /// The layout under `root` (created if missing).
    pub fn open(root: &Path) -> Result<Distribution> {
        let d = Distribution {
            root: root.to_path_buf(),
        };
        for dir in [d.v2().join("blobs"), d.v2().join("repositories"), d.tmp()] {
            fs::create_dir_all(&dir).at(&dir)?;
        }
        Ok(d)
    }

    fn v2(&self) -> PathBuf {
        self.root.join("docker/registry/v2")
    }

    fn tmp(&self) -> PathBuf {
        self.root.join("tug/tmp")
    }

    fn repo(&self, name: &str) -> PathBuf {
        self.v2().join("repositories").join(name)
    }

    fn layer_link(&self, name: &str, d: &Digest) -> PathBuf {
        self.repo(name)
            .join("_layers")
            .join(d.algorithm().as_ref())
            .join(d.digest())
    }

    fn revision(&self, name: &str, d: &Digest) -> PathBuf {
        self.repo(name)
            .join("_manifests/revisions")
            .join(d.algorithm().as_ref())
            .join(d.digest())
    }

    fn tag_dir(&self, name: &str, tag: &str) -> PathBuf {
        self.repo(name).join("_manifests/tags").join(tag)
    }

    /// Writes `<dir>/link` holding `d`, atomically.
    fn write_link(&self, dir: &Path, d: &Digest) -> Result<()> {
        fs::create_dir_all(dir).at(dir)?;
        crate::store::write_atomic_in(&self.tmp(), &dir.join("link"), d.to_string().as_bytes())
    }

    /// The digest in `<dir>/link`.
    fn read_link(dir: &Path) -> Option<Digest> {
        fs::read_to_string(dir.join("link"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Every `<alg>/<hex>` directory under `dir` as a digest.
    fn digests_under(dir: &Path) -> Vec<Digest> {
        let mut out = Vec::new();
        for alg in fs::read_dir(dir).into_iter().flatten().flatten() {
            for hex in fs::read_dir(alg.path()).into_iter().flatten().flatten() {
                let d = format!(
                    "{}:{}",
                    alg.file_name().to_string_lossy(),
                    hex.file_name().to_string_lossy()
                );
                out.extend(d.parse::<Digest>());
            }
        }
        out
    }

    /// Every stored blob with its size.
    fn blobs(&self) -> Vec<(Digest, u64)> {
        let mut out = Vec::new();
        for alg in fs::read_dir(self.v2().join("blobs"))
            .into_iter()
            .flatten()
            .flatten()
        {
            for pre in fs::read_dir(alg.path()).into_iter().flatten().flatten() {
                for hex in fs::read_dir(pre.path()).into_iter().flatten().flatten() {
                    let d = format!(
                        "{}:{}",
                        alg.file_name().to_string_lossy(),
                        hex.file_name().to_string_lossy()
                    );
                    if let Ok(d) = d.parse::<Digest>() {
                        let size = fs::metadata(hex.path().join("data")).map_or(0, |m| m.len());
                        out.push((d, size));
                    }
                }
            }
        }
        out
    }

    /// What garbage collection keeps: pinned uploads, and every manifest of
    /// every repository (but those in `dropped`) with what it names
    /// (through indexes).
    fn mark(&self, pinned: Vec<Digest>, dropped: &HashSet<(String, Digest)>) -> HashSet<Digest> {
        let mut live = HashSet::new();
        let mut stack = pinned;
        for name in self.catalog() {
            for (d, _) in self.manifests(&name) {
                if !dropped.contains(&(name.clone(), d.clone())) {
                    stack.push(d);
                }
            }
        }
        while let Some(d) = stack.pop() {
            if !live.insert(d.clone()) {
                continue;
            }
            if let Some(v) = self.read_document(&d) {
                stack.extend(references(&v));
            }
        }
        live
    }
}

/// A blob being written to `tug/tmp`, renamed into `blobs/` on commit.
struct DistWriter {
    tmp: PathBuf,
    file: Option<File>,
    hasher: Option<Hasher>,
    blobs: PathBuf,
}

impl Write for DistWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.as_mut().expect("writer open").write(buf)?;
        self.hasher.as_mut().expect("writer open").update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("writer open").flush()
    }
}

impl BlobSink for DistWriter {
    fn commit(mut self: Box<Self>, expected: Option<&Digest>) -> Result<Digest> {
        let file = self.file.take().expect("writer open");
        file.sync_all().at(&self.tmp)?;
        drop(file);
        let actual = self.hasher.take().expect("writer open").finish();
        let d: Digest = actual
            .parse()
            .map_err(|_| Error::Invalid(format!("bad digest {actual}")))?;
        if let Some(exp) = expected.filter(|e| **e != d) {
            return Err(Error::DigestMismatch {
                expected: exp.to_string(),
                actual,
            });
        }
        let dir = blob_dir(&self.blobs, &d);
        if dir.join("data").is_file() {
            return Ok(d); // the same content, stored first by someone else
        }
        fs::create_dir_all(&dir).at(&dir)?;
        fs::rename(&self.tmp, dir.join("data")).at(&dir)?;
        Ok(d)
    }
}

impl Drop for DistWriter {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.tmp);
    }
}

/// `blobs/<alg>/<hex[..2]>/<hex>`.
fn blob_dir(blobs: &Path, d: &Digest) -> PathBuf {
    let hex = d.digest();
    blobs
        .join(d.algorithm().as_ref())
        .join(&hex[..hex.len().min(2)])
        .join(hex)
}

/// Removes a directory tree; false if it was not there.
fn remove_dir(p: &Path) -> Result<bool> {
    match fs::remove_dir_all(p) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(p, e)),
    }
}

impl Storage for Distribution {
    fn blob_path(&self, d: &Digest) -> PathBuf {
        blob_dir(&self.v2().join("blobs"), d).join("data")
    }

    fn blob_writer(&self, algorithm: &str) -> Result<Box<dyn BlobSink>> {
        let hasher = Hasher::new(algorithm)?;
        let tmp = self
            .tmp()
            .join(format!("blob-{}", hex::encode(rand::random::<[u8; 12]>())));
        let file = File::create(&tmp).at(&tmp)?;
        Ok(Box::new(DistWriter {
            tmp,
            file: Some(file),
            hasher: Some(hasher),
            blobs: self.v2().join("blobs"),
        }))
    }

    fn lock_shared(&self) -> Result<LockGuard> {
        LockGuard::acquire(&self.root.join("tug/lock"), LockMode::Shared)
    }

    fn uploads_dir(&self) -> PathBuf {
        self.root.join("tug/uploads")
    }

    fn pins_dir(&self) -> PathBuf {
        self.root.join("tug/pins")
    }

    fn link_blob(&self, name: &str, d: &Digest) -> Result<()> {
        self.write_link(&self.layer_link(name, d), d)
    }

    fn unlink_blob(&self, name: &str, d: &Digest) -> Result<bool> {
        remove_dir(&self.layer_link(name, d))
    }

    fn has_blob(&self, name: &str, d: &Digest) -> bool {
        Self::read_link(&self.layer_link(name, d)).as_ref() == Some(d)
            && self.blob_path(d).is_file()
    }

    fn has_manifest(&self, name: &str, d: &Digest) -> bool {
        Self::read_link(&self.revision(name, d)).as_ref() == Some(d) && self.blob_path(d).is_file()
    }

    fn put_manifest(&self, name: &str, d: &Digest, _media: &str, tag: Option<&str>) -> Result<()> {
        self.write_link(&self.revision(name, d), d)?;
        if let Some(t) = tag {
            let dir = self.tag_dir(name, t);
            self.write_link(
                &dir.join("index")
                    .join(d.algorithm().as_ref())
                    .join(d.digest()),
                d,
            )?;
            self.write_link(&dir.join("current"), d)?;
        }
        Ok(())
    }

    fn resolve(&self, name: &str, reference: &str) -> Option<(Digest, String)> {
        let d = match reference.parse::<Digest>() {
            Ok(d) => Some(d).filter(|d| self.has_manifest(name, d))?,
            Err(_) if valid_tag(reference) => {
                Self::read_link(&self.tag_dir(name, reference).join("current"))?
            }
            Err(_) => return None,
        };
        let v = self.read_document(&d)?;
        Some((d, storage::media_type_of(&v)))
    }

    fn delete_manifest(&self, name: &str, reference: &str) -> Result<bool> {
        let Some((d, _)) = self.resolve(name, reference) else {
            return Ok(false);
        };
        if reference.parse::<Digest>().is_err() {
            return remove_dir(&self.tag_dir(name, reference));
        }
        remove_dir(&self.revision(name, &d))?;
        for t in self.tags(name) {
            if Self::read_link(&self.tag_dir(name, &t).join("current")).as_ref() == Some(&d) {
                remove_dir(&self.tag_dir(name, &t))?;
            }
        }
        Ok(true)
    }

    fn exists(&self, name: &str) -> bool {
        self.repo(name).join("_manifests").is_dir()
    }

    fn tags(&self, name: &str) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(self.repo(name).join("_manifests/tags"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join("current/link").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn manifests(&self, name: &str) -> Vec<(Digest, String)> {
        Self::digests_under(&self.repo(name).join("_manifests/revisions"))
            .into_iter()
            .filter_map(|d| {
                let v = self.read_document(&d)?;
                Some((d, storage::media_type_of(&v)))
            })
            .collect()
    }

    fn catalog(&self) -> Vec<String> {
        fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
            for e in fs::read_dir(dir).into_iter().flatten().flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with('_') || !e.path().is_dir() {
                    continue;
                }
                let full = if prefix.is_empty() {
                    n
                } else {
                    format!("{prefix}/{n}")
                };
                if e.path().join("_manifests").is_dir() {
                    out.push(full.clone());
                }
                walk(&e.path(), &full, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.v2().join("repositories"), "", &mut out);
        out.sort();
        out
    }

    fn garbage_collect(&self, o: &GcOptions) -> Result<GcReport> {
        let (expired_pins, pinned) = storage::expire(self, o.grace, o.dry_run);
        let mut report = GcReport {
            expired_pins,
            ..GcReport::default()
        };
        let _lock = LockGuard::acquire(&self.root.join("tug/lock"), LockMode::Exclusive)?;
        let mut dropped = HashSet::new();
        if o.delete_untagged {
            for name in self.catalog() {
                for d in untagged(self, &name) {
                    if !o.dry_run {
                        remove_dir(&self.revision(&name, &d))?;
                    }
                    dropped.insert((name.clone(), d));
                    report.manifests += 1;
                }
            }
        }
        let live = self.mark(pinned, &dropped);
        for (d, size) in self.blobs() {
            if live.contains(&d) {
                continue;
            }
            if !o.dry_run {
                remove_dir(&blob_dir(&self.v2().join("blobs"), &d))?;
            }
            report.blobs += 1;
            report.bytes += size;
        }
        Ok(report)
    }
}
