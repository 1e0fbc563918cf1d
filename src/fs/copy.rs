//! Copying a node (file, symlink, directory tree) from one directory
//! descriptor to another, as `cp -a` would: modes, times and (as root)
//! owners kept. Both sides are addressed by descriptor and name, so a
//! symlink on either side is copied or replaced, never followed, and a
//! source directory on another mount (proc, sys, a volume) is created
//! empty, not descended into.

use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, Statx};

use super::in_root::{kind, names, open_child_dir, open_child_file, statx_at};

/// What a copy keeps beyond content and mode.
#[derive(Debug, Clone, Copy)]
pub struct CopyOptions {
    /// Owners (as root); otherwise copies belong to the caller.
    pub owners: bool,
}

impl CopyOptions {
    /// Owners are kept when this process may set them (not rootless).
    pub fn for_current_user() -> CopyOptions {
        CopyOptions {
            owners: !crate::paths::is_rootless(),
        }
    }
}

/// Copies what is inside directory `src` into directory `dst`.
pub fn copy_children(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    opts: CopyOptions,
) -> io::Result<()> {
    let mnt = statx_at(src, OsStr::new(""), false)?.stx_mnt_id;
    children(src, dst, mnt, opts)
}

fn children(
    src: BorrowedFd<'_>,
    dst: BorrowedFd<'_>,
    mnt: u64,
    opts: CopyOptions,
) -> io::Result<()> {
    let src = super::in_root::reopen_dir(src)?;
    let dst = super::in_root::reopen_dir(dst)?;
    for name in names(src.as_fd())? {
        let Ok(st) = statx_at(src.as_fd(), &name, false) else {
            continue;
        };
        node(src.as_fd(), &name, &st, dst.as_fd(), &name, mnt, opts)?;
    }
    Ok(())
}

/// Copies `name` in `src_dir` (of status `st`, not following it) to
/// `dst_name` in `dst_dir`, replacing a non-directory there.
pub fn copy_node(
    src_dir: BorrowedFd<'_>,
    name: &OsStr,
    st: &Statx,
    dst_dir: BorrowedFd<'_>,
    dst_name: &OsStr,
    opts: CopyOptions,
) -> io::Result<()> {
    node(src_dir, name, st, dst_dir, dst_name, st.stx_mnt_id, opts)
}

