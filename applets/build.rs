//! `image-build` / `tug build` / `tug image build` / `tug buildx build`:
//! Docker's flags. `--check` parses and evaluates every stage and runs
//! nothing; otherwise the image is built into the store, then written out
//! (`--output`) and pushed (`--push`).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args as ClapArgs;
use std::io::IsTerminal;
use tug::build::check::{check, CheckDirective};
use tug::build::dockerfile;
use tug::build::ignore::Ignore;
use tug::build::scope::BuildArgs;
use tug::build::tree::DirTree;
use tug::build::{BuildError, Request, Secret};
use tug::image::archive::ArchiveFormat;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `build`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// The build context: a directory, or `-` (a Dockerfile or a tar of the context on stdin)
    #[arg(value_name = "PATH|-")]
    pub context: String,
    /// Name and optionally a tag (`name:tag`); may be given several times
    #[arg(short, long = "tag", value_name = "NAME[:TAG]")]
    pub tag: Vec<String>,
    /// Name of the Dockerfile (default: PATH/Dockerfile); `-` reads it from stdin
    #[arg(short, long = "file", value_name = "FILE")]
    pub file: Option<String>,
    /// Set a build-time variable (`NAME=VALUE`, or `NAME` to take it from the environment)
    #[arg(long = "build-arg", value_name = "NAME[=VALUE]")]
    pub build_arg: Vec<String>,
    /// Set metadata on the image
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// Do not use the cache
    #[arg(long)]
    pub no_cache: bool,
    /// Always pull the images the Dockerfile names
    #[arg(long)]
    pub pull: bool,
    /// Build this stage and the stages it needs
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// Network for RUN steps: default, none or host
    #[arg(long, value_name = "MODE", default_value = "default")]
    pub network: String,
    /// Secret for RUN --mount=type=secret (`id=NAME,src=PATH` or `id=NAME,env=VAR`)
    #[arg(long, value_name = "id=ID,src=PATH|env=VAR")]
    pub secret: Vec<String>,
    /// Platform of the image (the host's; others are refused)
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    /// Write the image ID to a file
    #[arg(long, value_name = "FILE")]
    pub iidfile: Option<PathBuf>,
    /// Print only the image ID
    #[arg(short, long)]
    pub quiet: bool,
    /// How to show progress: auto, plain or quiet
    #[arg(long, value_name = "MODE", default_value = "auto")]
    pub progress: String,
    /// Parse and evaluate every stage, run nothing, report problems
    #[arg(long)]
    pub check: bool,
    /// Where to write the result (`type=oci|docker|tar|local,dest=PATH`)
    #[arg(short, long, value_name = "type=TYPE,dest=PATH")]
    pub output: Vec<String>,
    /// Push the image after building it
    #[arg(long)]
    pub push: bool,
    /// Remove intermediate containers (always done; accepted for Docker's scripts)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, hide = true)]
    pub rm: bool,
    /// Remove intermediate containers even after a failure (always done)
    #[arg(long, hide = true)]
    pub force_rm: bool,
}

/// `--build-arg`s as a map; a bare `NAME` takes the caller's environment
/// and is left out when that is unset, as Docker does.
fn build_args(raw: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for a in raw {
        match a.split_once('=') {
            Some(("", _)) => anyhow::bail!("invalid --build-arg {a:?}: the name is empty"),
            Some((k, v)) => {
                out.insert(k.to_string(), v.to_string());
            }
            None => {
                if let Ok(v) = std::env::var(a) {
                    out.insert(a.clone(), v);
                }
            }
        }
    }
    Ok(out)
}

/// Where the Dockerfile and the context come from.
struct Input {
    /// The Dockerfile's name (for messages) and text.
    name: String,
    text: String,
    /// The context directory; none for a Dockerfile alone on stdin.
    context: Option<PathBuf>,
    /// A context tar from stdin, unpacked here (removed at the end).
    unpacked: Option<tempfile::TempDir>,
    /// The Dockerfile's path, for `<Dockerfile>.dockerignore`.
    path: Option<PathBuf>,
}

