//! `tug compose` / `docker compose`: the project flags and subcommands.
//! `config` prints the loaded model; `up.rs` (up, create, down, logs),
//! `info.rs` (ps, images, ls, top, port, version) and `ops.rs` (start,
//! stop, restart, kill, rm, pause, unpause, pull, push, exec, run, wait,
//! cp, events) act on
//! the project's containers through `tug::compose`.

mod build;
mod info;
mod ops;
mod up;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use tug::compose::{self, LoadOptions, Project, Source};

use crate::cli::Global;
use crate::common::open_store;

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
    Up(up::UpArgs),
    /// Stop and remove containers and networks
    Down(up::DownArgs),
    /// List containers
    Ps(info::PsArgs),
    /// View output from containers
    Logs(up::LogsArgs),
    /// Start services
    Start(ops::ServicesArgs),
    /// Stop services
    Stop(ops::StopArgs),
    /// Restart services
    Restart(ops::StopArgs),
    /// Pause services
    Pause(ops::ServicesArgs),
    /// Unpause services
    Unpause(ops::ServicesArgs),
    /// Force stop services
    Kill(ops::KillArgs),
    /// Remove stopped service containers
    Rm(ops::RmArgs),
    /// Create containers for services
    Create(up::CreateArgs),
    /// Build or rebuild services
    Build(build::BuildArgs),
    /// Pull service images
    Pull(ops::PullArgs),
    /// Push service images
    Push(ops::PushArgs),
    /// Execute a command in a running container
    Exec(ops::ExecArgs),
    /// Run a one-off command on a service
    Run(ops::RunArgs),
    /// Display the running processes
    Top(info::TopArgs),
    /// List images used by the created containers
    Images(info::ImagesArgs),
    /// Print the public port for a port binding
    Port(info::PortArgs),
    /// List running compose projects
    Ls(info::LsArgs),
    /// Receive real time events from containers
    Events(ops::EventsArgs),
    /// Copy files between a service container and the local filesystem
    Cp(ops::CpArgs),
    /// Block until containers of the services stop
    Wait(ops::ServicesArgs),
    /// Show the Compose version information
    Version(info::VersionArgs),
    /// Convert the project to Kubernetes manifests
    Convert(crate::compose_convert::ConvertArgs),
}

/// Arguments of the `compose-up` applet: `tug compose up` with the
/// project flags.
#[derive(Debug, Args)]
pub struct ComposeUpArgs {
    #[command(flatten)]
    pub project: ProjectFlags,
    #[command(flatten)]
    pub up: up::UpArgs,
}

/// `compose-up ARGS` = `tug compose up ARGS`.
pub fn run_up(a: ComposeUpArgs, g: &Global) -> anyhow::Result<i32> {
    run(
        ComposeArgs {
            project: a.project,
            command: ComposeCommand::Up(a.up),
        },
        g,
    )
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

pub fn run(a: ComposeArgs, g: &Global) -> anyhow::Result<i32> {
    use ComposeCommand as C;
    let p = &a.project;
    match &a.command {
        C::Config(c) => config(p, c),
        C::Version(v) => info::version(v),
        C::Ls(l) => info::ls(&open_store(g)?, l),
        C::Convert(c) => crate::compose_convert::run(p, c),
        command => {
            let store = open_store(g)?;
            let plan = match load_project(p, false) {
                Ok(project) => tug::compose::plan(&store, &project)?,
                // `-p NAME down` (ps, logs, stop...) with no Compose file:
                // the project is what its containers' labels say.
                Err(e) if by_name_only(&e, p, command) => {
                    tug::compose::Plan::bare(&store, p.project_name.as_deref().unwrap_or_default())
                }
                Err(e) => return Err(e),
            };
            on_project(&store, &plan, command)
        }
    }
}

/// Whether a command can go on without a Compose file: one that only acts
/// on existing containers, with `-p NAME` given.
fn by_name_only(e: &anyhow::Error, p: &ProjectFlags, command: &ComposeCommand) -> bool {
    use ComposeCommand as C;
    let no_file = matches!(
        e.downcast_ref::<compose::ComposeError>(),
        Some(compose::ComposeError::NoFile { .. })
    );
    let acts_on_existing = matches!(
        command,
        C::Down(_)
            | C::Ps(_)
            | C::Logs(_)
            | C::Stop(_)
            | C::Kill(_)
            | C::Rm(_)
            | C::Top(_)
            | C::Images(_)
            | C::Pause(_)
            | C::Unpause(_)
            | C::Wait(_)
    );
    no_file && acts_on_existing && p.project_name.is_some()
}

/// The commands that act on the loaded project's containers.
fn on_project(
    s: &tug::store::Store,
    plan: &tug::compose::Plan,
    command: &ComposeCommand,
) -> anyhow::Result<i32> {
    use tug::compose::down::Action;
    use ComposeCommand as C;
    match command {
        C::Up(u) => up::up(s, plan, u),
        C::Create(c) => up::create(s, plan, c),
        C::Down(d) => up::down(s, plan, d),
        C::Logs(l) => up::logs(s, plan, l),
        C::Build(x) => build::build(s, plan, x),
        C::Ps(x) => info::ps(s, plan, x),
        C::Images(x) => info::images(s, plan, x),
        C::Top(x) => info::top(s, plan, x),
        C::Port(x) => info::port(s, plan, x),
        C::Start(x) => ops::act(s, plan, &x.services, Action::Start, None),
        C::Stop(x) => ops::act(s, plan, &x.services, Action::Stop, x.timeout),
        C::Restart(x) => ops::act(s, plan, &x.services, Action::Restart, x.timeout),
        C::Pause(x) => ops::act(s, plan, &x.services, Action::Pause, None),
        C::Unpause(x) => ops::act(s, plan, &x.services, Action::Unpause, None),
        C::Kill(x) => ops::kill(s, plan, x),
        C::Rm(x) => ops::rm(s, plan, x),
        C::Pull(x) => ops::pull(s, plan, x),
        C::Exec(x) => ops::exec(s, plan, x),
        C::Run(x) => ops::run(s, plan, x),
        C::Wait(x) => ops::wait(s, plan, x),
        C::Cp(x) => ops::cp(s, plan, x),
        C::Push(x) => ops::push(s, plan, x),
        C::Events(x) => ops::events(s, plan, x),
        _ => crate::pending::run("this compose command"),
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
            "yaml" => compose::emit::config(&project.model, false),
            "json" => compose::emit::config(&project.model, true),
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
