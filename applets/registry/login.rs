//! `tug login`: check credentials against a registry and store them in
//! `~/.docker/config.json`, as Docker does.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Context;
use clap::Args as ClapArgs;
use tug::registry::client::transport::{save_credentials, Registry};

use crate::cli::Global;

/// Arguments of `login`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The registry (host[:port]); Docker Hub when omitted
    pub server: Option<String>,
    /// Username
    #[arg(short, long)]
    pub username: Option<String>,
    /// Password (prefer --password-stdin)
    #[arg(short, long)]
    pub password: Option<String>,
    /// Read the password from stdin
    #[arg(long)]
    pub password_stdin: bool,
}

fn prompt(what: &str) -> anyhow::Result<String> {
    eprint!("{what}: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// `https://host/` or `host` → `host`; none → docker.io.
pub fn server_host(s: Option<&str>) -> String {
    match s {
        None => "docker.io".into(),
        Some(s) => {
            let h = s
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            let h = h.split('/').next().unwrap_or(h);
            if h == "index.docker.io" || h == "registry-1.docker.io" {
                "docker.io".into()
            } else {
                h.to_string()
            }
        }
    }
}

pub fn run(a: Args, _g: &Global) -> anyhow::Result<i32> {
    let host = server_host(a.server.as_deref());
    let user = match a.username {
        Some(u) => u,
        None => prompt("Username")?,
    };
    let pass = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_string()
    } else if let Some(p) = a.password {
        eprintln!("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        p
    } else {
        if !std::io::stdin().is_terminal() {
            anyhow::bail!(
                "cannot prompt for a password: stdin is not a terminal (use --password-stdin)"
            );
        }
        prompt("Password")?
    };
    if user.is_empty() || pass.is_empty() {
        anyhow::bail!("username and password are required");
    }
    Registry::new(&host)?
        .with_credentials(&user, &pass)
        .check_login()
        .with_context(|| format!("logging in to {host}"))?;
    save_credentials(&host, Some((&user, &pass)))?;
    println!("Login Succeeded");
    Ok(0)
}
