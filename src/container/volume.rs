//! Volumes: directories under `<root>/volumes/<name>/` that outlive
//! containers.
//!
//! ```text
//! volumes/<name>/volume.json   name, driver (local), created, labels, anonymous
//! volumes/<name>/_data/        the content, bind-mounted into containers
//! ```
//!
//! A named volume that is empty when a container first mounts it gets the
//! image's content at that path (Docker's copy-up). Anonymous volumes have
//! 64-hex names and go with `rm -v`.

use std::os::fd::AsFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rand::Rng;

use crate::error::{Error, IoContext, Result};
use crate::store::Store;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Volume {
    pub name: String,
    pub driver: String,
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub labels: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub anonymous: bool,
}

fn dir(store: &Store, name: &str) -> PathBuf {
    store.volumes_dir().join(name)
}

/// Where a volume's content lives.
pub fn data_dir(store: &Store, name: &str) -> PathBuf {
    dir(store, name).join("_data")
}

pub fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && c.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

pub fn load(store: &Store, name: &str) -> Result<Volume> {
    let p = dir(store, name).join("volume.json");
    let data = std::fs::read(&p).map_err(|_| Error::Invalid(format!("no such volume: {name}")))?;
    serde_json::from_slice(&data).map_err(|e| Error::json(p.display().to_string(), e))
}

/// Creates a volume (or returns the existing one of that name).
pub fn create(
    store: &Store,
    name: Option<&str>,
    labels: std::collections::BTreeMap<String, String>,
) -> Result<Volume> {
    let anonymous = name.is_none();
    let name = match name {
        Some(n) if !valid_name(n) => {
            return Err(Error::Invalid(format!(
                "invalid volume name {n:?}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
            )))
        }
        Some(n) => n.to_string(),
        None => {
            let mut rng = rand::rng();
            (0..32)
                .map(|_| format!("{:02x}", rng.random::<u8>()))
                .collect()
        }
    };
    if let Ok(v) = load(store, &name) {
        return Ok(v);
    }
    let d = dir(store, &name);
    let data = d.join("_data");
    std::fs::create_dir_all(&data).at(&data)?;
    let v = Volume {
        name,
        driver: "local".into(),
        created: Utc::now(),
        labels,
        anonymous,
    };
    let json = serde_json::to_vec_pretty(&v).map_err(|e| Error::json("volume", e))?;
    crate::container::write_doc(&d.join("volume.json"), &json)?;
    Ok(v)
}

pub fn list(store: &Store) -> Result<Vec<Volume>> {
    let d = store.volumes_dir();
    let mut out = Vec::new();
    for e in std::fs::read_dir(&d).at(&d)?.flatten() {
        if let Ok(v) = load(store, &e.file_name().to_string_lossy()) {
            out.push(v);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Names of the containers using a volume.
pub fn users(store: &Store, name: &str) -> Result<Vec<String>> {
    Ok(crate::container::list(store)?
        .into_iter()
        .filter(|r| {
            r.options
                .binds
                .iter()
                .any(|b| b.volume.as_deref() == Some(name))
        })
        .map(|r| r.name)
        .collect())
}

/// Removes a volume; refused while a container uses it unless `force`.
pub fn remove(store: &Store, name: &str, force: bool) -> Result<()> {
    load(store, name)?;
    let users = users(store, name)?;
    if !users.is_empty() && !force {
        return Err(Error::Invalid(format!(
            "remove {name}: volume is in use by container(s) {}",
            users.join(", ")
        )));
    }
    crate::store::remove_tree(&dir(store, name));
    Ok(())
}

/// Seeds an empty volume directory `to` with the image's content at
/// container path `dest` (Docker's copy-up), keeping modes, times and, as
/// root, owners. The path is looked up in each layer (topmost first)
/// inside that layer's root; the first layer that has it decides: a
/// directory is copied, anything else (a symlink, a file, a whiteout)
/// means no copy-up. Nothing is ever read through a symlink.
pub fn copy_up(layers: &[PathBuf], dest: &str, to: &Path) -> Result<()> {
    use rustix::fs::OFlags;
    let empty = std::fs::read_dir(to).at(to)?.next().is_none();
    if !empty {
        return Ok(());
    }
    for layer in layers {
        let root = crate::fs::Root::open(layer).at(layer)?;
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW;
        match root.open_at(Path::new(dest), flags, 0) {
            Ok(from) => {
                let into = crate::fs::Root::open(to).at(to)?;
                let opts = crate::fs::copy::CopyOptions::for_current_user();
                crate::fs::copy::copy_children(from.as_fd(), into.fd(), opts).at(to)?;
                let st = crate::fs::in_root::statx_at(from.as_fd(), "".as_ref(), false).at(to)?;
                if opts.owners {
                    let _ = std::os::unix::fs::lchown(to, Some(st.stx_uid), Some(st.stx_gid));
                    let mode = u32::from(st.stx_mode) & 0o7777;
                    let _ = std::fs::set_permissions(to, std::fs::Permissions::from_mode(mode));
                }
                return Ok(());
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => continue,
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}
