//! A Compose project as Kubernetes manifests (`compose convert --format
//! kube`): a Deployment per service, Services for its ports (a headless one
//! where only its name is needed), PersistentVolumeClaims for named
//! volumes, ConfigMaps and Secrets for configs and secrets, and
//! `depends_on` as init containers that wait. What has no Kubernetes form
//! (host bind mounts, host networking, devices...) is reported per field,
//! never dropped silently.

mod pod;
mod ports;
mod storage;

use std::collections::BTreeSet;

use serde_json::{json, Value as J};

use super::load::Project;
use super::yaml::Node;

/// A field that could not be converted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconverted {
    /// The model path, as `compose config` errors name it:
    /// `services.web.volumes[1]`.
    pub path: String,
    pub why: String,
}

impl std::fmt::Display for Unconverted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.why)
    }
}

/// Why conversion failed outright.
#[derive(Debug, thiserror::Error)]
pub enum KubeError {
    #[error("{what} {name}: reading {}: {cause}", path.display())]
    ReadSource {
        what: &'static str,
        name: String,
        path: std::path::PathBuf,
        cause: std::io::Error,
    },
    #[error("{what} {name}: {} is larger than 1 MiB, the most a ConfigMap or Secret holds", path.display())]
    SourceTooLarge {
        what: &'static str,
        name: String,
        path: std::path::PathBuf,
    },
}

/// The manifests, in the order `kubectl apply` wants them (storage and
/// configuration, then Services, then Deployments), and what was left out.
#[derive(Debug, Default)]
pub struct Manifests {
    pub documents: Vec<J>,
    pub unconverted: Vec<Unconverted>,
}

impl Manifests {
    /// The documents as one multi-document YAML stream.
    pub fn to_yaml(&self) -> String {
        self.documents
            .iter()
            .map(|d| format!("---\n{}", super::emit::to_yaml(&Node::from_json(d))))
            .collect()
    }

    fn skip(&mut self, path: impl Into<String>, why: impl Into<String>) {
        self.unconverted.push(Unconverted {
            path: path.into(),
            why: why.into(),
        });
    }
}

/// A name Kubernetes accepts for an object (an RFC 1123 label: lowercase
/// letters, digits and `-`, at most 63, starting and ending alphanumeric).
pub fn object_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => c,
            _ => '-',
        })
        .collect();
    out.truncate(63);
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

/// The labels that tie a service's pods, Deployment and Service together.
fn selector(project: &Project, service: &str) -> J {
    json!({
        "app.kubernetes.io/name": object_name(service),
        "app.kubernetes.io/part-of": object_name(&project.name),
    })
}

/// Converts a loaded project.
pub fn convert(project: &Project) -> Result<Manifests, KubeError> {
    let mut out = Manifests::default();
    storage::volumes(project, &mut out);
    storage::configs_and_secrets(project, &mut out)?;
    let needed_names: BTreeSet<String> = project
        .services()
        .iter()
        .flat_map(|(_, s)| pod::dependencies(s))
        .map(|(name, _)| name)
        .collect();
    let mut deployments = Vec::new();
    for (name, svc) in project.services() {
        let labels = selector(project, name);
        let path = format!("services.{name}");
        let service_ports = ports::service_ports(svc, &path, &mut out);
        deployments.push(pod::deployment(
            project,
            name,
            svc,
            &service_ports,
            &labels,
            &mut out,
        ));
        if !service_ports.is_empty() || needed_names.contains(name) {
            out.documents
                .push(ports::service(name, &labels, service_ports));
        }
    }
    out.documents.extend(deployments);
    Ok(out)
}

#[cfg(test)]
mod tests;
