//! `tug push`.

use clap::Args as ClapArgs;
use tug::reference::Reference;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `push`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The image to push: NAME[:TAG] (its name says where)
    pub image: String,
    /// Only print the manifest digest line
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let r = Reference::parse(&a.image)?;
    let store = open_store(g)?;
    let img = tug::image::resolve(&store, &a.image)?;
    let lines = tug::registry::client::push(&store, &img, &r)?;
    if a.quiet {
        println!("{}", lines.last().cloned().unwrap_or_default());
    } else {
        lines.iter().for_each(|l| println!("{l}"));
    }
    Ok(0)
}
