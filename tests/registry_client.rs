//! `pull` and `push` against registry-serve and Debian's docker-registry
//! (distribution 2.8), with skopeo as the independent client.

mod common;

use std::process::Command;

use common::*;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Debian's docker-registry on a free loopback port, killed on drop.
struct Distribution {
    child: std::process::Child,
    addr: String,
}

impl Distribution {
    fn start(dir: &std::path::Path) -> Option<Distribution> {
        let bin = ["/usr/bin/docker-registry", "/usr/sbin/docker-registry"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let addr = format!("127.0.0.1:{}", free_port());
        let cfg = dir.join("registry.yml");
        std::fs::write(
            &cfg,
            format!("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {addr}\n", dir.join("data").display()),
        )
        .unwrap();
        let child = Command::new(bin)
            .arg("serve")
            .arg(&cfg)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        for _ in 0..100 {
            if std::net::TcpStream::connect(&addr).is_ok() {
                return Some(Distribution { child, addr });
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Distribution {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn id(s: &Scenario, name: &str) -> String {
    s.tug(["inspect", "-f", "{{.Id}}", name])
        .succeeds()
        .stdout()
        .trim()
        .to_string()
}

/// The seed's scenario: registry-serve; tag; push; rmi; pull; the catalog
/// and tag list; and the pulled image runs.
#[test]
fn seed_push_rmi_pull_against_registry_serve() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    let reg = Registry::start(&server, &[]);
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let name = format!("{}/bb:1", reg.addr);
    s.tug(["tag", "bb", &name]).succeeds();
    s.tug(["push", &name]).succeeds().stdout_contains("Pushed");
    s.tug(["push", &name])
        .succeeds()
        .stdout_contains("Layer already exists");
    let before = id(&s, &name);
    s.tug(["rmi", &name]).succeeds();
    s.tug(["rmi", "bb"]).succeeds();
    s.tug(["pull", &name])
        .succeeds()
        .stdout_contains("Status: Downloaded newer image");
    assert_eq!(id(&s, &name), before);
    assert_eq!(
        curl(&[&reg.url("/v2/_catalog")]).1,
        r#"{"repositories":["bb"]}"#
    );
    assert_eq!(
        curl(&[&reg.url("/v2/bb/tags/list")]).1,
        r#"{"name":"bb","tags":["1"]}"#
    );
    s.tug(["run", "--rm", &name, "echo", "pulled"])
        .succeeds()
        .stdout_is("pulled\n");
    // By digest, and a second pull downloads nothing.
    let digest = s
        .tug(["pull", &name])
        .succeeds()
        .stdout_contains("Image is up to date")
        .stdout();
    let d = digest
        .lines()
        .find_map(|l| l.strip_prefix("Digest: "))
        .unwrap()
        .to_string();
    let fresh = Scenario::new();
    fresh
        .tug(["pull", &format!("{}/bb@{d}", reg.addr)])
        .succeeds();
    fresh
        .tug(["pull", &format!("{}/bb:nope", reg.addr)])
        .fails()
        .code_is(125)
        .one_line_error();
    // `run` pulls what is missing, as Docker does; `--pull never` refuses.
    let other = Scenario::new();
    other
        .tug(["run", "--rm", "--pull", "never", &name, "true"])
        .fails()
        .code_is(125)
        .one_line_error();
    other
        .tug(["run", "--rm", &name, "echo", "auto-pulled"])
        .succeeds()
        .stdout_is("auto-pulled\n")
        .stderr_contains("Unable to find image");
    assert_eq!(id(&other, &name), before);
}

/// tug pushes to distribution 2.8; skopeo reads it back with the same
/// manifest; tug pulls what skopeo pushed.
#[test]
fn interop_with_docker_registry_and_skopeo() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    if !have("skopeo") {
        skip!("skopeo is not installed");
    }
    let s = Scenario::new();
    let Some(dist) = Distribution::start(s.path()) else {
        skip!("docker-registry is not installed")
    };
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let name = format!("{}/team/bb:1", dist.addr);
    s.tug(["tag", "bb", &name]).succeeds();
    s.tug(["push", &name]).succeeds();
    let raw = Command::new("skopeo")
        .args([
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{name}"),
        ])
        .output()
        .unwrap();
    assert!(raw.status.success(), "{raw:?}");
    let local = Command::new("skopeo")
        .args([
            "inspect",
            "--raw",
            &format!("oci:{}:docker.io/library/bb:latest", s.store().display()),
        ])
        .output()
        .unwrap();
    assert_eq!(
        raw.stdout, local.stdout,
        "the registry holds exactly our manifest"
    );
    // skopeo pushes (compressing the layer); tug pulls and runs it.
    let other = format!("{}/other:2", dist.addr);
    let cp = Command::new("skopeo")
        .args([
            "copy",
            "--dest-tls-verify=false",
            &format!("oci:{}:docker.io/library/bb:latest", s.store().display()),
            &format!("docker://{other}"),
        ])
        .output()
        .unwrap();
    assert!(cp.status.success(), "{cp:?}");
    let fresh = Scenario::new();
    fresh.tug(["pull", &other]).succeeds();
    fresh
        .tug(["run", "--rm", &other, "echo", "from-distribution"])
        .succeeds()
        .stdout_is("from-distribution\n");
    // Pushing the same layer to a sibling repository mounts it instead.
    let sibling = format!("{}/team/copy:1", dist.addr);
    s.tug(["tag", "bb", &sibling]).succeeds();
    s.tug(["push", &sibling])
        .succeeds()
        .stdout_contains("Mounted from team/bb");
    let fresh = Scenario::new();
    fresh.tug(["pull", &sibling]).succeeds();
}

/// htpasswd auth end to end: 401 with a challenge, login (bad and good
/// password), push and pull with stored credentials, skopeo with creds,
/// logout.
#[test]
fn htpasswd_login_push_pull_logout() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    let htpasswd = server.path().join("htpasswd");
    std::fs::write(&htpasswd, format!("alice:{hash}\n")).unwrap();
    let reg = Registry::start(&server, &["--htpasswd", htpasswd.to_str().unwrap()]);
    let (code, _, h) = curl(&[&reg.url("/v2/")]);
    assert_eq!(code, 401);
    assert!(h.contains("www-authenticate: basic realm="), "{h}");
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let name = format!("{}/bb:1", reg.addr);
    s.tug(["tag", "bb", &name]).succeeds();
    s.tug(["push", &name]).fails().code_is(125).one_line_error();
    s.tug(["login", "-u", "alice", "--password-stdin", &reg.addr])
        .stdin("wrong\n")
        .fails()
        .code_is(125)
        .one_line_error();
    assert!(!s.path().join("home/.docker/config.json").exists());
    s.tug(["login", "-u", "alice", "--password-stdin", &reg.addr])
        .stdin("s3cret\n")
        .succeeds()
        .stdout_is("Login Succeeded\n");
    let cfg = std::fs::read_to_string(s.path().join("home/.docker/config.json")).unwrap();
    assert!(cfg.contains(&reg.addr) && cfg.contains("\"auth\""), "{cfg}");
    s.tug(["push", &name]).succeeds();
    s.tug(["rmi", &name]).succeeds();
    s.tug(["pull", &name]).succeeds();
    if have("skopeo") {
        let out = std::process::Command::new("skopeo")
            .args([
                "inspect",
                "--tls-verify=false",
                "--creds",
                "alice:s3cret",
                &format!("docker://{name}"),
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    s.tug(["logout", &reg.addr])
        .succeeds()
        .stdout_contains("Removing login credentials");
    s.tug(["pull", &name]).fails().code_is(125).one_line_error();
}

/// TLS with a self-signed certificate the clients are told to trust.
#[test]
fn tls_with_a_self_signed_certificate() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    if !have("openssl") {
        skip!("openssl is not installed");
    }
    let server = Scenario::new();
    let (cert, key) = (
        server.path().join("cert.pem"),
        server.path().join("key.pem"),
    );
    // A CA, and a server certificate for 127.0.0.1 signed by it.
    let ca_key = server.path().join("ca.key");
    let ca = server.path().join("ca.crt");
    let csr = server.path().join("server.csr");
    let ext = server.path().join("ext.cnf");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    let p = |s: &std::path::Path| s.to_str().unwrap().to_string();
    for args in [
        vec![
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=tug test CA",
            "-keyout",
            &p(&ca_key),
            "-out",
            &p(&ca),
        ],
        vec![
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            &p(&key),
            "-out",
            &p(&csr),
        ],
        vec![
            "x509",
            "-req",
            "-in",
            &p(&csr),
            "-CA",
            &p(&ca),
            "-CAkey",
            &p(&ca_key),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            &p(&ext),
            "-out",
            &p(&cert),
        ],
    ] {
        let out = std::process::Command::new("openssl")
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    let cert_for_clients = ca.clone();
    let reg = Registry::start(
        &server,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let (code, _, _) = curl(&[
        "--cacert",
        cert_for_clients.to_str().unwrap(),
        &format!("https://{}/v2/", reg.addr),
    ]);
    assert_eq!(code, 200);
    let s = Scenario::new();
    let certs = s.path().join("home/.config/tug/certs.d").join(&reg.addr);
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::copy(&cert_for_clients, certs.join("ca.crt")).unwrap();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let name = format!("{}/bb:tls", reg.addr);
    s.tug(["tag", "bb", &name]).succeeds();
    s.tug(["push", &name]).succeeds();
    if have("skopeo") {
        let dir = s.path().join("skopeo-certs");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&cert_for_clients, dir.join("ca.crt")).unwrap();
        let out = std::process::Command::new("skopeo")
            .args(["inspect", "--cert-dir"])
            .arg(&dir)
            .arg(format!("docker://{name}"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    // Without the CA the certificate is refused.
    let other = Scenario::new();
    other
        .tug(["pull", &name])
        .fails()
        .code_is(125)
        .one_line_error();
}

/// podman pushes to registry-serve; tug pulls and runs what it pushed.
#[test]
fn podman_push_then_tug_pull_and_run() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    if !have("podman") || !is_root() {
        skip!("podman is not installed (or not root)");
    }
    let server = Scenario::new();
    let reg = Registry::start(&server, &[]);
    let pd = server.path().join("podman");
    let podman = |args: &[&str]| {
        let out = Command::new("podman")
            .arg("--root")
            .arg(pd.join("r"))
            .arg("--runroot")
            .arg(pd.join("rr"))
            .args([
                "--storage-driver",
                "vfs",
                "--cgroup-manager",
                "cgroupfs",
                "--events-backend",
                "file",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "podman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    podman(&["import", tar.to_str().unwrap(), "localhost/pbb:1"]);
    let dest = format!("docker://{}/pbb:1", reg.addr);
    podman(&["push", "--tls-verify=false", "localhost/pbb:1", &dest]);
    let s = Scenario::new();
    let name = format!("{}/pbb:1", reg.addr);
    s.tug(["pull", &name]).succeeds();
    s.tug(["run", "--rm", &name, "echo", "pushed-by-podman"])
        .succeeds()
        .stdout_is("pushed-by-podman\n");
}

/// `tug registry gc` running again and again while several clients push
/// loses nothing a manifest references.
#[test]
fn gc_during_concurrent_pushes_loses_nothing() {
    let server = Scenario::new();
    let reg = Registry::start(&server, &["--quiet"]);
    let addr = reg.addr.clone();
    let pushers: Vec<_> = (0..4)
        .map(|p| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let s = Scenario::new();
                for round in 0..5 {
                    let layer = s.path().join(format!("l{round}.tar"));
                    let mut b = tar::Builder::new(std::fs::File::create(&layer).unwrap());
                    let data = format!("pusher {p} round {round}\n").repeat(2000);
                    let mut h = tar::Header::new_gnu();
                    h.set_size(data.len() as u64);
                    h.set_mode(0o644);
                    h.set_cksum();
                    b.append_data(&mut h, "data.txt", data.as_bytes()).unwrap();
                    b.finish().unwrap();
                    drop(b);
                    let name = format!("{addr}/p{p}:r{round}");
                    s.tug(["import", layer.to_str().unwrap(), &name]).succeeds();
                    s.tug(["push", &name]).succeeds();
                }
            })
        })
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let gc = {
        let stop = stop.clone();
        let root = server.store();
        std::thread::spawn(move || {
            let mut runs = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || runs == 0 {
                let out = Command::new(TUG)
                    .args(["--root", root.to_str().unwrap(), "registry", "gc"])
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{out:?}");
                runs += 1;
            }
            runs
        })
    };
    for p in pushers {
        p.join().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(gc.join().unwrap() > 0);
    server.tug(["registry", "gc"]).succeeds();
    // Every pushed image pulls whole into a fresh store.
    let check = Scenario::new();
    for p in 0..4 {
        for round in 0..5 {
            check
                .tug(["pull", "-q", &format!("{addr}/p{p}:r{round}")])
                .succeeds();
        }
    }
}

fn big_layer_image(s: &Scenario, name: &str) {
    let layer = s.path().join("big-layer.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&layer).unwrap());
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let data: Vec<u8> = (0..20 * 1024 * 1024 / 8)
        .flat_map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()
        })
        .collect();
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "big.bin", &data[..]).unwrap();
    b.finish().unwrap();
    drop(b);
    s.tug(["import", layer.to_str().unwrap(), name]).succeeds();
}

/// A 20 MiB layer goes up in chunks, to registry-serve and to distribution,
/// and comes back whole.
#[test]
fn chunked_push_of_a_big_layer() {
    let server = Scenario::new();
    let reg = Registry::start(&server, &["--quiet"]);
    let s = Scenario::new();
    let mut targets = vec![reg.addr.clone()];
    let dist = Distribution::start(s.path());
    if let Some(d) = &dist {
        targets.push(d.addr.clone());
    } else {
        eprintln!("SKIPPED (in part): docker-registry is not installed");
    }
    for addr in targets {
        let name = format!("{addr}/big:1");
        big_layer_image(&s, &name);
        s.tug(["push", &name]).succeeds();
        let fresh = Scenario::new();
        fresh.tug(["pull", &name]).succeeds();
        assert_eq!(id(&fresh, &name), id(&s, &name), "{addr}");
    }
}

/// `--serve-local` serves the store's own images; `search` lists them.
#[test]
fn serve_local_images_and_search() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    server
        .tug(["import", tar.to_str().unwrap(), "busybox:1.36"])
        .succeeds();
    let reg = Registry::start(&server, &["--serve-local", "--quiet"]);
    let (code, body, _) = curl(&[&reg.url("/v2/busybox/tags/list")]);
    assert_eq!(
        (code, body.as_str()),
        (200, r#"{"name":"busybox","tags":["1.36"]}"#)
    );
    let s = Scenario::new();
    let name = format!("{}/busybox:1.36", reg.addr);
    s.tug(["pull", &name]).succeeds();
    assert_eq!(id(&s, &name), id(&server, "busybox:1.36"));
    s.tug([
        "search",
        "--format",
        "{{.Name}}",
        &format!("{}/busy", reg.addr),
    ])
    .succeeds()
    .stdout_is(&format!("{0}/busybox\n{0}/library/busybox\n", reg.addr));
    s.tug([
        "search",
        "--format",
        "{{.Name}}",
        &format!("{}/nothing", reg.addr),
    ])
    .succeeds()
    .stdout_is("");
}

/// Credentials from a Docker credential helper (`credsStore`).
#[test]
fn credentials_from_a_credential_helper() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    let htpasswd = server.path().join("htpasswd");
    std::fs::write(
        &htpasswd,
        format!("bob:{}\n", bcrypt::hash("helper-pw", 4).unwrap()),
    )
    .unwrap();
    let reg = Registry::start(
        &server,
        &["--htpasswd", htpasswd.to_str().unwrap(), "--quiet"],
    );
    let s = Scenario::new();
    let bin = s.path().join("helpers");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-tugtest");
    std::fs::write(&helper, "#!/bin/sh\nread host\necho \"{\\\"ServerURL\\\":\\\"$host\\\",\\\"Username\\\":\\\"bob\\\",\\\"Secret\\\":\\\"helper-pw\\\"}\"\n").unwrap();
    std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(s.path().join("home/.docker")).unwrap();
    std::fs::write(
        s.path().join("home/.docker/config.json"),
        r#"{"credsStore":"tugtest"}"#,
    )
    .unwrap();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let name = format!("{}/bb:1", reg.addr);
    s.tug(["tag", "bb", &name]).succeeds();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut push = s.tug(["push", &name]);
    push.cmd.env("PATH", &path);
    push.succeeds();
    // Without the helper on PATH there are no credentials.
    let fresh = Scenario::new();
    fresh
        .tug(["pull", &name])
        .fails()
        .code_is(125)
        .one_line_error();
}

/// `kill -9` in the middle of a pull: the next pull completes and nothing
/// partial is left.
#[test]
fn killed_pull_restarts_cleanly() {
    let server = Scenario::new();
    let reg = Registry::start(&server, &["--quiet"]);
    let s = Scenario::new();
    let name = format!("{}/big:2", reg.addr);
    big_layer_image(&s, &name);
    s.tug(["push", &name]).succeeds();
    let target = Scenario::new();
    for ms in [20, 80] {
        let mut run = target.tug(["pull", &name]);
        run.cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = run.cmd.spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    target.tug(["pull", &name]).succeeds();
    assert_eq!(id(&target, &name), id(&s, &name));
    // The layer was unpacked by the pull, once, whole.
    assert_eq!(complete_snapshots(&target), 1);
    target.tug(["images"]).succeeds();
    assert_eq!(
        std::fs::read_dir(target.store().join("tmp"))
            .unwrap()
            .count(),
        0
    );
    for e in std::fs::read_dir(target.store().join("blobs/sha256"))
        .unwrap()
        .flatten()
    {
        let out = Command::new("sha256sum").arg(e.path()).output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .next()
                .unwrap(),
            e.file_name().to_string_lossy()
        );
    }
}

/// A pull of a multi-platform index takes the host's platform, and
/// `--platform` picks another.
#[test]
fn manifest_list_picks_the_platform() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    let reg = Registry::start(&server, &["--quiet"]);
    let s = Scenario::new();
    // Two images (amd64, and the same files labelled arm64) pushed by digest.
    let mut entries = Vec::new();
    for (arch, tag) in [("amd64", "amd"), ("arm64", "arm")] {
        let name = format!("{}/multi:{tag}", reg.addr);
        s.tug([
            "import",
            "--platform",
            &format!("linux/{arch}"),
            "-c",
            &format!("LABEL arch={arch}"),
            tar.to_str().unwrap(),
            &name,
        ])
        .succeeds();
        let out = s.tug(["push", &name]).succeeds().stdout();
        let line = out.lines().last().unwrap().to_string();
        let digest = line.split_whitespace().nth(2).unwrap().to_string();
        let size: u64 = line.split_whitespace().nth(4).unwrap().parse().unwrap();
        entries.push(format!(
            r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{digest}","size":{size},"platform":{{"os":"linux","architecture":"{arch}"}}}}"#
        ));
    }
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{}]}}"#,
        entries.join(",")
    );
    let ct = "content-type: application/vnd.oci.image.index.v1+json";
    assert_eq!(
        curl(&[
            "-X",
            "PUT",
            "-H",
            ct,
            "--data-binary",
            &index,
            &reg.url("/v2/multi/manifests/latest")
        ])
        .0,
        201
    );
    let name = format!("{}/multi:latest", reg.addr);
    let host = Scenario::new();
    host.tug(["pull", &name]).succeeds();
    let arch = if cfg!(target_arch = "x86_64") {
        "amd64"
    } else {
        "arm64"
    };
    host.tug(["inspect", "-f", "{{.Architecture}}", &name])
        .succeeds()
        .stdout_is(&format!("{arch}\n"));
    let other = Scenario::new();
    other
        .tug(["pull", "--platform", "linux/arm64", &name])
        .succeeds();
    other
        .tug(["inspect", "-f", "{{.Config.Labels.arch}}", &name])
        .succeeds()
        .stdout_is("arm64\n");
    other
        .tug(["pull", "--platform", "linux/s390x", &name])
        .fails()
        .code_is(125)
        .one_line_error();
}

/// A stand-in registry on loopback that answers every manifest request
/// with a schema 1 manifest, as old Docker Hub images (training/webapp)
/// still are.
fn schema1_registry() -> (String, std::thread::JoinHandle<()>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let handle = std::thread::spawn(move || {
        // Serve a bounded number of connections, then stop by itself.
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let (ctype, body) = if request.contains("/manifests/") {
                (
                    "application/vnd.docker.distribution.manifest.v1+prettyjws",
                    r#"{"schemaVersion":1,"name":"training/webapp","tag":"latest","architecture":"amd64","fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],"history":[{"v1Compatibility":"{}"}]}"#,
                )
            } else {
                ("application/json", "{}")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            if request.contains("/manifests/") {
                return;
            }
        }
    });
    (addr, handle)
}

#[test]
fn schema1_images_are_refused_plainly() {
    let s = Scenario::new();
    let (addr, server) = schema1_registry();
    let o = s
        .tug(["pull", &format!("{addr}/training/webapp")])
        .fails()
        .code_is(125)
        .one_line_error();
    assert!(
        o.stderr()
            .contains("deprecated image manifest format schema 1"),
        "{}",
        o.dump()
    );
    server.join().unwrap();
}

/// A stand-in for a registry with Docker Hub's search API (`/v1/search`),
/// answering every query with two results; bounded, stops by itself.
fn search_index() -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let handle = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for stream in listener.incoming().take(3) {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            let body = r#"{"num_results":2,"query":"nginx","results":[{"name":"nginx","description":"Official build of Nginx.","star_count":20000,"is_official":true,"is_automated":false},{"name":"someone/nginx-proxy","description":"An automated proxy","star_count":3,"is_official":false,"is_automated":true}]}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            requests.push(request);
        }
        requests
    });
    (addr, handle)
}

