//! The file trees a build reads: the build context (a directory, minus
//! what `.dockerignore` drops) and an image's or stage's filesystem, seen
//! through its layer snapshots as overlayfs would merge them (whiteouts
//! hide, opaque directories cut off the layers below). Both answer the
//! same questions — what is at this path, what is in this directory, open
//! this file — and every lookup resolves inside the tree's root.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{FileType, OFlags};

use crate::fs::in_root::{kind, names, statx_at};
use crate::fs::Root;

/// What a path is, as a layer tar would describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    /// Permission bits (with setuid, setgid, sticky).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub mtime: i64,
    /// Where and when the file last changed (zero for made-up nodes).
    pub stamp: Stamp,
}

/// A file's identity and change times, as stat reports them: what the
/// context hash cache (`hashes.rs`) keys a content digest on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Stamp {
    pub dev: u64,
    pub ino: u64,
    /// Nanoseconds since the epoch.
    pub mtime_ns: i128,
    pub ctime_ns: i128,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink(PathBuf),
    /// Devices, fifos, sockets: never copied.
    Other,
}

/// A tree of files a step can read.
pub trait Tree {
    /// The node at `rel` (not following a final symlink).
    fn stat(&self, rel: &Path) -> Option<Node>;
    /// The names in directory `rel`, sorted, without hidden ones.
    fn list(&self, rel: &Path) -> io::Result<Vec<OsString>>;
    /// Opens regular file `rel` for reading.
    fn open(&self, rel: &Path) -> io::Result<std::fs::File>;
}

/// `rel` as plain components (no root, `.` or `..` left).
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

fn node_of(st: &rustix::fs::Statx, target: impl FnOnce() -> io::Result<PathBuf>) -> Node {
    let k = match kind(st) {
        FileType::RegularFile => Kind::File,
        FileType::Directory => Kind::Dir,
        FileType::Symlink => Kind::Symlink(target().unwrap_or_default()),
        _ => Kind::Other,
    };
    Node {
        kind: k,
        mode: u32::from(st.stx_mode) & 0o7777,
        uid: st.stx_uid,
        gid: st.stx_gid,
        size: st.stx_size,
        mtime: st.stx_mtime.tv_sec,
        stamp: Stamp {
            dev: (u64::from(st.stx_dev_major) << 32) | u64::from(st.stx_dev_minor),
            ino: st.stx_ino,
            mtime_ns: i128::from(st.stx_mtime.tv_sec) * 1_000_000_000
                + i128::from(st.stx_mtime.tv_nsec),
            ctime_ns: i128::from(st.stx_ctime.tv_sec) * 1_000_000_000
                + i128::from(st.stx_ctime.tv_nsec),
        },
    }
}

fn readlink(root: &Root, rel: &Path) -> io::Result<PathBuf> {
    let (parent, name) = root.split(rel)?;
    let t = rustix::fs::readlinkat(&parent, name.as_os_str(), Vec::new())?;
    Ok(PathBuf::from(OsStr::from_bytes(t.as_bytes())))
}

fn stat_in(root: &Root, rel: &Path) -> Option<Node> {
    let rel = clean(rel);
    let st = if rel.as_os_str().is_empty() {
        statx_at(root.fd(), OsStr::new(""), false).ok()?
    } else {
        let (parent, name) = root.split(&rel).ok()?;
        statx_at(parent.as_fd_ref(), &name, false).ok()?
    };
    Some(node_of(&st, || readlink(root, &rel)))
}

/// `OwnedFd` as a borrowed descriptor (a tiny helper for `stat_in`).
trait AsFdRef {
    fn as_fd_ref(&self) -> std::os::fd::BorrowedFd<'_>;
}

impl AsFdRef for std::os::fd::OwnedFd {
    fn as_fd_ref(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(self)
    }
}

fn list_in(root: &Root, rel: &Path) -> io::Result<Vec<OsString>> {
    let fd = root.open_at(rel, OFlags::RDONLY | OFlags::DIRECTORY, 0)?;
    names(std::os::fd::AsFd::as_fd(&fd))
}

fn open_in(root: &Root, rel: &Path) -> io::Result<std::fs::File> {
    let fd = root.open_at(rel, OFlags::RDONLY | OFlags::NOFOLLOW, 0)?;
    Ok(std::fs::File::from(fd))
}

/// A plain directory tree (the build context, or a context tar
/// unpacked), with the paths `.dockerignore` drops left out.
pub struct DirTree {
    pub root: Root,
    pub ignore: super::ignore::Ignore,
}

impl DirTree {
    pub fn excluded(&self, rel: &Path) -> bool {
        let rel = clean(rel);
        !rel.as_os_str().is_empty() && self.ignore.excluded(&rel.to_string_lossy())
    }

