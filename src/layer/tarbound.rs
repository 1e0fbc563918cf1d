//! Bounds on what a tar reader keeps in memory.
//!
//! The tar crate folds GNU long names (`L`), long link targets (`K`) and
//! PAX headers (`x`) into the entry that follows by reading them whole, and
//! turns GNU sparse extension headers into an in-memory list of extents:
//! a few compressed bytes of such headers would grow without bound.
//! `TarBound` watches the stream on its way to the tar reader, walking the
//! same headers with the crate's own parsers, and fails the read as soon as
//! one of them passes its bound, before the reader allocates for it.

use std::io::{self, Read};

/// The longest GNU long name or long link target.
pub const MAX_LONG_NAME: u64 = 64 << 10;
/// The largest PAX header (`x` or `g`).
pub const MAX_PAX: u64 = 1 << 20;
/// The most records one PAX header may have.
pub const MAX_PAX_RECORDS: usize = 4096;
/// The most GNU sparse extension headers one entry may have (21 extents
/// each).
pub const MAX_SPARSE_HEADERS: u32 = 1024;

const BLOCK: u64 = 512;

/// A bound that an archive's headers passed.
#[derive(Debug)]
pub struct Exceeded(pub String);

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Exceeded {}

/// The bound `e` reports, if it is one of ours.
pub fn exceeded(e: &io::Error) -> Option<&Exceeded> {
    e.get_ref().and_then(|r| r.downcast_ref::<Exceeded>())
}

fn over(text: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, Exceeded(text))
}

enum State {
    /// Collecting a header block.
    Header,
    /// Passing `n` bytes of an entry's data and padding.
    Skip(u64),
    /// Collecting a PAX header's `n` remaining bytes, then `pad`.
    Pax { left: u64, pad: u64 },
    /// Collecting a sparse extension header (`n` so far), then `data`.
    Sparse { count: u32, data: u64 },
    /// Past the end-of-archive marker (or a header the reader refuses
    /// anyway): everything passes.
    End,
}

/// A reader that passes a tar stream through unchanged while bounding its
/// extension headers.
pub struct TarBound<R> {
    inner: R,
    state: State,
    block: Vec<u8>,
    pax: Vec<u8>,
    /// The size a PAX header gave the next entry.
    pax_size: Option<u64>,
}

impl<R> TarBound<R> {
    pub fn new(inner: R) -> TarBound<R> {
        TarBound {
            inner,
            state: State::Header,
            block: Vec::with_capacity(BLOCK as usize),
            pax: Vec::new(),
            pax_size: None,
        }
    }

    fn observe(&mut self, mut d: &[u8]) -> io::Result<()> {
        while !d.is_empty() {
            match &mut self.state {
                State::End => return Ok(()),
                State::Skip(left) => {
                    let k = (*left).min(d.len() as u64);
                    *left -= k;
                    d = &d[k as usize..];
                    if *left == 0 {
                        self.state = State::Header;
                    }
                }
                State::Pax { left, pad } => {
                    let k = (*left).min(d.len() as u64);
                    self.pax.extend_from_slice(&d[..k as usize]);
                    *left -= k;
                    d = &d[k as usize..];
                    if *left == 0 {
                        let pad = *pad;
                        self.pax_done()?;
                        self.state = if pad == 0 {
                            State::Header
                        } else {
                            State::Skip(pad)
                        };
                    }
                }
                State::Header | State::Sparse { .. } => {
                    let k = (BLOCK as usize - self.block.len()).min(d.len());
                    self.block.extend_from_slice(&d[..k]);
                    d = &d[k..];
                    if self.block.len() == BLOCK as usize {
                        let block = std::mem::take(&mut self.block);
                        self.state = match self.state {
                            State::Sparse { count, data } => self.sparse(&block, count, data)?,
                            _ => self.header(&block)?,
                        };
                        self.block = block;
                        self.block.clear();
                    }
                }
            }
        }
        Ok(())
    }

    /// What follows a header block, as the tar crate's reader sees it.
    fn header(&mut self, block: &[u8]) -> io::Result<State> {
        if block.iter().all(|b| *b == 0) {
            return Ok(State::End);
        }
        let mut h = tar::Header::new_old();
        h.as_mut_bytes().copy_from_slice(block);
        let kind = h.entry_type();
        let recognized = h.as_gnu().is_some() || h.as_ustar().is_some();
        let long = kind.is_gnu_longname() || kind.is_gnu_longlink();
        let local = kind.is_pax_local_extensions();
        let extension = long || local || kind.is_pax_global_extensions();
        // Headers the reader folds into the next entry keep a PAX size
        // waiting; any other ends it (and only a file takes it).
        let folded = recognized && (long || local);
        let pending = if folded {
            self.pax_size
        } else {
            self.pax_size.take()
        };
        let Ok(mut size) = h.entry_size() else {
            return Ok(State::End);
        };
        if !extension {
            size = pending.unwrap_or(size);
        }
        let Some(padded) = size.checked_add(BLOCK - 1).map(|s| s & !(BLOCK - 1)) else {
            return Ok(State::End);
        };
        if folded && long && size > MAX_LONG_NAME {
            let what = if kind.is_gnu_longname() {
                "GNU long name"
            } else {
                "GNU long link target"
            };
            return Err(over(format!(
                "a {what} of {size} bytes, more than the {MAX_LONG_NAME} tug allows"
            )));
        }
        if recognized && (local || kind.is_pax_global_extensions()) && size > MAX_PAX {
            return Err(over(format!(
                "a PAX header of {size} bytes, more than the {MAX_PAX} tug allows"
            )));
        }
        if folded && local {
            self.pax.clear();
            return Ok(if size == 0 {
                self.pax_done()?;
                State::Header
            } else {
                State::Pax {
                    left: size,
                    pad: padded - size,
                }
            });
        }
        let sparse = !extension && kind.is_gnu_sparse();
        if let Some(gnu) = h.as_gnu().filter(|_| sparse) {
            if gnu.is_extended() {
                return Ok(State::Sparse {
                    count: 0,
                    data: padded,
                });
            }
        }
        Ok(if padded == 0 {
            State::Header
        } else {
            State::Skip(padded)
        })
    }

