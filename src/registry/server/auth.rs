//! htpasswd (bcrypt) basic authentication for the registry.

use std::collections::HashMap;
use std::path::Path;

use axum::http::HeaderMap;
use base64::Engine;

use crate::error::{Error, Result};

/// Users and their bcrypt hashes.
#[derive(Debug, Clone)]
pub struct Htpasswd(HashMap<String, String>);

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
            if !h.starts_with("$2") {
                return Err(Error::Invalid(format!(
                    "{}:{}: only bcrypt hashes are supported (htpasswd -B)",
                    path.display(),
                    i + 1
                )));
            }
            users.insert(u.to_string(), h.to_string());
        }
        Ok(Htpasswd(users))
    }

    /// True when the request carries valid basic credentials.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(v) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let Some(b64) = v
            .strip_prefix("Basic ")
            .or_else(|| v.strip_prefix("basic "))
        else {
            return false;
        };
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
            return false;
        };
        let Ok(text) = String::from_utf8(raw) else {
            return false;
        };
        let Some((u, p)) = text.split_once(':') else {
            return false;
        };
        self.0
            .get(u)
            .is_some_and(|h| bcrypt::verify(p, h).unwrap_or(false))
    }
}
