//! Words and variables as the Dockerfile reference defines them: splitting
//! an instruction's arguments at unquoted blanks, then, per word, removing
//! quotes and escapes and expanding `$V`, `${V}`, `${V:-x}`, `${V:+x}`,
//! `${V-x}`, `${V+x}`, `${V:?msg}`, `${V?msg}`, `${V#pat}`, `${V##pat}`,
//! `${V%pat}` and `${V%%pat}`, with escaped `\$` left alone.

use crate::build::glob;

/// Looks a variable up; `None` when it is not set.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Why a word could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    #[error("unterminated {0} quote")]
    UnterminatedQuote(char),
    #[error("unterminated ${{...}} in {0:?}")]
    UnterminatedBrace(String),
    #[error("bad substitution in {0:?}")]
    BadSubstitution(String),
    /// `${V:?msg}` with V unset (or empty).
    #[error("{name}: {message}")]
    Required { name: String, message: String },
}

/// Splits at blanks outside quotes and not escaped, keeping quotes and
/// escapes in the words (they are for `expand` to remove).
pub fn split(s: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == escape && q == '"' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                } else if c == q {
                    quote = None;
                }
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                in_word = true;
                cur.push(c);
                if c == escape {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                } else if c == '\'' || c == '"' {
                    quote = Some(c);
                }
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// Expands one word: quotes and escapes removed, variables replaced. Blanks
/// stay part of the word.
pub fn expand(word: &str, escape: char, env: Lookup) -> Result<String, ExpandError> {
    let mut lx = Lexer::new(word, escape, env);
    let fields = lx.run(None, false)?;
    Ok(fields.into_iter().next().unwrap_or_default())
}

