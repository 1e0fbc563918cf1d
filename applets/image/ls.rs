//! `tug images` / `tug image ls`.

use anyhow::Context;
use clap::Args as ClapArgs;
use serde_json::json;
use tug::format::{human_size, time_ago, Listing};
use tug::image::Image;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `images`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Only images of this repository (and tag), e.g. busybox or busybox:1
    pub repository: Option<String>,
    /// Show all images (by default intermediate images are hidden)
    #[arg(short, long)]
    pub all: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Show digests
    #[arg(long)]
    pub digests: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Filter output (dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE, label=KEY[=VALUE])
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Format output: table, table TEMPLATE, json, or a Go template
    #[arg(long)]
    pub format: Option<String>,
}

const HEADERS: &[(&str, &str)] = &[
    ("Repository", "REPOSITORY"),
    ("Tag", "TAG"),
    ("Digest", "DIGEST"),
    ("ID", "IMAGE ID"),
    ("CreatedSince", "CREATED"),
    ("CreatedAt", "CREATED AT"),
    ("Size", "SIZE"),
    ("Containers", "CONTAINERS"),
    ("SharedSize", "SHARED SIZE"),
    ("UniqueSize", "UNIQUE SIZE"),
    ("VirtualSize", "VIRTUAL SIZE"),
];

/// Glob match with `*` and `?` (Docker's reference filter uses path.Match).
fn glob(pattern: &str, s: &str) -> bool {
    let re = format!(
        "^{}$",
        regex::escape(pattern)
            .replace("\\*", "[^/]*")
            .replace("\\?", "[^/]")
    );
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(s))
}

struct Filters {
    dangling: Option<bool>,
    references: Vec<String>,
    before: Option<chrono::DateTime<chrono::Utc>>,
    since: Option<chrono::DateTime<chrono::Utc>>,
    labels: Vec<(String, Option<String>)>,
}

fn parse_filters(raw: &[String], images: &[Image]) -> anyhow::Result<Filters> {
    let mut f = Filters {
        dangling: None,
        references: vec![],
        before: None,
        since: None,
        labels: vec![],
    };
    let find = |what: &str| -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
        if what.is_empty() {
            anyhow::bail!("invalid filter: an image name or ID is required");
        }
        let r = tug::reference::Reference::parse(what).ok();
        images
            .iter()
            .find(|i| {
                r.as_ref().is_some_and(|r| i.names.contains(r))
                    || i.id
                        .digest()
                        .starts_with(what.trim_start_matches("sha256:"))
            })
            .map(|i| i.created())
            .with_context(|| format!("no such image: {what}"))
    };
    for kv in raw {
        let (k, v) = kv
            .split_once('=')
            .with_context(|| format!("bad filter {kv:?}: expected KEY=VALUE"))?;
        match k {
            "dangling" => {
                f.dangling = Some(match v {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => anyhow::bail!("invalid filter 'dangling={v}'"),
                })
            }
            "reference" => f.references.push(v.to_string()),
            "before" => f.before = Some(find(v)?),
            "since" => f.since = Some(find(v)?),
            "label" => f.labels.push(match v.split_once('=') {
                Some((a, b)) => (a.to_string(), Some(b.to_string())),
                None => (v.to_string(), None),
            }),
            other => anyhow::bail!("invalid filter {other:?}"),
        }
    }
    Ok(f)
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let listing = tug::image::list_all(&store)?;
    for b in &listing.broken {
        let label = b.label();
        eprintln!(
            "tug: warning: image {label} is damaged and not listed: {} (remove it with `tug rmi {label}`)",
            tug::untrusted::escape_controls(&b.why)
        );
    }
    let mut images = listing.images;
    if a.all {
        // Build steps' images, `<none>:<none>` as Docker's classic builder
        // left them.
        images.extend(tug::image::parents::intermediates(&store)?);
    }
    images.sort_by_key(|i| std::cmp::Reverse(i.created()));
    let f = parse_filters(&a.filter, &images)?;
    let mut rows = Vec::new();
    let mut seen_ids = Vec::new();
    for img in &images {
        let labels = img.labels();
        if f.labels.iter().any(|(k, v)| match v {
            Some(v) => labels.get(k) != Some(v),
            None => !labels.contains_key(k),
        }) {
            continue;
        }
        if f.before.is_some_and(|t| img.created() >= t)
            || f.since.is_some_and(|t| img.created() <= t)
        {
            continue;
        }
        let dangling = img.names.is_empty();
        if f.dangling.is_some_and(|d| d != dangling) {
            continue;
        }
        let names: Vec<Option<&tug::reference::Reference>> = if dangling {
            vec![None]
        } else {
            img.names.iter().map(Some).collect()
        };
        for n in names {
            let (repo, tag) = match n {
                Some(n) => (
                    n.familiar_repository(),
                    n.tag.clone().unwrap_or_else(|| "<none>".into()),
                ),
                None => ("<none>".to_string(), "<none>".to_string()),
            };
            if let Some(want) = &a.repository {
                let (wr, wt) = match want.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
                    Some((r, t)) => (r, Some(t)),
                    None => (want.as_str(), None),
                };
                let wr = tug::reference::Reference::parse(wr)
                    .map(|r| r.familiar_repository())
                    .unwrap_or(wr.to_string());
                if repo != wr || wt.is_some_and(|t| t != tag) {
                    continue;
                }
            }
            if !f.references.is_empty() {
                let full = format!("{repo}:{tag}");
                if !f
                    .references
                    .iter()
                    .any(|p| glob(p, &full) || glob(p, &repo))
                {
                    continue;
                }
            }
            let id = if a.no_trunc {
                img.id.to_string()
            } else {
                img.short_id()
            };
            let created = img.created();
            rows.push(json!({
                "Containers": "N/A",
                "CreatedAt": created.format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string(),
                "CreatedSince": time_ago(created),
                "Digest": if n.is_some() { img.manifest_digest.to_string() } else { "<none>".to_string() },
                "ID": id,
                "Repository": repo,
                "SharedSize": "N/A",
                "Size": human_size(img.size()),
                "Tag": tag,
                "UniqueSize": "N/A",
                "VirtualSize": human_size(img.size()),
            }));
            seen_ids.push(id_of(&rows));
        }
    }
    if a.quiet {
        let mut out = String::new();
        let mut printed = Vec::new();
        for id in seen_ids {
            if !printed.contains(&id) {
                out.push_str(&id);
                out.push('\n');
                printed.push(id);
            }
        }
        print!("{out}");
        return Ok(0);
    }
    let default = if a.digests {
        "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
    } else {
        "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
    };
    let listing = Listing {
        default,
        headers: HEADERS,
    };
    print!("{}", listing.render(a.format.as_deref(), &rows)?);
    Ok(0)
}

fn id_of(rows: &[serde_json::Value]) -> String {
    rows.last()
        .and_then(|r| r["ID"].as_str())
        .unwrap_or_default()
        .to_string()
}
