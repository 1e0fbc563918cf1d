//! Small helpers the applets share: opening the store, printing listings.

use tug::store::Store;

use crate::cli::Global;

/// Opens the store the global flags name.
#[allow(dead_code)] // used as the image and container applets land
pub fn open_store(g: &Global) -> anyhow::Result<Store> {
    let root = tug::paths::store_root(g.root.clone());
    Store::open(&root)
        .map_err(|e| anyhow::anyhow!(e).context(format!("opening store {}", root.display())))
}
