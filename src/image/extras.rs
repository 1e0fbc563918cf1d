//! Docker's config fields that the OCI image config type drops:
//! `Healthcheck`, `OnBuild` and `Shell`. The builder merges them into the
//! stored config JSON (see `write::write_image`); `inspect`, `run` and a
//! child build read them back from the raw config blob through [`Extras`].

use serde::{Deserialize, Serialize};

use crate::store::Store;

/// Docker's `Healthcheck`: the test and its timings in nanoseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", args...]` or `["CMD-SHELL", command]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub interval: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub timeout: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_period: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub start_interval: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: i64,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// The three fields, as they sit in a config's `config` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extras {
    #[serde(
        rename = "Healthcheck",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub healthcheck: Option<Healthcheck>,
    #[serde(rename = "OnBuild", default, skip_serializing_if = "Option::is_none")]
    pub on_build: Option<Vec<String>>,
    #[serde(rename = "Shell", default, skip_serializing_if = "Option::is_none")]
    pub shell: Option<Vec<String>>,
}

impl Extras {
    /// Reads them from the config blob `config_digest`; none when the
    /// blob has none (or cannot be read: the image loads without them).
    pub fn of(store: &Store, config_digest: &crate::store::Digest) -> Extras {
        store
            .read_json::<serde_json::Value>(config_digest)
            .ok()
            .and_then(|v| v.get("config").cloned())
            .and_then(|c| serde_json::from_value(c).ok())
            .unwrap_or_default()
    }

    /// As JSON fields to merge into a config's `config` object.
    pub fn to_map(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => Default::default(),
        }
    }

    /// The healthcheck a container of this image runs, unless the test is
    /// `NONE` (or missing). Docker's defaults: 30s interval and timeout,
    /// 3 retries.
    pub fn health_config(&self) -> Option<crate::container::health::HealthConfig> {
        let h = self.healthcheck.as_ref()?;
        let command = match h.test.split_first()? {
            (kind, rest) if kind == "CMD-SHELL" => rest.join(" "),
            (kind, rest) if kind == "CMD" && !rest.is_empty() => shell_join(rest),
            _ => return None,
        };
        let dur = |ns: i64, default: u64| {
            if ns > 0 {
                std::time::Duration::from_nanos(ns as u64)
            } else {
                std::time::Duration::from_secs(default)
            }
        };
        Some(crate::container::health::HealthConfig {
            command,
            interval: dur(h.interval, 30),
            timeout: dur(h.timeout, 30),
            start_period: dur(h.start_period, 0),
            retries: if h.retries > 0 { h.retries as u32 } else { 3 },
        })
    }
}

/// Words quoted for `sh -c` (the health checker runs a shell command).
pub fn shell_join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
            {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_forms() {
        let mut e = Extras {
            healthcheck: Some(Healthcheck {
                test: vec!["CMD".into(), "cat".into(), "/a b".into()],
                interval: 1_000_000_000,
                ..Default::default()
            }),
            ..Default::default()
        };
        let h = e.health_config().unwrap();
        assert_eq!(h.command, "cat '/a b'");
        assert_eq!(h.interval.as_secs(), 1);
        assert_eq!(h.retries, 3);
        e.healthcheck.as_mut().unwrap().test = vec!["NONE".into()];
        assert!(e.health_config().is_none());
        let m = Extras {
            shell: Some(vec!["/bin/sh".into(), "-c".into()]),
            ..Default::default()
        }
        .to_map();
        assert_eq!(m.len(), 1);
        assert!(m.contains_key("Shell"));
    }
}
