//! `compose start`, `stop`, `restart`, `kill`, `rm`, `pause`, `unpause`,
//! `pull`, `push`, `exec`, `run`, `wait`, `cp` and `events`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tug::compose::down::{self, Action};
use tug::compose::project::{label, number};
use tug::compose::up::{self, UpOptions};
use tug::compose::{labels, Plan};
use tug::container::image::{ensure_image, ImageNotice};
use tug::container::options::PullPolicy;
use tug::container::{files, launch, monitor, ops, Status};
use tug::store::Store;

/// Services named on the command line (default: all).
#[derive(Debug, Args, Clone)]
pub struct ServicesArgs {
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose stop` and `restart`.
#[derive(Debug, Args, Clone)]
pub struct StopArgs {
    /// Seconds to wait for the containers to stop
    #[arg(short = 't', long = "timeout", value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose kill`.
#[derive(Debug, Args, Clone)]
pub struct KillArgs {
    /// SIGNAL to send to the container
    #[arg(short = 's', long, default_value = "SIGKILL")]
    pub signal: String,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose rm`.
#[derive(Debug, Args, Clone)]
pub struct RmArgs {
    /// Don't ask to confirm removal
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Stop the containers, if required, before removing
    #[arg(short = 's', long)]
    pub stop: bool,
    /// Remove any anonymous volumes attached to containers
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose pull`.
#[derive(Debug, Args, Clone)]
pub struct PullArgs {
    /// Pull without printing progress information
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Pull what it can and ignore images with pull failures
    #[arg(long = "ignore-pull-failures")]
    pub ignore_pull_failures: bool,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose exec`.
#[derive(Debug, Args, Clone)]
pub struct ExecArgs {
    /// Detached mode: run the command in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Set environment variables
    #[arg(short = 'e', long = "env", value_name = "KEY=VAL")]
    pub env: Vec<String>,
    /// Index of the container if the service has multiple replicas
    #[arg(long, default_value_t = 1)]
    pub index: u32,
    /// Disable pseudo-TTY allocation
    #[arg(short = 'T', long = "no-TTY")]
    pub no_tty: bool,
    /// Give extended privileges to the process
    #[arg(long)]
    pub privileged: bool,
    /// Run the command as this user
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Path to workdir directory for this command
    #[arg(short = 'w', long)]
    pub workdir: Option<String>,
    /// The service, then the command and its arguments
    #[arg(
        value_name = "SERVICE COMMAND [ARG...]",
        required = true,
        num_args = 2..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub service_and_command: Vec<String>,
}

/// Arguments of `compose run`.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Run container in background and print container ID
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Automatically remove the container when it exits
    #[arg(long)]
    pub rm: bool,
    /// Set environment variables
    #[arg(short = 'e', long = "env", value_name = "KEY=VAL")]
    pub env: Vec<String>,
    /// Don't start linked services
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// Run command with the service's ports enabled and mapped to the host
    #[arg(long = "service-ports")]
    pub service_ports: bool,
    /// Assign a name to the container
    #[arg(long)]
    pub name: Option<String>,
    /// Override the entrypoint of the image
    #[arg(long)]
    pub entrypoint: Option<String>,
    /// Run as specified username or uid
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Working directory inside the container
    #[arg(short = 'w', long)]
    pub workdir: Option<String>,
    /// Disable pseudo-TTY allocation
    #[arg(short = 'T', long = "no-TTY")]
    pub no_tty: bool,
    /// The service, then the command and its arguments
    #[arg(
        value_name = "SERVICE [COMMAND [ARG...]]",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub service_and_command: Vec<String>,
}

fn print_names(names: &[String], verb: &str) {
    for n in names {
        eprintln!(" Container {n}  {verb}");
    }
}

pub fn act(
    store: &Store,
    plan: &Plan,
    services: &[String],
    action: Action,
    timeout: Option<u64>,
) -> anyhow::Result<i32> {
    let done = down::act(store, plan, services, action, timeout)?;
    let verb = match action {
        Action::Start => "Started",
        Action::Stop => "Stopped",
        Action::Restart => "Restarted",
        Action::Kill(_) => "Killed",
        Action::Pause => "Paused",
        Action::Unpause => "Unpaused",
        Action::Remove { .. } => "Removed",
    };
    print_names(&done, verb);
    Ok(0)
}

pub fn kill(store: &Store, plan: &Plan, a: &KillArgs) -> anyhow::Result<i32> {
    let sig = tug::container::signal::parse_signal(&a.signal)?;
    act(store, plan, &a.services, Action::Kill(sig), None)
}

pub fn rm(store: &Store, plan: &Plan, a: &RmArgs) -> anyhow::Result<i32> {
    if a.stop {
        down::act(store, plan, &a.services, Action::Stop, None)?;
    }
    act(
        store,
        plan,
        &a.services,
        Action::Remove { volumes: a.volumes },
        None,
    )
}

pub fn pull(store: &Store, plan: &Plan, a: &PullArgs) -> anyhow::Result<i32> {
    let services = up::selected(plan, &a.services, true)?;
    for s in services {
        if s.build.is_some() && tug::image::resolve(store, &s.image).is_err() {
            continue;
        }
        let quiet = a.quiet;
        let mut notify = |n: ImageNotice| {
            if !quiet {
                eprintln!(" {} {n}", s.name);
            }
        };
        if let Err(e) = ensure_image(store, &s.image, PullPolicy::Always, None, &mut notify) {
            if a.ignore_pull_failures {
                eprintln!("WARN[0000] {}: {e}", s.name);
                continue;
            }
            return Err(
                anyhow::Error::new(e).context(format!("service {:?}: pulling {}", s.name, s.image))
            );
        }
        if !quiet {
            eprintln!(" {} Pulled", s.name);
        }
    }
    Ok(0)
}

fn env_entries(env: &[String]) -> Vec<String> {
    env.iter()
        .filter_map(|e| {
            if e.contains('=') {
                Some(e.clone())
            } else {
                std::env::var(e).ok().map(|v| format!("{e}={v}"))
            }
        })
        .collect()
}

pub fn exec(store: &Store, plan: &Plan, a: &ExecArgs) -> anyhow::Result<i32> {
    // The process that enters the container must not run from the host's
    // binary (tug::runtime::guard): once more, from a sealed copy.
    if !tug::runtime::guard::running_sealed() {
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        return Err(tug::runtime::guard::reexec_sealed(&argv).into());
    }
    tug::net::session::detect_joined(store.root());
    let service = &a.service_and_command[0];
    let list = down::targets(store, plan, std::slice::from_ref(service), false)?;
    let r = list
        .iter()
        .find(|r| number(r) == a.index)
        .ok_or_else(|| tug::Error::Invalid(format!("service {service:?} is not running")))?;
    let tty = !a.no_tty && !a.detach && std::io::stdin().is_terminal();
    let o = ops::ExecOptions {
        command: a.service_and_command[1..].to_vec(),
        env: env_entries(&a.env),
        user: a.user.clone(),
        workdir: a.workdir.clone(),
        privileged: a.privileged,
        tty,
        interactive: tty,
        detach: a.detach,
    };
    Ok(ops::exec(store, r, &o)?)
}

pub fn run(store: &Store, plan: &Plan, a: &RunArgs) -> anyhow::Result<i32> {
    let name = &a.service_and_command[0];
    let s = plan.service(name)?.clone();
    // Ctrl-c stops a build (or the wait for a dependency) cleanly; the
    // foreground container's signal forwarding takes over afterwards.
    tug::build::interrupt::install();
    if !a.no_deps {
        let deps: Vec<String> = s.depends_on.iter().map(|d| d.service.clone()).collect();
        if !deps.is_empty() {
            let o = UpOptions {
                services: deps,
                start: true,
                ..Default::default()
            };
            up::up(
                store,
                plan,
                &o,
                &mut super::up::progress,
                &tug::build::interrupt::interrupted,
            )?;
        }
    }
    // The image, pulled (or built) as `up` would.
    let mut notify = |n: ImageNotice| eprintln!(" {} {n}", s.name);
    if s.build.is_some() && tug::image::resolve(store, &s.image).is_err() {
        tug::compose::build::build_service(store, plan, &s, &Default::default(), &mut |_, e| {
            super::build::event(&e)
        })?;
        super::build::built(&s.name);
    } else {
        ensure_image(
            store,
            &s.image,
            PullPolicy::parse(&s.pull_policy).unwrap_or_default(),
            None,
            &mut notify,
        )
        .map_err(|e| {
            anyhow::Error::new(e).context(format!("service {name:?}: pulling {}", s.image))
        })?;
    }
    if tug::build::interrupt::interrupted() {
        return Err(tug::compose::ProjectError::Interrupted.into());
    }
    up::resources(store, plan, &mut super::up::progress)?;
    let existing = tug::compose::project::containers(store, &plan.name, true)?;
    let mut req = up::request(store, plan, &s, 1, &existing);
    let suffix: String = hex::encode(rand::random::<[u8; 6]>());
    req.name = Some(
        a.name
            .clone()
            .unwrap_or_else(|| format!("{}-{}-run-{suffix}", plan.name, s.name)),
    );
    req.options
        .labels
        .insert(labels::ONEOFF.into(), "True".into());
    req.options.labels.remove(labels::NUMBER);
    if a.service_and_command.len() > 1 {
        req.options.command = a.service_and_command[1..].to_vec();
    }
    if let Some(e) = &a.entrypoint {
        req.options.entrypoint = Some(e.clone());
        if a.service_and_command.len() == 1 {
            req.options.command.clear();
        }
    }
    req.options.env.extend(env_entries(&a.env));
    if a.user.is_some() {
        req.options.user = a.user.clone();
    }
    if a.workdir.is_some() {
        req.options.workdir = a.workdir.clone();
    }
    if !a.service_ports {
        req.options.publish.clear();
    }
    let tty = !a.no_tty && !a.detach && std::io::stdin().is_terminal();
    req.options.tty = tty;
    req.options.interactive = !a.detach;
    req.auto_remove = a.rm;
    if a.rm {
        req.restart = tug::container::options::parse_restart("no")?;
    }
    let record = launch::create(store, &req)?;
    if a.detach {
        for w in monitor::spawn(store, &record.id)? {
            eprintln!("tug: warning: {w}");
        }
        println!("{}", record.name);
        return Ok(0);
    }
    Ok(launch::run_foreground(store, record, |w| {
        eprintln!("tug: warning: {w}")
    })?)
}

pub fn wait(store: &Store, plan: &Plan, a: &ServicesArgs) -> anyhow::Result<i32> {
    let list = down::targets(store, plan, &a.services, false)?;
    let mut code = 0;
    for r in list.iter().rev() {
        let r = loop {
            let now = ops::wait_recorded(store, &r.id, Duration::from_secs(3600))?;
            if now.status != Status::Running && !now.monitor_alive() {
                break now;
            }
        };
        let c = r.exit_code.unwrap_or(0);
        println!("{c}");
        if code == 0 {
            code = c;
        }
    }
    Ok(code)
}

/// Arguments of `compose cp`.
#[derive(Debug, Args, Clone)]
pub struct CpArgs {
    /// Index of the container if the service has multiple replicas
    #[arg(long, default_value_t = 1)]
    pub index: u32,
    /// Always follow symbol link in SRC_PATH
    #[arg(short = 'L', long = "follow-link")]
    pub follow_link: bool,
    /// Source: SERVICE:PATH or a host path
    pub src: String,
    /// Destination: SERVICE:PATH or a host path
    pub dst: String,
}

/// Arguments of `compose events`.
#[derive(Debug, Args, Clone)]
pub struct EventsArgs {
    /// Output events as a stream of json objects
    #[arg(long)]
    pub json: bool,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

fn service_path(s: &str) -> Option<(&str, &str)> {
    if s.starts_with('/') || s.starts_with('.') {
        return None;
    }
    s.split_once(':')
}

pub fn cp(store: &Store, plan: &Plan, a: &CpArgs) -> anyhow::Result<i32> {
    let replica = |service: &str| -> anyhow::Result<tug::container::Record> {
        let list = down::targets(store, plan, &[service.to_string()], false)?;
        list.into_iter()
            .find(|r| number(r) == a.index)
            .ok_or_else(|| {
                tug::Error::Invalid(format!(
                    "service {service:?} has no container number {}",
                    a.index
                ))
                .into()
            })
    };
    match (service_path(&a.src), service_path(&a.dst)) {
        (Some((svc, p)), None) => {
            let r = replica(svc)?;
            files::copy_out(&r, p, &PathBuf::from(&a.dst), a.follow_link)?;
        }
        (None, Some((svc, p))) => {
            let r = replica(svc)?;
            files::copy_in(&a.src, &r, p, a.follow_link)?;
        }
        _ => {
            return Err(tug::Error::Invalid(
                "one side of compose cp must be SERVICE:PATH, the other a host path".into(),
            )
            .into())
        }
    }
    Ok(0)
}

/// Follows the store's events for the project's containers until
/// interrupted.
pub fn events(store: &Store, plan: &Plan, a: &EventsArgs) -> anyhow::Result<i32> {
    use std::collections::BTreeMap;
    use tug::compose::interrupt;
    for s in &a.services {
        plan.service(s)?;
    }
    interrupt::install();
    let mut offset = std::fs::metadata(tug::container::events::path(store))
        .map(|m| m.len())
        .unwrap_or(0);
    let mut services: BTreeMap<String, String> = BTreeMap::new();
    while interrupt::count() == 0 {
        for r in tug::compose::project::containers(store, &plan.name, true)? {
            let svc = label(&r, labels::SERVICE).unwrap_or_default().to_string();
            services.insert(r.id.clone(), svc);
        }
        let (events, next) = tug::container::events::read_from(store, offset);
        offset = next;
        for e in events {
            let id = e["id"].as_str().unwrap_or_default();
            let Some(svc) = services.get(id) else {
                continue;
            };
            if !a.services.is_empty() && !a.services.contains(svc) {
                continue;
            }
            let nanos = e["timeNano"].as_i64().unwrap_or(0);
            let time = chrono::DateTime::from_timestamp_nanos(nanos)
                .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
            let action = e["Action"].as_str().unwrap_or_default();
            let attrs = &e["Actor"]["Attributes"];
            if a.json {
                let line = serde_json::json!({
                    "time": time,
                    "type": "container",
                    "action": action,
                    "id": id,
                    "service": svc,
                    "attributes": attrs,
                });
                println!("{line}");
            } else {
                let name = attrs["name"].as_str().unwrap_or_default();
                let image = attrs["image"].as_str().unwrap_or_default();
                println!("{time} container {action} {id} (image={image}, name={name})");
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(0)
}

/// Arguments of `compose push`.
#[derive(Debug, Args, Clone)]
pub struct PushArgs {
    /// Push what it can and ignore images with push failures
    #[arg(long = "ignore-push-failures")]
    pub ignore_push_failures: bool,
    /// Push without printing progress information
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Pushes the image of every service that names one (`image:`) to the
/// registry its name says.
pub fn push(store: &Store, plan: &Plan, a: &PushArgs) -> anyhow::Result<i32> {
    for s in up::selected(plan, &a.services, true)? {
        if s.build.is_some() && s.image == format!("{}-{}", plan.name, s.name) {
            // Built under the project's own name: nowhere to push it.
            continue;
        }
        let pushed = tug::reference::Reference::parse(&s.image)
            .map_err(anyhow::Error::from)
            .and_then(|r| {
                let img = tug::image::resolve(store, &s.image)?;
                Ok(tug::registry::client::push(store, &img, &r)?)
            });
        match pushed {
            Ok(lines) => {
                if !a.quiet {
                    lines.iter().for_each(|l| eprintln!(" {} {l}", s.name));
                    eprintln!(" {} Pushed", s.name);
                }
            }
            Err(e) if a.ignore_push_failures => eprintln!("WARN[0000] {}: {e:#}", s.name),
            Err(e) => return Err(e.context(format!("service {:?}: pushing {}", s.name, s.image))),
        }
    }
    Ok(0)
}
