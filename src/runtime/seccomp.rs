//! The default syscall filter: Docker's default profile's denials, as an
//! allow-by-default filter that answers EPERM to what Docker refuses
//! (namespace and mount manipulation, kernel modules, keyrings, bpf, clock
//! setting, reboot, io_uring, AF_VSOCK sockets, kcmp without
//! CAP_SYS_PTRACE...) and ENOSYS to clone3 (so libcs fall back to clone,
//! whose namespace flags the filter can see).
//!
//! Each program starts with tug's own architecture dispatch (seccompiler's
//! kill-other-arches prologue is replaced): x86_64 calls with the x32 bit
//! (`__X32_SYSCALL_BIT`, 0x40000000) get ENOSYS, as on kernels without x32,
//! since no rule would ever match their numbers; i386 calls (32-bit
//! programs, `int $0x80`) go through the same rules with i386 numbers; any
//! other architecture is killed. On i386, `socketcall` passes its
//! arguments in memory, out of the filter's sight, so the socket family of
//! `socketcall(SYS_SOCKET, ...)` cannot be checked: that one call gets
//! ENOSYS (any process, 64-bit ones included, can make i386 calls with
//! `int $0x80`, so allowing it would let AF_VSOCK past), while the direct
//! `socket` call (i386 has it since Linux 4.3; musl uses it first) is
//! checked as on x86_64. Docker's profile leaves this gap open; the price
//! is that a 32-bit glibc built to use only `socketcall` cannot create
//! sockets.
//!
//! The filter is compiled once and its BPF cached under
//! `<root>/cache/seccomp/<key>.bpf`, as crun caches its compiled profiles;
//! later containers read the bytes back instead of compiling. The key hashes
//! the tables below and the capability choice, so a changed table never
//! reads a stale program; bump FILTER_VERSION when the code changes.

use std::collections::BTreeMap;
use std::path::Path;

use seccompiler::{
    sock_filter, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition,
    SeccompFilter, SeccompRule, TargetArch,
};

use crate::error::{Error, Result};

/// Bump when the code building the filter changes (the tables are hashed).
const FILTER_VERSION: &str = "default-v3";

/// Syscalls the default filter refuses with EPERM, whatever their arguments.
const DENIED: &[i64] = &[
    libc::SYS_unshare,
    libc::SYS_setns,
    libc::SYS_keyctl,
    libc::SYS_add_key,
    libc::SYS_request_key,
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_pivot_root,
    libc::SYS_fsopen,
    libc::SYS_fsconfig,
    libc::SYS_fsmount,
    libc::SYS_fspick,
    libc::SYS_open_tree,
    libc::SYS_move_mount,
    libc::SYS_mount_setattr,
    libc::SYS_kexec_load,
    libc::SYS_kexec_file_load,
    libc::SYS_open_by_handle_at,
    libc::SYS_init_module,
    libc::SYS_finit_module,
    libc::SYS_delete_module,
    174, // create_module (x86_64)
    177, // get_kernel_syms
    178, // query_module
    libc::SYS_bpf,
    libc::SYS_perf_event_open,
    libc::SYS_userfaultfd,
    libc::SYS_swapon,
    libc::SYS_swapoff,
    libc::SYS_reboot,
    libc::SYS_clock_settime,
    libc::SYS_clock_adjtime,
    libc::SYS_settimeofday,
    libc::SYS_acct,
    libc::SYS_quotactl,
    libc::SYS_lookup_dcookie,
    libc::SYS_iopl,
    libc::SYS_ioperm,
    libc::SYS_uselib,
    libc::SYS_nfsservctl,
    libc::SYS_syslog,
    libc::SYS__sysctl,
    libc::SYS_vhangup,
    libc::SYS_io_uring_setup,
    libc::SYS_io_uring_enter,
    libc::SYS_io_uring_register,
];

