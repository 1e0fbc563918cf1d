//! The container's init: the child of the clone, already in the new
//! namespaces. It waits for the main process's `Go` (id maps written),
//! moves itself into its v1 cgroups (`cgroups::SelfJoin`), builds the
//! filesystem, sets hostname, rlimits, the syscall filter,
//! credentials and capabilities, waits for `Joined` (v2 cgroup joined,
//! network wired), then
//! execs the command.
//! Any failure is reported to the main process as a typed message; the
//! init never returns.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use oci_spec::runtime::Spec;
use seccompiler::BpfProgram;

use crate::runtime::guard;
use crate::runtime::message::{Channel, Message};
use crate::runtime::rootfs::{self, RootfsSource};

/// Everything the init needs, prepared by the main process before the clone.
pub struct InitContext<'a> {
    pub spec: &'a Spec,
    pub rootfs: &'a RootfsSource,
    pub seccomp: &'a [BpfProgram],
    /// The v1 cgroups it moves itself into before anything else.
    pub cgroups: &'a crate::runtime::cgroups::SelfJoin,
    /// Supplementary groups cannot be set under a single-id mapping
    /// (setgroups is denied there).
    pub can_setgroups: bool,
    pub new_netns: bool,
    /// `--network container:NAME`: the other container's network namespace.
    pub join_netns: Option<std::os::fd::RawFd>,
    /// The pty peer to make the controlling terminal (`-t`).
    pub tty: Option<std::os::fd::RawFd>,
    /// Otherwise, the descriptors to make our stdin, stdout and stderr.
    pub stdio: Option<[std::os::fd::RawFd; 3]>,
}

type R<T = ()> = std::result::Result<T, String>;

/// Runs the init side; never returns.
pub fn run(ctx: &InitContext, mut go: Channel, mut report: Channel) -> ! {
    // No controlling terminal, from the start (runtime::guard).
    let session = guard::new_session();
    match go.recv() {
        Ok(Some(Message::Go)) => {}
        // The main process died or gave up: nothing to report to.
        _ => exit(1),
    }
    // Not dumpable from here to the execve. Not before `Go`: until then the
    // main process writes our id maps and opens our /proc/<pid>/ns/net,
    // which a rootless main process may do only while we are dumpable. The
    // wait exposes nothing: we run no code, and nothing else is in our pid
    // namespace yet.
    let guarded = session
        .and_then(|()| {
            ctx.cgroups
                .join()
                .map_err(|e| format!("joining the container's cgroups: {e}"))
        })
        .and_then(|()| guard::not_dumpable());
    let failure = match guarded.and_then(|()| prepare(ctx)) {
        Ok(()) => match go.recv() {
            Ok(Some(Message::Joined)) => {
                drop(go);
                exec(ctx.spec)
            }
            _ => exit(1),
        },
        Err(why) => Message::SetupFailed(why),
    };
    let _ = report.send(&failure);
    exit(match failure {
        Message::ExecFailed { errno, .. } if errno == libc::ENOENT => 127,
        Message::ExecFailed { .. } => 126,
        _ => 125,
    })
}

fn exit(code: i32) -> ! {
    // SAFETY: _exit ends this process at once; the clone child must not run
    // the parent's atexit handlers or flush its copied stdio buffers.
    unsafe { libc::_exit(code) }
}

fn io<T>(r: std::io::Result<T>, what: &str) -> R<T> {
    r.map_err(|e| format!("{what}: {e}"))
}

