//! Layer extraction against hostile tars, whiteouts in overlay form, and
//! snapshots unpacked once per chain ID.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::*;
use tug::layer::{apply, ApplyMode, ApplyOptions};

/// A tar entry written with raw name bytes, so names the tar crate would
/// refuse (`../x`, absolute paths) can be built.
fn raw(b: &mut tar::Builder<Vec<u8>>, name: &str, kind: tar::EntryType, link: &str, data: &[u8]) {
    raw_bytes(b, name.as_bytes(), kind, link, data)
}

fn raw_bytes(
    b: &mut tar::Builder<Vec<u8>>,
    name: &[u8],
    kind: tar::EntryType,
    link: &str,
    data: &[u8],
) {
    let mut h = tar::Header::new_gnu();
    {
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name);
        old.linkname[..link.len()].copy_from_slice(link.as_bytes());
    }
    h.set_entry_type(kind);
    h.set_mode(0o644);
    h.set_size(data.len() as u64);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

fn file(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    raw(b, name, tar::EntryType::Regular, "", data)
}

/// A world with a snapshot dir and, beside it, a sentinel tree that no
/// layer may touch.
struct World {
    _t: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

impl World {
    fn new() -> World {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("snapshot");
        let outside = t.path().join("outside");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(outside.join("dir")).unwrap();
        std::fs::write(outside.join("secret"), b"secret").unwrap();
        std::fs::write(outside.join("dir/keep"), b"keep").unwrap();
        World {
            _t: t,
            root,
            outside,
        }
    }