/// `search` uses a registry's search API when it has one, with Docker's
/// columns and filters (Docker Hub's for a bare term; here a loopback
/// stand-in, since tests have no internet).
#[test]
fn search_uses_the_search_api_with_dockers_columns() {
    let s = Scenario::new();
    let (addr, server) = search_index();
    let term = format!("{addr}/nginx");
    let o = s.tug(["search", &term]).succeeds();
    let out = o.stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("NAME")
            && lines[0].contains("DESCRIPTION")
            && lines[0].contains("STARS")
            && lines[0].contains("OFFICIAL"),
        "{}",
        o.dump()
    );
    assert!(
        lines[1].starts_with("nginx") && lines[1].contains("20000") && lines[1].contains("[OK]"),
        "{}",
        o.dump()
    );
    s.tug([
        "search",
        "--filter",
        "stars=10",
        "--format",
        "{{.Name}}",
        &term,
    ])
    .succeeds()
    .stdout_is("nginx\n");
    s.tug([
        "search",
        "--filter",
        "is-official=false",
        "--format",
        "{{.Name}} {{.StarCount}}",
        &term,
    ])
    .succeeds()
    .stdout_is("someone/nginx-proxy 3\n");
    s.tug(["search", "--filter", "bogus=1", &term])
        .fails()
        .code_is(125)
        .one_line_error();
    let requests = server.join().unwrap();
    assert!(
        requests
            .iter()
            .all(|r| r.starts_with("GET /v1/search?q=nginx&n=25 ")),
        "{requests:?}"
    );
}

