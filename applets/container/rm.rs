//! `tug rm [-f] CONTAINER...`

use clap::Args as ClapArgs;
use tug::container::{self, ops};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Force the removal of a running container (uses SIGKILL)
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Remove anonymous volumes associated with the container
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Containers (name or ID)
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut failed = None;
    for c in &args.containers {
        let done = container::find(&store, c).and_then(|r| {
            ops::remove(&store, &r, args.force)?;
            if args.volumes {
                container::remove_anonymous_volumes(&store, &r);
            }
            Ok(())
        });
        match done {
            Ok(()) => println!("{c}"),
            Err(e) => {
                eprintln!("tug: {e}");
                failed = Some(e);
            }
        }
    }
    match failed {
        // Each failure was printed; the exit code says one happened.
        Some(_) => Ok(1),
        None => Ok(0),
    }
}
