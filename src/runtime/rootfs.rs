//! The container's filesystem, assembled inside its mount namespace by the
//! init: the rootfs (an overlay of layer snapshots plus the container's upper
//! dir, or a bind of a plain directory for `--rootfs`), the spec's mounts
//! (/proc, a minimal /dev, /sys read-only, /dev/pts, /dev/shm, /dev/mqueue,
//! the per-container /etc files, volumes, tmpfs), pivot_root, then the masked
//! and read-only paths. Nothing is mounted in the host's namespace, so a
//! killed container leaves no mounts behind.

use std::ffi::CString;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use oci_spec::runtime::{LinuxDevice, LinuxDeviceType, Mount, Spec};

use crate::fs::in_root::proc_fd_path;
use crate::fs::Root;

/// Where the root filesystem comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RootfsSource {
    /// A plain directory (`--rootfs DIR`), used in place.
    Dir(PathBuf),
    /// Layer snapshots (topmost first) under an upper/work pair.
    Overlay {
        lower: Vec<PathBuf>,
        upper: PathBuf,
        work: PathBuf,
    },
}

type R<T = ()> = std::result::Result<T, String>;

/// mount(2) with the C-level flags.
pub fn mount(
    src: Option<&Path>,
    target: &Path,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> std::io::Result<()> {
    let to_c =
        |s: &[u8]| CString::new(s).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL));
    let src = src.map(|s| to_c(s.as_os_str().as_bytes())).transpose()?;
    let target = to_c(target.as_os_str().as_bytes())?;
    let fstype = fstype.map(|s| to_c(s.as_bytes())).transpose()?;
    let data = data.map(|s| to_c(s.as_bytes())).transpose()?;
    let p = |c: &Option<CString>| c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY: every pointer is null or a NUL-terminated string that lives
    // until the call returns.
    let rc = unsafe {
        libc::mount(
            p(&src),
            target.as_ptr(),
            p(&fstype),
            flags,
            p(&data) as *const libc::c_void,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn ctx<T>(r: std::io::Result<T>, what: impl FnOnce() -> String) -> R<T> {
    r.map_err(|e| format!("{}: {e}", what()))
}

/// Splits OCI mount options into mount(2) flags and filesystem data.
fn parse_options(opts: &[String]) -> (libc::c_ulong, Vec<String>, bool) {
    let mut flags: libc::c_ulong = 0;
    let mut data = Vec::new();
    let mut bind = false;
    for o in opts {
        match o.as_str() {
            "ro" => flags |= libc::MS_RDONLY,
            "rw" => flags &= !libc::MS_RDONLY,
            "nosuid" => flags |= libc::MS_NOSUID,
            "nodev" => flags |= libc::MS_NODEV,
            "noexec" => flags |= libc::MS_NOEXEC,
            "strictatime" => flags |= libc::MS_STRICTATIME,
            "relatime" => flags |= libc::MS_RELATIME,
            "noatime" => flags |= libc::MS_NOATIME,
            "bind" => bind = true,
            "rbind" => {
                bind = true;
                flags |= libc::MS_REC;
            }
            "rprivate" | "private" | "suid" | "dev" | "exec" => {}
            other => data.push(other.to_string()),
        }
    }
    (flags, data, bind)
}

/// Creates the mount point `dest` inside the rootfs (a file for a file),
/// resolving it and every parent inside the rootfs, and returns a
/// descriptor of it: mounting onto its `/proc/self/fd/N` name mounts on
/// exactly that inode, so an image's symlinks never point a mount (or a
/// created directory) at the host.
fn make_target(root: &Root, dest: &Path, file: bool) -> R<OwnedFd> {
    let made = if file {
        root.make_file(dest)
    } else {
        root.mkdir_all(dest)
    };
    ctx(made, || {
        format!("creating the mount point {}", dest.display())
    })
}

/// Mounts onto the mount point `dest` made by [`make_target`].
fn mount_on(
    root: &Root,
    src: Option<&Path>,
    dest: &Path,
    file: bool,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> std::io::Result<()> {
    let target = make_target(root, dest, file).map_err(std::io::Error::other)?;
    mount(src, &proc_fd_path(target.as_fd()), fstype, flags, data)
}

/// Remounts what is now mounted at `dest` read-only (looked up again, so
/// the descriptor names the new mount, not the one below it).
fn remount_readonly_in(root: &Root, dest: &Path) -> std::io::Result<()> {
    let fd = root.open_path(dest, true)?;
    remount_readonly(&proc_fd_path(fd.as_fd()))
}

/// The mount flags a path's filesystem carries now (to keep the locked ones
/// — nosuid, nodev, noexec — when remounting read-only in a user namespace).
fn current_flags(p: &Path) -> libc::c_ulong {
    let Ok(s) = rustix::fs::statvfs(p) else {
        return 0;
    };
    let f = s.f_flag;
    let mut out = 0;
    for (st, ms) in [
        (rustix::fs::StatVfsMountFlags::NOSUID, libc::MS_NOSUID),
        (rustix::fs::StatVfsMountFlags::NODEV, libc::MS_NODEV),
        (rustix::fs::StatVfsMountFlags::NOEXEC, libc::MS_NOEXEC),
        (rustix::fs::StatVfsMountFlags::NOATIME, libc::MS_NOATIME),
        (
            rustix::fs::StatVfsMountFlags::NODIRATIME,
            libc::MS_NODIRATIME,
        ),
        (rustix::fs::StatVfsMountFlags::RELATIME, libc::MS_RELATIME),
    ] {
        if f.contains(st) {
            out |= ms;
        }
    }
    out
}

fn remount_readonly(p: &Path) -> std::io::Result<()> {
    let flags = libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | current_flags(p);
    mount(None, p, None, flags, None)
}

/// Mounts the rootfs at `merged`.
fn mount_root(src: &RootfsSource, merged: &Path) -> R {
    ctx(std::fs::create_dir_all(merged), || {
        format!("creating {}", merged.display())
    })?;
    match src {
        RootfsSource::Dir(d) => ctx(
            mount(Some(d), merged, None, libc::MS_BIND | libc::MS_REC, None),
            || format!("binding rootfs {}", d.display()),
        ),
        RootfsSource::Overlay { lower, upper, work } => {
            ctx(mount_overlay(lower, upper, work, merged), || {
                "mounting the overlay rootfs".into()
            })
        }
    }
}

/// The mount data one mount(2) call takes: one page.
const MOUNT_DATA_MAX: usize = 4096;

/// Mounts an overlay of `lower` (topmost first) under `upper`/`work` at
/// `target` (`userxattr` when rootless).
///
/// mount(2) takes one page of options, and a snapshot's path is ~90 bytes:
/// written out, an image of ~40 layers would not fit. Each directory is
/// opened instead and named by its descriptor, `/proc/self/fd/N` (~18
/// bytes), which the kernel resolves while it mounts; the descriptors are
/// closed after. This also keeps `:` and `,` in a store's path from being
/// read as separators.
pub fn mount_overlay(
    lower: &[PathBuf],
    upper: &Path,
    work: &Path,
    target: &Path,
) -> std::io::Result<()> {
    let open = |p: &Path| {
        rustix::fs::open(
            p,
            rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", p.display())))
    };
    let lowers = lower
        .iter()
        .map(|p| open(p))
        .collect::<std::io::Result<Vec<OwnedFd>>>()?;
    let (upper_fd, work_fd) = (open(upper)?, open(work)?);
    let name = |fd: &OwnedFd| proc_fd_path(fd.as_fd()).display().to_string();
    let mut data = format!(
        "lowerdir={},upperdir={},workdir={}",
        lowers.iter().map(name).collect::<Vec<_>>().join(":"),
        name(&upper_fd),
        name(&work_fd)
    );
    if crate::paths::is_rootless() {
        data.push_str(",userxattr");
    }
    if data.len() >= MOUNT_DATA_MAX {
        return Err(std::io::Error::other(format!(
            "{} layers do not fit in one overlay mount",
            lower.len()
        )));
    }
    mount(
        Some(Path::new("overlay")),
        target,
        Some("overlay"),
        0,
        Some(&data),
    )
}

fn mount_one(root: &Root, m: &Mount) -> R {
    let dest = m.destination().as_path();
    let typ = m.typ().clone().unwrap_or_default();
    let opts = m.options().clone().unwrap_or_default();
    let (flags, data, bind) = parse_options(&opts);
    if bind || typ == "bind" {
        let src = m.source().clone().unwrap_or_default();
        let is_file = !src.is_dir();
        ctx(
            mount_on(
                root,
                Some(&src),
                dest,
                is_file,
                None,
                libc::MS_BIND | (flags & libc::MS_REC),
                None,
            ),
            || format!("bind-mounting {} on {}", src.display(), dest.display()),
        )?;
        if flags & libc::MS_RDONLY != 0 {
            ctx(remount_readonly_in(root, dest), || {
                format!("making {} read-only", dest.display())
            })?;
        }
        return Ok(());
    }
    let data = (!data.is_empty()).then(|| data.join(","));
    let src = m.source().clone().unwrap_or_else(|| PathBuf::from(&typ));
    match mount_on(
        root,
        Some(&src),
        dest,
        false,
        Some(&typ),
        flags,
        data.as_deref(),
    ) {
        Ok(()) => Ok(()),
        // Rootless without an owned network namespace, sysfs is refused:
        // bind the host's /sys read-only instead.
        Err(e)
            if typ == "sysfs" && matches!(e.raw_os_error(), Some(libc::EPERM | libc::EACCES)) =>
        {
            ctx(
                mount_on(
                    root,
                    Some(Path::new("/sys")),
                    dest,
                    false,
                    None,
                    libc::MS_BIND | libc::MS_REC,
                    None,
                ),
                || "binding /sys".into(),
            )?;
            if flags & libc::MS_RDONLY != 0 {
                ctx(remount_readonly_in(root, dest), || {
                    "making /sys read-only".into()
                })?;
            }
            Ok(())
        }
        // mqueue needs an owned IPC namespace; skip it rather than fail.
        Err(_) if typ == "mqueue" => Ok(()),
        Err(e) => Err(format!("mounting {typ} on {}: {e}", dest.display())),
    }
}

/// Device nodes (the spec's `linux.devices`): mknod as root; bind-mounts
/// of the host's nodes of the same path where mknod is not allowed (user
/// namespaces). Each is made in its directory as resolved inside the
/// rootfs, never through the image's symlinks to the host.
fn make_devices(root: &Root, devices: &[LinuxDevice]) -> R {
    use rustix::fs::{AtFlags, Mode};
    let dev = make_target(root, Path::new("/dev"), false)?;
    for d in devices {
        let path = d.path();
        let typ = match d.typ() {
            LinuxDeviceType::B => rustix::fs::FileType::BlockDevice,
            LinuxDeviceType::C | LinuxDeviceType::U => rustix::fs::FileType::CharacterDevice,
            t => return Err(format!("device {}: unsupported type {t:?}", path.display())),
        };
        let mode = d.file_mode().unwrap_or(0o666) & 0o7777;
        let name = path.file_name().unwrap_or_default();
        let parent = make_target(root, path.parent().unwrap_or(Path::new("/")), false)?;
        let made = rustix::fs::mknodat(
            &parent,
            name,
            typ,
            Mode::from_raw_mode(mode),
            rustix::fs::makedev(d.major() as u32, d.minor() as u32),
        );
        if made.is_ok() {
            if let Ok(fd) = root.open_path(path, false) {
                let _ = rustix::fs::chmod(proc_fd_path(fd.as_fd()), Mode::from_raw_mode(mode));
            }
            let _ = rustix::fs::chownat(
                &parent,
                name,
                d.uid().map(rustix::fs::Uid::from_raw),
                d.gid().map(rustix::fs::Gid::from_raw),
                AtFlags::SYMLINK_NOFOLLOW,
            );
            continue;
        }
        ctx(
            mount_on(root, Some(path), path, true, None, libc::MS_BIND, None),
            || format!("binding {}", path.display()),
        )?;
    }
    for (link, target) in [
        ("ptmx", "pts/ptmx"),
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
        ("core", "/proc/kcore"),
    ] {
        let _ = rustix::fs::symlinkat(target, &dev, link);
    }
    Ok(())
}

/// Makes `root` the process's root and drops the old one.
fn pivot(root: &Path) -> R {
    ctx(std::env::set_current_dir(root), || {
        format!("entering {}", root.display())
    })?;
    ctx(
        rustix::process::pivot_root(".", ".").map_err(Into::into),
        || "pivot_root".into(),
    )?;
    ctx(
        rustix::mount::unmount(".", rustix::mount::UnmountFlags::DETACH).map_err(Into::into),
        || "detaching the old root".into(),
    )?;
    ctx(std::env::set_current_dir("/"), || "entering /".into())
}

fn mask(paths: &[String]) -> R {
    for p in paths {
        let path = Path::new(p);
        let Ok(meta) = path.symlink_metadata() else {
            continue;
        };
        let r = if meta.is_dir() {
            mount(
                Some(Path::new("tmpfs")),
                path,
                Some("tmpfs"),
                libc::MS_RDONLY,
                None,
            )
        } else {
            mount(
                Some(Path::new("/dev/null")),
                path,
                None,
                libc::MS_BIND,
                None,
            )
        };
        ctx(r, || format!("masking {p}"))?;
    }
    Ok(())
}

fn make_readonly(paths: &[String]) -> R {
    for p in paths {
        let path = Path::new(p);
        if path.symlink_metadata().is_err() {
            continue;
        }
        ctx(
            mount(Some(path), path, None, libc::MS_BIND | libc::MS_REC, None),
            || format!("binding {p}"),
        )?;
        ctx(remount_readonly(path), || format!("making {p} read-only"))?;
    }
    Ok(())
}

/// Builds the whole filesystem view and pivots into it. Runs in the init,
/// in the container's mount namespace.
pub fn setup(spec: &Spec, src: &RootfsSource, console: Option<std::os::fd::RawFd>) -> R {
    ctx(
        mount(
            None,
            Path::new("/"),
            None,
            libc::MS_REC | libc::MS_PRIVATE,
            None,
        ),
        || "making / private".into(),
    )?;
    let root_cfg = spec.root().as_ref().ok_or("the spec has no root")?;
    let merged = root_cfg.path().clone();
    mount_root(src, &merged)?;
    // Every mount point is resolved inside the rootfs through this.
    let root = ctx(Root::open(&merged), || {
        format!("opening {}", merged.display())
    })?;
    for m in spec.mounts().iter().flatten() {
        mount_one(&root, m)?;
        if m.destination() == Path::new("/dev") {
            let devices = spec.linux().as_ref().and_then(|l| l.devices().clone());
            make_devices(&root, devices.as_deref().unwrap_or_default())?;
        }
    }
    if let Some(peer) = console {
        // `-t`: the pty is the container's /dev/console, as runc does, so
        // `tty` and ttyname(3) find it inside.
        // By its path in this mount namespace (a descriptor's own mount is
        // the parent namespace's, which cannot be bound here).
        let pts = ctx(std::fs::read_link(format!("/proc/self/fd/{peer}")), || {
            "finding the pty".into()
        })?;
        ctx(
            mount_on(
                &root,
                Some(&pts),
                Path::new("/dev/console"),
                true,
                None,
                libc::MS_BIND,
                None,
            ),
            || "binding the pty to /dev/console".into(),
        )?;
    }
    drop(root);
    pivot(&merged)?;
    if let Some(linux) = spec.linux() {
        mask(linux.masked_paths().as_deref().unwrap_or_default())?;
        make_readonly(linux.readonly_paths().as_deref().unwrap_or_default())?;
    }
    if root_cfg.readonly().unwrap_or(false) {
        ctx(remount_readonly(Path::new("/")), || {
            "making / read-only".into()
        })?;
    }
    Ok(())
}
