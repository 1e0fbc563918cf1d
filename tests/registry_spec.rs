//! `registry-serve` against the OCI Distribution Specification, written from
//! the spec's text (opencontainers/distribution-spec `spec.md`), workflow by
//! workflow: pull, push, content discovery, content management. Every test
//! runs against each storage backend: tug's store and distribution's
//! on-disk layout (`--data-dir`). The `end-N` and `code-N` ids are the
//! spec's endpoint and error-code tables.

mod common;
mod moto;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use moto::Moto;

#[derive(Clone, Copy)]
enum Backend {
    Store,
    Distribution,
    S3,
}

/// One HTTP answer: status, body, lowercased header text.
struct Resp {
    status: u16,
    body: Vec<u8>,
    headers: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<String> {
        let name = format!("{}:", name.to_lowercase());
        let all: Vec<&str> = self
            .headers
            .lines()
            .filter_map(|l| l.strip_prefix(&name))
            .map(str::trim)
            .collect();
        (!all.is_empty()).then(|| all.join(", "))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    /// The spec's error body: `{"errors":[{"code":..,"message":..}]}`.
    fn code(&self) -> String {
        let v = self.json();
        let e = &v["errors"][0];
        assert!(e.get("message").is_some(), "{v}");
        e["code"].as_str().unwrap_or_default().to_string()
    }
    fn expect(&self, status: u16) -> &Resp {
        assert_eq!(self.status, status, "{}\n{}", self.headers, self.text());
        self
    }
}

struct Api {
    reg: Registry,
    s: Scenario,
    args: Vec<String>,
    backend: Backend,
    _moto: Option<Moto>,
}

impl Api {
    fn start(b: Backend, extra: &[&str]) -> Api {
        let s = Scenario::new();
        let dir = s.path().join("registry-data");
        let mut args: Vec<String> = vec!["--quiet".into()];
        let mut moto = None;
        match b {
            Backend::Store => {}
            Backend::Distribution => {
                args.extend(["--data-dir".into(), dir.to_str().unwrap().into()]);
            }
            Backend::S3 => {
                let Some(m) = Moto::start("tug") else {
                    if in_ci() {
                        panic!("moto_server is not installed");
                    }
                    panic!("moto_server is not installed (pip install 'moto[server]')");
                };
                let config = s.path().join("config.yml");
                std::fs::write(&config, m.config("tug")).unwrap();
                args.extend(["--config".into(), config.to_str().unwrap().into()]);
                moto = Some(m);
            }
        }
        args.extend(extra.iter().map(|a| a.to_string()));
        let reg = Registry::start(&s, &args.iter().map(String::as_str).collect::<Vec<_>>());
        Api {
            reg,
            s,
            args,
            backend: b,
            _moto: moto,
        }
    }

    /// Stops the server, runs `registry-serve garbage-collect ARGS CONFIG`
    /// (a config naming the data directory, or none for the store), starts
    /// it again; returns what garbage-collect printed.
    fn garbage_collect(&mut self, args: &[&str]) -> String {
        let _ = self.reg.child.kill();
        let _ = self.reg.child.wait();
        let config = self.s.path().join("config.yml");
        let storage = match self.backend {
            Backend::Store => String::new(),
            Backend::Distribution => format!(
                "storage:\n  filesystem:\n    rootdirectory: {}\n",
                self.s.path().join("registry-data").display()
            ),
            // The server's own configuration names the bucket.
            Backend::S3 => std::fs::read_to_string(&config)
                .unwrap()
                .trim_start_matches("version: 0.1\n")
                .to_string(),
        };
        std::fs::write(&config, format!("version: 0.1\n{storage}")).unwrap();
        let out = self
            .s
            .tug(
                ["registry-serve", "garbage-collect"]
                    .iter()
                    .chain(args)
                    .chain([&config.to_str().unwrap()]),
            )
            .succeeds()
            .stdout();
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.reg = Registry::start(&self.s, &args);
        out
    }

    /// `method path` with headers and a body; `path` may be a full URL.
    fn req(&self, method: &str, path: &str, headers: &[&str], body: Option<&[u8]>) -> Resp {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            self.reg.url(path)
        };
        let hfile = self.s.path().join("curl-headers");
        let mut c = Command::new("curl");
        c.args(["-s", "-D"]).arg(&hfile);
        if method == "HEAD" {
            // curl reads no body after a HEAD; headers only.
            c.args(["-I", "-o", "/dev/null"]);
        } else {
            c.args(["-X", method]);
        }
        for h in headers {
            c.args(["-H", h]);
        }
        if let Some(b) = body {
            let f = self.s.path().join("curl-body");
            std::fs::write(&f, b).unwrap();
            c.arg("--data-binary").arg(format!("@{}", f.display()));
            // No `100 Continue` before the status this reads.
            c.args(["-H", "expect:"]);
            if !headers
                .iter()
                .any(|h| h.to_lowercase().starts_with("content-type"))
            {
                c.args(["-H", "content-type: application/octet-stream"]);
            }
        }
        let out = c.arg(&url).output().unwrap();
        let headers = std::fs::read_to_string(&hfile)
            .unwrap_or_default()
            .to_lowercase();
        let status = headers
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        Resp {
            status,
            body: out.stdout,
            headers,
        }
    }

