//! A Go text/template subset, enough for Docker's `--format` strings, over
//! JSON values: `{{.A.B}}`, `{{.}}`, `$var`, pipelines (`{{.X | json}}`),
//! `{{if}}/{{else if}}/{{else}}/{{end}}`, `{{range}}` (with `$i, $v :=`),
//! `{{with}}`, `{{- trim -}}` markers, and the functions Docker adds (json,
//! join, split, upper, lower, title, truncate, pad) plus Go's builtins
//! (index, len, printf, print, println, eq, ne, lt, le, gt, ge, and, or, not).
//!
//! Values print as Go prints them: strings bare, lists `[a b]`, maps
//! `map[k:v]`, a missing field `<no value>`.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    nodes: Vec<Node>,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Pipe),
    If(Pipe, Vec<Node>, Vec<Node>),
    Range(Pipe, Vec<Node>, Vec<Node>),
    With(Pipe, Vec<Node>, Vec<Node>),
}

#[derive(Debug, Clone)]
struct Pipe {
    decl: Vec<String>,
    cmds: Vec<Vec<Arg>>,
}

#[derive(Debug, Clone)]
enum Arg {
    /// `.A.B` (empty path: `.`)
    Field(Vec<String>),
    /// `$x.A.B` (`$` alone is the root)
    Var(String, Vec<String>),
    Lit(Value),
    Func(String),
    Sub(Box<Pipe>),
}

fn parse_err(msg: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("template parsing error: {msg}"))
}

fn exec_err(msg: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("template: executing: {msg}"))
}

// ---------------------------------------------------------------- lexing

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Field(Vec<String>),
    Var(String, Vec<String>),
    Str(String),
    Num(Value),
    Ident(String),
    Pipe,
    LParen,
    RParen,
    Declare,
    Comma,
}

/// Splits the source into text and action pieces, applying `{{-`/`-}}`.
fn split_actions(src: &str) -> Result<Vec<(bool, String)>> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut rest = src;
    let mut trim_next = false;
    while let Some(i) = rest.find("{{") {
        let mut text = &rest[..i];
        if trim_next {
            text = text.trim_start();
        }
        let mut inner = &rest[i + 2..];
        let trim_prev = inner.starts_with("- ") || inner.starts_with("-\t") || inner == "-";
        if trim_prev {
            text = text.trim_end();
            inner = &inner[1..];
        }
        out.push((false, text.to_string()));
        let end = find_close(inner).ok_or_else(|| parse_err("unclosed action"))?;
        let mut action = &inner[..end];
        trim_next = false;
        if action.ends_with(" -") || action.ends_with("\t-") {
            action = &action[..action.len() - 1];
            trim_next = true;
        }
        out.push((true, action.trim().to_string()));
        rest = &inner[end + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    out.push((false, text.to_string()));
    Ok(out)
}

/// Index of the `}}` closing an action, skipping quoted strings.
fn find_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if b.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn lex(action: &str) -> Result<Vec<Tok>> {
    let cs: Vec<char> = action.chars().collect();
    let mut i = 0;
    let mut toks = Vec::new();
    let path = |i: &mut usize| -> Vec<String> {
        let mut parts = Vec::new();
        while *i < cs.len() && cs[*i] == '.' {
            *i += 1;
            let start = *i;
            while *i < cs.len() && is_ident_char(cs[*i]) {
                *i += 1;
            }
            if *i > start {
                parts.push(cs[start..*i].iter().collect());
            }
        }
        parts
    };
    while i < cs.len() {
        let c = cs[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '|' => {
                toks.push(Tok::Pipe);
                i += 1
            }
            '(' => {
                toks.push(Tok::LParen);
                i += 1
            }
            ')' => {
                toks.push(Tok::RParen);
                i += 1
            }
            ',' => {
                toks.push(Tok::Comma);
                i += 1
            }
            ':' if cs.get(i + 1) == Some(&'=') => {
                toks.push(Tok::Declare);
                i += 2
            }
            '=' => {
                toks.push(Tok::Declare);
                i += 1
            }
            '.' => {
                let p = path(&mut i);
                toks.push(Tok::Field(p));
            }
            '$' => {
                i += 1;
                let start = i;
                while i < cs.len() && is_ident_char(cs[i]) {
                    i += 1;
                }
                let name: String = cs[start..i].iter().collect();
                let p = path(&mut i);
                toks.push(Tok::Var(name, p));
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match cs.get(i) {
                        None => return Err(parse_err("unterminated quoted string")),
                        Some('"') => break,
                        Some('\\') => {
                            i += 1;
                            match cs.get(i) {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some('r') => s.push('\r'),
                                Some('\\') => s.push('\\'),
                                Some('"') => s.push('"'),
                                Some(o) => return Err(parse_err(format!("unknown escape \\{o}"))),
                                None => return Err(parse_err("unterminated quoted string")),
                            }
                        }
                        Some(ch) => s.push(*ch),
                    }
                    i += 1;
                }
                i += 1;
                toks.push(Tok::Str(s));
            }
            '`' => {
                let start = i + 1;
                i = start;
                while i < cs.len() && cs[i] != '`' {
                    i += 1;
                }
                if i >= cs.len() {
                    return Err(parse_err("unterminated raw quoted string"));
                }
                toks.push(Tok::Str(cs[start..i].iter().collect()));
                i += 1;
            }
            c if c.is_ascii_digit()
                || (c == '-' && cs.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while i < cs.len() && (cs[i].is_ascii_digit() || cs[i] == '.') {
                    i += 1;
                }
                let s: String = cs[start..i].iter().collect();
                let v = if let Ok(n) = s.parse::<i64>() {
                    Value::from(n)
                } else if let Ok(f) = s.parse::<f64>() {
                    Value::from(f)
                } else {
                    return Err(parse_err(format!("bad number syntax: {s:?}")));
                };
                toks.push(Tok::Num(v));
            }
            c if is_ident_char(c) => {
                let start = i;
                while i < cs.len() && is_ident_char(cs[i]) {
                    i += 1;
                }
                toks.push(Tok::Ident(cs[start..i].iter().collect()));
                // A field chain after a parenthesised value is not supported;
                // an identifier followed by '.' is an error in Go too.
            }
            other => return Err(parse_err(format!("unexpected {other:?} in command"))),
        }
    }
    Ok(toks)
}

