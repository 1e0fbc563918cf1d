//! `tug ps`: Docker's columns (CONTAINER ID, IMAGE, COMMAND, CREATED,
//! STATUS, PORTS, NAMES), `-a`, `-q`, `-l`, `-n`, `--no-trunc`, `--filter`,
//! `--format`.

use clap::Args as ClapArgs;
use serde_json::json;
use tug::container::{self, Record, Status};
use tug::store::Store;

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Show all containers (default shows just running)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display container IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Show the latest created container
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Show the N last created containers
    #[arg(short = 'n', long, value_name = "N")]
    pub last: Option<usize>,
    /// Don't truncate output
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Filter output (status=, name=, id=, exited=)
    #[arg(short = 'f', long)]
    pub filter: Vec<String>,
    /// Format output using a Go template
    #[arg(long)]
    pub format: Option<String>,
    /// Display total file sizes
    #[arg(short = 's', long)]
    pub size: bool,
}

/// Docker's SIZE: the writable layer, and with the image under it.
fn size_text(store: &Store, r: &Record) -> String {
    let rw = tug::container::diff::writable_size(store, r);
    let image = r
        .image_id
        .as_deref()
        .and_then(|i| tug::image::resolve(store, i).ok())
        .map(|i| i.size())
        .unwrap_or(0);
    format!(
        "{} (virtual {})",
        tug::format::human_size(rw),
        tug::format::human_size(rw + image)
    )
}

fn command_text(r: &Record, trunc: bool) -> String {
    let full = r.args.join(" ");
    if trunc && full.chars().count() > 20 {
        let short: String = full.chars().take(19).collect();
        format!("\"{short}…\"")
    } else {
        format!("\"{full}\"")
    }
}

fn matches(r: &Record, filters: &[(String, String)]) -> anyhow::Result<bool> {
    for (k, v) in filters {
        let ok = match k.as_str() {
            "status" => super::state_name(r.status) == v,
            "name" => r.name.contains(v.as_str()),
            "id" => r.id.starts_with(v.as_str()),
            "exited" => {
                r.status == Status::Exited && r.exit_code.map(|c| c.to_string()) == Some(v.clone())
            }
            "ancestor" => r.image == *v,
            "label" => match v.split_once('=') {
                Some((k, val)) => r.options.labels.get(k) == Some(&val.to_string()),
                None => r.options.labels.contains_key(v.as_str()),
            },
            _ => return Err(tug::Error::Invalid(format!("invalid filter {k:?}")).into()),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The fields `--format` sees (Docker's names).
pub fn format_value(
    store: &Store,
    all: &[Record],
    r: &Record,
    trunc: bool,
    size: bool,
) -> serde_json::Value {
    json!({
        "Size": if size { size_text(store, r) } else { String::new() },
        "ID": if trunc { r.short_id().to_string() } else { r.id.clone() },
        "Image": r.image,
        "Command": command_text(r, trunc),
        "CreatedAt": r.created.format("%Y-%m-%d %H:%M:%S %z UTC").to_string(),
        "RunningFor": super::human_duration(chrono::Utc::now() - r.created),
        "Status": super::status_text(r),
        "State": super::state_name(r.status),
        "Ports": ports_text(store, r),
        "Names": names_text(all, r),
        "Labels": r.options.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
        "Mounts": "",
        "Networks": networks_text(r),
    })
}

/// Docker's PORTS column: published ports while running, then exposed ones.
fn ports_text(store: &Store, r: &Record) -> String {
    let published = if r.status == Status::Running {
        tug::container::network::published(store, r)
    } else {
        Vec::new()
    };
    let image = r
        .image_id
        .as_deref()
        .and_then(|i| tug::image::resolve(store, i).ok());
    let exposed = tug::container::network::exposed(image.as_ref().map(|i| &i.config), &r.options);
    tug::net::ports::ps_column(&published, &exposed)
}

/// The container's name, plus `other/alias` for each container linking to it.
fn names_text(all: &[Record], r: &Record) -> String {
    let mut names = vec![r.name.clone()];
    for o in all {
        for (target, alias) in &o.options.links {
            if target == &r.name || r.id.starts_with(target.as_str()) {
                names.push(format!("{}/{alias}", o.name));
            }
        }
    }
    names.join(",")
}

fn networks_text(r: &Record) -> String {
    match r.options.network {
        tug::runtime::spec::NetworkMode::Bridge => r
            .options
            .networks
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        m => format!("{m:?}").to_lowercase(),
    }
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let filters = crate::common::key_value_filters(&args.filter)?;
    let mut all: Vec<Record> = container::list(&store)?
        .into_iter()
        .map(|r| container::refresh(&store, r))
        .collect();
    let everyone = all.clone();
    let limit = if args.latest { Some(1) } else { args.last };
    if limit.is_none() && !args.all && !filters.iter().any(|(k, _)| k == "status" || k == "exited")
    {
        all.retain(|r| matches!(r.status, Status::Running | Status::Restarting));
    }
    let mut shown = Vec::new();
    for r in all {
        if matches(&r, &filters)? {
            shown.push(r);
        }
    }
    if let Some(n) = limit {
        shown.truncate(n);
    }
    let trunc = !args.no_trunc;
    if args.quiet {
        for r in &shown {
            println!("{}", if trunc { r.short_id() } else { &r.id });
        }
        return Ok(0);
    }
    if let Some(f) = &args.format {
        let tmpl = f.strip_prefix("table ").unwrap_or(f);
        for r in &shown {
            println!(
                "{}",
                tug::format::render(
                    tmpl,
                    &format_value(
                        &store,
                        &everyone,
                        r,
                        trunc,
                        args.size || tmpl.contains(".Size")
                    )
                )?
            );
        }
        return Ok(0);
    }
    let mut header = vec![
        "CONTAINER ID",
        "IMAGE",
        "COMMAND",
        "CREATED",
        "STATUS",
        "PORTS",
        "NAMES",
    ];
    if args.size {
        header.push("SIZE");
    }
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|r| {
            let mut row = vec![
                if trunc {
                    r.short_id().to_string()
                } else {
                    r.id.clone()
                },
                r.image.clone(),
                command_text(r, trunc),
                super::ago(r.created),
                super::status_text(r),
                ports_text(&store, r),
                names_text(&everyone, r),
            ];
            if args.size {
                row.push(size_text(&store, r));
            }
            row
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 3));
            }
        }
        println!("{}", s.trim_end());
    };
    line(header.clone());
    for row in &rows {
        line(row.iter().map(String::as_str).collect());
    }
    Ok(0)
}