    fn get(&self, path: &str) -> Resp {
        self.req("GET", path, &[], None)
    }

    /// POST + PUT: pushes `data` as a blob of `repo`; returns its digest.
    fn push_blob(&self, repo: &str, data: &[u8], alg: &str) -> String {
        let d = digest(alg, data);
        let r = self.req("POST", &format!("/v2/{repo}/blobs/uploads/"), &[], None);
        r.expect(202);
        let loc = r.header("location").unwrap();
        let sep = if loc.contains('?') { '&' } else { '?' };
        self.req("PUT", &format!("{loc}{sep}digest={d}"), &[], Some(data))
            .expect(201);
        d
    }

    /// Pushes an image manifest naming `blobs` (the first is its config).
    fn push_manifest(&self, repo: &str, reference: &str, blobs: &[(&str, usize)]) -> Resp {
        let m = manifest(blobs, None);
        self.req(
            "PUT",
            &format!("/v2/{repo}/manifests/{reference}"),
            &[&format!("content-type: {OCI_MANIFEST}")],
            Some(m.as_bytes()),
        )
    }
}

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

fn digest(alg: &str, data: &[u8]) -> String {
    let mut c = Command::new(format!("{alg}sum"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(data).unwrap();
    let out = c.wait_with_output().unwrap();
    let hex = String::from_utf8_lossy(&out.stdout);
    format!("{alg}:{}", hex.split_whitespace().next().unwrap())
}

/// An OCI image manifest: config = blobs[0], layers = the rest.
fn manifest(blobs: &[(&str, usize)], extra: Option<(&str, serde_json::Value)>) -> String {
    let desc = |(d, n): &(&str, usize), t: &str| serde_json::json!({"mediaType": t, "digest": d, "size": n});
    let mut v = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": desc(&blobs[0], "application/vnd.oci.image.config.v1+json"),
        "layers": blobs[1..].iter().map(|b| desc(b, "application/vnd.oci.image.layer.v1.tar")).collect::<Vec<_>>(),
    });
    if let Some((k, x)) = extra {
        v[k] = x;
    }
    serde_json::to_string_pretty(&v).unwrap()
}

/// A repository holding one image, tagged `t1`: (config, layer, manifest).
fn image(api: &Api, repo: &str) -> (String, String, String) {
    let config = api.push_blob(repo, b"{\"architecture\":\"amd64\"}", "sha256");
    let layer = api.push_blob(repo, b"layer bytes 0123456789", "sha256");
    let r = api.push_manifest(repo, "t1", &[(&config, 24), (&layer, 22)]);
    r.expect(201);
    (config, layer, r.header("docker-content-digest").unwrap())
}

