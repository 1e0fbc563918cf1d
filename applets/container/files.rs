//! `tug export` and `tug cp`.

use std::path::PathBuf;

use clap::Args as ClapArgs;
use tug::container::{self, files};

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, ClapArgs, Clone)]
pub struct ExportArgs {
    /// Write to a file, instead of STDOUT
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// The container (name or ID)
    pub container: String,
}

pub fn export(args: ExportArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = container::find(&store, &args.container)?;
    match &args.output {
        Some(p) => {
            let tmp = p.with_extension("tmp-export");
            let r2 = files::export_file(&store, &r, &tmp);
            if r2.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            r2?;
            std::fs::rename(&tmp, p).map_err(|e| tug::Error::io(p, e))?;
        }
        None => {
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                return Err(tug::Error::Invalid(
                    "cowardly refusing to write a tar archive to a terminal: use -o or a pipe"
                        .into(),
                )
                .into());
            }
            let tmp = store.tmp_path("export");
            let done = files::export_file(&store, &r, &tmp).and_then(|_| {
                let mut f = std::fs::File::open(&tmp).map_err(|e| tug::Error::io(&tmp, e))?;
                std::io::copy(&mut f, &mut std::io::stdout().lock())
                    .map_err(|e| tug::Error::io("stdout", e))?;
                Ok(())
            });
            let _ = std::fs::remove_file(&tmp);
            done?;
        }
    }
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct CpArgs {
    /// Archive mode (owners are kept as root anyway)
    #[arg(short = 'a', long)]
    pub archive: bool,
    /// Always follow symbol link in SRC_PATH (inside the container for a container path)
    #[arg(short = 'L', long)]
    pub follow_link: bool,
    /// Source: CONTAINER:PATH or a host path
    pub src: String,
    /// Destination: CONTAINER:PATH or a host path
    pub dst: String,
}

fn split(s: &str) -> Option<(&str, &str)> {
    if s.starts_with('/') || s.starts_with('.') {
        return None;
    }
    s.split_once(':')
}

pub fn cp(args: CpArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    match (split(&args.src), split(&args.dst)) {
        (Some((c, p)), None) => {
            let r = container::find(&store, c)?;
            files::copy_out(&r, p, &PathBuf::from(&args.dst), args.follow_link)?;
        }
        (None, Some((c, p))) => {
            let r = container::find(&store, c)?;
            files::copy_in(&args.src, &r, p, args.follow_link)?;
        }
        _ => {
            return Err(tug::Error::Invalid(
                "copying between two containers or two host paths is not supported: one side must be CONTAINER:PATH".into(),
            )
            .into())
        }
    }
    Ok(0)
}

#[derive(Debug, ClapArgs, Clone)]
pub struct CommitArgs {
    /// Commit message
    #[arg(short = 'm', long)]
    pub message: Option<String>,
    /// Apply Dockerfile instructions to the image (CMD, ENV, WORKDIR, USER...)
    #[arg(short = 'c', long)]
    pub change: Vec<String>,
    /// Pause the container during commit (where a cgroup freezer exists)
    #[arg(short = 'p', long, default_value_t = true, num_args = 0..=1,
          default_missing_value = "true", action = clap::ArgAction::Set)]
    pub pause: bool,
    /// The container (name or ID)
    pub container: String,
    /// The new image's name
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: Option<String>,
}

pub fn commit(args: CommitArgs, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let r = container::find(&store, &args.container)?;
    let names = args
        .reference
        .as_deref()
        .map(tug::reference::Reference::parse)
        .transpose()?
        .into_iter()
        .collect::<Vec<_>>();
    let img = files::commit(
        &store,
        &r,
        &names,
        &files::CommitOptions {
            message: args.message.clone(),
            changes: args.change.clone(),
            pause: args.pause,
        },
    )?;
    println!("{}", img.id);
    Ok(0)
}