// ---------------------------------------------------------------- parsing

const FUNCS: &[&str] = &[
    "json", "join", "split", "upper", "lower", "title", "truncate", "pad", "index", "len",
    "printf", "print", "println", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not",
];

struct PipeParser {
    toks: Vec<Tok>,
    pos: usize,
}

impl PipeParser {
    fn pipe(&mut self, allow_decl: bool) -> Result<Pipe> {
        let mut decl = Vec::new();
        if allow_decl {
            // `$x :=` or `$i, $v :=`
            let save = self.pos;
            let mut names = Vec::new();
            while let Some(Tok::Var(n, p)) = self.toks.get(self.pos) {
                if !p.is_empty() {
                    break;
                }
                names.push(n.clone());
                self.pos += 1;
                if self.toks.get(self.pos) == Some(&Tok::Comma) {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            if !names.is_empty() && self.toks.get(self.pos) == Some(&Tok::Declare) {
                self.pos += 1;
                decl = names;
            } else {
                self.pos = save;
            }
        }
        let mut cmds = Vec::new();
        loop {
            let mut args = Vec::new();
            while let Some(t) = self.toks.get(self.pos) {
                match t {
                    Tok::Pipe | Tok::RParen => break,
                    _ => args.push(self.arg()?),
                }
            }
            if args.is_empty() {
                return Err(parse_err("missing value for command"));
            }
            cmds.push(args);
            if self.toks.get(self.pos) == Some(&Tok::Pipe) {
                self.pos += 1;
            } else {
                break;
            }
        }
        Ok(Pipe { decl, cmds })
    }

    fn arg(&mut self) -> Result<Arg> {
        let t = self.toks[self.pos].clone();
        self.pos += 1;
        Ok(match t {
            Tok::Field(p) => Arg::Field(p),
            Tok::Var(n, p) => Arg::Var(n, p),
            Tok::Str(s) => Arg::Lit(Value::String(s)),
            Tok::Num(n) => Arg::Lit(n),
            Tok::Ident(id) => match id.as_str() {
                "true" => Arg::Lit(Value::Bool(true)),
                "false" => Arg::Lit(Value::Bool(false)),
                "nil" => Arg::Lit(Value::Null),
                f if FUNCS.contains(&f) => Arg::Func(id),
                _ => return Err(parse_err(format!("function {id:?} not defined"))),
            },
            Tok::LParen => {
                let p = self.pipe(false)?;
                if self.toks.get(self.pos) != Some(&Tok::RParen) {
                    return Err(parse_err("unclosed left paren"));
                }
                self.pos += 1;
                Arg::Sub(Box::new(p))
            }
            Tok::RParen => return Err(parse_err("unexpected right paren")),
            Tok::Pipe | Tok::Comma | Tok::Declare => {
                return Err(parse_err(format!("unexpected {t:?} in command")))
            }
        })
    }
}

fn parse_pipe(action: &str, allow_decl: bool) -> Result<Pipe> {
    let toks = lex(action)?;
    let mut p = PipeParser { toks, pos: 0 };
    let pipe = p.pipe(allow_decl)?;
    if p.pos != p.toks.len() {
        return Err(parse_err(format!("unexpected token in {action:?}")));
    }
    Ok(pipe)
}

/// What ended a list of nodes.
enum Stop {
    Eof,
    End,
    Else(Option<String>),
}

fn parse_list(pieces: &[(bool, String)], pos: &mut usize) -> Result<(Vec<Node>, Stop)> {
    let mut nodes = Vec::new();
    while *pos < pieces.len() {
        let (is_action, s) = &pieces[*pos];
        *pos += 1;
        if !is_action {
            if !s.is_empty() {
                nodes.push(Node::Text(s.clone()));
            }
            continue;
        }
        if s.starts_with("/*") {
            continue;
        }
        let (kw, rest) = match s.split_once(char::is_whitespace) {
            Some((k, r)) => (k, r.trim()),
            None => (s.as_str(), ""),
        };
        match kw {
            "end" => return Ok((nodes, Stop::End)),
            "else" => {
                let cond = rest.strip_prefix("if").map(|r| r.trim().to_string());
                if !rest.is_empty() && cond.is_none() {
                    return Err(parse_err(format!("unexpected {rest:?} after else")));
                }
                return Ok((nodes, Stop::Else(cond)));
            }
            "if" | "range" | "with" => {
                if rest.is_empty() {
                    return Err(parse_err(format!("missing value for {kw}")));
                }
                nodes.push(parse_block(kw, rest, pieces, pos)?);
            }
            "define" | "template" | "block" | "break" | "continue" => {
                return Err(parse_err(format!("{{{{{kw}}}}} is not supported")))
            }
            _ => nodes.push(Node::Action(parse_pipe(s, true)?)),
        }
    }
    Ok((nodes, Stop::Eof))
}

fn parse_block(kw: &str, cond: &str, pieces: &[(bool, String)], pos: &mut usize) -> Result<Node> {
    let pipe = parse_pipe(cond, kw != "if")?;
    let (body, stop) = parse_list(pieces, pos)?;
    let els = match stop {
        Stop::Eof => {
            return Err(parse_err(format!(
                "unexpected EOF: {{{{{kw}}}}} without {{{{end}}}}"
            )))
        }
        Stop::End => Vec::new(),
        Stop::Else(None) => {
            let (els, stop) = parse_list(pieces, pos)?;
            match stop {
                Stop::End => els,
                _ => {
                    return Err(parse_err(format!(
                        "expected {{{{end}}}} after {{{{else}}}} in {kw}"
                    )))
                }
            }
        }
        Stop::Else(Some(c)) => {
            if kw != "if" {
                return Err(parse_err("{{else if}} only follows {{if}}"));
            }
            vec![parse_block("if", &c, pieces, pos)?]
        }
    };
    Ok(match kw {
        "if" => Node::If(pipe, body, els),
        "range" => Node::Range(pipe, body, els),
        _ => Node::With(pipe, body, els),
    })
}

// ---------------------------------------------------------------- running

struct Exec<'a> {
    root: &'a Value,
    vars: Vec<(String, Value)>,
}

fn walk(v: &Value, path: &[String]) -> Result<Value> {
    let mut cur = v.clone();
    for p in path {
        cur = match &cur {
            Value::Object(m) => m.get(p).cloned().unwrap_or(Value::Null),
            Value::Null => Value::Null,
            other => {
                return Err(exec_err(format!(
                    "can't evaluate field {p} in type {}",
                    type_name(other)
                )))
            }
        };
    }
    Ok(cur)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nil",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "slice",
        Value::Object(_) => "map",
    }
}

