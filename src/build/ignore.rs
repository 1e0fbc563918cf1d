//! `.dockerignore`: which files of the build context a build may read.
//! Each line is a pattern in Go's `filepath.Match` syntax with `**` for any
//! number of directories; `!` re-includes; the last pattern that matches a
//! path (or one of its parent directories) decides; `#` starts a comment.

use std::path::{Path, PathBuf};

use crate::build::glob;

#[derive(Debug, Clone)]
struct Pattern {
    segments: Vec<String>,
    include: bool,
}

/// The patterns of one `.dockerignore`.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    patterns: Vec<Pattern>,
}

impl Ignore {
    /// The `.dockerignore` that applies to a build: `<Dockerfile>.dockerignore`
    /// beside the Dockerfile, else the context's own, else none. Returns
    /// the path that could not be read on error.
    pub fn for_build(
        dockerfile: Option<&Path>,
        context: &Path,
    ) -> Result<Ignore, (PathBuf, std::io::Error)> {
        let beside = dockerfile.map(|p| {
            let mut s = p.as_os_str().to_os_string();
            s.push(".dockerignore");
            PathBuf::from(s)
        });
        for p in beside
            .into_iter()
            .chain(std::iter::once(context.join(".dockerignore")))
        {
            match std::fs::read(&p) {
                Ok(d) => return Ok(Ignore::parse(&String::from_utf8_lossy(&d))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err((p, e)),
            }
        }
        Ok(Ignore::default())
    }

    /// Reads a `.dockerignore`'s text.
    pub fn parse(text: &str) -> Ignore {
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (include, p) = match l.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, l),
                };
                let segments = clean(p);
                (!segments.is_empty()).then_some(Pattern { segments, include })
            })
            .collect();
        Ignore { patterns }
    }

    /// Is the context-relative, `/`-separated `path` left out of the
    /// context?
    pub fn excluded(&self, path: &str) -> bool {
        let parts = clean(path);
        let mut excluded = false;
        for p in &self.patterns {
            // A pattern that names a directory takes everything under it.
            let hit = (1..=parts.len()).any(|n| segments_match(&p.segments, &parts[..n]));
            if hit {
                excluded = !p.include;
            }
        }
        excluded
    }

    /// Whether a walk must look inside an excluded directory, because a
    /// `!` pattern may bring something under it back.
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.include)
    }
}

/// `filepath.Clean` of a pattern or path, as segments, without a leading
/// `/` (patterns are relative to the context root).
fn clean(p: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s.to_string()),
        }
    }
    out
}

fn segments_match(pat: &[String], path: &[String]) -> bool {
    match pat.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| segments_match(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((p, prest)) => glob::matches(first, p, false) && segments_match(rest, prest),
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::Ignore;

    #[test]
    fn patterns_exceptions_and_double_star() {
        let ig = Ignore::parse(
            "# comment\n*.md\n!README.md\n  node_modules  \n/tmp\n**/*.log\ndocs/**\n!docs/keep.txt\nbuild/*/out\n./x/../y\n",
        );
        assert!(ig.excluded("CHANGES.md"));
        assert!(!ig.excluded("README.md"));
        assert!(!ig.excluded("sub/CHANGES.md"), "* does not cross /");
        assert!(ig.excluded("node_modules"));
        assert!(
            ig.excluded("node_modules/a/b.js"),
            "a directory takes its contents"
        );
        assert!(ig.excluded("tmp/f"));
        assert!(ig.excluded("a.log"));
        assert!(ig.excluded("deep/er/a.log"));
        assert!(ig.excluded("docs/a/b"));
        assert!(!ig.excluded("docs/keep.txt"));
        assert!(ig.excluded("build/x86/out"));
        assert!(!ig.excluded("build/out"));
        assert!(ig.excluded("y"));
        assert!(!ig.excluded("src/main.rs"));
        assert!(ig.has_exceptions());
        assert!(!Ignore::parse("a\n").has_exceptions());
    }

    #[test]
    fn last_match_wins() {
        let ig = Ignore::parse("!a.txt\n*.txt\n");
        assert!(ig.excluded("a.txt"));
        let ig = Ignore::parse("*\n!src\n");
        assert!(!ig.excluded("src/lib.rs"));
        assert!(ig.excluded("target/x"));
    }
}
