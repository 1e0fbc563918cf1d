//! `registry-serve` / `tug registry serve`: an OCI Distribution registry
//! over the store.

use anyhow::Context;
use clap::Args as ClapArgs;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `registry-serve`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port, printed on stderr)
    #[arg(long, default_value = "0.0.0.0:5000")]
    pub addr: String,
    /// Refuse pushes and deletes
    #[arg(long)]
    pub read_only: bool,
    /// Do not log each request on stderr
    #[arg(short, long)]
    pub quiet: bool,
    /// Also serve the local images (`tug images`), e.g. busybox as `busybox` and `library/busybox`
    #[arg(long)]
    pub serve_local: bool,
    /// Require basic auth against this htpasswd file (bcrypt entries, htpasswd -B)
    #[arg(long, value_name = "FILE")]
    pub htpasswd: Option<std::path::PathBuf>,
    /// Serve HTTPS with this certificate (PEM); needs --tls-key
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The private key (PEM) for --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let addr = a
        .addr
        .parse()
        .with_context(|| format!("invalid --addr {:?}: expected HOST:PORT", a.addr))?;
    let store = open_store(g)?;
    tug::registry::server::serve(
        store,
        tug::registry::server::ServeOptions {
            addr,
            read_only: a.read_only,
            access_log: !a.quiet,
            serve_local: a.serve_local,
            htpasswd: a.htpasswd,
            tls: a.tls_cert.zip(a.tls_key),
        },
    )?;
    Ok(0)
}
