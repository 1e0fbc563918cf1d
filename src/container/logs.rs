//! Container logs in Docker's json-file format: one JSON object per line,
//! `{"log":"text\n","stream":"stdout","time":"2026-01-01T00:00:00.000000000Z"}`,
//! in `containers/<id>/<id>-json.log`, written by the monitor and read by
//! `logs` (also after the container exited).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::error::{IoContext, Result};
use crate::store::Store;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub log: String,
    pub stream: String,
    pub time: DateTime<Utc>,
}

pub fn path(store: &Store, id: &str) -> PathBuf {
    crate::container::dir(store, id).join(format!("{id}-json.log"))
}

/// Appends lines of a stream to the log, keeping partial lines until their
/// end arrives (or the stream closes).
pub struct Writer {
    file: File,
    path: PathBuf,
    written: u64,
    max_size: Option<u64>,
    max_file: u32,
    pending: [Vec<u8>; 2],
}

/// The n-th rotated log (`<id>-json.log.<n>`).
pub fn rotated(p: &Path, n: u32) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

impl Writer {
    /// Opens the log for appending, rotating past `max_size` bytes and
    /// keeping `max_file` files in all (Docker's json-file max-size/max-file).
    pub fn open(p: &Path, max_size: Option<u64>, max_file: Option<u32>) -> Result<Writer> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .at(p)?;
        let written = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Writer {
            file,
            path: p.to_path_buf(),
            written,
            max_size,
            max_file: max_file.unwrap_or(1).max(1),
            pending: [Vec::new(), Vec::new()],
        })
    }

    fn rotate(&mut self) {
        if self.max_file > 1 {
            for n in (1..self.max_file).rev() {
                let from = if n == 1 {
                    self.path.clone()
                } else {
                    rotated(&self.path, n - 1)
                };
                let _ = std::fs::rename(&from, rotated(&self.path, n));
            }
        } else {
            let _ = std::fs::remove_file(&self.path);
        }
        if let Ok(f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
        {
            self.file = f;
            self.written = 0;
        }
    }

    fn emit(&mut self, stream: usize, line: &[u8]) {
        let e = Entry {
            log: String::from_utf8_lossy(line).into_owned(),
            stream: if stream == 0 { "stdout" } else { "stderr" }.into(),
            time: Utc::now(),
        };
        if let Ok(mut j) = serde_json::to_vec(&e) {
            j.push(b'\n');
            if self
                .max_size
                .is_some_and(|m| self.written > 0 && self.written + j.len() as u64 > m)
            {
                self.rotate();
            }
            if self.file.write_all(&j).is_ok() {
                self.written += j.len() as u64;
            }
        }
    }

    /// Takes bytes read from stream 0 (stdout) or 1 (stderr).
    pub fn feed(&mut self, stream: usize, data: &[u8]) {
        self.pending[stream].extend_from_slice(data);
        while let Some(i) = self.pending[stream].iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.pending[stream].drain(..=i).collect();
            self.emit(stream, &line);
        }
        if self.pending[stream].len() > 16 * 1024 {
            let line = std::mem::take(&mut self.pending[stream]);
            self.emit(stream, &line);
        }
    }

    /// Writes what is left of a stream that closed.
    pub fn flush_stream(&mut self, stream: usize) {
        if !self.pending[stream].is_empty() {
            let line = std::mem::take(&mut self.pending[stream]);
            self.emit(stream, &line);
        }
    }
}

/// Reads entries from byte `offset`; returns them and the new offset (only
/// whole lines are consumed).
pub fn read_from(p: &Path, offset: u64) -> Result<(Vec<Entry>, u64)> {
    use std::io::{Seek, SeekFrom};
    let mut f = match File::open(p) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), offset)),
        Err(e) => return Err(crate::Error::io(p, e)),
    };
    // A rotated log starts again from the beginning.
    let offset = if f.metadata().map(|m| m.len()).unwrap_or(0) < offset {
        0
    } else {
        offset
    };
    f.seek(SeekFrom::Start(offset)).at(p)?;
    let mut r = BufReader::new(f);
    let mut out = Vec::new();
    let mut pos = offset;
    let mut line = String::new();
    loop {
        line.clear();
        let n = r.read_line(&mut line).at(p)?;
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        pos += n as u64;
        if let Ok(e) = serde_json::from_str::<Entry>(&line) {
            out.push(e);
        }
    }
    Ok((out, pos))
}

/// Every entry: rotated files oldest first, then the current one. Returns
/// the entries and the offset reached in the current file.
pub fn read_all(p: &Path) -> Result<(Vec<Entry>, u64)> {
    let mut out = Vec::new();
    let mut n = 1;
    while rotated(p, n).exists() {
        n += 1;
    }
    for i in (1..n).rev() {
        out.extend(read_from(&rotated(p, i), 0)?.0);
    }
    let (cur, off) = read_from(p, 0)?;
    out.extend(cur);
    Ok((out, off))
}