    /// Every path outside with its content, mode and link count.
    fn sentinel(&self) -> BTreeMap<String, (Vec<u8>, u32, u64)> {
        fn walk(p: &Path, base: &Path, out: &mut BTreeMap<String, (Vec<u8>, u32, u64)>) {
            for e in std::fs::read_dir(p).unwrap().flatten() {
                let md = e.path().symlink_metadata().unwrap();
                let data = if md.is_file() {
                    std::fs::read(e.path()).unwrap()
                } else {
                    vec![]
                };
                out.insert(
                    e.path().strip_prefix(base).unwrap().display().to_string(),
                    (data, md.mode(), md.nlink()),
                );
                if md.is_dir() {
                    walk(&e.path(), base, out);
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.outside, &self.outside, &mut out);
        out
    }

    /// Applies the layer; returns whether it was accepted, and checks that
    /// nothing outside the snapshot changed either way.
    fn apply(&self, layer: Vec<u8>, mode: ApplyMode) -> bool {
        let before = self.sentinel();
        let made = apply(&layer[..], &self.root, ApplyOptions::for_current_user(mode));
        if let Err(e) = &made {
            eprintln!("refused: {e}");
        }
        let ok = made.is_ok();
        assert_eq!(
            before,
            self.sentinel(),
            "something outside the snapshot changed"
        );
        ok
    }
}

fn tar_of(f: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    f(&mut b);
    b.into_inner().unwrap()
}

#[test]
fn absolute_names_land_inside() {
    let w = World::new();
    let target = format!("{}/secret", w.outside.display());
    assert!(w.apply(tar_of(|b| file(b, &target, b"pwned")), ApplyMode::Flatten));
    assert_eq!(
        std::fs::read(w.root.join(target.trim_start_matches('/'))).unwrap(),
        b"pwned"
    );
}

#[test]
fn dotdot_names_are_refused() {
    let w = World::new();
    assert!(!w.apply(
        tar_of(|b| file(b, "../outside/secret", b"pwned")),
        ApplyMode::Flatten
    ));
    assert!(!w.apply(
        tar_of(|b| file(b, "a/../../outside/x", b"pwned")),
        ApplyMode::Flatten
    ));
}

#[test]
fn symlinked_parent_stays_inside() {
    let w = World::new();
    let out = w.outside.display().to_string();
    let layer = tar_of(|b| {
        raw(b, "evil", tar::EntryType::Symlink, &out, b"");
        file(b, "evil/pwned", b"pwned");
        raw(
            b,
            "rel",
            tar::EntryType::Symlink,
            "../../../../../../../outside",
            b"",
        );
        file(b, "rel/secret", b"pwned");
    });
    w.apply(layer, ApplyMode::Flatten);
    assert!(!w.outside.join("pwned").exists());
    // A symlink to the host's /etc, then a file through it: refused (the
    // root has no etc/) or written inside, never into the host's /etc.
    let name = format!("tug-escape-{}", std::process::id());
    for with_etc in [false, true] {
        let accepted = w.apply(
            tar_of(|b| {
                if with_etc {
                    file(b, "real-etc/x", b"");
                    raw(b, "etc2", tar::EntryType::Symlink, "/real-etc", b"");
                } else {
                    raw(b, "etc2", tar::EntryType::Symlink, "/etc", b"");
                }
                file(b, &format!("etc2/{name}"), b"pwned");
            }),
            ApplyMode::Flatten,
        );
        assert!(
            !Path::new("/etc").join(&name).exists(),
            "wrote into the host's /etc"
        );
        assert_eq!(accepted, with_etc);
        let _ = std::fs::remove_file(w.root.join("etc2"));
    }
    assert!(w.root.join("real-etc").join(&name).is_file(), "contained");
}

#[test]
fn symlink_then_file_does_not_write_through() {
    let w = World::new();
    let secret = format!("{}/secret", w.outside.display());
    let layer = tar_of(|b| {
        raw(b, "f", tar::EntryType::Symlink, &secret, b"");
        file(b, "f", b"pwned");
    });
    assert!(w.apply(layer, ApplyMode::Flatten));
    assert_eq!(std::fs::read(w.root.join("f")).unwrap(), b"pwned");
}

#[test]
fn hardlinks_cannot_reach_outside() {
    let w = World::new();
    let secret = format!("{}/secret", w.outside.display());
    // An absolute target resolves inside the root, where it does not exist.
    assert!(!w.apply(
        tar_of(|b| raw(b, "h", tar::EntryType::Link, &secret, b"")),
        ApplyMode::Flatten
    ));
    assert!(!w.apply(
        tar_of(|b| raw(b, "h", tar::EntryType::Link, "../outside/secret", b"")),
        ApplyMode::Flatten
    ));
    // Through a symlinked directory, likewise.
    let out = w.outside.display().to_string();
    w.apply(
        tar_of(|b| {
            raw(b, "d", tar::EntryType::Symlink, &out, b"");
            raw(b, "h2", tar::EntryType::Link, "d/secret", b"");
        }),
        ApplyMode::Flatten,
    );
    // To a symlink that points out: the link names the symlink itself, and
    // writing the link's name later replaces it rather than writing out.
    w.apply(
        tar_of(|b| {
            raw(b, "s", tar::EntryType::Symlink, &secret, b"");
            raw(b, "h3", tar::EntryType::Link, "s", b"");
            file(b, "h3", b"pwned");
        }),
        ApplyMode::Flatten,
    );
    // A link inside the root is fine.
    assert!(w.apply(
        tar_of(|b| {
            file(b, "a", b"x");
            raw(b, "b", tar::EntryType::Link, "a", b"");
        }),
        ApplyMode::Flatten
    ));
    assert_eq!(std::fs::metadata(w.root.join("b")).unwrap().nlink(), 2);
}

#[test]
fn whiteouts_cannot_delete_outside() {
    let w = World::new();
    assert!(!w.apply(
        tar_of(|b| file(b, "../outside/.wh.secret", b"")),
        ApplyMode::Flatten
    ));
    let out = w.outside.display().to_string();
    w.apply(
        tar_of(|b| {
            raw(b, "d", tar::EntryType::Symlink, &out, b"");
            file(b, "d/.wh.secret", b"");
            file(b, "d/dir/.wh..wh..opq", b"");
        }),
        ApplyMode::Flatten,
    );
    w.apply(
        tar_of(|b| {
            raw(b, "d2", tar::EntryType::Symlink, &out, b"");
            file(b, "d2/.wh.secret", b"");
        }),
        ApplyMode::Overlay,
    );
}

#[test]
fn flatten_applies_whiteouts_and_opaque_dirs() {
    let w = World::new();
    w.apply(
        tar_of(|b| {
            file(b, "gone", b"1");
            file(b, "dir/old", b"1");
            file(b, "keep", b"1");
        }),
        ApplyMode::Flatten,
    );
    w.apply(
        tar_of(|b| {
            file(b, ".wh.gone", b"");
            file(b, "dir/new", b"2");
            file(b, "dir/.wh..wh..opq", b"");
        }),
        ApplyMode::Flatten,
    );
    assert!(!w.root.join("gone").exists());
    assert!(w.root.join("keep").exists());
    assert!(!w.root.join("dir/old").exists());
    assert!(
        w.root.join("dir/new").exists(),
        "the layer's own files survive its opaque marker"
    );
}

/// As root: whiteouts in overlay form, owners kept, and a real overlay mount
/// of two snapshots hides what the upper one deleted.
#[test]
fn overlay_form_mounts_right() {
    if !is_root() {
        skip!("overlay whiteouts and owners need root");
    }
    let t = tempfile::tempdir().unwrap();
    let (l1, l2, m) = (t.path().join("l1"), t.path().join("l2"), t.path().join("m"));
    for d in [&l1, &l2, &m] {
        std::fs::create_dir_all(d).unwrap();
    }
    let opts = ApplyOptions::for_current_user(ApplyMode::Overlay);
    let base = tar_of(|b| {
        file(b, "gone", b"1");
        file(b, "dir/old", b"1");
        let mut h = tar::Header::new_gnu();
        h.set_path("www").unwrap();
        h.set_mode(0o640);
        h.set_uid(33);
        h.set_gid(33);
        h.set_size(2);
        h.set_cksum();
        b.append(&h, &b"hi"[..]).unwrap();
    });
    apply(&base[..], &l1, opts).unwrap();
    apply(
        &tar_of(|b| {
            file(b, ".wh.gone", b"");
            file(b, "dir/.wh..wh..opq", b"");
            file(b, "dir/new", b"2");
        })[..],
        &l2,
        opts,
    )
    .unwrap();
    let md = std::fs::metadata(l1.join("www")).unwrap();
    assert_eq!((md.uid(), md.gid(), md.mode() & 0o7777), (33, 33, 0o640));
    let wh = std::fs::symlink_metadata(l2.join("gone")).unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(&wh.file_type()) && wh.rdev() == 0);
    let script = format!(
        "mount -t overlay overlay -o lowerdir={}:{} {} && ls -A {} {}/dir",
        l2.display(),
        l1.display(),
        m.display(),
        m.display(),
        m.display()
    );
    let out = std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("gone") && !text.contains("old"), "{text}");
    assert!(text.contains("www") && text.contains("new"), "{text}");
}

/// Snapshots are unpacked once per chain ID, shared by images with the same
/// layer, and a wrong DiffID keeps nothing.
#[test]
fn snapshots_once_per_chain_id() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let t = tempfile::tempdir().unwrap();
    let store = tug::store::Store::open(t.path()).unwrap();
    let opts = tug::image::import::ImportOptions::default();
    for name in ["a", "b"] {
        let r = tug::reference::Reference::parse(name).unwrap();
        tug::image::import::import(&store, &mut std::fs::File::open(&tar).unwrap(), &[r], &opts)
            .unwrap();
    }
    let a = tug::image::resolve(&store, "a").unwrap();
    let b = tug::image::resolve(&store, "b").unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (s, a) = (store.clone(), a.clone());
            std::thread::spawn(move || tug::store::snapshots::prepare(&s, &a).unwrap())
        })
        .collect();
    let dirs: Vec<Vec<PathBuf>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(dirs.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(tug::store::snapshots::prepare(&store, &b).unwrap(), dirs[0]);
    assert!(dirs[0][0].join("bin/busybox").is_file());
    let snaps = std::fs::read_dir(store.snapshots_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .count();
    assert_eq!(snaps, 1);
    // A DiffID that does not match the layer: refused, nothing kept.
    let mut bad = a.clone();
    let mut rootfs = bad.config.rootfs().clone();
    rootfs.set_diff_ids(vec![format!("sha256:{}", "0".repeat(64))]);
    bad.config.set_rootfs(rootfs);
    assert!(tug::store::snapshots::prepare(&store, &bad).is_err());
    let snaps = std::fs::read_dir(store.snapshots_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .count();
    assert_eq!(snaps, 1);
    assert_eq!(std::fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
}

/// Rootless, an image's files of owners 0, 33 and 999 keep those owners
/// inside the container (layers are applied inside a user namespace with the
/// subordinate-id mapping), and `rm` removes them again.
#[test]
fn rootless_image_keeps_owners() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    let local = s.path().join("bb.tar");
    std::fs::copy(&tar, &local).unwrap();
    s.tug(["import", "bb.tar", "bb"]).succeeds();
    s.tug([
        "run",
        "--rm",
        "bb",
        "stat",
        "-c",
        "%u:%g %n",
        "/bin/busybox",
        "/var/www/data/index.html",
        "/home/svc/note",
    ])
    .succeeds()
    .stdout_is("0:0 /bin/busybox\n33:33 /var/www/data/index.html\n999:999 /home/svc/note\n");
    s.tug(["create", "--name", "c", "bb", "true"]).succeeds();
    s.tug(["rm", "c"]).succeeds();
    assert_eq!(
        std::fs::read_dir(s.store().join("containers"))
            .unwrap()
            .count(),
        0
    );
}

fn snapshot_dirs(s: &Scenario) -> usize {
    std::fs::read_dir(s.store().join("snapshots"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .count()
}

/// Snapshots live as long as an image or a container needs them.
#[test]
fn snapshots_go_with_the_last_image_using_them() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    if !is_root() {
        skip!("containers use snapshots as root");
    }
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    s.tug(["run", "--rm", "bb", "true"]).succeeds();
    assert_eq!(snapshot_dirs(&s), 1);
    s.tug(["create", "--name", "keep", "bb", "true"]).succeeds();
    s.tug(["rmi", "-f", "bb"]).succeeds();
    assert_eq!(snapshot_dirs(&s), 1, "a container still uses the snapshot");
    s.tug(["start", "-a", "keep"]).succeeds();
    s.tug(["rm", "keep"]).succeeds();
    s.tug(["image", "prune", "-a", "-f"]).succeeds();
    assert_eq!(snapshot_dirs(&s), 0);
}

/// A directory entry later replaced by a symlink to the outside: the
/// directory's deferred mode must not be applied through the symlink.
#[test]
fn deferred_dir_modes_do_not_follow_symlinks() {
    let w = World::new();
    let out = format!("{}/dir", w.outside.display());
    for mode in [ApplyMode::Flatten, ApplyMode::Overlay] {
        let layer = tar_of(|b| {
            let mut h = tar::Header::new_gnu();
            h.set_path("d").unwrap();
            h.set_entry_type(tar::EntryType::Directory);
            h.set_mode(0o777);
            h.set_size(0);
            h.set_cksum();
            b.append(&h, &b""[..]).unwrap();
            raw(b, "d", tar::EntryType::Symlink, &out, b"");
        });
        w.apply(layer, mode);
        let _ = std::fs::remove_file(w.root.join("d"));
    }
}

/// A PAX extended header for the next entry.
fn pax(b: &mut tar::Builder<Vec<u8>>, records: &[(&str, &[u8])]) {
    let mut data = Vec::new();
    for (k, v) in records {
        let body = k.len() + v.len() + 3; // ' ', '=', '\n'
        let mut len = body + 1;
        while len.to_string().len() + body != len {
            len = body + len.to_string().len();
        }
        data.extend_from_slice(format!("{len} {k}=").as_bytes());
        data.extend_from_slice(v);
        data.push(b'\n');
    }
    let mut h = tar::Header::new_ustar();
    h.set_path("PaxHeaders/x").unwrap();
    h.set_entry_type(tar::EntryType::XHeader);
    h.set_size(data.len() as u64);
    h.set_cksum();
    b.append(&h, &data[..]).unwrap();
}

/// An entry with owner, mode and kind set.
fn node(
    b: &mut tar::Builder<Vec<u8>>,
    name: &str,
    kind: tar::EntryType,
    (uid, gid, mode): (u64, u64, u32),
    data: &[u8],
) {
    let mut h = tar::Header::new_gnu();
    h.set_path(name).unwrap();
    h.set_entry_type(kind);
    h.set_uid(uid);
    h.set_gid(gid);
    h.set_mode(mode);
    h.set_mtime(1_000_000_000);
    h.set_size(data.len() as u64);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

fn xattr(p: &Path, name: &str) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 4096];
    let n = rustix::fs::lgetxattr(p, name, &mut buf[..]).ok()?;
    buf.truncate(n);
    Some(buf)
}

/// As root: owners, modes (set-id bits too), times, xattrs, fifos and
/// device nodes are kept; a read-only directory still gets its children;
/// overlay's own xattrs are never taken from a layer.
#[test]
fn root_keeps_owners_modes_and_xattrs() {
    if !is_root() {
        skip!("owners and devices need root");
    }
    let w = World::new();
    let layer = tar_of(|b| {
        use tar::EntryType as E;
        node(b, "bin/su", E::Regular, (0, 0, 0o4755), b"su");
        pax(
            b,
            &[
                ("SCHILY.xattr.user.note", b"hello"),
                ("SCHILY.xattr.trusted.overlay.redirect", b"/etc"),
            ],
        );
        node(b, "www/index", E::Regular, (33, 33, 0o640), b"hi");
        node(b, "ro", E::Directory, (999, 999, 0o555), b"");
        node(b, "ro/inner", E::Regular, (999, 999, 0o600), b"x");
        pax(b, &[("uid", b"100000"), ("gid", b"100001")]);
        node(b, "big", E::Regular, (0, 0, 0o644), b"");
        node(b, "pipe", E::Fifo, (33, 33, 0o620), b"");
        let mut h = tar::Header::new_gnu();
        h.set_path("null").unwrap();
        h.set_entry_type(E::Char);
        h.set_device_major(1).unwrap();
        h.set_device_minor(3).unwrap();
        h.set_mode(0o666);
        h.set_size(0);
        h.set_cksum();
        pax(b, &[("SCHILY.xattr.trusted.dev", b"yes")]);
        b.append(&h, &b""[..]).unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(E::Symlink);
        h.set_uid(999);
        h.set_gid(999);
        h.set_size(0);
        b.append_link(&mut h, "link", "www/index").unwrap();
    });
    assert!(w.apply(layer, ApplyMode::Overlay));
    let md = |p: &str| std::fs::symlink_metadata(w.root.join(p)).unwrap();
    let own = |p: &str| {
        let m = md(p);
        (m.uid(), m.gid(), m.mode() & 0o7777)
    };
    assert_eq!(own("bin/su"), (0, 0, 0o4755));
    assert_eq!(own("www/index"), (33, 33, 0o640));
    assert_eq!(md("www/index").mtime(), 1_000_000_000);
    assert_eq!(own("ro"), (999, 999, 0o555));
    assert_eq!(md("ro").mtime(), 1_000_000_000);
    assert_eq!(own("ro/inner"), (999, 999, 0o600));
    assert_eq!((md("big").uid(), md("big").gid()), (100000, 100001));
    assert_eq!(own("pipe"), (33, 33, 0o620));
    let null = md("null");
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(
        &null.file_type()
    ));
    assert_eq!(null.rdev(), libc::makedev(1, 3));
    assert_eq!((md("link").uid(), md("link").gid()), (999, 999));
    let index = w.root.join("www/index");
    assert_eq!(xattr(&index, "user.note").as_deref(), Some(&b"hello"[..]));
    assert_eq!(xattr(&index, "trusted.overlay.redirect"), None);
    assert_eq!(
        xattr(&w.root.join("null"), "trusted.dev").as_deref(),
        Some(&b"yes"[..])
    );
}

/// The first subordinate id of `TEST_USER` in /etc/subuid or /etc/subgid.
fn subordinate_start(file: &str) -> Option<u32> {
    std::fs::read_to_string(file).ok()?.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() == 3 && f[0] == TEST_USER).then(|| f[1].parse().ok())?
    })
}

