//! `build --output type=tar|local`: a built image's filesystem, its layer
//! snapshots merged as overlayfs would (`tree::Merged`: whiteouts hide,
//! opaque directories cut off what is below), written as one tar stream or
//! unpacked into a directory. Devices, fifos and sockets are left out, as
//! the build never makes them.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::tree::{Kind, Merged, Tree};
use crate::error::{Error, IoContext, Result};
use crate::image::Image;
use crate::store::Store;

/// Directories nested deeper than this are refused (the walk keeps one
/// path per level).
const MAX_DEPTH: usize = 4096;

/// Writes `img`'s merged filesystem to `out` as a tar archive and returns
/// `out`.
pub fn flatten<W: Write>(store: &Store, img: &Image, out: W) -> Result<W> {
    let lowers = crate::store::snapshots::prepare(store, img)?;
    let tree = Merged::new(&lowers).at(lowers.first().cloned().unwrap_or_default())?;
    let mut b = tar::Builder::new(out);
    // Depth-first, names sorted, so the archive is the same every time.
    let mut todo: Vec<(PathBuf, usize)> = tree
        .list(Path::new(""))
        .at("/")?
        .into_iter()
        .rev()
        .map(|n| (PathBuf::from(n), 1))
        .collect();
    while let Some((rel, depth)) = todo.pop() {
        let Some(node) = tree.stat(&rel) else {
            continue;
        };
        let mut h = tar::Header::new_gnu();
        h.set_mode(node.mode);
        h.set_uid(node.uid.into());
        h.set_gid(node.gid.into());
        h.set_mtime(node.mtime.max(0) as u64);
        h.set_size(0);
        let done = match &node.kind {
            Kind::Dir => {
                if depth > MAX_DEPTH {
                    return Err(Error::Invalid(format!(
                        "{}: directories nested deeper than {MAX_DEPTH}",
                        rel.display()
                    )));
                }
                h.set_entry_type(tar::EntryType::Directory);
                let names = tree.list(&rel).at(&rel)?;
                todo.extend(names.into_iter().rev().map(|n| (rel.join(n), depth + 1)));
                b.append_data(&mut h, &rel, std::io::empty())
            }
            Kind::File => {
                let f = tree.open(&rel).at(&rel)?;
                let len = f.metadata().at(&rel)?.len();
                h.set_entry_type(tar::EntryType::Regular);
                h.set_size(len);
                // Exactly `len` bytes even if the file changes meanwhile.
                let data = std::io::Read::take(
                    std::io::Read::chain(std::io::Read::take(f, len), std::io::repeat(0)),
                    len,
                );
                b.append_data(&mut h, &rel, data)
            }
            Kind::Symlink(target) => {
                h.set_entry_type(tar::EntryType::Symlink);
                b.append_link(&mut h, &rel, target)
            }
            Kind::Other => Ok(()),
        };
        done.at(&rel)?;
    }
    b.into_inner().at("tar")
}

/// Writes `img`'s merged filesystem into directory `dest` (made if
/// missing), files owned by the caller as Docker's local exporter does.
/// The archive goes through a temp file in the store, and is unpacked by
/// the tar reader, which keeps every path inside `dest`.
pub fn unpack_into(store: &Store, img: &Image, dest: &Path) -> Result<()> {
    std::fs::create_dir_all(dest).at(dest)?;
    let tmp = store.tmp_path("output");
    let result = (|| {
        let f = std::fs::File::create(&tmp).at(&tmp)?;
        flatten(store, img, std::io::BufWriter::new(f))?
            .flush()
            .at(&tmp)?;
        let mut ar =
            tar::Archive::new(std::io::BufReader::new(std::fs::File::open(&tmp).at(&tmp)?));
        ar.set_preserve_permissions(true);
        ar.set_preserve_mtime(true);
        ar.set_overwrite(true);
        ar.unpack(dest).at(dest)
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}
