//! `tug search [REGISTRY/]TERM`: the registry's search API (Docker Hub's
//! for a bare term), else the repositories of its catalog that match.

use clap::Args as ClapArgs;
use serde_json::json;
use tug::format::Listing;
use tug::registry::client::catalog::Found;

use crate::cli::Global;

/// Arguments of `search`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// What to look for: TERM (Docker Hub) or REGISTRY/TERM (e.g. 127.0.0.1:5000/bb; its /v1/search, else its /v2/_catalog)
    pub term: String,
    /// Filter output: stars=N, is-official=true|false, is-automated=true|false
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
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

/// `--filter` as a predicate on one result.
fn filters(raw: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    let f = crate::common::key_value_filters(raw)?;
    for (k, v) in &f {
        let ok = match k.as_str() {
            "stars" => v.parse::<u64>().is_ok(),
            "is-official" | "is-automated" => matches!(v.as_str(), "true" | "false"),
            _ => false,
        };
        anyhow::ensure!(ok, "invalid filter '{k}={v}'");
    }
    Ok(f)
}

fn keep(r: &Found, filters: &[(String, String)]) -> bool {
    filters.iter().all(|(k, v)| match k.as_str() {
        "stars" => r.star_count >= v.parse().unwrap_or(0),
        "is-official" => r.is_official == (v == "true"),
        "is-automated" => r.is_automated == (v == "true"),
        _ => true,
    })
}

pub fn run(a: Args, _g: &Global) -> anyhow::Result<i32> {
    let (host, term) = split(&a.term);
    let filters = filters(&a.filter)?;
    let found = match tug::registry::client::catalog::search(&host, &term, a.limit)? {
        Some(found) => found,
        None => tug::registry::client::catalog::catalog(&host)?
            .into_iter()
            .filter(|r| r.contains(&term))
            .map(|name| Found {
                name: format!("{host}/{name}"),
                description: String::new(),
                star_count: 0,
                is_official: false,
                is_automated: false,
            })
            .collect(),
    };
    let rows: Vec<_> = found
        .iter()
        .filter(|r| keep(r, &filters))
        .take(a.limit)
        .map(|r| {
            let description = if a.no_trunc || r.description.chars().count() <= 45 {
                r.description.clone()
            } else {
                r.description.chars().take(44).collect::<String>() + "…"
            };
            json!({
                "Name": tug::untrusted::quote(&r.name),
                "Description": tug::untrusted::quote(&description),
                "StarCount": r.star_count,
                "IsOfficial": if r.is_official { "[OK]" } else { "" },
                "IsAutomated": if r.is_automated { "[OK]" } else { "" },
            })
        })
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
