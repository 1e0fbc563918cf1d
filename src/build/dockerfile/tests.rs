//! Parser tests from the Dockerfile reference: every instruction, both
//! argument forms, and the negative cases with their `file:line` errors.

use super::*;

fn ok(text: &str) -> Dockerfile {
    parse("Dockerfile", text).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    parse("Dockerfile", text).unwrap_err().to_string()
}

fn steps(text: &str) -> Vec<Instruction> {
    ok(text)
        .stages
        .remove(0)
        .steps
        .into_iter()
        .map(|s| s.instruction)
        .collect()
}

#[test]
fn seed_style_file() {
    let df = ok(r#"FROM ubuntu:14.04
MAINTAINER Jane Doe "jane@example.com"
RUN apt-get update
RUN apt-get install -y openssh-server pwgen
RUN mkdir -p /var/run/sshd && sed -i "s/UsePrivilegeSeparation.*/UsePrivilegeSeparation no/g" /etc/ssh/sshd_config
RUN sed -ri 's/^#?PermitRootLogin\s+.*/PermitRootLogin yes/' /etc/ssh/sshd_config
RUN echo "root:root" > /tmp/pw
ADD set_root_pw.sh /set_root_pw.sh
ADD run.sh /run.sh
RUN chmod +x /*.sh
EXPOSE 22
CMD ["/run.sh"]
"#);
    assert_eq!(df.stages.len(), 1);
    let s = &df.stages[0];
    assert_eq!(s.base, "ubuntu:14.04");
    assert_eq!(s.steps.len(), 11);
    assert_eq!(
        s.steps[0].instruction,
        Instruction::Maintainer(r#"Jane Doe "jane@example.com""#.into())
    );
    assert_eq!(s.steps[4].line, 6);
    assert_eq!(
        s.steps[4].text,
        r#"RUN sed -ri 's/^#?PermitRootLogin\s+.*/PermitRootLogin yes/' /etc/ssh/sshd_config"#
    );
    assert_eq!(
        s.steps[9].instruction,
        Instruction::Expose(vec!["22".into()])
    );
    assert_eq!(
        s.steps[10].instruction,
        Instruction::Cmd(Command::Exec(vec!["/run.sh".into()]))
    );
    match &s.steps[6].instruction {
        Instruction::Add(c) => {
            assert_eq!(c.sources, ["set_root_pw.sh"]);
            assert_eq!(c.dest, "/set_root_pw.sh");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn stages_targets_and_global_args() {
    let df = ok("ARG BASE=busybox\nARG V\nFROM $BASE AS Build\nRUN make\nFROM --platform=linux/amd64 scratch as final\nCOPY --from=build /out /\nFROM build\n");
    assert_eq!(df.global_args.len(), 2);
    assert_eq!(
        df.global_args[0],
        ArgDecl {
            name: "BASE".into(),
            default: Some("busybox".into())
        }
    );
    assert_eq!(df.stages.len(), 3);
    assert_eq!(df.stages[0].name.as_deref(), Some("build"));
    assert_eq!(df.stages[1].platform.as_deref(), Some("linux/amd64"));
    assert_eq!(df.stage("BUILD").unwrap().index, 0);
    assert_eq!(df.stage("1").unwrap().name.as_deref(), Some("final"));
    assert!(df.stage("7").is_none());
    match &df.stages[1].steps[0].instruction {
        Instruction::Copy(c) => assert_eq!(c.from.as_deref(), Some("build")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_instruction() {
    let s = steps(
        r#"FROM x
RUN --mount=type=cache,target=/root/.cache --mount=type=tmpfs,target=/t --network=none echo hi
RUN ["echo", "exec form"]
CMD echo shell form
ENTRYPOINT ["/bin/tool", "--flag"]
LABEL a=1 "b c"="two words" d=
LABEL legacy value here
ENV A=1 B="x y"
ENV LEGACY the rest of it
ADD --chown=1:2 --chmod=0644 --checksum=sha256:abc https://example.invalid/f /f
COPY --link --parents --exclude=*.tmp --exclude=*.log a b/ /dst/
COPY ["with space", "/dst dir/"]
VOLUME ["/a", "/b"]
VOLUME /c /d
USER app:app
WORKDIR /srv/app
ARG X Y=2
ONBUILD RUN echo triggered
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --retries=3 CMD wget -q localhost || exit 1
HEALTHCHECK NONE
SHELL ["/bin/bash", "-c"]
"#,
    );
    match &s[0] {
        Instruction::Run(r) => {
            assert_eq!(
                r.mounts,
                ["type=cache,target=/root/.cache", "type=tmpfs,target=/t"]
            );
            assert_eq!(r.network.as_deref(), Some("none"));
            assert_eq!(r.command, Command::Shell("echo hi".into()));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&s[1], Instruction::Run(r) if r.command == Command::Exec(vec!["echo".into(), "exec form".into()]))
    );
    assert_eq!(
        s[2],
        Instruction::Cmd(Command::Shell("echo shell form".into()))
    );
    match &s[4] {
        Instruction::Label(kv) => {
            assert_eq!(kv.len(), 3);
            assert_eq!(
                (kv[1].key.as_str(), kv[1].value.as_str()),
                ("\"b c\"", "\"two words\"")
            );
            assert_eq!(kv[2].value, "");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s[5],
        Instruction::Label(vec![KeyValue {
            key: "legacy".into(),
            value: "value here".into()
        }])
    );
    assert_eq!(
        s[7],
        Instruction::Env(vec![KeyValue {
            key: "LEGACY".into(),
            value: "the rest of it".into()
        }])
    );
    match &s[8] {
        Instruction::Add(c) => {
            assert_eq!(c.chown.as_deref(), Some("1:2"));
            assert_eq!(c.chmod.as_deref(), Some("0644"));
            assert_eq!(c.checksum.as_deref(), Some("sha256:abc"));
        }
        other => panic!("{other:?}"),
    }
    match &s[9] {
        Instruction::Copy(c) => {
            assert!(c.link && c.parents);
            assert_eq!(c.excludes, ["*.tmp", "*.log"]);
            assert_eq!(c.sources, ["a", "b/"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&s[10], Instruction::Copy(c) if c.json && c.sources == ["with space"] && c.dest == "/dst dir/")
    );
    assert_eq!(s[11], Instruction::Volume(vec!["/a".into(), "/b".into()]));
    assert_eq!(s[12], Instruction::Volume(vec!["/c".into(), "/d".into()]));
    assert_eq!(
        s[15].clone(),
        Instruction::Arg(vec![
            ArgDecl {
                name: "X".into(),
                default: None
            },
            ArgDecl {
                name: "Y".into(),
                default: Some("2".into())
            },
        ])
    );
    assert_eq!(s[16], Instruction::Onbuild("RUN echo triggered".into()));
    assert!(
        matches!(&s[18], Instruction::Healthcheck(Some(h)) if h.interval.as_deref() == Some("5s") && h.retries.as_deref() == Some("3"))
    );
    assert_eq!(s[19], Instruction::Healthcheck(None));
    assert_eq!(
        s[20],
        Instruction::Shell(vec!["/bin/bash".into(), "-c".into()])
    );
}

#[test]
fn heredoc_instructions() {
    let s = steps("FROM x\nRUN <<EOF\nset -e\necho one\nEOF\nRUN python3 <<'PY' > /out\nprint('$HOME')\nPY\nCOPY <<A <<-B /dst/\na\nA\n\tb\nB\n");
    match &s[0] {
        Instruction::Run(r) => {
            assert_eq!(r.command, Command::Shell("<<EOF".into()));
            assert_eq!(r.heredocs[0].content, "set -e\necho one\n");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&s[1], Instruction::Run(r) if r.heredocs[0].quoted && r.heredocs[0].content == "print('$HOME')\n")
    );
    match &s[2] {
        Instruction::Copy(c) => {
            assert_eq!(c.sources, ["<<A", "<<-B"]);
            assert_eq!(c.heredocs[1].content, "b\n");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn json_that_does_not_parse_is_shell_form() {
    let s = steps("FROM x\nCMD [\"unclosed\"\nENTRYPOINT [1, 2]\n");
    assert_eq!(
        s[0],
        Instruction::Cmd(Command::Shell("[\"unclosed\"".into()))
    );
    assert_eq!(
        s[1],
        Instruction::Entrypoint(Command::Shell("[1, 2]".into()))
    );
}

#[test]
fn negative_cases() {
    assert_eq!(
        err("FROM x\nFOO bar\n"),
        "Dockerfile:2: unknown instruction: FOO"
    );
    assert_eq!(
        err("RUN true\n"),
        "Dockerfile:1: RUN before the first FROM: no build stage in current context"
    );
    assert_eq!(
        err("# just a comment\n"),
        "Dockerfile:1: the Dockerfile has no FROM"
    );
    assert_eq!(
        err("FROM\n"),
        "Dockerfile:1: FROM requires either one or three arguments (FROM image [AS name])"
    );
    assert_eq!(
        err("FROM a b\n"),
        "Dockerfile:1: FROM requires either one or three arguments (FROM image [AS name])"
    );
    assert_eq!(err("FROM a AS 1x\n"), "Dockerfile:1: invalid stage name \"1x\": it must start with a letter and hold only letters, digits, '-', '_' and '.'");
    assert_eq!(
        err("FROM a AS s\nFROM b AS S\n"),
        "Dockerfile:2: duplicate stage name \"s\""
    );
    assert_eq!(
        err("FROM x\nCOPY onlyone\n"),
        "Dockerfile:2: COPY requires at least two arguments: a source and a destination"
    );
    assert_eq!(
        err("FROM x\nCOPY --frm=a b c\n"),
        "Dockerfile:2: COPY: unknown flag: --frm"
    );
    assert_eq!(
        err("FROM x\nCOPY --from a b\n"),
        "Dockerfile:2: COPY: flag --from needs a value"
    );
    assert_eq!(
        err("FROM x\nCMD --help\n"),
        "Dockerfile:2: CMD: unknown flag: --help"
    );
    assert_eq!(
        err("FROM x\nSHELL /bin/sh -c\n"),
        "Dockerfile:2: SHELL requires the arguments to be in JSON form"
    );
    assert_eq!(
        err("FROM x\nONBUILD ONBUILD RUN x\n"),
        "Dockerfile:2: ONBUILD is not allowed as an ONBUILD trigger"
    );
    assert_eq!(
        err("FROM x\nONBUILD BOGUS x\n"),
        "Dockerfile:2: unknown instruction: BOGUS"
    );
    assert_eq!(
        err("FROM x\nENV\n"),
        "Dockerfile:2: ENV requires at least one argument"
    );
    assert_eq!(
        err("FROM x\nENV A=1 =2\n"),
        "Dockerfile:2: ENV: invalid argument \"=2\": expected NAME=VALUE"
    );
    assert_eq!(
        err("FROM x\nHEALTHCHECK --interval=1s\n"),
        "Dockerfile:2: HEALTHCHECK requires NONE or CMD followed by a command"
    );
    assert_eq!(
        err("FROM x\n\nRUN <<EOF\nnever closed\n"),
        "Dockerfile:3: heredoc EOF is never closed"
    );
    assert_eq!(
        err("FROM x\nCOPY --link --link a b\n"),
        "Dockerfile:2: COPY: flag --link given more than once"
    );
}
