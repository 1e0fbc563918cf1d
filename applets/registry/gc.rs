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
    let backend =
        tug::registry::server::open_storage(tug::registry::server::Backend::Store(store), false)?;
    let r = backend.garbage_collect(&tug::registry::server::GcOptions {
        dry_run: a.dry_run,
        delete_untagged: false,
        grace: a.grace,
    })?;
    if a.dry_run {
        println!(
            "{} blobs would be deleted ({} expired upload pins)",
            r.blobs, r.expired_pins
        );
    } else {
        println!(
            "Deleted {} blobs, {} reclaimed ({} expired upload pins)",
            r.blobs,
            tug::format::human_size(r.bytes),
            r.expired_pins
        );
    }
    Ok(0)
}