/// The same denials by i386 number (asm/unistd_32.h), plus the calls only
/// i386 has: umount, stime, the 64-bit-time clock calls, vm86.
const DENIED_I386: &[i64] = &[
    310, // unshare
    346, // setns
    288, // keyctl
    286, // add_key
    287, // request_key
    21,  // mount
    22,  // umount
    52,  // umount2
    217, // pivot_root
    430, // fsopen
    431, // fsconfig
    432, // fsmount
    433, // fspick
    428, // open_tree
    429, // move_mount
    442, // mount_setattr
    283, // kexec_load
    342, // open_by_handle_at
    128, // init_module
    350, // finit_module
    129, // delete_module
    127, // create_module
    130, // get_kernel_syms
    167, // query_module
    357, // bpf
    336, // perf_event_open
    374, // userfaultfd
    87,  // swapon
    115, // swapoff
    88,  // reboot
    264, // clock_settime
    404, // clock_settime64
    343, // clock_adjtime
    405, // clock_adjtime64
    79,  // settimeofday
    25,  // stime
    51,  // acct
    131, // quotactl
    253, // lookup_dcookie
    110, // iopl
    101, // ioperm
    86,  // uselib
    169, // nfsservctl
    103, // syslog
    149, // _sysctl
    111, // vhangup
    113, // vm86old
    166, // vm86
    425, // io_uring_setup
    426, // io_uring_enter
    427, // io_uring_register
];

/// The calls whose arguments the rules inspect, per architecture.
struct Calls {
    arch: u32,
    denied: &'static [i64],
    clone: i64,
    clone3: i64,
    personality: i64,
    socket: i64,
    kcmp: i64,
    /// The socket multiplexer (i386 only).
    socketcall: Option<i64>,
}

const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
const AUDIT_ARCH_I386: u32 = 0x4000_0003;
/// The x32 ABI's flag in x86_64 syscall numbers.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

const X86_64: Calls = Calls {
    arch: AUDIT_ARCH_X86_64,
    denied: DENIED,
    clone: libc::SYS_clone,
    clone3: libc::SYS_clone3,
    personality: libc::SYS_personality,
    socket: libc::SYS_socket,
    kcmp: libc::SYS_kcmp,
    socketcall: None,
};

const I386: Calls = Calls {
    arch: AUDIT_ARCH_I386,
    denied: DENIED_I386,
    clone: 120,
    clone3: 435,
    personality: 136,
    socket: 359,
    kcmp: 349,
    socketcall: Some(102),
};

/// socketcall's first argument for socket(2) (linux/net.h).
const SYS_SOCKET: u64 = 1;

/// clone(2) flags that create namespaces (refused without CAP_SYS_ADMIN).
const NAMESPACE_FLAGS: &[u64] = &[
    libc::CLONE_NEWNS as u64,
    libc::CLONE_NEWUTS as u64,
    libc::CLONE_NEWIPC as u64,
    libc::CLONE_NEWUSER as u64,
    libc::CLONE_NEWPID as u64,
    libc::CLONE_NEWNET as u64,
    libc::CLONE_NEWCGROUP as u64,
];

/// personality(2) arguments Docker allows.
const PERSONALITIES: &[u64] = &[0x0, 0x8, 0x20000, 0x20008, 0xffff_ffff];

/// The socket family refused (AF_VSOCK: reaches the hypervisor).
const AF_VSOCK: u64 = 40;

fn cond(arg: u8, len: SeccompCmpArgLen, op: SeccompCmpOp, v: u64) -> Result<SeccompCondition> {
    SeccompCondition::new(arg, len, op, v).map_err(|e| Error::Invalid(format!("seccomp: {e}")))
}

fn rule(conds: Vec<SeccompCondition>) -> Result<SeccompRule> {
    SeccompRule::new(conds).map_err(|e| Error::Invalid(format!("seccomp: {e}")))
}

