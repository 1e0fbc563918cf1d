//! `registry-serve` / `tug registry serve`: an OCI Distribution registry
//! over the store, or over a `registry:2` data directory; `--config` reads
//! distribution's `config.yml`, and `garbage-collect` is distribution's
//! command of that name.

use anyhow::Context;
use clap::{Args as ClapArgs, Subcommand};
use std::time::Duration;

use crate::cli::Global;
use crate::common::open_store;
use tug::registry::server::{self as server, Backend};

/// Arguments of `registry-serve`.
#[derive(Debug, ClapArgs, Clone)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    /// Read distribution's configuration file (config.yml) and its REGISTRY_* environment overrides; --addr overrides http.addr, other flags only restrict it further
    #[arg(long, value_name = "FILE", conflicts_with_all = ["htpasswd", "tls_cert", "tls_key", "data_dir", "serve_local"])]
    pub config: Option<std::path::PathBuf>,
    /// Address to listen on (port 0 picks a free port, printed on stderr) [default: 0.0.0.0:5000, or http.addr under --config]
    #[arg(long)]
    pub addr: Option<String>,
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

/// What `registry-serve` does besides serving.
#[derive(Debug, Subcommand, Clone)]
pub enum ServeCommand {
    /// Delete the blobs no manifest references, as distribution's command does (with the registry read-only or stopped)
    GarbageCollect(GcArgs),
}

/// Arguments of `registry-serve garbage-collect`.
#[derive(Debug, ClapArgs, Clone)]
pub struct GcArgs {
    /// Only report what would be deleted
    #[arg(short, long)]
    pub dry_run: bool,
    /// Also delete manifests no tag names (nor a tagged index), and what only they reference
    #[arg(short = 'm', long)]
    pub delete_untagged: bool,
    /// Upload pins and sessions older than this are dropped first
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    pub grace: Duration,
    /// distribution's configuration file: the storage it names (filesystem or s3), else the store
    pub config: std::path::PathBuf,
}

/// A positive duration such as `30s`, `5m` or `1h`.
fn duration(s: &str) -> Result<Duration, String> {
    match humantime::parse_duration(s) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("must be more than zero".into()),
        Err(e) => Err(format!("{e} (expected e.g. 30s, 5m, 1h)")),
    }
}

/// `REGISTRY_*` variables of this process, for the configuration.
fn registry_env() -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("REGISTRY_")
                || ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]
                    .contains(&k.as_str())
        })
        .collect()
}

/// Reads a configuration file, printing its warnings once each.
fn load_config(path: &std::path::Path) -> anyhow::Result<server::config::Config> {
    let c = server::config::load(path, &registry_env())?;
    for w in &c.warnings {
        eprintln!("tug registry-serve: warning: {}: {w}", path.display());
    }
    Ok(c)
}

/// The data directory a configuration names, else the store.
fn backend(rootdirectory: Option<std::path::PathBuf>, g: &Global) -> anyhow::Result<Backend> {
    Ok(match rootdirectory {
        Some(dir) => Backend::Distribution(dir),
        None => Backend::Store(open_store(g)?),
    })
}

/// The backend a configuration names: a bucket (tug's own files for it in
/// the store), a data directory, else the store.
fn configured(c: &server::config::Config, g: &Global) -> anyhow::Result<Backend> {
    match &c.s3 {
        Some(s3) => {
            let store = open_store(g)?;
            let local = store.root().join("registry/s3").join(format!(
                "{}-{}",
                s3.bucket,
                hex_name(&s3.rootdirectory)
            ));
            Ok(Backend::S3 {
                config: s3.clone(),
                local,
            })
        }
        None => backend(c.rootdirectory.clone(), g),
    }
}

/// A file-name-safe rendering of a bucket prefix.
fn hex_name(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("_{b:02x}")
            }
        })
        .collect()
}

fn garbage_collect(a: GcArgs, g: &Global) -> anyhow::Result<i32> {
    let c = load_config(&a.config)?;
    let storage = server::open_storage(configured(&c, g)?, false)?;
    let r = storage.garbage_collect(&server::GcOptions {
        dry_run: a.dry_run,
        delete_untagged: a.delete_untagged,
        grace: a.grace,
    })?;
    let verb = if a.dry_run {
        "would be deleted"
    } else {
        "deleted"
    };
    println!(
        "{} blobs {verb} ({}), {} untagged manifests {verb}, {} expired upload pins",
        r.blobs,
        tug::format::human_size(r.bytes),
        r.manifests,
        r.expired_pins
    );
    Ok(0)
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    if let Some(ServeCommand::GarbageCollect(gc)) = a.command {
        return garbage_collect(gc, g);
    }
    let (addr, mut o, storage) = match &a.config {
        Some(path) => {
            let c = load_config(path)?;
            let storage = configured(&c, g)?;
            let addr = server::config::socket_addr(
                a.addr.as_deref().or(c.addr.as_deref()).unwrap_or(":5000"),
            )?;
            let quiet = matches!(
                c.log_level.as_deref(),
                Some("warn" | "error" | "fatal" | "panic")
            );
            let o = options(&a, addr);
            let o = server::ServeOptions {
                read_only: o.read_only || c.read_only,
                delete: o.delete && c.delete,
                access_log: o.access_log && !quiet,
                headers: c.headers,
                proxy: c.proxy,
                htpasswd: c.htpasswd,
                realm: c.realm,
                tls: c.tls,
                ..o
            };
            (addr, o, storage)
        }
        None => {
            let given = a.addr.as_deref().unwrap_or("0.0.0.0:5000");
            let addr = given
                .parse()
                .with_context(|| format!("invalid --addr {given:?}: expected HOST:PORT"))?;
            let o = options(&a, addr);
            (addr, o, backend(a.data_dir.clone(), g)?)
        }
    };
    o.addr = addr;
    server::serve(storage, o)?;
    Ok(0)
}

/// The serve options the flags give.
fn options(a: &Args, addr: std::net::SocketAddr) -> server::ServeOptions {
    server::ServeOptions {
        addr,
        read_only: a.read_only,
        delete: !a.no_delete,
        headers: Vec::new(),
        access_log: !a.quiet,
        serve_local: a.serve_local,
        htpasswd: a.htpasswd.clone(),
        realm: None,
        tls: a.tls_cert.clone().zip(a.tls_key.clone()),
        limits: server::Limits {
            header_timeout: a.header_timeout,
            idle_timeout: a.idle_timeout,
            body_timeout: a.body_timeout,
            max_connections: a
                .max_connections
                .map(|n| n as usize)
                .unwrap_or_else(server::default_max_connections),
        },
        uploads: server::UploadLimits {
            max_total: a.max_uploads as usize,
            max_per_client: a.max_uploads_per_client as usize,
            expiry: a.upload_expiry,
        },
        proxy: None,
    }
}