    /// A whole PAX header: count its records, keep its `size`.
    fn pax_done(&mut self) -> io::Result<()> {
        let mut records = 0usize;
        for r in tar::PaxExtensions::new(&self.pax) {
            if r.is_err() {
                break;
            }
            records += 1;
        }
        if records > MAX_PAX_RECORDS {
            return Err(over(format!(
                "a PAX header of more than {MAX_PAX_RECORDS} records, the most tug allows"
            )));
        }
        // As the tar crate reads it: the first `size` record, if well formed.
        self.pax_size = tar::PaxExtensions::new(&self.pax)
            .map_while(|r| r.ok())
            .find(|r| r.key() == Ok("size"))
            .and_then(|r| r.value().ok().and_then(|v| v.parse::<u64>().ok()));
        self.pax = Vec::new();
        Ok(())
    }

    fn sparse(&mut self, block: &[u8], count: u32, data: u64) -> io::Result<State> {
        let count = count + 1;
        if count > MAX_SPARSE_HEADERS {
            return Err(over(format!(
                "a sparse file with more than {MAX_SPARSE_HEADERS} extension headers, \
                 the most tug allows"
            )));
        }
        let mut ext = tar::GnuExtSparseHeader::new();
        ext.as_mut_bytes().copy_from_slice(block);
        Ok(if ext.is_extended() {
            State::Sparse { count, data }
        } else if data == 0 {
            State::Header
        } else {
            State::Skip(data)
        })
    }
}

impl<R: Read> Read for TarBound<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.observe(&buf[..n])?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(tar: &[u8]) -> io::Result<Vec<(String, u64)>> {
        let mut out = Vec::new();
        // One byte at a time: headers split across reads still count.
        let slow = OneByte(tar);
        let mut a = tar::Archive::new(TarBound::new(slow));
        for e in a.entries()? {
            let mut e = e?;
            let name = e.path()?.to_string_lossy().into_owned();
            let n = io::copy(&mut e, &mut io::sink())?;
            out.push((name, n));
        }
        Ok(out)
    }

    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    fn file(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, data).unwrap();
    }

    #[test]
    fn ordinary_archives_pass_whole() {
        let mut b = tar::Builder::new(Vec::new());
        let long = "d/".repeat(300) + "f";
        file(&mut b, "a", b"hello");
        file(&mut b, &long, &[7u8; 1000]);
        b.append_pax_extensions([("SCHILY.xattr.user.x", &b"1"[..]), ("size", b"3")])
            .unwrap();
        file(&mut b, "p", b"abc");
        file(&mut b, "z", b"");
        let tar = b.into_inner().unwrap();
        let got = read_all(&tar).unwrap();
        assert_eq!(
            got,
            vec![
                ("a".into(), 5),
                (long, 1000),
                ("p".into(), 3),
                ("z".into(), 0)
            ]
        );
    }

    fn raw_header(kind: tar::EntryType, size: u64) -> Vec<u8> {
        let mut h = tar::Header::new_gnu();
        h.set_path("././@LongLink").unwrap();
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_cksum();
        h.as_bytes().to_vec()
    }

    #[test]
    fn huge_long_names_and_pax_headers_are_refused_at_their_header() {
        for (kind, size, want) in [
            (
                tar::EntryType::GNULongName,
                MAX_LONG_NAME + 1,
                "GNU long name",
            ),
            (tar::EntryType::GNULongLink, 1 << 30, "GNU long link"),
            (tar::EntryType::XHeader, MAX_PAX + 1, "PAX header"),
        ] {
            // Only the header: the bound fires before any data is read.
            let e = read_all(&raw_header(kind, size)).unwrap_err();
            let b = exceeded(&e).unwrap_or_else(|| panic!("{e}"));
            assert!(b.0.contains(want), "{b}");
        }
    }

    #[test]
    fn pax_headers_of_too_many_records_are_refused() {
        let recs: Vec<(String, Vec<u8>)> = (0..=MAX_PAX_RECORDS)
            .map(|i| (format!("k{i}"), b"v".to_vec()))
            .collect();
        let mut b = tar::Builder::new(Vec::new());
        b.append_pax_extensions(recs.iter().map(|(k, v)| (k.as_str(), &v[..])))
            .unwrap();
        file(&mut b, "f", b"x");
        let e = read_all(&b.into_inner().unwrap()).unwrap_err();
        assert!(exceeded(&e).is_some(), "{e}");
    }

    #[test]
    fn endless_sparse_extensions_are_refused() {
        let mut h = tar::Header::new_gnu();
        h.set_path("s").unwrap();
        h.set_entry_type(tar::EntryType::GNUSparse);
        h.set_size(0);
        h.as_gnu_mut().unwrap().isextended[0] = 1;
        h.set_cksum();
        let mut tar = h.as_bytes().to_vec();
        let mut ext = tar::GnuExtSparseHeader::new();
        ext.isextended[0] = 1;
        for _ in 0..=MAX_SPARSE_HEADERS {
            tar.extend_from_slice(ext.as_bytes());
        }
        let e = read_all(&tar).unwrap_err();
        assert!(exceeded(&e).is_some(), "{e}");
    }
}
