//! `diff`: what a container changed, as Docker reports it — `A` added, `C`
//! changed, `D` deleted — by comparing its root filesystem with a fresh
//! application of its image's layers.

use std::collections::BTreeMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::container::Record;
use crate::error::{Error, IoContext, Result};
use crate::fs::{in_root, Root};
use crate::store::Store;

/// Paths the runtime mounts over; Docker leaves them out too.
const SKIP: &[&str] = &[
    "/etc/hosts",
    "/etc/hostname",
    "/etc/resolv.conf",
    "/dev",
    "/proc",
    "/sys",
    "/run/.containerenv",
];

#[derive(PartialEq, Eq)]
struct Meta {
    kind: u32,
    mode: u32,
    uid: u32,
    gid: u32,
    size: u64,
    mtime: i64,
    link: Option<std::path::PathBuf>,
}

/// Everything below `root` (never following a symlink nor entering
/// another mount), keyed by `/`-rooted path.
fn walk(root: &Root, out: &mut BTreeMap<String, Meta>) -> Result<()> {
    in_root::walk(root.fd(), &mut |e| {
        let path = format!("/{}", e.rel.display());
        if SKIP
            .iter()
            .any(|s| path == *s || path.starts_with(&format!("{s}/")))
        {
            return Ok(());
        }
        let st = e.stat;
        let is_dir = in_root::kind(st) == rustix::fs::FileType::Directory;
        let link = rustix::fs::readlinkat(e.parent, e.name, Vec::new())
            .ok()
            .map(|t| PathBuf::from(std::ffi::OsStr::from_bytes(t.as_bytes())));
        out.insert(
            path,
            Meta {
                kind: u32::from(st.stx_mode) & libc::S_IFMT,
                mode: u32::from(st.stx_mode) & 0o7777,
                uid: st.stx_uid,
                gid: st.stx_gid,
                size: if is_dir { 0 } else { st.stx_size },
                mtime: st.stx_mtime.tv_sec,
                link,
            },
        );
        Ok(())
    })
    .at(root.path())
}

/// The changes of container `r`, sorted by path. Rootless with
/// subordinate ids, the comparison runs inside the mapped user namespace,
/// where both trees show the same owners.
pub fn diff(store: &Store, r: &Record) -> Result<Vec<(char, String)>> {
    let mapping = crate::userns::IdMapping::for_current_user();
    if crate::paths::is_rootless() && !mapping.is_single() {
        let out = store.tmp_path("diff-out");
        let o = out
            .to_str()
            .ok_or_else(|| Error::Invalid("non-UTF-8 store path".into()))?;
        let ran = crate::userns::run_mapped(store.root(), &mapping, &["diff", &r.id, o], &|w| {
            store.warn(w)
        });
        let text = std::fs::read_to_string(&out);
        let _ = std::fs::remove_file(&out);
        ran?;
        let text = text.map_err(|e| Error::io(&out, e))?;
        return Ok(text
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(k, p)| (k.chars().next().unwrap_or('C'), p.to_string()))
            .collect());
    }
    diff_here(store, r)
}

/// `diff` in this process's own view of owners.
pub fn diff_here(store: &Store, r: &Record) -> Result<Vec<(char, String)>> {
    let rootfs = crate::container::files::container_root(r)?;
    let image = match &r.manifest_digest {
        Some(d) => Some(crate::image::resolve(store, &r.image).or_else(|_| {
            crate::image::list(store)?
                .into_iter()
                .find(|i| i.manifest_digest.to_string() == *d)
                .ok_or_else(|| Error::NoSuchImage(r.image.clone()))
        })?),
        None => None,
    };
    let mut base = BTreeMap::new();
    let tmp = store.tmp_path("diff");
    if let Some(img) = &image {
        let made = crate::store::snapshots::flatten_into(store, img, &tmp);
        if let Err(e) = made {
            crate::store::remove_tree(&tmp);
            return Err(e);
        }
        let walked = Root::open(&tmp).at(&tmp).and_then(|t| walk(&t, &mut base));
        crate::store::remove_tree(&tmp);
        walked?;
    }
    let mut now = BTreeMap::new();
    walk(&rootfs, &mut now)?;
    let mut out = Vec::new();
    for (p, m) in &now {
        match base.get(p) {
            None => out.push(('A', p.clone())),
            Some(b) if b != m => out.push(('C', p.clone())),
            _ => {}
        }
    }
    for p in base.keys() {
        if !now.contains_key(p) {
            // Inside a deleted directory only the directory is reported.
            let parent_gone = Path::new(p).ancestors().skip(1).any(|a| {
                let a = a.to_string_lossy();
                a.len() > 1 && base.contains_key(a.as_ref()) && !now.contains_key(a.as_ref())
            });
            if !parent_gone {
                out.push(('D', p.clone()));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// The size of a container's writable layer, as `ps -s` shows it: its
/// overlay upper dir, or (a private copy of the image) the files `diff`
/// reports added or changed.
pub fn writable_size(store: &Store, r: &Record) -> u64 {
    match &r.rootfs {
        crate::runtime::rootfs::RootfsSource::Overlay { upper, .. } => tree_size(upper),
        crate::runtime::rootfs::RootfsSource::Dir(root) => diff(store, r)
            .unwrap_or_default()
            .iter()
            .filter(|(k, _)| *k != 'D')
            .filter_map(|(_, p)| root.join(p.trim_start_matches('/')).symlink_metadata().ok())
            .filter(|m| !m.is_dir())
            .map(|m| m.len())
            .sum(),
    }
}

/// The bytes of the files under `p` (their lengths, not blocks).
pub fn tree_size(p: &std::path::Path) -> u64 {
    let Ok(md) = p.symlink_metadata() else {
        return 0;
    };
    if !md.is_dir() {
        return md.len();
    }
    std::fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| tree_size(&e.path())).sum())
        .unwrap_or(0)
}
