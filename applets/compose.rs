//! `tug compose` / `docker compose`: the project flags and subcommands.
//! `config` prints the loaded model; the commands that run containers are
//! not there yet and say so.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use tug::compose::{self, LoadOptions, Project, Source};

use crate::cli::Global;
use crate::pending::Pending;

/// Flags that pick the project, before the subcommand.
#[derive(Debug, Args, Clone, Default)]
pub struct ProjectFlags {
    /// Compose configuration files (`-` for stdin); may be given several times
    #[arg(short, long = "file", value_name = "FILE")]
    pub file: Vec<String>,
    /// Project name
    #[arg(short = 'p', long = "project-name", value_name = "NAME")]
    pub project_name: Option<String>,
    /// Alternate working directory (default: the directory of the first file)
    #[arg(global = true, long, value_name = "DIR")]
    pub project_directory: Option<PathBuf>,
    /// Alternate environment files (instead of .env)
    #[arg(global = true, long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
    /// Profiles to enable
    #[arg(global = true, long = "profile", value_name = "PROFILE")]
    pub profile: Vec<String>,
}

/// Arguments of `compose`.
#[derive(Debug, Args)]
pub struct ComposeArgs {
    #[command(flatten)]
    pub project: ProjectFlags,
    #[command(subcommand)]
    pub command: ComposeCommand,
}

#[derive(Debug, Subcommand)]
pub enum ComposeCommand {
    /// Parse, resolve and render the Compose file in canonical format
    Config(ConfigArgs),
    /// Create and start containers
    Up(Pending),
    /// Stop and remove containers and networks
    Down(Pending),
    /// List containers
    Ps(Pending),
    /// View output from containers
    Logs(Pending),
    /// Start services
    Start(Pending),
    /// Stop services
    Stop(Pending),
    /// Restart services
    Restart(Pending),
    /// Pause services
    Pause(Pending),
    /// Unpause services
    Unpause(Pending),
    /// Force stop services
    Kill(Pending),
    /// Remove stopped service containers
    Rm(Pending),
    /// Create containers for services
    Create(Pending),
    /// Build or rebuild services
    Build(Pending),
    /// Pull service images
    Pull(Pending),
    /// Push service images
    Push(Pending),
    /// Execute a command in a running container
    Exec(Pending),
    /// Run a one-off command on a service
    Run(Pending),
    /// Display the running processes
    Top(Pending),
    /// List images used by the created containers
    Images(Pending),
    /// Print the public port for a port binding
    Port(Pending),
    /// List running compose projects
    Ls(Pending),
    /// Receive real time events from containers
    Events(Pending),
    /// Copy files between a service container and the local filesystem
    Cp(Pending),
    /// Block until containers of the services stop
    Wait(Pending),
    /// Convert the project to Kubernetes manifests
    Convert(crate::compose_convert::ConvertArgs),
}

/// Arguments of `compose config`.
#[derive(Debug, Args, Clone)]
pub struct ConfigArgs {
    /// Output format: yaml or json
    #[arg(long, value_name = "FORMAT", default_value = "yaml")]
    pub format: String,
    /// Only validate the configuration, print nothing
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the service names, one per line
    #[arg(long)]
    pub services: bool,
    /// Print the volume names, one per line
    #[arg(long)]
    pub volumes: bool,
    /// Print the profile names, one per line
    #[arg(long)]
    pub profiles: bool,
    /// Print the image names, one per line
    #[arg(long)]
    pub images: bool,
    /// Save to a file instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Loads the project the flags name, from the current directory and the
/// process environment.
pub fn load_project(p: &ProjectFlags, all_profiles: bool) -> anyhow::Result<Project> {
    let mut files = Vec::new();
    for f in &p.file {
        if f == "-" {
            let mut text = String::new();
            std::io::stdin()
                .take(16 << 20)
                .read_to_string(&mut text)
                .context("reading the Compose file from stdin")?;
            files.push(Source::Stdin(text));
        } else {
            files.push(Source::Path(PathBuf::from(f)));
        }
    }
    let mut profiles = p.profile.clone();
    if all_profiles {
        profiles.push("*".into());
    }
    let opts = LoadOptions {
        files,
        working_dir: std::env::current_dir().context("the working directory")?,
        project_directory: p.project_directory.clone(),
        project_name: p.project_name.clone(),
        env_files: p.env_file.clone(),
        profiles,
        environment: std::env::vars().collect::<BTreeMap<_, _>>(),
    };
    Ok(compose::load(&opts)?)
}

pub fn run(a: ComposeArgs, _g: &Global) -> anyhow::Result<i32> {
    match a.command {
        ComposeCommand::Config(c) => config(&a.project, &c),
        ComposeCommand::Convert(c) => crate::compose_convert::run(&a.project, &c),
        _ => Err(tug::Error::NotImplemented("compose (only `compose config` so far)").into()),
    }
}

fn config(p: &ProjectFlags, c: &ConfigArgs) -> anyhow::Result<i32> {
    let project = load_project(p, c.profiles)?;
    if c.quiet {
        return Ok(0);
    }
    let lines = |v: Vec<String>| v.into_iter().map(|l| l + "\n").collect::<String>();
    let text = if c.services {
        lines(
            project
                .services()
                .iter()
                .map(|(n, _)| n.to_string())
                .collect(),
        )
    } else if c.volumes {
        let vols = match project.model.get("volumes").map(|v| &v.value) {
            Some(compose::yaml::Value::Map(m)) => m.iter().map(|(k, _)| k.clone()).collect(),
            _ => Vec::new(),
        };
        lines(vols)
    } else if c.profiles {
        let mut all: Vec<String> = project
            .services()
            .iter()
            .filter_map(|(_, s)| s.get("profiles"))
            .filter_map(|p| match &p.value {
                compose::yaml::Value::Seq(v) => Some(
                    v.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        all.sort();
        all.dedup();
        lines(all)
    } else if c.images {
        lines(
            project
                .services()
                .iter()
                .map(|(n, s)| match s.get("image").and_then(|i| i.as_str()) {
                    Some(i) => i.to_string(),
                    None => format!("{}-{n}", project.name),
                })
                .collect(),
        )
    } else {
        match c.format.as_str() {
            "yaml" => compose::emit::to_yaml(&project.model),
            "json" => serde_json::to_string_pretty(&project.model.to_json())? + "\n",
            other => anyhow::bail!("unsupported --format {other:?}: use yaml or json"),
        }
    };
    match &c.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(0)
}
