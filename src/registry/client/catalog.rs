//! Listings: `search` through a registry's search API (`/v1/search`, what
//! Docker Hub answers), else its `_catalog`; a repository's tags. Both
//! followed across pages.

use super::transport::{check, Registry};
use crate::error::{Error, Result};

/// Every repository name the registry lists.
pub fn catalog(domain: &str) -> Result<Vec<String>> {
    let mut reg = Registry::new(domain)?;
    let url = format!("{}/v2/_catalog?n=1000", reg.base);
    paged(
        &mut reg,
        url,
        "registry:catalog:*",
        &format!("{domain} catalog"),
        "repositories",
    )
}

/// Every tag of repository `path` on `domain` (`pull --all-tags`).
pub fn tags(domain: &str, path: &str) -> Result<Vec<String>> {
    let mut reg = Registry::new(domain)?;
    let url = format!("{}/v2/{path}/tags/list?n=1000", reg.base);
    paged(
        &mut reg,
        url,
        &format!("repository:{path}:pull"),
        &format!("tags of {domain}/{path}"),
        "tags",
    )
}

/// The strings under `key` across the pages of a listing, following
/// `Link` headers.
fn paged(
    reg: &mut Registry,
    mut url: String,
    scope: &str,
    what: &str,
    key: &str,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for _ in 0..1000 {
        let resp = check(reg.send(scope, |c| c.get(&url))?, what)?;
        let next = resp
            .headers()
            .get("link")
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.split(';').next())
            .map(|l| {
                l.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            });
        let v: serde_json::Value = resp
            .json()
            .map_err(|e| Error::Invalid(format!("{what}: {e}")))?;
        out.extend(
            v[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str())
                .map(String::from),
        );
        match next {
            Some(n) if n.starts_with('/') => url = format!("{}{n}", reg.base),
            Some(n) if n.starts_with("http") => url = n,
            _ => break,
        }
    }
    Ok(out)
}

/// One search result, as Docker Hub's `/v1/search` gives it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Found {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub star_count: u64,
    #[serde(default)]
    pub is_official: bool,
    #[serde(default)]
    pub is_automated: bool,
}

/// The most results asked of a search API.
const MAX_RESULTS: usize = 100;

/// Asks the registry's search API for `term`; `None` when the registry has
/// none (404/405/501), so the caller falls back to the catalog. Docker Hub's
/// lives on its index host.
pub fn search(domain: &str, term: &str, limit: usize) -> Result<Option<Vec<Found>>> {
    let mut reg = Registry::new(domain)?;
    let base = if domain == "docker.io" {
        "https://index.docker.io".to_string()
    } else {
        reg.base.clone()
    };
    let url = format!("{base}/v1/search");
    let n = limit.clamp(1, MAX_RESULTS).to_string();
    let resp = reg.send("registry:catalog:*", |c| {
        c.get(&url).query(&[("q", term), ("n", n.as_str())])
    })?;
    if matches!(resp.status().as_u16(), 404 | 405 | 501) {
        return Ok(None);
    }
    let resp = check(resp, &format!("{domain} search"))?;
    // A bounded body: a search answer is small.
    let bytes = resp
        .bytes()
        .map_err(|e| Error::Invalid(format!("{domain} search: {e}")))?;
    if bytes.len() > 4 << 20 {
        return Err(Error::Invalid(format!(
            "{domain} search: answer larger than 4 MiB"
        )));
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(default)]
        results: Vec<Found>,
    }
    let a: Answer = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Invalid(format!("{domain} search: {e}")))?;
    Ok(Some(a.results))
}
