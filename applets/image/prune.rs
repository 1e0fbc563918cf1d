//! `tug image prune`.

use std::io::{BufRead, Write};

use clap::Args as ClapArgs;
use tug::format::human;
use tug::image::remove::prune_images;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `image prune`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Remove all unused images, not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

/// Asks `question [y/N]` on the terminal; true only for y/yes.
pub fn confirm(question: &str) -> bool {
    eprint!("{question}\nAre you sure you want to continue? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Removes images and collects garbage; returns the bytes freed.
pub fn prune(g: &Global, all: bool, print: bool) -> anyhow::Result<u64> {
    let store = open_store(g)?;
    let removed = prune_images(&store, all)?;
    let report = store.gc()?;
    if print && !removed.is_empty() {
        println!("Deleted Images:");
        super::rmi::print_removed(&removed, true);
        println!();
    }
    Ok(report.bytes_freed)
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    if !args.force {
        let what = if args.all {
            "WARNING! This will remove all images without at least one container associated to them."
        } else {
            "WARNING! This will remove all dangling images."
        };
        if !confirm(what) {
            return Ok(0);
        }
    }
    let freed = prune(g, args.all, true)?;
    println!("Total reclaimed space: {}", human::size(freed));
    Ok(0)
}
