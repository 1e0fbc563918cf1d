//! A Go text/template subset, enough for Docker's `--format` strings:
//! fields (`{{.A.B}}`, `{{.}}`, `{{$v.X}}`), pipelines (`{{.X | json}}`),
//! `if`/`else`, `range` (with `$i, $v :=`), `with`, and the functions Docker
//! users reach for: json, join, split, upper, lower, title, index, len,
//! printf, print, println, eq, ne, lt, le, gt, ge, not, and, or, truncate, pad.

mod eval;
mod funcs;
mod parse;
#[cfg(test)]
mod tests;

use serde_json::Value;

pub use eval::to_text;

use crate::error::{Error, Result};

fn err(msg: impl Into<String>) -> Error {
    Error::Invalid(format!("template: {}", msg.into()))
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Pipeline),
    If(Pipeline, Vec<Node>, Vec<Node>),
    Range(
        Option<String>,
        Option<String>,
        Pipeline,
        Vec<Node>,
        Vec<Node>,
    ),
    With(Pipeline, Vec<Node>, Vec<Node>),
}

#[derive(Debug, Clone)]
struct Pipeline(Vec<Cmd>);

#[derive(Debug, Clone)]
struct Cmd(Vec<Arg>);

#[derive(Debug, Clone)]
enum Arg {
    /// `.A.B` (empty path is `.`)
    Field(Vec<String>),
    /// `$name.A.B` (`$` alone is the root)
    Var(String, Vec<String>),
    Str(String),
    Num(f64),
    Bool(bool),
    Ident(String),
    Sub(Pipeline),
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    nodes: Vec<Node>,
}

impl Template {
    /// Parses `source`; a bad template is a one-line error.
    pub fn parse(source: &str) -> Result<Template> {
        Ok(Template {
            nodes: parse::nodes(source)?,
        })
    }

    /// Renders against `v` (`.` and `$` are `v`).
    pub fn render(&self, v: &Value) -> Result<String> {
        eval::render(&self.nodes, v)
    }
}

/// Renders `source` against `v`. Docker's `\t` and `\n` escapes in a
/// `--format` string are honoured.
pub fn render(source: &str, v: &Value) -> Result<String> {
    Template::parse(&unescape(source))?.render(v)
}

/// Turns the two-character escapes `\t` and `\n` into tab and newline, as
/// Docker does for `--format` strings typed on a command line.
pub fn unescape(s: &str) -> String {
    s.replace("\\t", "\t").replace("\\n", "\n")
}
