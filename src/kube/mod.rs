//! Kubernetes manifests from what tug runs: `kube generate` writes running
//! (or created) containers as a Pod or Deployment (`generate`); Compose
//! projects convert through `compose::kube`. Both name objects as
//! Kubernetes requires (`object_name`).

pub mod generate;

use serde_json::{json, Map, Value as J};

/// A field that could not be converted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconverted {
    /// Where it was set: a model path as `compose config` errors name it
    /// (`services.web.volumes[1]`), or `CONTAINER.FIELD`.
    pub path: String,
    pub why: String,
}

impl std::fmt::Display for Unconverted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.why)
    }
}

/// The manifests, in the order `kubectl apply` wants them (storage and
/// configuration, then Services, then workloads), and what was left out.
#[derive(Debug, Default)]
pub struct Manifests {
    pub documents: Vec<J>,
    pub unconverted: Vec<Unconverted>,
}

impl Manifests {
    /// The documents as one multi-document YAML stream.
    pub fn to_yaml(&self) -> String {
        use crate::compose::{emit, yaml::Node};
        self.documents
            .iter()
            .map(|d| format!("---\n{}", emit::to_yaml(&Node::from_json(d))))
            .collect()
    }

    pub(crate) fn skip(&mut self, path: impl Into<String>, why: impl Into<String>) {
        self.unconverted.push(Unconverted {
            path: path.into(),
            why: why.into(),
        });
    }
}

/// A name Kubernetes accepts for an object (an RFC 1123 label: lowercase
/// letters, digits and `-`, at most 63, starting and ending alphanumeric).
pub fn object_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9') => c,
            _ => '-',
        })
        .collect();
    out.truncate(63);
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

/// What a container's security settings say, as a Kubernetes container
/// `securityContext`.
pub(crate) struct Security<'a> {
    pub user: Option<&'a str>,
    pub privileged: bool,
    pub read_only: bool,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
}

impl Security<'_> {
    /// The securityContext; a user given by name (Kubernetes takes only
    /// numbers) is reported at `path`.
    pub(crate) fn context(&self, path: &str, out: &mut Manifests) -> Map<String, J> {
        let mut sc = Map::new();
        if let Some(user) = self.user {
            let (u, g) = user.split_once(':').unwrap_or((user, ""));
            match u.parse::<i64>() {
                Ok(uid) => {
                    sc.insert("runAsUser".into(), json!(uid));
                    if let Ok(gid) = g.parse::<i64>() {
                        sc.insert("runAsGroup".into(), json!(gid));
                    }
                }
                Err(_) => out.skip(
                    format!("{path}.user"),
                    "Kubernetes takes a numeric user id, not a name",
                ),
            }
        }
        if self.privileged {
            sc.insert("privileged".into(), json!(true));
        }
        if self.read_only {
            sc.insert("readOnlyRootFilesystem".into(), json!(true));
        }
        let caps = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|c| c.trim_start_matches("CAP_").to_ascii_uppercase())
                .collect()
        };
        let mut c = Map::new();
        for (key, list) in [("add", caps(&self.cap_add)), ("drop", caps(&self.cap_drop))] {
            if !list.is_empty() {
                c.insert(key.into(), json!(list));
            }
        }
        if !c.is_empty() {
            sc.insert("capabilities".into(), J::Object(c));
        }
        sc
    }
}
