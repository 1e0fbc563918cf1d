//! Applying a tar layer to a directory, safely.
//!
//! Every entry's parent directory is resolved with
//! `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)` against a descriptor of
//! the target directory, and the entry itself is created with `*at` calls
//! relative to that parent, never following a final symlink. Absolute names,
//! symlinked parents and symlinks pointing out therefore all resolve inside
//! the target; names with `..` components are refused outright, as are
//! hardlinks whose source would be outside (it cannot be named).
//!
//! Two modes: `Overlay` writes the layer's diff as an overlayfs lower layer
//! (OCI whiteouts become 0:0 character devices, opaque markers the
//! `trusted.overlay.opaque` xattr); `Flatten` applies whiteouts by deleting,
//! to build a plain root filesystem from several layers.

use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Component, Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, ResolveFlags};

use crate::error::{Error, Result};

/// How whiteouts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyMode {
    /// An overlayfs lower layer: whiteouts as 0:0 char devices, opaque dirs
    /// marked with the overlay xattr.
    Overlay,
    /// A plain tree: whiteouts delete what earlier layers wrote.
    Flatten,
}

/// Options for one application.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    pub mode: ApplyMode,
    /// Apply owners from the tar headers (root, or inside a user namespace
    /// with subordinate ids). Without it files belong to the caller.
    pub owners: bool,
    /// The xattr prefix overlayfs reads: `trusted.` (root) or `user.`
    /// (rootless overlay mounted with `userxattr`).
    pub xattr_prefix: &'static str,
}

impl ApplyOptions {
    /// The right defaults for this process: owners and `trusted.` as root.
    pub fn for_current_user(mode: ApplyMode) -> ApplyOptions {
        let root = !crate::paths::is_rootless();
        ApplyOptions {
            mode,
            owners: root,
            xattr_prefix: if root { "trusted." } else { "user." },
        }
    }
}

fn bad(entry: &Path, why: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("layer entry {}: {why}", entry.display()))
}

fn errno(entry: &Path, what: &str, e: rustix::io::Errno) -> Error {
    bad(entry, format!("{what}: {}", io::Error::from(e)))
}

/// The entry's path as plain components, refusing `..`.
fn clean(path: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => out.push(s.to_string_lossy().into_owned()),
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir => return Err(bad(path, "refusing a name with `..`")),
            Component::Prefix(_) => return Err(bad(path, "bad name")),
        }
    }
    Ok(out)
}

struct Target {
    root: OwnedFd,
    opts: ApplyOptions,
    /// Directories whose final mode is set after their children are written.
    dir_modes: Vec<(Vec<String>, u32, i64)>,
    /// What this layer wrote (for opaque directories in flatten mode).
    written: HashSet<Vec<String>>,
}

impl Target {
    /// Opens (creating as needed) the directory `parts` inside the root.
    fn dir(&self, entry: &Path, parts: &[String]) -> Result<OwnedFd> {
        let mut cur = rfs::openat(
            &self.root,
            ".",
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| errno(entry, "opening the root", e))?;
        for (i, _) in parts.iter().enumerate() {
            let rel = parts[..=i].join("/");
            let open = || {
                rfs::openat2(
                    &self.root,
                    rel.as_str(),
                    OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                    ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
                )
            };
            cur = match open() {
                Ok(fd) => fd,
                Err(rustix::io::Errno::NOENT) => {
                    rfs::mkdirat(&cur, parts[i].as_str(), Mode::from_raw_mode(0o755))
                        .or_else(|e| {
                            if e == rustix::io::Errno::EXIST {
                                Ok(())
                            } else {
                                Err(e)
                            }
                        })
                        .map_err(|e| errno(entry, "creating a parent directory", e))?;
                    open().map_err(|e| errno(entry, "opening a parent directory", e))?
                }
                Err(e) => return Err(errno(entry, "resolving a parent directory", e)),
            };
        }
        Ok(cur)
    }

