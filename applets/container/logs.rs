//! `tug logs [-f] [--tail N] [-t] CONTAINER`: the json log, also after the
//! container exited.

use std::io::Write;
use std::time::Duration;

use clap::Args as ClapArgs;
use tug::container::{self, logs, Status};
use tug::store::Store;

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Follow log output
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Number of lines to show from the end ("all" for every line)
    #[arg(short = 'n', long, default_value = "all")]
    pub tail: String,
    /// Show timestamps
    #[arg(short = 't', long)]
    pub timestamps: bool,
    /// Container (name or ID)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

fn print(entries: &[logs::Entry], timestamps: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    for e in entries {
        let prefix = if timestamps {
            format!(
                "{} ",
                e.time.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
            )
        } else {
            String::new()
        };
        if e.stream == "stderr" {
            write!(err, "{prefix}{}", e.log)?;
        } else {
            write!(out, "{prefix}{}", e.log)?;
        }
    }
    out.flush()
}

/// Prints log entries from `offset` as they come until the container is no
/// longer running; returns its exit code.
pub fn follow_until_exit(
    store: &Store,
    id: &str,
    mut offset: u64,
    timestamps: bool,
) -> anyhow::Result<i32> {
    let path = logs::path(store, id);
    loop {
        let r = container::refresh(store, container::load(store, id)?);
        let (entries, next) = logs::read_from(&path, offset)?;
        offset = next;
        print(&entries, timestamps)?;
        if r.status == Status::Exited || r.status == Status::Created {
            let (entries, _) = logs::read_from(&path, offset)?;
            print(&entries, timestamps)?;
            return Ok(r.exit_code.unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = container::find(&store, &args.container)?;
    let path = logs::path(&store, &r.id);
    let (mut entries, offset) = logs::read_all(&path)?;
    if args.tail != "all" {
        let n: usize = args
            .tail
            .parse()
            .map_err(|_| tug::Error::Invalid(format!("invalid --tail {:?}", args.tail)))?;
        let skip = entries.len().saturating_sub(n);
        entries.drain(..skip);
    }
    print(&entries, args.timestamps)?;
    if args.follow {
        follow_until_exit(&store, &r.id, offset, args.timestamps)?;
    }
    Ok(0)
}
