//! The physical layer of a Dockerfile: parser directives at the top, then
//! logical lines — comments and blank lines dropped, continuations (the
//! escape character at the end of a line) joined, and the bodies of heredocs
//! (`<<EOF`, `<<-EOF`, `<<'EOF'`) read after the line that opens them.

use super::{ParseError, ParseErrorKind};

/// The directives a Dockerfile may open with (`# escape=`` ` ``...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directives {
    pub syntax: Option<String>,
    /// `\` unless `# escape=`` ` `` chose the backtick.
    pub escape: char,
    /// `# check=skip=...;error=true`, kept as written.
    pub check: Option<String>,
}

impl Default for Directives {
    fn default() -> Self {
        Directives {
            syntax: None,
            escape: '\\',
            check: None,
        }
    }
}

/// A heredoc opened on an instruction line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, without quotes.
    pub name: String,
    /// The body, each line ending in `\n` (leading tabs gone for `<<-`).
    pub content: String,
    /// `<<'EOF'` or `<<"EOF"`: the body is not expanded.
    pub quoted: bool,
}

/// One instruction as written: its keyword, the rest of the line with
/// continuations joined, and the heredocs it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalLine {
    /// 1-based number of the line the instruction starts on.
    pub line: usize,
    /// The keyword in upper case (`RUN`).
    pub keyword: String,
    /// Everything after the keyword, trimmed.
    pub rest: String,
    pub heredocs: Vec<Heredoc>,
}

/// Splits `text` into its directives and logical lines.
pub fn split(file: &str, text: &str) -> Result<(Directives, Vec<LogicalLine>), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let physical: Vec<&str> = text.lines().collect();
    let (directives, mut i) = directives(file, &physical)?;
    let escape = directives.escape;
    let err = |line: usize, kind| ParseError {
        file: file.to_string(),
        line,
        kind,
    };
    let mut out = Vec::new();
    while i < physical.len() {
        let start = i;
        let first = physical[i].trim_start();
        i += 1;
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        let mut joined = String::new();
        let mut piece = first;
        loop {
            match strip_continuation(piece, escape) {
                Some(head) => {
                    joined.push_str(head);
                    // Comments and blank lines inside a continuation vanish.
                    while i < physical.len() {
                        let t = physical[i].trim_start();
                        if t.is_empty() || t.starts_with('#') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    if i == physical.len() {
                        break;
                    }
                    piece = physical[i];
                    i += 1;
                }
                None => {
                    joined.push_str(piece);
                    break;
                }
            }
        }
        let joined = joined.trim();
        let (keyword, rest) = match joined.find(char::is_whitespace) {
            Some(n) => (&joined[..n], joined[n..].trim()),
            None => (joined, ""),
        };
        let keyword = keyword.to_ascii_uppercase();
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") && !rest.starts_with('[') {
            for (name, strip_tabs, quoted) in heredoc_markers(rest, escape) {
                let mut content = String::new();
                loop {
                    let Some(raw) = physical.get(i) else {
                        return Err(err(start + 1, ParseErrorKind::UnterminatedHeredoc(name)));
                    };
                    i += 1;
                    let body = if strip_tabs {
                        raw.trim_start_matches('\t')
                    } else {
                        raw
                    };
                    if body == name {
                        break;
                    }
                    content.push_str(body);
                    content.push('\n');
                }
                heredocs.push(Heredoc {
                    name,
                    content,
                    quoted,
                });
            }
        }
        out.push(LogicalLine {
            line: start + 1,
            keyword,
            rest: rest.to_string(),
            heredocs,
        });
    }
    Ok((directives, out))
}

/// The part of `line` before a trailing escape character (and any blanks
/// after it), if it ends in one.
fn strip_continuation(line: &str, escape: char) -> Option<&str> {
    let t = line.trim_end_matches([' ', '\t', '\r']);
    t.strip_suffix(escape)
}

/// Reads the directives at the top; returns them and the first line after.
fn directives(file: &str, lines: &[&str]) -> Result<(Directives, usize), ParseError> {
    let mut d = Directives::default();
    let mut seen: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let Some((key, value)) = directive(line) else {
            break;
        };
        let err = |kind| ParseError {
            file: file.to_string(),
            line: i + 1,
            kind,
        };
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            break;
        }
        if seen.contains(&key) {
            return Err(err(ParseErrorKind::DuplicateDirective(key)));
        }
        match key.as_str() {
            "syntax" => d.syntax = Some(value),
            "check" => d.check = Some(value),
            _ => {
                d.escape = match value.as_str() {
                    "\\" => '\\',
                    "`" => '`',
                    _ => return Err(err(ParseErrorKind::BadEscape(value))),
                }
            }
        }
        seen.push(key);
        i += 1;
    }
    Ok((d, i))
}

