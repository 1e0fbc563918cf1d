//! The tug-store backend (the default): blobs are the store's own, and
//! repository metadata is kept beside them, as small files under
//! `<root>/refs/registry/<name>/`: `tags/<tag>` and `manifests/<alg>-<hex>`
//! hold the manifest digest (and, on a second line, its media type). Every
//! digest under `refs/` is a garbage-collection root, so what the registry
//! serves is never collected. Completed uploads not yet referenced by a
//! manifest are pinned by `refs/uploads/<alg>-<hex>` until one is.
//!
//! A repository serves only its own blobs: the store is shared by every
//! repository and by local images, so `refs/registry/<name>/_layers/<alg>-<hex>`
//! (an empty file, like distribution's `_layers` links) records that a blob
//! was uploaded to `<name>`, mounted into it, or named by one of its
//! manifests. Links are empty so they are not GC roots: a blob no manifest
//! names is still collected, and its link then names nothing. With
//! `--serve-local`, a local image's blobs are also served under its names.

use std::collections::HashSet;
use std::path::PathBuf;

use super::storage::{self, key, references, BlobSink, GcOptions, GcReport, Storage};
use crate::error::{IoContext, Result};
use crate::store::{Digest, LockGuard, Store};

/// `<name>` per the spec: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/...)*`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name.split('/').all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_lowercase() | b[0].is_ascii_digit()
                && b[b.len() - 1].is_ascii_lowercase() | b[b.len() - 1].is_ascii_digit()
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
                && !c.contains("..")
                && !c.contains("___")
        })
}

/// A tag per the spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
pub fn valid_tag(t: &str) -> bool {
    let mut cs = t.chars();
    cs.next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && t.len() <= 128
        && cs.all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

pub struct Repos {
    pub store: Store,
    /// Also serve the local images of index.json (`--serve-local`).
    pub local: bool,
}

/// The directory of blob links in a repository.
const LINKS: &str = "_layers";

impl Repos {
    pub fn new(store: Store) -> Repos {
        Repos {
            store,
            local: false,
        }
    }

    /// Local images as (repository, tag, manifest digest, media type):
    /// `docker.io/library/bb:1` is served as `bb` and `library/bb`, other
    /// names under their path.
    fn local_images(&self) -> Vec<(String, String, Digest, String)> {
        if !self.local {
            return vec![];
        }
        let mut out = Vec::new();
        for e in self.store.image_entries().unwrap_or_default() {
            let (Some(n), Some(tag)) = (&e.name, e.name.as_ref().and_then(|n| n.tag.clone()))
            else {
                continue;
            };
            let media = e.manifest.media_type().to_string();
            let mut names = vec![n.path.clone()];
            if n.domain == crate::reference::DEFAULT_DOMAIN {
                names.push(n.familiar_repository());
            }
            names.dedup();
            for repo in names {
                out.push((
                    repo,
                    tag.clone(),
                    e.manifest.digest().clone(),
                    media.clone(),
                ));
            }
        }
        out
    }
    /// The blobs the local images served as `name` are made of (manifests,
    /// configs, layers, through indexes).
    fn local_blobs(&self, name: &str) -> HashSet<Digest> {
        let mut stack: Vec<Digest> = self
            .local_images()
            .into_iter()
            .filter(|(r, ..)| r == name)
            .map(|(_, _, d, _)| d)
            .collect();
        let mut seen = HashSet::new();
        while let Some(d) = stack.pop() {
            if seen.len() > 10_000 || !seen.insert(d.clone()) {
                continue;
            }
            if let Some(v) = self.store.read_document(&d) {
                let refs = references(&v);
                seen.extend(refs.iter().cloned());
                // Only an index's manifests name further documents.
                if v.get("manifests").is_some() {
                    stack.extend(refs);
                }
            }
        }
        seen
    }

    /// Links the blobs of every manifest of repositories pushed before
    /// repositories had links (those without a `_layers` directory).
    pub fn link_existing(&self) -> Result<()> {
        let local = Repos::new(self.store.clone());
        for name in local.catalog() {
            let links = self.dir(&name).join(LINKS);
            if links.is_dir() {
                continue;
            }
            for e in std::fs::read_dir(self.dir(&name).join("manifests"))
                .into_iter()
                .flatten()
                .flatten()
            {
                let Some((d, _)) = read_record(&e.path()) else {
                    continue;
                };
                if let Some(v) = self.store.read_document(&d) {
                    for r in references(&v) {
                        self.link_blob(&name, &r)?;
                    }
                }
            }
            std::fs::create_dir_all(&links).at(&links)?;
        }
        Ok(())
    }

    fn dir(&self, name: &str) -> PathBuf {
        self.store.root().join("refs/registry").join(name)
    }

    fn write(&self, path: PathBuf, text: &str) -> Result<()> {
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).at(p)?;
        }
        self.store.write_atomic(&path, text.as_bytes())
    }
}

