//! `tug _prepare IMAGE`: unpacks an image's layer snapshots (as `run` does
//! before an overlay mount) and prints their directories, topmost first,
//! one per line. For tests and debugging; hidden from help.

use clap::Args;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of the hidden `_prepare` command.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// The image whose snapshots to prepare
    pub image: String,
}

pub fn run(a: PrepareArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let img = tug::image::resolve(&store, &a.image)?;
    for dir in tug::store::snapshots::prepare(&store, &img)? {
        println!("{}", dir.display());
    }
    Ok(0)
}
