//! `RUN`: a container of tug's own runtime on an overlay of the stage's
//! snapshots, with the stage's shell, env (plus the `ARG`s in scope),
//! user and working directory, the build's network (or `RUN --network`)
//! and the `--mount`s asked for (`cache`, `tmpfs`, `bind`, `secret`). Its
//! output is captured line by line; its upper directory becomes the
//! step's layer; the container is removed whatever happens.

use std::path::{Path, PathBuf};

use super::Plan;
use crate::build::cache::{self, Inputs};
use crate::build::dockerfile::{Command, RunArgs, Step};
use crate::build::exec::{Builder, State};
use crate::build::tree::{clean, Tree};
use crate::build::{interrupt, BuildError, Event, Secret};
use crate::container::launch;
use crate::container::stdio::{Io, Stdio};
use crate::layer::LayerBlob;
use crate::runtime::spec::{BindMount, NetworkMode, RunOptions};
use crate::store::{LockGuard, LockMode};

/// A planned `RUN`.
pub(in crate::build) struct RunPlan {
    argv: Vec<String>,
    env: Vec<String>,
    network: NetworkMode,
    mounts: Vec<Mount>,
    /// The command as the error shows it.
    display: String,
}

/// One `--mount`.
enum Mount {
    Cache {
        id: String,
        target: String,
        sharing: String,
        mode: u32,
        uid: u32,
        gid: u32,
        readonly: bool,
    },
    Tmpfs {
        target: String,
    },
    Bind {
        source: PathBuf,
        target: String,
        readonly: bool,
    },
    /// `type=bind,from=STAGE|IMAGE`: `source` in that image's files.
    BindImage {
        image: Box<crate::image::Image>,
        source: PathBuf,
        target: String,
    },
    Secret {
        id: String,
        target: Option<String>,
        env: Option<String>,
        required: bool,
    },
}

/// The argv of a `RUN`: a heredoc alone is the script; otherwise the
/// line and its heredocs go to the shell together.
fn argv(st: &State, r: &RunArgs) -> Vec<String> {
    match (&r.command, r.heredocs.as_slice()) {
        (Command::Shell(line), [doc])
            if line.trim_start().starts_with("<<") && !line.contains(' ') =>
        {
            let mut v = st.shell();
            v.push(doc.content.clone());
            v
        }
        (Command::Shell(line), docs) if !docs.is_empty() => {
            let mut script = line.clone();
            script.push('\n');
            for d in docs {
                script.push_str(&d.content);
                script.push_str(&d.name);
                script.push('\n');
            }
            let mut v = st.shell();
            v.push(script);
            v
        }
        (c, _) => super::meta::argv(st, c),
    }
}

