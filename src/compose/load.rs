//! Finding, reading and assembling a project's Compose files into one
//! validated model (see the module doc of `compose`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::merge::{merge, normalize_service};
use super::yaml::{self, Node, Value};
use super::{dotenv, interpolate, validate, ComposeError};

/// The file names looked for, in order, in the working directory and then
/// its parents.
pub const FILE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];
const OVERRIDE_NAMES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];
/// A Compose file larger than this is refused.
const MAX_FILE: u64 = 16 << 20;
/// How deep `extends` and `include` may nest.
const MAX_NESTING: usize = 32;

/// A Compose file: a path, or the text of `-f -`.
#[derive(Debug, Clone)]
pub enum Source {
    Path(PathBuf),
    Stdin(String),
}

/// What `load` is given: the command line's choices and the environment.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `-f`, in order; empty: `COMPOSE_FILE`, else found by name.
    pub files: Vec<Source>,
    /// Where the command runs.
    pub working_dir: PathBuf,
    pub project_directory: Option<PathBuf>,
    /// `-p`.
    pub project_name: Option<String>,
    /// `--env-file` (instead of the project directory's `.env`).
    pub env_files: Vec<PathBuf>,
    /// `--profile`.
    pub profiles: Vec<String>,
    /// The process environment.
    pub environment: BTreeMap<String, String>,
}

/// A loaded project.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub directory: PathBuf,
    /// The files read, as named.
    pub files: Vec<String>,
    /// The normalized, validated model.
    pub model: Node,
    /// The variables interpolation saw (`.env` under the process env).
    pub environment: BTreeMap<String, String>,
}

impl Project {
    /// The services, in file order.
    pub fn services(&self) -> Vec<(&str, &Node)> {
        match self.model.get("services").map(|s| &s.value) {
            Some(Value::Map(m)) => m.iter().map(|(k, v)| (k.as_str(), v)).collect(),
            _ => Vec::new(),
        }
    }
}

fn read(path: &Path) -> Result<String, ComposeError> {
    let rd = |cause| ComposeError::Read {
        path: path.to_path_buf(),
        cause,
    };
    let meta = std::fs::metadata(path).map_err(rd)?;
    if meta.len() > MAX_FILE {
        return Err(ComposeError::TooLarge(path.display().to_string()));
    }
    std::fs::read_to_string(path).map_err(rd)
}

/// The Compose file (and its override file) in `dir` or the nearest parent.
fn discover(dir: &Path) -> Result<Vec<PathBuf>, ComposeError> {
    for d in dir.ancestors() {
        if let Some(main) = FILE_NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file()) {
            let mut files = vec![main];
            if let Some(o) = OVERRIDE_NAMES
                .iter()
                .map(|n| d.join(n))
                .find(|p| p.is_file())
            {
                files.push(o);
            }
            return Ok(files);
        }
    }
    Err(ComposeError::NoFile {
        dir: dir.to_path_buf(),
    })
}

