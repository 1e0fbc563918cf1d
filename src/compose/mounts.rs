//! A service's mounts: `volumes` (short syntax through `run`'s `-v`
//! parser, long syntax for bind, volume and tmpfs; named volumes get the
//! project's name) and `secrets`/`configs` as read-only files.

use serde_json::Value as Json;

use super::project::ProjectError;
use super::service::{bad, resource_name, scalar, Context};
use crate::container::options;
use crate::runtime::spec::{BindMount, RunOptions};

/// Named volumes declared with the local driver's bind options
/// (`driver_opts: {type: none, o: bind, device: /path}`) are bind mounts
/// of that path.
fn bind_volumes(ctx: &Context, o: &mut RunOptions) {
    let Some(Json::Object(declared)) = ctx.model.get("volumes") else {
        return;
    };
    for (key, def) in declared {
        let opts = def.get("driver_opts");
        let field = |k: &str| opts.and_then(|m| m.get(k)).and_then(Json::as_str);
        let (Some(o_opt), Some(device)) = (field("o"), field("device")) else {
            continue;
        };
        if !o_opt.split(',').any(|x| x == "bind") {
            continue;
        }
        let name = resource_name(ctx, "volumes", key);
        let device = ctx
            .directory
            .join(device.strip_prefix("./").unwrap_or(device));
        for b in o.binds.iter_mut() {
            if b.volume.as_deref() == Some(name.as_str()) {
                b.volume = None;
                b.source = device.clone();
                b.create_host_path = false;
            }
        }
    }
}

pub(super) fn volumes(
    ctx: &Context,
    name: &str,
    v: Option<&Json>,
    o: &mut RunOptions,
) -> Result<(), ProjectError> {
    let Some(Json::Array(items)) = v else {
        return Ok(());
    };
    let volume_name = |src: &str| -> String {
        if ctx.model.pointer(&format!("/volumes/{src}")).is_some() {
            resource_name(ctx, "volumes", src)
        } else {
            src.to_string()
        }
    };
    for item in items {
        match item {
            Json::Object(m) => {
                let kind = m.get("type").and_then(Json::as_str).unwrap_or("volume");
                let target = m.get("target").and_then(scalar).unwrap_or_default();
                let source = m.get("source").and_then(scalar).unwrap_or_default();
                let readonly = m.get("read_only").and_then(Json::as_bool).unwrap_or(false);
                if !target.starts_with('/') {
                    return Err(bad(
                        name,
                        "volumes",
                        format!("target {target:?} must be absolute"),
                    ));
                }
                match kind {
                    "tmpfs" => {
                        let size = m.get("tmpfs").and_then(|t| t.get("size")).and_then(scalar);
                        o.tmpfs.push(match size {
                            Some(s) => format!("{target}:size={s}"),
                            None => target,
                        });
                    }
                    "bind" => {
                        let create = m
                            .get("bind")
                            .and_then(|b| b.get("create_host_path"))
                            .and_then(Json::as_bool)
                            .unwrap_or(true);
                        let src = ctx.directory.join(&source);
                        o.binds.push(BindMount {
                            source: src,
                            destination: target,
                            readonly,
                            volume: None,
                            create_host_path: create,
                        });
                    }
                    "volume" => o.binds.push(BindMount {
                        source: Default::default(),
                        destination: target,
                        readonly,
                        volume: Some(if source.is_empty() {
                            String::new()
                        } else {
                            volume_name(&source)
                        }),
                        create_host_path: false,
                    }),
                    other => {
                        return Err(bad(
                            name,
                            "volumes",
                            format!("type {other:?} is not supported"),
                        ))
                    }
                }
            }
            other => {
                let spec = scalar(other).unwrap_or_default();
                let mut b = options::parse_volume(&spec).map_err(|e| bad(name, "volumes", e))?;
                if let Some(v) = b.volume.as_mut().filter(|v| !v.is_empty()) {
                    *v = volume_name(v);
                }
                o.binds.push(b);
            }
        }
    }
    bind_volumes(ctx, o);
    Ok(())
}

/// A `secrets:` or `configs:` item of service `name` (a name, or
/// `{source, target}`): the source's name, the target given, and its
/// top-level definition under `kind`; `key` is what an error names.
pub(super) fn reference<'a>(
    ctx: &'a Context,
    name: &str,
    kind: &str,
    key: &str,
    item: &Json,
) -> Result<(String, Option<String>, &'a Json), ProjectError> {
    let (source, target) = match item {
        Json::Object(m) => (
            m.get("source").and_then(scalar).unwrap_or_default(),
            m.get("target").and_then(scalar),
        ),
        other => (scalar(other).unwrap_or_default(), None),
    };
    let def = ctx
        .model
        .pointer(&format!("/{kind}/{source}"))
        .ok_or_else(|| {
            bad(
                name,
                key,
                format!("{source:?} is not defined at the top level"),
            )
        })?;
    Ok((source, target, def))
}

/// `secrets:` (at /run/secrets/NAME) and `configs:` (at /NAME), from a file
/// or, for `environment:` sources, a file written under the store.
pub(super) fn files(
    ctx: &Context,
    name: &str,
    kind: &str,
    v: Option<&Json>,
    o: &mut RunOptions,
    generated: &mut Vec<(std::path::PathBuf, String)>,
) -> Result<(), ProjectError> {
    let Some(Json::Array(items)) = v else {
        return Ok(());
    };
    for item in items {
        let (source, target, def) = reference(ctx, name, kind, kind, item)?;
        let target = match target {
            Some(t) if t.starts_with('/') => t,
            Some(t) if kind == "secrets" => format!("/run/secrets/{t}"),
            Some(t) => format!("/{t}"),
            None if kind == "secrets" => format!("/run/secrets/{source}"),
            None => format!("/{source}"),
        };
        let host = if let Some(f) = def.get("file").and_then(Json::as_str) {
            ctx.directory.join(f.strip_prefix("./").unwrap_or(f))
        } else if let Some(var) = def.get("environment").and_then(Json::as_str) {
            let value = ctx.environment.get(var).cloned().unwrap_or_default();
            let p = ctx.generated_dir.join(format!("{kind}-{source}"));
            generated.push((p.clone(), value));
            p
        } else if let Some(content) = def.get("content").and_then(Json::as_str) {
            let p = ctx.generated_dir.join(format!("{kind}-{source}"));
            generated.push((p.clone(), content.to_string()));
            p
        } else {
            return Err(bad(
                name,
                kind,
                format!("{source:?}: only file, environment and content sources are supported"),
            ));
        };
        o.binds.push(BindMount {
            source: host,
            destination: target,
            readonly: true,
            volume: None,
            create_host_path: false,
        });
    }
    Ok(())
}