fn parse_mount(
    b: &mut Builder,
    st: &State,
    line: usize,
    spec: &str,
    stage_index: usize,
) -> Result<Mount, BuildError> {
    let bad = |why: String| b.fail(line, format!("--mount={spec}: {why}"));
    let mut kind = "bind".to_string();
    let mut fields: Vec<(String, String)> = Vec::new();
    for f in spec.split(',') {
        let (k, v) = f.split_once('=').unwrap_or((f, ""));
        let k = k.to_ascii_lowercase();
        if k == "type" {
            kind = v.to_ascii_lowercase();
        } else {
            fields.push((k, v.to_string()));
        }
    }
    let get = |names: &[&str]| {
        fields
            .iter()
            .find(|(k, _)| names.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
    };
    let flag = |names: &[&str]| {
        fields
            .iter()
            .any(|(k, v)| names.contains(&k.as_str()) && v != "false")
    };
    let target = get(&["target", "dst", "destination"]).map(|t| {
        let abs = if t.starts_with('/') {
            t
        } else {
            format!("{}/{t}", st.workdir())
        };
        format!("/{}", clean(Path::new(&abs)).display())
    });
    let need_target = || {
        target
            .clone()
            .filter(|t| t != "/")
            .ok_or_else(|| bad("a target other than / is required".into()))
    };
    let num = |name: &str, default: u32, radix: u32| -> Result<u32, BuildError> {
        match get(&[name]) {
            None => Ok(default),
            Some(v) => u32::from_str_radix(&v, radix).map_err(|_| bad(format!("bad {name} {v:?}"))),
        }
    };
    Ok(match kind.as_str() {
        "cache" => {
            let target = need_target()?;
            Mount::Cache {
                id: get(&["id"]).unwrap_or_else(|| target.clone()),
                sharing: get(&["sharing"]).unwrap_or_else(|| "shared".into()),
                mode: num("mode", 0o755, 8)?,
                uid: num("uid", 0, 10)?,
                gid: num("gid", 0, 10)?,
                readonly: flag(&["ro", "readonly"]),
                target,
            }
        }
        "tmpfs" => Mount::Tmpfs {
            target: need_target()?,
        },
        "bind" => {
            if let Some(from) = get(&["from"]) {
                let target = need_target()?;
                let source = clean(Path::new(&get(&["source", "src"]).unwrap_or_default()));
                return match b.source(line, stage_index, &from)? {
                    Some(image) => Ok(Mount::BindImage {
                        image: Box::new(image),
                        source,
                        target,
                    }),
                    None => Err(b.fail(line, format!("--mount={spec}: {from} has no files"))),
                };
            }
            let ctx = b
                .req
                .context
                .as_ref()
                .ok_or_else(|| bad("there is no build context to bind".into()))?;
            let src = clean(Path::new(&get(&["source", "src"]).unwrap_or_default()));
            if ctx.stat(&src).is_none() {
                return Err(bad(format!(
                    "{} is not in the build context",
                    src.display()
                )));
            }
            let root = std::fs::canonicalize(ctx.root.path()).map_err(|e| b.fail(line, e))?;
            Mount::Bind {
                source: root.join(&src),
                target: need_target()?,
                readonly: !flag(&["rw", "readwrite"]),
            }
        }
        "secret" => {
            let id = get(&["id"])
                .or_else(|| {
                    target
                        .as_deref()
                        .and_then(|t| t.rsplit('/').next().map(String::from))
                })
                .ok_or_else(|| bad("a secret needs an id or a target".into()))?;
            Mount::Secret {
                id,
                target: target.clone(),
                env: get(&["env"]),
                required: flag(&["required"]),
            }
        }
        "ssh" => return Err(bad("ssh mounts are not supported".into())),
        other => return Err(bad(format!("unknown mount type {other:?}"))),
    })
}

pub(super) fn plan(
    b: &mut Builder,
    st: &State,
    s: &Step,
    r: &RunArgs,
    stage_index: usize,
) -> Result<Plan, BuildError> {
    let line = s.line;
    let network = match r.network.as_deref().unwrap_or(b.req.network.as_str()) {
        "default" | "bridge" => NetworkMode::Bridge,
        "none" => NetworkMode::None,
        "host" => NetworkMode::Host,
        other => {
            return Err(b.fail(
                line,
                format!("--network={other}: must be default, none or host"),
            ))
        }
    };
    let mut mounts = Vec::new();
    let mut mount_text = Vec::new();
    let mut mount_files = Vec::new();
    for m in &r.mounts {
        let m = st.scope.word(m).map_err(|e| b.fail(line, e))?;
        let mount = parse_mount(b, st, line, &m, stage_index)?;
        if let Mount::BindImage { image, .. } = &mount {
            // What the mount shows is part of the step's inputs.
            mount_files.push((format!("--mount={m}"), image.manifest_digest.to_string()));
        }
        mounts.push(mount);
        mount_text.push(format!("--mount={m}"));
    }
    let argv = argv(st, r);
    let env = st.scope.run_args();
    let mut inputs = Inputs {
        text: format!(
            "RUN {} {}",
            mount_text.join(" "),
            serde_json::to_string(&argv).unwrap_or_default()
        ),
        ..Default::default()
    };
    inputs.files.extend(mount_files);
    for e in &env {
        if let Some((k, v)) = e.split_once('=') {
            inputs.args.insert(k.to_string(), v.to_string());
        }
    }
    let display = match &r.command {
        Command::Shell(c) if r.heredocs.is_empty() => format!("RUN {c}"),
        _ => format!("RUN {}", argv.join(" ")),
    };
    Ok(Plan {
        created_by: format!("RUN {} # buildkit", argv.join(" ")),
        inputs,
        work: super::Work::Run(RunPlan {
            argv,
            env,
            network,
            mounts,
            display,
        }),
    })
}

/// Removes the step's container, whatever happened.
struct Container<'a> {
    store: &'a crate::store::Store,
    record: crate::container::Record,
}

