//! Building images from Dockerfiles (`image-build`, `tug build`): the
//! Dockerfile parser (`dockerfile`), the build context's `.dockerignore`
//! (`ignore`), the shell patterns both use (`glob`), the variables in scope
//! at each line (`scope`) and `--check`'s evaluation of every stage
//! (`check`).

pub mod check;
pub mod dockerfile;
mod glob;
pub mod ignore;
pub mod scope;

/// Why a build failed; the applets exit 1 for these, as `docker build`.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Parse(#[from] dockerfile::ParseError),
    /// `--check` found errors (or warnings, under `# check=error=true`).
    #[error("check failed: {errors} error(s) and {warnings} warning(s) found")]
    CheckFailed { errors: usize, warnings: usize },
}
