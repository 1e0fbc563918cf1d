//! Applying a tar layer to a directory, safely.
//!
//! Every entry's parent directory is resolved with
//! `openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)` against a descriptor of
//! the target directory, and the entry itself is created with `*at` calls
//! relative to that parent, never following a final symlink; metadata is
//! set through the descriptor of what was created. Absolute names,
//! symlinked parents and symlinks pointing out therefore all resolve inside
//! the target; names with `..` components are refused outright, as are
//! hardlinks whose source would be outside (it cannot be named).
//!
//! Two modes: `Overlay` writes the layer's diff as an overlayfs lower layer
//! (OCI whiteouts become 0:0 character devices, opaque markers the
//! `<prefix>overlay.opaque` xattr); `Flatten` applies whiteouts by deleting,
//! to build a plain root filesystem from several layers.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, ResolveFlags};

use super::fsops::{dir_names, remove_at, set_mtime, set_xattr_unopened, times};
use super::notice::warn_once;
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
    /// Device nodes can be made (real root only).
    pub devices: bool,
    /// Owners the kernel refuses are fatal (real root), rather than warned
    /// about once (user namespaces: ids the map lacks).
    pub strict: bool,
}

impl ApplyOptions {
    /// The right defaults for this process: real root keeps everything;
    /// root of a user namespace (the rootless helper) keeps the owners its
    /// map can express; a rootless user keeps none (files become theirs).
    pub fn for_current_user(mode: ApplyMode) -> ApplyOptions {
        let euid_root = !crate::paths::is_rootless();
        let host_root = euid_root && !crate::userns::in_user_namespace();
        ApplyOptions {
            mode,
            owners: euid_root,
            xattr_prefix: if host_root { "trusted." } else { "user." },
            devices: host_root,
            strict: host_root,
        }
    }
}

fn bad(entry: &Path, why: impl std::fmt::Display) -> Error {
    Error::Invalid(format!(
        "layer entry {}: {why}",
        crate::untrusted::quote(&entry.to_string_lossy())
    ))
}

fn errno(entry: &Path, what: &str, e: rustix::io::Errno) -> Error {
    bad(entry, format!("{what}: {}", io::Error::from(e)))
}

/// The entry's path as plain components, refusing `..`.
fn clean(path: &Path) -> Result<Vec<OsString>> {
    let mut out = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => out.push(s.to_os_string()),
            Component::RootDir | Component::CurDir => {}
            Component::ParentDir => return Err(bad(path, "refusing a name with `..`")),
            Component::Prefix(_) => return Err(bad(path, "bad name")),
        }
    }
    Ok(out)
}

/// The path of `parts` relative to the root (`.` for the root itself).
fn relative(parts: &[OsString]) -> PathBuf {
    if parts.is_empty() {
        PathBuf::from(".")
    } else {
        parts.iter().collect()
    }
}

/// What an entry's PAX records say beyond the header.
#[derive(Default)]
struct Pax {
    uid: Option<u32>,
    gid: Option<u32>,
    xattrs: Vec<(String, Vec<u8>)>,
}

impl Pax {
    fn read<R: Read>(entry: &mut tar::Entry<'_, R>) -> Pax {
        let mut pax = Pax::default();
        let Ok(Some(exts)) = entry.pax_extensions() else {
            return pax;
        };
        for ext in exts.flatten() {
            let Ok(key) = ext.key() else { continue };
            let num = || ext.value().ok().and_then(|v| v.trim().parse::<u32>().ok());
            match key {
                "uid" => pax.uid = num(),
                "gid" => pax.gid = num(),
                _ => {
                    if let Some(attr) = key.strip_prefix("SCHILY.xattr.") {
                        // Overlay's own attributes are never taken from a
                        // layer: they would steer the mount (redirects,
                        // metacopy), not describe a file.
                        if !attr.starts_with("trusted.overlay.")
                            && !attr.starts_with("user.overlay.")
                        {
                            pax.xattrs
                                .push((attr.to_string(), ext.value_bytes().to_vec()));
                        }
                    }
                }
            }
        }
        pax
    }
}

struct Target {
    root: OwnedFd,
    opts: ApplyOptions,
    /// Directories whose final mode is set after their children are written.
    dir_modes: Vec<(Vec<OsString>, u32, i64)>,
    /// What this layer wrote (for opaque directories in flatten mode).
    written: HashSet<Vec<OsString>>,
}

