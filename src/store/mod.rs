//! The store: one directory shared by every applet and every concurrent tug
//! process.
//!
//! ```text
//! <root>/
//!   oci-layout             {"imageLayoutVersion": "1.0.0"}: skopeo reads oci:<root>:<ref>
//!   index.json             OCI image index; tagged entries carry
//!                          org.opencontainers.image.ref.name = full reference
//!   blobs/sha256/<hex>     content-addressed blobs, verified, never modified
//!   snapshots/<hex>/       one unpacked layer chain per chain id (immutable)
//!   containers/<id>/       one container: config, state, upper dir, logs
//!   volumes/<name>/        named and anonymous volumes
//!   networks/<name>.json   user-defined networks
//!   tmp/                   in-flight blobs and unpacks, named tmp-<pid>-<n>
//!   lock                   store lock: shared while a command may hold blobs
//!                          not yet referenced, exclusive for garbage collection
//!   index.lock             exclusive while index.json is read-modified-written
//! ```
//!
//! Every document is written to a temp file, synced and renamed into place, so
//! a killed command never leaves half a file behind. Temp files of dead
//! commands are removed by the next command that can take the store lock
//! exclusively (no one else can be writing then).

pub mod blobs;
mod gc;
mod index;
mod lock;
pub mod snapshots;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

pub use blobs::{BlobWriter, PendingBlob};
pub use gc::GcReport;
pub use index::{ImageEntry, REF_NAME_ANNOTATION};
pub use lock::{LockGuard, LockMode};
pub use oci_spec::image::Digest;

use crate::error::{IoContext, Result};

/// An open store. Cheap to open: it only makes sure the layout exists.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    warn: Warn,
}

/// Where the core's warnings go: a callback its caller gives (an applet
/// prints them), else nowhere. The core itself never prints.
#[derive(Clone, Default)]
pub struct Warn(Option<std::sync::Arc<WarnFn>>);

type WarnFn = dyn Fn(&str) + Send + Sync;

