//! `tug logout`: forget a registry's credentials.

use clap::Args as ClapArgs;
use tug::registry::client::transport::save_credentials;

use crate::cli::Global;

/// Arguments of `logout`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The registry (host[:port]); Docker Hub when omitted
    pub server: Option<String>,
}

pub fn run(a: Args, _g: &Global) -> anyhow::Result<i32> {
    let host = crate::registry::login::server_host(a.server.as_deref());
    if save_credentials(&host, None)? {
        println!("Removing login credentials for {host}");
    } else {
        println!("Not logged in to {host}");
    }
    Ok(0)
}
