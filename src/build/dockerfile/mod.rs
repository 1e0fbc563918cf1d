//! The Dockerfile as data: `parse` turns text into stages of typed
//! instructions, each knowing the line it came from. Arguments are kept as
//! written (quotes and `$V` included); the builder expands them with the
//! `ARG`s and `ENV`s in scope when it reaches the step (`words::expand`).

mod instruction;
mod lines;
pub mod words;

pub use instruction::{ArgDecl, Command, CopyArgs, Health, Instruction, KeyValue, RunArgs};
pub use lines::{Directives, Heredoc};

/// A parse failure: `file:line: what`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {kind}")]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub kind: ParseErrorKind,
}

/// What was wrong on the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("unknown instruction: {0}")]
    UnknownInstruction(String),
    #[error("only one {0} parser directive can be used")]
    DuplicateDirective(String),
    #[error("invalid escape directive {0:?}: must be ` or \\")]
    BadEscape(String),
    #[error("heredoc {0} is never closed")]
    UnterminatedHeredoc(String),
    #[error("{instruction} requires {expected}")]
    Arguments {
        instruction: String,
        expected: &'static str,
    },
    #[error("{instruction}: unknown flag: --{flag}")]
    UnknownFlag { instruction: String, flag: String },
    #[error("{instruction}: flag --{flag} given more than once")]
    RepeatedFlag { instruction: String, flag: String },
    #[error("{instruction}: flag --{flag} {why}")]
    FlagValue {
        instruction: String,
        flag: String,
        why: &'static str,
    },
    #[error("{0} requires the arguments to be in JSON form")]
    NotJson(String),
    #[error("{0}: invalid argument {1:?}: {2}")]
    BadArgument(String, String, &'static str),
    #[error("{0} before the first FROM: no build stage in current context")]
    NoStage(String),
    #[error("invalid stage name {0:?}: it must start with a letter and hold only letters, digits, '-', '_' and '.'")]
    BadStageName(String),
    #[error("duplicate stage name {0:?}")]
    DuplicateStage(String),
    #[error("{0} is not allowed as an ONBUILD trigger")]
    BadOnbuild(String),
    #[error("the Dockerfile has no FROM")]
    NoFrom,
}

/// One instruction in a stage, where it came from and as it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub line: usize,
    /// `RUN echo hi`: the keyword and the joined line, for history and
    /// progress.
    pub text: String,
    pub instruction: Instruction,
}

/// `FROM base [AS name]` and the steps up to the next `FROM`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Position among the stages, from 0 (`COPY --from=0`).
    pub index: usize,
    pub line: usize,
    /// The base image, a stage name or `scratch`, as written.
    pub base: String,
    pub platform: Option<String>,
    /// The `AS` name, lower-cased.
    pub name: Option<String>,
    pub steps: Vec<Step>,
}

/// A whole Dockerfile.
#[derive(Debug, Clone, PartialEq)]
pub struct Dockerfile {
    pub file: String,
    pub directives: Directives,
    /// `ARG`s before the first `FROM`: in scope for the `FROM` lines.
    pub global_args: Vec<ArgDecl>,
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    /// The stage a `--target` or `COPY --from` names: by name, else by index.
    pub fn stage(&self, name_or_index: &str) -> Option<&Stage> {
        let lower = name_or_index.to_ascii_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| {
                let i: usize = name_or_index.parse().ok()?;
                self.stages.get(i)
            })
    }
}

/// Parses a Dockerfile; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Dockerfile, ParseError> {
    let (directives, logical) = lines::split(file, text)?;
    let escape = directives.escape;
    let mut df = Dockerfile {
        file: file.to_string(),
        directives,
        global_args: Vec::new(),
        stages: Vec::new(),
    };
    for l in logical {
        let err = |kind| ParseError {
            file: file.to_string(),
            line: l.line,
            kind,
        };
        let instruction = instruction::parse(&l, escape).map_err(err)?;
        let text = format!("{} {}", l.keyword, l.rest).trim_end().to_string();
        match instruction {
            Instruction::From {
                base,
                platform,
                name,
            } => {
                if let Some(n) = &name {
                    if df.stages.iter().any(|s| s.name.as_ref() == Some(n)) {
                        return Err(err(ParseErrorKind::DuplicateStage(n.clone())));
                    }
                }
                df.stages.push(Stage {
                    index: df.stages.len(),
                    line: l.line,
                    base,
                    platform,
                    name,
                    steps: Vec::new(),
                });
            }
            instruction => match df.stages.last_mut() {
                Some(stage) => stage.steps.push(Step {
                    line: l.line,
                    text,
                    instruction,
                }),
                None => match instruction {
                    Instruction::Arg(args) => df.global_args.extend(args),
                    _ => return Err(err(ParseErrorKind::NoStage(l.keyword.clone()))),
                },
            },
        }
    }
    if df.stages.is_empty() {
        return Err(ParseError {
            file: file.to_string(),
            line: text.lines().count().max(1),
            kind: ParseErrorKind::NoFrom,
        });
    }
    Ok(df)
}

#[cfg(test)]
mod tests;
