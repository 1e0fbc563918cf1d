//! `tug stop [-t SECONDS] [-s SIGNAL] CONTAINER...`

use std::time::Duration;

use clap::Args as ClapArgs;
use tug::container::{self, ops, signal};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Seconds to wait before killing the container (default: its --stop-timeout, else 10)
    #[arg(short = 't', long = "time", alias = "timeout")]
    pub time: Option<u64>,
    /// Signal to send to the container (default: its --stop-signal, else SIGTERM)
    #[arg(short = 's', long)]
    pub signal: Option<String>,
    /// Containers (name or ID)
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    for c in &args.containers {
        let r = container::find(&store, c)?;
        let sig = args
            .signal
            .clone()
            .or_else(|| r.options.stop_signal.clone())
            .unwrap_or_else(|| "SIGTERM".into());
        let sig = signal::parse_signal(&sig)?;
        let time = args.time.or(r.options.stop_timeout).unwrap_or(10);
        ops::stop(&store, &r, Duration::from_secs(time), sig)?;
        println!("{c}");
    }
    Ok(0)
}
