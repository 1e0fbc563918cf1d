//! The instructions that change only the image config (and Docker's
//! extra fields): `CMD`, `ENTRYPOINT`, `ENV`, `LABEL`, `MAINTAINER`,
//! `EXPOSE`, `VOLUME`, `USER`, `WORKDIR`, `STOPSIGNAL`, `HEALTHCHECK`,
//! `ONBUILD`, `SHELL`. Each expands its arguments in the stage's scope
//! and returns its history text (the expanded instruction, which is also
//! its cache key) and the change.

use std::path::Path;

use super::Made;
use crate::build::dockerfile::{Command, Health, Instruction, Step};
use crate::build::exec::{Builder, State};
use crate::build::tree::{clean, Tree};
use crate::build::BuildError;
use crate::image::extras::Healthcheck;

/// A command in exec form: the shell form runs through the stage's shell.
pub(super) fn argv(st: &State, c: &Command) -> Vec<String> {
    match c {
        Command::Exec(v) => v.clone(),
        Command::Shell(s) => {
            let mut v = st.shell();
            v.push(s.clone());
            v
        }
    }
}

fn json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// `80` → `80/tcp`; a range gives each port.
fn ports(p: &str) -> Option<Vec<String>> {
    let (ports, proto) = p.split_once('/').unwrap_or((p, "tcp"));
    let proto = proto.to_ascii_lowercase();
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return None;
    }
    let (lo, hi) = ports.split_once('-').unwrap_or((ports, ports));
    let (lo, hi): (u16, u16) = (lo.parse().ok()?, hi.parse().ok()?);
    (lo <= hi && hi - lo < 4096).then(|| (lo..=hi).map(|p| format!("{p}/{proto}")).collect())
}

fn nanos(b: &Builder, line: usize, flag: &str, v: &Option<String>) -> Result<i64, BuildError> {
    match v {
        None => Ok(0),
        Some(v) => humantime::parse_duration(v)
            .map(|d| d.as_nanos() as i64)
            .map_err(|_| b.fail(line, format!("HEALTHCHECK --{flag}={v}: not a duration"))),
    }
}

fn health(b: &Builder, line: usize, h: &Health) -> Result<Healthcheck, BuildError> {
    let test = match &h.command {
        Command::Exec(v) => std::iter::once("CMD".to_string())
            .chain(v.clone())
            .collect(),
        Command::Shell(s) => vec!["CMD-SHELL".to_string(), s.clone()],
    };
    Ok(Healthcheck {
        test,
        interval: nanos(b, line, "interval", &h.interval)?,
        timeout: nanos(b, line, "timeout", &h.timeout)?,
        start_period: nanos(b, line, "start-period", &h.start_period)?,
        start_interval: nanos(b, line, "start-interval", &h.start_interval)?,
        retries: match &h.retries {
            None => 0,
            Some(r) => r
                .parse()
                .map_err(|_| b.fail(line, format!("HEALTHCHECK --retries={r}: not a count")))?,
        },
    })
}

