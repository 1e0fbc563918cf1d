//! `image-build` / `tug build`: Dockerfiles through the built binary.

mod common;

use common::*;

fn context(s: &Scenario, dockerfile: &str) -> String {
    let dir = s.path().join("ctx");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
    dir.to_str().unwrap().to_string()
}

#[test]
fn check_accepts_a_good_dockerfile() {
    let s = Scenario::new();
    let ctx = context(
        &s,
        "# syntax=docker/dockerfile:1\nARG BASE=busybox\nFROM $BASE AS build\nRUN <<EOF\necho hi > /out\nEOF\nFROM scratch\nCOPY --from=build /out /out\nCMD [\"/out\"]\n",
    );
    s.tug(["build", "--check", &ctx])
        .succeeds()
        .stdout_is("Check complete, no warnings found.\n");
    // The same through the applet name and Docker's other spellings.
    s.applet("image-build", ["--check", &ctx]).succeeds();
    s.tug(["image", "build", "--check", &ctx]).succeeds();
    s.tug(["buildx", "build", "--check", &ctx]).succeeds();
}

#[test]
fn check_reports_warnings_with_lines() {
    let s = Scenario::new();
    let ctx = context(&s, "FROM busybox\nMAINTAINER someone\nCMD echo hi\n");
    let o = s.tug(["build", "--check", &ctx]).succeeds();
    assert_eq!(o.stdout(), "Check complete, 2 warnings have been found!\n");
    assert!(
        o.stderr()
            .contains("Dockerfile:2: warning: MaintainerDeprecated:"),
        "{}",
        o.dump()
    );
    assert!(
        o.stderr()
            .contains("Dockerfile:3: warning: JSONArgsRecommended:"),
        "{}",
        o.dump()
    );
    // `# check=error=true` turns warnings into a failed build.
    let ctx = context(&s, "# check=error=true\nFROM busybox\nCMD echo hi\n");
    s.tug(["build", "--check", &ctx]).fails().code_is(1);
}

#[test]
fn bad_dockerfiles_fail_with_file_and_line() {
    let s = Scenario::new();
    for (text, want) in [
        (
            "FROM busybox\nFOO bar\n",
            "Dockerfile:2: unknown instruction: FOO",
        ),
        (
            "FROM\n",
            "Dockerfile:1: FROM requires either one or three arguments",
        ),
        (
            "FROM busybox\nCOPY onlyone\n",
            "Dockerfile:2: COPY requires at least two arguments",
        ),
        (
            "FROM busybox\nRUN <<EOF\nnever closed\n",
            "Dockerfile:2: heredoc EOF is never closed",
        ),
    ] {
        let ctx = context(&s, text);
        let o = s
            .tug(["build", "--check", &ctx])
            .fails()
            .code_is(1)
            .one_line_error();
        assert!(o.stderr().contains(want), "{text:?}: {}", o.dump());
    }
    // Evaluation errors: every one is listed, then the build fails.
    let ctx = context(&s, "FROM busybox\nEXPOSE http\nCOPY --from=0 a b\n");
    let o = s.tug(["build", "--check", &ctx]).fails().code_is(1);
    assert!(
        o.stderr()
            .contains("Dockerfile:2: error: invalid containerPort: http"),
        "{}",
        o.dump()
    );
    assert!(
        o.stderr().contains("Dockerfile:3: error: COPY --from=0"),
        "{}",
        o.dump()
    );
    // A missing Dockerfile names the path.
    let o = s
        .tug(["build", "--check", "/nonexistent-ctx"])
        .fails()
        .one_line_error();
    assert!(
        o.stderr().contains("/nonexistent-ctx/Dockerfile"),
        "{}",
        o.dump()
    );
    // An unknown --target.
    let ctx = context(&s, "FROM busybox AS one\n");
    let o = s
        .tug(["build", "--check", "--target", "two", &ctx])
        .fails()
        .code_is(1);
    assert!(
        o.stderr()
            .contains("target stage \"two\" could not be found"),
        "{}",
        o.dump()
    );
}

#[test]
fn dockerfile_from_stdin() {
    let s = Scenario::new();
    s.tug(["build", "--check", "-"])
        .stdin("FROM busybox\nRUN true\n")
        .succeeds()
        .stdout_contains("no warnings");
    let ctx = context(&s, "FROM busybox\n");
    s.tug(["build", "--check", "-f", "-", &ctx])
        .stdin("FROM busybox\nBAD x\n")
        .fails()
        .code_is(1)
        .stderr_contains("Dockerfile:2: unknown instruction: BAD");
}

#[test]
fn build_args_reach_from_lines() {
    let s = Scenario::new();
    let ctx = context(&s, "ARG TAG\nFROM busybox${TAG:?required}\n");
    s.tug(["build", "--check", &ctx])
        .fails()
        .code_is(1)
        .stderr_contains("TAG: required");
    s.tug(["build", "--check", "--build-arg", "TAG=:1", &ctx])
        .succeeds();
}
