//! A container's exit status, kept where a full disk cannot lose it.
//! `state.json` is replaced whole, which needs free blocks; when the disk is
//! full at the moment the container ends, that write fails and `refresh`
//! would later take the dead container for killed (137). So a small file is
//! reserved (written and synced) when the container starts, while there is
//! room, and overwritten in place when it ends; `refresh` reads it when the
//! record has no status. An `--rm` container's reservation is not synced:
//! nothing of it survives, and a crash leaves a record with no status,
//! which reads as killed, as it was.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use crate::error::{IoContext, Result};
use crate::store::Store;

/// Bytes reserved: enough for any status and a newline.
const WIDTH: usize = 16;

fn path(store: &Store, id: &str) -> PathBuf {
    store.containers_dir().join(id).join("exit-code")
}

/// Reserves the file, blank, before the container starts (a status left
/// from an earlier run goes with it); synced when `durable`.
pub fn reserve(store: &Store, id: &str, durable: bool) -> Result<()> {
    let p = path(store, id);
    let mut f = File::create(&p).at(&p)?;
    f.write_all(&[b' '; WIDTH]).at(&p)?;
    if durable {
        f.sync_all().at(&p)?;
    }
    Ok(())
}

/// Writes `code` over the reserved bytes (no new blocks are needed).
pub fn record(store: &Store, id: &str, code: i32) -> Result<()> {
    let p = path(store, id);
    let f = File::options().write(true).open(&p).at(&p)?;
    let text = format!("{code:<width$}\n", width = WIDTH - 1);
    f.write_all_at(text.as_bytes(), 0).at(&p)
}

/// The status recorded since the container last started, if any.
pub fn recorded(store: &Store, id: &str) -> Option<i32> {
    let mut text = String::new();
    File::open(path(store, id))
        .ok()?
        .take(WIDTH as u64)
        .read_to_string(&mut text)
        .ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_record_read() {
        let t = tempfile::tempdir().unwrap();
        let s = Store::open(t.path()).unwrap();
        std::fs::create_dir_all(s.containers_dir().join("c")).unwrap();
        assert_eq!(recorded(&s, "c"), None);
        reserve(&s, "c", true).unwrap();
        assert_eq!(recorded(&s, "c"), None);
        record(&s, "c", 0).unwrap();
        assert_eq!(recorded(&s, "c"), Some(0));
        reserve(&s, "c", false).unwrap();
        assert_eq!(recorded(&s, "c"), None);
    }
}
