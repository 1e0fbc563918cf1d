//! A directory descriptor that paths are resolved inside of, as if it were
//! `/`: `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)`. Absolute
//! symlinks, `..` and symlinked parents all stay inside; `/proc/self/...`
//! style magic links are refused. The final component is created or
//! inspected with `*at` calls relative to its resolved parent, never
//! following it unless asked. A walk of the tree never follows a symlink
//! and never descends into another mount (compared by mount id).
//!
//! Used for container roots (a running container's `/proc/<pid>/root`,
//! opened once), stopped rootfs views, image layers and volumes.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, ResolveFlags, Statx, StatxFlags};

/// A trusted host directory whose contents are not trusted.
#[derive(Debug)]
pub struct Root {
    fd: OwnedFd,
    path: PathBuf,
}

/// A path made relative and lexically normal: `.` dropped, `..` pops (it
/// could not leave the root anyway), a leading `/` ignored.
pub fn clean(rel: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

/// The `/proc/self/fd/N` name of a descriptor: mount(2) and friends given
/// it act on exactly the resolved inode, not on a path looked up again.
pub fn proc_fd_path(fd: BorrowedFd<'_>) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

/// statx of `name` in `dir` (`""` for `dir` itself), with the mount id.
pub fn statx_at(dir: BorrowedFd<'_>, name: &OsStr, follow: bool) -> io::Result<Statx> {
    let mut flags = if follow {
        AtFlags::empty()
    } else {
        AtFlags::SYMLINK_NOFOLLOW
    };
    if name.is_empty() {
        flags |= AtFlags::EMPTY_PATH;
    }
    Ok(rfs::statx(
        dir,
        name,
        flags,
        StatxFlags::BASIC_STATS | StatxFlags::MNT_ID,
    )?)
}

/// The file type in a statx.
pub fn kind(st: &Statx) -> FileType {
    FileType::from_raw_mode(st.stx_mode.into())
}

fn retry<T>(mut f: impl FnMut() -> rustix::io::Result<T>) -> io::Result<T> {
    loop {
        match f() {
            // The kernel asks for a retry when a rename raced the walk.
            Err(rustix::io::Errno::AGAIN) => continue,
            r => return r.map_err(Into::into),
        }
    }
}

fn einval(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, what.to_string())
}

impl Root {
    /// Opens the directory `path`, which the caller trusts (its own
    /// symlinks and magic links such as `/proc/<pid>/root` are followed).
    pub fn open(path: &Path) -> io::Result<Root> {
        let fd = rfs::open(
            path,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Root {
            fd,
            path: path.to_path_buf(),
        })
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// The host path the root was opened at (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens `rel` resolved inside the root (a final symlink too, unless
    /// `flags` has `NOFOLLOW`).
    pub fn open_at(&self, rel: &Path, flags: OFlags, mode: u32) -> io::Result<OwnedFd> {
        let rel = clean(rel);
        let rel = if rel.as_os_str().is_empty() {
            Path::new(".")
        } else {
            rel.as_path()
        };
        retry(|| {
            rfs::openat2(
                &self.fd,
                rel,
                flags | OFlags::CLOEXEC,
                Mode::from_raw_mode(mode),
                ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
            )
        })
    }

    /// An `O_PATH` descriptor of `rel` (the root itself for `""`).
    pub fn open_path(&self, rel: &Path, follow: bool) -> io::Result<OwnedFd> {
        let nofollow = if follow {
            OFlags::empty()
        } else {
            OFlags::NOFOLLOW
        };
        self.open_at(rel, OFlags::PATH | nofollow, 0)
    }

    /// The parent directory of `rel`, resolved inside the root, and the
    /// final name (which is not resolved). `rel` must name something
    /// below the root.
    pub fn split(&self, rel: &Path) -> io::Result<(OwnedFd, OsString)> {
        let rel = clean(rel);
        let name = rel
            .file_name()
            .ok_or_else(|| einval("the path names the root itself"))?
            .to_os_string();
        let parent = self.open_at(
            rel.parent().unwrap_or(Path::new("")),
            OFlags::PATH | OFlags::DIRECTORY,
            0,
        )?;
        Ok((parent, name))
    }

    /// `rel` with a final symlink replaced by its target, again and again
    /// (resolved inside the root, parents lexically), for `cp -L`.
    pub fn follow_final(&self, rel: &Path) -> io::Result<PathBuf> {
        let mut rel = clean(rel);
        for _ in 0..40 {
            if rel.as_os_str().is_empty() {
                return Ok(rel);
            }
            let (parent, name) = self.split(&rel)?;
            let st = statx_at(parent.as_fd(), &name, false)?;
            if kind(&st) != FileType::Symlink {
                return Ok(rel);
            }
            let target = rfs::readlinkat(&parent, &name, Vec::new())?;
            let target = Path::new(OsStr::from_bytes(target.as_bytes()));
            // An absolute target replaces the path: still inside, once clean.
            rel = clean(&rel.parent().unwrap_or(Path::new("")).join(target));
        }
        Err(io::Error::from_raw_os_error(libc::ELOOP))
    }

    /// Opens (creating what is missing, mode 0755) the directory `rel`.
    /// A dangling symlink on the way is followed inside the root and its
    /// target created, as runc does. Returns an `O_PATH` descriptor
    /// resolved inside the root.
    pub fn mkdir_all(&self, rel: &Path) -> io::Result<OwnedFd> {
        self.mkdir_all_within(rel, 0)
    }

    fn mkdir_all_within(&self, rel: &Path, links: u32) -> io::Result<OwnedFd> {
        let dir = |p: &Path| self.open_at(p, OFlags::PATH | OFlags::DIRECTORY, 0);
        let rel = clean(rel);
        if let Ok(fd) = dir(&rel) {
            return Ok(fd);
        }
        let mut cur = dir(Path::new(""))?;
        let mut sofar = PathBuf::new();
        for c in rel.components() {
            let parent = sofar.clone();
            sofar.push(c);
            cur = match dir(&sofar) {
                Ok(fd) => fd,
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                    match rfs::mkdirat(&cur, c.as_os_str(), Mode::from_raw_mode(0o755)) {
                        Ok(()) => {}
                        Err(rustix::io::Errno::EXIST) => {
                            // A dangling symlink: make its target, inside.
                            let target = rfs::readlinkat(&cur, c.as_os_str(), Vec::new())?;
                            if links >= 40 {
                                return Err(io::Error::from_raw_os_error(libc::ELOOP));
                            }
                            let target = Path::new(OsStr::from_bytes(target.as_bytes()));
                            self.mkdir_all_within(&parent.join(target), links + 1)?;
                        }
                        Err(e) => return Err(e.into()),
                    }
                    dir(&sofar)?
                }
                Err(e) => return Err(e),
            };
        }
        Ok(cur)
    }

    /// Makes sure `rel` exists (an empty file is created, never through a
    /// final symlink, if nothing is there) and returns an `O_PATH`
    /// descriptor of it resolved inside the root.
    pub fn make_file(&self, rel: &Path) -> io::Result<OwnedFd> {
        if let Ok(fd) = self.open_path(rel, true) {
            return Ok(fd);
        }
        let rel = clean(rel);
        let parent = self.mkdir_all(rel.parent().unwrap_or(Path::new("")))?;
        let name = rel
            .file_name()
            .ok_or_else(|| einval("the path names the root itself"))?;
        let dir = reopen_dir(parent.as_fd())?;
        match rfs::openat(
            &dir,
            name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        ) {
            Ok(_) | Err(rustix::io::Errno::EXIST) => {}
            Err(e) => return Err(e.into()),
        }
        self.open_path(&rel, true)
    }

    /// The content of the regular file `rel` (symlinks resolved inside the
    /// root); `None` when it does not exist. Anything else (a FIFO, a
    /// device, a directory) or a file over `cap` bytes is an error; nothing
    /// but a regular file is ever opened for reading.
    pub fn read_regular(&self, rel: &Path, cap: u64) -> io::Result<Option<Vec<u8>>> {
        let fd = match self.open_path(rel, true) {
            Ok(fd) => fd,
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(None),
            Err(e) => return Err(e),
        };
        let st = statx_at(fd.as_fd(), OsStr::new(""), false)?;
        if kind(&st) != FileType::RegularFile {
            return Err(einval("not a regular file"));
        }
        if st.stx_size > cap {
            return Err(einval(&format!("larger than {cap} bytes")));
        }
        let f = std::fs::File::open(proc_fd_path(fd.as_fd()))?;
        let mut out = Vec::new();
        f.take(cap + 1).read_to_end(&mut out)?;
        if out.len() as u64 > cap {
            return Err(einval(&format!("larger than {cap} bytes")));
        }
        Ok(Some(out))
    }
}

/// A readable descriptor of the directory behind an `O_PATH` one (for
/// listing and `*at` calls that need more than a path descriptor).
pub fn reopen_dir(fd: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    Ok(rfs::openat(
        fd,
        ".",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// Opens the directory `name` in `dir` for listing, never through a
/// symlink.
pub fn open_child_dir(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<OwnedFd> {
    Ok(rfs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// Opens the regular file `name` in `dir` for reading, never through a
/// symlink and never blocking (a FIFO swapped in is refused by the type
/// check).
pub fn open_child_file(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<std::fs::File> {
    let fd = rfs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let st = statx_at(fd.as_fd(), OsStr::new(""), false)?;
    if kind(&st) != FileType::RegularFile {
        return Err(einval("not a regular file"));
    }
    Ok(std::fs::File::from(fd))
}

/// The names in a directory, sorted (without `.` and `..`).
pub fn names(dir: BorrowedFd<'_>) -> io::Result<Vec<OsString>> {
    let fd = reopen_dir(dir)?;
    let mut out = Vec::new();
    for e in rfs::Dir::read_from(&fd)? {
        let e = e?;
        let n = e.file_name().to_bytes();
        if n != b"." && n != b".." {
            out.push(OsStr::from_bytes(n).to_os_string());
        }
    }
    out.sort();
    Ok(out)
}

/// One node met by [`walk`].
pub struct Entry<'a> {
    /// The path below the walk's start, without a leading `/`.
    pub rel: &'a Path,
    pub parent: BorrowedFd<'a>,
    pub name: &'a OsStr,
    /// Not following a symlink.
    pub stat: &'a Statx,
    /// On another mount than the walk's start (a mount point or inside
    /// one); a directory there is not descended into.
    pub other_mount: bool,
}

/// Calls `f` for everything below `dir`, parents before children, names
/// sorted. Never follows a symlink, never descends into another mount.
pub fn walk(
    dir: BorrowedFd<'_>,
    f: &mut dyn FnMut(&Entry<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let mnt = statx_at(dir, OsStr::new(""), false)?.stx_mnt_id;
    walk_in(dir, Path::new(""), mnt, f)
}

fn walk_in(
    dir: BorrowedFd<'_>,
    rel: &Path,
    mnt: u64,
    f: &mut dyn FnMut(&Entry<'_>) -> io::Result<()>,
) -> io::Result<()> {
    for name in names(dir)? {
        let Ok(st) = statx_at(dir, &name, false) else {
            continue; // gone meanwhile
        };
        let path = rel.join(&name);
        let other_mount = st.stx_mnt_id != mnt;
        f(&Entry {
            rel: &path,
            parent: dir,
            name: &name,
            stat: &st,
            other_mount,
        })?;
        if kind(&st) != FileType::Directory || other_mount {
            continue;
        }
        let Ok(child) = open_child_dir(dir, &name) else {
            continue; // replaced by a non-directory meanwhile
        };
        // A mount may have appeared since the statx.
        if statx_at(child.as_fd(), OsStr::new(""), false)?.stx_mnt_id != mnt {
            continue;
        }
        walk_in(child.as_fd(), &path, mnt, f)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_resolve_inside() {
        let d = tempfile::tempdir().unwrap();
        let outside = d.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret"), "host").unwrap();
        let root = d.path().join("root");
        std::fs::create_dir(&root).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("evil")).unwrap();
        std::os::unix::fs::symlink("../../outside/secret", root.join("rel")).unwrap();
        let r = Root::open(&root).unwrap();
        assert!(r
            .read_regular(Path::new("/evil/secret"), 100)
            .unwrap()
            .is_none());
        assert!(r.read_regular(Path::new("rel"), 100).unwrap().is_none());
        // Creating through a symlink leading out makes its target inside.
        r.mkdir_all(Path::new("/evil/sub")).unwrap();
        assert!(!outside.join("sub").exists());
        let inside = root.join(outside.strip_prefix("/").unwrap());
        assert!(inside.join("sub").is_dir());
        std::os::unix::fs::symlink("/loop", root.join("loop")).unwrap();
        assert!(r.mkdir_all(Path::new("/loop/x")).is_err());
        r.mkdir_all(Path::new("/a/b")).unwrap();
        assert!(root.join("a/b").is_dir());
        std::fs::write(root.join("big"), vec![b'x'; 10]).unwrap();
        assert!(r.read_regular(Path::new("big"), 5).is_err());
        assert_eq!(
            r.read_regular(Path::new("big"), 10).unwrap().unwrap().len(),
            10
        );
        let mut seen = Vec::new();
        walk(r.fd(), &mut |e| {
            seen.push(e.rel.to_path_buf());
            Ok(())
        })
        .unwrap();
        assert!(seen.contains(&PathBuf::from("evil")));
        assert!(!seen
            .iter()
            .any(|p| p.starts_with("evil") && p != Path::new("evil")));
    }
}
