//! What keeps the host out of reach while tug's own code runs inside a
//! container (issue 14, findings 3, 4 and 6). A process that enters a
//! container (the init until its execve, the `exec` child) is:
//! - not dumpable, so the container's processes cannot open its
//!   `/proc/<pid>/{exe,fd,mem,...}` (they lack CAP_SYS_PTRACE over it);
//! - for `exec` and health checks, running from a sealed memfd copy of the
//!   tug binary (runc's answer to CVE-2019-5736), so even a process that may
//!   ptrace it finds no handle to the host's binary behind `/proc/<pid>/exe`;
//! - without the caller's descriptors: everything from 3 up is marked
//!   close-on-exec before the container's command runs;
//! - in a session of its own, so it has no controlling terminal and cannot
//!   push input into the caller's (TIOCSTI).
//!
//! The init needs no copy: it is cloned before anything else lives in its
//! pid namespace, and execs the container's command before `tug exec` can
//! join (exec needs the record to say running, written after that execve).

use std::ffi::{CString, OsString};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;

use rustix::fs::{MemfdFlags, SealFlags};

use crate::error::{Error, Result};

/// The seals a copy carries: no write, resize or further sealing.
fn seals() -> SealFlags {
    SealFlags::SEAL | SealFlags::SHRINK | SealFlags::GROW | SealFlags::WRITE
}

/// Makes this process not dumpable: its /proc files become root's of its
/// user namespace and need CAP_SYS_PTRACE over it to open. Credential
/// changes reset the flag (to fs.suid_dumpable), so call it again after.
pub fn not_dumpable() -> std::result::Result<(), String> {
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
        .map_err(|e| format!("making the process not dumpable: {e}"))
}

/// Marks every descriptor from `first` up close-on-exec, so none of the
/// caller's crosses into the container's command.
pub fn cloexec_from(first: RawFd) -> std::result::Result<(), String> {
    if close_range_cloexec(first) {
        return Ok(());
    }
    for_each_fd_from(first, |fd| {
        // SAFETY: F_SETFD on a descriptor number; a stale one gives EBADF.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    })
}

/// Closes every descriptor from `first` up (a process that outlives its
/// caller must not keep the caller's files or pipes open).
pub fn close_from(first: RawFd) -> std::result::Result<(), String> {
    if close_range(first, 0) {
        return Ok(());
    }
    for_each_fd_from(first, |fd| {
        // SAFETY: closing a descriptor number nothing else in this
        // single-purpose process uses; a stale one gives EBADF.
        unsafe { libc::close(fd) };
    })
}

/// Kernels before 5.9/5.11 lack close_range: one call per open descriptor.
fn for_each_fd_from(first: RawFd, f: impl Fn(RawFd)) -> std::result::Result<(), String> {
    let dir =
        std::fs::read_dir("/proc/self/fd").map_err(|e| format!("listing open descriptors: {e}"))?;
    let fds: Vec<RawFd> = dir
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|fd| *fd >= first)
        .collect();
    fds.into_iter().for_each(f);
    Ok(())
}

/// `close_range(first, ~0, CLOSE_RANGE_CLOEXEC)` alone: async-signal-safe,
/// for between fork and exec. False where the kernel lacks it (< 5.11).
pub fn close_range_cloexec(first: RawFd) -> bool {
    close_range(first, libc::CLOSE_RANGE_CLOEXEC)
}

fn close_range(first: RawFd, flags: libc::c_uint) -> bool {
    // SAFETY: close_range takes integers only; the callers own every
    // descriptor in the range (see close_from, cloexec_from).
    let r = unsafe {
        libc::syscall(
            libc::SYS_close_range,
            first as libc::c_uint,
            libc::c_uint::MAX,
            flags,
        )
    };
    r == 0
}

/// Starts a new session (no controlling terminal); a process that already
/// leads one keeps it.
pub fn new_session() -> std::result::Result<(), String> {
    match rustix::process::setsid() {
        Ok(_) => Ok(()),
        Err(rustix::io::Errno::PERM) if is_session_leader() => Ok(()),
        Err(e) => Err(format!("setsid: {e}")),
    }
}

fn is_session_leader() -> bool {
    rustix::process::getsid(None).ok() == Some(rustix::process::getpid())
}

/// True when this process runs from a sealed copy of tug, not the host's file.
pub fn running_sealed() -> bool {
    open_self().is_ok_and(|f| rustix::fs::fcntl_get_seals(&f).is_ok_and(|s| s.contains(seals())))
}

fn open_self() -> std::io::Result<OwnedFd> {
    rustix::fs::open(
        "/proc/self/exe",
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .map_err(Into::into)
}

/// Re-executes this program with `argv` from a sealed in-memory copy of
/// its binary, keeping the environment. Returns only on failure.
pub fn reexec_sealed(argv: &[OsString]) -> Error {
    match sealed_copy() {
        Ok(copy) => Error::Invalid(format!(
            "re-executing from a sealed copy of tug: {}",
            execveat(&copy, argv)
        )),
        Err(e) => e,
    }
}

/// A memfd holding a copy of /proc/self/exe, sealed against change.
fn sealed_copy() -> Result<OwnedFd> {
    let err = |what: &str, e: std::io::Error| Error::Invalid(format!("{what}: {e}"));
    let src = open_self().map_err(|e| err("opening /proc/self/exe", e))?;
    let file_size = rustix::fs::fstat(&src)
        .map_err(|e| err("reading /proc/self/exe", e.into()))?
        .st_size as u64;
    let size = loaded_len(&src).map_or(file_size, |n| n.min(file_size));
    let base = MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING;
    // MFD_EXEC keeps it executable under vm.memfd_noexec=1 (Linux 6.3+);
    // older kernels refuse the flag and make memfds executable anyway.
    let copy = rustix::fs::memfd_create("tug", base | MemfdFlags::EXEC)
        .or_else(|_| rustix::fs::memfd_create("tug", base))
        .map_err(|e| err("creating a memfd", e.into()))?;
    let mut done = 0u64;
    while done < size {
        match rustix::fs::sendfile(&copy, &src, None, (size - done) as usize) {
            Ok(0) => break,
            Ok(n) => done += n as u64,
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(err("copying tug into a memfd", e.into())),
        }
    }
    if done != size {
        return Err(Error::Invalid(
            "copying tug into a memfd: the binary changed while copied".into(),
        ));
    }
    rustix::fs::fcntl_add_seals(&copy, seals()).map_err(|e| err("sealing the memfd", e.into()))?;
    Ok(copy)
}

/// How much of an ELF64 file execve reads: up to the end of its program
/// headers and of its last segment. Debug info and the section
/// table after it need no copy (in a debug build, three quarters of the
/// file). None when the file does not look like one.
fn loaded_len(f: impl AsFd) -> Option<u64> {
    let read = |at: u64, len: usize| -> Option<Vec<u8>> {
        let mut buf = vec![0u8; len];
        let n = rustix::io::pread(&f, &mut buf, at).ok()?;
        (n == len).then_some(buf)
    };
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]) as u64;
    let u64_at =
        |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
    let header = read(0, 64)?;
    // ELF magic, 64-bit, little-endian.
    if header[..6] != *b"\x7fELF\x02\x01" {
        return None;
    }
    let (phoff, phentsize, phnum) = (
        u64_at(&header, 0x20),
        u16_at(&header, 0x36),
        u16_at(&header, 0x38),
    );
    if phentsize < 56 || phnum == 0 {
        return None;
    }
    let table = read(phoff, (phentsize * phnum) as usize)?;
    let mut end = phoff + phentsize * phnum;
    // Every segment the kernel may read (loads, and the notes and
    // interpreter it parses at exec, which lie inside them anyway).
    for ph in table.chunks(phentsize as usize) {
        end = end.max(u64_at(ph, 0x08).checked_add(u64_at(ph, 0x20))?);
    }
    Some(end)
}

