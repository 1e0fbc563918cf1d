//! Image archives: `docker save`'s docker-archive and the OCI image layout
//! as a tar (oci-archive), both ways. Loading streams: large entries go
//! straight into the store as blobs while being hashed; only small JSON
//! documents are held in memory; images and tags are written at the end,
//! after everything they name is known to be stored.

pub mod load;
pub mod save;

pub use load::load;
pub use save::{save, ArchiveFormat};