/// Go's truth: false, 0, nil, and empty strings, lists and maps are false.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// Prints a value as Go's `fmt` prints it with `%v`.
pub fn go_string(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_inner).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", go_inner(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn go_inner(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        other => go_string(other),
    }
}

impl Exec<'_> {
    fn var(&self, name: &str) -> Result<Value> {
        if name.is_empty() {
            return Ok(self.root.clone());
        }
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| exec_err(format!("undefined variable: ${name}")))
    }

    fn run(&mut self, nodes: &[Node], dot: &Value, out: &mut String) -> Result<()> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Action(p) => {
                    let v = self.pipe(p, dot)?;
                    if p.decl.is_empty() {
                        out.push_str(&go_string(&v));
                    }
                }
                Node::If(p, then, els) => {
                    let mark = self.vars.len();
                    let v = self.pipe(p, dot)?;
                    let r = if truthy(&v) {
                        self.run(then, dot, out)
                    } else {
                        self.run(els, dot, out)
                    };
                    self.vars.truncate(mark);
                    r?;
                }
                Node::With(p, body, els) => {
                    let mark = self.vars.len();
                    let v = self.pipe(p, dot)?;
                    let r = if truthy(&v) {
                        self.run(body, &v, out)
                    } else {
                        self.run(els, dot, out)
                    };
                    self.vars.truncate(mark);
                    r?;
                }
                Node::Range(p, body, els) => {
                    let plain = Pipe {
                        decl: Vec::new(),
                        cmds: p.cmds.clone(),
                    };
                    let v = self.pipe(&plain, dot)?;
                    let items: Vec<(Value, Value)> = match &v {
                        Value::Array(a) => a
                            .iter()
                            .enumerate()
                            .map(|(i, x)| (Value::from(i), x.clone()))
                            .collect(),
                        Value::Object(m) => m
                            .iter()
                            .map(|(k, x)| (Value::String(k.clone()), x.clone()))
                            .collect(),
                        Value::Null => Vec::new(),
                        Value::Number(n) if n.as_u64().is_some() => (0..n.as_u64().unwrap_or(0))
                            .map(|i| (Value::from(i), Value::from(i)))
                            .collect(),
                        other => {
                            return Err(exec_err(format!(
                                "range can't iterate over {}",
                                go_string(other)
                            )))
                        }
                    };
                    if items.is_empty() {
                        self.run(els, dot, out)?;
                        continue;
                    }
                    for (k, x) in items {
                        let mark = self.vars.len();
                        match p.decl.as_slice() {
                            [] => {}
                            [one] => self.vars.push((one.clone(), x.clone())),
                            [a, b, ..] => {
                                self.vars.push((a.clone(), k));
                                self.vars.push((b.clone(), x.clone()));
                            }
                        }
                        let r = self.run(body, &x, out);
                        self.vars.truncate(mark);
                        r?;
                    }
                }
            }
        }
        Ok(())
    }

    fn pipe(&mut self, p: &Pipe, dot: &Value) -> Result<Value> {
        let mut prev: Option<Value> = None;
        for cmd in &p.cmds {
            prev = Some(self.command(cmd, dot, prev)?);
        }
        let v = prev.unwrap_or(Value::Null);
        if let Some(name) = p.decl.first() {
            self.vars.push((name.clone(), v.clone()));
        }
        Ok(v)
    }

    fn value(&mut self, a: &Arg, dot: &Value) -> Result<Value> {
        match a {
            Arg::Field(path) => walk(dot, path),
            Arg::Var(n, path) => walk(&self.var(n)?, path),
            Arg::Lit(v) => Ok(v.clone()),
            Arg::Sub(p) => self.pipe(p, dot),
            Arg::Func(f) => call(f, Vec::new()),
        }
    }

    fn command(&mut self, cmd: &[Arg], dot: &Value, prev: Option<Value>) -> Result<Value> {
        match &cmd[0] {
            Arg::Func(f) => {
                let mut args = Vec::new();
                for a in &cmd[1..] {
                    args.push(self.value(a, dot)?);
                }
                args.extend(prev);
                call(f, args)
            }
            first => {
                if cmd.len() > 1 || prev.is_some() {
                    return Err(exec_err("can't give argument to non-function"));
                }
                self.value(first, dot)
            }
        }
    }
}

