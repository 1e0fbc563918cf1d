//! Docker-compatible `image inspect` documents and `history` rows, built from
//! an image's manifest and config. `tug inspect` (which will also cover
//! containers) calls `inspect` from here.

use serde::Serialize;
use serde_json::{Map, Value};

use super::Image;

/// `docker image inspect`'s document, fields in Docker's order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageInspect {
    pub id: String,
    pub repo_tags: Vec<String>,
    pub repo_digests: Vec<String>,
    pub parent: String,
    pub comment: String,
    pub created: String,
    pub docker_version: String,
    pub author: String,
    pub config: InspectConfig,
    pub architecture: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    pub os: String,
    pub size: u64,
    #[serde(rename = "RootFS")]
    pub root_fs: RootFs,
    pub metadata: Metadata,
}

/// The `Config` part, as Docker's container config.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InspectConfig {
    pub hostname: String,
    pub domainname: String,
    pub user: String,
    pub attach_stdin: bool,
    pub attach_stdout: bool,
    pub attach_stderr: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposed_ports: Option<Map<String, Value>>,
    pub tty: bool,
    pub open_stdin: bool,
    pub stdin_once: bool,
    pub env: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub image: String,
    pub volumes: Option<Map<String, Value>>,
    pub working_dir: String,
    pub entrypoint: Option<Vec<String>>,
    pub on_build: Option<Vec<String>>,
    pub labels: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RootFs {
    #[serde(rename = "Type")]
    pub kind: String,
    pub layers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Metadata {
    pub last_tag_time: String,
}

/// The image config's `config` object as raw JSON (field names as stored).
fn raw_config(img: &Image) -> Map<String, Value> {
    serde_json::to_value(&img.config)
        .ok()
        .and_then(|v| v.get("config").cloned())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array().map(|a| {
        a.iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    })
}

fn object(v: Option<&Value>) -> Option<Map<String, Value>> {
    v?.as_object().filter(|m| !m.is_empty()).cloned()
}

fn string(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().to_string()
}

/// The inspect document of one image.
pub fn inspect(img: &Image) -> ImageInspect {
    let c = raw_config(img);
    let mut repo_digests: Vec<String> = Vec::new();
    for n in &img.names {
        let d = format!("{}@{}", n.familiar_repository(), img.manifest_digest);
        if !repo_digests.contains(&d) {
            repo_digests.push(d);
        }
    }
    let history = img.config.history().clone().unwrap_or_default();
    let comment = history
        .last()
        .and_then(|h| h.comment().clone())
        .unwrap_or_default();
    ImageInspect {
        id: img.id.to_string(),
        repo_tags: img
            .names
            .iter()
            .filter(|n| n.tag.is_some())
            .map(|n| n.familiar())
            .collect(),
        repo_digests,
        parent: String::new(),
        comment,
        created: img.created().unwrap_or_default().to_string(),
        docker_version: String::new(),
        author: img.config.author().clone().unwrap_or_default(),
        config: InspectConfig {
            hostname: String::new(),
            domainname: String::new(),
            user: string(c.get("User")),
            attach_stdin: false,
            attach_stdout: false,
            attach_stderr: false,
            exposed_ports: object(c.get("ExposedPorts")),
            tty: false,
            open_stdin: false,
            stdin_once: false,
            env: strings(c.get("Env")),
            cmd: strings(c.get("Cmd")),
            image: String::new(),
            volumes: object(c.get("Volumes")),
            working_dir: string(c.get("WorkingDir")),
            entrypoint: strings(c.get("Entrypoint")),
            on_build: None,
            labels: object(c.get("Labels")),
            stop_signal: c
                .get("StopSignal")
                .and_then(Value::as_str)
                .map(str::to_string),
        },
        architecture: img.config.architecture().to_string(),
        variant: img.config.variant().clone(),
        os: img.config.os().to_string(),
        size: img.size(),
        root_fs: RootFs {
            kind: "layers".to_string(),
            layers: img
                .config
                .rootfs()
                .diff_ids()
                .iter()
                .map(|d| d.to_string())
                .collect(),
        },
        metadata: Metadata {
            last_tag_time: "0001-01-01T00:00:00Z".to_string(),
        },
    }
}

/// One `history` row, newest first.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    /// The image ID on the newest row, else None (`<missing>`).
    pub id: Option<String>,
    pub created: String,
    pub created_by: String,
    pub size: u64,
    pub comment: String,
}

/// The image's history, newest first, each row with the size of the layer
/// it made (0 for empty layers).
pub fn history(img: &Image) -> Vec<HistoryEntry> {
    let mut layers = img.manifest.layers().iter();
    let mut rows: Vec<HistoryEntry> = img
        .config
        .history()
        .clone()
        .unwrap_or_default()
        .iter()
        .map(|h| {
            let size = if h.empty_layer().unwrap_or(false) {
                0
            } else {
                layers.next().map(|l| l.size()).unwrap_or(0)
            };
            HistoryEntry {
                id: None,
                created: h.created().clone().unwrap_or_default(),
                created_by: h.created_by().clone().unwrap_or_default(),
                size,
                comment: h.comment().clone().unwrap_or_default(),
            }
        })
        .collect();
    rows.reverse();
    if let Some(first) = rows.first_mut() {
        first.id = Some(img.id.to_string());
    }
    rows
}
