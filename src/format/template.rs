//! A Go text/template subset, enough for Docker's `--format` strings.
//! (Placeholder engine: `{{.A.B}}` and `{{json .X}}` only; to be completed.)

use serde_json::Value;

use crate::error::{Error, Result};

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    source: String,
}

impl Template {
    pub fn parse(source: &str) -> Result<Template> {
        Ok(Template {
            source: source.to_string(),
        })
    }

    pub fn render(&self, v: &Value) -> Result<String> {
        let mut out = String::new();
        let mut rest = self.source.as_str();
        while let Some(i) = rest.find("{{") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let j = after.find("}}").ok_or_else(|| {
                Error::Invalid(format!("template: unclosed action in {:?}", self.source))
            })?;
            let action = after[..j].trim();
            let (json, path) = match action.strip_prefix("json ") {
                Some(p) => (true, p.trim()),
                None => (false, action),
            };
            let mut cur = v;
            for part in path
                .trim_start_matches('.')
                .split('.')
                .filter(|p| !p.is_empty())
            {
                cur = cur.get(part).unwrap_or(&Value::Null);
            }
            if json {
                out.push_str(&cur.to_string());
            } else {
                match cur {
                    Value::String(s) => out.push_str(s),
                    Value::Null => out.push_str("<no value>"),
                    other => out.push_str(&other.to_string()),
                }
            }
            rest = &after[j + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Renders `source` against `v`.
pub fn render(source: &str, v: &Value) -> Result<String> {
    Template::parse(source)?.render(v)
}
