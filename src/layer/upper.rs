//! A layer from an overlay upper directory: what a container (or a build
//! step) changed, written as an OCI layer tar. Whiteouts (0:0 character
//! devices, or zero-size files carrying the `overlay.whiteout` xattr)
//! become `.wh.<name>` entries, directories marked `overlay.opaque=y` get a
//! `.wh..wh..opq` entry, overlay's own xattrs (and SELinux labels) are
//! never written, other xattrs go into PAX `SCHILY.xattr.*` records, hard
//! links stay links.
//!
//! The walk is descriptor-based (`fs::in_root::walk`): it never follows a
//! symlink nor enters another mount, and names are sorted, so the same
//! tree always gives the same tar (and diff ID). The tar is hashed as it is
//! written and gzip-compressed straight into a store blob.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, FileType, OFlags};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, IoContext, Result};
use crate::fs::in_root::{kind, open_child_file, proc_fd_path, walk, Entry};
use crate::store::{Digest, Store};

/// A layer blob in the store, with what a manifest and config need.
#[derive(Debug, Clone)]
pub struct LayerBlob {
    pub digest: Digest,
    pub size: u64,
    /// sha256 of the uncompressed tar.
    pub diff_id: Digest,
    pub media_type: String,
}

/// The mount points the runtime makes in every container's rootfs when the
/// image lacks them. Docker keeps them in a layer of its own that commit
/// leaves out; here they land in the upper dir, and are left out when they
/// are what the runtime made (an empty file, a directory with nothing in
/// the upper dir).
pub const RUNTIME_MOUNT_POINTS: &[&str] = &[
    "proc",
    "sys",
    "dev",
    "etc/hosts",
    "etc/hostname",
    "etc/resolv.conf",
];

/// How to read an upper directory.
#[derive(Debug, Clone, Copy)]
pub struct UpperOptions {
    /// The xattr namespace the overlay was mounted with: `trusted.`, or
    /// `user.` for `userxattr` (rootless) mounts.
    pub overlay_prefix: &'static str,
    /// Leave out the runtime's own mount points ([`RUNTIME_MOUNT_POINTS`]).
    pub skip_mount_points: bool,
}

impl UpperOptions {
    /// For the overlays this process mounts: `user.` rootless, else
    /// `trusted.` (see `runtime::rootfs`).
    pub fn for_current_user() -> UpperOptions {
        UpperOptions {
            overlay_prefix: if crate::paths::is_rootless() {
                "user."
            } else {
                "trusted."
            },
            skip_mount_points: true,
        }
    }
}

/// gzip level of written layers: the fastest. A layer is written on every
/// commit and build step and read back rarely; level 6 costs about three
/// times as long for ~10% less.
const GZIP_LEVEL: u32 = 1;

/// Hashes (the diff ID) what passes through to `inner`.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A gzip layer blob being written: the tar goes through [`Write`], is
/// hashed (the diff ID) and compressed straight into the store.
pub struct LayerWriter {
    inner: HashingWriter<io::BufWriter<flate2::write::GzEncoder<crate::store::BlobWriter>>>,
}

impl LayerWriter {
    pub fn new(store: &Store) -> Result<LayerWriter> {
        let blob = store.blob_writer()?;
        let gz = flate2::write::GzEncoder::new(blob, flate2::Compression::new(GZIP_LEVEL));
        Ok(LayerWriter {
            inner: HashingWriter {
                inner: io::BufWriter::with_capacity(256 * 1024, gz),
                hasher: Sha256::new(),
            },
        })
    }

