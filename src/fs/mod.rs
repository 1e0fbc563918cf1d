//! File-system access to trees tug does not trust: a container's root, an
//! image layer, a volume. Everything goes through descriptors, so a symlink
//! in such a tree never leads out of it (see `in_root`), and recursive
//! copies and walks never follow a symlink or cross a mount point.

pub mod copy;
pub mod in_root;

pub use in_root::{Entry, Root};
