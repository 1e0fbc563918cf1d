//! `registry-serve` as a drop-in for `registry:2`: it serves the data
//! directory Debian's `docker-registry` (distribution 2.8) wrote, and
//! distribution serves what `registry-serve --data-dir` wrote, bit for bit,
//! with skopeo and tug as the clients.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Debian's `docker-registry` on a free loopback port, killed on drop.
struct Distribution {
    child: Child,
    addr: String,
}

/// A free loopback address.
fn free_addr() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

impl Distribution {
    fn start(s: &Scenario, root: &Path) -> Distribution {
        let addr = free_addr();
        let config = s.path().join("distribution.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {addr}\n",
                root.display()
            ),
        )
        .unwrap();
        Distribution::with_config(&config, addr, &[], "http")
    }

    /// docker-registry with a configuration listening on `addr`; started
    /// once `GET /v2/` (with `curl_args`) answers 200.
    fn with_config(config: &Path, addr: String, curl_args: &[&str], scheme: &str) -> Distribution {
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting docker-registry");
        let d = Distribution { child, addr };
        let url = format!("{scheme}://{}/v2/", d.addr);
        let mut args = curl_args.to_vec();
        args.push(&url);
        let deadline = Instant::now() + Duration::from_secs(30);
        while curl(&args).0 != 200 {
            assert!(Instant::now() < deadline, "docker-registry did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        d
    }
}

impl Drop for Distribution {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn skopeo_copy(from: &str, to: &str) {
    skopeo_copy_with(
        &["--src-tls-verify=false", "--dest-tls-verify=false"],
        from,
        to,
    );
}

fn skopeo_copy_with(opts: &[&str], from: &str, to: &str) {
    let out = Command::new("skopeo")
        .args(["copy", "--preserve-digests"])
        .args(opts)
        .args([from, to])
        .output()
        .unwrap();
    assert!(out.status.success(), "skopeo copy {from} {to}: {out:?}");
}

fn raw_manifest(r: &str) -> Vec<u8> {
    let out = Command::new("skopeo")
        .args(["inspect", "--raw", "--tls-verify=false", r])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

/// Every blob of an OCI layout `dir`, by file name.
fn blobs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("blobs/sha256"))
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The scenario's busybox as two images in an OCI layout: `bb:1` and
/// `tools/bb:latest`. Returns the layout's directory.
fn source_images(s: &Scenario, tar: &Path) -> PathBuf {
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    s.tug(["import", tar.to_str().unwrap(), "tools/bb"])
        .succeeds();
    s.store()
}

fn preconditions() -> Option<PathBuf> {
    let tar = busybox_rootfs_tar()?;
    (have("skopeo") && have("docker-registry")).then_some(tar)
}

const IMAGES: [(&str, &str); 2] = [
    ("docker.io/library/bb:latest", "bb:1"),
    ("docker.io/tools/bb:latest", "tools/bb:latest"),
];

/// distribution writes a data directory through pushes; registry-serve
/// serves it as it is: skopeo pulls every image bit for bit, and tug pulls
/// it and runs it.
#[test]
fn registry_serve_serves_what_distribution_wrote() {
    let Some(tar) = preconditions() else {
        skip!("busybox-static, skopeo or docker-registry is not installed")
    };
    let s = Scenario::new();
    let store = source_images(&s, &tar);
    let data = s.path().join("var-lib-registry");
    {
        let dist = Distribution::start(&s, &data);
        for (src, dst) in IMAGES {
            skopeo_copy(
                &format!("oci:{}:{src}", store.display()),
                &format!("docker://{}/{dst}", dist.addr),
            );
        }
    }
    assert!(data
        .join("docker/registry/v2/repositories/bb/_manifests")
        .is_dir());
    let reg = Registry::start(&s, &["--data-dir", data.to_str().unwrap()]);
    assert_eq!(
        curl(&[&reg.url("/v2/_catalog")]).1,
        r#"{"repositories":["bb","tools/bb"]}"#
    );
    for (i, (src, dst)) in IMAGES.iter().enumerate() {
        let out = s.path().join(format!("out{i}"));
        skopeo_copy(
            &format!("docker://{}/{dst}", reg.addr),
            &format!("oci:{}:x", out.display()),
        );
        assert_eq!(
            raw_manifest(&format!("docker://{}/{dst}", reg.addr)),
            raw_manifest(&format!("oci:{}:{src}", store.display())),
        );
        let source = blobs(&store);
        for (name, bytes) in blobs(&out) {
            let same = source.iter().find(|(n, _)| *n == name);
            assert_eq!(same.map(|(_, b)| b), Some(&bytes), "blob {name}");
        }
    }
    let client = Scenario::new();
    let name = format!("{}/bb:1", reg.addr);
    client.tug(["pull", &name]).succeeds();
    client
        .tug(["run", "--rm", &name, "echo", "served"])
        .succeeds()
        .stdout_is("served\n");
}

/// registry-serve writes distribution's layout through pushes (skopeo and
/// tug); distribution serves it back from the same directory, bit for bit.
#[test]
fn distribution_serves_what_registry_serve_wrote() {
    let Some(tar) = preconditions() else {
        skip!("busybox-static, skopeo or docker-registry is not installed")
    };
    let s = Scenario::new();
    let store = source_images(&s, &tar);
    let data = s.path().join("data");
    {
        let reg = Registry::start(&s, &["--data-dir", data.to_str().unwrap()]);
        for (src, dst) in IMAGES {
            skopeo_copy(
                &format!("oci:{}:{src}", store.display()),
                &format!("docker://{}/{dst}", reg.addr),
            );
        }
        let pushed = format!("{}/pushed/by-tug:2", reg.addr);
        s.tug(["tag", "bb", &pushed]).succeeds();
        s.tug(["push", &pushed]).succeeds();
    }
    let dist = Distribution::start(&s, &data);
    assert_eq!(
        curl(&[&format!("http://{}/v2/_catalog", dist.addr)])
            .1
            .trim(),
        r#"{"repositories":["bb","pushed/by-tug","tools/bb"]}"#
    );
    for (i, (src, dst)) in IMAGES.iter().enumerate() {
        let out = s.path().join(format!("back{i}"));
        skopeo_copy(
            &format!("docker://{}/{dst}", dist.addr),
            &format!("oci:{}:x", out.display()),
        );
        assert_eq!(
            raw_manifest(&format!("docker://{}/{dst}", dist.addr)),
            raw_manifest(&format!("oci:{}:{src}", store.display())),
        );
        let source = blobs(&store);
        for (name, bytes) in blobs(&out) {
            let same = source.iter().find(|(n, _)| *n == name);
            assert_eq!(same.map(|(_, b)| b), Some(&bytes), "blob {name}");
        }
    }
    let client = Scenario::new();
    let name = format!("{}/pushed/by-tug:2", dist.addr);
    client.tug(["pull", &name]).succeeds();
    client
        .tug(["run", "--rm", &name, "echo", "back"])
        .succeeds()
        .stdout_is("back\n");
}

/// A self-signed certificate for 127.0.0.1 in `dir`: (cert, key).
fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("domain.crt"), dir.join("domain.key"));
    let out = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    (cert, key)
}

