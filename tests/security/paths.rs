//! Attacks through paths: cp/export/commit/diff and mount-point creation
//! following a container's symlinks, volume copy-up, /etc/passwd.
//! Each test plants host files under the scenario's `hostdir`, points
//! symlinks in the container or image at them, and asserts that tug never
//! reads, writes or creates anything there (issue 14 findings 1, 5, 7, 8;
//! issue 11 item 1).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;
use crate::skip;

/// A marker no real file contains, so finding it proves a host read.
const SECRET: &str = "host-secret-7f3a9c1e\n";

fn scenarios() -> Vec<Scenario> {
    if !is_root() {
        eprintln!("SKIPPED: container tests need root (and switch to {TEST_USER} for rootless)");
        return Vec::new();
    }
    [Some(Scenario::new()), Scenario::unprivileged()]
        .into_iter()
        .flatten()
        .collect()
}

/// `<scenario>/hostdir` with a file `secret` (owned by the scenario's
/// user, so a rootless tug could reach it too if it followed a symlink).
fn host_dir(s: &Scenario) -> PathBuf {
    let d = s.path().join("hostdir");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("secret"), SECRET).unwrap();
    give(s, &d);
    d
}

fn give(s: &Scenario, p: &Path) {
    if s.is_rootless() {
        let (u, g) = user_ids(TEST_USER).unwrap();
        chown_r(p, u, g);
    }
}

/// The names under `d` (recursively), for "nothing was created" checks.
fn listing(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(d) {
        for e in rd.flatten() {
            out.push(e.path());
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(listing(&e.path()));
            }
        }
    }
    out.sort();
    out
}

/// What an image adds to (or puts instead of) the busybox rootfs.
enum Extra<'a> {
    Symlink(&'a str, &'a str),
    Fifo(&'a str),
    Dir(&'a str),
    /// A regular file of this many bytes of `root:x:0:0::/:/bin/sh` lines.
    Big(&'a str, usize),
}

/// Imports the busybox rootfs plus `extra` (an entry of the same path
/// replaces the busybox one) as image `name`.
fn hostile_image(s: &Scenario, name: &str, extra: &[Extra<'_>]) -> bool {
    let Some(base) = busybox_rootfs_tar() else {
        return false;
    };
    let path_of = |e: &Extra<'_>| match e {
        Extra::Symlink(p, _) | Extra::Fifo(p) | Extra::Dir(p) | Extra::Big(p, _) => p.to_string(),
    };
    let replaced: Vec<String> = extra.iter().map(path_of).collect();
    let out = s.path().join(format!("{}.tar", name.replace(':', "-")));
    let mut b = tar::Builder::new(std::fs::File::create(&out).unwrap());
    let mut a = tar::Archive::new(std::fs::File::open(base).unwrap());
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let p = e
            .path()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches('/')
            .to_string();
        if replaced.contains(&p) {
            continue;
        }
        let mut h = e.header().clone();
        b.append_data(&mut h, &p, &mut e).unwrap();
    }
    for x in extra {
        let mut h = tar::Header::new_gnu();
        h.set_size(0);
        h.set_mtime(1_700_000_000);
        match x {
            Extra::Symlink(p, t) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_mode(0o777);
                b.append_link(&mut h, p, t).unwrap();
            }
            Extra::Fifo(p) => {
                h.set_entry_type(tar::EntryType::Fifo);
                h.set_mode(0o644);
                b.append_data(&mut h, p, std::io::empty()).unwrap();
            }
            Extra::Dir(p) => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                b.append_data(&mut h, p, std::io::empty()).unwrap();
            }
            Extra::Big(p, n) => {
                let line = b"root:x:0:0::/:/bin/sh\n";
                let data: Vec<u8> = line.iter().copied().cycle().take(*n).collect();
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(0o644);
                h.set_size(data.len() as u64);
                b.append_data(&mut h, p, &data[..]).unwrap();
            }
        }
    }
    b.into_inner().unwrap().sync_all().unwrap();
    give(s, &out);
    s.tug(["import", out.to_str().unwrap(), name]).succeeds();
    true
}

fn bb(s: &Scenario) -> bool {
    hostile_image(s, "bb:paths", &[])
}

