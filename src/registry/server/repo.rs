//! Repository metadata kept beside the shared store, as small files under
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

use serde_json::Value;

use crate::error::{IoContext, Result};
use crate::store::{Digest, Store};

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

fn key(d: &Digest) -> String {
    format!("{}-{}", d.algorithm().as_ref(), d.digest())
}

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

    /// Records that repository `name` may serve blob `d`.
    pub fn link_blob(&self, name: &str, d: &Digest) -> Result<()> {
        let dir = self.dir(name).join(LINKS);
        std::fs::create_dir_all(&dir).at(&dir)?;
        let path = dir.join(key(d));
        std::fs::File::create(&path).at(&path)?;
        Ok(())
    }

    /// Whether repository `name` holds blob `d` (see the module doc).
    pub fn has_blob(&self, name: &str, d: &Digest) -> bool {
        self.store.has_blob(d)
            && (self.dir(name).join(LINKS).join(key(d)).is_file()
                || (self.local && self.local_blobs(name).contains(d)))
    }

    /// Whether repository `name` has manifest `d`.
    pub fn has_manifest(&self, name: &str, d: &Digest) -> bool {
        self.dir(name).join("manifests").join(key(d)).is_file()
            || (self.local && self.local_blobs(name).contains(d))
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
                let Some(Ok(d)) = std::fs::read_to_string(e.path())
                    .ok()
                    .and_then(|t| t.lines().next().map(str::parse::<Digest>))
                else {
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

    /// Records a manifest (and a tag for it, if given).
    pub fn put_manifest(
        &self,
        name: &str,
        d: &Digest,
        media: &str,
        tag: Option<&str>,
    ) -> Result<()> {
        let text = format!("{d}\n{media}\n");
        self.write(self.dir(name).join("manifests").join(key(d)), &text)?;
        if let Some(t) = tag {
            self.write(self.dir(name).join("tags").join(t), &text)?;
        }
        Ok(())
    }

    /// (digest, media type) of a tag or digest reference in a repository.
    pub fn resolve(&self, name: &str, reference: &str) -> Option<(Digest, String)> {
        let path = match reference.parse::<Digest>() {
            Ok(d) => self.dir(name).join("manifests").join(key(&d)),
            Err(_) => self.dir(name).join("tags").join(reference),
        };
        if let Ok(text) = std::fs::read_to_string(path) {
            let mut lines = text.lines();
            let d = lines.next()?.parse().ok()?;
            return Some((d, lines.next().unwrap_or_default().to_string()));
        }
        self.local_images()
            .into_iter()
            .find(|(r, t, d, _)| r == name && (t == reference || d.to_string() == reference))
            .map(|(_, _, d, m)| (d, m))
    }

    pub fn delete_manifest(&self, name: &str, reference: &str) -> bool {
        let Some((d, _)) = self.resolve(name, reference) else {
            return false;
        };
        if reference.parse::<Digest>().is_err() {
            return std::fs::remove_file(self.dir(name).join("tags").join(reference)).is_ok();
        }
        let _ = std::fs::remove_file(self.dir(name).join("manifests").join(key(&d)));
        for t in self.tags(name) {
            if self.resolve(name, &t).is_some_and(|(x, _)| x == d) {
                let _ = std::fs::remove_file(self.dir(name).join("tags").join(&t));
            }
        }
        true
    }

    pub fn exists(&self, name: &str) -> bool {
        self.dir(name).join("manifests").is_dir()
            || self.local_images().iter().any(|(r, ..)| r == name)
    }

    pub fn tags(&self, name: &str) -> Vec<String> {
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
    pub fn catalog(&self) -> Vec<String> {
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

    /// Pins a blob whose upload completed until a manifest names it.
    pub fn pin_upload(&self, d: &Digest) -> Result<()> {
        self.write(
            self.store.root().join("refs/uploads").join(key(d)),
            &format!("{d}\n"),
        )
    }

    pub fn unpin_upload(&self, d: &Digest) {
        let _ = std::fs::remove_file(self.store.root().join("refs/uploads").join(key(d)));
    }
}

/// Drops upload pins and upload sessions older than `grace`; returns how
/// many pins went.
pub fn expire_pins(store: &Store, grace: std::time::Duration) -> Result<usize> {
    let old = |p: &std::path::Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > grace)
    };
    let mut n = 0;
    for dir in ["refs/uploads", "registry/uploads"] {
        for e in std::fs::read_dir(store.root().join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            if old(&e.path()) && std::fs::remove_file(e.path()).is_ok() && dir == "refs/uploads" {
                n += 1;
            }
        }
    }
    Ok(n)
}
