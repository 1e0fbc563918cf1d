//! `kube generate`: containers as a Pod (or a Deployment of one pod
//! template), as podman's `kube generate` does: one pod container per
//! container, its image, command, environment, working directory, ports,
//! security context, limits, probes from its healthcheck, and its mounts
//! (volumes as claims, bind mounts as hostPath volumes, since the manifest
//! describes this host's containers). With `service`, a Service for the
//! published ports. What has no Kubernetes form is reported.

use serde_json::{json, Map, Value as J};

use super::{object_name, Manifests};
use crate::container::Record;

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pod,
    Deployment,
}

/// How to write it.
#[derive(Debug, Clone)]
pub struct Options {
    pub kind: Kind,
    /// A Service for the published ports.
    pub service: bool,
    /// The pod's name (default: the first container's name plus `-pod`).
    pub name: Option<String>,
}

fn probe(h: &crate::container::health::HealthConfig) -> J {
    let secs = |d: std::time::Duration| d.as_secs().max(1);
    let mut p = json!({
        "exec": {"command": ["/bin/sh", "-c", h.command]},
        "periodSeconds": secs(h.interval),
        "timeoutSeconds": secs(h.timeout),
        "failureThreshold": h.retries.max(1),
    });
    if !h.start_period.is_zero() {
        p["initialDelaySeconds"] = json!(h.start_period.as_secs());
    }
    p
}

fn security_context(r: &Record, out: &mut Manifests) -> Map<String, J> {
    let o = &r.options;
    super::Security {
        user: o.user.as_deref(),
        privileged: o.privileged,
        read_only: o.read_only,
        cap_add: o.cap_add.clone(),
        cap_drop: o.cap_drop.clone(),
    }
    .context(&r.name, out)
}

/// One pod container for `r`; its volumes are added to `volumes`.
fn container(r: &Record, volumes: &mut Vec<J>, out: &mut Manifests) -> J {
    let o = &r.options;
    let mut c = Map::new();
    c.insert("name".into(), json!(object_name(&r.name)));
    c.insert("image".into(), json!(r.image));
    match &o.entrypoint {
        Some(e) if !e.is_empty() => {
            c.insert("command".into(), json!([e]));
        }
        _ => {}
    }
    if !o.command.is_empty() {
        c.insert("args".into(), json!(o.command));
    }
    let env: Vec<J> = o
        .env
        .iter()
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            json!({"name": k, "value": v})
        })
        .collect();
    if !env.is_empty() {
        c.insert("env".into(), json!(env));
    }
    if let Some(w) = &o.workdir {
        c.insert("workingDir".into(), json!(w));
    }
    let ports: Vec<J> = o
        .publish
        .iter()
        .map(|p| {
            json!({
                "containerPort": p.container_port,
                "hostPort": p.host_port,
                "protocol": p.proto.to_string().to_ascii_uppercase(),
            })
        })
        .collect();
    if !ports.is_empty() {
        c.insert("ports".into(), json!(ports));
    }
    if o.tty {
        c.insert("tty".into(), json!(true));
    }
    if o.interactive {
        c.insert("stdin".into(), json!(true));
    }
    let mut limits = Map::new();
    if let Some(m) = o.memory {
        limits.insert("memory".into(), json!(m.to_string()));
    }
    if let Some(cpus) = o.cpus {
        limits.insert(
            "cpu".into(),
            json!(format!("{}m", (cpus * 1000.0).round() as i64)),
        );
    }
    if !limits.is_empty() {
        c.insert("resources".into(), json!({"limits": limits}));
    }
    let sc = security_context(r, out);
    if !sc.is_empty() {
        c.insert("securityContext".into(), J::Object(sc));
    }
    if let Some(h) = &r.healthcheck {
        c.insert("livenessProbe".into(), probe(h));
    }
    let mut mounts = Vec::new();
    for b in &o.binds {
        let vol = format!("{}-vol-{}", object_name(&r.name), volumes.len());
        let source = match &b.volume {
            Some(v) => json!({"name": vol, "persistentVolumeClaim": {"claimName": object_name(v)}}),
            None => json!({"name": vol, "hostPath": {"path": b.source, "type": "Directory"}}),
        };
        volumes.push(source);
        mounts.push(json!({"name": vol, "mountPath": b.destination, "readOnly": b.readonly}));
    }
    for t in &o.tmpfs {
        let vol = format!("{}-vol-{}", object_name(&r.name), volumes.len());
        let target = t.split(':').next().unwrap_or(t);
        volumes.push(json!({"name": vol, "emptyDir": {"medium": "Memory"}}));
        mounts.push(json!({"name": vol, "mountPath": target}));
    }
    if !mounts.is_empty() {
        c.insert("volumeMounts".into(), json!(mounts));
    }
    if !o.devices.is_empty() {
        out.skip(format!("{}.devices", r.name), "devices are not converted");
    }
    if !o.ulimits.is_empty() {
        out.skip(
            format!("{}.ulimits", r.name),
            "Kubernetes has no per-pod ulimits",
        );
    }
    if o.pids_limit.is_some() {
        out.skip(
            format!("{}.pids_limit", r.name),
            "set by the node, not a pod",
        );
    }
    J::Object(c)
}