/// Plants `/evil -> $D` and `/evilfile -> $D/secret` in container `c`,
/// running (`run -d` + `exec`) or stopped (a `run` that made them).
fn container_with_symlinks(s: &Scenario, c: &str, running: bool, d: &Path) {
    let script = format!(
        "ln -s {d} /evil && ln -s {d}/secret /evilfile && mkdir /tree && ln -s {d} /tree/link",
        d = d.display()
    );
    if running {
        s.tug([
            "run", "-d", "--name", c, "-u", "0", "bb:paths", "sleep", "1000",
        ])
        .succeeds();
        s.tug(["exec", c, "sh", "-c", &script]).succeeds();
    } else {
        s.tug([
            "run", "--name", c, "-u", "0", "bb:paths", "sh", "-c", &script,
        ])
        .succeeds();
    }
}

#[test]
fn cp_resolves_container_symlinks_inside_the_container() {
    for s in scenarios() {
        if !bb(&s) {
            skip!("busybox-static missing");
        }
        let d = host_dir(&s);
        let payload = s.path().join("payload");
        std::fs::write(&payload, "payload\n").unwrap();
        let pdir = s.path().join("pdir");
        std::fs::create_dir_all(&pdir).unwrap();
        std::fs::write(pdir.join("inner"), "inner\n").unwrap();
        give(&s, &payload);
        give(&s, &pdir);
        for running in [true, false] {
            let c = if running { "running" } else { "stopped" };
            container_with_symlinks(&s, c, running, &d);
            let before = listing(&d);
            // Out through a symlinked directory: not the host's file.
            let out = s.path().join(format!("out-{c}"));
            s.tug(["cp", &format!("{c}:/evil/secret"), out.to_str().unwrap()])
                .fails()
                .one_line_error();
            assert!(!out.exists(), "{c}: cp read a host file");
            // Out of a file symlink: the link itself, not its target.
            s.tug(["cp", &format!("{c}:/evilfile"), out.to_str().unwrap()])
                .succeeds();
            assert!(out.symlink_metadata().unwrap().file_type().is_symlink());
            // -L follows it inside the container, where it leads nowhere.
            s.tug(["cp", "-L", &format!("{c}:/evilfile"), out.to_str().unwrap()])
                .fails()
                .one_line_error();
            assert!(out.symlink_metadata().unwrap().file_type().is_symlink());
            // Out of a tree holding a symlink: copied as a symlink.
            let tree = s.path().join(format!("tree-{c}"));
            s.tug(["cp", &format!("{c}:/tree"), tree.to_str().unwrap()])
                .succeeds();
            let link = tree.join("link");
            assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
            // In through a symlinked directory: nothing lands on the host.
            let p = payload.to_str().unwrap();
            let _ = s.tug(["cp", p, &format!("{c}:/evil/new")]).run();
            let _ = s
                .tug(["cp", pdir.to_str().unwrap(), &format!("{c}:/evil/")])
                .run();
            let _ = s
                .tug(["cp", pdir.to_str().unwrap(), &format!("{c}:/evil/sub")])
                .run();
            // In over a file symlink: the host file keeps its content.
            let _ = s.tug(["cp", p, &format!("{c}:/evilfile")]).run();
            assert_eq!(listing(&d), before, "{c}: cp created files on the host");
            assert_eq!(std::fs::read_to_string(d.join("secret")).unwrap(), SECRET);
            // Ordinary copies still work both ways.
            s.tug(["cp", p, &format!("{c}:/tmp/p")]).succeeds();
            let back = s.path().join(format!("back-{c}"));
            s.tug(["cp", &format!("{c}:/tmp/p"), back.to_str().unwrap()])
                .succeeds();
            assert_eq!(std::fs::read_to_string(&back).unwrap(), "payload\n");
            // -L with a link that stays inside copies its target.
            if running {
                s.tug(["exec", c, "ln", "-s", "/tmp/p", "/inlink"])
                    .succeeds();
                let followed = s.path().join(format!("followed-{c}"));
                s.tug([
                    "cp",
                    "-L",
                    &format!("{c}:/inlink"),
                    followed.to_str().unwrap(),
                ])
                .succeeds();
                assert_eq!(std::fs::read_to_string(&followed).unwrap(), "payload\n");
            }
            s.tug(["cp", pdir.to_str().unwrap(), &format!("{c}:/tmp")])
                .succeeds();
            let back = s.path().join(format!("backdir-{c}"));
            s.tug(["cp", &format!("{c}:/tmp/pdir/."), back.to_str().unwrap()])
                .succeeds();
            assert_eq!(
                std::fs::read_to_string(back.join("inner")).unwrap(),
                "inner\n"
            );
            s.tug(["rm", "-f", c]).succeeds();
        }
    }
}

