//! Putting Compose files together: each service's short forms are first
//! brought to their long forms (`normalize_service`), then a later file
//! (or an `extends`ing service) is merged over an earlier one by the
//! specification's rules — mappings key by key; `command`, `entrypoint`
//! and `healthcheck.test` replaced; `volumes`, `devices`, `secrets` and
//! `configs` merged by target; other sequences appended without
//! duplicates; `!reset` drops a value and `!override` replaces it whole.

use super::yaml::{MergeTag, Node, Value};

/// Service keys whose value a later file replaces instead of merging.
const REPLACED: &[&str] = &["command", "entrypoint", "test"];
/// Sequences merged by the item's target path.
const BY_TARGET: &[&str] = &["volumes", "devices", "secrets", "configs"];

/// `n` with every `!reset` entry dropped: there is nothing earlier for it
/// to reset, so the key is simply absent (as when a later file resets it).
fn without_resets(mut n: Node) -> Node {
    match &mut n.value {
        Value::Map(m) => {
            m.retain(|(_, v)| v.tag != Some(MergeTag::Reset));
            for (_, v) in m.iter_mut() {
                *v = without_resets(std::mem::replace(v, Node::new(Value::Null)));
            }
        }
        Value::Seq(items) => {
            items.retain(|v| v.tag != Some(MergeTag::Reset));
            for v in items.iter_mut() {
                *v = without_resets(std::mem::replace(v, Node::new(Value::Null)));
            }
        }
        _ => {}
    }
    n
}

/// Merges `over` onto `base`; `key` is the key both sit under.
pub fn merge(base: Node, over: Node, key: &str) -> Node {
    if over.tag == Some(MergeTag::Override) {
        return Node { tag: None, ..over };
    }
    match (base.value, over.value) {
        (Value::Map(mut b), Value::Map(o)) => {
            for (k, v) in o {
                if v.tag == Some(MergeTag::Reset) {
                    b.retain(|(bk, _)| *bk != k);
                    continue;
                }
                match b.iter().position(|(bk, _)| *bk == k) {
                    Some(i) => {
                        let old = std::mem::replace(&mut b[i].1, Node::new(Value::Null));
                        b[i].1 = merge(old, v, &k);
                    }
                    None => b.push((k, without_resets(Node { tag: None, ..v }))),
                }
            }
            Node {
                value: Value::Map(b),
                ..over_pos(&over.line, &over.col)
            }
        }
        (Value::Seq(b), Value::Seq(o)) if !REPLACED.contains(&key) => {
            let mut items = b;
            for item in o {
                if BY_TARGET.contains(&key) {
                    if let Some(t) = target(&item) {
                        items.retain(|x| target(x).as_deref() != Some(t.as_str()));
                        items.push(item);
                        continue;
                    }
                }
                if !items.iter().any(|x| x.to_json() == item.to_json()) {
                    items.push(item);
                }
            }
            Node {
                value: Value::Seq(items),
                ..over_pos(&over.line, &over.col)
            }
        }
        (_, value) => Node {
            value,
            line: over.line,
            col: over.col,
            tag: None,
        },
    }
}

fn over_pos(line: &usize, col: &usize) -> Node {
    Node {
        value: Value::Null,
        line: *line,
        col: *col,
        tag: None,
    }
}

/// The container path a volume, device, secret or config item targets.
fn target(item: &Node) -> Option<String> {
    match &item.value {
        Value::String(s) => {
            // `src:dst[:mode]`, `dst` alone, or a secret's name.
            let parts: Vec<&str> = s.split(':').collect();
            Some(match parts.as_slice() {
                [one] => one.to_string(),
                [_, dst, ..] => dst.to_string(),
                [] => return None,
            })
        }
        Value::Map(_) => item
            .get("target")
            .or_else(|| item.get("source"))
            .and_then(Node::as_str)
            .map(str::to_string),
        _ => None,
    }
}

/// `["A=1", "B"]` as `{A: "1", B: null}`.
fn list_to_map(n: &mut Node, sep: char) {
    if let Value::Seq(items) = &n.value {
        let map = items
            .iter()
            .map(|i| {
                let s = match &i.value {
                    Value::String(s) => s.clone(),
                    other => Node::new(other.clone()).to_json().to_string(),
                };
                match s.split_once(sep) {
                    Some((k, v)) => (
                        k.trim().to_string(),
                        Node::new(Value::String(v.to_string())),
                    ),
                    None => (s.trim().to_string(), Node::new(Value::Null)),
                }
            })
            .collect();
        n.value = Value::Map(map);
    }
}

/// Scalars of a map as strings (`environment: {A: 1}` means "1").
fn values_to_strings(n: &mut Node) {
    if let Value::Map(m) = &mut n.value {
        for (_, v) in m.iter_mut() {
            v.value = match &v.value {
                Value::Int(i) => Value::String(i.to_string()),
                Value::Float(f) => Value::String(f.to_string()),
                Value::Bool(b) => Value::String(b.to_string()),
                other => other.clone(),
            };
        }
    }
}

fn entry<'a>(svc: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut svc.value {
        Value::Map(m) => m.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

