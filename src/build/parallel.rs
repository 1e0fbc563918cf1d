//! Stages in parallel: a stage whose dependencies (its base stage, its
//! `COPY --from` and `RUN --mount=from=` stages) are built is ready;
//! when several are ready at once, each is built in a child process
//! forked from the builder, so their `RUN` containers really overlap.
//!
//! Why processes, not threads: the runtime starts a step container with
//! a fork-like `clone(2)` and, rootless, from inside the session's user
//! namespace, both of which need a single-threaded caller. A forked child
//! is single-threaded whatever the parent runs, and inherits the joined
//! namespaces, the store lock and the stages built so far. It reports
//! over a pipe, one JSON message a line: its progress events (the parent
//! renumbers their steps into the build's sequence and passes them on)
//! and then the stage's end (manifest digest and cache key) or its error.
//! Everything the stage made is already in the store (blobs, cache
//! entries), so the parent only loads the final image.
//!
//! A stage ready alone, with no child running, is built in this process
//! (a one-stage build never forks). When a child fails, the others get
//! SIGTERM (their interrupt handlers remove the running step's
//! container) and the first error is the build's. Ctrl-C reaches the
//! children through the terminal's process group; a signal to the parent
//! alone is passed on.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::OwnedFd;

use serde::{Deserialize, Serialize};

use super::exec::{build_stage, stage_deps, stage_label, Builder, State};
use super::{BuildError, Event};
use crate::image::extras::Extras;
use crate::image::Image;

/// A line from a stage's child process.
#[derive(Serialize, Deserialize)]
enum Wire {
    Event(Event),
    /// The stage's end: its image (None: scratch) and its last key.
    Built {
        manifest: Option<String>,
        key: String,
    },
    Failed(BuildError),
}

/// A stage being built by a child process.
struct Child {
    stage: usize,
    pid: libc::pid_t,
    out: BufReader<std::fs::File>,
    /// The child's step numbers → the build's.
    steps: HashMap<usize, usize>,
    result: Option<Result<State, BuildError>>,
}

/// Builds the stages in `need`, independent ones at the same time.
pub(super) fn build_stages(b: &mut Builder, need: &BTreeSet<usize>) -> Result<(), BuildError> {
    let req = b.req;
    let deps: HashMap<usize, Vec<usize>> = need
        .iter()
        .map(|&i| (i, stage_deps(b, &req.dockerfile.stages[i])))
        .collect();
    let mut todo: BTreeSet<usize> = need.clone();
    let mut running: Vec<Child> = Vec::new();
    let mut failed: Option<BuildError> = None;
    loop {
        let ready: Vec<usize> = if failed.is_some() || super::interrupt::interrupted() {
            Vec::new()
        } else {
            todo.iter()
                .copied()
                .filter(|i| deps[i].iter().all(|d| b.done[*d].is_some()))
                .collect()
        };
        if running.is_empty() {
            match ready[..] {
                [] => break,
                [i] => {
                    todo.remove(&i);
                    let stage = &req.dockerfile.stages[i];
                    let end = build_stage(b, stage, &stage_label(b, i))?;
                    b.done[i] = Some(end);
                    continue;
                }
                _ => {}
            }
        }
        for i in ready {
            todo.remove(&i);
            match spawn(b, i) {
                Ok(c) => running.push(c),
                Err(e) => {
                    failed.get_or_insert(e);
                }
            }
        }
        if running.is_empty() {
            break;
        }
        // Wait for output from any child; pass events on, collect ends.
        wait_readable(&running);
        let mut k = 0;
        while k < running.len() {
            if pump(b, &mut running[k]) {
                let mut c = running.swap_remove(k);
                reap(&mut c);
                match c.result.take() {
                    Some(Ok(st)) => b.done[c.stage] = Some(st),
                    Some(Err(e)) => {
                        if failed.is_none() {
                            for other in &running {
                                // SAFETY: kill(2) on a child we forked and
                                // have not reaped.
                                unsafe { libc::kill(other.pid, libc::SIGTERM) };
                            }
                        }
                        failed.get_or_insert(e);
                    }
                    None => unreachable!("pump sets a result before it reports an end"),
                }
            } else {
                k += 1;
            }
        }
        if super::interrupt::interrupted() {
            for c in &running {
                // SAFETY: kill(2) on a child we forked and have not reaped.
                unsafe { libc::kill(c.pid, libc::SIGTERM) };
            }
        }
    }
    match failed {
        Some(e) => Err(e),
        None if super::interrupt::interrupted() => Err(BuildError::Interrupted),
        None => Ok(()),
    }
}

/// Blocks until a child's pipe has something to read (or a signal comes).
fn wait_readable(running: &[Child]) {
    let mut fds: Vec<rustix::event::PollFd> = running
        .iter()
        .map(|c| rustix::event::PollFd::new(c.out.get_ref(), rustix::event::PollFlags::IN))
        .collect();
    // A signal ends the wait (EINTR) so the caller can pass it on.
    let _ = rustix::event::poll(&mut fds, None);
}

