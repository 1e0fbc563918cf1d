//! `tug inspect` (containers, then images) and `tug image inspect`.

use anyhow::Context;
use clap::{Args as ClapArgs, ValueEnum};
use serde_json::Value;

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Kind {
    Container,
    Image,
}

/// Arguments of `inspect`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Names or IDs to inspect
    #[arg(required = true, value_name = "NAME|ID")]
    pub names: Vec<String>,
    /// Format output using a Go template, or `json`
    #[arg(short, long)]
    pub format: Option<String>,
    /// Only look for objects of this type
    #[arg(long = "type")]
    pub kind: Option<Kind>,
    /// Display total file sizes (accepted for compatibility)
    #[arg(short, long)]
    pub size: bool,
}

/// Prints documents as a JSON array, or each through `--format`.
pub fn print_documents(docs: &[Value], format: Option<&str>) -> anyhow::Result<()> {
    match format {
        None | Some("json") => println!("{}", serde_json::to_string_pretty(docs)?),
        Some(f) => {
            for d in docs {
                println!("{}", tug::format::render(f, d)?);
            }
        }
    }
    Ok(())
}

/// `tug image inspect`: images only.
pub fn run(mut a: Args, g: &Global) -> anyhow::Result<i32> {
    a.kind = Some(a.kind.unwrap_or(Kind::Image));
    inspect(a, g)
}

/// `tug inspect`: each name is looked up as a container, then as an image.
pub fn run_any(a: Args, g: &Global) -> anyhow::Result<i32> {
    inspect(a, g)
}

fn inspect(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut docs = Vec::new();
    let mut missing = Vec::new();
    for name in &a.names {
        if a.kind != Some(Kind::Image) {
            if let Ok(r) = tug::container::find(&store, name) {
                let r = tug::container::refresh(&store, r);
                docs.push(crate::container::inspect::document(&store, &r));
                continue;
            }
        }
        if a.kind != Some(Kind::Container) {
            let found = match tug::image::resolve(&store, name) {
                Err(tug::Error::NoSuchImage(e)) => {
                    tug::image::parents::find(&store, name)?.ok_or(tug::Error::NoSuchImage(e))
                }
                other => other,
            };
            match found {
                Ok(img) => {
                    let mut doc = tug::image::inspect::document(&img);
                    if let Some(p) = tug::image::parents::parent(&store, &img)? {
                        doc["Parent"] = p.id.to_string().into();
                    }
                    doc["RepoDigests"] =
                        tug::registry::client::repodigests::of(&store, &img).into();
                    let extras = tug::image::extras::Extras::of(&store, &img.id);
                    tug::image::inspect::add_extras(&mut doc, &extras);
                    docs.push(doc);
                    continue;
                }
                Err(tug::Error::NoSuchImage(_)) => {}
                Err(e) => return Err(e).with_context(|| format!("inspecting {name}")),
            }
        }
        missing.push(name.clone());
    }
    print_documents(&docs, a.format.as_deref())?;
    if let Some(m) = missing.first() {
        anyhow::bail!("no such object: {m}");
    }
    Ok(0)
}
