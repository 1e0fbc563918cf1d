//! `tug search [REGISTRY/]TERM`: repositories in a registry's catalog.

use clap::Args as ClapArgs;
use serde_json::json;
use tug::format::Listing;

use crate::cli::Global;

/// Arguments of `search`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// What to look for, as REGISTRY/TERM (e.g. 127.0.0.1:5000/bb); the registry must offer /v2/_catalog
    pub term: String,
    /// Show at most this many results
    #[arg(long, default_value_t = 25)]
    pub limit: usize,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Format output: table, table TEMPLATE, json, or a Go template
    #[arg(long)]
    pub format: Option<String>,
}

/// `host:port/term` → (host:port, term); a bare term is Docker Hub's.
fn split(term: &str) -> (String, String) {
    match term.split_once('/') {
        Some((h, rest)) if h.contains('.') || h.contains(':') || h == "localhost" => {
            (h.to_string(), rest.to_string())
        }
        _ => ("docker.io".to_string(), term.to_string()),
    }
}

pub fn run(a: Args, _g: &Global) -> anyhow::Result<i32> {
    let (host, term) = split(&a.term);
    let rows: Vec<_> = tug::registry::client::catalog::catalog(&host)?
        .into_iter()
        .filter(|r| r.contains(&term))
        .take(a.limit)
        .map(|r| json!({"Name": format!("{host}/{r}"), "Description": "", "StarCount": 0, "IsOfficial": "", "IsAutomated": ""}))
        .collect();
    let listing = Listing {
        default: "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}",
        headers: &[
            ("Name", "NAME"),
            ("Description", "DESCRIPTION"),
            ("StarCount", "STARS"),
            ("IsOfficial", "OFFICIAL"),
            ("IsAutomated", "AUTOMATED"),
        ],
    };
    print!("{}", listing.render(a.format.as_deref(), &rows)?);
    Ok(0)
}
