//! `tug registry gc`: delete blobs nothing references. Safe while pushes
//! are in progress: completed uploads are pinned (refs/uploads) until a
//! manifest names them or the pin expires, and collection runs under the
//! store's exclusive lock.

use clap::Args as ClapArgs;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `registry gc`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Upload pins and sessions older than this are dropped first (e.g. 1h, 30m)
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    pub grace: std::time::Duration,
    /// Only report what would be deleted
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let expired = tug::registry::server::repo::expire_pins(&store, a.grace)?;
    if a.dry_run {
        let live = store.reachable()?;
        let dead: Vec<_> = store
            .list_blobs()?
            .into_iter()
            .filter(|d| !live.contains(&d.to_string()))
            .collect();
        println!(
            "{} blobs would be deleted ({} expired upload pins)",
            dead.len(),
            expired
        );
        return Ok(0);
    }
    let report = store.gc()?;
    println!(
        "Deleted {} blobs, {} reclaimed ({} expired upload pins)",
        report.removed.len(),
        tug::format::human_size(report.bytes),
        expired
    );
    Ok(0)
}
