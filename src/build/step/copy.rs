//! `COPY` and `ADD`: the files to add are gathered first (globs expanded
//! in the context or the `--from` image, `.dockerignore` and `--exclude`
//! applied, each file hashed with its mode, owner and link target: the
//! cache key), then written straight into a layer tar — no container, no
//! unpacked copy. Docker's rules: a directory source gives its contents;
//! a destination ending in `/`, or one that is a directory in the image,
//! takes sources by name; a relative destination is under `WORKDIR`;
//! missing parent directories are made (owned by `--chown`). `ADD`
//! also extracts a local tar archive and fetches an http(s) URL.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::Plan;
use crate::build::cache::Inputs;
use crate::build::dockerfile::{CopyArgs, Step};
use crate::build::exec::{Builder, State};
use crate::build::hashes::hash_reader;
use crate::build::ignore::Ignore;
use crate::build::tree::{clean, Empty, Kind, Merged, Node, Tree};
use crate::build::BuildError;
use crate::image::Image;
use crate::layer::LayerBlob;

/// Where an item's bytes come from.
enum Src {
    /// A directory made for the copy (no source).
    Made,
    /// `rel` in tree `tree` (see [`CopyPlan::trees`]; `None`: the context).
    Tree(Option<usize>, PathBuf),
    /// A heredoc's body.
    Bytes(Vec<u8>),
    /// A downloaded file (removed with the plan).
    Download(PathBuf),
    /// A local archive, extracted under `dest`.
    Archive(Option<usize>, PathBuf),
}

struct Item {
    /// The path in the layer (relative, no leading `/`).
    dest: PathBuf,
    node: Node,
    src: Src,
}

/// A planned copy.
pub(in crate::build) struct CopyPlan {
    items: Vec<Item>,
    trees: Vec<Merged>,
    owner: Option<(u32, u32)>,
}

