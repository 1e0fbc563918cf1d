//! `build --check`: evaluate every stage of a Dockerfile without running
//! anything — expand each argument in its scope, check values the builder
//! would refuse (ports, durations, modes, mounts, signals, stage
//! references), and report style problems under BuildKit's rule names.

use super::dockerfile::{Command, CopyArgs, Dockerfile, Instruction, Stage};
use super::scope::{BuildArgs, Scope};

/// One finding, at a line of the Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    /// BuildKit's rule name for warnings (`JSONArgsRecommended`), or
    /// `Error` for what would fail the build.
    pub rule: &'static str,
    pub message: String,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.rule == "Error"
    }
}

struct Checker<'a> {
    df: &'a Dockerfile,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            rule: "Error",
            message: message.into(),
        });
    }

    fn warn(&mut self, line: usize, rule: &'static str, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            rule,
            message: message.into(),
        });
    }

    /// Expands a word, reporting a failure; None then.
    fn word(&mut self, scope: &Scope, line: usize, w: &str) -> Option<String> {
        match scope.word(w) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(line, e.to_string());
                None
            }
        }
    }
}

/// What `# check=skip=A,B;error=true` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckDirective {
    /// Rule names to leave out, or `all`.
    pub skip: Vec<String>,
    /// Warnings fail the check.
    pub error: bool,
}

