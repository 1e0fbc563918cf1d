//! `up` and `create`: images first (nothing is created when one cannot be
//! had), then volumes and networks, then each service in dependency order:
//! wait for what it depends on (started, healthy, completed), create the
//! replicas that are missing, recreate those whose config hash changed,
//! remove surplus replicas, and start them under their monitors (which run
//! their healthchecks and restart policies, foreground or not).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::build::{build_service, BuildOptions};
use super::labels;
use super::order;
use super::project::{self, label, number, Plan, ProjectError, Result};
use super::service::{Condition, Dependency, Service};
use crate::container::image::{ensure_image, ImageNotice};
use crate::container::launch::{self, Request};
use crate::container::options::PullPolicy;
use crate::container::{self, monitor, ops, signal, Record, Status};
use crate::store::Store;

/// What `up` (or `create`) is asked for.
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// The services named (none: all), with their dependencies unless
    /// `no_deps`.
    pub services: Vec<String>,
    pub no_deps: bool,
    pub force_recreate: bool,
    pub no_recreate: bool,
    pub remove_orphans: bool,
    /// `--pull`: always, missing, never (default: each service's policy).
    pub pull: Option<String>,
    /// `--build`: build images before starting.
    pub build: bool,
    /// `--no-build`: never build; a missing image is an error.
    pub no_build: bool,
    /// `--scale SERVICE=N`.
    pub scale: BTreeMap<String, u32>,
    /// `-t`: seconds to wait when stopping containers being replaced.
    pub timeout: Option<u64>,
    /// False for `create`: containers are made, not started.
    pub start: bool,
    /// `--wait`: return once every service runs (healthy if it has a check).
    pub wait: bool,
    pub wait_timeout: Option<Duration>,
}

/// What `up` tells the user as it goes.
#[derive(Debug, Clone)]
pub enum Progress {
    Pull {
        service: String,
        notice: String,
    },
    NetworkCreated(String),
    VolumeCreated(String),
    Created(String),
    Recreated(String),
    Running(String),
    Started(String),
    Waiting(String),
    Healthy(String),
    Removed(String),
    Warning(String),
    /// A line of a service's image build.
    Build {
        service: String,
        event: crate::build::Event,
    },
    /// A service's image was built.
    Built(String),
}

/// The services `up` acts on, in start order.
pub fn selected<'a>(plan: &'a Plan, named: &[String], no_deps: bool) -> Result<Vec<&'a Service>> {
    for n in named {
        plan.service(n)?;
    }
    if named.is_empty() {
        return Ok(plan.services.iter().collect());
    }
    let want = order::with_dependencies(&plan.services, named, no_deps);
    Ok(plan
        .services
        .iter()
        .filter(|s| want.contains(&s.name))
        .collect())
}

/// Makes every selected service's image ready (pull or build).
fn images(
    store: &Store,
    plan: &Plan,
    services: &[&Service],
    o: &UpOptions,
    report: &mut dyn FnMut(Progress),
    interrupted: &dyn Fn() -> bool,
) -> Result<()> {
    for s in services {
        if interrupted() {
            return Err(ProjectError::Interrupted);
        }
        let stored = crate::image::resolve(store, &s.image).is_ok();
        if s.build.is_some() && !o.no_build && (o.build || !stored || s.pull_policy == "build") {
            let mut events = |service: &str, event| {
                report(Progress::Build {
                    service: service.to_string(),
                    event,
                })
            };
            build_service(store, plan, s, &BuildOptions::default(), &mut events)?;
            report(Progress::Built(s.name.clone()));
            continue;
        }
        let policy = o.pull.as_deref().unwrap_or(match s.pull_policy.as_str() {
            "build" => "missing",
            p => p,
        });
        let policy = PullPolicy::parse(policy).map_err(|e| ProjectError::Service {
            service: s.name.clone(),
            why: e.to_string(),
        })?;
        let mut notify = |n: ImageNotice| {
            if matches!(n, ImageNotice::NotFoundLocally { .. }) {
                return;
            }
            report(Progress::Pull {
                service: s.name.clone(),
                notice: n.to_string(),
            })
        };
        ensure_image(store, &s.image, policy, None, &mut notify).map_err(|source| {
            ProjectError::Image {
                service: s.name.clone(),
                image: s.image.clone(),
                source,
            }
        })?;
    }
    Ok(())
}

