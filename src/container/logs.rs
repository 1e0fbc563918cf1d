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
    pending: [Vec<u8>; 2],
}

impl Writer {
    pub fn open(p: &Path) -> Result<Writer> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .at(p)?;
        Ok(Writer {
            file,
            pending: [Vec::new(), Vec::new()],
        })
    }

    fn emit(&mut self, stream: usize, line: &[u8]) {
        let e = Entry {
            log: String::from_utf8_lossy(line).into_owned(),
            stream: if stream == 0 { "stdout" } else { "stderr" }.into(),
            time: Utc::now(),
        };
        if let Ok(mut j) = serde_json::to_vec(&e) {
            j.push(b'\n');
            let _ = self.file.write_all(&j);
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
