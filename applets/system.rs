//! `tug info`, `tug version`, `tug system df|prune`.

use std::path::Path;

use clap::{Args, Subcommand};
use serde_json::{json, Value};
use tug::format::{human_size, tabwrite, time_ago, Listing};
use tug::store::disk_usage as du;
use tug::sysinfo;

use crate::cli::Global;
use crate::common::open_store;

/// `tug system ...`
#[derive(Debug, Subcommand, Clone)]
pub enum SystemCommand {
    /// Show disk usage by images, containers and volumes
    Df(DfArgs),
    /// Remove unused data (dangling images, and with -a every unused image)
    Prune(PruneArgs),
    /// Display system-wide information
    Info(InfoArgs),
}

/// Arguments of `system df`.
#[derive(Debug, Args, Clone)]
pub struct DfArgs {
    /// Show detailed information on space usage
    #[arg(short, long)]
    pub verbose: bool,
    /// Format output: 'table', 'table TEMPLATE', 'json', or a Go template
    #[arg(long)]
    pub format: Option<String>,
}

/// Arguments of `system prune`.
#[derive(Debug, Args, Clone)]
pub struct PruneArgs {
    /// Remove all unused images, not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Prune anonymous volumes too
    #[arg(long)]
    pub volumes: bool,
}

/// Arguments of `info`.
#[derive(Debug, Args, Clone)]
pub struct InfoArgs {
    /// Format the output using a Go template, or `json`
    #[arg(short, long)]
    pub format: Option<String>,
}

pub fn run(cmd: SystemCommand, g: &Global) -> anyhow::Result<i32> {
    match cmd {
        SystemCommand::Info(a) => info(a, g),
        SystemCommand::Df(a) => df(a, g),
        SystemCommand::Prune(a) => prune(a, g),
    }
}

/// Entries (directories) directly under `dir`.
fn count_dirs(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| rd.flatten().filter(|e| e.path().is_dir()).count())
        .unwrap_or(0)
}