/// Rootless with subordinate ids, snapshots are unpacked inside a user
/// namespace: files of uid 33 and 999 land on host ids subuid_start+32 and
/// +998, and removing the image removes them again.
#[test]
fn rootless_snapshots_map_owners_to_subordinate_ids() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    let (Some(sub_uid), Some(sub_gid)) = (
        subordinate_start("/etc/subuid"),
        subordinate_start("/etc/subgid"),
    ) else {
        skip!("{TEST_USER} has no subordinate ids");
    };
    if !have("newuidmap") {
        skip!("newuidmap (uidmap) is not installed");
    }
    let (uid, gid) = user_ids(TEST_USER).unwrap();
    std::fs::copy(&tar, s.path().join("bb.tar")).unwrap();
    s.tug(["import", "bb.tar", "bb"]).succeeds();
    let out = s.tug(["_prepare", "bb"]).succeeds();
    let dirs: Vec<PathBuf> = out.stdout().lines().map(PathBuf::from).collect();
    assert_eq!(dirs.len(), 1, "{}", out.dump());
    let owner = |p: &str| {
        let m = std::fs::symlink_metadata(dirs[0].join(p)).unwrap();
        (m.uid(), m.gid())
    };
    assert_eq!(owner("bin/busybox"), (uid, gid));
    assert_eq!(
        owner("var/www/data/index.html"),
        (sub_uid + 32, sub_gid + 32)
    );
    assert_eq!(owner("home/svc/note"), (sub_uid + 998, sub_gid + 998));
    assert_eq!(snapshot_dirs(&s), 1);
    // Prepared once: a second prepare reuses it.
    s.tug(["_prepare", "bb"])
        .succeeds()
        .stdout_is(&out.stdout());
    assert_eq!(snapshot_dirs(&s), 1);
    s.tug(["rmi", "bb"]).succeeds();
    s.tug(["image", "prune", "-a", "-f"]).succeeds();
    assert_eq!(snapshot_dirs(&s), 0);
    assert!(!dirs[0].exists());
}