/// A stopped container's volume is reached through its directory in the
/// store; a symlink the container left in it resolves inside the volume.
#[test]
fn cp_through_a_volume_resolves_inside_the_volume() {
    for s in scenarios() {
        if !bb(&s) {
            skip!("busybox-static missing");
        }
        let d = host_dir(&s);
        let payload = s.path().join("payload");
        std::fs::write(&payload, "payload\n").unwrap();
        give(&s, &payload);
        let script = format!(
            "ln -s {d} /data/l && echo in-volume > /data/f",
            d = d.display()
        );
        s.tug([
            "run",
            "--name",
            "v",
            "-u",
            "0",
            "-v",
            "vol:/data",
            "bb:paths",
            "sh",
            "-c",
            &script,
        ])
        .succeeds();
        let before = listing(&d);
        let out = s.path().join("out");
        let e = s
            .tug(["cp", "v:/data/l/secret", out.to_str().unwrap()])
            .fails()
            .one_line_error()
            .stderr();
        // Each cause once (issue 11 item 1's message had it twice).
        assert_eq!(e.matches("(os error 2)").count(), 1, "{e}");
        assert!(!out.exists());
        let _ = s
            .tug(["cp", payload.to_str().unwrap(), "v:/data/l/new"])
            .run();
        let _ = s.tug(["cp", payload.to_str().unwrap(), "v:/data/l/"]).run();
        assert_eq!(listing(&d), before, "cp created files on the host");
        s.tug(["cp", "v:/data/f", out.to_str().unwrap()]).succeeds();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "in-volume\n");
        s.tug(["cp", payload.to_str().unwrap(), "v:/data/p"])
            .succeeds();
        s.tug(["rm", "-f", "v"]).succeeds();
        let vol = s.store().join("volumes/vol/_data/p");
        assert_eq!(std::fs::read_to_string(vol).unwrap(), "payload\n");
    }
}

/// True if any file under `d` contains the marker.
fn holds_secret(d: &Path) -> bool {
    listing(d).iter().any(|p| {
        // Not through the symlinks the containers made (the test would read the host).
        p.symlink_metadata().is_ok_and(|m| m.is_file())
            && std::fs::read(p)
                .is_ok_and(|b| b.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()))
    })
}

#[test]
fn export_commit_and_diff_do_not_read_through_symlinks() {
    for s in scenarios() {
        if !bb(&s) {
            skip!("busybox-static missing");
        }
        let d = host_dir(&s);
        for running in [true, false] {
            let c = if running { "running" } else { "stopped" };
            container_with_symlinks(&s, c, running, &d);
            let tar = s.path().join(format!("{c}.tar"));
            s.tug(["export", "-o", tar.to_str().unwrap(), c]).succeeds();
            let bytes = std::fs::read(&tar).unwrap();
            assert!(
                !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
                "{c}: export holds a host file"
            );
            let mut names = Vec::new();
            let mut a = tar::Archive::new(&bytes[..]);
            for e in a.entries().unwrap() {
                let e = e.unwrap();
                names.push((
                    e.path().unwrap().to_string_lossy().into_owned(),
                    e.header().entry_type(),
                ));
            }
            assert!(names.contains(&("evil".into(), tar::EntryType::Symlink)));
            assert!(!names.iter().any(|(n, _)| n.starts_with("evil/")));
            // A running container's /proc is a mount point: left empty.
            assert!(!names.iter().any(|(n, _)| n.starts_with("proc/")));
            let out = s.tug(["diff", c]).succeeds().stdout();
            assert!(out.lines().any(|l| l == "A /evil"), "{out}");
            assert!(!out.contains("/evil/"), "{out}");
            let img = format!("committed-{c}:1");
            s.tug(["commit", c, &img]).succeeds();
            s.tug([
                "run",
                "--rm",
                "-u",
                "0",
                &img,
                "sh",
                "-c",
                "test -L /evil && test -L /evilfile && ! test -e /evil/secret && echo clean",
            ])
            .succeeds()
            .stdout_is("clean\n");
            assert!(
                !holds_secret(&s.store()),
                "{c}: the store holds a host file"
            );
            s.tug(["rm", "-f", c]).succeeds();
        }
    }
}

