//! Disk usage of images (`system df`): each image's size, and how much of it
//! is shared with other images or unique to it, counting each blob once.

use std::collections::HashMap;

use super::Image;
use crate::store::Store;

/// One image's usage.
#[derive(Debug, Clone)]
pub struct ImageUsage {
    pub size: u64,
    pub shared: u64,
    pub unique: u64,
}

/// Usage of each image (same order as `images`), and the total of distinct
/// blobs they use (manifests included).
pub fn image_usage(store: &Store, images: &[Image]) -> (Vec<ImageUsage>, u64) {
    let blobs_of = |img: &Image| -> Vec<(String, u64)> {
        let mut v = vec![
            (
                img.manifest_digest.to_string(),
                store.blob_size(&img.manifest_digest).unwrap_or(0),
            ),
            (img.id.to_string(), img.manifest.config().size()),
        ];
        v.extend(
            img.manifest
                .layers()
                .iter()
                .map(|l| (l.digest().to_string(), l.size())),
        );
        v.sort();
        v.dedup();
        v
    };
    let per: Vec<Vec<(String, u64)>> = images.iter().map(blobs_of).collect();
    let mut users: HashMap<&str, (u64, usize)> = HashMap::new();
    for bs in &per {
        for (d, s) in bs {
            users.entry(d.as_str()).or_insert((*s, 0)).1 += 1;
        }
    }
    let total = users.values().map(|(s, _)| *s).sum();
    let usage = per
        .iter()
        .map(|bs| {
            let size: u64 = bs.iter().map(|(_, s)| s).sum();
            let shared: u64 = bs
                .iter()
                .filter(|(d, _)| users.get(d.as_str()).is_some_and(|(_, n)| *n > 1))
                .map(|(_, s)| s)
                .sum();
            ImageUsage {
                size,
                shared,
                unique: size - shared,
            }
        })
        .collect();
    (usage, total)
}
