//! Content-addressed blobs: `blobs/<algorithm>/<hex>`. A blob is written to a
//! temp file while its digest is computed, checked against the digest it was
//! announced with, synced, and renamed into place. A blob in place is whole
//! and never modified.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::str::FromStr;

use sha2::{Digest as _, Sha256, Sha512};

use super::{Digest, Store};
use crate::error::{Error, IoContext, Result};

/// A running sha256 or sha512 digest.
pub(crate) enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    /// A hasher for `algorithm` (`sha256` or `sha512`).
    pub(crate) fn new(algorithm: &str) -> Result<Hasher> {
        match algorithm {
            "sha256" => Ok(Hasher::Sha256(Sha256::new())),
            "sha512" => Ok(Hasher::Sha512(Sha512::new())),
            other => Err(Error::Invalid(format!(
                "unsupported digest algorithm {other:?}"
            ))),
        }
    }
    pub(crate) fn update(&mut self, b: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(b),
            Hasher::Sha512(h) => h.update(b),
        }
    }
    pub(crate) fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => format!("sha256:{}", hex::encode(h.finalize())),
            Hasher::Sha512(h) => format!("sha512:{}", hex::encode(h.finalize())),
        }
    }
}

/// A blob being written. `commit` verifies and publishes it; dropping it
/// without committing removes the temp file.
pub struct BlobWriter {
    store: Store,
    tmp: PathBuf,
    file: Option<File>,
    hasher: Option<Hasher>,
    size: u64,
}

impl Write for BlobWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.as_mut().expect("writer open").write(buf)?;
        self.hasher.as_mut().expect("writer open").update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("writer open").flush()
    }
}

impl BlobWriter {
    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Verifies the content against `expected` (when given), syncs it and
    /// renames it into place. Returns the digest and size.
    pub fn commit(self, expected: Option<&Digest>) -> Result<(Digest, u64)> {
        let pending = self.finish()?;
        pending.publish(expected)?;
        Ok((pending.digest.clone(), pending.size))
    }

    /// Ends the write and computes the digest, keeping the content in its
    /// temp file until [`PendingBlob::publish`]: for content that may turn
    /// out not to be wanted (an archive's entries before its manifest is
    /// read).
    pub fn finish(mut self) -> Result<PendingBlob> {
        let file = self.file.take().expect("writer open");
        drop(file);
        let actual = self.hasher.take().expect("writer open").finish();
        let tmp = std::mem::take(&mut self.tmp);
        let pending = PendingBlob {
            store: self.store.clone(),
            tmp,
            digest: Digest::from_str(&actual)
                .map_err(|_| Error::Invalid(format!("bad digest {actual}")))?,
            size: self.size,
        };
        Ok(pending)
    }
}

impl Drop for BlobWriter {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Content written and hashed but not yet in the store; its temp file goes
/// when this is dropped, so content nobody publishes leaves nothing behind.
pub struct PendingBlob {
    store: Store,
    tmp: PathBuf,
    digest: Digest,
    size: u64,
}

impl PendingBlob {
    pub fn digest(&self) -> &Digest {
        &self.digest
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Opens the content for reading, before or after it is published.
    pub fn open(&self) -> Result<File> {
        match File::open(&self.tmp) {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => self.store.open_blob(&self.digest),
            Err(e) => Err(Error::io(&self.tmp, e)),
        }
    }

    /// Checks the content against `expected` (when given), syncs it and
    /// renames it into place. Publishing twice is harmless.
    pub fn publish(&self, expected: Option<&Digest>) -> Result<()> {
        if let Some(exp) = expected {
            if *exp != self.digest {
                return Err(Error::DigestMismatch {
                    expected: exp.to_string(),
                    actual: self.digest.to_string(),
                });
            }
        }
        let dest = self.store.blob_path(&self.digest);
        if dest.exists() {
            // Someone stored the same content first; theirs is as good.
            return Ok(());
        }
        File::open(&self.tmp)
            .and_then(|f| f.sync_all())
            .at(&self.tmp)?;
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir).at(dir)?;
        }
        fs::rename(&self.tmp, &dest).at(&dest)
    }
}

impl Drop for PendingBlob {
    fn drop(&mut self) {
        // Gone already when it was published.
        let _ = fs::remove_file(&self.tmp);
    }
}

impl Store {
    /// Where the blob with this digest lives (whether or not it exists).
    pub fn blob_path(&self, d: &Digest) -> PathBuf {
        self.root()
            .join("blobs")
            .join(d.algorithm().as_ref())
            .join(d.digest())
    }

    pub fn has_blob(&self, d: &Digest) -> bool {
        self.blob_path(d).is_file()
    }

