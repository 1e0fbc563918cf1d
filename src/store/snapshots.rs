//! Layer snapshots: each layer unpacked once, into an immutable directory
//! keyed by its chain ID, shared by every image and container that uses it.
//!
//! ```text
//! snapshots/<chainid-hex>/fs        the layer's diff in overlayfs form
//! snapshots/<chainid-hex>/complete  written last, after a sync: the
//!                                   snapshot is whole
//! snapshots/<chainid-hex>.lock      taken while the snapshot is being made
//!                                   or removed
//! ```
//!
//! ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " +
//! DiffID(Ln)) (OCI image spec). A snapshot is unpacked into `tmp/`, its
//! DiffID verified while it streams, marked complete, synced and renamed
//! into place whole; a killed unpack leaves only a temp directory that the
//! next command removes. Removal is the reverse: the snapshot is renamed
//! into `tmp/` (one atomic step) and deleted there, so a killed `rmi` or
//! `prune` never leaves a half-deleted snapshot where `prepare` looks. A
//! directory without its marker (damaged, or left by an older tug) is never
//! used: it is moved aside and unpacked again.

use std::collections::HashSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::lock::{LockGuard, LockMode};
use super::Store;
use crate::error::{Error, IoContext, Result};
use crate::image::Image;
use crate::layer::{apply, decompress, ApplyMode, ApplyOptions};
use crate::userns::IdMapping;

/// The chain IDs (hex, without `sha256:`) of an image's layers, bottom first.
pub fn chain_ids(image: &Image) -> Vec<String> {
    chain_ids_of(image.config.rootfs().diff_ids())
}

/// The chain IDs (hex) of a list of DiffIDs, bottom first.
pub fn chain_ids_of(diff_ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for diff in diff_ids {
        let id = match out.last() {
            None => diff.clone(),
            Some(prev) => format!(
                "sha256:{}",
                hex::encode(Sha256::digest(format!("sha256:{prev} {diff}")))
            ),
        };
        out.push(id.trim_start_matches("sha256:").to_string());
    }
    out
}

struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Applies layer blob `digest` onto `dest`, checking its DiffID.
pub fn apply_layer(
    store: &Store,
    layer: &crate::store::Digest,
    diff_id: &str,
    dest: &Path,
    opts: ApplyOptions,
) -> Result<()> {
    let blob = store.open_blob(layer)?;
    // A layer that cannot be applied is named: an image has many.
    apply_stream(blob, &store.blob_path(layer), diff_id, dest, opts).map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(format!("layer {layer}: {m}")),
        e => e,
    })
}

/// Applies a layer read from `blob` (compressed or not; `what` names it in
/// errors) onto `dest`, checking its DiffID. The stream is read to its end,
/// so a reader that hashes what passes through it sees every byte.
pub fn apply_stream(
    mut blob: impl Read,
    what: &Path,
    diff_id: &str,
    dest: &Path,
    opts: ApplyOptions,
) -> Result<()> {
    {
        let (_, plain) = decompress(&mut blob).at(what)?;
        let mut h = Hashing {
            inner: plain,
            hasher: Sha256::new(),
        };
        apply(&mut h, dest, opts)?;
        io::copy(&mut h, &mut io::sink()).at(what)?;
        let got = format!("sha256:{}", hex::encode(h.hasher.finalize()));
        if got != diff_id {
            return Err(Error::DigestMismatch {
                expected: diff_id.to_string(),
                actual: got,
            });
        }
    }
    io::copy(&mut blob, &mut io::sink()).at(what)?;
    Ok(())
}

fn snapshot_dir(store: &Store, chain: &str) -> PathBuf {
    store.snapshots_dir().join(chain)
}

/// The file whose presence says a snapshot directory is whole.
const COMPLETE: &str = "complete";

/// True when the snapshot at `dir` was made whole and not touched since.
fn is_complete(dir: &Path) -> bool {
    dir.join(COMPLETE).is_file() && dir.join("fs").is_dir()
}

