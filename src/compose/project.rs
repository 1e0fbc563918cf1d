//! From the loaded model to what the commands act on: the services in
//! start order, the networks and volumes the project declares, and the
//! project's containers as they are now (found by their labels: tug keeps
//! no project file of its own).

use std::path::PathBuf;

use serde_json::Value as Json;

use super::labels;
use super::service::{self, Context, Service};
use super::Project;
use crate::container::image::EnsureImageError;
use crate::container::{self, Record};
use crate::error::Error;
use crate::store::Store;

/// Why a project's containers could not be brought to the state asked for.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("service {service:?}: {why}")]
    Service { service: String, why: String },
    #[error("service {service:?}: pulling {image}: {source}")]
    Image {
        service: String,
        image: String,
        #[source]
        source: EnsureImageError,
    },
    #[error("service {service:?}: build: {source}")]
    Build {
        service: String,
        #[source]
        source: Box<crate::build::BuildError>,
    },
    #[error("dependency failed to start: container {container} is unhealthy")]
    Unhealthy { container: String },
    #[error("service {service:?} didn't complete successfully: exit {code}")]
    NotCompleted { service: String, code: i32 },
    #[error("dependency failed to start: container {container} exited ({code})")]
    Exited { container: String, code: i32 },
    #[error("timed out waiting for {what}")]
    Timeout { what: String },
    #[error("service {service:?}: container {container}: {source}")]
    Container {
        service: String,
        container: String,
        #[source]
        source: Error,
    },
    #[error("network {name}: {source}")]
    Network {
        name: String,
        #[source]
        source: Error,
    },
    #[error("volume {name}: {source}")]
    Volume {
        name: String,
        #[source]
        source: Error,
    },
    #[error("no such service: {0}")]
    NoSuchService(String),
    #[error("interrupted")]
    Interrupted,
    #[error(transparent)]
    Core(#[from] Error),
}

pub type Result<T, E = ProjectError> = std::result::Result<T, E>;

/// A top-level network.
#[derive(Debug, Clone)]
pub struct NetworkDef {
    pub key: String,
    pub name: String,
    pub external: bool,
    pub options: crate::net::CreateOptions,
}

/// A top-level volume.
#[derive(Debug, Clone)]
pub struct VolumeDef {
    pub key: String,
    pub name: String,
    pub external: bool,
    pub labels: std::collections::BTreeMap<String, String>,
}

/// The project as the commands see it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub directory: PathBuf,
    /// In start order.
    pub services: Vec<Service>,
    pub networks: Vec<NetworkDef>,
    pub volumes: Vec<VolumeDef>,
    /// Where secrets and configs from the environment are written.
    pub generated_dir: PathBuf,
    /// The variables interpolation saw (`.env` under the process's).
    pub environment: std::collections::BTreeMap<String, String>,
}

impl Plan {
    pub fn service(&self, name: &str) -> Result<&Service> {
        self.services
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| ProjectError::NoSuchService(name.to_string()))
    }

    /// The container name of replica `n` of `s`.
    pub fn container_name(&self, s: &Service, n: u32) -> String {
        s.container_name
            .clone()
            .unwrap_or_else(|| format!("{}-{}-{n}", self.name, s.name))
    }
}

impl Plan {
    /// A project known only by name (`-p NAME down` with no Compose file):
    /// no services, so its commands act on every container it labels.
    pub fn bare(store: &Store, name: &str) -> Plan {
        Plan {
            name: name.to_string(),
            directory: PathBuf::new(),
            services: Vec::new(),
            networks: Vec::new(),
            volumes: Vec::new(),
            generated_dir: generated_dir(store, name),
            environment: Default::default(),
        }
    }
}

/// The directory for a project's generated files under the store.
pub fn generated_dir(store: &Store, project: &str) -> PathBuf {
    store.root().join("compose").join(project)
}

fn string_map(v: Option<&Json>) -> std::collections::BTreeMap<String, String> {
    match v {
        Some(Json::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), service::scalar(v).unwrap_or_default()))
            .collect(),
        Some(Json::Array(a)) => a
            .iter()
            .filter_map(Json::as_str)
            .map(|s| {
                let (k, v) = s.split_once('=').unwrap_or((s, ""));
                (k.to_string(), v.to_string())
            })
            .collect(),
        _ => Default::default(),
    }
}

fn is_external(def: &Json) -> bool {
    def.get("external")
        .is_some_and(|e| e.as_bool() == Some(true) || e.is_object())
}

