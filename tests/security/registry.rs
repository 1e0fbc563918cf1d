//! Attacks from network clients on registry-serve: idle and slow connections, huge uploads, upload sessions, password guessing, blob scoping.
//! Every client is on loopback; a second client address is 127.0.0.2
//! (curl --interface), which Linux routes to lo like 127.0.0.1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::*;

/// Generous: only there to turn a hang into a failure.
const DEADLINE: Duration = Duration::from_secs(90);

fn sha256(data: &[u8]) -> String {
    use sha2::Digest;
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(data)))
}

/// The spec error code of a JSON error body.
fn error_code(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    v["errors"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn header<'a>(headers: &'a str, name: &str) -> Option<&'a str> {
    headers
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .map(str::trim)
}

/// Retries `f` until it returns Some, failing after `DEADLINE`.
fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether the server closed `s`: waits up to `wait` for EOF or a reset,
/// swallowing any response sent before it.
fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    s.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

fn connect(reg: &Registry) -> TcpStream {
    TcpStream::connect(&reg.addr).unwrap()
}

/// Sets the server's open-file limit, as `prlimit --nofile=N` would.
fn limit_fds(reg: &Registry, n: u64) {
    let pid = rustix::process::Pid::from_raw(reg.child.id() as i32).unwrap();
    rustix::process::prlimit(
        Some(pid),
        rustix::process::Resource::Nofile,
        rustix::process::Rlimit {
            current: Some(n),
            maximum: Some(n),
        },
    )
    .unwrap();
}

/// 300 idle connections, opened before any authentication, against a
/// server with 256 descriptors: with a small connection bound (the rest
/// wait in the listen queue) and with a bound above the descriptor limit
/// (accept fails with EMFILE and backs off), the server still answers once
/// the idle ones time out.
#[test]
fn idle_connections_do_not_starve_the_registry() {
    let s = Scenario::new();
    for bound in ["64", "4096"] {
        let mut reg = Registry::start(
            &s,
            &[
                "--quiet",
                "--header-timeout",
                "2s",
                "--idle-timeout",
                "2s",
                "--max-connections",
                bound,
            ],
        );
        limit_fds(&reg, 256);
        let mut idle: Vec<TcpStream> = (0..300)
            .filter_map(|_| {
                TcpStream::connect_timeout(&reg.addr.parse().unwrap(), Duration::from_secs(5)).ok()
            })
            .collect();
        assert!(idle.len() >= 256, "only {} connections opened", idle.len());
        let code = eventually("GET /v2/ to answer", || {
            let (code, _, _) = curl(&["--max-time", "5", &reg.url("/v2/")]);
            (code != 0).then_some(code)
        });
        assert_eq!(code, 200, "--max-connections {bound}");
        // The idle connections were closed by the server, not kept.
        assert!(
            closed_within(&mut idle[0], Duration::from_secs(30)),
            "an idle connection was still open"
        );
        assert!(reg.child.try_wait().unwrap().is_none(), "the server exited");
        idle.clear();
    }
}

/// A slowloris client, one header byte a second, is cut off after the
/// header timeout.
#[test]
fn slowloris_headers_are_cut_off() {
    let s = Scenario::new();
    let reg = Registry::start(&s, &["--quiet", "--header-timeout", "3s"]);
    let mut c = connect(&reg);
    c.write_all(b"GET /v2/ HTTP/1.1\r\nHost: x\r\n").unwrap();
    let trickle =
        b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut sent = 0;
    let mut cut = false;
    for b in trickle {
        if c.write_all(&[*b]).is_err() || closed_within(&mut c, Duration::from_secs(1)) {
            cut = true;
            break;
        }
        sent += 1;
    }
    assert!(
        cut,
        "still connected after {sent} header bytes, one a second"
    );
    assert!(sent < trickle.len());
    // Others are still served.
    assert_eq!(curl(&[&reg.url("/v2/")]).0, 200);
}

/// Whether the server has `file` open.
fn has_open(reg: &Registry, file: &std::path::Path) -> bool {
    std::fs::read_dir(format!("/proc/{}/fd", reg.child.id()))
        .unwrap()
        .flatten()
        .any(|e| std::fs::read_link(e.path()).is_ok_and(|p| p == file))
}

