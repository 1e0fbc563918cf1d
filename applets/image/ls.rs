//! `tug images` / `tug image ls`.

use clap::Args as ClapArgs;
use serde_json::{json, Value};
use tug::format::{default_title, human, render_list};
use tug::image::filter::Filter;
use tug::image::{list, Image};
use tug::reference::Reference;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `images`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Show only images of this repository (and tag), e.g. busybox or busybox:latest
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub repository: Option<String>,
    /// Show all images (tug stores no intermediate images, so this changes nothing)
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
    #[arg(short, long, value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Format output: 'table', 'table TEMPLATE', 'json', or a Go template
    #[arg(long)]
    pub format: Option<String>,
}

/// Column titles as Docker prints them.
fn title(field: &str) -> String {
    match field {
        "ID" => "IMAGE ID".to_string(),
        "CreatedSince" => "CREATED".to_string(),
        "CreatedAt" => "CREATED AT".to_string(),
        other => default_title(other),
    }
}

/// One listing row as Docker's image formatter exposes it.
fn row(img: &Image, name: Option<&Reference>, no_trunc: bool) -> Value {
    let created = img.created().unwrap_or_default();
    let id = if no_trunc {
        img.id.to_string()
    } else {
        img.short_id()
    };
    let size = human::size(img.size());
    json!({
        "Containers": "N/A",
        "CreatedAt": human::created_at(created),
        "CreatedSince": human::since(created),
        "Digest": img.manifest_digest.to_string(),
        "ID": id,
        "Repository": name.map(|n| n.familiar_repository()).unwrap_or_else(|| "<none>".into()),
        "SharedSize": "N/A",
        "Size": size,
        "Tag": name.and_then(|n| n.tag.clone()).unwrap_or_else(|| "<none>".into()),
        "UniqueSize": "N/A",
        "VirtualSize": size,
    })
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut filters = args
        .filter
        .iter()
        .map(|f| Filter::parse(&store, f))
        .collect::<tug::Result<Vec<_>>>()?;
    if let Some(r) = &args.repository {
        filters.push(Filter::Reference(r.clone()));
    }
    let mut images = list(&store)?;
    images.sort_by(|a, b| b.created().cmp(&a.created()));
    let mut rows = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for img in &images {
        let mut names: Vec<Option<&Reference>> = img.names.iter().map(Some).collect();
        if names.is_empty() {
            names.push(None);
        }
        for n in names {
            if filters.iter().all(|f| f.matches(img, n)) {
                rows.push(row(img, n, args.no_trunc));
                let id = if args.no_trunc {
                    img.id.to_string()
                } else {
                    img.short_id()
                };
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    if args.quiet {
        for id in ids {
            println!("{id}");
        }
        return Ok(0);
    }
    let default = if args.digests {
        "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
    } else {
        "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
    };
    print!(
        "{}",
        render_list(args.format.as_deref(), default, &rows, &title)?
    );
    Ok(0)
}
