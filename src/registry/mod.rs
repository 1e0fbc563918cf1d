//! Registries: the OCI Distribution server (`registry-serve`) over the
//! shared store.

pub mod client;
pub mod server;
