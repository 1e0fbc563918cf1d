//! The template's parser: actions split out of the text, tokenized, and
//! read into the tree of nodes and pipelines (`super::Node`).

use super::{err, Arg, Cmd, Node, Pipeline};
use crate::error::Result;

/// Parses a whole template into its nodes.
pub(super) fn nodes(source: &str) -> Result<Vec<Node>> {
    let mut p = Parser {
        items: split_items(source)?,
        pos: 0,
    };
    Ok(p.nodes(&[])?.0)
}

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