/// The manifest (by tag `name`) and every blob of an image in `s`'s store,
/// read from its files: what a stand-in registry serves.
fn image_files(s: &Scenario, name: &str) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.store().join("index.json")).unwrap()).unwrap();
    let entry = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["annotations"]["org.opencontainers.image.ref.name"]
                .as_str()
                .is_some_and(|n| n.ends_with(name))
        })
        .unwrap();
    let blob = |d: &str| {
        let (algo, hex) = d.split_once(':').unwrap();
        std::fs::read(s.store().join("blobs").join(algo).join(hex)).unwrap()
    };
    let manifest = blob(entry["digest"].as_str().unwrap());
    let m: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let mut blobs = vec![];
    for d in std::iter::once(&m["config"]).chain(m["layers"].as_array().unwrap()) {
        let d = d["digest"].as_str().unwrap().to_string();
        blobs.push((d.clone(), blob(&d)));
    }
    (manifest, blobs)
}

/// A stand-in registry on loopback serving one image (`img:1`) from
/// memory, one connection at a time, each closed after its answer. It
/// honours `Range: bytes=N-`; with `cut`, the first whole answer for a
/// layer stops after half its bytes. Returns its address and the request
/// lines it saw (with their Range).
fn static_registry(
    manifest: Vec<u8>,
    blobs: Vec<(String, Vec<u8>)>,
    cut: bool,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let config = blobs[0].0.clone();
    std::thread::spawn(move || {
        let mut cut_done = !cut;
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let mut range = None;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    range = v.trim().trim_end_matches('-').parse::<usize>().ok();
                }
            }
            let path = request.split(' ').nth(1).unwrap_or_default().to_string();
            log.lock().unwrap().push(format!("{path} range={range:?}"));
            let (ctype, body): (&str, &[u8]) = if path.ends_with("/manifests/1") {
                ("application/vnd.oci.image.manifest.v1+json", &manifest)
            } else if let Some((_, b)) = blobs.iter().find(|(d, _)| path.ends_with(d.as_str())) {
                ("application/octet-stream", b)
            } else if path == "/v2/" {
                ("application/json", b"{}")
            } else {
                let _ = write!(
                    stream,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                continue;
            };
            let layer = path.contains("/blobs/") && !path.ends_with(config.as_str());
            match range {
                Some(from) if from < body.len() => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 206 Partial Content\r\nContent-Type: {ctype}\r\nContent-Range: bytes {from}-{}/{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len() - 1,
                        body.len(),
                        body.len() - from
                    );
                    let _ = stream.write_all(&body[from..]);
                }
                _ => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    if layer && !cut_done {
                        cut_done = true;
                        let _ = stream.write_all(&body[..body.len() / 2]);
                    } else {
                        let _ = stream.write_all(body);
                    }
                }
            }
        }
    });
    (addr, seen)
}