fn absolute(base: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    // Lexical clean-up of `.` and `..`, as Compose prints paths.
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Loads a project.
pub fn load(opts: &LoadOptions) -> Result<Project, ComposeError> {
    let files: Vec<Source> = if !opts.files.is_empty() {
        opts.files.clone()
    } else if let Some(list) = opts
        .environment
        .get("COMPOSE_FILE")
        .filter(|v| !v.is_empty())
    {
        let sep = opts
            .environment
            .get("COMPOSE_PATH_SEPARATOR")
            .map_or(":", String::as_str);
        list.split(sep)
            .map(|f| Source::Path(absolute(&opts.working_dir, Path::new(f))))
            .collect()
    } else {
        discover(&opts.working_dir)?
            .into_iter()
            .map(Source::Path)
            .collect()
    };
    let first_dir = match &files[0] {
        Source::Path(p) => absolute(&opts.working_dir, p)
            .parent()
            .map(Path::to_path_buf),
        Source::Stdin(_) => None,
    };
    let directory = match &opts.project_directory {
        Some(d) => absolute(&opts.working_dir, d),
        None => first_dir.unwrap_or_else(|| opts.working_dir.clone()),
    };
    let environment = environment(opts, &directory)?;
    let mut ctx = Ctx {
        env: &environment,
        depth: 0,
        including: Vec::new(),
    };
    let mut model = Node::new(Value::Map(Vec::new()));
    let mut names = Vec::new();
    for f in &files {
        let (name, text, dir) = match f {
            Source::Path(p) => {
                let p = absolute(&opts.working_dir, p);
                (
                    p.display().to_string(),
                    read(&p)?,
                    p.parent().map_or(directory.clone(), Path::to_path_buf),
                )
            }
            Source::Stdin(t) => ("-".to_string(), t.clone(), directory.clone()),
        };
        let file_model = ctx.file(&name, &text, &dir)?;
        model = merge(model, file_model, "");
        names.push(name);
    }
    let name = project_name(opts, &model, &environment, &directory)?;
    apply_profiles(&mut model, opts, &environment).map_err(|e| match e {
        ComposeError::Invalid { cause, .. } => ComposeError::Invalid {
            file: names.join(", "),
            cause,
        },
        other => other,
    })?;
    env_files(&mut model, &directory)?;
    set(&mut model, "name", Node::new(Value::String(name.clone())));
    // `services:` with nothing under it is an empty mapping, as Compose
    // reads it (and prints it).
    for section in ["services", "networks", "volumes", "secrets", "configs"] {
        if matches!(model.get(section).map(|n| &n.value), Some(Value::Null)) {
            set(&mut model, section, Node::new(Value::Map(Vec::new())));
        }
    }
    reorder(&mut model);
    validate::validate(&model).map_err(|cause| ComposeError::Invalid {
        file: names.join(", "),
        cause,
    })?;
    Ok(Project {
        name,
        directory,
        files: names,
        model,
        environment,
    })
}

/// `.env` (or `--env-file`s) under the process environment.
fn environment(
    opts: &LoadOptions,
    directory: &Path,
) -> Result<BTreeMap<String, String>, ComposeError> {
    let mut env = BTreeMap::new();
    let files: Vec<(PathBuf, bool)> = if opts.env_files.is_empty() {
        vec![(directory.join(".env"), false)]
    } else {
        opts.env_files
            .iter()
            .map(|f| (absolute(&opts.working_dir, f), true))
            .collect()
    };
    for (path, required) in files {
        if !required && !path.exists() {
            continue;
        }
        let text = read(&path)?;
        let lookup = |n: &str| {
            opts.environment
                .get(n)
                .cloned()
                .or_else(|| env.get(n).cloned())
        };
        let pairs = dotenv::parse(&text, &lookup).map_err(|cause| ComposeError::EnvFile {
            path: path.clone(),
            cause,
        })?;
        env.extend(pairs);
    }
    env.extend(opts.environment.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(env)
}

struct Ctx<'a> {
    env: &'a BTreeMap<String, String>,
    depth: usize,
    /// Files being included, to catch cycles.
    including: Vec<PathBuf>,
}

impl Ctx<'_> {
    /// One file: parsed, interpolated, services normalized, `extends` and
    /// `include` resolved.
    fn file(&mut self, name: &str, text: &str, dir: &Path) -> Result<Node, ComposeError> {
        let mut n = self.parse(name, text)?;
        if let Some(Value::Map(services)) = n.get("services").map(|s| s.value.clone()) {
            let mut resolved = Vec::new();
            for (svc_name, _) in &services {
                let mut stack = Vec::new();
                let mut svc = self.service(&services, svc_name, dir, &mut stack)?;
                absolutize(&mut svc, dir);
                resolved.push((svc_name.clone(), svc));
            }
            set(&mut n, "services", Node::new(Value::Map(resolved)));
        }
        if let Some(include) = n.get("include").cloned() {
            remove(&mut n, "include");
            n = self.include(n, &include, dir)?;
        }
        Ok(n)
    }

    fn parse(&self, name: &str, text: &str) -> Result<Node, ComposeError> {
        let mut n = yaml::parse(text).map_err(|cause| ComposeError::Yaml {
            file: name.to_string(),
            cause,
        })?;
        if n.value == Value::Null {
            n.value = Value::Map(Vec::new());
        }
        if !matches!(n.value, Value::Map(_)) {
            return Err(ComposeError::Invalid {
                file: name.to_string(),
                cause: validate::Invalid {
                    path: "(root)".into(),
                    why: "must be a mapping".into(),
                },
            });
        }
        let env = self.env;
        interpolate::node(&mut n, "", &|v| env.get(v).cloned()).map_err(|cause| {
            ComposeError::Interpolate {
                file: name.to_string(),
                cause,
            }
        })?;
        if let Some(Value::Map(services)) = n.get("services").map(|s| s.value.clone()) {
            let normalized = services
                .into_iter()
                .map(|(k, mut v)| {
                    normalize_service(&mut v);
                    (k, v)
                })
                .collect();
            set(&mut n, "services", Node::new(Value::Map(normalized)));
        }
        Ok(n)
    }

    /// A service with its `extends` chain merged in.
    fn service(
        &mut self,
        services: &[(String, Node)],
        name: &str,
        dir: &Path,
        stack: &mut Vec<String>,
    ) -> Result<Node, ComposeError> {
        let bad = |why: String| ComposeError::Extends {
            service: name.to_string(),
            why,
        };
        let Some((_, svc)) = services.iter().find(|(k, _)| k == name) else {
            return Err(ComposeError::NoSuchService(name.to_string()));
        };
        let mut svc = svc.clone();
        let Some(ext) = svc.get("extends").cloned() else {
            return Ok(svc);
        };
        remove(&mut svc, "extends");
        let key = format!("{}:{name}", dir.display());
        if stack.contains(&key) || stack.len() > MAX_NESTING {
            return Err(bad(format!(
                "circular reference: {} -> {key}",
                stack.join(" -> ")
            )));
        }
        stack.push(key);
        let (base_name, file) = match &ext.value {
            Value::String(s) => (s.clone(), None),
            Value::Map(_) => (
                ext.get("service")
                    .and_then(Node::as_str)
                    .ok_or_else(|| bad("needs a service".into()))?
                    .to_string(),
                ext.get("file").and_then(Node::as_str).map(str::to_string),
            ),
            _ => return Err(bad("must be a service name or a mapping".into())),
        };
        let base = match file {
            None => self.service(services, &base_name, dir, stack)?,
            Some(f) => {
                let path = absolute(dir, Path::new(&f));
                let text = read(&path)?;
                let other = self.parse(&path.display().to_string(), &text)?;
                let Some(Value::Map(other_services)) =
                    other.get("services").map(|s| s.value.clone())
                else {
                    return Err(bad(format!("{} has no services", path.display())));
                };
                let other_dir = path.parent().map_or(dir.to_path_buf(), Path::to_path_buf);
                let mut base = self.service(&other_services, &base_name, &other_dir, stack)?;
                absolutize(&mut base, &other_dir);
                base
            }
        };
        stack.pop();
        Ok(merge(base, svc, ""))
    }

    /// Adds the resources of included projects; a name defined twice is an
    /// error.
    fn include(&mut self, mut n: Node, include: &Node, dir: &Path) -> Result<Node, ComposeError> {
        let items = match &include.value {
            Value::Seq(items) => items.clone(),
            _ => vec![include.clone()],
        };
        for item in items {
            let paths: Vec<String> = match (&item.value, item.get("path")) {
                (Value::String(s), _) => vec![s.clone()],
                (
                    _,
                    Some(Node {
                        value: Value::String(s),
                        ..
                    }),
                ) => vec![s.clone()],
                (
                    _,
                    Some(Node {
                        value: Value::Seq(v),
                        ..
                    }),
                ) => v
                    .iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect(),
                _ => {
                    return Err(ComposeError::Include {
                        path: "?".into(),
                        why: "needs a path".into(),
                    })
                }
            };
            for p in paths {
                let path = absolute(dir, Path::new(&p));
                if self.including.contains(&path) || self.depth > MAX_NESTING {
                    return Err(ComposeError::Include {
                        path: p,
                        why: "include cycle".into(),
                    });
                }
                let text = read(&path)?;
                self.including.push(path.clone());
                self.depth += 1;
                let sub_dir = path.parent().map_or(dir.to_path_buf(), Path::to_path_buf);
                let mut sub = self.file(&path.display().to_string(), &text, &sub_dir)?;
                self.depth -= 1;
                self.including.pop();
                if let Some(Value::Map(svcs)) = sub.get("services").map(|s| s.value.clone()) {
                    let relocated = svcs
                        .into_iter()
                        .map(|(k, mut v)| {
                            absolutize(&mut v, &sub_dir);
                            (k, v)
                        })
                        .collect();
                    set(&mut sub, "services", Node::new(Value::Map(relocated)));
                }
                for section in ["services", "networks", "volumes", "secrets", "configs"] {
                    let Some(Value::Map(add)) = sub.get(section).map(|s| s.value.clone()) else {
                        continue;
                    };
                    let mut have = match n.get(section).map(|s| s.value.clone()) {
                        Some(Value::Map(m)) => m,
                        _ => Vec::new(),
                    };
                    for (k, v) in add {
                        if have.iter().any(|(h, _)| *h == k) {
                            return Err(ComposeError::Include {
                                path: p.clone(),
                                why: format!(
                                    "{section}.{k} conflicts with a resource of the including file"
                                ),
                            });
                        }
                        have.push((k, v));
                    }
                    set(&mut n, section, Node::new(Value::Map(have)));
                }
            }
        }
        Ok(n)
    }
}

