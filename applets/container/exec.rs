//! `tug exec [-e] [-w] [-u] [--privileged] CONTAINER COMMAND...`

use clap::Args as ClapArgs;
use tug::container::{self, ops};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Detached mode: run the command in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Keep STDIN open
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY
    #[arg(short = 't', long)]
    pub tty: bool,
    /// Set environment variables
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Working directory inside the container
    #[arg(short = 'w', long = "workdir")]
    pub workdir: Option<String>,
    /// Username or UID (USER[:GROUP])
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Give extended privileges to the command
    #[arg(long)]
    pub privileged: bool,
    /// The container, then the command and its arguments
    #[arg(
        value_name = "CONTAINER COMMAND [ARG...]",
        required = true,
        num_args = 2..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub container_and_command: Vec<String>,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    // The process that enters the container must not run from the host's
    // binary (tug::runtime::guard): once more, from a sealed copy.
    if !tug::runtime::guard::running_sealed() {
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        return Err(tug::runtime::guard::reexec_sealed(&argv).into());
    }
    let store = open_store(g)?;
    tug::net::session::detect_joined(store.root());
    let r = container::find(&store, &args.container_and_command[0])?;
    let env = args
        .env
        .iter()
        .filter_map(|e| {
            if e.contains('=') {
                Some(e.clone())
            } else {
                std::env::var(e).ok().map(|v| format!("{e}={v}"))
            }
        })
        .collect();
    let o = ops::ExecOptions {
        command: args.container_and_command[1..].to_vec(),
        env,
        user: args.user.clone(),
        workdir: args.workdir.clone(),
        privileged: args.privileged,
        tty: args.tty,
        interactive: args.interactive,
        detach: args.detach,
    };
    Ok(ops::exec(&store, &r, &o)?)
}
