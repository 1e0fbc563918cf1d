//! The context hash cache: a context file's content digest, remembered
//! by where and when the file last changed, as git's index and BuildKit
//! do, so a build re-reads only the files that changed since the last one.
//!
//! ```text
//! <root>/build-cache/context-hashes   one file per store, text:
//!   tug-context-hashes 1
//!   <dev> <ino> <size> <mode> <mtime ns> <ctime ns> <hashed-at ns> <sha256> <hex path>
//!   ...
//!   end <sha256 of every byte above>
//! ```
//!
//! An entry is used only when the file's device, inode, size, mode,
//! mtime and ctime (both to the nanosecond) all match, and the file was
//! last changed well before the entry was hashed (the "racily clean"
//! rule: a file changed in the same clock tick as, or after, its hashing
//! may have changed without its times moving, so it is hashed again; the
//! margin covers coarse file-system timestamps and clock ticks). The
//! file is replaced by rename and ends with a checksum: a torn, truncated
//! or edited file fails it and is ignored as a whole, never trusted. It
//! holds at most [`MAX_ENTRIES`]; when it is rewritten, entries whose path
//! no longer stats the same are dropped. A build rewrites it whole,
//! merging what other builds (or its own stages' child processes) wrote
//! since it was loaded; an entry lost to a race is only hashed again. Only content digests are cached: the cache key of a
//! `COPY` (mode, owner, link target, content) is computed as before.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{self, Read};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest as _, Sha256};

use super::tree::{Node, Stamp};
use crate::store::Store;

const HEADER: &str = "tug-context-hashes 1\n";
/// The most entries kept (the files of a few large contexts).
pub const MAX_ENTRIES: usize = 200_000;
/// The largest cache file read (a bigger one is ignored).
const MAX_FILE: u64 = 64 << 20;
/// How much older than its hashing a file's last change must be for the
/// digest to be trusted: a second of file-system timestamp granularity
/// plus the lag of the kernel's coarse clock, rounded up.
const RACY_MARGIN_NS: i128 = 2_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    stamp: Stamp,
    size: u64,
    mode: u32,
    hashed_at_ns: i128,
    digest: String,
    path: PathBuf,
}

impl Entry {
    /// Whether this entry describes the file `node` is, unchanged.
    fn matches(&self, node: &Node) -> bool {
        self.stamp == node.stamp && self.size == node.size && self.mode == node.mode
    }

    /// Not racily clean: the file's last change is older than its
    /// hashing by the margin.
    fn trusted(&self) -> bool {
        self.stamp.mtime_ns.max(self.stamp.ctime_ns) + RACY_MARGIN_NS < self.hashed_at_ns
    }
}

#[derive(Default)]
struct Inner {
    /// By (device, inode).
    map: HashMap<(u64, u64), Entry>,
    /// Entries looked up or hashed by this build.
    used: HashSet<(u64, u64)>,
    /// Something to write back.
    dirty: bool,
}

/// A store's context hash cache, loaded once per build.
pub struct HashCache {
    file: Option<PathBuf>,
    inner: Mutex<Inner>,
}

fn now_ns() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

/// The sha256 of what `r` reads, in hex.
pub fn hash_reader(mut r: impl Read) -> io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

fn parse(data: &[u8]) -> Option<HashMap<(u64, u64), Entry>> {
    let text = std::str::from_utf8(data).ok()?;
    let body = text.strip_prefix(HEADER)?;
    let end = body.rfind("end ")?;
    let (lines, trailer) = body.split_at(end);
    let sum = trailer.strip_prefix("end ")?.strip_suffix('\n')?;
    let whole = &text[..HEADER.len() + end];
    if hex::encode(Sha256::digest(whole.as_bytes())) != sum {
        return None;
    }
    let mut map = HashMap::new();
    for line in lines.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let [dev, ino, size, mode, mtime, ctime, at, digest, path] = f[..] else {
            return None;
        };
        if digest.len() != 64 || !digest.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let e = Entry {
            stamp: Stamp {
                dev: dev.parse().ok()?,
                ino: ino.parse().ok()?,
                mtime_ns: mtime.parse().ok()?,
                ctime_ns: ctime.parse().ok()?,
            },
            size: size.parse().ok()?,
            mode: mode.parse().ok()?,
            hashed_at_ns: at.parse().ok()?,
            digest: digest.to_string(),
            path: PathBuf::from(std::ffi::OsString::from_vec(hex::decode(path).ok()?)),
        };
        map.insert((e.stamp.dev, e.stamp.ino), e);
        if map.len() > MAX_ENTRIES {
            return None;
        }
    }
    Some(map)
}