/// A client that asks for a big blob and never reads it is cut off after
/// the idle timeout, freeing its connection and the blob's descriptor.
#[test]
fn slow_reader_is_cut_off() {
    let s = Scenario::new();
    let reg = Registry::start(&s, &["--quiet", "--idle-timeout", "2s"]);
    let big = s.path().join("big");
    let data: Vec<u8> = (0..32u32 << 20).map(|i| (i % 251) as u8).collect();
    std::fs::write(&big, &data).unwrap();
    let d = sha256(&data);
    let (code, body, _) = curl(&[
        "-X",
        "POST",
        "--data-binary",
        &format!("@{}", big.display()),
        &reg.url(&format!("/v2/big/blobs/uploads/?digest={d}")),
    ]);
    assert_eq!(code, 201, "{body}");
    let blob = s
        .store()
        .join("blobs/sha256")
        .join(d.strip_prefix("sha256:").unwrap());
    let mut c = connect(&reg);
    write!(c, "GET /v2/big/blobs/{d} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    eventually("the server to open the blob", || {
        has_open(&reg, &blob).then_some(())
    });
    eventually("the server to drop the reader", || {
        (!has_open(&reg, &blob)).then_some(())
    });
    let mut got = Vec::new();
    c.set_read_timeout(Some(DEADLINE)).unwrap();
    let _ = c.read_to_end(&mut got);
    assert!(
        got.len() < data.len(),
        "the whole blob was sent to a client that did not read"
    );
}