impl Storage for Repos {
    fn blob_file(&self, d: &Digest) -> Option<PathBuf> {
        Some(self.store.blob_path(d))
    }

    fn blob_writer(&self, algorithm: &str) -> Result<Box<dyn BlobSink>> {
        Ok(Box::new(self.store.blob_writer_with(algorithm)?))
    }

    fn lock_shared(&self) -> Result<LockGuard> {
        self.store.lock_shared()
    }

    fn uploads_dir(&self) -> PathBuf {
        self.store.root().join("registry/uploads")
    }

    /// Pins are GC roots, like every file under `refs/`.
    fn pins_dir(&self) -> PathBuf {
        self.store.root().join("refs/uploads")
    }

    /// Records that repository `name` may serve blob `d`.
    fn link_blob(&self, name: &str, d: &Digest) -> Result<()> {
        let dir = self.dir(name).join(LINKS);
        std::fs::create_dir_all(&dir).at(&dir)?;
        let path = dir.join(key(d));
        std::fs::File::create(&path).at(&path)?;
        Ok(())
    }

    /// Whether repository `name` holds blob `d` (see the module doc).
    fn has_blob(&self, name: &str, d: &Digest) -> bool {
        self.store.has_blob(d)
            && (self.dir(name).join(LINKS).join(key(d)).is_file()
                || (self.local && self.local_blobs(name).contains(d)))
    }

    /// Whether repository `name` has manifest `d`.
    fn has_manifest(&self, name: &str, d: &Digest) -> bool {
        self.dir(name).join("manifests").join(key(d)).is_file()
            || (self.local && self.local_blobs(name).contains(d))
    }

    /// Records a manifest (and a tag for it, if given).
    fn put_manifest(&self, name: &str, d: &Digest, media: &str, tag: Option<&str>) -> Result<()> {
        let text = format!("{d}\n{media}\n");
        self.write(self.dir(name).join("manifests").join(key(d)), &text)?;
        if let Some(t) = tag {
            self.write(self.dir(name).join("tags").join(t), &text)?;
        }
        Ok(())
    }

    /// (digest, media type) of a tag or digest reference in a repository.
    fn resolve(&self, name: &str, reference: &str) -> Option<(Digest, String)> {
        let path = match reference.parse::<Digest>() {
            Ok(d) => self.dir(name).join("manifests").join(key(&d)),
            Err(_) => self.dir(name).join("tags").join(reference),
        };
        if let Some(found) = read_record(&path) {
            return Some(found);
        }
        self.local_images()
            .into_iter()
            .find(|(r, t, d, _)| r == name && (t == reference || d.to_string() == reference))
            .map(|(_, _, d, m)| (d, m))
    }

    fn delete_manifest(&self, name: &str, reference: &str) -> Result<bool> {
        let Some((d, _)) = self.resolve(name, reference) else {
            return Ok(false);
        };
        if reference.parse::<Digest>().is_err() {
            return Ok(std::fs::remove_file(self.dir(name).join("tags").join(reference)).is_ok());
        }
        let _ = std::fs::remove_file(self.dir(name).join("manifests").join(key(&d)));
        for t in self.tags(name) {
            if self.resolve(name, &t).is_some_and(|(x, _)| x == d) {
                let _ = std::fs::remove_file(self.dir(name).join("tags").join(&t));
            }
        }
        Ok(true)
    }