fn render<'a>(entries: impl Iterator<Item = &'a Entry>) -> String {
    let mut out = String::from(HEADER);
    for e in entries {
        let _ = writeln!(
            out,
            "{} {} {} {} {} {} {} {} {}",
            e.stamp.dev,
            e.stamp.ino,
            e.size,
            e.mode,
            e.stamp.mtime_ns,
            e.stamp.ctime_ns,
            e.hashed_at_ns,
            e.digest,
            hex::encode(e.path.as_os_str().as_bytes())
        );
    }
    let sum = hex::encode(Sha256::digest(out.as_bytes()));
    let _ = writeln!(out, "end {sum}");
    out
}

/// Whether the file at `e.path` still is what `e` describes.
fn still_there(e: &Entry) -> bool {
    let Ok(m) = std::fs::symlink_metadata(&e.path) else {
        return false;
    };
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    m.is_file()
        && m.ino() == e.stamp.ino
        && m.len() == e.size
        && m.mode() & 0o7777 == e.mode
        && ns(m.mtime(), m.mtime_nsec()) == e.stamp.mtime_ns
        && ns(m.ctime(), m.ctime_nsec()) == e.stamp.ctime_ns
}

impl HashCache {
    /// The cache file of `store`.
    pub fn path(store: &Store) -> PathBuf {
        store.root().join("build-cache/context-hashes")
    }

    /// An empty cache that is never written (no context).
    pub fn disabled() -> HashCache {
        HashCache {
            file: None,
            inner: Mutex::default(),
        }
    }

    /// The store's cache; a missing, oversized or corrupt file gives an
    /// empty cache that the next [`save`](Self::save) rewrites.
    pub fn load(store: &Store) -> HashCache {
        let file = Self::path(store);
        let read = std::fs::File::open(&file).and_then(|f| {
            let mut data = Vec::new();
            f.take(MAX_FILE + 1).read_to_end(&mut data)?;
            Ok(data)
        });
        let (map, dirty) = match read {
            Ok(data) if data.len() as u64 <= MAX_FILE => match parse(&data) {
                Some(map) => (map, false),
                None => (HashMap::new(), true),
            },
            Ok(_) => (HashMap::new(), true),
            Err(_) => (HashMap::new(), false),
        };
        HashCache {
            file: Some(file),
            inner: Mutex::new(Inner {
                map,
                used: HashSet::new(),
                dirty,
            }),
        }
    }

    /// The content digest of the regular file `node` describes, at host
    /// path `path`: from the cache when the file is unchanged and was not
    /// racily clean, else read through `open` and remembered.
    pub fn digest(
        &self,
        path: &Path,
        node: &Node,
        open: impl FnOnce() -> io::Result<std::fs::File>,
    ) -> io::Result<String> {
        self.digest_at(now_ns(), path, node, open)
    }