/// Sends a request announcing a 10 GiB body and then only 7 bytes.
fn stalled_upload(reg: &Registry, method: &str, path: &str) -> TcpStream {
    let mut c = connect(reg);
    write!(
        c,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 10737418240\r\n\r\n1234567"
    )
    .unwrap();
    c
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `Content-Length: 10737418240` and 7 bytes sent: after the body timeout
/// the request is dropped, and so are its session and temporary data.
#[test]
fn stalled_upload_is_dropped_with_its_data() {
    let s = Scenario::new();
    let reg = Registry::start(&s, &["--quiet", "--body-timeout", "2s"]);
    let uploads = s.store().join("registry/uploads");
    // Into an upload session (PATCH).
    let (code, _, h) = curl(&["-X", "POST", &reg.url("/v2/c/blobs/uploads/")]);
    assert_eq!(code, 202);
    let loc = header(&h, "location").unwrap().to_string();
    let mut c = stalled_upload(&reg, "PATCH", &loc);
    eventually("the session to hold the 7 bytes", || {
        let size = std::fs::metadata(uploads.join(loc.rsplit('/').next().unwrap()))
            .ok()?
            .len();
        (size == 7).then_some(())
    });
    assert!(
        closed_within(&mut c, DEADLINE),
        "the stalled PATCH was kept"
    );
    let (code, body, _) = curl(&[&reg.url(&loc)]);
    assert_eq!(
        (code, error_code(&body).as_str()),
        (404, "BLOB_UPLOAD_UNKNOWN")
    );
    assert_eq!(files_in(&uploads), Vec::<String>::new());
    // Monolithic, straight into the store (POST ?digest=).
    let d = sha256(b"never sent");
    let mut c = stalled_upload(&reg, "POST", &format!("/v2/c/blobs/uploads/?digest={d}"));
    assert!(closed_within(&mut c, DEADLINE), "the stalled POST was kept");
    let tmp = s.store().join("tmp");
    eventually("the temporary blob to go", || {
        files_in(&tmp)
            .iter()
            .all(|n| !n.contains("blob"))
            .then_some(())
    });
    assert_eq!(curl(&[&reg.url(&format!("/v2/c/blobs/{d}"))]).0, 404);
    assert_eq!(curl(&[&reg.url("/v2/")]).0, 200);
}

/// Upload sessions are bounded per client and in total (429
/// TOOMANYREQUESTS with a spec error body), and idle ones expire with
/// their data.
#[test]
fn upload_sessions_are_bounded_and_expire() {
    let s = Scenario::new();
    let reg = Registry::start(
        &s,
        &[
            "--quiet",
            "--max-uploads",
            "5",
            "--max-uploads-per-client",
            "3",
            "--upload-expiry",
            "2s",
        ],
    );
    let uploads = s.store().join("registry/uploads");
    let start = |from: &str| {
        curl(&[
            "--interface",
            from,
            "-X",
            "POST",
            &reg.url("/v2/d/blobs/uploads/"),
        ])
    };
    let mut first = None;
    for _ in 0..3 {
        let (code, _, h) = start("127.0.0.1");
        assert_eq!(code, 202);
        first.get_or_insert_with(|| header(&h, "location").unwrap().to_string());
    }
    let (code, body, _) = start("127.0.0.1");
    assert_eq!(
        (code, error_code(&body).as_str()),
        (429, "TOOMANYREQUESTS"),
        "{body}"
    );
    for _ in 0..2 {
        assert_eq!(start("127.0.0.2").0, 202);
    }
    let (code, body, _) = start("127.0.0.2");
    assert_eq!(
        (code, error_code(&body).as_str()),
        (429, "TOOMANYREQUESTS"),
        "{body}"
    );
    assert_eq!(files_in(&uploads).len(), 5);
    // Idle sessions expire, their files with them; new ones can start.
    eventually("idle sessions to expire", || {
        files_in(&uploads).is_empty().then_some(())
    });
    let (code, body, _) = curl(&[&reg.url(first.as_deref().unwrap())]);
    assert_eq!(
        (code, error_code(&body).as_str()),
        (404, "BLOB_UPLOAD_UNKNOWN")
    );
    assert_eq!(start("127.0.0.1").0, 202);
}

/// Password guessing from one address is rate limited (429 with
/// Retry-After) while another client with the right password is served;
/// an unknown user and a wrong password get the same answer.
#[test]
fn password_guessing_is_rate_limited() {
    let s = Scenario::new();
    let htpasswd = s.path().join("htpasswd");
    let hash = bcrypt::hash("right", 4).unwrap();
    std::fs::write(&htpasswd, format!("alice:{hash}\n")).unwrap();
    let reg = Registry::start(&s, &["--quiet", "--htpasswd", htpasswd.to_str().unwrap()]);
    let url = reg.url("/v2/");
    let login = |from: &str, user: &str| curl(&["--interface", from, "-u", user, &url]);
    // Same status, body and challenge for an unknown user as for a wrong
    // password (timing is covered by checking both against a hash).
    let (c1, b1, h1) = login("127.0.0.3", "alice:wrong");
    let (c2, b2, h2) = login("127.0.0.3", "mallory:wrong");
    assert_eq!(c1, 401);
    assert_eq!((c1, &b1), (c2, &b2));
    assert_eq!(
        header(&h1, "www-authenticate"),
        header(&h2, "www-authenticate")
    );
    // Guessing from 127.0.0.2 gets limited...
    let mut limited = None;
    for i in 0..50 {
        let (code, body, h) = login("127.0.0.2", &format!("alice:guess{i}"));
        if code == 429 {
            limited = Some((body, h));
            break;
        }
        assert_eq!(code, 401);
    }
    let (body, h) = limited.expect("50 wrong passwords were never rate limited");
    assert_eq!(error_code(&body), "TOOMANYREQUESTS");
    let retry: u64 = header(&h, "retry-after").unwrap().parse().unwrap();
    assert!(retry >= 1);
    assert_eq!(login("127.0.0.2", "alice:again").0, 429);
    // ...while alice, from elsewhere, is served.
    for _ in 0..3 {
        assert_eq!(login("127.0.0.1", "alice:right").0, 200);
    }
    assert_eq!(login("127.0.0.1", "").0, 401);
}

/// A local image, made from a one-file tar.
fn import_local_image(s: &Scenario) -> (String, String) {
    let tar_path = s.path().join("rootfs.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&tar_path).unwrap());
    let mut h = tar::Header::new_gnu();
    h.set_size(5);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "secret", &b"local"[..]).unwrap();
    b.finish().unwrap();
    drop(b);
    s.tug(["import", tar_path.to_str().unwrap(), "private:1"])
        .succeeds();
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.store().join("index.json")).unwrap()).unwrap();
    let manifest = index["manifests"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let blob = |d: &str| {
        s.store()
            .join("blobs/sha256")
            .join(d.strip_prefix("sha256:").unwrap())
    };
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(blob(&manifest)).unwrap()).unwrap();
    (
        manifest,
        m["config"]["digest"].as_str().unwrap().to_string(),
    )
}