fn restart_policy(records: &[Record], kind: Kind, out: &mut Manifests) -> &'static str {
    let name = records.first().map_or("no", |r| r.restart.name.as_str());
    match (kind, name) {
        (Kind::Deployment, "always" | "unless-stopped") => "Always",
        (Kind::Deployment, other) => {
            out.skip(
                "restart",
                format!("a Deployment always restarts its pods, not {other:?}"),
            );
            "Always"
        }
        (Kind::Pod, "always" | "unless-stopped") => "Always",
        (Kind::Pod, "on-failure") => "OnFailure",
        (Kind::Pod, _) => "Never",
    }
}

/// The manifests for `records` (one pod holding them all).
pub fn generate(records: &[Record], opts: &Options) -> Manifests {
    let mut out = Manifests::default();
    let pod_name = object_name(&opts.name.clone().unwrap_or_else(|| {
        records
            .first()
            .map_or("pod".into(), |r| format!("{}-pod", r.name))
    }));
    let labels = json!({"app": pod_name});
    let mut volumes = Vec::new();
    let containers: Vec<J> = records
        .iter()
        .map(|r| container(r, &mut volumes, &mut out))
        .collect();
    let mut spec = json!({
        "containers": containers,
        "restartPolicy": restart_policy(records, opts.kind, &mut out),
    });
    if let Some(h) = records.first().and_then(|r| r.options.hostname.as_ref()) {
        spec["hostname"] = json!(object_name(h));
    }
    if !volumes.is_empty() {
        spec["volumes"] = json!(volumes);
    }
    let mut claims: Vec<String> = records
        .iter()
        .flat_map(|r| r.options.binds.iter().filter_map(|b| b.volume.clone()))
        .map(|v| object_name(&v))
        .collect();
    claims.sort();
    claims.dedup();
    for claim in claims {
        out.documents.push(json!({
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": claim},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        }));
    }
    if opts.service {
        let ports: Vec<J> = records
            .iter()
            .flat_map(|r| r.options.publish.iter())
            .map(|p| {
                let proto = p.proto.to_string().to_ascii_uppercase();
                json!({
                    "name": format!("{}-{}", proto.to_ascii_lowercase(), p.host_port),
                    "port": p.host_port,
                    "targetPort": p.container_port,
                    "protocol": proto,
                })
            })
            .collect();
        if ports.is_empty() {
            out.skip("service", "no published ports to make a Service of");
        } else {
            out.documents.push(json!({
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": pod_name, "labels": labels},
                "spec": {"selector": labels, "ports": ports},
            }));
        }
    }
    let doc = match opts.kind {
        Kind::Pod => json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": pod_name, "labels": labels},
            "spec": spec,
        }),
        Kind::Deployment => {
            spec.as_object_mut().map(|s| s.remove("restartPolicy"));
            json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": pod_name, "labels": labels},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": labels},
                    "template": {"metadata": {"labels": labels}, "spec": spec},
                },
            })
        }
    };
    out.documents.push(doc);
    out
}
