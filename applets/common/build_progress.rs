//! How `build` and `compose build` show the core's progress events: plain
//! lines in BuildKit's style (`#N [stage k/n] INSTRUCTION`, the step's
//! output prefixed with `#N` and its time, `CACHED` or why not, `DONE
//! 0.1s`), or on a terminal a live view with one line per step, its state
//! and time, and the last lines of a running step.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tug::build::Event;

/// Lines of a running step's output the live view keeps.
const TAIL: usize = 4;

struct Live {
    multi: MultiProgress,
    bars: HashMap<usize, (ProgressBar, String, VecDeque<String>)>,
}

/// The renderer; `live` picks the terminal view.
pub struct View {
    started: HashMap<usize, Instant>,
    live: Option<Live>,
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

fn header(stage: &str, index: usize, total: usize, text: &str) -> String {
    format!("[{stage}{index}/{total}] {}", one_line(text))
}

fn one_line(s: &str) -> String {
    tug::untrusted::escape_controls(&s.replace('\n', "\\n"))
}

impl View {
    pub fn new(live: bool) -> View {
        View {
            started: HashMap::new(),
            live: live.then(|| Live {
                multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
                bars: HashMap::new(),
            }),
        }
    }

    pub fn event(&mut self, e: &Event) {
        match &mut self.live {
            Some(l) => live(l, &mut self.started, e),
            None => plain(&mut self.started, e),
        }
    }

    /// Leaves the live view's last state on the screen.
    pub fn finish(&mut self) {
        if let Some(l) = self.live.take() {
            for (_, (bar, _, _)) in l.bars {
                if !bar.is_finished() {
                    bar.abandon();
                }
            }
        }
    }
}

fn plain(started: &mut HashMap<usize, Instant>, e: &Event) {
    match e {
        Event::Step {
            step,
            stage,
            index,
            total,
            text,
        } => {
            started.insert(*step, Instant::now());
            eprintln!("#{step} {}", header(stage, *index, *total, text));
        }
        Event::Cached { step } => eprintln!("#{step} CACHED"),
        Event::Miss { step, reason } => eprintln!("#{step} not cached: {}", one_line(reason)),
        Event::Output { step, line } => {
            let t = started.get(step).map(|s| s.elapsed()).unwrap_or_default();
            eprintln!("#{step} {:.3} {}", t.as_secs_f64(), one_line(line));
        }
        Event::Done { step, took } => eprintln!("#{step} DONE {}", secs(*took)),
        Event::Notice(n) => eprintln!("{}", one_line(n)),
    }
}

fn live(l: &mut Live, started: &mut HashMap<usize, Instant>, e: &Event) {
    let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    match e {
        Event::Step {
            step,
            stage,
            index,
            total,
            text,
        } => {
            started.insert(*step, Instant::now());
            let title = header(stage, *index, *total, text);
            let bar = l.multi.add(ProgressBar::new_spinner());
            bar.set_style(style);
            bar.set_message(title.clone());
            bar.enable_steady_tick(Duration::from_millis(120));
            l.bars.insert(*step, (bar, title, VecDeque::new()));
        }
        Event::Cached { step } => {
            if let Some((bar, title, _)) = l.bars.get(step) {
                bar.set_style(
                    ProgressStyle::with_template("  {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.finish_with_message(format!("{title}  CACHED"));
            }
        }
        Event::Miss { .. } => {}
        Event::Output { step, line } => {
            if let Some((bar, title, tail)) = l.bars.get_mut(step) {
                if tail.len() == TAIL {
                    tail.pop_front();
                }
                tail.push_back(one_line(line));
                let mut msg = title.clone();
                for t in tail.iter() {
                    msg.push_str("\n    ");
                    msg.push_str(t);
                }
                bar.set_message(msg);
            }
        }
        Event::Done { step, took } => {
            if let Some((bar, title, _)) = l.bars.get(step) {
                bar.set_style(
                    ProgressStyle::with_template("  {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.finish_with_message(format!("{title}  DONE {}", secs(*took)));
            }
        }
        Event::Notice(n) => {
            let _ = l.multi.println(one_line(n));
        }
    }
}
