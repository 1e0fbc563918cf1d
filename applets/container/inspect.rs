//! `tug container inspect`: Docker-shaped JSON for containers.

use clap::Args as ClapArgs;
use serde_json::{json, Value};
use tug::container::{self, Record, Status};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Format output using a Go template
    #[arg(short = 'f', long)]
    pub format: Option<String>,
    /// Containers (name or ID)
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
        .unwrap_or_else(|| "0001-01-01T00:00:00Z".into())
}

/// Docker's inspect document for a container.
pub fn document(store: &tug::store::Store, r: &Record) -> Value {
    let spec = tug::container::launch::load_spec(store, &r.id).ok();
    let process = spec.as_ref().and_then(|s| s.process().clone());
    let env = process
        .as_ref()
        .and_then(|p| p.env().clone())
        .unwrap_or_default();
    let o = &r.options;
    let mut doc = json!({
        "Id": r.id,
        "Created": time(Some(r.created)),
        "Path": r.args.first().cloned().unwrap_or_default(),
        "Args": r.args.iter().skip(1).collect::<Vec<_>>(),
        "State": {
            "Status": super::state_name(r.status),
            "Running": r.status == Status::Running,
            "Paused": false,
            "Restarting": r.status == Status::Restarting,
            "OOMKilled": r.oom_killed,
            "Dead": false,
            "Pid": r.pid.unwrap_or(0),
            "ExitCode": r.exit_code.unwrap_or(0),
            "Error": "",
            "StartedAt": time(r.started_at),
            "FinishedAt": time(r.finished_at),
            "Health": r.health.as_ref().map(|h| json!({
                "Status": h.status,
                "FailingStreak": h.failing_streak,
                "Log": h.log.iter().map(|l| json!({
                    "Start": time(Some(l.start)),
                    "End": time(Some(l.end)),
                    "ExitCode": l.exit_code,
                    "Output": l.output,
                })).collect::<Vec<_>>(),
            })),
        },
        "Image": r.image_id.clone().unwrap_or_default(),
        "Name": format!("/{}", r.name),
        "RestartCount": r.restart_count,
        "HostConfig": {
            "AutoRemove": r.auto_remove,
            "Privileged": o.privileged,
            "ReadonlyRootfs": o.read_only,
            "CapAdd": o.cap_add,
            "CapDrop": o.cap_drop,
            "Devices": o.devices.iter().map(|d| json!({
                "PathOnHost": d.host,
                "PathInContainer": d.container,
                "CgroupPermissions": d.perms,
            })).collect::<Vec<_>>(),
            "NetworkMode": match o.network {
                tug::runtime::spec::NetworkMode::Bridge => o.networks.first().map(|n| n.name.clone()).unwrap_or_default(),
                tug::runtime::spec::NetworkMode::Container => format!("container:{}", o.net_container.clone().unwrap_or_default()),
                m => format!("{m:?}").to_lowercase(),
            },
            "PortBindings": port_bindings(&o.publish),
            "Links": o.links.iter().map(|(n, a)| format!("/{n}:/{}/{a}", r.name)).collect::<Vec<_>>(),
            "Dns": o.dns,
            "DnsSearch": o.dns_search,
            "Sysctls": o.sysctls,
            "ExtraHosts": o.add_hosts.iter().map(|(n, ip)| format!("{n}:{ip}")).collect::<Vec<_>>(),
            "Memory": o.memory.unwrap_or(0),
            "PidsLimit": o.pids_limit,
            "NanoCpus": o.cpus.map(|c| (c * 1e9) as i64).unwrap_or(0),
            "RestartPolicy": {"Name": if r.restart.name.is_empty() { "no" } else { &r.restart.name }, "MaximumRetryCount": r.restart.maximum_retry_count},
            "LogConfig": {"Type": "json-file", "Config": {
                "max-size": o.log_max_size.map(|v| v.to_string()),
                "max-file": o.log_max_file.map(|v| v.to_string()),
            }},
            "Binds": o.binds.iter().map(|b| format!("{}:{}{}", b.source.display(), b.destination, if b.readonly { ":ro" } else { "" })).collect::<Vec<_>>(),
        },
        "Mounts": o.binds.iter().map(|b| match &b.volume {
            Some(v) => json!({"Type": "volume", "Name": v, "Source": b.source, "Destination": b.destination, "Driver": "local", "RW": !b.readonly}),
            None => json!({"Type": "bind", "Source": b.source, "Destination": b.destination, "RW": !b.readonly}),
        }).collect::<Vec<_>>(),
        "Config": {
            "Hostname": spec.as_ref().and_then(|s| s.hostname().clone()).unwrap_or_default(),
            "User": o.user.clone().unwrap_or_default(),
            "Env": env,
            "Cmd": r.args,
            "Image": r.image,
            "WorkingDir": process.as_ref().map(|p| p.cwd().display().to_string()).unwrap_or_default(),
            "Entrypoint": o.entrypoint.as_ref().map(|e| vec![e.clone()]),
            "Tty": o.tty,
            "Labels": o.labels,
            "StopSignal": o.stop_signal.clone().unwrap_or_else(|| "SIGTERM".into()),
            "StopTimeout": o.stop_timeout,
        },
        "NetworkSettings": tug::container::network::settings(store, r),
    });
    if let Some(id) = r.image_id.as_ref().and_then(|i| i.parse().ok()) {
        let extras = tug::image::extras::Extras::of(store, &id);
        tug::image::inspect::add_extras(&mut doc, &extras);
    }
    doc
}

/// HostConfig.PortBindings: what `-p` asked for (host port "" when any).
fn port_bindings(ports: &[tug::net::ports::PortBinding]) -> Value {
    let mut m = serde_json::Map::new();
    for p in ports {
        let e = m.entry(p.key()).or_insert_with(|| json!([]));
        if let Some(a) = e.as_array_mut() {
            a.push(json!({
                "HostIp": if p.host_ip.is_unspecified() { String::new() } else { p.host_ip.to_string() },
                "HostPort": if p.host_port == 0 { String::new() } else { p.host_port.to_string() },
            }));
        }
    }
    Value::Object(m)
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut docs = Vec::new();
    for c in &args.containers {
        let r = container::refresh(&store, container::find(&store, c)?);
        docs.push(document(&store, &r));
    }
    match &args.format {
        Some(f) => {
            for d in &docs {
                println!("{}", tug::format::render(f, d)?);
            }
        }
        None => println!("{}", serde_json::to_string_pretty(&docs)?),
    }
    Ok(0)
}
