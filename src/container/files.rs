//! A container's files seen from the host: `export` (the rootfs as a tar)
//! and `cp` (paths mapped through the container's bind mounts and volumes,
//! else into its rootfs).

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::container::Record;
use crate::error::{Error, IoContext, Result};
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
            if let Some(pid) = r.pid.filter(|_| r.init_alive()) {
                let p = PathBuf::from(format!("/proc/{pid}/root"));
                if p.join(".").exists() {
                    return Ok(p);
                }
            }
            static MOUNTED: std::sync::OnceLock<std::result::Result<PathBuf, String>> =
                std::sync::OnceLock::new();
            MOUNTED
                .get_or_init(|| mount_private(lower, upper, work).map_err(|e| e.to_string()))
                .clone()
                .map_err(Error::Invalid)
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
    let lowers: Vec<String> = lower.iter().map(|l| l.display().to_string()).collect();
    let data = format!(
        "lowerdir={},upperdir={},workdir={}",
        lowers.join(":"),
        upper.display(),
        work.display()
    );
    crate::runtime::rootfs::mount(
        Some(Path::new("overlay")),
        &merged,
        Some("overlay"),
        0,
        Some(&data),
    )
    .at(&merged)?;
    Ok(merged)
}

fn normal(p: &str) -> PathBuf {
    Path::new(p)
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect()
}

/// The host path of a container path.
pub fn host_path(r: &Record, container_path: &str) -> Result<PathBuf> {
    let rel = normal(container_path);
    // The longest bind destination containing the path wins.
    let mut best: Option<(usize, PathBuf)> = None;
    for b in &r.options.binds {
        let dest = normal(&b.destination);
        if let Ok(rest) = rel.strip_prefix(&dest) {
            let depth = dest.components().count();
            if best.as_ref().is_none_or(|(d, _)| depth > *d) {
                best = Some((depth, b.source.join(rest)));
            }
        }
    }
    match best {
        Some((_, p)) => Ok(p),
        None => Ok(rootfs_dir(r)?.join(rel)),
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
        return crate::userns::run_mapped(store.root(), &mapping, &["export", &r.id, d]);
    }
    let f = std::fs::File::create(dest).at(dest)?;
    let mut w = std::io::BufWriter::new(f);
    export(r, &mut w)?;
    w.flush().at(dest)
}

/// Writes the container's filesystem as a tar archive.
pub fn export(r: &Record, out: impl Write) -> Result<()> {
    let root = rootfs_dir(r)?;
    let mut b = tar::Builder::new(out);
    b.follow_symlinks(false);
    for e in std::fs::read_dir(&root).at(&root)?.flatten() {
        let name = e.file_name();
        let p = e.path();
        let md = p.symlink_metadata().at(&p)?;
        if md.is_dir() {
            b.append_dir_all(&name, &p).at(&p)?;
        } else {
            b.append_path_with_name(&p, &name).at(&p)?;
        }
    }
    b.finish().at(&root)?;
    Ok(())
}

/// Copies a file or directory (as `cp -a` would) from `src` to `dst`: a
/// directory `dst` that exists receives `src` inside it.
pub fn copy(src: &Path, dst: &Path) -> Result<()> {
    let md = src.symlink_metadata().at(src)?;
    let target = if dst.is_dir() {
        dst.join(src.file_name().unwrap_or_default())
    } else {
        dst.to_path_buf()
    };
    if md.is_dir() {
        std::fs::create_dir_all(&target).at(&target)?;
        crate::container::volume::copy_tree(src, &target)
    } else if md.file_type().is_symlink() {
        let t = std::fs::read_link(src).at(src)?;
        std::os::unix::fs::symlink(t, &target).at(&target)
    } else {
        std::fs::copy(src, &target).at(&target)?;
        Ok(())
    }
}

/// `commit`: the container's filesystem as a new image (one full layer,
/// since the rootfs is a flattened copy until layer snapshots land), its
/// config carried over (CMD, ENV, WORKDIR, USER), then `changes` applied.
pub fn commit(
    store: &crate::store::Store,
    r: &Record,
    names: &[crate::reference::Reference],
    message: Option<String>,
    changes: &[String],
) -> Result<crate::image::import::Imported> {
    let spec = crate::container::launch::load_spec(store, &r.id)?;
    let mut all = Vec::new();
    if let Some(p) = spec.process() {
        let args = p.args().clone().unwrap_or_default();
        let args: Vec<String> = args
            .into_iter()
            .skip_while(|a| a == crate::runtime::mini_init::PATH)
            .collect();
        all.push(format!(
            "CMD {}",
            serde_json::to_string(&args).map_err(|e| Error::json("cmd", e))?
        ));
        for e in p.env().iter().flatten() {
            if !e.starts_with("HOSTNAME=") {
                all.push(format!("ENV {e}"));
            }
        }
        all.push(format!("WORKDIR {}", p.cwd().display()));
        if let Some(u) = &r.options.user {
            all.push(format!("USER {u}"));
        } else {
            all.push(format!("USER {}", p.user().uid()));
        }
    }
    all.extend(changes.iter().cloned());
    let tmp = store.tmp_path("commit");
    let result = (|| {
        export_file(store, r, &tmp)?;
        let mut f = std::fs::File::open(&tmp).at(&tmp)?;
        crate::image::import::import(
            store,
            &mut f,
            names,
            &crate::image::import::ImportOptions {
                changes: all,
                message,
                platform: None,
                source: format!("commit of container {}", r.short_id()),
            },
        )
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}
