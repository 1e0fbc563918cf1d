//! A container's files seen from the host: `export` (the rootfs as a tar),
//! `commit` and `cp` (paths mapped through the container's bind mounts and
//! volumes, else into its rootfs). Every container path is resolved inside
//! the container's root through a descriptor (`crate::fs::Root`), so its
//! symlinks never reach the host's files.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{FileType, OFlags};

use crate::container::Record;
use crate::error::{Error, IoContext, Result};
use crate::fs::copy::{copy_children, copy_node, CopyOptions};
use crate::fs::in_root::{kind, statx_at, walk};
use crate::fs::{Entry, Root};
use crate::runtime::rootfs::RootfsSource;

/// The host directory holding the container's root filesystem. For an
/// overlay container: the running container's own view
/// (`/proc/<init>/root`), else the overlay mounted at `<dir>/merged` in a
/// private mount namespace of this (single-threaded, short-lived) command,
/// so nothing is left mounted on the host when it exits.
pub fn rootfs_dir(r: &Record) -> Result<PathBuf> {
    match &r.rootfs {
        RootfsSource::Dir(d) => Ok(d.clone()),
        RootfsSource::Overlay { lower, upper, work } => {
            if crate::paths::is_rootless() {
                // The snapshots' files belong to subordinate ids and the
                // overlay mounts with `userxattr`: work as root of the
                // session's user namespace, where the container ran.
                // `upper` is `<root>/containers/<id>/upper`.
                let root = upper.ancestors().nth(3).ok_or_else(|| {
                    Error::Invalid(format!("{}: not in a store", upper.display()))
                })?;
                crate::net::session::join(root)?;
            }
            if let Some(pid) = r.pid.filter(|_| r.init_alive()) {
                let p = PathBuf::from(format!("/proc/{pid}/root"));
                if p.join(".").exists() {
                    return Ok(p);
                }
            }
            // Mounted once per container for the life of this process
            // (the mount namespace is the process's own), keyed by the
            // container's upper dir so that several containers can be read.
            type Mounted = Vec<(PathBuf, std::result::Result<PathBuf, String>)>;
            static MOUNTED: std::sync::Mutex<Mounted> = std::sync::Mutex::new(Vec::new());
            let mut mounted = MOUNTED.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, m)) = mounted.iter().find(|(u, _)| u == upper) {
                return m.clone().map_err(Error::Invalid);
            }
            let m = mount_private(lower, upper, work).map_err(|e| e.to_string());
            mounted.push((upper.clone(), m.clone()));
            m.map_err(Error::Invalid)
        }
    }
}

/// Mounts the overlay in a new private mount namespace of this process.
fn mount_private(lower: &[PathBuf], upper: &Path, work: &Path) -> Result<PathBuf> {
    let merged = upper.with_file_name("merged");
    std::fs::create_dir_all(&merged).at(&merged)?;
    // SAFETY: unshare takes no pointers. The commands that get here (cp,
    // export, commit, diff) start no threads, as CLONE_NEWNS requires.
    if unsafe { libc::unshare(libc::CLONE_NEWNS) } != 0 {
        return Err(Error::io(
            "unshare(CLONE_NEWNS)",
            std::io::Error::last_os_error(),
        ));
    }
    let private = libc::MS_REC | libc::MS_PRIVATE;
    crate::runtime::rootfs::mount(None, Path::new("/"), None, private, None).at("/")?;
    crate::runtime::rootfs::mount_overlay(lower, upper, work, &merged).at(&merged)?;
    Ok(merged)
}

fn normal(p: &str) -> PathBuf {
    Path::new(p)
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect()
}

/// A running container's own view of its files, `/proc/<init>/root`,
/// opened once: its volumes and binds are mounted there.
fn running_root(r: &Record) -> Option<Root> {
    let pid = r.pid.filter(|_| r.init_alive())?;
    let root = Root::open(Path::new(&format!("/proc/{pid}/root"))).ok()?;
    // The pid was not reused between the check and the open.
    r.init_alive().then_some(root)
}

