//! `tug port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports.

use clap::Args as ClapArgs;
use tug::container;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `port`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The container
    pub container: String,
    /// Only this container port (PORT[/PROTO])
    pub private_port: Option<String>,
}

pub fn run(args: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = container::refresh(&store, container::find(&store, &args.container)?);
    let ports = container::network::published(&store, &r);
    let wanted = match &args.private_port {
        Some(p) => Some(tug::net::ports::parse_container_ports(p)?),
        None => None,
    };
    let mut shown = 0;
    for p in &ports {
        match wanted {
            Some((port, _, proto)) if p.container_port != port || p.proto != proto => continue,
            Some(_) => println!("{}:{}", p.host_ip, p.host_port),
            None => println!("{} -> {}:{}", p.key(), p.host_ip, p.host_port),
        }
        shown += 1;
    }
    if shown == 0 {
        if let Some(p) = &args.private_port {
            return Err(tug::Error::Invalid(format!(
                "no public port '{p}' published for {}",
                args.container
            ))
            .into());
        }
    }
    Ok(0)
}
