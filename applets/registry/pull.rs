//! `tug pull`.

use clap::Args as ClapArgs;
use tug::reference::Reference;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `pull`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The image: NAME[:TAG|@DIGEST]
    pub image: String,
    /// Only print the image's full reference
    #[arg(short, long)]
    pub quiet: bool,
    /// Pick this platform from a multi-platform image (os/arch[/variant])
    #[arg(long)]
    pub platform: Option<String>,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let r = Reference::parse(&a.image)?;
    let store = open_store(g)?;
    let lines = tug::registry::client::pull(&store, &r, a.platform.as_deref())?;
    if a.quiet {
        println!("{}", lines.last().cloned().unwrap_or_default());
    } else {
        lines.iter().for_each(|l| println!("{l}"));
    }
    Ok(0)
}