/// Reads the loaded model into a plan.
pub fn plan(store: &Store, project: &Project) -> Result<Plan> {
    let model = project.model.to_json();
    let gen = generated_dir(store, &project.name);
    let ctx = Context {
        project: &project.name,
        directory: &project.directory,
        files: &project.files,
        model: &model,
        generated_dir: &gen,
        environment: &project.environment,
    };
    let mut services = Vec::new();
    if let Some(Json::Object(m)) = model.get("services") {
        for (name, svc) in m {
            services.push(service::read(&ctx, name, svc)?);
        }
    }
    let project_name = project.name.clone();
    let services = super::order::sort(services, |c| {
        c.strip_prefix(&format!("{project_name}-"))
            .and_then(|rest| rest.rsplit_once('-'))
            .map(|(s, _)| s.to_string())
    });
    let mut networks = Vec::new();
    let declared = match model.get("networks") {
        Some(Json::Object(m)) => m.clone(),
        _ => Default::default(),
    };
    let uses_default = services.iter().any(|s| {
        s.options
            .networks
            .iter()
            .any(|n| n.name == service::resource_name(&ctx, "networks", "default"))
    });
    let mut keys: Vec<(String, Json)> = declared.into_iter().collect();
    if uses_default && !keys.iter().any(|(k, _)| k == "default") {
        keys.insert(0, ("default".into(), Json::Null));
    }
    for (key, def) in keys {
        let name = service::resource_name(&ctx, "networks", &key);
        let mut labels = string_map(def.get("labels"));
        labels.insert(labels::PROJECT.into(), project.name.clone());
        labels.insert(labels::NETWORK.into(), key.clone());
        labels.insert(labels::VERSION.into(), labels::COMPOSE_VERSION.into());
        let ipam = def.pointer("/ipam/config/0");
        let field = |k: &str| {
            ipam.and_then(|c| c.get(k))
                .and_then(Json::as_str)
                .map(str::to_string)
        };
        let driver = def.get("driver").and_then(Json::as_str).map(str::to_string);
        networks.push(NetworkDef {
            key: key.clone(),
            name,
            external: is_external(&def),
            options: crate::net::CreateOptions {
                driver,
                subnet: field("subnet"),
                gateway: field("gateway"),
                ip_range: field("ip_range"),
                internal: def.get("internal").and_then(Json::as_bool).unwrap_or(false),
                labels,
                options: string_map(def.get("driver_opts")),
            },
        });
    }
    let mut volumes = Vec::new();
    if let Some(Json::Object(m)) = model.get("volumes") {
        for (key, def) in m {
            let bind = def
                .pointer("/driver_opts/o")
                .and_then(Json::as_str)
                .is_some_and(|o| o.split(',').any(|x| x == "bind"));
            if bind {
                // A bind mount of its device (see `mounts`), nothing to create.
                continue;
            }
            let mut labels = string_map(def.get("labels"));
            labels.insert(labels::PROJECT.into(), project.name.clone());
            labels.insert(labels::VOLUME.into(), key.clone());
            labels.insert(labels::VERSION.into(), labels::COMPOSE_VERSION.into());
            volumes.push(VolumeDef {
                key: key.clone(),
                name: service::resource_name(&ctx, "volumes", key),
                external: is_external(def),
                labels,
            });
        }
    }
    Ok(Plan {
        name: project.name.clone(),
        directory: project.directory.clone(),
        services,
        networks,
        volumes,
        generated_dir: gen,
        environment: project.environment.clone(),
    })
}

/// The label `key` of a container.
pub fn label<'a>(r: &'a Record, key: &str) -> Option<&'a str> {
    r.options.labels.get(key).map(String::as_str)
}

/// The replica number of a container (0 for one-off containers).
pub fn number(r: &Record) -> u32 {
    label(r, labels::NUMBER)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The project's containers, by service then number (one-off `run`
/// containers too when `oneoff`).
pub fn containers(store: &Store, project: &str, oneoff: bool) -> Result<Vec<Record>> {
    let mut out: Vec<Record> = container::list(store)?
        .into_iter()
        .filter(|r| label(r, labels::PROJECT) == Some(project))
        .filter(|r| oneoff || label(r, labels::ONEOFF) != Some("True"))
        .map(|r| container::refresh(store, r))
        .collect();
    out.sort_by(|a, b| {
        (label(a, labels::SERVICE), number(a), &a.name).cmp(&(
            label(b, labels::SERVICE),
            number(b),
            &b.name,
        ))
    });
    Ok(out)
}

/// Every project that has containers: (name, containers).
pub fn all_projects(store: &Store) -> Result<Vec<(String, Vec<Record>)>> {
    let mut by: std::collections::BTreeMap<String, Vec<Record>> = Default::default();
    for r in container::list(store)? {
        if let Some(p) = label(&r, labels::PROJECT) {
            let p = p.to_string();
            by.entry(p).or_default().push(container::refresh(store, r));
        }
    }
    Ok(by.into_iter().collect())
}
