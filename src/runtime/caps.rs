//! Capabilities of the container's process: the bounding set is cut down
//! while the init still has CAP_SETPCAP, then, after the credentials
//! change (with keep-caps), permitted, effective, inheritable and ambient
//! are set to what the spec lists.

use std::collections::HashSet;

use caps::{CapSet, Capability, CapsHashSet};
use oci_spec::runtime::LinuxCapabilities;

fn to_caps(set: &Option<HashSet<oci_spec::runtime::Capability>>) -> CapsHashSet {
    set.iter()
        .flatten()
        .filter_map(|c| {
            let name = serde_json::to_value(c).ok()?;
            name.as_str()?.parse::<Capability>().ok()
        })
        .collect()
}

/// Drops every capability not in the bounding set (needs CAP_SETPCAP).
pub fn drop_bounding(c: &LinuxCapabilities) -> Result<(), String> {
    let keep = to_caps(c.bounding());
    for cap in caps::all() {
        if !keep.contains(&cap) && caps::has_cap(None, CapSet::Bounding, cap).unwrap_or(false) {
            caps::drop(None, CapSet::Bounding, cap)
                .map_err(|e| format!("dropping {cap} from the bounding set: {e}"))?;
        }
    }
    Ok(())
}

/// Sets permitted, effective, inheritable and ambient (call after the
/// uid/gid change made with PR_SET_KEEPCAPS).
pub fn apply(c: &LinuxCapabilities) -> Result<(), String> {
    let set = |which: CapSet, v: &CapsHashSet| {
        caps::set(None, which, v).map_err(|e| format!("setting {which:?} capabilities: {e}"))
    };
    // Effective first: it must stay a subset of permitted at every step.
    set(CapSet::Effective, &to_caps(c.effective()))?;
    set(CapSet::Permitted, &to_caps(c.permitted()))?;
    set(CapSet::Inheritable, &to_caps(c.inheritable()))?;
    let ambient = to_caps(c.ambient());
    caps::clear(None, CapSet::Ambient).ok();
    for cap in ambient {
        caps::raise(None, CapSet::Ambient, cap)
            .map_err(|e| format!("raising ambient {cap}: {e}"))?;
    }
    Ok(())
}
