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
}
