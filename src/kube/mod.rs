//! Kubernetes manifests from what tug runs: `kube generate` writes running
//! (or created) containers as a Pod or Deployment (`generate`); Compose
//! projects convert through `compose::kube`. Both name objects as
//! Kubernetes requires (`object_name`).

pub mod generate;

use serde_json::Value as J;

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
