//! The template's evaluator: walks the parsed nodes against a JSON value,
//! with Go's truth and printing rules.

use std::collections::HashMap;

use serde_json::Value;

use super::funcs::call;
use super::{err, Arg, Cmd, Node, Pipeline};
use crate::error::Result;

/// Renders `nodes` against `v` (`.` and `$` are `v`).
pub(super) fn render(nodes: &[Node], v: &Value) -> Result<String> {
    let mut out = String::new();
    Scope {
        root: v,
        vars: HashMap::new(),
    }
    .exec(nodes, v, &mut out)?;
    Ok(out)
}

pub(super) fn truthy(v: &Value) -> bool {
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