/// Blobs belong to repositories: a local image's config is not served
/// without --serve-local (and only under its own name with it), a manifest
/// may only name blobs of its repository, and a blob pushed to `a` is read
/// under `b` only once mounted from `a`.
#[test]
fn blobs_are_scoped_to_their_repository() {
    let s = Scenario::new();
    let (_, local_config) = import_local_image(&s);
    let get = |reg: &Registry, path: &str| {
        let (code, body, _) = curl(&[&reg.url(path)]);
        (code, error_code(&body))
    };
    {
        let reg = Registry::start(&s, &["--quiet"]);
        for repo in ["x", "private"] {
            assert_eq!(
                get(&reg, &format!("/v2/{repo}/blobs/{local_config}")),
                (404, "BLOB_UNKNOWN".into())
            );
        }
        // A blob pushed to a...
        let layer = b"layer of a";
        let d = sha256(layer);
        let up = |repo: &str, data: &[u8], digest: &str| {
            curl(&[
                "-X",
                "POST",
                "--data-binary",
                &String::from_utf8_lossy(data),
                &reg.url(&format!("/v2/{repo}/blobs/uploads/?digest={digest}")),
            ])
            .0
        };
        assert_eq!(up("a", layer, &d), 201);
        let config =
            br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
        let cd = sha256(config);
        assert_eq!(up("b", config, &cd), 201);
        assert_eq!(get(&reg, &format!("/v2/a/blobs/{d}")).0, 200);
        // ...is not under b,
        assert_eq!(
            get(&reg, &format!("/v2/b/blobs/{d}")),
            (404, "BLOB_UNKNOWN".into())
        );
        // nor can b's manifest name it, or a local image's config.
        let manifest = |config: &str, layer: &str| {
            format!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config}","size":1}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{layer}","size":1}}]}}"#
            )
        };
        let put = |repo: &str, m: &str| {
            let (code, body, _) = curl(&[
                "-X",
                "PUT",
                "-H",
                "content-type: application/vnd.oci.image.manifest.v1+json",
                "--data-binary",
                m,
                &reg.url(&format!("/v2/{repo}/manifests/v1")),
            ]);
            (code, error_code(&body))
        };
        assert_eq!(
            put("b", &manifest(&cd, &d)),
            (400, "MANIFEST_BLOB_UNKNOWN".into())
        );
        assert_eq!(
            put("b", &manifest(&local_config, &d)),
            (400, "MANIFEST_BLOB_UNKNOWN".into())
        );
        // A mount from a repository without the blob mounts nothing.
        let mount = |from: &str| {
            curl(&[
                "-X",
                "POST",
                &reg.url(&format!("/v2/b/blobs/uploads/?mount={d}&from={from}")),
            ])
            .0
        };
        assert_eq!(mount("nosuch"), 202);
        assert_eq!(mount("private"), 202);
        assert_eq!(get(&reg, &format!("/v2/b/blobs/{d}")).0, 404);
        // Mounted from a, it is b's too.
        assert_eq!(mount("a"), 201);
        assert_eq!(get(&reg, &format!("/v2/b/blobs/{d}")).0, 200);
        assert_eq!(put("b", &manifest(&cd, &d)).0, 201);
    }
    // A repository pushed before links existed is linked from its
    // manifests at start-up.
    std::fs::remove_dir_all(s.store().join("refs/registry/b/_layers")).unwrap();
    {
        let reg = Registry::start(&s, &["--quiet"]);
        let layer = sha256(b"layer of a");
        assert_eq!(get(&reg, &format!("/v2/b/blobs/{layer}")).0, 200);
    }
    // --serve-local serves a local image's blobs under its own name only.
    let reg = Registry::start(&s, &["--quiet", "--serve-local"]);
    assert_eq!(
        get(&reg, &format!("/v2/private/blobs/{local_config}")).0,
        200
    );
    assert_eq!(
        get(&reg, &format!("/v2/x/blobs/{local_config}")),
        (404, "BLOB_UNKNOWN".into())
    );
}
