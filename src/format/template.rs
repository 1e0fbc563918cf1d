//! A Go text/template subset, enough for Docker's `--format` strings:
//! fields (`{{.A.B}}`, `{{.}}`, `{{$v.X}}`), pipelines (`{{.X | json}}`),
//! `if`/`else`, `range` (with `$i, $v :=`), `with`, and the functions Docker
//! users reach for: json, join, split, upper, lower, title, index, len,
//! printf, print, println, eq, ne, lt, le, gt, ge, not, and, or, truncate, pad.

use std::collections::HashMap;

use serde_json::Value;

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

// ---------- lexing actions ----------

fn tokenize(s: &str) -> Result<Vec<String>> {
    let mut toks = Vec::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '`' {
            let q = c;
            let mut j = i + 1;
            let mut lit = String::from(q);
            while j < cs.len() && cs[j] != q {
                if cs[j] == '\\' && q == '"' && j + 1 < cs.len() {
                    lit.push(cs[j]);
                    j += 1;
                }
                lit.push(cs[j]);
                j += 1;
            }
            if j >= cs.len() {
                return Err(err(format!("unterminated string in {s:?}")));
            }
            lit.push(q);
            toks.push(lit);
            i = j + 1;
        } else if c == '|' || c == '(' || c == ')' || c == ',' {
            toks.push(c.to_string());
            i += 1;
        } else if c == ':' && cs.get(i + 1) == Some(&'=') {
            toks.push(":=".into());
            i += 2;
        } else {
            let mut j = i;
            let ends_word = |j: usize| {
                cs[j].is_whitespace()
                    || "|(),".contains(cs[j])
                    || (cs[j] == ':' && cs.get(j + 1) == Some(&'='))
            };
            while j < cs.len() && !ends_word(j) {
                j += 1;
            }
            toks.push(cs[i..j].iter().collect());
            i = j;
        }
    }
    Ok(toks)
}

fn unquote(t: &str) -> Result<String> {
    if t.starts_with('`') {
        return Ok(t[1..t.len() - 1].to_string());
    }
    serde_json::from_str::<String>(t).map_err(|_| err(format!("bad string {t}")))
}

fn parse_path(s: &str) -> Vec<String> {
    s.split('.')
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

fn parse_pipeline(toks: &[String]) -> Result<Pipeline> {
    let mut cmds = Vec::new();
    let mut cur: Vec<Arg> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        match t.as_str() {
            "|" => {
                if cur.is_empty() {
                    return Err(err("missing command before |"));
                }
                cmds.push(Cmd(std::mem::take(&mut cur)));
            }
            "(" => {
                let mut depth = 1;
                let mut j = i + 1;
                while j < toks.len() && depth > 0 {
                    match toks[j].as_str() {
                        "(" => depth += 1,
                        ")" => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if depth != 0 {
                    return Err(err("unclosed ("));
                }
                cur.push(Arg::Sub(parse_pipeline(&toks[i + 1..j - 1])?));
                i = j;
                continue;
            }
            ")" => return Err(err("unexpected )")),
            _ if t.starts_with('"') || t.starts_with('`') => cur.push(Arg::Str(unquote(t)?)),
            _ if t.starts_with('.') => cur.push(Arg::Field(parse_path(t))),
            _ if t.starts_with('$') => {
                let (name, path) = match t[1..].split_once('.') {
                    Some((n, p)) => (n.to_string(), parse_path(p)),
                    None => (t[1..].to_string(), vec![]),
                };
                cur.push(Arg::Var(name, path));
            }
            "true" | "false" => cur.push(Arg::Bool(t == "true")),
            _ if t
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == '-') =>
            {
                cur.push(Arg::Num(
                    t.parse().map_err(|_| err(format!("bad number {t}")))?,
                ))
            }
            _ if t.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                cur.push(Arg::Ident(t.clone()))
            }
            _ => return Err(err(format!("unexpected {t:?}"))),
        }
        i += 1;
    }
    if cur.is_empty() {
        return Err(err("empty command"));
    }
    cmds.push(Cmd(cur));
    Ok(Pipeline(cmds))
}