/// The container's root filesystem as a [`Root`]: the running container's
/// view, else its rootfs (see [`rootfs_dir`]).
pub fn container_root(r: &Record) -> Result<Root> {
    if let Some(root) = running_root(r) {
        return Ok(root);
    }
    let dir = rootfs_dir(r)?;
    Root::open(&dir).at(&dir)
}

/// Where a container path lives: the root it resolves in and the path
/// inside that root. A running container resolves everything in its own
/// view; a stopped one maps paths under a bind or volume destination into
/// that source (resolved inside it, too), the rest into its rootfs.
pub fn locate(r: &Record, container_path: &str) -> Result<(Root, PathBuf)> {
    let rel = normal(container_path);
    if let Some(root) = running_root(r) {
        return Ok((root, rel));
    }
    // The longest bind destination containing the path wins.
    let mut best: Option<(usize, PathBuf, PathBuf)> = None;
    for b in &r.options.binds {
        let dest = normal(&b.destination);
        if let Ok(rest) = rel.strip_prefix(&dest) {
            let depth = dest.components().count();
            if best.as_ref().is_none_or(|(d, _, _)| depth > *d) {
                best = Some((depth, b.source.clone(), rest.to_path_buf()));
            }
        }
    }
    match best {
        // A bound file: its directory is the root, its name the path.
        Some((_, src, rest)) if !src.is_dir() => {
            let dir = src.parent().unwrap_or(Path::new("/"));
            let name = src.file_name().map(PathBuf::from).unwrap_or_default();
            Ok((Root::open(dir).at(dir)?, name.join(rest)))
        }
        Some((_, src, rest)) => Ok((Root::open(&src).at(&src)?, rest)),
        None => Ok((container_root(r)?, rel)),
    }
}

/// Writes the container's filesystem as a tar archive to the file `dest`.
/// Rootless with subordinate ids, the files (some owned by those ids, some
/// unreadable to the user) are read inside the mapped user namespace.
pub fn export_file(store: &crate::store::Store, r: &Record, dest: &Path) -> Result<()> {
    let mapping = crate::userns::IdMapping::for_current_user();
    if crate::paths::is_rootless()
        && !mapping.is_single()
        && matches!(r.rootfs, RootfsSource::Dir(_))
    {
        let d = dest
            .to_str()
            .ok_or_else(|| Error::Invalid("non-UTF-8 path".into()))?;
        return crate::userns::run_mapped(store.root(), &mapping, &["export", &r.id, d], &|w| {
            store.warn(w)
        });
    }
    let f = std::fs::File::create(dest).at(dest)?;
    let mut w = std::io::BufWriter::new(f);
    export(r, &mut w)?;
    w.flush().at(dest)
}

/// Writes the container's filesystem as a tar archive: a walk of its root
/// that never follows a symlink and never enters another mount (proc, sys,
/// dev, volumes and binds appear as empty directories, bound files as
/// empty files), as Docker leaves volumes out.
pub fn export(r: &Record, out: impl Write) -> Result<()> {
    let root = container_root(r)?;
    let mut b = tar::Builder::new(out);
    walk(root.fd(), &mut |e| append(&mut b, e)).at(root.path())?;
    b.finish().at(root.path())?;
    Ok(())
}

