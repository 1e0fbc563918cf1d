//! YAML to a tree that remembers where each node came from: anchors and
//! aliases resolved, merge keys (`<<: *base`) applied, the Compose tags
//! `!reset` and `!override` kept, plain scalars typed by YAML 1.2's core
//! schema. Built from saphyr-parser's events so errors carry line and
//! column, and bounded so an alias bomb cannot exhaust memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// The most nodes a document may expand to (aliases included).
pub const MAX_NODES: usize = 1_000_000;
/// The deepest nesting accepted.
const MAX_DEPTH: usize = 256;

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Keys in document order.
    Map(Vec<(String, Node)>),
}

/// `!reset` (drop what earlier files said) or `!override` (replace it
/// whole instead of merging).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeTag {
    Reset,
    Override,
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
    pub col: usize,
    pub tag: Option<MergeTag>,
}

impl Node {
    pub fn new(value: Value) -> Node {
        Node {
            value,
            line: 0,
            col: 0,
            tag: None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as JSON (tags dropped).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(v) => J::Array(v.iter().map(Node::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    /// A node from JSON (no position).
    pub fn from_json(v: &serde_json::Value) -> Node {
        use serde_json::Value as J;
        Node::new(match v {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or_default()),
            },
            J::String(s) => Value::String(s.clone()),
            J::Array(a) => Value::Seq(a.iter().map(Node::from_json).collect()),
            J::Object(o) => Value::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect(),
            ),
        })
    }
}

/// A YAML syntax or structure error, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {col}: {message}")]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

fn err(span: &Span, message: impl Into<String>) -> YamlError {
    YamlError {
        line: span.start.line(),
        col: span.start.col() + 1,
        message: message.into(),
    }
}

/// Parses the first document of `text`; an empty document is `Null`.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut text = std::borrow::Cow::Borrowed(text);
    // Each retry moves one closing bracket; a file has few of them.
    let mut retries = 64;
    loop {
        let parsed = Builder {
            events: Parser::new_from_str(&text).peekable(),
            anchors: HashMap::new(),
            nodes: 0,
        }
        .document();
        match parsed {
            Err(e) if e.message == "invalid indentation" && retries > 0 => {
                retries -= 1;
                text = std::borrow::Cow::Owned(reindent_closer(&text, e.line).ok_or(e)?);
            }
            other => return other,
        }
    }
}

/// A flow sequence or mapping closed on a line of its own, less indented
/// than YAML 1.2 strictly allows but as go-yaml and PyYAML (so Docker
/// Compose) accept it:
/// ```yaml
///     test: [
///         "CMD-SHELL", "true"
///     ]
/// ```
/// When the parser refuses the indentation of line `line` (1-based) and
/// that line holds only `]` or `}` (and a comma or comment), the text with
/// the bracket indented as the line before it; else None. The bracket's
/// indentation carries no meaning in flow context, so the document reads
/// as Compose reads it.
fn reindent_closer(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let idx = line.checked_sub(1)?;
    let bad = lines.get(idx)?;
    let rest = bad.trim_start_matches(' ');
    let after = rest.get(1..)?.trim_start_matches([' ', ',']);
    let closer = rest.starts_with([']', '}']) && (after.is_empty() || after.starts_with('#'));
    if !closer {
        return None;
    }
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let prev = lines[..idx].iter().rev().find(|l| !l.trim().is_empty())?;
    if indent(prev) <= indent(bad) {
        return None;
    }
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out[idx] = format!("{}{rest}", " ".repeat(indent(prev)));
    Some(out.join("\n"))
}

