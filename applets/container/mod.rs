//! Container commands: run, create, start, ps, logs, stop, kill, rm, wait,
//! inspect, and the hidden monitor of detached containers.

pub mod create;
pub mod diff;
pub mod events;
pub mod exec;
pub mod files;
pub mod inspect;
pub mod kill;
pub mod logs;
pub mod misc;
pub mod monitor;
pub mod ps;
pub mod rm;
pub mod run;
pub mod start;
pub mod stats;
pub mod stop;
pub mod volume;
pub mod wait;

use chrono::{DateTime, Utc};
use tug::container::{Record, Status};

/// Docker's HumanDuration (go-units).
pub fn human_duration(d: chrono::Duration) -> String {
    let s = d.num_seconds();
    if s < 1 {
        return "Less than a second".into();
    }
    if s == 1 {
        return "1 second".into();
    }
    if s < 60 {
        return format!("{s} seconds");
    }
    let m = d.num_minutes();
    if m == 1 {
        return "About a minute".into();
    }
    if m < 60 {
        return format!("{m} minutes");
    }
    let h = d.num_hours();
    if h == 1 {
        return "About an hour".into();
    }
    if h < 48 {
        return format!("{h} hours");
    }
    if h < 24 * 7 * 2 {
        return format!("{} days", h / 24);
    }
    if h < 24 * 30 * 2 {
        return format!("{} weeks", h / 24 / 7);
    }
    if h < 24 * 365 * 2 {
        return format!("{} months", h / 24 / 30);
    }
    format!("{} years", h / 24 / 365)
}

pub fn ago(t: DateTime<Utc>) -> String {
    format!("{} ago", human_duration(Utc::now() - t))
}

/// The STATUS column: "Up 5 seconds", "Exited (0) 3 seconds ago", "Created".
pub fn status_text(r: &Record) -> String {
    match r.status {
        Status::Created => "Created".into(),
        Status::Running if r.paused => format!(
            "Up {} (Paused)",
            human_duration(Utc::now() - r.started_at.unwrap_or(r.created))
        ),
        Status::Running => format!(
            "Up {}{}",
            human_duration(Utc::now() - r.started_at.unwrap_or(r.created)),
            match r.health.as_ref().map(|h| h.status.as_str()) {
                Some("starting") => " (health: starting)".to_string(),
                Some(s) => format!(" ({s})"),
                None => String::new(),
            }
        ),
        Status::Restarting => format!(
            "Restarting ({}) {}",
            r.exit_code.unwrap_or(0),
            ago(r.finished_at.unwrap_or(r.created))
        ),
        Status::Exited => format!(
            "Exited ({}) {}",
            r.exit_code.unwrap_or(0),
            ago(r.finished_at.unwrap_or(r.created))
        ),
    }
}

/// Docker's lowercase state name.
pub fn state_name(s: Status) -> &'static str {
    match s {
        Status::Created => "created",
        Status::Running => "running",
        Status::Restarting => "restarting",
        Status::Exited => "exited",
    }
}