// ---------- parsing the template ----------

enum Item {
    Text(String),
    Action(String),
}

fn split_items(src: &str) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find("{{") {
        let mut text = rest[..i].to_string();
        let mut after = &rest[i + 2..];
        if let Some(a) = after.strip_prefix('-') {
            if a.starts_with(char::is_whitespace) {
                text = text.trim_end().to_string();
                after = a;
            }
        }
        items.push(Item::Text(text));
        let j = after
            .find("}}")
            .ok_or_else(|| err(format!("unclosed action in {src:?}")))?;
        let mut action = &after[..j];
        let mut next = &after[j + 2..];
        if action.ends_with('-') && action[..action.len() - 1].ends_with(char::is_whitespace) {
            action = &action[..action.len() - 1];
            next = next.trim_start();
        }
        items.push(Item::Action(action.trim().to_string()));
        rest = next;
    }
    items.push(Item::Text(rest.to_string()));
    Ok(items)
}

struct Parser {
    items: Vec<Item>,
    pos: usize,
}

impl Parser {
    /// Parses nodes until one of `stops` (returns which stopped it).
    fn nodes(&mut self, stops: &[&str]) -> Result<(Vec<Node>, Option<String>)> {
        let mut out = Vec::new();
        while self.pos < self.items.len() {
            let item = &self.items[self.pos];
            self.pos += 1;
            match item {
                Item::Text(t) => {
                    if !t.is_empty() {
                        out.push(Node::Text(t.clone()))
                    }
                }
                Item::Action(a) => {
                    let a = a.clone();
                    if a.starts_with("/*") {
                        continue;
                    }
                    let word = a.split_whitespace().next().unwrap_or("");
                    if stops.contains(&word) {
                        return Ok((out, Some(a)));
                    }
                    match word {
                        "if" | "with" => {
                            let p = parse_pipeline(&tokenize(&a[word.len()..])?)?;
                            let (then, stop) = self.nodes(&["else", "end"])?;
                            let els = self.else_branch(stop)?;
                            out.push(if word == "if" {
                                Node::If(p, then, els)
                            } else {
                                Node::With(p, then, els)
                            });
                        }
                        "range" => {
                            let toks = tokenize(&a[5..])?;
                            let (k, v, rest) = match toks.iter().position(|t| t == ":=") {
                                Some(i) => {
                                    let vars: Vec<&String> =
                                        toks[..i].iter().filter(|t| *t != ",").collect();
                                    let name = |t: &String| t.trim_start_matches('$').to_string();
                                    match vars.as_slice() {
                                        [v] => (None, Some(name(v)), &toks[i + 1..]),
                                        [k, v] => (Some(name(k)), Some(name(v)), &toks[i + 1..]),
                                        _ => return Err(err("bad range variables")),
                                    }
                                }
                                None => (None, None, &toks[..]),
                            };
                            let p = parse_pipeline(rest)?;
                            let (body, stop) = self.nodes(&["else", "end"])?;
                            let els = self.else_branch(stop)?;
                            out.push(Node::Range(k, v, p, body, els));
                        }
                        "end" | "else" => return Err(err(format!("unexpected {{{{{word}}}}}"))),
                        _ => out.push(Node::Action(parse_pipeline(&tokenize(&a)?)?)),
                    }
                }
            }
        }
        if stops.is_empty() {
            Ok((out, None))
        } else {
            Err(err("missing {{end}}"))
        }
    }

    fn else_branch(&mut self, stop: Option<String>) -> Result<Vec<Node>> {
        match stop.as_deref() {
            Some("end") => Ok(vec![]),
            Some(s) if s.starts_with("else if ") => {
                // `{{else if x}}` is an if nested in the else branch sharing its {{end}}.
                let p = parse_pipeline(&tokenize(&s[8..])?)?;
                let (then, stop) = self.nodes(&["else", "end"])?;
                let els = self.else_branch(stop)?;
                Ok(vec![Node::If(p, then, els)])
            }
            Some(_) => {
                let (els, _) = self.nodes(&["end"])?;
                Ok(els)
            }
            None => Err(err("missing {{end}}")),
        }
    }
}

