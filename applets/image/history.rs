//! `tug history` / `tug image history`.

use clap::{ArgAction, Args as ClapArgs};
use serde_json::json;
use tug::format::{default_title, human, render_list};
use tug::image::inspect::history;

use crate::cli::Global;
use crate::common::open_store;

/// `CREATED BY` is cut to this many characters unless --no-trunc.
const CREATED_BY_WIDTH: usize = 45;

/// Arguments of `history`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The image (name or ID)
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// Print sizes and dates in human readable format (-H=false for raw values)
    #[arg(short = 'H', long, action = ArgAction::Set, num_args = 0..=1,
          default_value_t = true, default_missing_value = "true", require_equals = true)]
    pub human: bool,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Format output: 'table', 'table TEMPLATE', 'json', or a Go template
    #[arg(long)]
    pub format: Option<String>,
}

fn title(field: &str) -> String {
    match field {
        "ID" => "IMAGE".to_string(),
        "CreatedSince" => "CREATED".to_string(),
        other => default_title(other),
    }
}

fn ellipsis(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let img = tug::image::resolve(&store, &args.image)?;
    let rows = history(&img);
    let id_of = |id: &Option<String>| match id {
        Some(full) if args.no_trunc => full.clone(),
        Some(full) => full
            .trim_start_matches("sha256:")
            .chars()
            .take(12)
            .collect(),
        None => "<missing>".to_string(),
    };
    if args.quiet {
        for r in &rows {
            println!("{}", id_of(&r.id));
        }
        return Ok(0);
    }
    let values: Vec<_> = rows
        .iter()
        .map(|r| {
            let (since, size) = if args.human {
                (human::since(&r.created), human::size(r.size))
            } else {
                (r.created.clone(), r.size.to_string())
            };
            let created_by = if args.no_trunc {
                r.created_by.clone()
            } else {
                ellipsis(&r.created_by, CREATED_BY_WIDTH)
            };
            json!({
                "Comment": r.comment,
                "CreatedAt": r.created,
                "CreatedBy": created_by,
                "CreatedSince": since,
                "ID": id_of(&r.id),
                "Size": size,
            })
        })
        .collect();
    let default = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
    print!(
        "{}",
        render_list(args.format.as_deref(), default, &values, &title)?
    );
    Ok(0)
}