/// Plans a metadata instruction.
pub(super) fn plan(b: &Builder, st: &mut State, s: &Step) -> Result<(String, Made), BuildError> {
    let line = s.line;
    let word = |st: &State, w: &str| st.scope.word(w).map_err(|e| b.fail(line, e));
    Ok(match &s.instruction {
        Instruction::Cmd(c) => {
            let v = argv(st, c);
            st.cmd_set = true;
            (
                format!("CMD {}", json(&v)),
                Made::meta(move |c| {
                    c.set_cmd(Some(v));
                }),
            )
        }
        Instruction::Entrypoint(c) => {
            let v = argv(st, c);
            let keep_cmd = st.cmd_set;
            (
                format!("ENTRYPOINT {}", json(&v)),
                Made::meta(move |c| {
                    c.set_entrypoint(Some(v));
                    if !keep_cmd {
                        // A CMD from the base image does not go with a new
                        // ENTRYPOINT (Docker resets it).
                        c.set_cmd(None);
                    }
                }),
            )
        }
        Instruction::Env(kvs) => {
            // Every value is expanded with the variables as they were
            // before this line (`ENV A=2 B=$A` gives B the old A).
            let mut pairs = Vec::new();
            for kv in kvs {
                pairs.push((word(st, &kv.key)?, word(st, &kv.value)?));
            }
            let mut text = Vec::new();
            for (k, v) in pairs {
                text.push(format!("{k}={v}"));
                st.scope.set_env(&k, v);
            }
            let env = st.scope.env();
            (
                format!("ENV {}", text.join(" ")),
                Made::meta(move |c| {
                    c.set_env(Some(env));
                }),
            )
        }
        Instruction::Label(kvs) => {
            let mut pairs = Vec::new();
            for kv in kvs {
                pairs.push((word(st, &kv.key)?, word(st, &kv.value)?));
            }
            let text = pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ");
            (
                format!("LABEL {text}"),
                Made::meta(move |c| {
                    let mut l = c.labels().clone().unwrap_or_default();
                    l.extend(pairs);
                    c.set_labels(Some(l));
                }),
            )
        }
        Instruction::Maintainer(m) => {
            let m = word(st, m)?;
            let mut made = Made::meta(|_| {});
            made.author = Some(m.clone());
            (format!("MAINTAINER {m}"), made)
        }
        Instruction::Expose(ps) => {
            let mut all = Vec::new();
            for p in ps {
                for f in st.scope.fields(p).map_err(|e| b.fail(line, e))? {
                    all.extend(
                        ports(&f)
                            .ok_or_else(|| b.fail(line, format!("invalid containerPort: {f}")))?,
                    );
                }
            }
            (
                format!("EXPOSE {}", all.join(" ")),
                Made::meta(move |c| {
                    let mut e = c.exposed_ports().clone().unwrap_or_default();
                    for p in all {
                        if !e.contains(&p) {
                            e.push(p);
                        }
                    }
                    c.set_exposed_ports(Some(e));
                }),
            )
        }
        Instruction::Volume(vs) => {
            let mut all = Vec::new();
            for v in vs {
                all.push(word(st, v)?);
            }
            (
                format!("VOLUME {}", json(&all)),
                Made::meta(move |c| {
                    let mut e = c.volumes().clone().unwrap_or_default();
                    for p in all {
                        if !e.contains(&p) {
                            e.push(p);
                        }
                    }
                    c.set_volumes(Some(e));
                }),
            )
        }
        Instruction::User(u) => {
            let u = word(st, u)?;
            (
                format!("USER {u}"),
                Made::meta(move |c| {
                    c.set_user(Some(u));
                }),
            )
        }
        Instruction::Stopsignal(sig) => {
            let sig = word(st, sig)?;
            crate::container::signal::parse_signal(&sig)
                .map_err(|_| b.fail(line, format!("invalid STOPSIGNAL {sig:?}")))?;
            (
                format!("STOPSIGNAL {sig}"),
                Made::meta(move |c| {
                    c.set_stop_signal(Some(sig));
                }),
            )
        }
        Instruction::Healthcheck(h) => {
            let hc = match h {
                None => Healthcheck {
                    test: vec!["NONE".into()],
                    ..Default::default()
                },
                Some(h) => health(b, line, h)?,
            };
            let text = format!(
                "HEALTHCHECK {}",
                serde_json::to_string(&hc).unwrap_or_default()
            );
            (text, Made::extras(move |e| e.healthcheck = Some(hc)))
        }
        Instruction::Onbuild(t) => {
            let t = t.clone();
            (
                format!("ONBUILD {t}"),
                Made::extras(move |e| e.on_build.get_or_insert_with(Vec::new).push(t)),
            )
        }
        Instruction::Shell(v) => {
            let v = v.clone();
            let text = format!("SHELL {}", json(&v));
            (text, Made::extras(move |e| e.shell = Some(v)))
        }
        other => return Err(b.fail(line, format!("{other:?} is not a metadata instruction"))),
    })
}

/// `WORKDIR`: the absolute directory, its change, and the directory to
/// create when the image lacks it.
pub(super) fn workdir(
    b: &Builder,
    st: &State,
    line: usize,
    w: &str,
) -> Result<(String, Made, Option<String>), BuildError> {
    let w = st.scope.word(w).map_err(|e| b.fail(line, e))?;
    let joined = if w.starts_with('/') {
        w.clone()
    } else {
        format!("{}/{w}", st.workdir())
    };
    let abs = format!("/{}", clean(Path::new(&joined)).display());
    let missing = match &st.image {
        Some(img) => {
            let tree = super::copy::image_tree(b, line, img)?;
            let real = tree.resolve(Path::new(&abs), true);
            tree.stat(&real).is_none()
        }
        None => abs != "/",
    };
    let dir = abs.clone();
    Ok((
        format!("WORKDIR {abs}"),
        Made::meta(move |c| {
            c.set_working_dir(Some(dir));
        }),
        missing.then_some(abs),
    ))
}
