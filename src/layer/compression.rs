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

/// Wraps `r` in the decoder its first bytes call for. Returns the detected
/// compression and a reader of the plain tar stream.
pub fn decompress<'a, R: Read + 'a>(r: R) -> io::Result<(Compression, Box<dyn Read + 'a>)> {
    let mut br = BufReader::with_capacity(256 * 1024, r);
    let c = Compression::detect(br.fill_buf()?);
    let out: Box<dyn Read + 'a> = match c {
        Compression::None => Box::new(br),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(br)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(br)?),
    };
    Ok((c, out))
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
}
