//! `tug tag SOURCE_IMAGE TARGET_IMAGE`.

use clap::Args as ClapArgs;
use tug::reference::Reference;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `tag`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The image to tag (name, ID or name@digest)
    pub source: String,
    /// The new name, REPOSITORY[:TAG]
    pub target: String,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let target = Reference::parse(&a.target)?;
    if target.digest.is_some() {
        anyhow::bail!(
            "refusing to create a tag with a digest reference: {}",
            a.target
        );
    }
    let store = open_store(g)?;
    // Keep garbage collection away between resolving the source and naming it.
    let _lock = store.lock_shared()?;
    let img = tug::image::resolve(&store, &a.source)?;
    let entries = store.image_entries()?;
    let desc = entries
        .iter()
        .find(|e| *e.manifest.digest() == img.manifest_digest)
        .map(|e| e.manifest.clone())
        .ok_or_else(|| tug::Error::NoSuchImage(a.source.clone()))?;
    store.tag_image(&desc, &[target])?;
    Ok(0)
}
