//! `import`: a root filesystem tarball (plain, gzip or zstd) becomes a
//! one-layer image. The layer blob is stored exactly as given; in the same
//! pass the stream is decompressed, walked as a tar archive (so a file that is
//! not a tar, or is cut short, is refused before anything is referenced) and
//! hashed to give the layer's diff_id.

use std::io::{self, Read, Write};

use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};

use super::change::{apply_changes, Change};
use crate::error::{Error, Result};
use crate::layer::{decompress, Compression};
use crate::reference::Reference;
use crate::store::{BlobWriter, Digest, Store};

/// What `import` needs besides the tarball.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// Dockerfile instructions applied to the config (`--change`).
    pub changes: Vec<Change>,
    /// History comment (`--message`); defaults to "Imported from SOURCE".
    pub message: Option<String>,
    /// Where the tarball came from, for the default comment (`-` for stdin).
    pub source: String,
    /// `os/arch[/variant]`; the host's when absent.
    pub platform: Option<String>,
    /// Names to tag; none leaves a dangling image.
    pub names: Vec<Reference>,
    /// Called with the number of input bytes read so far.
    pub progress: Option<&'a dyn Fn(u64)>,
}

/// What `import` made.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The image ID (config digest).
    pub id: Digest,
    pub manifest_digest: Digest,
    pub layer_digest: Digest,
    pub diff_id: Digest,
    pub compression: Compression,
}

/// Copies everything read into the blob writer, and reports progress.
struct Tee<'a, 'p, R> {
    inner: R,
    blob: &'a mut BlobWriter,
    read: u64,
    progress: Option<&'p dyn Fn(u64)>,
}

impl<R: Read> Read for Tee<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.blob.write_all(&buf[..n])?;
        self.read += n as u64;
        if let Some(p) = self.progress {
            p(self.read);
        }
        Ok(n)
    }
}

/// Hashes the uncompressed stream and remembers how many zero bytes ended it
/// (a tar archive ends with a zero block; a stream cut short does not).
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    trailing_zeros: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        self.hasher.update(chunk);
        match chunk.iter().rposition(|b| *b != 0) {
            Some(i) => self.trailing_zeros = (n - i - 1) as u64,
            None => self.trailing_zeros += n as u64,
        }
        Ok(n)
    }
}

/// The host platform as Go names it (`amd64`, `arm64`...).
pub fn host_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        "loongarch64" => "loong64",
        other => other,
    }
}

/// Splits `os/arch[/variant]`.
pub fn parse_platform(p: &str) -> Result<(String, String, Option<String>)> {
    let parts: Vec<&str> = p.split('/').collect();
    let bad = || Error::Invalid(format!("invalid platform {p:?}: want os/arch[/variant]"));
    if parts.iter().any(|s| s.is_empty()) {
        return Err(bad());
    }
    match parts.as_slice() {
        [os, arch] => Ok((os.to_string(), arch.to_string(), None)),
        [os, arch, v] => Ok((os.to_string(), arch.to_string(), Some(v.to_string()))),
        _ => Err(bad()),
    }
}

/// Imports `input` as a one-layer image and tags it with `opts.names`.
pub fn import(store: &Store, input: &mut dyn Read, opts: &ImportOptions) -> Result<Imported> {
    for n in &opts.names {
        if n.digest.is_some() {
            return Err(Error::Invalid(format!(
                "refusing to create a tag with a digest reference: {}",
                n.familiar()
            )));
        }
    }
    let (os, arch, variant) = match &opts.platform {
        Some(p) => parse_platform(p)?,
        None => ("linux".to_string(), host_architecture().to_string(), None),
    };
    let mut config_doc = Map::new();
    apply_changes(&mut config_doc, &opts.changes)?;

    // Blobs written from here are unreferenced until the tag: keep GC away.
    let _lock = store.lock_shared()?;
    let mut blob = store.blob_writer()?;
    let (compression, diff_id) = {
        let mut tee = Tee {
            inner: input,
            blob: &mut blob,
            read: 0,
            progress: opts.progress,
        };
        let result = walk_layer(&mut tee);
        let (c, d) = result?;
        // Copy whatever follows the compressed stream too: the blob is the input.
        io::copy(&mut tee, &mut io::sink()).map_err(|e| not_a_layer(&opts.source, e))?;
        (c, d)
    };
    let (layer_digest, layer_size) = blob.commit(None)?;

    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let comment = opts
        .message
        .clone()
        .unwrap_or_else(|| format!("Imported from {}", opts.source));
    let mut config = json!({
        "created": created,
        "architecture": arch,
        "os": os,
        "config": Value::Object(config_doc),
        "rootfs": {"type": "layers", "diff_ids": [diff_id.to_string()]},
        "history": [{"created": created, "created_by": "import", "comment": comment}],
    });
    if let Some(v) = &variant {
        config["variant"] = json!(v);
    }
    let (config_digest, config_size, _) = store.put_json(&config)?;
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest.to_string(),
            "size": config_size,
        },
        "layers": [{
            "mediaType": compression.oci_layer_media_type(),
            "digest": layer_digest.to_string(),
            "size": layer_size,
        }],
    });
    let (manifest_digest, manifest_size, _) = store.put_json(&manifest)?;
    let mut platform = json!({"architecture": arch, "os": os});
    if let Some(v) = &variant {
        platform["variant"] = json!(v);
    }
    let descriptor = serde_json::from_value(json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest.to_string(),
        "size": manifest_size,
        "platform": platform,
    }))
    .map_err(|e| Error::json("manifest descriptor", e))?;
    store.tag_image(&descriptor, &opts.names)?;
    Ok(Imported {
        id: config_digest,
        manifest_digest,
        layer_digest,
        diff_id,
        compression,
    })
}

