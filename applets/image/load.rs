//! `tug load`: images from a docker-archive or oci-archive.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args as ClapArgs;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `load`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Read from this archive instead of STDIN (docker-archive or oci-archive, maybe gzip/zstd)
    #[arg(short, long)]
    pub input: Option<PathBuf>,
    /// Suppress the load output
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let lines = match &a.input {
        Some(p) => {
            let mut f =
                std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?;
            tug::image::archive::load(&store, &mut f)
                .with_context(|| format!("loading {}", p.display()))?
        }
        None => {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                anyhow::bail!(
                    "requested load from stdin, but stdin is empty (use -i FILE or a pipe)"
                );
            }
            tug::image::archive::load(&store, &mut std::io::stdin().lock())
                .context("loading from stdin")?
        }
    };
    if !a.quiet {
        lines.iter().for_each(|l| println!("{l}"));
    }
    Ok(0)
}
