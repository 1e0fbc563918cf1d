//! Small container commands: restart, rename, pause, unpause, top,
//! container prune.

use std::time::Duration;

use clap::Args as ClapArgs;
use tug::container::{self, monitor, ops, Status};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct RestartArgs {
    /// Seconds to wait before killing the container
    #[arg(short = 't', long = "time", default_value_t = 10)]
    pub time: u64,
    /// Containers (name or ID)
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

pub fn restart(args: RestartArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    for c in &args.containers {
        let r = container::find(&store, c)?;
        ops::stop(&store, &r, Duration::from_secs(args.time), libc::SIGTERM)?;
        let mut fresh = container::load(&store, &r.id)?;
        fresh.stopped_by_user = false;
        container::save(&store, &fresh)?;
        for w in monitor::spawn(&store, &r.id)? {
            eprintln!("tug: warning: {w}");
        }
        println!("{c}");
    }
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct RenameArgs {
    /// The container (name or ID)
    pub container: String,
    /// Its new name
    pub new_name: String,
}

pub fn rename(args: RenameArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = container::find(&store, &args.container)?;
    ops::rename(&store, &r, &args.new_name)?;
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct ContainersArgs {
    /// Containers (name or ID)
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

pub fn pause(args: ContainersArgs, g: &Global, frozen: bool) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    for c in &args.containers {
        let r = container::find(&store, c)?;
        ops::set_frozen(&store, &r, frozen)?;
        println!("{c}");
    }
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct TopArgs {
    /// The container (name or ID)
    pub container: String,
}

pub fn top(args: TopArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = container::refresh(&store, container::find(&store, &args.container)?);
    if r.status != Status::Running {
        return Err(tug::Error::Invalid(format!("container {} is not running", r.name)).into());
    }
    crate::common::print_processes(&r);
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct PruneArgs {
    /// Do not prompt for confirmation (tug never prompts)
    #[arg(short = 'f', long)]
    pub force: bool,
}

pub fn prune(_args: PruneArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    println!("Deleted Containers:");
    for r in container::list(&store)? {
        let r = container::refresh(&store, r);
        if matches!(r.status, Status::Exited | Status::Created) && !r.monitor_alive() {
            ops::remove(&store, &r, false)?;
            println!("{}", r.id);
        }
    }
    Ok(0)
}
