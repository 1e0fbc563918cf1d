//! Shell completions and man pages, generated from the clap definitions.
//! `tug gen-docs DIR` writes `DIR/completions/` and `DIR/man/`; a test checks
//! that the checked-in copies are current.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell;

use crate::cli::Cli;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShellName {
    Bash,
    Zsh,
    Fish,
}

impl ShellName {
    fn shell(self) -> Shell {
        match self {
            ShellName::Bash => Shell::Bash,
            ShellName::Zsh => Shell::Zsh,
            ShellName::Fish => Shell::Fish,
        }
    }
    fn file_name(self) -> &'static str {
        match self {
            ShellName::Bash => "tug.bash",
            ShellName::Zsh => "_tug",
            ShellName::Fish => "tug.fish",
        }
    }
}

/// Arguments of `completion`.
#[derive(Debug, Args, Clone)]
pub struct CompletionArgs {
    /// The shell to complete for
    pub shell: ShellName,
}

/// Arguments of `gen-docs`.
#[derive(Debug, Args, Clone)]
pub struct GenDocsArgs {
    /// Directory to write completions/ and man/ into
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

fn completion_bytes(shell: ShellName) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell.shell(), &mut Cli::command(), "tug", &mut out);
    out
}

pub fn completion(a: CompletionArgs) -> anyhow::Result<i32> {
    use std::io::Write;
    std::io::stdout().write_all(&completion_bytes(a.shell))?;
    Ok(0)
}

pub fn gen_docs(a: GenDocsArgs) -> anyhow::Result<i32> {
    let comp = a.dir.join("completions");
    let man = a.dir.join("man");
    for d in [&comp, &man] {
        if d.exists() {
            std::fs::remove_dir_all(d).with_context(|| format!("clearing {}", d.display()))?;
        }
        std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    for s in [ShellName::Bash, ShellName::Zsh, ShellName::Fish] {
        write(&comp.join(s.file_name()), &completion_bytes(s))?;
    }
    let mut cmd = Cli::command();
    cmd.build();
    write_man(&cmd, "tug", &man)?;
    Ok(0)
}

/// One page per command: `tug.1`, `tug-image-ls.1`, ...
fn write_man(cmd: &clap::Command, name: &str, dir: &Path) -> anyhow::Result<()> {
    let page = cmd.clone().name(name.to_string());
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out)?;
    write(&dir.join(format!("{name}.1")), &out)?;
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        write_man(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}

fn write(p: &Path, data: &[u8]) -> anyhow::Result<()> {
    std::fs::write(p, data).with_context(|| format!("writing {}", p.display()))
}
