//! `tug network ...` (also the `network` applet): create, ls, inspect, rm,
//! prune. Containers join networks with `run --network` once the runtime
//! attaches them; `connect`/`disconnect` say plainly that they are not built.

use std::collections::BTreeMap;

use anyhow::Context;
use clap::{Args, Subcommand};
use serde_json::{json, Value};
use tug::format::Listing;
use tug::net::{self, Network};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Create a network
    Create(CreateArgs),
    /// List networks
    #[command(alias = "list")]
    Ls(LsArgs),
    /// Display detailed information on one or more networks
    Inspect(InspectArgs),
    /// Remove one or more networks
    #[command(alias = "remove")]
    Rm(RmArgs),
    /// Remove all unused networks
    Prune(PruneArgs),
    /// Connect a container to a network
    Connect(ConnectArgs),
    /// Disconnect a container from a network
    Disconnect(DisconnectArgs),
}

/// Arguments of `network create`.
/// Arguments of `network connect`.
#[derive(Debug, Args, Clone)]
pub struct ConnectArgs {
    /// Add a network-scoped alias for the container
    #[arg(long)]
    pub alias: Vec<String>,
    /// IPv4 address on the network
    #[arg(long)]
    pub ip: Option<std::net::Ipv4Addr>,
    /// The network
    pub network: String,
    /// The container
    pub container: String,
}

/// Arguments of `network disconnect`.
#[derive(Debug, Args, Clone)]
pub struct DisconnectArgs {
    /// Force the container to disconnect from a network
    #[arg(short, long)]
    pub force: bool,
    /// The network
    pub network: String,
    /// The container
    pub container: String,
}

#[derive(Debug, Args, Clone)]
pub struct CreateArgs {
    /// Name of the network
    pub name: String,
    /// Driver to manage the network (only bridge)
    #[arg(short, long, default_value = "bridge")]
    pub driver: String,
    /// Subnet in CIDR format, e.g. 10.10.0.0/24
    #[arg(long)]
    pub subnet: Option<String>,
    /// Gateway for the subnet (default: its first address)
    #[arg(long)]
    pub gateway: Option<String>,
    /// Allocate container addresses from this sub-range
    #[arg(long)]
    pub ip_range: Option<String>,
    /// Restrict external access to the network
    #[arg(long)]
    pub internal: bool,
    /// Set metadata on the network (KEY=VALUE)
    #[arg(long = "label")]
    pub labels: Vec<String>,
    /// Set driver specific options (KEY=VALUE)
    #[arg(short = 'o', long = "opt")]
    pub opts: Vec<String>,
}

/// Arguments of `network ls`.
#[derive(Debug, Args, Clone)]
pub struct LsArgs {
    /// Only display network IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not truncate the output
    #[arg(long)]
    pub no_trunc: bool,
    /// Filter output (name=, id=, driver=, label=KEY[=VALUE], type=custom|builtin)
    #[arg(short, long = "filter")]
    pub filter: Vec<String>,
    /// Format output: table, table TEMPLATE, json, or a Go template
    #[arg(long)]
    pub format: Option<String>,
}

/// Arguments of `network inspect`.
#[derive(Debug, Args, Clone)]
pub struct InspectArgs {
    /// Networks (names or IDs)
    #[arg(required = true)]
    pub networks: Vec<String>,
    /// Format output using a Go template
    #[arg(short, long)]
    pub format: Option<String>,
}

/// Arguments of `network rm`.
#[derive(Debug, Args, Clone)]
pub struct RmArgs {
    /// Networks (names or IDs)
    #[arg(required = true)]
    pub networks: Vec<String>,
    /// Do not error if the network does not exist
    #[arg(short, long)]
    pub force: bool,
}

/// Arguments of `network prune`.
#[derive(Debug, Args, Clone)]
pub struct PruneArgs {
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

fn key_values(items: &[String], what: &str) -> anyhow::Result<BTreeMap<String, String>> {
    items
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .or_else(|| (what == "label").then(|| (kv.clone(), String::new())))
                .with_context(|| format!("invalid {what} {kv:?}: expected KEY=VALUE"))
        })
        .collect()
}

pub fn run(cmd: NetworkCommand, g: &Global) -> anyhow::Result<i32> {
    match cmd {
        NetworkCommand::Create(a) => create(a, g),
        NetworkCommand::Ls(a) => ls(a, g),
        NetworkCommand::Inspect(a) => inspect(a, g),
        NetworkCommand::Rm(a) => rm(a, g),
        NetworkCommand::Prune(a) => prune(a, g),
        NetworkCommand::Connect(a) => {
            let store = open_store(g)?;
            tug::container::network::connect(&store, &a.container, &a.network, &a.alias, a.ip)?;
            Ok(0)
        }
        NetworkCommand::Disconnect(a) => {
            let store = open_store(g)?;
            tug::container::network::disconnect(&store, &a.container, &a.network)?;
            Ok(0)
        }
    }
}

fn create(a: CreateArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let opts = net::CreateOptions {
        driver: Some(a.driver),
        subnet: a.subnet,
        gateway: a.gateway,
        ip_range: a.ip_range,
        internal: a.internal,
        labels: key_values(&a.labels, "label")?,
        options: key_values(&a.opts, "option")?,
    };
    let n = net::record::create(&store, &a.name, &opts)?;
    println!("{}", n.id);
    Ok(0)
}

