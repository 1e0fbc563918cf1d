//! Descriptor-relative file operations the layer code shares: listing and
//! removing trees without following symlinks, times, and xattrs on nodes
//! that must not be opened (devices, fifos).

use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use std::os::unix::ffi::OsStrExt;

use rustix::fs::{self as rfs, AtFlags, Mode, OFlags};

/// Access and modification time `secs` (tar keeps whole seconds).
pub(crate) fn times(secs: i64) -> rfs::Timestamps {
    let t = rfs::Timespec {
        tv_sec: secs,
        tv_nsec: 0,
    };
    rfs::Timestamps {
        last_access: t,
        last_modification: t,
    }
}

/// Sets an entry's times without following a symlink (best effort, as tar).
pub(crate) fn set_mtime(parent: BorrowedFd<'_>, name: &OsStr, secs: i64) {
    let _ = rfs::utimensat(parent, name, &times(secs), AtFlags::SYMLINK_NOFOLLOW);
}

/// The names in directory `dir` (without `.` and `..`).
pub(crate) fn dir_names(dir: BorrowedFd<'_>) -> Vec<OsString> {
    let Ok(fd) = rfs::openat(
        dir,
        ".",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return vec![];
    };
    let Ok(d) = rfs::Dir::read_from(&fd) else {
        return vec![];
    };
    d.flatten()
        .map(|e| OsStr::from_bytes(e.file_name().to_bytes()).to_os_string())
        .filter(|n| n != "." && n != "..")
        .collect()
}

/// Removes `name` in `parent`: a whole tree if it is a directory, never
/// following symlinks.
pub(crate) fn remove_at(parent: BorrowedFd<'_>, name: &OsStr) {
    if rfs::unlinkat(parent, name, AtFlags::empty()).is_ok() {
        return;
    }
    if let Ok(fd) = rfs::openat(
        parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        let _ = rfs::fchmod(&fd, Mode::from_raw_mode(0o700));
        remove_children(fd.as_fd());
        let _ = rfs::unlinkat(parent, name, AtFlags::REMOVEDIR);
    }
}

/// Removes everything inside `dir`, never following symlinks.
pub(crate) fn remove_children(dir: BorrowedFd<'_>) {
    for name in dir_names(dir) {
        remove_at(dir, &name);
    }
}

/// Sets an xattr on `name` in `parent` without opening the node for I/O
/// (opening a device node can have effects): through an `O_PATH`
/// descriptor and its `/proc/self/fd` link, which names exactly that inode.
pub(crate) fn set_xattr_unopened(
    parent: BorrowedFd<'_>,
    name: &OsStr,
    attr: &str,
    value: &[u8],
) -> rustix::io::Result<()> {
    let fd = rfs::openat(
        parent,
        name,
        OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let link = format!("/proc/self/fd/{}", fd.as_raw_fd());
    rfs::setxattr(link.as_str(), attr, value, rfs::XattrFlags::empty())
}