    /// The size of a stored blob.
    pub fn blob_size(&self, d: &Digest) -> Result<u64> {
        let p = self.blob_path(d);
        match fs::metadata(&p) {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::BlobUnknown(d.to_string())),
            Err(e) => Err(Error::io(p, e)),
        }
    }

    /// A writer for a new sha256 blob.
    pub fn blob_writer(&self) -> Result<BlobWriter> {
        self.blob_writer_with("sha256")
    }

    /// A writer for a new blob hashed with `algorithm` (`sha256` or `sha512`).
    pub fn blob_writer_with(&self, algorithm: &str) -> Result<BlobWriter> {
        let hasher = Hasher::new(algorithm)?;
        let tmp = self.tmp_path("blob");
        let file = File::create(&tmp).at(&tmp)?;
        Ok(BlobWriter {
            store: self.clone(),
            tmp,
            file: Some(file),
            hasher: Some(hasher),
            size: 0,
        })
    }

    /// Stores `data` and returns its sha256 digest.
    pub fn put_blob(&self, data: &[u8]) -> Result<Digest> {
        let mut w = self.blob_writer()?;
        let tmp = w.tmp.clone();
        w.write_all(data).at(tmp)?;
        Ok(w.commit(None)?.0)
    }

    /// Copies a stream into the store, verifying it against `expected`.
    pub fn put_blob_from(
        &self,
        r: &mut dyn Read,
        expected: Option<&Digest>,
    ) -> Result<(Digest, u64)> {
        let algo = expected.map(|d| d.algorithm().as_ref().to_string());
        let mut w = self.blob_writer_with(algo.as_deref().unwrap_or("sha256"))?;
        let tmp = w.tmp.clone();
        io::copy(r, &mut w).at(&tmp)?;
        w.commit(expected)
    }

    /// Opens a stored blob for reading.
    pub fn open_blob(&self, d: &Digest) -> Result<File> {
        let p = self.blob_path(d);
        File::open(&p).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::BlobUnknown(d.to_string()),
            _ => Error::io(p, e),
        })
    }

    /// Reads a whole (small) blob.
    pub fn read_blob(&self, d: &Digest) -> Result<Vec<u8>> {
        let mut v = Vec::new();
        let p = self.blob_path(d);
        self.open_blob(d)?.read_to_end(&mut v).at(&p)?;
        Ok(v)
    }

    /// Reads a blob as JSON of type `T`.
    pub fn read_json<T: serde::de::DeserializeOwned>(&self, d: &Digest) -> Result<T> {
        let data = self.read_blob(d)?;
        serde_json::from_slice(&data).map_err(|e| Error::json(format!("blob {d}"), e))
    }

    /// Serialises `v` and stores it as a blob.
    pub fn put_json<T: serde::Serialize>(&self, v: &T) -> Result<(Digest, u64, Vec<u8>)> {
        let data = serde_json::to_vec(v).map_err(|e| Error::json("serialising", e))?;
        let d = self.put_blob(&data)?;
        Ok((d, data.len() as u64, data))
    }

    /// Every stored blob digest (for garbage collection and `system df`).
    pub fn list_blobs(&self) -> Result<Vec<Digest>> {
        let mut out = Vec::new();
        for algo in ["sha256", "sha512"] {
            let dir = self.root().join("blobs").join(algo);
            let rd = match fs::read_dir(&dir) {
                Ok(rd) => rd,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(dir, e)),
            };
            for e in rd.flatten() {
                if let Ok(d) = format!("{algo}:{}", e.file_name().to_string_lossy()).parse() {
                    out.push(d);
                }
            }
        }
        Ok(out)
    }

    /// Deletes a blob (garbage collection only, under the exclusive lock).
    pub fn remove_blob(&self, d: &Digest) -> Result<()> {
        let p = self.blob_path(d);
        match fs::remove_file(&p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(p, e)),
        }
    }
}

/// sha256 of a byte slice as a `Digest`.
pub fn sha256_digest(data: &[u8]) -> Digest {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
        .parse()
        .expect("sha256 digest is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_verified_and_atomic() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path()).unwrap();
        let dg = s.put_blob(b"hello").unwrap();
        assert_eq!(dg, sha256_digest(b"hello"));
        assert_eq!(s.read_blob(&dg).unwrap(), b"hello");
        let wrong = sha256_digest(b"other");
        let err = s
            .put_blob_from(&mut &b"hello"[..], Some(&wrong))
            .unwrap_err();
        assert!(matches!(err, Error::DigestMismatch { .. }));
        assert!(!s.has_blob(&wrong));
        assert_eq!(
            fs::read_dir(s.tmp_dir()).unwrap().count(),
            0,
            "no temp file left"
        );
    }
}