/// Reads the Dockerfile, and a context tar when stdin holds one.
fn read_input(a: &Args, tmp: &Path) -> anyhow::Result<Input> {
    let name = a.file.clone().unwrap_or_else(|| "Dockerfile".to_string());
    if a.file.as_deref() == Some("-") || a.context == "-" {
        let mut data = Vec::new();
        let cap = if a.context == "-" {
            MAX_CONTEXT_TAR
        } else {
            MAX_DOCKERFILE
        };
        std::io::stdin()
            .take(cap + 1)
            .read_to_end(&mut data)
            .context("reading stdin")?;
        if a.context == "-" && is_tar(&data) {
            anyhow::ensure!(
                data.len() as u64 <= MAX_CONTEXT_TAR,
                "the context tar on stdin is larger than {MAX_CONTEXT_TAR} bytes"
            );
            let dir = tempfile::Builder::new()
                .prefix("tmp-build-context-")
                .tempdir_in(tmp)
                .context("making a directory for the context")?;
            unpack_context(&data, dir.path())?;
            let path = dir.path().join(&name);
            let text = std::fs::read(&path)
                .map_err(|_| anyhow::anyhow!("the context tar on stdin holds no {name}"))?;
            return Ok(Input {
                name: name.clone(),
                text: text_of(text, &name)?,
                context: Some(dir.path().to_path_buf()),
                path: Some(path),
                unpacked: Some(dir),
            });
        }
        anyhow::ensure!(
            data.len() as u64 <= MAX_DOCKERFILE,
            "stdin: the Dockerfile is larger than the {MAX_DOCKERFILE}-byte limit"
        );
        return Ok(Input {
            name: "Dockerfile".to_string(),
            text: text_of(data, "stdin")?,
            context: (a.context != "-").then(|| PathBuf::from(&a.context)),
            unpacked: None,
            path: None,
        });
    }
    let path = match &a.file {
        Some(f) => PathBuf::from(f),
        None => Path::new(&a.context).join("Dockerfile"),
    };
    let meta = std::fs::metadata(&path).with_context(|| format!("reading {}", path.display()))?;
    anyhow::ensure!(
        meta.len() <= MAX_DOCKERFILE,
        "{}: a Dockerfile of {} bytes is larger than the {MAX_DOCKERFILE}-byte limit",
        path.display(),
        meta.len()
    );
    let data = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Input {
        name,
        text: text_of(data, &path.display().to_string())?,
        context: Some(PathBuf::from(&a.context)),
        unpacked: None,
        path: Some(path),
    })
}

/// A Dockerfile larger than this is refused.
const MAX_DOCKERFILE: u64 = 16 << 20;
/// A context tar on stdin larger than this is refused.
const MAX_CONTEXT_TAR: u64 = 4 << 30;

fn text_of(data: Vec<u8>, from: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        data.len() as u64 <= MAX_DOCKERFILE,
        "{from}: the Dockerfile is larger than the {MAX_DOCKERFILE}-byte limit"
    );
    String::from_utf8(data).map_err(|_| anyhow::anyhow!("{from}: the Dockerfile is not UTF-8 text"))
}

fn is_tar(data: &[u8]) -> bool {
    data.get(257..262) == Some(b"ustar")
}

/// Unpacks a context tar: files, directories and symlinks only, every
/// path kept inside `dest` (the tar crate refuses `..` and absolute
/// paths).
fn unpack_context(data: &[u8], dest: &Path) -> anyhow::Result<()> {
    let mut ar = tar::Archive::new(data);
    ar.set_preserve_permissions(true);
    for entry in ar.entries().context("reading the context tar from stdin")? {
        let mut entry = entry.context("reading the context tar from stdin")?;
        if !matches!(
            entry.header().entry_type(),
            tar::EntryType::Regular | tar::EntryType::Directory | tar::EntryType::Symlink
        ) {
            continue;
        }
        entry
            .unpack_in(dest)
            .context("unpacking the context tar from stdin")?;
    }
    Ok(())
}