/// execveat(fd, "", argv, environ, AT_EMPTY_PATH); returns the failure.
fn execveat(fd: impl AsFd, argv: &[OsString]) -> std::io::Error {
    let to_c = |s: &[u8]| CString::new(s).ok();
    let args: Option<Vec<CString>> = argv.iter().map(|a| to_c(a.as_bytes())).collect();
    let env: Option<Vec<CString>> = std::env::vars_os()
        .map(|(k, v)| {
            let mut kv = k.as_bytes().to_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            to_c(&kv)
        })
        .collect();
    let (Some(args), Some(env)) = (args, env) else {
        return std::io::Error::from_raw_os_error(libc::EINVAL);
    };
    let mut argv_p: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv_p.push(std::ptr::null());
    let mut envp_p: Vec<*const libc::c_char> = env.iter().map(|e| e.as_ptr()).collect();
    envp_p.push(std::ptr::null());
    // SAFETY: a live descriptor, an empty NUL-terminated path, and
    // NULL-terminated arrays of NUL-terminated strings that outlive the
    // call (it only returns on failure).
    unsafe {
        libc::syscall(
            libc::SYS_execveat,
            fd.as_fd().as_raw_fd(),
            c"".as_ptr(),
            argv_p.as_ptr(),
            envp_p.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    std::io::Error::last_os_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loaded_len_covers_the_loadable_part_of_an_elf() {
        let exe = open_self().unwrap();
        let size = rustix::fs::fstat(&exe).unwrap().st_size as u64;
        let n = loaded_len(&exe).expect("the test binary is ELF64");
        assert!(n > 0 && n <= size, "{n} of {size}");
        let f = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut &f, b"#!/bin/sh\necho not elf\n").unwrap();
        assert_eq!(loaded_len(&f), None);
    }

    #[test]
    fn the_test_binary_is_not_a_sealed_copy() {
        assert!(!running_sealed());
    }
}
