//! `--change` values: the Dockerfile instructions that set image config
//! fields (CMD, ENTRYPOINT, ENV, WORKDIR, USER, EXPOSE, LABEL, VOLUME),
//! parsed as Dockerfile does (JSON or shell form, quoted `key=value` words).

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};

/// One parsed instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Cmd(Vec<String>),
    Entrypoint(Vec<String>),
    Env(Vec<(String, String)>),
    Workdir(String),
    User(String),
    Expose(Vec<String>),
    Label(Vec<(String, String)>),
    Volume(Vec<String>),
}

fn bad(line: &str, why: &str) -> Error {
    Error::Invalid(format!("invalid --change {line:?}: {why}"))
}

impl Change {
    /// Parses one instruction line, e.g. `CMD ["sh"]` or `ENV A=1 B="two words"`.
    pub fn parse(line: &str) -> Result<Change> {
        let line = line.trim();
        let (word, rest) = match line.split_once(|c: char| c.is_whitespace()) {
            Some((w, r)) => (w, r.trim()),
            None => (line, ""),
        };
        if rest.is_empty() {
            return Err(bad(line, "missing arguments"));
        }
        Ok(match word.to_ascii_uppercase().as_str() {
            "CMD" => Change::Cmd(command_form(line, rest)?),
            "ENTRYPOINT" => Change::Entrypoint(command_form(line, rest)?),
            "ENV" => Change::Env(key_values(line, rest, true)?),
            "LABEL" => Change::Label(key_values(line, rest, false)?),
            "WORKDIR" => Change::Workdir(rest.to_string()),
            "USER" => Change::User(rest.to_string()),
            "EXPOSE" => {
                let mut ports = Vec::new();
                for p in words(line, rest)? {
                    let (num, proto) = p.split_once('/').unwrap_or((&p, "tcp"));
                    let ok_num = !num.is_empty()
                        && num
                            .split('-')
                            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
                    let proto = proto.to_ascii_lowercase();
                    if !ok_num || !["tcp", "udp", "sctp"].contains(&proto.as_str()) {
                        return Err(bad(line, &format!("invalid port {p:?}")));
                    }
                    ports.push(format!("{num}/{proto}"));
                }
                Change::Expose(ports)
            }
            "VOLUME" => {
                let v = if rest.starts_with('[') {
                    json_array(line, rest)?
                } else {
                    words(line, rest)?
                };
                Change::Volume(v)
            }
            other => {
                return Err(bad(
                    line,
                    &format!(
                        "{other} is not supported (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR are)"
                    ),
                ))
            }
        })
    }
}

/// JSON form `["a", "b"]`, else shell form `/bin/sh -c "..."`.
fn command_form(line: &str, rest: &str) -> Result<Vec<String>> {
    if rest.starts_with('[') {
        if let Ok(v) = json_array(line, rest) {
            return Ok(v);
        }
    }
    Ok(vec!["/bin/sh".into(), "-c".into(), rest.to_string()])
}

fn json_array(line: &str, rest: &str) -> Result<Vec<String>> {
    serde_json::from_str::<Vec<String>>(rest)
        .map_err(|_| bad(line, "expected a JSON array of strings"))
}

/// Splits on whitespace, honouring double and single quotes and backslashes.
fn words(line: &str, s: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '"') | (None, '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(bad(line, "unterminated quote"));
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// `k=v k2="v 2"`; for ENV also the legacy `KEY value with spaces`.
fn key_values(line: &str, rest: &str, legacy: bool) -> Result<Vec<(String, String)>> {
    let ws = words(line, rest)?;
    if legacy && !ws.first().is_some_and(|w| w.contains('=')) {
        let (k, v) = rest
            .split_once(char::is_whitespace)
            .ok_or_else(|| bad(line, "ENV needs KEY=VALUE or KEY VALUE"))?;
        return Ok(vec![(k.to_string(), v.trim().to_string())]);
    }
    ws.into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(bad(line, &format!("{w:?} is not KEY=VALUE"))),
        })
        .collect()
}

/// Applies instructions to an image config's `config` object (OCI names).
pub fn apply_changes(cfg: &mut Map<String, Value>, changes: &[Change]) -> Result<()> {
    fn obj<'a>(cfg: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
        let v = cfg.entry(key).or_insert_with(|| json!({}));
        if !v.is_object() {
            *v = json!({});
        }
        v.as_object_mut().expect("just made an object")
    }
    for c in changes {
        match c {
            Change::Cmd(v) => {
                cfg.insert("Cmd".into(), json!(v));
            }
            Change::Entrypoint(v) => {
                cfg.insert("Entrypoint".into(), json!(v));
            }
            Change::Env(kvs) => {
                let env = cfg.entry("Env").or_insert_with(|| json!([]));
                let list = env
                    .as_array_mut()
                    .ok_or_else(|| Error::Invalid("image config Env is not a list".to_string()))?;
                for (k, v) in kvs {
                    let prefix = format!("{k}=");
                    list.retain(|e| !e.as_str().is_some_and(|s| s.starts_with(&prefix)));
                    list.push(json!(format!("{k}={v}")));
                }
            }
            Change::Workdir(w) => {
                cfg.insert("WorkingDir".into(), json!(w));
            }
            Change::User(u) => {
                cfg.insert("User".into(), json!(u));
            }
            Change::Expose(ps) => {
                let m = obj(cfg, "ExposedPorts");
                for p in ps {
                    m.insert(p.clone(), json!({}));
                }
            }
            Change::Label(kvs) => {
                let m = obj(cfg, "Labels");
                for (k, v) in kvs {
                    m.insert(k.clone(), json!(v));
                }
            }
            Change::Volume(vs) => {
                let m = obj(cfg, "Volumes");
                for v in vs {
                    m.insert(v.clone(), json!({}));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dockerfile_forms() {
        assert_eq!(
            Change::parse(r#"CMD ["sh", "-c", "echo hi"]"#).unwrap(),
            Change::Cmd(vec!["sh".into(), "-c".into(), "echo hi".into()])
        );
        assert_eq!(
            Change::parse("entrypoint top -b").unwrap(),
            Change::Entrypoint(vec!["/bin/sh".into(), "-c".into(), "top -b".into()])
        );
        assert_eq!(
            Change::parse(r#"ENV A=1 B="two words""#).unwrap(),
            Change::Env(vec![
                ("A".into(), "1".into()),
                ("B".into(), "two words".into())
            ])
        );
        assert_eq!(
            Change::parse("ENV PATH /usr/bin:/bin").unwrap(),
            Change::Env(vec![("PATH".into(), "/usr/bin:/bin".into())])
        );
        assert_eq!(
            Change::parse("EXPOSE 80 53/udp").unwrap(),
            Change::Expose(vec!["80/tcp".into(), "53/udp".into()])
        );
        assert_eq!(
            Change::parse(r#"VOLUME ["/data"]"#).unwrap(),
            Change::Volume(vec!["/data".into()])
        );
        assert!(Change::parse("RUN true").is_err());
        assert!(Change::parse("EXPOSE http").is_err());
        assert!(Change::parse("LABEL novalue").is_err());
    }
}
