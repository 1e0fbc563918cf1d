//! `tug compose convert --format kube`: the project as Kubernetes
//! manifests; what cannot be converted is listed on stderr, one field per
//! line.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::compose::{load_project, ProjectFlags};

/// Arguments of `compose convert`.
#[derive(Debug, Args, Clone)]
pub struct ConvertArgs {
    /// Output format: kube (Kubernetes manifests), yaml or json (the Compose model)
    #[arg(long, value_name = "FORMAT", default_value = "kube")]
    pub format: String,
    /// Save to a file instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail (exit 1) if any field cannot be converted
    #[arg(long)]
    pub strict: bool,
}

pub fn run(p: &ProjectFlags, c: &ConvertArgs) -> anyhow::Result<i32> {
    let project = load_project(p, false)?;
    let (text, unconverted) = match c.format.as_str() {
        "kube" | "kubernetes" => {
            let m = tug::compose::kube::convert(&project)?;
            (m.to_yaml(), m.unconverted)
        }
        "yaml" => (
            tug::compose::emit::config(&project.model, false),
            Vec::new(),
        ),
        "json" => (tug::compose::emit::config(&project.model, true), Vec::new()),
        other => anyhow::bail!("unsupported --format {other:?}: use kube, yaml or json"),
    };
    match &c.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    for u in &unconverted {
        eprintln!("not converted: {u}");
    }
    Ok(if c.strict && !unconverted.is_empty() {
        1
    } else {
        0
    })
}
