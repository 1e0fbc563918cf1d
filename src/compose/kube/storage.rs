//! Storage and configuration: named volumes as PersistentVolumeClaims,
//! configs and secrets as ConfigMaps and Secrets, and a service's mounts
//! as pod volumes. Host paths have no Kubernetes equivalent a manifest can
//! carry to another machine, so bind mounts are reported, not converted.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::{json, Value as J};

use super::{map, object_name, seq, KubeError, Manifests};
use crate::compose::load::Project;
use crate::compose::yaml::{Node, Value};

/// A ConfigMap or Secret holds at most 1 MiB.
const MAX_OBJECT: u64 = 1 << 20;

/// The storage a new claim asks for; Compose volumes have no size.
const CLAIM_SIZE: &str = "1Gi";

fn is_external(n: &Node) -> bool {
    matches!(n.get("external").map(|e| &e.value), Some(Value::Bool(true)))
}

/// The claim's name for a named volume: its `name:` if set.
fn volume_name(project: &Project, volume: &str) -> String {
    let declared = map(project.model.get("volumes"))
        .iter()
        .find(|(k, _)| k == volume)
        .and_then(|(_, v)| v.get("name").and_then(Node::as_str));
    object_name(declared.unwrap_or(volume))
}

/// A PersistentVolumeClaim per named volume the project declares (external
/// ones are expected to exist already).
pub fn volumes(project: &Project, out: &mut Manifests) {
    for (name, v) in map(project.model.get("volumes")) {
        if is_external(v) {
            continue;
        }
        if let Some(driver) = v.get("driver").and_then(Node::as_str) {
            if driver != "local" {
                out.skip(
                    format!("volumes.{name}.driver"),
                    format!("volume driver {driver:?} has no Kubernetes equivalent; a default claim is written"),
                );
            }
        }
        if v.get("driver_opts").is_some() {
            out.skip(
                format!("volumes.{name}.driver_opts"),
                "driver options (such as a local bind) are not converted",
            );
        }
        out.documents.push(json!({
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": volume_name(project, name)},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": CLAIM_SIZE}},
            },
        }));
    }
}

fn read_source(
    what: &'static str,
    name: &str,
    dir: &Path,
    file: &str,
) -> Result<Vec<u8>, KubeError> {
    let path: PathBuf = dir.join(file);
    let err = |cause| KubeError::ReadSource {
        what,
        name: name.into(),
        path: path.clone(),
        cause,
    };
    let meta = std::fs::metadata(&path).map_err(err)?;
    if meta.len() > MAX_OBJECT {
        return Err(KubeError::SourceTooLarge {
            what,
            name: name.into(),
            path,
        });
    }
    std::fs::read(&path).map_err(err)
}

/// A ConfigMap per config and a Secret per secret the project declares,
/// from a file, an environment variable or inline content.
pub fn configs_and_secrets(project: &Project, out: &mut Manifests) -> Result<(), KubeError> {
    for (top, what) in [("configs", "config"), ("secrets", "secret")] {
        for (name, c) in map(project.model.get(top)) {
            if is_external(c) {
                continue;
            }
            let bytes = if let Some(file) = c.get("file").and_then(Node::as_str) {
                read_source(what, name, &project.directory, file)?
            } else if let Some(var) = c.get("environment").and_then(Node::as_str) {
                project
                    .environment
                    .get(var)
                    .cloned()
                    .unwrap_or_default()
                    .into_bytes()
            } else if let Some(content) = c.get("content").and_then(Node::as_str) {
                content.as_bytes().to_vec()
            } else {
                out.skip(
                    format!("{top}.{name}"),
                    "no file, environment or content to take the data from",
                );
                continue;
            };
            let key = data_key(name);
            let meta = json!({"name": object_name(name)});
            let doc = match (what, String::from_utf8(bytes)) {
                ("config", Ok(text)) => json!({
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
                    "data": {key: text},
                }),
                ("config", Err(bin)) => json!({
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": meta,
                    "binaryData": {key: base64::engine::general_purpose::STANDARD.encode(bin.into_bytes())},
                }),
                (_, Ok(text)) => json!({
                    "apiVersion": "v1", "kind": "Secret", "metadata": meta,
                    "type": "Opaque", "stringData": {key: text},
                }),
                (_, Err(bin)) => json!({
                    "apiVersion": "v1", "kind": "Secret", "metadata": meta,
                    "type": "Opaque",
                    "data": {key: base64::engine::general_purpose::STANDARD.encode(bin.into_bytes())},
                }),
            };
            out.documents.push(doc);
        }
    }
    Ok(())
}

