//! The hidden `container-monitor` command: the per-container monitor of a
//! detached container (see tug::container::monitor).

use clap::Args as ClapArgs;

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Container ID
    pub id: String,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    Ok(tug::container::monitor::main(&store, &args.id))
}
