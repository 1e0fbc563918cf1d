//! One logical line to a typed instruction: the keyword, its `--flags`
//! (only those the instruction defines), and its arguments in JSON or
//! shell form, checked for shape but not yet expanded.

use super::lines::{Heredoc, LogicalLine};
use super::words;
use super::ParseErrorKind as K;

/// `RUN`/`CMD`/`ENTRYPOINT`/`HEALTHCHECK CMD` in exec (JSON) or shell form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Exec(Vec<String>),
    Shell(String),
}

/// `KEY=value` of `ENV` and `LABEL`, both as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

/// `ARG name[=default]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    pub name: String,
    pub default: Option<String>,
}

/// `RUN [--mount=...]... [--network=...] [--security=...] command`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunArgs {
    pub command: Command,
    /// Each `--mount` value as written (`type=cache,target=/x`).
    pub mounts: Vec<String>,
    pub network: Option<String>,
    pub security: Option<String>,
    pub heredocs: Vec<Heredoc>,
}

/// `COPY`/`ADD` flags, sources and destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyArgs {
    /// Sources as written; `<<EOF` names a heredoc.
    pub sources: Vec<String>,
    pub dest: String,
    /// The arguments were a JSON array (no word splitting).
    pub json: bool,
    pub from: Option<String>,
    pub chown: Option<String>,
    pub chmod: Option<String>,
    pub link: bool,
    pub parents: bool,
    pub excludes: Vec<String>,
    /// `ADD --checksum=sha256:...`.
    pub checksum: Option<String>,
    /// `ADD --keep-git-dir`.
    pub keep_git_dir: bool,
    pub heredocs: Vec<Heredoc>,
}

/// `HEALTHCHECK [options] CMD command`; durations and retries as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub command: Command,
    pub interval: Option<String>,
    pub timeout: Option<String>,
    pub start_period: Option<String>,
    pub start_interval: Option<String>,
    pub retries: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Instruction {
    From {
        base: String,
        platform: Option<String>,
        name: Option<String>,
    },
    Run(RunArgs),
    Cmd(Command),
    Entrypoint(Command),
    Label(Vec<KeyValue>),
    Maintainer(String),
    /// Ports as written (`80/tcp`, `$PORT`).
    Expose(Vec<String>),
    Env(Vec<KeyValue>),
    Add(CopyArgs),
    Copy(CopyArgs),
    /// Paths as written.
    Volume(Vec<String>),
    User(String),
    Workdir(String),
    Arg(Vec<ArgDecl>),
    /// The trigger as written (`RUN make`), checked here, run by children.
    Onbuild(String),
    Stopsignal(String),
    /// `None` is `HEALTHCHECK NONE`.
    Healthcheck(Option<Health>),
    Shell(Vec<String>),
}

/// The flags an instruction defines: (name, takes a value, repeatable).
fn defined_flags(keyword: &str) -> &'static [(&'static str, bool, bool)] {
    match keyword {
        "FROM" => &[("platform", true, false)],
        "RUN" => &[
            ("mount", true, true),
            ("network", true, false),
            ("security", true, false),
        ],
        "COPY" => &[
            ("from", true, false),
            ("chown", true, false),
            ("chmod", true, false),
            ("link", false, false),
            ("parents", false, false),
            ("exclude", true, true),
        ],
        "ADD" => &[
            ("chown", true, false),
            ("chmod", true, false),
            ("link", false, false),
            ("checksum", true, false),
            ("keep-git-dir", false, false),
            ("exclude", true, true),
        ],
        "HEALTHCHECK" => &[
            ("interval", true, false),
            ("timeout", true, false),
            ("start-period", true, false),
            ("start-interval", true, false),
            ("retries", true, false),
        ],
        _ => &[],
    }
}

/// Parsed flags: (name, value) in order; booleans carry "true"/"false".
struct Flags(Vec<(String, String)>);