fn arity(f: &str, args: &[Value], n: usize) -> Result<()> {
    if args.len() != n {
        return Err(exec_err(format!(
            "wrong number of args for {f}: want {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

fn as_str(f: &str, v: &Value) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        other => Err(exec_err(format!(
            "{f}: expected a string, got {}",
            go_string(other)
        ))),
    }
}

fn as_int(f: &str, v: &Value) -> Result<i64> {
    v.as_i64()
        .or_else(|| v.as_f64().map(|x| x as i64))
        .ok_or_else(|| exec_err(format!("{f}: expected an integer, got {}", go_string(v))))
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn call(f: &str, args: Vec<Value>) -> Result<Value> {
    use std::cmp::Ordering::*;
    let s = |v: String| Ok(Value::String(v));
    match f {
        "json" => {
            arity(f, &args, 1)?;
            s(serde_json::to_string(&args[0]).map_err(|e| exec_err(e.to_string()))?)
        }
        "join" => {
            arity(f, &args, 2)?;
            let sep = as_str(f, &args[1])?;
            let items: Vec<String> = match &args[0] {
                Value::Array(a) => a.iter().map(go_string).collect(),
                Value::Null => Vec::new(),
                other => vec![go_string(other)],
            };
            s(items.join(&sep))
        }
        "split" => {
            arity(f, &args, 2)?;
            let (text, sep) = (as_str(f, &args[0])?, as_str(f, &args[1])?);
            Ok(Value::Array(
                text.split(sep.as_str())
                    .map(|p| Value::String(p.into()))
                    .collect(),
            ))
        }
        "upper" => {
            arity(f, &args, 1)?;
            s(go_string(&args[0]).to_uppercase())
        }
        "lower" => {
            arity(f, &args, 1)?;
            s(go_string(&args[0]).to_lowercase())
        }
        "title" => {
            arity(f, &args, 1)?;
            let mut out = String::new();
            let mut start = true;
            for c in go_string(&args[0]).chars() {
                if start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric() && c != '_' && c != '\'';
            }
            s(out)
        }
        "truncate" => {
            arity(f, &args, 2)?;
            let n = as_int(f, &args[1])?.max(0) as usize;
            s(go_string(&args[0]).chars().take(n).collect())
        }
        "pad" => {
            arity(f, &args, 3)?;
            let (l, r) = (
                as_int(f, &args[1])?.max(0) as usize,
                as_int(f, &args[2])?.max(0) as usize,
            );
            s(format!(
                "{}{}{}",
                " ".repeat(l),
                go_string(&args[0]),
                " ".repeat(r)
            ))
        }
        "index" => {
            if args.is_empty() {
                return Err(exec_err("index: missing arguments"));
            }
            let mut cur = args[0].clone();
            for k in &args[1..] {
                cur = match (&cur, k) {
                    (Value::Object(m), Value::String(key)) => {
                        m.get(key).cloned().unwrap_or(Value::Null)
                    }
                    (Value::Array(a), k) => {
                        let i = as_int(f, k)?;
                        a.get(usize::try_from(i).unwrap_or(usize::MAX))
                            .cloned()
                            .ok_or_else(|| exec_err(format!("index out of range: {i}")))?
                    }
                    (Value::Null, _) => Value::Null,
                    (c, k) => {
                        return Err(exec_err(format!(
                            "can't index item of type {} with {}",
                            type_name(c),
                            go_string(k)
                        )))
                    }
                };
            }
            Ok(cur)
        }
        "len" => {
            arity(f, &args, 1)?;
            let n = match &args[0] {
                Value::String(x) => x.len(),
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                Value::Null => 0,
                other => return Err(exec_err(format!("len of {}", type_name(other)))),
            };
            Ok(Value::from(n))
        }
        "printf" => {
            if args.is_empty() {
                return Err(exec_err("printf: missing format"));
            }
            s(sprintf(&as_str(f, &args[0])?, &args[1..]))
        }
        "print" => s(sprint(&args)),
        "println" => s(format!(
            "{}\n",
            args.iter().map(go_string).collect::<Vec<_>>().join(" ")
        )),
        "eq" => {
            if args.len() < 2 {
                return Err(exec_err("eq: missing arguments"));
            }
            Ok(Value::Bool(args[1..].iter().any(|b| {
                compare(&args[0], b).map_or(args[0] == *b, |o| o == Equal)
            })))
        }
        "ne" => {
            arity(f, &args, 2)?;
            Ok(Value::Bool(
                compare(&args[0], &args[1]).map_or(args[0] != args[1], |o| o != Equal),
            ))
        }
        "lt" | "le" | "gt" | "ge" => {
            arity(f, &args, 2)?;
            let o = compare(&args[0], &args[1])
                .ok_or_else(|| exec_err(format!("{f}: incompatible types for comparison")))?;
            Ok(Value::Bool(match f {
                "lt" => o == Less,
                "le" => o != Greater,
                "gt" => o == Greater,
                _ => o != Less,
            }))
        }
        "and" => Ok(args
            .iter()
            .find(|v| !truthy(v))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null)),
        "or" => Ok(args
            .iter()
            .find(|v| truthy(v))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null)),
        "not" => {
            arity(f, &args, 1)?;
            Ok(Value::Bool(!truthy(&args[0])))
        }
        other => Err(exec_err(format!("function {other:?} not defined"))),
    }
}

/// Go's `Sprint`: a space between operands when neither is a string.
fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !a.is_string() && !args[i - 1].is_string() {
            out.push(' ');
        }
        out.push_str(&go_string(a));
    }
    out
}

