//! The build's walk: which stages the target needs, then each of them
//! once its dependencies are built (`parallel.rs`: independent stages in
//! child processes at the same time). For each step: expand it, compute
//! its cache key, and either take the cached image or run the step and
//! write the image it makes (blobs only: no index entry until the end),
//! recording it in the cache.

use std::collections::BTreeSet;
use std::time::Instant;

use oci_spec::image::{History, MediaType};

use super::dockerfile::{Dockerfile, Instruction, Stage, Step};
use super::hashes::HashCache;
use super::scope::Scope;
use super::step::{self, Made};
use super::{cache, BuildError, Built, Event, Request};
use crate::image::extras::Extras;
use crate::image::Image;
use crate::store::Store;

/// Where a stage stands after a step.
#[derive(Clone)]
pub(super) struct State {
    /// None: `scratch` with nothing on it yet.
    pub image: Option<Image>,
    pub extras: Extras,
    pub key: String,
    pub scope: Scope,
    /// `CMD` was set in this stage (an `ENTRYPOINT` then keeps it).
    pub cmd_set: bool,
    /// An earlier step of this stage was built, not taken from the cache.
    pub rebuilt: bool,
}

impl State {
    pub fn config(&self) -> oci_spec::image::Config {
        self.image
            .as_ref()
            .and_then(|i| i.config.config().clone())
            .unwrap_or_default()
    }

    /// The working directory (`/` when unset).
    pub fn workdir(&self) -> String {
        self.config()
            .working_dir()
            .clone()
            .filter(|w| !w.is_empty())
            .unwrap_or_else(|| "/".into())
    }

    /// `SHELL`, else `/bin/sh -c`.
    pub fn shell(&self) -> Vec<String> {
        self.extras
            .shell
            .clone()
            .unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()])
    }
}

pub(super) struct Builder<'a> {
    pub store: &'a Store,
    pub req: &'a Request,
    pub sink: &'a mut dyn FnMut(Event),
    /// Steps numbered across the build.
    pub counter: usize,
    /// The end state of each stage built so far.
    pub done: Vec<Option<State>>,
    pub global: Scope,
    /// Content digests of context files, by stat (`hashes.rs`).
    pub hashes: HashCache,
}

impl Builder<'_> {
    pub fn df(&self) -> &Dockerfile {
        &self.req.dockerfile
    }

    /// `Dockerfile:LINE: what`.
    pub fn fail(&self, line: usize, what: impl std::fmt::Display) -> BuildError {
        BuildError::Step {
            file: self.df().file.clone(),
            line,
            what: what.to_string(),
        }
    }

    /// An image named by `FROM` or `--from`: pulled when missing (or
    /// always with `--pull`).
    pub fn image(&mut self, line: usize, name: &str) -> Result<Image, BuildError> {
        use crate::container::options::PullPolicy;
        let policy = if self.req.pull {
            PullPolicy::Always
        } else {
            PullPolicy::Missing
        };
        let sink = &mut *self.sink;
        crate::container::image::ensure_image(self.store, name, policy, None, &mut |n| {
            sink(Event::Notice(n.to_string()))
        })
        .map_err(|e| self.fail(line, format!("FROM {name}: {e}")))?;
        crate::image::resolve(self.store, name).map_err(|e| self.fail(line, e))
    }

    /// The image a stage ended with, or an image by name (`COPY --from`,
    /// `RUN --mount=from=`). None: scratch.
    pub fn source(
        &mut self,
        line: usize,
        current: usize,
        name: &str,
    ) -> Result<Option<Image>, BuildError> {
        if let Some(s) = self.df().stage(name).filter(|s| s.index < current) {
            let idx = s.index;
            return match self.done.get(idx).cloned().flatten() {
                Some(st) => Ok(st.image),
                None => Err(self.fail(line, format!("stage {name} was not built"))),
            };
        }
        if name.eq_ignore_ascii_case("scratch") {
            return Ok(None);
        }
        self.image(line, name).map(Some)
    }

    fn emit(&mut self, e: Event) {
        (self.sink)(e)
    }
}

