//! `tug stop [-t SECONDS] [-s SIGNAL] CONTAINER...`

use std::time::Duration;

use clap::Args as ClapArgs;
use tug::container::{self, ops, signal};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Seconds to wait before killing the container
    #[arg(short = 't', long = "time", alias = "timeout", default_value_t = 10)]
    pub time: u64,
    /// Signal to send to the container
    #[arg(short = 's', long, default_value = "SIGTERM")]
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
        ops::stop(&store, &r, Duration::from_secs(args.time), sig)?;
        println!("{c}");
    }
    Ok(0)
}
