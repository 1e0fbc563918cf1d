//! Layer compression, detected from the stream's first bytes (media types lie
//! often enough that Docker and containerd sniff too).

use std::io::{self, BufRead, BufReader, Read};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// Sniffs the magic number at the start of `head`.
    pub fn detect(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// The OCI layer media type for this compression.
    pub fn oci_layer_media_type(self) -> &'static str {
        match self {
            Compression::None => "application/vnd.oci.image.layer.v1.tar",
            Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
            Compression::Zstd => "application/vnd.oci.image.layer.v1.tar+zstd",
        }
    }
}

/// The most one decompressed stream (a layer, an archive) may grow to:
/// 64 GiB. The biggest layers of real images are a few GiB; a gzip bomb
/// expands about 1000 times, so without a bound a few MB could fill a disk
/// or keep a command busy for hours. The disk fills first on most hosts,
/// which is an ordinary error; this bound makes the failure say what the
/// input was.
pub const MAX_UNPACKED: u64 = 64 << 30;

/// Wraps `r` in the decoder its first bytes call for. Returns the detected
/// compression and a reader of the plain tar stream, which fails once it has
/// given [`MAX_UNPACKED`] bytes.
pub fn decompress<'a, R: Read + 'a>(r: R) -> io::Result<(Compression, Box<dyn Read + 'a>)> {
    let mut br = BufReader::with_capacity(256 * 1024, r);
    let c = Compression::detect(br.fill_buf()?);
    let out: Box<dyn Read + 'a> = match c {
        Compression::None => Box::new(br),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(br)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(br)?),
    };
    Ok((c, Box::new(Bounded::new(out, MAX_UNPACKED))))
}

/// A reader that fails (with [`io::ErrorKind::FileTooLarge`]) past `limit`
/// bytes.
pub struct Bounded<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R> Bounded<R> {
    pub fn new(inner: R, limit: u64) -> Bounded<R> {
        Bounded {
            inner,
            left: limit,
            limit,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more than allowed tells a full stream from a long one.
            let n = self.inner.read(&mut [0u8; 1])?;
            if n == 0 {
                return Ok(0);
            }
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "decompresses to more than {} bytes, tug's limit for one layer or archive",
                    self.limit
                ),
            ));
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// The error to report for a failure while reading a tar stream from
/// `path`: a failure of the system (a full disk, an I/O error) stays an I/O
/// error, the size bound says itself, and anything else means the input is
/// not a valid tar archive.
pub fn tar_error(path: &std::path::Path, e: io::Error) -> crate::Error {
    let system = matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::PermissionDenied
    );
    if e.raw_os_error().is_some() || system {
        crate::Error::io(path, e)
    } else if let Some(bound) = super::tarbound::exceeded(&e) {
        crate::Error::Invalid(format!("the archive has {bound}"))
    } else if e.kind() == io::ErrorKind::FileTooLarge {
        crate::Error::Invalid(format!("{}: {e}", path.display()))
    } else {
        crate::Error::Invalid(format!(
            "not a valid tar archive: {}",
            crate::untrusted::quote(&e.to_string())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn round_trips_each_compression() {
        let data = b"plain tar bytes".repeat(100);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data).unwrap();
        let gz = gz.finish().unwrap();
        let zs = zstd::encode_all(&data[..], 3).unwrap();
        for (input, want) in [
            (&data[..], Compression::None),
            (&gz[..], Compression::Gzip),
            (&zs[..], Compression::Zstd),
        ] {
            let (c, mut r) = decompress(input).unwrap();
            assert_eq!(c, want);
            let mut out = Vec::new();
            r.read_to_end(&mut out).unwrap();
            assert_eq!(out, data);
        }
    }

    #[test]
    fn bounded_stops_past_its_limit() {
        let mut out = Vec::new();
        let r = Bounded::new(&[0u8; 10][..], 10).read_to_end(&mut out);
        assert_eq!(r.unwrap(), 10);
        let e = Bounded::new(&[0u8; 11][..], 10)
            .read_to_end(&mut out)
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        let full = std::io::Error::from_raw_os_error(28);
        let msg = tar_error(std::path::Path::new("x"), full).to_string();
        assert!(msg.contains("No space left"), "{msg}");
    }
}
