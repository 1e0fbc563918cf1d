//! Local images: import, images, tag, rmi, prune, inspect, history, info,
//! system df, garbage collection, skopeo reading the store, bad input and
//! concurrent commands on one store.

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn rootfs() -> Option<PathBuf> {
    busybox_rootfs_tar()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

fn blobs(store: &Path) -> BTreeSet<String> {
    std::fs::read_dir(store.join("blobs/sha256"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn tmp_entries(store: &Path) -> Vec<String> {
    std::fs::read_dir(store.join("tmp"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn read_blob_json(store: &Path, digest: &str) -> Value {
    let hex = digest.trim_start_matches("sha256:");
    let data = std::fs::read(store.join("blobs/sha256").join(hex))
        .unwrap_or_else(|e| panic!("blob {digest}: {e}"));
    serde_json::from_slice(&data).unwrap()
}

fn index(store: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(store.join("index.json")).unwrap()).unwrap()
}

/// Every blob index.json reaches (manifests, configs, layers) is present.
fn assert_referenced_blobs_present(store: &Path) {
    let have = blobs(store);
    for m in index(store)["manifests"].as_array().unwrap() {
        let md = m["digest"].as_str().unwrap();
        assert!(
            have.contains(md.trim_start_matches("sha256:")),
            "manifest {md} missing"
        );
        let manifest = read_blob_json(store, md);
        let mut wanted = vec![manifest["config"]["digest"].as_str().unwrap().to_string()];
        for l in manifest["layers"].as_array().unwrap() {
            wanted.push(l["digest"].as_str().unwrap().to_string());
        }
        for w in wanted {
            assert!(
                have.contains(w.trim_start_matches("sha256:")),
                "blob {w} missing"
            );
        }
    }
}

/// `repo:tag` of every listed image, sorted.
fn listed(s: &Scenario) -> Vec<String> {
    let out = s
        .tug(["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .succeeds()
        .stdout();
    let mut v: Vec<String> = out.lines().map(str::to_string).collect();
    v.sort();
    v
}

fn inspect(s: &Scenario, name: &str) -> Value {
    let out = s.tug(["image", "inspect", name]).succeeds().stdout();
    let v: Value = serde_json::from_str(&out).unwrap();
    v[0].clone()
}

#[test]
fn import_plain_gzip_zstd_and_list() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    let plain = std::fs::read(&tar).unwrap();
    let gz = s.path().join("rootfs.tar.gz");
    std::fs::write(&gz, gzip(&plain)).unwrap();
    let zst = zstd::encode_all(&plain[..], 3).unwrap();

    let id = s
        .tug(["import", tar.to_str().unwrap(), "bb:plain"])
        .succeeds()
        .stdout();
    assert!(id.starts_with("sha256:") && id.trim().len() == 71, "{id}");
    s.tug(["import", gz.to_str().unwrap(), "bb:gz"]).succeeds();
    s.tug(["image", "import", "-", "bb:zst"])
        .stdin(zst)
        .succeeds();
    assert_eq!(listed(&s), ["bb:gz", "bb:plain", "bb:zst"]);

    let out = s.tug(["images"]).succeeds().stdout();
    let header = out.lines().next().unwrap();
    assert!(
        header.starts_with("REPOSITORY   TAG       IMAGE ID       CREATED")
            && header.ends_with("SIZE"),
        "{out}"
    );
    assert!(out.contains("ago"), "{out}");

    // One layer each, the media type following the compression, and the
    // same diff_id (sha256 of the plain tar) for all three.
    let mut diff_ids = BTreeSet::new();
    for (tag, media) in [
        ("bb:plain", "application/vnd.oci.image.layer.v1.tar"),
        ("bb:gz", "application/vnd.oci.image.layer.v1.tar+gzip"),
        ("bb:zst", "application/vnd.oci.image.layer.v1.tar+zstd"),
    ] {
        let v = inspect(&s, tag);
        assert_eq!(v["RootFS"]["Type"], "layers");
        let layers = v["RootFS"]["Layers"].as_array().unwrap();
        assert_eq!(layers.len(), 1);
        diff_ids.insert(layers[0].as_str().unwrap().to_string());
        let entry = index(&s.store())["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| {
                m["annotations"]["org.opencontainers.image.ref.name"]
                    == format!("docker.io/library/{tag}").as_str()
            })
            .cloned()
            .unwrap();
        let manifest = read_blob_json(&s.store(), entry["digest"].as_str().unwrap());
        assert_eq!(manifest["layers"][0]["mediaType"], media, "{tag}");
        assert_eq!(v["Architecture"], "amd64");
        assert_eq!(v["Os"], "linux");
    }
    assert_eq!(diff_ids.len(), 1, "{diff_ids:?}");
    let plain_sha = format!("{:x}", sha256(&plain));
    assert_eq!(
        diff_ids.iter().next().unwrap(),
        &format!("sha256:{plain_sha}")
    );

    // JSON lines carry Docker's keys.
    let out = s.tug(["images", "--format", "json"]).succeeds().stdout();
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        for k in [
            "Containers",
            "CreatedAt",
            "CreatedSince",
            "Digest",
            "ID",
            "Repository",
            "SharedSize",
            "Size",
            "Tag",
            "UniqueSize",
            "VirtualSize",
        ] {
            assert!(v.get(k).is_some(), "{k} missing in {line}");
        }
        assert!(v["Size"].as_str().unwrap().ends_with("MB"), "{line}");
    }
    assert_eq!(out.lines().count(), 3);
}

fn sha256(data: &[u8]) -> impl std::fmt::LowerHex {
    use sha2::Digest;
    sha2::Sha256::digest(data)
}

#[test]
fn dangling_import_and_filters() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    let t = tar.to_str().unwrap();
    let id = s.tug(["import", t]).succeeds().stdout().trim().to_string();
    s.tug(["import", "-c", "LABEL tier=web", t, "web:1"])
        .succeeds();
    s.tug(["images"])
        .succeeds()
        .stdout_contains("<none>       <none>");
    let q = s
        .tug(["images", "-q", "-f", "dangling=true"])
        .succeeds()
        .stdout();
    assert_eq!(q.trim(), &id["sha256:".len()..][..12]);
    let q = s
        .tug(["images", "--no-trunc", "-q", "--filter", "dangling=true"])
        .succeeds()
        .stdout();
    assert_eq!(q.trim(), id);
    let names = s
        .tug([
            "images",
            "-f",
            "reference=w*",
            "--format",
            "{{.Repository}}",
        ])
        .succeeds()
        .stdout();
    assert_eq!(names, "web\n");
    let names = s
        .tug(["images", "-f", "label=tier=web", "--format", "{{.Tag}}"])
        .succeeds()
        .stdout();
    assert_eq!(names, "1\n");
    let names = s
        .tug(["images", "-f", "since=", "--format", "{{.Tag}}"])
        .fails()
        .code_is(125);
    drop(names);
    let before = s
        .tug(["images", "-f", "before=web:1", "-q"])
        .succeeds()
        .stdout();
    assert_eq!(before.trim(), &id["sha256:".len()..][..12]);
    let t = s
        .tug(["images", "--format", "table {{.Repository}}\t{{.Tag}}"])
        .succeeds()
        .stdout();
    assert!(t.starts_with("REPOSITORY   TAG\n"), "{t}");
    s.tug(["images", "--format", "{{.Repository"])
        .fails()
        .code_is(125)
        .one_line_error();
}

#[test]
fn change_values_show_in_inspect_and_history() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    s.tug([
        "import",
        "-c",
        r#"CMD ["sh", "-c", "echo hi"]"#,
        "-c",
        "ENTRYPOINT /bin/env",
        "-c",
        r#"ENV A=1 B="two words""#,
        "-c",
        "WORKDIR /srv",
        "-c",
        "USER 33",
        "-c",
        "EXPOSE 80 53/udp",
        "-c",
        "LABEL org.example=yes",
        "-c",
        r#"VOLUME ["/data"]"#,
        "-m",
        "first import",
        "--platform",
        "linux/arm64/v8",
        tar.to_str().unwrap(),
        "svc:1.0",
    ])
    .succeeds();
    let v = inspect(&s, "svc:1.0");
    let c = &v["Config"];
    assert_eq!(c["Cmd"], serde_json::json!(["sh", "-c", "echo hi"]));
    assert_eq!(
        c["Entrypoint"],
        serde_json::json!(["/bin/sh", "-c", "/bin/env"])
    );
    assert_eq!(c["Env"], serde_json::json!(["A=1", "B=two words"]));
    assert_eq!(c["WorkingDir"], "/srv");
    assert_eq!(c["User"], "33");
    assert_eq!(
        c["ExposedPorts"],
        serde_json::json!({"80/tcp": {}, "53/udp": {}})
    );
    assert_eq!(c["Labels"]["org.example"], "yes");
    assert_eq!(c["Volumes"], serde_json::json!({"/data": {}}));
    assert_eq!(v["Comment"], "first import");
    assert_eq!(v["RepoTags"], serde_json::json!(["svc:1.0"]));
    assert_eq!(v["Architecture"], "arm64");
    assert_eq!(v["Variant"], "v8");
    assert!(v["Id"].as_str().unwrap().starts_with("sha256:"));
    s.tug([
        "inspect",
        "--format",
        "{{.Config.WorkingDir}} {{join .Config.Env \",\"}}",
        "svc:1.0",
    ])
    .succeeds()
    .stdout_is("/srv A=1,B=two words\n");
    s.tug(["inspect", "nosuch"])
        .fails()
        .code_is(125)
        .one_line_error();

    let h = s.tug(["history", "svc:1.0"]).succeeds().stdout();
    let mut lines = h.lines();
    assert!(
        lines.next().unwrap().starts_with("IMAGE          CREATED"),
        "{h}"
    );
    let row = lines.next().unwrap();
    assert!(
        row.contains("import") && row.contains("first import"),
        "{h}"
    );
    s.tug(["history", "-q", "--no-trunc", "svc:1.0"])
        .succeeds()
        .stdout_is(&format!("{}\n", v["Id"].as_str().unwrap()));
    let raw = s
        .tug(["history", "-H=false", "--format", "{{.Size}}", "svc:1.0"])
        .succeeds()
        .stdout();
    assert_eq!(
        raw.trim().parse::<u64>().unwrap(),
        std::fs::metadata(&tar).unwrap().len()
    );

    for bad in ["RUN true", "EXPOSE http", "CMD"] {
        s.tug(["import", "-c", bad, tar.to_str().unwrap(), "x"])
            .fails()
            .code_is(125)
            .one_line_error();
    }
}

#[test]
fn tag_and_rmi_follow_docker() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    let t = tar.to_str().unwrap();
    let id = s
        .tug(["import", t, "busybox"])
        .succeeds()
        .stdout()
        .trim()
        .to_string();
    s.tug(["tag", "busybox", "localhost:5000/team/bb:v1"])
        .succeeds();
    s.tug(["image", "tag", &id[7..19], "bb2"]).succeeds();
    assert_eq!(
        listed(&s),
        ["bb2:latest", "busybox:latest", "localhost:5000/team/bb:v1"]
    );
    s.tug(["tag", "nosuch", "x"])
        .fails()
        .code_is(125)
        .one_line_error();
    s.tug(["tag", "busybox", "Bad Name"])
        .fails()
        .code_is(125)
        .one_line_error();

    // An ID with several names needs -f.
    s.tug(["rmi", &id[7..19]])
        .fails()
        .code_is(125)
        .one_line_error()
        .stderr_contains("must be forced");
    // One name of several: only untagged.
    s.tug(["rmi", "busybox"])
        .succeeds()
        .stdout_is("Untagged: busybox:latest\n");
    s.tug(["rmi", "localhost:5000/team/bb:v1"])
        .succeeds()
        .stdout_is("Untagged: localhost:5000/team/bb:v1\n");
    assert_eq!(listed(&s), ["bb2:latest"]);
    let before = blobs(&s.store());
    assert_eq!(before.len(), 3, "manifest, config, layer");
    // The last name deletes.
    // Docker prints the image, then each layer it freed.
    let out = s.tug(["rmi", "bb2"]).succeeds().stdout();
    assert!(
        out.starts_with(&format!("Untagged: bb2:latest\nDeleted: {id}\n")),
        "{out}"
    );
    assert!(blobs(&s.store()).is_empty());

    // Shared layers stay while another image references them.
    s.tug(["import", "-m", "a", t, "a"]).succeeds();
    s.tug(["import", "-m", "b", t, "b"]).succeeds();
    assert_eq!(blobs(&s.store()).len(), 5, "one shared layer");
    s.tug(["rmi", "a"])
        .succeeds()
        .stdout_contains("Deleted: sha256:");
    assert_eq!(blobs(&s.store()).len(), 3);
    assert_referenced_blobs_present(&s.store());
    s.tug(["tag", "b", "c"]).succeeds();
    s.tug(["rmi", "-f", "b"])
        .succeeds()
        .stdout_is("Untagged: b:latest\n");
    let cid = inspect(&s, "c")["Id"].as_str().unwrap().to_string();
    s.tug(["image", "rm", "-f", &cid])
        .succeeds()
        .stdout_contains("Deleted:");
    assert!(blobs(&s.store()).is_empty());
    s.tug(["rmi", "nosuch"])
        .fails()
        .code_is(125)
        .one_line_error();
}

#[test]
fn prune_removes_dangling_then_all_and_respects_refs_pins() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    let t = tar.to_str().unwrap();
    s.tug(["import", "-m", "dangling", t]).succeeds();
    s.tug(["import", t, "kept"]).succeeds();
    // A blob pinned under refs/ survives every collection.
    let pinned_data = b"pinned by the registry";
    let pinned = format!("{:x}", sha256(pinned_data));
    std::fs::write(s.store().join("blobs/sha256").join(&pinned), pinned_data).unwrap();
    std::fs::create_dir_all(s.store().join("refs/registry/uploads")).unwrap();
    std::fs::write(
        s.store().join("refs/registry/uploads/pin"),
        format!("sha256:{pinned}\n"),
    )
    .unwrap();
    // An unreferenced blob goes.
    std::fs::write(
        s.store()
            .join("blobs/sha256")
            .join(format!("{:x}", sha256(b"junk"))),
        b"junk",
    )
    .unwrap();

    let out = s.tug(["image", "prune", "-f"]).succeeds().stdout();
    assert!(
        out.contains("Deleted Images:") && out.contains("deleted: sha256:"),
        "{out}"
    );
    assert!(out.contains("Total reclaimed space: "), "{out}");
    assert_eq!(listed(&s), ["kept:latest"]);
    assert!(blobs(&s.store()).contains(&pinned));
    assert_eq!(blobs(&s.store()).len(), 4, "kept's 3 blobs and the pin");

    // Without -f and no "y" on stdin nothing happens.
    s.tug(["image", "prune", "-a"]).stdin("n\n").succeeds();
    assert_eq!(listed(&s), ["kept:latest"]);
    s.tug(["image", "prune", "-a"])
        .stdin("y\n")
        .succeeds()
        .stdout_contains("untagged: kept:latest");
    assert!(listed(&s).is_empty());
    assert_eq!(blobs(&s.store()).into_iter().collect::<Vec<_>>(), [pinned]);
    s.tug(["system", "prune", "-f"])
        .succeeds()
        .stdout_contains("Total reclaimed space: 0B");
}

#[test]
fn skopeo_reads_the_store() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    if !have("skopeo") {
        skip!("skopeo is not installed");
    }
    let s = Scenario::new();
    s.tug([
        "import",
        "-c",
        "CMD [\"sh\"]",
        tar.to_str().unwrap(),
        "bbox:1",
    ])
    .succeeds();
    let layer = inspect(&s, "bbox:1")["RootFS"]["Layers"][0].clone();
    let target = format!("oci:{}:docker.io/library/bbox:1", s.store().display());
    let o = std::process::Command::new("skopeo")
        .args(["inspect", &target])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["Layers"].as_array().unwrap().len(), 1);
    assert_eq!(v["Architecture"], "amd64");
    // Plain layer: the blob digest is the diff_id.
    assert_eq!(v["Layers"][0], layer);
    let o = std::process::Command::new("skopeo")
        .args(["inspect", "--config", &target])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cfg: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(cfg["config"]["Cmd"], serde_json::json!(["sh"]));
}

