//! Layers: tar streams (plain, gzip, zstd) and their application onto a
//! directory with OCI whiteouts.

pub mod apply;
pub mod compression;
mod fsops;
mod notice;

pub use apply::{apply, ApplyMode, ApplyOptions};
pub use compression::{decompress, tar_error, Compression, MAX_UNPACKED};
