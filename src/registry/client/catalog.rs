//! `search`: a registry's `_catalog`, followed across pages.

use super::transport::{check, Registry};
use crate::error::{Error, Result};

/// Every repository name the registry lists.
pub fn catalog(domain: &str) -> Result<Vec<String>> {
    let mut reg = Registry::new(domain)?;
    let mut url = format!("{}/v2/_catalog?n=1000", reg.base);
    let mut out = Vec::new();
    for _ in 0..1000 {
        let resp = check(
            reg.send("registry:catalog:*", |c| c.get(&url))?,
            &format!("{domain} catalog"),
        )?;
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
            .map_err(|e| Error::Invalid(format!("{domain} catalog: {e}")))?;
        out.extend(
            v["repositories"]
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