#[test]
fn bad_input_leaves_the_store_as_it_was() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "good"]).succeeds();
    let index_before = std::fs::read(s.store().join("index.json")).unwrap();
    let blobs_before = blobs(&s.store());

    let plain = std::fs::read(&tar).unwrap();
    let dir = s.path();
    let cut_mid = dir.join("cut-mid.tar");
    std::fs::write(&cut_mid, &plain[..plain.len() / 2]).unwrap();
    let cut_end = dir.join("cut-end.tar");
    std::fs::write(&cut_end, &plain[..plain.len() - 1024]).unwrap();
    let cut_gz = dir.join("cut.tar.gz");
    let gz = gzip(&plain);
    std::fs::write(&cut_gz, &gz[..gz.len() / 3]).unwrap();
    let not_tar = dir.join("notes.txt");
    std::fs::write(&not_tar, "just some text, not an archive\n".repeat(40)).unwrap();
    let empty = dir.join("empty.tar");
    std::fs::write(&empty, b"").unwrap();

    let t = tar.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["import", cut_mid.to_str().unwrap(), "x"],
        vec!["import", cut_end.to_str().unwrap(), "x"],
        vec!["import", cut_gz.to_str().unwrap(), "x"],
        vec!["import", not_tar.to_str().unwrap(), "x"],
        vec!["import", empty.to_str().unwrap(), "x"],
        vec!["import", "/nonexistent/rootfs.tar", "x"],
        vec!["import", t, "UPPER"],
        vec!["import", t, "a@sha256:zz"],
        vec!["import", t, "a:bad:tag"],
        vec!["import", "--platform", "linux", t, "x"],
        vec!["tag", "good", "UPPER"],
        vec!["tag", "good", "x@sha256:zz"],
    ];
    for args in cases {
        s.tug(&args).fails().code_is(125).one_line_error();
        assert_eq!(
            std::fs::read(s.store().join("index.json")).unwrap(),
            index_before,
            "index.json changed by {args:?}"
        );
        assert_eq!(blobs(&s.store()), blobs_before, "blobs changed by {args:?}");
        assert!(tmp_entries(&s.store()).is_empty(), "tmp/ left by {args:?}");
    }
    // A truncated stream on stdin too.
    s.tug(["import", "-", "x"])
        .stdin(plain[..plain.len() / 2].to_vec())
        .fails()
        .code_is(125)
        .one_line_error();
    assert_eq!(blobs(&s.store()), blobs_before);
    assert!(tmp_entries(&s.store()).is_empty());
}

