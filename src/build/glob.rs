//! Shell-style patterns: `*`, `?`, `[abc]`, `[a-z]`, `[^x]`/`[!x]` and
//! `\` escapes — what `${V#pat}` trims and what a `.dockerignore` line
//! (Go's `filepath.Match`, where `*` and `?` never match `/`) names.

/// Does `pat` match all of `text`? With `cross_slash` false, `*` and `?`
/// do not match `/`.
pub fn matches(pat: &str, text: &str, cross_slash: bool) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = text.chars().collect();
    match_at(&p, &t, cross_slash)
}

fn match_at(p: &[char], t: &[char], cross: bool) -> bool {
    // Iterative with one backtrack point for the last `*`, as in glob(3).
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some('?') if cross || t[ti] != '/' => Some(1),
            Some('[') => match class(&p[pi..], t[ti]) {
                Some((len, true)) if cross || t[ti] != '/' => Some(len),
                _ => None,
            },
            Some('\\') if p.get(pi + 1) == Some(&t[ti]) => Some(2),
            Some(c) if *c != '\\' && *c == t[ti] => Some(1),
            _ => None,
        };
        match step {
            Some(n) => {
                pi += n;
                ti += 1;
            }
            None => match star {
                // Let the last `*` take one more character and retry.
                Some((sp, st)) if cross || t[st] != '/' => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                _ => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A bracket expression at the start of `p`: its length and whether `c`
/// is in it; None when it is not closed (then `[` is literal... and fails).
fn class(p: &[char], c: char) -> Option<(usize, bool)> {
    let mut i = 1;
    let negate = matches!(p.get(i), Some('^' | '!'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let lo = match p.get(i)? {
            ']' if !first => return Some((i + 1, hit != negate)),
            '\\' => {
                i += 1;
                *p.get(i)?
            }
            ch => *ch,
        };
        first = false;
        i += 1;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|n| *n != ']') {
            hi = match p[i + 1] {
                '\\' => *p.get(i + 2)?,
                ch => ch,
            };
            i += if p[i + 1] == '\\' { 3 } else { 2 };
        }
        if lo <= c && c <= hi {
            hit = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn shell_patterns() {
        assert!(matches("*.txt", "a.txt", false));
        assert!(!matches("*.txt", "d/a.txt", false));
        assert!(matches("*.txt", "d/a.txt", true));
        assert!(matches("a?c", "abc", false));
        assert!(!matches("a?c", "a/c", false));
        assert!(matches("[a-c]x", "bx", false));
        assert!(!matches("[^a-c]x", "bx", false));
        assert!(matches("[!a-c]x", "dx", false));
        assert!(matches("[]]", "]", false));
        assert!(matches(r"\*", "*", false));
        assert!(!matches(r"\*", "a", false));
        assert!(matches("*a*b*", "xxaxxbxx", false));
        assert!(!matches("*a*b", "xxaxxbxx", false));
        assert!(matches("", "", false));
        assert!(!matches("[abc", "a", false));
    }
}
