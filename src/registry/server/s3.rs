//! The S3 storage driver (AWS S3 and compatible stores): distribution's
//! layout as objects under `rootdirectory` in a bucket, as distribution's
//! `s3` driver keeps it, so several `registry-serve` processes (and
//! distribution) can share one bucket. Requests are signed with AWS
//! Signature Version 4 (unsigned payload); blobs larger than `chunksize`
//! go up by multipart upload, one part at a time from the verified local
//! file. Path-style URLs (`<endpoint>/<bucket>/<key>`), which every
//! S3-compatible store accepts.
//!
//! The driver is blocking (reqwest's blocking client); on a server worker
//! thread each request runs under `block_in_place`.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::distribution::Driver;
use crate::error::{Error, IoContext, Result};

/// `storage.s3` of a distribution configuration.
#[derive(Debug, Clone, Default)]
pub struct S3Config {
    pub bucket: String,
    pub region: String,
    /// `regionendpoint`: e.g. `http://127.0.0.1:9000`; else AWS's.
    pub endpoint: Option<String>,
    pub access_key: String,
    pub secret_key: String,
    /// Key prefix inside the bucket.
    pub rootdirectory: String,
    /// Multipart part size (at least 5 MiB, as S3 requires).
    pub chunk_size: u64,
    /// Use http for the AWS endpoint (`secure: false`).
    pub insecure: bool,
}

/// S3's smallest part but the last.
pub const MIN_CHUNK: u64 = 5 * 1024 * 1024;
/// distribution's default part size.
pub const DEFAULT_CHUNK: u64 = 10 * 1024 * 1024;
/// The most objects one delete or walk goes through.
const MAX_KEYS: usize = 10_000_000;

pub struct S3 {
    c: S3Config,
    base: String,
    host: String,
    http: reqwest::blocking::Client,
}

/// Runs blocking I/O: under `block_in_place` on a runtime worker thread.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// A response body read under [`blocking`], wherever it is read from.
struct Body(reqwest::blocking::Response);

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        blocking(|| self.0.read(buf))
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(data);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// URI encoding as SigV4 wants it (`/` kept in paths only).
fn encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The text of every `<tag>...</tag>` in an XML answer, in order.
fn xml_all<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push(&after[..j]);
        rest = &after[j + close.len()..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn s3_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("S3 {what}: {e}"))
}

impl S3 {
    pub fn new(c: S3Config) -> Result<S3> {
        let base = match &c.endpoint {
            Some(e) => e.trim_end_matches('/').to_string(),
            None => format!(
                "{}://s3.{}.amazonaws.com",
                if c.insecure { "http" } else { "https" },
                c.region
            ),
        };
        let url = reqwest::Url::parse(&base).map_err(|e| s3_error("endpoint", e))?;
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        let http = blocking(|| {
            reqwest::blocking::Client::builder()
                .timeout(None)
                .connect_timeout(std::time::Duration::from_secs(30))
                .build()
        })
        .map_err(|e| s3_error("client", e))?;
        Ok(S3 {
            c,
            base,
            host,
            http,
        })
    }

    /// The object key of a layout path.
    fn key(&self, path: &str) -> String {
        let root = self.c.rootdirectory.trim_matches('/');
        if root.is_empty() {
            path.to_string()
        } else {
            format!("{root}/{path}")
        }
    }

