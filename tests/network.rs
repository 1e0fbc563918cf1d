//! `network` applet: create, ls, inspect, rm, prune and their errors.

mod common;

use common::*;

#[test]
fn create_list_inspect_remove() {
    let s = Scenario::new();
    s.applet("network", ["ls"])
        .succeeds()
        .stdout_contains("bridge")
        .stdout_contains("NETWORK ID");
    let id = s
        .tug([
            "network",
            "create",
            "--subnet",
            "10.31.0.0/24",
            "--label",
            "team=a",
            "app",
        ])
        .succeeds()
        .stdout();
    assert_eq!(id.trim().len(), 64);
    s.tug([
        "network",
        "inspect",
        "-f",
        "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}",
        "app",
    ])
    .succeeds()
    .stdout_is("10.31.0.0/24 10.31.0.1\n");
    s.tug(["network", "ls", "-q", "--filter", "label=team=a"])
        .succeeds()
        .stdout_is(&format!("{}\n", &id.trim()[..12]));
    s.tug([
        "network",
        "ls",
        "--format",
        "{{.Name}} {{.Driver}}",
        "--filter",
        "name=app",
    ])
    .succeeds()
    .stdout_is("app bridge\n");
    // Without --subnet, Docker's pool hands out 172.18.0.0/16 first, or
    // the next /16 the host does not route already.
    s.tug(["network", "create", "auto"]).succeeds();
    let auto = s
        .tug([
            "network",
            "inspect",
            "-f",
            "{{range .IPAM.Config}}{{.Subnet}}{{end}}",
            "auto",
        ])
        .succeeds()
        .stdout();
    let auto = auto.trim();
    assert!(
        auto.starts_with("172.") && auto.ends_with(".0.0/16"),
        "{auto}"
    );
    let routes = std::process::Command::new("ip")
        .args(["-4", "route"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    assert!(
        !routes.contains(auto),
        "{auto} is routed already:\n{routes}"
    );
    s.tug(["network", "rm", "app", "auto"])
        .succeeds()
        .stdout_is("app\nauto\n");
    s.tug(["network", "inspect", "app"])
        .fails()
        .code_is(125)
        .one_line_error();
}

#[test]
fn bad_input_is_a_one_line_error_and_changes_nothing() {
    let s = Scenario::new();
    s.tug(["network", "create", "--subnet", "10.32.0.0/16", "one"])
        .succeeds();
    let before = s.tug(["network", "ls", "-q"]).succeeds().stdout();
    for args in [
        vec!["network", "create", "--subnet", "10.32.5.0/24", "two"],
        vec!["network", "create", "--subnet", "10.0.0.0/33", "three"],
        vec![
            "network",
            "create",
            "--subnet",
            "10.33.0.0/24",
            "--gateway",
            "10.34.0.1",
            "four",
        ],
        vec!["network", "create", "one"],
        vec!["network", "create", "bad/name"],
        vec!["network", "create", "-d", "overlay", "five"],
        vec!["network", "rm", "bridge"],
        vec!["network", "rm", "nosuch"],
    ] {
        s.tug(&args).fails().code_is(125).one_line_error();
    }
    assert_eq!(s.tug(["network", "ls", "-q"]).succeeds().stdout(), before);
}

#[test]
fn prune_removes_unused_networks() {
    let s = Scenario::new();
    s.tug(["network", "create", "a"]).succeeds();
    s.tug(["network", "create", "b"]).succeeds();
    s.tug(["network", "prune", "-f"])
        .succeeds()
        .stdout_contains("a\nb\n");
    s.tug(["network", "ls", "--format", "{{.Name}}"])
        .succeeds()
        .stdout_is("bridge\nhost\nnone\n");
}

#[test]
fn rootless_network_management() {
    let Some(s) = Scenario::unprivileged() else {
        return;
    };
    s.tug(["network", "create", "--subnet", "10.35.0.0/24", "mine"])
        .succeeds();
    s.tug(["network", "ls", "--format", "{{.Name}}"])
        .succeeds()
        .stdout_contains("mine");
    s.tug(["network", "rm", "mine"]).succeeds();
}
