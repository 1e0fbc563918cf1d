//! Environment entries: `-e KEY=VALUE`, `-e KEY` (the value comes from the
//! caller's environment) and `--env-file`, whose lines are taken literally
//! (no quotes, no expansion), as Docker does.

use std::path::Path;

use super::{OptionError, Result};

/// One entry: `KEY=VALUE` as is; a bare `KEY` takes its value from
/// `lookup` (the host's environment for `run`) and is dropped when that
/// has none. An entry without a name (`=x`, empty) is refused.
pub fn parse_env(entry: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Option<String>> {
    if entry.is_empty() || entry.starts_with('=') {
        return Err(OptionError::EnvEntry {
            value: entry.into(),
        });
    }
    Ok(env_entry(entry, lookup))
}

/// [`parse_env`] without the check, for lines of an env file.
pub fn env_entry(entry: &str, lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    if entry.contains('=') {
        Some(entry.to_string())
    } else {
        lookup(entry).map(|v| format!("{entry}={v}"))
    }
}

/// The entries of an env file: one per line, trimmed; blank lines and `#`
/// comments skipped; a bare `KEY` looked up as in [`env_entry`].
pub fn read_env_file(path: &Path, lookup: impl Fn(&str) -> Option<String>) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|source| OptionError::EnvFile {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| env_entry(l, &lookup))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(k: &str) -> Option<String> {
        (k == "HOME").then(|| "/root".to_string())
    }

    #[test]
    fn entries_accepted_and_refused() {
        assert_eq!(parse_env("A=1", lookup).unwrap().as_deref(), Some("A=1"));
        assert_eq!(parse_env("A=", lookup).unwrap().as_deref(), Some("A="));
        assert_eq!(
            parse_env("A=b=c", lookup).unwrap().as_deref(),
            Some("A=b=c")
        );
        assert_eq!(
            parse_env("HOME", lookup).unwrap().as_deref(),
            Some("HOME=/root")
        );
        assert_eq!(parse_env("UNSET", lookup).unwrap(), None);
        for bad in ["", "=x", "="] {
            assert!(
                matches!(parse_env(bad, lookup), Err(OptionError::EnvEntry { ref value }) if value == bad),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_env("=x", lookup).unwrap_err().to_string(),
            r#"invalid environment variable: "=x""#
        );
    }

    #[test]
    fn env_file_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("env");
        std::fs::write(&p, "# comment\n\n  A=1  \nB=\"q\"\nHOME\nUNSET\n").unwrap();
        assert_eq!(
            read_env_file(&p, lookup).unwrap(),
            ["A=1", "B=\"q\"", "HOME=/root"]
        );
        let missing = dir.path().join("missing");
        let e = read_env_file(&missing, lookup).unwrap_err();
        assert!(matches!(&e, OptionError::EnvFile { path, .. } if *path == missing));
        assert!(e
            .to_string()
            .starts_with(&format!("{}: ", missing.display())));
    }
}
