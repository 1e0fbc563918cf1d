//! `tug start [-a] CONTAINER...`: start created or stopped containers under
//! their monitor; `-a` follows the output and returns the exit code, `-i`
//! also feeds our input to a `-i` container.

use clap::Args as ClapArgs;
use tug::container::{self, monitor, Status};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Attach STDOUT/STDERR and forward signals
    #[arg(short = 'a', long)]
    pub attach: bool,
    /// Attach STDIN (for a container created with -i)
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// Override the key sequence for detaching the container
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// Containers (name or ID)
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut code = 0;
    for c in &args.containers {
        let r = container::refresh(&store, container::find(&store, c)?);
        if r.status == Status::Running {
            if !args.attach {
                println!("{c}");
            }
            continue;
        }
        let mut fresh = r.clone();
        fresh.stopped_by_user = false;
        container::save(&store, &fresh)?;
        let offset = std::fs::metadata(container::logs::path(&store, &r.id))
            .map(|m| m.len())
            .unwrap_or(0);
        for w in monitor::spawn(&store, &r.id)? {
            eprintln!("tug: warning: {w}");
        }
        if args.attach || args.interactive {
            let r = container::load(&store, &r.id)?;
            let keys = super::logs::detach_keys(args.detach_keys.as_deref(), &r)?;
            code = super::logs::attached(&store, &r, offset, args.interactive, &keys)?;
        } else {
            println!("{c}");
        }
    }
    Ok(code)
}