/// Snapshot directories made whole (with their `complete` marker).
fn complete_snapshots(s: &Scenario) -> usize {
    std::fs::read_dir(s.store().join("snapshots"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("complete").is_file())
        .count()
}

/// A download cut off midway resumes with `Range` where it stopped, and
/// the pulled image is whole and already unpacked.
#[test]
fn cut_download_resumes_with_range() {
    let s = Scenario::new();
    big_layer_image(&s, "big:1");
    let (manifest, blobs) = image_files(&s, "big:1");
    let layer_len = blobs[1].1.len();
    let (addr, seen) = static_registry(manifest, blobs, true);
    let target = Scenario::new();
    let name = format!("{addr}/img:1");
    target.tug(["pull", &name]).succeeds();
    assert_eq!(id(&target, &name), id(&s, "big:1"));
    let seen = seen.lock().unwrap().clone();
    let resumed = format!("range=Some({})", layer_len / 2);
    assert!(
        seen.iter().any(|l| l.ends_with(&resumed)),
        "no resumed request in {seen:?}"
    );
    // Unpacked by the pull itself.
    assert_eq!(complete_snapshots(&target), 1);
}

/// A layer whose bytes do not match its digest fails the pull and leaves
/// neither a blob nor a snapshot, not even in `tmp/`.
#[test]
fn a_corrupt_layer_leaves_nothing_behind() {
    let s = Scenario::new();
    big_layer_image(&s, "big:1");
    let (manifest, mut blobs) = image_files(&s, "big:1");
    let n = blobs[1].1.len();
    blobs[1].1[n - 100] ^= 0xff;
    let layer = blobs[1].0.clone();
    let (addr, _) = static_registry(manifest, blobs, false);
    let target = Scenario::new();
    target
        .tug(["pull", &format!("{addr}/img:1")])
        .fails()
        .code_is(125)
        .one_line_error();
    let hex = layer.trim_start_matches("sha256:");
    assert!(!target.store().join("blobs/sha256").join(hex).exists());
    assert_eq!(complete_snapshots(&target), 0);
    assert_eq!(
        std::fs::read_dir(target.store().join("snapshots"))
            .unwrap()
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().ends_with(".lock"))
            .count(),
        0
    );
    assert_eq!(
        std::fs::read_dir(target.store().join("tmp"))
            .unwrap()
            .count(),
        0
    );
    target.tug(["images", "-q"]).succeeds().stdout_is("");
}