// ---------- evaluation ----------

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Go's default printing of a value.
pub fn to_text(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(to_text).collect::<Vec<_>>().join(" ")),
        Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            format!(
                "map[{}]",
                keys.iter()
                    .map(|k| format!("{k}:{}", to_text(&o[*k])))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

fn field(v: &Value, path: &[String]) -> Value {
    let mut cur = v.clone();
    for p in path {
        cur = match &cur {
            Value::Object(o) => o
                .get(p)
                .or_else(|| {
                    o.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(p))
                        .map(|(_, v)| v)
                })
                .cloned()
                .unwrap_or(Value::Null),
            _ => Value::Null,
        };
    }
    cur
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (num(a), num(b)) {
        (Some(x), Some(y)) if !matches!((a, b), (Value::String(_), Value::String(_))) => {
            x.partial_cmp(&y)
        }
        _ => Some(to_text(a).cmp(&to_text(b))),
    }
}

fn printf(args: &[Value]) -> Result<String> {
    let fmt = args.first().map(to_text).unwrap_or_default();
    let mut out = String::new();
    let mut rest = args.iter().skip(1);
    let mut cs = fmt.chars().peekable();
    while let Some(c) = cs.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&n) = cs.peek() {
            spec.push(n);
            cs.next();
            if n.is_ascii_alphabetic() || n == '%' {
                break;
            }
        }
        let verb = spec.chars().last().unwrap_or('v');
        if verb == '%' {
            out.push('%');
            continue;
        }
        let width: String = spec.chars().filter(|c| c.is_ascii_digit()).collect();
        let left = spec.starts_with('-');
        let val = rest.next().cloned().unwrap_or(Value::Null);
        let s = match verb {
            'q' => serde_json::to_string(&to_text(&val)).unwrap_or_default(),
            'd' => num(&val)
                .map(|n| format!("{}", n as i64))
                .unwrap_or_else(|| to_text(&val)),
            _ => to_text(&val),
        };
        let w: usize = width.parse().unwrap_or(0);
        if left {
            out.push_str(&format!("{s:<w$}"));
        } else {
            out.push_str(&format!("{s:>w$}"));
        }
    }
    Ok(out)
}

fn call(name: &str, args: Vec<Value>) -> Result<Value> {
    let s = |i: usize| args.get(i).map(to_text).unwrap_or_default();
    let need = |n: usize| -> Result<()> {
        if args.len() < n {
            Err(err(format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            )))
        } else {
            Ok(())
        }
    };
    Ok(match name {
        "json" => {
            need(1)?;
            Value::String(serde_json::to_string(&args[0]).map_err(|e| err(e.to_string()))?)
        }
        "upper" => Value::String(s(0).to_uppercase()),
        "lower" => Value::String(s(0).to_lowercase()),
        "title" => Value::String(
            s(0).split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "join" => {
            need(2)?;
            let items: Vec<String> = match &args[0] {
                Value::Array(a) => a.iter().map(to_text).collect(),
                Value::Null => vec![],
                other => vec![to_text(other)],
            };
            Value::String(items.join(&s(1)))
        }
        "split" => {
            need(2)?;
            Value::Array(s(0).split(&s(1)).map(|p| Value::String(p.into())).collect())
        }
        "len" => {
            need(1)?;
            Value::from(match &args[0] {
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                Value::String(x) => x.len(),
                Value::Null => 0,
                _ => return Err(err("len of a non-collection")),
            })
        }
        "index" => {
            need(2)?;
            let mut cur = args[0].clone();
            for k in &args[1..] {
                cur = match (&cur, k) {
                    (Value::Object(o), k) => o.get(&to_text(k)).cloned().unwrap_or(Value::Null),
                    (Value::Array(a), k) => num(k)
                        .and_then(|i| a.get(i as usize))
                        .cloned()
                        .unwrap_or(Value::Null),
                    _ => Value::Null,
                };
            }
            cur
        }
        "printf" => Value::String(printf(&args)?),
        "print" => Value::String(args.iter().map(to_text).collect::<Vec<_>>().join("")),
        "println" => Value::String(args.iter().map(to_text).collect::<Vec<_>>().join(" ") + "\n"),
        "eq" => {
            need(2)?;
            Value::Bool(
                args[1..]
                    .iter()
                    .any(|b| compare(&args[0], b) == Some(std::cmp::Ordering::Equal)),
            )
        }
        "ne" => {
            need(2)?;
            Value::Bool(compare(&args[0], &args[1]) != Some(std::cmp::Ordering::Equal))
        }
        "lt" | "le" | "gt" | "ge" => {
            need(2)?;
            let o = compare(&args[0], &args[1]);
            use std::cmp::Ordering::*;
            Value::Bool(match name {
                "lt" => o == Some(Less),
                "le" => o != Some(Greater),
                "gt" => o == Some(Greater),
                _ => o != Some(Less),
            })
        }
        "not" => Value::Bool(!args.first().map(truthy).unwrap_or(false)),
        "and" => args
            .iter()
            .find(|a| !truthy(a))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null),
        "or" => args
            .iter()
            .find(|a| truthy(a))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null),
        "truncate" => {
            need(2)?;
            let n = num(&args[1]).unwrap_or(0.0) as usize;
            Value::String(s(0).chars().take(n).collect())
        }
        "pad" => {
            need(3)?;
            let l = num(&args[1]).unwrap_or(0.0) as usize;
            let r = num(&args[2]).unwrap_or(0.0) as usize;
            Value::String(format!("{}{}{}", " ".repeat(l), s(0), " ".repeat(r)))
        }
        other => return Err(err(format!("function {other:?} not defined"))),
    })
}

