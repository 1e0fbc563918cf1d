//! The device allowlist on cgroup v2: a `BPF_PROG_TYPE_CGROUP_DEVICE`
//! program, assembled here from the spec's `linux.resources.devices` rules,
//! loaded with `bpf(BPF_PROG_LOAD)` and attached to the container's cgroup
//! (`BPF_PROG_ATTACH`). The kernel runs it on every mknod and open of a
//! device node by a process of that cgroup; it returns 1 to allow, 0 to deny.
//!
//! Rules are read as the v1 `devices` controller reads them: the last rule
//! that matches decides, and a request no rule matches is refused. An allow
//! rule matches when it grants every access asked for; a deny rule when it
//! names any of them.

use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use oci_spec::runtime::{LinuxDeviceCgroup, LinuxDeviceType};

/// One eBPF instruction (`struct bpf_insn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct Insn {
    pub code: u8,
    /// dst_reg in the low nibble, src_reg in the high one.
    pub regs: u8,
    pub off: i16,
    pub imm: i32,
}

// Instruction classes and fields (linux/bpf_common.h, linux/bpf.h).
const BPF_LDX: u8 = 0x01;
const BPF_JMP: u8 = 0x05;
const BPF_ALU: u8 = 0x04;
const BPF_ALU64: u8 = 0x07;
const BPF_W: u8 = 0x00;
const BPF_MEM: u8 = 0x60;
const BPF_K: u8 = 0x00;
const BPF_X: u8 = 0x08;
const BPF_AND: u8 = 0x50;
const BPF_RSH: u8 = 0x70;
const BPF_MOV: u8 = 0xb0;
const BPF_JEQ: u8 = 0x10;
const BPF_JNE: u8 = 0x50;
const BPF_EXIT: u8 = 0x90;

/// `struct bpf_cgroup_dev_ctx`: access_type (type in the low 16 bits,
/// access in the high 16), major, minor.
const CTX_ACCESS_TYPE: i16 = 0;
const CTX_MAJOR: i16 = 4;
const CTX_MINOR: i16 = 8;
pub const DEV_BLOCK: u32 = 1;
pub const DEV_CHAR: u32 = 2;
pub const ACC_MKNOD: u32 = 1;
pub const ACC_READ: u32 = 2;
pub const ACC_WRITE: u32 = 4;

// Registers: r1 the context; r2 type, r3 access, r4 major, r5 minor, r6 scratch.
const R0: u8 = 0;
const R1: u8 = 1;
const R_TYPE: u8 = 2;
const R_ACC: u8 = 3;
const R_MAJOR: u8 = 4;
const R_MINOR: u8 = 5;
const R_TMP: u8 = 6;

fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn {
        code,
        regs: dst | (src << 4),
        off,
        imm,
    }
}

fn load_ctx(dst: u8, off: i16) -> Insn {
    insn(BPF_LDX | BPF_MEM | BPF_W, dst, R1, off, 0)
}

fn alu32_imm(op: u8, dst: u8, imm: i32) -> Insn {
    insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm)
}

fn mov32_reg(dst: u8, src: u8) -> Insn {
    insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
}

fn mov64_imm(dst: u8, imm: i32) -> Insn {
    insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
}

/// Jumps `off` instructions forward when `reg OP imm`.
fn jump_imm(op: u8, reg: u8, imm: i32, off: i16) -> Insn {
    insn(BPF_JMP | op | BPF_K, reg, 0, off, imm)
}

fn exit() -> Insn {
    insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
}

/// A rule in the program's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub allow: bool,
    /// DEV_BLOCK, DEV_CHAR, or None for both.
    pub kind: Option<u32>,
    pub major: Option<u32>,
    pub minor: Option<u32>,
    /// ACC_* bits.
    pub access: u32,
}

/// The access bits of an `rwm` string; None for another letter.
pub fn access_bits(s: &str) -> Option<u32> {
    s.chars().try_fold(0, |acc, c| {
        Some(
            acc | match c {
                'r' => ACC_READ,
                'w' => ACC_WRITE,
                'm' => ACC_MKNOD,
                _ => return None,
            },
        )
    })
}