impl Drop for Container<'_> {
    fn drop(&mut self) {
        crate::container::remove(self.store, &self.record);
    }
}

/// What a run's mounts hold on to until it ends: cache locks, secret files.
struct Held {
    root: PathBuf,
    locks: Vec<LockGuard>,
    temp: Vec<PathBuf>,
}

impl Drop for Held {
    fn drop(&mut self) {
        for p in &self.temp {
            crate::userns::remove_tree_mapped(&self.root, p);
            let _ = std::fs::remove_file(p);
        }
    }
}

fn prepare_mounts(
    b: &Builder,
    line: usize,
    p: &RunPlan,
    options: &mut RunOptions,
    held: &mut Held,
) -> Result<(), BuildError> {
    let io = |e: std::io::Error| b.fail(line, e);
    for m in &p.mounts {
        match m {
            Mount::Cache {
                id,
                target,
                sharing,
                mode,
                uid,
                gid,
                readonly,
            } => {
                let mut dir = cache::mount_dir(b.store, id);
                let lock = dir.with_extension("lock");
                if !dir.exists() {
                    std::fs::create_dir_all(&dir).map_err(io)?;
                    std::os::unix::fs::chown(&dir, Some(*uid), Some(*gid)).map_err(io)?;
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(*mode))
                        .map_err(io)?;
                }
                match sharing.as_str() {
                    "locked" => held.locks.push(
                        LockGuard::acquire(&lock, LockMode::Exclusive)
                            .map_err(|e| b.fail(line, e))?,
                    ),
                    "private" => match LockGuard::try_acquire(&lock, LockMode::Exclusive)
                        .map_err(|e| b.fail(line, e))?
                    {
                        Some(g) => held.locks.push(g),
                        None => {
                            dir = b.store.tmp_path("cache-mount");
                            std::fs::create_dir_all(&dir).map_err(io)?;
                            held.temp.push(dir.clone());
                        }
                    },
                    "shared" => {}
                    other => {
                        return Err(b.fail(
                            line,
                            format!("--mount sharing={other}: must be shared, private or locked"),
                        ))
                    }
                }
                options.binds.push(BindMount {
                    source: dir,
                    destination: target.clone(),
                    readonly: *readonly,
                    volume: None,
                    create_host_path: false,
                });
            }
            Mount::Tmpfs { target } => options.tmpfs.push(target.clone()),
            Mount::BindImage {
                image,
                source,
                target,
            } => {
                let dir = b.store.tmp_path("bind-from");
                held.temp.push(dir.clone());
                crate::store::snapshots::flatten_into(b.store, image, &dir)
                    .map_err(|e| b.fail(line, e))?;
                options.binds.push(BindMount {
                    source: dir.join(source),
                    destination: target.clone(),
                    readonly: true,
                    volume: None,
                    create_host_path: false,
                });
            }
            Mount::Bind {
                source,
                target,
                readonly,
            } => options.binds.push(BindMount {
                source: source.clone(),
                destination: target.clone(),
                readonly: *readonly,
                volume: None,
                create_host_path: false,
            }),
            Mount::Secret {
                id,
                target,
                env,
                required,
            } => {
                let Some(secret) = b.req.secrets.get(id) else {
                    if *required {
                        return Err(b.fail(line, format!("secret {id} is required but was not given (--secret id={id},src=...)")));
                    }
                    continue;
                };
                let data = match secret {
                    Secret::File(path) => std::fs::read(path).map_err(|e| {
                        b.fail(line, format!("secret {id}: {}: {e}", path.display()))
                    })?,
                    Secret::Value(v) => v.clone(),
                };
                if let Some(var) = env {
                    options
                        .env
                        .push(format!("{var}={}", String::from_utf8_lossy(&data)));
                }
                if env.is_none() || target.is_some() {
                    let file = b.store.tmp_path("secret");
                    {
                        use std::os::unix::fs::OpenOptionsExt;
                        let mut f = std::fs::OpenOptions::new()
                            .write(true)
                            .create_new(true)
                            .mode(0o444)
                            .open(&file)
                            .map_err(io)?;
                        std::io::Write::write_all(&mut f, &data).map_err(io)?;
                    }
                    held.temp.push(file.clone());
                    options.binds.push(BindMount {
                        source: file,
                        destination: target
                            .clone()
                            .unwrap_or_else(|| format!("/run/secrets/{id}")),
                        readonly: true,
                        volume: None,
                        create_host_path: false,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Mount points the runtime made in the upper dir for `--mount`s (empty,
/// and absent from the image) are no part of the layer.
fn drop_mount_points(
    upper: &Path,
    before: &Option<crate::build::tree::Merged>,
    targets: &[String],
) {
    for t in targets {
        let rel = clean(Path::new(t));
        if before.as_ref().is_some_and(|m| m.stat(&rel).is_some()) {
            continue;
        }
        let Ok(root) = crate::fs::Root::open(upper) else {
            return;
        };
        let mut p = rel.clone();
        // The target, then the parents the runtime made for it.
        loop {
            if before.as_ref().is_some_and(|m| m.stat(&p).is_some()) || p.as_os_str().is_empty() {
                break;
            }
            let Ok((parent, name)) = root.split(&p) else {
                break;
            };
            let removed =
                rustix::fs::unlinkat(&parent, name.as_os_str(), rustix::fs::AtFlags::REMOVEDIR)
                    .or_else(|_| {
                        match crate::fs::in_root::statx_at(
                            std::os::fd::AsFd::as_fd(&parent),
                            &name,
                            false,
                        ) {
                            Ok(st)
                                if st.stx_size == 0
                                    && crate::fs::in_root::kind(&st)
                                        == rustix::fs::FileType::RegularFile =>
                            {
                                rustix::fs::unlinkat(
                                    &parent,
                                    name.as_os_str(),
                                    rustix::fs::AtFlags::empty(),
                                )
                            }
                            _ => Err(rustix::io::Errno::NOTEMPTY),
                        }
                    });
            if removed.is_err() {
                break;
            }
            match p.parent() {
                Some(q) => p = q.to_path_buf(),
                None => break,
            }
        }
    }
}

/// The upper directory, as the layer tar describes it (the runtime's own
/// mount points dropped), becomes the new layer's snapshot: the next
/// step's overlay uses it as it is. On any failure the layer is simply
/// unpacked when needed.
fn adopt_upper(b: &Builder, img: &crate::image::Image, upper: &Path, layer: &LayerBlob) {
    let Ok(root) = crate::fs::Root::open(upper) else {
        return;
    };
    for m in crate::layer::upper::RUNTIME_MOUNT_POINTS {
        let Ok((parent, name)) = root.split(Path::new(m)) else {
            continue;
        };
        let fd = std::os::fd::AsFd::as_fd(&parent);
        let Ok(st) = crate::fs::in_root::statx_at(fd, &name, false) else {
            continue;
        };
        match crate::fs::in_root::kind(&st) {
            rustix::fs::FileType::RegularFile if st.stx_size == 0 => {
                let _ =
                    rustix::fs::unlinkat(&parent, name.as_os_str(), rustix::fs::AtFlags::empty());
            }
            rustix::fs::FileType::Directory => {
                let _ =
                    rustix::fs::unlinkat(&parent, name.as_os_str(), rustix::fs::AtFlags::REMOVEDIR);
            }
            _ => {}
        }
    }
    let mut diffs = img.config.rootfs().diff_ids().clone();
    diffs.push(layer.diff_id.to_string());
    if let Some(chain) = crate::store::snapshots::chain_ids_of(&diffs).last() {
        let _ = crate::store::snapshots::adopt(b.store, chain, upper);
    }
}

pub(super) fn execute(
    b: &mut Builder,
    st: &State,
    s: &Step,
    p: RunPlan,
    n: usize,
) -> Result<Option<LayerBlob>, BuildError> {
    let line = s.line;
    let img = st.image.clone().ok_or_else(|| {
        b.fail(
            line,
            "RUN on an empty (scratch) filesystem: there is nothing to run",
        )
    })?;
    let mapping = crate::userns::IdMapping::for_current_user();
    if !launch::overlay_rootfs(&mapping) {
        return Err(b.fail(
            line,
            "RUN needs overlayfs (rootless: subordinate ids in /etc/subuid and /etc/subgid, and a kernel with rootless overlay)",
        ));
    }
    let mut options = RunOptions {
        command: p.argv.clone(),
        entrypoint: Some(String::new()),
        env: p.env.clone(),
        network: p.network,
        no_sig_proxy: true,
        ..Default::default()
    };
    let mut held = Held {
        root: b.store.root().to_path_buf(),
        locks: Vec::new(),
        temp: Vec::new(),
    };
    prepare_mounts(b, line, &p, &mut options, &mut held)?;
    let targets: Vec<String> = options
        .binds
        .iter()
        .map(|m| m.destination.clone())
        .chain(options.tmpfs.clone())
        .collect();
    let req = launch::Request {
        image: None,
        rootfs_dir: None,
        name: None,
        options,
        auto_remove: false,
        restart: Default::default(),
        healthcheck: None,
    };
    let record = launch::create_step(b.store, &req, &img).map_err(|e| b.fail(line, e))?;
    let guard = Container {
        store: b.store,
        record: record.clone(),
    };
    let upper = match &record.rootfs {
        crate::runtime::rootfs::RootfsSource::Overlay { upper, .. } => upper.clone(),
        _ => return Err(b.fail(line, "the step container has no overlay")),
    };
    let warnings = std::cell::RefCell::new(Vec::new());
    let mut last: std::collections::VecDeque<String> = Default::default();
    let mut running = launch::spawn(
        b.store,
        record,
        Io {
            stdin: Stdio::Null,
            stdout: Stdio::Pipe,
            stderr: Stdio::Pipe,
        },
        |w| warnings.borrow_mut().push(w.to_string()),
    )
    .map_err(|e| BuildError::Step {
        file: b.req.dockerfile.file.clone(),
        line,
        what: format!("{}: {e}", p.display),
    })?;
    let sink = &mut *b.sink;
    for w in warnings.into_inner() {
        sink(Event::Notice(format!("warning: {w}")));
    }
    let watch = interrupt::StepGuard::watch(running.started.pid);
    running.pump_lines(|_, l| {
        let l = String::from_utf8_lossy(l).into_owned();
        if last.len() == 5 {
            last.pop_front();
        }
        last.push_back(l.clone());
        sink(Event::Output { step: n, line: l });
    });
    let code = running.wait(b.store);
    drop(watch);
    if interrupt::interrupted() {
        return Err(BuildError::Interrupted);
    }
    if code != 0 {
        return Err(BuildError::RunFailed {
            file: b.req.dockerfile.file.clone(),
            line,
            command: p.display,
            code,
            last: last.into_iter().collect(),
        });
    }
    let before = super::copy::image_tree(b, line, &img).ok();
    drop_mount_points(&upper, &before, &targets);
    let layer = crate::layer::store_upper(
        b.store,
        &upper,
        crate::layer::UpperOptions::for_current_user(),
    )
    .map_err(|e| b.fail(line, e))?;
    adopt_upper(b, &img, &upper, &layer);
    drop(guard);
    drop(held);
    Ok(Some(layer))
}