/// Stores an image made of `layers` (plain tars; every other one stored
/// gzipped, to exercise decompression) under `name`.
fn store_image(store: &tug::store::Store, name: &str, layers: &[Vec<u8>]) {
    use sha2::Digest as _;
    use std::io::Write as _;
    let mut diff_ids = Vec::new();
    let mut descs = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        diff_ids.push(format!("sha256:{}", hex::encode(sha2::Sha256::digest(l))));
        let blob = if i % 2 == 1 {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(l).unwrap();
            gz.finish().unwrap()
        } else {
            l.clone()
        };
        let d = store.put_blob(&blob).unwrap();
        descs.push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.layer.v1.tar",
            "digest": d.to_string(),
            "size": blob.len(),
        }));
    }
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }))
    .unwrap();
    let c = store.put_blob(&config).unwrap();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": c.to_string(),
            "size": config.len(),
        },
        "layers": descs,
    }))
    .unwrap();
    let m = store.put_blob(&manifest).unwrap();
    let desc: oci_spec::image::Descriptor = serde_json::from_value(serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": m.to_string(),
        "size": manifest.len(),
    }))
    .unwrap();
    let r = tug::reference::Reference::parse(name).unwrap();
    store.tag_image(&desc, &[r]).unwrap();
}

/// Three layers: a base, one deleting a file and making a directory opaque,
/// one adding a file.
fn three_layers() -> Vec<Vec<u8>> {
    vec![
        tar_of(|b| {
            file(b, "gone", b"1");
            file(b, "dir/old", b"1");
            file(b, "keep", b"1");
        }),
        tar_of(|b| {
            file(b, ".wh.gone", b"");
            file(b, "dir/.wh..wh..opq", b"");
            file(b, "dir/new", b"2");
        }),
        tar_of(|b| file(b, "top", b"3")),
    ]
}

