//! Fixtures for the registry's S3 tests: moto's standalone S3 server on
//! loopback, and skopeo helpers. Not every test file uses every fixture.
#![allow(dead_code)]

use std::process::{Command, Stdio};

use crate::common::*;

/// moto's standalone S3 server on a free loopback port, with one bucket;
/// killed on drop.
pub struct Moto {
    child: std::process::Child,
    pub url: String,
}

impl Moto {
    /// moto_server from PATH, else the venv .ci/run installs.
    pub fn program() -> Option<String> {
        if have("moto_server") {
            return Some("moto_server".into());
        }
        let venv = "/opt/tug-moto/bin/moto_server";
        std::path::Path::new(venv).exists().then(|| venv.into())
    }

    pub fn start(bucket: &str) -> Option<Moto> {
        let program = Moto::program()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let m = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while curl(&["-X", "PUT", &format!("{}/{bucket}", m.url)]).0 != 200 {
            assert!(
                std::time::Instant::now() < deadline,
                "moto_server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Some(m)
    }

    /// A distribution configuration for `bucket` here.
    pub fn config(&self, bucket: &str) -> String {
        format!(
            "version: 0.1\nstorage:\n  s3:\n    accesskey: test\n    secretkey: test\n    region: us-east-1\n    regionendpoint: {}\n    bucket: {bucket}\n    rootdirectory: /registry\n    chunksize: 5242880\n  delete:\n    enabled: true\n",
            self.url
        )
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `skopeo copy` between two references, digests preserved, no TLS checks.
pub fn skopeo_copy(from: &str, to: &str) {
    let out = Command::new("skopeo")
        .args(["copy", "--preserve-digests", "--src-tls-verify=false"])
        .args(["--dest-tls-verify=false", from, to])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

/// Every blob of the OCI layout `out` is the same file in `store`.
pub fn same_blobs(out: &std::path::Path, store: &std::path::Path) {
    for e in std::fs::read_dir(out.join("blobs/sha256"))
        .unwrap()
        .flatten()
    {
        let source = store.join("blobs/sha256").join(e.file_name());
        assert_eq!(
            std::fs::read(e.path()).unwrap(),
            std::fs::read(&source).unwrap(),
            "{}",
            source.display()
        );
    }
}

/// Starts registry-serve over `s`'s store with a configuration file.
pub fn serve_with_config(s: &Scenario, config: &str) -> Registry {
    let path = s.path().join("config.yml");
    std::fs::write(&path, config).unwrap();
    Registry::start(s, &["--quiet", "--config", path.to_str().unwrap()])
}

/// A child process killed on drop.
pub struct Killed(pub std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