struct Builder<'a> {
    events: std::iter::Peekable<Parser<'a, saphyr_parser::StrInput<'a>>>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), YamlError> {
        match self.events.next() {
            Some(Ok(e)) => Ok(e),
            Some(Err(e)) => Err(YamlError {
                line: e.marker().line(),
                col: e.marker().col() + 1,
                message: e.info().to_string(),
            }),
            None => Err(YamlError {
                line: 0,
                col: 0,
                message: "unexpected end of the document".into(),
            }),
        }
    }

    fn document(&mut self) -> Result<Node, YamlError> {
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => return Ok(Node::new(Value::Null)),
                Event::DocumentStart(_) => {
                    let (ev, span) = self.next()?;
                    if matches!(ev, Event::DocumentEnd) {
                        return Ok(Node::new(Value::Null));
                    }
                    return self.node(ev, span, 0);
                }
                _ => return Err(err(&span, "expected a document")),
            }
        }
    }

    fn count(&mut self, span: &Span, n: usize) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(err(
                span,
                format!("the document expands to more than {MAX_NODES} nodes"),
            ));
        }
        Ok(())
    }

    fn node(&mut self, ev: Event<'a>, span: Span, depth: usize) -> Result<Node, YamlError> {
        if depth > MAX_DEPTH {
            return Err(err(
                &span,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.count(&span, 1)?;
        let at = |value, tag| Node {
            value,
            line: span.start.line(),
            col: span.start.col() + 1,
            tag,
        };
        let (node, anchor) = match ev {
            Event::Alias(id) => {
                let Some(n) = self.anchors.get(&id).cloned() else {
                    return Err(err(&span, "alias to an unknown anchor"));
                };
                let size = size(&n);
                self.count(&span, size)?;
                return Ok(n);
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let value = scalar(&text, style, tag.as_deref());
                (at(value, merge_tag(tag.as_deref(), &span)?), anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let mut items = Vec::new();
                loop {
                    let (ev, s) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, s, depth + 1)?);
                }
                (
                    at(Value::Seq(items), merge_tag(tag.as_deref(), &span)?),
                    anchor,
                )
            }
            Event::MappingStart(anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let map = self.mapping(depth)?;
                (
                    at(Value::Map(map), merge_tag(tag.as_deref(), &span)?),
                    anchor,
                )
            }
            _ => return Err(err(&span, "unexpected YAML event")),
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn mapping(&mut self, depth: usize) -> Result<Vec<(String, Node)>, YamlError> {
        let mut own: Vec<(String, Node)> = Vec::new();
        let mut merged: Vec<(String, Node)> = Vec::new();
        loop {
            let (ev, kspan) = self.next()?;
            if matches!(ev, Event::MappingEnd) {
                break;
            }
            let key = self.node(ev, kspan, depth + 1)?;
            let key = match key.value {
                Value::String(s) => s,
                Value::Int(i) => i.to_string(),
                Value::Float(f) => f.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".into(),
                _ => return Err(err(&kspan, "a mapping key must be a scalar")),
            };
            let (ev, vspan) = self.next()?;
            let value = self.node(ev, vspan, depth + 1)?;
            if key == "<<" {
                // Merge keys: the mappings' entries, earlier ones first;
                // the mapping's own keys win over all of them.
                let sources = match value.value {
                    Value::Map(m) => vec![m],
                    Value::Seq(items) => items
                        .into_iter()
                        .map(|n| match n.value {
                            Value::Map(m) => Ok(m),
                            _ => Err(err(&vspan, "a merge key takes mappings")),
                        })
                        .collect::<Result<_, _>>()?,
                    _ => return Err(err(&vspan, "a merge key takes a mapping or a list of them")),
                };
                for m in sources {
                    for (k, v) in m {
                        if !merged.iter().any(|(mk, _)| *mk == k) {
                            merged.push((k, v));
                        }
                    }
                }
                continue;
            }
            if own.iter().any(|(k, _)| *k == key) {
                return Err(err(&kspan, format!("mapping key {key:?} already defined")));
            }
            own.push((key, value));
        }
        for (k, v) in merged {
            if !own.iter().any(|(ok, _)| *ok == k) {
                own.push((k, v));
            }
        }
        Ok(own)
    }
}

fn size(n: &Node) -> usize {
    1 + match &n.value {
        Value::Seq(v) => v.iter().map(size).sum(),
        Value::Map(m) => m.iter().map(|(_, v)| size(v)).sum(),
        _ => 0,
    }
}

fn merge_tag(tag: Option<&str>, span: &Span) -> Result<Option<MergeTag>, YamlError> {
    Ok(match tag {
        Some("!reset") => Some(MergeTag::Reset),
        Some("!override") => Some(MergeTag::Override),
        Some(t) if t.starts_with("!!") || t == "!" => None,
        Some(t) => return Err(err(span, format!("unknown tag {t}"))),
        None => None,
    })
}

/// A scalar's value: quoted and block scalars are strings; plain ones are
/// typed by YAML 1.2's core schema; `!!str` forces a string.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    if style != ScalarStyle::Plain || tag == Some("!!str") {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
    }
    if let Some(h) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(h, 16) {
            return Value::Int(i);
        }
    }
    if let Some(o) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(o, 8) {
            return Value::Int(i);
        }
    }
    let float_like = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b"._eE+-".contains(&b));
    if float_like {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_closer_less_indented_reads_as_compose_reads_it() {
        let n =
            parse("a:\n  test: [\n      \"CMD-SHELL\",\n      \"true\"\n  ]\n  b: 1\n").unwrap();
        assert_eq!(
            n.get("a").unwrap().get("test").unwrap().to_json(),
            serde_json::json!(["CMD-SHELL", "true"])
        );
        // A block scalar's `]` line is content, never moved.
        let n = parse("a: |\n  x\n  ]\n").unwrap();
        assert_eq!(n.get("a").unwrap().as_str(), Some("x\n]\n"));
        assert!(parse("a:\n  b: 1\n c: 2\n").is_err());
    }

    #[test]
    fn scalars_anchors_and_merge_keys() {
        let n = parse(
            "x-base: &base\n  image: busybox\n  environment: {A: '1'}\nservices:\n  web:\n    <<: *base\n    image: nginx\n    ports: [80, \"443\"]\n    n: ~\n    f: 1.5\n    s: 0777x\n    t: yes\n",
        )
        .unwrap();
        let web = n.get("services").unwrap().get("web").unwrap();
        assert_eq!(web.get("image").unwrap().as_str(), Some("nginx"));
        assert_eq!(
            web.get("environment").unwrap().get("A").unwrap().as_str(),
            Some("1")
        );
        assert_eq!(web.get("n").unwrap().value, Value::Null);
        assert_eq!(web.get("f").unwrap().value, Value::Float(1.5));
        assert_eq!(
            web.get("t").unwrap().value,
            Value::String("yes".into()),
            "YAML 1.2: yes is a string"
        );
        match &web.get("ports").unwrap().value {
            Value::Seq(p) => {
                assert_eq!(p[0].value, Value::Int(80));
                assert_eq!(p[1].value, Value::String("443".into()));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!((web.line, web.col), (6, 5));
    }

    #[test]
    fn tags_and_errors() {
        let n = parse("a: !reset []\nb: !override {x: 1}\n").unwrap();
        assert_eq!(n.get("a").unwrap().tag, Some(MergeTag::Reset));
        assert_eq!(n.get("b").unwrap().tag, Some(MergeTag::Override));
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column 1: mapping key \"a\" already defined"
        );
        let e = parse("a: [1, 2\n").unwrap_err();
        assert!(e.line >= 1, "{e}");
        assert!(parse("a: !bogus x\n").is_err());
        assert_eq!(parse("").unwrap().value, Value::Null);
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("more than"), "{e}");
    }
}