/// A mirror named in registries.toml serves the image under its own
/// registry's name; `pull -a` takes every tag; RepoDigests keep the
/// repository an image was pulled from, even by digest alone.
#[test]
fn mirrors_all_tags_and_repo_digests() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    let reg = Registry::start(&server, &["--quiet"]);
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    for t in ["1", "2"] {
        let name = format!("{}/hub/team/bb:{t}", reg.addr);
        s.tug(["tag", "bb", &name]).succeeds();
        s.tug(["push", &name]).succeeds();
    }
    // The real name's registry does not exist: only the mirror can answer.
    let m = Scenario::new();
    std::fs::create_dir_all(m.path().join("home/.config/tug")).unwrap();
    std::fs::write(
        m.path().join("home/.config/tug/registries.toml"),
        format!(
            "[[registry]]\nlocation = \"nowhere.invalid\"\n[[registry.mirror]]\nlocation = \"{}/hub\"\n",
            reg.addr
        ),
    )
    .unwrap();
    m.tug(["pull", "nowhere.invalid/team/bb:1"])
        .succeeds()
        .stdout_contains("Status: Downloaded newer image for nowhere.invalid/team/bb:1");
    assert_eq!(id(&m, "nowhere.invalid/team/bb:1"), id(&s, "bb"));
    // --all-tags
    let a = Scenario::new();
    let repo = format!("{}/hub/team/bb", reg.addr);
    a.tug(["pull", "-a", &repo]).succeeds();
    a.tug(["inspect", &format!("{repo}:1")]).succeeds();
    a.tug(["inspect", &format!("{repo}:2")]).succeeds();
    a.tug(["pull", "-a", &format!("{repo}:1")])
        .fails()
        .code_is(125)
        .one_line_error();
    // RepoDigests: pulled by digest, untagged, still listed.
    let digest = curl(&[
        "-H",
        "Accept: application/vnd.oci.image.manifest.v1+json",
        "-o",
        "/dev/null",
        &reg.url("/v2/hub/team/bb/manifests/1"),
    ])
    .2
    .lines()
    .find_map(|l| l.strip_prefix("docker-content-digest: "))
    .unwrap()
    .trim()
    .to_string();
    let d = Scenario::new();
    d.tug(["pull", &format!("{repo}@{digest}")]).succeeds();
    d.tug(["inspect", "-f", "{{json .RepoDigests}}", &id(&s, "bb")])
        .succeeds()
        .stdout_is(&format!("[\"{repo}@{digest}\"]\n"));
}

