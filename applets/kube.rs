//! `tug kube generate`: containers as Kubernetes YAML, as podman's
//! `kube generate`; what cannot be converted is listed on stderr.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use tug::kube::generate::{generate, Kind, Options};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, Subcommand)]
pub enum KubeCommand {
    /// Generate Kubernetes YAML from containers
    Generate(GenerateArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Pod,
    Deployment,
}

/// Arguments of `kube generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The containers to put in the pod
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
    /// What to generate
    #[arg(short, long = "type", value_enum, default_value = "pod")]
    pub kind: KindArg,
    /// Also generate a Service for the published ports
    #[arg(short, long)]
    pub service: bool,
    /// The pod's name (default: the first container's name and -pod)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Write to a file instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub filename: Option<PathBuf>,
}

pub fn run(cmd: KubeCommand, g: &Global) -> anyhow::Result<i32> {
    let KubeCommand::Generate(a) = cmd;
    let store = open_store(g)?;
    let records = a
        .containers
        .iter()
        .map(|c| tug::container::find(&store, c))
        .collect::<Result<Vec<_>, _>>()?;
    let opts = Options {
        kind: match a.kind {
            KindArg::Pod => Kind::Pod,
            KindArg::Deployment => Kind::Deployment,
        },
        service: a.service,
        name: a.name,
    };
    let m = generate(&records, &opts);
    let text = m.to_yaml();
    match &a.filename {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    for u in &m.unconverted {
        eprintln!("not converted: {u}");
    }
    Ok(0)
}
