//! What `tug info` reports about the host: kernel, cgroup version, whether
//! overlayfs can be used (rootless needs kernel >= 5.11), and the id mapping
//! a rootless container would get (subordinate ranges or a single id).

use std::fs;

use serde::Serialize;

/// The cgroup layout, from /proc/self/mountinfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CgroupVersion {
    /// Only the unified (v2) hierarchy.
    V2,
    /// Only v1 controllers.
    V1,
    /// v1 controllers plus a v2 mount (e.g. /sys/fs/cgroup/unified).
    Hybrid,
    /// No cgroup file system mounted.
    None,
}

impl CgroupVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            CgroupVersion::V2 => "2",
            CgroupVersion::V1 | CgroupVersion::Hybrid => "1",
            CgroupVersion::None => "none",
        }
    }

    /// `v2`, `v1`, `hybrid` or `none`.
    pub fn layout(self) -> &'static str {
        match self {
            CgroupVersion::V2 => "v2",
            CgroupVersion::V1 => "v1",
            CgroupVersion::Hybrid => "hybrid",
            CgroupVersion::None => "none",
        }
    }
}

/// Reads the cgroup layout from `/proc/self/mountinfo`.
pub fn cgroup_version() -> CgroupVersion {
    let text = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    cgroup_version_from(&text)
}

fn cgroup_version_from(mountinfo: &str) -> CgroupVersion {
    let (mut v1, mut v2) = (false, false);
    for line in mountinfo.lines() {
        let Some((_, after)) = line.split_once(" - ") else {
            continue;
        };
        match after.split_whitespace().next() {
            Some("cgroup") => v1 = true,
            Some("cgroup2") => v2 = true,
            _ => {}
        }
    }
    match (v1, v2) {
        (true, true) => CgroupVersion::Hybrid,
        (true, false) => CgroupVersion::V1,
        (false, true) => CgroupVersion::V2,
        (false, false) => CgroupVersion::None,
    }
}

/// The running kernel's release string (`6.1.0-18-amd64`).
pub fn kernel_release() -> String {
    rustix::system::uname()
        .release()
        .to_string_lossy()
        .into_owned()
}

/// `(major, minor)` of a kernel release string.
pub fn kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut it = release.split(|c: char| !c.is_ascii_digit());
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Whether overlayfs can back container root file systems, and why.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OverlaySupport {
    pub supported: bool,
    pub reason: String,
}

/// Decides from /proc/filesystems and the kernel version (rootless overlay
/// mounts need 5.11); no mount is attempted.
pub fn overlay_support(rootless: bool) -> OverlaySupport {
    let fs_list = fs::read_to_string("/proc/filesystems").unwrap_or_default();
    let has_overlay = fs_list
        .lines()
        .any(|l| l.split_whitespace().last() == Some("overlay"));
    let release = kernel_release();
    if !has_overlay {
        return OverlaySupport {
            supported: false,
            reason: "the kernel has no overlay file system (not in /proc/filesystems); falling back to copies".into(),
        };
    }
    if !rootless {
        return OverlaySupport {
            supported: true,
            reason: "native overlay (root)".into(),
        };
    }
    match kernel_version(&release) {
        Some(v) if v >= (5, 11) => OverlaySupport {
            supported: true,
            reason: format!("rootless overlay: kernel {release} >= 5.11 (by kernel version)"),
        },
        _ => OverlaySupport {
            supported: false,
            reason: format!(
                "rootless overlay needs kernel >= 5.11, this is {release}; falling back to copies"
            ),
        },
    }
}

/// One subordinate id range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdRange {
    pub start: u64,
    pub count: u64,
}

/// The ranges `/etc/subuid`-style `text` gives to a user (by name or id).
pub fn sub_ranges(text: &str, user: &str, uid: u32) -> Vec<IdRange> {
    let uid = uid.to_string();
    text.lines()
        .filter_map(|l| {
            let mut p = l.trim().split(':');
            let (who, start, count) = (p.next()?, p.next()?, p.next()?);
            if who != user && who != uid {
                return None;
            }
            Some(IdRange {
                start: start.parse().ok()?,
                count: count.parse().ok()?,
            })
        })
        .collect()
}

/// The user name of `uid`, from /etc/passwd (empty when unknown).
pub fn user_name(uid: u32) -> String {
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|l| {
            let mut p = l.split(':');
            let name = p.next()?;
            let _ = p.next();
            (p.next()? == uid.to_string()).then(|| name.to_string())
        })
        .unwrap_or_default()
}

/// How container ids map to host ids for this user.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdMapping {
    /// "host" (root), "subordinate" or "single id".
    pub kind: String,
    pub uids: Vec<IdRange>,
    pub gids: Vec<IdRange>,
}

pub fn id_mapping(rootless: bool) -> IdMapping {
    if !rootless {
        return IdMapping {
            kind: "host".into(),
            uids: Vec::new(),
            gids: Vec::new(),
        };
    }
    let uid = rustix::process::getuid().as_raw();
    let name = user_name(uid);
    let read = |p: &str| fs::read_to_string(p).unwrap_or_default();
    let uids = sub_ranges(&read("/etc/subuid"), &name, uid);
    let gids = sub_ranges(&read("/etc/subgid"), &name, uid);
    let kind = if uids.is_empty() || gids.is_empty() {
        "single id"
    } else {
        "subordinate"
    };
    IdMapping {
        kind: kind.into(),
        uids,
        gids,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cgroup_layout_and_ranges() {
        let hybrid = "30 25 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n\
                      31 25 0:27 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
        assert_eq!(cgroup_version_from(hybrid), CgroupVersion::Hybrid);
        assert_eq!(
            cgroup_version_from("30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"),
            CgroupVersion::V2
        );
        assert_eq!(kernel_version("6.1.0-18-amd64"), Some((6, 1)));
        assert_eq!(
            sub_ranges(
                "alice:100000:65536\n1001:200000:10\nbob:1:2\n",
                "alice",
                1001
            ),
            vec![
                IdRange {
                    start: 100000,
                    count: 65536
                },
                IdRange {
                    start: 200000,
                    count: 10
                }
            ]
        );
    }
}
