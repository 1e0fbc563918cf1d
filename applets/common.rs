//! Small helpers the applets share: opening the store, printing listings,
//! showing a build's progress.

pub mod build_progress;

use chrono::{DateTime, Utc};
use tug::container::{Record, Status};
use tug::store::Store;

use crate::cli::Global;

/// Opens the store the global flags name.
pub fn open_store(g: &Global) -> anyhow::Result<Store> {
    let root = tug::paths::store_root(g.root.clone());
    Store::open(&root)
        .map(|s| s.with_warnings(print_warning))
        .map_err(|e| anyhow::anyhow!(e).context(format!("opening store {}", root.display())))
}

/// Prints a warning of the core as `tug: warning: ...`, each text once per
/// command.
pub fn print_warning(w: &str) {
    static SAID: std::sync::Mutex<std::collections::BTreeSet<String>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if said.insert(w.to_string()) {
        eprintln!("tug: warning: {w}");
    }
}

/// `--filter KEY=VALUE` arguments as pairs; a filter without `=` is an error.
pub fn key_value_filters(raw: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    raw.iter()
        .map(|f| {
            f.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| anyhow::anyhow!("bad format of filter (expected name=value): {f}"))
        })
        .collect()
}

/// How long ago `t` was: "3 seconds ago".
pub fn ago(t: DateTime<Utc>) -> String {
    format!("{} ago", tug::format::human_duration(Utc::now() - t))
}

/// The STATUS column: "Up 5 seconds", "Exited (0) 3 seconds ago", "Created".
pub fn status_text(r: &Record) -> String {
    match r.status {
        Status::Created => "Created".into(),
        Status::Running if r.paused => format!(
            "Up {} (Paused)",
            tug::format::human_duration(Utc::now() - r.started_at.unwrap_or(r.created))
        ),
        Status::Running => format!(
            "Up {}{}",
            tug::format::human_duration(Utc::now() - r.started_at.unwrap_or(r.created)),
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

/// Prints a running container's processes as `top` does: UID, PID, PPID
/// and the command line, from /proc (a process gone meanwhile is skipped).
pub fn print_processes(r: &Record) {
    println!("{:<10} {:<10} {:<10} CMD", "UID", "PID", "PPID");
    for pid in tug::container::ops::processes(r) {
        let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
            continue;
        };
        let field = |k: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(k))
                .and_then(|v| v.split_whitespace().next())
                .unwrap_or("?")
                .to_string()
        };
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline"))
            .map(|c| {
                String::from_utf8_lossy(&c)
                    .replace('\0', " ")
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();
        println!(
            "{:<10} {:<10} {:<10} {cmd}",
            field("Uid:"),
            pid,
            field("PPid:")
        );
    }
}
