//! The default syscall filter: Docker's default profile's denials, as an
//! allow-by-default filter that answers EPERM to what Docker refuses
//! (namespace and mount manipulation, kernel modules, keyrings, bpf, clock
//! setting, reboot...) and ENOSYS to clone3 (so libcs fall back to clone,
//! whose namespace flags the filter can see).
//!
//! The filter is compiled once and its BPF cached under
//! `<root>/cache/seccomp/<key>.bpf`, as crun caches its compiled profiles;
//! later containers read the bytes back instead of compiling.

use std::collections::BTreeMap;
use std::path::Path;

use seccompiler::{
    sock_filter, BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition,
    SeccompFilter, SeccompRule, TargetArch,
};

use crate::error::{Error, Result};

/// Bump when the filter below changes: it names the cache file.
const FILTER_VERSION: &str = "default-v1";

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
];

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

fn cond(arg: u8, len: SeccompCmpArgLen, op: SeccompCmpOp, v: u64) -> Result<SeccompCondition> {
    SeccompCondition::new(arg, len, op, v).map_err(|e| Error::Invalid(format!("seccomp: {e}")))
}

fn rule(conds: Vec<SeccompCondition>) -> Result<SeccompRule> {
    SeccompRule::new(conds).map_err(|e| Error::Invalid(format!("seccomp: {e}")))
}

/// Compiles the default filters: (EPERM filter, ENOSYS filter).
pub fn compile_default() -> Result<Vec<BpfProgram>> {
    let err = |e: seccompiler::BackendError| Error::Invalid(format!("seccomp: {e}"));
    let mut eperm: BTreeMap<i64, Vec<SeccompRule>> =
        DENIED.iter().map(|n| (*n, Vec::new())).collect();
    let mut clone_rules = Vec::new();
    for f in NAMESPACE_FLAGS {
        clone_rules.push(rule(vec![cond(
            0,
            SeccompCmpArgLen::Qword,
            SeccompCmpOp::MaskedEq(*f),
            *f,
        )?])?);
    }
    eperm.insert(libc::SYS_clone, clone_rules);
    let odd_personality = PERSONALITIES
        .iter()
        .map(|p| cond(0, SeccompCmpArgLen::Dword, SeccompCmpOp::Ne, *p))
        .collect::<Result<Vec<_>>>()?;
    eperm.insert(libc::SYS_personality, vec![rule(odd_personality)?]);
    let deny = SeccompFilter::new(
        eperm,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        TargetArch::x86_64,
    )
    .map_err(err)?;
    let nosys = SeccompFilter::new(
        [(libc::SYS_clone3, Vec::new())].into_iter().collect(),
        SeccompAction::Allow,
        SeccompAction::Errno(libc::ENOSYS as u32),
        TargetArch::x86_64,
    )
    .map_err(err)?;
    let a: BpfProgram = deny.try_into().map_err(err)?;
    let b: BpfProgram = nosys.try_into().map_err(err)?;
    Ok(vec![a, b])
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

/// The default filters, from the cache under `cache_dir` or compiled (and
/// then cached: temp file + rename, so racing containers are fine).
pub fn default_filters(cache_dir: &Path) -> Result<Vec<BpfProgram>> {
    let path = cache_dir.join(format!("{FILTER_VERSION}.bpf"));
    if let Some(p) = std::fs::read(&path).ok().and_then(|b| decode(&b)) {
        return Ok(p);
    }
    let progs = compile_default()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_roundtrip() {
        let d = tempfile::tempdir().unwrap();
        let a = default_filters(d.path()).unwrap();
        let b = default_filters(d.path()).unwrap();
        assert_eq!(a, b);
        assert_eq!(decode(&encode(&a)).unwrap(), a);
    }
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
        progs.push(f.try_into().map_err(err)?);
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