macro_rules! on_each_backend {
    ($($name:ident),* $(,)?) => {
        mod tug_store {
            $( #[test] fn $name() { super::$name(super::Backend::Store) } )*
        }
        mod distribution_layout {
            $( #[test] fn $name() { super::$name(super::Backend::Distribution) } )*
        }
        mod s3 {
            $( #[test] fn $name() { super::$name(super::Backend::S3) } )*
        }
    };
}

on_each_backend!(
    end_1_base,
    pull_blobs_and_manifests,
    pull_ranges,
    pull_large_blob,
    push_monolithic_sha256_and_sha512,
    push_single_post,
    push_chunked,
    push_chunked_out_of_order,
    cancel_upload,
    mount_blob,
    push_manifests,
    push_manifest_tags_and_subject,
    list_tags,
    list_referrers,
    delete_tags_and_manifests,
    delete_blobs,
    deletion_disabled,
    garbage_collect,
    error_codes,
);

/// end-1: `GET /v2/` is 200.
fn end_1_base(b: Backend) {
    let api = Api::start(b, &[]);
    let r = api.get("/v2/");
    r.expect(200);
    assert_eq!(
        r.header("docker-distribution-api-version").as_deref(),
        Some("registry/2.0")
    );
}

/// Pull, end-2 and end-3: GET and HEAD of blobs and manifests answer 200
/// with `Docker-Content-Digest` and `Content-Length`; unknown ones 404.
fn pull_blobs_and_manifests(b: Backend) {
    let api = Api::start(b, &[]);
    let (config, _, m) = image(&api, "a/b");
    let r = api.get(&format!("/v2/a/b/blobs/{config}"));
    r.expect(200);
    assert_eq!(r.body, b"{\"architecture\":\"amd64\"}");
    assert_eq!(r.header("docker-content-digest"), Some(config.clone()));
    assert_eq!(r.header("content-length").as_deref(), Some("24"));
    let h = api.req("HEAD", &format!("/v2/a/b/blobs/{config}"), &[], None);
    h.expect(200);
    assert_eq!(h.header("content-length").as_deref(), Some("24"));
    assert_eq!(h.header("docker-content-digest"), Some(config));

    let by_tag = api.get("/v2/a/b/manifests/t1");
    by_tag.expect(200);
    assert_eq!(by_tag.header("content-type").as_deref(), Some(OCI_MANIFEST));
    assert_eq!(by_tag.header("docker-content-digest"), Some(m.clone()));
    assert_eq!(digest("sha256", &by_tag.body), m, "the exact bytes pushed");
    let by_digest = api.get(&format!("/v2/a/b/manifests/{m}"));
    by_digest.expect(200);
    assert_eq!(by_digest.body, by_tag.body);
    let h = api.req("HEAD", "/v2/a/b/manifests/t1", &[], None);
    h.expect(200);
    assert_eq!(
        h.header("content-length"),
        Some(by_tag.body.len().to_string())
    );
    assert_eq!(h.header("docker-content-digest"), Some(m));

    let none = format!("sha256:{}", "0".repeat(64));
    assert_eq!(
        api.get(&format!("/v2/a/b/blobs/{none}")).expect(404).code(),
        "BLOB_UNKNOWN"
    );
    assert_eq!(
        api.req("HEAD", &format!("/v2/a/b/blobs/{none}"), &[], None)
            .status,
        404
    );
    assert_eq!(
        api.get("/v2/a/b/manifests/nope").expect(404).code(),
        "MANIFEST_UNKNOWN"
    );
    // Repository-scoped: the blob is not in another repository.
    let elsewhere = api.push_blob("other", b"only in other", "sha256");
    api.get(&format!("/v2/other/blobs/{elsewhere}")).expect(200);
    api.get(&format!("/v2/a/b/blobs/{elsewhere}")).expect(404);
    api.get("/v2/nonexistent/manifests/t1").expect(404);
}

/// Pull with `Range` (RFC 9110): a slice, an open end, a suffix (the last N
/// bytes), and 416 beyond the end.
fn pull_ranges(b: Backend) {
    let api = Api::start(b, &[]);
    let d = api.push_blob("r", b"0123456789", "sha256");
    let get = |range: &str| {
        api.req(
            "GET",
            &format!("/v2/r/blobs/{d}"),
            &[&format!("range: {range}")],
            None,
        )
    };
    let r = get("bytes=2-4");
    r.expect(206);
    assert_eq!(r.body, b"234");
    assert_eq!(r.header("content-range").as_deref(), Some("bytes 2-4/10"));
    let r = get("bytes=7-");
    r.expect(206);
    assert_eq!(r.body, b"789");
    let r = get("bytes=-3");
    r.expect(206);
    assert_eq!(r.body, b"789", "a suffix range is the last N bytes");
    assert_eq!(r.header("content-range").as_deref(), Some("bytes 7-9/10"));
    let r = get("bytes=-30");
    r.expect(206);
    assert_eq!(r.body, b"0123456789");
    let r = get("bytes=5-100");
    r.expect(206);
    assert_eq!(r.body, b"56789");
    get("bytes=10-20").expect(416);
    get("bytes=x-y").expect(416);
    // Other units and multiple ranges: the whole blob.
    assert_eq!(get("items=0-1").expect(200).body, b"0123456789");
    assert_eq!(get("bytes=0-1,4-5").expect(200).body, b"0123456789");
}

/// A blob of many megabytes (sent zero-copy on plain TCP) comes back
/// exact: whole, twice on one kept-alive connection, and in ranges that
/// cross megabyte boundaries.
fn pull_large_blob(b: Backend) {
    let api = Api::start(b, &[]);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let data: Vec<u8> = (0..(24 << 20) + 12345)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let d = api.push_blob("r", &data, "sha256");
    let url = api.reg.url(&format!("/v2/r/blobs/{d}"));
    let out = Command::new("curl")
        .args(["-sf", &url, &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "curl: {:?}", out.status);
    assert_eq!(out.stdout.len(), 2 * data.len());
    assert!(out.stdout[..data.len()] == data[..], "first pull differs");
    assert!(out.stdout[data.len()..] == data[..], "second pull differs");
    for (a, z) in [
        (1_000_000usize, 3_500_000usize),
        (0, 0),
        (data.len() - 1, data.len() - 1),
    ] {
        let r = api.req(
            "GET",
            &format!("/v2/r/blobs/{d}"),
            &[&format!("range: bytes={a}-{z}")],
            None,
        );
        r.expect(206);
        assert!(r.body == data[a..=z], "range {a}-{z} differs");
    }
    let r = api.req(
        "GET",
        &format!("/v2/r/blobs/{d}"),
        &["range: bytes=-2000000"],
        None,
    );
    r.expect(206);
    assert!(
        r.body == data[data.len() - 2_000_000..],
        "suffix range differs"
    );
}

/// Push, end-4a then end-6: POST gives a Location with a session id, the
/// closing PUT with the whole blob gives 201 and the blob's Location; for
/// sha256 and sha512 (end-4c: `digest-algorithm`).
fn push_monolithic_sha256_and_sha512(b: Backend) {
    let api = Api::start(b, &[]);
    for alg in ["sha256", "sha512"] {
        let data = format!("blob hashed with {alg}");
        let d = digest(alg, data.as_bytes());
        let r = api.req(
            "POST",
            &format!("/v2/m/blobs/uploads/?digest-algorithm={alg}"),
            &["content-length: 0"],
            None,
        );
        r.expect(202);
        let loc = r.header("location").unwrap();
        let id = loc.rsplit('/').next().unwrap();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        let r = api.req(
            "PUT",
            &format!("{loc}?digest={d}"),
            &[],
            Some(data.as_bytes()),
        );
        r.expect(201);
        assert_eq!(r.header("location"), Some(format!("/v2/m/blobs/{d}")));
        assert_eq!(r.header("docker-content-digest"), Some(d.clone()));
        let back = api.get(&format!("/v2/m/blobs/{d}"));
        back.expect(200);
        assert_eq!(back.body, data.as_bytes());
        assert_eq!(back.header("docker-content-digest"), Some(d));
    }
    let r = api.req(
        "POST",
        "/v2/m/blobs/uploads/?digest-algorithm=md5",
        &[],
        None,
    );
    r.expect(400);
}

/// end-4b: a single POST with `?digest=` and the blob is 201; a wrong
/// digest is 400 DIGEST_INVALID and stores nothing.
fn push_single_post(b: Backend) {
    let api = Api::start(b, &[]);
    let d = digest("sha256", b"single");
    let r = api.req(
        "POST",
        &format!("/v2/s/blobs/uploads/?digest={d}"),
        &[],
        Some(b"single"),
    );
    r.expect(201);
    assert_eq!(r.header("location"), Some(format!("/v2/s/blobs/{d}")));
    api.get(&format!("/v2/s/blobs/{d}")).expect(200);
    let wrong = digest("sha256", b"other");
    let r = api.req(
        "POST",
        &format!("/v2/s/blobs/uploads/?digest={wrong}"),
        &[],
        Some(b"single!"),
    );
    assert_eq!(r.expect(400).code(), "DIGEST_INVALID");
    api.get(&format!("/v2/s/blobs/{wrong}")).expect(404);
}

/// end-5, end-13, end-6: chunks in order are 202 with Location and
/// `Range: 0-<end>`; GET on the session is 204 with the same; the closing
/// PUT may carry the last chunk.
fn push_chunked(b: Backend) {
    let api = Api::start(b, &[]);
    let data = b"chunk one|chunk two|last";
    let d = digest("sha256", data);
    let r = api.req("POST", "/v2/c/blobs/uploads/", &["content-length: 0"], None);
    r.expect(202);
    let mut loc = r.header("location").unwrap();
    for (a, e) in [(0, 9), (10, 19)] {
        let r = api.req(
            "PATCH",
            &loc,
            &[&format!("content-range: {a}-{e}")],
            Some(&data[a..=e]),
        );
        r.expect(202);
        assert_eq!(r.header("range"), Some(format!("0-{e}")));
        loc = r.header("location").unwrap();
        let st = api.get(&loc);
        st.expect(204);
        assert_eq!(st.header("range"), Some(format!("0-{e}")));
        assert_eq!(st.header("location"), Some(loc.clone()));
    }
    let r = api.req(
        "PUT",
        &format!("{loc}?digest={d}"),
        &["content-range: 20-23"],
        Some(&data[20..]),
    );
    r.expect(201);
    assert_eq!(api.get(&format!("/v2/c/blobs/{d}")).body, data);
    // The session is closed.
    assert_eq!(api.get(&loc).expect(404).code(), "BLOB_UPLOAD_UNKNOWN");

    // A wrong digest on close is 400 DIGEST_INVALID.
    let r = api.req("POST", "/v2/c/blobs/uploads/", &[], None);
    let loc = r.header("location").unwrap();
    api.req("PATCH", &loc, &["content-range: 0-2"], Some(b"abc"))
        .expect(202);
    let wrong = digest("sha256", b"abd");
    let r = api.req("PUT", &format!("{loc}?digest={wrong}"), &[], None);
    assert_eq!(r.expect(400).code(), "DIGEST_INVALID");
}

/// Chunks out of order are 416, a closing PUT whose `Content-Range` does
/// not follow too; neither adds bytes, and the session stays so the client
/// can ask where it stands (end-13) and go on.
fn push_chunked_out_of_order(b: Backend) {
    let api = Api::start(b, &[]);
    let r = api.req("POST", "/v2/o/blobs/uploads/", &[], None);
    let loc = r.header("location").unwrap();
    api.req("PATCH", &loc, &["content-range: 0-4"], Some(b"01234"))
        .expect(202);
    let r = api.req("PATCH", &loc, &["content-range: 6-9"], Some(b"6789"));
    r.expect(416);
    assert_eq!(r.header("range").as_deref(), Some("0-4"));
    let d = digest("sha256", b"0123456789");
    let r = api.req(
        "PUT",
        &format!("{loc}?digest={d}"),
        &["content-range: 4-9"],
        Some(b"456789"),
    );
    r.expect(416);
    let st = api.get(&loc);
    st.expect(204);
    assert_eq!(st.header("range").as_deref(), Some("0-4"), "nothing added");
    let r = api.req(
        "PUT",
        &format!("{loc}?digest={d}"),
        &["content-range: 5-9"],
        Some(b"56789"),
    );
    r.expect(201);
    assert_eq!(api.get(&format!("/v2/o/blobs/{d}")).body, b"0123456789");
}

/// end-14: DELETE of a session is 204; the session is then unknown.
fn cancel_upload(b: Backend) {
    let api = Api::start(b, &[]);
    let r = api.req("POST", "/v2/x/blobs/uploads/", &[], None);
    let loc = r.header("location").unwrap();
    api.req("PATCH", &loc, &[], Some(b"some")).expect(202);
    api.req("DELETE", &loc, &["content-length: 0"], None)
        .expect(204);
    assert_eq!(api.get(&loc).expect(404).code(), "BLOB_UPLOAD_UNKNOWN");
    api.req("PATCH", &loc, &[], Some(b"more")).expect(404);
}

/// end-11: a mount from a repository that has the blob is 201 with
/// Location; otherwise 202 and a session to upload into.
fn mount_blob(b: Backend) {
    let api = Api::start(b, &[]);
    let (config, ..) = image(&api, "src");
    let r = api.req(
        "POST",
        &format!("/v2/dst/blobs/uploads/?mount={config}&from=src"),
        &[],
        None,
    );
    r.expect(201);
    assert_eq!(
        r.header("location"),
        Some(format!("/v2/dst/blobs/{config}"))
    );
    assert_eq!(r.header("docker-content-digest"), Some(config.clone()));
    api.get(&format!("/v2/dst/blobs/{config}")).expect(200);
    let absent = digest("sha256", b"absent");
    let r = api.req(
        "POST",
        &format!("/v2/dst/blobs/uploads/?mount={absent}&from=src"),
        &[],
        None,
    );
    r.expect(202);
    assert!(r
        .header("location")
        .unwrap()
        .contains("/v2/dst/blobs/uploads/"));
    // Without `from`: a session (the spec lets a registry not search).
    let r = api.req(
        "POST",
        &format!("/v2/third/blobs/uploads/?mount={config}"),
        &[],
        None,
    );
    r.expect(202);
}

/// end-7: a manifest PUT is 201 with Location and the digest; what it
/// names must be in the repository (MANIFEST_BLOB_UNKNOWN); bad JSON is
/// MANIFEST_INVALID; a digest reference must match; an index needs its
/// manifests; sha512 manifests by digest.
fn push_manifests(b: Backend) {
    let api = Api::start(b, &[]);
    let (config, layer, m) = image(&api, "p");
    let r = api.get("/v2/p/manifests/t1");
    let body = r.body.clone();
    // The same bytes by digest.
    let r = api.req(
        "PUT",
        &format!("/v2/p/manifests/{m}"),
        &[&format!("content-type: {OCI_MANIFEST}")],
        Some(&body),
    );
    r.expect(201);
    assert_eq!(r.header("location"), Some(format!("/v2/p/manifests/{m}")));
    assert_eq!(r.header("docker-content-digest"), Some(m.clone()));
    let r = api.push_manifest("p", "t2", &[(&config, 24), (&digest("sha256", b"?"), 1)]);
    assert_eq!(r.expect(400).code(), "MANIFEST_BLOB_UNKNOWN");
    let r = api.req(
        "PUT",
        "/v2/p/manifests/t3",
        &[&format!("content-type: {OCI_MANIFEST}")],
        Some(b"{not json"),
    );
    assert_eq!(r.expect(400).code(), "MANIFEST_INVALID");
    let wrong = digest("sha256", b"not this");
    let r = api.req(
        "PUT",
        &format!("/v2/p/manifests/{wrong}"),
        &[&format!("content-type: {OCI_MANIFEST}")],
        Some(&body),
    );
    assert_eq!(r.expect(400).code(), "DIGEST_INVALID");
    // An index of it, and one of an unknown manifest.
    let index = |d: &str| {
        serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX,
            "manifests": [{"mediaType": OCI_MANIFEST, "digest": d, "size": body.len()}]})
        .to_string()
    };
    let r = api.req(
        "PUT",
        "/v2/p/manifests/multi",
        &[&format!("content-type: {OCI_INDEX}; charset=utf-8")],
        Some(index(&m).as_bytes()),
    );
    r.expect(201);
    let got = api.get("/v2/p/manifests/multi");
    assert_eq!(got.header("content-type").as_deref(), Some(OCI_INDEX));
    let r = api.req(
        "PUT",
        "/v2/p/manifests/multi2",
        &[&format!("content-type: {OCI_INDEX}")],
        Some(index(&wrong).as_bytes()),
    );
    assert_eq!(r.expect(400).code(), "MANIFEST_BLOB_UNKNOWN");
    // sha512 throughout.
    let c512 = api.push_blob("p", b"{}", "sha512");
    let l512 = api.push_blob("p", b"layer512", "sha512");
    let m512 = manifest(&[(&c512, 2), (&l512, 8)], None);
    let d512 = digest("sha512", m512.as_bytes());
    let r = api.req(
        "PUT",
        &format!("/v2/p/manifests/{d512}"),
        &[&format!("content-type: {OCI_MANIFEST}")],
        Some(m512.as_bytes()),
    );
    r.expect(201);
    assert_eq!(r.header("docker-content-digest"), Some(d512.clone()));
    let back = api.get(&format!("/v2/p/manifests/{d512}"));
    back.expect(200);
    assert_eq!(back.body, m512.as_bytes());
    let _ = layer;
}

/// end-7b: `?tag=` on a PUT by digest tags it (OCI-Tag says which); a
/// manifest whose `subject` is not in the repository is accepted, with
/// `OCI-Subject`.
fn push_manifest_tags_and_subject(b: Backend) {
    let api = Api::start(b, &[]);
    let (config, layer, _) = image(&api, "t");
    let m = manifest(
        &[(&config, 24), (&layer, 22)],
        Some(("annotations", serde_json::json!({"v": "2"}))),
    );
    let d = digest("sha256", m.as_bytes());
    let r = api.req(
        "PUT",
        &format!("/v2/t/manifests/{d}?tag=1.0&tag=1&tag=latest"),
        &[&format!("content-type: {OCI_MANIFEST}")],
        Some(m.as_bytes()),
    );
    r.expect(201);
    assert_eq!(r.header("oci-tag").as_deref(), Some("1.0, 1, latest"));
    for t in ["1.0", "1", "latest"] {
        let got = api.get(&format!("/v2/t/manifests/{t}"));
        assert_eq!(got.header("docker-content-digest"), Some(d.clone()));
    }
    // At most 100 tags in one request: 414 beyond.
    let many: Vec<String> = (0..101).map(|i| format!("tag={i}")).collect();
    let r = api.req(
        "PUT",
        &format!("/v2/t/manifests/{d}?{}", many.join("&")),
        &[&format!("content-type: {OCI_MANIFEST}")],
        Some(m.as_bytes()),
    );
    r.expect(414);
    api.get("/v2/t/manifests/100").expect(404);
    let missing = digest("sha256", b"a manifest pushed later");
    let referrer = manifest(
        &[(&config, 24)],
        Some((
            "subject",
            serde_json::json!({"mediaType": OCI_MANIFEST, "digest": missing, "size": 10}),
        )),
    );
    let r = api.req(
        "PUT",
        "/v2/t/manifests/sig",
        &[&format!("content-type: {OCI_MANIFEST}")],
        Some(referrer.as_bytes()),
    );
    r.expect(201);
    assert_eq!(r.header("oci-subject"), Some(missing));
}

/// Content discovery, end-8a/8b: tags in lexical order; `n` pages with a
/// `Link` to the next; `last` starts after a tag; `n=0` is empty without
/// Link; an unknown repository is 404 NAME_UNKNOWN.
fn list_tags(b: Backend) {
    let api = Api::start(b, &[]);
    let (config, layer, _) = image(&api, "l");
    for t in ["b", "a", "c", "B"] {
        api.push_manifest("l", t, &[(&config, 24), (&layer, 22)])
            .expect(201);
    }
    let r = api.get("/v2/l/tags/list");
    r.expect(200);
    assert_eq!(
        r.json(),
        serde_json::json!({"name": "l", "tags": ["B", "a", "b", "c", "t1"]})
    );
    let r = api.get("/v2/l/tags/list?n=2");
    assert_eq!(r.json()["tags"], serde_json::json!(["B", "a"]));
    let link = r.header("link").unwrap();
    assert!(
        link.contains("rel=\"next\"") && link.contains("last=a"),
        "{link}"
    );
    let next = link.trim_start_matches('<').split('>').next().unwrap();
    let r = api.get(next);
    assert_eq!(r.json()["tags"], serde_json::json!(["b", "c"]));
    let r = api.get("/v2/l/tags/list?last=b");
    assert_eq!(r.json()["tags"], serde_json::json!(["c", "t1"]));
    assert!(r.header("link").is_none());
    let r = api.get("/v2/l/tags/list?n=0");
    r.expect(200);
    assert_eq!(r.json()["tags"], serde_json::json!([]));
    assert!(r.header("link").is_none());
    let r = api.get("/v2/l/tags/list?n=10");
    assert_eq!(r.json()["tags"].as_array().unwrap().len(), 5);
    assert!(r.header("link").is_none());
    assert_eq!(
        api.get("/v2/unknown/tags/list").expect(404).code(),
        "NAME_UNKNOWN"
    );
    let r = api.get("/v2/_catalog");
    assert_eq!(r.json(), serde_json::json!({"repositories": ["l"]}));
}

/// end-12a/12b: the referrers of a digest as an OCI index, each with its
/// artifactType (else its config's media type; none for an index without)
/// and annotations; `artifactType=` filters (OCI-Filters-Applied); no
/// referrers is an empty index, never 404; a bad digest is 400.
fn list_referrers(b: Backend) {
    let api = Api::start(b, &[]);
    let (config, _, subject) = image(&api, "f");
    let subj = serde_json::json!({"mediaType": OCI_MANIFEST, "digest": subject, "size": 1});
    let mut sig: serde_json::Value =
        serde_json::from_str(&manifest(&[(&config, 24)], Some(("subject", subj.clone())))).unwrap();
    sig["artifactType"] = "application/vnd.example.sig".into();
    sig["annotations"] = serde_json::json!({"k": "v"});
    let sig = sig.to_string();
    let sbom = manifest(&[(&config, 24)], Some(("subject", subj.clone())));
    let idx = serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [], "subject": subj}).to_string();
    for (body, media) in [
        (&sig, OCI_MANIFEST),
        (&sbom, OCI_MANIFEST),
        (&idx, OCI_INDEX),
    ] {
        let d = digest("sha256", body.as_bytes());
        api.req(
            "PUT",
            &format!("/v2/f/manifests/{d}"),
            &[&format!("content-type: {media}")],
            Some(body.as_bytes()),
        )
        .expect(201);
    }
    let r = api.get(&format!("/v2/f/referrers/{subject}"));
    r.expect(200);
    assert_eq!(r.header("content-type").as_deref(), Some(OCI_INDEX));
    let v = r.json();
    assert_eq!(v["mediaType"], OCI_INDEX);
    let mut found: Vec<(String, Option<String>)> = v["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["digest"].as_str().unwrap().to_string(),
                m["artifactType"].as_str().map(String::from),
            )
        })
        .collect();
    found.sort();
    let mut want = vec![
        (
            digest("sha256", sig.as_bytes()),
            Some("application/vnd.example.sig".to_string()),
        ),
        (
            digest("sha256", sbom.as_bytes()),
            Some("application/vnd.oci.image.config.v1+json".to_string()),
        ),
        (digest("sha256", idx.as_bytes()), None),
    ];
    want.sort();
    assert_eq!(found, want);
    let with_ann = v["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["artifactType"] == "application/vnd.example.sig")
        .unwrap();
    assert_eq!(with_ann["annotations"]["k"], "v");
    assert_eq!(with_ann["size"].as_u64(), Some(sig.len() as u64));
    let r = api.get(&format!(
        "/v2/f/referrers/{subject}?artifactType=application/vnd.example.sig"
    ));
    assert_eq!(r.json()["manifests"].as_array().unwrap().len(), 1);
    assert_eq!(
        r.header("oci-filters-applied").as_deref(),
        Some("artifacttype")
    );
    let none = api.get(&format!("/v2/f/referrers/{config}"));
    none.expect(200);
    assert_eq!(none.json()["manifests"], serde_json::json!([]));
    api.get("/v2/f/referrers/sha256:nothex").expect(400);
}

