//! The core's error type. Each module keeps its own variants here until it
//! grows enough to want its own enum; the applets turn these into exit codes
//! (see `applets/exit.rs`), the core never chooses one.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O failure on a named path.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A reference that does not parse.
    #[error(
        "invalid reference format: \"{}\": {}",
        crate::untrusted::quote(reference),
        crate::untrusted::quote(why)
    )]
    InvalidReference { reference: String, why: String },
    /// No image matches a name or ID.
    #[error("no such image: {0}")]
    NoSuchImage(String),
    /// An image is in the store but its documents do not load.
    #[error("image {name} is damaged ({why}); remove it with rmi")]
    BrokenImage { name: String, why: String },
    /// A short ID matches several images.
    #[error("{0}: ambiguous image ID prefix")]
    Ambiguous(String),
    /// A blob is missing from the store.
    #[error("blob {0} is not in the store")]
    BlobUnknown(String),
    /// Written content did not match the digest it was announced with.
    #[error("digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch { expected: String, actual: String },
    /// A document that should be JSON of a given shape is not.
    #[error("{what}: {source}")]
    Json {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// Something the user asked for is not possible as asked.
    #[error("{0}")]
    Invalid(String),
    /// The container's command does not exist (exit 127).
    #[error("exec: {0}: no such file or directory")]
    CommandNotFound(String),
    /// The container's command exists but cannot run (exit 126).
    #[error("exec: {0}: permission denied")]
    CommandNotRunnable(String),
    /// A feature that is not built yet: said plainly, never pretended.
    #[error("{0} is not implemented yet")]
    NotImplemented(&'static str),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub fn json(what: impl Into<String>, source: serde_json::Error) -> Self {
        Error::Json {
            what: what.into(),
            source,
        }
    }
}

/// Adds the path to an `io::Result`, as `map_err_context` does in coreutils.
pub trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|e| Error::io(path, e))
    }
}