/// `ls -A` of the merged view of `lower` (overlay, in a private mount
/// namespace; `userns` adds a user namespace and `userxattr`).
fn merged_listing(s: &Scenario, lower: &[&str], userns: bool) -> Outcome {
    let m = s.path().join("merged");
    std::fs::create_dir_all(&m).unwrap();
    let script = format!(
        "mount -t overlay overlay -o lowerdir={}{} {m} && ls -A {m} {m}/dir",
        lower.join(":"),
        if userns { ",userxattr" } else { "" },
        m = m.display()
    );
    let mut args = vec!["unshare", "-m"];
    if userns {
        args = vec!["unshare", "-Urm"];
    }
    args.extend(["sh", "-c", &script]);
    let mut run = s.tug(["version"]);
    if s.is_rootless() {
        run.cmd = std::process::Command::new("setpriv");
        run.cmd.args([
            "--reuid",
            TEST_USER,
            "--regid",
            TEST_USER,
            "--init-groups",
            "--",
        ]);
        run.cmd.args(&args);
    } else {
        run.cmd = std::process::Command::new(args[0]);
        run.cmd.args(&args[1..]);
    }
    run.run()
}

/// Several processes preparing one image at once end with one snapshot per
/// chain ID, all reporting the same directories; as root, an overlay of
/// them shows the image as its layers describe it.
#[test]
fn concurrent_prepare_makes_one_snapshot_per_chain_id() {
    let s = Scenario::new();
    store_image(
        &tug::store::Store::open(s.store()).unwrap(),
        "three",
        &three_layers(),
    );
    let children: Vec<_> = (0..4)
        .map(|_| {
            let mut run = s.tug(["_prepare", "three"]);
            run.cmd
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            run.cmd.spawn().unwrap()
        })
        .collect();
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outs {
        assert!(o.status.success(), "{o:?}");
        assert_eq!(o.stdout, outs[0].stdout);
    }
    let text = String::from_utf8(outs[0].stdout.clone()).unwrap();
    let dirs: Vec<&str> = text.lines().collect();
    assert_eq!(dirs.len(), 3);
    assert!(Path::new(dirs[0]).join("top").is_file(), "topmost first");
    assert_eq!(snapshot_dirs(&s), 3);
    assert_eq!(std::fs::read_dir(s.store().join("tmp")).unwrap().count(), 0);
    if is_root() {
        let out = merged_listing(&s, &dirs, false).success();
        let listing = out.stdout();
        assert!(
            !listing.contains("gone") && !listing.contains("old"),
            "{listing}"
        );
        assert!(
            listing.contains("keep") && listing.contains("new"),
            "{listing}"
        );
    }
}

