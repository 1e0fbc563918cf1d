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
use super::yaml::{Node, Value};

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

pub use crate::kube::{object_name, Manifests, Unconverted};

/// The labels that tie a service's pods, Deployment and Service together.
fn selector(project: &Project, service: &str) -> J {
    json!({
        "app.kubernetes.io/name": object_name(service),
        "app.kubernetes.io/part-of": object_name(&project.name),
    })
}

/// The entries of a mapping node (none for anything else).
fn map(n: Option<&Node>) -> &[(String, Node)] {
    match n.map(|n| &n.value) {
        Some(Value::Map(m)) => m,
        _ => &[],
    }
}

/// The items of a sequence node (none for anything else).
fn seq(n: Option<&Node>) -> &[Node] {
    match n.map(|n| &n.value) {
        Some(Value::Seq(v)) => v,
        _ => &[],
    }
}

/// Reports what the project's networks ask for that a cluster's one flat
/// pod network does not give: isolation and chosen subnets.
fn networks(project: &Project, out: &mut Manifests) {
    for (name, n) in map(project.model.get("networks")) {
        if matches!(n.get("internal").map(|i| &i.value), Some(Value::Bool(true))) {
            out.skip(
                format!("networks.{name}.internal"),
                "pods share one network; isolating them takes a NetworkPolicy",
            );
        }
        if n.get("ipam").is_some() {
            out.skip(
                format!("networks.{name}.ipam"),
                "the cluster assigns pod addresses",
            );
        }
    }
}

/// Converts a loaded project.
pub fn convert(project: &Project) -> Result<Manifests, KubeError> {
    let mut out = Manifests::default();
    networks(project, &mut out);
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
