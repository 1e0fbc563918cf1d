//! Scalar option values: byte sizes, ulimits, security options, log
//! options, and the pull and restart policies.

use std::path::PathBuf;

use super::{OptionError, Result};
use crate::container::RestartPolicy;
use crate::runtime::spec::{SeccompChoice, Ulimit};

/// Docker's RAMInBytes: 512, 512b, 32k, 32m, 1g, 1gb... (case-insensitive,
/// fractions allowed: `1.5g`).
pub fn parse_bytes(s: &str) -> Result<i64> {
    let bad = || OptionError::Size { value: s.into() };
    let t = s.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (num, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1i64 << 10),
        Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('g') => (&t[..t.len() - 1], 1 << 30),
        Some('t') => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let n: f64 = num.parse().map_err(|_| bad())?;
    if n < 0.0 {
        return Err(bad());
    }
    Ok((n * mult as f64) as i64)
}

/// A memory limit (`-m`, Compose's `mem_limit`): a size of at least 6 MiB,
/// Docker's minimum.
pub fn parse_memory(s: &str) -> Result<i64> {
    let bytes = parse_bytes(s)?;
    if bytes < 6 * 1024 * 1024 {
        return Err(OptionError::MemoryTooSmall { bytes });
    }
    Ok(bytes)
}

/// `--memory-swap`: a size, or `-1` for unlimited swap.
pub fn parse_memory_swap(s: &str) -> Result<i64> {
    match s {
        "-1" => Ok(-1),
        v => parse_bytes(v),
    }
}

/// `--cpus` (Compose's `cpus`): a positive, finite number of CPUs.
pub fn check_cpus(cpus: f64) -> Result<f64> {
    if cpus > 0.0 && cpus.is_finite() {
        Ok(cpus)
    } else {
        Err(OptionError::Cpus { value: cpus })
    }
}

/// `KEY=VALUE`, or a bare `KEY` with an empty value.
pub fn parse_label(s: &str) -> (String, String) {
    let (k, v) = s.split_once('=').unwrap_or((s, ""));
    (k.to_string(), v.to_string())
}

/// `NAME=SOFT[:HARD]`; `-1` or `unlimited` is no limit. The name is
/// checked when the spec is made.
pub fn parse_ulimit(s: &str) -> Result<Ulimit> {
    let bad = || OptionError::Ulimit { value: s.into() };
    let (name, vals) = s.split_once('=').ok_or_else(bad)?;
    let (soft, hard) = vals.split_once(':').unwrap_or((vals, vals));
    let num = |v: &str| -> Result<u64> {
        if v == "-1" || v == "unlimited" {
            Ok(u64::MAX)
        } else {
            v.parse().map_err(|_| bad())
        }
    };
    Ok(Ulimit {
        name: name.to_string(),
        soft: num(soft)?,
        hard: num(hard)?,
    })
}

/// What a list of `--security-opt` values asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityOpts {
    /// Off by default, as in Docker: setuid programs (su, sudo) work.
    pub no_new_privileges: bool,
    pub seccomp: SeccompChoice,
}

/// `no-new-privileges[:true|false]` (also with `=`), `seccomp=unconfined`,
/// `seccomp=PROFILE.json`; `label=...` and `apparmor=...` are accepted and
/// ignored (tug has neither). A later value wins over an earlier one.
pub fn parse_security_opts<'a>(opts: impl IntoIterator<Item = &'a str>) -> Result<SecurityOpts> {
    let mut out = SecurityOpts::default();
    for o in opts {
        let (k, v) = o.split_once(['=', ':']).unwrap_or((o, ""));
        match (k, v) {
            ("no-new-privileges", "" | "true") => out.no_new_privileges = true,
            ("no-new-privileges", "false") => out.no_new_privileges = false,
            ("seccomp", "unconfined") => out.seccomp = SeccompChoice::Unconfined,
            ("seccomp", p) if !p.is_empty() => {
                out.seccomp = SeccompChoice::Profile(PathBuf::from(p))
            }
            ("label" | "apparmor", _) => {}
            _ => return Err(OptionError::SecurityOpt { value: o.into() }),
        }
    }
    Ok(out)
}

/// The json-file log driver's options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogOpts {
    /// `max-size`: rotate when the log reaches this many bytes.
    pub max_size: Option<u64>,
    /// `max-file`: how many files to keep (at least 1).
    pub max_file: Option<u32>,
}

