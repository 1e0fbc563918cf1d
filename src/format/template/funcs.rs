//! The template's functions (`json`, `join`, `printf`, `eq`...), as Docker
//! and Go's text/template define them.

use serde_json::Value;

use super::err;
use super::eval::{to_text, truthy};
use crate::error::Result;

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

pub(super) fn call(name: &str, args: Vec<Value>) -> Result<Value> {
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
