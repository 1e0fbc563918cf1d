//! `compose up`, `create`, `down` and `logs`: flags to the core's options,
//! progress lines on stderr, and the prefixed (coloured on a terminal) log
//! stream of a foreground `up` or `logs -f`.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::Args;
use tug::compose::down::{self, DownOptions};
use tug::compose::project::label;
use tug::compose::up::{self, Progress, UpOptions};
use tug::compose::{interrupt, labels, Plan};
use tug::container::{self, logs, ops, Record, Status};
use tug::store::Store;

/// Arguments of `compose up`.
#[derive(Debug, Args, Clone)]
pub struct UpArgs {
    /// Detached mode: run containers in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Pull images before running: always, missing or never
    #[arg(long, value_name = "POLICY")]
    pub pull: Option<String>,
    /// Build images before starting containers
    #[arg(long)]
    pub build: bool,
    /// Don't build an image, even if it's missing
    #[arg(long = "no-build")]
    pub no_build: bool,
    /// Recreate containers even if their configuration hasn't changed
    #[arg(long = "force-recreate", conflicts_with = "no_recreate")]
    pub force_recreate: bool,
    /// If containers already exist, don't recreate them
    #[arg(long = "no-recreate")]
    pub no_recreate: bool,
    /// Don't start linked services
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Wait for services to be running|healthy (implies detached mode)
    #[arg(long)]
    pub wait: bool,
    /// Maximum duration in seconds to wait for the project to be running|healthy
    #[arg(long = "wait-timeout", value_name = "SECONDS")]
    pub wait_timeout: Option<u64>,
    /// Stops all containers if any container was stopped
    #[arg(long = "abort-on-container-exit")]
    pub abort_on_container_exit: bool,
    /// Return the exit code of the selected service container (implies --abort-on-container-exit)
    #[arg(long = "exit-code-from", value_name = "SERVICE")]
    pub exit_code_from: Option<String>,
    /// Scale SERVICE to NUM instances (SERVICE=NUM)
    #[arg(long, value_name = "SERVICE=NUM")]
    pub scale: Vec<String>,
    /// Seconds to wait for containers to stop
    #[arg(short = 't', long = "timeout", value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Produce monochrome output
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Don't prefix the log lines with the container name
    #[arg(long = "no-log-prefix")]
    pub no_log_prefix: bool,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose create`.
#[derive(Debug, Args, Clone)]
pub struct CreateArgs {
    /// Pull images before creating: always, missing or never
    #[arg(long, value_name = "POLICY")]
    pub pull: Option<String>,
    /// Build images before creating containers
    #[arg(long)]
    pub build: bool,
    /// Recreate containers even if their configuration hasn't changed
    #[arg(long = "force-recreate", conflicts_with = "no_recreate")]
    pub force_recreate: bool,
    /// If containers already exist, don't recreate them
    #[arg(long = "no-recreate")]
    pub no_recreate: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Scale SERVICE to NUM instances (SERVICE=NUM)
    #[arg(long, value_name = "SERVICE=NUM")]
    pub scale: Vec<String>,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose down`.
#[derive(Debug, Args, Clone)]
pub struct DownArgs {
    /// Remove named volumes declared in the volumes section and anonymous volumes
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Remove images used by services: local (built ones) or all
    #[arg(long, value_name = "TYPE", value_parser = ["local", "all"])]
    pub rmi: Option<String>,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Seconds to wait for containers to stop
    #[arg(short = 't', long = "timeout", value_name = "SECONDS")]
    pub timeout: Option<u64>,
}

/// Arguments of `compose logs`.
#[derive(Debug, Args, Clone)]
pub struct LogsArgs {
    /// Follow log output
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Number of lines to show from the end of the logs for each container
    #[arg(short = 'n', long, default_value = "all")]
    pub tail: String,
    /// Show timestamps
    #[arg(short = 't', long)]
    pub timestamps: bool,
    /// Produce monochrome output
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Don't print the container name prefix
    #[arg(long = "no-log-prefix")]
    pub no_log_prefix: bool,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

fn parse_scale(scale: &[String]) -> anyhow::Result<BTreeMap<String, u32>> {
    scale
        .iter()
        .map(|s| {
            let (k, v) = s.split_once('=').ok_or_else(|| {
                tug::Error::Invalid(format!("invalid --scale {s:?}: want SERVICE=NUM"))
            })?;
            let n: u32 = v.parse().ok().filter(|n| *n <= 1000).ok_or_else(|| {
                tug::Error::Invalid(format!("invalid --scale {s:?}: want SERVICE=NUM"))
            })?;
            Ok((k.to_string(), n))
        })
        .collect()
}

/// Prints one progress line the way Compose v2 does (on stderr).
pub fn progress(p: Progress) {
    let line = match p {
        Progress::Pull { service, notice } => format!(" {service} {notice}"),
        Progress::NetworkCreated(n) => format!(" Network {n}  Created"),
        Progress::VolumeCreated(v) => format!(" Volume \"{v}\"  Created"),
        Progress::Created(c) => format!(" Container {c}  Created"),
        Progress::Recreated(c) => format!(" Container {c}  Recreated"),
        Progress::Running(c) => format!(" Container {c}  Running"),
        Progress::Started(c) => format!(" Container {c}  Started"),
        Progress::Waiting(c) => format!(" Container {c}  Waiting"),
        Progress::Healthy(c) => format!(" Container {c}  Healthy"),
        Progress::Removed(c) if c.contains(' ') => {
            let mut c = c;
            c[..1].make_ascii_uppercase();
            format!(" {c}  Removed")
        }
        Progress::Removed(c) => format!(" Container {c}  Removed"),
        Progress::Warning(w) => format!("WARN[0000] {w}"),
        Progress::Build { event, .. } => return super::build::event(&event),
        Progress::Built(s) => return super::build::built(&s),
    };
    eprintln!("{line}");
}

pub fn up(store: &Store, plan: &Plan, a: &UpArgs) -> anyhow::Result<i32> {
    if a.build && a.no_build {
        anyhow::bail!(tug::Error::Invalid(
            "--build and --no-build are incompatible".into()
        ));
    }
    if let Some(p) = &a.pull {
        tug::container::options::PullPolicy::parse(p)?;
    }
    let detach = a.detach || a.wait;
    if detach && (a.abort_on_container_exit || a.exit_code_from.is_some()) {
        anyhow::bail!(tug::Error::Invalid(
            "--abort-on-container-exit and --exit-code-from need the foreground (no -d)".into()
        ));
    }
    if let Some(s) = &a.exit_code_from {
        plan.service(s)?;
    }
    let o = UpOptions {
        services: a.services.clone(),
        no_deps: a.no_deps,
        force_recreate: a.force_recreate,
        no_recreate: a.no_recreate,
        remove_orphans: a.remove_orphans,
        pull: a.pull.clone(),
        build: a.build,
        no_build: a.no_build,
        scale: parse_scale(&a.scale)?,
        timeout: a.timeout,
        start: true,
        wait: a.wait,
        wait_timeout: a.wait_timeout.map(Duration::from_secs),
    };
    interrupt::install();
    // Output from before this `up` is not shown again.
    let before: BTreeMap<String, u64> =
        tug::compose::project::containers(store, &plan.name, false)?
            .iter()
            .map(|r| {
                let size = std::fs::metadata(logs::path(store, &r.id))
                    .map(|m| m.len())
                    .unwrap_or(0);
                (r.id.clone(), size)
            })
            .collect();
    let containers = match up::up(store, plan, &o, &mut progress, &|| interrupt::count() > 0) {
        Ok(c) => c,
        // Ctrl-c while starting a foreground `up`: what started stops.
        Err(tug::compose::ProjectError::Interrupted) if !detach => {
            eprintln!("Gracefully stopping... (press Ctrl+C again to force)");
            let started = tug::compose::project::containers(store, &plan.name, false)?;
            stop_all(store, &started, a.timeout);
            return Ok(130);
        }
        Err(e) => return Err(e.into()),
    };
    if detach {
        return Ok(0);
    }
    let wanted = up::selected(plan, &a.services, a.no_deps)?
        .iter()
        .map(|s| s.name.clone())
        .collect::<Vec<_>>();
    let containers: Vec<Record> = containers
        .into_iter()
        .filter(|r| wanted.iter().any(|w| label(r, labels::SERVICE) == Some(w)))
        .collect();
    let style = Style::new(&containers, a.no_color, a.no_log_prefix);
    let abort = a.abort_on_container_exit || a.exit_code_from.is_some();
    let offsets = containers
        .iter()
        .map(|r| before.get(&r.id).copied().unwrap_or(0))
        .collect();
    let outcome = follow(store, &containers, offsets, &style, false, abort)?;
    if outcome.interrupted || abort {
        if outcome.interrupted {
            eprintln!("Gracefully stopping... (press Ctrl+C again to force)");
        } else {
            eprintln!("Aborting on container exit...");
        }
        stop_all(store, &containers, a.timeout);
        // What they said while stopping.
        for (i, r) in containers.iter().enumerate() {
            if let Ok((entries, _)) = logs::read_from(&logs::path(store, &r.id), outcome.offsets[i])
            {
                print_entries(&entries, &r.name, &style, false)?;
            }
        }
    }
    if let Some(s) = &a.exit_code_from {
        let code = containers
            .iter()
            .filter(|r| label(r, labels::SERVICE) == Some(s))
            .filter_map(|r| container::load(store, &r.id).ok())
            .find_map(|r| r.exit_code)
            .unwrap_or(0);
        return Ok(code);
    }
    Ok(if outcome.interrupted { 130 } else { 0 })
}

/// Stops containers: each its stop signal at once, then SIGKILL after the
/// timeout or at a second ctrl-c.
fn stop_all(store: &Store, containers: &[Record], timeout: Option<u64>) {
    let first = interrupt::count();
    for r in containers {
        let r = container::refresh(store, r.clone());
        if r.status != Status::Running {
            continue;
        }
        let sig = r
            .options
            .stop_signal
            .as_deref()
            .and_then(|s| tug::container::signal::parse_signal(s).ok())
            .unwrap_or(libc::SIGTERM);
        let _ = ops::kill(store, &r, sig);
        let mut now = container::load(store, &r.id).unwrap_or(r);
        now.stopped_by_user = true;
        let _ = container::save(store, &now);
    }
    let t = timeout.unwrap_or(10);
    let deadline = Instant::now() + Duration::from_secs(t);
    loop {
        let running: Vec<Record> = containers
            .iter()
            .filter_map(|r| container::load(store, &r.id).ok())
            .map(|r| container::refresh(store, r))
            .filter(|r| r.status == Status::Running)
            .collect();
        if running.is_empty() {
            break;
        }
        if Instant::now() >= deadline || interrupt::count() > first {
            for r in &running {
                let _ = ops::kill(store, r, libc::SIGKILL);
            }
            for r in &running {
                let _ = ops::wait_recorded(store, &r.id, Duration::from_secs(10));
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    for r in containers {
        eprintln!(" Container {}  Stopped", r.name);
    }
}

pub fn create(store: &Store, plan: &Plan, a: &CreateArgs) -> anyhow::Result<i32> {
    let o = UpOptions {
        services: a.services.clone(),
        force_recreate: a.force_recreate,
        no_recreate: a.no_recreate,
        remove_orphans: a.remove_orphans,
        pull: a.pull.clone(),
        build: a.build,
        scale: parse_scale(&a.scale)?,
        start: false,
        ..Default::default()
    };
    // Ctrl-c stops a build in progress cleanly (nothing is created then).
    interrupt::install();
    up::up(store, plan, &o, &mut progress, &|| interrupt::count() > 0)?;
    Ok(0)
}

pub fn down(store: &Store, plan: &Plan, a: &DownArgs) -> anyhow::Result<i32> {
    let o = DownOptions {
        remove_orphans: a.remove_orphans,
        volumes: a.volumes,
        rmi: a.rmi.clone(),
        timeout: a.timeout,
    };
    down::down(store, plan, &o, &mut progress)?;
    Ok(0)
}

/// How log lines are prefixed.
pub struct Style {
    width: usize,
    colour: bool,
    prefix: bool,
    names: Vec<String>,
}

const COLOURS: &[&str] = &["36", "33", "32", "35", "34", "96", "93", "92", "95", "94"];

impl Style {
    pub fn new(containers: &[Record], no_color: bool, no_prefix: bool) -> Style {
        Style {
            width: containers.iter().map(|r| r.name.len()).max().unwrap_or(0),
            colour: !no_color && std::io::stdout().is_terminal(),
            prefix: !no_prefix,
            names: containers.iter().map(|r| r.name.clone()).collect(),
        }
    }

    fn line(&self, name: &str, text: &str) -> String {
        if !self.prefix {
            return text.to_string();
        }
        let pad = format!("{name:<w$}", w = self.width);
        if self.colour {
            let i = self.names.iter().position(|n| n == name).unwrap_or(0);
            format!("\x1b[{}m{pad}  |\x1b[0m {text}", COLOURS[i % COLOURS.len()])
        } else {
            format!("{pad}  | {text}")
        }
    }
}

/// How following logs ended.
pub struct Followed {
    pub interrupted: bool,
    /// How far each container's log was read.
    pub offsets: Vec<u64>,
}

fn print_entries(
    entries: &[logs::Entry],
    name: &str,
    style: &Style,
    timestamps: bool,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for e in entries {
        let ts = if timestamps {
            format!(
                "{} ",
                e.time.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
            )
        } else {
            String::new()
        };
        let text = format!("{ts}{}", e.log.strip_suffix('\n').unwrap_or(&e.log));
        writeln!(out, "{}", style.line(name, &text))?;
    }
    out.flush()
}

/// Prints the containers' logs as they come, until every one has exited
/// (or, with `abort`, any one has), or we are interrupted.
pub fn follow(
    store: &Store,
    containers: &[Record],
    mut offsets: Vec<u64>,
    style: &Style,
    timestamps: bool,
    abort: bool,
) -> anyhow::Result<Followed> {
    let mut ended = vec![false; containers.len()];
    loop {
        let mut running = 0;
        let mut exited = false;
        for (i, r) in containers.iter().enumerate() {
            let now = match container::load(store, &r.id) {
                Ok(now) => container::refresh(store, now),
                Err(_) => continue,
            };
            let (entries, next) = logs::read_from(&logs::path(store, &r.id), offsets[i])
                .unwrap_or((Vec::new(), offsets[i]));
            offsets[i] = next;
            print_entries(&entries, &r.name, style, timestamps)?;
            match now.status {
                Status::Running | Status::Restarting => running += 1,
                Status::Exited if now.monitor_alive() => running += 1,
                Status::Exited => {
                    exited = true;
                    if !ended[i] {
                        ended[i] = true;
                        println!("{} exited with code {}", r.name, now.exit_code.unwrap_or(0));
                    }
                }
                Status::Created => {}
            }
        }
        let interrupted = interrupt::count() > 0;
        if interrupted || running == 0 || (abort && exited) {
            return Ok(Followed {
                interrupted,
                offsets,
            });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn logs(store: &Store, plan: &Plan, a: &LogsArgs) -> anyhow::Result<i32> {
    let containers = down::targets(store, plan, &a.services, false)?;
    let mut containers = containers;
    containers.reverse();
    let style = Style::new(&containers, a.no_color, a.no_log_prefix);
    let tail: Option<usize> = match a.tail.as_str() {
        "all" => None,
        n => Some(
            n.parse()
                .map_err(|_| tug::Error::Invalid(format!("invalid --tail {n:?}")))?,
        ),
    };
    let mut offsets = Vec::new();
    for r in &containers {
        let (mut entries, offset) =
            logs::read_all(&logs::path(store, &r.id)).unwrap_or((Vec::new(), 0));
        if let Some(n) = tail {
            let skip = entries.len().saturating_sub(n);
            entries.drain(..skip);
        }
        print_entries(&entries, &r.name, &style, a.timestamps)?;
        offsets.push(offset);
    }
    if a.follow {
        interrupt::install();
        follow(store, &containers, offsets, &style, a.timestamps, false)?;
    }
    Ok(0)
}