/// daemon.json's `registry-mirrors` serve Docker Hub names (rootless:
/// the user's own daemon.json).
#[test]
fn daemon_json_registry_mirrors() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let Some(u) = Scenario::unprivileged() else {
        skip!("no unprivileged user to test with")
    };
    let server = Scenario::new();
    let reg = Registry::start(&server, &["--quiet"]);
    let s = Scenario::new();
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let name = format!("{}/library/mirrored:1", reg.addr);
    s.tug(["tag", "bb", &name]).succeeds();
    s.tug(["push", &name]).succeeds();
    let conf = u.path().join("home/.config/docker");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("daemon.json"),
        format!("{{\"registry-mirrors\": [\"http://{}\"]}}", reg.addr),
    )
    .unwrap();
    if let Some((uid, gid)) = user_ids("tugtest") {
        chown_r(&u.path().join("home/.config"), uid, gid);
    }
    u.tug(["pull", "mirrored:1"])
        .succeeds()
        .stdout_contains("docker.io/library/mirrored:1");
    assert_eq!(id(&u, "mirrored:1"), id(&s, "bb"));
}

/// `login` stores into the credential helper config.json names
/// (`docker-credential-<name> store`), keeps no secret in config.json,
/// pulls with what the helper gives back, and `logout` erases it.
#[test]
fn login_stores_into_a_credential_helper() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    let htpasswd = server.path().join("htpasswd");
    std::fs::write(
        &htpasswd,
        format!("ann:{}\n", bcrypt::hash("stored-pw", 4).unwrap()),
    )
    .unwrap();
    let reg = Registry::start(
        &server,
        &["--htpasswd", htpasswd.to_str().unwrap(), "--quiet"],
    );
    let s = Scenario::new();
    let bin = s.path().join("helpers");
    std::fs::create_dir_all(&bin).unwrap();
    let vault = s.path().join("vault.json");
    // A helper keeping one secret in a file: store, get, erase.
    std::fs::write(
        bin.join("docker-credential-filevault"),
        format!(
            "#!/bin/sh\nf={}\ncase \"$1\" in\n store) cat > \"$f\" ;;\n get) read host; [ -s \"$f\" ] || {{ echo 'credentials not found in native keychain'; exit 1; }}; cat \"$f\" ;;\n erase) read host; echo \"$host\" > \"$f.erased\"; rm -f \"$f\" ;;\nesac\n",
            vault.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        bin.join("docker-credential-filevault"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    std::fs::create_dir_all(s.path().join("home/.docker")).unwrap();
    std::fs::write(
        s.path().join("home/.docker/config.json"),
        r#"{"credsStore":"filevault"}"#,
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut login = s.tug(["login", "-u", "ann", "--password-stdin", &reg.addr]);
    login.cmd.env("PATH", &path);
    login
        .stdin("stored-pw\n")
        .succeeds()
        .stdout_contains("Login Succeeded");
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&vault).unwrap()).unwrap();
    assert_eq!(stored["ServerURL"], reg.addr.as_str());
    assert_eq!(stored["Username"], "ann");
    assert_eq!(stored["Secret"], "stored-pw");
    let config = std::fs::read_to_string(s.path().join("home/.docker/config.json")).unwrap();
    assert!(!config.contains("auth\""), "{config}");
    s.tug(["import", tar.to_str().unwrap(), "bb"]).succeeds();
    let name = format!("{}/bb:1", reg.addr);
    s.tug(["tag", "bb", &name]).succeeds();
    let mut push = s.tug(["push", &name]);
    push.cmd.env("PATH", &path);
    push.succeeds();
    let mut logout = s.tug(["logout", &reg.addr]);
    logout.cmd.env("PATH", &path);
    logout
        .succeeds()
        .stdout_contains("Removing login credentials");
    assert!(!vault.exists());
    let mut pull = s.tug(["pull", &name]);
    pull.cmd.env("PATH", &path);
    pull.fails().code_is(125).one_line_error();
}

/// Uploads `data` to `repo` on the registry at `addr` in one PUT, under
/// `digest`; returns the HTTP status of the PUT.
fn upload(addr: &str, repo: &str, digest: &str, data: &[u8], dir: &std::path::Path) -> u16 {
    let (code, _, headers) = curl(&[
        "-X",
        "POST",
        &format!("http://{addr}/v2/{repo}/blobs/uploads/"),
    ]);
    assert_eq!(code, 202, "{headers}");
    let loc = headers
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .unwrap()
        .trim()
        .to_string();
    let url = if loc.starts_with('/') {
        format!("http://{addr}{loc}")
    } else {
        loc
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    let file = dir.join("upload.bin");
    std::fs::write(&file, data).unwrap();
    curl(&[
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/octet-stream",
        "--data-binary",
        &format!("@{}", file.display()),
        &format!("{url}{sep}digest={digest}"),
    ])
    .0
}

/// An OCI image of the busybox rootfs with its one layer compressed by
/// `compress`, its blobs named with `algo` (`sha256` or `sha512`): the
/// manifest and the (digest, bytes) of config and layer.
fn built_image(
    tar: &std::path::Path,
    compress: &str,
    algo: &str,
) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    use sha2::Digest as _;
    let plain = std::fs::read(tar).unwrap();
    let diff = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&plain)));
    let (layer, media) = match compress {
        "zstd" => (
            zstd::encode_all(&plain[..], 3).unwrap(),
            "application/vnd.oci.image.layer.v1.tar+zstd",
        ),
        _ => {
            use std::io::Write;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&plain).unwrap();
            (
                gz.finish().unwrap(),
                "application/vnd.oci.image.layer.v1.tar+gzip",
            )
        }
    };
    let name = |b: &[u8]| match algo {
        "sha512" => format!("sha512:{}", hex::encode(sha2::Sha512::digest(b))),
        _ => format!("sha256:{}", hex::encode(sha2::Sha256::digest(b))),
    };
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": [diff]},
    }))
    .unwrap();
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": name(&config), "size": config.len()},
        "layers": [{"mediaType": media, "digest": name(&layer), "size": layer.len()}],
    }))
    .unwrap();
    (
        manifest,
        vec![(name(&config), config), (name(&layer), layer)],
    )
}