    /// Whether `rel` is in the context: kept, or an excluded directory
    /// that a `!` exception brings something back from.
    fn visible(&self, rel: &Path) -> bool {
        if !self.excluded(rel) {
            return true;
        }
        if !self.ignore.has_exceptions() {
            return false;
        }
        match stat_in(&self.root, rel) {
            Some(n) if n.kind == Kind::Dir => list_in(&self.root, rel)
                .unwrap_or_default()
                .iter()
                .any(|c| self.visible(&rel.join(c))),
            _ => false,
        }
    }
}

impl Tree for DirTree {
    fn stat(&self, rel: &Path) -> Option<Node> {
        if !self.visible(rel) {
            return None;
        }
        stat_in(&self.root, rel)
    }
    fn list(&self, rel: &Path) -> io::Result<Vec<OsString>> {
        let mut v = list_in(&self.root, rel)?;
        v.retain(|n| self.visible(&rel.join(n)));
        Ok(v)
    }
    fn open(&self, rel: &Path) -> io::Result<std::fs::File> {
        open_in(&self.root, rel)
    }
}

/// An image's filesystem through its snapshot directories, topmost first.
pub struct Merged {
    layers: Vec<Root>,
    /// `trusted.overlay.opaque` or `user.overlay.opaque`.
    opaque_attr: String,
}

impl Merged {
    pub fn new(lowers: &[PathBuf]) -> io::Result<Merged> {
        Ok(Merged {
            layers: lowers
                .iter()
                .map(|p| Root::open(p))
                .collect::<io::Result<_>>()?,
            opaque_attr: format!(
                "{}overlay.opaque",
                crate::layer::UpperOptions::for_current_user().overlay_prefix
            ),
        })
    }

    fn is_opaque(&self, layer: &Root, rel: &Path) -> bool {
        let Ok(fd) = layer.open_path(rel, false) else {
            return false;
        };
        let path = crate::fs::in_root::proc_fd_path(std::os::fd::AsFd::as_fd(&fd));
        let mut v = [0u8; 4];
        matches!(rustix::fs::getxattr(&path, self.opaque_attr.as_str(), &mut v), Ok(1) if v[0] == b'y')
    }

    fn is_whiteout(n: &Node, st_rdev_zero: bool) -> bool {
        n.kind == Kind::Other && st_rdev_zero
    }

    fn raw(layer: &Root, rel: &Path) -> Option<(Node, bool)> {
        let (parent, name) = layer.split(rel).ok()?;
        let st = statx_at(parent.as_fd_ref(), &name, false).ok()?;
        let whiteout = kind(&st) == FileType::CharacterDevice
            && st.stx_rdev_major == 0
            && st.stx_rdev_minor == 0;
        Some((node_of(&st, || readlink(layer, rel)), whiteout))
    }

    /// The layer holding `rel` (already free of symlinks) and its node.
    fn find(&self, rel: &Path) -> Option<(usize, Node)> {
        let rel = clean(rel);
        let comps: Vec<&OsStr> = rel.iter().collect();
        if comps.is_empty() {
            let l = self.layers.first()?;
            return stat_in(l, Path::new("")).map(|n| (0, n));
        }
        for (i, layer) in self.layers.iter().enumerate() {
            let mut prefix = PathBuf::new();
            let mut opaque = false;
            for (j, c) in comps.iter().enumerate() {
                prefix.push(c);
                match Self::raw(layer, &prefix) {
                    None => break,
                    Some((n, wh)) if Self::is_whiteout(&n, wh) => return None,
                    Some((n, _)) if j + 1 == comps.len() => return Some((i, n)),
                    Some((n, _)) if n.kind != Kind::Dir => return None,
                    Some(_) => opaque |= self.is_opaque(layer, &prefix),
                }
            }
            if opaque {
                return None;
            }
        }
        None
    }

    /// `rel` with every symlink on the way resolved inside the tree
    /// (the final one too when `follow`); lexical past a missing part.
    pub fn resolve(&self, rel: &Path, follow: bool) -> PathBuf {
        let mut todo: Vec<OsString> = clean(rel).iter().rev().map(|c| c.to_os_string()).collect();
        let mut out = PathBuf::new();
        let mut hops = 0;
        while let Some(c) = todo.pop() {
            if c == ".." {
                out.pop();
                continue;
            }
            let candidate = out.join(&c);
            let last = todo.is_empty();
            match self.stat(&candidate) {
                Some(Node {
                    kind: Kind::Symlink(target),
                    ..
                }) if (follow || !last) && hops < 40 => {
                    hops += 1;
                    if target.is_absolute() {
                        out = PathBuf::new();
                    }
                    for t in target.iter().rev() {
                        if t != "/" && t != "." {
                            todo.push(t.to_os_string());
                        }
                    }
                }
                _ => out = candidate,
            }
        }
        out
    }