    fn exists(&self, name: &str) -> bool {
        self.dir(name).join("manifests").is_dir()
            || self.local_images().iter().any(|(r, ..)| r == name)
    }

    fn tags(&self, name: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir(name).join("tags"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("tmp-"))
            .collect();
        v.extend(
            self.local_images()
                .into_iter()
                .filter(|(r, ..)| r == name)
                .map(|(_, t, ..)| t),
        );
        v.sort();
        v.dedup();
        v
    }

    /// Every repository name, sorted.
    fn catalog(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if !e.path().is_dir() || n == "tags" || n == "manifests" || n == LINKS {
                    continue;
                }
                let full = if prefix.is_empty() {
                    n.clone()
                } else {
                    format!("{prefix}/{n}")
                };
                if e.path().join("manifests").is_dir() {
                    out.push(full.clone());
                }
                walk(&e.path(), &full, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.store.root().join("refs/registry"), "", &mut out);
        out.extend(self.local_images().into_iter().map(|(r, ..)| r));
        out.sort();
        out.dedup();
        out
    }

    fn unlink_blob(&self, name: &str, d: &Digest) -> Result<bool> {
        let p = self.dir(name).join(LINKS).join(key(d));
        match std::fs::remove_file(&p) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(crate::Error::io(&p, e)),
        }
    }

    fn manifests(&self, name: &str) -> Vec<(Digest, String)> {
        std::fs::read_dir(self.dir(name).join("manifests"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| read_record(&e.path()))
            .collect()
    }

    fn garbage_collect(&self, o: &GcOptions) -> Result<GcReport> {
        // What goes (or, dry, would go): expired pins, untagged manifests.
        let mut gone: HashSet<PathBuf> = storage::by_age(&self.pins_dir(), o.grace)
            .0
            .into_iter()
            .collect();
        let mut report = GcReport {
            expired_pins: gone.len(),
            ..GcReport::default()
        };
        if o.delete_untagged {
            for name in self.catalog() {
                for d in untagged(self, &name) {
                    gone.insert(self.dir(&name).join("manifests").join(key(&d)));
                    report.manifests += 1;
                }
            }
        }
        let _lock = self.store.lock_exclusive()?;
        if o.dry_run {
            let live = self.store.reachable_without(&gone)?;
            for d in self.store.list_blobs()? {
                if !live.contains(&d.to_string()) {
                    report.blobs += 1;
                    report.bytes += self.store.blob_size(&d).unwrap_or(0);
                }
            }
            return Ok(report);
        }
        storage::expire(self, o.grace, false);
        for p in &gone {
            let _ = std::fs::remove_file(p);
        }
        let r = self.store.gc_locked()?;
        report.blobs = r.removed.len();
        report.bytes = r.bytes;
        Ok(report)
    }
}

/// (digest, media type) from a `tags/` or `manifests/` record.
fn read_record(p: &std::path::Path) -> Option<(Digest, String)> {
    let text = std::fs::read_to_string(p).ok()?;
    let mut lines = text.lines();
    let d = lines.next()?.parse().ok()?;
    Some((d, lines.next().unwrap_or_default().to_string()))
}

/// The manifests of repository `name` that no tag names, directly or
/// through a tagged index.
pub fn untagged(s: &dyn Storage, name: &str) -> Vec<Digest> {
    let mut keep = HashSet::new();
    let mut stack: Vec<Digest> = s
        .tags(name)
        .iter()
        .filter_map(|t| s.resolve(name, t).map(|(d, _)| d))
        .collect();
    while let Some(d) = stack.pop() {
        if keep.len() > 100_000 || !keep.insert(d.clone()) {
            continue;
        }
        if let Some(v) = s.read_document(&d).filter(|v| v.get("manifests").is_some()) {
            stack.extend(references(&v));
        }
    }
    s.manifests(name)
        .into_iter()
        .map(|(d, _)| d)
        .filter(|d| !keep.contains(d))
        .collect()
}
