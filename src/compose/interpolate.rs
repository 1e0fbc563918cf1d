//! Compose interpolation: `$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:?err}`,
//! `${V?err}`, `${V:+x}`, `${V+x}` (words nest: `${A:-${B}}`) and `$$`
//! for a literal `$`, in every string value of the model (never in keys).

use super::yaml::{Node, Value};

/// Why a string could not be interpolated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterpolateError {
    #[error("invalid interpolation format for {path}: {text:?}")]
    Invalid { path: String, text: String },
    /// `${V:?message}` with V unset (or empty).
    #[error("required variable {name} is missing a value: {message}")]
    Required { name: String, message: String },
}

/// Interpolates every string scalar under `node`; `path` names it in errors.
pub fn node(
    n: &mut Node,
    path: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), InterpolateError> {
    match &mut n.value {
        Value::String(s) => *s = string(s, path, env)?,
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                node(item, &format!("{path}[{i}]"), env)?;
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                node(v, &p, env)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Interpolates one string.
pub fn string(
    s: &str,
    path: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, InterpolateError> {
    let chars: Vec<char> = s.chars().collect();
    let mut pos = 0;
    let out = run(&chars, &mut pos, false, env).map_err(|e| match e {
        Failure::Invalid => InterpolateError::Invalid {
            path: path.to_string(),
            text: s.to_string(),
        },
        Failure::Required(name, message) => InterpolateError::Required { name, message },
    })?;
    Ok(out)
}

enum Failure {
    Invalid,
    Required(String, String),
}

/// Reads until the end, or until the `}` closing a nested word.
fn run(
    c: &[char],
    pos: &mut usize,
    nested: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Failure> {
    let mut out = String::new();
    let mut depth = 0usize;
    while *pos < c.len() {
        let ch = c[*pos];
        if nested && ch == '}' && depth == 0 {
            return Ok(out);
        }
        *pos += 1;
        if ch != '$' {
            // Braces in a nested word that are not ours must balance.
            if nested && ch == '{' {
                depth += 1;
            } else if nested && ch == '}' {
                depth -= 1;
            }
            out.push(ch);
            continue;
        }
        match c.get(*pos) {
            Some('$') => {
                *pos += 1;
                out.push('$');
            }
            Some('{') => {
                *pos += 1;
                out.push_str(&braced(c, pos, env)?);
            }
            Some(n) if n.is_ascii_alphabetic() || *n == '_' => {
                let name = name(c, pos);
                out.push_str(&env(&name).unwrap_or_default());
            }
            _ => out.push('$'),
        }
    }
    if nested {
        return Err(Failure::Invalid);
    }
    Ok(out)
}

fn name(c: &[char], pos: &mut usize) -> String {
    let start = *pos;
    while *pos < c.len() && (c[*pos].is_ascii_alphanumeric() || c[*pos] == '_') {
        *pos += 1;
    }
    c[start..*pos].iter().collect()
}

fn braced(
    c: &[char],
    pos: &mut usize,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Failure> {
    if !c
        .get(*pos)
        .is_some_and(|n| n.is_ascii_alphabetic() || *n == '_')
    {
        return Err(Failure::Invalid);
    }
    let name = name(c, pos);
    let value = env(&name);
    let colon = c.get(*pos) == Some(&':');
    if colon {
        *pos += 1;
    }
    let op = *c.get(*pos).ok_or(Failure::Invalid)?;
    *pos += 1;
    if op == '}' && !colon {
        return Ok(value.unwrap_or_default());
    }
    if !matches!(op, '-' | '?' | '+') {
        return Err(Failure::Invalid);
    }
    let word = run(c, pos, true, env)?;
    *pos += 1; // the closing brace
    let set = value.as_deref().is_some_and(|v| !(colon && v.is_empty()));
    Ok(match op {
        '-' if set => value.unwrap_or_default(),
        '-' => word,
        '+' if set => word,
        '+' => String::new(),
        _ if set => value.unwrap_or_default(),
        _ => return Err(Failure::Required(name, word)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(n: &str) -> Option<String> {
        match n {
            "TAG" => Some("1.2".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn i(s: &str) -> String {
        string(s, "x", &env).unwrap()
    }

    #[test]
    fn every_form() {
        assert_eq!(i("img:$TAG"), "img:1.2");
        assert_eq!(i("img:${TAG}"), "img:1.2");
        assert_eq!(i("${NOPE:-d}"), "d");
        assert_eq!(i("${EMPTY:-d}"), "d");
        assert_eq!(i("${EMPTY-d}"), "");
        assert_eq!(i("${NOPE-d}"), "d");
        assert_eq!(i("${TAG:+set}"), "set");
        assert_eq!(i("${EMPTY:+set}"), "");
        assert_eq!(i("${EMPTY+set}"), "set");
        assert_eq!(i("${NOPE:-${TAG}-x}"), "1.2-x");
        assert_eq!(i("${NOPE:-{a}}"), "{a}");
        assert_eq!(i("$$HOME and $$"), "$HOME and $");
        assert_eq!(i("cost: 5$"), "cost: 5$");
        assert_eq!(i("${TAG?x}"), "1.2");
        assert_eq!(
            string("${NOPE:?needs NOPE}", "services.web.image", &env)
                .unwrap_err()
                .to_string(),
            "required variable NOPE is missing a value: needs NOPE"
        );
        assert!(string("${EMPTY:?}", "x", &env).is_err());
        assert_eq!(
            string("${}", "services.web.image", &env)
                .unwrap_err()
                .to_string(),
            "invalid interpolation format for services.web.image: \"${}\""
        );
        assert!(string("${TAG", "x", &env).is_err());
        assert!(string("${NOPE:-unclosed", "x", &env).is_err());
    }
}