    /// Removes `name` in `parent` (a whole tree if it is a directory).
    fn remove(&self, parent: BorrowedFd<'_>, name: &str) {
        if rfs::unlinkat(parent, name, AtFlags::empty()).is_ok() {
            return;
        }
        if let Ok(fd) = rfs::openat(
            parent,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            remove_children(fd.as_fd());
            let _ = rfs::unlinkat(parent, name, AtFlags::REMOVEDIR);
        }
    }

    fn apply_entry<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<()> {
        let path = entry
            .path()
            .map_err(|e| Error::Invalid(format!("bad entry name: {e}")))?
            .into_owned();
        let parts = clean(&path)?;
        let Some((name, parent_parts)) = parts.split_last() else {
            return Ok(()); // the root itself ("./")
        };
        let parent = self.dir(&path, parent_parts)?;
        if let Some(hidden) = name.strip_prefix(".wh.") {
            return self.whiteout(&path, parent.as_fd(), parent_parts, hidden);
        }
        let h = entry.header().clone();
        let mode = h.mode().unwrap_or(0o644) & 0o7777;
        let kind = h.entry_type();
        // Replace whatever stands there, except a directory by a directory.
        let existing = rfs::statat(&parent, name.as_str(), AtFlags::SYMLINK_NOFOLLOW).ok();
        let existing_dir = existing
            .as_ref()
            .is_some_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Directory);
        if existing.is_some() && !(kind.is_dir() && existing_dir) {
            self.remove(parent.as_fd(), name);
        }
        match kind {
            tar::EntryType::Directory => {
                if !existing_dir {
                    rfs::mkdirat(&parent, name.as_str(), Mode::from_raw_mode(0o700))
                        .map_err(|e| errno(&path, "mkdir", e))?;
                }
                let mtime = h.mtime().unwrap_or(0) as i64;
                self.dir_modes.push((parts.clone(), mode, mtime));
            }
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                let fd = rfs::openat(
                    &parent,
                    name.as_str(),
                    OFlags::WRONLY
                        | OFlags::CREATE
                        | OFlags::EXCL
                        | OFlags::NOFOLLOW
                        | OFlags::CLOEXEC,
                    Mode::from_raw_mode(0o600),
                )
                .map_err(|e| errno(&path, "create", e))?;
                let mut f = std::fs::File::from(fd);
                io::copy(entry, &mut f).map_err(|e| bad(&path, e))?;
                f.flush().map_err(|e| bad(&path, e))?;
            }
            tar::EntryType::Symlink => {
                let target = entry
                    .link_name()
                    .map_err(|e| bad(&path, e))?
                    .ok_or_else(|| bad(&path, "symlink without a target"))?;
                rfs::symlinkat(target.as_ref(), &parent, name.as_str())
                    .map_err(|e| errno(&path, "symlink", e))?;
            }
            tar::EntryType::Link => {
                let target = entry
                    .link_name()
                    .map_err(|e| bad(&path, e))?
                    .ok_or_else(|| bad(&path, "hardlink without a target"))?
                    .into_owned();
                let tparts = clean(&target)?;
                let (tname, tparent) = tparts
                    .split_last()
                    .ok_or_else(|| bad(&path, "hardlink to the root"))?;
                let tdir = self.dir(&path, tparent)?;
                rfs::linkat(
                    &tdir,
                    tname.as_str(),
                    &parent,
                    name.as_str(),
                    AtFlags::empty(),
                )
                .map_err(|e| errno(&path, "hardlink", e))?;
                self.written.insert(parts.clone());
                return Ok(()); // a hardlink shares its target's metadata
            }
            tar::EntryType::Char | tar::EntryType::Block | tar::EntryType::Fifo => {
                let ft = match kind {
                    tar::EntryType::Char => FileType::CharacterDevice,
                    tar::EntryType::Block => FileType::BlockDevice,
                    _ => FileType::Fifo,
                };
                let dev = rfs::makedev(
                    h.device_major().ok().flatten().unwrap_or(0),
                    h.device_minor().ok().flatten().unwrap_or(0),
                );
                if let Err(e) =
                    rfs::mknodat(&parent, name.as_str(), ft, Mode::from_raw_mode(mode), dev)
                {
                    if ft == FileType::Fifo || !crate::paths::is_rootless() {
                        return Err(errno(&path, "mknod", e));
                    }
                    // Rootless cannot make device nodes; podman skips them too.
                    return Ok(());
                }
            }
            // PAX and GNU long-name headers are folded in by the tar crate;
            // anything else (sockets...) is skipped.
            _ => return Ok(()),
        }
        self.written.insert(parts.clone());
        let is_link = kind == tar::EntryType::Symlink;
        if self.opts.owners {
            let uid = h.uid().unwrap_or(0) as u32;
            let gid = h.gid().unwrap_or(0) as u32;
            rfs::chownat(
                &parent,
                name.as_str(),
                Some(rfs::Uid::from_raw(uid)),
                Some(rfs::Gid::from_raw(gid)),
                AtFlags::SYMLINK_NOFOLLOW,
            )
            .map_err(|e| errno(&path, "chown", e))?;
            self.xattrs(entry, &path, parent.as_fd(), name, is_link)?;
        }
        if !is_link && !kind.is_dir() {
            // After chown, which clears set-id bits.
            rfs::chmodat(
                &parent,
                name.as_str(),
                Mode::from_raw_mode(mode),
                AtFlags::empty(),
            )
            .map_err(|e| errno(&path, "chmod", e))?;
        }
        if !kind.is_dir() {
            set_mtime(parent.as_fd(), name, h.mtime().unwrap_or(0) as i64);
        }
        Ok(())
    }

    /// PAX `SCHILY.xattr.*` records, as root.
    fn xattrs<R: Read>(
        &self,
        entry: &mut tar::Entry<'_, R>,
        path: &Path,
        parent: BorrowedFd<'_>,
        name: &str,
        is_link: bool,
    ) -> Result<()> {
        let Ok(Some(exts)) = entry.pax_extensions() else {
            return Ok(());
        };
        for ext in exts.flatten() {
            let Ok(key) = ext.key() else { continue };
            let Some(attr) = key.strip_prefix("SCHILY.xattr.") else {
                continue;
            };
            if is_link {
                continue;
            }
            let fd = rfs::openat(
                parent,
                name,
                OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
                Mode::empty(),
            )
            .map_err(|e| errno(path, "opening for xattrs", e))?;
            rfs::fsetxattr(&fd, attr, ext.value_bytes(), rfs::XattrFlags::empty())
                .map_err(|e| errno(path, &format!("setting xattr {attr}"), e))?;
        }
        Ok(())
    }

    fn whiteout(
        &mut self,
        path: &Path,
        parent: BorrowedFd<'_>,
        parent_parts: &[String],
        hidden: &str,
    ) -> Result<()> {
        if hidden == ".wh..opq" {
            match self.opts.mode {
                ApplyMode::Overlay => {
                    let fd = rfs::openat(
                        parent,
                        ".",
                        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                        Mode::empty(),
                    )
                    .map_err(|e| errno(path, "opening an opaque directory", e))?;
                    let attr = format!("{}overlay.opaque", self.opts.xattr_prefix);
                    rfs::fsetxattr(&fd, attr.as_str(), b"y", rfs::XattrFlags::empty())
                        .map_err(|e| errno(path, "marking a directory opaque", e))?;
                }
                ApplyMode::Flatten => {
                    // Everything earlier layers put here goes; this layer's stays.
                    let fd = rfs::openat(
                        parent,
                        ".",
                        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                        Mode::empty(),
                    )
                    .map_err(|e| errno(path, "opening an opaque directory", e))?;
                    for name in dir_names(fd.as_fd()) {
                        let mut p = parent_parts.to_vec();
                        p.push(name.clone());
                        if !self.written.contains(&p) {
                            self.remove(parent, &name);
                        }
                    }
                }
            }
            return Ok(());
        }
        if hidden.is_empty() || hidden == "." || hidden == ".." || hidden.contains('/') {
            return Err(bad(path, "bad whiteout"));
        }
        self.remove(parent, hidden);
        if self.opts.mode == ApplyMode::Overlay {
            rfs::mknodat(
                parent,
                hidden,
                FileType::CharacterDevice,
                Mode::empty(),
                rfs::makedev(0, 0),
            )
            .map_err(|e| errno(path, "creating a whiteout", e))?;
        }
        Ok(())
    }

    /// Sets directory modes and times last, deepest first, so a 0555
    /// directory could still receive its children.
    fn finish_dirs(&mut self) -> Result<()> {
        self.dir_modes
            .sort_by_key(|(p, _, _)| std::cmp::Reverse(p.len()));
        for (parts, mode, mtime) in std::mem::take(&mut self.dir_modes) {
            let path = PathBuf::from(parts.join("/"));
            let (name, parent_parts) = parts.split_last().expect("non-empty");
            let parent = self.dir(&path, parent_parts)?;
            // A later entry may have replaced the directory with a symlink:
            // open without following, and change only what was opened.
            let fd = match rfs::openat(
                &parent,
                name.as_str(),
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            ) {
                Ok(fd) => fd,
                Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => continue,
                Err(rustix::io::Errno::NOENT) => continue,
                Err(e) => return Err(errno(&path, "opening a directory", e)),
            };
            rfs::fchmod(&fd, Mode::from_raw_mode(mode)).map_err(|e| errno(&path, "chmod", e))?;
            let _ = rfs::futimens(&fd, &times(mtime));
        }
        Ok(())
    }
}