/// Uploads a built image to `addr` as `repo:1`.
fn upload_image(
    addr: &str,
    repo: &str,
    image: &(Vec<u8>, Vec<(String, Vec<u8>)>),
    dir: &std::path::Path,
) {
    for (d, b) in &image.1 {
        assert_eq!(upload(addr, repo, d, b, dir), 201, "uploading {d}");
    }
    let file = dir.join("manifest.json");
    std::fs::write(&file, &image.0).unwrap();
    let (code, body, _) = curl(&[
        "-X",
        "PUT",
        "-H",
        "Content-Type: application/vnd.oci.image.manifest.v1+json",
        "--data-binary",
        &format!("@{}", file.display()),
        &format!("http://{addr}/v2/{repo}/manifests/1"),
    ]);
    assert_eq!(code, 201, "{body}");
}

/// A zstd-compressed layer from a registry is pulled, verified, unpacked
/// and runs.
#[test]
fn zstd_layers_from_a_registry() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    let reg = Registry::start(&server, &["--quiet"]);
    let image = built_image(&tar, "zstd", "sha256");
    upload_image(&reg.addr, "zst", &image, server.path());
    let s = Scenario::new();
    let name = format!("{}/zst:1", reg.addr);
    s.tug(["pull", &name]).succeeds();
    assert_eq!(id(&s, &name), image.1[0].0);
    assert_eq!(complete_snapshots(&s), 1);
    s.tug(["run", "--rm", "--network", "none", &name, "echo", "zstd"])
        .succeeds()
        .stdout_is("zstd\n");
}