/// A distribution `config.yml` with htpasswd and TLS (the one the
/// distribution documentation shows) works unchanged: docker-registry
/// serves with it, then `registry-serve --config` does, over the same data.
#[test]
fn distribution_config_with_htpasswd_and_tls_works_unchanged() {
    let Some(tar) = preconditions() else {
        skip!("busybox-static, skopeo or docker-registry is not installed")
    };
    if !have("openssl") {
        skip!("openssl is not installed");
    }
    let s = Scenario::new();
    let store = source_images(&s, &tar);
    let (certs, server) = (s.path().join("certs"), s.path().join("server"));
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::create_dir_all(&server).unwrap();
    let (cert, key) = self_signed(&server);
    // skopeo reads a CA for the registry from a directory of *.crt.
    std::fs::copy(&cert, certs.join("ca.crt")).unwrap();
    let htpasswd = s.path().join("htpasswd");
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    std::fs::write(&htpasswd, format!("alice:{hash}\n")).unwrap();
    let data = s.path().join("var-lib-registry");
    let addr = free_addr();
    let config = s.path().join("config.yml");
    std::fs::write(
        &config,
        format!(
            "version: 0.1
log:
  level: info
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: {data}
  delete:
    enabled: true
http:
  addr: {addr}
  headers:
    X-Content-Type-Options: [nosniff]
  tls:
    certificate: {cert}
    key: {key}
auth:
  htpasswd:
    realm: basic-realm
    path: {htpasswd}
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
",
            data = data.display(),
            cert = cert.display(),
            key = key.display(),
            htpasswd = htpasswd.display(),
        ),
    )
    .unwrap();
    let ca = cert.to_str().unwrap();
    let auth = ["--cacert", ca, "-u", "alice:s3cret"];
    let creds = [
        "--dest-creds=alice:s3cret",
        &format!("--dest-cert-dir={}", certs.display()),
    ]
    .map(String::from);
    let creds: Vec<&str> = creds.iter().map(String::as_str).collect();
    {
        let _dist = Distribution::with_config(&config, addr.clone(), &auth, "https");
        skopeo_copy_with(
            &creds,
            &format!("oci:{}:{}", store.display(), IMAGES[0].0),
            &format!("docker://{addr}/bb:1"),
        );
    }

    let mut run = s.tug(["registry-serve", "--config", config.to_str().unwrap()]);
    run.cmd.stderr(Stdio::piped()).stdout(Stdio::null());
    let mut child = run.cmd.spawn().unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut err, &mut line).unwrap();
    assert!(line.contains(&format!("listening on {addr}")), "{line}");
    std::thread::spawn(move || for _ in std::io::BufRead::lines(err) {});
    let _kill = KillOnDrop(child);

    let url = format!("https://{addr}/v2/");
    let (code, _, headers) = curl(&["--cacert", ca, &url]);
    assert_eq!(code, 401, "htpasswd applies");
    assert!(
        headers.contains("www-authenticate: basic realm=\"basic-realm\""),
        "{headers}"
    );
    let (code, _, headers) = curl(&[&auth[..], &[url.as_str()]].concat());
    assert_eq!(code, 200);
    assert!(
        headers.contains("x-content-type-options: nosniff"),
        "{headers}"
    );
    // What distribution stored under the same configuration is served...
    let src = format!("oci:{}:{}", store.display(), IMAGES[0].0);
    let pulled = s.path().join("pulled");
    let pull_creds = [
        "--src-creds=alice:s3cret",
        &format!("--src-cert-dir={}", certs.display()),
    ]
    .map(String::from);
    let pull_creds: Vec<&str> = pull_creds.iter().map(String::as_str).collect();
    skopeo_copy_with(
        &pull_creds,
        &format!("docker://{addr}/bb:1"),
        &format!("oci:{}:x", pulled.display()),
    );
    let source = blobs(&store);
    for (name, bytes) in blobs(&pulled) {
        let same = source.iter().find(|(n, _)| *n == name);
        assert_eq!(same.map(|(_, b)| b), Some(&bytes), "blob {name}");
    }
    // ... pushes go on, and delete is enabled as the configuration says.
    skopeo_copy_with(&creds, &src, &format!("docker://{addr}/more:1"));
    let (code, ..) = curl(
        &[
            &auth[..],
            &[
                "-X",
                "DELETE",
                &format!("https://{addr}/v2/more/manifests/1"),
            ],
        ]
        .concat(),
    );
    assert_eq!(code, 202);
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A pull-through cache (`proxy.remoteurl`, as distribution's): a
/// registry-serve proxying another serves what was pulled through it after
/// the upstream is stopped, and refuses pushes.
#[test]
fn pull_through_cache_serves_after_the_upstream_stops() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let up = Scenario::new();
    let upstream = Registry::start(&up, &["--quiet"]);
    up.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let pushed = format!("{}/library/bb:1", upstream.addr);
    up.tug(["tag", "bb", &pushed]).succeeds();
    up.tug(["push", &pushed]).succeeds();

    let cache = Scenario::new();
    let config = cache.path().join("config.yml");
    std::fs::write(
        &config,
        format!(
            "version: 0.1\nproxy:\n  remoteurl: http://{}\n  ttl: 168h\n",
            upstream.addr
        ),
    )
    .unwrap();
    let proxy = Registry::start(&cache, &["--quiet", "--config", config.to_str().unwrap()]);
    let through = format!("{}/library/bb:1", proxy.addr);
    let first = Scenario::new();
    first.tug(["pull", &through]).succeeds();
    let id = |s: &Scenario| {
        s.tug(["inspect", "--format", "{{.Id}}", &through])
            .succeeds()
            .stdout()
    };
    let want = id(&first);
    let (code, body, _) = curl(&["-X", "POST", &proxy.url("/v2/library/bb/blobs/uploads/")]);
    assert_eq!(code, 405, "{body}");

    drop(upstream);
    let second = Scenario::new();
    second.tug(["pull", &through]).succeeds();
    assert_eq!(id(&second), want);
    second
        .tug(["run", "--rm", &through, "echo", "cached"])
        .succeeds()
        .stdout_is("cached\n");
}