/// A small rootfs tar (20 files under etc/) in the scenario's directory,
/// for tests that import many times.
fn small_rootfs_tar(s: &Scenario) -> String {
    let small = s.path().join("small.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&small).unwrap());
    for i in 0..20 {
        let data = format!("file {i}\n").repeat(200);
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, format!("etc/f{i}"), data.as_bytes())
            .unwrap();
    }
    b.into_inner().unwrap().sync_all().unwrap();
    small.to_str().unwrap().to_string()
}

/// Commands that open a new store at the same time: none overwrites an
/// image another has just tagged with the empty index a new store starts
/// with (`tug import` lost one of eight tags now and then, under load).
#[test]
fn concurrent_imports_into_a_new_store_keep_every_tag() {
    let dir = Scenario::new();
    let small = small_rootfs_tar(&dir);
    for _ in 0..10 {
        let s = Scenario::new();
        let kids: Vec<_> = (0..8)
            .map(|w| {
                let mut run = s.tug([
                    "import",
                    "-m",
                    &format!("w{w}"),
                    &small,
                    &format!("w{w}:r0"),
                ]);
                run.cmd
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .stdin(std::process::Stdio::null());
                run.cmd.spawn().unwrap()
            })
            .collect();
        for mut k in kids {
            assert!(k.wait().unwrap().success());
        }
        let want: Vec<String> = (0..8).map(|w| format!("w{w}:r0")).collect();
        assert_eq!(listed(&s), want);
    }
}

