//! Writing images: a base image (or none) plus one step — a layer and its
//! history entry, or a history entry alone (`empty_layer`) — and config
//! changes become a new image in the store. `import`, `commit` and the
//! builder all write images this way.

use oci_spec::image::{History, ImageConfiguration, ImageConfigurationBuilder, MediaType};

use super::import::{descriptor, host_platform, Imported};
use super::Image;
use crate::error::{Error, Result};
use crate::layer::LayerBlob;
use crate::reference::Reference;
use crate::store::Store;

/// One step on top of a base image.
pub struct Step<'a> {
    /// The image the step starts from; none for a first layer (`import`).
    pub base: Option<&'a Image>,
    /// The step's layer, already in the store; none for a metadata step.
    pub layer: Option<LayerBlob>,
    /// The step's history entry (`created` and `empty_layer` are filled in).
    pub history: History,
    /// Where the image came from, for errors.
    pub source: String,
}

/// A layer media type of Docker's manifests in its OCI form (the new
/// manifest is an OCI one; the blob is the same).
fn oci_layer_type(media: &MediaType) -> MediaType {
    match media.to_string().as_str() {
        "application/vnd.docker.image.rootfs.diff.tar.gzip" => {
            MediaType::Other("application/vnd.oci.image.layer.v1.tar+gzip".into())
        }
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" => {
            MediaType::Other("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip".into())
        }
        _ => media.clone(),
    }
}

/// A new config for a first layer: the host's platform, no layers yet.
fn empty_config() -> Result<ImageConfiguration> {
    let (os, arch) = host_platform();
    let rootfs = oci_spec::image::RootFsBuilder::default()
        .typ("layers")
        .diff_ids(Vec::<String>::new())
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    ImageConfigurationBuilder::default()
        .architecture(arch.as_str())
        .os(os.as_str())
        .rootfs(rootfs)
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))
}

/// Stores the image `step` makes: the base's config with the layer's diff
/// ID and the history entry appended, then `edit` (the step's config
/// changes); a manifest listing the base's layers and the new one. Tags it
/// `names` (none: dangling). The caller holds the store lock (shared) from
/// the layer blob on.
pub fn append_layer(
    store: &Store,
    step: Step<'_>,
    edit: impl FnOnce(&mut ImageConfiguration) -> Result<()>,
    names: &[Reference],
) -> Result<Imported> {
    let (made, manifest) = write_image(store, step, edit, None)?;
    store.tag_image(&manifest, names)?;
    Ok(made)
}

