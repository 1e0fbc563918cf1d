//! `tug install-links DIR [--docker]`: the applet symlinks.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args as ClapArgs;

/// Arguments of `install-links`.
#[derive(Debug, ClapArgs, Clone)]
pub struct Args {
    /// Directory to create the symlinks in
    pub dir: PathBuf,
    /// Also create `docker` and `docker-compose` symlinks
    #[arg(long)]
    pub docker: bool,
    /// Replace existing files of the same names
    #[arg(short, long)]
    pub force: bool,
}

pub fn run(a: Args) -> anyhow::Result<i32> {
    let exe = std::env::current_exe().context("finding this executable")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let mut names: Vec<&str> = crate::APPLETS.to_vec();
    if a.docker {
        names.push("docker");
        names.push("docker-compose");
    }
    std::fs::create_dir_all(&a.dir).with_context(|| format!("creating {}", a.dir.display()))?;
    for n in names {
        let link = a.dir.join(n);
        if link.symlink_metadata().is_ok() {
            if !a.force {
                if std::fs::read_link(&link).ok().as_deref() == Some(exe.as_path()) {
                    continue;
                }
                anyhow::bail!("{} exists (use --force to replace it)", link.display());
            }
            std::fs::remove_file(&link).with_context(|| format!("removing {}", link.display()))?;
        }
        std::os::unix::fs::symlink(&exe, &link)
            .with_context(|| format!("creating {}", link.display()))?;
        println!("{}", link.display());
    }
    Ok(0)
}