    /// Commits the blob; `what` names the source in errors.
    pub fn finish(self, what: &Path) -> Result<LayerBlob> {
        let diff_id = format!("sha256:{}", hex::encode(self.inner.hasher.finalize()));
        let gz = self
            .inner
            .inner
            .into_inner()
            .map_err(|e| e.into_error())
            .at(what)?;
        let blob = gz.finish().at(what)?;
        let (digest, size) = blob.commit(None)?;
        Ok(LayerBlob {
            digest,
            size,
            diff_id: diff_id
                .parse()
                .map_err(|_| Error::Invalid(format!("bad diff ID {diff_id}")))?,
            media_type: crate::layer::Compression::Gzip
                .oci_layer_media_type()
                .to_string(),
        })
    }
}

impl Write for LayerWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the upper directory `upper` as a gzip layer blob into the store
/// and returns it. The caller holds the store lock (shared) until the blob
/// is referenced.
pub fn store_upper(store: &Store, upper: &Path, opts: UpperOptions) -> Result<LayerBlob> {
    let root = crate::fs::Root::open(upper).at(upper)?;
    let w = write_tar(root.fd(), opts, LayerWriter::new(store)?).at(upper)?;
    w.finish(upper)
}

/// Writes the tar of the upper directory `dir` to `out` and returns `out`.
pub fn write_tar<W: Write>(
    dir: std::os::fd::BorrowedFd<'_>,
    opts: UpperOptions,
    out: W,
) -> io::Result<W> {
    let mut t = UpperTar {
        b: tar::Builder::new(out),
        opts,
        links: HashMap::new(),
    };
    walk(dir, &mut |e| t.entry(e))?;
    t.b.into_inner()
}

struct UpperTar<W: Write> {
    b: tar::Builder<W>,
    opts: UpperOptions,
    /// (device, inode) of regular files with several links -> first path.
    links: HashMap<(u32, u32, u64), PathBuf>,
}

/// A node's xattrs, read through an `O_PATH` descriptor's `/proc/self/fd`
/// link (devices and fifos are never opened; symlinks are not followed).
fn xattrs(e: &Entry<'_>) -> io::Result<Vec<(String, Vec<u8>)>> {
    let fd = rfs::openat(
        e.parent,
        e.name,
        OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        rfs::Mode::empty(),
    )?;
    let path = proc_fd_path(fd.as_fd());
    let mut names = vec![0u8; 1024];
    let n = loop {
        match rfs::listxattr(&path, &mut names) {
            Ok(n) => break n,
            Err(rustix::io::Errno::RANGE) => names.resize(names.len() * 4, 0),
            // No xattr support (or none allowed on this node type).
            Err(rustix::io::Errno::NOTSUP | rustix::io::Errno::PERM) => return Ok(vec![]),
            Err(err) => return Err(err.into()),
        }
    };
    let mut out = Vec::new();
    for name in names[..n].split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        let mut value = vec![0u8; 256];
        let len = loop {
            match rfs::getxattr(&path, name, &mut value) {
                Ok(len) => break Some(len),
                Err(rustix::io::Errno::RANGE) => value.resize(value.len() * 4, 0),
                Err(rustix::io::Errno::NODATA) => break None,
                Err(err) => return Err(err.into()),
            }
        };
        if let Some(len) = len {
            value.truncate(len);
            out.push((name.to_string(), value));
        }
    }
    out.sort();
    Ok(out)
}

/// Xattrs that describe the host, not the file: overlay's own (they would
/// steer an overlay mount) and SELinux labels (host policy).
fn is_host_attr(name: &str) -> bool {
    name.starts_with("trusted.overlay.")
        || name.starts_with("user.overlay.")
        || name == "security.selinux"
}

