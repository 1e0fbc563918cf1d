//! `diff`: what a container changed, as Docker reports it — `A` added, `C`
//! changed, `D` deleted — by comparing its root filesystem with a fresh
//! application of its image's layers.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::container::Record;
use crate::error::{Error, Result};
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

fn walk(root: &Path, rel: &str, out: &mut BTreeMap<String, Meta>) {
    let Ok(rd) = std::fs::read_dir(root.join(rel.trim_start_matches('/'))) else {
        return;
    };
    for e in rd.flatten() {
        let path = format!("{rel}/{}", e.file_name().to_string_lossy());
        if SKIP.contains(&path.as_str()) {
            continue;
        }
        let Ok(md) = e.path().symlink_metadata() else {
            continue;
        };
        let is_dir = md.is_dir();
        out.insert(
            path.clone(),
            Meta {
                kind: md.mode() & libc::S_IFMT,
                mode: md.mode() & 0o7777,
                uid: md.uid(),
                gid: md.gid(),
                size: if is_dir { 0 } else { md.size() },
                mtime: md.mtime(),
                link: std::fs::read_link(e.path()).ok(),
            },
        );
        if is_dir {
            walk(root, &path, out);
        }
    }
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
        let ran = crate::userns::run_mapped(store.root(), &mapping, &["diff", &r.id, o]);
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
    let rootfs = crate::container::files::rootfs_dir(r)?;
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
        walk(&tmp, "", &mut base);
        crate::store::remove_tree(&tmp);
    }
    let mut now = BTreeMap::new();
    walk(&rootfs, "", &mut now);
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