/// Go's `Sprintf` for the common verbs: %s %v %d %q %f %t %x %%, with flags
/// `-`, `0`, width and precision.
fn sprintf(fmt: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut cs = fmt.chars().peekable();
    while let Some(c) = cs.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let (mut left, mut zero) = (false, false);
        while let Some(&f) = cs.peek() {
            match f {
                '-' => left = true,
                '0' => zero = true,
                '+' | ' ' | '#' => {}
                _ => break,
            }
            cs.next();
        }
        let mut width = String::new();
        while let Some(&d) = cs.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            cs.next();
        }
        let mut prec: Option<usize> = None;
        if cs.peek() == Some(&'.') {
            cs.next();
            let mut p = String::new();
            while let Some(&d) = cs.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                cs.next();
            }
            prec = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = cs.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.next() else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        let mut body = match verb {
            'd' => arg
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_else(|| format!("%!d({})", go_string(arg))),
            'f' => arg
                .as_f64()
                .map(|n| format!("{:.*}", prec.unwrap_or(6), n))
                .unwrap_or_else(|| format!("%!f({})", go_string(arg))),
            'q' => serde_json::to_string(&go_string(arg)).unwrap_or_default(),
            'x' => match arg {
                Value::Number(n) => n.as_i64().map(|i| format!("{i:x}")).unwrap_or_default(),
                other => hex::encode(go_string(other)),
            },
            't' | 's' | 'v' => {
                let s = go_string(arg);
                match prec {
                    Some(p) if verb == 's' => s.chars().take(p).collect(),
                    _ => s,
                }
            }
            other => format!("%!{other}({})", go_string(arg)),
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = body.chars().count();
        if len < w {
            let pad = w - len;
            if left {
                body.push_str(&" ".repeat(pad));
            } else if zero && matches!(verb, 'd' | 'f') {
                body = format!("{}{body}", "0".repeat(pad));
            } else {
                body = format!("{}{body}", " ".repeat(pad));
            }
        }
        out.push_str(&body);
    }
    for extra in args {
        out.push_str(&format!("%!(EXTRA {})", go_string(extra)));
    }
    out
}

