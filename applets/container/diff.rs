//! `tug diff CONTAINER`.

use clap::Args as ClapArgs;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `diff`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The container (name or ID)
    pub container: String,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = tug::container::find(&store, &a.container)?;
    for (kind, path) in tug::container::diff::diff(&store, &r)? {
        println!("{kind} {path}");
    }
    Ok(0)
}
