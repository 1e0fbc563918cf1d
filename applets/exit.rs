//! The one place errors become exit codes and messages, as Docker and Podman
//! do: 125 for tug's own failures, 126 when the command cannot run, 127 when
//! it does not exist, 1 for a failed build, 130 for an interrupted Compose
//! command, otherwise the container's own status.

use tug::Error;

/// A build that failed (bad Dockerfile, failing step), as `docker build`.
pub const BUILD_FAILED: i32 = 1;
pub const TUG_FAILED: i32 = 125;
pub const NOT_RUNNABLE: i32 = 126;
pub const NOT_FOUND: i32 = 127;
/// Ctrl-c stopped a Compose command (as `docker compose` exits).
pub const INTERRUPTED: i32 = 130;

/// Prints an error chain on one line and picks the exit code.
pub fn finish(r: anyhow::Result<i32>) -> i32 {
    match r {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return 0;
            }
            eprintln!("tug: {}", one_line(&e));
            code_for(&e)
        }
    }
}

/// The error chain on one line, each cause once: a cause an outer message
/// already quotes (`path: No space left on device` over the io error) is
/// not repeated. Control characters are escaped, so nothing an archive or a
/// peer put in a name can drive the terminal.
fn one_line(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if msg.contains(&text) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    tug::untrusted::escape_controls(&msg.replace('\n', " "))
}

fn code_for(e: &anyhow::Error) -> i32 {
    for cause in e.chain() {
        use tug::compose::ProjectError;
        match cause.downcast_ref::<ProjectError>() {
            Some(ProjectError::Interrupted) => return INTERRUPTED,
            Some(ProjectError::Build { source, .. })
                if matches!(**source, tug::build::BuildError::Interrupted) =>
            {
                return INTERRUPTED
            }
            _ => {}
        }
        if cause.downcast_ref::<tug::build::BuildError>().is_some() {
            return BUILD_FAILED;
        }
        if let Some(err) = cause.downcast_ref::<Error>() {
            match err {
                Error::CommandNotFound(_) => return NOT_FOUND,
                Error::CommandNotRunnable(_) => return NOT_RUNNABLE,
                _ => {}
            }
        }
    }
    TUG_FAILED
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<Error>().is_some_and(|t| {
                matches!(t, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
            })
    })
}

/// Help and version go to stdout with 0; usage errors are tug's failures (125),
/// as `docker run --bad-flag` exits 125.
pub fn clap_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                TUG_FAILED
            } else {
                0
            }
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            eprintln!("tug: {first}");
            eprintln!("See '--help'.");
            TUG_FAILED
        }
    }
}
