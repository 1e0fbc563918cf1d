//! Small helpers the applets share: opening the store, printing listings.

use tug::store::Store;

use crate::cli::Global;

/// Opens the store the global flags name.
pub fn open_store(g: &Global) -> anyhow::Result<Store> {
    let root = tug::paths::store_root(g.root.clone());
    Store::open(&root)
        .map_err(|e| anyhow::anyhow!(e).context(format!("opening store {}", root.display())))
}

/// `--filter KEY=VALUE` arguments as pairs; a filter without `=` is an error.
pub fn key_value_filters(raw: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    raw.iter()
        .map(|f| {
            f.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| anyhow::anyhow!("bad format of filter (expected name=value): {f}"))
        })
        .collect()
}
