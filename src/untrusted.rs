//! Text that came from outside (an archive's file names, a manifest's
//! fields, a client's request) made safe to quote in an error message:
//! control characters are escaped, so no escape sequence reaches a
//! terminal, and the text is cut to a bound, so a 100 KB name cannot flood
//! one.

/// How many characters of an untrusted string an error message quotes.
pub const QUOTE_LIMIT: usize = 200;

/// `s` with control characters escaped (`\u{1b}`, `\n`...) and cut to
/// [`QUOTE_LIMIT`] characters, with a note of how much was left out.
pub fn quote(s: &str) -> String {
    let total = s.chars().count();
    let mut out = String::new();
    for c in s.chars().take(QUOTE_LIMIT) {
        out.extend(escaped(c));
    }
    if total > QUOTE_LIMIT {
        out.push_str(&format!("... ({} more characters)", total - QUOTE_LIMIT));
    }
    out
}

/// [`quote`] for bytes that may not be UTF-8.
pub fn quote_bytes(b: &[u8]) -> String {
    quote(&String::from_utf8_lossy(b))
}

/// Escapes control characters only; for a whole message about to be
/// printed (its parts were cut to size where they were quoted).
pub fn escape_controls(s: &str) -> String {
    s.chars().flat_map(escaped).collect()
}

fn escaped(c: char) -> Box<dyn Iterator<Item = char>> {
    // Bidirectional overrides can also reorder what a terminal shows.
    let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if c.is_control() || bidi {
        Box::new(c.escape_default())
    } else {
        Box::new(std::iter::once(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_cuts() {
        assert_eq!(quote("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(quote("x\ny"), "x\\ny");
        let long = "n".repeat(100_000);
        let q = quote(&long);
        assert!(q.len() < 300, "{}", q.len());
        assert!(q.ends_with("(99800 more characters)"));
        assert_eq!(quote("plain/name:tag"), "plain/name:tag");
    }
}
