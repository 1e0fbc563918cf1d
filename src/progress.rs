//! Progress bars for long work (import, load, save, pull, push), shown only
//! when stderr is a terminal, as Docker does.

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// A byte-counting bar labelled `what`, or None when stderr is not a terminal.
pub fn bytes_bar(what: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{msg} {spinner} {bytes} ({bytes_per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.set_message(what.to_string());
    Some(pb)
}

/// A bar with a known total.
pub fn sized_bar(what: &str, total: u64) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:40}] {bytes}/{total_bytes} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    Some(pb)
}

/// One line per layer of a pull, as Docker draws them; None when stderr is
/// not a terminal.
pub struct LayerBars {
    multi: MultiProgress,
}

impl LayerBars {
    pub fn new() -> Option<LayerBars> {
        std::io::stderr().is_terminal().then(|| LayerBars {
            multi: MultiProgress::new(),
        })
    }

    /// Leaves the finished lines on screen and moves below them, so what
    /// is printed next starts on a line of its own.
    pub fn finish(self) {
        use std::io::Write;
        drop(self.multi);
        let _ = writeln!(std::io::stderr());
    }

    /// A line for layer `id` saying `state` (`Waiting`, `Already exists`).
    pub fn add(&self, id: &str, state: &str) -> ProgressBar {
        let pb = self.multi.add(ProgressBar::new(0));
        pb.set_style(done_style());
        pb.set_prefix(id.to_string());
        pb.set_message(state.to_string());
        pb.tick();
        pb
    }
}

fn done_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// Turns a layer's line into a download bar.
pub fn layer_downloading(pb: &ProgressBar) {
    pb.set_style(
        ProgressStyle::with_template("{prefix}: {msg} [{bar:50}] {bytes}/{total_bytes}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message("Downloading");
}

/// Ends a layer's line with `state` (`Pull complete`), leaving it shown.
pub fn layer_done(pb: &ProgressBar, state: &str) {
    pb.set_style(done_style());
    pb.finish_with_message(state.to_string());
}

/// A reader or writer that advances a progress bar by the bytes it moves.
pub struct Counted<T> {
    pub inner: T,
    pub bar: Option<ProgressBar>,
}

impl<T> Counted<T> {
    pub fn new(inner: T, bar: Option<ProgressBar>) -> Counted<T> {
        Counted { inner, bar }
    }

    /// Clears the bar (if any) and returns the inner reader or writer.
    pub fn finish(self) -> T {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        self.inner
    }
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        Ok(n)
    }
}

impl<W: std::io::Write> std::io::Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(b) = &self.bar {
            b.inc(n as u64);
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
