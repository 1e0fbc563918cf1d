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
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::repo::{untagged, valid_tag};
use super::storage::{self, references, BlobSink, GcOptions, GcReport, Storage};
use crate::error::{Error, IoContext, Result};
use crate::store::blobs::Hasher;
use crate::store::{Digest, LockGuard, LockMode};

/// Where distribution's layout is kept: a directory, or an object store
/// (`s3.rs`). Paths are relative, `/`-separated, as distribution's storage
/// drivers take them.
pub trait Driver: Send + Sync {
    /// A small object's content (a link, a manifest); None when absent.
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>>;
    /// Writes a small object whole, atomically.
    fn put(&self, path: &str, data: &[u8]) -> Result<()>;
    /// Moves a complete local file to `path`.
    fn put_file(&self, local: &Path, path: &str) -> Result<()>;
    /// An object's size; None when absent.
    fn size(&self, path: &str) -> Option<u64>;
    /// The names directly under `dir` (objects and directories).
    fn list(&self, dir: &str) -> Vec<String>;
    /// Every object under `dir` (relative to the root) with its size.
    fn walk(&self, dir: &str) -> Vec<(String, u64)>;
    /// Removes `path` and everything under it; false if nothing was there.
    fn delete(&self, path: &str) -> Result<bool>;
    /// `path` as a local file, for a driver that has them.
    fn local_file(&self, path: &str) -> Option<PathBuf>;
    /// `len` bytes of an object from `start`.
    fn open(&self, path: &str, start: u64, len: u64) -> Result<Box<dyn Read + Send>>;
}

/// The filesystem driver: a `registry:2` data directory.
pub struct Filesystem {
    root: PathBuf,
    tmp: PathBuf,
}

impl Filesystem {
    fn path(&self, p: &str) -> PathBuf {
        self.root.join(p)
    }
}

impl Driver for Filesystem {
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let p = self.path(path);
        match fs::read(&p) {
            Ok(v) => Ok(Some(v)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(Error::io(&p, e)),
        }
    }

    fn put(&self, path: &str, data: &[u8]) -> Result<()> {
        let p = self.path(path);
        if let Some(dir) = p.parent() {
            fs::create_dir_all(dir).at(dir)?;
        }
        crate::store::write_atomic_in(&self.tmp, &p, data)
    }

    fn put_file(&self, local: &Path, path: &str) -> Result<()> {
        let p = self.path(path);
        if let Some(dir) = p.parent() {
            fs::create_dir_all(dir).at(dir)?;
        }
        fs::rename(local, &p).at(&p)
    }

    fn size(&self, path: &str) -> Option<u64> {
        fs::metadata(self.path(path))
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    }

    fn list(&self, dir: &str) -> Vec<String> {
        fs::read_dir(self.path(dir))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }

    fn walk(&self, dir: &str) -> Vec<(String, u64)> {
        fn go(base: &Path, rel: &str, out: &mut Vec<(String, u64)>) {
            for e in fs::read_dir(base.join(rel)).into_iter().flatten().flatten() {
                let r = format!("{rel}/{}", e.file_name().to_string_lossy());
                match e.file_type() {
                    Ok(t) if t.is_dir() => go(base, &r, out),
                    Ok(t) if t.is_file() => {
                        out.push((r, e.metadata().map_or(0, |m| m.len())));
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        go(&self.root, dir, &mut out);
        out
    }

    fn delete(&self, path: &str) -> Result<bool> {
        let p = self.path(path);
        let r = if p.is_dir() {
            fs::remove_dir_all(&p)
        } else {
            fs::remove_file(&p)
        };
        match r {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io(&p, e)),
        }
    }

    fn local_file(&self, path: &str) -> Option<PathBuf> {
        Some(self.path(path))
    }

    fn open(&self, path: &str, start: u64, len: u64) -> Result<Box<dyn Read + Send>> {
        use std::io::Seek;
        let p = self.path(path);
        let mut f = File::open(&p).at(&p)?;
        f.seek(io::SeekFrom::Start(start)).at(&p)?;
        Ok(Box::new(f.take(len)))
    }
}

/// Distribution's layout over a driver, with tug's own files in a local
/// directory (`tug/` beside `docker/` for a data directory).
pub struct Distribution {
    driver: std::sync::Arc<dyn Driver>,
    local: PathBuf,
}

const V2: &str = "docker/registry/v2";

impl Distribution {
    /// The layout in directory `root` (created if missing).
    pub fn open(root: &Path) -> Result<Distribution> {
        let local = root.join("tug");
        let driver = Filesystem {
            root: root.to_path_buf(),
            tmp: local.join("tmp"),
        };
        Distribution::with_driver(Box::new(driver), &local)
    }

    /// The layout over `driver`, tug's own files in `local`.
    pub fn with_driver(driver: Box<dyn Driver>, local: &Path) -> Result<Distribution> {
        let d = Distribution {
            driver: driver.into(),
            local: local.to_path_buf(),
        };
        for dir in [d.tmp(), d.uploads_dir(), d.pins_dir()] {
            fs::create_dir_all(&dir).at(&dir)?;
        }
        Ok(d)
    }

    fn tmp(&self) -> PathBuf {
        self.local.join("tmp")
    }

    fn lock_path(&self) -> PathBuf {
        self.local.join("lock")
    }

    fn repo(name: &str) -> String {
        format!("{V2}/repositories/{name}")
    }

    fn layer_link(name: &str, d: &Digest) -> String {
        format!(
            "{}/_layers/{}/{}",
            Self::repo(name),
            d.algorithm().as_ref(),
            d.digest()
        )
    }

    fn revision(name: &str, d: &Digest) -> String {
        format!(
            "{}/_manifests/revisions/{}/{}",
            Self::repo(name),
            d.algorithm().as_ref(),
            d.digest()
        )
    }

    fn tag_dir(name: &str, tag: &str) -> String {
        format!("{}/_manifests/tags/{tag}", Self::repo(name))
    }

    /// `blobs/<alg>/<hex[..2]>/<hex>`.
    fn blob_dir(d: &Digest) -> String {
        let hex = d.digest();
        format!(
            "{V2}/blobs/{}/{}/{hex}",
            d.algorithm().as_ref(),
            &hex[..hex.len().min(2)]
        )
    }

    fn blob_data(d: &Digest) -> String {
        format!("{}/data", Self::blob_dir(d))
    }

    fn write_link(&self, dir: &str, d: &Digest) -> Result<()> {
        self.driver
            .put(&format!("{dir}/link"), d.to_string().as_bytes())
    }

    /// The digest in `<dir>/link`.
    fn read_link(&self, dir: &str) -> Option<Digest> {
        let v = self.driver.get(&format!("{dir}/link")).ok()??;
        String::from_utf8(v).ok()?.trim().parse().ok()
    }

    /// Every stored blob with its size.
    fn blobs(&self) -> Vec<(Digest, u64)> {
        self.driver
            .walk(&format!("{V2}/blobs"))
            .into_iter()
            .filter_map(|(p, size)| {
                let mut parts = p.rsplit('/');
                let (data, hex, _, alg) =
                    (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
                (data == "data")
                    .then(|| format!("{alg}:{hex}").parse().ok())
                    .flatten()
                    .map(|d| (d, size))
            })
            .collect()
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

/// A blob being written to a local temp file, moved into place on commit.
struct DistWriter {
    tmp: PathBuf,
    file: Option<File>,
    hasher: Option<Hasher>,
    driver: std::sync::Arc<dyn Driver>,
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
        let dest = Distribution::blob_data(&d);
        if self.driver.size(&dest).is_none() {
            self.driver.put_file(&self.tmp, &dest)?;
        }
        Ok(d)
    }
}

impl Drop for DistWriter {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.tmp);
    }
}

impl Storage for Distribution {
    fn blob_file(&self, d: &Digest) -> Option<PathBuf> {
        self.driver.local_file(&Self::blob_data(d))
    }

    fn blob_size(&self, d: &Digest) -> Option<u64> {
        self.driver.size(&Self::blob_data(d))
    }

    fn open_blob(&self, d: &Digest, start: u64, len: u64) -> Result<Box<dyn Read + Send>> {
        self.driver.open(&Self::blob_data(d), start, len)
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
            driver: self.driver.clone(),
        }))
    }

    fn lock_shared(&self) -> Result<LockGuard> {
        LockGuard::acquire(&self.lock_path(), LockMode::Shared)
    }

    fn uploads_dir(&self) -> PathBuf {
        self.local.join("uploads")
    }

    fn pins_dir(&self) -> PathBuf {
        self.local.join("pins")
    }

    fn link_blob(&self, name: &str, d: &Digest) -> Result<()> {
        self.write_link(&Self::layer_link(name, d), d)
    }