/// Stage names a stage refers to: its base, `COPY --from`, `RUN
/// --mount=from=` (expanded with the global `ARG`s).
fn references(global: &Scope, stage: &Stage) -> Vec<String> {
    let mut out = vec![global.word(&stage.base).unwrap_or_default()];
    for s in &stage.steps {
        match &s.instruction {
            Instruction::Copy(c) | Instruction::Add(c) => {
                if let Some(f) = &c.from {
                    out.push(global.word(f).unwrap_or_else(|_| f.clone()));
                }
            }
            Instruction::Run(r) => {
                for m in &r.mounts {
                    for field in m.split(',') {
                        if let Some(v) = field.strip_prefix("from=") {
                            out.push(v.to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The stages the target needs, by index.
fn needed(df: &Dockerfile, global: &Scope, target: usize) -> BTreeSet<usize> {
    let mut need = BTreeSet::new();
    let mut todo = vec![target];
    while let Some(i) = todo.pop() {
        if !need.insert(i) {
            continue;
        }
        for r in references(global, &df.stages[i]) {
            if let Some(s) = df.stage(&r).filter(|s| s.index < i) {
                todo.push(s.index);
            }
        }
    }
    need
}

pub(super) fn build(
    store: &Store,
    req: &Request,
    sink: &mut dyn FnMut(Event),
) -> Result<Built, BuildError> {
    let df = &req.dockerfile;
    let global = Scope::global(&df.global_args, &req.args, df.directives.escape).map_err(|e| {
        BuildError::Step {
            file: df.file.clone(),
            line: 1,
            what: e.to_string(),
        }
    })?;
    let target = match &req.target {
        Some(t) => {
            df.stage(t)
                .ok_or_else(|| BuildError::NoTarget(t.clone()))?
                .index
        }
        None => df.stages.len() - 1,
    };
    let mapping = crate::userns::IdMapping::for_current_user();
    if crate::paths::is_rootless() && !mapping.is_single() {
        // Step containers, their upper dirs and the snapshots belong to
        // the session's ids: work as root of its user namespace.
        crate::net::session::join(store.root()).map_err(|e| BuildError::Step {
            file: df.file.clone(),
            line: 1,
            what: format!("joining the rootless session: {e}"),
        })?;
    }
    // Unnamed blobs (each step's image) must survive a concurrent `rmi`.
    let _lock = store.lock_shared().map_err(|e| BuildError::Step {
        file: df.file.clone(),
        line: 1,
        what: e.to_string(),
    })?;
    let need = needed(df, &global, target);
    let mut b = Builder {
        store,
        req,
        sink,
        counter: 0,
        done: vec![None; df.stages.len()],
        global,
        hashes: match req.context {
            Some(_) => HashCache::load(store),
            None => HashCache::disabled(),
        },
    };
    let stages = super::parallel::build_stages(&mut b, &need);
    b.hashes.save(store);
    stages?;
    let mut end = b.done[target].clone().ok_or(BuildError::Interrupted)?;
    if !req.labels.is_empty() || end.image.is_none() {
        // `--label`s go on the final image, as one more metadata step.
        let labels = req.labels.clone();
        let text = labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        let made = Made::meta(move |c| {
            let mut l = c.labels().clone().unwrap_or_default();
            l.extend(labels);
            c.set_labels(Some(l));
        });
        end = commit(&b, &end, made, format!("LABEL {text}"), 0)?;
    }
    let img = end.image.ok_or(BuildError::Interrupted)?;
    let size = store
        .blob_size(&img.manifest_digest)
        .map_err(|e| b.fail(0, e))?;
    let desc =
        crate::image::import::descriptor(MediaType::ImageManifest, &img.manifest_digest, size)
            .map_err(|e| b.fail(0, e))?;
    if req.keep || !req.tags.is_empty() {
        store
            .tag_image(&desc, &req.tags)
            .map_err(|e| b.fail(0, e))?;
    }
    Ok(Built {
        id: img.id.clone(),
        manifest: img.manifest_digest.clone(),
    })
}

/// How a stage's steps are labelled: its name, `stage-N` in a
/// multi-stage file, nothing in a single-stage one.
pub(super) fn stage_label(b: &Builder, i: usize) -> String {
    let df = b.df();
    match (&df.stages[i].name, df.stages.len() > 1) {
        (Some(n), _) => format!("{n} "),
        (None, true) => format!("stage-{i} "),
        (None, false) => String::new(),
    }
}

/// The earlier stages `stage` needs built first.
pub(super) fn stage_deps(b: &Builder, stage: &Stage) -> Vec<usize> {
    references(&b.global, stage)
        .iter()
        .filter_map(|r| b.df().stage(r).filter(|s| s.index < stage.index))
        .map(|s| s.index)
        .collect()
}

/// Writes the image `made` makes on top of `st` (blobs only) and returns
/// the new state (key unchanged: the caller sets it).
fn commit(
    b: &Builder,
    st: &State,
    made: Made,
    created_by: String,
    line: usize,
) -> Result<State, BuildError> {
    let mut extras = st.extras.clone();
    if let Some(f) = made.extras {
        f(&mut extras);
    }
    let mut history = History::default();
    history.set_created_by(Some(created_by));
    let edit = made.edit;
    let author = made.author;
    let (imported, _) = crate::image::write::write_image(
        b.store,
        crate::image::write::Step {
            base: st.image.as_ref(),
            layer: made.layer,
            history,
            source: format!("{}:{line}", b.df().file),
        },
        |c| {
            let mut cfg = c.config().clone().unwrap_or_default();
            edit(&mut cfg);
            c.set_config(Some(cfg));
            if author.is_some() {
                c.set_author(author);
            }
            Ok(())
        },
        Some(&extras.to_map()),
    )
    .map_err(|e| b.fail(line, e))?;
    let image =
        Image::load(b.store, &imported.manifest, Vec::new()).map_err(|e| b.fail(line, e))?;
    Ok(State {
        image: Some(image),
        extras,
        ..st.clone()
    })
}

pub(super) fn build_stage(
    b: &mut Builder,
    stage: &Stage,
    label: &str,
) -> Result<State, BuildError> {
    let df_file = b.df().file.clone();
    let base = b
        .global
        .word(&stage.base)
        .map_err(|e| b.fail(stage.line, e))?;
    if let Some(p) = &stage.platform {
        let p = b.global.word(p).map_err(|e| b.fail(stage.line, e))?;
        if p != b.req.args.platform {
            return Err(b.fail(
                stage.line,
                format!(
                    "FROM --platform={p}: tug builds for the host's platform ({}) only",
                    b.req.args.platform
                ),
            ));
        }
    }
    // ONBUILD triggers of the base run first, as part of this stage.
    let total = stage
        .steps
        .iter()
        .filter(|s| !matches!(s.instruction, Instruction::Arg(_)))
        .count()
        + 1;
    b.counter += 1;
    let from_step = b.counter;
    let started = Instant::now();
    b.emit(Event::Step {
        step: from_step,
        stage: label.to_string(),
        index: 1,
        total,
        text: format!("FROM {base}"),
    });
    let mut st = if base.eq_ignore_ascii_case("scratch") {
        State {
            image: None,
            extras: Extras::default(),
            key: cache::base_key("scratch"),
            scope: b.global.stage(&[]),
            cmd_set: false,
            rebuilt: false,
        }
    } else if let Some(parent) = b.df().stage(&base).filter(|s| s.index < stage.index) {
        let idx = parent.index;
        let mut st = b.done[idx]
            .clone()
            .ok_or_else(|| b.fail(stage.line, format!("stage {base} was not built")))?;
        st.key = cache::base_key(&format!("stage {}", st.key));
        st.scope = b
            .global
            .stage(&st.config().env().clone().unwrap_or_default());
        st.cmd_set = false;
        st.rebuilt = false;
        st
    } else {
        let img = b.image(stage.line, &base)?;
        let extras = Extras::of(b.store, &img.id);
        let env = img
            .config
            .config()
            .as_ref()
            .and_then(|c| c.env().clone())
            .unwrap_or_default();
        State {
            key: cache::base_key(img.manifest_digest.as_ref()),
            scope: b.global.stage(&env),
            image: Some(img),
            extras,
            cmd_set: false,
            rebuilt: false,
        }
    };
    b.emit(Event::Done {
        step: from_step,
        took: started.elapsed(),
    });
    let triggers = st.extras.on_build.take().unwrap_or_default();
    let mut steps: Vec<Step> = Vec::new();
    if !triggers.is_empty() {
        let text = format!("FROM scratch\n{}\n", triggers.join("\n"));
        let parsed = super::dockerfile::parse(&df_file, &text)
            .map_err(|e| b.fail(stage.line, format!("ONBUILD trigger of {base}: {}", e.kind)))?;
        for mut s in parsed.stages.into_iter().flat_map(|s| s.steps) {
            s.line = stage.line;
            steps.push(s);
        }
    }
    let trigger_count = steps.len();
    steps.extend(stage.steps.iter().cloned());
    let total = total + trigger_count;
    let mut index = 1;
    for s in &steps {
        if super::interrupt::interrupted() {
            return Err(BuildError::Interrupted);
        }
        if let Instruction::Arg(decls) = &s.instruction {
            for d in decls {
                st.scope
                    .declare(d, &b.req.args)
                    .map_err(|e| b.fail(s.line, e))?;
            }
            continue;
        }
        index += 1;
        st = run_step(b, st, s, label, index, total, stage.index)?;
    }
    Ok(st)
}

fn run_step(
    b: &mut Builder,
    mut st: State,
    s: &Step,
    label: &str,
    index: usize,
    total: usize,
    stage_index: usize,
) -> Result<State, BuildError> {
    b.counter += 1;
    let n = b.counter;
    let started = Instant::now();
    b.emit(Event::Step {
        step: n,
        stage: label.to_string(),
        index,
        total,
        text: s.text.clone(),
    });
    // What the step reads, without doing it: its expansion, and the files
    // a COPY/ADD takes. Scope changes (ENV) apply either way.
    let plan = step::plan(b, &mut st, s, stage_index, n)?;
    let key = plan.inputs.key(&st.key);
    if !b.req.no_cache {
        if let Some(img) = cache::lookup(b.store, &key) {
            b.emit(Event::Cached { step: n });
            let extras = Extras::of(b.store, &img.id);
            return Ok(State {
                image: Some(img),
                extras,
                key,
                ..st
            });
        }
    }
    let reason = if b.req.no_cache {
        "--no-cache".to_string()
    } else if st.rebuilt {
        "an earlier step was rebuilt".to_string()
    } else {
        cache::explain(b.store, &st.key, &plan.inputs)
    };
    b.emit(Event::Miss { step: n, reason });
    let created_by = plan.created_by.clone();
    let parent_key = st.key.clone();
    let made = step::execute(b, &st, s, plan.work, n)?;
    let mut next = commit(b, &st, made, created_by, s.line)?;
    if let Some(img) = &next.image {
        cache::record(
            b.store,
            &parent_key,
            &key,
            &plan.inputs,
            &img.manifest_digest,
        )
        .map_err(|e| b.fail(s.line, e))?;
    }
    next.key = key;
    next.rebuilt = true;
    b.emit(Event::Done {
        step: n,
        took: started.elapsed(),
    });
    Ok(next)
}