fn prepare(ctx: &InitContext) -> R {
    let spec = ctx.spec;
    if let Some(peer) = ctx.tty {
        crate::runtime::tty::attach(peer)?;
    } else if let Some(fds) = ctx.stdio {
        crate::runtime::relay::use_streams(fds)?;
    }
    if let Some(h) = spec.hostname() {
        io(
            rustix::system::sethostname(h.as_bytes()).map_err(Into::into),
            "setting the hostname",
        )?;
    }
    if let Some(fd) = ctx.join_netns {
        // SAFETY: setns with a namespace descriptor the main process opened
        // before the clone; this process is single-threaded.
        if unsafe { libc::setns(fd, libc::CLONE_NEWNET) } != 0 {
            return Err(format!(
                "joining the other container's network: {}",
                std::io::Error::last_os_error()
            ));
        }
    } else if ctx.new_netns {
        loopback_up()?;
    }
    // In our namespaces now, before the rootfs: /proc/sys answers for them.
    for (k, v) in spec
        .linux()
        .as_ref()
        .and_then(|l| l.sysctl().as_ref())
        .into_iter()
        .flatten()
    {
        let path = format!("/proc/sys/{}", k.replace('.', "/"));
        io(std::fs::write(&path, v), &format!("setting sysctl {k}"))?;
    }
    rootfs::setup(spec, ctx.rootfs, ctx.tty)?;
    let process = spec.process().as_ref().ok_or("the spec has no process")?;
    become_process(process, ctx.seccomp, ctx.can_setgroups)
}

/// Turns the calling process into the container's process: rlimits, no
/// inherited descriptor past stderr, seccomp, cwd, bounding set,
/// credentials, capabilities, no_new_privs, parent-death signal, not
/// dumpable. Shared by the init and `exec` (so an exec'd command, and a
/// healthcheck, has the container's `--ulimit`s, as in Docker).
pub fn become_process(
    process: &oci_spec::runtime::Process,
    seccomp: &[BpfProgram],
    can_setgroups: bool,
) -> R {
    for r in process.rlimits().iter().flatten() {
        set_rlimit(r)?;
    }
    // Before the filter, which may refuse close_range: whatever we inherited
    // (`exec 7</dir; tug run ...`) closes at the command's execve.
    guard::cloexec_from(3)?;
    for prog in seccomp {
        io(
            crate::runtime::seccomp::install(prog),
            "installing the seccomp filter",
        )?;
    }
    let cwd = process.cwd();
    if !cwd.is_dir() {
        let _ = std::fs::create_dir_all(cwd);
    }
    io(
        std::env::set_current_dir(cwd),
        &format!("entering {}", cwd.display()),
    )?;
    if let Some(c) = process.capabilities() {
        crate::runtime::caps::drop_bounding(c)?;
    }
    let user = process.user();
    io(
        rustix::thread::set_keep_capabilities(true).map_err(Into::into),
        "keeping capabilities",
    )?;
    if can_setgroups {
        let groups: Vec<libc::gid_t> = user.additional_gids().clone().unwrap_or_default();
        // SAFETY: setgroups reads `groups.len()` gids from a live slice.
        if unsafe { libc::setgroups(groups.len(), groups.as_ptr()) } != 0 {
            return Err(format!("setgroups: {}", std::io::Error::last_os_error()));
        }
    }
    // SAFETY: plain credential syscalls with integer arguments.
    if unsafe { libc::setresgid(user.gid(), user.gid(), user.gid()) } != 0 {
        return Err(format!(
            "setting gid {}: {}",
            user.gid(),
            std::io::Error::last_os_error()
        ));
    }
    // SAFETY: as above.
    if unsafe { libc::setresuid(user.uid(), user.uid(), user.uid()) } != 0 {
        return Err(format!(
            "setting uid {}: {}",
            user.uid(),
            std::io::Error::last_os_error()
        ));
    }
    if let Some(c) = process.capabilities() {
        crate::runtime::caps::apply(c)?;
    }
    if process.no_new_privileges().unwrap_or(false) {
        io(
            rustix::thread::set_no_new_privs(true).map_err(Into::into),
            "setting no_new_privs",
        )?;
    }
    // The container dies with the process that waits for it (tug run or its
    // monitor), so a killed tug never leaves an orphan running. Set after
    // the credential change, which clears it.
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
    // The credential change reset it to fs.suid_dumpable, which may be 1.
    guard::not_dumpable()
}