    /// A signed request for `key` (empty: the bucket) with `query`.
    fn request(
        &self,
        method: reqwest::Method,
        key: &str,
        query: &[(&str, &str)],
    ) -> reqwest::blocking::RequestBuilder {
        let path = format!("/{}/{}", self.c.bucket, encode(key, true));
        let mut q: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (encode(k, false), encode(v, false)))
            .collect();
        q.sort();
        let query = q
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let now = chrono::Utc::now();
        let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
        let date = now.format("%Y%m%d").to_string();
        let payload = "UNSIGNED-PAYLOAD";
        let signed = "host;x-amz-content-sha256;x-amz-date";
        let canonical = format!(
            "{method}\n{path}\n{query}\nhost:{}\nx-amz-content-sha256:{payload}\nx-amz-date:{amz_date}\n\n{signed}\n{payload}",
            self.host
        );
        let scope = format!("{date}/{}/s3/aws4_request", self.c.region);
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let mut k = hmac(
            format!("AWS4{}", self.c.secret_key).as_bytes(),
            date.as_bytes(),
        );
        for part in [self.c.region.as_str(), "s3", "aws4_request"] {
            k = hmac(&k, part.as_bytes());
        }
        let signature = hex::encode(hmac(&k, to_sign.as_bytes()));
        let url = if query.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{query}", self.base)
        };
        self.http
            .request(method, url)
            .header("x-amz-date", amz_date)
            .header("x-amz-content-sha256", payload)
            .header(
                "authorization",
                format!(
                    "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed}, Signature={signature}",
                    self.c.access_key
                ),
            )
    }

    /// Sends a request; an answer other than 2xx (and 404 when
    /// `missing_ok`) is an error naming `what`.
    fn send(
        &self,
        what: &str,
        r: reqwest::blocking::RequestBuilder,
        missing_ok: bool,
    ) -> Result<Option<reqwest::blocking::Response>> {
        let resp = blocking(|| r.send()).map_err(|e| s3_error(what, e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(Some(resp));
        }
        if missing_ok && status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let body = blocking(|| resp.text()).unwrap_or_default();
        let code = xml_all(&body, "Code")
            .first()
            .copied()
            .unwrap_or_default()
            .to_string();
        Err(s3_error(what, format!("{status} {code}")))
    }

    /// Keys (and sizes) under `prefix`; with `delimiter`, the common
    /// prefixes too (as keys ending in `/`, size 0).
    fn list_keys(&self, prefix: &str, delimiter: bool) -> Result<Vec<(String, u64)>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut q = vec![("list-type", "2"), ("prefix", prefix)];
            if delimiter {
                q.push(("delimiter", "/"));
            }
            if let Some(t) = &token {
                q.push(("continuation-token", t));
            }
            let r = self.send(
                &format!("listing {prefix}"),
                self.request(reqwest::Method::GET, "", &q),
                false,
            )?;
            let body =
                blocking(|| r.expect("present").text()).map_err(|e| s3_error("listing", e))?;
            for c in xml_all(&body, "Contents") {
                let key = xml_all(c, "Key").first().map(|k| unescape(k));
                let size = xml_all(c, "Size").first().and_then(|s| s.parse().ok());
                if let (Some(k), Some(s)) = (key, size) {
                    out.push((k, s));
                }
            }
            for p in xml_all(&body, "CommonPrefixes") {
                out.extend(xml_all(p, "Prefix").first().map(|k| (unescape(k), 0)));
            }
            if out.len() > MAX_KEYS {
                return Err(s3_error(
                    "listing",
                    format!("more than {MAX_KEYS} keys under {prefix}"),
                ));
            }
            token = xml_all(&body, "NextContinuationToken")
                .first()
                .map(|t| unescape(t));
            if xml_all(&body, "IsTruncated").first() != Some(&"true") || token.is_none() {
                return Ok(out);
            }
        }
    }

    /// Uploads `len` bytes of a local file in parts of `chunk_size`.
    fn multipart(&self, local: &Path, key: &str, len: u64) -> Result<()> {
        let what = format!("multipart upload of {key}");
        let r = self.send(
            &what,
            self.request(reqwest::Method::POST, key, &[("uploads", "")]),
            false,
        )?;
        let body = blocking(|| r.expect("present").text()).map_err(|e| s3_error(&what, e))?;
        let id = xml_all(&body, "UploadId")
            .first()
            .map(|s| unescape(s))
            .ok_or_else(|| s3_error(&what, "no UploadId"))?;
        let res = self.parts(local, key, len, &id).and_then(|etags| {
            let mut xml = String::from("<CompleteMultipartUpload>");
            for (i, e) in etags.iter().enumerate() {
                xml.push_str(&format!(
                    "<Part><PartNumber>{}</PartNumber><ETag>{e}</ETag></Part>",
                    i + 1
                ));
            }
            xml.push_str("</CompleteMultipartUpload>");
            let r = self.send(
                &what,
                self.request(reqwest::Method::POST, key, &[("uploadId", &id)])
                    .body(xml),
                false,
            )?;
            // S3 may answer 200 with an error document.
            let body = blocking(|| r.expect("present").text()).unwrap_or_default();
            match xml_all(&body, "Code").first() {
                Some(code) => Err(s3_error(&what, code)),
                None => Ok(()),
            }
        });
        if res.is_err() {
            let _ = self.send(
                &what,
                self.request(reqwest::Method::DELETE, key, &[("uploadId", &id)]),
                true,
            );
        }
        res
    }

    /// Uploads the parts; returns their ETags.
    fn parts(&self, local: &Path, key: &str, len: u64, id: &str) -> Result<Vec<String>> {
        let chunk = self.c.chunk_size.max(MIN_CHUNK);
        let mut etags = Vec::new();
        let mut offset = 0;
        while offset < len {
            use std::io::Seek;
            let n = chunk.min(len - offset);
            let mut f = std::fs::File::open(local).at(local)?;
            f.seek(std::io::SeekFrom::Start(offset)).at(local)?;
            let number = (etags.len() + 1).to_string();
            let body = reqwest::blocking::Body::sized(f.take(n), n);
            let r = self.send(
                &format!("part {number} of {key}"),
                self.request(
                    reqwest::Method::PUT,
                    key,
                    &[("partNumber", &number), ("uploadId", id)],
                )
                .body(body),
                false,
            )?;
            let etag = r
                .expect("present")
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .map(String::from)
                .ok_or_else(|| s3_error("upload part", "no ETag"))?;
            etags.push(etag);
            offset += n;
        }
        Ok(etags)
    }
}

