//! `images --filter`: dangling, reference (globs), before, since, label.

use super::{resolve, Image};
use crate::error::{Error, Result};
use crate::reference::Reference;
use crate::store::Store;

/// One `--filter KEY=VALUE`.
#[derive(Debug, Clone)]
pub enum Filter {
    Dangling(bool),
    Reference(String),
    /// Created before this RFC 3339 time.
    Before(String),
    /// Created after this RFC 3339 time.
    Since(String),
    Label(String, Option<String>),
}

impl Filter {
    /// Parses `key=value`; `before`/`since` resolve their image now.
    pub fn parse(store: &Store, s: &str) -> Result<Filter> {
        let (k, v) = s.split_once('=').ok_or_else(|| {
            Error::Invalid(format!("bad format of filter (expected name=value): {s:?}"))
        })?;
        let created_of = |what: &str| -> Result<String> {
            let img = resolve(store, what)?;
            Ok(img.created().unwrap_or_default().to_string())
        };
        Ok(match k {
            "dangling" => match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Filter::Dangling(true),
                "false" | "0" => Filter::Dangling(false),
                _ => {
                    return Err(Error::Invalid(format!(
                        "invalid filter 'dangling={v}': must be true or false"
                    )))
                }
            },
            "reference" => Filter::Reference(v.to_string()),
            "before" => Filter::Before(created_of(v)?),
            "since" => Filter::Since(created_of(v)?),
            "label" => match v.split_once('=') {
                Some((k, val)) => Filter::Label(k.to_string(), Some(val.to_string())),
                None => Filter::Label(v.to_string(), None),
            },
            other => return Err(Error::Invalid(format!("invalid filter {other:?}"))),
        })
    }

    /// Whether a listing row (an image, under one of its names or none) passes.
    pub fn matches(&self, img: &Image, name: Option<&Reference>) -> bool {
        let created = img
            .created()
            .and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok());
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
        match self {
            Filter::Dangling(d) => img.is_dangling() == *d,
            Filter::Reference(pat) => name.is_some_and(|n| {
                let familiar = n.familiar();
                let repo = n.familiar_repository();
                glob(pat, &familiar) || glob(pat, &repo) || glob(pat, &n.to_string())
            }),
            Filter::Before(t) => matches!((created, at(t)), (Some(c), Some(t)) if c < t),
            Filter::Since(t) => matches!((created, at(t)), (Some(c), Some(t)) if c > t),
            Filter::Label(k, v) => {
                let labels = img.labels();
                match (labels.get(k), v) {
                    (Some(have), Some(want)) => have == want,
                    (Some(_), None) => true,
                    _ => false,
                }
            }
        }
    }
}

/// Go's `path.Match`: `*` and `?` match within one path segment, `[...]`
/// matches a class (`[^...]` negated, ranges `a-z`), `\` escapes.
pub fn glob(pattern: &str, name: &str) -> bool {
    fn m(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len())
                .take_while(|&i| i == 0 || n[i - 1] != '/')
                .any(|i| m(&p[1..], &n[i..])),
            Some('?') => n.first().is_some_and(|c| *c != '/') && m(&p[1..], &n[1..]),
            Some('[') => {
                let Some(c) = n.first() else { return false };
                let Some(end) = p.iter().skip(1).position(|x| *x == ']').map(|i| i + 1) else {
                    return false;
                };
                let mut class = &p[1..end];
                let negate = class.first() == Some(&'^');
                if negate {
                    class = &class[1..];
                }
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        hit |= class[i] <= *c && *c <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == *c;
                        i += 1;
                    }
                }
                hit != negate && m(&p[end + 1..], &n[1..])
            }
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && m(&p[2..], &n[1..]),
            Some(c) => n.first() == Some(c) && m(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    m(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_like_path_match() {
        assert!(glob("busy*", "busybox"));
        assert!(glob("busybox:*", "busybox:latest"));
        assert!(!glob("*", "user/app"));
        assert!(glob("*/app", "user/app"));
        assert!(glob("b?sy[a-z]ox", "busybox"));
        assert!(!glob("b[^u]sybox", "busybox"));
    }
}
