//! The variables a Dockerfile line sees: the base image's `Env` and the
//! stage's `ENV`s, then the `ARG`s declared so far (whose values come from
//! `--build-arg`, else their defaults). `ENV` wins over an `ARG` of the
//! same name. `ARG`s before the first `FROM` are global: they expand the
//! `FROM` lines, and a stage sees one only if it declares it again.
//! BuildKit's platform arguments (`TARGETARCH`...) are predefined globals.

use std::collections::BTreeMap;

use super::dockerfile::words::{self, ExpandError};
use super::dockerfile::ArgDecl;

/// The build arguments given on the command line and the platform.
#[derive(Debug, Clone, Default)]
pub struct BuildArgs {
    /// `--build-arg NAME=VALUE` (a `NAME` alone takes the caller's env).
    pub given: BTreeMap<String, String>,
    /// `os/arch[/variant]` of the build and the target (the host's).
    pub platform: String,
}

impl BuildArgs {
    /// BuildKit's automatic platform arguments.
    fn predefined(&self) -> Vec<(String, String)> {
        let mut parts = self.platform.splitn(3, '/');
        let os = parts.next().unwrap_or("linux").to_string();
        let arch = parts.next().unwrap_or("amd64").to_string();
        let variant = parts.next().unwrap_or("").to_string();
        let mut out = Vec::new();
        for side in ["TARGET", "BUILD"] {
            out.push((format!("{side}PLATFORM"), self.platform.clone()));
            out.push((format!("{side}OS"), os.clone()));
            out.push((format!("{side}ARCH"), arch.clone()));
            out.push((format!("{side}VARIANT"), variant.clone()));
        }
        out
    }
}

/// Variables in scope at one point of a stage.
#[derive(Debug, Clone)]
pub struct Scope {
    escape: char,
    /// `NAME=value` in order, as an image config keeps them.
    env: Vec<(String, String)>,
    /// Declared `ARG`s with their values (None: declared, no value).
    args: Vec<(String, Option<String>)>,
    /// Global `ARG`s, for a stage's `ARG NAME` without a default.
    globals: Vec<(String, Option<String>)>,
}

impl Scope {
    /// The scope of the `FROM` lines: the global `ARG`s.
    pub fn global(
        decls: &[ArgDecl],
        build: &BuildArgs,
        escape: char,
    ) -> Result<Scope, ExpandError> {
        let mut s = Scope {
            escape,
            env: Vec::new(),
            args: build
                .predefined()
                .into_iter()
                .map(|(k, v)| (k, Some(v)))
                .collect(),
            globals: Vec::new(),
        };
        for d in decls {
            s.declare(d, build)?;
        }
        s.globals = s.args.clone();
        Ok(s)
    }

    /// A stage's scope: the base image's environment; globals stay
    /// reachable through `ARG NAME`.
    pub fn stage(&self, base_env: &[String]) -> Scope {
        Scope {
            escape: self.escape,
            env: base_env
                .iter()
                .map(|e| match e.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (e.clone(), String::new()),
                })
                .collect(),
            args: Vec::new(),
            globals: self.globals.clone(),
        }
    }

    pub fn lookup(&self, name: &str) -> Option<String> {
        if let Some((_, v)) = self.env.iter().rev().find(|(k, _)| k == name) {
            return Some(v.clone());
        }
        self.args
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.clone())
    }

    /// Expands one word (quotes removed, blanks kept).
    pub fn word(&self, w: &str) -> Result<String, ExpandError> {
        words::expand(w, self.escape, &|n| self.lookup(n))
    }

    /// Expands an argument string into fields.
    pub fn fields(&self, s: &str) -> Result<Vec<String>, ExpandError> {
        words::expand_fields(s, self.escape, &|n| self.lookup(n))
    }

    /// `ARG name[=default]`.
    pub fn declare(&mut self, d: &ArgDecl, build: &BuildArgs) -> Result<(), ExpandError> {
        let value = match (build.given.get(&d.name), &d.default) {
            (Some(v), _) => Some(v.clone()),
            (None, Some(default)) => Some(self.word(default)?),
            (None, None) => self
                .globals
                .iter()
                .rev()
                .find(|(k, _)| *k == d.name)
                .and_then(|(_, v)| v.clone()),
        };
        self.args.retain(|(k, _)| *k != d.name);
        self.args.push((d.name.clone(), value));
        Ok(())
    }

    /// `ENV name=value` (the value already expanded).
    pub fn set_env(&mut self, name: &str, value: String) {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.to_string(), value));
    }

    /// The environment as an image config keeps it.
    pub fn env(&self) -> Vec<String> {
        self.env.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    /// What a `RUN` gets besides the env: the declared `ARG`s with values
    /// that no `ENV` overrides (they are not kept in the image).
    pub fn run_args(&self) -> Vec<String> {
        self.args
            .iter()
            .filter(|(k, v)| v.is_some() && !self.env.iter().any(|(e, _)| e == k))
            .map(|(k, v)| format!("{k}={}", v.clone().unwrap_or_default()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl(name: &str, default: Option<&str>) -> ArgDecl {
        ArgDecl {
            name: name.into(),
            default: default.map(Into::into),
        }
    }

    #[test]
    fn args_env_and_globals() {
        let build = BuildArgs {
            given: [("TAG".to_string(), "1.2".to_string())].into(),
            platform: "linux/amd64".into(),
        };
        let g = Scope::global(
            &[decl("BASE", Some("busybox")), decl("TAG", Some("latest"))],
            &build,
            '\\',
        )
        .unwrap();
        assert_eq!(g.word("$BASE:$TAG").unwrap(), "busybox:1.2");
        assert_eq!(g.word("$TARGETARCH").unwrap(), "amd64");

        let mut s = g.stage(&["PATH=/bin".into(), "HOME=/root".into()]);
        assert_eq!(s.lookup("BASE"), None, "globals need ARG in the stage");
        s.declare(&decl("BASE", None), &build).unwrap();
        assert_eq!(s.lookup("BASE").as_deref(), Some("busybox"));
        s.declare(&decl("DIR", Some("$HOME/app")), &build).unwrap();
        assert_eq!(s.word("${DIR}").unwrap(), "/root/app");
        s.set_env("DIR", "/srv".into());
        assert_eq!(s.word("$DIR").unwrap(), "/srv", "ENV wins over ARG");
        assert_eq!(s.env(), ["PATH=/bin", "HOME=/root", "DIR=/srv"]);
        assert_eq!(s.run_args(), ["BASE=busybox"]);
        s.declare(&decl("UNSET", None), &build).unwrap();
        assert_eq!(s.lookup("UNSET"), None);
        assert_eq!(s.fields("a $BASE  b").unwrap(), ["a", "busybox", "b"]);
    }
}