fn set_rlimit(r: &oci_spec::runtime::PosixRlimit) -> R {
    let name = serde_json::to_value(r.typ())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let res = crate::runtime::spec::rlimit_resource(&name)
        .ok_or_else(|| format!("unknown rlimit {name}"))?;
    let lim = libc::rlimit {
        rlim_cur: r.soft(),
        rlim_max: r.hard(),
    };
    // SAFETY: setrlimit reads one rlimit struct we own.
    if unsafe { libc::setrlimit(res, &lim) } == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    // Raising the hard limit needs CAP_SYS_RESOURCE on the host: one set
    // when the container was made by a caller with a higher hard limit (an
    // `exec` from a shell with a lower `ulimit -H`) is capped at ours.
    let mut ours = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct we own.
    let capped =
        unsafe { libc::getrlimit(res, &mut ours) } == 0 && lim.rlim_max > ours.rlim_max && {
            let lower = libc::rlimit {
                rlim_cur: lim.rlim_cur.min(ours.rlim_max),
                rlim_max: ours.rlim_max,
            };
            // SAFETY: as above.
            let r = unsafe { libc::setrlimit(res, &lower) };
            r == 0
        };
    match capped {
        true => Ok(()),
        false => Err(format!("setting {name}: {err}")),
    }
}