impl Target {
    fn open_in_root(&self, rel: &Path) -> rustix::io::Result<OwnedFd> {
        loop {
            match rfs::openat2(
                &self.root,
                rel,
                OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
                ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
            ) {
                // The kernel asks for a retry when a rename raced the walk.
                Err(rustix::io::Errno::AGAIN) => continue,
                r => return r,
            }
        }
    }

    /// Opens (creating as needed) the directory `parts` inside the root.
    fn dir(&self, entry: &Path, parts: &[OsString]) -> Result<OwnedFd> {
        // Usually the directory exists: one walk. Else go component by
        // component, creating what is missing.
        if !parts.is_empty() {
            if let Ok(fd) = self.open_in_root(&relative(parts)) {
                return Ok(fd);
            }
        }
        let mut cur = self
            .open_in_root(Path::new("."))
            .map_err(|e| errno(entry, "opening the root", e))?;
        for (i, _) in parts.iter().enumerate() {
            let rel = relative(&parts[..=i]);
            cur = match self.open_in_root(&rel) {
                Ok(fd) => fd,
                Err(rustix::io::Errno::NOENT) => {
                    rfs::mkdirat(&cur, parts[i].as_os_str(), Mode::from_raw_mode(0o755))
                        .or_else(|e| {
                            if e == rustix::io::Errno::EXIST {
                                Ok(())
                            } else {
                                Err(e)
                            }
                        })
                        .map_err(|e| errno(entry, "creating a parent directory", e))?;
                    self.open_in_root(&rel)
                        .map_err(|e| errno(entry, "opening a parent directory", e))?
                }
                Err(e) => return Err(errno(entry, "resolving a parent directory", e)),
            };
        }
        Ok(cur)
    }