impl<W: Write> UpperTar<W> {
    fn overlay_attr<'a>(&self, attrs: &'a [(String, Vec<u8>)], what: &str) -> Option<&'a [u8]> {
        let key = format!("{}overlay.{what}", self.opts.overlay_prefix);
        attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_slice())
    }

    fn header(st: &rfs::Statx, kind: tar::EntryType) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_mode(u32::from(st.stx_mode) & 0o7777);
        h.set_uid(st.stx_uid.into());
        h.set_gid(st.stx_gid.into());
        h.set_mtime(st.stx_mtime.tv_sec.max(0) as u64);
        h.set_size(0);
        h
    }

    /// A `.wh.`-prefixed marker next to `rel` (or inside it for opaque).
    fn marker(&mut self, path: &Path, st: &rfs::Statx) -> io::Result<()> {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(st.stx_mtime.tv_sec.max(0) as u64);
        h.set_size(0);
        self.b.append_data(&mut h, path, io::empty())
    }

    fn entry(&mut self, e: &Entry<'_>) -> io::Result<()> {
        if e.other_mount {
            return Ok(());
        }
        let st = e.stat;
        let t = kind(st);
        if self.opts.skip_mount_points && self.stand_in(e, t)? {
            return Ok(());
        }
        if e.name.as_bytes().starts_with(b".wh.") {
            // It would read as a whiteout (or an opaque marker) in the layer.
            return Err(io::Error::other(format!(
                "/{}: a name starting with .wh. cannot be kept in a layer",
                e.rel.display()
            )));
        }
        if t == FileType::CharacterDevice && st.stx_rdev_major == 0 && st.stx_rdev_minor == 0 {
            return self.marker(&whiteout_of(e.rel), st);
        }
        let attrs = xattrs(e)?;
        for bad in ["redirect", "metacopy"] {
            if self.overlay_attr(&attrs, bad).is_some() {
                return Err(io::Error::other(format!(
                    "/{}: the overlay's {bad} feature is in use; its upper directory cannot be written as a layer",
                    e.rel.display()
                )));
            }
        }
        if t == FileType::RegularFile
            && st.stx_size == 0
            && self.overlay_attr(&attrs, "whiteout").is_some()
        {
            return self.marker(&whiteout_of(e.rel), st);
        }
        let kept: Vec<(String, &[u8])> = attrs
            .iter()
            .filter(|(k, _)| !is_host_attr(k))
            .map(|(k, v)| (format!("SCHILY.xattr.{k}"), v.as_slice()))
            .collect();
        self.b
            .append_pax_extensions(kept.iter().map(|(k, v)| (k.as_str(), *v)))?;
        match t {
            FileType::Directory => {
                let mut h = Self::header(st, tar::EntryType::Directory);
                self.b.append_data(&mut h, e.rel, io::empty())?;
                if self.overlay_attr(&attrs, "opaque") == Some(b"y") {
                    self.marker(&e.rel.join(".wh..wh..opq"), st)?;
                }
                Ok(())
            }
            FileType::RegularFile => {
                let id = (st.stx_dev_major, st.stx_dev_minor, st.stx_ino);
                if st.stx_nlink > 1 {
                    if let Some(first) = self.links.get(&id) {
                        let mut h = Self::header(st, tar::EntryType::Link);
                        return self.b.append_link(&mut h, e.rel, first);
                    }
                    self.links.insert(id, e.rel.to_path_buf());
                }
                let f = open_child_file(e.parent, e.name)?;
                let len = f.metadata()?.len();
                let mut h = Self::header(st, tar::EntryType::Regular);
                h.set_size(len);
                // Exactly `len` bytes even if the file changes meanwhile.
                let data = f.take(len).chain(io::repeat(0)).take(len);
                self.b.append_data(&mut h, e.rel, data)
            }
            FileType::Symlink => {
                let target = rfs::readlinkat(e.parent, e.name, Vec::new())?;
                let target = OsStr::from_bytes(target.as_bytes());
                let mut h = Self::header(st, tar::EntryType::Symlink);
                self.b.append_link(&mut h, e.rel, target)
            }
            FileType::CharacterDevice | FileType::BlockDevice | FileType::Fifo => {
                let k = match t {
                    FileType::CharacterDevice => tar::EntryType::Char,
                    FileType::BlockDevice => tar::EntryType::Block,
                    _ => tar::EntryType::Fifo,
                };
                let mut h = Self::header(st, k);
                h.set_device_major(st.stx_rdev_major)?;
                h.set_device_minor(st.stx_rdev_minor)?;
                self.b.append_data(&mut h, e.rel, io::empty())
            }
            // Sockets are not kept (as in Docker's layers).
            _ => Ok(()),
        }
    }

    /// Whether `e` is one of the runtime's mount points as the runtime
    /// made it: an empty file, or a directory with nothing below it here.
    fn stand_in(&self, e: &Entry<'_>, t: FileType) -> io::Result<bool> {
        if !RUNTIME_MOUNT_POINTS.iter().any(|p| e.rel == Path::new(p)) {
            return Ok(false);
        }
        Ok(match t {
            FileType::RegularFile => e.stat.stx_size == 0,
            FileType::Directory => {
                let dir = crate::fs::in_root::open_child_dir(e.parent, e.name)?;
                crate::fs::in_root::names(dir.as_fd())?.is_empty()
            }
            _ => false,
        })
    }
}