/// Rootless snapshots carry overlay whiteouts and `user.overlay.opaque`,
/// and a `userxattr` overlay of them (in the user's own namespace) hides
/// what the upper layers deleted.
#[test]
fn rootless_snapshots_are_overlay_ready() {
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    store_image(
        &tug::store::Store::open(s.store()).unwrap(),
        "three",
        &three_layers(),
    );
    let (uid, gid) = user_ids(TEST_USER).unwrap();
    chown_r(&s.store(), uid, gid);
    let out = s.tug(["_prepare", "three"]).succeeds();
    let text = out.stdout();
    let dirs: Vec<&str> = text.lines().collect();
    assert_eq!(dirs.len(), 3, "{}", out.dump());
    let middle = Path::new(dirs[1]);
    let wh = std::fs::symlink_metadata(middle.join("gone")).unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(&wh.file_type()) && wh.rdev() == 0);
    assert_eq!(
        xattr(&middle.join("dir"), "user.overlay.opaque").as_deref(),
        Some(&b"y"[..])
    );
    assert_eq!(xattr(&middle.join("dir"), "trusted.overlay.opaque"), None);
    let out = merged_listing(&s, &dirs, true).success();
    let listing = out.stdout();
    assert!(
        !listing.contains("gone") && !listing.contains("old"),
        "{listing}"
    );
    assert!(
        listing.contains("keep") && listing.contains("new"),
        "{listing}"
    );
}