/// The pseudo-networks Docker lists beside real ones.
fn modes() -> Vec<(String, &'static str, &'static str)> {
    vec![
        ("host".into(), "host", "host"),
        ("none".into(), "none", "null"),
    ]
}

fn ls(a: LsArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let nets = net::record::list(&store)?;
    let mut rows: Vec<Value> = nets
        .iter()
        .map(|n| {
            json!({
                "ID": if a.no_trunc { n.id.clone() } else { n.id[..12].to_string() },
                "Name": n.name,
                "Driver": n.driver,
                "Scope": "local",
                "Internal": n.internal.to_string(),
                "Labels": n.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
                "CreatedAt": n.created.format("%Y-%m-%d %H:%M:%S%.f +0000 UTC").to_string(),
                "IPv6": "false",
                "builtin": n.is_predefined(),
                "labelmap": n.labels,
            })
        })
        .collect();
    for (name, id, driver) in modes() {
        rows.push(
            json!({"ID": id, "Name": name, "Driver": driver, "Scope": "local", "Internal": "false",
            "Labels": "", "CreatedAt": "", "IPv6": "false", "builtin": true, "labelmap": {}}),
        );
    }
    for f in &a.filter {
        let (k, v) = f
            .split_once('=')
            .with_context(|| format!("bad filter {f:?}: expected KEY=VALUE"))?;
        rows.retain(|r| match k {
            "name" => r["Name"].as_str().is_some_and(|n| n.contains(v)),
            "id" => r["ID"].as_str().is_some_and(|n| n.starts_with(v)),
            "driver" => r["Driver"] == v,
            "type" => (v == "builtin") == r["builtin"].as_bool().unwrap_or(false),
            "label" => match v.split_once('=') {
                Some((lk, lv)) => r["labelmap"][lk] == lv,
                None => !r["labelmap"][v].is_null(),
            },
            _ => true,
        });
        if !["name", "id", "driver", "type", "label"].contains(&k) {
            anyhow::bail!("invalid filter {k:?}");
        }
    }
    rows.sort_by(|x, y| x["Name"].as_str().cmp(&y["Name"].as_str()));
    for r in rows.iter_mut() {
        if let Some(o) = r.as_object_mut() {
            o.remove("builtin");
            o.remove("labelmap");
        }
    }
    if a.quiet {
        rows.iter()
            .for_each(|r| println!("{}", r["ID"].as_str().unwrap_or_default()));
        return Ok(0);
    }
    let listing = Listing {
        default: "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}",
        headers: &[
            ("ID", "NETWORK ID"),
            ("Name", "NAME"),
            ("Driver", "DRIVER"),
            ("Scope", "SCOPE"),
            ("Internal", "INTERNAL"),
            ("Labels", "LABELS"),
            ("CreatedAt", "CREATED AT"),
            ("IPv6", "IPV6"),
        ],
    };
    print!("{}", listing.render(a.format.as_deref(), &rows)?);
    Ok(0)
}

/// Docker's `network inspect` document.
pub fn document(n: &Network) -> Value {
    let mut ipam = json!({"Subnet": n.subnet.to_string(), "Gateway": n.gateway.to_string()});
    if let Some(r) = &n.ip_range {
        ipam["IPRange"] = json!(r.to_string());
    }
    let containers: serde_json::Map<String, Value> = n
        .endpoints
        .iter()
        .map(|(id, e)| {
            (
                id.clone(),
                json!({
                    "Name": e.name,
                    "EndpointID": "",
                    "MacAddress": e.mac,
                    "IPv4Address": format!("{}/{}", e.ip, n.subnet.prefix),
                    "IPv6Address": "",
                }),
            )
        })
        .collect();
    json!({
        "Name": n.name,
        "Id": n.id,
        "Created": n.created.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        "Scope": "local",
        "Driver": n.driver,
        "EnableIPv6": false,
        "IPAM": {"Driver": "default", "Options": {}, "Config": [ipam]},
        "Internal": n.internal,
        "Attachable": false,
        "Ingress": false,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": false,
        "Containers": containers,
        "Options": n.options,
        "Labels": n.labels,
    })
}

fn inspect(a: InspectArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let docs = a
        .networks
        .iter()
        .map(|w| net::record::find(&store, w).map(|n| document(&n)))
        .collect::<tug::Result<Vec<_>>>()?;
    crate::image::inspect::print_documents(&docs, a.format.as_deref())?;
    Ok(0)
}

fn rm(a: RmArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut code = 0;
    for w in &a.networks {
        match net::record::remove(&store, w) {
            Ok(_) => println!("{w}"),
            Err(e) if a.force && e.to_string().contains("not found") => {}
            Err(e) => {
                eprintln!("tug: {e}");
                code = crate::exit::TUG_FAILED;
            }
        }
    }
    Ok(code)
}

fn prune(a: PruneArgs, g: &Global) -> anyhow::Result<i32> {
    if !a.force && !crate::image::prune::confirm("WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?") {
        return Ok(0);
    }
    let store = open_store(g)?;
    let removed = net::record::prune(&store)?;
    if !removed.is_empty() {
        println!("Deleted Networks:");
        removed.iter().for_each(|n| println!("{n}"));
    }
    Ok(0)
}
