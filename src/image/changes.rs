//! Dockerfile-style `--change` instructions (CMD, ENTRYPOINT, ENV, WORKDIR,
//! USER, EXPOSE, LABEL, VOLUME) applied to an image config, as `docker
//! import --change` and `docker commit --change` accept them.

use std::collections::HashMap;

use oci_spec::image::Config;

use crate::error::{Error, Result};

fn bad(change: &str, why: &str) -> Error {
    Error::Invalid(format!("invalid change {change:?}: {why}"))
}

/// Splits shell-like words, honouring single and double quotes and `\`.
pub fn split_words(s: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    let mut quote: Option<char> = None;
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
        if quote.is_some() {
            in_word = true;
        }
    }
    if quote.is_some() {
        return Err(Error::Invalid(format!("unterminated quote in {s:?}")));
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// `["a", "b"]` (exec form) or `a b` (shell form → `/bin/sh -c "a b"`).
fn command_form(change: &str, rest: &str) -> Result<Vec<String>> {
    let t = rest.trim();
    if t.starts_with('[') {
        return serde_json::from_str::<Vec<String>>(t)
            .map_err(|e| bad(change, &format!("bad JSON array: {e}")));
    }
    if t.is_empty() {
        return Err(bad(change, "missing command"));
    }
    Ok(vec!["/bin/sh".into(), "-c".into(), t.to_string()])
}

/// `k=v k2="v 2"` or the legacy `k v w` form.
fn pairs(change: &str, rest: &str) -> Result<Vec<(String, String)>> {
    let words = split_words(rest)?;
    if words.is_empty() {
        return Err(bad(change, "missing arguments"));
    }
    if !words[0].contains('=') {
        let (k, v) = rest
            .trim()
            .split_once(char::is_whitespace)
            .ok_or_else(|| bad(change, "missing value"))?;
        return Ok(vec![(k.to_string(), v.trim().to_string())]);
    }
    words
        .into_iter()
        .map(|w| {
            w.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| bad(change, "expected KEY=VALUE"))
        })
        .collect()
}

/// Applies one instruction to `cfg`.
pub fn apply_change(cfg: &mut Config, change: &str) -> Result<()> {
    let trimmed = change.trim();
    let (instr, rest) = trimmed
        .split_once(char::is_whitespace)
        .unwrap_or((trimmed, ""));
    match instr.to_ascii_uppercase().as_str() {
        "CMD" => {
            cfg.set_cmd(Some(command_form(change, rest)?));
        }
        "ENTRYPOINT" => {
            cfg.set_entrypoint(Some(command_form(change, rest)?));
        }
        "ENV" => {
            let mut env = cfg.env().clone().unwrap_or_default();
            for (k, v) in pairs(change, rest)? {
                env.retain(|e| e.split('=').next() != Some(k.as_str()));
                env.push(format!("{k}={v}"));
            }
            cfg.set_env(Some(env));
        }
        "LABEL" => {
            let mut labels: HashMap<String, String> = cfg.labels().clone().unwrap_or_default();
            for (k, v) in pairs(change, rest)? {
                labels.insert(k, v);
            }
            cfg.set_labels(Some(labels));
        }
        "WORKDIR" => {
            let w = rest.trim();
            if w.is_empty() {
                return Err(bad(change, "missing directory"));
            }
            cfg.set_working_dir(Some(w.to_string()));
        }
        "USER" => {
            let u = rest.trim();
            if u.is_empty() {
                return Err(bad(change, "missing user"));
            }
            cfg.set_user(Some(u.to_string()));
        }
        "EXPOSE" => {
            let mut ports = cfg.exposed_ports().clone().unwrap_or_default();
            for p in split_words(rest)? {
                let (num, proto) = p.split_once('/').unwrap_or((&p, "tcp"));
                if num.parse::<u16>().is_err() || !matches!(proto, "tcp" | "udp" | "sctp") {
                    return Err(bad(change, &format!("invalid port {p:?}")));
                }
                let key = format!("{num}/{proto}");
                if !ports.contains(&key) {
                    ports.push(key);
                }
            }
            if ports.is_empty() {
                return Err(bad(change, "missing port"));
            }
            cfg.set_exposed_ports(Some(ports));
        }
        "VOLUME" => {
            let t = rest.trim();
            let vols: Vec<String> = if t.starts_with('[') {
                serde_json::from_str(t).map_err(|e| bad(change, &format!("bad JSON array: {e}")))?
            } else {
                split_words(t)?
            };
            if vols.is_empty() {
                return Err(bad(change, "missing path"));
            }
            let mut all = cfg.volumes().clone().unwrap_or_default();
            for v in vols {
                if !all.contains(&v) {
                    all.push(v);
                }
            }
            cfg.set_volumes(Some(all));
        }
        "" => return Err(bad(change, "empty instruction")),
        other => {
            return Err(bad(
                change,
                &format!(
                "{other} is not one of CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR"
            ),
            ))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_each_instruction() {
        let mut c = Config::default();
        for ch in [
            r#"CMD ["/bin/sh", "-c", "echo hi"]"#,
            "ENTRYPOINT echo x",
            "ENV A=1 B=\"two words\"",
            "ENV C three",
            "WORKDIR /srv",
            "USER 33:33",
            "EXPOSE 80 53/udp",
            "LABEL a=b",
            "VOLUME /data",
        ] {
            apply_change(&mut c, ch).unwrap();
        }
        assert_eq!(c.cmd().as_ref().unwrap()[2], "echo hi");
        assert_eq!(
            c.entrypoint().as_ref().unwrap(),
            &["/bin/sh", "-c", "echo x"]
        );
        assert_eq!(
            c.env().as_ref().unwrap(),
            &["A=1", "B=two words", "C=three"]
        );
        assert_eq!(c.working_dir().as_deref(), Some("/srv"));
        assert_eq!(c.exposed_ports().as_ref().unwrap(), &["80/tcp", "53/udp"]);
        assert_eq!(c.volumes().as_ref().unwrap(), &["/data"]);
        assert!(apply_change(&mut c, "FROM x").is_err());
        assert!(apply_change(&mut c, "EXPOSE http").is_err());
        assert!(apply_change(&mut c, "CMD [bad").is_err());
    }
}
