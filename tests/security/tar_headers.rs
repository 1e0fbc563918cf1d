//! Tar headers that balloon in memory: GNU long names and link targets
//! and PAX headers inside a layer, at `import` and at unpack (`run` of a
//! loaded image). Each fails its one operation with one line naming the
//! bound, and the store is as before.

use std::io::Write;

use super::store::{both, config_with, docker_archive, run_measuring_peak, sha256, store_state};
use crate::common::*;

/// Writes a layer tar whose first member is an extension header of `kind`
/// with `size` bytes of `fill`, then one ordinary file.
fn write_bomb(w: &mut impl Write, kind: tar::EntryType, size: u64, fill: u8) {
    let mut h = tar::Header::new_gnu();
    h.set_path("././@LongLink").unwrap();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    w.write_all(h.as_bytes()).unwrap();
    let chunk = vec![fill; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        w.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    w.write_all(&vec![0u8; ((512 - size % 512) % 512) as usize])
        .unwrap();
    let mut b = tar::Builder::new(Vec::new());
    let mut f = tar::Header::new_gnu();
    f.set_size(2);
    f.set_mode(0o644);
    f.set_cksum();
    b.append_data(&mut f, "f", &b"hi"[..]).unwrap();
    w.write_all(&b.into_inner().unwrap()).unwrap();
}

fn plain_bomb(kind: tar::EntryType, size: u64, fill: u8) -> Vec<u8> {
    let mut v = Vec::new();
    write_bomb(&mut v, kind, size, fill);
    v
}

/// What a refused operation must leave as it was: the listing, the index,
/// the blobs and snapshots (lock files aside), and nothing in `tmp/`.
fn snapshot_of_store(s: &Scenario) -> (String, String, usize, usize) {
    let count = |d: &str| {
        std::fs::read_dir(s.store().join(d))
            .map(|r| {
                r.flatten()
                    .filter(|e| !e.file_name().to_string_lossy().ends_with(".lock"))
                    .count()
            })
            .unwrap_or(0)
    };
    let (images, index) = store_state(s);
    (images, index, count("blobs/sha256"), count("snapshots"))
}

fn assert_untouched(s: &Scenario, before: &(String, String, usize, usize)) {
    assert_eq!(&snapshot_of_store(s), before);
    let tmp = s.store().join("tmp");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .map(|r| r.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left in tmp/: {left:?}");
}

/// Issue 14, left over: `import` read a GNU long name (or long link target,
/// or PAX header) whole, however large. A 256 MiB name (a gzip of ~256 KB)
/// is now refused at its header: the peak stays small.
#[test]
fn import_refuses_oversized_tar_headers_without_reading_them() {
    let s = Scenario::new();
    s.tug(["images"]).succeeds();
    let before = snapshot_of_store(&s);
    let bomb = s.path().join("bomb.tar.gz");
    {
        let f = std::fs::File::create(&bomb).unwrap();
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        write_bomb(&mut gz, tar::EntryType::GNULongName, 256 << 20, b'a');
        gz.finish().unwrap();
    }
    assert!(std::fs::metadata(&bomb).unwrap().len() < 4 << 20);
    let (out, peak_kb) = run_measuring_peak(s.tug(["import", bomb.to_str().unwrap(), "bomb:1"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(125), "{err}");
    assert!(
        err.starts_with("tug: ") && err.lines().count() == 1,
        "{err}"
    );
    assert!(
        err.contains("GNU long name of 268435456 bytes, more than the 65536"),
        "{err}"
    );
    assert!(peak_kb > 0, "VmHWM was never read");
    eprintln!("import of a 256 MiB long name peaked at {peak_kb} kB");
    assert!(peak_kb < 100 * 1024, "import peaked at {peak_kb} kB");
    assert_untouched(&s, &before);

    for (kind, size, want) in [
        (
            tar::EntryType::GNULongLink,
            1 << 20,
            "GNU long link target of 1048576 bytes",
        ),
        (
            tar::EntryType::XHeader,
            2 << 20,
            "PAX header of 2097152 bytes",
        ),
    ] {
        let path = s.path().join("bomb.tar");
        std::fs::write(&path, plain_bomb(kind, size, b'7')).unwrap();
        s.tug(["import", path.to_str().unwrap(), "bomb:1"])
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains(want);
        assert_untouched(&s, &before);
    }
    // A PAX header within the size bound but of too many records.
    let mut recs = Vec::new();
    for i in 0..5000 {
        let rec = format!("k{i:05}=v\n");
        recs.extend_from_slice(format!("{} {rec}", rec.len() + 3).as_bytes());
    }
    let mut tar = Vec::new();
    {
        let mut h = tar::Header::new_ustar();
        h.set_path("pax").unwrap();
        h.set_entry_type(tar::EntryType::XHeader);
        h.set_size(recs.len() as u64);
        h.set_cksum();
        tar.extend_from_slice(h.as_bytes());
        tar.extend_from_slice(&recs);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
        tar.extend_from_slice(&plain_bomb(tar::EntryType::Regular, 0, 0)[512..]);
    }
    let path = s.path().join("records.tar");
    std::fs::write(&path, &tar).unwrap();
    s.tug(["import", path.to_str().unwrap(), "bomb:1"])
        .fails()
        .code_is(125)
        .one_line_error()
        .stderr_contains("more than 4096 records");
    assert_untouched(&s, &before);
}

/// `load` stores layers as they are; the bound holds where the layer is
/// unpacked (`run`), root and rootless: one line naming the layer, no
/// snapshot kept.
#[test]
fn unpack_refuses_a_long_name_bomb_and_names_the_layer() {
    for s in both() {
        let layer = plain_bomb(tar::EntryType::GNULongName, 1 << 20, b'b');
        let digest = sha256(&layer);
        let config = config_with(std::slice::from_ref(&digest));
        let path = s.path().join("bomb-image.tar");
        docker_archive(&path, "bomb:1", &config, &[layer]);
        s.tug(["load", "-i", path.to_str().unwrap()]).succeeds();
        let before = snapshot_of_store(&s);
        s.tug(["run", "--rm", "--network", "none", "bomb:1", "true"])
            .fails()
            .code_is(125)
            .one_line_error()
            .stderr_contains(&format!("layer {digest}"))
            .stderr_contains("GNU long name of 1048576 bytes, more than the 65536");
        assert_untouched(&s, &before);
        // The store still works.
        s.tug(["rmi", "bomb:1"]).succeeds();
    }
}