/// issue 11 item 1: `commit` of a running container takes its changes and
/// leaves it running.
#[test]
fn issue_11_commit_of_a_running_container() {
    for s in scenarios() {
        if !bb(&s) {
            skip!("busybox-static missing");
        }
        s.tug([
            "run", "-d", "--name", "live", "-u", "0", "bb:paths", "sleep", "1000",
        ])
        .succeeds();
        s.tug([
            "exec",
            "live",
            "sh",
            "-c",
            "echo kept > /srv-note && rm /etc/group",
        ])
        .succeeds();
        s.tug(["commit", "live", "live:1"]).succeeds();
        s.tug([
            "run",
            "--rm",
            "-u",
            "0",
            "live:1",
            "sh",
            "-c",
            "cat /srv-note; test -e /etc/group || echo gone",
        ])
        .succeeds()
        .stdout_is("kept\ngone\n");
        s.tug(["commit", "--pause=false", "live", "live:2"])
            .succeeds();
        s.tug(["run", "--rm", "live:2", "cat", "/srv-note"])
            .succeeds()
            .stdout_is("kept\n");
        // Thawed again (where it was paused) and still running.
        s.tug(["exec", "live", "true"]).succeeds();
        let state = s
            .tug(["inspect", "-f", "{{.State.Status}}", "live"])
            .succeeds()
            .stdout();
        assert_eq!(state.trim(), "running");
        s.tug(["rm", "-f", "live"]).succeeds();
    }
}

#[test]
fn volume_copy_up_does_not_follow_image_symlinks() {
    for s in scenarios() {
        let d = host_dir(&s);
        let target = d.display().to_string();
        if !hostile_image(
            &s,
            "hostile:vol",
            &[
                Extra::Symlink("data", &target),
                Extra::Dir("tree"),
                Extra::Symlink("tree/link", &target),
            ],
        ) {
            skip!("busybox-static missing");
        }
        let _ = s
            .tug(["run", "--rm", "-v", "loot:/data", "hostile:vol", "true"])
            .run();
        s.tug(["run", "--rm", "-v", "loot2:/tree", "hostile:vol", "true"])
            .succeeds();
        let vols = s.store().join("volumes");
        assert!(!holds_secret(&vols), "a volume got a host file");
        let link = vols.join("loot2/_data/link");
        assert!(
            link.symlink_metadata().unwrap().file_type().is_symlink(),
            "the symlink inside the tree is copied as one"
        );
        // The container does not see the host file through either.
        s.tug([
            "run",
            "--rm",
            "-v",
            "loot2:/tree",
            "hostile:vol",
            "sh",
            "-c",
            "cat /tree/link/secret /data/secret 2>/dev/null; true",
        ])
        .succeeds()
        .stdout_is("");
    }
}

