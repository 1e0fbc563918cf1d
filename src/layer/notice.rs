//! Warnings about what a layer could not keep (owners without subordinate
//! ids, device nodes rootless, xattrs): each said once per process, on
//! stderr, in tug's one-line form.

use std::collections::HashSet;
use std::sync::Mutex;

static SAID: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// Prints `tug: warning: <text>` the first time `topic` comes up.
pub(crate) fn warn_once(topic: &'static str, text: impl FnOnce() -> String) {
    let mut said = SAID.lock().unwrap_or_else(|p| p.into_inner());
    if said.get_or_insert_with(HashSet::new).insert(topic) {
        eprintln!("tug: warning: {}", text());
    }
}
