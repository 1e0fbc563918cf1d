//! What listings and inspection need to know about an image beyond its
//! documents: size, creation time, the rows `images` prints.

use chrono::{DateTime, Utc};

use super::Image;
use crate::store::Store;

impl Image {
    /// Creation time from the config (epoch when absent or unparsable).
    pub fn created(&self) -> DateTime<Utc> {
        self.config
            .created()
            .as_deref()
            .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default()
    }

    /// Size on disk of the image's layers, as stored.
    pub fn size(&self) -> u64 {
        self.manifest.layers().iter().map(|l| l.size()).sum()
    }

    /// Labels from the config.
    pub fn labels(&self) -> std::collections::HashMap<String, String> {
        self.config
            .config()
            .as_ref()
            .and_then(|c| c.labels().clone())
            .unwrap_or_default()
    }

    /// Names as Docker shows them in RepoTags (`busybox:latest`).
    pub fn repo_tags(&self) -> Vec<String> {
        self.names
            .iter()
            .filter(|n| n.tag.is_some())
            .map(|n| n.familiar())
            .collect()
    }

    /// `repo@digest` for each repository the image is known under.
    pub fn repo_digests(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .names
            .iter()
            .map(|n| format!("{}@{}", n.familiar_repository(), self.manifest_digest))
            .collect();
        v.dedup();
        v
    }
}

/// True when some blob of `img` is missing (a damaged or partial image).
pub fn is_complete(store: &Store, img: &Image) -> bool {
    img.manifest
        .layers()
        .iter()
        .all(|l| store.has_blob(l.digest()))
}
