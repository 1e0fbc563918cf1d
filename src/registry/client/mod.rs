//! The registry client: `pull` and `push` over the distribution API, with
//! Docker Hub's token flow and basic auth (credentials from
//! `~/.docker/config.json` and its credential helpers). Plain HTTP is used
//! for loopback registries and those listed as insecure in
//! `~/.config/tug/registries.toml`, which also names mirrors.

pub mod blobinfo;
pub mod catalog;
pub mod fetch;
pub mod mirrors;
pub mod pull;
pub mod push;
pub mod repodigests;
pub mod transport;

pub use pull::{pull, pull_with};
pub use push::push;

/// The manifest media types a pull accepts, best first.
pub const MANIFEST_TYPES: &[&str] = &[
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];