impl Template {
    /// Parses a template; a bad one gives a one-line error.
    pub fn parse(source: &str) -> Result<Template> {
        let pieces = split_actions(source)?;
        let mut pos = 0;
        let (nodes, stop) = parse_list(&pieces, &mut pos)?;
        match stop {
            Stop::Eof => Ok(Template { nodes }),
            Stop::End => Err(parse_err("unexpected {{end}}")),
            Stop::Else(_) => Err(parse_err("unexpected {{else}}")),
        }
    }

    /// Runs the template with `v` as dot (and `$`).
    pub fn render(&self, v: &Value) -> Result<String> {
        let mut exec = Exec {
            root: v,
            vars: Vec::new(),
        };
        let mut out = String::new();
        exec.run(&self.nodes, v, &mut out)?;
        Ok(out)
    }

    /// The field names the template reads from dot, in order (for headers).
    pub fn fields(&self) -> Vec<String> {
        fn from_pipe(p: &Pipe, out: &mut Vec<String>) {
            for cmd in &p.cmds {
                for a in cmd {
                    match a {
                        Arg::Field(path) if !path.is_empty() && !out.contains(&path[0]) => {
                            out.push(path[0].clone());
                        }
                        Arg::Sub(p) => from_pipe(p, out),
                        _ => {}
                    }
                }
            }
        }
        fn from_nodes(ns: &[Node], out: &mut Vec<String>) {
            for n in ns {
                match n {
                    Node::Text(_) => {}
                    Node::Action(p) => from_pipe(p, out),
                    Node::If(p, a, b) | Node::Range(p, a, b) | Node::With(p, a, b) => {
                        from_pipe(p, out);
                        from_nodes(a, out);
                        from_nodes(b, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        from_nodes(&self.nodes, &mut out);
        out
    }
}

/// Renders `source` against `v`.
pub fn render(source: &str, v: &Value) -> Result<String> {
    Template::parse(source)?.render(v)
}

/// A header row's values: each field maps to its column title.
pub fn header_value(fields: &[String], title: impl Fn(&str) -> String) -> Value {
    let mut m = Map::new();
    for f in fields {
        m.insert(f.clone(), Value::String(title(f)));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(t: &str, v: &Value) -> String {
        render(t, v).unwrap_or_else(|e| panic!("{t}: {e}"))
    }

    #[test]
    fn fields_json_and_dot() {
        let v = json!({"A": {"B": "x"}, "N": 3, "L": ["a", "b"], "M": {"k": "v"}});
        assert_eq!(r("{{.A.B}}-{{.N}}", &v), "x-3");
        assert_eq!(r("{{json .A}}", &v), r#"{"B":"x"}"#);
        assert_eq!(r("{{.A | json}}", &v), r#"{"B":"x"}"#);
        assert_eq!(
            r("{{.L}} {{.M}} {{.Missing}}", &v),
            "[a b] map[k:v] <no value>"
        );
        assert_eq!(r("{{.}}", &json!("s")), "s");
        assert_eq!(r("{{$.N}}", &v), "3");
    }

    #[test]
    fn range_if_with() {
        let v = json!({"L": ["a", "b"], "M": {"x": "1", "y": "2"}, "E": [], "T": true});
        assert_eq!(r("{{range .L}}<{{.}}>{{end}}", &v), "<a><b>");
        assert_eq!(
            r("{{range $i, $e := .L}}{{$i}}={{$e}} {{end}}", &v),
            "0=a 1=b "
        );
        assert_eq!(
            r("{{range $k, $v := .M}}{{$k}}:{{$v}};{{end}}", &v),
            "x:1;y:2;"
        );
        assert_eq!(r("{{range .E}}x{{else}}empty{{end}}", &v), "empty");
        assert_eq!(r("{{if .T}}yes{{else}}no{{end}}", &v), "yes");
        assert_eq!(r("{{if .E}}yes{{else if .T}}elif{{end}}", &v), "elif");
        assert_eq!(r("{{with .M}}{{.x}}{{end}}", &v), "1");
        assert_eq!(r("a {{- \" b \" -}} c", &v), "a b c");
    }

    #[test]
    fn functions() {
        let v = json!({"M": {"k.e": "v"}, "L": ["a", "b"], "S": "hello world", "N": 5});
        assert_eq!(r(r#"{{index .M "k.e"}}"#, &v), "v");
        assert_eq!(r(r#"{{join .L ","}}"#, &v), "a,b");
        assert_eq!(
            r("{{upper .S}} {{lower \"AB\"}} {{title .S}}", &v),
            "HELLO WORLD ab Hello World"
        );
        assert_eq!(
            r(r#"{{printf "%-6s|%3d|%q" "ab" .N "x"}}"#, &v),
            "ab    |  5|\"x\""
        );
        assert_eq!(r("{{println .N}}", &v), "5\n");
        assert_eq!(r("{{len .L}} {{len .S}}", &v), "2 11");
        assert_eq!(r("{{if eq .N 5}}five{{end}}", &v), "five");
        assert_eq!(r("{{truncate .S 5}}", &v), "hello");
        assert_eq!(
            r(r#"{{(split .S " ") | json}}"#, &v),
            r#"["hello","world"]"#
        );
    }

    #[test]
    fn bad_templates_are_one_line_errors() {
        for t in [
            "{{.A",
            "{{if .A}}x",
            "{{end}}",
            "{{nosuch .A}}",
            "{{.A .B}}",
            "{{\"x}}",
        ] {
            let e = render(t, &json!({})).unwrap_err().to_string();
            assert!(!e.contains('\n'), "{t}: {e}");
        }
    }
}