/// Takes a snapshot directory out of `snapshots/` in one rename into
/// `tmp/`, then deletes it there (through the user-namespace helper when
/// rootless files of subordinate ids are in it). Killed in between, it
/// leaves a temp directory the next command removes, never a partial
/// snapshot. The caller holds the snapshot's lock.
fn remove_snapshot(store: &Store, dir: &Path) -> Result<()> {
    let aside = store.tmp_path("snapshot-gone");
    match std::fs::rename(dir, &aside) {
        Ok(()) => {
            crate::userns::remove_tree_mapped(store.root(), &aside);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// The image's snapshot directories in overlayfs `lowerdir` order (topmost
/// first), unpacking those that are missing.
///
/// Rootless with subordinate ids, each layer is unpacked by `tug _userns
/// layer` inside a user namespace with the user's mapping, so files of
/// uid 33 land on host uid subuid_start+32 and look right in a container
/// with the same mapping; opaque directories carry `user.overlay.opaque`
/// (mount with `userxattr`). Without subordinate ids the layer is unpacked
/// here and every file is the user's (a warning names /etc/subuid).
pub fn prepare(store: &Store, image: &Image) -> Result<Vec<PathBuf>> {
    let chains = chain_ids(image);
    let diffs = image.config.rootfs().diff_ids();
    let layers = image.manifest.layers();
    if chains.len() != layers.len() {
        return Err(Error::Invalid(format!(
            "image {} has {} layers but {} diff IDs",
            image.short_id(),
            layers.len(),
            chains.len()
        )));
    }
    let mut out = Vec::new();
    for (i, chain) in chains.iter().enumerate() {
        out.push(ensure(store, chain, layers[i].digest(), &diffs[i])?);
    }
    out.reverse();
    Ok(out)
}

/// The `fs` directory of snapshot `chain`, unpacked from the stored blob
/// `layer` when it is missing or not whole.
pub fn ensure(
    store: &Store,
    chain: &str,
    layer: &crate::store::Digest,
    diff_id: &str,
) -> Result<PathBuf> {
    let dir = snapshot_dir(store, chain);
    if !is_complete(&dir) {
        let _shared = store.lock_shared()?;
        if let Some(new) = begin(store, chain)? {
            unpack_snapshot(store, layer, diff_id, new)?;
        }
    }
    let fs = dir.join("fs");
    Ok(fs)
}

/// Whether layers can be unpacked by this process as they stream in: not
/// when rootless with subordinate ids, where a helper in a user namespace
/// unpacks each stored blob.
pub fn unpacks_in_process() -> bool {
    !crate::paths::is_rootless() || IdMapping::for_current_user().is_single()
}

/// A snapshot being made: its lock is held and its files go into a temp
/// directory that [`NewSnapshot::commit`] marks whole, syncs and renames
/// into place. Dropped uncommitted, nothing of it is kept.
pub struct NewSnapshot {
    store: Store,
    tmp: PathBuf,
    dir: PathBuf,
    _lock: LockGuard,
}

/// Starts making snapshot `chain`; None when it is whole already. The
/// caller holds the store's shared lock until the snapshot is committed.
pub fn begin(store: &Store, chain: &str) -> Result<Option<NewSnapshot>> {
    let dir = snapshot_dir(store, chain);
    if is_complete(&dir) {
        return Ok(None);
    }
    let lock = LockGuard::acquire(
        &store.snapshots_dir().join(format!("{chain}.lock")),
        LockMode::Exclusive,
    )?;
    if is_complete(&dir) {
        return Ok(None);
    }
    // Whatever is there is not whole: never build on it.
    remove_snapshot(store, &dir)?;
    let tmp = store.tmp_path("snapshot");
    let fs = tmp.join("fs");
    std::fs::create_dir_all(&fs).at(&fs)?;
    Ok(Some(NewSnapshot {
        store: store.clone(),
        tmp,
        dir,
        _lock: lock,
    }))
}

impl NewSnapshot {
    /// Where the layer's files go.
    pub fn fs(&self) -> PathBuf {
        self.tmp.join("fs")
    }

    /// Marks the snapshot whole, syncs it and renames it into place.
    pub fn commit(mut self) -> Result<()> {
        let tmp = std::mem::take(&mut self.tmp);
        let made = std::fs::write(tmp.join(COMPLETE), b"")
            .at(tmp.join(COMPLETE))
            .and_then(|_| sync_tree(&tmp))
            .and_then(|_| std::fs::rename(&tmp, &self.dir).at(&self.dir));
        if made.is_err() {
            crate::userns::remove_tree_mapped(self.store.root(), &tmp);
        }
        made
    }
}

impl Drop for NewSnapshot {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            crate::userns::remove_tree_mapped(self.store.root(), &self.tmp);
        }
    }
}

/// Unpacks one stored layer into `new`, verifies it and commits it; on any
/// failure nothing is kept.
fn unpack_snapshot(
    store: &Store,
    layer: &crate::store::Digest,
    diff_id: &str,
    new: NewSnapshot,
) -> Result<()> {
    let tmp_fs = new.fs();
    let mapping = IdMapping::for_current_user();
    if crate::paths::is_rootless() && !mapping.is_single() {
        let dest = tmp_fs
            .to_str()
            .ok_or_else(|| Error::Invalid("non-UTF-8 store path".into()))?;
        crate::userns::run_mapped(
            store.root(),
            &mapping,
            &["layer", layer.as_ref(), diff_id, dest],
            &|w| store.warn(w),
        )?;
    } else {
        apply_layer(
            store,
            layer,
            diff_id,
            &tmp_fs,
            ApplyOptions::for_current_user(ApplyMode::Overlay),
        )?;
    }
    new.commit()
}

/// Makes directory `diff` (a layer's diff already in overlayfs form: a
/// build step's upper directory) the snapshot of `chain`, so the layer
/// just written from it is never unpacked again. `diff` is moved, not
/// copied; nothing happens when the snapshot exists. True when adopted.
pub fn adopt(store: &Store, chain: &str, diff: &Path) -> Result<bool> {
    let dir = snapshot_dir(store, chain);
    if is_complete(&dir) {
        return Ok(false);
    }
    let _g = LockGuard::acquire(
        &store.snapshots_dir().join(format!("{chain}.lock")),
        LockMode::Exclusive,
    )?;
    if is_complete(&dir) {
        return Ok(false);
    }
    remove_snapshot(store, &dir)?;
    let tmp = store.tmp_path("snapshot");
    std::fs::create_dir_all(&tmp).at(&tmp)?;
    let made = std::fs::rename(diff, tmp.join("fs"))
        .at(diff)
        .and_then(|_| std::fs::write(tmp.join(COMPLETE), b"").at(tmp.join(COMPLETE)))
        .and_then(|_| sync_tree(&tmp))
        .and_then(|_| std::fs::rename(&tmp, &dir).at(&dir));
    if let Err(e) = made {
        crate::userns::remove_tree_mapped(store.root(), &tmp);
        return Err(e);
    }
    Ok(true)
}

/// Flushes a new snapshot to disk before it becomes visible, so a crash
/// never leaves a snapshot that looks whole but is not.
fn sync_tree(dir: &Path) -> Result<()> {
    let fd = rustix::fs::open(
        dir,
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .map_err(|e| Error::io(dir, e.into()))?;
    rustix::fs::syncfs(&fd).map_err(|e| Error::io(dir, e.into()))
}

/// Applies all of the image's layers, in order, onto one plain directory
/// (for hosts or users without overlayfs).
pub fn flatten_into(store: &Store, image: &Image, dest: &Path) -> Result<()> {
    std::fs::create_dir_all(dest).at(dest)?;
    let diffs = image.config.rootfs().diff_ids();
    for (i, layer) in image.manifest.layers().iter().enumerate() {
        let diff = diffs
            .get(i)
            .ok_or_else(|| Error::Invalid("more layers than diff IDs".into()))?;
        apply_layer(
            store,
            layer.digest(),
            diff,
            dest,
            ApplyOptions::for_current_user(ApplyMode::Flatten),
        )?;
    }
    Ok(())
}

/// Removes snapshots whose chain ID is not in `live`.
pub fn prune(store: &Store, live: &HashSet<String>) -> Result<u64> {
    let dir = store.snapshots_dir();
    let mut removed = 0;
    for e in std::fs::read_dir(&dir).at(&dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".lock") || live.contains(&name) {
            continue;
        }
        let Some(_g) =
            LockGuard::try_acquire(&dir.join(format!("{name}.lock")), LockMode::Exclusive)?
        else {
            continue;
        };
        remove_snapshot(store, &e.path())?;
        let _ = std::fs::remove_file(dir.join(format!("{name}.lock")));
        removed += 1;
    }
    Ok(removed)
}
