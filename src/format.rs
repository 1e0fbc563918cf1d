//! `--format` output: Docker's Go-template subset over JSON values
//! (`format::template`), column alignment (`format::table`), and the
//! listing conventions every command shares (`json`, `table ...`, raw
//! templates), plus Docker's human units for sizes and times.

pub mod human;
pub mod table;
pub mod template;

use serde_json::Value;

pub use template::{render, Template};

use crate::error::Result;

/// Renders a listing of `rows` as Docker does for `--format`:
/// - `None` or `table`: `default_table` (a `table ...` template);
/// - `json`: one JSON object per line;
/// - `table TEMPLATE`: a header row (from `title`) and aligned rows;
/// - anything else: the template once per row, each followed by a newline.
pub fn render_list(
    format: Option<&str>,
    default_table: &str,
    rows: &[Value],
    title: &dyn Fn(&str) -> String,
) -> Result<String> {
    let format = match format {
        None | Some("") | Some("table") => default_table,
        Some(f) => f,
    };
    if format == "json" {
        let mut out = String::new();
        for r in rows {
            out.push_str(&r.to_string());
            out.push('\n');
        }
        return Ok(out);
    }
    let (is_table, body) = match format.strip_prefix("table") {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
            (true, rest.trim_start())
        }
        _ => (false, format),
    };
    let body = unescape(body);
    let t = Template::parse(&body)?;
    let mut out = String::new();
    if is_table {
        let header = template::header_value(&t.fields(), title);
        out.push_str(&t.render(&header)?);
        out.push('\n');
    }
    for r in rows {
        out.push_str(&t.render(r)?);
        out.push('\n');
    }
    Ok(if is_table { table::align(&out) } else { out })
}

/// Renders one value (inspect, info): `json` prints it as JSON, else the
/// template; a newline follows.
pub fn render_one(format: &str, v: &Value) -> Result<String> {
    if format == "json" {
        return Ok(format!("{v}\n"));
    }
    Ok(format!("{}\n", render(&unescape(format), v)?))
}

/// Docker lets users write `\t` and `\n` literally in `--format`.
fn unescape(s: &str) -> String {
    s.replace("\\t", "\t").replace("\\n", "\n")
}

/// The default column title of a field: `CreatedSince` -> `CREATED SINCE`.
pub fn default_title(field: &str) -> String {
    let mut out = String::new();
    let cs: Vec<char> = field.chars().collect();
    for (i, c) in cs.iter().enumerate() {
        if i > 0 && c.is_uppercase() && cs[i - 1].is_lowercase() {
            out.push(' ');
        }
        out.extend(c.to_uppercase());
    }
    out
}
