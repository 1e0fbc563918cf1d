//! `compose ps`, `images`, `ls`, `top`, `port` and `version`: listings of
//! a project's containers, read back from their labels.

use clap::Args;
use serde_json::json;
use tug::compose::labels;
use tug::compose::project::{self, label, number};
use tug::compose::Plan;
use tug::container::{self, Record, Status};
use tug::format::Listing;
use tug::store::Store;

/// Arguments of `compose ps`.
#[derive(Debug, Args, Clone)]
pub struct PsArgs {
    /// Show all stopped containers (including those created by the run command)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Format the output: table, json, or a Go template
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Display services
    #[arg(long)]
    pub services: bool,
    /// Filter services by status: created, restarting, running, paused, exited
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<String>,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub service: Vec<String>,
}

/// Arguments of `compose images`.
#[derive(Debug, Args, Clone)]
pub struct ImagesArgs {
    /// Only display IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Format the output: table or json
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose ls`.
#[derive(Debug, Args, Clone)]
pub struct LsArgs {
    /// Show all stopped Compose projects
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display project names
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Format the output: table or json
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}

/// Arguments of `compose top`.
#[derive(Debug, Args, Clone)]
pub struct TopArgs {
    /// Services (default: all)
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
}

/// Arguments of `compose port`.
#[derive(Debug, Args, Clone)]
pub struct PortArgs {
    /// tcp or udp
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Index of the container if the service has multiple replicas
    #[arg(long, default_value_t = 1)]
    pub index: u32,
    /// The service
    pub service: String,
    /// The container port
    pub private_port: u16,
}

/// Arguments of `compose version`.
#[derive(Debug, Args, Clone)]
pub struct VersionArgs {
    /// Shows only Compose's version number
    #[arg(long)]
    pub short: bool,
    /// Format the output: pretty or json
    #[arg(short = 'f', long, value_name = "FORMAT")]
    pub format: Option<String>,
}

fn state(r: &Record) -> &'static str {
    match r.status {
        Status::Running if r.paused => "paused",
        Status::Running => "running",
        Status::Restarting => "restarting",
        Status::Exited => "exited",
        Status::Created => "created",
    }
}

fn ports(store: &Store, r: &Record) -> String {
    let published = if r.status == Status::Running {
        container::network::published(store, r)
    } else {
        Vec::new()
    };
    tug::net::ports::ps_column(&published, &r.options.expose)
}

pub fn ps(store: &Store, plan: &Plan, a: &PsArgs) -> anyhow::Result<i32> {
    for s in &a.service {
        plan.service(s)?;
    }
    let mut list = project::containers(store, &plan.name, a.all)?;
    list.retain(|r| {
        a.service.is_empty()
            || a.service
                .iter()
                .any(|s| label(r, labels::SERVICE) == Some(s))
    });
    if !a.all && a.status.is_empty() {
        list.retain(|r| r.status == Status::Running || r.status == Status::Restarting);
    }
    if !a.status.is_empty() {
        list.retain(|r| a.status.iter().any(|s| s == state(r)));
    }
    if a.services {
        let mut names: Vec<&str> = list
            .iter()
            .filter_map(|r| label(r, labels::SERVICE))
            .collect();
        names.dedup();
        for n in names {
            println!("{n}");
        }
        return Ok(0);
    }
    if a.quiet {
        for r in &list {
            println!("{}", r.id);
        }
        return Ok(0);
    }
    let rows: Vec<serde_json::Value> = list
        .iter()
        .map(|r| {
            let command = r.args.join(" ");
            json!({
                "ID": r.id,
                "Name": r.name,
                "Names": r.name,
                "Image": r.image,
                "Command": format!("\"{}\"", if command.len() > 20 { format!("{}…", &command[..command.char_indices().nth(19).map(|(i, _)| i).unwrap_or(command.len())]) } else { command.clone() }),
                "Project": plan.name,
                "Service": label(r, labels::SERVICE).unwrap_or_default(),
                "Number": number(r),
                "CreatedAt": r.created.to_rfc3339(),
                "RunningFor": format!("{} ago", tug::format::human_duration(chrono::Utc::now() - r.created)),
                "State": state(r),
                "Health": r.health.as_ref().map(|h| h.status.clone()).unwrap_or_default(),
                "ExitCode": r.exit_code.unwrap_or(0),
                "Status": crate::common::status_text(r),
                "Ports": ports(store, r),
                "Labels": r.options.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
            })
        })
        .collect();
    let listing = Listing {
        default: "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}",
        headers: &[
            ("Name", "NAME"),
            ("Names", "NAMES"),
            ("ID", "CONTAINER ID"),
            ("Image", "IMAGE"),
            ("Command", "COMMAND"),
            ("Service", "SERVICE"),
            ("Project", "PROJECT"),
            ("RunningFor", "CREATED"),
            ("CreatedAt", "CREATED AT"),
            ("State", "STATE"),
            ("Health", "HEALTH"),
            ("Status", "STATUS"),
            ("Ports", "PORTS"),
            ("ExitCode", "EXIT CODE"),
        ],
    };
    print!("{}", listing.render(a.format.as_deref(), &rows)?);
    Ok(0)
}

pub fn images(store: &Store, plan: &Plan, a: &ImagesArgs) -> anyhow::Result<i32> {
    let list = tug::compose::down::targets(store, plan, &a.services, false)?;
    let mut rows = Vec::new();
    for r in list.iter().rev() {
        let id = r.image_id.clone().unwrap_or_default();
        let short = id
            .trim_start_matches("sha256:")
            .chars()
            .take(12)
            .collect::<String>();
        if a.quiet {
            println!("{id}");
            continue;
        }
        let (repo, tag) = match r.image.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
            Some((repo, tag)) => (repo.to_string(), tag.to_string()),
            None => (r.image.clone(), "latest".to_string()),
        };
        rows.push(json!({
            "ContainerName": r.name,
            "Repository": repo,
            "Tag": tag,
            "ID": short,
        }));
    }
    if a.quiet {
        return Ok(0);
    }
    let listing = Listing {
        default: "table {{.ContainerName}}\t{{.Repository}}\t{{.Tag}}\t{{.ID}}",
        headers: &[
            ("ContainerName", "CONTAINER"),
            ("Repository", "REPOSITORY"),
            ("Tag", "TAG"),
            ("ID", "IMAGE ID"),
        ],
    };
    print!("{}", listing.render(a.format.as_deref(), &rows)?);
    Ok(0)
}

pub fn ls(store: &Store, a: &LsArgs) -> anyhow::Result<i32> {
    let mut rows = Vec::new();
    for (name, list) in project::all_projects(store)? {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for r in &list {
            *counts.entry(state(r)).or_default() += 1;
        }
        if !a.all && !counts.contains_key("running") {
            continue;
        }
        let status = counts
            .iter()
            .map(|(s, n)| format!("{s}({n})"))
            .collect::<Vec<_>>()
            .join(", ");
        let files = list
            .iter()
            .find_map(|r| label(r, labels::CONFIG_FILES))
            .unwrap_or_default()
            .to_string();
        if a.quiet {
            println!("{name}");
            continue;
        }
        rows.push(json!({"Name": name, "Status": status, "ConfigFiles": files}));
    }
    if a.quiet {
        return Ok(0);
    }
    let listing = Listing {
        default: "table {{.Name}}\t{{.Status}}\t{{.ConfigFiles}}",
        headers: &[
            ("Name", "NAME"),
            ("Status", "STATUS"),
            ("ConfigFiles", "CONFIG FILES"),
        ],
    };
    let format = a.format.as_deref().filter(|f| *f != "table");
    print!("{}", listing.render(format, &rows)?);
    Ok(0)
}

pub fn top(store: &Store, plan: &Plan, a: &TopArgs) -> anyhow::Result<i32> {
    let mut list = tug::compose::down::targets(store, plan, &a.services, false)?;
    list.reverse();
    for r in list.iter().filter(|r| r.status == Status::Running) {
        println!("{}", r.name);
        crate::common::print_processes(r);
        println!();
    }
    Ok(0)
}

pub fn port(store: &Store, plan: &Plan, a: &PortArgs) -> anyhow::Result<i32> {
    let list = tug::compose::down::targets(store, plan, std::slice::from_ref(&a.service), false)?;
    let r = list.iter().find(|r| number(r) == a.index).ok_or_else(|| {
        tug::Error::Invalid(format!(
            "service {:?} has no container number {}",
            a.service, a.index
        ))
    })?;
    let found = container::network::published(store, r)
        .into_iter()
        .find(|p| p.container_port == a.private_port && p.proto.to_string() == a.protocol);
    match found {
        Some(p) => {
            println!("{}:{}", p.host_ip, p.host_port);
            Ok(0)
        }
        None => Err(tug::Error::Invalid(format!(
            "no port {}/{} for container {}",
            a.private_port, a.protocol, r.name
        ))
        .into()),
    }
}

pub fn version(a: &VersionArgs) -> anyhow::Result<i32> {
    let v = env!("CARGO_PKG_VERSION");
    if a.short {
        println!("{v}");
    } else if a.format.as_deref() == Some("json") {
        println!("{}", json!({ "version": v }));
    } else {
        println!("tug compose version {v} (Compose Specification, Compose v2 labels)");
    }
    Ok(0)
}
