//! Checks an image's documents before the store names it (`load`,
//! `import`, `pull`): the config must parse as an OCI image config, with
//! `rootfs.type` "layers" and one well-formed diff ID per manifest layer,
//! and the image may not have more layers than an overlay mount can stack.
//! An image that fails is refused whole, so one bad archive cannot leave an
//! entry that breaks listing for every other image.

use oci_spec::image::ImageConfiguration;

use crate::error::{Error, Result};
use crate::untrusted::quote;

/// The most layers an image may have. Docker refuses to build an image
/// deeper than 127 layers and its overlay2 driver stops at 128; the kernel
/// stacks at most 500 lower directories, and the mount options (one path
/// per layer) must fit in a page. 128 keeps every image Docker can make.
pub const MAX_LAYERS: usize = 128;

fn bad(what: &str, why: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{what}: {why}"))
}

/// Refuses an image with more than [`MAX_LAYERS`] layers.
pub fn layer_count(what: &str, layers: usize) -> Result<()> {
    if layers > MAX_LAYERS {
        return Err(bad(
            what,
            format!("the image has {layers} layers, more than the limit of {MAX_LAYERS}"),
        ));
    }
    Ok(())
}

/// Parses and checks an image config against the number of layers its
/// manifest lists. `what` names the image for the error.
pub fn config(what: &str, bytes: &[u8], layers: usize) -> Result<ImageConfiguration> {
    layer_count(what, layers)?;
    let config: ImageConfiguration = serde_json::from_slice(bytes)
        .map_err(|e| bad(what, format!("the image config is not valid: {e}")))?;
    let rootfs = config.rootfs();
    if rootfs.typ() != "layers" {
        return Err(bad(
            what,
            format!(
                "the image config's rootfs type is \"{}\", not \"layers\"",
                quote(rootfs.typ())
            ),
        ));
    }
    let diffs = rootfs.diff_ids();
    if diffs.len() != layers {
        return Err(bad(
            what,
            format!(
                "the manifest lists {layers} layers but the config {} diff IDs",
                diffs.len()
            ),
        ));
    }
    for d in diffs {
        // Diff IDs name snapshot directories: only sha256 hex may pass.
        let hex = d.strip_prefix("sha256:").unwrap_or_default();
        if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad(
                what,
                format!("the image config has an invalid diff ID \"{}\"", quote(d)),
            ));
        }
    }
    Ok(config)
}

/// Checks that the diff ID of an uncompressed layer is its own digest (the
/// one case where that costs nothing: the blob is the tar).
pub fn plain_layer(what: &str, index: usize, blob: &str, diff_id: &str) -> Result<()> {
    if blob != diff_id {
        return Err(bad(
            what,
            format!(
                "layer {} is an uncompressed tar with digest {blob}, but the config gives its diff ID as {}",
                index + 1,
                quote(diff_id)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn cfg(rootfs: &str) -> Vec<u8> {
        format!(r#"{{"architecture":"amd64","os":"linux","rootfs":{rootfs}}}"#).into_bytes()
    }

    #[test]
    fn refuses_malformed_configs() {
        assert!(config("x", br#"{"rootfs": 5}"#, 0).is_err());
        assert!(config("x", &cfg(r#"{"type":"tar","diff_ids":[]}"#), 0).is_err());
        let one = cfg(&format!(r#"{{"type":"layers","diff_ids":["{D}"]}}"#));
        assert!(config("x", &one, 1).is_ok());
        assert!(config("x", &one, 2).is_err());
        let evil = cfg(r#"{"type":"layers","diff_ids":["sha256:../../etc"]}"#);
        assert!(config("x", &evil, 1).is_err());
        let e = layer_count("x", MAX_LAYERS + 1).unwrap_err().to_string();
        assert!(
            e.contains("129 layers") && e.contains("limit of 128"),
            "{e}"
        );
    }
}
