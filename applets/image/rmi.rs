//! `tug rmi` / `tug image rm`.

use clap::Args as ClapArgs;
use tug::image::remove::{remove_image, Removed};

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `rmi`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Images to remove (names or IDs)
    #[arg(value_name = "IMAGE", required = true)]
    pub images: Vec<String>,
    /// Force removal of an image referenced by several names
    #[arg(short, long)]
    pub force: bool,
    /// Do not delete untagged parents (accepted for compatibility; tug images have none)
    #[arg(long)]
    pub no_prune: bool,
}

/// Prints what was removed, as Docker does.
pub fn print_removed(rs: &[Removed], lower: bool) {
    for r in rs {
        match (r, lower) {
            (Removed::Untagged(n), false) => println!("Untagged: {n}"),
            (Removed::Deleted(d), false) => println!("Deleted: {d}"),
            (Removed::Untagged(n), true) => println!("untagged: {n}"),
            (Removed::Deleted(d), true) => println!("deleted: {d}"),
        }
    }
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut last_err = None;
    let mut deleted_any = false;
    for what in &args.images {
        match remove_image(&store, what, args.force) {
            Ok(rs) => {
                deleted_any |= rs.iter().any(|r| matches!(r, Removed::Deleted(_)));
                print_removed(&rs, false);
            }
            Err(e) => {
                if let Some(prev) = last_err.replace(e) {
                    eprintln!("tug: {prev}");
                }
            }
        }
    }
    if deleted_any {
        store.gc()?;
    }
    match last_err {
        Some(e) => Err(e.into()),
        None => Ok(0),
    }
}