/// A ConfigMap or Secret key: letters, digits, `-`, `_` and `.`.
fn data_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A pod's volumes and its container's mounts.
#[derive(Debug, Default)]
pub struct Mounts {
    pub volumes: Vec<J>,
    pub mounts: Vec<J>,
}

impl Mounts {
    fn add(&mut self, volume: J, mount: J) {
        self.volumes.push(volume);
        self.mounts.push(mount);
    }
}

/// One entry of a service's `volumes`, in either syntax.
struct VolumeSpec<'a> {
    kind: &'a str,
    source: Option<&'a str>,
    target: &'a str,
    read_only: bool,
}

fn volume_spec(n: &Node) -> Option<VolumeSpec<'_>> {
    if let Some(s) = n.as_str() {
        let parts: Vec<&str> = s.split(':').collect();
        let (source, target, mode) = match parts.as_slice() {
            [t] => (None, *t, ""),
            [s, t] => (Some(*s), *t, ""),
            [s, t, m] => (Some(*s), *t, *m),
            _ => return None,
        };
        let kind = match source {
            None => "volume",
            Some(s) if s.starts_with(['/', '.', '~']) => "bind",
            Some(_) => "volume",
        };
        return Some(VolumeSpec {
            kind,
            source,
            target,
            read_only: mode.split(',').any(|m| m == "ro"),
        });
    }
    Some(VolumeSpec {
        kind: n.get("type").and_then(Node::as_str).unwrap_or("volume"),
        source: n.get("source").and_then(Node::as_str),
        target: n.get("target").and_then(Node::as_str)?,
        read_only: matches!(
            n.get("read_only").map(|v| &v.value),
            Some(Value::Bool(true))
        ),
    })
}

/// The mounts of service `name`: named volumes as claims, anonymous
/// volumes and tmpfs as emptyDir, configs and secrets by sub-path where
/// Compose mounts them. Bind mounts are reported.
pub fn service_mounts(project: &Project, name: &str, svc: &Node, out: &mut Manifests) -> Mounts {
    let path = format!("services.{name}");
    let mut m = Mounts::default();
    for (i, v) in seq(svc.get("volumes")).iter().enumerate() {
        let vol = format!("vol-{i}");
        let Some(spec) = volume_spec(v) else {
            out.skip(format!("{path}.volumes[{i}]"), "not a volume specification");
            continue;
        };
        let source = match (spec.kind, spec.source) {
            ("volume", Some(src)) => {
                json!({"name": vol, "persistentVolumeClaim": {"claimName": volume_name(project, src)}})
            }
            ("volume", None) => json!({"name": vol, "emptyDir": {}}),
            ("tmpfs", _) => json!({"name": vol, "emptyDir": {"medium": "Memory"}}),
            ("bind", src) => {
                out.skip(
                    format!("{path}.volumes[{i}]"),
                    format!(
                        "bind mount of the host path {} cannot move to a cluster",
                        src.unwrap_or("?")
                    ),
                );
                continue;
            }
            (other, _) => {
                out.skip(
                    format!("{path}.volumes[{i}]"),
                    format!("volume type {other:?} has no Kubernetes equivalent"),
                );
                continue;
            }
        };
        m.add(
            source,
            json!({"name": vol, "mountPath": spec.target, "readOnly": spec.read_only}),
        );
    }
    for (i, t) in seq(svc.get("tmpfs")).iter().enumerate() {
        if let Some(target) = t.as_str().map(|s| s.split(':').next().unwrap_or(s)) {
            let vol = format!("tmpfs-{i}");
            m.add(
                json!({"name": vol, "emptyDir": {"medium": "Memory"}}),
                json!({"name": vol, "mountPath": target}),
            );
        }
    }
    for (key, kind, base) in [
        ("configs", "configMap", "/"),
        ("secrets", "secret", "/run/secrets/"),
    ] {
        for (i, c) in seq(svc.get(key)).iter().enumerate() {
            let (source, target) = match c.as_str() {
                Some(s) => (s, None),
                None => match c.get("source").and_then(Node::as_str) {
                    Some(s) => (s, c.get("target").and_then(Node::as_str)),
                    None => {
                        out.skip(format!("{path}.{key}[{i}]"), "no source");
                        continue;
                    }
                },
            };
            let target = match target {
                Some(t) if t.starts_with('/') => t.to_string(),
                Some(t) => format!("{base}{t}"),
                None => format!("{base}{source}"),
            };
            let vol = format!("{}-{i}", &key[..key.len() - 1]);
            let reference = if kind == "configMap" {
                json!({"name": object_name(source)})
            } else {
                json!({"secretName": object_name(source)})
            };
            m.add(
                json!({"name": vol, kind: reference}),
                json!({"name": vol, "mountPath": target, "subPath": data_key(source), "readOnly": true}),
            );
        }
    }
    m
}
