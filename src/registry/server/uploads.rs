//! Upload sessions: the files under `registry/uploads/<uuid>` and a table of
//! who opened each, for which repository, and when it last moved. Sessions
//! are bounded in total and per client address, and in the bytes each may
//! hold (a session found past it at its next request, or by the sweeper,
//! is dropped with its data), and a sweeper removes those idle past the
//! expiry (with their data). The table is this process's: a
//! session file it does not know (left by an earlier run) is unknown to
//! clients and is removed once it is older than the expiry.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::ApiError;

/// The most bytes one session may hold by default (tug's bound on what a
/// layer may decompress to).
pub const MAX_SESSION_BYTES: u64 = 64 << 30;

/// Bounds on open sessions.
#[derive(Debug, Clone)]
pub struct UploadLimits {
    pub max_total: usize,
    pub max_per_client: usize,
    /// A session untouched this long is removed.
    pub expiry: Duration,
}

struct Session {
    repo: String,
    client: IpAddr,
    touched: Instant,
    /// Requests working on it now; such a session never expires.
    busy: u32,
}

pub struct Uploads {
    dir: PathBuf,
    limits: UploadLimits,
    max_bytes: u64,
    table: Mutex<HashMap<String, Session>>,
}

/// A request working on a session: keeps it from expiring, and marks it
/// touched when done.
pub struct SessionUse<'a> {
    uploads: &'a Uploads,
    pub id: String,
    pub path: PathBuf,
}

impl SessionUse<'_> {
    /// How many more bytes the session may take when it holds `size`.
    pub fn room(&self, size: u64) -> u64 {
        self.uploads.max_bytes.saturating_sub(size)
    }
}

impl Drop for SessionUse<'_> {
    fn drop(&mut self) {
        if let Some(s) = self.uploads.table().get_mut(&self.id) {
            s.busy = s.busy.saturating_sub(1);
            s.touched = Instant::now();
        }
    }
}

fn unknown() -> ApiError {
    ApiError::new("BLOB_UPLOAD_UNKNOWN", "no such upload")
}

pub(super) fn too_large(id: &str, size: u64, max: u64) -> ApiError {
    ApiError::new(
        "SIZE_INVALID",
        format!(
            "upload {id} holds {size} bytes, more than the {max} one upload may; \
             the upload is cancelled"
        ),
    )
}

fn file_size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn too_many(what: String) -> ApiError {
    ApiError::new("TOOMANYREQUESTS", what)
}