/// Brings a service's short forms to the long ones Compose prints.
pub fn normalize_service(svc: &mut Node) {
    for key in ["environment", "labels", "annotations", "sysctls"] {
        if let Some(n) = entry(svc, key) {
            list_to_map(n, '=');
            values_to_strings(n);
        }
    }
    if let Some(n) = entry(svc, "extra_hosts") {
        if let Value::Seq(_) = n.value {
            // `host:ip` or `host=ip`; the first separator splits.
            if let Value::Seq(items) = &n.value {
                let map = items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .filter_map(|s| {
                        let at = s.find(['=', ':'])?;
                        Some((
                            s[..at].to_string(),
                            Node::new(Value::String(s[at + 1..].to_string())),
                        ))
                    })
                    .collect();
                n.value = Value::Map(map);
            }
        }
    }
    if let Some(n) = entry(svc, "depends_on") {
        if let Value::Seq(items) = &n.value {
            let map = items
                .iter()
                .filter_map(|i| i.as_str())
                .map(|s| {
                    let cond = Node::new(Value::Map(vec![
                        (
                            "condition".into(),
                            Node::new(Value::String("service_started".into())),
                        ),
                        ("required".into(), Node::new(Value::Bool(true))),
                    ]));
                    (s.to_string(), cond)
                })
                .collect();
            n.value = Value::Map(map);
        }
    }
    if let Some(n) = entry(svc, "networks") {
        if let Value::Seq(items) = &n.value {
            let map = items
                .iter()
                .filter_map(|i| i.as_str())
                .map(|s| (s.to_string(), Node::new(Value::Null)))
                .collect();
            n.value = Value::Map(map);
        }
    }
    if let Some(n) = entry(svc, "build") {
        if let Value::String(ctx) = &n.value {
            n.value = Value::Map(vec![(
                "context".into(),
                Node::new(Value::String(ctx.clone())),
            )]);
        }
        // `args: [A=1, B]` as `{A: "1", B: null}`, so files merge by name.
        for key in ["args", "labels"] {
            if let Some(m) = entry(n, key) {
                list_to_map(m, '=');
                values_to_strings(m);
            }
        }
    }
    for key in ["env_file", "dns", "dns_search", "tmpfs"] {
        if let Some(n) = entry(svc, key) {
            if let Value::String(s) = &n.value {
                n.value = Value::Seq(vec![Node::new(Value::String(s.clone()))]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::yaml::parse;

    fn merged(a: &str, b: &str) -> serde_json::Value {
        let mut a = parse(a).unwrap();
        let mut b = parse(b).unwrap();
        for n in [&mut a, &mut b] {
            if let Some(Value::Map(services)) = n.get("services").map(|s| s.value.clone()) {
                let mut services = services;
                for (_, s) in services.iter_mut() {
                    normalize_service(s);
                }
                if let Value::Map(top) = &mut n.value {
                    for (k, v) in top.iter_mut() {
                        if k == "services" {
                            v.value = Value::Map(services.clone());
                        }
                    }
                }
            }
        }
        merge(a, b, "").to_json()
    }

    #[test]
    fn specification_rules() {
        let m = merged(
            "services:\n  web:\n    image: a\n    command: [x, y]\n    environment: [A=1, B=2]\n    ports: ['80:80']\n    volumes: ['d1:/data', '/h:/logs']\n    depends_on: [db]\n    labels: {keep: me}\n",
            "services:\n  web:\n    image: b\n    command: [z]\n    environment: {B: 3, C: x}\n    ports: ['80:80', '443:443']\n    volumes: ['d2:/data']\n    depends_on:\n      cache: {condition: service_healthy}\n    labels: !reset {}\n",
        );
        let web = &m["services"]["web"];
        assert_eq!(web["image"], "b");
        assert_eq!(web["command"], serde_json::json!(["z"]));
        assert_eq!(
            web["environment"],
            serde_json::json!({"A": "1", "B": "3", "C": "x"})
        );
        assert_eq!(web["ports"], serde_json::json!(["80:80", "443:443"]));
        assert_eq!(web["volumes"], serde_json::json!(["/h:/logs", "d2:/data"]));
        assert_eq!(web["depends_on"]["db"]["condition"], "service_started");
        assert_eq!(web["depends_on"]["cache"]["condition"], "service_healthy");
        assert!(web.get("labels").is_none());
    }

    #[test]
    fn override_replaces_whole() {
        let m = merged(
            "services:\n  web:\n    environment: {A: 1, B: 2}\n",
            "services:\n  web:\n    environment: !override {C: 3}\n",
        );
        assert_eq!(
            m["services"]["web"]["environment"],
            serde_json::json!({"C": "3"})
        );
    }

    #[test]
    fn build_args_merge_by_name() {
        let m = merged(
            "services:\n  web:\n    build:\n      context: .\n      args: [A=1, B, C=3]\n",
            "services:\n  web:\n    build:\n      args: {A: 2, B: null}\n",
        );
        assert_eq!(
            m["services"]["web"]["build"]["args"],
            serde_json::json!({"A": "2", "B": null, "C": "3"})
        );
    }
}
