//! `tug import FILE|- [REF]`: a root filesystem tarball becomes an image.

use std::io::{IsTerminal, Read};

use anyhow::Context;
use clap::Args as ClapArgs;
use tug::image::change::Change;
use tug::image::import::{import, ImportOptions};
use tug::reference::Reference;

use crate::cli::Global;
use crate::common::open_store;

/// Inputs at least this big get a progress bar (on a terminal only).
const PROGRESS_THRESHOLD: u64 = 32 * 1024 * 1024;

/// Arguments of `import`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Tarball to import (plain, gzip or zstd), or - for standard input
    #[arg(value_name = "FILE|-")]
    pub file: String,
    /// Name and optional tag for the image (none: an untagged image)
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: Option<String>,
    /// Apply a Dockerfile instruction to the image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR)
    #[arg(short, long = "change", value_name = "INSTRUCTION")]
    pub change: Vec<String>,
    /// Set the commit message for the imported image
    #[arg(short, long)]
    pub message: Option<String>,
    /// Set the platform (os/arch[/variant]) the image is for
    #[arg(long)]
    pub platform: Option<String>,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let names = match &args.reference {
        Some(r) => vec![Reference::parse(r)?],
        None => Vec::new(),
    };
    let changes = args
        .change
        .iter()
        .map(|c| Change::parse(c))
        .collect::<tug::Result<Vec<_>>>()?;
    let (mut input, size): (Box<dyn Read>, Option<u64>) = if args.file == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let f = std::fs::File::open(&args.file).with_context(|| format!("import {}", args.file))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    let store = open_store(g)?;
    let bar = progress_bar(size);
    let tick = |n: u64| {
        if let Some(b) = &bar {
            b.set_position(n);
        }
    };
    let opts = ImportOptions {
        changes,
        message: args.message.clone(),
        source: args.file.clone(),
        platform: args.platform.clone(),
        names,
        progress: bar.as_ref().map(|_| &tick as &dyn Fn(u64)),
    };
    let result = import(&store, &mut input, &opts);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let imported = result.with_context(|| format!("import {}", args.file))?;
    println!("{}", imported.id);
    Ok(0)
}

fn progress_bar(size: Option<u64>) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match size {
        Some(n) if n >= PROGRESS_THRESHOLD => {
            let b = indicatif::ProgressBar::new(n);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "Importing {bar:40} {bytes}/{total_bytes} {bytes_per_sec}",
                )
                .ok()?,
            );
            b
        }
        Some(_) => return None,
        None => {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "Importing {spinner} {bytes} {bytes_per_sec}",
                )
                .ok()?,
            );
            b
        }
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    Some(bar)
}