/// Expands a whole argument string into fields: split at unquoted blanks,
/// including blanks that unquoted variables bring (`COPY $SRCS /dst/`).
pub fn expand_fields(s: &str, escape: char, env: Lookup) -> Result<Vec<String>, ExpandError> {
    Lexer::new(s, escape, env).run(None, true)
}

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    escape: char,
    env: Lookup<'a>,
    text: &'a str,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str, escape: char, env: Lookup<'a>) -> Self {
        Lexer {
            chars: text.chars().collect(),
            pos: 0,
            escape,
            env,
            text,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += c.is_some() as usize;
        c
    }

    /// Reads until `stop` (consumed) or the end. With `split`, unquoted
    /// blanks end fields; a field that is only an unquoted empty expansion
    /// vanishes, as in a shell.
    fn run(&mut self, stop: Option<char>, split: bool) -> Result<Vec<String>, ExpandError> {
        let mut fields = Vec::new();
        let mut cur = String::new();
        // Whether `cur` holds a field (a quoted empty string is one).
        let mut started = false;
        loop {
            let Some(c) = self.next() else {
                if stop.is_some() {
                    return Err(ExpandError::UnterminatedBrace(self.text.to_string()));
                }
                break;
            };
            if Some(c) == stop {
                break;
            }
            if c == self.escape {
                match self.next() {
                    Some(n) => cur.push(n),
                    None => cur.push(c),
                }
                started = true;
            } else if c == '\'' {
                self.single_quoted(&mut cur)?;
                started = true;
            } else if c == '"' {
                self.double_quoted(&mut cur)?;
                started = true;
            } else if c == '$' {
                let value = self.dollar()?;
                if split {
                    // Unquoted expansion: its blanks separate fields.
                    let mut parts = value.split(char::is_whitespace).peekable();
                    let leading_blank = value.starts_with(char::is_whitespace);
                    if leading_blank && started {
                        fields.push(std::mem::take(&mut cur));
                        started = false;
                    }
                    while let Some(p) = parts.next() {
                        if !p.is_empty() {
                            cur.push_str(p);
                            started = true;
                        }
                        if parts.peek().is_some() && started {
                            fields.push(std::mem::take(&mut cur));
                            started = false;
                        }
                    }
                } else {
                    cur.push_str(&value);
                    started |= !value.is_empty();
                }
            } else if split && c.is_whitespace() {
                if started {
                    fields.push(std::mem::take(&mut cur));
                    started = false;
                }
            } else {
                cur.push(c);
                started = true;
            }
        }
        if started || (!split && fields.is_empty()) {
            fields.push(cur);
        }
        Ok(fields)
    }

    fn single_quoted(&mut self, out: &mut String) -> Result<(), ExpandError> {
        loop {
            match self.next() {
                None => return Err(ExpandError::UnterminatedQuote('\'')),
                Some('\'') => return Ok(()),
                Some(c) => out.push(c),
            }
        }
    }

    fn double_quoted(&mut self, out: &mut String) -> Result<(), ExpandError> {
        loop {
            match self.next() {
                None => return Err(ExpandError::UnterminatedQuote('"')),
                Some('"') => return Ok(()),
                Some('$') => out.push_str(&self.dollar()?),
                Some(c) if c == self.escape => match self.peek() {
                    Some(n) if n == '"' || n == '$' || n == self.escape => {
                        self.pos += 1;
                        out.push(n);
                    }
                    _ => out.push(c),
                },
                Some(c) => out.push(c),
            }
        }
    }

    /// After a `$`: the expansion it starts, or a literal `$`.
    fn dollar(&mut self) -> Result<String, ExpandError> {
        match self.peek() {
            Some('{') => {
                self.pos += 1;
                self.braced()
            }
            Some(c) if c.is_ascii_digit() => {
                self.pos += 1;
                Ok((self.env)(&c.to_string()).unwrap_or_default())
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let name = self.name();
                Ok((self.env)(&name).unwrap_or_default())
            }
            _ => Ok("$".to_string()),
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        name
    }

    /// After `${`: the name, an optional modifier and its word, then `}`.
    fn braced(&mut self) -> Result<String, ExpandError> {
        let name = self.name();
        let bad = || ExpandError::BadSubstitution(self.text.to_string());
        if name.is_empty() {
            return Err(bad());
        }
        let value = (self.env)(&name);
        let colon = self.peek() == Some(':');
        if colon {
            self.pos += 1;
        }
        let Some(op) = self.next() else {
            return Err(ExpandError::UnterminatedBrace(self.text.to_string()));
        };
        if op == '}' && !colon {
            return Ok(value.unwrap_or_default());
        }
        let doubled = matches!(op, '#' | '%') && !colon && self.peek() == Some(op) && {
            self.pos += 1;
            true
        };
        let word = self.run(Some('}'), false)?.concat();
        // `:` makes an empty value count as unset.
        let set = match &value {
            Some(v) => !(colon && v.is_empty()),
            None => false,
        };
        match (op, colon) {
            ('-', _) => Ok(if set { value.unwrap_or_default() } else { word }),
            ('+', _) => Ok(if set { word } else { String::new() }),
            ('?', _) if set => Ok(value.unwrap_or_default()),
            ('?', _) => Err(ExpandError::Required {
                name,
                message: if word.is_empty() {
                    "parameter not set or null".into()
                } else {
                    word
                },
            }),
            ('#', false) => Ok(trim_prefix(&value.unwrap_or_default(), &word, doubled)),
            ('%', false) => Ok(trim_suffix(&value.unwrap_or_default(), &word, doubled)),
            _ => Err(bad()),
        }
    }
}

/// `${V#pat}` (shortest) and `${V##pat}` (longest) prefix removal.
fn trim_prefix(value: &str, pat: &str, longest: bool) -> String {
    let mut cuts: Vec<usize> = value.char_indices().map(|(i, _)| i).collect();
    cuts.push(value.len());
    if longest {
        cuts.reverse();
    }
    for i in cuts {
        if glob::matches(pat, &value[..i], true) {
            return value[i..].to_string();
        }
    }
    value.to_string()
}

/// `${V%pat}` (shortest) and `${V%%pat}` (longest) suffix removal.
fn trim_suffix(value: &str, pat: &str, longest: bool) -> String {
    let mut cuts: Vec<usize> = value.char_indices().map(|(i, _)| i).collect();
    cuts.push(value.len());
    if !longest {
        cuts.reverse();
    }
    for i in cuts {
        if glob::matches(pat, &value[i..], true) {
            return value[..i].to_string();
        }
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "A" => Some("apple".into()),
            "E" => Some(String::new()),
            "P" => Some("/usr/local/bin/tool.tar.gz".into()),
            "S" => Some("one two  three".into()),
            _ => None,
        }
    }

    fn x(w: &str) -> String {
        expand(w, '\\', &env).unwrap()
    }

    #[test]
    fn every_expansion_form() {
        assert_eq!(x("$A"), "apple");
        assert_eq!(x("${A}s"), "apples");
        assert_eq!(x("$Ab"), "");
        assert_eq!(x("x$U-y"), "x-y");
        assert_eq!(x("${U:-dflt}"), "dflt");
        assert_eq!(x("${E:-dflt}"), "dflt");
        assert_eq!(x("${E-dflt}"), "");
        assert_eq!(x("${U-dflt}"), "dflt");
        assert_eq!(x("${A:-dflt}"), "apple");
        assert_eq!(x("${A:+alt}"), "alt");
        assert_eq!(x("${E:+alt}"), "");
        assert_eq!(x("${E+alt}"), "alt");
        assert_eq!(x("${U+alt}"), "");
        assert_eq!(x("${U:-${A}-pie}"), "apple-pie");
        assert_eq!(x("${P#*/}"), "usr/local/bin/tool.tar.gz");
        assert_eq!(x("${P##*/}"), "tool.tar.gz");
        assert_eq!(x("${P%.*}"), "/usr/local/bin/tool.tar");
        assert_eq!(x("${P%%.*}"), "/usr/local/bin/tool");
        assert_eq!(x("${P#nomatch}"), "/usr/local/bin/tool.tar.gz");
        assert_eq!(x("${A:?}"), "apple");
        let e = expand("${U:?needs U}", '\\', &env).unwrap_err();
        assert_eq!(e.to_string(), "U: needs U");
        assert!(expand("${E:?}", '\\', &env).is_err());
        assert_eq!(x("${E?}"), "");
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(x(r"\$A"), "$A");
        assert_eq!(x("'$A'"), "$A");
        assert_eq!(x("\"$A and ${A}\""), "apple and apple");
        assert_eq!(x(r#""a \"q\" \$A \n""#), r#"a "q" $A \n"#);
        assert_eq!(x(r"a\ b"), "a b");
        assert_eq!(x("$"), "$");
        assert_eq!(x("a$ b"), "a$ b");
        assert_eq!(expand("`$A", '`', &env).unwrap(), "$A");
        assert_eq!(expand(r"c:\dir\$A", '`', &env).unwrap(), r"c:\dir\apple");
        assert!(matches!(
            expand("'open", '\\', &env),
            Err(ExpandError::UnterminatedQuote('\''))
        ));
        assert!(matches!(
            expand("${A", '\\', &env),
            Err(ExpandError::UnterminatedBrace(_))
        ));
        assert!(matches!(
            expand("${}", '\\', &env),
            Err(ExpandError::BadSubstitution(_))
        ));
        assert!(matches!(
            expand("${A/x/y}", '\\', &env),
            Err(ExpandError::BadSubstitution(_))
        ));
    }

    #[test]
    fn fields_split_unquoted_expansions() {
        let f = |s: &str| expand_fields(s, '\\', &env).unwrap();
        assert_eq!(f("$S /dst/"), ["one", "two", "three", "/dst/"]);
        assert_eq!(f("\"$S\" /dst/"), ["one two  three", "/dst/"]);
        assert_eq!(f("a$U b"), ["a", "b"]);
        assert_eq!(f("$U b"), ["b"]);
        assert_eq!(f("'' b"), ["", "b"]);
        assert_eq!(f("x${S}y"), ["xone", "two", "threey"]);
    }

    #[test]
    fn split_keeps_quotes() {
        assert_eq!(
            split(r#"A="a b" B=c\ d  'e f'"#, '\\'),
            [r#"A="a b""#, r"B=c\ d", "'e f'"]
        );
    }
}