/// Content management, end-9: deleting a tag is 202 and only the tag goes;
/// deleting a manifest by digest is 202, it and its tags go; unknown is 404.
fn delete_tags_and_manifests(b: Backend) {
    let api = Api::start(b, &[]);
    let (config, layer, m) = image(&api, "d");
    api.push_manifest("d", "t2", &[(&config, 24), (&layer, 22)])
        .expect(201);
    api.req("DELETE", "/v2/d/manifests/t2", &[], None)
        .expect(202);
    api.get("/v2/d/manifests/t2").expect(404);
    api.get(&format!("/v2/d/manifests/{m}")).expect(200);
    assert_eq!(
        api.get("/v2/d/tags/list").json()["tags"],
        serde_json::json!(["t1"])
    );
    api.req("DELETE", &format!("/v2/d/manifests/{m}"), &[], None)
        .expect(202);
    api.get(&format!("/v2/d/manifests/{m}")).expect(404);
    api.get("/v2/d/manifests/t1").expect(404);
    let r = api.req("DELETE", &format!("/v2/d/manifests/{m}"), &[], None);
    assert_eq!(r.expect(404).code(), "MANIFEST_UNKNOWN");
    api.req("DELETE", "/v2/d/manifests/nosuchtag", &[], None)
        .expect(404);
}