/// Creates the project's networks and volumes that do not exist yet;
/// external ones must exist.
pub fn resources(store: &Store, plan: &Plan, report: &mut dyn FnMut(Progress)) -> Result<()> {
    for v in &plan.volumes {
        let exists = container::volume::load(store, &v.name).is_ok();
        if v.external {
            if !exists {
                return Err(ProjectError::Volume {
                    name: v.name.clone(),
                    source: crate::Error::Invalid(
                        "external volume not found: create it first".into(),
                    ),
                });
            }
            continue;
        }
        if !exists {
            container::volume::create(store, Some(&v.name), v.labels.clone()).map_err(
                |source| ProjectError::Volume {
                    name: v.name.clone(),
                    source,
                },
            )?;
            report(Progress::VolumeCreated(v.name.clone()));
        }
    }
    let used: Vec<&str> = plan
        .services
        .iter()
        .flat_map(|s| s.options.networks.iter().map(|n| n.name.as_str()))
        .collect();
    for n in &plan.networks {
        let exists = crate::net::record::find(store, &n.name).is_ok();
        if n.external {
            if !exists {
                return Err(ProjectError::Network {
                    name: n.name.clone(),
                    source: crate::Error::Invalid(
                        "external network not found: create it first".into(),
                    ),
                });
            }
            continue;
        }
        if !exists && used.contains(&n.name.as_str()) {
            crate::net::record::create(store, &n.name, &n.options).map_err(|source| {
                ProjectError::Network {
                    name: n.name.clone(),
                    source,
                }
            })?;
            report(Progress::NetworkCreated(n.name.clone()));
        }
    }
    if plan.services.iter().any(|s| !s.generated_files.is_empty()) {
        use std::os::unix::fs::DirBuilderExt;
        let d = &plan.generated_dir;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(d)
            .map_err(|e| crate::Error::io(d, e))?;
        for (p, text) in plan.services.iter().flat_map(|s| &s.generated_files) {
            std::fs::write(p, text).map_err(|e| crate::Error::io(p, e))?;
        }
    }
    Ok(())
}

/// The request for replica `n` of `s`.
pub fn request(store: &Store, plan: &Plan, s: &Service, n: u32, existing: &[Record]) -> Request {
    let mut options = s.options.clone();
    options.labels.insert(labels::NUMBER.into(), n.to_string());
    if let Some(other) = &s.network_service {
        options.net_container = Some(first_container(plan, other, existing));
    }
    for v in &s.volumes_from_services {
        let (svc, mode) = match v.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (v.as_str(), None),
        };
        let c = first_container(plan, svc, existing);
        options.volumes_from.push(match mode {
            Some(m) => format!("{c}:{m}"),
            None => c,
        });
    }
    // Links on the project's networks are names, not legacy links: the
    // alias points at the target's address on a network both share.
    if options.network == crate::runtime::spec::NetworkMode::Bridge {
        let nets = crate::net::record::list(store).unwrap_or_default();
        for (target, alias) in std::mem::take(&mut options.links) {
            let ip = existing
                .iter()
                .find(|r| r.name == target)
                .and_then(|r| {
                    nets.iter()
                        .filter(|n| options.networks.iter().any(|w| w.name == n.name))
                        .find_map(|n| n.endpoints.get(&r.id))
                })
                .map(|e| e.ip.to_string());
            match ip {
                Some(ip) => options.add_hosts.push((alias, ip)),
                // Not a project container: a legacy link (default bridge).
                None => options.links.push((target, alias)),
            }
        }
    }
    Request {
        image: Some(s.image.clone()),
        rootfs_dir: None,
        name: Some(plan.container_name(s, n)),
        options,
        auto_remove: false,
        restart: s.restart.clone(),
        healthcheck: s.healthcheck.clone(),
    }
}

fn first_container(plan: &Plan, service: &str, existing: &[Record]) -> String {
    existing
        .iter()
        .find(|r| label(r, labels::SERVICE) == Some(service))
        .map(|r| r.name.clone())
        .or_else(|| {
            plan.service(service)
                .ok()
                .map(|s| plan.container_name(s, 1))
        })
        .unwrap_or_else(|| service.to_string())
}

/// Stops a container as `stop` does (its stop signal, then SIGKILL after
/// `timeout` or its own stop timeout).
pub fn stop(store: &Store, r: &Record, timeout: Option<u64>) -> Result<Record> {
    let sig = r
        .options
        .stop_signal
        .clone()
        .unwrap_or_else(|| "SIGTERM".into());
    let sig = signal::parse_signal(&sig).unwrap_or(libc::SIGTERM);
    let t = timeout.or(r.options.stop_timeout).unwrap_or(10);
    Ok(ops::stop(store, r, Duration::from_secs(t), sig)?)
}