impl CheckDirective {
    /// Parses the directive's value; unknown keys are ignored, as BuildKit
    /// does.
    pub fn parse(value: &str) -> CheckDirective {
        let mut d = CheckDirective::default();
        for part in value.split(';') {
            match part.trim().split_once('=') {
                Some(("skip", v)) => d.skip = v.split(',').map(|r| r.trim().to_string()).collect(),
                Some(("error", v)) => d.error = v.trim().eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        d
    }

    /// Whether a warning of `rule` is reported.
    pub fn reports(&self, rule: &str) -> bool {
        rule == "Error" || !self.skip.iter().any(|s| s == rule || s == "all")
    }
}

/// Checks every stage; `target` (if any) must name one. Warnings the
/// Dockerfile's `# check=skip=` directive names are left out.
pub fn check(df: &Dockerfile, build: &BuildArgs, target: Option<&str>) -> Vec<Problem> {
    let directive = CheckDirective::parse(df.directives.check.as_deref().unwrap_or(""));
    let mut all = check_all(df, build, target);
    all.retain(|p| directive.reports(p.rule));
    all
}

fn check_all(df: &Dockerfile, build: &BuildArgs, target: Option<&str>) -> Vec<Problem> {
    let mut c = Checker {
        df,
        problems: Vec::new(),
    };
    let global = match Scope::global(&df.global_args, build, df.directives.escape) {
        Ok(s) => s,
        Err(e) => {
            c.error(1, e.to_string());
            return c.problems;
        }
    };
    if let Some(t) = target {
        if df.stage(t).is_none() {
            c.error(1, format!("target stage {t:?} could not be found"));
        }
    }
    for stage in &df.stages {
        check_stage(&mut c, &global, build, stage);
    }
    c.problems
}

fn check_stage(c: &mut Checker, global: &Scope, build: &BuildArgs, stage: &Stage) {
    if let Some(base) = c.word(global, stage.line, &stage.base) {
        if base.is_empty() {
            c.error(
                stage.line,
                format!("base name ({}) should not be blank", stage.base),
            );
        }
        for var in referenced_vars(&stage.base) {
            if global.lookup(&var).is_none() {
                c.warn(
                    stage.line,
                    "UndefinedArgInFrom",
                    format!("FROM argument '{var}' is not declared"),
                );
            }
        }
    }
    let mut scope = global.stage(&[]);
    let mut seen_cmd = 0;
    let mut seen_entrypoint = 0;
    let mut seen_health = 0;
    let mut absolute_workdir = false;
    for step in &stage.steps {
        let line = step.line;
        match &step.instruction {
            Instruction::Arg(decls) => {
                for d in decls {
                    if let Err(e) = scope.declare(d, build) {
                        c.error(line, e.to_string());
                    }
                }
            }
            Instruction::Env(kvs) => {
                for kv in kvs {
                    let key = c.word(&scope, line, &kv.key);
                    let value = c.word(&scope, line, &kv.value);
                    if let (Some(k), Some(v)) = (key, value) {
                        scope.set_env(&k, v);
                    }
                }
                legacy_key_value(c, step.text.as_str(), "ENV", line);
            }
            Instruction::Label(kvs) => {
                for kv in kvs {
                    c.word(&scope, line, &kv.key);
                    c.word(&scope, line, &kv.value);
                }
                legacy_key_value(c, step.text.as_str(), "LABEL", line);
            }
            Instruction::Run(r) => {
                for m in &r.mounts {
                    if let Some(m) = c.word(&scope, line, m) {
                        if let Err(why) = check_mount(&m) {
                            c.error(line, format!("--mount={m}: {why}"));
                        }
                    }
                }
                if let Some(n) = &r.network {
                    if !matches!(n.as_str(), "default" | "none" | "host") {
                        c.error(line, format!("--network={n}: must be default, none or host"));
                    }
                }
            }
            Instruction::Cmd(cmd) | Instruction::Entrypoint(cmd) => {
                let (count, name) = match &step.instruction {
                    Instruction::Cmd(_) => (&mut seen_cmd, "CMD"),
                    _ => (&mut seen_entrypoint, "ENTRYPOINT"),
                };
                *count += 1;
                if *count == 2 {
                    c.warn(
                        line,
                        "MultipleInstructionsDisallowed",
                        format!("multiple {name} instructions should not be used in the same stage because only the last one will be used"),
                    );
                }
                if matches!(cmd, Command::Shell(_)) {
                    c.warn(
                        line,
                        "JSONArgsRecommended",
                        format!("JSON arguments recommended for {name} to prevent unintended behavior related to OS signals"),
                    );
                }
            }
            Instruction::Healthcheck(h) => {
                seen_health += 1;
                if seen_health == 2 {
                    c.warn(line, "MultipleInstructionsDisallowed", "multiple HEALTHCHECK instructions should not be used in the same stage because only the last one will be used");
                }
                if let Some(h) = h {
                    for (flag, v) in [
                        ("interval", &h.interval),
                        ("timeout", &h.timeout),
                        ("start-period", &h.start_period),
                        ("start-interval", &h.start_interval),
                    ] {
                        if let Some(v) = v {
                            if humantime::parse_duration(v).is_err() {
                                c.error(line, format!("HEALTHCHECK --{flag}={v}: not a duration"));
                            }
                        }
                    }
                    if let Some(r) = &h.retries {
                        if r.parse::<u32>().is_err() {
                            c.error(line, format!("HEALTHCHECK --retries={r}: not a count"));
                        }
                    }
                }
            }
            Instruction::Expose(ports) => {
                for p in ports {
                    if let Some(p) = c.word(&scope, line, p) {
                        if !valid_port(&p) {
                            c.error(line, format!("invalid containerPort: {p}"));
                        }
                    }
                }
            }
            Instruction::Copy(a) | Instruction::Add(a) => check_copy(c, &scope, stage, line, a),
            Instruction::Volume(v) => {
                for p in v {
                    c.word(&scope, line, p);
                }
            }
            Instruction::User(u) => {
                if c.word(&scope, line, u).is_some_and(|u| u.is_empty()) {
                    c.error(line, "USER expands to nothing");
                }
            }
            Instruction::Workdir(w) => {
                if let Some(w) = c.word(&scope, line, w) {
                    if w.starts_with('/') {
                        absolute_workdir = true;
                    } else if !absolute_workdir {
                        c.warn(
                            line,
                            "WorkdirRelativePath",
                            format!("relative workdir {w:?} can have unexpected results if the base image changes"),
                        );
                    }
                }
            }
            Instruction::Stopsignal(s) => {
                if let Some(s) = c.word(&scope, line, s) {
                    if crate::container::signal::parse_signal(&s).is_err() {
                        c.error(line, format!("invalid STOPSIGNAL {s:?}"));
                    }
                }
            }
            Instruction::Maintainer(_) => c.warn(
                line,
                "MaintainerDeprecated",
                "the MAINTAINER instruction is deprecated, use a label instead to define an image author",
            ),
            Instruction::From { .. }
            | Instruction::Onbuild(_)
            | Instruction::Shell(_) => {}
        }
    }
}

fn check_copy(c: &mut Checker, scope: &Scope, stage: &Stage, line: usize, a: &CopyArgs) {
    if let Some(from) = &a.from {
        if let Some(from) = c.word(scope, line, from) {
            match c.df.stage(&from) {
                Some(s) if s.index >= stage.index => c.error(
                    line,
                    format!("COPY --from={from}: a stage can only copy from a stage before it"),
                ),
                _ if from.is_empty() => c.error(line, "COPY --from expands to nothing"),
                _ => {}
            }
        }
    }
    if let Some(m) = &a.chmod {
        if let Some(m) = c.word(scope, line, m) {
            if u32::from_str_radix(&m, 8).map_or(true, |v| v > 0o7777) {
                c.error(line, format!("--chmod={m}: not an octal mode"));
            }
        }
    }
    if let Some(o) = &a.chown {
        c.word(scope, line, o);
    }
    for s in &a.sources {
        if !s.starts_with("<<") {
            c.word(scope, line, s);
        }
    }
    c.word(scope, line, &a.dest);
}

/// `ENV key value`: the form without `=`.
fn legacy_key_value(c: &mut Checker, text: &str, keyword: &str, line: usize) {
    let rest = text[keyword.len()..].trim_start();
    let first = rest.split_whitespace().next().unwrap_or("");
    if !first.contains('=') {
        c.warn(
            line,
            "LegacyKeyValueFormat",
            format!("\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format"),
        );
    }
}

/// `80`, `80/tcp`, `53/udp`, `8000-8010`.
fn valid_port(p: &str) -> bool {
    let (ports, proto) = p.split_once('/').unwrap_or((p, "tcp"));
    if !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp") {
        return false;
    }
    let (lo, hi) = ports.split_once('-').unwrap_or((ports, ports));
    matches!((lo.parse::<u16>(), hi.parse::<u16>()), (Ok(l), Ok(h)) if l <= h)
}

/// A `RUN --mount` value: `type=...` and the keys that type takes.
fn check_mount(spec: &str) -> Result<(), String> {
    let mut kind = "bind";
    let mut target = false;
    for field in spec.split(',') {
        let (k, v) = field.split_once('=').unwrap_or((field, ""));
        match k {
            "type" => kind = v,
            "target" | "dst" | "destination" => target = !v.is_empty(),
            "id" | "source" | "src" | "from" | "sharing" | "mode" | "uid" | "gid" | "size"
            | "required" | "env" | "ro" | "readonly" | "rw" | "readwrite" => {}
            other => return Err(format!("unknown key {other:?}")),
        }
    }
    match kind {
        "bind" | "cache" | "tmpfs" if !target => Err("a target is required".into()),
        "bind" | "cache" | "tmpfs" | "secret" | "ssh" => Ok(()),
        other => Err(format!("unknown mount type {other:?}")),
    }
}

/// The variable names `$X`/`${X...}` a word refers to.
fn referenced_vars(w: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = w.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == b'$' {
            let start = i + 1 + (b.get(i + 1) == Some(&b'{')) as usize;
            let end = b[start..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .map_or(b.len(), |n| start + n);
            if end > start {
                out.push(w[start..end].to_string());
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::dockerfile::parse;

    fn problems(text: &str) -> Vec<(usize, &'static str)> {
        let df = parse("Dockerfile", text).unwrap();
        check(
            &df,
            &BuildArgs {
                platform: "linux/amd64".into(),
                ..Default::default()
            },
            None,
        )
        .into_iter()
        .map(|p| (p.line, p.rule))
        .collect()
    }

    #[test]
    fn clean_file_has_no_problems() {
        assert_eq!(
            problems("ARG V=1\nFROM busybox:$V AS base\nENV A=1\nWORKDIR /app\nCOPY --chmod=755 a /b\nRUN --mount=type=cache,target=/c true\nEXPOSE 80 53/udp\nCMD [\"sh\"]\nFROM base\nCOPY --from=base /a /a\n"),
            []
        );
    }

    #[test]
    fn errors_and_warnings() {
        let p = problems("FROM $NOPE\nMAINTAINER me\nCMD echo\nCMD [\"x\"]\nEXPOSE http\nCOPY --from=0 a b\nCOPY --chmod=999 a b\nRUN --mount=type=nfs,target=/x true\nRUN --mount=type=cache true\nSTOPSIGNAL SIGNOPE\nENV legacy value\nWORKDIR rel\nHEALTHCHECK --interval=soon CMD true\nRUN echo ${NOT_EXPANDED_BY_THE_BUILDER\n");
        assert_eq!(
            p,
            [
                (1, "Error"),
                (1, "UndefinedArgInFrom"),
                (2, "MaintainerDeprecated"),
                (3, "JSONArgsRecommended"),
                (4, "MultipleInstructionsDisallowed"),
                (5, "Error"),
                (6, "Error"),
                (7, "Error"),
                (8, "Error"),
                (9, "Error"),
                (10, "Error"),
                (11, "LegacyKeyValueFormat"),
                (12, "WorkdirRelativePath"),
                (13, "Error"),
            ]
        );
    }

    #[test]
    fn check_directive_skips_rules() {
        let df = parse(
            "Dockerfile",
            "# check=skip=JSONArgsRecommended;error=true\nFROM a\nMAINTAINER x\nCMD x\n",
        )
        .unwrap();
        let p = check(&df, &BuildArgs::default(), None);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].rule, "MaintainerDeprecated");
        assert!(CheckDirective::parse("skip=all; error=TRUE").error);
        assert!(!CheckDirective::parse("skip=all").reports("MaintainerDeprecated"));
    }

    #[test]
    fn unknown_target() {
        let df = parse("Dockerfile", "FROM a AS one\n").unwrap();
        let p = check(&df, &BuildArgs::default(), Some("two"));
        assert_eq!(p[0].message, "target stage \"two\" could not be found");
    }
}