    fn unlink_blob(&self, name: &str, d: &Digest) -> Result<bool> {
        self.driver.delete(&Self::layer_link(name, d))
    }

    fn has_blob(&self, name: &str, d: &Digest) -> bool {
        self.read_link(&Self::layer_link(name, d)).as_ref() == Some(d)
            && self.blob_size(d).is_some()
    }

    fn has_manifest(&self, name: &str, d: &Digest) -> bool {
        self.read_link(&Self::revision(name, d)).as_ref() == Some(d) && self.blob_size(d).is_some()
    }

    fn put_manifest(&self, name: &str, d: &Digest, _media: &str, tag: Option<&str>) -> Result<()> {
        self.write_link(&Self::revision(name, d), d)?;
        if let Some(t) = tag {
            let dir = Self::tag_dir(name, t);
            let index = format!("{dir}/index/{}/{}", d.algorithm().as_ref(), d.digest());
            self.write_link(&index, d)?;
            self.write_link(&format!("{dir}/current"), d)?;
        }
        Ok(())
    }

    fn resolve(&self, name: &str, reference: &str) -> Option<(Digest, String)> {
        let d = match reference.parse::<Digest>() {
            Ok(d) => Some(d).filter(|d| self.has_manifest(name, d))?,
            Err(_) if valid_tag(reference) => {
                self.read_link(&format!("{}/current", Self::tag_dir(name, reference)))?
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
            return self.driver.delete(&Self::tag_dir(name, reference));
        }
        self.driver.delete(&Self::revision(name, &d))?;
        for t in self.tags(name) {
            let dir = Self::tag_dir(name, &t);
            if self.read_link(&format!("{dir}/current")).as_ref() == Some(&d) {
                self.driver.delete(&dir)?;
            }
        }
        Ok(true)
    }

    fn exists(&self, name: &str) -> bool {
        self.driver
            .list(&Self::repo(name))
            .iter()
            .any(|n| n == "_manifests")
    }

    fn tags(&self, name: &str) -> Vec<String> {
        let dir = format!("{}/_manifests/tags", Self::repo(name));
        let mut v: Vec<String> = self
            .driver
            .list(&dir)
            .into_iter()
            .filter(|t| self.read_link(&format!("{dir}/{t}/current")).is_some())
            .collect();
        v.sort();
        v
    }

    fn manifests(&self, name: &str) -> Vec<(Digest, String)> {
        let dir = format!("{}/_manifests/revisions", Self::repo(name));
        let mut out = Vec::new();
        for alg in self.driver.list(&dir) {
            for hex in self.driver.list(&format!("{dir}/{alg}")) {
                let Ok(d) = format!("{alg}:{hex}").parse::<Digest>() else {
                    continue;
                };
                if let Some(v) = self.read_document(&d) {
                    out.push((d, storage::media_type_of(&v)));
                }
            }
        }
        out
    }

    fn catalog(&self) -> Vec<String> {
        fn walk(d: &dyn Driver, dir: &str, prefix: &str, depth: usize, out: &mut Vec<String>) {
            if depth > 64 {
                return;
            }
            for n in d.list(dir) {
                if n.starts_with('_') {
                    continue;
                }
                let full = if prefix.is_empty() {
                    n.clone()
                } else {
                    format!("{prefix}/{n}")
                };
                let sub = format!("{dir}/{n}");
                let children = d.list(&sub);
                if children.iter().any(|c| c == "_manifests") {
                    out.push(full.clone());
                }
                if !children.is_empty() {
                    walk(d, &sub, &full, depth + 1, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(
            self.driver.as_ref(),
            &format!("{V2}/repositories"),
            "",
            0,
            &mut out,
        );
        out.sort();
        out
    }

    fn garbage_collect(&self, o: &GcOptions) -> Result<GcReport> {
        let (expired_pins, pinned) = storage::expire(self, o.grace, o.dry_run);
        let mut report = GcReport {
            expired_pins,
            ..GcReport::default()
        };
        let _lock = LockGuard::acquire(&self.lock_path(), LockMode::Exclusive)?;
        let mut dropped = HashSet::new();
        if o.delete_untagged {
            for name in self.catalog() {
                for d in untagged(self, &name) {
                    if !o.dry_run {
                        self.driver.delete(&Self::revision(&name, &d))?;
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
                self.driver.delete(&Self::blob_dir(&d))?;
            }
            report.blobs += 1;
            report.bytes += size;
        }
        Ok(report)
    }
}