/// Stops (if running) and removes a container.
pub fn remove(store: &Store, r: &Record, timeout: Option<u64>, volumes: bool) -> Result<()> {
    let r = container::refresh(store, r.clone());
    if matches!(r.status, Status::Running | Status::Restarting) {
        stop(store, &r, timeout)?;
    }
    ops::remove(store, &r, true)?;
    if volumes {
        container::remove_anonymous_volumes(store, &r);
    }
    Ok(())
}

fn container_err(s: &Service, name: &str, source: crate::Error) -> ProjectError {
    ProjectError::Container {
        service: s.name.clone(),
        container: name.to_string(),
        source,
    }
}

/// Starts a created or exited container under its monitor.
pub fn start_container(store: &Store, s: &Service, r: &Record) -> Result<Vec<String>> {
    let mut now = container::refresh(store, container::load(store, &r.id)?);
    // A monitor that just recorded the exit is still finishing: wait for
    // it; one bringing it back (restart back-off) keeps it.
    let deadline = Instant::now() + Duration::from_secs(5);
    while now.status == Status::Exited && now.monitor_alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        now = container::refresh(store, container::load(store, &r.id)?);
    }
    if now.status == Status::Running || now.status == Status::Restarting || now.monitor_alive() {
        return Ok(Vec::new());
    }
    now.stopped_by_user = false;
    container::save(store, &now)?;
    monitor::spawn(store, &now.id).map_err(|e| container_err(s, &now.name, e))
}

/// Brings the project up; returns its containers as they are afterwards.
pub fn up(
    store: &Store,
    plan: &Plan,
    o: &UpOptions,
    report: &mut dyn FnMut(Progress),
    interrupted: &dyn Fn() -> bool,
) -> Result<Vec<Record>> {
    let services = selected(plan, &o.services, o.no_deps)?;
    for name in o.scale.keys() {
        plan.service(name)?;
    }
    images(store, plan, &services, o, report, interrupted)?;
    let existing = project::containers(store, &plan.name, false)?;
    for r in &existing {
        let svc = label(r, labels::SERVICE).unwrap_or_default();
        if plan.services.iter().any(|s| s.name == svc) {
            continue;
        }
        if o.remove_orphans {
            remove(store, r, o.timeout, false)?;
            report(Progress::Removed(r.name.clone()));
        } else {
            report(Progress::Warning(format!(
                "Found orphan containers ({}) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
                r.name
            )));
        }
    }
    resources(store, plan, report)?;
    let mut recreated: Vec<String> = Vec::new();
    for s in &services {
        if o.start {
            for d in &s.depends_on {
                if !services.iter().any(|x| x.name == d.service) {
                    continue;
                }
                wait_dependency(store, plan, d, report, interrupted)?;
            }
        }
        if interrupted() {
            return Err(ProjectError::Interrupted);
        }
        let current = project::containers(store, &plan.name, false)?;
        let mine: Vec<&Record> = current
            .iter()
            .filter(|r| label(r, labels::SERVICE) == Some(&s.name))
            .collect();
        let want = o.scale.get(&s.name).copied().unwrap_or(s.replicas);
        // A dependency recreated with `restart: true` restarts this one.
        let restart_deps = s
            .depends_on
            .iter()
            .any(|d| d.restart && recreated.contains(&d.service));
        for r in mine.iter().filter(|r| number(r) > want || number(r) == 0) {
            remove(store, r, o.timeout, false)?;
            report(Progress::Removed(r.name.clone()));
        }
        for n in 1..=want {
            let have = mine.iter().find(|r| number(r) == n);
            let stale = have.is_some_and(|r| label(r, labels::CONFIG_HASH) != Some(&s.hash))
                || have.is_some_and(|r| {
                    r.image_id.as_deref()
                        != crate::image::resolve(store, &s.image)
                            .ok()
                            .map(|i| i.id.to_string())
                            .as_deref()
                });
            let record = match have {
                Some(r) if !o.force_recreate && (o.no_recreate || !stale) => {
                    if restart_deps && r.status == Status::Running && o.start {
                        stop(store, r, o.timeout)?;
                    }
                    (*r).clone()
                }
                Some(r) => {
                    remove(store, r, o.timeout, false)?;
                    let req = request(store, plan, s, n, &current);
                    let name = req.name.clone().unwrap_or_default();
                    let rec =
                        launch::create(store, &req).map_err(|e| container_err(s, &name, e))?;
                    report(Progress::Recreated(rec.name.clone()));
                    recreated.push(s.name.clone());
                    rec
                }
                None => {
                    let req = request(store, plan, s, n, &current);
                    let name = req.name.clone().unwrap_or_default();
                    let rec =
                        launch::create(store, &req).map_err(|e| container_err(s, &name, e))?;
                    report(Progress::Created(rec.name.clone()));
                    rec
                }
            };
            if o.start {
                let was_running =
                    container::refresh(store, record.clone()).status == Status::Running;
                for w in start_container(store, s, &record)? {
                    report(Progress::Warning(w));
                }
                report(if was_running {
                    Progress::Running(record.name.clone())
                } else {
                    Progress::Started(record.name.clone())
                });
            }
        }
    }
    if o.wait {
        let deadline = o.wait_timeout.map(|t| Instant::now() + t);
        for s in &services {
            for r in project::containers(store, &plan.name, false)?
                .iter()
                .filter(|r| label(r, labels::SERVICE) == Some(&s.name))
            {
                report(Progress::Waiting(r.name.clone()));
                wait_ready(store, r, deadline, s.healthcheck.is_some(), interrupted)?;
                report(Progress::Healthy(r.name.clone()));
            }
        }
    }
    project::containers(store, &plan.name, false)
}

