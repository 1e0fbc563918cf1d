//! `tug search`.

use clap::Args as ClapArgs;

use crate::cli::Global;

/// Arguments of `search`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Arguments (not interpreted yet)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

pub fn run(_args: Args, _g: &Global) -> anyhow::Result<i32> {
    crate::pending::run("search")
}