#[test]
fn concurrent_import_tag_rmi_images_stay_consistent() {
    const WORKERS: usize = 8;
    const ROUNDS: usize = 20;
    let s = Scenario::new();
    // A small rootfs so 160 imports stay quick; all workers share its layer.
    let small = small_rootfs_tar(&s);
    std::thread::scope(|scope| {
        for w in 0..WORKERS {
            let s = &s;
            let small = small.clone();
            scope.spawn(move || {
                for r in 0..ROUNDS {
                    let name = format!("w{w}:r{r}");
                    let keep = format!("w{w}:k{r}");
                    let msg = format!("worker {w} round {r}");
                    s.tug(["import", "-m", &msg, &small, &name]).succeeds();
                    s.tug(["tag", &name, &keep]).succeeds();
                    s.tug(["rmi", &name])
                        .succeeds()
                        .stdout_is(&format!("Untagged: {name}\n"));
                    s.tug(["images", "-q"]).succeeds();
                    if r % 2 == 1 {
                        s.tug(["rmi", &keep])
                            .succeeds()
                            .stdout_contains("Deleted: sha256:");
                    }
                    if r % 5 == 4 {
                        s.tug(["image", "prune", "-f"]).succeeds();
                    }
                }
            });
        }
    });
    let mut expected: Vec<String> = (0..WORKERS)
        .flat_map(|w| {
            (0..ROUNDS)
                .filter(|r| r % 2 == 0)
                .map(move |r| format!("w{w}:k{r}"))
        })
        .collect();
    expected.sort();
    assert_eq!(listed(&s), expected);
    assert_referenced_blobs_present(&s.store());
    assert!(
        tmp_entries(&s.store()).is_empty(),
        "{:?}",
        tmp_entries(&s.store())
    );
    // Nothing unreferenced is left after a final collection either.
    let before = blobs(&s.store());
    s.tug(["image", "prune", "-f"])
        .succeeds()
        .stdout_contains("Total reclaimed space: 0B");
    assert_eq!(blobs(&s.store()), before);
    // Each kept image: its manifest, its config and the one shared layer.
    assert_eq!(before.len(), expected.len() * 2 + 1);
}