fn backend_err(e: seccompiler::BackendError) -> Error {
    Error::Invalid(format!("seccomp: {e}"))
}

/// The EPERM rules for one architecture's numbers.
fn eperm_rules(c: &Calls, ptrace: bool) -> Result<BTreeMap<i64, Vec<SeccompRule>>> {
    let mut eperm: BTreeMap<i64, Vec<SeccompRule>> =
        c.denied.iter().map(|n| (*n, Vec::new())).collect();
    if !ptrace {
        eperm.insert(c.kcmp, Vec::new());
    }
    let mut clone_rules = Vec::new();
    for f in NAMESPACE_FLAGS {
        clone_rules.push(rule(vec![cond(
            0,
            SeccompCmpArgLen::Qword,
            SeccompCmpOp::MaskedEq(*f),
            *f,
        )?])?);
    }
    eperm.insert(c.clone, clone_rules);
    let odd_personality = PERSONALITIES
        .iter()
        .map(|p| cond(0, SeccompCmpArgLen::Dword, SeccompCmpOp::Ne, *p))
        .collect::<Result<Vec<_>>>()?;
    eperm.insert(c.personality, vec![rule(odd_personality)?]);
    let vsock = cond(0, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, AF_VSOCK)?;
    eperm.insert(c.socket, vec![rule(vec![vsock])?]);
    Ok(eperm)
}

/// A seccompiler program without its architecture prologue (load arch,
/// jump over the kill if it is x86_64, kill): its rules only.
fn body(f: SeccompFilter) -> Result<BpfProgram> {
    let mut p: BpfProgram = f.try_into().map_err(backend_err)?;
    let prologue = [
        (0x20, 0, 0, 4),
        (0x15, 1, 0, AUDIT_ARCH_X86_64),
        (0x06, 0, 0, libc::SECCOMP_RET_KILL_PROCESS),
    ];
    let same = p.len() > 3
        && p.iter()
            .zip(prologue)
            .all(|(i, (code, jt, jf, k))| (i.code, i.jt, i.jf, i.k) == (code, jt, jf, k));
    if !same {
        return Err(Error::Invalid(
            "seccomp: unexpected program shape from seccompiler".into(),
        ));
    }
    p.drain(..3);
    Ok(p)
}

fn stmt(code: u16, k: u32) -> sock_filter {
    sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter { code, jt, jf, k }
}

// Classic BPF opcodes (linux/filter.h).
const LD_W_ABS: u16 = 0x20;
const JEQ_K: u16 = 0x15;
const JGE_K: u16 = 0x35;
const JA: u16 = 0x05;
const RET_K: u16 = 0x06;
const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;

/// One program from per-architecture bodies: x86_64 (x32 numbers answered
/// ENOSYS first), i386 (killed when None), anything else killed.
fn dispatch(x86_64: BpfProgram, i386: Option<BpfProgram>) -> BpfProgram {
    let kill = libc::SECCOMP_RET_KILL_PROCESS;
    let i386 = i386.unwrap_or_else(|| vec![stmt(RET_K, kill)]);
    let mut p = vec![
        stmt(LD_W_ABS, 4),
        jump(JEQ_K, AUDIT_ARCH_X86_64, 3, 0),
        jump(JEQ_K, AUDIT_ARCH_I386, 1, 0),
        stmt(RET_K, kill),
        // To the i386 body, past the x86_64 part (3 + its body).
        stmt(JA, 3 + x86_64.len() as u32),
        stmt(LD_W_ABS, 0),
        jump(JGE_K, X32_SYSCALL_BIT, 0, 1),
        stmt(RET_K, SECCOMP_RET_ERRNO | libc::ENOSYS as u32),
    ];
    p.extend(x86_64);
    p.extend(i386);
    p
}

