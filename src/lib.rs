//! tug's core library: everything that is not argument parsing or printing.
//!
//! The applets in `applets/` parse a command line, call into these modules and
//! print the result. Modules follow the data: the store holds blobs and records,
//! images and layers live in it, the runtime turns them into containers, and the
//! registry, build and compose modules move and make images.

#![deny(clippy::undocumented_unsafe_blocks)]

pub mod build;
pub mod compose;
pub mod container;
pub mod daemon_json;
pub mod error;
pub mod format;
pub mod fs;
pub mod image;
pub mod kube;
pub mod layer;
pub mod net;
pub mod paths;
pub mod progress;
pub mod reference;
pub mod registry;
pub mod runtime;
pub mod store;
pub mod sysinfo;
pub mod untrusted;
pub mod userns;

pub use error::{Error, Result};