fn new_id() -> String {
    let h = hex::encode(rand::random::<[u8; 16]>());
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

impl Uploads {
    pub fn new(dir: PathBuf, limits: UploadLimits) -> Uploads {
        Uploads {
            dir,
            limits,
            max_bytes: MAX_SESSION_BYTES,
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Bounds each session to `max` bytes instead of `MAX_SESSION_BYTES`.
    #[cfg(test)]
    pub fn with_max_session_bytes(mut self, max: u64) -> Uploads {
        self.max_bytes = max;
        self
    }

    /// The most bytes one upload may hold.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens a session for `repo`, unless the client or the server is at
    /// its bound (TOOMANYREQUESTS).
    pub fn open(&self, repo: &str, client: IpAddr) -> Result<SessionUse<'_>, ApiError> {
        let id = new_id();
        let path = self.dir.join(&id);
        {
            let mut t = self.table();
            if t.len() >= self.limits.max_total {
                return Err(too_many(format!(
                    "{} upload sessions are open, the most this registry allows; finish or cancel one, or retry later",
                    t.len()
                )));
            }
            let mine = t.values().filter(|s| s.client == client).count();
            if mine >= self.limits.max_per_client {
                return Err(too_many(format!(
                    "{client} has {mine} upload sessions open, the most one client may; finish or cancel one"
                )));
            }
            t.insert(
                id.clone(),
                Session {
                    repo: repo.to_string(),
                    client,
                    touched: Instant::now(),
                    busy: 1,
                },
            );
        }
        if let Err(e) = std::fs::File::create(&path) {
            self.table().remove(&id);
            return Err(ApiError::internal(e));
        }
        Ok(SessionUse {
            uploads: self,
            id,
            path,
        })
    }

    /// Takes up session `id` of `repo` for one request. A session that
    /// holds more than its bound is closed instead (SIZE_INVALID).
    pub fn enter(&self, repo: &str, id: &str) -> Result<SessionUse<'_>, ApiError> {
        let size = file_size(&self.dir.join(id));
        let mut t = self.table();
        if size > self.max_bytes && t.get(id).is_some_and(|s| s.repo == repo && s.busy == 0) {
            t.remove(id);
            drop(t);
            let _ = std::fs::remove_file(self.dir.join(id));
            return Err(too_large(id, size, self.max_bytes));
        }
        let s = t
            .get_mut(id)
            .filter(|s| s.repo == repo)
            .ok_or_else(unknown)?;
        s.busy += 1;
        s.touched = Instant::now();
        Ok(SessionUse {
            uploads: self,
            id: id.to_string(),
            path: self.dir.join(id),
        })
    }

    /// Ends a session (finished, cancelled or failed) and removes its data.
    pub fn close(&self, id: &str) -> bool {
        let known = self.table().remove(id).is_some();
        known && std::fs::remove_file(self.dir.join(id)).is_ok()
    }

    /// Removes sessions idle past the expiry, and session files this
    /// process does not know that are older than it. Returns how many went.
    pub fn expire(&self) -> usize {
        let now = Instant::now();
        let stale: Vec<String> = {
            let mut t = self.table();
            let stale: Vec<String> = t
                .iter()
                .filter(|(id, s)| {
                    s.busy == 0
                        && (now - s.touched > self.limits.expiry
                            || file_size(&self.dir.join(id)) > self.max_bytes)
                })
                .map(|(id, _)| id.clone())
                .collect();
            for id in &stale {
                t.remove(id);
            }
            stale
        };
        for id in &stale {
            let _ = std::fs::remove_file(self.dir.join(id));
        }
        let known: HashSet<String> = self.table().keys().cloned().collect();
        stale.len() + remove_old_files(&self.dir, self.limits.expiry, &known)
    }

    /// Runs `expire` every so often, for as long as the runtime runs.
    pub async fn sweep(self: std::sync::Arc<Self>) {
        let every =
            (self.limits.expiry / 4).clamp(Duration::from_millis(200), Duration::from_secs(60));
        loop {
            tokio::time::sleep(every).await;
            let me = self.clone();
            let _ = tokio::task::spawn_blocking(move || me.expire()).await;
        }
    }
}

/// Removes files in `dir` not named in `keep` whose mtime is older than `age`.
fn remove_old_files(dir: &Path, age: Duration, keep: &HashSet<String>) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if keep.contains(e.file_name().to_string_lossy().as_ref()) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|a| a > age);
        if old && std::fs::remove_file(e.path()).is_ok() {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uploads(dir: &Path) -> Uploads {
        let limits = UploadLimits {
            max_total: 10,
            max_per_client: 2,
            expiry: Duration::from_secs(3600),
        };
        Uploads::new(dir.to_path_buf(), limits).with_max_session_bytes(10)
    }

    #[test]
    fn a_session_is_bounded_in_bytes() {
        let d = tempfile::tempdir().unwrap();
        let u = uploads(d.path());
        let client: IpAddr = "127.0.0.1".parse().unwrap();
        let s = u.open("r", client).unwrap();
        std::fs::write(&s.path, b"1234567890").unwrap();
        let (id, path) = (s.id.clone(), s.path.clone());
        drop(s);
        // At its bound it goes on.
        drop(u.enter("r", &id).unwrap());
        // Past it, the next request finds it closed, its data gone.
        std::fs::write(&path, b"12345678901").unwrap();
        let e = u.enter("r", &id).err().unwrap();
        assert_eq!(e.code, "SIZE_INVALID");
        assert!(
            e.message.contains("11 bytes, more than the 10"),
            "{}",
            e.message
        );
        assert!(!path.exists());
        assert_eq!(u.enter("r", &id).err().unwrap().code, "BLOB_UPLOAD_UNKNOWN");
        // The sweeper drops an idle session past its bound too.
        let s = u.open("r", client).unwrap();
        std::fs::write(&s.path, vec![0u8; 11]).unwrap();
        let p = s.path.clone();
        drop(s);
        assert_eq!(u.expire(), 1);
        assert!(!p.exists());
    }

    #[test]
    fn sessions_are_bounded_per_client() {
        let d = tempfile::tempdir().unwrap();
        let u = uploads(d.path());
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        let _s1 = u.open("r", a).unwrap();
        let _s2 = u.open("r", a).unwrap();
        let e = u.open("r", a).err().unwrap();
        assert_eq!(e.code, "TOOMANYREQUESTS");
        assert!(u.open("r", b).is_ok());
    }
}