    /// The directory `parts` inside the root if it exists (never creating).
    fn existing_dir(&self, entry: &Path, parts: &[OsString]) -> Result<Option<OwnedFd>> {
        let rel = relative(parts);
        match self.open_in_root(&rel) {
            Ok(fd) => Ok(Some(fd)),
            Err(rustix::io::Errno::NOENT | rustix::io::Errno::NOTDIR) => Ok(None),
            Err(e) => Err(errno(entry, "resolving a parent directory", e)),
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
        if let Some(hidden) = name.as_bytes().strip_prefix(b".wh.") {
            return self.whiteout(&path, parent_parts, OsStr::from_bytes(hidden));
        }
        let parent = self.dir(&path, parent_parts)?;
        let h = entry.header().clone();
        let pax = Pax::read(entry);
        let mode = h.mode().unwrap_or(0o644) & 0o7777;
        let mtime = h.mtime().unwrap_or(0) as i64;
        let kind = h.entry_type();
        // Replace whatever stands there, except a directory by a directory.
        let existing = rfs::statat(&parent, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW).ok();
        let existing_dir = existing
            .as_ref()
            .is_some_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Directory);
        if existing.is_some() && !(kind.is_dir() && existing_dir) {
            remove_at(parent.as_fd(), name);
        }
        let owner = (
            pax.uid.unwrap_or(h.uid().unwrap_or(0) as u32),
            pax.gid.unwrap_or(h.gid().unwrap_or(0) as u32),
        );
        let meta = Meta {
            path: &path,
            owner,
            xattrs: &pax.xattrs,
        };
        match kind {
            tar::EntryType::Directory => {
                if !existing_dir {
                    rfs::mkdirat(&parent, name.as_os_str(), Mode::from_raw_mode(0o700))
                        .map_err(|e| errno(&path, "mkdir", e))?;
                }
                let fd = rfs::openat(
                    &parent,
                    name.as_os_str(),
                    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .map_err(|e| errno(&path, "opening a directory", e))?;
                self.chown_fd(&meta, fd.as_fd())?;
                self.xattrs_fd(&meta, fd.as_fd())?;
                // Mode and times last: a 0555 directory must still take its
                // children, and children change its mtime.
                self.dir_modes.push((parts.clone(), mode, mtime));
            }
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                let fd = rfs::openat(
                    &parent,
                    name.as_os_str(),
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
                // Owner, then xattrs (chown drops security.capability), then
                // mode (chown drops set-id bits), then times.
                self.chown_fd(&meta, f.as_fd())?;
                self.xattrs_fd(&meta, f.as_fd())?;
                rfs::fchmod(&f, Mode::from_raw_mode(mode)).map_err(|e| errno(&path, "chmod", e))?;
                let _ = rfs::futimens(&f, &times(mtime));
            }
            tar::EntryType::Symlink => {
                let target = entry
                    .link_name()
                    .map_err(|e| bad(&path, e))?
                    .ok_or_else(|| bad(&path, "symlink without a target"))?;
                rfs::symlinkat(target.as_ref(), &parent, name.as_os_str())
                    .map_err(|e| errno(&path, "symlink", e))?;
                self.chown_at(&meta, parent.as_fd(), name)?;
                set_mtime(parent.as_fd(), name, mtime);
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
                let tdir = self
                    .existing_dir(&path, tparent)?
                    .ok_or_else(|| bad(&path, "hardlink target does not exist"))?;
                rfs::linkat(
                    &tdir,
                    tname.as_os_str(),
                    &parent,
                    name.as_os_str(),
                    AtFlags::empty(),
                )
                .map_err(|e| errno(&path, "hardlink", e))?;
                // A hardlink shares its target's metadata.
            }
            tar::EntryType::Char | tar::EntryType::Block | tar::EntryType::Fifo => {
                let ft = match kind {
                    tar::EntryType::Char => FileType::CharacterDevice,
                    tar::EntryType::Block => FileType::BlockDevice,
                    _ => FileType::Fifo,
                };
                if ft != FileType::Fifo && !self.opts.devices {
                    // Only real root may make device nodes; podman skips
                    // them too (a container gets its /dev from the runtime).
                    warn_once("devices", || {
                        format!(
                            "device nodes in the image (such as /{}) are skipped without root",
                            path.display()
                        )
                    });
                    return Ok(());
                }
                let dev = rfs::makedev(
                    h.device_major().ok().flatten().unwrap_or(0),
                    h.device_minor().ok().flatten().unwrap_or(0),
                );
                rfs::mknodat(
                    &parent,
                    name.as_os_str(),
                    ft,
                    Mode::from_raw_mode(0o600),
                    dev,
                )
                .map_err(|e| errno(&path, "mknod", e))?;
                self.chown_at(&meta, parent.as_fd(), name)?;
                for (attr, value) in meta.xattrs {
                    if let Err(e) = set_xattr_unopened(parent.as_fd(), name, attr, value) {
                        self.xattr_failed(&meta, attr, e)?;
                    }
                }
                // Just made by mknodat, so not a symlink: chmodat is exact.
                rfs::chmodat(
                    &parent,
                    name.as_os_str(),
                    Mode::from_raw_mode(mode),
                    AtFlags::empty(),
                )
                .map_err(|e| errno(&path, "chmod", e))?;
                set_mtime(parent.as_fd(), name, mtime);
            }
            // PAX and GNU long-name headers are folded in by the tar crate;
            // anything else (sockets...) is skipped.
            _ => return Ok(()),
        }
        // The entry and the directories leading to it are this layer's.
        for n in 1..=parts.len() {
            self.written.insert(parts[..n].to_vec());
        }
        Ok(())
    }

    /// Gives a created node its owner: exact as real root; inside a user
    /// namespace ids the map lacks stay root's; rootless, nothing changes
    /// and a file of another owner is warned about once.
    fn chown_with(
        &self,
        meta: &Meta<'_>,
        chown: impl FnOnce(rfs::Uid, rfs::Gid) -> rustix::io::Result<()>,
    ) -> Result<()> {
        let (uid, gid) = meta.owner;
        if !self.opts.owners {
            if (uid, gid) != (0, 0) {
                warn_once("owners", || {
                    let user = crate::userns::user_name(rustix::process::geteuid().as_raw())
                        .unwrap_or_else(|| "your user".into());
                    format!(
                        "files of other owners (/{} has {uid}:{gid}) become yours: \
                         give {user} subordinate ids in /etc/subuid and /etc/subgid \
                         (and install newuidmap) to keep them",
                        meta.path.display()
                    )
                });
            }
            return Ok(());
        }
        match chown(rfs::Uid::from_raw(uid), rfs::Gid::from_raw(gid)) {
            Ok(()) => Ok(()),
            Err(e) if !self.opts.strict => {
                warn_once("unmapped", || {
                    format!(
                        "/{} is owned by {uid}:{gid}, outside this user's subordinate ids \
                         (/etc/subuid, /etc/subgid); such files stay root's ({})",
                        meta.path.display(),
                        io::Error::from(e)
                    )
                });
                Ok(())
            }
            Err(e) => Err(errno(meta.path, "chown", e)),
        }
    }

    fn chown_fd(&self, meta: &Meta<'_>, fd: BorrowedFd<'_>) -> Result<()> {
        self.chown_with(meta, |u, g| rfs::fchown(fd, Some(u), Some(g)))
    }

    fn chown_at(&self, meta: &Meta<'_>, parent: BorrowedFd<'_>, name: &OsStr) -> Result<()> {
        self.chown_with(meta, |u, g| {
            rfs::chownat(parent, name, Some(u), Some(g), AtFlags::SYMLINK_NOFOLLOW)
        })
    }

    /// PAX `SCHILY.xattr.*` records, set through the node's descriptor.
    fn xattrs_fd(&self, meta: &Meta<'_>, fd: BorrowedFd<'_>) -> Result<()> {
        for (attr, value) in meta.xattrs {
            if let Err(e) = rfs::fsetxattr(fd, attr.as_str(), value, rfs::XattrFlags::empty()) {
                self.xattr_failed(meta, attr, e)?;
            }
        }
        Ok(())
    }

    /// An xattr the kernel or file system refuses (`trusted.*` in a user
    /// namespace, `user.*` on a device node, no xattr support) is warned
    /// about, not fatal, as containerd does.
    fn xattr_failed(&self, meta: &Meta<'_>, attr: &str, e: rustix::io::Errno) -> Result<()> {
        warn_once("xattrs", || {
            format!(
                "extended attribute {attr} of /{} is not kept: {}",
                meta.path.display(),
                io::Error::from(e)
            )
        });
        Ok(())
    }

    fn whiteout(&mut self, path: &Path, parent_parts: &[OsString], hidden: &OsStr) -> Result<()> {
        if hidden == ".wh..opq" {
            return self.opaque(path, parent_parts);
        }
        if hidden.is_empty() || hidden == "." || hidden == ".." || hidden.as_bytes().contains(&b'/')
        {
            return Err(bad(path, "bad whiteout"));
        }
        match self.opts.mode {
            ApplyMode::Overlay => {
                let parent = self.dir(path, parent_parts)?;
                remove_at(parent.as_fd(), hidden);
                rfs::mknodat(
                    &parent,
                    hidden,
                    FileType::CharacterDevice,
                    Mode::empty(),
                    rfs::makedev(0, 0),
                )
                .map_err(|e| errno(path, "creating a whiteout", e))?;
            }
            ApplyMode::Flatten => {
                // Nothing to delete where the directory does not exist.
                if let Some(parent) = self.existing_dir(path, parent_parts)? {
                    remove_at(parent.as_fd(), hidden);
                }
            }
        }
        Ok(())
    }

    fn opaque(&mut self, path: &Path, parent_parts: &[OsString]) -> Result<()> {
        let open = |parent: OwnedFd| {
            rfs::openat(
                &parent,
                ".",
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| errno(path, "opening an opaque directory", e))
        };
        match self.opts.mode {
            ApplyMode::Overlay => {
                let fd = open(self.dir(path, parent_parts)?)?;
                let attr = format!("{}overlay.opaque", self.opts.xattr_prefix);
                rfs::fsetxattr(&fd, attr.as_str(), b"y", rfs::XattrFlags::empty())
                    .map_err(|e| errno(path, "marking a directory opaque", e))?;
            }
            ApplyMode::Flatten => {
                let Some(parent) = self.existing_dir(path, parent_parts)? else {
                    return Ok(());
                };
                let fd = open(parent)?;
                // Everything earlier layers put here goes; this layer's stays.
                for name in dir_names(fd.as_fd()) {
                    let mut p = parent_parts.to_vec();
                    p.push(name.clone());
                    if !self.written.contains(&p) {
                        remove_at(fd.as_fd(), &name);
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets directory modes and times last, deepest first, so a 0555
    /// directory could still receive its children.
    fn finish_dirs(&mut self) -> Result<()> {
        self.dir_modes
            .sort_by_key(|(p, _, _)| std::cmp::Reverse(p.len()));
        for (parts, mode, mtime) in std::mem::take(&mut self.dir_modes) {
            let path = relative(&parts);
            let (name, parent_parts) = parts.split_last().expect("non-empty");
            let Some(parent) = self.existing_dir(&path, parent_parts)? else {
                continue;
            };
            // A later entry may have replaced the directory with a symlink:
            // open without following, and change only what was opened.
            let fd = match rfs::openat(
                &parent,
                name.as_os_str(),
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

/// The metadata an entry asks for.
struct Meta<'a> {
    path: &'a Path,
    owner: (u32, u32),
    xattrs: &'a [(String, Vec<u8>)],
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
    let mut archive = tar::Archive::new(super::tarbound::TarBound::new(tar));
    for entry in archive
        .entries()
        .map_err(|e| Error::Invalid(format!("reading layer: {e}")))?
    {
        let mut entry = entry.map_err(|e| Error::Invalid(format!("reading layer: {e}")))?;
        t.apply_entry(&mut entry)?;
    }
    t.finish_dirs()
}
