//! `tug tag SOURCE TARGET`.

use clap::Args as ClapArgs;
use tug::reference::Reference;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `tag`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The image to tag (name, ID or name@digest)
    #[arg(value_name = "SOURCE_IMAGE[:TAG]")]
    pub source: String,
    /// The new name
    #[arg(value_name = "TARGET_IMAGE[:TAG]")]
    pub target: String,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let target = Reference::parse(&args.target)?;
    if target.digest.is_some() {
        anyhow::bail!(
            "refusing to create a tag with a digest reference: {}",
            args.target
        );
    }
    let store = open_store(g)?;
    // Keep GC away between resolving the source and naming it.
    let _lock = store.lock_shared()?;
    let img = tug::image::resolve(&store, &args.source)?;
    let desc = store
        .read_index()?
        .manifests()
        .iter()
        .find(|d| *d.digest() == img.manifest_digest)
        .cloned()
        .ok_or_else(|| tug::Error::NoSuchImage(args.source.clone()))?;
    store.tag_image(&desc, &[target])?;
    Ok(0)
}
