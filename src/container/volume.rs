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

/// Copies the image's content at `from` into an empty volume directory
/// (Docker's copy-up), keeping modes and, as root, owners.
pub fn copy_up(from: &Path, to: &Path) -> Result<()> {
    let empty = std::fs::read_dir(to).at(to)?.next().is_none();
    if !empty || !from.is_dir() {
        return Ok(());
    }
    copy_tree(from, to)
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let root = !crate::paths::is_rootless();
    for e in std::fs::read_dir(from).at(from)?.flatten() {
        let src = e.path();
        let dst = to.join(e.file_name());
        let md = src.symlink_metadata().at(&src)?;
        if md.is_dir() {
            std::fs::create_dir_all(&dst).at(&dst)?;
            copy_tree(&src, &dst)?;
        } else if md.file_type().is_symlink() {
            let target = std::fs::read_link(&src).at(&src)?;
            let _ = std::os::unix::fs::symlink(target, &dst);
        } else if md.is_file() {
            std::fs::copy(&src, &dst).at(&dst)?;
        } else {
            continue;
        }
        if !md.file_type().is_symlink() {
            let _ = std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(md.mode()));
        }
        if root {
            let _ = std::os::unix::fs::lchown(&dst, Some(md.uid()), Some(md.gid()));
        }
    }
    if root {
        if let Ok(md) = from.metadata() {
            let _ = std::os::unix::fs::lchown(to, Some(md.uid()), Some(md.gid()));
            let _ = std::fs::set_permissions(to, std::fs::Permissions::from_mode(md.mode()));
        }
    }
    Ok(())
}