/// An image whose blobs are named by sha512 digests comes from a
/// registry, is stored under `blobs/sha512`, goes back up under the same
/// digests and comes down again the same. (distribution 2.8 accepts only
/// sha256 uploads, so registry-serve is the peer here.)
#[test]
fn sha512_round_trip() {
    let Some(tar) = busybox_rootfs_tar() else {
        skip!("busybox-static is not installed")
    };
    let server = Scenario::new();
    let reg = Registry::start(&server, &["--quiet"]);
    let image = built_image(&tar, "gzip", "sha512");
    upload_image(&reg.addr, "s512", &image, server.path());
    let s = Scenario::new();
    let name = format!("{}/s512:1", reg.addr);
    s.tug(["pull", &name]).succeeds();
    let config = &image.1[0].0;
    assert_eq!(&id(&s, &name), config);
    let layer = image.1[1].0.trim_start_matches("sha512:");
    assert!(s.store().join("blobs/sha512").join(layer).is_file());
    assert_eq!(complete_snapshots(&s), 1);
    let again = format!("{}/again:1", reg.addr);
    s.tug(["tag", &name, &again]).succeeds();
    s.tug(["push", &again]).succeeds();
    let (code, _, _) = curl(&["-I", &reg.url(&format!("/v2/again/blobs/{}", image.1[1].0))]);
    assert_eq!(code, 200);
    let fresh = Scenario::new();
    fresh.tug(["pull", &again]).succeeds();
    assert_eq!(&id(&fresh, &again), config);
    fresh
        .tug(["run", "--rm", "--network", "none", &again, "echo", "sha512"])
        .succeeds()
        .stdout_is("sha512\n");
}
