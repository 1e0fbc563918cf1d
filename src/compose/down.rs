//! `down` and the commands that act on a project's existing containers
//! (`stop`, `start`, `restart`, `kill`, `rm`, `pause`, `unpause`). Teardown
//! goes on past failures and reports the first: whatever `up` left behind,
//! even after a failure midway, `down` removes.

use super::labels;
use super::project::{self, label, Plan, Result};
use super::up::{self, Progress};
use crate::container::{self, ops, Record, Status};
use crate::store::Store;

/// What `down` is asked for.
#[derive(Debug, Clone, Default)]
pub struct DownOptions {
    pub remove_orphans: bool,
    /// `-v`: named volumes declared by the project and anonymous ones.
    pub volumes: bool,
    /// `--rmi local|all`.
    pub rmi: Option<String>,
    pub timeout: Option<u64>,
}

/// The containers of `services` (all when empty), in reverse start order
/// so dependents stop before what they depend on.
pub fn targets(
    store: &Store,
    plan: &Plan,
    services: &[String],
    oneoff: bool,
) -> Result<Vec<Record>> {
    if !plan.services.is_empty() {
        for s in services {
            plan.service(s)?;
        }
    }
    let mut all = project::containers(store, &plan.name, oneoff)?;
    all.retain(|r| {
        services.is_empty()
            || services
                .iter()
                .any(|s| label(r, labels::SERVICE) == Some(s))
    });
    let pos = |r: &Record| {
        plan.services
            .iter()
            .position(|s| Some(s.name.as_str()) == label(r, labels::SERVICE))
            .unwrap_or(usize::MAX)
    };
    all.sort_by_key(|r| std::cmp::Reverse(pos(r)));
    Ok(all)
}

/// Stops and removes the project's containers, then its networks (and,
/// with `-v`, its volumes; with `--rmi`, its images).
pub fn down(
    store: &Store,
    plan: &Plan,
    o: &DownOptions,
    report: &mut dyn FnMut(Progress),
) -> Result<()> {
    let mut first_err = None;
    let mut keep = |r: Result<()>| {
        if let Err(e) = r {
            first_err.get_or_insert(e);
        }
    };
    for r in targets(store, plan, &[], true)? {
        let known = plan.services.is_empty()
            || plan
                .services
                .iter()
                .any(|s| Some(s.name.as_str()) == label(&r, labels::SERVICE));
        if !known && !o.remove_orphans {
            report(Progress::Warning(format!(
                "Found orphan containers ({}) for this project. Run down with --remove-orphans to clean it up.",
                r.name
            )));
            continue;
        }
        let done = up::remove(store, &r, o.timeout, o.volumes);
        if done.is_ok() {
            report(Progress::Removed(r.name.clone()));
        }
        keep(done);
    }
    // The project's networks: those it declares and any left with its label.
    let mut nets: Vec<String> = plan
        .networks
        .iter()
        .filter(|n| !n.external)
        .map(|n| n.name.clone())
        .collect();
    for n in crate::net::record::list(store).unwrap_or_default() {
        if n.labels.get(labels::PROJECT) == Some(&plan.name) && !nets.contains(&n.name) {
            nets.push(n.name);
        }
    }
    for n in nets {
        if crate::net::record::find(store, &n).is_err() {
            continue;
        }
        match crate::net::record::remove(store, &n) {
            Ok(_) => report(Progress::Removed(format!("network {n}"))),
            Err(source) => keep(Err(super::ProjectError::Network { name: n, source })),
        }
    }
    if o.volumes {
        let mut vols: Vec<String> = plan
            .volumes
            .iter()
            .filter(|v| !v.external)
            .map(|v| v.name.clone())
            .collect();
        for v in container::volume::list(store).unwrap_or_default() {
            if v.labels.get(labels::PROJECT) == Some(&plan.name) && !vols.contains(&v.name) {
                vols.push(v.name);
            }
        }
        for v in vols {
            if container::volume::load(store, &v).is_err() {
                continue;
            }
            match container::volume::remove(store, &v, false) {
                Ok(()) => report(Progress::Removed(format!("volume {v}"))),
                Err(source) => keep(Err(super::ProjectError::Volume { name: v, source })),
            }
        }
    }
    if let Some(which) = &o.rmi {
        for s in &plan.services {
            let local = s.build.is_some() && s.image == format!("{}-{}", plan.name, s.name);
            if (which == "all" || local) && crate::image::resolve(store, &s.image).is_ok() {
                match crate::image::remove::remove(store, &s.image, false) {
                    Ok(_) => report(Progress::Removed(format!("image {}", s.image))),
                    Err(e) => keep(Err(e.into())),
                }
            }
        }
    }
    crate::store::remove_tree(&plan.generated_dir);
    match first_err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What to do to each container of a set of services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Restart,
    Kill(i32),
    Pause,
    Unpause,
    Remove { volumes: bool },
}

/// Applies `action` to the containers of `services` (all when empty);
/// start and restart go in dependency order, the rest in reverse; a
/// restart takes along the dependents that ask for it (`restart: true`). Returns the
/// containers acted on.
pub fn act(
    store: &Store,
    plan: &Plan,
    services: &[String],
    action: Action,
    timeout: Option<u64>,
) -> Result<Vec<String>> {
    let mut services = services.to_vec();
    if action == Action::Restart && !services.is_empty() {
        // Dependents with `depends_on.X.restart: true` restart with X.
        loop {
            let more: Vec<String> = plan
                .services
                .iter()
                .filter(|s| !services.contains(&s.name))
                .filter(|s| {
                    s.depends_on
                        .iter()
                        .any(|d| d.restart && services.contains(&d.service))
                })
                .map(|s| s.name.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            services.extend(more);
        }
    }
    let mut list = targets(store, plan, &services, false)?;
    if matches!(action, Action::Start | Action::Restart) {
        list.reverse();
    }
    let mut done = Vec::new();
    for r in list {
        let running = r.status == Status::Running;
        match action {
            Action::Start if !running => {
                let svc = plan.service(label(&r, labels::SERVICE).unwrap_or_default())?;
                up::start_container(store, svc, &r)?;
            }
            Action::Start => continue,
            Action::Stop if running => {
                up::stop(store, &r, timeout)?;
            }
            Action::Restart => {
                if running {
                    up::stop(store, &r, timeout)?;
                }
                let svc = plan.service(label(&r, labels::SERVICE).unwrap_or_default())?;
                up::start_container(store, svc, &r)?;
            }
            Action::Kill(sig) if running => ops::kill(store, &r, sig)?,
            Action::Pause if running && !r.paused => ops::set_frozen(store, &r, true)?,
            Action::Unpause if running && r.paused => ops::set_frozen(store, &r, false)?,
            Action::Remove { volumes } if !running => {
                ops::remove(store, &r, false)?;
                if volumes {
                    container::remove_anonymous_volumes(store, &r);
                }
            }
            _ => continue,
        }
        done.push(r.name.clone());
    }
    Ok(done)
}
