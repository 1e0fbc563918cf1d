//! htpasswd (bcrypt) basic authentication for the registry. bcrypt is slow
//! on purpose, so it runs on the blocking pool, a few at a time; a
//! successful check is remembered for a while (keyed by a hash of the user
//! and password, never the password itself), and failures are rate limited
//! per client address, whose verifications take turns. An unknown user is checked against a dummy hash of
//! the same cost, so it takes as long as a wrong password and gets the same
//! answer.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use base64::Engine;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// bcrypt verifications running at once.
const VERIFIERS: usize = 2;
/// How long a verified user and password are remembered.
const CACHE_TTL: Duration = Duration::from_secs(300);
/// Remembered verifications at most.
const CACHE_MAX: usize = 1024;
/// Failed logins a client may make at once...
const FAILURE_BURST: f64 = 5.0;
/// ...and then one per this many seconds.
const FAILURE_INTERVAL: f64 = 2.0;
/// Client addresses whose failures are tracked at most.
const CLIENTS_MAX: usize = 4096;

/// What a request's credentials are worth.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    Denied,
    /// Too many failures from this client: retry after this long.
    Limited(Duration),
}

/// A token bucket of allowed failures.
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn refill(&mut self, now: Instant) {
        let gained = (now - self.at).as_secs_f64() / FAILURE_INTERVAL;
        self.tokens = (self.tokens + gained).min(FAILURE_BURST);
        self.at = now;
    }
}

/// Users and their bcrypt hashes, and the state that keeps checking them
/// cheap for the right password and slow for guessing.
pub struct Htpasswd {
    users: HashMap<String, String>,
    dummy: String,
    verifiers: Arc<Semaphore>,
    verified: Mutex<HashMap<[u8; 32], Instant>>,
    failures: Mutex<HashMap<IpAddr, Bucket>>,
    /// Per client, the lock its verifications take turns on.
    turns: Mutex<HashMap<IpAddr, Arc<tokio::sync::Mutex<()>>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The cost of a `$2y$NN$...` hash.
fn cost(hash: &str) -> Option<u32> {
    hash.split('$').nth(2)?.parse().ok()
}

/// Failures are counted per address, and per /64 for IPv6 (one host
/// usually has a whole /64).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let mut o = v6.octets();
            o[8..].fill(0);
            IpAddr::V6(o.into())
        }
        v4 => v4,
    }
}

/// (user, password) of a `Basic` authorization header.
fn credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let b64 = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}

impl Htpasswd {
    /// Reads `user:$2y$...` lines; other hash kinds are refused.
    pub fn load(path: &Path) -> Result<Htpasswd> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let mut users = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (u, h) = line.split_once(':').ok_or_else(|| {
                Error::Invalid(format!("{}:{}: expected user:hash", path.display(), i + 1))
            })?;
            if !h.starts_with("$2") || cost(h).is_none() {
                return Err(Error::Invalid(format!(
                    "{}:{}: only bcrypt hashes are supported (htpasswd -B)",
                    path.display(),
                    i + 1
                )));
            }
            users.insert(u.to_string(), h.to_string());
        }
        let cost = users
            .values()
            .filter_map(|h| cost(h))
            .max()
            .unwrap_or(bcrypt::DEFAULT_COST);
        let dummy = bcrypt::hash(hex::encode(rand::random::<[u8; 16]>()), cost)
            .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        Ok(Htpasswd {
            users,
            dummy,
            verifiers: Arc::new(Semaphore::new(VERIFIERS)),
            verified: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            turns: Mutex::new(HashMap::new()),
        })
    }

    /// Checks the request's basic credentials, from `client`.
    pub async fn check(&self, headers: &HeaderMap, client: IpAddr) -> Verdict {
        let Some((user, pass)) = credentials(headers) else {
            return Verdict::Denied;
        };
        let key: [u8; 32] = Sha256::new()
            .chain_update(user.as_bytes())
            .chain_update([0])
            .chain_update(pass.as_bytes())
            .finalize()
            .into();
        if self.cached(&key) {
            return Verdict::Allowed;
        }
        let client = client_key(client);
        if let Some(wait) = self.limited(client) {
            return Verdict::Limited(wait);
        }
        // One verification at a time per client: a guesser queues behind
        // itself, not in front of everyone, and parallel requests of a
        // client that logs in find the first one's result in the cache.
        let turn = self.turn(client);
        let guard = turn.lock().await;
        let verdict = if self.cached(&key) {
            Verdict::Allowed
        } else if let Some(wait) = self.limited(client) {
            Verdict::Limited(wait)
        } else {
            self.verify(&user, pass, key, client).await
        };
        drop(guard);
        let mut turns = lock(&self.turns);
        if turns
            .get(&client)
            .is_some_and(|t| Arc::strong_count(t) <= 2)
        {
            turns.remove(&client);
        }
        verdict
    }

    fn cached(&self, key: &[u8; 32]) -> bool {
        lock(&self.verified)
            .get(key)
            .is_some_and(|t| t.elapsed() < CACHE_TTL)
    }

    /// The lock that orders `client`'s verifications.
    fn turn(&self, client: IpAddr) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = lock(&self.turns);
        if turns.len() >= CLIENTS_MAX {
            // Entries left by requests cancelled while they waited.
            turns.retain(|_, t| Arc::strong_count(t) > 1);
        }
        turns.entry(client).or_default().clone()
    }

    /// bcrypt on the blocking pool, at most `VERIFIERS` at once.
    async fn verify(&self, user: &str, pass: String, key: [u8; 32], client: IpAddr) -> Verdict {
        let known = self.users.get(user);
        let hash = known.unwrap_or(&self.dummy).clone();
        let Ok(permit) = self.verifiers.clone().acquire_owned().await else {
            return Verdict::Denied;
        };
        let ok = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            bcrypt::verify(pass, &hash).unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        if ok && known.is_some() {
            self.remember(key);
            Verdict::Allowed
        } else {
            self.failed(client);
            Verdict::Denied
        }
    }

    /// How long `client` must wait before its next try, if it must.
    fn limited(&self, client: IpAddr) -> Option<Duration> {
        let mut f = lock(&self.failures);
        let b = f.get_mut(&client)?;
        b.refill(Instant::now());
        (b.tokens < 1.0).then(|| Duration::from_secs_f64((1.0 - b.tokens) * FAILURE_INTERVAL))
    }

    fn failed(&self, client: IpAddr) {
        let now = Instant::now();
        let mut f = lock(&self.failures);
        if f.len() >= CLIENTS_MAX && !f.contains_key(&client) {
            // Forget the clients that have nothing left to pay back.
            f.retain(|_, b| {
                b.refill(now);
                b.tokens < FAILURE_BURST
            });
        }
        let b = f.entry(client).or_insert(Bucket {
            tokens: FAILURE_BURST,
            at: now,
        });
        b.refill(now);
        b.tokens = (b.tokens - 1.0).max(0.0);
    }

    fn remember(&self, key: [u8; 32]) {
        let mut v = lock(&self.verified);
        if v.len() >= CACHE_MAX {
            v.retain(|_, t| t.elapsed() < CACHE_TTL);
            if v.len() >= CACHE_MAX {
                v.clear();
            }
        }
        v.insert(key, Instant::now());
    }
}