/// `--log-opt max-size=SIZE` and `max-file=N`; a later value wins.
pub fn parse_log_opts<'a>(opts: impl IntoIterator<Item = &'a str>) -> Result<LogOpts> {
    let mut out = LogOpts::default();
    for o in opts {
        match o.split_once('=') {
            Some(("max-size", v)) => out.max_size = Some(parse_bytes(v)? as u64),
            Some(("max-file", v)) => {
                let n: u32 = v
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| OptionError::LogOptValue { value: o.into() })?;
                out.max_file = Some(n);
            }
            _ => return Err(OptionError::LogOptUnknown { value: o.into() }),
        }
    }
    Ok(out)
}

/// `--pull`: when to fetch the image from its registry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PullPolicy {
    /// Every time.
    Always,
    /// When the store has no image of that name (and platform): the default.
    #[default]
    Missing,
    /// Never: a missing image is an error.
    Never,
}

impl PullPolicy {
    /// `always`, `missing` or `never`.
    pub fn parse(s: &str) -> Result<PullPolicy> {
        match s {
            "always" => Ok(PullPolicy::Always),
            "missing" => Ok(PullPolicy::Missing),
            "never" => Ok(PullPolicy::Never),
            _ => Err(OptionError::PullPolicy { value: s.into() }),
        }
    }
}

