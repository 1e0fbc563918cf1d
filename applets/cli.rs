//! The command tree, as Docker spells it. Each subcommand's arguments are
//! defined beside its code (`image/ls.rs`, `registry/pull.rs`...); this file
//! only names them and routes each to its `run`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::{image, registry, system};

/// One static executable that replaces a Docker installation: no daemon, no root.
#[derive(Debug, Parser)]
#[command(
    name = "tug",
    version,
    about,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Docker's daemon socket: tug has no daemon, so this is refused with a
    /// word on what to do instead
    #[arg(short = 'H', long = "host", value_name = "HOST", hide = true)]
    pub host: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// Store root (default: /var/lib/tug for root, ~/.local/share/tug rootless; or $TUG_ROOT)
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print debugging information
    #[arg(short = 'D', long, global = true)]
    pub debug: bool,
}

impl Global {
    /// Fills what `self` lacks from `other` (an applet's own parse).
    pub fn merge(&mut self, other: Global) {
        if self.root.is_none() {
            self.root = other.root;
        }
        self.debug |= other.debug;
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // --- containers ---
    /// Create and run a new container from an image
    Run(Box<crate::container::run::Args>),
    /// Create a new container
    Create(Box<crate::container::run::Args>),
    /// Start one or more stopped containers
    Start(crate::container::start::Args),
    /// Stop one or more running containers
    Stop(crate::container::stop::Args),
    /// Restart one or more containers
    Restart(crate::container::misc::RestartArgs),
    /// Kill one or more running containers
    Kill(crate::container::kill::Args),
    /// Remove one or more containers
    Rm(crate::container::rm::Args),
    /// List containers
    Ps(crate::container::ps::Args),
    /// Fetch the logs of a container
    Logs(crate::container::logs::Args),
    /// Execute a command in a running container
    Exec(crate::container::exec::Args),
    /// Attach to a running container's standard streams
    Attach(crate::container::logs::AttachArgs),
    /// Block until containers stop, then print their exit codes
    Wait(crate::container::wait::Args),
    /// Display the running processes of a container
    Top(crate::container::misc::TopArgs),
    /// Copy files between a container and the host
    Cp(crate::container::files::CpArgs),
    /// Inspect changes to files on a container's filesystem
    Diff(crate::container::diff::Args),
    /// Create a new image from a container's changes
    Commit(crate::container::files::CommitArgs),
    /// Export a container's filesystem as a tar archive
    Export(crate::container::files::ExportArgs),
    /// Pause all processes within containers
    Pause(crate::container::misc::ContainersArgs),
    /// Unpause all processes within containers
    Unpause(crate::container::misc::ContainersArgs),
    /// Rename a container
    Rename(crate::container::misc::RenameArgs),
    /// Display a live stream of container resource usage
    Stats(crate::container::stats::Args),
    /// List port mappings of a container
    Port(crate::container::port::Args),
    /// Get real time events
    Events(crate::container::events::Args),
    /// Manage containers
    #[command(subcommand)]
    Container(ContainerCommand),
    /// Manage volumes
    #[command(subcommand)]
    Volume(VolumeCommand),
    /// Return low-level information on containers, images, volumes or networks
    Inspect(image::inspect::Args),

    // --- images ---
    /// List images
    Images(image::ls::Args),
    /// Import the contents of a tarball to create a filesystem image
    Import(image::import::Args),
    /// Load images from a tar archive or STDIN
    Load(image::load::Args),
    /// Save images to a tar archive (streamed to STDOUT by default)
    Save(image::save::Args),
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
    Tag(image::tag::Args),
    /// Remove one or more images
    Rmi(image::rmi::Args),
    /// Show the history of an image
    History(image::history::Args),
    /// Manage images
    #[command(subcommand)]
    Image(ImageCommand),
    /// Build an image from a Dockerfile
    Build(Box<crate::build::Args>),
    /// Build an image from a Dockerfile (the image-build applet)
    #[command(name = "image-build")]
    ImageBuild(Box<crate::build::Args>),
    /// Docker Buildx's commands (`buildx build`)
    #[command(subcommand)]
    Buildx(BuildxCommand),
    /// Manage the build cache
    #[command(subcommand)]
    Builder(BuilderCommand),

    // --- registries ---
    /// Download an image from a registry
    Pull(registry::pull::Args),
    /// Upload an image to a registry
    Push(registry::push::Args),
    /// Log in to a registry
    Login(registry::login::Args),
    /// Log out from a registry
    Logout(registry::logout::Args),
    /// Search a registry's catalog for images
    Search(registry::search::Args),
    /// Serve an OCI distribution registry over the store (the registry-serve applet)
    #[command(name = "registry-serve")]
    RegistryServe(registry::serve::Args),
    /// Manage the registry served from this store
    #[command(subcommand)]
    Registry(RegistryCommand),

    // --- networks, compose ---
    /// Manage networks (the network applet)
    #[command(subcommand)]
    Network(crate::network::NetworkCommand),
    /// Define and run multi-container applications
    Compose(crate::compose::ComposeArgs),
    /// Create and start a Compose project (the compose-up applet)
    #[command(name = "compose-up")]
    ComposeUp(crate::compose::ComposeUpArgs),
    /// Generate Kubernetes YAML from containers
    #[command(subcommand)]
    Kube(crate::kube::KubeCommand),

    // --- system ---
    /// Display system-wide information
    Info(system::InfoArgs),
    /// Show the tug version information
    Version(system::VersionArgs),
    /// Manage tug
    #[command(subcommand)]
    System(system::SystemCommand),
    /// Create the applet symlinks (run, registry-serve, ...) in DIR
    #[command(name = "install-links")]
    InstallLinks(crate::links::Args),
    /// Print a shell completion script
    Completion(crate::docs::CompletionArgs),
    /// Write completions/ and man/ (for maintainers)
    #[command(name = "gen-docs", hide = true)]
    GenDocs(crate::docs::GenDocsArgs),
    /// Work as root of a mapped user namespace (internal)
    #[command(name = "_userns", hide = true)]
    Userns(crate::internal::UsernsArgs),
    /// Unpack an image's layer snapshots and print them (internal)
    #[command(name = "_prepare", hide = true)]
    Prepare(crate::internal_unpack::PrepareArgs),
    /// Hold the rootless session's user and network namespaces (internal)
    #[command(name = "_pause", hide = true)]
    Pause_,
    /// The per-container monitor of a detached container (internal)
    #[command(name = "container-monitor", hide = true)]
    ContainerMonitor(crate::container::monitor::Args),
    /// Delete removed containers' files (internal)
    #[command(name = "_empty-trash", hide = true)]
    EmptyTrash,
}

#[derive(Debug, Subcommand)]
pub enum ContainerCommand {
    /// List containers
    #[command(alias = "ps", alias = "list")]
    Ls(crate::container::ps::Args),
    /// Display detailed information on one or more containers
    Inspect(crate::container::inspect::Args),
    /// Remove all stopped containers
    Prune(crate::container::misc::PruneArgs),
}

#[derive(Debug, Subcommand)]
pub enum VolumeCommand {
    /// Create a volume
    Create(crate::container::volume::CreateArgs),
    /// List volumes
    #[command(alias = "list")]
    Ls(crate::container::volume::LsArgs),
    /// Display detailed information on one or more volumes
    Inspect(crate::container::volume::InspectArgs),
    /// Remove one or more volumes
    #[command(alias = "remove")]
    Rm(crate::container::volume::RmArgs),
    /// Remove unused local volumes
    Prune(crate::container::volume::PruneArgs),
}

#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// List images
    #[command(alias = "list")]
    Ls(image::ls::Args),
    /// Import the contents of a tarball to create a filesystem image
    Import(image::import::Args),
    /// Load images from a tar archive or STDIN
    Load(image::load::Args),
    /// Save images to a tar archive
    Save(image::save::Args),
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
    Tag(image::tag::Args),
    /// Remove one or more images
    #[command(alias = "remove")]
    Rm(image::rmi::Args),
    /// Display detailed information on one or more images
    Inspect(image::inspect::Args),
    /// Show the history of an image
    History(image::history::Args),
    /// Remove unused images
    Prune(image::prune::Args),
    /// Download an image from a registry
    Pull(registry::pull::Args),
    /// Upload an image to a registry
    Push(registry::push::Args),
    /// Build an image from a Dockerfile
    Build(Box<crate::build::Args>),
}