impl std::fmt::Debug for Warn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Warn(..)"
        } else {
            "Warn(none)"
        })
    }
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Store {
    /// Opens (creating if needed) the store at `root`.
    pub fn open(root: impl Into<PathBuf>) -> Result<Store> {
        let root: PathBuf = root.into();
        let store = Store {
            root,
            warn: Warn::default(),
        };
        for dir in [
            "blobs/sha256",
            "snapshots",
            "containers",
            "volumes",
            "networks",
            "tmp",
        ] {
            let p = store.root.join(dir);
            fs::create_dir_all(&p).at(&p)?;
        }
        let layout = store.root.join("oci-layout");
        if !layout.exists() {
            store.write_atomic(&layout, br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        }
        let index = store.index_path();
        if !index.exists() {
            // Under index.lock and checked again: a command that opened the
            // new store at the same time may have written its first image.
            let _g = LockGuard::acquire(&store.root.join("index.lock"), LockMode::Exclusive)?;
            if !index.exists() {
                store.write_atomic(
                    &index,
                    br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#,
                )?;
            }
        }
        store.clean_stale_tmp()?;
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// This handle with `f` receiving the warnings of what it is used for
    /// (things that worked, but not quite as asked).
    pub fn with_warnings(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Store {
        self.warn = Warn(Some(std::sync::Arc::new(f)));
        self
    }

    /// Hands `msg` to the warnings callback, if any.
    pub fn warn(&self, msg: &str) {
        if let Some(f) = &self.warn.0 {
            f(msg)
        }
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub fn snapshots_dir(&self) -> PathBuf {
        self.root.join("snapshots")
    }

    pub fn containers_dir(&self) -> PathBuf {
        self.root.join("containers")
    }

    pub fn volumes_dir(&self) -> PathBuf {
        self.root.join("volumes")
    }

    pub fn networks_dir(&self) -> PathBuf {
        self.root.join("networks")
    }

    pub(crate) fn index_path(&self) -> PathBuf {
        self.root.join("index.json")
    }

    /// A fresh path in `tmp/` that no other process will pick.
    pub fn tmp_path(&self, what: &str) -> PathBuf {
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        self.tmp_dir()
            .join(format!("tmp-{}-{n}-{what}", std::process::id()))
    }

    /// Writes `data` to `path` atomically: temp file in `tmp/`, fsync, rename.
    pub fn write_atomic(&self, path: &Path, data: &[u8]) -> Result<()> {
        write_atomic_in(&self.tmp_dir(), path, data)
    }

    /// Shared store lock: hold it while creating blobs or snapshots that are
    /// not referenced yet, so garbage collection cannot take them away.
    pub fn lock_shared(&self) -> Result<LockGuard> {
        LockGuard::acquire(&self.root.join("lock"), LockMode::Shared)
    }

    /// Exclusive store lock, for garbage collection.
    pub fn lock_exclusive(&self) -> Result<LockGuard> {
        LockGuard::acquire(&self.root.join("lock"), LockMode::Exclusive)
    }

    /// Removes what dead commands left in `tmp/`, when nobody holds the store
    /// lock (an exclusive lock taken without waiting proves it).
    fn clean_stale_tmp(&self) -> Result<()> {
        let tmp = self.tmp_dir();
        let mut entries = fs::read_dir(&tmp).at(&tmp)?.peekable();
        if entries.peek().is_none() {
            return Ok(());
        }
        let Some(_guard) = LockGuard::try_acquire(&self.root.join("lock"), LockMode::Exclusive)?
        else {
            return Ok(());
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(pid) = tmp_owner(&name.to_string_lossy()) else {
                continue;
            };
            if pid == std::process::id() || process_alive(pid) {
                continue;
            }
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                // Rootless snapshots hold files of subordinate ids.
                crate::userns::remove_tree_mapped(&self.root, &p);
            } else {
                let _ = fs::remove_file(&p);
            }
        }
        Ok(())
    }
}

/// The pid in a `tmp-<pid>-...` name.
fn tmp_owner(name: &str) -> Option<u32> {
    name.strip_prefix("tmp-")?.split('-').next()?.parse().ok()
}

fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes a directory tree, making read-only directories writable first so
/// that unpacked layers with mode 0555 directories can go.
pub fn remove_tree(p: &Path) {
    if fs::remove_dir_all(p).is_ok() {
        return;
    }
    fn chmod_dirs(p: &Path) {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(md) = fs::symlink_metadata(p) {
            if md.is_dir() {
                let _ = fs::set_permissions(p, fs::Permissions::from_mode(0o700));
                if let Ok(rd) = fs::read_dir(p) {
                    for e in rd.flatten() {
                        chmod_dirs(&e.path());
                    }
                }
            }
        }
    }
    chmod_dirs(p);
    let _ = fs::remove_dir_all(p);
}

/// Bytes used by the files under `p` (not following symlinks; what this
/// user cannot read counts as nothing).
pub fn disk_usage(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(md) = std::fs::symlink_metadata(p) else {
        return 0;
    };
    let own = md.blocks() * 512;
    if !md.is_dir() {
        return own;
    }
    own + std::fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| disk_usage(&e.path())).sum::<u64>())
        .unwrap_or(0)
}

/// Writes `data` to `path` through a temp file in `tmp_dir`, synced and renamed.
pub fn write_atomic_in(tmp_dir: &Path, path: &Path, data: &[u8]) -> Result<()> {
    use std::io::Write;
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = tmp_dir.join(format!("tmp-{}-{n}-doc", std::process::id()));
    let mut f = fs::File::create(&tmp).at(&tmp)?;
    f.write_all(data).at(&tmp)?;
    f.sync_all().at(&tmp)?;
    drop(f);
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        crate::Error::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_layout_and_cleans_dead_tmp() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        assert!(d.path().join("oci-layout").is_file());
        assert!(d.path().join("index.json").is_file());
        // A temp file of a pid that cannot exist is removed at the next open.
        let stale = s.tmp_dir().join("tmp-4194304999-0-blob");
        fs::write(&stale, b"x").unwrap();
        let mine = s.tmp_path("blob");
        fs::write(&mine, b"x").unwrap();
        Store::open(d.path()).unwrap();
        assert!(!stale.exists());
        assert!(mine.exists());
    }
}
