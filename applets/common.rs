//! Small helpers the applets share: opening the store, printing listings.

use tug::store::Store;

use crate::cli::Global;

/// Opens the store the global flags name.
pub fn open_store(g: &Global) -> anyhow::Result<Store> {
    let root = tug::paths::store_root(g.root.clone());
    Store::open(&root)
        .map_err(|e| anyhow::anyhow!(e).context(format!("opening store {}", root.display())))
}