/// Makes a service's relative paths (build context, bind sources,
/// env files) absolute against `dir`, the directory of the file that
/// wrote them.
fn absolutize(svc: &mut Node, dir: &Path) {
    let fix = |s: &str| -> Option<String> {
        let relative = s == "." || s == ".." || s.starts_with("./") || s.starts_with("../");
        relative.then(|| absolute(dir, Path::new(s)).display().to_string())
    };
    let Value::Map(m) = &mut svc.value else {
        return;
    };
    for (k, v) in m.iter_mut() {
        match (k.as_str(), &mut v.value) {
            ("build", Value::Map(b)) => {
                for (bk, bv) in b.iter_mut() {
                    if let (true, Value::String(s)) = (bk == "context", &mut bv.value) {
                        if let Some(f) = fix(s) {
                            *s = f;
                        }
                    }
                }
            }
            ("env_file", Value::Seq(items)) => {
                for i in items.iter_mut() {
                    if let Value::String(s) = &mut i.value {
                        if let Some(f) = fix(s) {
                            *s = f;
                        }
                    }
                }
            }
            ("volumes", Value::Seq(items)) => {
                for i in items.iter_mut() {
                    match &mut i.value {
                        Value::String(s) => {
                            if let Some((src, rest)) = s.split_once(':') {
                                if let Some(f) = fix(src) {
                                    *s = format!("{f}:{rest}");
                                }
                            }
                        }
                        Value::Map(vm) => {
                            for (vk, vv) in vm.iter_mut() {
                                if let (true, Value::String(src)) = (vk == "source", &mut vv.value)
                                {
                                    if let Some(f) = fix(src) {
                                        *src = f;
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn project_name(
    opts: &LoadOptions,
    model: &Node,
    env: &BTreeMap<String, String>,
    directory: &Path,
) -> Result<String, ComposeError> {
    if let Some(n) = opts
        .project_name
        .as_ref()
        .or(env.get("COMPOSE_PROJECT_NAME"))
        .filter(|n| !n.is_empty())
    {
        return valid_name(n);
    }
    if let Some(n) = model
        .get("name")
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
    {
        return valid_name(n);
    }
    let base = directory
        .file_name()
        .map(|b| b.to_string_lossy().to_string())
        .unwrap_or_default();
    // From a directory name: lower-cased, other characters dropped.
    let n: String = base
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let n = n.trim_start_matches(['-', '_']).to_string();
    valid_name(if n.is_empty() { "default" } else { &n })
}

fn valid_name(n: &str) -> Result<String, ComposeError> {
    let ok = n.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(n.to_string())
    } else {
        Err(ComposeError::ProjectName(n.to_string()))
    }
}

/// Leaves out services whose `profiles` name no active profile; a kept
/// service may not need one left out.
fn apply_profiles(
    model: &mut Node,
    opts: &LoadOptions,
    env: &BTreeMap<String, String>,
) -> Result<(), ComposeError> {
    let mut active: Vec<String> = opts.profiles.clone();
    if let Some(p) = env.get("COMPOSE_PROFILES") {
        active.extend(
            p.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        );
    }
    let all = active.iter().any(|p| p == "*");
    let Some(Value::Map(services)) = model.get("services").map(|s| s.value.clone()) else {
        return Ok(());
    };
    let (kept, dropped): (Vec<_>, Vec<_>) =
        services
            .into_iter()
            .partition(|(_, svc)| match svc.get("profiles").map(|p| &p.value) {
                Some(Value::Seq(ps)) if !ps.is_empty() => {
                    all || ps
                        .iter()
                        .any(|p| p.as_str().is_some_and(|p| active.iter().any(|a| a == p)))
                }
                _ => true,
            });
    for (name, svc) in &kept {
        let Some(Value::Map(deps)) = svc.get("depends_on").map(|d| &d.value) else {
            continue;
        };
        for (dep, cond) in deps {
            let required = cond
                .get("required")
                .is_none_or(|r| r.value != Value::Bool(false));
            if let Some((_, off)) = dropped.iter().find(|(d, _)| d == dep).filter(|_| required) {
                let profiles = off
                    .get("profiles")
                    .map(|p| p.to_json().to_string())
                    .unwrap_or_default();
                return Err(ComposeError::Invalid {
                    file: String::new(),
                    cause: validate::Invalid {
                        path: format!("services.{name}.depends_on"),
                        why: format!("service {dep:?} is disabled; enable it with --profile (its profiles: {profiles})"),
                    },
                });
            }
        }
    }
    set(model, "services", Node::new(Value::Map(kept)));
    Ok(())
}

/// Reads each service's `env_file`s (relative to the project directory)
/// into its `environment`; `environment` wins. A missing file is an error
/// unless it is marked `required: false`.
fn env_files(model: &mut Node, directory: &Path) -> Result<(), ComposeError> {
    let Some(Value::Map(mut services)) = model.get("services").map(|s| s.value.clone()) else {
        return Ok(());
    };
    for (_, svc) in services.iter_mut() {
        let Some(Value::Seq(files)) = svc.get("env_file").map(|f| f.value.clone()) else {
            continue;
        };
        let mut from_files: Vec<(String, String)> = Vec::new();
        let mut paths = Vec::new();
        for f in files {
            let (path, required) = match &f.value {
                Value::String(s) => (s.clone(), true),
                Value::Map(_) => (
                    f.get("path")
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    f.get("required")
                        .is_none_or(|r| r.value != Value::Bool(false)),
                ),
                _ => continue,
            };
            let path = absolute(directory, Path::new(&path));
            paths.push(Node::new(Value::String(path.display().to_string())));
            if !required && !path.exists() {
                continue;
            }
            let text = read(&path)?;
            let pairs = dotenv::parse(&text, &|_| None).map_err(|cause| ComposeError::EnvFile {
                path: path.clone(),
                cause,
            })?;
            from_files.extend(pairs);
        }
        let mut env = match svc.get("environment").map(|e| e.value.clone()) {
            Some(Value::Map(m)) => m,
            _ => Vec::new(),
        };
        for (k, v) in from_files.into_iter().rev() {
            if !env.iter().any(|(e, _)| *e == k) {
                env.insert(0, (k, Node::new(Value::String(v))));
            }
        }
        set(svc, "environment", Node::new(Value::Map(env)));
        set(svc, "env_file", Node::new(Value::Seq(paths)));
    }
    set(model, "services", Node::new(Value::Map(services)));
    Ok(())
}

/// Compose's order at the top: name, services, networks, volumes,
/// secrets, configs, then the rest.
fn reorder(model: &mut Node) {
    const ORDER: &[&str] = &[
        "name", "services", "networks", "volumes", "secrets", "configs",
    ];
    if let Value::Map(m) = &mut model.value {
        m.sort_by_key(|(k, _)| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
    }
}

fn set(n: &mut Node, key: &str, value: Node) {
    if let Value::Map(m) = &mut n.value {
        match m.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => m.push((key.to_string(), value)),
        }
    }
}

fn remove(n: &mut Node, key: &str) {
    if let Value::Map(m) = &mut n.value {
        m.retain(|(k, _)| k != key);
    }
}
