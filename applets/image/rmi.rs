//! `tug rmi` / `tug image rm`.

use clap::Args as ClapArgs;

use tug::image::remove::Removal;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `rmi`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Images to remove (names or IDs)
    #[arg(required = true)]
    pub images: Vec<String>,
    /// Force removal of the image (all its names, even in use)
    #[arg(short, long)]
    pub force: bool,
    /// Do not delete untagged parents
    #[arg(long)]
    pub no_prune: bool,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut failed = None;
    for what in &a.images {
        let img = tug::image::resolve(&store, what).ok();
        match tug::image::remove::remove(&store, what, a.force) {
            Ok(lines) => {
                lines.iter().for_each(|l| println!("{l}"));
                // Its untagged build parents go too, as Docker's do.
                let deleted = |i: &tug::image::Image| {
                    lines
                        .iter()
                        .any(|l| matches!(l, Removal::Deleted(d) if *d == i.id))
                };
                if let Some(img) = img.filter(|i| !a.no_prune && deleted(i)) {
                    for d in tug::image::parents::prune(&store, &img)? {
                        println!("{}", Removal::Deleted(d));
                    }
                }
            }
            Err(e) => {
                eprintln!("tug: {e}");
                failed = Some(e);
            }
        }
    }
    // Like Docker: try every image, fail at the end if any failed.
    Ok(if failed.is_some() {
        crate::exit::TUG_FAILED
    } else {
        0
    })
}
