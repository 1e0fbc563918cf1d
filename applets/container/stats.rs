//! `tug stats [--no-stream] [CONTAINER...]`: CPU, memory and pids of
//! running containers, from their cgroups and /proc.

use std::time::{Duration, Instant};

use clap::Args as ClapArgs;
use tug::container::{self, ops, Record, Status};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Disable streaming stats and only pull the first result
    #[arg(long = "no-stream")]
    pub no_stream: bool,
    /// Containers (default: all running)
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

fn cpu_ticks(r: &Record) -> u64 {
    ops::processes(r)
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/stat")).ok())
        .filter_map(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
        })
        .sum()
}

fn read_num(r: &Record, files: &[&str]) -> Option<u64> {
    r.cgroup.dirs.iter().find_map(|d| {
        files
            .iter()
            .find_map(|f| std::fs::read_to_string(d.join(f)).ok()?.trim().parse().ok())
    })
}

fn human(b: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.2}{}", units[i])
}

/// Memory used by a container: its cgroup's counter, else the RSS of its
/// processes (rootless on a v1 host).
fn memory(r: &Record) -> u64 {
    read_num(r, &["memory.usage_in_bytes", "memory.current"]).unwrap_or_else(|| {
        ops::processes(r)
            .iter()
            .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/statm")).ok())
            .filter_map(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
            .sum::<u64>()
            * 4096
    })
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let total_mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        })
        .unwrap_or(0)
        * 1024;
    loop {
        let mut shown: Vec<Record> = if args.containers.is_empty() {
            container::list(&store)?
                .into_iter()
                .map(|r| container::refresh(&store, r))
                .filter(|r| r.status == Status::Running)
                .collect()
        } else {
            args.containers
                .iter()
                .map(|c| container::find(&store, c).map(|r| container::refresh(&store, r)))
                .collect::<Result<_, _>>()?
        };
        shown.sort_by(|a, b| a.name.cmp(&b.name));
        let t0 = Instant::now();
        let before: Vec<u64> = shown.iter().map(cpu_ticks).collect();
        std::thread::sleep(Duration::from_millis(500));
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "{:<15} {:<20} {:>8} {:>22} {:>8} {:>6}",
            "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "PIDS"
        );
        for (r, b) in shown.iter().zip(before) {
            let cpu = (cpu_ticks(r).saturating_sub(b)) as f64 / hz / secs * 100.0;
            let mem = memory(r);
            let limit = read_num(r, &["memory.limit_in_bytes", "memory.max"])
                .filter(|l| *l < total_mem)
                .unwrap_or(total_mem);
            let pct = if limit > 0 {
                mem as f64 / limit as f64 * 100.0
            } else {
                0.0
            };
            let pids = ops::processes(r).len();
            println!(
                "{:<15} {:<20} {:>7.2}% {:>22} {:>7.2}% {:>6}",
                r.short_id(),
                r.name,
                cpu,
                format!("{} / {}", human(mem), human(limit)),
                pct,
                pids
            );
        }
        if args.no_stream {
            return Ok(0);
        }
    }
}