impl Flags {
    fn one(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    fn bool(&self, name: &str) -> bool {
        self.one(name).is_some_and(|v| v != "false")
    }
}

/// Takes the leading `--name[=value]` words off `rest`.
fn take_flags<'a>(keyword: &str, rest: &'a str, escape: char) -> Result<(Flags, &'a str), K> {
    let defined = defined_flags(keyword);
    let mut flags = Vec::new();
    let mut rest = rest.trim_start();
    while rest.starts_with("--") {
        let word = words::split(rest, escape)
            .into_iter()
            .next()
            .unwrap_or_default();
        rest = rest[word.len()..].trim_start();
        if word == "--" {
            break;
        }
        let body = &word[2..];
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let Some(&(_, takes_value, repeatable)) = defined.iter().find(|(n, ..)| *n == name) else {
            return Err(K::UnknownFlag {
                instruction: keyword.to_string(),
                flag: name.to_string(),
            });
        };
        let bad = |why| K::FlagValue {
            instruction: keyword.to_string(),
            flag: name.to_string(),
            why,
        };
        let value = match (takes_value, value) {
            (true, Some(v)) if !v.is_empty() => v.to_string(),
            (true, _) => return Err(bad("needs a value")),
            (false, None) => "true".to_string(),
            (false, Some(v @ ("true" | "false"))) => v.to_string(),
            (false, Some(_)) => return Err(bad("takes true or false")),
        };
        if !repeatable && flags.iter().any(|(n, _): &(String, String)| n == name) {
            return Err(K::RepeatedFlag {
                instruction: keyword.to_string(),
                flag: name.to_string(),
            });
        }
        flags.push((name.to_string(), value));
    }
    Ok((Flags(flags), rest))
}

/// A JSON array of strings, if `rest` is one.
fn json_array(rest: &str) -> Option<Vec<String>> {
    if !rest.starts_with('[') {
        return None;
    }
    serde_json::from_str(rest).ok()
}

fn command(rest: &str) -> Command {
    match json_array(rest) {
        Some(v) => Command::Exec(v),
        None => Command::Shell(rest.to_string()),
    }
}

fn need(keyword: &str, ok: bool, expected: &'static str) -> Result<(), K> {
    if ok {
        Ok(())
    } else {
        Err(K::Arguments {
            instruction: keyword.to_string(),
            expected,
        })
    }
}

/// `k=v k2="v 2"` pairs, or the legacy `k the rest` form.
fn key_values(keyword: &str, rest: &str, escape: char) -> Result<Vec<KeyValue>, K> {
    let words = words::split(rest, escape);
    need(keyword, !words.is_empty(), "at least one argument")?;
    if !words[0].contains('=') {
        // `ENV NAME value with spaces`: one pair, the value as written.
        let key = words[0].clone();
        let value = rest[key.len()..].trim().to_string();
        need(keyword, !value.is_empty() || keyword == "LABEL", "a value")?;
        return Ok(vec![KeyValue { key, value }]);
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok(KeyValue {
                key: k.to_string(),
                value: v.to_string(),
            }),
            _ => Err(K::BadArgument(
                keyword.to_string(),
                w.clone(),
                "expected NAME=VALUE",
            )),
        })
        .collect()
}