/// One walked node as a tar entry.
fn append(b: &mut tar::Builder<impl Write>, e: &Entry<'_>) -> std::io::Result<()> {
    let st = e.stat;
    let t = kind(st);
    // A file mounted over (/etc/hosts, a bound host file) is its mount
    // point: an empty file, its content not read.
    let mount_point = e.other_mount && t != FileType::Directory;
    if mount_point && t != FileType::RegularFile {
        return Ok(());
    }
    let mut h = tar::Header::new_gnu();
    h.set_mode(u32::from(st.stx_mode) & 0o7777);
    h.set_uid(st.stx_uid.into());
    h.set_gid(st.stx_gid.into());
    h.set_mtime(st.stx_mtime.tv_sec.max(0) as u64);
    h.set_size(0);
    let empty = std::io::empty();
    match t {
        FileType::Directory => {
            h.set_entry_type(tar::EntryType::Directory);
            b.append_data(&mut h, e.rel, empty)
        }
        FileType::RegularFile if mount_point => {
            h.set_entry_type(tar::EntryType::Regular);
            b.append_data(&mut h, e.rel, empty)
        }
        FileType::RegularFile => {
            let f = crate::fs::in_root::open_child_file(e.parent, e.name)?;
            let len = f.metadata()?.len();
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(len);
            // Exactly `len` bytes even if the file changes meanwhile.
            let data =
                std::io::Read::chain(std::io::Read::take(f, len), std::io::repeat(0)).take(len);
            b.append_data(&mut h, e.rel, data)
        }
        FileType::Symlink => {
            let target = rustix::fs::readlinkat(e.parent, e.name, Vec::new())?;
            let target = std::ffi::OsStr::from_bytes(target.as_bytes());
            h.set_entry_type(tar::EntryType::Symlink);
            b.append_link(&mut h, e.rel, target)
        }
        FileType::CharacterDevice | FileType::BlockDevice | FileType::Fifo => {
            h.set_entry_type(match t {
                FileType::CharacterDevice => tar::EntryType::Char,
                FileType::BlockDevice => tar::EntryType::Block,
                _ => tar::EntryType::Fifo,
            });
            h.set_device_major(st.stx_rdev_major)?;
            h.set_device_minor(st.stx_rdev_minor)?;
            b.append_data(&mut h, e.rel, empty)
        }
        _ => Ok(()),
    }
}

/// A source or destination of `cp` ending in `/.`: the directory's
/// content, not the directory (Docker's rule).
fn contents_of(p: &str) -> bool {
    p.ends_with("/.") || p == "."
}

/// `cp CONTAINER:PATH HOST`: the container path is resolved inside the
/// container (its symlinks never lead to the host's files); the copy of a
/// directory never follows a symlink nor enters another mount.
/// With `follow` (`-L`), a symlink named as the source is copied as what
/// it leads to inside the container.
pub fn copy_out(r: &Record, container_path: &str, dst: &Path, follow: bool) -> Result<()> {
    let (root, rel) = locate(r, container_path)?;
    let shown = || PathBuf::from(format!("{}:{container_path}", r.name));
    let rel = if follow {
        root.follow_final(&rel).at(shown())?
    } else {
        rel
    };
    let opts = CopyOptions::for_current_user();
    if rel.as_os_str().is_empty() || contents_of(container_path) {
        let src = root
            .open_at(&rel, OFlags::PATH | OFlags::DIRECTORY, 0)
            .at(shown())?;
        std::fs::create_dir_all(dst).at(dst)?;
        let to = Root::open(dst).at(dst)?;
        return copy_children(src.as_fd(), to.fd(), opts).at(dst);
    }
    let (parent, name) = root.split(&rel).at(shown())?;
    let st = statx_at(parent.as_fd(), &name, false).at(shown())?;
    let (to_dir, to_name) = host_target(dst, &name)?;
    copy_node(parent.as_fd(), &name, &st, to_dir.fd(), &to_name, opts).at(dst)
}

/// The directory and name a copy to host path `dst` writes: into `dst` if
/// it is a directory, else `dst` itself.
fn host_target(dst: &Path, name: &std::ffi::OsStr) -> Result<(Root, OsString)> {
    if dst.is_dir() {
        return Ok((Root::open(dst).at(dst)?, name.to_os_string()));
    }
    let dir = match dst.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file = dst
        .file_name()
        .ok_or_else(|| Error::Invalid(format!("{}: not a file name", dst.display())))?;
    Ok((Root::open(dir).at(dir)?, file.to_os_string()))
}