impl Rule {
    /// A spec rule as the program sees it (no type means all; no access
    /// means rwm, as runc reads it). Errors name what is wrong.
    pub fn from_spec(r: &LinuxDeviceCgroup) -> Result<Rule, String> {
        let kind = match r.typ().unwrap_or(LinuxDeviceType::A) {
            LinuxDeviceType::A => None,
            LinuxDeviceType::B => Some(DEV_BLOCK),
            LinuxDeviceType::C | LinuxDeviceType::U => Some(DEV_CHAR),
            LinuxDeviceType::P => return Err(format!("device rule {r}: fifo rules do not apply")),
        };
        let number = |n: Option<i64>| -> Result<Option<u32>, String> {
            match n {
                None => Ok(None),
                Some(-1) => Ok(None),
                Some(v) => u32::try_from(v)
                    .ok()
                    .filter(|v| *v <= i32::MAX as u32)
                    .map(Some)
                    .ok_or_else(|| format!("device rule {r}: bad number {v}")),
            }
        };
        let access = match r.access().as_deref() {
            None | Some("") => ACC_READ | ACC_WRITE | ACC_MKNOD,
            Some(a) => {
                access_bits(a).ok_or_else(|| format!("device rule {r}: bad access {a:?}"))?
            }
        };
        Ok(Rule {
            allow: r.allow(),
            kind,
            major: number(r.major())?,
            minor: number(r.minor())?,
            access,
        })
    }

    /// True when this rule decides a request (what the program computes).
    pub fn matches(&self, kind: u32, major: u32, minor: u32, access: u32) -> bool {
        self.kind.is_none_or(|k| k == kind)
            && self.major.is_none_or(|m| m == major)
            && self.minor.is_none_or(|m| m == minor)
            && if self.allow {
                access & !self.access == 0
            } else {
                access & self.access != 0
            }
    }
}

/// The instructions of one rule: fall through to the next rule when it does
/// not match, else return its verdict.
fn rule_block(r: &Rule) -> Vec<Insn> {
    // Each test is (instructions before the jump, the jump's op, reg, imm).
    let mut tests: Vec<(Vec<Insn>, u8, u8, i32)> = Vec::new();
    if let Some(k) = r.kind {
        tests.push((vec![], BPF_JNE, R_TYPE, k as i32));
    }
    let all = ACC_READ | ACC_WRITE | ACC_MKNOD;
    if r.allow && r.access & all != all {
        // Asked for something the rule does not grant: not this rule.
        let prep = vec![
            mov32_reg(R_TMP, R_ACC),
            alu32_imm(BPF_AND, R_TMP, (!r.access & all) as i32),
        ];
        tests.push((prep, BPF_JNE, R_TMP, 0));
    } else if !r.allow {
        // Asked for none of what the rule refuses: not this rule.
        let prep = vec![
            mov32_reg(R_TMP, R_ACC),
            alu32_imm(BPF_AND, R_TMP, (r.access & all) as i32),
        ];
        tests.push((prep, BPF_JEQ, R_TMP, 0));
    }
    if let Some(m) = r.major {
        tests.push((vec![], BPF_JNE, R_MAJOR, m as i32));
    }
    if let Some(m) = r.minor {
        tests.push((vec![], BPF_JNE, R_MINOR, m as i32));
    }
    let verdict = [mov64_imm(R0, i32::from(r.allow)), exit()];
    let total: usize = tests.iter().map(|t| t.0.len() + 1).sum::<usize>() + verdict.len();
    let mut out = Vec::with_capacity(total);
    for (prep, op, reg, imm) in tests {
        out.extend(prep);
        // Past the rest of this block.
        let off = (total - out.len() - 1) as i16;
        out.push(jump_imm(op, reg, imm, off));
    }
    out.extend(verdict);
    out
}

