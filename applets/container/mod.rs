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

use tug::container::Status;

pub use crate::common::{ago, status_text};
pub use tug::format::human_duration;

/// Docker's lowercase state name.
pub fn state_name(s: Status) -> &'static str {
    match s {
        Status::Created => "created",
        Status::Running => "running",
        Status::Restarting => "restarting",
        Status::Exited => "exited",
    }
}
