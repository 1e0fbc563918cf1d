//! `registry-serve` / `tug registry serve`: an OCI Distribution registry
//! over the store.

use anyhow::Context;
use clap::Args as ClapArgs;
use std::time::Duration;

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
    /// Refuse DELETE of manifests, tags and blobs (pushes still work)
    #[arg(long)]
    pub no_delete: bool,
    /// Serve a registry:2 data directory in distribution's layout (e.g. /var/lib/registry) instead of the store
    #[arg(long, value_name = "DIR", conflicts_with = "serve_local")]
    pub data_dir: Option<std::path::PathBuf>,
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
    /// Close a connection whose request headers are not complete this long after it is ready for a request (new, or kept alive after a response)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    pub header_timeout: Duration,
    /// Close a connection on which nothing moved either way for this long while no request was being handled (idle keep-alive, a client not reading)
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = duration)]
    pub idle_timeout: Duration,
    /// End a request whose body made no progress for this long, and drop its upload
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = duration)]
    pub body_timeout: Duration,
    /// Connections served at once; more wait to be accepted [default: min(1024, (open-file limit - 64) / 2)]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,
    /// Upload sessions open at once (more get 429 TOOMANYREQUESTS)
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_uploads: u32,
    /// Upload sessions one client address may have open at once
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_uploads_per_client: u32,
    /// Remove an upload session, and its data, after this long without activity
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = duration)]
    pub upload_expiry: Duration,
}

/// A positive duration such as `30s`, `5m` or `1h`.
fn duration(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("must be more than zero".into()),
        Err(e) => Err(format!("{e} (expected e.g. 30s, 5m, 1h)")),
    }
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let addr = a
        .addr
        .parse()
        .with_context(|| format!("invalid --addr {:?}: expected HOST:PORT", a.addr))?;
    let backend = match a.data_dir {
        Some(dir) => tug::registry::server::Backend::Distribution(dir),
        None => tug::registry::server::Backend::Store(open_store(g)?),
    };
    tug::registry::server::serve(
        backend,
        tug::registry::server::ServeOptions {
            addr,
            read_only: a.read_only,
            delete: !a.no_delete,
            headers: Vec::new(),
            access_log: !a.quiet,
            serve_local: a.serve_local,
            htpasswd: a.htpasswd,
            tls: a.tls_cert.zip(a.tls_key),
            limits: tug::registry::server::Limits {
                header_timeout: a.header_timeout,
                idle_timeout: a.idle_timeout,
                body_timeout: a.body_timeout,
                max_connections: a
                    .max_connections
                    .map(|n| n as usize)
                    .unwrap_or_else(tug::registry::server::default_max_connections),
            },
            uploads: tug::registry::server::UploadLimits {
                max_total: a.max_uploads as usize,
                max_per_client: a.max_uploads_per_client as usize,
                expiry: a.upload_expiry,
            },
        },
    )?;
    Ok(0)
}
