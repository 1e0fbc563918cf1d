//! `tug _userns ...`: work done as root of a user namespace that maps the
//! user's subordinate ids (unpacking an image with its owners, removing
//! such files). Started by `tug::userns::run_mapped`, never by users.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of the hidden `_userns` command.
#[derive(Debug, Args)]
pub struct UsernsArgs {
    #[command(subcommand)]
    pub op: UsernsOp,
}

#[derive(Debug, Subcommand)]
pub enum UsernsOp {
    /// Apply an image's layers onto DEST with their owners
    Unpack { image: String, dest: PathBuf },
    /// Unpack layer blob BLOB into DEST in overlay form, checking DIFF_ID
    Layer {
        blob: String,
        diff_id: String,
        dest: PathBuf,
    },
    /// Remove a directory tree
    Rmtree { path: PathBuf },
    /// Write a container's changes (`diff`) to DEST
    Diff { container: String, dest: PathBuf },
    /// Write a container's filesystem as a tar archive to DEST
    Export { container: String, dest: PathBuf },
}

pub fn run(a: UsernsArgs, g: &Global) -> anyhow::Result<i32> {
    tug::userns::enter_mapped()?;
    match a.op {
        UsernsOp::Unpack { image, dest } => {
            let store = open_store(g)?;
            let img = tug::image::resolve(&store, &image)?;
            tug::store::snapshots::flatten_into(&store, &img, &dest)?;
        }
        UsernsOp::Layer {
            blob,
            diff_id,
            dest,
        } => {
            let store = open_store(g)?;
            let blob: tug::store::Digest = blob.parse()?;
            tug::store::snapshots::apply_layer(
                &store,
                &blob,
                &diff_id,
                &dest,
                tug::layer::ApplyOptions::for_current_user(tug::layer::ApplyMode::Overlay),
            )?;
        }
        UsernsOp::Rmtree { path } => tug::store::remove_tree(&path),
        UsernsOp::Diff { container, dest } => {
            let store = open_store(g)?;
            let r = tug::container::find(&store, &container)?;
            let text: String = tug::container::diff::diff_here(&store, &r)?
                .into_iter()
                .map(|(k, p)| format!("{k} {p}\n"))
                .collect();
            std::fs::write(&dest, text)?;
        }
        UsernsOp::Export { container, dest } => {
            let store = open_store(g)?;
            let r = tug::container::find(&store, &container)?;
            let f = std::fs::File::create(&dest)?;
            let mut w = std::io::BufWriter::new(f);
            tug::container::files::export(&r, &mut w)?;
            std::io::Write::flush(&mut w)?;
        }
    }
    Ok(0)
}
