//! The container runtime: turns an image (or a root directory) plus `run`
//! flags into an isolated process.
//!
//! One job per file, in youki's shape:
//! - `spec.rs`     — the OCI runtime spec from the image config and the flags
//! - `user.rs`     — `USER[:GROUP]` resolved from the rootfs's /etc/passwd, /etc/group
//! - `process.rs`  — the *main* side: clone into new namespaces, write id maps,
//!   join cgroups, release the init, learn whether its exec worked
//! - `init.rs`     — the *init* side, inside the namespaces: rootfs, hostname,
//!   rlimits, seccomp, credentials, capabilities, exec
//! - `message.rs`  — the typed messages the two sides exchange over pipes
//! - `rootfs.rs`   — overlay or bind rootfs, /proc, /dev, /sys, pivot_root,
//!   masked and read-only paths
//! - `guard.rs`    — what keeps the host out of reach while tug's code runs
//!   in a container: not dumpable, sealed binary copy, no inherited fds,
//!   own session
//! - `relay.rs`    — pipes in place of the caller's terminal (no `-t`)
//! - `caps.rs`, `seccomp.rs`, `cgroups.rs` — capabilities, the default
//!   syscall filter, resource limits
//!
//! Process model: `tug run` clones the container's init directly (raw
//! `clone(2)` with the namespace flags, fork semantics) while it is still
//! single-threaded — nothing in `run` starts a thread before the clone — so
//! the child may keep running Rust code until it execs. This saves the exec
//! of a re-executed helper (~1 ms) and keeps the init a direct child of the
//! invoking process.

pub mod caps;
pub mod cgroups;
pub mod devices;
pub mod devices_bpf;
pub mod exec;
pub mod guard;
pub mod init;
pub mod message;
pub mod mini_init;
pub mod process;
pub mod relay;
pub mod rootfs;
pub mod seccomp;
pub mod spec;
pub mod syscalls;
pub mod tty;
pub mod user;