impl Driver for S3 {
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>> {
        let key = self.key(path);
        let Some(r) = self.send(
            &format!("reading {key}"),
            self.request(reqwest::Method::GET, &key, &[]),
            true,
        )?
        else {
            return Ok(None);
        };
        let limit = super::storage::MAX_DOCUMENT;
        let mut v = Vec::new();
        blocking(|| r.take(limit + 1).read_to_end(&mut v))
            .map_err(|e| s3_error(&format!("reading {key}"), e))?;
        if v.len() as u64 > limit {
            return Err(s3_error(&key, format!("larger than {limit} bytes")));
        }
        Ok(Some(v))
    }

    fn put(&self, path: &str, data: &[u8]) -> Result<()> {
        let key = self.key(path);
        self.send(
            &format!("writing {key}"),
            self.request(reqwest::Method::PUT, &key, &[])
                .body(data.to_vec()),
            false,
        )
        .map(drop)
    }

    fn put_file(&self, local: &Path, path: &str) -> Result<()> {
        let key = self.key(path);
        let len = std::fs::metadata(local).at(local)?.len();
        if len > self.c.chunk_size.max(MIN_CHUNK) {
            self.multipart(local, &key, len)?;
        } else {
            let f = std::fs::File::open(local).at(local)?;
            self.send(
                &format!("writing {key}"),
                self.request(reqwest::Method::PUT, &key, &[])
                    .body(reqwest::blocking::Body::sized(f, len)),
                false,
            )?;
        }
        let _ = std::fs::remove_file(local);
        Ok(())
    }

    fn size(&self, path: &str) -> Option<u64> {
        let key = self.key(path);
        let r = self
            .send("stat", self.request(reqwest::Method::HEAD, &key, &[]), true)
            .ok()??;
        r.headers()
            .get("content-length")?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{}/", self.key(dir));
        let mut names: Vec<String> = self
            .list_keys(&prefix, true)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, _)| {
                let rest = k.strip_prefix(&prefix)?.trim_end_matches('/');
                (!rest.is_empty()).then(|| rest.to_string())
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }

    fn walk(&self, dir: &str) -> Vec<(String, u64)> {
        let prefix = format!("{}/", self.key(dir));
        let root = self.key("");
        self.list_keys(&prefix, false)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, s)| Some((k.strip_prefix(&root)?.to_string(), s)))
            .collect()
    }

    fn delete(&self, path: &str) -> Result<bool> {
        let key = self.key(path);
        let mut keys: Vec<String> = self
            .list_keys(&format!("{key}/"), false)?
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let single = self.size(path).is_some();
        if single {
            keys.push(key);
        }
        for k in &keys {
            self.send(
                &format!("deleting {k}"),
                self.request(reqwest::Method::DELETE, k, &[]),
                true,
            )?;
        }
        Ok(!keys.is_empty())
    }

    fn local_file(&self, _path: &str) -> Option<PathBuf> {
        None
    }

    fn open(&self, path: &str, start: u64, len: u64) -> Result<Box<dyn Read + Send>> {
        if len == 0 {
            return Ok(Box::new(std::io::empty()));
        }
        let key = self.key(path);
        let r = self
            .send(
                &format!("reading {key}"),
                self.request(reqwest::Method::GET, &key, &[])
                    .header("range", format!("bytes={start}-{}", start + len - 1)),
                true,
            )?
            .ok_or_else(|| Error::BlobUnknown(path.to_string()))?;
        Ok(Box::new(Body(r).take(len)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2.
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signing_matches_aws_example() {
        // The signing key derivation from AWS's SigV4 documentation.
        let mut k = hmac(b"AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", b"20120215");
        for part in ["us-east-1", "iam", "aws4_request"] {
            k = hmac(&k, part.as_bytes());
        }
        assert_eq!(
            hex::encode(k),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn xml_and_encoding() {
        let x = "<a><Key>x&amp;y</Key></a><a><Key>z</Key></a>";
        assert_eq!(xml_all(x, "Key"), vec!["x&amp;y", "z"]);
        assert_eq!(unescape("x&amp;y"), "x&y");
        assert_eq!(encode("a b/c~", true), "a%20b/c~");
        assert_eq!(encode("a/b", false), "a%2Fb");
    }
}
