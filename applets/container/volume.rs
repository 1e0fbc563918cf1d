//! `tug volume create|ls|inspect|rm|prune`.

use clap::Args as ClapArgs;
use serde_json::json;
use tug::container::volume;

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct CreateArgs {
    /// Set metadata for a volume (KEY=VALUE)
    #[arg(short = 'l', long)]
    pub label: Vec<String>,
    /// Volume driver (only "local")
    #[arg(short = 'd', long, default_value = "local")]
    pub driver: String,
    /// The volume's name (random when omitted)
    pub name: Option<String>,
}

pub fn create(args: CreateArgs, g: &Global) -> anyhow::Result<i32> {
    if args.driver != "local" {
        return Err(tug::Error::Invalid(format!(
            "volume driver {:?} is not supported: only local",
            args.driver
        ))
        .into());
    }
    let store = open_store(g)?;
    let labels = args
        .label
        .iter()
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let v = volume::create(&store, args.name.as_deref(), labels)?;
    println!("{}", v.name);
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct LsArgs {
    /// Only display volume names
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Format output using a Go template
    #[arg(long)]
    pub format: Option<String>,
}

fn document(store: &tug::store::Store, v: &volume::Volume) -> serde_json::Value {
    json!({
        "CreatedAt": v.created.to_rfc3339(),
        "Driver": v.driver,
        "Labels": v.labels,
        "Mountpoint": volume::data_dir(store, &v.name),
        "Name": v.name,
        "Options": {},
        "Scope": "local",
    })
}

pub fn ls(args: LsArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let all = volume::list(&store)?;
    if args.quiet {
        for v in &all {
            println!("{}", v.name);
        }
    } else if let Some(f) = &args.format {
        for v in &all {
            println!("{}", tug::format::render(f, &document(&store, v))?);
        }
    } else {
        println!("{:<15} VOLUME NAME", "DRIVER");
        for v in &all {
            println!("{:<15} {}", v.driver, v.name);
        }
    }
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct InspectArgs {
    /// Format output using a Go template
    #[arg(short = 'f', long)]
    pub format: Option<String>,
    /// Volumes
    #[arg(required = true, value_name = "VOLUME")]
    pub volumes: Vec<String>,
}

pub fn inspect(args: InspectArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut docs = Vec::new();
    for n in &args.volumes {
        docs.push(document(&store, &volume::load(&store, n)?));
    }
    match &args.format {
        Some(f) => {
            for d in &docs {
                println!("{}", tug::format::render(f, d)?);
            }
        }
        None => println!("{}", serde_json::to_string_pretty(&docs)?),
    }
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct RmArgs {
    /// Force the removal of volumes in use
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Volumes
    #[arg(required = true, value_name = "VOLUME")]
    pub volumes: Vec<String>,
}

pub fn rm(args: RmArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    for n in &args.volumes {
        volume::remove(&store, n, args.force)?;
        println!("{n}");
    }
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct PruneArgs {
    /// Also remove named volumes (default: anonymous ones only, as Docker)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Do not prompt for confirmation (tug never prompts)
    #[arg(short = 'f', long)]
    pub force: bool,
}

pub fn prune(args: PruneArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    println!("Deleted Volumes:");
    for v in volume::list(&store)? {
        if (v.anonymous || args.all) && volume::users(&store, &v.name)?.is_empty() {
            volume::remove(&store, &v.name, false)?;
            println!("{}", v.name);
        }
    }
    Ok(0)
}
