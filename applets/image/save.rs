//! `tug save`: images to a docker-archive (default) or oci-archive.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args as ClapArgs, ValueEnum};
use tug::image::archive::ArchiveFormat;
use tug::reference::Reference;

use crate::cli::Global;
use crate::common::open_store;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    DockerArchive,
    OciArchive,
}

/// Arguments of `save`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Images to save (names or IDs)
    #[arg(required = true)]
    pub images: Vec<String>,
    /// Write to a file instead of STDOUT
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Archive format
    #[arg(long, value_enum, default_value = "docker-archive")]
    pub format: Format,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let store = open_store(g)?;
    let mut images: Vec<(tug::image::Image, Vec<Reference>)> = Vec::new();
    for what in &a.images {
        let img = tug::image::resolve(&store, what)?;
        // A name saves that name; an ID saves the image without names.
        let names: Vec<Reference> = match Reference::parse(what) {
            Ok(r) if img.names.contains(&r) => vec![r],
            _ => vec![],
        };
        match images
            .iter_mut()
            .find(|(i, _)| i.manifest_digest == img.manifest_digest)
        {
            Some((_, n)) => n.extend(names),
            None => images.push((img, names)),
        }
    }
    let format = match a.format {
        Format::DockerArchive => ArchiveFormat::DockerArchive,
        Format::OciArchive => ArchiveFormat::OciArchive,
    };
    match &a.output {
        Some(p) => {
            let tmp = p.with_file_name(format!(
                ".{}.tmp-save",
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            ));
            let res = (|| -> anyhow::Result<()> {
                let f = std::fs::File::create(&tmp)
                    .with_context(|| format!("creating {}", tmp.display()))?;
                let w =
                    tug::image::archive::save(&store, &images, format, std::io::BufWriter::new(f))?;
                w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                std::fs::rename(&tmp, p).with_context(|| format!("writing {}", p.display()))?;
                Ok(())
            })();
            if res.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            res?;
        }
        None => {
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                anyhow::bail!(
                    "cowardly refusing to save to a terminal. Use the -o flag or redirect"
                );
            }
            let mut w = tug::image::archive::save(
                &store,
                &images,
                format,
                std::io::BufWriter::new(std::io::stdout().lock()),
            )?;
            w.flush()?;
        }
    }
    Ok(0)
}