/// Waits until container `r` runs (and, with `healthy`, passes its check).
fn wait_ready(
    store: &Store,
    r: &Record,
    deadline: Option<Instant>,
    healthy: bool,
    interrupted: &dyn Fn() -> bool,
) -> Result<()> {
    loop {
        let now = container::refresh(store, container::load(store, &r.id)?);
        let health = now.health.as_ref().map(|h| h.status.as_str());
        match (now.status, healthy, health) {
            (Status::Running, false, _) | (Status::Running, true, Some("healthy")) => return Ok(()),
            (_, true, Some("unhealthy")) => {
                return Err(ProjectError::Unhealthy {
                    container: now.name,
                })
            }
            (Status::Exited, _, _) if now.restart.name == "no" => {
                return Err(ProjectError::Exited {
                    container: now.name,
                    code: now.exit_code.unwrap_or(0),
                })
            }
            _ => {}
        }
        tick(deadline, &now.name, interrupted)?;
    }
}

fn tick(deadline: Option<Instant>, what: &str, interrupted: &dyn Fn() -> bool) -> Result<()> {
    if interrupted() {
        return Err(ProjectError::Interrupted);
    }
    if let Some(d) = deadline {
        if Instant::now() >= d {
            return Err(ProjectError::Timeout {
                what: what.to_string(),
            });
        }
    }
    std::thread::sleep(Duration::from_millis(50));
    Ok(())
}

/// Waits for one dependency's condition on every replica of it.
fn wait_dependency(
    store: &Store,
    plan: &Plan,
    d: &Dependency,
    report: &mut dyn FnMut(Progress),
    interrupted: &dyn Fn() -> bool,
) -> Result<()> {
    let containers: Vec<Record> = project::containers(store, &plan.name, false)?
        .into_iter()
        .filter(|r| label(r, labels::SERVICE) == Some(&d.service))
        .collect();
    if containers.is_empty() {
        if d.required {
            return Err(ProjectError::Service {
                service: d.service.clone(),
                why: "a required dependency has no container".into(),
            });
        }
        report(Progress::Warning(format!(
            "optional dependency {:?} has no container",
            d.service
        )));
        return Ok(());
    }
    for r in &containers {
        match d.condition {
            Condition::Started => {}
            Condition::Healthy => {
                if r.healthcheck.is_none() {
                    return Err(ProjectError::Service {
                        service: d.service.clone(),
                        why: format!("container {} has no healthcheck configured", r.name),
                    });
                }
                report(Progress::Waiting(r.name.clone()));
                wait_ready(store, r, None, true, interrupted)?;
                report(Progress::Healthy(r.name.clone()));
            }
            Condition::CompletedSuccessfully => {
                report(Progress::Waiting(r.name.clone()));
                loop {
                    let now = container::refresh(store, container::load(store, &r.id)?);
                    if now.status == Status::Exited {
                        let code = now.exit_code.unwrap_or(0);
                        if code != 0 {
                            return Err(ProjectError::NotCompleted {
                                service: d.service.clone(),
                                code,
                            });
                        }
                        break;
                    }
                    tick(None, &now.name, interrupted)?;
                }
                report(Progress::Healthy(r.name.clone()));
            }
        }
    }
    Ok(())
}