/// `dir/.wh.name` for the entry `dir/name`.
fn whiteout_of(rel: &Path) -> PathBuf {
    let name = rel.file_name().unwrap_or_default();
    let mut marked = std::ffi::OsString::from(".wh.");
    marked.push(name);
    rel.with_file_name(marked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// Builds an upper dir by hand: a whiteout device, an opaque directory,
    /// an xattr, a hard link, a symlink.
    fn build(d: &Path) -> bool {
        std::fs::create_dir_all(d.join("etc")).unwrap();
        std::fs::write(d.join("etc/conf"), "new").unwrap();
        std::fs::set_permissions(d.join("etc/conf"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
        std::fs::hard_link(d.join("etc/conf"), d.join("etc/conf-link")).unwrap();
        std::os::unix::fs::symlink("/etc/conf", d.join("etc/sym")).unwrap();
        std::fs::create_dir(d.join("opq")).unwrap();
        std::fs::write(d.join("opq/inside"), "x").unwrap();
        let opq = std::fs::File::open(d.join("opq")).unwrap();
        rfs::fsetxattr(
            &opq,
            "trusted.overlay.opaque",
            b"y",
            rfs::XattrFlags::empty(),
        )
        .unwrap();
        let f = std::fs::File::open(d.join("etc/conf")).unwrap();
        rfs::fsetxattr(&f, "user.note", b"kept", rfs::XattrFlags::empty()).unwrap();
        rfs::fsetxattr(&f, "trusted.overlay.origin", b"x", rfs::XattrFlags::empty()).unwrap();
        std::fs::create_dir(d.join("proc")).unwrap();
        let made = rfs::mknodat(
            rfs::CWD,
            d.join("etc/gone"),
            FileType::CharacterDevice,
            rfs::Mode::empty(),
            rfs::makedev(0, 0),
        );
        made.is_ok()
    }

    /// A test that cannot set up its tree fails under CI=true, else skips.
    fn cannot_set_up(why: &str) {
        assert!(std::env::var_os("CI").is_none_or(|v| v != "true"), "{why}");
        eprintln!("SKIPPED: {why}");
    }

    /// The layer tar of upper dir `d`, read with the overlay xattr `prefix`.
    fn tar_of(d: &Path, prefix: &'static str) -> Vec<u8> {
        let opts = UpperOptions {
            overlay_prefix: prefix,
            skip_mount_points: true,
        };
        let root = crate::fs::Root::open(d).unwrap();
        write_tar(root.fd(), opts, Vec::new()).unwrap()
    }

    /// Name, type, PAX records and link target of each entry.
    type Seen = (String, tar::EntryType, Vec<(String, Vec<u8>)>, String);

    fn entries(tar: &[u8]) -> Vec<Seen> {
        let mut out = Vec::new();
        let mut a = tar::Archive::new(tar);
        for e in a.entries().unwrap() {
            let mut e = e.unwrap();
            let mut x = Vec::new();
            if let Some(p) = e.pax_extensions().unwrap() {
                for r in p {
                    let r = r.unwrap();
                    x.push((r.key().unwrap().to_string(), r.value_bytes().to_vec()));
                }
            }
            let link = e
                .link_name()
                .unwrap()
                .map(|l| l.display().to_string())
                .unwrap_or_default();
            out.push((
                e.path().unwrap().display().to_string(),
                e.header().entry_type(),
                x,
                link,
            ));
        }
        out
    }

    #[test]
    fn upper_dir_becomes_an_oci_layer() {
        let d = tempfile::tempdir().unwrap();
        if !rustix::process::geteuid().is_root() || !build(d.path()) {
            return cannot_set_up("needs root to make a 0:0 whiteout device");
        }
        let tar = tar_of(d.path(), "trusted.");
        let got = entries(&tar);
        let names: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "etc",
                "etc/conf",
                "etc/conf-link",
                "etc/.wh.gone",
                "etc/sym",
                "opq",
                "opq/.wh..wh..opq",
                "opq/inside"
            ],
            "{got:?}"
        );
        let conf = &got[1];
        assert_eq!(conf.1, tar::EntryType::Regular);
        assert_eq!(
            conf.2,
            [("SCHILY.xattr.user.note".to_string(), b"kept".to_vec())]
        );
        assert_eq!(got[2].1, tar::EntryType::Link);
        assert_eq!(got[2].3, "etc/conf");
        assert_eq!(got[4].1, tar::EntryType::Symlink);
        assert_eq!(got[4].3, "/etc/conf");
        assert!(got[5].2.is_empty(), "overlay xattrs written: {got:?}");
        // The same tree gives the same bytes.
        assert_eq!(tar, tar_of(d.path(), "trusted."));

        // Applied as a layer onto a tree with the old contents: the
        // whiteout deletes, the opaque directory hides, the link holds.
        let base = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(base.path().join("etc")).unwrap();
        std::fs::write(base.path().join("etc/gone"), "old").unwrap();
        std::fs::create_dir_all(base.path().join("opq")).unwrap();
        std::fs::write(base.path().join("opq/old"), "old").unwrap();
        crate::layer::apply(
            &tar[..],
            base.path(),
            crate::layer::ApplyOptions::for_current_user(crate::layer::ApplyMode::Flatten),
        )
        .unwrap();
        assert!(!base.path().join("etc/gone").exists());
        assert!(!base.path().join("opq/old").exists());
        assert!(base.path().join("opq/inside").exists());
        let m = std::fs::metadata(base.path().join("etc/conf-link")).unwrap();
        assert_eq!(std::os::unix::fs::MetadataExt::nlink(&m), 2);
        assert_eq!(m.permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn xattr_whiteouts_and_runtime_mount_points() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("etc")).unwrap();
        std::fs::write(d.path().join("etc/hosts"), "").unwrap();
        std::fs::write(d.path().join("etc/hostname"), "kept: not empty").unwrap();
        std::fs::write(d.path().join("gone"), "").unwrap();
        let f = std::fs::File::open(d.path().join("gone")).unwrap();
        if rfs::fsetxattr(&f, "user.overlay.whiteout", b"", rfs::XattrFlags::empty()).is_err() {
            return cannot_set_up("no user xattrs on the temp dir's file system");
        }
        let names: Vec<String> = entries(&tar_of(d.path(), "user."))
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(names, ["etc", "etc/hostname", ".wh.gone"]);
        // A file the container named like a marker is refused, not
        // turned into one.
        std::fs::write(d.path().join("etc/.wh..wh..opq"), "").unwrap();
        let root = crate::fs::Root::open(d.path()).unwrap();
        let err = write_tar(root.fd(), UpperOptions::for_current_user(), Vec::new()).unwrap_err();
        assert!(err.to_string().contains(".wh."), "{err}");
    }
}
