//! `tug inspect` / `tug image inspect` (images for now; containers, volumes
//! and networks join as they land).

use clap::Args as ClapArgs;
use serde::Serialize;
use tug::image::inspect::inspect;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `inspect`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Images to inspect (names or IDs)
    #[arg(value_name = "NAME|ID", required = true)]
    pub names: Vec<String>,
    /// Format output using a Go template, or 'json'
    #[arg(short, long)]
    pub format: Option<String>,
    /// Only inspect objects of this type (image)
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
}

/// Prints `docs` as Docker does: a JSON array with 4-space indent.
pub fn print_json_array<T: Serialize>(docs: &[T]) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    docs.serialize(&mut ser)?;
    println!("{}", String::from_utf8_lossy(&buf));
    Ok(())
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    if let Some(k) = &args.kind {
        if k != "image" {
            anyhow::bail!("inspect --type {k}: only images can be inspected so far");
        }
    }
    let store = open_store(g)?;
    let mut docs = Vec::new();
    let mut missing = Vec::new();
    for n in &args.names {
        match tug::image::resolve(&store, n) {
            Ok(img) => docs.push(inspect(&img)),
            Err(tug::Error::NoSuchImage(_)) => missing.push(n.clone()),
            Err(e) => return Err(e.into()),
        }
    }
    match args.format.as_deref() {
        None | Some("") => {
            print_json_array(&docs)?;
        }
        Some(f) => {
            for d in &docs {
                let v = serde_json::to_value(d)?;
                print!("{}", tug::format::render_one(f, &v)?);
            }
        }
    }
    match missing.first() {
        Some(_) => Err(tug::Error::NoSuchImage(missing.join(", ")).into()),
        None => Ok(0),
    }
}