/// One filter for both architectures: calls matching `rules(arch)` get
/// `matched`, the others are allowed.
fn both_arches(
    rules: impl Fn(&Calls) -> Result<BTreeMap<i64, Vec<SeccompRule>>>,
    matched: SeccompAction,
) -> Result<BpfProgram> {
    let build = |c: &Calls| -> Result<BpfProgram> {
        // Compiled as x86_64 (seccompiler's only say in it is the
        // prologue, which `body` replaces); the numbers are `c`'s.
        body(
            SeccompFilter::new(
                rules(c)?,
                SeccompAction::Allow,
                matched.clone(),
                TargetArch::x86_64,
            )
            .map_err(backend_err)?,
        )
    };
    Ok(dispatch(build(&X86_64)?, Some(build(&I386)?)))
}

/// Compiles the default filters: (EPERM filter, ENOSYS filter). `ptrace`:
/// the container holds CAP_SYS_PTRACE, so kcmp is allowed, as in Docker.
pub fn compile_default(ptrace: bool) -> Result<Vec<BpfProgram>> {
    let deny = both_arches(
        |c| eperm_rules(c, ptrace),
        SeccompAction::Errno(libc::EPERM as u32),
    )?;
    let nosys = both_arches(
        |c| {
            let mut m: BTreeMap<i64, Vec<SeccompRule>> = [(c.clone3, Vec::new())].into();
            if let Some(sc) = c.socketcall {
                let socket = cond(0, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, SYS_SOCKET)?;
                m.insert(sc, vec![rule(vec![socket])?]);
            }
            Ok(m)
        },
        SeccompAction::Errno(libc::ENOSYS as u32),
    )?;
    Ok(vec![deny, nosys])
}

/// The cache file name of the default filter: a hash of everything it is
/// built from.
fn default_key(ptrace: bool) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(FILTER_VERSION.as_bytes());
    for c in [&X86_64, &I386] {
        h.update(format!(
            "{:x} {:?} {} {} {} {} {} {:?}",
            c.arch, c.denied, c.clone, c.clone3, c.personality, c.socket, c.kcmp, c.socketcall
        ));
    }
    h.update(format!(
        "{NAMESPACE_FLAGS:?} {PERSONALITIES:?} {AF_VSOCK} {X32_SYSCALL_BIT} {ptrace}"
    ));
    format!("{FILTER_VERSION}-{}", &hex::encode(h.finalize())[..16])
}

/// True when the spec's process keeps CAP_SYS_PTRACE (kcmp is then allowed).
pub fn keeps_ptrace(spec: &oci_spec::runtime::Spec) -> bool {
    spec.process()
        .as_ref()
        .and_then(|p| p.capabilities().as_ref())
        .and_then(|c| c.bounding().as_ref())
        .is_some_and(|b| b.contains(&oci_spec::runtime::Capability::SysPtrace))
}

fn encode(progs: &[BpfProgram]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in progs {
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        for i in p {
            out.extend_from_slice(&i.code.to_le_bytes());
            out.push(i.jt);
            out.push(i.jf);
            out.extend_from_slice(&i.k.to_le_bytes());
        }
    }
    out
}

fn decode(mut b: &[u8]) -> Option<Vec<BpfProgram>> {
    let mut progs = Vec::new();
    while !b.is_empty() {
        let n = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
        b = &b[4..];
        let body = b.get(..n * 8)?;
        let prog = body
            .chunks_exact(8)
            .map(|c| sock_filter {
                code: u16::from_le_bytes([c[0], c[1]]),
                jt: c[2],
                jf: c[3],
                k: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            })
            .collect();
        progs.push(prog);
        b = &b[n * 8..];
    }
    (!progs.is_empty()).then_some(progs)
}

