//! `USER[:GROUP]` resolved against the container's own /etc/passwd and
//! /etc/group (read from the rootfs layers, topmost first). tug is a static
//! binary: no NSS, and the host's user database is never consulted.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The credentials the container's process runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub uid: u32,
    pub gid: u32,
    pub additional_gids: Vec<u32>,
    /// The user's home from /etc/passwd (for `HOME`), when known.
    pub home: Option<String>,
}

/// The most of /etc/passwd or /etc/group that is read.
pub const ETC_CAP: u64 = 4 << 20;

/// Reads `etc/<name>` from the first layer directory that has it, resolved
/// inside that layer (a symlink never leads to a host file). Anything but
/// a regular file of at most [`ETC_CAP`] bytes is refused: a FIFO would
/// block and `/dev/zero` would never end.
fn read_etc(layers: &[PathBuf], name: &str) -> Result<String> {
    let rel = Path::new("etc").join(name);
    for layer in layers {
        let Ok(root) = crate::fs::Root::open(layer) else {
            continue;
        };
        match root.read_regular(&rel, ETC_CAP) {
            Ok(Some(data)) => return Ok(String::from_utf8_lossy(&data).into_owned()),
            Ok(None) => continue,
            Err(e) => {
                return Err(Error::Invalid(format!(
                    "the image's /etc/{name} cannot be used: {e}"
                )))
            }
        }
    }
    Ok(String::new())
}

struct PasswdEntry {
    name: String,
    uid: u32,
    gid: u32,
    home: String,
}

fn passwd(text: &str) -> Vec<PasswdEntry> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 6 {
                return None;
            }
            Some(PasswdEntry {
                name: f[0].to_string(),
                uid: f[2].parse().ok()?,
                gid: f[3].parse().ok()?,
                home: f[5].to_string(),
            })
        })
        .collect()
}

/// (name, gid, members)
fn groups(text: &str) -> Vec<(String, u32, Vec<String>)> {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 3 {
                return None;
            }
            let members = f
                .get(3)
                .map(|m| {
                    m.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            Some((f[0].to_string(), f[2].parse().ok()?, members))
        })
        .collect()
}

/// Resolves `spec` (`""`, `name`, `uid`, `name:group`, `uid:gid`...) as
/// Docker does: a numeric uid need not exist in /etc/passwd (its gid is then
/// 0); a name must.
pub fn resolve(layers: &[PathBuf], spec: &str) -> Result<Credentials> {
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let user = if user.is_empty() { "0" } else { user };
    // A database that cannot be read only matters when a name is looked up.
    let by_name = |text: Result<String>, name_needed: bool| match text {
        Ok(t) => Ok(t),
        Err(e) if name_needed => Err(e),
        Err(_) => Ok(String::new()),
    };
    let users = passwd(&by_name(
        read_etc(layers, "passwd"),
        user.parse::<u32>().is_err(),
    )?);
    let (uid, mut gid, home, name) = if let Ok(uid) = user.parse::<u32>() {
        match users.iter().find(|e| e.uid == uid) {
            Some(e) => (uid, e.gid, Some(e.home.clone()), Some(e.name.clone())),
            None => (uid, 0, None, None),
        }
    } else {
        let e = users.iter().find(|e| e.name == user).ok_or_else(|| {
            Error::Invalid(format!(
                "unable to find user {user}: no matching entries in passwd file"
            ))
        })?;
        (e.uid, e.gid, Some(e.home.clone()), Some(e.name.clone()))
    };
    let all_groups = groups(&by_name(
        read_etc(layers, "group"),
        group.is_some_and(|g| g.parse::<u32>().is_err()),
    )?);
    if let Some(g) = group {
        gid = if let Ok(n) = g.parse::<u32>() {
            n
        } else {
            all_groups
                .iter()
                .find(|(n, _, _)| n == g)
                .map(|(_, id, _)| *id)
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "unable to find group {g}: no matching entries in group file"
                    ))
                })?
        };
    }
    let additional_gids = match (&name, group) {
        (Some(n), None) => all_groups
            .iter()
            .filter(|(_, id, m)| m.contains(n) && *id != gid)
            .map(|(_, id, _)| *id)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Credentials {
        uid,
        gid,
        additional_gids,
        home,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ids_and_groups() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("etc")).unwrap();
        std::fs::write(
            d.path().join("etc/passwd"),
            "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www:/var/www:/bin/sh\n",
        )
        .unwrap();
        std::fs::write(
            d.path().join("etc/group"),
            "root:x:0:\nwww-data:x:33:\nweb:x:500:www-data\n",
        )
        .unwrap();
        let l = vec![d.path().to_path_buf()];
        let c = resolve(&l, "www-data").unwrap();
        assert_eq!(
            (c.uid, c.gid, c.additional_gids.clone()),
            (33, 33, vec![500])
        );
        assert_eq!(c.home.as_deref(), Some("/var/www"));
        assert_eq!(resolve(&l, "1234").unwrap().gid, 0);
        assert_eq!(resolve(&l, "33:web").unwrap().gid, 500);
        assert_eq!(resolve(&l, "").unwrap().uid, 0);
        assert!(resolve(&l, "nobody").is_err());
        assert!(resolve(&l, "root:nogroup").is_err());
    }
}