pub fn info(a: InfoArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let rootless = tug::paths::is_rootless();
    let images = tug::image::list(&store)?;
    let overlay = sysinfo::overlay_support(rootless);
    let cgroup = sysinfo::cgroup_version();
    let ids = sysinfo::id_mapping(rootless);
    let kernel = sysinfo::kernel_release();
    let os = std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("PRETTY_NAME=")
                .map(|v| v.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "Linux".to_string());
    let root = std::fs::canonicalize(store.root()).unwrap_or_else(|_| store.root().to_path_buf());
    let v = json!({
        "ServerVersion": env!("CARGO_PKG_VERSION"),
        "Containers": count_dirs(&store.containers_dir()),
        "Images": images.len(),
        "StoreRoot": root.display().to_string(),
        "DockerRootDir": root.display().to_string(),
        "Rootless": rootless,
        "Driver": if overlay.supported { "overlay" } else { "copy" },
        "Overlay": overlay,
        "CgroupVersion": cgroup.as_str(),
        "CgroupLayout": cgroup.layout(),
        "IDMapping": ids,
        "KernelVersion": kernel,
        "OperatingSystem": os,
        "OSType": "linux",
        "Architecture": std::env::consts::ARCH,
        "NCPU": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "DefaultNetwork": "bridge",
        "DefaultSubnet": tug::net::record::find(&store, "bridge")
            .map(|n| n.subnet.to_string())
            .unwrap_or_else(|e| e.to_string()),
        "Outbound": tug::net::outbound(store.root()).map(String::from).unwrap_or_else(|e| e),
        "DaemonJSON": match tug::daemon_json::load() {
            Ok(Some((p, _))) => p.display().to_string(),
            Ok(None) => format!("none ({} is absent)", tug::daemon_json::path().display()),
            Err(e) => format!("unusable, ignored: {e}"),
        },
    });
    if let Some(f) = &a.format {
        if f.trim() == "json" {
            println!("{v}");
        } else {
            let t = tug::format::template::unescape(f);
            println!("{}", tug::format::render(&t, &v)?);
        }
        return Ok(0);
    }
    let ranges = |rs: &Value| -> String {
        rs.as_array()
            .map(|a| {
                a.iter()
                    .map(|r| format!("{}+{}", r["Start"], r["Count"]))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let mapping = match v["IDMapping"]["Kind"].as_str() {
        Some("subordinate") => format!(
            "subordinate ids (uids {}; gids {})",
            ranges(&v["IDMapping"]["Uids"]),
            ranges(&v["IDMapping"]["Gids"])
        ),
        Some("host") => "host ids (root)".to_string(),
        _ => "single id (no /etc/subuid and /etc/subgid ranges for this user)".to_string(),
    };
    println!("Client: tug");
    println!(" Version:    {}", env!("CARGO_PKG_VERSION"));
    println!();
    println!("Server:");
    println!(" Containers: {}", v["Containers"]);
    println!(" Images: {}", v["Images"]);
    println!(" Storage Root: {}", root.display());
    println!(
        " Docker daemon.json: {}",
        v["DaemonJSON"].as_str().unwrap_or("")
    );
    println!(" Rootless: {rootless}");
    println!(" Storage Driver: {}", v["Driver"].as_str().unwrap_or(""));
    println!(
        "  Overlay: {}",
        v["Overlay"]["Reason"].as_str().unwrap_or("")
    );
    println!(
        " Cgroup Version: {} ({})",
        cgroup.as_str(),
        match cgroup {
            sysinfo::CgroupVersion::Hybrid => "hybrid: v1 controllers and a v2 mount",
            other => other.layout(),
        }
    );
    println!(" ID Mapping: {mapping}");
    println!(
        " Default Network: bridge ({})",
        v["DefaultSubnet"].as_str().unwrap_or("")
    );
    println!(" Outbound: {}", v["Outbound"].as_str().unwrap_or(""));
    println!(
        " Kernel Version: {}",
        v["KernelVersion"].as_str().unwrap_or("")
    );
    println!(
        " Operating System: {}",
        v["OperatingSystem"].as_str().unwrap_or("")
    );
    println!(" OSType: linux");
    println!(" Architecture: {}", std::env::consts::ARCH);
    println!(" CPUs: {}", v["NCPU"]);
    Ok(0)
}

fn reclaim(size: u64, reclaimable: u64) -> String {
    if size == 0 {
        return human_size(reclaimable);
    }
    format!(
        "{} ({}%)",
        human_size(reclaimable),
        reclaimable * 100 / size
    )
}

const DF_HEADERS: &[(&str, &str)] = &[
    ("Type", "TYPE"),
    ("TotalCount", "TOTAL"),
    ("Active", "ACTIVE"),
    ("Size", "SIZE"),
    ("Reclaimable", "RECLAIMABLE"),
];

/// Aligned rows, Docker's way.
fn table(rows: &[Vec<String>]) -> String {
    let text: String = rows.iter().map(|r| format!("{}\n", r.join("\t"))).collect();
    tabwrite(&text)
}

pub fn df(a: DfArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let images = tug::image::list(&store)?;
    let (usage, images_total) = tug::image::usage::image_usage(&store, &images);
    let in_use: Vec<bool> = images
        .iter()
        .map(|i| !tug::image::remove::containers_using(&store, &i.manifest_digest).is_empty())
        .collect();
    let active_images = in_use.iter().filter(|u| **u).count();
    let reclaimable_images: u64 = usage
        .iter()
        .zip(&in_use)
        .filter(|(_, used)| !**used)
        .map(|(u, _)| u.unique)
        .sum();
    let containers = count_dirs(&store.containers_dir());
    // Removed containers' files not yet deleted (see `trash`): prune
    // empties the trash.
    let trash = tug::container::trash::usage(&store);
    let containers_size =
        du(&store.containers_dir()).saturating_sub(du_self(&store.containers_dir())) + trash;
    let volumes = count_dirs(&store.volumes_dir());
    let volumes_size = du(&store.volumes_dir()).saturating_sub(du_self(&store.volumes_dir()));
    let row = |kind: &str, total: usize, active: usize, size: u64, reclaimable: u64| {
        json!({
            "Type": kind,
            "TotalCount": total.to_string(),
            "Active": active.to_string(),
            "Size": human_size(size),
            "Reclaimable": reclaim(size, reclaimable),
        })
    };
    let build_cache = tug::build::cache::usage(&store)?;
    let rows = vec![
        row(
            "Images",
            images.len(),
            active_images,
            images_total,
            reclaimable_images,
        ),
        row("Containers", containers, 0, containers_size, trash),
        row("Local Volumes", volumes, 0, volumes_size, 0),
        row(
            "Build Cache",
            build_cache.entries,
            0,
            build_cache.size,
            build_cache.size,
        ),
    ];
    if !a.verbose || a.format.is_some() {
        let listing = Listing {
            default: "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
            headers: DF_HEADERS,
        };
        print!("{}", listing.render(a.format.as_deref(), &rows)?);
        return Ok(0);
    }
    println!("Images space usage:\n");
    let mut t: Vec<Vec<String>> = vec![[
        "REPOSITORY",
        "TAG",
        "IMAGE ID",
        "CREATED",
        "SIZE",
        "SHARED SIZE",
        "UNIQUE SIZE",
        "CONTAINERS",
    ]
    .map(String::from)
    .to_vec()];
    for (img, u) in images.iter().zip(&usage) {
        let created = time_ago(img.created());
        let users = tug::image::remove::containers_using(&store, &img.manifest_digest).len();
        let mut names: Vec<(String, String)> = img
            .names
            .iter()
            .map(|n| {
                (
                    n.familiar_repository(),
                    n.tag.clone().unwrap_or_else(|| "<none>".into()),
                )
            })
            .collect();
        if names.is_empty() {
            names.push(("<none>".into(), "<none>".into()));
        }
        for (repo, tag) in names {
            t.push(vec![
                repo,
                tag,
                img.short_id(),
                created.clone(),
                human_size(u.size),
                human_size(u.shared),
                human_size(u.unique),
                users.to_string(),
            ]);
        }
    }
    print!("{}", table(&t));
    println!("\nContainers space usage:\n");
    let mut t = vec![vec!["CONTAINER ID".to_string(), "SIZE".to_string()]];
    for (name, size) in dir_sizes(&store.containers_dir()) {
        t.push(vec![name, human_size(size)]);
    }
    print!("{}", table(&t));
    println!("\nLocal Volumes space usage:\n");
    let mut t = vec![vec!["VOLUME NAME".to_string(), "SIZE".to_string()]];
    for (name, size) in dir_sizes(&store.volumes_dir()) {
        t.push(vec![name, human_size(size)]);
    }
    print!("{}", table(&t));
    println!("\nBuild cache usage: {}", human_size(build_cache.size));
    Ok(0)
}

/// The directory's own blocks (so an empty directory counts 0).
fn du_self(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(p)
        .map(|m| m.blocks() * 512)
        .unwrap_or(0)
}

fn dir_sizes(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| (e.file_name().to_string_lossy().into_owned(), du(&e.path())))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

pub fn prune(a: PruneArgs, g: &Global) -> anyhow::Result<i32> {
    if !a.force {
        let mut what = String::from("WARNING! This will remove:\n");
        what.push_str(if a.all {
            "  - all images without at least one container associated to them\n"
        } else {
            "  - all dangling images\n"
        });
        what.push_str(
            "  - all networks not used by at least one container\n  - all blobs no image or pin references\n  - removed containers' files not yet deleted\n\nAre you sure you want to continue?",
        );
        if !crate::image::prune::confirm(&what) {
            return Ok(0);
        }
    }
    if a.volumes {
        eprintln!("tug: system prune --volumes: use `tug volume prune` for volumes; skipping them");
    }
    let store = open_store(g)?;
    let (lines, mut freed) = tug::image::remove::prune(&store, a.all)?;
    if !lines.is_empty() {
        println!("Deleted Images:");
        for l in &lines {
            println!("{}", l.to_string().to_lowercase());
        }
        println!();
    }
    let trash = tug::container::trash::usage(&store);
    tug::container::trash::empty(&store, true);
    freed += trash.saturating_sub(tug::container::trash::usage(&store));
    let networks = tug::net::record::prune_all(&store)?;
    if !networks.is_empty() {
        println!("Deleted Networks:");
        networks.iter().for_each(|n| println!("{n}"));
        println!();
    }
    println!("Total reclaimed space: {}", human_size(freed));
    Ok(0)
}

/// Arguments of `version`.
#[derive(Debug, Args, Clone)]
pub struct VersionArgs {
    /// Format the output using a Go template, or `json`
    #[arg(short, long)]
    pub format: Option<String>,
}

/// The Docker API level whose command-line behaviour tug follows.
const API_VERSION: &str = "1.47";

/// Docker's `version` document: a Client, and a Server that is the engine
/// inside this same process.
fn version_doc() -> Value {
    let (os, arch) = tug::image::import::host_platform();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_string();
    let v = env!("CARGO_PKG_VERSION");
    json!({
        "Client": {
            "Platform": {"Name": "tug"},
            "Version": v,
            "ApiVersion": API_VERSION,
            "DefaultAPIVersion": API_VERSION,
            "Os": os,
            "Arch": arch,
            "Context": "default",
        },
        "Server": {
            "Platform": {"Name": "tug (in-process engine, no daemon)"},
            "Components": [{
                "Name": "Engine",
                "Version": v,
                "Details": {"ApiVersion": API_VERSION, "Os": os, "Arch": arch, "KernelVersion": kernel, "Experimental": "false"},
            }],
            "Version": v,
            "ApiVersion": API_VERSION,
            "MinAPIVersion": API_VERSION,
            "Os": os,
            "Arch": arch,
            "KernelVersion": kernel,
            "Experimental": false,
        },
    })
}

pub fn version(a: VersionArgs) -> anyhow::Result<i32> {
    let doc = version_doc();
    match a.format.as_deref() {
        Some(f) if f.trim() == "json" => println!("{}", serde_json::to_string(&doc)?),
        Some(f) => println!(
            "{}",
            tug::format::template::render(&tug::format::template::unescape(f), &doc)?
        ),
        None => {
            let (c, s) = (&doc["Client"], &doc["Server"]);
            let get = |v: &Value, k: &str| v[k].as_str().unwrap_or("").to_string();
            let text = format!(
                "Client:\n Version:\t{}\n API version:\t{}\n OS/Arch:\t{}/{}\n Context:\t{}\n\nServer: {}\n Engine:\n  Version:\t{}\n  API version:\t{} (minimum version {})\n  OS/Arch:\t{}/{}\n  Kernel Version:\t{}\n  Experimental:\tfalse\n",
                get(c, "Version"), get(c, "ApiVersion"), get(c, "Os"), get(c, "Arch"), get(c, "Context"),
                s["Platform"]["Name"].as_str().unwrap_or(""),
                get(s, "Version"), get(s, "ApiVersion"), get(s, "MinAPIVersion"), get(s, "Os"), get(s, "Arch"), get(s, "KernelVersion"),
            );
            print!("{}", tabwrite(&text));
        }
    }
    Ok(0)
}
