//! Building a `build:` service's image with the builder (a library call):
//! the short form (a context path) or the long one (`context`,
//! `dockerfile`, `dockerfile_inline`, `args`, `target`, `labels`,
//! `network`, `no_cache`, `pull`, `tags`, `secrets`), named
//! `<project>-<service>` or the service's `image:`, with the build's events
//! tagged by service. What comes from the project (valueless `args` from
//! the environment, `secrets` from the top level) is resolved when the
//! service is read (`resolve`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::project::{Plan, ProjectError, Result};
use super::service::{scalar, Context, Service};
use crate::build::{
    self, dockerfile, ignore::Ignore, scope::BuildArgs, tree::DirTree, Event, Secret,
};
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

impl BuildOptions {
    /// Adds `--build-arg`s: `NAME=VALUE`, or `NAME` alone for the
    /// variable's value in the project's environment (left out if unset).
    pub fn with_build_args(mut self, plan: &Plan, given: &[String]) -> crate::Result<Self> {
        for b in given {
            match b.split_once('=') {
                Some(("", _)) => {
                    return Err(crate::Error::Invalid(format!(
                        "invalid --build-arg {b:?}: the name is empty"
                    )))
                }
                Some((k, v)) => {
                    self.args.insert(k.to_string(), v.to_string());
                }
                None => {
                    if let Some(v) = plan.environment.get(b) {
                        self.args.insert(b.clone(), v.clone());
                    }
                }
            }
        }
        Ok(self)
    }
}

fn bad(s: &Service, why: impl Into<String>) -> ProjectError {
    bad_in(&s.name, why)
}

fn bad_in(service: &str, why: impl Into<String>) -> ProjectError {
    ProjectError::Service {
        service: service.to_string(),
        why: format!("build: {}", why.into()),
    }
}

/// A `build.secrets` entry: the id `RUN --mount=type=secret,id=...` asks
/// for (the long form's `target`, else the secret's name, as Compose
/// passes it to the builder) and where its value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSecret {
    /// The top-level secret's name.
    pub name: String,
    pub id: String,
    pub source: SecretSource,
}

/// Where a build secret's value is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    File(PathBuf),
    /// An `environment:` source: the variable, and its value when set.
    Env {
        var: String,
        value: Option<String>,
    },
    Content(String),
}

