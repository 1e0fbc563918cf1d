//! `tug wait CONTAINER...`: block until each stops, print its exit code.

use std::time::Duration;

use clap::Args as ClapArgs;
use tug::container::{self, Status};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Containers (name or ID)
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    for c in &args.containers {
        let id = container::find(&store, c)?.id;
        loop {
            let r = container::refresh(&store, container::load(&store, &id)?);
            if matches!(r.status, Status::Exited | Status::Created) {
                println!("{}", r.exit_code.unwrap_or(0));
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Ok(0)
}
