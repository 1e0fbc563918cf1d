//! `tug info`, `tug version`, `tug system df|prune`.

use clap::{Args, Subcommand};

use crate::cli::Global;

/// `tug system ...`
#[derive(Debug, Subcommand, Clone)]
pub enum SystemCommand {
    /// Show disk usage by images, containers and volumes
    Df(DfArgs),
    /// Remove unused data
    Prune(PruneArgs),
    /// Display system-wide information
    Info(InfoArgs),
}

/// Arguments of `system df`.
#[derive(Debug, Args, Clone)]
pub struct DfArgs {
    /// Arguments (not interpreted yet)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Arguments of `system prune`.
#[derive(Debug, Args, Clone)]
pub struct PruneArgs {
    /// Arguments (not interpreted yet)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// Arguments of `info`.
#[derive(Debug, Args, Clone)]
pub struct InfoArgs {
    /// Format the output using a Go template, or `json`
    #[arg(short, long)]
    pub format: Option<String>,
}

pub fn run(cmd: SystemCommand, g: &Global) -> anyhow::Result<i32> {
    match cmd {
        SystemCommand::Info(a) => info(a, g),
        SystemCommand::Df(_) => crate::pending::run("system df"),
        SystemCommand::Prune(_) => crate::pending::run("system prune"),
    }
}

pub fn info(_a: InfoArgs, _g: &Global) -> anyhow::Result<i32> {
    crate::pending::run("info")
}

pub fn version() -> anyhow::Result<i32> {
    println!("tug version {}", env!("CARGO_PKG_VERSION"));
    Ok(0)
}