/// A service's `build:` section as the builder needs it: the long form,
/// with `args` a map of strings where an argument given without a value
/// (`- VAR`, `VAR:`, `VAR: null`) takes the variable's value from the
/// environment (the process's over `.env`) and is left out when it is
/// unset, as Compose does; and its `secrets` resolved against the
/// top-level `secrets:` (an undefined one is an error; a missing file or
/// unset variable is one when building, so `down` still works).
pub(super) fn resolve(
    ctx: &Context,
    service: &str,
    b: Option<&Json>,
) -> Result<(Option<Json>, Vec<BuildSecret>)> {
    let Some(b) = b else {
        return Ok((None, Vec::new()));
    };
    let mut section = match b {
        Json::String(c) => serde_json::json!({ "context": c }),
        other => other.clone(),
    };
    let lookup = |k: &str| ctx.environment.get(k).cloned().map(Json::String);
    let args: serde_json::Map<String, Json> = match section.get("args") {
        Some(Json::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| match v {
                Json::Null => Some((k.clone(), lookup(k)?)),
                v => Some((k.clone(), Json::String(scalar(v)?))),
            })
            .collect(),
        Some(Json::Array(items)) => items
            .iter()
            .filter_map(scalar)
            .filter_map(|i| match i.split_once('=') {
                Some((k, v)) => Some((k.to_string(), Json::String(v.to_string()))),
                None => Some((i.clone(), lookup(&i)?)),
            })
            .collect(),
        _ => Default::default(),
    };
    if let Json::Object(m) = &mut section {
        if m.contains_key("args") {
            m.insert("args".into(), Json::Object(args));
        }
    }
    let items = match section.get("secrets") {
        Some(Json::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let mut secrets = Vec::new();
    for item in &items {
        let (name, target, def) =
            super::mounts::reference(ctx, service, "secrets", "build.secrets", item)?;
        let source = if let Some(f) = def.get("file").and_then(Json::as_str) {
            SecretSource::File(ctx.directory.join(f.strip_prefix("./").unwrap_or(f)))
        } else if let Some(var) = def.get("environment").and_then(Json::as_str) {
            SecretSource::Env {
                var: var.to_string(),
                value: ctx.environment.get(var).cloned(),
            }
        } else if let Some(c) = def.get("content").and_then(Json::as_str) {
            SecretSource::Content(c.to_string())
        } else {
            return Err(bad_in(
                service,
                format!("secrets: {name:?}: only file, environment and content sources can be used in a build"),
            ));
        };
        secrets.push(BuildSecret {
            id: target.unwrap_or_else(|| name.clone()),
            name,
            source,
        });
    }
    Ok((Some(section), secrets))
}

/// The builder's secrets: each file must be there, each variable set.
fn secrets(s: &Service) -> Result<BTreeMap<String, Secret>> {
    let mut out = BTreeMap::new();
    for b in &s.build_secrets {
        let secret = match &b.source {
            SecretSource::File(p) => {
                std::fs::metadata(p)
                    .map_err(|e| bad(s, format!("secret {:?}: {}: {e}", b.name, p.display())))?;
                Secret::File(p.clone())
            }
            SecretSource::Env { var, value } => match value {
                Some(v) => Secret::Value(v.clone().into_bytes()),
                None => {
                    return Err(bad(
                        s,
                        format!("secret {:?}: environment variable {var} is not set", b.name),
                    ))
                }
            },
            SecretSource::Content(c) => Secret::Value(c.clone().into_bytes()),
        };
        out.insert(b.id.clone(), secret);
    }
    Ok(out)
}

/// A map given as a map or as a list of `KEY=VALUE` (a `KEY` alone or a
/// null value is left out, as an unset variable is; `args` were resolved
/// by `resolve`).
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
        secrets: secrets(s)?,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(model: Json) -> Result<(Option<Json>, Vec<BuildSecret>)> {
        let env = BTreeMap::from([
            ("SET".to_string(), "from-env".to_string()),
            ("KEY".to_string(), "k".to_string()),
        ]);
        let ctx = Context {
            project: "p",
            directory: Path::new("/proj"),
            files: &["compose.yaml".to_string()],
            model: &model,
            generated_dir: Path::new("/store/compose/p"),
            environment: &env,
        };
        resolve(&ctx, "web", model["services"]["web"].get("build"))
    }

    #[test]
    fn valueless_args_come_from_the_environment_or_are_left_out() {
        for args in [
            serde_json::json!({"SET": null, "UNSET": null, "N": 1, "E": ""}),
            serde_json::json!(["SET", "UNSET", "N=1", "E="]),
        ] {
            let m =
                serde_json::json!({"services": {"web": {"build": {"context": ".", "args": args}}}});
            let (b, _) = resolved(m).unwrap();
            assert_eq!(
                b.unwrap()["args"],
                serde_json::json!({"SET": "from-env", "N": "1", "E": ""})
            );
        }
        let m = serde_json::json!({"services": {"web": {"build": "."}}});
        assert_eq!(
            resolved(m).unwrap().0,
            Some(serde_json::json!({"context": "."}))
        );
    }

    #[test]
    fn secrets_resolve_against_the_top_level() {
        let m = serde_json::json!({
            "services": {"web": {"build": {"secrets": ["f", {"source": "e", "target": "id"}, "u"]}}},
            "secrets": {"f": {"file": "./f.txt"}, "e": {"environment": "KEY"}, "u": {"environment": "NOPE"}}
        });
        let (_, s) = resolved(m).unwrap();
        assert_eq!(
            s,
            vec![
                BuildSecret {
                    name: "f".into(),
                    id: "f".into(),
                    source: SecretSource::File("/proj/f.txt".into()),
                },
                BuildSecret {
                    name: "e".into(),
                    id: "id".into(),
                    source: SecretSource::Env {
                        var: "KEY".into(),
                        value: Some("k".into())
                    },
                },
                BuildSecret {
                    name: "u".into(),
                    id: "u".into(),
                    source: SecretSource::Env {
                        var: "NOPE".into(),
                        value: None
                    },
                },
            ]
        );
        let m = serde_json::json!({"services": {"web": {"build": {"secrets": ["x"]}}}, "secrets": {"x": {"external": true}}});
        assert!(resolved(m).is_err());
        let m = serde_json::json!({"services": {"web": {"build": {"secrets": ["y"]}}}});
        let e = resolved(m).unwrap_err().to_string();
        assert!(e.contains("\"y\" is not defined"), "{e}");
    }
}
