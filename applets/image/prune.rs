//! `tug image prune`.

use std::io::{BufRead, Write};

use clap::Args as ClapArgs;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `image prune`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Remove all images not used by a container, not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

/// Asks `question` on stderr and reads y/N from stdin.
pub fn confirm(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    matches!(line.trim(), "y" | "Y" | "yes")
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let warning = if a.all {
        "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?"
    } else {
        "WARNING! This will remove all dangling images.\nAre you sure you want to continue?"
    };
    if !a.force && !confirm(warning) {
        return Ok(0);
    }
    let (lines, bytes) = tug::image::remove::prune(&store, a.all)?;
    if !lines.is_empty() {
        println!("Deleted Images:");
        lines
            .iter()
            .for_each(|l| println!("{}", l.to_string().to_lowercase()));
        println!();
    }
    println!("Total reclaimed space: {}", tug::format::human_size(bytes));
    Ok(0)
}
