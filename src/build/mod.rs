//! Building images from Dockerfiles (`image-build`, `tug build`): the
//! Dockerfile parser (`dockerfile`), the build context's `.dockerignore`
//! (`ignore`), the shell patterns both use (`glob`), the variables in scope
//! at each line (`scope`) and `--check`'s evaluation of every stage
//! (`check`). The executor: [`build`] walks the stages the target needs
//! (`exec`), runs each step (`step::{run, copy, meta}`) on the file trees
//! of the context and the images (`tree`), caches every step by what it
//! read (`cache`), writes `--output` trees (`output`) and reports progress as typed [`Event`]s the applet
//! renders; `interrupt` stops a step on ctrl-c.

pub mod cache;
pub mod check;
pub mod dockerfile;
mod exec;
mod glob;
mod hashes;
pub mod ignore;
pub mod interrupt;
pub mod output;
mod parallel;
pub mod scope;
mod step;
pub mod tree;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::reference::Reference;
use crate::store::{Digest, Store};

/// Why a build failed; the applets exit 1 for these, as `docker build`.
/// (Serde: a stage's child process sends its error to the builder.)
#[derive(Debug, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum BuildError {
    #[error(transparent)]
    #[serde(skip)]
    Parse(#[from] dockerfile::ParseError),
    /// `--check` found errors (or warnings, under `# check=error=true`).
    #[error("check failed: {errors} error(s) and {warnings} warning(s) found")]
    CheckFailed { errors: usize, warnings: usize },
    /// A step could not be done: `Dockerfile:LINE: what`.
    #[error("{file}:{line}: {what}")]
    Step {
        file: String,
        line: usize,
        what: String,
    },
    /// A `RUN` exited with a failure status.
    #[error("{file}:{line}: {command}: exit code {code}{}", tail(.last))]
    RunFailed {
        file: String,
        line: usize,
        command: String,
        code: i32,
        /// Its last lines of output.
        last: Vec<String>,
    },
    /// The target stage is not in the Dockerfile.
    #[error("target stage {0:?} could not be found")]
    NoTarget(String),
    /// Ctrl-C (or SIGTERM) stopped the build.
    #[error("build interrupted")]
    Interrupted,
}

fn tail(last: &[String]) -> String {
    match last.len() {
        0 => String::new(),
        _ => format!(" (last output: {})", last.join(" | ")),
    }
}

/// A secret for `RUN --mount=type=secret`.
#[derive(Debug, Clone)]
pub enum Secret {
    File(PathBuf),
    Value(Vec<u8>),
}

/// What to build.
pub struct Request {
    pub dockerfile: dockerfile::Dockerfile,
    /// The context; none when only a Dockerfile was given (`-`).
    pub context: Option<tree::DirTree>,
    pub args: scope::BuildArgs,
    pub target: Option<String>,
    pub tags: Vec<Reference>,
    /// `--label`s, put on the final image.
    pub labels: BTreeMap<String, String>,
    pub no_cache: bool,
    /// Pull every base image, even when stored.
    pub pull: bool,
    /// `RUN`'s network: default (a bridge), none or host.
    pub network: String,
    pub secrets: BTreeMap<String, Secret>,
    /// Keep the image in the store's index (named by `tags`, or dangling
    /// without them); off for `--output` without `-t`, as buildx keeps
    /// nothing then.
    pub keep: bool,
}

/// What the applet shows. `step` numbers steps from 1 across the build.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Event {
    /// A step starts: `[stage k/n] text`.
    Step {
        step: usize,
        stage: String,
        index: usize,
        total: usize,
        text: String,
    },
    /// The step's result came from the cache.
    Cached { step: usize },
    /// The step runs, and why it missed the cache.
    Miss { step: usize, reason: String },
    /// A line of a `RUN`'s output.
    Output { step: usize, line: String },
    /// The step is done.
    Done { step: usize, took: Duration },
    /// A line about pulling a base image.
    Notice(String),
}

/// The image a build made.
#[derive(Debug, Clone)]
pub struct Built {
    pub id: Digest,
    pub manifest: Digest,
}

/// Builds `req` in `store`, reporting progress to `progress`. The process
/// must be single-threaded (containers are started from it; rootless, it
/// joins the session's user namespace).
pub fn build(
    store: &Store,
    req: &Request,
    progress: &mut dyn FnMut(Event),
) -> Result<Built, BuildError> {
    exec::build(store, req, progress)
}
