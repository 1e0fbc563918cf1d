//! `image-build` / `tug build` / `tug image build` / `tug buildx build`:
//! Docker's flags. `--check` parses and evaluates every stage and runs
//! nothing; building itself is not there yet and says so.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args as ClapArgs;
use tug::build::check::{check, CheckDirective};
use tug::build::dockerfile;
use tug::build::scope::BuildArgs;
use tug::build::BuildError;

use crate::cli::Global;

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

/// The Dockerfile's name (for messages) and text.
fn read_dockerfile(a: &Args) -> anyhow::Result<(String, String)> {
    let name = a.file.clone().unwrap_or_else(|| "Dockerfile".to_string());
    if a.file.as_deref() == Some("-") || (a.context == "-" && a.file.is_none()) {
        let mut data = Vec::new();
        std::io::stdin()
            .take(MAX_DOCKERFILE + 1)
            .read_to_end(&mut data)
            .context("reading the Dockerfile from stdin")?;
        if a.context == "-" && is_tar(&data) {
            return dockerfile_in_tar(&data, &name);
        }
        return Ok(("Dockerfile".to_string(), text(data, "stdin")?));
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
    Ok((name, text(data, &path.display().to_string())?))
}

/// A Dockerfile larger than this is refused.
const MAX_DOCKERFILE: u64 = 16 << 20;

fn text(data: Vec<u8>, from: &str) -> anyhow::Result<String> {
    anyhow::ensure!(
        data.len() as u64 <= MAX_DOCKERFILE,
        "{from}: the Dockerfile is larger than the {MAX_DOCKERFILE}-byte limit"
    );
    String::from_utf8(data).map_err(|_| anyhow::anyhow!("{from}: the Dockerfile is not UTF-8 text"))
}

fn is_tar(data: &[u8]) -> bool {
    data.get(257..262) == Some(b"ustar")
}

fn dockerfile_in_tar(data: &[u8], name: &str) -> anyhow::Result<(String, String)> {
    let mut ar = tar::Archive::new(data);
    for entry in ar.entries().context("reading the context tar from stdin")? {
        let mut entry = entry.context("reading the context tar from stdin")?;
        let path = entry
            .path()?
            .to_string_lossy()
            .trim_start_matches("./")
            .to_string();
        if path == name {
            let mut body = Vec::new();
            entry.read_to_end(&mut body)?;
            return Ok((name.to_string(), text(body, name)?));
        }
    }
    anyhow::bail!("the context tar on stdin holds no {name}")
}

pub fn run(a: Args, _g: &Global) -> anyhow::Result<i32> {
    let (name, text) = read_dockerfile(&a)?;
    let df = dockerfile::parse(&name, &text).map_err(BuildError::from)?;
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
    if !a.check {
        return Err(tug::Error::NotImplemented("building an image (only --check so far)").into());
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