/// `--secret id=ID,src=PATH` / `id=ID,env=VAR` (`type=file|env`, `source`
/// accepted as Docker does).
fn secrets(raw: &[String]) -> anyhow::Result<BTreeMap<String, Secret>> {
    let mut out = BTreeMap::new();
    for s in raw {
        let (mut id, mut src, mut env) = (None, None, None);
        for f in s.split(',') {
            match f.split_once('=') {
                Some(("id", v)) => id = Some(v.to_string()),
                Some(("src" | "source", v)) => src = Some(v.to_string()),
                Some(("env", v)) => env = Some(v.to_string()),
                Some(("type", "file" | "env")) => {}
                _ => anyhow::bail!(
                    "invalid --secret {s:?}: expected id=ID,src=PATH or id=ID,env=VAR"
                ),
            }
        }
        let id = id
            .or_else(|| env.clone())
            .ok_or_else(|| anyhow::anyhow!("invalid --secret {s:?}: no id"))?;
        let secret = match (src, env) {
            (Some(p), _) => Secret::File(PathBuf::from(p)),
            (None, Some(v)) => Secret::Value(
                std::env::var(&v)
                    .map_err(|_| anyhow::anyhow!("--secret {s:?}: {v} is not set"))?
                    .into_bytes(),
            ),
            (None, None) => match std::env::var(&id) {
                Ok(v) => Secret::Value(v.into_bytes()),
                Err(_) => anyhow::bail!("invalid --secret {s:?}: no src or env"),
            },
        };
        out.insert(id, secret);
    }
    Ok(out)
}