/// `# key=value` with a word for a key, as a lower-case key and the value.
fn directive(line: &str) -> Option<(String, String)> {
    let body = line.trim_start().strip_prefix('#')?;
    let (key, value) = body.split_once('=')?;
    let key = key.trim();
    let word = !key.is_empty()
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    word.then(|| (key.to_ascii_lowercase(), value.trim().to_string()))
}

/// The heredocs a shell-form line opens, in order: (delimiter, `<<-`,
/// quoted). Markers inside quotes are not heredocs.
fn heredoc_markers(rest: &str, escape: char) -> Vec<(String, bool, bool)> {
    let mut found = Vec::new();
    for word in super::words::split(rest, escape) {
        let Some(after) = word.strip_prefix("<<") else {
            continue;
        };
        let (strip_tabs, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let (quoted, name) = match after.chars().next() {
            Some(q @ ('\'' | '"')) => match after[1..].strip_suffix(q) {
                Some(n) => (true, n),
                None => continue,
            },
            _ => (false, after),
        };
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if valid {
            found.push((name.to_string(), strip_tabs, quoted));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<LogicalLine> {
        split("Dockerfile", text).unwrap().1
    }

    #[test]
    fn continuations_comments_and_blank_lines() {
        let l = lines(
            "# a comment\n\nFROM busybox\nRUN echo a \\\n  # inner comment\n\n    && echo b\nrun   true\n",
        );
        assert_eq!(l.len(), 3);
        assert_eq!((l[0].line, l[0].keyword.as_str()), (3, "FROM"));
        assert_eq!(l[1].rest, "echo a     && echo b");
        assert_eq!(
            (l[2].line, l[2].keyword.as_str(), l[2].rest.as_str()),
            (8, "RUN", "true")
        );
    }

    #[test]
    fn directives_only_at_the_top() {
        let (d, l) = split(
            "f",
            "# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nRUN a `\n b\n",
        )
        .unwrap();
        assert_eq!(d.escape, '`');
        assert_eq!(d.syntax.as_deref(), Some("docker/dockerfile:1"));
        assert_eq!(l[1].rest, "a  b");
        let (d, _) = split("f", "# comment\n# escape=`\nFROM x\n").unwrap();
        assert_eq!(d.escape, '\\');
        let (d, _) = split("f", "# unknown=1\n# escape=`\nFROM x\n").unwrap();
        assert_eq!(d.escape, '\\');
        let (d, _) = split("f", "#Escape = `\nFROM x\n").unwrap();
        assert_eq!(d.escape, '`');
        let e = split("f", "# escape=x\nFROM x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "f:1: invalid escape directive \"x\": must be ` or \\"
        );
        let e = split("f", "# escape=`\n# escape=`\nFROM x\n").unwrap_err();
        assert!(e.to_string().starts_with("f:2: "), "{e}");
    }

    #[test]
    fn heredocs() {
        let l = lines("FROM x\nRUN <<EOF\necho hi\n\necho there\nEOF\nCOPY <<-EOT <<'RAW' /dst/\n\t\tindented\n\tEOT\n$HOME\nRAW\nRUN \"<<NOT\"\nRUN [\"<<EOF\"]\n");
        assert_eq!(l.len(), 5);
        assert_eq!(l[1].heredocs.len(), 1);
        assert_eq!(l[1].heredocs[0].content, "echo hi\n\necho there\n");
        assert_eq!(l[2].heredocs[0].content, "indented\n");
        assert!(!l[2].heredocs[0].quoted);
        assert_eq!(l[2].heredocs[1].content, "$HOME\n");
        assert!(l[2].heredocs[1].quoted);
        assert!(l[3].heredocs.is_empty());
        assert!(l[4].heredocs.is_empty());
        let e = split("Dockerfile", "FROM x\nRUN <<EOF\necho\n").unwrap_err();
        assert_eq!(e.to_string(), "Dockerfile:2: heredoc EOF is never closed");
    }
}
