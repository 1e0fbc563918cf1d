//! Column alignment as Docker's listings do it (Go's tabwriter with minimum
//! width 10, padding 3): cells end at a tab; the last cell of a line is not
//! padded.

/// Aligns tab-separated `text` into columns.
pub fn align(text: &str) -> String {
    let lines: Vec<Vec<&str>> = text
        .split_inclusive('\n')
        .map(|l| l.strip_suffix('\n').unwrap_or(l).split('\t').collect())
        .collect();
    let mut widths: Vec<usize> = Vec::new();
    for cells in &lines {
        // Every cell but the last is terminated by a tab and takes part.
        for (i, c) in cells.iter().enumerate().take(cells.len().saturating_sub(1)) {
            let w = (c.chars().count() + PADDING).max(MIN_WIDTH);
            if widths.len() <= i {
                widths.push(w);
            } else {
                widths[i] = widths[i].max(w);
            }
        }
    }
    let mut out = String::new();
    for (n, cells) in lines.iter().enumerate() {
        for (i, c) in cells.iter().enumerate() {
            out.push_str(c);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(widths[i] - c.chars().count()));
            }
        }
        if n + 1 < lines.len() || text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

const MIN_WIDTH: usize = 10;
const PADDING: usize = 3;

/// A listing built row by row, printed aligned.
#[derive(Debug, Default, Clone)]
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        let mut t = Table::default();
        t.row(header);
        t
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The aligned text, one line per row, each ending in a newline.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for r in &self.rows {
            text.push_str(&r.join("\t"));
            text.push('\n');
        }
        align(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_tabwriter() {
        let t = align("REPOSITORY\tTAG\tSIZE\nbusybox\tlatest\t4.26MB\n");
        assert_eq!(
            t,
            "REPOSITORY   TAG       SIZE\nbusybox      latest    4.26MB\n"
        );
    }
}
