//! `tug logs [-f] [--tail N] [-t] CONTAINER`: the json log, also after the
//! container exited.

use std::io::Write;
use std::time::Duration;

use clap::Args as ClapArgs;
use tug::container::{self, logs, Status};
use tug::store::Store;

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Follow log output
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Number of lines to show from the end ("all" for every line)
    #[arg(short = 'n', long, default_value = "all")]
    pub tail: String,
    /// Show timestamps
    #[arg(short = 't', long)]
    pub timestamps: bool,
    /// Show logs since a timestamp (RFC 3339) or a relative time (e.g. 10m)
    #[arg(long)]
    pub since: Option<String>,
    /// Show logs before a timestamp (RFC 3339) or a relative time (e.g. 10m)
    #[arg(long)]
    pub until: Option<String>,
    /// Container (name or ID)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// A point in time as Docker's --since/--until take it.
pub fn parse_time(s: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    if let Ok(secs) = s.parse::<i64>() {
        if let Some(t) = chrono::DateTime::from_timestamp(secs, 0) {
            return Ok(t);
        }
    }
    let d = humantime::parse_duration(s).map_err(|_| {
        tug::Error::Invalid(format!(
            "invalid time {s:?}: want RFC 3339, seconds, or a duration like 10m"
        ))
    })?;
    Ok(chrono::Utc::now() - chrono::Duration::from_std(d)?)
}

fn print(entries: &[logs::Entry], timestamps: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    for e in entries {
        let prefix = if timestamps {
            format!(
                "{} ",
                e.time.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
            )
        } else {
            String::new()
        };
        if e.stream == "stderr" {
            write!(err, "{prefix}{}", e.log)?;
        } else {
            write!(out, "{prefix}{}", e.log)?;
        }
    }
    out.flush()
}

/// Prints log entries from `offset` as they come until the container is no
/// longer running; returns its exit code.
pub fn follow_until_exit(
    store: &Store,
    id: &str,
    mut offset: u64,
    timestamps: bool,
) -> anyhow::Result<i32> {
    let path = logs::path(store, id);
    loop {
        let r = container::refresh(store, container::load(store, id)?);
        let (entries, next) = logs::read_from(&path, offset)?;
        offset = next;
        print(&entries, timestamps)?;
        if r.status == Status::Exited || r.status == Status::Created {
            let (entries, _) = logs::read_from(&path, offset)?;
            print(&entries, timestamps)?;
            return Ok(r.exit_code.unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = container::find(&store, &args.container)?;
    let path = logs::path(&store, &r.id);
    let (mut entries, offset) = logs::read_all(&path)?;
    if let Some(since) = args.since.as_deref().map(parse_time).transpose()? {
        entries.retain(|e| e.time >= since);
    }
    if let Some(until) = args.until.as_deref().map(parse_time).transpose()? {
        entries.retain(|e| e.time <= until);
    }
    if args.tail != "all" {
        let n: usize = args
            .tail
            .parse()
            .map_err(|_| tug::Error::Invalid(format!("invalid --tail {:?}", args.tail)))?;
        let skip = entries.len().saturating_sub(n);
        entries.drain(..skip);
    }
    print(&entries, args.timestamps)?;
    if args.follow {
        follow_until_exit(&store, &r.id, offset, args.timestamps)?;
    }
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct AttachArgs {
    /// Do not attach STDIN
    #[arg(long = "no-stdin")]
    pub no_stdin: bool,
    /// Override the key sequence for detaching the container
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// Proxy received signals to the container
    #[arg(long = "sig-proxy", default_value_t = true, action = clap::ArgAction::Set)]
    pub sig_proxy: bool,
    /// Container (name or ID)
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// `tug attach`: the output of a running detached container until it
/// exits (returns its exit code), and, for a `-i` container, our input to
/// it until the detach keys (exit 0, the container keeps running).
pub fn attach(args: AttachArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = container::refresh(&store, container::find(&store, &args.container)?);
    if r.status != Status::Running {
        return Err(tug::Error::Invalid(
            "you cannot attach to a stopped container, start it first".into(),
        )
        .into());
    }
    let keys = detach_keys(args.detach_keys.as_deref(), &r)?;
    let offset = std::fs::metadata(logs::path(&store, &r.id))
        .map(|m| m.len())
        .unwrap_or(0);
    attached(&store, &r, offset, !args.no_stdin, &keys)
}

/// The detach sequence: the flag's, else the container's own
/// (`run --detach-keys`), else Docker's ctrl-p ctrl-q.
pub fn detach_keys(flag: Option<&str>, r: &container::Record) -> anyhow::Result<Vec<u8>> {
    let spec = flag
        .or(r.options.detach_keys.as_deref())
        .unwrap_or("ctrl-p,ctrl-q");
    Ok(tug::container::attach::parse_detach_keys(spec)?)
}

/// Shows a running container's output from log offset `offset` until it
/// exits (its exit code), feeding our input to a `-i` container when
/// `input` until the detach `keys` (then exit 0, the container runs on).
pub fn attached(
    store: &tug::store::Store,
    r: &container::Record,
    offset: u64,
    input: bool,
    keys: &[u8],
) -> anyhow::Result<i32> {
    if r.options.interactive && input {
        let fifo_path = tug::container::monitor::stdin_path(store, &r.id);
        let fifo = std::fs::OpenOptions::new()
            .write(true)
            .open(&fifo_path)
            .map_err(|e| tug::Error::io(fifo_path, e))?;
        if r.options.tty {
            raw_terminal();
        }
        let keys = keys.to_vec();
        std::thread::spawn(move || {
            let end = tug::container::attach::relay_input(std::io::stdin().lock(), fifo, &keys);
            if end == tug::container::attach::InputEnd::Detached {
                restore_terminal();
                eprintln!("read escape sequence");
                std::process::exit(0);
            }
            // End of our input: output goes on until the container exits.
        });
    }
    let code = follow_until_exit(store, &r.id, offset, false);
    restore_terminal();
    code
}

/// Our terminal's settings before `attach` made it raw.
static SAVED_TERMINAL: std::sync::Mutex<Option<rustix::termios::Termios>> =
    std::sync::Mutex::new(None);

/// Puts our terminal (if stdin is one) in raw mode for a `-t` container.
fn raw_terminal() {
    let stdin = rustix::stdio::stdin();
    let Ok(saved) = rustix::termios::tcgetattr(stdin) else {
        return;
    };
    let mut raw = saved.clone();
    raw.make_raw();
    if rustix::termios::tcsetattr(stdin, rustix::termios::OptionalActions::Now, &raw).is_ok() {
        if let Ok(mut s) = SAVED_TERMINAL.lock() {
            *s = Some(saved);
        }
    }
}

/// Gives our terminal its settings back.
fn restore_terminal() {
    if let Some(t) = SAVED_TERMINAL.lock().ok().and_then(|mut s| s.take()) {
        let _ = rustix::termios::tcsetattr(
            rustix::stdio::stdin(),
            rustix::termios::OptionalActions::Now,
            &t,
        );
    }
}
