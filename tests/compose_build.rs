//! `tug compose` with `build:` services: images built through the
//! builder, rebuilt by `up --build` (recreating only what changed), and
//! removed by `down --rmi local`; root and rootless.

mod common;
mod compose_common;

use common::*;
use compose_common::*;

#[test]
fn up_build_runs_rebuilds_only_what_changed_and_down_rmi_local() {
    for s in stacks() {
        let port = free_port();
        let dir = fixture(&s, "builds", &[("PORT", &port.to_string())]);
        let o = compose(&s, &dir, &["up", "-d", "--build"]).succeeds();
        let err = o.stderr();
        assert!(err.contains("[web 2/3] COPY index.html"), "{}", o.dump());
        assert!(err.contains(" Service web  Built"), "{}", o.dump());
        assert!(get(port, "/index.html").contains("version-one"));
        compose(&s, &dir, &["exec", "-T", "tool", "cat", "/msg"])
            .succeeds()
            .stdout_is("from-args\n");
        s.tug(["image", "inspect", "builds-web"]).succeeds();
        s.tug(["image", "inspect", "mine:2"]).succeeds();
        let first = ids(&s, &dir);

        write(&dir, "index.html", "version-two\n");
        if s.is_rootless() {
            let (u, g) = user_ids(TEST_USER).unwrap();
            chown_r(&dir, u, g);
        }
        compose(&s, &dir, &["up", "-d", "--build"]).succeeds();
        let second = ids(&s, &dir);
        assert_ne!(second["builds-web-1"], first["builds-web-1"], "web rebuilt");
        assert_eq!(second["builds-tool-1"], first["builds-tool-1"]);
        assert_eq!(second["builds-plain-1"], first["builds-plain-1"]);
        assert!(get(port, "/index.html").contains("version-two"));

        // `compose build`: quiet, with a --build-arg over the file's args.
        let o = compose(
            &s,
            &dir,
            &["build", "-q", "--build-arg", "MSG=flag", "tool"],
        )
        .succeeds();
        assert_eq!(o.stderr(), "", "{}", o.dump());
        compose(&s, &dir, &["up", "-d", "tool"]).succeeds();
        compose(&s, &dir, &["exec", "-T", "tool", "cat", "/msg"])
            .succeeds()
            .stdout_is("flag\n");

        down_leaves_nothing_by(&s, &dir, "builds", &["down", "-v", "--rmi", "local"]);
        s.tug(["image", "inspect", "builds-web"]).fails();
        s.tug(["image", "inspect", "mine:2"]).succeeds();
    }
}

#[test]
fn up_builds_a_missing_image_and_no_build_refuses() {
    for s in stacks() {
        let dir = fixture(&s, "lazy", &[]);
        compose(&s, &dir, &["up", "-d", "--no-build"]).fails();
        s.tug(["ps", "-aq"]).succeeds().stdout_is("");
        // Without --build, the missing image is built anyway.
        let o = compose(&s, &dir, &["up", "-d"]).succeeds();
        assert!(o.stderr().contains(" Service app  Built"), "{}", o.dump());
        s.tug([
            "image",
            "inspect",
            "--format",
            "{{index .Config.Labels \"built.by\"}}",
            "lazy-app",
        ])
        .succeeds()
        .stdout_is("compose\n");
        compose(&s, &dir, &["wait", "app"]).succeeds();
        compose(&s, &dir, &["logs", "--no-log-prefix", "app"])
            .succeeds()
            .stdout_is("final\n");
        // Present now: a second `up` does not build again.
        let o = compose(&s, &dir, &["up", "-d"]).succeeds();
        assert!(!o.stderr().contains("Built"), "{}", o.dump());
        down_leaves_nothing_by(&s, &dir, "lazy", &["down", "-v", "--rmi", "local"]);
        s.tug(["image", "inspect", "lazy-app"]).fails();
    }
}