/// end-10: deleting a blob is 202 and unlinks it from that repository only
/// (a later GET there is 404, another repository keeps it); unknown is 404.
fn delete_blobs(b: Backend) {
    let api = Api::start(b, &[]);
    let (config, ..) = image(&api, "one");
    let (config2, ..) = image(&api, "two");
    assert_eq!(config, config2);
    api.req("DELETE", &format!("/v2/one/blobs/{config}"), &[], None)
        .expect(202);
    assert_eq!(
        api.get(&format!("/v2/one/blobs/{config}"))
            .expect(404)
            .code(),
        "BLOB_UNKNOWN"
    );
    api.get(&format!("/v2/two/blobs/{config}")).expect(200);
    let r = api.req("DELETE", &format!("/v2/one/blobs/{config}"), &[], None);
    assert_eq!(r.expect(404).code(), "BLOB_UNKNOWN");
    // Pushing it again there brings it back.
    api.push_blob("one", b"{\"architecture\":\"amd64\"}", "sha256");
    api.get(&format!("/v2/one/blobs/{config}")).expect(200);
}

/// Deletion disabled (`--no-delete`, `storage.delete.enabled: false`) is
/// 405 UNSUPPORTED; `--read-only` refuses every write. Upload sessions can
/// still be cancelled when only deletion is off.
fn deletion_disabled(b: Backend) {
    let api = Api::start(b, &["--no-delete"]);
    let (config, _, m) = image(&api, "n");
    for path in [
        format!("/v2/n/blobs/{config}"),
        format!("/v2/n/manifests/{m}"),
        "/v2/n/manifests/t1".to_string(),
    ] {
        let r = api.req("DELETE", &path, &[], None);
        assert_eq!(r.expect(405).code(), "UNSUPPORTED");
    }
    api.get("/v2/n/manifests/t1").expect(200);
    let r = api.req("POST", "/v2/n/blobs/uploads/", &[], None);
    let loc = r.header("location").unwrap();
    api.req("DELETE", &loc, &[], None).expect(204);
    drop(api);

    let api = Api::start(b, &["--read-only"]);
    let none = format!("sha256:{}", "1".repeat(64));
    for (method, path) in [
        ("DELETE", format!("/v2/n/blobs/{none}")),
        ("DELETE", "/v2/n/manifests/t1".to_string()),
        ("POST", "/v2/n/blobs/uploads/".to_string()),
        ("PUT", "/v2/n/manifests/t1".to_string()),
    ] {
        let r = api.req(method, &path, &[], Some(b"{}"));
        assert_eq!(r.expect(403).code(), "DENIED", "{method} {path}");
    }
}