#[derive(Debug, Subcommand)]
pub enum BuildxCommand {
    /// Build an image from a Dockerfile
    Build(Box<crate::build::Args>),
    /// Remove build cache
    Prune(crate::build::PruneArgs),
}

#[derive(Debug, Subcommand)]
pub enum BuilderCommand {
    /// Build an image from a Dockerfile
    Build(Box<crate::build::Args>),
    /// Remove build cache
    Prune(crate::build::PruneArgs),
}

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Serve an OCI distribution registry over the store
    Serve(Box<registry::serve::Args>),
    /// Delete blobs no manifest references, safely while pushes go on
    Gc(registry::gc::Args),
}

/// Routes a parsed command line to its applet code.
pub fn dispatch(cli: Cli) -> anyhow::Result<i32> {
    no_daemon_to_reach(cli.host.as_deref())?;
    let g = &cli.global;
    use Command as C;
    match cli.command {
        C::Inspect(a) => image::inspect::run_any(a, g),
        C::Images(a) => image::ls::run(a, g),
        C::Import(a) => image::import::run(a, g),
        C::Load(a) => image::load::run(a, g),
        C::Save(a) => image::save::run(a, g),
        C::Tag(a) => image::tag::run(a, g),
        C::Rmi(a) => image::rmi::run(a, g),
        C::History(a) => image::history::run(a, g),
        C::Image(i) => image_command(i, g),
        C::Pull(a) => registry::pull::run(a, g),
        C::Push(a) => registry::push::run(a, g),
        C::Login(a) => registry::login::run(a, g),
        C::Logout(a) => registry::logout::run(a, g),
        C::Search(a) => registry::search::run(a, g),
        C::RegistryServe(a) => registry::serve::run(a, g),
        C::Registry(RegistryCommand::Serve(a)) => registry::serve::run(*a, g),
        C::Registry(RegistryCommand::Gc(a)) => registry::gc::run(a, g),
        C::Info(a) => system::info(a, g),
        C::Version(a) => system::version(a),
        C::System(s) => system::run(s, g),
        C::InstallLinks(a) => crate::links::run(a),
        C::Completion(a) => crate::docs::completion(a),
        C::GenDocs(a) => crate::docs::gen_docs(a),
        C::Run(a) => crate::container::run::run(*a, g),
        C::Create(a) => crate::container::create::run(*a, g),
        C::Start(a) => crate::container::start::run(a, g),
        C::Stop(a) => crate::container::stop::run(a, g),
        C::Restart(a) => crate::container::misc::restart(a, g),
        C::Kill(a) => crate::container::kill::run(a, g),
        C::Rm(a) => crate::container::rm::run(a, g),
        C::Ps(a) => crate::container::ps::run(a, g),
        C::Logs(a) => crate::container::logs::run(a, g),
        C::Exec(a) => crate::container::exec::run(a, g),
        C::Attach(a) => crate::container::logs::attach(a, g),
        C::Wait(a) => crate::container::wait::run(a, g),
        C::Top(a) => crate::container::misc::top(a, g),
        C::Cp(a) => crate::container::files::cp(a, g),
        C::Diff(a) => crate::container::diff::run(a, g),
        C::Commit(a) => crate::container::files::commit(a, g),
        C::Export(a) => crate::container::files::export(a, g),
        C::Pause(a) => crate::container::misc::pause(a, g, true),
        C::Unpause(a) => crate::container::misc::pause(a, g, false),
        C::Rename(a) => crate::container::misc::rename(a, g),
        C::Stats(a) => crate::container::stats::run(a, g),
        C::Port(a) => crate::container::port::run(a, g),
        C::Events(a) => crate::container::events::run(a, g),
        C::Container(ContainerCommand::Ls(a)) => crate::container::ps::run(a, g),
        C::Container(ContainerCommand::Inspect(a)) => crate::container::inspect::run(a, g),
        C::Container(ContainerCommand::Prune(a)) => crate::container::misc::prune(a, g),
        C::ContainerMonitor(a) => crate::container::monitor::run(a, g),
        C::Userns(a) => crate::internal::run(a, g),
        C::Prepare(a) => crate::internal_unpack::run(a, g),
        C::EmptyTrash => {
            tug::container::trash::let_go();
            crate::common::open_store(g).map(|s| {
                tug::container::trash::empty(&s, false);
                0
            })
        }
        C::Pause_ => tug::net::session::pause_main()
            .map(|()| 0)
            .map_err(Into::into),
        C::Volume(v) => {
            use crate::container::volume as vol;
            match v {
                VolumeCommand::Create(a) => vol::create(a, g),
                VolumeCommand::Ls(a) => vol::ls(a, g),
                VolumeCommand::Inspect(a) => vol::inspect(a, g),
                VolumeCommand::Rm(a) => vol::rm(a, g),
                VolumeCommand::Prune(a) => vol::prune(a, g),
            }
        }
        C::Build(a)
        | C::ImageBuild(a)
        | C::Buildx(BuildxCommand::Build(a))
        | C::Builder(BuilderCommand::Build(a)) => crate::build::run(*a, g),
        C::Buildx(BuildxCommand::Prune(a)) | C::Builder(BuilderCommand::Prune(a)) => {
            crate::build::prune(a, g)
        }
        C::Network(n) => crate::network::run(n, g),
        C::Compose(a) => crate::compose::run(a, g),
        C::ComposeUp(a) => crate::compose::run_up(a, g),
        C::Kube(k) => crate::kube::run(k, g),
    }
}