    fn digest_at(
        &self,
        now: i128,
        path: &Path,
        node: &Node,
        open: impl FnOnce() -> io::Result<std::fs::File>,
    ) -> io::Result<String> {
        let id = (node.stamp.dev, node.stamp.ino);
        if self.file.is_none() || node.stamp == Stamp::default() {
            return hash_reader(open()?);
        }
        {
            let mut inner = self.lock();
            if let Some(e) = inner
                .map
                .get(&id)
                .filter(|e| e.matches(node) && e.trusted())
            {
                let d = e.digest.clone();
                inner.used.insert(id);
                return Ok(d);
            }
        }
        // The time is taken before the read: a change after it has a
        // later timestamp (or, within the margin, makes the entry racy).
        let digest = hash_reader(open()?)?;
        let mut inner = self.lock();
        if inner.map.len() < MAX_ENTRIES || inner.map.contains_key(&id) {
            inner.map.insert(
                id,
                Entry {
                    stamp: node.stamp,
                    size: node.size,
                    mode: node.mode,
                    hashed_at_ns: now,
                    digest: digest.clone(),
                    path: path.to_path_buf(),
                },
            );
            inner.used.insert(id);
            inner.dirty = true;
        }
        Ok(digest)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the cache back when this build hashed something (or found
    /// the file corrupt), dropping entries whose file is gone or changed.
    /// Failures are ignored: the cache is only ever a shortcut.
    pub fn save(&self, store: &Store) {
        let Some(file) = &self.file else {
            return;
        };
        let inner = self.lock();
        if !inner.dirty {
            return;
        }
        // What another build (or a stage's child process) wrote since we
        // loaded is merged in, ours first.
        let theirs = std::fs::read(file)
            .ok()
            .filter(|d| d.len() as u64 <= MAX_FILE)
            .and_then(|d| parse(&d))
            .unwrap_or_default();
        let mut keep: Vec<&Entry> = inner
            .map
            .iter()
            .filter(|(id, e)| inner.used.contains(id) || still_there(e))
            .map(|(_, e)| e)
            .collect();
        keep.extend(
            theirs
                .iter()
                .filter(|(id, e)| !inner.map.contains_key(id) && still_there(e))
                .map(|(_, e)| e),
        );
        keep.truncate(MAX_ENTRIES);
        let data = render(keep.into_iter());
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = store.write_atomic(file, data.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::tree::Kind;

    fn node_of(path: &Path) -> Node {
        let m = std::fs::symlink_metadata(path).unwrap();
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Node {
            kind: Kind::File,
            mode: m.mode() & 0o7777,
            uid: m.uid(),
            gid: m.gid(),
            size: m.len(),
            mtime: m.mtime(),
            stamp: Stamp {
                dev: m.dev(),
                ino: m.ino(),
                mtime_ns: ns(m.mtime(), m.mtime_nsec()),
                ctime_ns: ns(m.ctime(), m.ctime_nsec()),
            },
        }
    }

    /// Digests `path` at time `now`; returns it and whether the file was read.
    fn digest(c: &HashCache, now: i128, path: &Path) -> (String, bool) {
        let mut read = false;
        let d = c
            .digest_at(now, path, &node_of(path), || {
                read = true;
                std::fs::File::open(path)
            })
            .unwrap();
        (d, read)
    }

    fn cache(store: &Store) -> HashCache {
        HashCache::load(store)
    }

    #[test]
    fn unchanged_files_are_not_read_again_but_racy_ones_are() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(d.path().join("store")).unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, "aaaa").unwrap();
        let changed = node_of(&f).stamp.ctime_ns;
        let c = cache(&store);
        // Hashed in the tick the file changed: racily clean, so the
        // entry is not trusted and the next lookup reads it again.
        let (a, read) = digest(&c, changed, &f);
        assert!(read);
        assert_eq!(a, hex::encode(Sha256::digest(b"aaaa")));
        assert!(digest(&c, changed + 10 * RACY_MARGIN_NS, &f).1);
        // Now it was hashed long after its change: trusted.
        let (b, read) = digest(&c, changed + 10 * RACY_MARGIN_NS, &f);
        assert!(!read);
        assert_eq!(a, b);
        // Saved and loaded again, the entry stays trusted.
        c.save(&store);
        let c = cache(&store);
        assert!(!digest(&c, changed + 20 * RACY_MARGIN_NS, &f).1);
        // Rewritten with the same size: ctime moves, so it is read again.
        std::fs::write(&f, "bbbb").unwrap();
        let (b, read) = digest(&c, node_of(&f).stamp.ctime_ns + 10 * RACY_MARGIN_NS, &f);
        assert!(read);
        assert_eq!(b, hex::encode(Sha256::digest(b"bbbb")));
    }

    #[test]
    fn corrupt_or_truncated_files_are_ignored_and_vanished_files_dropped() {
        let d = tempfile::tempdir().unwrap();
        let store = Store::open(d.path().join("store")).unwrap();
        let (f, g) = (d.path().join("f"), d.path().join("g"));
        std::fs::write(&f, "one").unwrap();
        std::fs::write(&g, "two").unwrap();
        let late = node_of(&g).stamp.ctime_ns + 10 * RACY_MARGIN_NS;
        let c = cache(&store);
        digest(&c, late, &f);
        digest(&c, late, &g);
        c.save(&store);
        let file = HashCache::path(&store);
        let good = std::fs::read(&file).unwrap();
        assert_eq!(parse(&good).unwrap().len(), 2);
        // Truncated, or one digit changed: the whole file is ignored.
        assert!(parse(&good[..good.len() - 10]).is_none());
        let mut bad = good.clone();
        let at = HEADER.len() + 1;
        bad[at] = if bad[at] == b'1' { b'2' } else { b'1' };
        assert!(parse(&bad).is_none());
        std::fs::write(&file, &bad).unwrap();
        let c = cache(&store);
        assert!(digest(&c, late, &f).1);
        c.save(&store);
        assert_eq!(parse(&std::fs::read(&file).unwrap()).unwrap().len(), 1);
        // A file that vanished is dropped when the cache is next written;
        // unchanged files not looked up stay.
        std::fs::write(&file, &good).unwrap();
        std::fs::remove_file(&g).unwrap();
        let h = d.path().join("h");
        std::fs::write(&h, "three").unwrap();
        let c = cache(&store);
        digest(&c, late, &h);
        c.save(&store);
        let map = parse(&std::fs::read(&file).unwrap()).unwrap();
        let mut paths: Vec<_> = map.values().map(|e| e.path.clone()).collect();
        paths.sort();
        assert_eq!(paths, [f, h]);
    }
}