/// Content management, reclaiming space (distribution's `garbage-collect`):
/// a blob no manifest names goes once its upload pin is past the grace
/// period; an untagged manifest, and what only it names, goes with
/// `--delete-untagged`; `--dry-run` removes nothing and reports the same.
fn garbage_collect(b: Backend) {
    let mut api = Api::start(b, &[]);
    let (config, layer, m) = image(&api, "g");
    let loose = api.push_blob("g", b"loose blob", "sha256");
    let only = api.push_blob("g", b"only in the untagged one", "sha256");
    let r = api.push_manifest("g", "t2", &[(&config, 24), (&only, 24)]);
    let m2 = r.expect(201).header("docker-content-digest").unwrap();
    // t2 moves to the first manifest: m2 is untagged now.
    api.push_manifest("g", "t2", &[(&config, 24), (&layer, 22)])
        .expect(201);

    let out = api.garbage_collect(&[]);
    assert!(out.starts_with("0 blobs deleted"), "{out}");
    let out = api.garbage_collect(&["--dry-run", "--grace", "0s", "-m"]);
    assert!(out.starts_with("3 blobs would be deleted"), "{out}");
    assert!(
        out.contains("1 untagged manifests would be deleted"),
        "{out}"
    );
    api.get(&format!("/v2/g/blobs/{loose}")).expect(200);
    api.get(&format!("/v2/g/manifests/{m2}")).expect(200);

    let out = api.garbage_collect(&["--grace", "0s"]);
    assert!(out.starts_with("1 blobs deleted"), "{out}");
    api.get(&format!("/v2/g/blobs/{loose}")).expect(404);
    api.get(&format!("/v2/g/manifests/{m2}")).expect(200);
    api.get(&format!("/v2/g/blobs/{only}")).expect(200);

    let out = api.garbage_collect(&["--delete-untagged"]);
    assert!(out.starts_with("2 blobs deleted"), "{out}");
    api.get(&format!("/v2/g/manifests/{m2}")).expect(404);
    api.get(&format!("/v2/g/blobs/{only}")).expect(404);
    for t in ["t1", "t2"] {
        let r = api.get(&format!("/v2/g/manifests/{t}"));
        assert_eq!(
            r.expect(200).header("docker-content-digest"),
            Some(m.clone())
        );
    }
    api.get(&format!("/v2/g/blobs/{config}")).expect(200);
    api.get(&format!("/v2/g/blobs/{layer}")).expect(200);
}

/// The error codes and their body (`{"errors":[{code, message, detail}]}`).
fn error_codes(b: Backend) {
    let api = Api::start(b, &[]);
    assert_eq!(
        api.get("/v2/UPPER/tags/list").expect(400).code(),
        "NAME_INVALID"
    );
    assert_eq!(
        api.get("/v2/a/blobs/sha256:xyz").expect(400).code(),
        "DIGEST_INVALID"
    );
    let r = api.get("/v2/a/blobs/uploads/00000000-0000-0000-0000-000000000000");
    assert_eq!(r.expect(404).code(), "BLOB_UPLOAD_UNKNOWN");
    let r = api.req("PUT", "/v2/a/manifests/bad..tag!", &[], Some(b"{}"));
    assert_eq!(r.expect(400).code(), "MANIFEST_INVALID");
    let r = api.req("PATCH", "/v2/a/tags/list", &[], None);
    assert_eq!(r.expect(405).code(), "UNSUPPORTED");
    let e = api.get("/v2/a/manifests/x").json();
    assert!(e["errors"][0].get("detail").is_some(), "{e}");
}