/// `cp HOST CONTAINER:PATH`: the destination is resolved inside the
/// container; what is created there never replaces or writes through a
/// symlink to the host.
/// With `follow` (`-L`), a host symlink named as the source is copied as
/// what it leads to.
pub fn copy_in(src: &str, r: &Record, container_path: &str, follow: bool) -> Result<()> {
    let (root, rel) = locate(r, container_path)?;
    let shown = || PathBuf::from(format!("{}:{container_path}", r.name));
    let opts = CopyOptions::for_current_user();
    let src_path = Path::new(src);
    let existing_dir = root.open_at(&rel, OFlags::PATH | OFlags::DIRECTORY, 0);
    if contents_of(src) {
        let from = Root::open(src_path).at(src_path)?;
        let to = match existing_dir {
            Ok(fd) => fd,
            Err(_) => root.mkdir_all(&rel).at(shown())?,
        };
        return copy_children(from.fd(), to.as_fd(), opts).at(shown());
    }
    let (from_dir, name) = host_source(src_path, follow)?;
    let st = statx_at(from_dir.fd(), &name, false).at(src_path)?;
    let (to_dir, to_name) = match existing_dir {
        Ok(fd) => (fd, name.clone()),
        Err(_) => root.split(&rel).at(shown())?,
    };
    copy_node(from_dir.fd(), &name, &st, to_dir.as_fd(), &to_name, opts).at(shown())
}

/// The directory holding host path `p` and its name.
fn host_source(p: &Path, follow: bool) -> Result<(Root, OsString)> {
    let link = p.symlink_metadata().at(p)?.file_type().is_symlink();
    // A symlink given by name is copied as one, as Docker does, unless -L.
    let full = if link && !follow {
        let parent = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::canonicalize(parent)
            .at(parent)?
            .join(p.file_name().unwrap_or_default())
    } else {
        std::fs::canonicalize(p).at(p)?
    };
    let name = full
        .file_name()
        .ok_or_else(|| Error::Invalid(format!("{}: cannot copy /", p.display())))?;
    let dir = full.parent().unwrap_or(Path::new("/"));
    Ok((Root::open(dir).at(dir)?, name.to_os_string()))
}

/// What `commit` adds to the container's files.
#[derive(Debug, Clone, Default)]
pub struct CommitOptions {
    pub message: Option<String>,
    /// Dockerfile instructions applied to the config (`--change`).
    pub changes: Vec<String>,
    /// Freeze a running container while its files are read (`--pause`).
    pub pause: bool,
}

/// The container's command, without the `--init` wrapper.
fn container_args(spec: &oci_spec::runtime::Spec) -> Vec<String> {
    let args = spec
        .process()
        .as_ref()
        .and_then(|p| p.args().clone())
        .unwrap_or_default();
    args.into_iter()
        .skip_while(|a| a == crate::runtime::mini_init::PATH)
        .collect()
}

/// The committed image's runtime config, as Docker's commit makes it: the
/// image's config with the container's command (entrypoint and cmd as the
/// container ran them), environment, working directory and user; then
/// `changes`.
fn commit_config(
    base: Option<&oci_spec::image::Config>,
    r: &Record,
    spec: &oci_spec::runtime::Spec,
    changes: &[String],
) -> Result<oci_spec::image::Config> {
    let mut c = base.cloned().unwrap_or_default();
    let o = &r.options;
    match (&o.entrypoint, base) {
        (Some(e), _) => {
            c.set_entrypoint((!e.is_empty()).then(|| vec![e.clone()]));
            c.set_cmd((!o.command.is_empty()).then(|| o.command.clone()));
        }
        // The image's entrypoint stays; the command given replaces CMD.
        (None, Some(_)) if !o.command.is_empty() => {
            c.set_cmd(Some(o.command.clone()));
        }
        (None, Some(_)) => {}
        // No image (`--rootfs`): the command is what ran.
        (None, None) => {
            c.set_cmd(Some(container_args(spec)));
        }
    }
    if let Some(p) = spec.process() {
        let env: Vec<String> = p
            .env()
            .iter()
            .flatten()
            .filter(|e| !e.starts_with("HOSTNAME="))
            .cloned()
            .collect();
        c.set_env(Some(env));
        c.set_working_dir(Some(p.cwd().display().to_string()));
        match (&o.user, base) {
            (Some(u), _) => {
                c.set_user(Some(u.clone()));
            }
            (None, Some(_)) => {}
            (None, None) => {
                c.set_user(Some(p.user().uid().to_string()));
            }
        }
    }
    for ch in changes {
        crate::image::changes::apply_change(&mut c, ch)?;
    }
    Ok(c)
}