impl Drop for CopyPlan {
    fn drop(&mut self) {
        for i in &self.items {
            if let Src::Download(p) = &i.src {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// The image's files as a tree (its snapshots unpacked if needed).
pub(in crate::build) fn image_tree(
    b: &Builder,
    line: usize,
    img: &Image,
) -> Result<Merged, BuildError> {
    let lowers = crate::store::snapshots::prepare(b.store, img).map_err(|e| b.fail(line, e))?;
    Merged::new(&lowers).map_err(|e| b.fail(line, e))
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The paths in `tree` matching `pattern` (Go's filepath.Match per part).
fn expand(tree: &dyn Tree, pattern: &Path) -> Vec<PathBuf> {
    let mut found = vec![PathBuf::new()];
    for part in pattern.iter() {
        let part = part.to_string_lossy();
        let mut next = Vec::new();
        for base in &found {
            if has_glob(&part) {
                for name in tree.list(base).unwrap_or_default() {
                    if crate::build::glob::matches(&part, &name.to_string_lossy(), false) {
                        next.push(base.join(name));
                    }
                }
            } else {
                next.push(base.join(part.as_ref()));
            }
        }
        found = next;
    }
    found.retain(|p| tree.stat(p).is_some());
    found
}

/// `--chown=user[:group]`: numbers, or names from the image's
/// `/etc/passwd` and `/etc/group` (read inside its root).
fn owner(
    b: &Builder,
    line: usize,
    dest: &dyn Lookup,
    spec: &str,
) -> Result<(u32, u32), BuildError> {
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let find = |file: &str, name: &str| -> Option<(u32, u32)> {
        let text = dest.small(file)?;
        String::from_utf8_lossy(&text).lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() >= 3 && f[0] == name).then(|| {
                (
                    f[2].parse().unwrap_or(0),
                    f.get(3).and_then(|g| g.parse().ok()).unwrap_or(0),
                )
            })
        })
    };
    let (uid, primary) = match user.parse::<u32>() {
        Ok(n) => (n, n),
        Err(_) => find("etc/passwd", user).ok_or_else(|| {
            b.fail(
                line,
                format!("--chown={spec}: no user {user:?} in the image's /etc/passwd"),
            )
        })?,
    };
    let gid = match group {
        None => primary,
        Some(g) => match g.parse::<u32>() {
            Ok(n) => n,
            Err(_) => find("etc/group", g).map(|(gid, _)| gid).ok_or_else(|| {
                b.fail(
                    line,
                    format!("--chown={spec}: no group {g:?} in the image's /etc/group"),
                )
            })?,
        },
    };
    Ok((uid, gid))
}

/// Small reads of the destination image (`--chown` names).
trait Lookup {
    fn small(&self, rel: &str) -> Option<Vec<u8>>;
}

impl Lookup for Option<Merged> {
    fn small(&self, rel: &str) -> Option<Vec<u8>> {
        self.as_ref()?.read_small(Path::new(rel), 1 << 20)
    }
}

fn dir_node(owner: (u32, u32)) -> Node {
    Node {
        kind: Kind::Dir,
        mode: 0o755,
        uid: owner.0,
        gid: owner.1,
        size: 0,
        mtime: chrono::Utc::now().timestamp(),
        stamp: Default::default(),
    }
}

/// The directories on the way to `dest` that the image lacks.
fn missing_dirs(dest_tree: &Option<Merged>, dir: &Path, owner: (u32, u32), out: &mut Vec<Item>) {
    let mut p = PathBuf::new();
    for c in dir.iter() {
        p.push(c);
        let exists = match dest_tree {
            Some(t) => t.stat(&p).is_some(),
            None => false,
        };
        if !exists && !out.iter().any(|i| i.dest == p) {
            out.push(Item {
                dest: p.clone(),
                node: dir_node(owner),
                src: Src::Made,
            });
        }
    }
}

/// A plan that only makes directory `abs` (for `WORKDIR`).
pub(in crate::build) fn mkdir_plan(
    b: &Builder,
    st: &State,
    abs: &str,
) -> Result<CopyPlan, BuildError> {
    let dest_tree = match &st.image {
        Some(img) => Some(image_tree(b, 0, img)?),
        None => None,
    };
    let mut items = Vec::new();
    let rel = match &dest_tree {
        Some(t) => t.resolve(Path::new(abs), true),
        None => clean(Path::new(abs)),
    };
    missing_dirs(&dest_tree, &rel, (0, 0), &mut items);
    Ok(CopyPlan {
        items,
        trees: Vec::new(),
        owner: None,
    })
}

fn is_archive(f: &mut std::fs::File) -> bool {
    let mut head = [0u8; 512];
    let n = f.read(&mut head).unwrap_or(0);
    let head = &head[..n];
    head.starts_with(&[0x1f, 0x8b])
        || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
        || head.get(257..262) == Some(b"ustar")
}

/// The most an `ADD <url>` downloads.
const MAX_DOWNLOAD: u64 = 8 << 30;

fn download(b: &Builder, line: usize, url: &str) -> Result<PathBuf, BuildError> {
    let fail = |e: String| b.fail(line, format!("ADD {url}: {e}"));
    let client = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let mut resp = client
        .get(url)
        .send()
        .and_then(|r| r.error_for_status())
        .map_err(|e| fail(e.to_string()))?;
    let path = b.store.tmp_path("add-url");
    let mut f = std::fs::File::create(&path).map_err(|e| fail(e.to_string()))?;
    let copied = std::io::copy(&mut (&mut resp).take(MAX_DOWNLOAD + 1), &mut f);
    drop(client);
    match copied {
        Ok(n) if n <= MAX_DOWNLOAD => Ok(path),
        Ok(_) => {
            let _ = std::fs::remove_file(&path);
            Err(fail(format!("larger than {MAX_DOWNLOAD} bytes")))
        }
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            Err(fail(e.to_string()))
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn plan(
    b: &mut Builder,
    st: &State,
    s: &Step,
    c: &CopyArgs,
    add: bool,
    stage_index: usize,
    _n: usize,
) -> Result<Plan, BuildError> {
    let line = s.line;
    let kw = if add { "ADD" } else { "COPY" };
    let word = |w: &str| st.scope.word(w).map_err(|e| b.fail(line, e));
    let mut text = vec![kw.to_string()];
    let from = c.from.as_deref().map(word).transpose()?;
    let chown = c.chown.as_deref().map(word).transpose()?;
    let chmod = match c.chmod.as_deref().map(word).transpose()? {
        None => None,
        Some(m) => Some(
            u32::from_str_radix(&m, 8)
                .ok()
                .filter(|v| *v <= 0o7777)
                .ok_or_else(|| b.fail(line, format!("--chmod={m}: not an octal mode")))?,
        ),
    };
    let excludes: Vec<String> = c
        .excludes
        .iter()
        .map(|e| word(e))
        .collect::<Result<_, _>>()?;
    for (flag, v) in [("from", &from), ("chown", &chown)] {
        if let Some(v) = v {
            text.push(format!("--{flag}={v}"));
        }
    }
    if let Some(m) = chmod {
        text.push(format!("--chmod={m:o}"));
    }
    if c.parents {
        text.push("--parents".into());
    }
    for e in &excludes {
        text.push(format!("--exclude={e}"));
    }
    let dest_word = word(&c.dest)?;
    let mut sources = Vec::new();
    for src in &c.sources {
        if src.starts_with("<<") {
            sources.push(src.clone());
        } else {
            sources.push(word(src)?);
        }
    }
    text.extend(sources.iter().cloned());
    text.push(dest_word.clone());
    let text = text.join(" ");

    // The destination, in the image as it stands.
    let dest_tree = match &st.image {
        Some(img) => Some(image_tree(b, line, img)?),
        None => None,
    };
    let owner_ids = match &chown {
        Some(spec) => Some(owner(b, line, &dest_tree, spec)?),
        None => None,
    };
    let abs = if dest_word.starts_with('/') {
        dest_word.clone()
    } else {
        format!("{}/{dest_word}", st.workdir())
    };
    let wants_dir = dest_word.ends_with('/') || dest_word.ends_with("/.") || dest_word == ".";
    let dest_rel = match &dest_tree {
        Some(t) => t.resolve(Path::new(&abs), true),
        None => clean(Path::new(&abs)),
    };
    let dest_is_dir = wants_dir
        || dest_tree
            .as_ref()
            .and_then(|t| t.stat(&dest_rel))
            .is_some_and(|n| n.kind == Kind::Dir);

    // The source tree.
    let mut trees: Vec<Merged> = Vec::new();
    let from_tree: Option<usize> = match &from {
        None => None,
        Some(name) => match b.source(line, stage_index, name)? {
            Some(img) => {
                trees.push(image_tree(b, line, &img)?);
                Some(0)
            }
            None => None,
        },
    };
    let empty = Empty;
    let exclude = Ignore::parse(&excludes.join("\n"));
    let mut items: Vec<Item> = Vec::new();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut matched: Vec<(String, Src, Node, PathBuf)> = Vec::new();
    for src in &sources {
        if let Some(name) = src.strip_prefix("<<") {
            let name = name.trim_start_matches('-').trim_matches(['"', '\'']);
            let doc = c
                .heredocs
                .iter()
                .find(|h| h.name == name)
                .ok_or_else(|| b.fail(line, format!("{kw}: no heredoc named {name}")))?;
            let data = doc.content.clone().into_bytes();
            files.insert(format!("<<{name}"), hex::encode(Sha256::digest(&data)));
            let node = Node {
                kind: Kind::File,
                mode: 0o644,
                uid: 0,
                gid: 0,
                size: data.len() as u64,
                mtime: chrono::Utc::now().timestamp(),
                stamp: Default::default(),
            };
            matched.push((
                name.to_string(),
                Src::Bytes(data),
                node,
                PathBuf::from(name),
            ));
            continue;
        }
        if add && (src.starts_with("http://") || src.starts_with("https://")) {
            let path = download(b, line, src)?;
            let hash = std::fs::File::open(&path)
                .and_then(hash_reader)
                .map_err(|e| b.fail(line, e))?;
            if let Some(want) = &c.checksum {
                let want = st.scope.word(want).map_err(|e| b.fail(line, e))?;
                if want.strip_prefix("sha256:") != Some(hash.as_str()) {
                    let _ = std::fs::remove_file(&path);
                    return Err(b.fail(
                        line,
                        format!("ADD {src}: checksum mismatch: want {want}, got sha256:{hash}"),
                    ));
                }
            }
            files.insert(src.clone(), hash);
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let name = src
                .split(['?', '#'])
                .next()
                .unwrap_or(src)
                .rsplit('/')
                .find(|p| !p.is_empty())
                .unwrap_or("download")
                .to_string();
            let node = Node {
                kind: Kind::File,
                mode: 0o600,
                uid: 0,
                gid: 0,
                size,
                mtime: chrono::Utc::now().timestamp(),
                stamp: Default::default(),
            };
            matched.push((src.clone(), Src::Download(path), node, PathBuf::from(name)));
            continue;
        }
        let tree: &dyn Tree = match (from_tree, &b.req.context) {
            (Some(i), _) => &trees[i],
            (None, Some(ctx)) if from.is_none() => ctx,
            _ => &empty,
        };
        let pattern = clean(Path::new(src));
        let pattern = match from_tree {
            Some(i) if !has_glob(src) => trees[i].resolve(&pattern, true),
            _ => pattern,
        };
        let hits = expand(tree, &pattern);
        if hits.is_empty() {
            let what = match &from {
                Some(f) => format!("{kw} --from={f}: {src}: not found"),
                None => format!(
                    "{kw} failed: file not found in build context or excluded by .dockerignore: stat {src}: file does not exist"
                ),
            };
            return Err(b.fail(line, what));
        }
        for rel in hits {
            let node = tree.stat(&rel).expect("expand keeps existing paths");
            let label = match &from {
                Some(f) => format!("{f}:{}", rel.display()),
                None => rel.display().to_string(),
            };
            let base_name = rel.file_name().map(PathBuf::from).unwrap_or_default();
            let keep = if c.parents { rel.clone() } else { base_name };
            let archive = add && from.is_none() && node.kind == Kind::File && {
                tree.open(&rel)
                    .map(|mut f| is_archive(&mut f))
                    .unwrap_or(false)
            };
            let src_ref = if archive {
                Src::Archive(from_tree, rel.clone())
            } else {
                Src::Tree(from_tree, rel.clone())
            };
            matched.push((label, src_ref, node, keep));
        }
    }
    let many = matched.len() > 1 || matched.iter().any(|m| matches!(m.1, Src::Archive(..)));
    if many && !dest_is_dir && matched.iter().filter(|m| m.2.kind != Kind::Dir).count() > 1 {
        return Err(b.fail(
            line,
            format!("When using {kw} with more than one source file, the destination must be a directory and end with a /"),
        ));
    }
    let dir_owner = owner_ids.unwrap_or((0, 0));
    for (label, src, node, keep) in matched {
        let tree: &dyn Tree = match (&src, from_tree, &b.req.context) {
            (Src::Tree(Some(i), _) | Src::Archive(Some(i), _), _, _) => &trees[*i],
            (Src::Tree(None, _) | Src::Archive(None, _), _, Some(ctx)) => ctx,
            _ => &empty,
        };
        match (&src, &node.kind) {
            (Src::Tree(t, rel), Kind::Dir) => {
                let target = if c.parents {
                    dest_rel.join(rel)
                } else {
                    dest_rel.clone()
                };
                missing_dirs(&dest_tree, &target, dir_owner, &mut items);
                let walk = Walk {
                    tree,
                    t: *t,
                    top: rel,
                    exclude: &exclude,
                };
                walk_dir(b, line, &walk, rel, &target, &label, &mut files, &mut items)?;
            }
            (Src::Archive(..), _) => {
                missing_dirs(&dest_tree, &dest_rel, dir_owner, &mut items);
                let hash = tree
                    .open(match &src {
                        Src::Archive(_, r) => r,
                        _ => unreachable!(),
                    })
                    .and_then(hash_reader)
                    .map_err(|e| b.fail(line, e))?;
                files.insert(label, hash);
                items.push(Item {
                    dest: dest_rel.clone(),
                    node,
                    src,
                });
            }
            _ => {
                let target = if dest_is_dir || c.parents {
                    dest_rel.join(&keep)
                } else {
                    dest_rel.clone()
                };
                if let Some(parent) = target.parent() {
                    missing_dirs(&dest_tree, parent, dir_owner, &mut items);
                }
                if let Src::Tree(t, rel) = &src {
                    if exclude.excluded(&rel.to_string_lossy()) {
                        continue;
                    }
                    files.insert(
                        label,
                        content_hash(b, t.is_none(), tree, rel, &node)
                            .map_err(|e| b.fail(line, e))?,
                    );
                }
                items.push(Item {
                    dest: target,
                    node,
                    src,
                });
            }
        }
    }
    // The owner: `--chown`, else root for the context (and heredocs,
    // downloads); files from an image keep theirs.
    for i in items.iter_mut() {
        if let Some((u, g)) = owner_ids {
            i.node.uid = u;
            i.node.gid = g;
        } else if matches!(i.src, Src::Tree(None, _) | Src::Bytes(_) | Src::Download(_)) {
            i.node.uid = 0;
            i.node.gid = 0;
        }
        if let (Some(m), false) = (chmod, matches!(i.src, Src::Made)) {
            i.node.mode = m;
        }
    }
    Ok(Plan {
        inputs: Inputs {
            text: text.clone(),
            files,
            ..Default::default()
        },
        created_by: format!("{text} # buildkit"),
        work: super::Work::Copy(CopyPlan {
            items,
            trees,
            owner: owner_ids,
        }),
    })
}

/// What a file is, for the cache key: kind, mode, owner, link target and
/// content. A context file's content digest goes through the context
/// hash cache (`in_context`).
fn content_hash(
    b: &Builder,
    in_context: bool,
    tree: &dyn Tree,
    rel: &Path,
    n: &Node,
) -> std::io::Result<String> {
    let body = match (&n.kind, &b.req.context) {
        (Kind::File, Some(ctx)) if in_context => {
            b.hashes
                .digest(&ctx.root.path().join(clean(rel)), n, || tree.open(rel))?
        }
        (Kind::File, _) => hash_reader(tree.open(rel)?)?,
        (Kind::Symlink(t), _) => format!("-> {}", t.display()),
        _ => String::new(),
    };
    let kind = match n.kind {
        Kind::File => 'f',
        Kind::Dir => 'd',
        Kind::Symlink(_) => 'l',
        Kind::Other => 'o',
    };
    Ok(format!("{kind} {:o} {}:{} {body}", n.mode, n.uid, n.gid))
}

/// A directory source being walked.
struct Walk<'a> {
    tree: &'a dyn Tree,
    t: Option<usize>,
    /// The source directory (`--exclude` patterns are relative to it).
    top: &'a Path,
    exclude: &'a Ignore,
}

#[allow(clippy::too_many_arguments)]
fn walk_dir(
    b: &Builder,
    line: usize,
    w: &Walk,
    src: &Path,
    dest: &Path,
    label: &str,
    files: &mut BTreeMap<String, String>,
    items: &mut Vec<Item>,
) -> Result<(), BuildError> {
    let names = w.tree.list(src).map_err(|e| b.fail(line, e))?;
    for name in names {
        let rel = src.join(&name);
        let inner = rel.strip_prefix(w.top).unwrap_or(&rel);
        if w.exclude.excluded(&inner.to_string_lossy()) {
            continue;
        }
        let Some(node) = w.tree.stat(&rel) else {
            continue;
        };
        if node.kind == Kind::Other {
            continue;
        }
        let target = dest.join(&name);
        let key = match label.trim_end_matches('/') {
            "" | "." => name.to_string_lossy().into_owned(),
            l => format!("{l}/{}", name.to_string_lossy()),
        };
        files.insert(
            key.clone(),
            content_hash(b, w.t.is_none(), w.tree, &rel, &node).map_err(|e| b.fail(line, e))?,
        );
        let is_dir = node.kind == Kind::Dir;
        items.push(Item {
            dest: target.clone(),
            node,
            src: Src::Tree(w.t, rel.clone()),
        });
        if is_dir {
            walk_dir(b, line, w, &rel, &target, &key, files, items)?;
        }
    }
    Ok(())
}

fn header(n: &Node, kind: tar::EntryType) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(n.mode);
    h.set_uid(n.uid.into());
    h.set_gid(n.gid.into());
    h.set_mtime(n.mtime.max(0) as u64);
    h.set_size(0);
    h
}

/// Writes the planned items as a layer.
pub(super) fn execute(b: &Builder, line: usize, p: CopyPlan) -> Result<LayerBlob, BuildError> {
    let fail = |e: std::io::Error| b.fail(line, e);
    let writer = crate::layer::upper::LayerWriter::new(b.store).map_err(|e| b.fail(line, e))?;
    let mut t = tar::Builder::new(writer);
    let empty = Empty;
    for i in &p.items {
        let tree: &dyn Tree = match (&i.src, &b.req.context) {
            (Src::Tree(Some(x), _) | Src::Archive(Some(x), _), _) => &p.trees[*x],
            (Src::Tree(None, _) | Src::Archive(None, _), Some(ctx)) => ctx,
            _ => &empty,
        };
        match (&i.src, &i.node.kind) {
            (Src::Made, _) | (Src::Tree(..), Kind::Dir) => {
                let mut h = header(&i.node, tar::EntryType::Directory);
                t.append_data(&mut h, &i.dest, std::io::empty())
                    .map_err(fail)?;
            }
            (Src::Tree(..), Kind::Symlink(target)) => {
                let mut h = header(&i.node, tar::EntryType::Symlink);
                t.append_link(&mut h, &i.dest, target).map_err(fail)?;
            }
            (Src::Tree(_, rel), Kind::File) => {
                let f = tree.open(rel).map_err(fail)?;
                let size = f.metadata().map_err(fail)?.len();
                let mut h = header(&i.node, tar::EntryType::Regular);
                h.set_size(size);
                t.append_data(&mut h, &i.dest, f.take(size)).map_err(fail)?;
            }
            (Src::Bytes(data), _) => {
                let mut h = header(&i.node, tar::EntryType::Regular);
                h.set_size(data.len() as u64);
                t.append_data(&mut h, &i.dest, data.as_slice())
                    .map_err(fail)?;
            }
            (Src::Download(path), _) => {
                let f = std::fs::File::open(path).map_err(fail)?;
                let size = f.metadata().map_err(fail)?.len();
                let mut h = header(&i.node, tar::EntryType::Regular);
                h.set_size(size);
                t.append_data(&mut h, &i.dest, f.take(size)).map_err(fail)?;
            }
            (Src::Archive(_, rel), _) => {
                let f = tree.open(rel).map_err(fail)?;
                extract(&mut t, f, &i.dest, p.owner).map_err(fail)?;
            }
            _ => {}
        }
    }
    let writer = t.into_inner().map_err(fail)?;
    writer
        .finish(Path::new(&format!("{}:{line}", b.df().file)))
        .map_err(|e| b.fail(line, e))
}

/// Copies an archive's entries under `dest` (re-rooted, never above it).
fn extract<W: Write>(
    t: &mut tar::Builder<W>,
    f: std::fs::File,
    dest: &Path,
    owner: Option<(u32, u32)>,
) -> std::io::Result<()> {
    let (_, plain) = crate::layer::decompress(f)?;
    let mut ar = tar::Archive::new(plain);
    for entry in ar.entries()? {
        let mut entry = entry?;
        let path = clean(&entry.path()?);
        if path.as_os_str().is_empty() {
            continue;
        }
        let mut h = entry.header().clone();
        if let Some((u, g)) = owner {
            h.set_uid(u.into());
            h.set_gid(g.into());
        }
        let target = dest.join(&path);
        match h.entry_type() {
            tar::EntryType::Symlink => {
                let link = entry.link_name()?.unwrap_or_default().into_owned();
                t.append_link(&mut h, &target, link)?;
            }
            tar::EntryType::Link => {
                let link = clean(&entry.link_name()?.unwrap_or_default());
                t.append_link(&mut h, &target, dest.join(link))?;
            }
            tar::EntryType::XGlobalHeader | tar::EntryType::XHeader => {}
            _ => {
                t.append_data(&mut h, &target, &mut entry)?;
            }
        }
    }
    Ok(())
}
