//! Compose projects. The loader (`load`) is a pure function of the files
//! and the environment it is given: it finds and reads the Compose files,
//! interpolates, resolves `extends` and `include`, merges several `-f`
//! files, applies profiles, normalizes and validates — the model
//! `compose config` prints. Everything after works on that model only:
//! `project` reads it into services (`service`) in start order (`order`),
//! `up` converges containers, networks and volumes to it (building
//! `build:` services' images through `build`), `down` removes
//! them; containers carry Compose v2's labels (`labels`), by which state is
//! read back (no project file of our own).

pub mod build;
pub mod dotenv;
pub mod down;
pub mod emit;
pub mod interpolate;
pub mod interrupt;
pub mod kube;
pub mod labels;
mod load;
pub mod merge;
pub mod mounts;
pub mod order;
pub mod project;
pub mod service;
pub mod up;
pub mod validate;
pub mod yaml;

pub use load::{load, LoadOptions, Project, Source};
pub use project::{plan, Plan, ProjectError};

use std::path::PathBuf;

/// Why a project could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("no configuration file provided: not found (looked for compose.yaml, compose.yml, docker-compose.yml and docker-compose.yaml in {} and its parents)", dir.display())]
    NoFile { dir: PathBuf },
    #[error("{}: {cause}", path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{file}: {cause}")]
    Yaml {
        file: String,
        cause: yaml::YamlError,
    },
    #[error("{file}: {cause}")]
    Interpolate {
        file: String,
        cause: interpolate::InterpolateError,
    },
    #[error("{}: {cause}", path.display())]
    EnvFile {
        path: PathBuf,
        cause: dotenv::DotenvError,
    },
    #[error("{file}: {cause}")]
    Invalid {
        file: String,
        cause: validate::Invalid,
    },
    #[error("{0}: a file larger than 16 MiB is not a Compose file")]
    TooLarge(String),
    #[error("services.{service}.extends: {why}")]
    Extends { service: String, why: String },
    #[error("include {path}: {why}")]
    Include { path: String, why: String },
    #[error("invalid project name {0:?}: it must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit")]
    ProjectName(String),
    #[error("no such service: {0}")]
    NoSuchService(String),
}