fn node(
    src_dir: BorrowedFd<'_>,
    name: &OsStr,
    st: &Statx,
    dst_dir: BorrowedFd<'_>,
    dst_name: &OsStr,
    mnt: u64,
    opts: CopyOptions,
) -> io::Result<()> {
    let mode = Mode::from_raw_mode(u32::from(st.stx_mode) & 0o7777);
    match kind(st) {
        FileType::Directory => {
            let d = make_dir(dst_dir, dst_name)?;
            if st.stx_mnt_id == mnt {
                if let Ok(s) = open_child_dir(src_dir, name) {
                    if statx_at(s.as_fd(), OsStr::new(""), false)?.stx_mnt_id == mnt {
                        children(s.as_fd(), d.as_fd(), mnt, opts)?;
                    }
                }
            }
            finish_fd(d.as_fd(), st, mode, opts)
        }
        FileType::RegularFile => {
            let mut from = open_child_file(src_dir, name)?;
            let to = create_file(dst_dir, dst_name)?;
            let mut to = std::fs::File::from(to);
            io::copy(&mut from, &mut to)?;
            finish_fd(to.as_fd(), st, mode, opts)
        }
        FileType::Symlink => {
            let target = rfs::readlinkat(src_dir, name, Vec::new())?;
            match rfs::symlinkat(target.as_c_str(), dst_dir, dst_name) {
                Err(rustix::io::Errno::EXIST) => {
                    rfs::unlinkat(dst_dir, dst_name, AtFlags::empty())?;
                    rfs::symlinkat(target.as_c_str(), dst_dir, dst_name)?;
                }
                r => r?,
            }
            if opts.owners {
                let _ = rfs::chownat(
                    dst_dir,
                    dst_name,
                    Some(rfs::Uid::from_raw(st.stx_uid)),
                    Some(rfs::Gid::from_raw(st.stx_gid)),
                    AtFlags::SYMLINK_NOFOLLOW,
                );
            }
            let _ = rfs::utimensat(dst_dir, dst_name, &times(st), AtFlags::SYMLINK_NOFOLLOW);
            Ok(())
        }
        t @ (FileType::Fifo | FileType::CharacterDevice | FileType::BlockDevice) if opts.owners => {
            let dev = rfs::makedev(st.stx_rdev_major, st.stx_rdev_minor);
            let _ = rfs::unlinkat(dst_dir, dst_name, AtFlags::empty());
            // Best effort, as copy_tree always was: a device may be refused.
            if rfs::mknodat(dst_dir, dst_name, t, mode, dev).is_ok() {
                let _ = rfs::chownat(
                    dst_dir,
                    dst_name,
                    Some(rfs::Uid::from_raw(st.stx_uid)),
                    Some(rfs::Gid::from_raw(st.stx_gid)),
                    AtFlags::SYMLINK_NOFOLLOW,
                );
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn times(st: &Statx) -> rfs::Timestamps {
    let t = rfs::Timespec {
        tv_sec: st.stx_mtime.tv_sec,
        tv_nsec: st.stx_mtime.tv_nsec.into(),
    };
    rfs::Timestamps {
        last_access: t,
        last_modification: t,
    }
}

fn finish_fd(fd: BorrowedFd<'_>, st: &Statx, mode: Mode, opts: CopyOptions) -> io::Result<()> {
    if opts.owners {
        let _ = rfs::fchown(
            fd,
            Some(rfs::Uid::from_raw(st.stx_uid)),
            Some(rfs::Gid::from_raw(st.stx_gid)),
        );
    }
    // After chown, which clears set-id bits.
    rfs::fchmod(fd, mode)?;
    let _ = rfs::futimens(fd, &times(st));
    Ok(())
}

/// The directory `name` in `dir`, made if missing; a non-directory there
/// (a symlink included) is replaced.
pub fn make_dir(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<OwnedFd> {
    match rfs::mkdirat(dir, name, Mode::from_raw_mode(0o700)) {
        Ok(()) => {}
        Err(rustix::io::Errno::EXIST) => match open_child_dir(dir, name) {
            Ok(fd) => return Ok(fd),
            Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) => {
                rfs::unlinkat(dir, name, AtFlags::empty())?;
                rfs::mkdirat(dir, name, Mode::from_raw_mode(0o700))?;
            }
            Err(e) => return Err(e),
        },
        Err(e) => return Err(e.into()),
    }
    open_child_dir(dir, name)
}

/// Opens `name` in `dir` for writing, truncated or created; a symlink
/// there is replaced by the file, never written through.
pub fn create_file(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<OwnedFd> {
    let flags =
        OFlags::WRONLY | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY;
    let open = |extra: OFlags| rfs::openat(dir, name, flags | extra, Mode::from_raw_mode(0o600));
    // Not truncating before the type check: a FIFO or device is replaced.
    match open(OFlags::NONBLOCK) {
        Ok(fd) if kind(&statx_at(fd.as_fd(), OsStr::new(""), false)?) == FileType::RegularFile => {
            rfs::ftruncate(&fd, 0)?;
            // Back to blocking writes.
            rfs::fcntl_setfl(&fd, OFlags::empty())?;
            Ok(fd)
        }
        Ok(_) | Err(rustix::io::Errno::LOOP) | Err(rustix::io::Errno::NXIO) => {
            rfs::unlinkat(dir, name, AtFlags::empty())?;
            Ok(open(OFlags::EXCL)?)
        }
        Err(e) => Err(e.into()),
    }
}
