//! Layers: tar streams (plain, gzip, zstd), their application onto a
//! directory with OCI whiteouts, and layers written from an overlay upper
//! directory.

pub mod apply;
pub mod compression;
mod fsops;
mod notice;
pub mod tarbound;
pub mod upper;

pub use apply::{apply, ApplyMode, ApplyOptions};
pub use compression::{decompress, tar_error, Compression, MAX_UNPACKED};
pub use upper::{store_upper, LayerBlob, UpperOptions};