    /// A small regular file (`/etc/passwd`), following symlinks.
    pub fn read_small(&self, rel: &Path, cap: u64) -> Option<Vec<u8>> {
        use std::io::Read;
        let rel = self.resolve(rel, true);
        let n = self.stat(&rel)?;
        if n.kind != Kind::File {
            return None;
        }
        let mut out = Vec::new();
        self.open(&rel).ok()?.take(cap).read_to_end(&mut out).ok()?;
        Some(out)
    }
}

impl Tree for Merged {
    fn stat(&self, rel: &Path) -> Option<Node> {
        self.find(rel).map(|(_, n)| n)
    }

    fn list(&self, rel: &Path) -> io::Result<Vec<OsString>> {
        let rel = clean(rel);
        let mut seen: std::collections::BTreeMap<OsString, bool> = Default::default();
        for layer in &self.layers {
            match stat_in(layer, &rel) {
                Some(n) if n.kind == Kind::Dir => {}
                Some(_) => break,
                None => continue,
            }
            for name in list_in(layer, &rel)? {
                if seen.contains_key(&name) {
                    continue;
                }
                let hidden = Self::raw(layer, &rel.join(&name))
                    .is_some_and(|(n, wh)| Self::is_whiteout(&n, wh));
                seen.insert(name, hidden);
            }
            let mut prefix = PathBuf::new();
            let mut opaque = self.is_opaque(layer, &prefix);
            for c in rel.iter() {
                prefix.push(c);
                opaque |= self.is_opaque(layer, &prefix);
            }
            if opaque {
                break;
            }
        }
        Ok(seen
            .into_iter()
            .filter(|(_, hidden)| !hidden)
            .map(|(n, _)| n)
            .collect())
    }

    fn open(&self, rel: &Path) -> io::Result<std::fs::File> {
        match self.find(rel) {
            Some((i, n)) if n.kind == Kind::File => open_in(&self.layers[i], &clean(rel)),
            _ => Err(io::Error::from(io::ErrorKind::NotFound)),
        }
    }
}

/// The empty tree: `scratch`, or no context at all.
pub struct Empty;

impl Tree for Empty {
    fn stat(&self, rel: &Path) -> Option<Node> {
        clean(rel).as_os_str().is_empty().then_some(Node {
            kind: Kind::Dir,
            mode: 0o755,
            uid: 0,
            gid: 0,
            size: 0,
            mtime: 0,
            stamp: Stamp::default(),
        })
    }
    fn list(&self, _rel: &Path) -> io::Result<Vec<OsString>> {
        Ok(Vec::new())
    }
    fn open(&self, _rel: &Path) -> io::Result<std::fs::File> {
        Err(io::Error::from(io::ErrorKind::NotFound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two snapshot layers: the top one deletes `a/y` (a 0:0 device),
    /// makes `d` opaque and adds a symlink.
    #[test]
    fn merged_view_follows_overlay_rules() {
        if !rustix::process::geteuid().is_root() {
            eprintln!("SKIPPED: whiteout devices need root");
            return;
        }
        let t = tempfile::tempdir().unwrap();
        let (top, low) = (t.path().join("top"), t.path().join("low"));
        for d in ["a", "d"] {
            std::fs::create_dir_all(low.join(d)).unwrap();
            std::fs::create_dir_all(top.join(d)).unwrap();
        }
        for f in ["a/x", "a/y", "d/old", "f"] {
            std::fs::write(low.join(f), f).unwrap();
        }
        std::fs::write(top.join("d/new"), "new").unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            top.join("a/y").as_path(),
            FileType::CharacterDevice,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        rustix::fs::setxattr(
            top.join("d").as_path(),
            "trusted.overlay.opaque",
            b"y",
            rustix::fs::XattrFlags::empty(),
        )
        .unwrap();
        std::os::unix::fs::symlink("/a", top.join("link")).unwrap();
        let m = Merged::new(&[top, low]).unwrap();
        assert_eq!(m.list(Path::new("a")).unwrap(), ["x"]);
        assert_eq!(m.list(Path::new("d")).unwrap(), ["new"]);
        assert!(m.stat(Path::new("a/y")).is_none());
        assert!(m.stat(Path::new("d/old")).is_none());
        assert_eq!(m.stat(Path::new("f")).unwrap().kind, Kind::File);
        assert_eq!(m.resolve(Path::new("link/x"), true), Path::new("a/x"));
        assert_eq!(m.read_small(Path::new("/link/x"), 10).unwrap(), b"a/x");
        assert_eq!(m.list(Path::new("")).unwrap(), ["a", "d", "f", "link"]);
    }
}
