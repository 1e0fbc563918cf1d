//! `tug history IMAGE`.

use clap::Args as ClapArgs;
use serde_json::json;
use tug::format::{human_size, time_ago, Listing};

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `history`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The image (name or ID)
    pub image: String,
    /// Print sizes and dates in human readable format
    #[arg(short = 'H', long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub human: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Format output: table, table TEMPLATE, json, or a Go template
    #[arg(long)]
    pub format: Option<String>,
}

const HEADERS: &[(&str, &str)] = &[
    ("ID", "IMAGE"),
    ("CreatedSince", "CREATED"),
    ("CreatedAt", "CREATED AT"),
    ("CreatedBy", "CREATED BY"),
    ("Size", "SIZE"),
    ("Comment", "COMMENT"),
];

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let img = tug::image::resolve(&store, &a.image)?;
    let rows = tug::image::inspect::history(&img);
    let top_id = if a.no_trunc {
        img.id.to_string()
    } else {
        img.short_id()
    };
    if a.quiet {
        println!("{top_id}");
        return Ok(0);
    }
    let values: Vec<_> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut by = r.created_by.clone();
            if !a.no_trunc && by.chars().count() > 45 {
                by = by.chars().take(44).collect::<String>() + "…";
            }
            json!({
                "ID": if i == 0 { top_id.clone() } else { "<missing>".to_string() },
                "CreatedSince": r.created.map(time_ago).unwrap_or_else(|| "N/A".into()),
                "CreatedAt": r.created.map(|c| c.to_rfc3339()).unwrap_or_default(),
                "CreatedBy": by,
                "Size": if a.human { human_size(r.size) } else { r.size.to_string() },
                "Comment": r.comment,
            })
        })
        .collect();
    let listing = Listing {
        default: "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
        headers: HEADERS,
    };
    print!("{}", listing.render(a.format.as_deref(), &values)?);
    Ok(0)
}
