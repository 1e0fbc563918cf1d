//! `import`: a root filesystem tarball (plain, gzip or zstd) becomes a
//! one-layer image. The layer blob is stored exactly as given; in the same
//! pass the stream is decompressed, checked to be a whole tar, and hashed
//! for the diff ID.

use std::io::{self, Read, Write};

use oci_spec::image::{Config, DescriptorBuilder, HistoryBuilder, MediaType};
use sha2::{Digest as _, Sha256};

use super::changes::apply_change;
use crate::error::{Error, Result};
use crate::layer::tarbound::TarBound;
use crate::layer::{decompress, tar_error, LayerBlob};
use crate::reference::Reference;
use crate::store::{BlobWriter, Digest, Store};

/// What to import and how.
#[derive(Debug, Default, Clone)]
pub struct ImportOptions {
    /// Dockerfile instructions applied to the config (`--change`).
    pub changes: Vec<String>,
    /// History comment (`--message`).
    pub message: Option<String>,
    /// `os/arch[/variant]`; the host's by default.
    pub platform: Option<String>,
    /// Where the tarball came from, for the history comment.
    pub source: String,
}

/// The image an import made.
#[derive(Debug, Clone)]
pub struct Imported {
    pub id: Digest,
    pub manifest: Digest,
}

/// The host platform in OCI terms.
pub fn host_platform() -> (String, String) {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    ("linux".to_string(), arch.to_string())
}

/// Copies everything read into the blob writer.
struct Tee<'a, R> {
    inner: R,
    out: &'a mut BlobWriter,
    progress: Option<&'a indicatif::ProgressBar>,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out.write_all(&buf[..n])?;
        if let Some(p) = self.progress {
            p.inc(n as u64);
        }
        Ok(n)
    }
}

/// Hashes what is read through it, and counts the zero bytes that end what
/// was read so far (a tar archive ends with a zero block; a stream cut at an
/// entry boundary does not).
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

fn not_a_tar(e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("not a valid tar archive: {e}"))
}

/// Stores a layer from `input`, checking it is a whole tar archive. Returns
/// (blob digest, blob size, diff ID, compression media type).
pub fn store_layer(
    store: &Store,
    input: &mut dyn Read,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<(Digest, u64, Digest, &'static str)> {
    let mut writer = store.blob_writer()?;
    let tmp = store.tmp_dir();
    let bad = |e: io::Error| tar_error(&tmp, e);
    let (compression, diff_id) = {
        let tee = Tee {
            inner: input,
            out: &mut writer,
            progress,
        };
        let (compression, plain) = decompress(tee).map_err(bad)?;
        let mut hashing = Hashing {
            inner: plain,
            hasher: Sha256::new(),
            trailing_zeros: 0,
        };
        {
            let mut archive = tar::Archive::new(TarBound::new(&mut hashing));
            let mut count = 0usize;
            for entry in archive.entries().map_err(bad)? {
                let mut entry = entry.map_err(bad)?;
                let want = entry.size();
                let got = io::copy(&mut entry, &mut io::sink()).map_err(bad)?;
                if got != want {
                    return Err(not_a_tar("truncated (an entry is cut short)"));
                }
                count += 1;
            }
            if count == 0 {
                return Err(Error::Invalid("not a valid tar archive: no entries".into()));
            }
        }
        if hashing.trailing_zeros < 512 {
            return Err(not_a_tar("truncated (no end-of-archive marker)"));
        }
        // The tar ends before the stream does (padding): hash all of it.
        io::copy(&mut hashing, &mut io::sink()).map_err(bad)?;
        let diff: Digest = format!("sha256:{}", hex::encode(hashing.hasher.finalize()))
            .parse()
            .map_err(|_| Error::Invalid("bad diff id".into()))?;
        (compression, diff)
    };
    let (digest, size) = writer.commit(None)?;
    Ok((digest, size, diff_id, compression.oci_layer_media_type()))
}

/// Imports a rootfs tarball as a new image, tagged `names` (none: dangling).
pub fn import(
    store: &Store,
    input: &mut dyn Read,
    names: &[Reference],
    opts: &ImportOptions,
) -> Result<Imported> {
    let mut config = Config::default();
    for c in &opts.changes {
        apply_change(&mut config, c)?;
    }
    import_config(store, input, names, config, opts)
}

/// [`import`] with the runtime config already made (`opts.changes` are not
/// applied again).
pub fn import_config(
    store: &Store,
    input: &mut dyn Read,
    names: &[Reference],
    mut config: Config,
    opts: &ImportOptions,
) -> Result<Imported> {
    let (mut os, mut arch) = host_platform();
    let mut variant = None;
    if let Some(p) = &opts.platform {
        let parts: Vec<&str> = p.split('/').collect();
        if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|s| s.is_empty()) {
            return Err(Error::Invalid(format!(
                "invalid platform {p:?}: expected os/arch[/variant]"
            )));
        }
        os = parts[0].to_string();
        arch = parts[1].to_string();
        variant = parts.get(2).map(|s| s.to_string());
    }
    if config.env().is_none() {
        config.set_env(Some(vec![
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        ]));
    }

    let _lock = store.lock_shared()?;
    let progress = crate::progress::bytes_bar("Importing");
    let (digest, size, diff_id, media) = store_layer(store, input, progress.as_ref())?;
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let comment = opts
        .message
        .clone()
        .unwrap_or_else(|| format!("Imported from {}", opts.source));
    let history = HistoryBuilder::default()
        .created_by(String::new())
        .comment(comment)
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let step = super::write::Step {
        base: None,
        layer: Some(LayerBlob {
            digest,
            size,
            diff_id,
            media_type: media.to_string(),
        }),
        history,
        source: opts.source.clone(),
    };
    super::write::append_layer(
        store,
        step,
        |c| {
            c.set_os(os.as_str().into());
            c.set_architecture(arch.as_str().into());
            c.set_variant(variant);
            c.set_config(Some(config));
            Ok(())
        },
        names,
    )
}

/// A descriptor for a stored blob.
pub fn descriptor(
    media: MediaType,
    digest: &Digest,
    size: u64,
) -> Result<oci_spec::image::Descriptor> {
    DescriptorBuilder::default()
        .media_type(media)
        .digest(digest.clone())
        .size(size)
        .build()
        .map_err(|e| Error::Invalid(e.to_string()))
}
