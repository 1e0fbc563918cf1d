//! The append-only event log (`<root>/events.log`, one JSON object per
//! line, Docker's event shape): create, start, die, stop, kill, destroy,
//! pause, unpause, rename, health_status. Lines are appended with
//! O_APPEND in one write each, so concurrent commands never interleave.
//! `events` reads it back and follows it.

use std::io::Write;
use std::path::PathBuf;

use chrono::Utc;
use serde_json::{json, Value};

use crate::container::Record;
use crate::store::Store;

pub fn path(store: &Store) -> PathBuf {
    store.root().join("events.log")
}

/// Records `action` for container `r` (best effort: events never fail a command).
pub fn emit(store: &Store, r: &Record, action: &str, extra: &[(&str, String)]) {
    let now = Utc::now();
    let mut attrs = json!({"name": r.name, "image": r.image});
    for (k, v) in extra {
        attrs[*k] = json!(v);
    }
    let ev = json!({
        "status": action,
        "id": r.id,
        "from": r.image,
        "Type": "container",
        "Action": action,
        "Actor": {"ID": r.id, "Attributes": attrs},
        "scope": "local",
        "time": now.timestamp(),
        "timeNano": now.timestamp_nanos_opt().unwrap_or(0),
    });
    let Ok(mut line) = serde_json::to_vec(&ev) else {
        return;
    };
    line.push(b'\n');
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path(store))
    {
        let _ = f.write_all(&line);
    }
}

/// Events from byte `offset`: the whole lines and the new offset.
pub fn read_from(store: &Store, offset: u64) -> (Vec<Value>, u64) {
    let Ok(data) = std::fs::read(path(store)) else {
        return (Vec::new(), offset);
    };
    let start = (offset as usize).min(data.len());
    let mut out = Vec::new();
    let mut pos = start;
    for line in data[start..].split_inclusive(|b| *b == b'\n') {
        if !line.ends_with(b"\n") {
            break;
        }
        pos += line.len();
        if let Ok(v) = serde_json::from_slice(line) {
            out.push(v);
        }
    }
    (out, pos as u64)
}