/// Names that are not UTF-8 are kept byte for byte, and whiteouts and
/// opaque markers find them.
#[test]
fn non_utf8_names_are_kept_and_whited_out() {
    use std::os::unix::ffi::OsStrExt;
    let w = World::new();
    let name = |b: &[u8]| w.root.join(std::ffi::OsStr::from_bytes(b));
    assert!(w.apply(
        tar_of(|b| {
            raw_bytes(b, b"caf\xe9", tar::EntryType::Regular, "", b"1");
            raw_bytes(b, b"keep\xff", tar::EntryType::Regular, "", b"1");
            raw_bytes(b, b"d/old\xfe", tar::EntryType::Regular, "", b"1");
        }),
        ApplyMode::Flatten
    ));
    assert!(name(b"caf\xe9").is_file() && name(b"d/old\xfe").is_file());
    assert!(w.apply(
        tar_of(|b| {
            raw_bytes(b, b".wh.caf\xe9", tar::EntryType::Regular, "", b"");
            raw_bytes(b, b"d/.wh..wh..opq", tar::EntryType::Regular, "", b"");
        }),
        ApplyMode::Flatten
    ));
    assert!(!name(b"caf\xe9").exists());
    assert!(!name(b"d/old\xfe").exists());
    assert!(name(b"keep\xff").is_file());
}

