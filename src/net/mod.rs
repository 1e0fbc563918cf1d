//! Networks: user-defined bridge networks and the default `bridge`, their
//! address management, and (as the runtime learns to attach containers) the
//! links that join containers to them.
//!
//! Each network is one JSON document, `networks/<name>.json`, replaced
//! atomically under `networks/.lock`. The default network `bridge`
//! (172.17.0.0/16, gateway 172.17.0.1) always exists and cannot be removed;
//! `host` and `none` are modes, listed as Docker lists them.

pub mod ipam;
pub mod record;

pub use ipam::Subnet;
pub use record::{CreateOptions, Endpoint, Network};
