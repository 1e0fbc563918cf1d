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
    /// Download all tagged images in the repository
    #[arg(short = 'a', long)]
    pub all_tags: bool,
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
    let refs = if a.all_tags {
        let last = a.image.rsplit('/').next().unwrap_or_default();
        if r.digest.is_some() || last.contains(':') {
            anyhow::bail!("tag can't be used with --all-tags/-a");
        }
        let mut tags = tug::registry::client::catalog::tags(&r.domain, &r.path)?;
        tags.sort();
        tags.into_iter().map(|t| r.with_tag(&t)).collect()
    } else {
        vec![r]
    };
    let quiet = a.quiet;
    let report = move |l: &str| {
        if !quiet {
            println!("{l}");
        }
    };
    for r in &refs {
        let lines = tug::registry::client::pull_with(&store, r, a.platform.as_deref(), &report)?;
        // The image's full reference, the one line `-q` prints.
        println!("{}", lines.last().cloned().unwrap_or_default());
    }
    Ok(0)
}
