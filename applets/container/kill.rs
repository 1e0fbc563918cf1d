//! `tug kill [-s SIGNAL] CONTAINER...`

use clap::Args as ClapArgs;
use tug::container::{self, ops, signal};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Signal to send to the container
    #[arg(short = 's', long, default_value = "KILL")]
    pub signal: String,
    /// Containers (name or ID)
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let sig = signal::parse_signal(&args.signal)?;
    for c in &args.containers {
        let r = container::find(&store, c)?;
        ops::kill(&store, &r, sig)?;
        println!("{c}");
    }
    Ok(0)
}