/// Brings up `lo` in a new network namespace (Docker's `none` has it up).
fn loopback_up() -> R {
    #[repr(C)]
    struct IfReq {
        name: [u8; 16],
        flags: libc::c_short,
        _pad: [u8; 22],
    }
    let fd = io(
        rustix::net::socket(
            rustix::net::AddressFamily::INET,
            rustix::net::SocketType::DGRAM,
            None,
        )
        .map_err(Into::into),
        "opening a socket",
    )?;
    let mut req = IfReq {
        name: [0; 16],
        flags: 0,
        _pad: [0; 22],
    };
    req.name[..2].copy_from_slice(b"lo");
    use std::os::fd::AsRawFd;
    // SAFETY: SIOCGIFFLAGS/SIOCSIFFLAGS read and write one ifreq-sized struct we own.
    unsafe {
        if libc::ioctl(fd.as_raw_fd(), libc::SIOCGIFFLAGS, &mut req) != 0 {
            return Err(format!(
                "reading lo's flags: {}",
                std::io::Error::last_os_error()
            ));
        }
        req.flags |= libc::IFF_UP as libc::c_short;
        if libc::ioctl(fd.as_raw_fd(), libc::SIOCSIFFLAGS, &mut req) != 0 {
            return Err(format!(
                "bringing lo up: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    Ok(())
}

fn env_path(env: &[String]) -> String {
    env.iter()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or(crate::runtime::spec::DEFAULT_PATH)
        .to_string()
}

/// Finds `cmd` as execvp would, in the container's PATH.
/// Where `cmd` may be: itself when it names a path, else each PATH entry.
fn candidates(cmd: &str, env: &[String]) -> Vec<PathBuf> {
    if cmd.contains('/') {
        return vec![PathBuf::from(cmd)];
    }
    env_path(env)
        .split(':')
        .filter(|d| !d.is_empty())
        .map(|d| Path::new(d).join(cmd))
        .collect()
}

fn find_program(cmd: &str, env: &[String]) -> Option<PathBuf> {
    if cmd.contains('/') {
        return Some(PathBuf::from(cmd));
    }
    candidates(cmd, env)
        .into_iter()
        .find(|p| p.metadata().is_ok_and(|m| !m.is_dir()))
}

/// Execs the container's command; returns only the failure to report.
fn exec(spec: &Spec) -> Message {
    match spec.process() {
        Some(p) => exec_process(p),
        None => Message::SetupFailed("the spec has no process".into()),
    }
}

/// Execs the process's command; returns only the failure to report.
pub fn exec_process(process: &oci_spec::runtime::Process) -> Message {
    let process = Some(process);
    let args: Vec<String> = process.and_then(|p| p.args().clone()).unwrap_or_default();
    let env: Vec<String> = process.and_then(|p| p.env().clone()).unwrap_or_default();
    let cmd = args.first().cloned().unwrap_or_default();
    let fail = |errno: i32| Message::ExecFailed {
        errno,
        command: cmd.clone(),
    };
    let Some(program) = find_program(&cmd, &env) else {
        // A name on PATH that is there but cannot be resolved (a symlink
        // loop) says so, rather than "no such file".
        return match dangling_on_path(&cmd, &env) {
            Some(why) => Message::ExecFailed {
                errno: libc::ENOENT,
                command: format!("{cmd} ({why})"),
            },
            None => fail(libc::ENOENT),
        };
    };
    let to_c = |s: &[u8]| CString::new(s).ok();
    let (Some(prog), Some(argv), Some(envp)) = (
        to_c(program.as_os_str().as_bytes()),
        args.iter()
            .map(|a| to_c(a.as_bytes()))
            .collect::<Option<Vec<_>>>(),
        env.iter()
            .map(|e| to_c(e.as_bytes()))
            .collect::<Option<Vec<_>>>(),
    ) else {
        return fail(libc::EINVAL);
    };
    let mut argv_p: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    argv_p.push(std::ptr::null());
    let mut envp_p: Vec<*const libc::c_char> = envp.iter().map(|e| e.as_ptr()).collect();
    envp_p.push(std::ptr::null());
    // SAFETY: NUL-terminated strings and NULL-terminated pointer arrays that
    // live until execve returns (it only returns on failure).
    unsafe { libc::execve(prog.as_ptr(), argv_p.as_ptr(), envp_p.as_ptr()) };
    let errno = std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EINVAL);
    match (errno, missing_interpreter(&program)) {
        // The program is there; what is missing is what runs it.
        (libc::ENOENT, Some(interp)) => Message::ExecFailed {
            errno,
            command: format!("{cmd} (its interpreter {interp} is not in the container)"),
        },
        _ => fail(errno),
    }
}

/// Why a PATH entry named `cmd` exists but does not resolve, if one does.
fn dangling_on_path(cmd: &str, env: &[String]) -> Option<String> {
    candidates(cmd, env).into_iter().find_map(|p| {
        p.symlink_metadata().ok()?;
        match p.metadata() {
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                Some(format!("{} is a symlink loop", p.display()))
            }
            Err(_) => Some(format!("{} is a dangling symlink", p.display())),
            Ok(_) => None,
        }
    })
}

/// The interpreter a program names (`#!` line, or an ELF's PT_INTERP)
/// when that interpreter does not exist: the reason an existing program
/// fails with ENOENT.
fn missing_interpreter(program: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = vec![0u8; 4096];
    let n = std::fs::File::open(program).ok()?.read(&mut head).ok()?;
    head.truncate(n);
    let interp = if let Some(rest) = head.strip_prefix(b"#!") {
        let line = rest.split(|b| *b == b'\n').next()?;
        let line = String::from_utf8_lossy(line);
        line.split_whitespace().next()?.to_string()
    } else {
        elf_interpreter(&head)?
    };
    (!Path::new(&interp).exists()).then_some(interp)
}

/// PT_INTERP of a 64-bit little-endian ELF whose program headers lie in
/// `head`.
fn elf_interpreter(head: &[u8]) -> Option<String> {
    if head.get(..5)? != b"\x7fELF\x02" || head.get(5)? != &1 {
        return None;
    }
    let u16_at = |o: usize| Some(u16::from_le_bytes(head.get(o..o + 2)?.try_into().ok()?));
    let u32_at = |o: usize| Some(u32::from_le_bytes(head.get(o..o + 4)?.try_into().ok()?));
    let u64_at = |o: usize| Some(u64::from_le_bytes(head.get(o..o + 8)?.try_into().ok()?));
    let phoff = u64_at(32)? as usize;
    let (phentsize, phnum) = (u16_at(54)? as usize, u16_at(56)? as usize);
    for i in 0..phnum.min(64) {
        let ph = phoff + i * phentsize;
        if u32_at(ph)? == 3 {
            // PT_INTERP: the path lies at p_offset, p_filesz bytes.
            let (off, size) = (u64_at(ph + 8)? as usize, u64_at(ph + 32)? as usize);
            let raw = head.get(off..off + size)?;
            let end = raw.iter().position(|b| *b == 0).unwrap_or(raw.len());
            return Some(String::from_utf8_lossy(&raw[..end]).into_owned());
        }
    }
    None
}