/// `commit`: the container's changes as a new image. An overlay container
/// commits its image's layers plus one new layer, its upper directory
/// (whiteouts and opaque directories as OCI markers; see
/// `layer::upper`); a `--rootfs DIR` container or a flattened copy commits
/// one full layer (an [`export`], which never crosses into proc, sys, dev,
/// volumes or binds). Running containers are frozen meanwhile where a
/// freezer exists (`--pause`). The config is carried over (see
/// [`commit_config`]), the history is the image's plus the commit's entry.
pub fn commit(
    store: &crate::store::Store,
    r: &Record,
    names: &[crate::reference::Reference],
    opts: &CommitOptions,
) -> Result<crate::image::import::Imported> {
    let spec = crate::container::launch::load_spec(store, &r.id)?;
    let base = match (&r.rootfs, &r.manifest_digest) {
        (RootfsSource::Overlay { .. }, Some(d)) => {
            let d = d
                .parse()
                .map_err(|_| Error::Invalid(format!("bad manifest digest {d}")))?;
            Some(crate::image::Image::load(store, &d, Vec::new())?)
        }
        _ => None,
    };
    let config = commit_config(
        base.as_ref().and_then(|b| b.config.config().as_ref()),
        r,
        &spec,
        &opts.changes,
    )?;
    if crate::paths::is_rootless() && base.is_some() {
        // The upper dir's files belong to subordinate ids: read them as
        // root of the session's user namespace, where their owners are
        // the container's ids.
        crate::net::session::join(store.root())?;
    }
    // Docker pauses the container while committing (`--pause=true`), so
    // the layer is consistent; without a freezer (rootless without a
    // delegated cgroup) the walk goes on with it running.
    let pause = opts.pause && r.init_alive() && !r.paused;
    let paused = pause && crate::container::ops::set_frozen(store, r, true).is_ok();
    let result = match (&r.rootfs, &base) {
        (RootfsSource::Overlay { upper, .. }, Some(base)) => {
            commit_upper(store, r, &spec, upper, base, config, names, opts)
        }
        _ => commit_whole(store, r, config, names, opts),
    };
    if paused {
        crate::container::ops::set_frozen(store, r, false)?;
    }
    result
}

/// An overlay container: the image plus a layer from the upper directory.
#[allow(clippy::too_many_arguments)]
fn commit_upper(
    store: &crate::store::Store,
    r: &Record,
    spec: &oci_spec::runtime::Spec,
    upper: &Path,
    base: &crate::image::Image,
    config: oci_spec::image::Config,
    names: &[crate::reference::Reference],
    opts: &CommitOptions,
) -> Result<crate::image::import::Imported> {
    let _lock = store.lock_shared()?;
    let layer =
        crate::layer::store_upper(store, upper, crate::layer::UpperOptions::for_current_user())?;
    let mut history = oci_spec::image::History::default();
    history.set_created_by(Some(container_args(spec).join(" ")));
    history.set_comment(opts.message.clone());
    crate::image::write::append_layer(
        store,
        crate::image::write::Step {
            base: Some(base),
            layer: Some(layer),
            history,
            source: format!("commit of container {}", r.short_id()),
        },
        |c| {
            c.set_config(Some(config));
            Ok(())
        },
        names,
    )
}

/// A container without image layers: its whole filesystem as one layer.
fn commit_whole(
    store: &crate::store::Store,
    r: &Record,
    config: oci_spec::image::Config,
    names: &[crate::reference::Reference],
    opts: &CommitOptions,
) -> Result<crate::image::import::Imported> {
    let tmp = store.tmp_path("commit");
    let result = (|| {
        export_file(store, r, &tmp)?;
        let mut f = std::fs::File::open(&tmp).at(&tmp)?;
        crate::image::import::import_config(
            store,
            &mut f,
            names,
            config,
            &crate::image::import::ImportOptions {
                changes: Vec::new(),
                message: opts.message.clone(),
                platform: None,
                source: format!("commit of container {}", r.short_id()),
            },
        )
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}