fn not_a_layer(source: &str, e: io::Error) -> Error {
    let src = if source == "-" { "stdin" } else { source };
    Error::Invalid(format!("{src}: not a valid tar archive: {e}"))
}

/// Reads the whole (possibly compressed) tar stream; returns its compression
/// and the diff_id (sha256 of the uncompressed tar).
fn walk_layer<R: Read>(raw: &mut R) -> Result<(Compression, Digest)> {
    let err = |e: io::Error| Error::Invalid(format!("not a valid tar archive: {e}"));
    let (compression, plain) = decompress(raw).map_err(err)?;
    let mut hashing = Hashing {
        inner: plain,
        hasher: Sha256::new(),
        trailing_zeros: 0,
    };
    let mut entries = 0u64;
    {
        let mut archive = tar::Archive::new(&mut hashing);
        for entry in archive.entries().map_err(err)? {
            let mut entry = entry.map_err(err)?;
            let want = entry.size();
            let got = io::copy(&mut entry, &mut io::sink()).map_err(err)?;
            if got != want {
                return Err(Error::Invalid(
                    "not a valid tar archive: truncated (an entry is cut short)".to_string(),
                ));
            }
            entries += 1;
        }
    }
    if hashing.trailing_zeros < 512 {
        return Err(Error::Invalid(if entries == 0 {
            "not a valid tar archive: no entries".to_string()
        } else {
            "not a valid tar archive: truncated (no end-of-archive marker)".to_string()
        }));
    }
    io::copy(&mut hashing, &mut io::sink()).map_err(err)?;
    let diff_id = format!("sha256:{}", hex::encode(hashing.hasher.finalize()))
        .parse()
        .map_err(|_| Error::Invalid("bad diff_id".to_string()))?;
    Ok((compression, diff_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_bytes() -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(5);
        h.set_mode(0o644);
        b.append_data(&mut h, "etc/hello", &b"hello"[..]).unwrap();
        b.into_inner().unwrap()
    }

    #[test]
    fn imports_gzip_and_refuses_truncated() {
        let t = tempfile::tempdir().unwrap();
        let s = Store::open(t.path()).unwrap();
        let plain = tar_bytes();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&plain).unwrap();
        let gz = gz.finish().unwrap();
        let opts = ImportOptions {
            source: "-".into(),
            names: vec![Reference::parse("x").unwrap()],
            ..Default::default()
        };
        let got = import(&s, &mut &gz[..], &opts).unwrap();
        assert_eq!(got.compression, Compression::Gzip);
        assert_eq!(s.read_blob(&got.layer_digest).unwrap(), gz);
        assert_eq!(
            got.diff_id,
            crate::store::blobs::sha256_digest(&plain),
            "diff_id is the uncompressed sha256"
        );
        let blobs = s.list_blobs().unwrap().len();
        for cut in [100, 700, plain.len() - 1024] {
            assert!(import(&s, &mut &plain[..cut], &opts).is_err(), "cut {cut}");
        }
        assert!(import(&s, &mut &b"not a tar at all"[..], &opts).is_err());
        assert_eq!(s.list_blobs().unwrap().len(), blobs);
        assert_eq!(std::fs::read_dir(s.tmp_dir()).unwrap().count(), 0);
    }
}
