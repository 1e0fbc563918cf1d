//! The model as YAML, for `compose config`: block style, two-space indent,
//! strings plain where YAML reads them back as the same string and
//! double-quoted (JSON escapes, which YAML shares) where not.

use super::yaml::{Node, Value};

/// The model as `compose config` prints it, YAML or (`json`) JSON: as
/// Compose does, every `$` in a value is written `$$`, so the output loads
/// back as the same model.
pub fn config(model: &Node, json: bool) -> String {
    let escaped = escape_dollars(model);
    if json {
        let mut text = serde_json::to_string_pretty(&escaped.to_json()).unwrap_or_default();
        text.push('\n');
        text
    } else {
        to_yaml(&escaped)
    }
}

/// `v` with `$` doubled in every string value (keys are never
/// interpolated, so they stay).
fn escape_dollars(v: &Node) -> Node {
    let value = match &v.value {
        Value::String(s) => Value::String(s.replace('$', "$$")),
        Value::Seq(items) => Value::Seq(items.iter().map(escape_dollars).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, val)| (k.clone(), escape_dollars(val)))
                .collect(),
        ),
        other => other.clone(),
    };
    Node { value, ..v.clone() }
}

/// Renders `v` as a YAML document, keys in the model's order.
pub fn to_yaml(v: &Node) -> String {
    let mut out = String::new();
    block(v, 0, &mut out);
    out
}

fn block(v: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match &v.value {
        Value::Map(m) if !m.is_empty() => {
            for (k, val) in m {
                out.push_str(&pad);
                out.push_str(&scalar_str(k));
                out.push(':');
                value_after_key(val, indent, out);
            }
        }
        Value::Seq(a) if !a.is_empty() => {
            for item in a {
                out.push_str(&pad);
                out.push('-');
                match &item.value {
                    Value::Map(m) if !m.is_empty() => {
                        // The first key on the dash's line, the rest below.
                        let mut first = true;
                        for (k, val) in m {
                            if first {
                                out.push(' ');
                                first = false;
                            } else {
                                out.push_str(&pad);
                                out.push_str("  ");
                            }
                            out.push_str(&scalar_str(k));
                            out.push(':');
                            value_after_key(val, indent + 2, out);
                        }
                    }
                    Value::Seq(inner) if !inner.is_empty() => {
                        out.push('\n');
                        block(item, indent + 2, out);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&inline(item));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&inline(v));
            out.push('\n');
        }
    }
}

fn value_after_key(val: &Node, indent: usize, out: &mut String) {
    match &val.value {
        Value::Map(m) if !m.is_empty() => {
            out.push('\n');
            block(val, indent + 2, out);
        }
        Value::Seq(a) if !a.is_empty() => {
            out.push('\n');
            block(val, indent + 2, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&inline(val));
            out.push('\n');
        }
    }
}

fn inline(v: &Node) -> String {
    match &v.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_nan() => ".nan".into(),
        Value::Float(f) if f.is_infinite() => {
            if *f > 0.0 {
                ".inf".into()
            } else {
                "-.inf".into()
            }
        }
        Value::Float(f) if f.fract() == 0.0 => format!("{f:.1}"),
        Value::Float(f) => f.to_string(),
        Value::String(s) => scalar_str(s),
        Value::Seq(_) => "[]".into(),
        Value::Map(_) => "{}".into(),
    }
}

/// A string as a YAML scalar that reads back as the same string.
fn scalar_str(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let lower = s.to_ascii_lowercase();
    let reserved = matches!(
        lower.as_str(),
        "null"
            | "~"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".inf"
            | "-.inf"
            | "+.inf"
            | ".nan"
    );
    let numeric = s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || s.starts_with("0o")
        || s.chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '_' || c == '.');
    !reserved
        && !numeric
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !first.is_whitespace()
        && !s.ends_with(char::is_whitespace)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml;

    #[test]
    fn round_trips() {
        let v = serde_json::json!({
            "name": "demo",
            "services": {
                "web": {
                    "image": "nginx:1.25",
                    "command": ["sh", "-c", "echo hi: there # not a comment"],
                    "environment": {"A": "1", "B": "yes", "C": "", "D": "multi\nline", "E": null},
                    "ports": ["80:80", "8080"],
                    "healthcheck": {"retries": 3, "disable": false},
                    "volumes": [{"type": "bind", "source": "/h", "target": "/c"}],
                    "empty": {}, "none": []
                }
            }
        });
        let text = to_yaml(&Node::from_json(&v));
        assert!(text.contains("    image: nginx:1.25\n"), "{text}");
        assert!(
            text.contains("      - source: /h\n        target: /c\n"),
            "{text}"
        );
        let ordered = yaml::parse("name: x\nservices:\n  b: {image: z, command: [a]}\n").unwrap();
        assert_eq!(
            to_yaml(&ordered),
            "name: x\nservices:\n  b:\n    image: z\n    command:\n      - a\n"
        );
        let back = yaml::parse(&text).unwrap().to_json();
        assert_eq!(back, v, "{text}");
    }

    #[test]
    fn config_writes_dollars_as_compose_reads_them() {
        let model =
            yaml::parse("services:\n  a:\n    command: echo $HOME\n    labels: {$k: x}\n").unwrap();
        assert_eq!(
            config(&model, false),
            "services:\n  a:\n    command: echo $$HOME\n    labels:\n      $k: x\n"
        );
        assert!(config(&model, true).contains("\"echo $$HOME\""));
    }
}