/// `--restart`: `no`, `always`, `on-failure[:N]` (N the most restarts, 0
/// for no limit) or `unless-stopped`.
pub fn parse_restart(s: &str) -> Result<RestartPolicy> {
    let (name, n) = s.split_once(':').unwrap_or((s, ""));
    let bad = || OptionError::RestartPolicy { value: s.into() };
    let maximum_retry_count = if n.is_empty() {
        0
    } else {
        n.parse().map_err(|_| bad())?
    };
    match name {
        "no" | "always" | "unless-stopped" if n.is_empty() => {}
        "on-failure" => {}
        _ => return Err(bad()),
    }
    Ok(RestartPolicy {
        name: name.to_string(),
        maximum_retry_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_accepted_and_refused() {
        for (s, want) in [
            ("512", 512),
            ("512b", 512),
            ("32k", 32 << 10),
            ("32K", 32 << 10),
            ("32kb", 32 << 10),
            ("64m", 64 << 20),
            ("1g", 1 << 30),
            ("1GB", 1 << 30),
            ("1.5g", 3 << 29),
            ("2t", 2 << 40),
            (" 7m ", 7 << 20),
            ("0", 0),
        ] {
            assert_eq!(parse_bytes(s).unwrap(), want, "{s}");
        }
        for s in ["", "m", "-1", "-5m", "ten", "1x", "1mm", "1 m"] {
            assert!(
                matches!(parse_bytes(s), Err(OptionError::Size { ref value }) if value == s),
                "{s}"
            );
        }
        assert_eq!(
            parse_bytes("zz").unwrap_err().to_string(),
            r#"invalid size: "zz""#
        );
    }

    #[test]
    fn memory_minimum_and_swap() {
        assert_eq!(parse_memory("6m").unwrap(), 6 << 20);
        assert!(matches!(
            parse_memory("5m"),
            Err(OptionError::MemoryTooSmall { bytes }) if bytes == 5 << 20
        ));
        assert_eq!(
            parse_memory("1k").unwrap_err().to_string(),
            "minimum memory limit allowed is 6MB"
        );
        assert!(matches!(parse_memory("x"), Err(OptionError::Size { .. })));
        assert_eq!(parse_memory_swap("-1").unwrap(), -1);
        assert_eq!(parse_memory_swap("1g").unwrap(), 1 << 30);
        assert!(matches!(
            parse_memory_swap("-2"),
            Err(OptionError::Size { .. })
        ));
    }

    #[test]
    fn cpus_and_labels() {
        assert_eq!(check_cpus(0.5).unwrap(), 0.5);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(check_cpus(bad), Err(OptionError::Cpus { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            check_cpus(0.0).unwrap_err().to_string(),
            "invalid --cpus 0: must be positive"
        );
        assert_eq!(parse_label("a=b=c"), ("a".into(), "b=c".into()));
        assert_eq!(parse_label("a"), ("a".into(), String::new()));
    }

    #[test]
    fn ulimit_accepted_and_refused() {
        let u = |name: &str, soft, hard| Ulimit {
            name: name.into(),
            soft,
            hard,
        };
        assert_eq!(
            parse_ulimit("nofile=1024").unwrap(),
            u("nofile", 1024, 1024)
        );
        assert_eq!(
            parse_ulimit("nofile=512:1024").unwrap(),
            u("nofile", 512, 1024)
        );
        assert_eq!(
            parse_ulimit("core=-1:unlimited").unwrap(),
            u("core", u64::MAX, u64::MAX)
        );
        for s in [
            "nofile",
            "nofile=",
            "nofile=x",
            "nofile=1:y",
            "nofile=1:2:3",
            "nofile=-2",
        ] {
            assert!(
                matches!(parse_ulimit(s), Err(OptionError::Ulimit { ref value }) if value == s),
                "{s}"
            );
        }
        assert_eq!(
            parse_ulimit("nofile").unwrap_err().to_string(),
            r#"invalid ulimit "nofile": want NAME=SOFT[:HARD]"#
        );
    }

    #[test]
    fn security_opts_accepted_and_refused() {
        let p = |v: &[&str]| parse_security_opts(v.iter().copied());
        assert_eq!(p(&[]).unwrap(), SecurityOpts::default());
        for on in [
            "no-new-privileges",
            "no-new-privileges:true",
            "no-new-privileges=true",
        ] {
            assert!(p(&[on]).unwrap().no_new_privileges, "{on}");
        }
        assert!(
            !p(&["no-new-privileges", "no-new-privileges=false"])
                .unwrap()
                .no_new_privileges
        );
        assert_eq!(
            p(&["seccomp=unconfined"]).unwrap().seccomp,
            SeccompChoice::Unconfined
        );
        assert_eq!(
            p(&["seccomp:/etc/p.json"]).unwrap().seccomp,
            SeccompChoice::Profile("/etc/p.json".into())
        );
        assert_eq!(
            p(&["label=disable", "apparmor=unconfined"]).unwrap(),
            SecurityOpts::default()
        );
        for bad in [
            "seccomp",
            "seccomp=",
            "no-new-privileges=maybe",
            "selinux=x",
            "",
        ] {
            assert!(
                matches!(p(&[bad]), Err(OptionError::SecurityOpt { ref value }) if value == bad),
                "{bad}"
            );
        }
        assert_eq!(
            p(&["bogus"]).unwrap_err().to_string(),
            r#"invalid --security-opt: "bogus""#
        );
    }

    #[test]
    fn log_opts_accepted_and_refused() {
        let p = |v: &[&str]| parse_log_opts(v.iter().copied());
        assert_eq!(
            p(&["max-size=1k", "max-file=3"]).unwrap(),
            LogOpts {
                max_size: Some(1024),
                max_file: Some(3)
            }
        );
        assert_eq!(p(&[]).unwrap(), LogOpts::default());
        assert!(matches!(
            p(&["max-size=big"]),
            Err(OptionError::Size { .. })
        ));
        for bad in ["max-file=0", "max-file=x", "max-file=-1"] {
            assert!(
                matches!(p(&[bad]), Err(OptionError::LogOptValue { .. })),
                "{bad}"
            );
        }
        for bad in ["max-size", "compress=true", "mode=non-blocking"] {
            assert!(
                matches!(p(&[bad]), Err(OptionError::LogOptUnknown { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            p(&["labels=a"]).unwrap_err().to_string(),
            r#"unknown --log-opt "labels=a": want max-size= or max-file="#
        );
    }

    #[test]
    fn pull_policy_accepted_and_refused() {
        assert_eq!(PullPolicy::parse("always").unwrap(), PullPolicy::Always);
        assert_eq!(PullPolicy::parse("missing").unwrap(), PullPolicy::Missing);
        assert_eq!(PullPolicy::parse("never").unwrap(), PullPolicy::Never);
        for bad in ["", "Always", "newer", "if_not_present"] {
            assert!(matches!(
                PullPolicy::parse(bad),
                Err(OptionError::PullPolicy { .. })
            ));
        }
        assert_eq!(
            PullPolicy::parse("x").unwrap_err().to_string(),
            r#"invalid --pull policy "x": want always, missing or never"#
        );
    }

    #[test]
    fn restart_accepted_and_refused() {
        let r = |name: &str, n| RestartPolicy {
            name: name.into(),
            maximum_retry_count: n,
        };
        assert_eq!(parse_restart("no").unwrap(), r("no", 0));
        assert_eq!(parse_restart("always").unwrap(), r("always", 0));
        assert_eq!(
            parse_restart("unless-stopped").unwrap(),
            r("unless-stopped", 0)
        );
        assert_eq!(parse_restart("on-failure").unwrap(), r("on-failure", 0));
        assert_eq!(parse_restart("on-failure:5").unwrap(), r("on-failure", 5));
        for bad in [
            "",
            "sometimes",
            "always:3",
            "on-failure:x",
            "on-failure:-1",
            "no:0",
        ] {
            assert!(
                matches!(parse_restart(bad), Err(OptionError::RestartPolicy { ref value }) if value == bad),
                "{bad}"
            );
        }
        assert_eq!(
            parse_restart("x").unwrap_err().to_string(),
            r#"invalid restart policy "x": want no, always, on-failure[:N] or unless-stopped"#
        );
    }
}