/// A docker-archive at `path` of one image `tag` with these plain layers.
fn docker_archive(path: &Path, tag: &str, layers: &[Vec<u8>]) {
    use sha2::Digest as _;
    let diff_ids: Vec<String> = layers
        .iter()
        .map(|l| format!("sha256:{}", hex::encode(sha2::Sha256::digest(l))))
        .collect();
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    });
    let names: Vec<String> = (0..layers.len())
        .map(|i| format!("l{i}/layer.tar"))
        .collect();
    let manifest = serde_json::json!([{"Config": "c.json", "RepoTags": [tag], "Layers": names}]);
    let mut b = tar::Builder::new(std::fs::File::create(path).unwrap());
    let mut put = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).unwrap();
    };
    put("c.json", &serde_json::to_vec(&config).unwrap());
    for (name, l) in names.iter().zip(layers) {
        put(name, l);
    }
    put("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    b.into_inner().unwrap();
}

/// overlayfs takes its options in one page, and snapshot paths written
/// out (~90 bytes each) passed it at ~40 layers. Images of 60 and 120
/// layers (Docker's limit is 128) run and see every layer, root and
/// rootless; so does `cp` from a stopped container, which mounts the
/// overlay itself.
#[test]
fn deep_images_run() {
    if !is_root() {
        skip!("running containers needs root (and switching to {TEST_USER} rootless)");
    }
    let Some(bb) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let base = std::fs::read(bb).unwrap();
    for s in [Some(Scenario::new()), Scenario::unprivileged()]
        .into_iter()
        .flatten()
    {
        for depth in [60usize, 120] {
            let mut layers = vec![base.clone()];
            for i in 1..depth {
                layers.push(tar_of(|b| {
                    file(b, &format!("layers/{i:03}"), format!("{i}\n").as_bytes())
                }));
            }
            let archive = s.path().join(format!("deep{depth}.tar"));
            docker_archive(&archive, &format!("deep:{depth}"), &layers);
            if s.is_rootless() {
                let (uid, gid) = user_ids(TEST_USER).unwrap();
                chown_r(s.path(), uid, gid);
            }
            s.tug(["load", "-i", archive.to_str().unwrap()]).succeeds();
            let tag = format!("deep:{depth}");
            s.tug([
                "run",
                "--rm",
                "--network",
                "none",
                &tag,
                "sh",
                "-c",
                "ls /layers | wc -l; cat /layers/001 /layers/$(ls /layers | tail -n 1)",
            ])
            .succeeds()
            .stdout_is(&format!("{}\n1\n{}\n", depth - 1, depth - 1));
            let name = format!("c{depth}");
            s.tug(["create", "--name", &name, "--network", "none", &tag, "true"])
                .succeeds();
            let out = s.path().join(format!("out{depth}"));
            s.tug([
                "cp",
                &format!("{name}:/layers/{:03}", depth - 1),
                out.to_str().unwrap(),
            ])
            .succeeds();
            assert_eq!(
                std::fs::read_to_string(&out).unwrap(),
                format!("{}\n", depth - 1)
            );
            s.tug(["rm", &name]).succeeds();
        }
    }
}

/// The core never prints: a warning of the rootless unpack helper (here, a
/// device node it may not make) reaches the user through the applet, once.
#[test]
fn rootless_unpack_warnings_reach_the_user() {
    let Some(bb) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed");
    };
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    let dev = tar_of(|b| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Char);
        h.set_device_major(1).unwrap();
        h.set_device_minor(3).unwrap();
        h.set_mode(0o666);
        h.set_size(0);
        h.set_cksum();
        b.append_data(&mut h, "dev/mynull", std::io::empty())
            .unwrap();
    });
    let archive = s.path().join("devs.tar");
    docker_archive(&archive, "devs:1", &[std::fs::read(bb).unwrap(), dev]);
    let (uid, gid) = user_ids(TEST_USER).unwrap();
    chown_r(s.path(), uid, gid);
    s.tug(["load", "-i", archive.to_str().unwrap()]).succeeds();
    let o = s
        .tug(["run", "--rm", "--network", "none", "devs:1", "true"])
        .succeeds();
    let want =
        "tug: warning: device nodes in the image (such as /dev/mynull) are skipped without root\n";
    assert_eq!(o.stderr(), want, "{}", o.dump());
}
