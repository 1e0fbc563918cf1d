//! The one entry point. `basename(argv[0])` picks an applet (`run`,
//! `registry-serve`, `compose-up`, `image-build`, `network`, also as
//! `tug-<applet>`); `tug` and `docker` take Docker's subcommands.

mod build;
mod cli;
mod common;
mod compose;
mod compose_convert;
mod container;
mod docs;
mod exit;
mod image;
mod internal;
mod internal_unpack;
mod kube;
mod links;
mod network;
mod pending;
mod registry;
mod system;

use std::ffi::OsString;
use std::path::Path;

use clap::{CommandFactory, FromArgMatches, Parser};

/// Applets reachable through a symlink of their own name.
pub const APPLETS: &[&str] = &[
    "run",
    "registry-serve",
    "compose-up",
    "image-build",
    "network",
];

fn main() {
    let args: Vec<OsString> = std::env::args_os().collect();
    let argv0 = args
        .first()
        .map(|a| {
            Path::new(a)
                .file_name()
                .unwrap_or(a.as_os_str())
                .to_string_lossy()
                .into_owned()
        })
        .unwrap_or_else(|| "tug".into());
    let name = argv0.strip_prefix("tug-").unwrap_or(&argv0).to_string();
    let code = match name.as_str() {
        "tug" | "docker" => run_tug(args),
        // The old standalone Compose: `docker-compose ARGS` = `tug compose ARGS`.
        "docker-compose" => {
            let mut full: Vec<OsString> = vec!["tug".into(), "compose".into()];
            full.extend(args.into_iter().skip(1));
            run_tug(full)
        }
        // `--init`: tug's minimal init, bind-mounted into the container.
        "init" if argv0 == "tug-init" => {
            let rest: Vec<String> = args
                .iter()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            tug::runtime::mini_init::main(&rest)
        }
        n if APPLETS.contains(&n) => run_applet(n, &argv0, args),
        other => {
            eprintln!(
                "tug: unknown applet {other:?}; call me as tug, docker or one of: {}",
                APPLETS.join(", ")
            );
            2
        }
    };
    std::process::exit(code);
}

fn run_tug(args: Vec<OsString>) -> i32 {
    match cli::Cli::try_parse_from(args) {
        Ok(cli) => exit::finish(cli::dispatch(cli)),
        Err(e) => exit::clap_error(e),
    }
}

/// An applet parses with its own name in usage and help, then runs exactly
/// as the same subcommand of `tug` would.
fn run_applet(name: &str, argv0: &str, args: Vec<OsString>) -> i32 {
    let sub = cli::Cli::command()
        .find_subcommand(name)
        .cloned()
        .expect("every applet is a subcommand");
    let about = sub.get_about().cloned().unwrap_or_default();
    let cmd = <cli::Global as clap::Args>::augment_args(sub)
        .about(about)
        .name(argv0.to_string())
        .bin_name(argv0.to_string())
        .version(env!("CARGO_PKG_VERSION"));
    let m = match cmd.try_get_matches_from(args.iter()) {
        Ok(m) => m,
        Err(e) => return exit::clap_error(e),
    };
    let global = cli::Global::from_arg_matches(&m).expect("global flags parse");
    let mut full: Vec<OsString> = vec!["tug".into(), name.into()];
    full.extend(args.into_iter().skip(1));
    match cli::Cli::try_parse_from(full) {
        Ok(mut cli) => {
            cli.global.merge(global);
            exit::finish(cli::dispatch(cli))
        }
        Err(e) => exit::clap_error(e),
    }
}
