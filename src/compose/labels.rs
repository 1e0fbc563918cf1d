//! Compose v2's container labels, by which a project's state is read back
//! from its containers, and the config hash that decides recreation.

use std::collections::BTreeMap;

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::service::Context;

pub const PROJECT: &str = "com.docker.compose.project";
pub const SERVICE: &str = "com.docker.compose.service";
pub const NUMBER: &str = "com.docker.compose.container-number";
pub const CONFIG_HASH: &str = "com.docker.compose.config-hash";
pub const ONEOFF: &str = "com.docker.compose.oneoff";
pub const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
pub const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
pub const VERSION: &str = "com.docker.compose.version";
pub const NETWORK: &str = "com.docker.compose.network";
pub const VOLUME: &str = "com.docker.compose.volume";
pub const IMAGE: &str = "com.docker.compose.image";

/// The version Compose labels carry.
pub const COMPOSE_VERSION: &str = "2.30.0";

/// The sha256 of the service's normalized configuration (its JSON form),
/// as Compose v2 hashes a service to tell whether its containers are
/// current. Keys are in model order, which the loader keeps stable.
pub fn config_hash(svc: &Json) -> String {
    let mut s = svc.clone();
    // Scaling alone recreates nothing.
    if let Json::Object(m) = &mut s {
        m.remove("scale");
        if let Some(Json::Object(d)) = m.get_mut("deploy") {
            d.remove("replicas");
        }
    }
    hex::encode(Sha256::digest(s.to_string().as_bytes()))
}

/// The labels every container of a service carries (the number is added
/// per replica).
pub fn service_labels(ctx: &Context, service: &str, hash: &str) -> BTreeMap<String, String> {
    let files: Vec<String> = ctx
        .files
        .iter()
        .map(|f| {
            if f == "-" {
                f.clone()
            } else {
                ctx.directory.join(f).display().to_string()
            }
        })
        .collect();
    [
        (PROJECT, ctx.project.to_string()),
        (SERVICE, service.to_string()),
        (CONFIG_HASH, hash.to_string()),
        (ONEOFF, "False".to_string()),
        (WORKING_DIR, ctx.directory.display().to_string()),
        (CONFIG_FILES, files.join(",")),
        (VERSION, COMPOSE_VERSION.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}
