//! Layers: tar streams (plain, gzip, zstd) and their application onto a
//! directory with OCI whiteouts.

pub mod compression;

pub use compression::{decompress, Compression};
