//! `tug events [--since] [--until] [--filter] [--format]`: the event log,
//! past (with --since) then live until --until or interrupted.

use std::time::Duration;

use clap::Args as ClapArgs;
use serde_json::Value;
use tug::container::events;

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Show events created since this time (RFC 3339, seconds, or a duration like 10m)
    #[arg(long)]
    pub since: Option<String>,
    /// Stream events until this time
    #[arg(long)]
    pub until: Option<String>,
    /// Filter output (container=, event=, type=, image=)
    #[arg(short = 'f', long)]
    pub filter: Vec<String>,
    /// Format output using a Go template
    #[arg(long)]
    pub format: Option<String>,
}

fn matches(e: &Value, filters: &[(String, String)]) -> bool {
    filters.iter().all(|(k, v)| {
        let s = |p: &str| {
            e.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        match k.as_str() {
            "container" => s("/id").starts_with(v.as_str()) || s("/Actor/Attributes/name") == *v,
            "event" => s("/Action") == *v || s("/Action").starts_with(&format!("{v}:")),
            "type" => s("/Type") == *v,
            "image" => s("/from") == *v,
            _ => false,
        }
    })
}

fn print(e: &Value, format: Option<&str>) -> anyhow::Result<()> {
    match format {
        Some(f) => println!("{}", tug::format::render(f, e)?),
        None => {
            let nanos = e["timeNano"].as_i64().unwrap_or(0);
            let t = chrono::DateTime::from_timestamp_nanos(nanos);
            let attrs = e["Actor"]["Attributes"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            println!(
                "{} container {} {} ({attrs})",
                t.format("%Y-%m-%dT%H:%M:%S%.9f%:z"),
                e["Action"].as_str().unwrap_or(""),
                e["id"].as_str().unwrap_or("")
            );
        }
    }
    Ok(())
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let filters = crate::common::key_value_filters(&args.filter)?;
    for (k, _) in &filters {
        if !["container", "event", "type", "image"].contains(&k.as_str()) {
            return Err(tug::Error::Invalid(format!("invalid filter {k:?}")).into());
        }
    }
    let since = args
        .since
        .as_deref()
        .map(super::logs::parse_time)
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(super::logs::parse_time)
        .transpose()?;
    let nanos = |t: chrono::DateTime<chrono::Utc>| t.timestamp_nanos_opt().unwrap_or(0);
    // Without --since, only what happens from now on (as Docker).
    let mut offset = if since.is_some() {
        0
    } else {
        std::fs::metadata(events::path(&store))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    loop {
        let (evs, next) = events::read_from(&store, offset);
        offset = next;
        for e in &evs {
            let t = e["timeNano"].as_i64().unwrap_or(0);
            if since.is_some_and(|s| t < nanos(s)) || until.is_some_and(|u| t > nanos(u)) {
                continue;
            }
            if matches(e, &filters) {
                print(e, args.format.as_deref())?;
            }
        }
        if until.is_some_and(|u| chrono::Utc::now() > u) {
            return Ok(0);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