/// The program for `rules`: the last matching rule decides; no match denies.
pub fn program(rules: &[Rule]) -> Vec<Insn> {
    let mut p = vec![
        load_ctx(R_TYPE, CTX_ACCESS_TYPE),
        mov32_reg(R_ACC, R_TYPE),
        alu32_imm(BPF_AND, R_TYPE, 0xffff),
        alu32_imm(BPF_RSH, R_ACC, 16),
        load_ctx(R_MAJOR, CTX_MAJOR),
        load_ctx(R_MINOR, CTX_MINOR),
    ];
    for r in rules.iter().rev() {
        p.extend(rule_block(r));
    }
    p.extend([mov64_imm(R0, 0), exit()]);
    p
}

const BPF_PROG_LOAD: libc::c_int = 5;
const BPF_PROG_ATTACH: libc::c_int = 8;
const BPF_PROG_TYPE_CGROUP_DEVICE: u32 = 15;
const BPF_CGROUP_DEVICE: u32 = 6;
const BPF_F_ALLOW_MULTI: u32 = 2;

/// The head of `union bpf_attr` for BPF_PROG_LOAD.
#[repr(C)]
#[derive(Default)]
struct ProgLoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; 16],
    prog_ifindex: u32,
    expected_attach_type: u32,
}

/// The head of `union bpf_attr` for BPF_PROG_ATTACH.
#[repr(C)]
#[derive(Default)]
struct ProgAttachAttr {
    target_fd: u32,
    attach_bpf_fd: u32,
    attach_type: u32,
    attach_flags: u32,
    replace_bpf_fd: u32,
}

/// bpf(2) with an attribute struct of ours.
fn bpf<T>(cmd: libc::c_int, attr: &mut T) -> std::io::Result<libc::c_long> {
    // SAFETY: `attr` is a live, initialised repr(C) prefix of union bpf_attr
    // and its size is passed, so the kernel reads (and writes) only it.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr as *mut T,
            std::mem::size_of::<T>() as libc::c_uint,
        )
    };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(rc)
}

/// Loads the program; the error carries the verifier's log.
pub fn load(prog: &[Insn]) -> Result<OwnedFd, String> {
    let license = c"Apache-2.0";
    let mut log = vec![0u8; 64 * 1024];
    let mut name = [0u8; 16];
    name[..10].copy_from_slice(b"tug_device");
    let mut attr = ProgLoadAttr {
        prog_type: BPF_PROG_TYPE_CGROUP_DEVICE,
        insn_cnt: prog.len() as u32,
        insns: prog.as_ptr() as u64,
        license: license.as_ptr() as u64,
        log_level: 1,
        log_size: log.len() as u32,
        log_buf: log.as_mut_ptr() as u64,
        prog_name: name,
        expected_attach_type: BPF_CGROUP_DEVICE,
        ..Default::default()
    };
    match bpf(BPF_PROG_LOAD, &mut attr) {
        // SAFETY: BPF_PROG_LOAD returns a new descriptor that we now own.
        Ok(fd) => Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) }),
        Err(e) => {
            let end = log.iter().position(|b| *b == 0).unwrap_or(log.len());
            let why = String::from_utf8_lossy(&log[..end]);
            let last = why.lines().rev().find(|l| !l.trim().is_empty());
            Err(match last {
                Some(l) => format!("loading the device program: {e} (verifier: {l})"),
                None => format!("loading the device program: {e}"),
            })
        }
    }
}

