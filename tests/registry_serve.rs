//! `registry-serve` against real clients: skopeo, and raw HTTP (curl) for
//! the spec's flows and errors.

mod common;

use common::*;

fn sha256(data: &[u8]) -> String {
    use std::io::Write;
    let mut c = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(data).unwrap();
    let out = c.wait_with_output().unwrap();
    format!(
        "sha256:{}",
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap()
    )
}

fn blob_count(s: &Scenario) -> usize {
    std::fs::read_dir(s.store().join("blobs/sha256"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// The seed's scenario with skopeo as the client: push from the store's OCI
/// layout, list, pull back with identical digests, nothing stored twice.
#[test]
fn skopeo_round_trip_keeps_digests() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    if !have("skopeo") {
        skip!("skopeo is not installed");
    }
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let before = blob_count(&s);
    let reg = Registry::start(&s, &[]);
    let src = format!("oci:{}:docker.io/library/bb:latest", s.store().display());
    let dst = format!("docker://{}/bb:1", reg.addr);
    let ok = std::process::Command::new("skopeo")
        .args([
            "copy",
            "--preserve-digests",
            "--dest-tls-verify=false",
            &src,
            &dst,
        ])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{ok:?}");
    assert_eq!(blob_count(&s), before, "the push stored nothing twice");
    assert_eq!(
        curl(&[&reg.url("/v2/_catalog")]).1,
        r#"{"repositories":["bb"]}"#
    );
    assert_eq!(
        curl(&[&reg.url("/v2/bb/tags/list")]).1,
        r#"{"name":"bb","tags":["1"]}"#
    );
    let out = s.path().join("out");
    let back = std::process::Command::new("skopeo")
        .args(["copy", "--preserve-digests", "--src-tls-verify=false", &dst])
        .arg(format!("oci:{}:bb", out.display()))
        .output()
        .unwrap();
    assert!(back.status.success(), "{back:?}");
    let raw = |r: &str| {
        std::process::Command::new("skopeo")
            .args(["inspect", "--raw", r])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(raw(&src), raw(&format!("oci:{}:bb", out.display())));
}

#[test]
fn chunked_upload_then_manifest_and_range_reads() {
    let s = Scenario::new();
    let reg = Registry::start(&s, &[]);
    let (code, _, h) = curl(&["-X", "POST", &reg.url("/v2/a/b/blobs/uploads/")]);
    assert_eq!(code, 202);
    let loc = h
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap()
        .trim()
        .to_string();
    let up = reg.url(&loc);
    assert_eq!(
        curl(&[
            "-X",
            "PATCH",
            "-H",
            "content-range: 0-4",
            "--data-binary",
            "hello",
            &up
        ])
        .0,
        202
    );
    // A chunk that does not continue where the upload ends is refused.
    let (code, body, _) = curl(&[
        "-X",
        "PATCH",
        "-H",
        "content-range: 9-12",
        "--data-binary",
        "oops",
        &up,
    ]);
    assert_eq!(code, 416, "{body}");
    assert_eq!(
        curl(&[
            "-X",
            "PATCH",
            "-H",
            "content-range: 5-10",
            "--data-binary",
            " world",
            &up
        ])
        .0,
        202
    );
    let (code, _, h) = curl(&[&up]);
    assert_eq!(code, 204);
    assert!(h.contains("range: 0-10"), "{h}");
    let d = sha256(b"hello world");
    assert_eq!(curl(&["-X", "PUT", &format!("{up}?digest={d}")]).0, 201);
    assert_eq!(
        curl(&[&reg.url(&format!("/v2/a/b/blobs/{d}"))]).1,
        "hello world"
    );
    let (code, body, _) = curl(&[
        "-H",
        "range: bytes=6-10",
        &reg.url(&format!("/v2/a/b/blobs/{d}")),
    ]);
    assert_eq!((code, body.as_str()), (206, "world"));
    // A config blob and a manifest naming both.
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let cd = sha256(config);
    let cfg = String::from_utf8_lossy(config).into_owned();
    assert_eq!(
        curl(&[
            "-X",
            "POST",
            "--data-binary",
            &cfg,
            &reg.url(&format!("/v2/a/b/blobs/uploads/?digest={cd}"))
        ])
        .0,
        201
    );
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{cd}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{d}","size":11}}]}}"#,
        config.len()
    );
    let ct = "content-type: application/vnd.oci.image.manifest.v1+json";
    let (code, body, h) = curl(&[
        "-X",
        "PUT",
        "-H",
        ct,
        "--data-binary",
        &manifest,
        &reg.url("/v2/a/b/manifests/v1"),
    ]);
    assert_eq!(code, 201, "{body}");
    let md = sha256(manifest.as_bytes());
    assert!(h.contains(&format!("docker-content-digest: {md}")), "{h}");
    let (code, body, h) = curl(&[&reg.url(&format!("/v2/a/b/manifests/{md}"))]);
    assert_eq!((code, body.as_str()), (200, manifest.as_str()));
    assert!(h.contains("application/vnd.oci.image.manifest.v1+json"));
    // The completed uploads were pinned until the manifest named them.
    assert_eq!(
        std::fs::read_dir(s.store().join("refs/uploads"))
            .unwrap()
            .count(),
        0
    );
    assert_eq!(
        curl(&["-X", "DELETE", &reg.url("/v2/a/b/manifests/v1")]).0,
        202
    );
    assert_eq!(curl(&[&reg.url("/v2/a/b/manifests/v1")]).0, 404);
}

#[test]
fn spec_errors() {
    let s = Scenario::new();
    let reg = Registry::start(&s, &[]);
    let zero = format!("sha256:{}", "0".repeat(64));
    let code_of = |args: &[&str]| {
        let (code, body, _) = curl(args);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        (
            code,
            v["errors"][0]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    };
    assert_eq!(
        code_of(&[
            "-X",
            "POST",
            "--data-binary",
            "x",
            &reg.url(&format!("/v2/r/blobs/uploads/?digest={zero}"))
        ]),
        (400, "DIGEST_INVALID".into())
    );
    let m = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"x","digest":"{zero}","size":1}},"layers":[]}}"#
    );
    assert_eq!(
        code_of(&[
            "-X",
            "PUT",
            "--data-binary",
            &m,
            &reg.url("/v2/r/manifests/t")
        ]),
        (400, "MANIFEST_BLOB_UNKNOWN".into())
    );
    assert_eq!(
        code_of(&["--path-as-is", &reg.url("/v2/../x/tags/list")]),
        (400, "NAME_INVALID".into())
    );
    assert_eq!(
        code_of(&[&reg.url("/v2/UPPER/tags/list")]),
        (400, "NAME_INVALID".into())
    );
    assert_eq!(
        code_of(&[&reg.url("/v2/nosuch/tags/list")]),
        (404, "NAME_UNKNOWN".into())
    );
    assert_eq!(
        code_of(&[&reg.url(&format!("/v2/r/blobs/{zero}"))]),
        (404, "BLOB_UNKNOWN".into())
    );
    assert_eq!(
        code_of(&[&reg.url("/v2/r/manifests/none")]),
        (404, "MANIFEST_UNKNOWN".into())
    );
    assert_eq!(
        code_of(&["-X", "PATCH", &reg.url("/v2/r/blobs/uploads/0000-1111")]),
        (404, "BLOB_UPLOAD_UNKNOWN".into())
    );
    let big = s.path().join("big.json");
    std::fs::write(&big, vec![b' '; 5 * 1024 * 1024]).unwrap();
    let (code, _, _) = curl(&[
        "-X",
        "PUT",
        "--data-binary",
        &format!("@{}", big.display()),
        &reg.url("/v2/r/manifests/big"),
    ]);
    assert_eq!(code, 413);
}