#[test]
fn info_and_system_df() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let out = s.tug(["info"]).succeeds().stdout();
    for want in [
        "Storage Root: ",
        "Rootless: false",
        "Cgroup Version: ",
        "ID Mapping: ",
        "Images: 1",
    ] {
        assert!(out.contains(want), "{want}\n{out}");
    }
    let v: Value =
        serde_json::from_str(&s.tug(["info", "--format", "json"]).succeeds().stdout()).unwrap();
    assert_eq!(v["Images"], 1);
    assert!(["v1", "v2", "hybrid", "none"].contains(&v["CgroupLayout"].as_str().unwrap()));
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let has_v1 = mountinfo.lines().any(|l| l.contains(" - cgroup "));
    let has_v2 = mountinfo.lines().any(|l| l.contains(" - cgroup2 "));
    let want = match (has_v1, has_v2) {
        (true, true) => "hybrid",
        (true, false) => "v1",
        (false, true) => "v2",
        _ => "none",
    };
    assert_eq!(v["CgroupLayout"], want);
    assert_eq!(
        v["StoreRoot"].as_str().unwrap(),
        std::fs::canonicalize(s.store()).unwrap().to_str().unwrap()
    );
    s.tug(["system", "info", "-f", "{{.Rootless}}"])
        .succeeds()
        .stdout_is("false\n");

    let df = s.tug(["system", "df"]).succeeds().stdout();
    let mut lines = df.lines();
    assert_eq!(
        lines.next().unwrap(),
        "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("Images          1         0         "),
        "{df}"
    );
    s.tug(["system", "df", "-v"])
        .succeeds()
        .stdout_contains("Images space usage:");
    let js = s
        .tug(["system", "df", "--format", "json"])
        .succeeds()
        .stdout();
    assert_eq!(js.lines().count(), 4);
}

#[test]
fn rootless_import_and_images() {
    let Some(tar) = rootfs() else {
        skip!("busybox-static is not installed")
    };
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    s.tug(["import", tar.to_str().unwrap(), "mine:1"])
        .succeeds();
    s.tug(["images"])
        .succeeds()
        .stdout_contains("mine         1");
    s.tug(["info", "--format", "{{.Rootless}} {{.IDMapping.Kind}}"])
        .succeeds()
        .stdout_contains("true ");
    s.tug(["rmi", "mine:1"])
        .succeeds()
        .stdout_contains("Deleted:");
    assert!(blobs(&s.store()).is_empty());
}
