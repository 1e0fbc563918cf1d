//! The order services start in: each after the services it depends on
//! (`depends_on`, `links`, `volumes_from`, `network_mode: service:`), file
//! order otherwise. The loader has already refused cycles.

use super::service::Service;

/// The services a service needs before it can start.
pub fn needs(s: &Service) -> Vec<String> {
    let mut out: Vec<String> = s.depends_on.iter().map(|d| d.service.clone()).collect();
    for (container, _) in &s.options.links {
        out.push(container.clone());
    }
    for v in &s.volumes_from_services {
        out.push(v.split(':').next().unwrap_or(v).to_string());
    }
    out.extend(s.network_service.clone());
    out
}

/// Sorts `services` so that every service comes after the ones it needs
/// (names that are not services of the list are ignored).
pub fn sort(
    services: Vec<Service>,
    container_service: impl Fn(&str) -> Option<String>,
) -> Vec<Service> {
    let names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    let deps: Vec<Vec<usize>> = services
        .iter()
        .map(|s| {
            needs(s)
                .iter()
                .filter_map(|n| {
                    let n = container_service(n).unwrap_or_else(|| n.clone());
                    names.iter().position(|x| *x == n)
                })
                .collect()
        })
        .collect();
    let mut done = vec![false; services.len()];
    let mut order = Vec::new();
    while order.len() < services.len() {
        let before = order.len();
        for i in 0..services.len() {
            if !done[i] && deps[i].iter().all(|&d| done[d] || d == i) {
                done[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            // A cycle the loader missed: keep file order for the rest.
            order.extend((0..services.len()).filter(|&i| !done[i]));
            break;
        }
    }
    let mut slots: Vec<Option<Service>> = services.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// The services named and, unless `no_deps`, everything they need,
/// transitively.
pub fn with_dependencies(all: &[Service], named: &[String], no_deps: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut todo: Vec<String> = named.to_vec();
    while let Some(n) = todo.pop() {
        if out.contains(&n) {
            continue;
        }
        if let Some(s) = all.iter().find(|s| s.name == n) {
            if !no_deps {
                todo.extend(s.depends_on.iter().map(|d| d.service.clone()));
                todo.extend(s.network_service.clone());
            }
        }
        out.push(n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::service::{read, Context};
    use std::collections::BTreeMap;
    use std::path::Path;

    fn services(model: &serde_json::Value) -> Vec<Service> {
        let env = BTreeMap::new();
        let ctx = Context {
            project: "p",
            directory: Path::new("/p"),
            files: &[],
            model,
            generated_dir: Path::new("/g"),
            environment: &env,
        };
        model["services"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(n, s)| read(&ctx, n, s).unwrap())
            .collect()
    }

    #[test]
    fn dependencies_first_file_order_otherwise() {
        let m = serde_json::json!({"services": {
            "web": {"image": "x", "depends_on": {"api": {"condition": "service_started"}}},
            "api": {"image": "x", "depends_on": {"db": {"condition": "service_healthy"}}, "volumes_from": ["data:ro"]},
            "db": {"image": "x", "network_mode": "service:net"},
            "data": {"image": "x"},
            "net": {"image": "x"},
            "tools": {"image": "x", "links": ["db:database"]}
        }});
        let all = services(&m);
        let named = |c: &str| {
            c.strip_prefix("p-")
                .and_then(|r| r.rsplit_once('-'))
                .map(|(s, _)| s.to_string())
        };
        let order: Vec<String> = sort(all.clone(), named)
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(order, ["data", "net", "db", "tools", "api", "web"]);
        let mut want = with_dependencies(&all, &["web".into()], false);
        want.sort();
        assert_eq!(want, ["api", "db", "net", "web"]);
        assert_eq!(with_dependencies(&all, &["web".into()], true), ["web"]);
    }
}
