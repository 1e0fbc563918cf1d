//! Docker-compatible `image inspect` documents and `history` rows.

use serde_json::{json, Map, Value};

use super::Image;

fn list_to_map(v: &Option<Vec<String>>) -> Value {
    match v {
        None => Value::Null,
        Some(items) => Value::Object(
            items
                .iter()
                .map(|k| (k.clone(), json!({})))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// The `docker image inspect` document of one image.
pub fn document(img: &Image) -> Value {
    let c = img.config.config().clone().unwrap_or_default();
    let config = json!({
        "Hostname": "",
        "Domainname": "",
        "User": c.user().clone().unwrap_or_default(),
        "AttachStdin": false,
        "AttachStdout": false,
        "AttachStderr": false,
        "ExposedPorts": list_to_map(c.exposed_ports()),
        "Tty": false,
        "OpenStdin": false,
        "StdinOnce": false,
        "Env": c.env().clone(),
        "Cmd": c.cmd().clone(),
        "Image": "",
        "Volumes": list_to_map(c.volumes()),
        "WorkingDir": c.working_dir().clone().unwrap_or_default(),
        "Entrypoint": c.entrypoint().clone(),
        "OnBuild": Value::Null,
        "Labels": c.labels().clone(),
        "StopSignal": c.stop_signal().clone(),
    });
    let comment = img
        .config
        .history()
        .as_ref()
        .and_then(|h| h.last())
        .and_then(|h| h.comment().clone())
        .unwrap_or_default();
    json!({
        "Id": img.id.to_string(),
        "RepoTags": img.repo_tags(),
        "RepoDigests": img.repo_digests(),
        "Parent": "",
        "Comment": comment,
        "Created": img.created().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        "DockerVersion": "",
        "Author": img.config.author().clone().unwrap_or_default(),
        "Config": config,
        "Architecture": img.config.architecture().to_string(),
        "Variant": img.config.variant().clone(),
        "Os": img.config.os().to_string(),
        "Size": img.size(),
        "VirtualSize": img.size(),
        "GraphDriver": {"Name": "overlay", "Data": Value::Null},
        "RootFS": {
            "Type": "layers",
            "Layers": img.config.rootfs().diff_ids().clone(),
        },
        "Metadata": {"LastTagTime": "0001-01-01T00:00:00Z"},
        "Descriptor": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": img.manifest_digest.to_string(),
        },
    })
}

/// Puts Docker's `Healthcheck`, `OnBuild` and `Shell` (kept apart from
/// the OCI config, see `image::extras`) into an inspect document's
/// `Config`.
pub fn add_extras(doc: &mut Value, e: &super::extras::Extras) {
    if let Some(c) = doc.get_mut("Config").and_then(|c| c.as_object_mut()) {
        if let Some(h) = &e.healthcheck {
            c.insert("Healthcheck".into(), json!(h));
        }
        c.insert("OnBuild".into(), json!(e.on_build));
        if let Some(s) = &e.shell {
            c.insert("Shell".into(), json!(s));
        }
    }
}

/// One `history` row, newest first, with the size of the layer the step made.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub created: Option<chrono::DateTime<chrono::Utc>>,
    pub created_by: String,
    pub size: u64,
    pub comment: String,
    pub empty_layer: bool,
}

/// The image's history, newest first (as `docker history` prints it).
pub fn history(img: &Image) -> Vec<HistoryRow> {
    let layers = img.manifest.layers();
    let mut layer_i = 0;
    let mut rows: Vec<HistoryRow> = img
        .config
        .history()
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|h| {
            let empty = h.empty_layer().unwrap_or(false);
            let size = if empty {
                0
            } else {
                let s = layers.get(layer_i).map(|l| l.size()).unwrap_or(0);
                layer_i += 1;
                s
            };
            HistoryRow {
                created: h
                    .created()
                    .as_deref()
                    .and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok())
                    .map(|d| d.with_timezone(&chrono::Utc)),
                created_by: h.created_by().clone().unwrap_or_default(),
                size,
                comment: h.comment().clone().unwrap_or_default(),
                empty_layer: empty,
            }
        })
        .collect();
    // Layers without a history entry still show, as Docker shows them.
    while layer_i < layers.len() {
        rows.push(HistoryRow {
            created: None,
            created_by: String::new(),
            size: layers[layer_i].size(),
            comment: String::new(),
            empty_layer: false,
        });
        layer_i += 1;
    }
    rows.reverse();
    rows
}
