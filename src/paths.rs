//! Where the store lives: `--root` > `$TUG_ROOT` > the root or rootless default.

use std::path::PathBuf;

static JOINED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True when this process runs without root's powers: euid != 0, or root
/// only of the rootless session's user namespace (see `net::session`).
pub fn is_rootless() -> bool {
    JOINED.load(std::sync::atomic::Ordering::Relaxed) || !rustix::process::geteuid().is_root()
}

/// Records that this process joined the rootless session's user namespace,
/// where it is uid 0 but still a rootless user's process.
pub fn mark_joined() {
    JOINED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// True once this process joined the rootless session's user namespace.
pub fn joined() -> bool {
    JOINED.load(std::sync::atomic::Ordering::Relaxed)
}

/// The default store root: daemon.json's `data-root` if set, else
/// `/var/lib/tug` for root, else `$XDG_DATA_HOME/tug`, else
/// `~/.local/share/tug`.
pub fn default_root() -> PathBuf {
    if let Some(d) = crate::daemon_json::settings().data_root {
        return d;
    }
    if !is_rootless() {
        return PathBuf::from("/var/lib/tug");
    }
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("tug");
    }
    home_dir().join(".local/share/tug")
}

/// `$HOME`, falling back to `/tmp` when unset (as in minimal CI images).
pub fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"))
}

/// The store root for a command: the flag, then `$TUG_ROOT`, then the default.
pub fn store_root(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| {
        std::env::var_os("TUG_ROOT")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .unwrap_or_else(default_root)
}