/// The `.dockerignore` that applies (see `Ignore::for_build`).
fn ignore_file(input: &Input, context: &Path) -> anyhow::Result<Ignore> {
    Ignore::for_build(input.path.as_deref(), context)
        .map_err(|(p, e)| anyhow::Error::new(e).context(format!("reading {}", p.display())))
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = if a.check { None } else { Some(open_store(g)?) };
    let tmp = match &store {
        Some(s) => s.tmp_dir(),
        None => std::env::temp_dir(),
    };
    let input = read_input(&a, &tmp)?;
    let name = input.name.clone();
    let df = dockerfile::parse(&name, &input.text).map_err(BuildError::from)?;
    let host = {
        let (os, arch) = tug::image::import::host_platform();
        format!("{os}/{arch}")
    };
    if let Some(p) = &a.platform {
        anyhow::ensure!(
            p == &host,
            "--platform {p}: tug builds for the host's platform ({host}) only"
        );
    }
    let build = BuildArgs {
        given: build_args(&a.build_arg)?,
        platform: host,
    };
    if let Some(store) = store {
        return build_image(&a, store, input, df, build);
    }
    let problems = check(&df, &build, a.target.as_deref());
    for p in &problems {
        if p.is_error() {
            eprintln!("{name}:{}: error: {}", p.line, p.message);
        } else {
            eprintln!("{name}:{}: warning: {}: {}", p.line, p.rule, p.message);
        }
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let strict = CheckDirective::parse(df.directives.check.as_deref().unwrap_or("")).error;
    if errors > 0 || (strict && warnings > 0) {
        return Err(BuildError::CheckFailed { errors, warnings }.into());
    }
    match warnings {
        0 => println!("Check complete, no warnings found."),
        n => println!(
            "Check complete, {n} warning{} found!",
            if n == 1 { " has been" } else { "s have been" }
        ),
    }
    Ok(0)
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Plain,
    Live,
    Quiet,
}

fn build_image(
    a: &Args,
    store: tug::store::Store,
    input: Input,
    df: dockerfile::Dockerfile,
    args: BuildArgs,
) -> anyhow::Result<i32> {
    let outputs = a
        .output
        .iter()
        .map(|o| Output::parse(o))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let push = a.push || outputs.iter().any(|o| o.push);
    anyhow::ensure!(
        !push || !a.tag.is_empty(),
        "--push: name the image with -t (where to push it)"
    );
    anyhow::ensure!(
        outputs.iter().filter(|o| o.to_stdout()).count() <= 1,
        "--output: only one output can go to stdout"
    );
    anyhow::ensure!(
        matches!(a.network.as_str(), "default" | "none" | "host"),
        "--network {}: a build's network is default, none or host",
        a.network
    );
    let mode = match (a.quiet, a.progress.as_str()) {
        (true, _) | (_, "quiet") => Mode::Quiet,
        (_, "plain") => Mode::Plain,
        (_, "auto" | "tty") if std::io::stderr().is_terminal() => Mode::Live,
        (_, "auto" | "tty") => Mode::Plain,
        (_, other) => anyhow::bail!("--progress {other}: must be auto, plain, tty or quiet"),
    };
    let tags = a
        .tag
        .iter()
        .map(|t| tug::reference::Reference::parse(t).with_context(|| format!("invalid tag {t:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut labels = BTreeMap::new();
    for l in &a.label {
        let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
        labels.insert(k.to_string(), v.to_string());
    }
    let context = match &input.context {
        Some(dir) => {
            let ignore = ignore_file(&input, dir)?;
            let root = tug::fs::Root::open(dir)
                .with_context(|| format!("opening the build context {}", dir.display()))?;
            Some(DirTree { root, ignore })
        }
        None => None,
    };
    let req = Request {
        dockerfile: df,
        context,
        args,
        target: a.target.clone(),
        tags: tags.clone(),
        labels,
        no_cache: a.no_cache,
        pull: a.pull,
        network: a.network.clone(),
        secrets: secrets(&a.secret)?,
        // buildx keeps nothing in the image store when the result goes
        // elsewhere; `-t` names still name it here.
        keep: outputs.is_empty() || outputs.iter().any(|o| o.keep),
    };
    tug::build::interrupt::install();
    let mut view = crate::common::build_progress::View::new(mode == Mode::Live);
    let result = tug::build::build(&store, &req, &mut |e| {
        if mode != Mode::Quiet {
            view.event(&e)
        }
    });
    view.finish();
    drop(input.unpacked);
    let built = result?;
    if mode == Mode::Plain {
        eprintln!("#0 writing image {} done", built.id);
        for t in &tags {
            eprintln!("#0 naming to {t} done");
        }
    }
    let img = tug::image::Image::load(&store, &built.manifest, tags.clone())?;
    for o in &outputs {
        o.write(&store, &img)?;
        if mode == Mode::Plain && o.kind != Kind::Image {
            eprintln!("#0 exporting to {} done", o.describe());
        }
    }
    if push {
        for t in &tags {
            let lines = tug::registry::client::push(&store, &img, t)
                .with_context(|| format!("pushing {t}"))?;
            if mode != Mode::Quiet {
                lines.iter().for_each(|l| eprintln!("{l}"));
            }
        }
    }
    if let Some(p) = &a.iidfile {
        std::fs::write(p, built.id.to_string())
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if a.quiet && !outputs.iter().any(|o| o.to_stdout()) {
        println!("{}", built.id);
    }
    Ok(0)
}

/// What `--output` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The image as an OCI image layout tar.
    Oci,
    /// The image as a docker-archive (`docker load`).
    Docker,
    /// The image's filesystem as a tar.
    Tar,
    /// The image's filesystem written into a directory.
    Local,
    /// The image in the store (`type=image`, `type=docker` without a
    /// destination, `type=registry`).
    Image,
}

/// One `--output`.
#[derive(Debug, Clone)]
struct Output {
    kind: Kind,
    /// The file or directory; `-` or none for stdout.
    dest: Option<PathBuf>,
    /// Keep the image in the store.
    keep: bool,
    /// Push it (`type=registry`, `type=image,push=true`).
    push: bool,
}

impl Output {
    /// Docker's forms: `DIR` (local), `-` (a tar on stdout), or
    /// `type=TYPE[,dest=PATH][,push=true|false]`.
    fn parse(raw: &str) -> anyhow::Result<Output> {
        let mut out = Output {
            kind: Kind::Local,
            dest: None,
            keep: false,
            push: false,
        };
        if !raw.contains('=') {
            anyhow::ensure!(!raw.is_empty(), "--output: empty");
            out.kind = if raw == "-" { Kind::Tar } else { Kind::Local };
            out.dest = Some(PathBuf::from(raw));
            return Ok(out);
        }
        let mut kind = None;
        for f in raw.split(',') {
            match f.split_once('=') {
                Some(("type", t)) => {
                    kind = Some(match t {
                        "oci" => Kind::Oci,
                        "docker" => Kind::Docker,
                        "tar" => Kind::Tar,
                        "local" => Kind::Local,
                        "image" | "registry" => Kind::Image,
                        _ => anyhow::bail!(
                            "--output {raw:?}: type {t:?} is not one of oci, docker, tar, local, image, registry"
                        ),
                    });
                    out.push |= t == "registry";
                }
                Some(("dest", d)) if !d.is_empty() => out.dest = Some(PathBuf::from(d)),
                Some(("push", v)) => out.push = v == "true",
                Some(("name", _)) => {}
                _ => anyhow::bail!("--output {raw:?}: unknown field {f:?}"),
            }
        }
        out.kind = kind.unwrap_or(Kind::Local);
        match (out.kind, &out.dest) {
            (Kind::Docker, None) | (Kind::Image, _) => {
                out.kind = Kind::Image;
                out.keep = true;
            }
            (Kind::Local, None) => anyhow::bail!("--output {raw:?}: type=local needs dest=DIR"),
            (Kind::Local, Some(d)) if d.as_os_str() == "-" => {
                anyhow::bail!("--output {raw:?}: type=local cannot write to stdout")
            }
            _ => {}
        }
        if out.to_stdout() && std::io::stdout().is_terminal() {
            anyhow::bail!(
                "--output {raw:?}: refusing to write an archive to the terminal; give dest=FILE"
            );
        }
        Ok(out)
    }

    fn to_stdout(&self) -> bool {
        matches!(self.kind, Kind::Oci | Kind::Docker | Kind::Tar)
            && self.dest.as_ref().is_none_or(|d| d.as_os_str() == "-")
    }

    fn describe(&self) -> String {
        match &self.dest {
            _ if self.to_stdout() => "stdout".to_string(),
            Some(d) => d.display().to_string(),
            None => "the store".to_string(),
        }
    }

    /// Writes `img` out: a file is written beside its place and renamed
    /// in, so a failed build leaves no half-written archive.
    fn write(&self, store: &tug::store::Store, img: &tug::image::Image) -> anyhow::Result<()> {
        let write = |w: &mut dyn std::io::Write| -> anyhow::Result<()> {
            let images = [(img.clone(), img.names.clone())];
            match self.kind {
                Kind::Oci => {
                    tug::image::archive::save(store, &images, ArchiveFormat::OciArchive, w)?;
                }
                Kind::Docker => {
                    tug::image::archive::save(store, &images, ArchiveFormat::DockerArchive, w)?;
                }
                Kind::Tar => {
                    tug::build::output::flatten(store, img, w)?;
                }
                Kind::Local | Kind::Image => {}
            }
            Ok(())
        };
        match (self.kind, &self.dest) {
            (Kind::Image, _) => Ok(()),
            (Kind::Local, Some(d)) => Ok(tug::build::output::unpack_into(store, img, d)?),
            _ if self.to_stdout() => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                write(&mut out)?;
                out.flush().context("writing to stdout")
            }
            (_, Some(p)) => {
                let tmp = p.with_file_name(format!(
                    ".{}.tmp-build",
                    p.file_name()
                        .map(|n| n.to_string_lossy())
                        .unwrap_or_default()
                ));
                let res = (|| -> anyhow::Result<()> {
                    let f = std::fs::File::create(&tmp)
                        .with_context(|| format!("creating {}", tmp.display()))?;
                    let mut w = std::io::BufWriter::new(f);
                    write(&mut w)?;
                    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                    std::fs::rename(&tmp, p).with_context(|| format!("writing {}", p.display()))
                })();
                if res.is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
                res
            }
            (_, None) => Ok(()),
        }
    }
}

/// Arguments of `builder prune`.
#[derive(Debug, ClapArgs, Clone)]
pub struct PruneArgs {
    /// Remove all build cache, not just the intermediate steps'
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

/// `builder prune`: drops cache entries and reports the space freed.
pub fn prune(a: PruneArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    if !a.force && std::io::stdin().is_terminal() {
        eprint!("WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !answer.trim().eq_ignore_ascii_case("y") {
            return Ok(0);
        }
    }
    let pruned = tug::build::cache::prune(&store, a.all)?;
    println!("Total:\t{}", tug::format::human_size(pruned.bytes));
    Ok(0)
}
