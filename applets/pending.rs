//! Commands whose core is not built yet. They say so plainly and exit 125;
//! they never pretend to work.

use clap::Args;

/// Arguments of a command that is not implemented yet.
#[derive(Debug, Args, Clone)]
pub struct Pending {
    /// Arguments (not interpreted yet)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

pub fn run(name: &'static str) -> anyhow::Result<i32> {
    Err(tug::Error::NotImplemented(name).into())
}