fn valid_stage_name(n: &str) -> bool {
    n.starts_with(|c: char| c.is_ascii_alphabetic())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn copy_args(
    keyword: &str,
    flags: &Flags,
    rest: &str,
    heredocs: &[Heredoc],
    escape: char,
) -> Result<CopyArgs, K> {
    let (mut args, json) = match json_array(rest) {
        Some(v) => (v, true),
        None => (words::split(rest, escape), false),
    };
    need(
        keyword,
        args.len() >= 2,
        "at least two arguments: a source and a destination",
    )?;
    let dest = args.pop().unwrap_or_default();
    Ok(CopyArgs {
        sources: args,
        dest,
        json,
        from: flags.one("from"),
        chown: flags.one("chown"),
        chmod: flags.one("chmod"),
        link: flags.bool("link"),
        parents: flags.bool("parents"),
        excludes: flags.all("exclude"),
        checksum: flags.one("checksum"),
        keep_git_dir: flags.bool("keep-git-dir"),
        heredocs: heredocs.to_vec(),
    })
}

/// Types one logical line.
pub(super) fn parse(l: &LogicalLine, escape: char) -> Result<Instruction, K> {
    let kw = l.keyword.as_str();
    if !matches!(
        kw,
        "FROM"
            | "RUN"
            | "CMD"
            | "LABEL"
            | "MAINTAINER"
            | "EXPOSE"
            | "ENV"
            | "ADD"
            | "COPY"
            | "ENTRYPOINT"
            | "VOLUME"
            | "USER"
            | "WORKDIR"
            | "ARG"
            | "ONBUILD"
            | "STOPSIGNAL"
            | "HEALTHCHECK"
            | "SHELL"
    ) {
        return Err(K::UnknownInstruction(l.keyword.clone()));
    }
    let (flags, rest) = take_flags(kw, &l.rest, escape)?;
    let single = |what| -> Result<String, K> {
        need(kw, !rest.is_empty(), what)?;
        Ok(rest.to_string())
    };
    Ok(match kw {
        "FROM" => {
            let w = words::split(rest, escape);
            let name = match w.as_slice() {
                [_] => None,
                [_, as_, n] if as_.eq_ignore_ascii_case("as") => {
                    let n = n.to_ascii_lowercase();
                    if !valid_stage_name(&n) {
                        return Err(K::BadStageName(n));
                    }
                    Some(n)
                }
                _ => {
                    return Err(K::Arguments {
                        instruction: "FROM".into(),
                        expected: "either one or three arguments (FROM image [AS name])",
                    })
                }
            };
            Instruction::From {
                base: w[0].clone(),
                platform: flags.one("platform"),
                name,
            }
        }
        "RUN" => {
            need(kw, !rest.is_empty(), "at least one argument")?;
            Instruction::Run(RunArgs {
                command: command(rest),
                mounts: flags.all("mount"),
                network: flags.one("network"),
                security: flags.one("security"),
                heredocs: l.heredocs.clone(),
            })
        }
        "CMD" => Instruction::Cmd(command(&single("at least one argument")?)),
        "ENTRYPOINT" => Instruction::Entrypoint(command(&single("at least one argument")?)),
        "LABEL" => Instruction::Label(key_values(kw, rest, escape)?),
        "ENV" => Instruction::Env(key_values(kw, rest, escape)?),
        "MAINTAINER" => Instruction::Maintainer(single("exactly one argument")?),
        "EXPOSE" => {
            let w = words::split(rest, escape);
            need(kw, !w.is_empty(), "at least one argument")?;
            Instruction::Expose(w)
        }
        "ADD" => Instruction::Add(copy_args(kw, &flags, rest, &l.heredocs, escape)?),
        "COPY" => Instruction::Copy(copy_args(kw, &flags, rest, &l.heredocs, escape)?),
        "VOLUME" => {
            let v = json_array(rest).unwrap_or_else(|| words::split(rest, escape));
            need(
                kw,
                !v.is_empty() && v.iter().all(|p| !p.is_empty()),
                "at least one non-empty path",
            )?;
            Instruction::Volume(v)
        }
        "USER" => Instruction::User(single("exactly one argument")?),
        "WORKDIR" => Instruction::Workdir(single("exactly one argument")?),
        "STOPSIGNAL" => Instruction::Stopsignal(single("exactly one argument")?),
        "ARG" => {
            let w = words::split(rest, escape);
            need(kw, !w.is_empty(), "at least one argument")?;
            Instruction::Arg(
                w.into_iter()
                    .map(|a| match a.split_once('=') {
                        Some((n, d)) => ArgDecl {
                            name: n.to_string(),
                            default: Some(d.to_string()),
                        },
                        None => ArgDecl {
                            name: a,
                            default: None,
                        },
                    })
                    .collect(),
            )
        }
        "ONBUILD" => {
            need(kw, !rest.is_empty(), "at least one argument")?;
            let (trigger, trigger_rest) = match rest.find(char::is_whitespace) {
                Some(n) => (&rest[..n], rest[n..].trim()),
                None => (rest, ""),
            };
            let trigger = trigger.to_ascii_uppercase();
            if matches!(trigger.as_str(), "ONBUILD" | "FROM" | "MAINTAINER") {
                return Err(K::BadOnbuild(trigger));
            }
            let inner = LogicalLine {
                line: l.line,
                keyword: trigger.clone(),
                rest: trigger_rest.to_string(),
                heredocs: Vec::new(),
            };
            parse(&inner, escape)?;
            Instruction::Onbuild(format!("{trigger} {trigger_rest}").trim_end().to_string())
        }
        "HEALTHCHECK" => {
            let (what, cmd_rest) = match rest.find(char::is_whitespace) {
                Some(n) => (&rest[..n], rest[n..].trim()),
                None => (rest, ""),
            };
            match what.to_ascii_uppercase().as_str() {
                "NONE" if cmd_rest.is_empty() && flags.0.is_empty() => {
                    Instruction::Healthcheck(None)
                }
                "NONE" => {
                    return Err(K::Arguments {
                        instruction: "HEALTHCHECK NONE".into(),
                        expected: "no other arguments",
                    })
                }
                "CMD" if !cmd_rest.is_empty() => Instruction::Healthcheck(Some(Health {
                    command: command(cmd_rest),
                    interval: flags.one("interval"),
                    timeout: flags.one("timeout"),
                    start_period: flags.one("start-period"),
                    start_interval: flags.one("start-interval"),
                    retries: flags.one("retries"),
                })),
                _ => {
                    return Err(K::Arguments {
                        instruction: "HEALTHCHECK".into(),
                        expected: "NONE or CMD followed by a command",
                    })
                }
            }
        }
        "SHELL" => match json_array(rest) {
            Some(v) if !v.is_empty() => Instruction::Shell(v),
            _ => return Err(K::NotJson("SHELL".into())),
        },
        _ => unreachable!("keywords are checked above"),
    })
}