/// Reads the lines `c` has written so far (the pipe is ready); true once
/// the child is done (its result is set).
fn pump(b: &mut Builder, c: &mut Child) -> bool {
    let zero = rustix::event::Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let readable = |out: &BufReader<std::fs::File>| {
        let mut fds = [rustix::event::PollFd::new(
            out.get_ref(),
            rustix::event::PollFlags::IN,
        )];
        matches!(rustix::event::poll(&mut fds, Some(&zero)), Ok(n) if n > 0)
    };
    loop {
        if c.out.buffer().is_empty() && !readable(&c.out) {
            return false;
        }
        let mut line = String::new();
        match c.out.read_line(&mut line) {
            Ok(0) | Err(_) => {
                c.result.get_or_insert_with(|| {
                    Err(b.fail(0, format!("the builder of stage {} ended early", c.stage)))
                });
                return true;
            }
            Ok(_) => {}
        }
        match serde_json::from_str::<Wire>(&line) {
            Ok(Wire::Event(e)) => forward(b, c, e),
            Ok(Wire::Built { manifest, key }) => {
                c.result = Some(finished(b, c.stage, manifest, key));
            }
            Ok(Wire::Failed(e)) => c.result = Some(Err(e)),
            Err(e) => {
                c.result = Some(Err(b.fail(0, format!("stage {}: {e}", c.stage))));
                return true;
            }
        }
        if c.result.is_some() {
            return true;
        }
    }
}

/// Passes a child's event on with the step renumbered.
fn forward(b: &mut Builder, c: &mut Child, mut e: Event) {
    let step = match &mut e {
        Event::Step { step, .. }
        | Event::Cached { step }
        | Event::Miss { step, .. }
        | Event::Output { step, .. }
        | Event::Done { step, .. } => step,
        Event::Notice(_) => return (b.sink)(e),
    };
    let global = *c.steps.entry(*step).or_insert_with(|| {
        b.counter += 1;
        b.counter
    });
    *step = global;
    (b.sink)(e)
}

/// The state a child's stage ended in, from the store.
fn finished(
    b: &Builder,
    stage: usize,
    manifest: Option<String>,
    key: String,
) -> Result<State, BuildError> {
    let line = b.req.dockerfile.stages[stage].line;
    let image = match manifest {
        Some(m) => {
            let d = m.parse().map_err(|e| b.fail(line, format!("{e}")))?;
            Some(Image::load(b.store, &d, Vec::new()).map_err(|e| b.fail(line, e))?)
        }
        None => None,
    };
    let extras = image
        .as_ref()
        .map(|i| Extras::of(b.store, &i.id))
        .unwrap_or_default();
    let env = image
        .as_ref()
        .and_then(|i| i.config.config().as_ref().and_then(|c| c.env().clone()))
        .unwrap_or_default();
    Ok(State {
        image,
        extras,
        key,
        scope: b.global.stage(&env),
        cmd_set: false,
        rebuilt: false,
    })
}

fn reap(c: &mut Child) {
    let mut status = 0;
    // SAFETY: waitpid on our own child; `status` is a valid out pointer.
    while unsafe { libc::waitpid(c.pid, &mut status, 0) } < 0
        && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
    {}
}

/// Forks a child that builds stage `i` and reports on a pipe.
fn spawn(b: &mut Builder, i: usize) -> Result<Child, BuildError> {
    let line = b.req.dockerfile.stages[i].line;
    let (r, w) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
        .map_err(|e| b.fail(line, format!("a pipe for a stage: {e}")))?;
    // SAFETY: the child runs only this build's code on its own copy of
    // memory and leaves with _exit; the builder is single-threaded here
    // apart from a progress ticker, which the child does not use.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        let e = std::io::Error::last_os_error();
        return Err(b.fail(line, format!("starting a stage's builder: {e}")));
    }
    if pid == 0 {
        drop(r);
        child(b, i, w);
    }
    drop(w);
    Ok(Child {
        stage: i,
        pid,
        out: BufReader::new(std::fs::File::from(r)),
        steps: HashMap::new(),
        result: None,
    })
}

/// The child's side: build stage `i`, report, exit.
fn child(b: &mut Builder, i: usize, w: OwnedFd) -> ! {
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut out = std::io::BufWriter::new(std::fs::File::from(w));
        let send = |out: &mut std::io::BufWriter<std::fs::File>, m: &Wire| {
            if let Ok(mut s) = serde_json::to_string(m) {
                s.push('\n');
                let _ = out.write_all(s.as_bytes());
                let _ = out.flush();
            }
        };
        let req = b.req;
        let stage = &req.dockerfile.stages[i];
        let label = stage_label(b, i);
        let hashes = std::mem::replace(&mut b.hashes, super::hashes::HashCache::disabled());
        let result = {
            let mut sink = |e: Event| send(&mut out, &Wire::Event(e));
            let mut cb = Builder {
                store: b.store,
                req,
                sink: &mut sink,
                counter: 0,
                done: b.done.clone(),
                global: b.global.clone(),
                hashes,
            };
            let r = build_stage(&mut cb, stage, &label);
            cb.hashes.save(cb.store);
            r
        };
        let msg = match result {
            Ok(st) => Wire::Built {
                manifest: st.image.map(|i| i.manifest_digest.to_string()),
                key: st.key,
            },
            // A parse error (of an ONBUILD trigger) does not cross as such.
            Err(BuildError::Parse(e)) => Wire::Failed(b.fail(stage.line, e)),
            Err(e) => Wire::Failed(e),
        };
        send(&mut out, &msg);
        0
    }))
    .unwrap_or(101);
    // SAFETY: leaving the forked child without running the parent's
    // destructors (its store lock, temp directories, terminal view).
    unsafe { libc::_exit(code) }
}