/// Attaches a loaded program to the cgroup directory `cgroup` (allowing
/// others beside it, whose verdicts the kernel also requires).
pub fn attach(prog: BorrowedFd, cgroup: BorrowedFd) -> std::io::Result<()> {
    let mut attr = ProgAttachAttr {
        target_fd: cgroup.as_raw_fd() as u32,
        attach_bpf_fd: prog.as_raw_fd() as u32,
        attach_type: BPF_CGROUP_DEVICE,
        attach_flags: BPF_F_ALLOW_MULTI,
        ..Default::default()
    };
    bpf(BPF_PROG_ATTACH, &mut attr).map(|_| ())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Runs `prog` on one request as the kernel would, for the few
    /// instructions `program` emits.
    fn run(prog: &[Insn], kind: u32, major: u32, minor: u32, access: u32) -> u64 {
        let ctx = [(access << 16) | kind, major, minor];
        let mut r = [0u64; 11];
        let mut pc = 0usize;
        loop {
            let i = prog[pc];
            let (dst, src) = ((i.regs & 0xf) as usize, (i.regs >> 4) as usize);
            pc += 1;
            match i.code {
                c if c == BPF_LDX | BPF_MEM | BPF_W => {
                    assert_eq!(src, 1);
                    r[dst] = u64::from(ctx[i.off as usize / 4]);
                }
                c if c == BPF_ALU | BPF_MOV | BPF_X => r[dst] = r[src] & 0xffff_ffff,
                c if c == BPF_ALU | BPF_AND | BPF_K => {
                    r[dst] = (r[dst] as u32 & i.imm as u32).into()
                }
                c if c == BPF_ALU | BPF_RSH | BPF_K => r[dst] = (r[dst] as u32 >> i.imm).into(),
                c if c == BPF_ALU64 | BPF_MOV | BPF_K => r[dst] = i.imm as i64 as u64,
                c if c == BPF_JMP | BPF_JNE | BPF_K => {
                    if r[dst] != i.imm as i64 as u64 {
                        pc += i.off as usize;
                    }
                }
                c if c == BPF_JMP | BPF_JEQ | BPF_K => {
                    if r[dst] == i.imm as i64 as u64 {
                        pc += i.off as usize;
                    }
                }
                c if c == BPF_JMP | BPF_EXIT => return r[0],
                c => panic!("unexpected opcode {c:#x}"),
            }
        }
    }

    fn rule(
        allow: bool,
        kind: Option<u32>,
        major: Option<u32>,
        minor: Option<u32>,
        a: &str,
    ) -> Rule {
        Rule {
            allow,
            kind,
            major,
            minor,
            access: access_bits(a).unwrap(),
        }
    }

    fn docker_like() -> Vec<Rule> {
        vec![
            rule(false, None, None, None, "rwm"),
            rule(true, Some(DEV_CHAR), None, None, "m"),
            rule(true, Some(DEV_BLOCK), None, None, "m"),
            rule(true, Some(DEV_CHAR), Some(1), Some(3), "rwm"),
            rule(true, Some(DEV_CHAR), Some(136), None, "rwm"),
            rule(false, Some(DEV_CHAR), Some(1), Some(3), "w"),
        ]
    }

    #[test]
    fn program_follows_the_rules() {
        let rules = docker_like();
        let p = program(&rules);
        let rw = ACC_READ | ACC_WRITE;
        let cases = [
            (DEV_BLOCK, 7, 0, ACC_MKNOD, 1),
            (DEV_BLOCK, 7, 0, ACC_READ, 0),
            (DEV_BLOCK, 7, 0, rw, 0),
            (DEV_CHAR, 7, 0, ACC_MKNOD, 1),
            (DEV_CHAR, 7, 0, ACC_READ, 0),
            (DEV_CHAR, 1, 3, ACC_READ, 1),
            // The later deny of w wins over the allow of rwm.
            (DEV_CHAR, 1, 3, ACC_WRITE, 0),
            (DEV_CHAR, 1, 3, rw, 0),
            (DEV_CHAR, 136, 42, rw, 1),
            (DEV_BLOCK, 136, 42, rw, 0),
            (DEV_CHAR, 1, 5, ACC_READ, 0),
        ];
        for (kind, major, minor, access, want) in cases {
            let got = run(&p, kind, major, minor, access);
            assert_eq!(got, want, "{kind} {major}:{minor} {access:#x}");
            // The reference semantics agree.
            let reference = rules
                .iter()
                .rev()
                .find(|r| r.matches(kind, major, minor, access))
                .is_some_and(|r| r.allow);
            assert_eq!(u64::from(reference), want);
        }
        // No rules: nothing is allowed; allow-all: everything is.
        assert_eq!(run(&program(&[]), DEV_CHAR, 1, 3, ACC_READ), 0);
        let all = [rule(true, None, None, None, "rwm")];
        assert_eq!(run(&program(&all), DEV_BLOCK, 8, 0, rw), 1);
    }

    #[test]
    fn spec_rules_convert() {
        let r: LinuxDeviceCgroup = serde_json::from_value(
            serde_json::json!({"allow": true, "type": "c", "major": 136, "access": "rwm"}),
        )
        .unwrap();
        let got = Rule::from_spec(&r).unwrap();
        assert_eq!(got, rule(true, Some(DEV_CHAR), Some(136), None, "rwm"));
        let bad: LinuxDeviceCgroup =
            serde_json::from_value(serde_json::json!({"allow": true, "access": "rx"})).unwrap();
        assert!(Rule::from_spec(&bad).unwrap_err().contains("bad access"));
    }

    fn is_root() -> bool {
        // SAFETY: geteuid has no preconditions.
        unsafe { libc::geteuid() == 0 }
    }

    /// As root, the kernel's verifier accepts the program.
    #[test]
    fn verifier_accepts_the_program() {
        if !is_root() {
            eprintln!("SKIPPED: loading a BPF program needs root");
            return;
        }
        load(&program(&docker_like())).unwrap();
    }

    /// The cgroup2 mount point, if any (hybrid hosts have one beside v1).
    pub(crate) fn cgroup2_mount() -> Option<std::path::PathBuf> {
        let text = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
        text.lines().find_map(|l| {
            let (left, right) = l.split_once(" - ")?;
            (right.split(' ').next() == Some("cgroup2"))
                .then(|| left.split(' ').nth(4).map(std::path::PathBuf::from))?
        })
    }

    /// A cgroup2 mount to test on, as root; None (after saying why) when
    /// there is none, which CI=true does not accept.
    pub(crate) fn test_mount() -> Option<std::path::PathBuf> {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        let m = cgroup2_mount().filter(|_| is_root());
        if m.is_none() {
            assert!(!ci, "CI=true: this test needs root and a cgroup2 mount");
            eprintln!("SKIPPED: needs root and a cgroup2 mount");
        }
        m
    }

    /// What `sh -c` prints when it runs in cgroup `dir` from its start: it
    /// reads /dev/null and /dev/zero, makes a loop device node (b 7 0) and
    /// opens it for reading (nothing is read).
    pub(crate) fn probe_in_cgroup(dir: &std::path::Path) -> String {
        use std::os::unix::process::CommandExt;
        let tmp = tempfile::tempdir().unwrap();
        let procs = std::ffi::CString::new(
            dir.join("cgroup.procs")
                .into_os_string()
                .into_encoded_bytes(),
        )
        .unwrap();
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg(
                "cat /dev/null && echo null-ok; \
                 head -c1 /dev/zero >/dev/null 2>&1 && echo zero-ok || echo zero-refused; \
                 mknod d b 7 0 && echo mknod-ok; \
                 (: < d) 2>/dev/null || echo made-refused",
            )
            .current_dir(tmp.path());
        // SAFETY: the child only calls open, write and close (async-signal-
        // safe) on a string built before the fork.
        unsafe {
            cmd.pre_exec(move || {
                let fd = libc::open(procs.as_ptr(), libc::O_WRONLY);
                if fd < 0 || libc::write(fd, b"0".as_ptr().cast(), 1) != 1 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(fd);
                Ok(())
            })
        };
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    }

    /// As root with a cgroup2 mount: a process of a cgroup with the program
    /// attached may open /dev/null and mknod, but not open what it made.
    #[test]
    fn attached_program_is_enforced() {
        use std::os::fd::AsFd;
        let Some(mount) = test_mount() else { return };
        let dir = mount.join(format!("tug-devtest-{}", std::process::id()));
        std::fs::create_dir(&dir).unwrap();
        let rules = [
            rule(false, None, None, None, "rwm"),
            rule(true, None, None, None, "m"),
            rule(true, Some(DEV_CHAR), Some(1), Some(3), "rw"),
        ];
        let prog = load(&program(&rules)).unwrap();
        let cg = std::fs::File::open(&dir).unwrap();
        attach(prog.as_fd(), cg.as_fd()).unwrap();
        let out = probe_in_cgroup(&dir);
        let _ = std::fs::remove_dir(&dir);
        assert_eq!(out, "null-ok\nzero-refused\nmknod-ok\nmade-refused\n");
    }
}