/// Sets an entry's access and modification times (best effort, as tar does).
fn set_mtime(parent: BorrowedFd<'_>, name: &str, secs: i64) {
    let _ = rfs::utimensat(parent, name, &times(secs), AtFlags::SYMLINK_NOFOLLOW);
}

fn times(secs: i64) -> rfs::Timestamps {
    let t = rfs::Timespec {
        tv_sec: secs,
        tv_nsec: 0,
    };
    rfs::Timestamps {
        last_access: t,
        last_modification: t,
    }
}

fn dir_names(dir: BorrowedFd<'_>) -> Vec<String> {
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
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .collect()
}

/// Removes everything inside `dir`, never following symlinks.
fn remove_children(dir: BorrowedFd<'_>) {
    for name in dir_names(dir) {
        if rfs::unlinkat(dir, name.as_str(), AtFlags::empty()).is_ok() {
            continue;
        }
        if let Ok(sub) = rfs::openat(
            dir,
            name.as_str(),
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            let _ = rfs::fchmod(&sub, Mode::from_raw_mode(0o700));
            remove_children(sub.as_fd());
            let _ = rfs::unlinkat(dir, name.as_str(), AtFlags::REMOVEDIR);
        }
    }
}

/// Applies the plain tar stream `tar` onto `dest` (which must exist).
pub fn apply(tar: impl Read, dest: &Path, opts: ApplyOptions) -> Result<()> {
    let root = rfs::open(
        dest,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| Error::io(dest, e.into()))?;
    let mut t = Target {
        root,
        opts,
        dir_modes: Vec::new(),
        written: HashSet::new(),
    };
    let mut archive = tar::Archive::new(tar);
    for entry in archive
        .entries()
        .map_err(|e| Error::Invalid(format!("reading layer: {e}")))?
    {
        let mut entry = entry.map_err(|e| Error::Invalid(format!("reading layer: {e}")))?;
        t.apply_entry(&mut entry)?;
    }
    t.finish_dirs()
}