/// Writes the image `step` makes (see [`append_layer`]) as blobs only: no
/// index entry, so it is a build's intermediate state until something
/// names or pins it. `extra` holds Docker's config fields the OCI type
/// drops (`Healthcheck`, `OnBuild`, `Shell`), merged into the stored
/// config's `config` object. Returns the image and its manifest's
/// descriptor.
pub fn write_image(
    store: &Store,
    step: Step<'_>,
    edit: impl FnOnce(&mut ImageConfiguration) -> Result<()>,
    extra: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Result<(Imported, oci_spec::image::Descriptor)> {
    let mut config = match step.base {
        Some(b) => b.config.clone(),
        None => empty_config()?,
    };
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    config.set_created(Some(now.clone()));
    let base_layers = step
        .base
        .map(|b| b.manifest.layers().clone())
        .unwrap_or_default();
    let mut history = config.history().clone().unwrap_or_default();
    // Layers the base has no history for get an entry, so the history
    // stays paired with the layers (as `history` reads them).
    let described = history
        .iter()
        .filter(|h| !h.empty_layer().unwrap_or(false))
        .count();
    for _ in described..base_layers.len() {
        history.push(History::default());
    }
    let mut entry = step.history;
    if entry.created().is_none() {
        entry.set_created(Some(now));
    }
    entry.set_empty_layer(step.layer.is_none().then_some(true));
    history.push(entry);
    config.set_history(Some(history));
    let mut layers: Vec<_> = base_layers
        .iter()
        .map(|l| {
            let mut l = l.clone();
            l.set_media_type(oci_layer_type(l.media_type()));
            l
        })
        .collect();
    if let Some(layer) = &step.layer {
        let mut rootfs = config.rootfs().clone();
        let mut diffs = rootfs.diff_ids().clone();
        diffs.push(layer.diff_id.to_string());
        rootfs.set_diff_ids(diffs);
        config.set_rootfs(rootfs);
        layers.push(descriptor(
            MediaType::Other(layer.media_type.clone()),
            &layer.digest,
            layer.size,
        )?);
    }
    edit(&mut config)?;
    let (config_digest, config_size, config_bytes) = match extra {
        Some(extra) if !extra.is_empty() => {
            let mut raw = serde_json::to_value(&config).map_err(|e| Error::json("config", e))?;
            if let Some(obj) = raw.as_object_mut() {
                let inner = obj
                    .entry("config")
                    .or_insert_with(|| serde_json::Value::Object(Default::default()));
                if let Some(inner) = inner.as_object_mut() {
                    inner.extend(extra.clone());
                }
            }
            store.put_json(&raw)?
        }
        _ => store.put_json(&config)?,
    };
    super::validate::config(&step.source, &config_bytes, layers.len())?;
    let manifest = oci_spec::image::ImageManifestBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageManifest)
        .config(descriptor(
            MediaType::ImageConfig,
            &config_digest,
            config_size,
        )?)
        .layers(layers)
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let (manifest_digest, manifest_size, _) = store.put_json(&manifest)?;
    let desc = descriptor(MediaType::ImageManifest, &manifest_digest, manifest_size)?;
    Ok((
        Imported {
            id: config_digest,
            manifest: manifest_digest,
        },
        desc,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oci_spec::image::HistoryBuilder;

    fn blob(store: &Store, data: &[u8]) -> LayerBlob {
        let digest = store.put_blob(data).unwrap();
        LayerBlob {
            size: data.len() as u64,
            diff_id: digest.clone(),
            digest,
            media_type: "application/vnd.oci.image.layer.v1.tar".into(),
        }
    }

    fn entry(by: &str) -> History {
        HistoryBuilder::default()
            .created_by(by.to_string())
            .build()
            .unwrap()
    }

    /// Appends a step (a layer of `data`, or none) and loads the result.
    fn add(
        store: &Store,
        base: Option<&Image>,
        data: Option<&[u8]>,
        by: &str,
        edit: impl FnOnce(&mut ImageConfiguration) -> Result<()>,
    ) -> Image {
        let step = Step {
            base,
            layer: data.map(|d| blob(store, d)),
            history: entry(by),
            source: "test".into(),
        };
        let made = append_layer(store, step, edit, &[]).unwrap();
        Image::load(store, &made.manifest, vec![]).unwrap()
    }

    #[test]
    fn steps_append_layers_and_history() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(d.path()).unwrap();
        let base = add(&store, None, Some(b"one"), "first", |c| {
            let mut cfg = c.config().clone().unwrap_or_default();
            cfg.set_cmd(Some(vec!["sh".into()]));
            c.set_config(Some(cfg));
            Ok(())
        });
        let meta = add(&store, Some(&base), None, "ENV A=1", |_| Ok(()));
        let img = add(&store, Some(&meta), Some(b"two"), "second", |_| Ok(()));
        assert_eq!(img.manifest.layers().len(), 2);
        assert_eq!(img.config.rootfs().diff_ids().len(), 2);
        let rows = crate::image::inspect::history(&img);
        let by: Vec<(&str, bool)> = rows
            .iter()
            .map(|r| (r.created_by.as_str(), r.empty_layer))
            .collect();
        assert_eq!(by, [("second", false), ("ENV A=1", true), ("first", false)]);
        assert_eq!(rows[0].size, 3);
        // The base's config is kept.
        let cmd = img.config.config().as_ref().unwrap().cmd().clone();
        assert_eq!(cmd, Some(vec!["sh".to_string()]));
    }
}