struct Scope<'a> {
    root: &'a Value,
    vars: HashMap<String, Value>,
}

impl Scope<'_> {
    fn arg(&mut self, a: &Arg, dot: &Value) -> Result<Value> {
        Ok(match a {
            Arg::Field(p) => field(dot, p),
            Arg::Var(n, p) if n.is_empty() => field(self.root, p),
            Arg::Var(n, p) => field(
                self.vars
                    .get(n)
                    .ok_or_else(|| err(format!("undefined variable ${n}")))?,
                p,
            ),
            Arg::Str(s) => Value::String(s.clone()),
            Arg::Num(n) => serde_json::Number::from_f64(*n)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Arg::Bool(b) => Value::Bool(*b),
            Arg::Ident(i) => call(i, vec![])?,
            Arg::Sub(p) => self.pipeline(p, dot)?,
        })
    }

    fn pipeline(&mut self, p: &Pipeline, dot: &Value) -> Result<Value> {
        let mut prev: Option<Value> = None;
        for Cmd(args) in &p.0 {
            let v = match &args[0] {
                Arg::Ident(name) => {
                    let mut vals = Vec::new();
                    for a in &args[1..] {
                        vals.push(self.arg(a, dot)?);
                    }
                    if let Some(pv) = prev.take() {
                        vals.push(pv);
                    }
                    call(name, vals)?
                }
                a => {
                    if args.len() > 1 || prev.is_some() {
                        return Err(err("can't give an argument to a non-function"));
                    }
                    self.arg(a, dot)?
                }
            };
            prev = Some(v);
        }
        Ok(prev.unwrap_or(Value::Null))
    }

    fn exec(&mut self, nodes: &[Node], dot: &Value, out: &mut String) -> Result<()> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Action(p) => out.push_str(&to_text(&self.pipeline(p, dot)?)),
                Node::If(p, then, els) => {
                    let v = self.pipeline(p, dot)?;
                    self.exec(if truthy(&v) { then } else { els }, dot, out)?;
                }
                Node::With(p, then, els) => {
                    let v = self.pipeline(p, dot)?;
                    if truthy(&v) {
                        self.exec(then, &v, out)?;
                    } else {
                        self.exec(els, dot, out)?;
                    }
                }
                Node::Range(k, v, p, body, els) => {
                    let coll = self.pipeline(p, dot)?;
                    let items: Vec<(Value, Value)> = match coll {
                        Value::Array(a) => a
                            .into_iter()
                            .enumerate()
                            .map(|(i, x)| (Value::from(i), x))
                            .collect(),
                        Value::Object(o) => {
                            let mut kv: Vec<(String, Value)> = o.into_iter().collect();
                            kv.sort_by(|a, b| a.0.cmp(&b.0));
                            kv.into_iter().map(|(k, x)| (Value::String(k), x)).collect()
                        }
                        Value::Null => vec![],
                        other => {
                            return Err(err(format!(
                                "range can't iterate over {}",
                                to_text(&other)
                            )))
                        }
                    };
                    if items.is_empty() {
                        self.exec(els, dot, out)?;
                    }
                    for (key, item) in items {
                        if let Some(k) = k {
                            self.vars.insert(k.clone(), key);
                        }
                        if let Some(v) = v {
                            self.vars.insert(v.clone(), item.clone());
                        }
                        self.exec(body, &item, out)?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl Template {
    /// Parses `source`; a bad template is a one-line error.
    pub fn parse(source: &str) -> Result<Template> {
        let mut p = Parser {
            items: split_items(source)?,
            pos: 0,
        };
        let (nodes, _) = p.nodes(&[])?;
        Ok(Template { nodes })
    }

    /// Renders against `v` (`.` and `$` are `v`).
    pub fn render(&self, v: &Value) -> Result<String> {
        let mut out = String::new();
        Scope {
            root: v,
            vars: HashMap::new(),
        }
        .exec(&self.nodes, v, &mut out)?;
        Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(t: &str, v: Value) -> String {
        render(t, &v).unwrap()
    }

    #[test]
    fn fields_pipelines_and_functions() {
        let v = json!({"State": {"Status": "running"}, "Names": ["a", "b"], "Labels": {"x": "1", "y": "2"}, "N": 3});
        assert_eq!(r("{{.State.Status}}", v.clone()), "running");
        assert_eq!(r("{{json .State}}", v.clone()), r#"{"Status":"running"}"#);
        assert_eq!(r("{{.State | json}}", v.clone()), r#"{"Status":"running"}"#);
        assert_eq!(r("{{join .Names \",\"}}", v.clone()), "a,b");
        assert_eq!(r("{{range .Names}}<{{.}}>{{end}}", v.clone()), "<a><b>");
        assert_eq!(
            r(
                "{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}",
                v.clone()
            ),
            "x=1;y=2;"
        );
        assert_eq!(r("{{index .Labels \"y\"}}", v.clone()), "2");
        assert_eq!(
            r(
                "{{if eq .State.Status \"running\"}}up{{else}}down{{end}}",
                v.clone()
            ),
            "up"
        );
        assert_eq!(
            r(
                "{{if gt .N 5}}big{{else if gt .N 2}}mid{{else}}small{{end}}",
                v.clone()
            ),
            "mid"
        );
        assert_eq!(
            r("{{upper .State.Status}} {{len .Names}}", v.clone()),
            "RUNNING 2"
        );
        assert_eq!(
            r("{{printf \"%-5s|\" .State.Status}}", v.clone()),
            "running|"
        );
        assert_eq!(r("{{with .State}}{{.Status}}{{end}}", v.clone()), "running");
        assert_eq!(r("{{.Missing}}", v.clone()), "<no value>");
        assert_eq!(r("{{.Names}} {{.Labels}}", v.clone()), "[a b] map[x:1 y:2]");
        assert_eq!(r("a\\tb", v), "a\tb");
    }

    #[test]
    fn bad_templates_are_errors() {
        for t in [
            "{{.A",
            "{{if .A}}x",
            "{{end}}",
            "{{nosuchfunc .A}}",
            "{{range 3}}{{end}}",
        ] {
            assert!(render(t, &json!({"A": 1})).is_err(), "{t}");
        }
    }
}

#[cfg(test)]
mod docker_subset_tests {
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
        assert_eq!(r("{{.L}} {{.M}}", &v), "[a b] map[k:v]");
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
        for t in ["{{.A", "{{if .A}}x", "{{end}}", "{{nosuch .A}}", "{{\"x}}"] {
            let e = render(t, &json!({})).unwrap_err().to_string();
            assert!(!e.contains('\n'), "{t}: {e}");
        }
    }
}