#[test]
fn mount_points_are_created_inside_the_rootfs() {
    for s in scenarios() {
        let d = s.path().join("mkhost");
        std::fs::create_dir_all(&d).unwrap();
        give(&s, &d);
        let target = d.display().to_string();
        let hostfile = s.path().join("bound");
        std::fs::write(&hostfile, "bound\n").unwrap();
        give(&s, &hostfile);
        // Each on its own: a /dev symlink would put a tmpfs over the host
        // directory first (in the container's namespace) and hide the rest.
        if !hostile_image(&s, "hostile:mk", &[Extra::Symlink("mk", &target)])
            || !hostile_image(&s, "hostile:dev", &[Extra::Symlink("dev", &target)])
        {
            skip!("busybox-static missing");
        }
        // As runc does, the symlink is followed inside the rootfs: the
        // mounts work, in the container's own copy of that path.
        s.tug([
            "run",
            "--rm",
            "-v",
            "v:/mk/sub/dir",
            "hostile:mk",
            "sh",
            "-c",
            "touch /mk/sub/dir/x && test -d /mk/sub/dir",
        ])
        .succeeds();
        let bind = format!("{}:/mk/f", hostfile.display());
        s.tug(["run", "--rm", "-v", &bind, "hostile:mk", "cat", "/mk/f"])
            .succeeds()
            .stdout_is("bound\n");
        s.tug([
            "run",
            "--rm",
            "--tmpfs=/mk/t",
            "hostile:mk",
            "touch",
            "/mk/t/y",
        ])
        .succeeds();
        s.tug([
            "run",
            "--rm",
            "hostile:dev",
            "sh",
            "-c",
            "echo hi > /dev/null",
        ])
        .succeeds();
        assert_eq!(listing(&d), Vec::<PathBuf>::new(), "created on the host");
    }
}

/// The limit on /etc/passwd: over 4 MiB is a one-line error naming it.
#[test]
fn etc_passwd_over_the_size_limit_is_refused() {
    for s in scenarios() {
        if !hostile_image(&s, "hostile:big", &[Extra::Big("etc/passwd", 5 << 20)]) {
            skip!("busybox-static missing");
        }
        s.tug(["run", "--rm", "-u", "www-data", "hostile:big", "true"])
            .fails()
            .one_line_error()
            .stderr_contains("/etc/passwd cannot be used: larger than 4194304 bytes");
        // Under the limit it is read.
        if !hostile_image(&s, "fine:big", &[Extra::Big("etc/passwd", 3 << 20)]) {
            skip!("busybox-static missing");
        }
        s.tug(["run", "--rm", "-u", "root", "fine:big", "true"])
            .succeeds();
    }
}

/// Runs `tug ARGS` and waits at most a minute; returns (finished, peak
/// RSS in KiB, outcome text). The child is reaped by wait4, which clippy
/// does not see.
#[allow(clippy::zombie_processes)]
fn bounded(s: &Scenario, args: &[&str]) -> (bool, i64, String) {
    use std::os::unix::process::ExitStatusExt;
    let mut run = s.tug(args);
    run.cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = run.cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut status = 0;
        // SAFETY: zeroed rusage is a valid out-parameter for wait4.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: status and ru are valid for writes; pid is our child.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut ru) };
        if r == pid {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            let st = std::process::ExitStatus::from_raw(status);
            return (true, ru.ru_maxrss, format!("{st}: {err}"));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (false, 0, "timed out".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn hostile_etc_passwd_neither_hangs_nor_eats_memory() {
    for s in scenarios() {
        for (name, extra) in [
            ("hostile:fifo", Extra::Fifo("etc/passwd")),
            ("hostile:zero", Extra::Symlink("etc/passwd", "/dev/zero")),
            ("hostile:group", Extra::Fifo("etc/group")),
        ] {
            if !hostile_image(&s, name, &[extra]) {
                skip!("busybox-static missing");
            }
            for user in ["www-data", "www-data:www-data", "33"] {
                let (done, rss_kib, out) = bounded(&s, &["run", "--rm", "-u", user, name, "true"]);
                assert!(done, "{name} -u {user}: run hangs");
                assert!(rss_kib < 200 * 1024, "{name}: tug grew to {rss_kib} KiB");
                assert!(!out.contains("panicked"), "{out}");
                if out.starts_with("exit status: 0") {
                    continue;
                }
                let err = out.split_once(": ").map(|x| x.1).unwrap_or_default();
                assert_eq!(err.trim().lines().count(), 1, "{name}: {out}");
            }
            // A numeric user needs no database: the run works.
            s.tug(["run", "--rm", "-u", "0", name, "true"]).succeeds();
            // exec -u reads the same files.
            s.tug(["run", "-d", "--name", "x", "-u", "0", name, "sleep", "1000"])
                .succeeds();
            let (done, _, _) = bounded(&s, &["exec", "-u", "www-data", "x", "true"]);
            assert!(done, "{name}: exec -u hangs");
            s.tug(["rm", "-f", "x"]).succeeds();
        }
    }
}
