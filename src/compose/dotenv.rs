//! `.env` and `env_file` files: `KEY=value` lines, `export KEY=value`,
//! `# comments`, single quotes (literal, may span lines), double quotes
//! (`\n`, `\t`, `\\`, `\"` escapes; may span lines) and unquoted values (an
//! inline ` #` starts a comment). Unquoted and double-quoted values are
//! interpolated with what the file defined above and then the lookup; a
//! bare `KEY` takes the lookup's value.

use super::interpolate::{self, InterpolateError};

/// Why a line of an env file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DotenvError {
    #[error("line {line}: {why}")]
    Line { line: usize, why: &'static str },
    #[error("line {line}: {cause}")]
    Interpolate {
        line: usize,
        cause: InterpolateError,
    },
}

/// Parses an env file's text into ordered pairs.
pub fn parse(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, DotenvError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i + 1;
        let line = lines[i].trim_start();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let bad = |why| DotenvError::Line { line: lineno, why };
        let Some((key, rest)) = line.split_once('=') else {
            let key = line.trim();
            if !valid_key(key) {
                return Err(bad("expected KEY=VALUE"));
            }
            if let Some(v) = lookup(key) {
                set(&mut out, key, v);
            }
            continue;
        };
        let key = key.trim();
        if !valid_key(key) {
            return Err(bad("invalid variable name"));
        }
        let rest = rest.trim_start();
        let known = |out: &Vec<(String, String)>, n: &str| {
            out.iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .or_else(|| lookup(n))
        };
        let value = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => {
                // The quoted value may continue over the next lines.
                let mut body = rest[1..].to_string();
                let close = loop {
                    if let Some(end) = closing(&body, q) {
                        break end;
                    }
                    let Some(next) = lines.get(i) else {
                        return Err(bad("unterminated quoted value"));
                    };
                    body.push('\n');
                    body.push_str(next);
                    i += 1;
                };
                let raw = &body[..close];
                if q == '\'' {
                    raw.to_string()
                } else {
                    let unescaped = unescape(raw);
                    interpolate::string(&unescaped, key, &|n| known(&out, n)).map_err(|cause| {
                        DotenvError::Interpolate {
                            line: lineno,
                            cause,
                        }
                    })?
                }
            }
            _ => {
                let v = match rest.find(" #") {
                    Some(n) => &rest[..n],
                    None => rest,
                };
                interpolate::string(v.trim_end(), key, &|n| known(&out, n)).map_err(|cause| {
                    DotenvError::Interpolate {
                        line: lineno,
                        cause,
                    }
                })?
            }
        };
        set(&mut out, key, value);
    }
    Ok(out)
}

fn set(out: &mut Vec<(String, String)>, key: &str, value: String) {
    out.retain(|(k, _)| k != key);
    out.push((key.to_string(), value));
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// The byte index of the quote closing `body` (escaped ones skipped in
/// double quotes).
fn closing(body: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if q == '"' && c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        if c == q && !escaped {
            return Some(i);
        }
        escaped = false;
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let env = |n: &str| (n == "FROM_ENV").then(|| "outside".to_string());
        let got = parse(
            "# comment\n\nA=1\nexport B = two words # note\nC='lit $A'\nD=\"esc\\n$A \\\"q\\\"\"\nE=${A}${FROM_ENV}\nFROM_ENV\nM=\"first\nsecond\"\nA=3\nURL=http://x/#frag\n",
            &env,
        )
        .unwrap();
        let m: std::collections::HashMap<_, _> = got.into_iter().collect();
        assert_eq!(m["A"], "3");
        assert_eq!(m["B"], "two words");
        assert_eq!(m["C"], "lit $A");
        assert_eq!(m["D"], "esc\n1 \"q\"");
        assert_eq!(m["E"], "1outside");
        assert_eq!(m["FROM_ENV"], "outside");
        assert_eq!(m["M"], "first\nsecond");
        assert_eq!(m["URL"], "http://x/#frag");
    }

    #[test]
    fn errors_name_the_line() {
        let none = |_: &str| None;
        assert_eq!(
            parse("A=1\n1X=2\n", &none).unwrap_err().to_string(),
            "line 2: invalid variable name"
        );
        assert_eq!(
            parse("A='open\n", &none).unwrap_err().to_string(),
            "line 1: unterminated quoted value"
        );
        assert!(parse("A=${B:?need B}\n", &none).is_err());
    }
}