fn image_command(cmd: ImageCommand, g: &Global) -> anyhow::Result<i32> {
    use ImageCommand as I;
    match cmd {
        I::Ls(a) => image::ls::run(a, g),
        I::Import(a) => image::import::run(a, g),
        I::Load(a) => image::load::run(a, g),
        I::Save(a) => image::save::run(a, g),
        I::Tag(a) => image::tag::run(a, g),
        I::Rm(a) => image::rmi::run(a, g),
        I::Inspect(a) => image::inspect::run(a, g),
        I::History(a) => image::history::run(a, g),
        I::Prune(a) => image::prune::run(a, g),
        I::Pull(a) => registry::pull::run(a, g),
        I::Push(a) => registry::push::run(a, g),
        I::Build(a) => crate::build::run(*a, g),
    }
}

/// `-H`/`--host` and a remote `DOCKER_HOST` name a daemon to talk to; tug
/// runs containers itself, so say so instead of quietly acting locally. A
/// local `unix://` socket in `DOCKER_HOST` is what tug is anyway: ignored.
fn no_daemon_to_reach(host: Option<&str>) -> anyhow::Result<()> {
    let env = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty());
    let (what, value) = match (host, env) {
        (Some(h), _) => ("-H/--host", h.to_string()),
        (None, Some(h)) if !h.starts_with("unix://") => ("DOCKER_HOST", h),
        _ => return Ok(()),
    };
    anyhow::bail!(
        "{what} {value}: tug has no daemon to connect to; it runs containers itself on this machine (unset {what}, and use --root or TUG_ROOT to pick a store)"
    )
}
