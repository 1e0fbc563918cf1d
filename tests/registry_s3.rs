//! The S3 backend with other servers on one bucket: two registry-serve
//! processes, distribution's own s3 driver, and a blob large enough for
//! multipart upload. moto's standalone server plays S3 on loopback.

mod common;
mod moto;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use moto::*;

/// Two registry-serve processes, each with its own store, share one
/// bucket: an image pushed through one is pulled through the other, bit
/// for bit (skopeo), and runs (tug).
#[test]
fn s3_two_servers_share_one_bucket() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    if !have("skopeo") {
        skip!("skopeo is not installed");
    }
    let Some(moto) = Moto::start("shared") else {
        skip!("moto_server is not installed")
    };
    let (a, b) = (Scenario::new(), Scenario::new());
    let one = serve_with_config(&a, &moto.config("shared"));
    let two = serve_with_config(&b, &moto.config("shared"));
    a.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let src = format!("oci:{}:docker.io/library/bb:latest", a.store().display());
    skopeo_copy(&src, &format!("docker://{}/shared/bb:1", one.addr));
    let out = b.path().join("out");
    skopeo_copy(
        &format!("docker://{}/shared/bb:1", two.addr),
        &format!("oci:{}:bb", out.display()),
    );
    same_blobs(&out, &a.store());
    let name = format!("{}/shared/bb:1", two.addr);
    b.tug(["pull", &name]).succeeds();
    b.tug(["run", "--rm", &name, "echo", "via the bucket"])
        .succeeds()
        .stdout_is("via the bucket\n");
}

/// A 300 MB blob goes up by multipart upload (its object's ETag says how
/// many parts), and comes back whole through the other server.
#[test]
fn s3_large_blob_goes_up_by_multipart() {
    let Some(moto) = Moto::start("big") else {
        skip!("moto_server is not installed")
    };
    let (a, b) = (Scenario::new(), Scenario::new());
    let one = serve_with_config(&a, &moto.config("big"));
    let two = serve_with_config(&b, &moto.config("big"));
    let file = a.path().join("big");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        let block: Vec<u8> = (0..1024 * 1024u32)
            .map(|i| (i * 7 + i / 251) as u8)
            .collect();
        for i in 0..300u32 {
            f.write_all(&i.to_le_bytes()).unwrap();
            f.write_all(&block).unwrap();
        }
    }
    let sum = |args: &[&str]| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("curl -sf {} | sha256sum", args.join(" ")))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        format!(
            "sha256:{}",
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .next()
                .unwrap()
        )
    };
    let d = sum(&[&format!("file://{}", file.display())]);
    let (_, _, h) = curl(&["-X", "POST", &one.url("/v2/big/blobs/uploads/")]);
    let loc = h
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap()
        .trim()
        .to_string();
    let (code, ..) = curl(&[
        "-T",
        file.to_str().unwrap(),
        &one.url(&format!("{loc}?digest={d}")),
    ]);
    assert_eq!(code, 201);
    let hex = d.trim_start_matches("sha256:");
    let object = format!(
        "{}/big/registry/docker/registry/v2/blobs/sha256/{}/{hex}/data",
        moto.url,
        &hex[..2]
    );
    let (_, _, h) = curl(&["-I", &object]);
    let etag = h
        .lines()
        .find(|l| l.starts_with("etag:"))
        .unwrap_or_default();
    // 300 MiB + 1200 bytes in parts of 5 MiB: 61 parts.
    assert!(etag.contains("-61"), "not a multipart object: {etag}");
    // Both servers serve it whole: the link and the bytes are in the bucket.
    assert_eq!(sum(&[&one.url(&format!("/v2/big/blobs/{d}"))]), d);
    assert_eq!(sum(&[&two.url(&format!("/v2/big/blobs/{d}"))]), d);
}

/// Distribution's own s3 driver and registry-serve share a bucket: what
/// each pushes, the other serves, bit for bit (skopeo follows
/// distribution's redirects to the bucket).
#[test]
fn s3_bucket_shared_with_distribution() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    if !have("skopeo") || !have("docker-registry") {
        skip!("skopeo or docker-registry is not installed");
    }
    let Some(moto) = Moto::start("both") else {
        skip!("moto_server is not installed")
    };
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let tug = serve_with_config(&s, &moto.config("both"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dist_addr = format!("127.0.0.1:{port}");
    let config = s.path().join("distribution.yml");
    std::fs::write(
        &config,
        format!("{}http:\n  addr: {dist_addr}\n", moto.config("both")),
    )
    .unwrap();
    // distribution's AWS SDK refuses a custom CA bundle with its transport.
    let dist = Command::new("docker-registry")
        .arg("serve")
        .arg(&config)
        .env_remove("AWS_CA_BUNDLE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _dist = Killed(dist);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while curl(&[&format!("http://{dist_addr}/v2/")]).0 != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "docker-registry did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let src = format!("oci:{}:docker.io/library/bb:latest", s.store().display());
    skopeo_copy(&src, &format!("docker://{}/by/tug:1", tug.addr));
    skopeo_copy(&src, &format!("docker://{dist_addr}/by/distribution:1"));
    for (i, from) in [
        format!("docker://{dist_addr}/by/tug:1"),
        format!("docker://{}/by/distribution:1", tug.addr),
    ]
    .iter()
    .enumerate()
    {
        let out = s.path().join(format!("out{i}"));
        skopeo_copy(from, &format!("oci:{}:x", out.display()));
        same_blobs(&out, &s.store());
    }
}