#[test]
fn pagination_with_link_headers() {
    let s = Scenario::new();
    let reg = Registry::start(&s, &[]);
    let config = br#"{}"#;
    let cd = sha256(config);
    curl(&[
        "-X",
        "POST",
        "--data-binary",
        "{}",
        &reg.url(&format!("/v2/p/blobs/uploads/?digest={cd}")),
    ]);
    let m = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{cd}","size":2}},"layers":[]}}"#
    );
    for t in ["a", "b", "c"] {
        assert_eq!(
            curl(&[
                "-X",
                "PUT",
                "--data-binary",
                &m,
                &reg.url(&format!("/v2/p/manifests/{t}"))
            ])
            .0,
            201
        );
    }
    let (_, body, h) = curl(&[&reg.url("/v2/p/tags/list?n=2")]);
    assert_eq!(body, r#"{"name":"p","tags":["a","b"]}"#);
    assert!(
        h.contains("link: </v2/p/tags/list?n=2&last=b>; rel=\"next\""),
        "{h}"
    );
    let (_, body, h) = curl(&[&reg.url("/v2/p/tags/list?n=2&last=b")]);
    assert_eq!(body, r#"{"name":"p","tags":["c"]}"#);
    assert!(!h.contains("link:"));
}

/// kill -9 during an upload: after a restart the completed push is intact
/// and the partial upload is not visible as a blob.
#[test]
fn killed_server_keeps_completed_pushes_only() {
    let s = Scenario::new();
    let mut reg = Registry::start(&s, &[]);
    let d = sha256(b"complete");
    assert_eq!(
        curl(&[
            "-X",
            "POST",
            "--data-binary",
            "complete",
            &reg.url(&format!("/v2/k/blobs/uploads/?digest={d}"))
        ])
        .0,
        201
    );
    let (_, _, h) = curl(&["-X", "POST", &reg.url("/v2/k/blobs/uploads/")]);
    let loc = h
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap()
        .trim()
        .to_string();
    curl(&["-X", "PATCH", "--data-binary", "partial da", &reg.url(&loc)]);
    let blobs_before = blob_count(&s);
    reg.child.kill().unwrap();
    reg.child.wait().unwrap();
    let reg = Registry::start(&s, &[]);
    assert_eq!(curl(&[&reg.url(&format!("/v2/k/blobs/{d}"))]).1, "complete");
    assert_eq!(blob_count(&s), blobs_before);
    let partial = sha256(b"partial data");
    assert_eq!(curl(&[&reg.url(&format!("/v2/k/blobs/{partial}"))]).0, 404);
    for e in std::fs::read_dir(s.store().join("blobs/sha256"))
        .unwrap()
        .flatten()
    {
        assert_eq!(
            sha256(&std::fs::read(e.path()).unwrap()),
            format!("sha256:{}", e.file_name().to_string_lossy())
        );
    }
}

/// The referrers API: an artifact whose `subject` is an image shows up
/// under that image's digest, filtered by `artifactType`.
#[test]
fn referrers_list_artifacts_by_subject() {
    let s = Scenario::new();
    let reg = Registry::start(&s, &["--quiet"]);
    let cd = sha256(b"{}");
    curl(&[
        "-X",
        "POST",
        "--data-binary",
        "{}",
        &reg.url(&format!("/v2/r/blobs/uploads/?digest={cd}")),
    ]);
    let image = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{cd}","size":2}},"layers":[]}}"#
    );
    assert_eq!(
        curl(&[
            "-X",
            "PUT",
            "--data-binary",
            &image,
            &reg.url("/v2/r/manifests/v1")
        ])
        .0,
        201
    );
    let subject = sha256(image.as_bytes());
    let sig = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.sig","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{cd}","size":2}},"layers":[],"subject":{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{subject}","size":{}}}}}"#,
        image.len()
    );
    let sig_digest = sha256(sig.as_bytes());
    let (code, _, h) = curl(&[
        "-X",
        "PUT",
        "--data-binary",
        &sig,
        &reg.url(&format!("/v2/r/manifests/{sig_digest}")),
    ]);
    assert_eq!(code, 201);
    assert!(h.contains(&format!("oci-subject: {subject}")), "{h}");
    let (code, body, _) = curl(&[&reg.url(&format!("/v2/r/referrers/{subject}"))]);
    assert_eq!(code, 200);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["manifests"][0]["digest"], sig_digest.as_str());
    assert_eq!(
        v["manifests"][0]["artifactType"],
        "application/vnd.example.sig"
    );
    let (_, body, h) = curl(&[&reg.url(&format!(
        "/v2/r/referrers/{subject}?artifactType=application/vnd.other"
    ))]);
    assert!(h.contains("oci-filters-applied: artifacttype"), "{h}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["manifests"].as_array().unwrap().len(), 0);
}
