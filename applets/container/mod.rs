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
pub mod port;
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

pub use tug::format::human_duration;

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