/// The default filters for a container (kcmp allowed when it keeps
/// CAP_SYS_PTRACE), from the cache under `cache_dir` or compiled (and then
/// cached: temp file + rename, so racing containers are fine).
pub fn default_filters(cache_dir: &Path, ptrace: bool) -> Result<Vec<BpfProgram>> {
    let path = cache_dir.join(format!("{}.bpf", default_key(ptrace)));
    if let Some(p) = std::fs::read(&path).ok().and_then(|b| decode(&b)) {
        return Ok(p);
    }
    let progs = compile_default(ptrace)?;
    if std::fs::create_dir_all(cache_dir).is_ok() {
        let tmp = cache_dir.join(format!(".tmp-{}", std::process::id()));
        if std::fs::write(&tmp, encode(&progs)).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(progs)
}

/// Installs one filter on the calling thread. Unlike seccompiler's
/// `apply_filter` it does not force no_new_privs: the init installs it while
/// it still holds CAP_SYS_ADMIN in its namespace.
pub fn install(prog: &[sock_filter]) -> std::io::Result<()> {
    #[repr(C)]
    struct SockFprog {
        len: u16,
        filter: *const sock_filter,
    }
    let fprog = SockFprog {
        len: prog.len() as u16,
        filter: prog.as_ptr(),
    };
    // SAFETY: the kernel copies `prog.len()` instructions from a live slice;
    // `fprog` outlives the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &fprog as *const SockFprog,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// A Docker-format seccomp profile (the parts tug honours).
#[derive(Debug, serde::Deserialize)]
struct Profile {
    #[serde(rename = "defaultAction")]
    default_action: String,
    #[serde(default, rename = "defaultErrnoRet")]
    default_errno: Option<u32>,
    #[serde(default)]
    syscalls: Option<Vec<ProfileRule>>,
}

#[derive(Debug, serde::Deserialize)]
struct ProfileRule {
    #[serde(default)]
    names: Option<Vec<String>>,
    #[serde(default)]
    name: Option<String>,
    action: String,
    #[serde(default)]
    args: Option<Vec<ProfileArg>>,
    #[serde(default, rename = "errnoRet")]
    errno_ret: Option<u32>,
    #[serde(default)]
    includes: Option<ProfileFilter>,
    #[serde(default)]
    excludes: Option<ProfileFilter>,
}

#[derive(Debug, serde::Deserialize)]
struct ProfileArg {
    index: u8,
    value: u64,
    #[serde(default, rename = "valueTwo")]
    value_two: u64,
    op: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct ProfileFilter {
    #[serde(default)]
    caps: Option<Vec<String>>,
    #[serde(default)]
    arches: Option<Vec<String>>,
}

fn profile_action(
    name: &str,
    errno: Option<u32>,
    default_errno: Option<u32>,
) -> Result<SeccompAction> {
    Ok(match name {
        "SCMP_ACT_ALLOW" => SeccompAction::Allow,
        "SCMP_ACT_ERRNO" => {
            SeccompAction::Errno(errno.or(default_errno).unwrap_or(libc::EPERM as u32))
        }
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => SeccompAction::KillThread,
        "SCMP_ACT_KILL_PROCESS" => SeccompAction::KillProcess,
        "SCMP_ACT_TRAP" => SeccompAction::Trap,
        "SCMP_ACT_LOG" => SeccompAction::Log,
        "SCMP_ACT_TRACE" => SeccompAction::Trace(errno.unwrap_or(0)),
        other => {
            return Err(Error::Invalid(format!(
                "seccomp profile: unsupported action {other}"
            )))
        }
    })
}

/// Rules by syscall number; None matches unconditionally.
type CallRules = BTreeMap<i64, Option<Vec<SeccompRule>>>;

fn action_key(a: &SeccompAction) -> String {
    format!("{a:?}")
}

/// Compiles a Docker-format profile for a container with capabilities
/// `caps`: one filter per action, stacked (the kernel applies the most
/// restrictive answer).
pub fn compile_profile(text: &str, caps: &[String]) -> Result<Vec<BpfProgram>> {
    let p: Profile = serde_json::from_str(text).map_err(|e| Error::json("seccomp profile", e))?;
    let default = profile_action(&p.default_action, None, p.default_errno)?;
    let has_cap = |c: &String| caps.contains(c);
    let arch_ok = |a: &[String]| {
        a.is_empty()
            || a.iter()
                .any(|x| x == "amd64" || x == "x86_64" || x == "SCMP_ARCH_X86_64")
    };
    // action key -> (action, syscall -> rules; an empty rule list matches always)
    let mut groups: BTreeMap<String, (SeccompAction, CallRules)> = BTreeMap::new();
    let none = ProfileFilter::default();
    for r in p.syscalls.iter().flatten() {
        let inc = r.includes.as_ref().unwrap_or(&none);
        let exc = r.excludes.as_ref().unwrap_or(&none);
        let (inc_arches, exc_arches) = (
            inc.arches.clone().unwrap_or_default(),
            exc.arches.clone().unwrap_or_default(),
        );
        if !arch_ok(&inc_arches) || (!exc_arches.is_empty() && arch_ok(&exc_arches)) {
            continue;
        }
        if !inc.caps.iter().flatten().all(has_cap) || exc.caps.iter().flatten().any(has_cap) {
            continue;
        }
        let action = profile_action(&r.action, r.errno_ret, p.default_errno)?;
        let conds = r
            .args
            .iter()
            .flatten()
            .map(|a| {
                let (op, v) = match a.op.as_str() {
                    "SCMP_CMP_EQ" => (SeccompCmpOp::Eq, a.value),
                    "SCMP_CMP_NE" => (SeccompCmpOp::Ne, a.value),
                    "SCMP_CMP_LT" => (SeccompCmpOp::Lt, a.value),
                    "SCMP_CMP_LE" => (SeccompCmpOp::Le, a.value),
                    "SCMP_CMP_GT" => (SeccompCmpOp::Gt, a.value),
                    "SCMP_CMP_GE" => (SeccompCmpOp::Ge, a.value),
                    "SCMP_CMP_MASKED_EQ" => (SeccompCmpOp::MaskedEq(a.value), a.value_two),
                    other => {
                        return Err(Error::Invalid(format!(
                            "seccomp profile: unsupported op {other}"
                        )))
                    }
                };
                cond(a.index, SeccompCmpArgLen::Qword, op, v)
            })
            .collect::<Result<Vec<_>>>()?;
        let entry = groups
            .entry(action_key(&action))
            .or_insert_with(|| (action.clone(), BTreeMap::new()));
        for name in r.names.iter().flatten().chain(r.name.iter()) {
            let Some(nr) = crate::runtime::syscalls::number(name) else {
                continue;
            };
            let slot = entry.1.entry(nr).or_insert_with(|| Some(Vec::new()));
            match (slot.as_mut(), conds.is_empty()) {
                // Unconditional: matches whatever other rules say.
                (_, true) => *slot = None,
                (Some(rules), false) => rules.push(rule(conds.clone())?),
                (None, false) => {}
            }
        }
    }
    let err = |e: seccompiler::BackendError| Error::Invalid(format!("seccomp profile: {e}"));
    let mut progs = Vec::new();
    for (_, (action, calls)) in groups {
        if action == default {
            continue;
        }
        let rules: BTreeMap<i64, Vec<SeccompRule>> = calls
            .into_iter()
            .map(|(nr, r)| (nr, r.unwrap_or_default()))
            .collect();
        if rules.is_empty() {
            continue;
        }
        let (mismatch, matched) = if action == SeccompAction::Allow {
            (default.clone(), SeccompAction::Allow)
        } else {
            (SeccompAction::Allow, action)
        };
        let f = SeccompFilter::new(rules, mismatch, matched, TargetArch::x86_64).map_err(err)?;
        // x86_64 numbers only: i386 calls are killed, x32 ones refused.
        progs.push(dispatch(body(f)?, None));
    }
    Ok(progs)
}

/// A profile's filters, cached by the profile's content and the caps.
pub fn profile_filters(
    cache_dir: &Path,
    profile: &Path,
    caps: &[String],
) -> Result<Vec<BpfProgram>> {
    use sha2::Digest as _;
    let text = std::fs::read_to_string(profile).map_err(|e| Error::io(profile, e))?;
    let mut h = sha2::Sha256::new();
    h.update(FILTER_VERSION.as_bytes());
    h.update(text.as_bytes());
    h.update(caps.join(",").as_bytes());
    let path = cache_dir.join(format!("profile-{}.bpf", hex::encode(h.finalize())));
    if let Some(p) = std::fs::read(&path).ok().and_then(|b| decode(&b)) {
        return Ok(p);
    }
    let progs = compile_profile(&text, caps)?;
    if !progs.is_empty() && std::fs::create_dir_all(cache_dir).is_ok() {
        let tmp = cache_dir.join(format!(".tmp-{}", std::process::id()));
        if std::fs::write(&tmp, encode(&progs)).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(progs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_roundtrip() {
        let d = tempfile::tempdir().unwrap();
        let a = default_filters(d.path(), false).unwrap();
        let b = default_filters(d.path(), false).unwrap();
        assert_eq!(a, b);
        assert_ne!(default_key(false), default_key(true));
        assert_eq!(decode(&encode(&a)).unwrap(), a);
    }

    /// Runs a classic BPF seccomp program on one call, as the kernel would
    /// (for the instructions seccompiler and `dispatch` emit).
    fn run(prog: &[sock_filter], arch: u32, nr: u32, args: [u64; 6]) -> u32 {
        let mut data = Vec::new();
        data.extend(nr.to_le_bytes());
        data.extend(arch.to_le_bytes());
        data.extend(0u64.to_le_bytes());
        for a in args {
            data.extend(a.to_le_bytes());
        }
        let (mut a, mut pc) = (0u32, 0usize);
        loop {
            let i = &prog[pc];
            pc += 1;
            let cond = |taken: bool| if taken { i.jt } else { i.jf } as usize;
            match i.code {
                LD_W_ABS => {
                    let k = i.k as usize;
                    a = u32::from_le_bytes(data[k..k + 4].try_into().unwrap());
                }
                0x54 => a &= i.k,
                JA => pc += i.k as usize,
                JEQ_K => pc += cond(a == i.k),
                0x25 => pc += cond(a > i.k),
                JGE_K => pc += cond(a >= i.k),
                RET_K => return i.k,
                c => panic!("unexpected opcode {c:#x}"),
            }
        }
    }

    /// The verdict of the stacked programs: the most restrictive one.
    fn verdict(progs: &[BpfProgram], arch: u32, nr: u32, arg0: u64) -> &'static str {
        let answers: Vec<u32> = progs
            .iter()
            .map(|p| run(p, arch, nr, [arg0, 0, 0, 0, 0, 0]))
            .collect();
        let eperm = SECCOMP_RET_ERRNO | libc::EPERM as u32;
        let enosys = SECCOMP_RET_ERRNO | libc::ENOSYS as u32;
        if answers.contains(&libc::SECCOMP_RET_KILL_PROCESS) {
            "kill"
        } else if answers.contains(&eperm) {
            "EPERM"
        } else if answers.contains(&enosys) {
            "ENOSYS"
        } else if answers.iter().all(|a| *a == libc::SECCOMP_RET_ALLOW) {
            "allow"
        } else {
            panic!("unexpected answers {answers:x?}")
        }
    }

    #[test]
    fn default_filter_covers_x86_64_x32_and_i386() {
        let progs = compile_default(false).unwrap();
        let with_ptrace = compile_default(true).unwrap();
        let x = AUDIT_ARCH_X86_64;
        let i = AUDIT_ARCH_I386;
        let n = |v: i64| v as u32;
        let newuser = libc::CLONE_NEWUSER as u64;
        let inet = libc::AF_INET as u64;
        let sigchld = libc::SIGCHLD as u64;
        let cases: &[(u32, u32, u64, &str)] = &[
            (x, n(libc::SYS_getpid), 0, "allow"),
            (x, n(libc::SYS_unshare), newuser, "EPERM"),
            (x, n(libc::SYS_io_uring_setup), 1, "EPERM"),
            (x, n(libc::SYS_io_uring_enter), 0, "EPERM"),
            (x, n(libc::SYS_io_uring_register), 0, "EPERM"),
            (x, n(libc::SYS_socket), AF_VSOCK, "EPERM"),
            (x, n(libc::SYS_socket), inet, "allow"),
            (x, n(libc::SYS_kcmp), 0, "EPERM"),
            (x, n(libc::SYS_clone), newuser, "EPERM"),
            (x, n(libc::SYS_clone), sigchld, "allow"),
            (x, n(libc::SYS_clone3), 0, "ENOSYS"),
            // x32: whatever the number, refused before any rule.
            (x, X32_SYSCALL_BIT | n(libc::SYS_getpid), 0, "ENOSYS"),
            (x, X32_SYSCALL_BIT | n(libc::SYS_unshare), newuser, "ENOSYS"),
            (x, 0xffff_ffff, 0, "ENOSYS"),
            // i386: the same rules by i386 numbers (getpid 20, unshare
            // 310, mount 21, io_uring_setup 425, socket 359, kcmp 349,
            // clone 120, clone3 435, personality 136).
            (i, 20, 0, "allow"),
            (i, 310, newuser, "EPERM"),
            (i, 21, 0, "EPERM"),
            (i, 425, 0, "EPERM"),
            (i, 359, AF_VSOCK, "EPERM"),
            (i, 359, inet, "allow"),
            (i, 349, 0, "EPERM"),
            (i, 120, newuser, "EPERM"),
            (i, 120, sigchld, "allow"),
            (i, 435, 0, "ENOSYS"),
            (i, 136, 0x0040_0000, "EPERM"),
            // socketcall: SYS_SOCKET (its family out of sight) refused,
            // the calls on existing sockets (SYS_CONNECT 3...) allowed.
            (i, 102, SYS_SOCKET, "ENOSYS"),
            (i, 102, 3, "allow"),
            (x, 102, SYS_SOCKET, "allow"),
            // Any other architecture (aarch64 here) is killed.
            (0xc000_00b7, 20, 0, "kill"),
        ];
        for (arch, nr, arg0, want) in cases {
            assert_eq!(
                verdict(&progs, *arch, *nr, *arg0),
                *want,
                "arch {arch:#x} nr {nr:#x} arg0 {arg0:#x}"
            );
        }
        // With CAP_SYS_PTRACE, kcmp is allowed on both ABIs.
        assert_eq!(verdict(&with_ptrace, x, n(libc::SYS_kcmp), 0), "allow");
        assert_eq!(verdict(&with_ptrace, i, 349, 0), "allow");
        assert_eq!(verdict(&with_ptrace, x, n(libc::SYS_unshare), 0), "EPERM");
    }

    #[test]
    fn profiles_refuse_x32_and_kill_i386() {
        let text = r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getpid"],"action":"SCMP_ACT_ERRNO"}]}"#;
        let progs = compile_profile(text, &[]).unwrap();
        let x = AUDIT_ARCH_X86_64;
        let getpid = libc::SYS_getpid as u32;
        assert_eq!(verdict(&progs, x, getpid, 0), "EPERM");
        assert_eq!(verdict(&progs, x, libc::SYS_getppid as u32, 0), "allow");
        assert_eq!(verdict(&progs, x, X32_SYSCALL_BIT | getpid, 0), "ENOSYS");
        assert_eq!(verdict(&progs, AUDIT_ARCH_I386, 20, 0), "kill");
    }
}
