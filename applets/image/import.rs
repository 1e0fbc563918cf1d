//! `tug import FILE|- [REPOSITORY[:TAG]]`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args as ClapArgs;
use tug::image::import::{import, ImportOptions};
use tug::reference::Reference;

use crate::cli::Global;
use crate::common::open_store;

/// Arguments of `import`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Tarball of a root filesystem (plain, gzip or zstd), or `-` for stdin
    pub file: PathBuf,
    /// Name for the image (REPOSITORY[:TAG]); none leaves it untagged
    pub reference: Option<String>,
    /// Apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR)
    #[arg(short, long = "change", value_name = "INSTRUCTION")]
    pub change: Vec<String>,
    /// Set the commit message of the imported image
    #[arg(short, long)]
    pub message: Option<String>,
    /// Set the platform (os/arch[/variant]) of the image
    #[arg(long)]
    pub platform: Option<String>,
}

pub fn run(a: Args, g: &Global) -> anyhow::Result<i32> {
    let names = match &a.reference {
        Some(r) => vec![Reference::parse(r)?],
        None => vec![],
    };
    let store = open_store(g)?;
    let opts = ImportOptions {
        changes: a.change.clone(),
        message: a.message.clone(),
        platform: a.platform.clone(),
        source: a.file.display().to_string(),
    };
    let imported = if a.file.as_os_str() == "-" {
        import(&store, &mut std::io::stdin().lock(), &names, &opts)
    } else {
        let mut f = std::fs::File::open(&a.file)
            .with_context(|| format!("opening {}", a.file.display()))?;
        import(&store, &mut f, &names, &opts)
    }
    .with_context(|| format!("importing {}", a.file.display()))?;
    println!("{}", imported.id);
    Ok(0)
}
