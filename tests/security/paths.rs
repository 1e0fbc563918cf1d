//! Attacks through paths: cp/export/commit/diff and mount-point creation following a container's symlinks, volume copy-up, /etc/passwd.
