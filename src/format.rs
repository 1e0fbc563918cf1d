//! `--format` output: Docker's Go-template subset (`format::template`), the
//! tab-aligned tables every listing prints, and the choice between them:
//! no format (the default table), `table [TEMPLATE]`, `json` (one object per
//! line), or a bare template (one rendering per row).

pub mod template;

use std::collections::HashMap;

use serde_json::Value;

pub use template::{render, Template};

use crate::error::Result;

/// Aligns tab-separated cells like Go's tabwriter as Docker configures it
/// (min width 10, padding 3): each cell but a line's last is padded to its
/// column's widest cell plus 3.
pub fn tabwrite(text: &str) -> String {
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    let cols = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for l in &lines {
        for (i, c) in l.iter().enumerate() {
            if i + 1 < l.len() {
                widths[i] = widths[i].max((c.chars().count() + 3).max(10));
            }
        }
    }
    let mut out = String::new();
    for l in &lines {
        let mut line = String::new();
        for (i, c) in l.iter().enumerate() {
            if i + 1 < l.len() {
                line.push_str(&format!("{c:<w$}", w = widths[i]));
            } else {
                line.push_str(c);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// How a listing was asked to print.
pub struct Listing<'a> {
    /// The template used when no `--format` is given, e.g.
    /// `table {{.Repository}}\t{{.Tag}}`.
    pub default: &'a str,
    /// Column headers by field name (`ID` → `IMAGE ID`).
    pub headers: &'a [(&'a str, &'a str)],
}

impl Listing<'_> {
    /// Renders `rows` per `format` (None: the default table).
    pub fn render(&self, format: Option<&str>, rows: &[Value]) -> Result<String> {
        let f = format.unwrap_or(self.default);
        let f = template::unescape(f);
        if f.trim() == "json" {
            let mut out = String::new();
            for r in rows {
                out.push_str(&serde_json::to_string(r).unwrap_or_default());
                out.push('\n');
            }
            return Ok(out);
        }
        if let Some(rest) = f.strip_prefix("table") {
            let body = if rest.trim().is_empty() {
                self.default
                    .strip_prefix("table")
                    .unwrap_or(self.default)
                    .trim_start()
                    .to_string()
            } else {
                rest.trim_start().to_string()
            };
            let body = template::unescape(&body);
            let tmpl = Template::parse(&body)?;
            let header_obj: HashMap<&str, &str> = self.headers.iter().copied().collect();
            let header = Template::parse(&body)?
                .render(&serde_json::to_value(header_obj).unwrap_or(Value::Null))?;
            let mut text = header.replace("<no value>", "");
            text.push('\n');
            for r in rows {
                text.push_str(&tmpl.render(r)?);
                text.push('\n');
            }
            return Ok(tabwrite(&text));
        }
        let tmpl = Template::parse(&f)?;
        let mut out = String::new();
        for r in rows {
            out.push_str(&tmpl.render(r)?);
            out.push('\n');
        }
        Ok(out)
    }
}

/// Docker's human sizes: decimal units with 3 significant digits (`4.26MB`).
pub fn human_size(bytes: u64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < units.len() {
        v /= 1000.0;
        i += 1;
    }
    // Three significant digits, trailing zeros dropped, as Docker prints.
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    let t = format!("{v:.digits$}");
    let t = if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        t
    };
    format!("{t}{}", units[i])
}

/// Docker's "3 minutes ago" phrasing of a past instant.
pub fn time_ago(when: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{} ago",
        human_duration(chrono::Utc::now().signed_duration_since(when))
    )
}

/// Docker's `HumanDuration`: "Less than a second", "5 seconds", "About a minute", "2 hours"...
pub fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(0);
    if secs < 1 {
        return "Less than a second".into();
    }
    if secs == 1 {
        return "1 second".into();
    }
    if secs < 60 {
        return format!("{secs} seconds");
    }
    let mins = d.num_minutes();
    if mins == 1 {
        return "About a minute".into();
    }
    if mins < 60 {
        return format!("{mins} minutes");
    }
    let hours = (d.num_seconds() as f64 / 3600.0).round() as i64;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_align_like_docker() {
        let l = Listing {
            default: "table {{.Repository}}\t{{.Tag}}",
            headers: &[("Repository", "REPOSITORY"), ("Tag", "TAG")],
        };
        let out = l
            .render(None, &[json!({"Repository": "busybox", "Tag": "latest"})])
            .unwrap();
        assert_eq!(out, "REPOSITORY   TAG\nbusybox      latest\n");
        let out = l
            .render(Some("{{.Tag}}"), &[json!({"Repository": "b", "Tag": "t"})])
            .unwrap();
        assert_eq!(out, "t\n");
        let out = l.render(Some("json"), &[json!({"Tag": "t"})]).unwrap();
        assert_eq!(out, "{\"Tag\":\"t\"}\n");
    }

    #[test]
    fn sizes_like_docker() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(4_261_000), "4.26MB");
        assert_eq!(human_size(1_500), "1.5kB");
        assert_eq!(human_size(123_456_789), "123MB");
    }
}
