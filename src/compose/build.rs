//! Building a `build:` service's image with the builder (a library call):
//! the short form (a context path) or the long one (`context`,
//! `dockerfile`, `dockerfile_inline`, `args`, `target`, `labels`,
//! `network`, `no_cache`, `pull`, `tags`), named `<project>-<service>` or
//! the service's `image:`, with the build's events tagged by service.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::project::{Plan, ProjectError, Result};
use super::service::Service;
use crate::build::{self, dockerfile, ignore::Ignore, scope::BuildArgs, tree::DirTree, Event};
use crate::reference::Reference;
use crate::store::Store;

/// A Dockerfile larger than this is refused.
const MAX_DOCKERFILE: u64 = 16 << 20;

/// What `compose build` (or `up --build`) adds to each service's section.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub no_cache: bool,
    pub pull: bool,
    /// `--build-arg NAME=VALUE`, over the file's `args`.
    pub args: BTreeMap<String, String>,
}

fn bad(s: &Service, why: impl Into<String>) -> ProjectError {
    ProjectError::Service {
        service: s.name.clone(),
        why: format!("build: {}", why.into()),
    }
}

/// A map given as a map or as a list of `KEY=VALUE` (a `KEY` alone or a
/// null value is left out, as an unset variable is).
fn pairs(v: Option<&Json>) -> BTreeMap<String, String> {
    let text = |v: &Json| match v {
        Json::String(s) => Some(s.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    };
    match v {
        Some(Json::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), text(v)?)))
            .collect(),
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str()?.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// The build request for `s`, whose `build:` section is `b`.
fn request(plan: &Plan, s: &Service, b: &Json, o: &BuildOptions) -> Result<build::Request> {
    let section = match b {
        Json::String(c) => serde_json::json!({ "context": c }),
        other => other.clone(),
    };
    let get = |k: &str| section.get(k).filter(|v| !v.is_null());
    let context = get("context").and_then(Json::as_str).unwrap_or(".");
    if context.contains("://") || context.starts_with("git@") {
        return Err(bad(
            s,
            format!("context {context:?}: only local directories can be built"),
        ));
    }
    if get("secrets").is_some() {
        return Err(bad(s, "secrets: not supported yet"));
    }
    let context: PathBuf = plan.directory.join(context);
    let (name, text, path) = match get("dockerfile_inline").and_then(Json::as_str) {
        Some(t) => ("Dockerfile".to_string(), t.to_string(), None),
        None => {
            let name = get("dockerfile")
                .and_then(Json::as_str)
                .unwrap_or("Dockerfile");
            let path = context.join(name);
            (name.to_string(), read_dockerfile(s, &path)?, Some(path))
        }
    };
    let df = dockerfile::parse(&name, &text).map_err(|e| bad(s, e.to_string()))?;
    let ignore = Ignore::for_build(path.as_deref(), &context)
        .map_err(|(p, e)| bad(s, format!("reading {}: {e}", p.display())))?;
    let root = crate::fs::Root::open(&context)
        .map_err(|e| bad(s, format!("context {}: {e}", context.display())))?;
    let mut given = pairs(get("args"));
    given.extend(o.args.clone());
    let (os, arch) = crate::image::import::host_platform();
    let mut tags = vec![s.image.as_str()];
    if let Some(Json::Array(t)) = get("tags") {
        tags.extend(t.iter().filter_map(Json::as_str));
    }
    let tags = tags
        .iter()
        .map(|t| Reference::parse(t).map_err(|e| bad(s, format!("tag {t:?}: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    let network = match get("network").and_then(Json::as_str) {
        None => "default".to_string(),
        Some(n @ ("default" | "none" | "host")) => n.to_string(),
        Some(n) => {
            return Err(bad(
                s,
                format!("network {n:?}: must be default, none or host"),
            ))
        }
    };
    let flag = |k: &str| get(k).and_then(Json::as_bool).unwrap_or(false);
    Ok(build::Request {
        dockerfile: df,
        context: Some(DirTree { root, ignore }),
        args: BuildArgs {
            given,
            platform: format!("{os}/{arch}"),
        },
        target: get("target").and_then(Json::as_str).map(String::from),
        tags,
        labels: pairs(get("labels")),
        no_cache: o.no_cache || flag("no_cache"),
        pull: o.pull || flag("pull"),
        network,
        secrets: BTreeMap::new(),
        keep: true,
    })
}

fn read_dockerfile(s: &Service, path: &Path) -> Result<String> {
    let meta =
        std::fs::metadata(path).map_err(|e| bad(s, format!("reading {}: {e}", path.display())))?;
    if meta.len() > MAX_DOCKERFILE {
        return Err(bad(
            s,
            format!(
                "{}: a Dockerfile larger than {MAX_DOCKERFILE} bytes",
                path.display()
            ),
        ));
    }
    let data =
        std::fs::read(path).map_err(|e| bad(s, format!("reading {}: {e}", path.display())))?;
    String::from_utf8(data).map_err(|_| bad(s, format!("{}: not UTF-8 text", path.display())))
}

/// Builds `s`'s image (it must have a `build:` section), reporting the
/// builder's events with the stage names prefixed by the service's, as
/// Compose shows them (`[web 2/3] COPY ...`).
pub fn build_service(
    store: &Store,
    plan: &Plan,
    s: &Service,
    o: &BuildOptions,
    progress: &mut dyn FnMut(&str, Event),
) -> Result<build::Built> {
    let Some(b) = &s.build else {
        return Err(bad(s, "the service has no build section"));
    };
    let req = request(plan, s, b, o)?;
    build::build(store, &req, &mut |e| {
        let e = match e {
            Event::Step {
                step,
                stage,
                index,
                total,
                text,
            } => Event::Step {
                step,
                stage: format!("{} {stage}", s.name),
                index,
                total,
                text,
            },
            other => other,
        };
        progress(&s.name, e)
    })
    .map_err(|e| ProjectError::Build {
        service: s.name.clone(),
        source: Box::new(e),
    })
}
